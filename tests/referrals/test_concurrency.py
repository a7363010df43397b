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
