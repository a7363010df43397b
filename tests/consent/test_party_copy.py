"""Each consent party carries copies of its consent's pupil, first and last day and
withdrawal (consent.party_copy): written with the party, rewritten in the
transaction of every save of the consent, checked and rebuilt by derived_rows,
filled by its migration; the unit's pupils named in consents are read off them."""

import datetime
import importlib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from cases.models import Student
from cases.selectors import students_visible_to
from consent import party_copy, policy, services
from consent.models import PARTY_COPIES, ConsentParty
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
    fields = list(PARTY_COPIES)
    return set(ConsentParty.objects.filter(consent=consent).values_list(*fields))


def of_consent(consent) -> tuple:
    consent.refresh_from_db()
    return tuple(getattr(consent, source) for source in PARTY_COPIES.values())


def named_for(user):
    return Student.objects.filter(policy.students_named_in_consents(compute_scope(user)))


def test_the_parties_are_written_with_the_copies(consent):
    assert copies(consent) == {of_consent(consent)}
    assert party_copy.drift() == {"wrong": []}
    assert ConsentParty.objects.filter(consent=consent).count() == 2


def test_a_party_saved_on_its_own_takes_the_copies(world, consent):
    party = ConsentParty(consent=consent, unit=world.intake_kungsholmen)
    party.save()
    assert copies(consent) == {of_consent(consent)}


def test_a_withdrawal_is_copied_and_hides_the_pupil_at_once(world, consent):
    reader = world.social_sodermalm  # sees the pupil only through the consent
    pupil = world.pupil_a_lives_sodermalm
    assert pupil in named_for(reader)
    assert pupil in students_visible_to(reader)

    services.consent_withdraw(consent=consent, by=world.principal_a)

    assert copies(consent) == {of_consent(consent)}
    assert {row[3] for row in copies(consent)} == {consent.withdrawn_at}
    assert pupil not in named_for(reader)
    assert pupil not in students_visible_to(reader)
    assert party_copy.drift() == {"wrong": []}


def test_the_days_are_read_off_the_copies(world, consent):
    reader, pupil = world.social_sodermalm, world.pupil_a_lives_sodermalm
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    consent.valid_from, consent.valid_to = yesterday - datetime.timedelta(days=30), yesterday
    consent.save()
    assert copies(consent) == {of_consent(consent)}
    assert pupil not in named_for(reader)


def test_drift_names_a_wrong_copy_and_rebuild_mends_it(consent):
    first, second = consent.parties.order_by("pk")
    ConsentParty.objects.filter(pk=first.pk).update(consent_valid_to=datetime.date(2099, 1, 1))
    ConsentParty.objects.filter(pk=second.pk).update(consent_withdrawn_at=timezone.now())
    assert party_copy.drift() == {
        "wrong": [f"consent party {first.pk}", f"consent party {second.pk}"]
    }
    with pytest.raises(CommandError, match=r"consents copied onto their parties \(wrong: 2\)"):
        call_command("derived_rows", "--check")
    call_command("derived_rows", "--rebuild")
    assert copies(consent) == {of_consent(consent)}
    assert party_copy.drift() == {"wrong": []}


def test_the_migration_fills_the_parties_already_there(consent):
    services.consent_withdraw(consent=consent, by=consent.recorded_by)
    ConsentParty.objects.filter(consent=consent).update(
        consent_valid_from=datetime.date(2000, 1, 1),
        consent_valid_to=datetime.date(2000, 1, 1),
        consent_withdrawn_at=None,
    )
    with connection.cursor() as cursor:
        for sql in importlib.import_module("consent.migrations.0005_party_consent_copy").FILL:
            cursor.execute(sql)
    assert copies(consent) == {of_consent(consent)}


def test_drift_names_a_withdrawal_missing_from_the_copies(consent):
    # Written past the model (no signal): what derived_rows --check is for.
    type(consent).objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())
    assert len(party_copy.drift()["wrong"]) == 2
    party_copy.rebuild()
    assert party_copy.drift() == {"wrong": []}
    assert copies(consent) == {of_consent(consent)}
