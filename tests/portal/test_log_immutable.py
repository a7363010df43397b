"""On PostgreSQL the application cannot rewrite the logs: UPDATE and DELETE on the
access log and the change log are refused by a trigger (migration portal 0003);
only gallring, in a transaction that sets ``samverkan.retention``, may delete."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from portal.audit.retention import log_deletion_allowed, retention_run
from portal.audit_models import AccessLog, AccessLogSubject
from portal.models import Membership
from portal.roles import Role


@pytest.fixture
def logged(postgres, world):
    """An access-log row with its pupil, and a change-log entry."""
    row = AccessLog.objects.create(
        user=world.teacher_a, username="larare_a", action="pupil.view", kind="view"
    )
    subject = AccessLogSubject.objects.create(
        log=row, student_id=world.pupil_a.pk, at=row.at, basis="school"
    )
    Membership.objects.create(user=world.nobody, unit=world.school_a, role=Role.SCHOOL_STAFF)
    entry = LogEntry.objects.latest("id")
    return row, subject, entry


def _refused(statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        statement()


def test_an_access_log_row_cannot_be_updated(logged):
    row, subject, _entry = logged
    _refused(lambda: AccessLog.objects.filter(pk=row.pk).update(action="rewritten"))
    _refused(lambda: AccessLogSubject.objects.filter(pk=subject.pk).update(basis="other"))
    row.refresh_from_db()
    assert row.action == "pupil.view"


def test_an_access_log_row_cannot_be_deleted(logged):
    row, subject, _entry = logged
    _refused(lambda: AccessLogSubject.objects.filter(pk=subject.pk).delete())
    _refused(lambda: AccessLog.objects.filter(pk=row.pk).delete())
    assert AccessLog.objects.filter(pk=row.pk).exists()


def test_a_change_log_entry_cannot_be_updated_or_deleted(logged):
    _row, _subject, entry = logged
    _refused(lambda: LogEntry.objects.filter(pk=entry.pk).update(object_repr="rewritten"))
    _refused(lambda: LogEntry.objects.filter(pk=entry.pk).delete())


def test_raw_sql_is_refused_too(logged):
    row, _subject, _entry = logged

    def raw():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE portal_accesslog SET username = 'x' WHERE id = %s", [row.pk])

    _refused(raw)


def test_the_retention_setting_lets_only_deletes_through(logged):
    row, subject, _entry = logged
    with transaction.atomic(), log_deletion_allowed():
        _refused(lambda: AccessLog.objects.filter(pk=row.pk).update(action="rewritten"))
        AccessLogSubject.objects.filter(pk=subject.pk).delete()
        AccessLog.objects.filter(pk=row.pk).delete()
    assert not AccessLog.objects.filter(pk=row.pk).exists()


def test_the_setting_ends_with_its_block(logged):
    row, _subject, _entry = logged
    with transaction.atomic(), log_deletion_allowed():
        pass
    _refused(lambda: AccessLogSubject.objects.filter(log=row).delete())


def test_gallring_removes_log_rows_past_their_period(postgres, world):
    old = timezone.now() - datetime.timedelta(days=6 * 366)
    row = AccessLog.objects.create(
        at=old, user=world.teacher_a, username="larare_a", action="pupil.view", kind="view"
    )
    AccessLogSubject.objects.create(log=row, student_id=world.pupil_a.pk, at=old)
    retention_run()
    assert not AccessLog.objects.filter(pk=row.pk).exists()


def test_the_check_command_proves_it(postgres):
    out = StringIO()
    call_command("check_log_append_only", stdout=out)
    assert "append-only for this database role" in out.getvalue()
    assert out.getvalue().count("refused") == 4
