"""Reads of concerns and their handling, always for a given user.

The school side and the social side get different selectors and different
pages: a school viewer only ever receives the report itself, its amendments,
the lawful återkoppling and the time and place of a meeting they are invited to.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db.models import Case, F, Q, QuerySet, When
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from cases import identity
from cases.models import Meeting, MeetingParticipant, Student
from cases.selectors import name_matches
from consent.policy import legal_path, may_see, students_shared_with
from portal import rules
from portal.access import scope
from portal.accesslog import note
from portal.models import Unit
from referrals.models import (
    Concern,
    DistrictReach,
    Investigation,
    PreliminaryAssessment,
    Suspension,
)

# --- the school side ---


def _school_report_rules(user) -> list[Q]:
    s = scope(user)
    if not s.is_authenticated:
        return []
    rules = [Q(reporter_id=s.user_id)]
    if s.principal_unit_ids:
        rules.append(Q(reporting_unit_id__in=s.principal_unit_ids))
    return rules


def concerns_for_school(user) -> QuerySet[Concern]:
    """Reports the user filed, and for a principal every report from the school."""
    rules = _school_report_rules(user)
    return Concern.objects.filter(reduce(or_, rules)) if rules else Concern.objects.none()


def concerns_for_school_parts(user) -> list[QuerySet[Concern]]:
    """``concerns_for_school`` as the querysets it is the union of, each on its own
    index (``portal.paging.page_of`` reads a page of them in order)."""
    return [Concern.objects.filter(rule) for rule in _school_report_rules(user)]


def concern_get_for_school(user, pk: int) -> Concern:
    concern = get_object_or_404(
        concerns_for_school(user).select_related(
            "student", "reporting_unit", "reporter", "preliminary_assessment"
        ),
        pk=pk,
    )
    note(students=[concern.student], kinds=["concern"])  # the access log
    return concern


class Feedback:
    """Återkoppling (SoL 14:1b): the one thing the school may learn."""

    RECEIVED = "received"
    OPENED = "opened"
    NOT_OPENED = "not_opened"
    ONGOING = "ongoing"

    LABELS = {
        RECEIVED: _("Received by the social services"),
        OPENED: _("Utredning opened"),
        NOT_OPENED: _("Utredning not opened"),
        ONGOING: _("Utredning already ongoing"),
    }


@dataclass(frozen=True)
class FeedbackStatus:
    status: str
    changed_at: datetime.datetime

    @property
    def label(self):
        return Feedback.LABELS[self.status]


_DECISION_FEEDBACK = {
    PreliminaryAssessment.Decision.OPEN: Feedback.OPENED,
    PreliminaryAssessment.Decision.NOT_OPEN: Feedback.NOT_OPENED,
    PreliminaryAssessment.Decision.ONGOING: Feedback.ONGOING,
}


@legal_path(rules.LEGAL_GROUND_FEEDBACK)
def feedback_status(concern: Concern) -> FeedbackStatus:
    """What the reporter and the principal may be told, and since when."""
    decision = getattr(concern, "preliminary_assessment", None)
    if decision is None:
        return FeedbackStatus(Feedback.RECEIVED, concern.received_at)
    return FeedbackStatus(_DECISION_FEEDBACK[decision.decision], decision.decided_at)


def meeting_for_participant(user, concern: Concern) -> Meeting | None:
    """The anmälningsmöte of a report, if ``user`` is invited to it (time and place only)."""
    decision = getattr(concern, "notification_meeting", None)
    if decision is None or decision.meeting_id is None:
        return None
    invited = MeetingParticipant.objects.filter(meeting_id=decision.meeting_id, user=user)
    if not invited.exists():
        return None
    return Meeting.objects.only(
        "id", "starts_at", "duration_minutes", "place", "video_link", "status"
    ).get(pk=decision.meeting_id)


# --- the social side ---


@legal_path(rules.LEGAL_GROUND_CONCERN_REPORT)
def concerns_for_social(user) -> QuerySet[Concern]:
    """Reports routed to the social services of a district where the user is a social worker."""
    s = scope(user)
    if not s.social_worker_district_ids:
        return Concern.objects.none()
    # The district's social-services units as a list (a report is routed to its
    # intake unit), so the inbox's partial index on the intake unit is searched for
    # those few, not read whole and joined.
    units = list(
        Unit.objects.filter(
            district_id__in=s.social_worker_district_ids, kind__in=Unit.SOCIAL_KINDS
        ).values_list("id", flat=True)
    )
    return Concern.objects.filter(intake_unit_id__in=units)


def concern_get_for_social(user, pk: int) -> Concern:
    concern = get_object_or_404(
        concerns_for_social(user).select_related(
            "student__school_unit",
            "student__home_district",
            "reporting_unit",
            "reporter",
            "intake_unit",
            "assigned_to",
            "protection_assessment__assessed_by",
            "preliminary_assessment__decided_by",
            "notification_meeting__meeting",
        ),
        pk=pk,
    )
    note(students=[concern.student], kinds=["concern"])  # the access log
    return concern


#: What an inbox row shows besides the report itself.
INBOX_RELATED = ("student", "assigned_to", "protection_assessment", "preliminary_assessment")


def inbox_for(user, *, text: str = "", show: str = "open") -> QuerySet[Concern]:
    """The unit's inbox, what is due first. ``show`` is "open" (not yet decided)
    or "decided". Reports not leading to an utredning are only found by number."""
    qs = concerns_for_social(user).select_related(*INBOX_RELATED)
    text = (text or "").strip()
    if text:
        if text.upper().startswith("ORO-"):
            return qs.filter(reference__iexact=text)
        qs = qs.exclude(preliminary_assessment__decision=PreliminaryAssessment.Decision.NOT_OPEN)
        if identity.looks_like_personnummer(text):
            try:
                qs = qs.filter(student__personnummer=identity.normalize_personnummer(text))
            except ValidationError:
                return qs.none()
        else:
            # A name is looked for among the pupils the district reaches (a report
            # here that was not "not opened" puts the pupil there): a few
            # thousand rows instead of every pupil of the city with that name.
            named = Student.objects.filter(
                id__in=DistrictReach.objects.filter(
                    district_id__in=sorted(scope(user).social_worker_district_ids)
                ).values("student_id")
            )
            for word in text.split()[:4]:
                named = named.filter(name_matches(word))
            qs = qs.filter(student_id__in=named.values("id"))
    if show == "decided":
        return qs.filter(preliminary_assessment__isnull=False).order_by(
            "-preliminary_assessment__decided_at", "-id"
        )
    return (
        qs.filter(awaiting_decision=True)
        .annotate(
            next_due=Case(
                # awaiting_protection stands for "no skyddsbedömning yet" on the row
                # itself: no join to the assessments to sort the open reports.
                When(awaiting_protection=True, then=F("protection_due_on")),
                default=F("preliminary_due_on"),
            )
        )
        .order_by("next_due", "received_at", "id")
    )


@legal_path(rules.LEGAL_GROUND_SUSPENSION_NOTICE)
def suspension_notices_for(user) -> QuerySet[Suspension]:
    """Suspension notices to the social services of the user's districts, unread first."""
    s = scope(user)
    if not s.social_worker_district_ids:
        return Suspension.objects.none()
    return (
        Suspension.objects.filter(notice_unit__district_id__in=s.social_worker_district_ids)
        .select_related("student", "school_unit")
        .order_by(F("notice_read_at").asc(nulls_first=True), "-starts_on", "-id")
    )


def open_investigation_for(student) -> Investigation | None:
    return student.investigations.filter(closed_on__isnull=True).order_by("-started_on").first()


def investigations_for_social(user) -> QuerySet[Investigation]:
    s = scope(user)
    if not s.social_worker_district_ids:
        return Investigation.objects.none()
    return Investigation.objects.filter(
        unit__district_id__in=s.social_worker_district_ids
    ).select_related("student", "concern")


# --- the school's suspensions, and what crosses with consent ---


def suspensions_visible_to(user) -> QuerySet[Suspension]:
    """The school's own suspensions; for the social side, those of pupils whose
    consent covers school information (the notice itself crosses by law)."""
    s = scope(user)
    q = Q(school_unit_id__in=s.school_unit_ids) if s.school_unit_ids else Q(pk__in=[])
    if s.is_social:
        shared = students_shared_with(user, "school_attendance")
        if shared is not None:
            q |= Q(student_id__in=Student.objects.filter(shared).values("id"))
    return Suspension.objects.filter(q).select_related("student", "school_unit")


def suspensions_for_school(user) -> QuerySet[Suspension]:
    s = scope(user)
    if not s.school_unit_ids:
        return Suspension.objects.none()
    return Suspension.objects.filter(school_unit_id__in=s.school_unit_ids).select_related("student")


def investigations_shared_with_school(user, student) -> QuerySet[Investigation]:
    """The social services' utredningar of a pupil, for the school side, only while
    a consent (or an override) covers "social services' assessments"."""
    s = scope(user)
    if not s.is_school or not may_see(user, student, "social_assessment"):
        return Investigation.objects.none()
    return Investigation.objects.filter(student=student).select_related(
        "unit", "concern__assigned_to"
    )
