"""Reads of insatser and joint advice notes, always for a given user.

- Social services responsible for the child (a social worker or SIP coordinator in
  the pupil's home district who may open the pupil) see every insats, ongoing or
  ended, and manage them.
- Anyone else sees only the ongoing ones, and only while consent.policy says so
  (a consent covering "social_interventions" that names them). The school side
  then gets rows with the kind, the start and the contact person: nothing about
  the assessment behind the insats.
- Joint advice notes: both sides, only under such a consent.

Everything is read from the database on each call, so a withdrawal hides the
rows at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cases.models import Insats, JointAdviceNote, Student
from cases.selectors import may_see_student, students_visible_to
from consent import policy
from portal.access import scope
from portal.accesslog import note
from portal.models import Unit, User
from portal.pupil_page import asked_once_per_page
from portal.roles import SOCIAL_ROLES


@asked_once_per_page
def may_manage_insatser(user, student: Student) -> bool:
    """Social services responsible for the child: a social-side role in the pupil's
    home district, and the pupil within the user's view."""
    s = scope(user)
    if not s.has_role(*SOCIAL_ROLES) or student.home_district_id not in s.social_district_ids:
        return False
    return may_see_student(user, student)


def insatser_managed_by(user) -> QuerySet[Insats]:
    """Every insats ``user`` manages: of pupils in their view and their districts."""
    s = scope(user)
    if not s.has_role(*SOCIAL_ROLES) or not s.social_district_ids:
        return Insats.objects.none()
    return Insats.objects.filter(
        student__in=students_visible_to(user).values("id"),
        student__home_district_id__in=s.social_district_ids,
    )


def insatser_managed_for(user, student: Student) -> QuerySet[Insats]:
    """``insatser_managed_by(user)`` for one pupil: the rule is about the whole pupil,
    so it is all of the pupil's insatser or none."""
    if not may_manage_insatser(user, student):
        return Insats.objects.none()
    return Insats.objects.filter(student=student)


def insats_get_for_manage(user, pk: int) -> Insats:
    """An insats ``user`` manages, else 404 (no existence leak)."""
    insats = get_object_or_404(
        insatser_managed_by(user).select_related("student", "contact_person"), pk=pk
    )
    note(students=[insats.student], kinds=["insats"])
    return insats


def ongoing(today=None) -> Q:
    today = today or timezone.localdate()
    return Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))


@dataclass(frozen=True)
class SharedInsats:
    """What the school side may know of an ongoing insats, and nothing more."""

    kind: str
    starts_on: object
    contact_person: str
    contact_email: str


def ongoing_insatser_shared_with(user, student: Student) -> list[SharedInsats] | None:
    """The ongoing insatser of ``student`` as the other side may see them, or None
    when the user may not see that there are any (None, not an empty list: the
    page then shows no heading at all)."""
    if not policy.may_see_ongoing_interventions(user, student):
        return None
    rows = (
        Insats.objects.filter(ongoing(), student=student)
        .select_related("contact_person")
        .order_by("starts_on", "id")
    )
    return [
        SharedInsats(
            kind=row.get_kind_display(),
            starts_on=row.starts_on,
            contact_person=str(row.contact_person),
            contact_email=row.contact_person.email,
        )
        for row in rows
    ]


def contact_people_for(user) -> QuerySet[User]:
    """Social-services staff of the user's districts, who may be named contact person."""
    districts = scope(user).social_district_ids
    return (
        User.objects.filter(
            is_active=True,
            memberships__role__in=list(SOCIAL_ROLES),
            memberships__unit__kind__in=Unit.SOCIAL_KINDS,
            memberships__unit__district_id__in=districts,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def registering_unit(user, student: Student) -> Unit | None:
    """The user's social-services unit in the pupil's home district."""
    return (
        Unit.objects.filter(
            pk__in=scope(user).social_unit_ids, district_id=student.home_district_id
        )
        .order_by("kind", "pk")
        .first()
    )


def joint_advice_for(user, student: Student) -> QuerySet[JointAdviceNote] | None:
    """The joint advice notes about ``student``, or None when no consent opens them."""
    if policy.joint_advice_consent(user, student) is None:
        return None
    return JointAdviceNote.objects.filter(student=student).select_related("author", "author_unit")


def advice_unit(user, consent) -> Unit | None:
    """The user's unit that the consent names (the side the note is written from)."""
    s = scope(user)
    units = s.school_unit_ids | s.social_unit_ids
    named = consent.parties.filter(withdrawn_at__isnull=True, unit_id__in=units)
    party = named.select_related("unit").order_by("unit_id").first()
    if party is not None:
        return party.unit
    return Unit.objects.filter(pk__in=units).order_by("pk").first()
