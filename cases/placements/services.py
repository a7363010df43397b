"""Writes to placements in special teaching groups. Each is atomic and checks who acts.

applied → admitted or declined (the antagningsgrupp) → active (starts) → ended.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.absence.selectors import latest_periods
from cases.models import Meeting, Placement, Student
from cases.placements import selectors
from portal.models import Unit

OPEN = (Placement.Status.APPLIED, Placement.Status.ADMITTED, Placement.Status.ACTIVE)


def _locked(placement: Placement) -> Placement:
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related("student", "group")
        .get(pk=placement.pk)
    )


def _refuse_transition(placement: Placement, message: str) -> None:
    raise ValidationError(
        message % {"status": placement.get_status_display().lower()}, code="transition"
    )


@transaction.atomic
def placement_apply(
    *,
    by,
    student: Student,
    group: Unit,
    reason: str,
    absence_percent_at_intake: int | None = None,
) -> Placement:
    """The principal of the pupil's school applies for a place in a special teaching
    group. The absence at intake defaults to the latest recorded period."""
    if not selectors.may_apply(by, student):
        raise PermissionDenied
    if group.kind != Unit.Kind.SPECIAL_GROUP:
        raise ValidationError({"group": _("Choose a special teaching group.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the application.")})
    if absence_percent_at_intake is None:
        latest = latest_periods(student, 1)
        if latest:
            absence_percent_at_intake = int(
                latest[0].total_percent.to_integral_value(rounding=ROUND_HALF_UP)
            )
    elif not 0 <= absence_percent_at_intake <= 100:
        raise ValidationError({"absence_percent_at_intake": _("Give a percentage from 0 to 100.")})
    # Serialise applications for one pupil, so two clicks make one application.
    Student.objects.select_for_update().filter(pk=student.pk).first()
    if Placement.objects.filter(student=student, group=group, status__in=OPEN).exists():
        raise ValidationError(
            {"group": _("The pupil already has an application or a place in this group.")}
        )
    return Placement.objects.create(
        student=student,
        group=group,
        reason=reason.strip(),
        absence_percent_at_intake=absence_percent_at_intake,
        applied_by=by,
        applied_at=timezone.now(),
    )


@transaction.atomic
def placement_decide(
    *,
    placement: Placement,
    by,
    admit: bool,
    reason: str,
    admission_meeting: Meeting | None = None,
) -> Placement:
    """The antagningsgrupp admits or declines an application, with a reason, and
    may name the meeting where it decided."""
    placement = _locked(placement)
    if not selectors.may_decide(by, placement):
        raise PermissionDenied
    if placement.status != Placement.Status.APPLIED:
        _refuse_transition(
            placement,
            _("Only an application waiting for a decision can be decided; this one is %(status)s."),
        )
    if not (reason or "").strip():
        raise ValidationError({"decision_reason": _("Give the reason for the decision.")})
    if admission_meeting is not None and (
        admission_meeting.kind != Meeting.Kind.ADMISSION
        or admission_meeting.student_id != placement.student_id
    ):
        raise ValidationError(
            {"admission_meeting": _("Choose an antagningsgrupp meeting about this pupil.")}
        )
    placement.status = Placement.Status.ADMITTED if admit else Placement.Status.DECLINED
    placement.decided_by = by
    placement.decided_at = timezone.now()
    placement.decision_reason = reason.strip()
    placement.admission_meeting = admission_meeting
    placement.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_reason",
            "admission_meeting",
        ]
    )
    return placement


@transaction.atomic
def placement_start(*, placement: Placement, by, starts_on: datetime.date) -> Placement:
    """An admitted pupil starts in the group."""
    placement = _locked(placement)
    if not selectors.may_manage(by, placement):
        raise PermissionDenied
    if placement.status != Placement.Status.ADMITTED:
        _refuse_transition(
            placement,
            _("Only an admitted pupil can start in the group; this placement is %(status)s."),
        )
    if starts_on < timezone.localtime(placement.applied_at).date():
        raise ValidationError(
            {"starts_on": _("A placement cannot start before the application was made.")}
        )
    placement.status = Placement.Status.ACTIVE
    placement.starts_on = starts_on
    placement.save(update_fields=["status", "starts_on"])
    return placement


@transaction.atomic
def placement_end(*, placement: Placement, by, ends_on: datetime.date, reason: str) -> Placement:
    """An active placement ends, on a date and for a reason."""
    placement = _locked(placement)
    if not selectors.may_manage(by, placement):
        raise PermissionDenied
    if placement.status != Placement.Status.ACTIVE:
        _refuse_transition(
            placement, _("Only an active placement can be ended; this one is %(status)s.")
        )
    if ends_on < placement.starts_on:
        raise ValidationError({"ends_on": _("A placement cannot end before it started.")})
    if not (reason or "").strip():
        raise ValidationError({"end_reason": _("Give the reason the placement ends.")})
    placement.status = Placement.Status.ENDED
    placement.ends_on = ends_on
    placement.end_reason = reason.strip()
    placement.save(update_fields=["status", "ends_on", "end_reason"])
    return placement
