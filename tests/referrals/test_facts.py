"""The dashboard's row of each report (referrals.facts): written in the transaction
of every write to the report, its assessments and extensions and the pupil's
gender, never apart from them."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from cases.models import Meeting
from cases.services import meeting_cancel, meeting_reschedule
from portal import rules, tallies
from referrals import daycounts, facts, services
from referrals.models import CATEGORY_BITS, ConcernFact, PreliminaryAssessment

pytestmark = pytest.mark.django_db


def no_drift():
    # The reports' rows and the daily counts derived from them.
    return facts.drift() == daycounts.drift() == {"missing": [], "extra": [], "wrong": []}


def fact(concern) -> ConcernFact:
    return ConcernFact.objects.get(pk=concern.pk)


def test_a_report_gets_its_row_when_filed(world, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    row = fact(concern)
    assert (row.intake_unit_id, row.reporting_unit_id) == (
        world.intake_kungsholmen.pk,
        world.school_a.pk,
    )
    assert (row.gender, row.channel, row.received_at) == (
        world.pupil_a.gender,
        "portal",
        concern.received_at,
    )
    assert row.protection_assessed_at is None and row.decided_at is None
    assert (row.decision, row.flagged, row.extended) == ("", False, False)
    assert no_drift()


def test_assessments_and_an_extension_reach_the_row(world, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a, categories=["violence_home"])
    protection = services.protection_assessment_record(
        concern=concern,
        by=world.social_kungsholmen,
        immediate_protection_needed=False,
        reasoning="Tryggt i skolan.",
    )
    assert fact(concern).protection_assessed_at == protection.assessed_at
    services.preliminary_extension_record(
        concern=concern,
        by=world.social_kungsholmen,
        reason=rules.EXTENSION_REASONS[0][0],
        explanation="Väntar på tolk.",
        new_due_on=concern.preliminary_due_on + datetime.timedelta(days=7),
    )
    assert fact(concern).extended
    decision = services.preliminary_decision_record(
        concern=concern,
        by=world.social_kungsholmen,
        decision=PreliminaryAssessment.Decision.NOT_OPEN,
        reasoning="Ingen utredning.",
        violence_override_reason="Familjen har redan stöd.",
    )
    row = fact(concern)
    assert (row.decided_at, row.decision, row.flagged) == (decision.decided_at, "not_open", True)
    assert no_drift()


def test_the_pupils_gender_follows_the_pupil(world, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    pupil = world.pupil_a
    pupil.gender = "boy" if pupil.gender != "boy" else "girl"
    pupil.save()
    assert fact(concern).gender == pupil.gender
    assert no_drift()


def test_the_categories_are_one_bit_each(world, file_concern):
    codes = {code for code, _label in rules.CONCERN_CATEGORIES}
    bits = list(CATEGORY_BITS.values())
    assert set(CATEGORY_BITS) == codes
    assert sorted(bits) == [1 << i for i in range(len(codes))]

    concern = file_concern(
        world.teacher_a, world.pupil_a, categories=["violence_home", "criminality"]
    )
    other = file_concern(world.teacher_a, world.pupil_a, categories=["other"])
    assert fact(concern).categories == CATEGORY_BITS["violence_home"] | CATEGORY_BITS["criminality"]
    assert fact(other).categories == CATEGORY_BITS["other"]
    named = ConcernFact.objects.filter(facts.has_category("criminality"))
    assert list(named.values_list("pk", flat=True)) == [concern.pk]
    assert no_drift()


def test_the_anmalningsmote_reaches_the_row_and_follows_its_meeting(world, file_concern):
    offered = file_concern(world.teacher_a, world.pupil_a)
    skipped = file_concern(world.teacher_a, world.pupil_a)
    assert fact(offered).meeting_decided_at is None
    starts = timezone.now() + datetime.timedelta(days=5)
    decision = services.notification_meeting_schedule(
        concern=offered,
        by=world.social_kungsholmen,
        starts_at=starts,
        duration_minutes=45,
        place="Socialkontoret",
    )
    row = fact(offered)
    assert (row.meeting_decided_at, row.meeting_status, row.meeting_starts_at) == (
        decision.decided_at,
        Meeting.Status.SCHEDULED,
        starts,
    )
    assert row.meeting_skip_reason == ""
    moved = starts + datetime.timedelta(days=1)
    meeting_reschedule(meeting=decision.meeting, by=world.social_kungsholmen, starts_at=moved)
    assert fact(offered).meeting_starts_at == moved
    meeting_cancel(meeting=decision.meeting, by=world.social_kungsholmen)
    assert fact(offered).meeting_status == Meeting.Status.CANCELLED

    services.notification_meeting_skip(
        concern=skipped,
        by=world.social_kungsholmen,
        reason="crime_at_home",
        explanation="Misstanke om brott i hemmet.",
    )
    row = fact(skipped)
    assert (row.meeting_status, row.meeting_skip_reason) == ("", "crime_at_home")
    assert row.meeting_decided_at is not None
    assert no_drift()


def test_drift_names_a_row_written_past_the_source(world, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    ConcernFact.objects.filter(pk=concern.pk).update(channel="letter")
    assert facts.drift() == {"missing": [], "extra": [], "wrong": [concern.pk]}
    with pytest.raises(CommandError, match=r"dashboard rows of the reports \(missing: 0"):
        call_command("derived_rows", "--check")
    call_command("derived_rows", "--rebuild")
    assert no_drift()


def test_the_migration_and_rebuild_fill_what_the_source_says(world, file_concern):
    first = file_concern(world.teacher_a, world.pupil_a, categories=["violence_home"])
    services.preliminary_decision_record(
        concern=first,
        by=world.social_kungsholmen,
        decision=PreliminaryAssessment.Decision.OPEN,
        reasoning="Utredning.",
    )
    services.notification_meeting_schedule(
        concern=first,
        by=world.social_kungsholmen,
        starts_at=timezone.now() + datetime.timedelta(days=5),
        duration_minutes=45,
        place="Socialkontoret",
    )
    file_concern(world.teacher_a, world.pupil_a_lives_sodermalm)
    want = facts.source()
    assert len(want) == 2
    assert fact(first).categories and fact(first).meeting_status == Meeting.Status.SCHEDULED
    ConcernFact.objects.all().delete()
    migration = importlib.import_module(
        "referrals.migrations.0009_concern_fact_categories_meetings"
    )
    with connection.cursor() as cursor:
        cursor.execute(migration.FILL)
    assert facts.stored() == want
    assert facts.rebuild() == 2
    assert facts.stored() == want


def test_a_daily_count_written_past_the_reports_is_found_and_rebuilt(world, file_concern):
    from referrals.models import ConcernDayCount

    file_concern(world.teacher_a, world.pupil_a)
    every = ConcernDayCount.objects.filter(kind="received", category="")
    received = every.get(span="month")
    assert received.n == 1
    assert received.day == every.get(span="day").day.replace(day=1)
    ConcernDayCount.objects.filter(pk=received.pk).update(n=2)
    assert daycounts.drift()["wrong"] == [
        ("month", "received", received.day, received.intake_unit_id, received.gender, "", "")
    ]
    with pytest.raises(CommandError, match=r"daily counts of the reports \(missing: 0"):
        call_command("derived_rows", "--check")
    call_command("derived_rows", "--rebuild")
    assert no_drift()


def test_the_daily_counts_migration_fills_what_the_rows_say(world, file_concern):
    from django.apps import apps

    from referrals.models import ConcernDayCount

    concern = file_concern(world.teacher_a, world.pupil_a, categories=["violence_home", "other"])
    services.preliminary_decision_record(
        concern=concern,
        by=world.social_kungsholmen,
        decision=PreliminaryAssessment.Decision.OPEN,
        reasoning="Utredning.",
    )
    want = daycounts.source()
    assert {key[:2] for key in want} >= {
        (span, kind)
        for span in ("day", "month")
        for kind in ("received", "reported_by", "category", "decided", "decided_days")
    }
    assert {(key[1], key[-1]) for key in want if key[-1]} >= {
        ("received", "violence_home"),
        ("decided", "other"),
    }
    ConcernDayCount.objects.all().delete()
    migration = importlib.import_module("referrals.migrations.0018_day_counts_by_category")
    migration.refill(apps, SimpleNamespace(connection=connection))
    assert daycounts.stored() == want


def test_many_reports_refreshed_at_once_keep_their_daily_counts(world, file_concern, monkeypatch):
    for _ in range(3):
        file_concern(world.teacher_a, world.pupil_a)
    # Batches of one count: every statement of the refresh is a batch of its own.
    monkeypatch.setattr(tallies, "BATCH", 1)
    pupil = world.pupil_a
    pupil.gender = "boy" if pupil.gender != "boy" else "girl"
    pupil.save()
    assert no_drift()
