"""The managers' dashboard: who may open it, what it shows and what it never shows."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.access import compute_scope
from portal.dashboards import SMALL_MARK, panels_for
from referrals import services
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")
DASHBOARD = reverse("dashboard")
EXPORTS = [
    reverse("dashboard_export", kwargs={"panel": "concerns_by_school", "fmt": fmt})
    for fmt in ("csv", "xlsx")
]
NOT_MANAGERS = [
    "teacher_a",
    "teacher_b",
    "principal_a",
    "principal_b",
    "health_a",
    "social_kungsholmen",
    "social_sodermalm",
    "sip_kungsholmen",
    "admin",
    "log_reviewer",
    "nobody",
]
#: The dashboard's own queries (scope, choices, panels, worklist), with room for the
#: session, the header's bell and the like; the point is that it does not grow. A
#: period of whole months and the days around them reads the reports' month and
#: day counts: two queries for each of those panels.
MAX_QUERIES = 48


def tables(response) -> dict:
    return {
        item["panel"].key: item["table"]
        for section in response.context["sections"]
        for item in section["panels"]
    }


@pytest.fixture
def city_manager(world):
    user = UserFactory(username="stadschef")
    MembershipFactory(user=user, unit=world.city, role="manager")
    return user


@pytest.mark.parametrize("url", [DASHBOARD, *EXPORTS])
def test_anonymous_visitors_are_sent_to_log_in(client_for, url):
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", NOT_MANAGERS)
@pytest.mark.parametrize("url", [DASHBOARD, *EXPORTS])
def test_only_managers_may_open_the_dashboard_and_its_exports(world, client_for, persona, url):
    assert client_for(getattr(world, persona)).get(url).status_code == 403


def test_a_district_manager_sees_every_panel_with_a_chart_and_a_table(world, client_for):
    response = client_for(world.manager_kungsholmen).get(DASHBOARD)
    assert response.status_code == 200
    body = response.content.decode()
    for panel in panels_for(compute_scope(world.manager_kungsholmen)):
        assert f'data-panel="{panel.key}"' in body
    assert body.count('role="img"') >= 10
    assert body.count("<details") == len(tables(response))
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_city_manager_sees_every_district(world, client_for, city_manager):
    response = client_for(city_manager).get(DASHBOARD)
    assert response.status_code == 200
    keys = [r.key for r in tables(response)["concerns_by_district"].rows]
    assert f"district-{world.kungsholmen.pk}" in keys
    assert f"district-{world.sodermalm.pk}" in keys


def test_the_dashboard_is_in_the_navigation_of_managers_only(world, client_for):
    assert DASHBOARD in client_for(world.manager_kungsholmen).get("/").content.decode()
    assert (
        f'href="{DASHBOARD}"' not in client_for(world.social_kungsholmen).get("/").content.decode()
    )


def test_the_dashboard_names_no_pupil_and_links_to_no_record(world, client_for, file_concern):
    # Names no page text can contain by chance (a random "Holm" is in "Stockholm").
    type(world.pupil_a).objects.filter(pk=world.pupil_a.pk).update(
        first_name="Xenofonia", last_name="Qvarnbergsdotter"
    )
    world.pupil_a.refresh_from_db()
    for _ in range(6):
        file_concern(world.teacher_a, world.pupil_a, categories=["violence_home"])
    body = client_for(world.manager_kungsholmen).get(DASHBOARD).content.decode()
    pupil = world.pupil_a
    for text in (pupil.first_name, pupil.last_name, pupil.personnummer, pupil.personnummer_masked):
        assert text not in body
    assert "ORO-" not in body
    assert "/referrals/case/" not in body
    assert "/pupils/" not in body


def test_a_small_count_is_shown_as_less_than_five(world, client_for, file_concern):
    for _ in range(3):
        file_concern(world.teacher_a, world.pupil_a)
    table = tables(client_for(world.manager_kungsholmen).get(DASHBOARD))["concerns_by_school"]
    assert table.row("all").cells["girl"].text == SMALL_MARK
    assert table.row("all").cells["total"].text == SMALL_MARK
    assert table.row("all").cells["total"].value is None


def test_a_manager_of_another_district_sees_nothing_of_this_one(world, client_for, file_concern):
    for _ in range(6):
        file_concern(world.teacher_a, world.pupil_a, categories=["violence_home"])
    own = tables(client_for(world.manager_kungsholmen).get(DASHBOARD))
    assert own["concerns_by_school"].row("all").cells["total"].text == "6"
    assert own["concerns_by_school"].row(f"school-{world.school_a.pk}")

    response = client_for(world.manager_sodermalm).get(DASHBOARD)
    other = tables(response)
    for key in ("concerns_by_school", "concerns_by_district"):
        assert other[key].row("all").cells["total"].text == "0"
    assert other["concerns_by_category"].row("violence_home").cells["total"].text == "0"
    assert f"school-{world.school_a.pk}" not in [r.key for r in other["concerns_by_school"].rows]
    assert world.school_a.name not in response.content.decode()


def test_a_filter_outside_the_managers_scope_is_refused(world, client_for, file_concern):
    for _ in range(6):
        file_concern(world.teacher_a, world.pupil_a)
    response = client_for(world.manager_sodermalm).get(
        DASHBOARD, {"district": world.kungsholmen.pk, "school": world.school_a.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"district", "school"}
    assert tables(response)["concerns_by_school"].row("all").cells["total"].text == "0"


def test_filters_and_period_are_applied_and_kept_in_the_export_links(
    world, client_for, file_concern
):
    for _ in range(6):
        file_concern(world.teacher_a, world.pupil_a, categories=["criminality"])
    params = {"period": "year", "category": "violence_home", "district": world.kungsholmen.pk}
    response = client_for(world.manager_kungsholmen).get(DASHBOARD, params)
    assert tables(response)["concerns_by_school"].row("all").cells["total"].text == "0"
    body = response.content.decode()
    assert "category=violence_home" in body.split("concerns_by_school.csv", 1)[1][:200]


def test_the_number_of_queries_does_not_grow_with_the_data(world, client_for, file_concern):
    client = client_for(world.manager_kungsholmen)
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as empty:
        assert client.get(DASHBOARD).status_code == 200
    for pupil in (world.pupil_a, world.pupil_a_lives_sodermalm):
        for category in ("violence_home", "criminality", "school_absence"):
            concern = file_concern(world.teacher_a, pupil, categories=[category])
            if pupil == world.pupil_a:
                services.preliminary_decision_record(
                    concern=concern,
                    by=world.social_kungsholmen,
                    decision="not_open",
                    reasoning="x",
                    violence_override_reason="y",
                )
    with CaptureQueriesContext(connection) as full:
        assert client.get(DASHBOARD).status_code == 200
    assert len(full) == len(empty)
    assert len(full) <= MAX_QUERIES


def test_the_dashboard_answers_within_its_query_budget(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.manager_kungsholmen)
    client.get(DASHBOARD)
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(DASHBOARD, {"period": "year", "category": "criminality"})


def test_the_worklist_links_to_the_inbox_only_for_those_who_may_open_it(
    world, client_for, file_concern
):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=STHLM), tick=False):
        file_concern(world.teacher_a, world.pupil_a)
    inbox = reverse("referrals:inbox")
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=STHLM), tick=False):
        plain = client_for(world.manager_kungsholmen).get(DASHBOARD)
        MembershipFactory(
            user=world.manager_kungsholmen, unit=world.intake_kungsholmen, role="social_worker"
        )
        both = client_for(world.manager_kungsholmen).get(DASHBOARD)
    counts = {item["key"]: item["count"] for item in plain.context["worklist"]}
    assert counts["protection_overdue"] == 1
    assert f'href="{inbox}"' not in plain.content.decode()
    assert f'href="{inbox}"' in both.content.decode()


def test_charts_are_drawn_on_the_server_from_the_projects_own_files(world, client_for):
    body = client_for(world.manager_kungsholmen).get(DASHBOARD).content.decode()
    assert "<svg" in body
    assert "<title id=" in body
    assert "cdn" not in body.lower()
    assert "<script" not in body.split("<main", 1)[1].split("</main>", 1)[0]
