"""The kept rows of which pupils a district's social services reach (referrals.reach):
changed in the transaction of every write that changes the answer, never apart
from the reports, utredningar and suspension notices they come from."""

import datetime
import importlib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cases.selectors import students_visible_to
from referrals import reach, services
from referrals.models import Concern, DistrictReach, Investigation, PreliminaryAssessment

pytestmark = pytest.mark.django_db


def rows():
    return reach.stored()


def sees(user, student) -> bool:
    listed = set(students_visible_to(user).values_list("pk", flat=True))
    one = students_visible_to(user).filter(pk=student.pk).exists()
    assert one == (student.pk in listed)  # the page's check and the list agree
    return one


def no_drift():
    return reach.drift() == {"missing": [], "extra": [], "flag": []}


def decide(world, concern, decision, by=None):
    return services.preliminary_decision_record(
        concern=concern,
        by=by or world.social_kungsholmen,
        decision=decision,
        reasoning="Bedömning gjord.",
    )


def test_a_report_reaches_the_home_district_only(world, file_concern):
    assert not sees(world.social_kungsholmen, world.pupil_a)
    file_concern(world.teacher_a, world.pupil_a)
    assert rows() == {(world.kungsholmen.pk, world.pupil_a.pk): False}
    assert sees(world.social_kungsholmen, world.pupil_a)
    assert not sees(world.social_sodermalm, world.pupil_a)
    assert not sees(world.sip_kungsholmen, world.pupil_a)  # no open utredning yet
    assert no_drift()


def test_not_opened_removes_the_pupil_in_the_same_transaction(world, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    decide(world, concern, PreliminaryAssessment.Decision.NOT_OPEN)
    assert rows() == {}
    assert not sees(world.social_kungsholmen, world.pupil_a)
    assert no_drift()


def test_a_second_report_keeps_the_pupil_after_one_is_not_opened(world, file_concern):
    first = file_concern(world.teacher_a, world.pupil_a)
    file_concern(world.teacher_a, world.pupil_a)
    decide(world, first, PreliminaryAssessment.Decision.NOT_OPEN)
    assert sees(world.social_kungsholmen, world.pupil_a)
    assert no_drift()


def test_an_open_utredning_reaches_the_sip_coordinator_until_closed(world, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    decide(world, concern, PreliminaryAssessment.Decision.OPEN)
    assert rows() == {(world.kungsholmen.pk, world.pupil_a.pk): True}
    assert sees(world.sip_kungsholmen, world.pupil_a)
    services.investigation_close(
        investigation=Investigation.objects.get(),
        by=world.social_kungsholmen,
        outcome=Investigation.Outcome.NO_INTERVENTION,
    )
    assert rows() == {(world.kungsholmen.pk, world.pupil_a.pk): False}
    assert not sees(world.sip_kungsholmen, world.pupil_a)
    assert sees(world.social_kungsholmen, world.pupil_a)  # the utredning still reaches it
    assert no_drift()


def test_a_suspension_notice_reaches_the_home_district(world):
    today = datetime.date.today()
    services.suspension_record(
        by=world.principal_a,
        student=world.pupil_a_lives_sodermalm,
        starts_on=today,
        ends_on=today,
        reason="Hot mot en klasskamrat.",
        pupil_and_guardians_heard=True,
    )
    assert sees(world.social_sodermalm, world.pupil_a_lives_sodermalm)
    assert not sees(world.social_kungsholmen, world.pupil_a_lives_sodermalm)
    assert no_drift()


def test_moving_or_deleting_a_source_row_leaves_no_row_behind(world, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    concern.student = world.pupil_a_lives_sodermalm
    concern.save()
    assert rows() == {(world.kungsholmen.pk, world.pupil_a_lives_sodermalm.pk): False}
    assert not sees(world.social_kungsholmen, world.pupil_a)
    concern.categories.all().delete()
    concern.events.all().delete()
    Concern.objects.filter(pk=concern.pk).get().delete()
    assert rows() == {}
    assert no_drift()


def test_drift_names_a_row_written_past_the_source(world, file_concern):
    file_concern(world.teacher_a, world.pupil_a)
    DistrictReach.objects.create(district=world.sodermalm, student=world.pupil_b)
    DistrictReach.objects.filter(student=world.pupil_a).update(open_investigation=True)
    assert reach.drift() == {
        "missing": [],
        "extra": [(world.sodermalm.pk, world.pupil_b.pk)],
        "flag": [(world.kungsholmen.pk, world.pupil_a.pk)],
    }
    with pytest.raises(CommandError, match=r"pupils reached by districts \(missing: 0, extra: 1"):
        call_command("derived_rows", "--check")
    call_command("derived_rows", "--rebuild")
    assert no_drift()
    call_command("derived_rows", "--check")


def test_the_migration_fills_what_the_source_says(world, file_concern):
    """The SQL that filled the table for the data already there agrees with reach.source."""
    concern = file_concern(world.teacher_a, world.pupil_a)
    decide(world, concern, PreliminaryAssessment.Decision.OPEN)
    closed = file_concern(world.teacher_b, world.pupil_b)
    decide(world, closed, PreliminaryAssessment.Decision.NOT_OPEN, by=world.social_sodermalm)
    file_concern(world.teacher_a, world.pupil_a_lives_sodermalm)
    want = reach.source()
    assert len(want) == 2
    DistrictReach.objects.all().delete()
    migration = importlib.import_module("referrals.migrations.0006_district_reach")
    with connection.cursor() as cursor:
        cursor.execute(migration.FILL)
    assert rows() == want
