"""Writes to pupils and guardians. Each is atomic and checks who acts."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from cases import identity
from cases.invites import meeting_invites_send
from cases.models import Guardian, Guardianship, Meeting, Student
from cases.reminders import meeting_reminders_sync, meeting_subject
from cases.selectors import may_see_student
from portal.access import scope
from portal.models import District, Unit
from portal.reminders import reminder_cancel


def _require_principal_of(user, unit: Unit) -> None:
    if unit.pk not in scope(user).principal_unit_ids:
        raise PermissionDenied


@transaction.atomic
def student_create(
    *,
    by,
    personnummer: str,
    first_name: str,
    last_name: str,
    gender: str,
    school_unit: Unit,
    grade: int,
    home_district: District,
    guardians: list[dict] | tuple = (),
) -> Student:
    """Register a pupil in the principal's own school, with any guardians.

    Either everything is saved or nothing is.
    """
    _require_principal_of(by, school_unit)
    pnr = identity.normalize_personnummer(personnummer)
    if Student.objects.filter(personnummer=pnr).exists():
        raise ValidationError(
            {"personnummer": _("A pupil with this personal identity number is already registered.")}
        )
    student = Student(
        personnummer=pnr,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        gender=gender,
        school_unit=school_unit,
        grade=grade,
        home_district=home_district,
    )
    student.full_clean()
    try:
        with transaction.atomic():
            student.save()
    except IntegrityError:
        raise ValidationError(
            {"personnummer": _("A pupil with this personal identity number is already registered.")}
        ) from None
    for data in guardians:
        guardian_add(by=by, student=student, **data)
    return student


@transaction.atomic
def guardian_add(
    *,
    by,
    student: Student,
    first_name: str,
    last_name: str,
    phone: str = "",
    email: str = "",
    address: str = "",
    relation: str = Guardianship.Relation.PARENT,
) -> Guardian:
    """Add a guardian to a pupil of the acting principal's school."""
    _require_principal_of(by, student.school_unit)
    guardian = Guardian(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        phone=phone.strip(),
        email=email.strip(),
        address=address.strip(),
    )
    guardian.full_clean()
    guardian.save()
    Guardianship.objects.create(student=student, guardian=guardian, relation=relation)
    return guardian


@transaction.atomic
def student_access_grant(*, student: Student, user, by=None) -> None:
    """Give a named user access to one pupil (an explicit, per-object grant).

    ``by`` must be able to see the pupil; system callers (services of other
    apps acting on a legal ground) pass ``by=None``.
    """
    if by is not None and not may_see_student(by, student):
        raise PermissionDenied
    assign_perm("cases.view_student", user, student)


@transaction.atomic
def student_access_revoke(*, student: Student, user, by=None) -> None:
    """Take back a named user's explicit grant on one pupil."""
    if by is not None and not may_see_student(by, student):
        raise PermissionDenied
    remove_perm("cases.view_student", user, student)


# --- meetings ---


def _require_organiser(user, meeting: Meeting) -> None:
    """The organiser, or someone working in the organising unit, may change a meeting."""
    if meeting.organiser_id != user.pk and meeting.organiser_unit_id not in scope(user).unit_roles:
        raise PermissionDenied


@transaction.atomic
def meeting_reschedule(
    *,
    meeting: Meeting,
    by,
    starts_at: datetime.datetime,
    duration_minutes: int | None = None,
    place: str | None = None,
    video_link: str | None = None,
) -> Meeting:
    """Move a scheduled meeting. Its calendar SEQUENCE grows, and every
    participant's reminders move with it."""
    _require_organiser(by, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be moved."))
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Choose a time in the future.")})
    if duration_minutes is not None:
        if not 0 < duration_minutes <= 480:
            raise ValidationError(
                {"duration_minutes": _("Give a duration between 1 and 480 minutes.")}
            )
        meeting.duration_minutes = duration_minutes
    if place is not None:
        meeting.place = place.strip()
    if video_link is not None:
        meeting.video_link = video_link.strip()
    if not meeting.place and not meeting.video_link:
        raise ValidationError({"place": _("Give a place or a video link.")})
    meeting.starts_at = starts_at
    meeting.sequence += 1
    meeting.save(
        update_fields=[
            "starts_at",
            "duration_minutes",
            "place",
            "video_link",
            "sequence",
            "updated_at",
        ]
    )
    meeting_reminders_sync(meeting)
    transaction.on_commit(lambda: meeting_invites_send(meeting, method="REQUEST"))
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by) -> Meeting:
    """Cancel a scheduled meeting; its reminders are withdrawn."""
    _require_organiser(by, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be cancelled."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    reminder_cancel(subject=meeting_subject(meeting))
    transaction.on_commit(lambda: meeting_invites_send(meeting, method="CANCEL"))
    return meeting
