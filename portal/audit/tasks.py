"""Celery task for gallring: a thin wrapper around ``portal.audit.retention``.

Scheduled by beat only when ``RETENTION_SCHEDULE_ENABLED`` is on (portal/settings.py).
"""

from celery import shared_task

from portal.audit import retention


@shared_task(name="portal.retention_run", ignore_result=True)
def retention_run() -> dict:
    """Apply every retention rule for today; returns rows removed per model."""
    summary = retention.retention_run()
    return dict(summary.removed_rows)
