"""Each consent party carries a copy of its consent's last day (consent.party_ends):
written with the party, rewritten when the consent's last day changes, checked and
rebuilt by derived_rows, filled by its migration. The copy only narrows the
search: a wrong copy can hide a consent, never show one."""

import datetime
import importlib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from cases.models import Student
from consent import party_ends, policy
from consent.models import Consent, ConsentParty
from portal.access import compute_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def consent(world, record_consent):
    return record_consent(
        world.principal_a,
        world.pupil_a_lives_sodermalm,
        [world.school_a, world.intake_sodermalm],
        ["school_attendance"],
    )


def copies(consent) -> set:
    return set(
        ConsentParty.objects.filter(consent=consent).values_list("consent_valid_to", flat=True)
    )


def test_the_parties_are_written_with_the_consents_last_day(consent):
    assert copies(consent) == {consent.valid_to}


def test_a_change_of_the_last_day_is_copied_to_every_party(consent):
    consent.valid_to -= datetime.timedelta(days=30)
    consent.save()
    assert copies(consent) == {consent.valid_to}
    assert party_ends.drift() == {"wrong": []}


def test_drift_names_a_wrong_copy_and_rebuild_mends_it(consent):
    party = consent.parties.first()
    ConsentParty.objects.filter(pk=party.pk).update(consent_valid_to=datetime.date(2099, 1, 1))
    assert party_ends.drift() == {"wrong": [f"consent party {party.pk}"]}
    with pytest.raises(CommandError, match=r"consents' last day on their parties \(wrong: 1\)"):
        call_command("derived_rows", "--check")
    call_command("derived_rows", "--rebuild")
    assert copies(consent) == {consent.valid_to}


def test_a_copy_past_the_consents_end_shows_nothing(world, consent):
    reader = compute_scope(world.social_sodermalm)  # of the intake unit the consent names
    pupil = world.pupil_a_lives_sodermalm

    def named():
        return Student.objects.filter(policy.students_named_in_consents(reader))

    assert pupil in named()
    # Ended yesterday, but every party's copy says it runs for decades.
    ended = timezone.localdate() - datetime.timedelta(days=1)
    Consent.objects.filter(pk=consent.pk).update(
        valid_from=ended - datetime.timedelta(days=60), valid_to=ended
    )
    ConsentParty.objects.filter(consent=consent).update(consent_valid_to=datetime.date(2099, 1, 1))
    assert pupil not in named()


def test_the_migration_fills_the_parties_already_there(consent):
    ConsentParty.objects.filter(consent=consent).update(consent_valid_to=datetime.date(2000, 1, 1))
    with connection.cursor() as cursor:
        for sql in importlib.import_module("consent.migrations.0005_party_consent_valid_to").FILL:
            cursor.execute(sql)
    assert copies(consent) == {consent.valid_to}
