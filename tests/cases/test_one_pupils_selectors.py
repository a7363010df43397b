"""The pupil page reads a pupil's absence, absence investigations, placements and
SIPs through selectors for one pupil (``…_of(user, student)``), which answer the
rules about the whole pupil (the pupil's school, a consent) for that pupil alone.
Each must give exactly what the list selector gives for that pupil, for every
persona, with and without a consent, and after its withdrawal."""

import datetime

import pytest
from django.utils import timezone

from cases.absence import selectors as absence
from cases.insatser import selectors as insatser
from cases.models import AbsenceInvestigation, Insats, Placement, SipParticipant, SipPlan
from cases.placements import selectors as placements
from cases.sip import selectors as sips
from consent import services as consent_services
from tests.cases.attendance import absence as absence_record
from tests.cases.attendance import placement, share, special_groups

pytestmark = pytest.mark.django_db

PAIRS = [
    ("absence", absence.absence_visible_to, absence.absence_of),
    (
        "absence investigations",
        absence.absence_investigations_visible_to,
        absence.absence_investigations_of,
    ),
    ("placements", placements.placements_visible_to, placements.placements_of),
    ("SIPs", sips.sips_visible_to, sips.sips_of),
    ("insatser", insatser.insatser_managed_by, insatser.insatser_managed_for),
]


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def _compare(world, people, pupils) -> int:
    """Every pair agrees for every person and pupil; returns the rows seen."""
    seen = 0
    for name, user in people.items():
        for pupil in pupils:
            for what, visible_to, of in PAIRS:
                expected = _ids(visible_to(user).filter(student=pupil))
                assert _ids(of(user, pupil)) == expected, (what, name, pupil)
                seen += len(expected)
    return seen


def test_one_pupils_selectors_give_what_the_lists_give(world):
    groups = special_groups(world)
    today = timezone.localdate()
    pupils = [world.pupil_a, world.pupil_a_lives_sodermalm, world.pupil_b]
    for pupil in pupils:
        absence_record(
            pupil, world.principal_a, today - datetime.timedelta(days=30), today, total=20
        )
        AbsenceInvestigation.objects.create(
            student=pupil,
            school_unit=pupil.school_unit,
            opened_by=world.principal_a,
            opened_on=today,
        )
        plan = SipPlan.objects.create(
            student=pupil,
            convenor=world.sip_kungsholmen,
            convenor_unit=world.investigation_kungsholmen,
        )
        SipParticipant.objects.create(plan=plan, unit=pupil.school_unit, role="school")
        Insats.objects.create(
            student=pupil,
            kind=Insats.Kind.MST,
            starts_on=today,
            contact_person=world.social_kungsholmen,
            unit=world.intake_kungsholmen,
            registered_by=world.social_kungsholmen,
        )
    # A placement in a group the pupil's school does not run, and one in the other
    # district's group: the group-based rules, not the pupil's.
    placement(world.pupil_a, groups.rsu, world.principal_a, status=Placement.Status.ACTIVE)
    placement(world.pupil_b, groups.sst, world.principal_b)
    # An investigation opened at another school than the pupil's present one.
    AbsenceInvestigation.objects.create(
        student=world.pupil_b,
        school_unit=world.school_a,
        opened_by=world.principal_a,
        opened_on=today,
    )
    people = {
        **world.personas(),
        "rsu_teacher": groups.rsu_teacher,
        "rsu_principal": groups.rsu_principal,
        "family_worker": groups.family_worker_kungsholmen,
        "investigation_worker": groups.investigation_worker_kungsholmen,
    }

    without = _compare(world, people, pupils)
    consent = share(
        world,
        world.pupil_a,
        [world.school_a, world.school_b, world.intake_kungsholmen, world.investigation_kungsholmen],
        ["school_attendance", "sip_plan"],
    )
    with_consent = _compare(world, people, pupils)
    consent_services.consent_withdraw(consent=consent, by=world.principal_a)
    withdrawn = _compare(world, people, pupils)

    assert with_consent > without == withdrawn > 0
