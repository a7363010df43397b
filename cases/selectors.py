"""Reads of pupils, always for a given user."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.db.models.sql.where import WhereNode
from django.shortcuts import get_object_or_404

from cases import identity
from cases.access import student_filter
from cases.models import Guardianship, Student
from portal.access import scope
from portal.accesslog import note
from portal.pupil_page import answered, asked_once_per_page


class VisibleStudents(QuerySet):
    """The pupils a user may see. Asked for one pupil straight away
    (``.filter(pk=...)``, ``.get(pk=...)``, as the pages and services do), it checks
    that pupil alone: each access rule becomes an index probe for the pupil instead
    of the whole set of pupils the rule reaches."""

    _visibility_scope = None

    def _clone(self):
        clone = super()._clone()
        clone._visibility_scope = self._visibility_scope
        return clone

    def filter(self, *args, **kwargs):
        user_scope = self._visibility_scope
        if user_scope is not None and not args and len(kwargs) == 1:
            ((lookup, value),) = kwargs.items()
            if lookup in ("pk", "id", "pk__exact", "id__exact"):
                pk = getattr(value, "pk", value)
                clone = self._chain()
                clone._visibility_scope = None
                clone.query.where = WhereNode()
                return super(VisibleStudents, clone).filter(student_filter(user_scope, pk=pk))
        narrowed = super().filter(*args, **kwargs)
        narrowed._visibility_scope = None
        return narrowed

    def exclude(self, *args, **kwargs):
        rest = super().exclude(*args, **kwargs)
        rest._visibility_scope = None
        return rest


def students_visible_to(user) -> QuerySet[Student]:
    """Every pupil ``user`` may see; none for roles that never see pupils."""
    user_scope = scope(user)
    q = student_filter(user_scope)
    if q is None:
        return Student.objects.none()
    visible = VisibleStudents(model=Student).filter(q)
    visible._visibility_scope = user_scope
    return visible


def _one_student(user, pk: int) -> QuerySet[Student]:
    """The pupil ``pk`` if ``user`` may see it, else an empty queryset: each access
    rule asked about this pupil alone, without building the rules for every pupil."""
    q = student_filter(scope(user), pk=pk)
    return Student.objects.filter(q) if q is not None else Student.objects.none()


@asked_once_per_page
def may_see_student(user, student: Student) -> bool:
    """Whether ``student`` is (still) one of the pupils ``user`` may see."""
    return _one_student(user, student.pk).exists()


def student_get(user, pk: int) -> Student:
    """The pupil with ``pk`` if ``user`` may see it, else 404 (no existence leak)."""
    student = get_object_or_404(
        _one_student(user, pk).select_related("school_unit", "home_district")
    )
    note(students=[student], kinds=["student"])  # the access log
    # Asked just now: a pupil page being built need not ask again.
    answered(may_see_student, user, student, True)
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
        qs = qs.filter(name_matches(word))
    return qs


def name_matches(word: str) -> Q:
    """Pupils with ``word`` anywhere in the first or the last name, any case (the
    trigram indexes of migration 0007 serve it on PostgreSQL)."""
    return Q(first_name__icontains=word) | Q(last_name__icontains=word)


def guardianships_of(user, student: Student) -> QuerySet[Guardianship]:
    """The guardians of a pupil the user may see."""
    if not may_see_student(user, student):
        return Guardianship.objects.none()
    return Guardianship.objects.filter(student=student).select_related("guardian")
