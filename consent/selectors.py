"""Reads of consents and overrides, always for a given user."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cases.selectors import may_see_student, students_visible_to
from consent import policy
from consent.models import Consent, Override, side_of_unit
from portal.access import scope
from portal.accesslog import note


@dataclass
class ConsentView:
    consent: Consent
    #: The recording side sees givers, purpose and the document; the other side
    #: sees that the consent exists and what it covers.
    full: bool
    status: str
    parties: list
    categories: list


def consent_status(consent: Consent, now=None) -> str:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    if consent.withdrawn_at and consent.withdrawn_at <= now:
        return "withdrawn"
    if consent.valid_to < today:
        return "expired"
    if consent.valid_from > today:
        return "future"
    return "active"


def _user_sides(user) -> set[str]:
    return policy.user_sides(scope(user))


def consents_for_pupil(user, student) -> list[ConsentView]:
    """The pupil's consents as ``user`` may see them: in full for the side that
    recorded the consent, as a summary (it exists, what it covers) for the other."""
    if not may_see_student(user, student):
        return []
    sides = _user_sides(user)
    now = timezone.now()
    views = []
    consents = (
        Consent.objects.filter(student=student)
        .select_related("recorded_by", "recorded_by_unit")
        .prefetch_related("givers", "parties__unit", "categories")
        .order_by("-valid_to", "-id")
    )
    for consent in consents:
        views.append(
            ConsentView(
                consent=consent,
                full=consent.recorded_side in sides,
                status=consent_status(consent, now),
                parties=list(consent.parties.all()),
                categories=list(consent.categories.all()),
            )
        )
    return views


def consent_get_for_recording_side(user, pk: int) -> Consent:
    """A consent for the side that recorded it (or a named party), else 404."""
    user_scope = scope(user)
    own = user_scope.school_unit_ids | user_scope.social_unit_ids
    visible_students = students_visible_to(user).values("pk")
    qs = Consent.objects.filter(student_id__in=visible_students).filter(
        Q(recorded_by_unit_id__in=own) | Q(parties__unit_id__in=own)
    )
    consent = get_object_or_404(qs.distinct().select_related("student"), pk=pk)
    note(students=[consent.student], kinds=["consent"])  # the access log
    return consent


def consent_document_for(user, pk: int) -> Consent:
    """The scanned document, only for the side that recorded the consent."""
    consent = consent_get_for_recording_side(user, pk)
    if side_of_unit(consent.recorded_by_unit) not in _user_sides(user) or not consent.scan:
        from django.http import Http404

        raise Http404
    return consent


def overrides_for_review(user) -> QuerySet[Override]:
    """Every override, for the log reviewer only."""
    if not scope(user).is_log_reviewer:
        return Override.objects.none()
    return Override.objects.select_related("student", "user", "unit")


def consents_expiring(within_days: int, now=None) -> QuerySet[Consent]:
    """Active consents whose end date is within ``within_days`` (for reminders)."""
    import datetime

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    return policy.active_consents(now).filter(
        valid_to__lte=today + datetime.timedelta(days=within_days)
    )
