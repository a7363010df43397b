"""Reads of placements in special teaching groups, always for a given user.

Who sees a placement:
- the pupil's school (it applied);
- the group's staff, once the pupil is admitted (admitted, active, ended); the
  group's principals also the applications, as members of the antagningsgrupp;
- the antagningsgrupp of the pupil's home district: social workers and SIP
  coordinators of the district's utredning and family-treatment units;
- anyone else on the social side only while a consent covers "school_attendance".
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from cases.absence.selectors import pupils_sharing_school_attendance, school_information_opens
from cases.models import Meeting, Placement, Student
from portal.access import scope
from portal.accesslog import note
from portal.models import Unit
from portal.pupil_page import asked_once_per_page
from portal.roles import Role

#: The social-services units whose people sit in the antagningsgrupp with the school
#: (DOMAIN: "school, utredningsenhet and familjebehandlare").
ADMISSION_GROUP_UNIT_KINDS = (Unit.Kind.SOCIAL_INVESTIGATION, Unit.Kind.FAMILY_TREATMENT)
#: Statuses the group's own staff see: the pupil is, was or will be theirs.
PLACED = (Placement.Status.ADMITTED, Placement.Status.ACTIVE, Placement.Status.ENDED)


def _admission_group_units(user):
    return Unit.objects.filter(
        pk__in=scope(user).social_unit_ids, kind__in=ADMISSION_GROUP_UNIT_KINDS
    )


def admission_group_district_ids(user) -> set[int]:
    """Districts where ``user`` sits in the antagningsgrupp (their pupils by home district)."""
    if not scope(user).social_unit_ids:
        return set()
    return set(_admission_group_units(user).values_list("district_id", flat=True))


def placements_visible_to(user) -> QuerySet[Placement]:
    return _placements(user, shared=True)


def _placements(user, *, shared: bool) -> QuerySet[Placement]:
    """The placements ``user`` may see; with ``shared=False`` without those that only
    a consent or override opens (asked separately, for one pupil)."""
    s = scope(user)
    if not s.may_see_cases:
        return Placement.objects.none()
    parts: list[Q] = []
    if s.school_unit_ids:
        parts.append(Q(student__school_unit_id__in=s.school_unit_ids))
        parts.append(Q(group_id__in=s.school_unit_ids, status__in=PLACED))
    if s.principal_unit_ids:
        parts.append(Q(group_id__in=s.principal_unit_ids))
    if s.social_unit_ids:
        districts = _admission_group_units(user).values("district_id")
        parts.append(Q(student__home_district_id__in=districts))
    by_consent = pupils_sharing_school_attendance(user) if shared else None
    if by_consent is not None:
        # Correlated to the placement's pupil, so one pupil's placements probe that
        # pupil's consents instead of the consents of every pupil.
        parts.append(Q(Exists(Student.objects.filter(by_consent, pk=OuterRef("student_id")))))
    if not parts:
        return Placement.objects.none()
    return Placement.objects.filter(reduce(or_, parts)).select_related(
        "student__school_unit", "group", "admission_meeting"
    )


def placement_get(user, pk: int) -> Placement:
    """The placement with ``pk`` if ``user`` may see it, else 404."""
    placement = get_object_or_404(placements_visible_to(user), pk=pk)
    note(students=[placement.student], kinds=["placement"])  # the access log
    return placement


def placements_of(user, student: Student) -> QuerySet[Placement]:
    """``placements_visible_to(user)`` for one pupil, with the rules that concern
    the whole pupil (the pupil's own school, a consent) answered for this pupil
    alone."""
    s = scope(user)
    if not s.may_see_cases:
        return Placement.objects.none()
    if school_information_opens(user, student):
        return Placement.objects.filter(student=student).select_related(
            "student__school_unit", "group", "admission_meeting"
        )
    return _placements(user, shared=False).filter(student=student)


@asked_once_per_page
def may_see_placements(user, student: Student) -> bool:
    """Whether the pupil page shows its placements section to ``user``."""
    if school_information_opens(user, student):
        return True
    return _placements(user, shared=False).filter(student=student).exists()


def may_apply(user, student: Student) -> bool:
    """The principal of the pupil's school applies."""
    return student.school_unit_id in scope(user).principal_unit_ids


def may_decide(user, placement: Placement, *, districts: set[int] | None = None) -> bool:
    """A member of the antagningsgrupp: a principal of the group, or a social worker
    or SIP coordinator in the utredning or family-treatment unit of the pupil's
    home district. ``districts`` is admission_group_district_ids(user), when a
    list has it at hand."""
    s = scope(user)
    if placement.group_id in s.principal_unit_ids:
        return True
    if not s.has_role(Role.SOCIAL_WORKER, Role.SIP_COORDINATOR):
        return False
    if districts is None:
        districts = admission_group_district_ids(user)
    return placement.student.home_district_id in districts


def may_manage(user, placement: Placement) -> bool:
    """Start and end a placement: a principal of the group or of the pupil's school."""
    principal_of = scope(user).principal_unit_ids
    return placement.group_id in principal_of or placement.student.school_unit_id in principal_of


def special_groups() -> QuerySet[Unit]:
    return Unit.objects.filter(kind=Unit.Kind.SPECIAL_GROUP).select_related("district")


def admission_meetings_for(user, placement: Placement) -> QuerySet[Meeting]:
    """The pupil's antagningsgrupp meetings that ``user`` organises or is invited to."""
    from cases.sip.selectors import meetings_visible_to

    return meetings_visible_to(user).filter(
        student_id=placement.student_id, kind=Meeting.Kind.ADMISSION
    )
