"""manage.py check_log_append_only: prove that the application cannot rewrite the logs.

On PostgreSQL it writes a probe row in each log table, tries to UPDATE and DELETE it
as the application would, and rolls everything back. It fails (exit 1) if any of
those statements is accepted. Run it with the web application's own DATABASE_URL.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction

PROBES = {
    "portal_accesslog": (
        "INSERT INTO portal_accesslog (at, username, action, kind, record_kinds, method, path,"
        " query, correlation_id, unit_ids, details) VALUES (now(), 'probe', 'probe', 'view',"
        " '', '', '', '', '', '[]', '{}') RETURNING id",
        "UPDATE portal_accesslog SET action = 'rewritten' WHERE id = %s",
        "DELETE FROM portal_accesslog WHERE id = %s",
    ),
    "auditlog_logentry": (
        "INSERT INTO auditlog_logentry (content_type_id, object_pk, object_repr, action,"
        " changes_text, timestamp) VALUES ((SELECT min(id) FROM django_content_type), 'probe',"
        " 'probe', 0, '', now()) RETURNING id",
        "UPDATE auditlog_logentry SET object_repr = 'rewritten' WHERE id = %s",
        "DELETE FROM auditlog_logentry WHERE id = %s",
    ),
}


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Check that the access log and the change log refuse UPDATE and DELETE."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Only PostgreSQL enforces an append-only log (migration 0003).")
        accepted = []
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    for table, (insert, update, delete) in PROBES.items():
                        cursor.execute(insert)
                        probe = cursor.fetchone()[0]
                        for statement in (update, delete):
                            try:
                                with transaction.atomic():
                                    cursor.execute(statement, [probe])
                            except DatabaseError:
                                self.stdout.write(f"{table}: {statement.split()[0]} refused")
                            else:
                                accepted.append(f"{table}: {statement.split()[0]}")
                raise _Rollback
        except _Rollback:
            pass
        if accepted:
            raise CommandError("The log can be rewritten: " + ", ".join(accepted))
        self.stdout.write("The logs are append-only for this database role.")
