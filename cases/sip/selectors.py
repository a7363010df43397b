"""Reads of SIP plans and meetings, always for a given user.

The convening side (the SIP coordinators of the district, the convening unit)
sees its plans. A participant sees a plan only while a consent covers "SIP
plan" for them, decided by consent.policy at query time.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cases.models import (
    Meeting,
    MeetingParticipant,
    SipParticipant,
    SipPlan,
    SipVersion,
    Student,
)
from consent.policy import shared_with, students_shared_with
from portal.access import Scope, scope
from portal.accesslog import note


def _convening_side(user_scope) -> Q | None:
    q = None
    if user_scope.sip_district_ids:
        q = Q(convenor_unit__district_id__in=user_scope.sip_district_ids)
    if user_scope.social_unit_ids:
        mine = Q(convenor_unit_id__in=user_scope.social_unit_ids)
        q = mine if q is None else q | mine
    return q


def _participates(user_scope: Scope) -> Q:
    """Plans that name the user's unit or the user as a participant."""
    units = user_scope.school_unit_ids | user_scope.social_unit_ids
    participant = SipParticipant.objects.filter(
        Q(unit_id__in=units) | Q(user_id=user_scope.user_id), plan_id=OuterRef("pk")
    )
    return Q(Exists(participant))


def sips_visible_to(user) -> QuerySet[SipPlan]:
    user_scope = scope(user)
    if not user_scope.may_see_cases:
        return SipPlan.objects.none()
    q = _convening_side(user_scope)
    shared = students_shared_with(user, "sip_plan")
    if shared is not None:
        # Both correlated to the plan (EXISTS, not IN over every plan and every
        # pupil): asked about one pupil's plans, each is a probe for that pupil alone.
        as_participant = _participates(user_scope) & Q(
            Exists(Student.objects.filter(shared, pk=OuterRef("student_id")))
        )
        q = as_participant if q is None else q | as_participant
    if q is None:
        return SipPlan.objects.none()
    return SipPlan.objects.filter(q)


def sips_of(user, student: Student) -> QuerySet[SipPlan]:
    """``sips_visible_to(user)`` for one pupil, with the consent that concerns the
    whole pupil answered for this pupil alone."""
    user_scope = scope(user)
    if not user_scope.may_see_cases:
        return SipPlan.objects.none()
    q = _convening_side(user_scope)
    if shared_with(user, student, "sip_plan"):
        q = _participates(user_scope) if q is None else q | _participates(user_scope)
    if q is None:
        return SipPlan.objects.none()
    return SipPlan.objects.filter(q, student=student)


def is_convening_side(user, plan: SipPlan) -> bool:
    q = _convening_side(scope(user))
    return q is not None and SipPlan.objects.filter(q, pk=plan.pk).exists()


def sip_get(user, pk: int) -> SipPlan:
    plan = get_object_or_404(
        sips_visible_to(user).select_related("student__school_unit", "convenor", "convenor_unit"),
        pk=pk,
    )
    note(students=[plan.student], kinds=["sip"])  # the access log
    return plan


def current_versions(plans) -> dict[int, SipVersion]:
    """The current version of each plan, by plan id, in one query (for lists)."""
    latest = SipVersion.objects.filter(plan=OuterRef("plan")).order_by("-number").values("number")
    versions = SipVersion.objects.filter(
        plan_id__in=[plan.pk for plan in plans], number=Subquery(latest[:1])
    ).select_related("lead_unit", "created_by")
    return {version.plan_id: version for version in versions}


def versions_of(plan: SipPlan) -> QuerySet[SipVersion]:
    """The plan's versions, newest first."""
    return (
        plan.versions.select_related("lead_unit", "created_by")
        .prefetch_related("interventions")
        .order_by("-number")
    )


def display_status(plan: SipPlan, version: SipVersion | None, today=None) -> str:
    """draft, active, follow_up_due or closed."""
    today = today or timezone.localdate()
    if plan.status == SipPlan.Status.ACTIVE and version and version.next_follow_up_on <= today:
        return "follow_up_due"
    return plan.status


def meetings_visible_to(user) -> QuerySet[Meeting]:
    """Meetings the user organises (their unit) or is invited to."""
    user_scope = scope(user)
    if not user_scope.may_see_cases:
        return Meeting.objects.none()
    invited = MeetingParticipant.objects.filter(user_id=user_scope.user_id).values("meeting_id")
    return Meeting.objects.filter(
        Q(organiser_unit_id__in=user_scope.unit_roles.keys()) | Q(pk__in=invited)
    )


def meeting_get(user, pk: int) -> Meeting:
    meeting = get_object_or_404(
        meetings_visible_to(user)
        .select_related("student", "organiser", "organiser_unit", "sip")
        .prefetch_related(
            Prefetch("participants", MeetingParticipant.objects.select_related("user"))
        ),
        pk=pk,
    )
    note(students=[meeting.student], kinds=["meeting"])  # the access log
    return meeting


def may_read_minutes(user, meeting: Meeting) -> bool:
    """Agenda and minutes: the organising side always; across the boundary, a SIP
    meeting's participants while a consent covers "SIP plan". An anmälningsmöte's
    notes stay with the social services."""
    user_scope = scope(user)
    if meeting.organiser_unit_id in user_scope.unit_roles:
        return True
    if meeting.sip_id is None:
        return False
    from consent.policy import may_see

    return may_see(user, meeting.student, "sip_plan")
