"""Panels counted side by side (portal.dashboard_figures.count): on PostgreSQL, outside
a transaction, the panels of a view are counted on several connections. The tables
are the ones counted one by one, in the request's language; an error in one panel
reaches the request; the helpers keep their connections from view to view as a
request's thread does (CONN_MAX_AGE) and close them when stopped; inside a
transaction every panel is counted on the request's connection."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import translation

from portal import dashboard_figures, dashboards
from portal.access import compute_scope
from portal.dashboard_figures import table_as_json

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def question(world, file_concern):
    for _ in range(5):  # five: the school's count is shown, not "<5"
        file_concern(world.teacher_a, world.pupil_a)
    scope = compute_scope(world.manager_kungsholmen)
    query = dashboards.query_for(scope, None)[0]
    return dashboards.panels_for(scope), query


@pytest.fixture
def threads_used(monkeypatch):
    """The names of the threads each panel was counted on."""
    names: list[str] = []
    build = dashboards.build

    def recording(panel, query):
        names.append(threading.current_thread().name)
        return build(panel, query)

    monkeypatch.setattr(dashboards, "build", recording)
    return names


def counted(panels, query, settings, connections: int) -> list[dict]:
    settings.DASHBOARD_COUNTING_CONNECTIONS = connections
    return [table_as_json(table) for table in dashboard_figures.count(panels, query)]


def other_backends() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in cursor.fetchall()}


def settled(expected: set[int]) -> set[int]:
    """The other backends, once they are ``expected`` or five seconds have passed
    (a backend leaves the list a moment after its client closed)."""
    deadline = time.monotonic() + 5
    while other_backends() != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return other_backends()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_side_by_side_gives_the_tables_counted_one_by_one(
    postgres, question, settings, threads_used, language
):
    panels, query = question
    with translation.override(language):
        one_by_one = counted(panels, query, settings, 1)
        assert set(threads_used) == {threading.main_thread().name}
        threads_used.clear()
        side_by_side = counted(panels, query, settings, 4)
    assert side_by_side == one_by_one
    assert any(name.startswith("dashboard-count-") for name in threads_used)
    assert len(threads_used) == len(panels)
    # Run in English, the helpers count in English too: the tables would differ.


def test_with_no_connection_age_the_helpers_close_theirs_when_the_view_has_its_tables(
    postgres, question, settings, monkeypatch
):
    panels, query = question
    dashboard_figures.stop_helpers()
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    before = other_backends()
    counted(panels, query, settings, 4)
    assert settled(before) == before


def test_the_helpers_keep_their_connections_for_the_next_view_until_stopped(
    postgres, question, settings, monkeypatch
):
    panels, query = question
    dashboard_figures.stop_helpers()
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    before = other_backends()
    counted(panels, query, settings, 4)
    kept = other_backends() - before
    assert 1 <= len(kept) <= 3  # one per helper that counted a panel
    counted(panels, query, settings, 4)
    # The same connections, not new ones in their place.
    now = other_backends() - before
    assert kept <= now
    assert len(now) <= 3
    dashboard_figures.stop_helpers()
    assert settled(before) == before


def test_an_error_in_one_panel_reaches_the_request(postgres, question, settings, monkeypatch):
    panels, query = question
    build = dashboards.build

    def failing(panel, query):
        if panel.key == panels[-1].key:
            raise RuntimeError("counting failed")
        return build(panel, query)

    monkeypatch.setattr(dashboards, "build", failing)
    with pytest.raises(RuntimeError, match="counting failed"):
        counted(panels, query, settings, 4)


def test_inside_a_transaction_every_panel_is_counted_on_the_requests_connection(
    postgres, question, settings, threads_used, world, file_concern
):
    panels, query = question
    settings.DASHBOARD_COUNTING_CONNECTIONS = 4
    school = next(i for i, p in enumerate(panels) if p.key == "concerns_by_school")
    before = dashboard_figures.count(panels, query)[school].row("all").cells["total"].value
    threads_used.clear()
    with transaction.atomic():
        file_concern(world.teacher_a, world.pupil_a)
        during = dashboard_figures.count(panels, query)[school].row("all").cells["total"].value
        transaction.set_rollback(True)
    assert set(threads_used) == {threading.main_thread().name}
    assert (before, during) == (5, 6)  # the report written in the transaction is counted


def test_a_helper_whose_connection_cannot_be_closed_still_counts_the_next_view(
    postgres, question, settings, monkeypatch
):
    panels, query = question
    dashboard_figures.stop_helpers()
    one_by_one = counted(panels, query, settings, 1)
    failing = {"left": 3}
    close = dashboard_figures.close_old_connections

    def closing():
        if threading.current_thread().name.startswith("dashboard-count-") and failing["left"]:
            failing["left"] -= 1
            raise RuntimeError("the server went away")
        close()

    monkeypatch.setattr(dashboard_figures, "close_old_connections", closing)
    # Counted in a thread of its own, so that a view left waiting for a helper that
    # died fails the test instead of hanging it.
    tables = []

    def view():
        try:
            tables.append(counted(panels, query, settings, 4))
        finally:
            connection.close()

    thread = threading.Thread(target=view, daemon=True)
    thread.start()
    thread.join(30)
    assert tables == [one_by_one]
    assert failing["left"] == 0
    # The helpers are still there for the next view, which they count too.
    assert counted(panels, query, settings, 4) == one_by_one
    assert all(helper.is_alive() for helper in dashboard_figures._helpers)
