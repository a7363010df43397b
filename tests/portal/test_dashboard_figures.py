"""Dashboard figures kept for a few minutes (portal.dashboard_figures): read while
young enough, counted again once old, never served for another manager's scope,
language, period or filter, and stored only after suppression."""

import csv
import datetime
import io

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from portal import dashboard_figures, dashboards
from portal.access import compute_scope
from portal.dashboards import SMALL_MARK
from portal.models import DashboardFigures
from portal.tasks import dashboard_figures_refresh
from portal.templatetags.dashboard_tags import dashboard_panel
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("dashboard")
SCHOOL_CSV = reverse("dashboard_export", kwargs={"panel": "concerns_by_school", "fmt": "csv"})
MAX_AGE = 300
ALL = "Alla inkomna orosanmälningar"


@pytest.fixture(autouse=True)
def kept(settings):
    settings.DASHBOARD_FIGURES_MAX_AGE = MAX_AGE


def tables(response) -> dict:
    return {
        item["panel"].key: item["table"]
        for section in response.context["sections"]
        for item in section["panels"]
    }


def received(response) -> str:
    return tables(response)["concerns_by_school"].row("all").cells["total"].text


def counting_queries(captured) -> list[str]:
    """The panels' counting queries (portal.dashboards.count_split names its
    measures m_…), not the page's own, the worklist's or the kept figures'."""
    return [q["sql"] for q in captured if 'AS "m_' in q["sql"]]


def test_a_second_view_reads_what_the_first_counted_until_it_is_too_old(
    world, client_for, file_concern
):
    client = client_for(world.manager_kungsholmen)
    for _ in range(6):
        file_concern(world.teacher_a, world.pupil_a)
    first = client.get(DASHBOARD)
    assert received(first) == "6"
    assert DashboardFigures.objects.count() == len(tables(first))

    file_concern(world.teacher_a, world.pupil_a)
    with CaptureQueriesContext(connection) as captured:
        second = client.get(DASHBOARD)
    assert received(second) == "6"
    assert counting_queries(captured) == []
    body = second.content.decode()
    assert "data-figures-computed" in body
    assert "5 minuter" in body

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=MAX_AGE + 1)):
        assert received(client.get(DASHBOARD)) == "7"


def test_with_no_age_allowed_every_view_counts_and_nothing_is_kept(
    world, client_for, file_concern, settings
):
    settings.DASHBOARD_FIGURES_MAX_AGE = 0
    client = client_for(world.manager_kungsholmen)
    for _ in range(6):
        file_concern(world.teacher_a, world.pupil_a)
    response = client.get(DASHBOARD)
    assert received(response) == "6"
    assert "data-figures-computed" not in response.content.decode()
    file_concern(world.teacher_a, world.pupil_a)
    assert received(client.get(DASHBOARD)) == "7"
    assert not DashboardFigures.objects.exists()


def test_one_managers_figures_are_never_served_for_another_scope(world, client_for, file_concern):
    for _ in range(6):
        file_concern(world.teacher_a, world.pupil_a)
    assert received(client_for(world.manager_kungsholmen).get(DASHBOARD)) == "6"
    other = client_for(world.manager_sodermalm).get(DASHBOARD)
    assert received(other) == "0"
    assert world.school_a.name not in other.content.decode()

    city_manager = UserFactory(username="stadschef")
    MembershipFactory(user=city_manager, unit=world.city, role="manager")
    unit_manager = UserFactory(username="rektorschef")
    MembershipFactory(user=unit_manager, unit=world.school_a, role="manager")
    panels = len(tables(other))
    for user in (city_manager, unit_manager):
        assert received(client_for(user).get(DASHBOARD)) == "6"
    # Four scopes, four sets of figures.
    assert DashboardFigures.objects.count() == 4 * panels


def test_a_period_a_filter_and_a_language_are_each_their_own_question(
    world, client_for, file_concern
):
    for _ in range(6):
        file_concern(world.teacher_a, world.pupil_a, categories=["criminality"])
    client = client_for(world.manager_kungsholmen)
    assert received(client.get(DASHBOARD)) == "6"
    assert received(client.get(DASHBOARD, {"category": "violence_home"})) == "0"
    last_year = {"period": "custom", "start": "2020-01-01", "end": "2020-12-31"}
    assert received(client.get(DASHBOARD, last_year)) == "0"

    swedish = tables(client.get(DASHBOARD))["concerns_by_school"].row("all").label
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = tables(client.get(DASHBOARD))["concerns_by_school"].row("all").label
    assert (swedish, english) == ("Alla inkomna orosanmälningar", "All concerns received")


def test_a_panel_is_read_for_every_view_that_asks_it_the_same(world, client_for, file_concern):
    """Chosen dates do not change a panel of today's state, and a filter does not
    change a panel that does not apply it: their kept figures serve those views."""
    for _ in range(6):
        file_concern(world.teacher_a, world.pupil_a, categories=["criminality"])
    client = client_for(world.manager_kungsholmen)
    panels = dashboards.panels_for(compute_scope(world.manager_kungsholmen))
    client.get(DASHBOARD)
    assert DashboardFigures.objects.count() == len(panels)

    last_year = {"period": "custom", "start": "2025-01-01", "end": "2025-12-31"}
    with CaptureQueriesContext(connection) as captured:
        assert received(client.get(DASHBOARD, last_year)) == "0"
    by_period = [p for p in panels if p.period]
    assert len(by_period) < len(panels)
    assert DashboardFigures.objects.count() == len(panels) + len(by_period)
    counted = {q.split('AS "m_')[1].split('"')[0] for q in counting_queries(captured)}
    assert "open" not in counted  # the open utredningar today: read, not counted

    client.get(DASHBOARD, {"category": "criminality"})
    by_category = [p for p in panels if "category" in p.filters]
    assert len(by_category) < len(panels)
    assert DashboardFigures.objects.count() == len(panels) + len(by_period) + len(by_category)


def test_a_panel_counts_only_by_what_its_question_holds(world, file_concern):
    """What lets a panel's kept figures serve other views: a filter it does not apply,
    or (for a panel of today's state) another period, leaves its table as it is."""
    from portal.dashboards import DashboardQuery, Filters, Period, districts_in_scope, render
    from referrals import services
    from referrals.models import Investigation, PreliminaryAssessment

    for categories in (["criminality"], ["violence_home"]):
        concern = file_concern(world.teacher_a, world.pupil_a, categories=categories)
    services.preliminary_decision_record(
        concern=concern,
        by=world.social_kungsholmen,
        decision=PreliminaryAssessment.Decision.OPEN,
        reasoning="Utredning.",
    )
    assert Investigation.objects.filter(closed_on__isnull=True).exists()
    city_manager = UserFactory(username="stadschef")
    MembershipFactory(user=city_manager, unit=world.city, role="manager")
    scope = compute_scope(city_manager)
    today = timezone.localdate()

    def table(panel, period=None, **filters):
        query = DashboardQuery(
            scope=scope,
            period=period or dashboards.preset_period("year", today),
            filters=Filters(**filters),
            today=today,
            districts=districts_in_scope(scope),
        )
        return render(panel.selector(query), panel.title, threshold=1)

    chosen = {
        "district": world.sodermalm.pk,
        "school": world.school_b.pk,
        "category": "violence_home",
    }
    long_ago = Period(datetime.date(2020, 1, 1), datetime.date(2020, 3, 31))
    for panel in dashboards.panels_for(scope):
        plain = table(panel)
        for name, value in chosen.items():
            if name not in panel.filters:
                assert table(panel, **{name: value}) == plain, (panel.key, name)
        if not panel.period:
            assert table(panel, long_ago) == plain, panel.key


def test_the_export_gives_the_figures_on_the_screen(world, client_for, file_concern):
    client = client_for(world.manager_kungsholmen)
    for _ in range(6):
        file_concern(world.teacher_a, world.pupil_a)
    assert received(client.get(DASHBOARD)) == "6"
    file_concern(world.teacher_a, world.pupil_a)
    export = client.get(SCHOOL_CSV).content.decode("utf-8-sig")
    everything = next(row for row in csv.reader(io.StringIO(export)) if row[:1] == [ALL])
    assert everything[4] == "6"


def test_a_stored_table_draws_exactly_as_the_counted_one(world, file_concern):
    for _ in range(7):
        file_concern(world.teacher_a, world.pupil_a, categories=["violence_home"])
    file_concern(world.teacher_b, world.pupil_b)
    scope = compute_scope(world.manager_kungsholmen)
    query = dashboards.query_for(scope)[0]
    for language in ("sv", "en"):
        with translation.override(language):
            for panel in dashboards.panels_for(scope):
                table = dashboards.build(panel, query)
                stored = dashboard_figures.table_from_json(
                    dashboard_figures.table_as_json(table), panel.title
                )
                exports = {"csv": "/export.csv", "xlsx": "/export.xlsx"}
                item = {"panel": panel, "exports": exports, "ignored_filters": []}
                drawn = dashboard_panel({**item, "table": table})
                assert dashboard_panel({**item, "table": stored}) == drawn


def test_no_small_count_is_stored(world, client_for, file_concern):
    for _ in range(3):
        file_concern(world.teacher_a, world.pupil_a)
    assert received(client_for(world.manager_kungsholmen).get(DASHBOARD)) == SMALL_MARK
    cells = [
        cell
        for figures in DashboardFigures.objects.all()
        for row in figures.table["rows"]
        for cell in row["cells"].values()
    ]
    small = [cell for cell in cells if cell[1] == "small"]
    assert small
    assert all(value is None and text == SMALL_MARK for text, _state, value in small)
    assert all(value is None for _text, state, value in cells if state != "shown")


def test_beat_computes_every_managers_named_periods_in_every_language(
    world, client_for, file_concern
):
    for _ in range(6):
        file_concern(world.teacher_a, world.pupil_a)
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=1)):
        DashboardFigures.objects.create(key="old", panel="x", computed_at=timezone.now(), table={})

    stored = dashboard_figures_refresh()

    panels = dashboards.panels_for(compute_scope(world.manager_kungsholmen))
    by_period = len([p for p in panels if p.period])
    managers = 2  # Kungsholmen and Södermalm
    periods = ["30d", "month", "half", "year"]
    assert periods == dashboards.NAMED_PRESETS
    # A panel of today's state is counted once, whatever the period.
    per_language = len(periods) * by_period + len(panels) - by_period
    assert stored == managers * per_language * len(settings.LANGUAGES)
    assert DashboardFigures.objects.count() == stored
    for manager in (world.manager_kungsholmen, world.manager_sodermalm):
        client = client_for(manager)
        for view in ({}, *({"period": period} for period in periods)):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(DASHBOARD, view)
            assert counting_queries(captured) == [], view
    assert received(response) == "0"
    # Chosen dates and a filter are counted on their first view.
    with CaptureQueriesContext(connection) as captured:
        client_for(world.manager_kungsholmen).get(
            DASHBOARD, {"period": "year", "category": "criminality"}
        )
    assert counting_queries(captured)


def test_beat_keeps_nothing_when_no_age_is_allowed(world, settings):
    settings.DASHBOARD_FIGURES_MAX_AGE = 0
    assert dashboard_figures_refresh() == 0
    assert not DashboardFigures.objects.exists()
