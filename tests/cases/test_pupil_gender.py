"""The pupil's gender copied onto utredningar, SIPs, placements and consents
(cases.pupil_gender): set when a row is saved, rewritten when the pupil's gender
changes, in the same transaction, and checked against the pupils."""

import datetime
import importlib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import pupil_gender
from cases.models import Placement, SipPlan, Student
from consent.models import Consent
from referrals.models import Investigation
from tests.cases.attendance import special_groups
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 2)


@pytest.fixture
def rows_of(world):
    groups = special_groups(world)

    def make(student) -> list:
        return [
            Investigation.objects.create(
                student=student,
                unit=world.investigation_kungsholmen,
                started_on=TODAY,
                due_on=TODAY + datetime.timedelta(days=120),
                opened_by=world.social_kungsholmen,
            ),
            SipPlan.objects.create(
                student=student,
                convenor=world.sip_kungsholmen,
                convenor_unit=world.investigation_kungsholmen,
            ),
            Placement.objects.create(
                student=student,
                group=groups.rsu,
                reason="Behöver en mindre grupp.",
                applied_by=world.principal_a,
                applied_at=timezone.now(),
            ),
            Consent.objects.create(
                student=student,
                purpose="Samordna stödet.",
                valid_from=TODAY,
                valid_to=TODAY + datetime.timedelta(days=180),
                form=Consent.Form.WRITTEN,
                recorded_by=world.principal_a,
                recorded_by_unit=world.school_a,
                recorded_side="school",
            ),
        ]

    return make


def copies(rows) -> dict[str, str]:
    return {
        type(row).__name__: type(row).objects.values_list("pupil_gender", flat=True).get(pk=row.pk)
        for row in rows
    }


def pupil(world, gender) -> Student:
    return StudentFactory(
        gender=gender, school_unit=world.school_a, home_district=world.kungsholmen
    )


def test_the_four_kinds_of_rows_are_kept():
    assert set(pupil_gender.copies()) == {Investigation, SipPlan, Placement, Consent}


def test_a_row_takes_its_pupils_gender_when_saved(world, rows_of):
    girl = pupil(world, "girl")
    assert set(copies(rows_of(girl)).values()) == {"girl"}


def test_a_row_saved_with_only_the_pupils_id_reads_the_gender(world):
    boy = pupil(world, "boy")
    plan = SipPlan(student_id=boy.pk, convenor=world.sip_kungsholmen, convenor_unit=world.school_a)
    plan.save()
    assert SipPlan.objects.get(pk=plan.pk).pupil_gender == "boy"


def test_a_save_of_other_fields_leaves_the_copy_alone(world, rows_of):
    plan = rows_of(pupil(world, "girl"))[1]
    plan.outcome = "Målen nådda."
    with CaptureQueriesContext(connection) as queries:
        plan.save(update_fields=["outcome"])
    assert not any("cases_student" in q["sql"] for q in queries.captured_queries)


def test_the_rows_follow_a_change_of_the_pupils_gender_and_no_one_elses(world, rows_of):
    changed, other = pupil(world, "other"), pupil(world, "other")
    rows, others = rows_of(changed), rows_of(other)
    changed.gender = "girl"
    changed.save()
    assert set(copies(rows).values()) == {"girl"}
    assert set(copies(others).values()) == {"other"}
    assert pupil_gender.drift() == {"wrong": []}


def test_a_save_of_the_pupil_without_its_gender_does_not_touch_the_rows(world, rows_of):
    girl = pupil(world, "girl")
    rows_of(girl)
    girl.first_name = "Ella"
    with CaptureQueriesContext(connection) as queries:
        girl.save(update_fields=["first_name"])
    assert not any("pupil_gender" in q["sql"] for q in queries.captured_queries)


def test_drift_names_a_copy_written_past_the_pupil_and_rebuild_mends_it(world, rows_of):
    rows = rows_of(pupil(world, "girl"))
    Consent.objects.filter(pk=rows[3].pk).update(pupil_gender="boy")
    assert pupil_gender.drift() == {"wrong": [f"consent.Consent {rows[3].pk}"]}
    with pytest.raises(CommandError, match=r"pupils' gender on their rows \(wrong: 1\)"):
        call_command("derived_rows", "--check")
    call_command("derived_rows", "--rebuild")
    assert pupil_gender.drift() == {"wrong": []}
    assert copies(rows)["Consent"] == "girl"


@pytest.mark.parametrize(
    "migration",
    [
        "cases.migrations.0006_pupil_gender",
        "consent.migrations.0004_pupil_gender",
        "referrals.migrations.0010_pupil_gender",
    ],
)
def test_the_migrations_fill_the_copies_of_the_rows_already_there(world, rows_of, migration):
    rows = rows_of(pupil(world, "boy"))
    for model in pupil_gender.copies():
        model.objects.update(pupil_gender="")
    with connection.cursor() as cursor:
        for sql in importlib.import_module(migration).FILL:
            cursor.execute(sql)
    filled = {name for name, gender in copies(rows).items() if gender == "boy"}
    tables = " ".join(importlib.import_module(migration).FILL)
    assert filled == {type(row).__name__ for row in rows if type(row)._meta.db_table in tables}
    assert filled
