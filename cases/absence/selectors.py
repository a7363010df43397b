"""Reads of absence and absence investigations, always for a given user.

Absence is the school's own information (DOMAIN, visibility matrix): the pupil's
school sees it, and so does the special teaching group the pupil is admitted to
or placed in, which teaches the pupil now. The social side sees it only while a
consent (or an override) covers "school_attendance", decided by consent.policy
at query time. Managers, administrators and log reviewers see none of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from cases.models import AbsenceInvestigation, AbsenceRecord, Placement, Student
from consent.policy import shared_with, students_shared_with
from portal import rules
from portal.access import scope
from portal.models import Unit
from portal.pupil_page import asked_once_per_page

#: A placement whose group teaches the pupil now.
CURRENT_PLACEMENT = (Placement.Status.ADMITTED, Placement.Status.ACTIVE)
SCHOOL_ATTENDANCE = "school_attendance"


def pupils_sharing_school_attendance(user) -> Q | None:
    """Q over Student: the pupils whose school information a social-side user may
    see under a consent or an override. None for nobody (and for the school side,
    whose own pupils come from its own rule)."""
    if not scope(user).is_social:
        return None
    shared = students_shared_with(user, SCHOOL_ATTENDANCE)
    # An empty Q means "not a cross-boundary read" for this user: it would match
    # every pupil in the city, so it must not be OR-ed in.
    return shared or None


def school_information_opens(user, student: Student) -> bool:
    """Whether the rules that concern the pupil's whole school information open it to
    ``user``: the pupil's own school, or, for the social side, a consent or override
    (``pupils_sharing_school_attendance`` asked for this pupil alone). The caller
    checks ``may_see_cases`` and the rules about single rows."""
    s = scope(user)
    if student.school_unit_id in s.school_unit_ids:
        return True
    return s.is_social and shared_with(user, student, SCHOOL_ATTENDANCE)


def _absence_pupils(user) -> Q | None:
    """Q over Student: whose absence ``user`` may see."""
    s = scope(user)
    if not s.may_see_cases:
        return None
    parts: list[Q] = []
    if s.school_unit_ids:
        parts.append(Q(school_unit_id__in=s.school_unit_ids))
        placed = Placement.objects.filter(
            group_id__in=s.school_unit_ids, status__in=CURRENT_PLACEMENT
        ).values("student_id")
        parts.append(Q(id__in=placed))
    shared = pupils_sharing_school_attendance(user)
    if shared is not None:
        parts.append(shared)
    return reduce(or_, parts) if parts else None


def absence_visible_to(user) -> QuerySet[AbsenceRecord]:
    q = _absence_pupils(user)
    if q is None:
        return AbsenceRecord.objects.none()
    return AbsenceRecord.objects.filter(student__in=Student.objects.filter(q).values("id"))


@asked_once_per_page
def may_see_absence(user, student: Student) -> bool:
    # The rules of _absence_pupils, asked for this pupil alone.
    s = scope(user)
    if not s.may_see_cases:
        return False
    if school_information_opens(user, student):
        return True
    return bool(s.school_unit_ids) and (
        Placement.objects.filter(
            student=student, group_id__in=s.school_unit_ids, status__in=CURRENT_PLACEMENT
        ).exists()
    )


def may_record_absence(user, student: Student) -> bool:
    """School staff of the pupil's own school record its absence."""
    return student.school_unit_id in scope(user).school_unit_ids


def absence_of(user, student: Student) -> QuerySet[AbsenceRecord]:
    """``absence_visible_to(user)`` for one pupil: whose absence is visible is decided
    per pupil, so it is all of the pupil's records or none."""
    if not may_see_absence(user, student):
        return AbsenceRecord.objects.none()
    return AbsenceRecord.objects.filter(student=student)


def absence_investigations_visible_to(user) -> QuerySet[AbsenceInvestigation]:
    """The investigating school's, and the pupil's present school's; across the
    boundary, with consent. A special teaching group does not see them: the
    investigation is the rektor's of the pupil's own school."""
    s = scope(user)
    if not s.may_see_cases:
        return AbsenceInvestigation.objects.none()
    parts: list[Q] = []
    if s.school_unit_ids:
        parts.append(Q(school_unit_id__in=s.school_unit_ids))
        parts.append(Q(student__school_unit_id__in=s.school_unit_ids))
    shared = pupils_sharing_school_attendance(user)
    if shared is not None:
        parts.append(Q(student__in=Student.objects.filter(shared).values("id")))
    if not parts:
        return AbsenceInvestigation.objects.none()
    return AbsenceInvestigation.objects.filter(reduce(or_, parts))


@asked_once_per_page
def may_see_absence_investigations(user, student: Student) -> bool:
    # The rules of absence_investigations_visible_to, asked for this pupil alone.
    s = scope(user)
    if not s.may_see_cases:
        return False
    if school_information_opens(user, student):
        return True
    return bool(s.school_unit_ids) and (
        AbsenceInvestigation.objects.filter(
            student=student, school_unit_id__in=s.school_unit_ids
        ).exists()
    )


def absence_investigations_of(user, student: Student) -> QuerySet[AbsenceInvestigation]:
    """``absence_investigations_visible_to(user)`` for one pupil, with the rules
    that concern the whole pupil answered for this pupil alone."""
    s = scope(user)
    if not s.may_see_cases:
        return AbsenceInvestigation.objects.none()
    if school_information_opens(user, student):
        return AbsenceInvestigation.objects.filter(student=student)
    if s.school_unit_ids:
        return AbsenceInvestigation.objects.filter(
            student=student, school_unit_id__in=s.school_unit_ids
        )
    return AbsenceInvestigation.objects.none()


def may_open_absence_investigation(user, student: Student) -> bool:
    """The rektor of the pupil's school investigates (skollagen 7:19a)."""
    return student.school_unit_id in scope(user).principal_unit_ids


def may_close_absence_investigation(user, investigation: AbsenceInvestigation) -> bool:
    return investigation.school_unit_id in scope(user).principal_unit_ids


# --- hints computed from a pupil's absence (call only after a visibility check) ---


def latest_periods(student: Student, count: int = 1) -> list[AbsenceRecord]:
    """The pupil's most recent periods, newest first."""
    return list(
        AbsenceRecord.objects.filter(student=student).order_by("-period_end", "-period_start")[
            :count
        ]
    )


@dataclass(frozen=True)
class AbsenceAttention:
    """Why a pupil's absence should make the rektor consider an investigation."""

    #: "high" (one period at or above the level) or "repeated" (consecutive periods)
    reason: str
    percent: Decimal
    periods: int = 1


def absence_attention(records: Sequence[AbsenceRecord]) -> AbsenceAttention | None:
    """``records`` newest first. Local prompts (portal.rules), not a legal limit:
    skollagen 7:19a names no percentage."""
    if not records:
        return None
    latest = records[0]
    if latest.total_percent >= rules.ABSENCE_ATTENTION_PERCENT:
        return AbsenceAttention("high", latest.total_percent)
    needed = rules.ABSENCE_ATTENTION_REPEATED_PERIODS
    recent = records[:needed]
    if len(recent) == needed and all(
        r.total_percent >= rules.ABSENCE_ATTENTION_REPEATED_PERCENT for r in recent
    ):
        return AbsenceAttention("repeated", latest.total_percent, needed)
    return None


def sst_eligibility_hint(student: Student, latest: AbsenceRecord | None = None) -> list[str]:
    """The SST group types (``Unit.GroupType``) whose local target band the pupil's
    grade and latest absence fall in: grundskola only, bands in portal.rules.
    Empty when there is no absence recorded or no band fits."""
    if latest is None:
        found = latest_periods(student, 1)
        latest = found[0] if found else None
    if latest is None or student.school_unit.school_form != Unit.SchoolForm.GRUNDSKOLA:
        return []
    return [
        group_type
        for group_type, low_grade, high_grade, low, high in rules.SST_BANDS
        if low_grade <= student.grade <= high_grade and low <= latest.total_percent <= high
    ]
