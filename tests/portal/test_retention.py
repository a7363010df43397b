"""Gallring at its boundaries, with controlled time: what the rules remove, on which
day, and that nothing outside them is touched."""

from __future__ import annotations

import datetime
import random
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.conf import settings
from django.core.management import CommandError, call_command

from cases import identity
from cases.models import Meeting, Student
from consent.models import Override
from portal import rules
from portal.audit.retention import retention_run
from portal.audit_models import AccessLog, AccessLogSubject
from referrals import services
from referrals.models import (
    Concern,
    ConcernEvent,
    Investigation,
    PreliminaryAssessment,
    ProtectionAssessment,
)
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

STHLM = ZoneInfo("Europe/Stockholm")
T0 = datetime.datetime(2019, 3, 11, 10, 0, tzinfo=STHLM)  # a Monday
DAY0 = T0.date()


def years_after(day: datetime.date, years: int, days: int = 0) -> datetime.date:
    return day.replace(year=day.year + years) + datetime.timedelta(days=days)


def pupil(world, born_day: int = 14):
    born = datetime.date(2012, 3, born_day)
    pnr = identity.fictional_personnummer(born, female=True, rng=random.Random(born_day))
    return StudentFactory(personnummer=pnr, school_unit=world.school_a)


@pytest.fixture
def not_opened(world, file_concern):
    def make(student, at=T0):
        with time_machine.travel(at, tick=False):
            concern = file_concern(world.teacher_a, student)
            services.preliminary_decision_record(
                concern=concern,
                by=world.social_kungsholmen,
                decision="not_open",
                reasoning="Ingen grund för utredning.",
            )
        return concern

    return make


@pytest.fixture
def investigated(world, file_concern):
    """A report that opened an utredning, closed ten days later."""

    def make(student, outcome="no_intervention", close=True):
        with time_machine.travel(T0, tick=False):
            concern = file_concern(world.teacher_a, student)
            services.protection_assessment_record(
                concern=concern,
                by=world.social_kungsholmen,
                immediate_protection_needed=False,
                reasoning="Inte akut.",
                measures="",
            )
            services.preliminary_decision_record(
                concern=concern,
                by=world.social_kungsholmen,
                decision="open",
                reasoning="Behov av utredning.",
            )
        investigation = concern.investigations.get()
        if close:
            with time_machine.travel(T0 + datetime.timedelta(days=10), tick=False):
                services.investigation_close(
                    investigation=investigation,
                    by=world.social_kungsholmen,
                    outcome=outcome,
                    notes="Avslutad.",
                )
        return concern

    return make


LAST_NOTE = DAY0 + datetime.timedelta(days=10)


# --- non-opened förhandsbedömningar -------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "removed"), [(-1, False), (0, True), (1, True)], ids=["day-before", "on", "after"]
)
def test_a_non_opened_report_goes_five_years_after_the_decision(world, not_opened, days, removed):
    concern = not_opened(pupil(world))
    summary = retention_run(today=years_after(DAY0, 5, days))
    assert Concern.objects.filter(pk=concern.pk).exists() is not removed
    assert PreliminaryAssessment.objects.filter(concern_id=concern.pk).exists() is not removed
    assert ConcernEvent.objects.filter(concern_id=concern.pk).exists() is not removed
    assert summary.results[0].removed_units == (1 if removed else 0)


def test_the_research_sample_does_not_cover_non_opened_reports_by_default(world, not_opened):
    assert rules.RETENTION_RESEARCH_SAMPLE_COVERS_NOT_OPENED is False
    concern = not_opened(pupil(world, born_day=15))
    retention_run(today=years_after(DAY0, 5, 1))
    assert not Concern.objects.filter(pk=concern.pk).exists()


def test_the_research_sample_can_cover_non_opened_reports(world, not_opened, monkeypatch):
    monkeypatch.setattr(rules, "RETENTION_RESEARCH_SAMPLE_COVERS_NOT_OPENED", True)
    kept = not_opened(pupil(world, born_day=25))
    gone = not_opened(pupil(world, born_day=24))
    summary = retention_run(today=years_after(DAY0, 5, 1))
    assert Concern.objects.filter(pk=kept.pk).exists()
    assert not Concern.objects.filter(pk=gone.pk).exists()
    assert summary.results[0].plan.kept == {"research_sample": 1}


# --- the personakt ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "removed"), [(-1, False), (1, True)], ids=["day-before", "day-after"]
)
def test_a_personakt_goes_five_years_after_its_last_note(world, investigated, days, removed):
    student = pupil(world)
    concern = investigated(student)
    retention_run(today=years_after(LAST_NOTE, 5, days))
    assert Concern.objects.filter(pk=concern.pk).exists() is not removed
    assert Investigation.objects.filter(student=student).exists() is not removed
    assert ProtectionAssessment.objects.filter(concern_id=concern.pk).exists() is not removed
    assert Student.objects.filter(pk=student.pk).exists()  # the pupil is the school's


@pytest.mark.parametrize("born_day", sorted(rules.RETENTION_RESEARCH_SAMPLE_DAYS))
def test_children_born_on_the_5th_15th_or_25th_are_kept(world, investigated, born_day):
    concern = investigated(pupil(world, born_day=born_day))
    summary = retention_run(today=years_after(LAST_NOTE, 5, 1))
    assert Concern.objects.filter(pk=concern.pk).exists()
    assert summary.results[1].plan.kept == {"research_sample": 1}


@pytest.mark.parametrize("born_day", [4, 6, 14, 16, 24, 26])
def test_children_born_on_other_days_are_not_kept(world, investigated, born_day):
    concern = investigated(pupil(world, born_day=born_day))
    retention_run(today=years_after(LAST_NOTE, 5, 1))
    assert not Concern.objects.filter(pk=concern.pk).exists()


def test_an_open_utredning_keeps_the_personakt(world, investigated):
    concern = investigated(pupil(world), close=False)
    retention_run(today=years_after(DAY0, 20))
    assert Concern.objects.filter(pk=concern.pk).exists()


def test_an_utredning_that_led_to_insatser_is_kept_for_the_archive(world, investigated):
    concern = investigated(pupil(world), outcome="intervention")
    summary = retention_run(today=years_after(LAST_NOTE, 5, 1))
    assert Concern.objects.filter(pk=concern.pk).exists()
    assert summary.results[1].plan.kept == {"kept_by_law": 1}


def test_a_later_note_moves_the_five_years(world, investigated):
    student = pupil(world)
    concern = investigated(student)
    later = T0 + datetime.timedelta(days=2 * 365)
    with time_machine.travel(later, tick=False):
        services.amendment_add(concern=concern, author=world.teacher_a, text="Nytt om eleven.")
    retention_run(today=years_after(LAST_NOTE, 5, 1))
    assert Concern.objects.filter(pk=concern.pk).exists()
    retention_run(today=years_after(later.date(), 5, 1))
    assert not Concern.objects.filter(pk=concern.pk).exists()


def test_the_anmalningsmote_goes_with_the_personakt(world, investigated):
    student = pupil(world)
    concern = investigated(student)
    with time_machine.travel(T0 + datetime.timedelta(days=1), tick=False):
        services.notification_meeting_schedule(
            concern=concern,
            by=world.social_kungsholmen,
            starts_at=T0 + datetime.timedelta(days=3),
            duration_minutes=60,
            place="Rum 1",
        )
    retention_run(today=years_after(LAST_NOTE, 5, 1))
    assert not Meeting.objects.filter(student=student).exists()


def test_nothing_outside_the_rules_is_touched(world, investigated, not_opened):
    from consent import services as consent_services

    old = pupil(world)
    investigated(old)
    recent = not_opened(pupil(world, born_day=13), at=T0 + datetime.timedelta(days=3 * 365))
    with time_machine.travel(T0, tick=False):
        consent_services.override_open(
            by=world.principal_a,
            student=old,
            legal_ground="danger_to_life",
            reason="Akut fara för barnets hälsa.",
        )
    students, overrides = Student.objects.count(), Override.objects.count()
    retention_run(today=years_after(LAST_NOTE, 5, 1))
    assert Concern.objects.filter(pk=recent.pk).exists()
    assert (Student.objects.count(), Override.objects.count()) == (students, overrides)


def test_the_change_history_of_removed_records_goes_too(world, not_opened):
    concern = not_opened(pupil(world))
    assert LogEntry.objects.get_for_object(concern).exists()
    retention_run(today=years_after(DAY0, 5, 1))
    assert not LogEntry.objects.filter(
        content_type__model="concern", object_pk=str(concern.pk)
    ).exists()
    assert not LogEntry.objects.filter(action=LogEntry.Action.DELETE).exists()


# --- the access log -----------------------------------------------------------------------


def _log(world, at):
    row = AccessLog.objects.create(
        at=at, user=world.teacher_a, username="larare_a", action="pupil.view", kind="view"
    )
    AccessLogSubject.objects.create(log=row, student_id=world.pupil_a.pk, at=at, basis="school")
    return row


@pytest.mark.parametrize(
    ("days", "removed"), [(-1, False), (0, True), (1, True)], ids=["day-before", "on", "after"]
)
def test_the_access_log_is_kept_for_its_own_period(world, days, removed):
    row = _log(world, T0)
    years = rules.RETENTION_ACCESS_LOG_YEARS
    retention_run(today=years_after(DAY0, years, days))
    assert AccessLog.objects.filter(pk=row.pk).exists() is not removed
    assert AccessLogSubject.objects.filter(log_id=row.pk).exists() is not removed


def test_a_log_row_late_in_the_evening_counts_from_its_stockholm_date(world):
    late = datetime.datetime(2019, 3, 11, 23, 30, tzinfo=STHLM)  # 22:30 UTC
    row = _log(world, late)
    retention_run(today=years_after(DAY0, rules.RETENTION_ACCESS_LOG_YEARS, -1))
    assert AccessLog.objects.filter(pk=row.pk).exists()


def test_the_run_itself_is_logged(world):
    _log(world, T0)
    retention_run(today=years_after(DAY0, 6))
    run = AccessLog.objects.get(action="retention.run")
    assert run.kind == AccessLog.Kind.RETENTION
    assert run.details["rules"]["access_log"]["removed"] == 1


# --- the command --------------------------------------------------------------------------


def test_a_dry_run_removes_nothing_and_reports_what_is_due(world, not_opened):
    concern = not_opened(pupil(world))
    _log(world, T0)
    out = StringIO()
    call_command("gallring", "--dry-run", "--now", years_after(DAY0, 6).isoformat(), stdout=out)
    assert Concern.objects.filter(pk=concern.pk).exists()
    assert AccessLog.objects.filter(action="pupil.view").exists()
    text = out.getvalue()
    assert "dry run" in text
    assert "due: 1 reports; would be removed: 1" in text
    assert "due: 1 log rows; would be removed: 1" in text


def test_the_command_shows_progress_and_a_summary(world, not_opened):
    not_opened(pupil(world))
    not_opened(pupil(world, born_day=16))
    out, err = StringIO(), StringIO()
    call_command(
        "gallring",
        "--now",
        years_after(DAY0, 6).isoformat(),
        "--batch-size",
        "1",
        stdout=out,
        stderr=err,
    )
    assert "preliminary_not_opened: 1/2" in err.getvalue()
    assert "preliminary_not_opened: 2/2" in err.getvalue()
    assert "removed: 2" in out.getvalue()
    assert "referrals.Concern: 2" in out.getvalue()
    assert not Concern.objects.exists()


def test_the_command_refuses_a_bad_date():
    with pytest.raises(CommandError):
        call_command("gallring", "--now", "5 years ago")


def test_the_scheduled_run_is_off_by_default():
    from portal.audit.tasks import retention_run as task

    assert settings.RETENTION_SCHEDULE_ENABLED is False
    assert "retention-run" not in settings.CELERY_BEAT_SCHEDULE
    assert task.name == "portal.retention_run"
