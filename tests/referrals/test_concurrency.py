"""Writes at the same moment: two requests sending the same draft file one report,
and the rows kept from the reports (and the utredningar's daily counts) follow
both of two concurrent writes."""

import threading

import pytest
from django.db import connection

from referrals import services
from referrals.models import Concern, ConcernDraft


def at_once(*targets) -> list[Exception]:
    """Run each target in its own thread (and database connection) and wait for all;
    what they raised."""
    errors = []

    def run(target):
        try:
            target()
        except Exception as exc:  # collected for the test to assert on
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_submission_of_one_draft_files_one_report(world, postgres):
    draft = services.draft_start(author=world.teacher_a, student=world.pupil_a)
    barrier = threading.Barrier(4)
    results = []

    def submit():
        barrier.wait()
        mine = ConcernDraft.objects.get(pk=draft.pk)
        results.append(
            services.concern_submit(
                reporter=world.teacher_a,
                draft=mine,
                categories=["behaviour"],
                worry="Samtidigt",
                relation="Mentor",
            ).pk
        )

    assert at_once(*[submit] * 4) == []
    assert Concern.objects.count() == 1
    assert set(results) == {Concern.objects.get().pk}


@pytest.mark.django_db(transaction=True)
def test_a_report_filed_while_another_is_closed_keeps_the_pupil_reached(world, postgres):
    """One transaction closes the pupil's only report as "not opened" (removing the
    pupil's reach row) while another files a new report about the same pupil. The
    second must act on what the first committed, so the pupil stays reached: the
    refresh of the kept rows locks the pupil and reads again after the lock."""
    from django.db import transaction

    from referrals import reach
    from referrals.models import DistrictReach, PreliminaryAssessment

    def file(draft):
        return services.concern_submit(
            reporter=world.teacher_a,
            draft=draft,
            categories=["behaviour"],
            worry="Ny oro",
            relation="Mentor",
        )

    first = file(services.draft_start(author=world.teacher_a, student=world.pupil_a))
    second_draft = services.draft_start(author=world.teacher_a, student=world.pupil_a)
    decided, committed = threading.Event(), threading.Event()

    def close_first():
        try:
            with transaction.atomic():
                services.preliminary_decision_record(
                    concern=first,
                    by=world.social_kungsholmen,
                    decision=PreliminaryAssessment.Decision.NOT_OPEN,
                    reasoning="Ingen utredning.",
                )
                decided.set()
                # Let the other transaction reach the pupil before this one commits.
                threading.Event().wait(0.5)
            committed.set()
        finally:
            decided.set()  # also when it failed: the other need not wait

    def file_second():
        decided.wait(10)
        file(ConcernDraft.objects.get(pk=second_draft.pk))

    assert at_once(close_first, file_second) == []
    assert committed.is_set()
    assert DistrictReach.objects.filter(student=world.pupil_a).exists()
    assert reach.drift() == {"missing": [], "extra": [], "flag": []}


@pytest.mark.django_db(transaction=True)
def test_two_writes_about_one_report_keep_its_daily_counts(world, postgres):
    """The skyddsbedömning and the förhandsbedömning of one report are recorded in
    two transactions at once. Each rewrites the report's dashboard row and adds the
    difference to the daily counts: the second must take away what the first wrote,
    not the row both started from, or a count is subtracted twice."""
    from django.db import transaction
    from django.utils import timezone

    from referrals import daycounts
    from referrals.models import PreliminaryAssessment, ProtectionAssessment

    concern = services.concern_submit(
        reporter=world.teacher_a,
        draft=services.draft_start(author=world.teacher_a, student=world.pupil_a),
        categories=["behaviour"],
        worry="Oro",
        relation="Mentor",
    )
    assessed = threading.Event()

    # Written as rows, not through the services: the services lock the report
    # themselves, and this is about the dashboard row's own lock.
    def assess():
        try:
            with transaction.atomic():
                ProtectionAssessment.objects.create(
                    concern=concern,
                    immediate_protection_needed=False,
                    reasoning="Ingen akut fara.",
                    assessed_by=world.social_kungsholmen,
                    assessed_at=timezone.now(),
                )
                assessed.set()
                threading.Event().wait(0.5)
        finally:
            assessed.set()  # also when it failed: the other need not wait

    def decide():
        assessed.wait(10)
        PreliminaryAssessment.objects.create(
            concern=concern,
            decision=PreliminaryAssessment.Decision.OPEN,
            reasoning="Utredning.",
            decided_by=world.social_kungsholmen,
            decided_at=timezone.now(),
        )

    assert at_once(assess, decide) == []
    assert daycounts.drift() == {"missing": [], "extra": [], "wrong": []}


def opened_at_once(monkeypatch, first, second) -> None:
    """Utredningar opened on one day in two transactions at once, each given as
    (pupil, unit, opened by): the first holds its transaction a while after its
    counts are recounted, and the second begins once they are."""
    import datetime

    from django.db import transaction

    from portal import tallies
    from referrals.models import Investigation

    first_counted = threading.Event()
    recount = tallies.recount

    def slow_recount(source, buckets):
        recount(source, buckets)
        first_counted.set()
        threading.Event().wait(0.5)  # the first holds its counts a while

    def open_one(pupil, unit, by, wait=False):
        def run():
            if wait:
                first_counted.wait(10)
            with transaction.atomic():
                Investigation.objects.create(
                    student=pupil,
                    unit=unit,
                    started_on=datetime.date(2026, 11, 2),
                    due_on=datetime.date(2027, 3, 2),
                    opened_by=by,
                )

        return run

    monkeypatch.setattr(tallies, "recount", slow_recount)
    assert at_once(open_one(*first), open_one(*second, wait=True)) == []


@pytest.mark.django_db(transaction=True)
def test_two_utredningar_opened_at_once_are_both_counted(world, postgres, monkeypatch):
    """Two transactions open utredningar in one unit on one day. Each counts the
    day again from the rows: the second must wait for the first to commit and
    count both, not write its own count over the first's (or fail on it)."""
    from portal import tallies

    unit, by = world.intake_kungsholmen, world.social_kungsholmen
    opened_at_once(monkeypatch, (world.pupil_a, unit, by), (world.pupil_b, unit, by))
    assert tallies.drift() == {"missing": [], "extra": [], "wrong": []}
    started = tallies.stored()
    assert sum(n for key, n in started.items() if key[:2] == ("day", "investigation_started")) == 2


@pytest.mark.django_db(transaction=True)
def test_utredningar_opened_at_once_in_two_units_both_count_for_the_city(
    world, postgres, monkeypatch
):
    """Two transactions open utredningar in two districts' units on one day. The
    units' recounts do not wait for each other, but both add to the same counts of
    the whole city: the second must add to what the first added, not write over it."""
    import datetime

    from portal import tallies
    from portal.models import CityDayTally

    opened_at_once(
        monkeypatch,
        (world.pupil_a, world.intake_kungsholmen, world.social_kungsholmen),
        (world.pupil_b, world.intake_sodermalm, world.social_sodermalm),
    )
    assert tallies.drift() == {"missing": [], "extra": [], "wrong": []}
    started = CityDayTally.objects.filter(
        span="day", kind="investigation_started", category="", day=datetime.date(2026, 11, 2)
    )
    assert sum(started.values_list("n", flat=True)) == 2
