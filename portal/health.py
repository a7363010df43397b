"""Reachability checks for /healthz."""

from __future__ import annotations

import logging

from django.db import connection

log = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any driver error means "not reachable"
        log.warning("health: database unreachable", exc_info=True)
        return False


def broker_ok(timeout: float = 2.0) -> bool:
    from portal.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
            # Redis connects lazily: a round trip proves it answers.
            channel = conn.default_channel
            client = getattr(channel, "client", None)
            if client is not None and hasattr(client, "ping"):
                client.ping()
        return True
    except Exception:  # any transport error means "not reachable"
        log.warning("health: broker unreachable", exc_info=True)
        return False
