"""Reads of pupils, always for a given user."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from cases import identity
from cases.access import student_filter
from cases.models import Guardianship, Student
from portal.access import scope
from portal.accesslog import note


def students_visible_to(user) -> QuerySet[Student]:
    """Every pupil ``user`` may see; none for roles that never see pupils."""
    q = student_filter(scope(user))
    if q is None:
        return Student.objects.none()
    return Student.objects.filter(q)


def student_get(user, pk: int) -> Student:
    """The pupil with ``pk`` if ``user`` may see it, else 404 (no existence leak)."""
    student = get_object_or_404(
        students_visible_to(user).select_related("school_unit", "home_district"), pk=pk
    )
    note(students=[student], kinds=["student"])  # the access log
    return student


def students_search(user, text: str) -> QuerySet[Student]:
    """Pupils matching ``text``: a personnummer matches exactly, otherwise names.

    A personnummer is never matched by prefix, so the search cannot be used to
    enumerate numbers.
    """
    qs = students_visible_to(user).select_related("school_unit", "home_district")
    text = (text or "").strip()
    if not text:
        return qs
    if identity.looks_like_personnummer(text):
        try:
            return qs.filter(personnummer=identity.normalize_personnummer(text))
        except ValidationError:
            return qs.none()
    for word in text.split()[:4]:
        qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return qs


def guardianships_of(user, student: Student) -> QuerySet[Guardianship]:
    """The guardians of a pupil the user may see."""
    if not students_visible_to(user).filter(pk=student.pk).exists():
        return Guardianship.objects.none()
    return Guardianship.objects.filter(student=student).select_related("guardian")
