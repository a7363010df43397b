"""Dashboard figures kept for a few minutes.

Counting a period of the whole city reads tens of thousands of rows per panel;
the same figures a minute later are as good to a manager. So each panel's table,
once computed for a question (the panel, the manager's scope, the period, the
filters, the day and the language), is stored for ``DASHBOARD_FIGURES_MAX_AGE``
seconds (``DashboardFigures``), and a view within that time reads it instead of
counting again. The page says when its figures were computed.

What is stored is the table after suppression (``dashboards.render``): the same
cells the page and the exports show, a figure below five as "<5". A question's
key holds the manager's scope itself, so one manager's figures are never served
for another scope.

Panels that must be counted for a view are counted side by side on PostgreSQL
(``count``): each on one of ``DASHBOARD_COUNTING_CONNECTIONS`` connections, the
request's own among them, so the database uses more than one core for one view.
The helpers are threads that live as long as the process and keep their
connections from view to view as a request's thread does (``CONN_MAX_AGE``,
checked before and after each view's counting): a new connection for each view
would cost a new server process and its first queries planned with nothing
cached. Inside a transaction they are counted one by one on the request's connection:
another connection would not see what the transaction has written.

A beat task (``refresh``) computes every manager's dashboard for each named
period (the last 30 days, this month, this half-year, this year), without
filters, in every language, before the stored figures grow old: a manager who
opens the dashboard or picks a named period reads, not counts. Chosen dates and
filters are counted on their first view and stored for the next. With
``DASHBOARD_FIGURES_MAX_AGE`` 0 nothing is stored and every view counts.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone, translation

from portal import dashboards
from portal.access import Scope, compute_scope
from portal.dashboards import Cell, DashboardQuery, Panel, RenderedRow, RenderedTable
from portal.models import DashboardFigures, User
from portal.roles import Role


def max_age() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.DASHBOARD_FIGURES_MAX_AGE)


def _manager_scope(scope: Scope) -> dict:
    """What of a scope decides a dashboard's figures."""
    if scope.manager_city:
        return {"city": True}
    return {
        "districts": sorted(scope.manager_district_ids),
        "units": sorted(scope.manager_unit_ids),
    }


def question_key(panel: Panel, query: DashboardQuery, language: str) -> str:
    """What the panel's table answers: the period and the filters only where the
    panel counts by them, so that its figures serve every view that asks the same."""
    filters = query.filters
    question = {
        "panel": panel.key,
        "scope": _manager_scope(query.scope),
        "period": (
            [query.period.start.isoformat(), query.period.end.isoformat()] if panel.period else None
        ),
        "filters": [
            getattr(filters, name) if name in panel.filters else None
            for name in dashboards.FILTER_NAMES
        ],
        "today": query.today.isoformat(),
        "threshold": query.threshold,
        "language": language,
    }
    return hashlib.sha256(json.dumps(question, sort_keys=True).encode()).hexdigest()


# --- a table as stored --------------------------------------------------------------------------


def table_as_json(table: RenderedTable) -> dict:
    return {
        "key": table.key,
        "row_heading": str(table.row_heading),
        "columns": table.columns,
        "note": str(table.note),
        "totals": sorted(table.totals),
        "rows": [
            {
                "key": row.key,
                "label": str(row.label),
                "kind": row.kind,
                "level": row.level,
                "cells": {c: [cell.text, cell.state, cell.value] for c, cell in row.cells.items()},
            }
            for row in table.rows
        ],
    }


def table_from_json(data: dict, title) -> RenderedTable:
    return RenderedTable(
        data["key"],
        title,
        data["row_heading"],
        list(data["columns"]),
        [
            RenderedRow(
                row["key"],
                row["label"],
                row["kind"],
                row["level"],
                {c: Cell(text, state, value) for c, (text, state, value) in row["cells"].items()},
            )
            for row in data["rows"]
        ],
        data["note"],
        frozenset(data["totals"]),
    )


# --- reading and computing ----------------------------------------------------------------------


@dataclass
class Figures:
    """The panels' tables for one view, and when the oldest of them was computed."""

    tables: dict[str, RenderedTable]
    computed_at: datetime.datetime | None


def _store(
    query: DashboardQuery,
    language: str,
    computed: list[tuple[Panel, RenderedTable]],
    at: datetime.datetime,
) -> None:
    """Keep the tables just counted for ``query`` in ``language``."""
    DashboardFigures.objects.bulk_create(
        [
            DashboardFigures(
                key=question_key(panel, query, language),
                panel=panel.key,
                computed_at=at,
                table=table_as_json(table),
            )
            for panel, table in computed
        ],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["panel", "computed_at", "table"],
    )


logger = logging.getLogger(__name__)


class _Helper(threading.Thread):
    """A thread that counts panels for views, one view's work at a time, on a
    connection of its own that it keeps between views as a request's thread does
    (``_checked_connection``)."""

    def __init__(self, n: int):
        super().__init__(name=f"dashboard-count-{n}", daemon=True)
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()

    def run(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None:
                connection.close()
                return
            job()  # never raises (``_on_helpers``): the thread outlives every view


def _checked_connection() -> None:
    """As at a request's start and end: this thread's connection is closed if it
    is broken or older than ``CONN_MAX_AGE`` (at once with 0). Never raises: a
    helper that failed to close a connection still counts the next view."""
    try:
        close_old_connections()
    except Exception:
        logger.exception("A dashboard helper could not close its database connection.")


_helpers: list[_Helper] = []
_helpers_pid: int | None = None
_helpers_lock = threading.Lock()


def _started_helpers(n: int) -> list[_Helper]:
    """``n`` helper threads of this process, started on first use (a forked
    worker starts its own: threads do not survive a fork)."""
    global _helpers_pid
    with _helpers_lock:
        if _helpers_pid != os.getpid():
            _helpers.clear()
            _helpers_pid = os.getpid()
        while len(_helpers) < n:
            helper = _Helper(len(_helpers))
            helper.start()
            _helpers.append(helper)
        return _helpers[:n]


def stop_helpers() -> None:
    """Stop the helper threads, each closing its connection (tests, shutdown)."""
    with _helpers_lock:
        stopping = list(_helpers) if _helpers_pid == os.getpid() else []
        _helpers.clear()
    for helper in stopping:
        helper.jobs.put(None)
    for helper in stopping:
        helper.join()


def _on_helpers(helpers: list[_Helper], work: Callable[[], None]) -> None:
    """Run ``work`` on each of ``helpers`` and in this thread, and wait for all."""
    finished = threading.Semaphore(0)

    def job() -> None:
        try:
            _checked_connection()
            work()  # records its own errors for the request
        finally:
            finished.release()
            _checked_connection()

    for helper in helpers:
        helper.jobs.put(job)
    work()  # the request's thread counts too, on its own connection
    for _helper in helpers:
        finished.acquire()


def count(panels: list[Panel], query: DashboardQuery) -> list[RenderedTable]:
    """Each panel's table for ``query``, counted now, in the order given."""
    helpers = settings.DASHBOARD_COUNTING_CONNECTIONS - 1
    if (
        helpers < 1
        or len(panels) < 2
        or connection.vendor != "postgresql"
        or connection.in_atomic_block
    ):
        return [dashboards.build(panel, query) for panel in panels]
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for item in enumerate(panels):
        todo.put(item)
    tables: list[RenderedTable | None] = [None] * len(panels)
    errors: list[BaseException] = []
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def work() -> None:
        # The panels left, one at a time, until none is; in the request's language and
        # time zone, which a new thread does not inherit.
        try:
            with translation.override(language), timezone.override(zone):
                while not errors:
                    try:
                        i, panel = todo.get_nowait()
                    except queue.Empty:
                        return
                    tables[i] = dashboards.build(panel, query)
        except BaseException as exc:  # raised again in the request's thread
            errors.append(exc)

    _on_helpers(_started_helpers(min(helpers, len(panels) - 1)), work)
    if errors:
        raise errors[0]
    return tables  # type: ignore[return-value] - every slot is filled without an error


def figures(panels: list[Panel], query: DashboardQuery) -> Figures:
    """Each panel's table for ``query``: read where stored figures are young
    enough, computed (and stored) where not. The active language is part of the
    question."""
    if max_age() <= datetime.timedelta(0):
        return Figures(dict(zip([p.key for p in panels], count(panels, query), strict=True)), None)
    language = translation.get_language()
    keys = {p.key: question_key(p, query, language) for p in panels}
    now = timezone.now()
    stored = {
        row["key"]: row
        for row in DashboardFigures.objects.filter(
            key__in=keys.values(), computed_at__gt=now - max_age()
        ).values("key", "computed_at", "table")
    }
    tables, oldest = {}, now
    for panel in panels:
        row = stored.get(keys[panel.key])
        if row is not None:
            tables[panel.key] = table_from_json(row["table"], panel.title)
            oldest = min(oldest, row["computed_at"])
    missing = [panel for panel in panels if panel.key not in tables]
    if missing:
        computed = list(zip(missing, count(missing, query), strict=True))
        tables.update((panel.key, table) for panel, table in computed)
        _store(query, language, computed, now)
    return Figures(tables, oldest)


def manager_scopes() -> list[Scope]:
    """One scope for each distinct dashboard among the active managers."""
    seen: dict[str, Scope] = {}
    managers = User.objects.filter(is_active=True, memberships__role=Role.MANAGER).distinct()
    for user in managers:
        scope = compute_scope(user)
        seen.setdefault(json.dumps(_manager_scope(scope), sort_keys=True), scope)
    return list(seen.values())


def refresh(*, today: datetime.date | None = None) -> int:
    """Compute and store every manager's dashboard for each named period (the
    default first), without filters, in every language, and drop figures too old
    to be read. Returns the tables stored."""
    if max_age() <= datetime.timedelta(0):
        return 0
    today = today or timezone.localdate()
    stored = 0
    for scope in manager_scopes():
        panels = dashboards.panels_for(scope)
        done: set[str] = set()
        for preset in dashboards.NAMED_PRESETS:
            query = dashboards.query_for(scope, {"period": preset}, today)[0]
            for language, _name in settings.LANGUAGES:
                # A panel counted for an earlier period that it does not count by is
                # the same question.
                keys = {p.key: question_key(p, query, language) for p in panels}
                todo = [p for p in panels if keys[p.key] not in done]
                done.update(keys.values())
                with translation.override(language):
                    now = timezone.now()
                    computed = list(zip(todo, count(todo, query), strict=True))
                    _store(query, language, computed, now)
                    stored += len(computed)
    DashboardFigures.objects.filter(computed_at__lte=timezone.now() - max_age()).delete()
    return stored
