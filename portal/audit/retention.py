"""Gallring: destroy what the rules say is due, and nothing else.

Each rule (``portal.audit.RetentionRule``) is registered by the app that owns the
records: referrals for förhandsbedömningar and the personakt, the portal for its own
access log. ``retention_run`` asks every rule what is due on a day and, unless it is a
dry run, removes it batch by batch, each batch in its own transaction.

The access log and the change log refuse UPDATE and DELETE on PostgreSQL (migration
portal 0003). A batch sets ``samverkan.retention`` for its own transaction only
(``SET LOCAL``), which the trigger accepts for DELETE. The production hardening is a
separate database role for this command: the web application's role then has only
INSERT and SELECT on the log tables and cannot set anything that deletes them.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import rules
from portal.audit import RetentionPlan, RetentionRule, register_retention_rule, retention_rules

#: Units removed per transaction.
BATCH_SIZE = 200


def cutoff_date(today: datetime.date, years: int) -> datetime.date:
    """The latest date a record may carry and be due on ``today``."""
    return today - relativedelta(years=years)


def start_of_day_after(day: datetime.date) -> datetime.datetime:
    """Midnight (Stockholm) at the end of ``day``: a time stamp before it is from
    ``day`` or earlier."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )


@contextmanager
def log_deletion_allowed():
    """Within the block, the current transaction may delete log rows (PostgreSQL;
    SQLite has no trigger). The setting is ``SET LOCAL``: it ends with the
    transaction, and is turned off again at the end of the block in case the block
    runs inside a larger one."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL samverkan.retention = 'on'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL samverkan.retention = 'off'")


def purge(steps: Iterable[QuerySet]) -> dict[str, int]:
    """Delete each queryset in order (children first), and the change-log entries of
    every row deleted, so that gallring leaves no copy in the history."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    removed: Counter[str] = Counter()
    for queryset in steps:
        model = queryset.model
        ids = list(queryset.values_list("pk", flat=True))
        if not ids:
            continue
        content_type = ContentType.objects.get_for_model(model)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            entries, _per_model = LogEntry.objects.filter(
                content_type=content_type, object_pk__in=[str(pk) for pk in chunk]
            ).delete()
            removed["auditlog.LogEntry"] += entries
            _total, per_model = model._default_manager.filter(pk__in=chunk).delete()
            removed.update(per_model)
    return dict(removed)


@dataclass
class RuleResult:
    rule: RetentionRule
    plan: RetentionPlan
    removed_units: int = 0
    removed_rows: Counter = field(default_factory=Counter)


@dataclass
class RetentionSummary:
    today: datetime.date
    dry_run: bool
    results: list[RuleResult] = field(default_factory=list)

    @property
    def removed_rows(self) -> Counter:
        total: Counter = Counter()
        for result in self.results:
            total.update(result.removed_rows)
        return total


def retention_run(
    *,
    today: datetime.date | None = None,
    dry_run: bool = False,
    progress: Callable[[RetentionRule, int, int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> RetentionSummary:
    """Apply every retention rule for ``today`` (default: today in Stockholm)."""
    from auditlog.context import disable_auditlog

    from portal.accesslog import log_access
    from portal.audit_models import AccessLog

    today = today or timezone.localdate()
    summary = RetentionSummary(today=today, dry_run=dry_run)
    for rule in retention_rules():
        plan = rule.due(today)
        result = RuleResult(rule=rule, plan=plan)
        summary.results.append(result)
        if dry_run or not plan.due:
            continue
        while result.removed_units < plan.due:
            with transaction.atomic(), disable_auditlog(), log_deletion_allowed():
                units, rows = rule.remove_batch(today, batch_size)
            if not units:
                break
            result.removed_units += units
            result.removed_rows.update(rows)
            if progress:
                progress(rule, result.removed_units, plan.due)
    log_access(
        None,
        "retention.dry_run" if dry_run else "retention.run",
        kind=AccessLog.Kind.RETENTION,
        day=today.isoformat(),
        rules={
            r.rule.key: {"due": r.plan.due, "removed": r.removed_units, "kept": r.plan.kept}
            for r in summary.results
        },
        rows=sum(summary.removed_rows.values()),
    )
    return summary


# --- the portal's own rule: the access log ------------------------------------------------------


def _access_log_cutoff(today: datetime.date) -> datetime.datetime:
    return start_of_day_after(cutoff_date(today, rules.RETENTION_ACCESS_LOG_YEARS))


def _access_log_due(today: datetime.date) -> RetentionPlan:
    from portal.audit_models import AccessLog

    due = AccessLog.objects.filter(at__lt=_access_log_cutoff(today)).count()
    return RetentionPlan(unit=_("log rows"), due=due)


def _access_log_remove(today: datetime.date, limit: int) -> tuple[int, dict[str, int]]:
    from portal.audit_models import AccessLog, AccessLogSubject

    ids = list(
        AccessLog.objects.filter(at__lt=_access_log_cutoff(today))
        .order_by("id")
        .values_list("id", flat=True)[: limit * 10]
    )
    if not ids:
        return 0, {}
    removed: Counter[str] = Counter()
    _n, per_model = AccessLogSubject.objects.filter(log_id__in=ids).delete()
    removed.update(per_model)
    _n, per_model = AccessLog.objects.filter(id__in=ids).delete()
    removed.update(per_model)
    return len(ids), dict(removed)


def register() -> None:
    register_retention_rule(
        RetentionRule(
            key="access_log",
            title=_("Access log rows past their period"),
            source=f"{rules.RETENTION_ACCESS_LOG_YEARS} years: the city's practice for logs "
            "of secrecy-protected data (portal/rules.py)",
            order=90,
            due=_access_log_due,
            remove_batch=_access_log_remove,
        )
    )
