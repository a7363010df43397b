"""Two requests sending the same draft at the same moment file one report."""

import threading

import pytest
from django.db import close_old_connections, connection

from referrals import services
from referrals.models import Concern, ConcernDraft


@pytest.mark.django_db(transaction=True)
def test_concurrent_submission_of_one_draft_files_one_report(world, postgres):
    draft = services.draft_start(author=world.teacher_a, student=world.pupil_a)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def submit():
        try:
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
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
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
    errors = []

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
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
            decided.set()
        finally:
            connection.close()

    def file_second():
        try:
            decided.wait(10)
            file(ConcernDraft.objects.get(pk=second_draft.pk))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=close_first), threading.Thread(target=file_second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
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
    errors = []

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
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
            assessed.set()
        finally:
            connection.close()

    def decide():
        try:
            assessed.wait(10)
            PreliminaryAssessment.objects.create(
                concern=concern,
                decision=PreliminaryAssessment.Decision.OPEN,
                reasoning="Utredning.",
                decided_by=world.social_kungsholmen,
                decided_at=timezone.now(),
            )
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=assess), threading.Thread(target=decide)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert daycounts.drift() == {"missing": [], "extra": [], "wrong": []}
