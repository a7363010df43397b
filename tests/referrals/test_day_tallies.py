"""The utredningar's daily and monthly counts (portal.tallies): the dashboard's
figures added up from them are those counted from the utredningar, and the
counts follow every change to the rows they count."""

import datetime
import itertools
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db import connection
from django.db.models import signals
from django.test.utils import CaptureQueriesContext

from cases import pupil_gender
from cases.services import meeting_cancel
from portal import tallies
from portal.models import CityDayTally, DayTally
from referrals import dashboards, daycounts, services
from referrals.models import (
    CityConcernDayCount,
    ConcernCategory,
    ConcernDayCount,
    Investigation,
)
from tests.factories import MembershipFactory, UserFactory
from tests.kept_counts import shown_either_way
from tests.referrals.test_dashboard_indicators import at, query

pytestmark = pytest.mark.django_db
CLEAN = {"missing": [], "extra": [], "wrong": []}


def opened(social, report, people, gender, when, categories=("mental_ill_health",)):
    concern = report(people(gender), when, categories=list(categories))
    return social.open_investigation(concern, when + datetime.timedelta(hours=1))


def test_the_kept_counts_give_what_the_utredningar_give(world, people, report, social, monkeypatch):
    """A district's and the city's figures are added up from the counts; with the
    counts set aside the panel counts the utredningar. Both must agree at the four
    months' edge, with extensions and categories, over whole months and days."""
    city_manager = UserFactory(username="stadschef")
    MembershipFactory(user=city_manager, unit=world.city, role="manager")
    cases = [
        # (gender, started, closed, extended, categories)
        ("girl", "2026-03-10", "2026-07-10", False, ["violence_home"]),  # on the last day
        ("boy", "2026-03-09", "2026-07-10", False, ["other"]),  # a day late
        ("girl", "2026-03-05", "2026-07-20", True, ["violence_home", "other"]),
        ("other", "2026-03-31", "2026-07-31", False, ["criminality"]),  # 31st + 4 months
        ("boy", "2026-06-30", "2026-10-01", True, ["violence_home"]),
        ("girl", "2026-10-25", None, False, ["other"]),  # across the change of time
    ]
    for gender, started, closed, extended, categories in cases:
        investigation = opened(social, report, people, gender, at(started, 0, 30), categories)
        if extended:
            later = (investigation.due_on + datetime.timedelta(days=30)).isoformat()
            social.extend_investigation(investigation, at(started, 12), later)
        if closed:
            social.close_investigation(investigation, closed)
    # One of Södermalm's, opened by its own social services.
    Investigation.objects.create(
        student=people("girl", home=world.sodermalm),
        unit=world.intake_sodermalm,
        started_on=datetime.date(2026, 7, 2),
        due_on=datetime.date(2026, 11, 2),
        opened_by=world.social_sodermalm,
    )
    periods = [
        ("2026-03-01", "2026-07-31", "2026-08-10"),  # whole months only
        ("2026-03-09", "2026-07-10", "2026-12-01"),  # days on both sides of months
        ("2026-07-10", "2026-07-20", "2026-12-01"),  # days alone
        ("2026-06-15", "2026-12-01", "2026-12-01"),
    ]
    shown = set()
    for user, (start, end, today), category in itertools.product(
        (world.manager_kungsholmen, world.manager_sodermalm, city_manager),
        periods,
        (None, "violence_home", "other"),
    ):
        q = query(user, start, end, today, category=category)
        assert dashboards._investigations_kept(q) is not None
        shown |= shown_either_way(
            monkeypatch, dashboards.investigations_finished, q, (dashboards, "_investigations_kept")
        )
    assert {"within", "later", "closed", "extended", "started"} <= shown


def test_the_open_utredningar_added_up_give_what_the_utredningar_give(
    world, people, report, social, monkeypatch
):
    """Open today, in time and overdue, for districts and the city: added up from
    the counts by the day each is due, as counted from the utredningar, with the
    end date today, on either side of it and on the edges of parts and months."""
    city_manager = UserFactory(username="stadschef")
    MembershipFactory(user=city_manager, unit=world.city, role="manager")
    for gender, started, categories in [
        ("girl", "2026-07-10", ["violence_home"]),  # due 10 November
        ("boy", "2026-08-01", ["other"]),  # due 1 December
        ("girl", "2026-08-07", ["violence_home", "other"]),  # due 7 December
        ("other", "2026-08-08", ["criminality"]),  # due 8 December
        ("boy", "2026-08-22", ["violence_home"]),  # due 22 December
        ("girl", "2026-09-30", ["other"]),  # due 30 January
    ]:
        opened(social, report, people, gender, at(started, 0, 30), categories)
    extended = opened(social, report, people, "boy", at("2026-08-03"), ["other"])
    social.extend_investigation(extended, at("2026-11-20"), "2026-12-31")
    closed = opened(social, report, people, "girl", at("2026-08-04"), ["violence_home"])
    social.close_investigation(closed, "2026-11-30")
    Investigation.objects.create(
        student=people("girl", home=world.sodermalm),
        unit=world.intake_sodermalm,
        started_on=datetime.date(2026, 8, 7),
        due_on=datetime.date(2026, 12, 7),
        opened_by=world.social_sodermalm,
    )
    shown = set()
    for user, today, category in itertools.product(
        (world.manager_kungsholmen, world.manager_sodermalm, city_manager),
        ("2026-11-10", "2026-12-01", "2026-12-07", "2026-12-08", "2026-12-22", "2027-01-01"),
        (None, "violence_home", "other"),
    ):
        q = query(user, "2026-11-01", "2026-11-30", today, category=category)
        assert dashboards._open_kept(q) is not None
        shown |= shown_either_way(
            monkeypatch, dashboards.investigations_open, q, (dashboards, "_open_kept")
        )
    assert {"in_time", "overdue", "open"} <= shown


def test_a_unit_manager_or_a_chosen_school_is_counted_from_the_utredningar(world):
    q = query(world.manager_kungsholmen, "2026-11-01", "2026-11-30", "2026-12-01")
    assert dashboards._investigations_kept(q) is not None
    q = query(world.manager_kungsholmen, "2026-11-01", "2026-11-30", "2026-12-01", school=1)
    assert dashboards._investigations_kept(q) is None


def test_the_counts_follow_every_change_to_what_they_count(world, people, report, social):
    investigation = opened(social, report, people, "girl", at("2026-07-10"))
    assert tallies.drift() == CLEAN
    started = DayTally.objects.get(
        span="day", kind="investigation_started", category="", unit=investigation.unit
    )
    assert (started.day, started.gender, started.n) == (datetime.date(2026, 7, 10), "girl", 1)
    month = DayTally.objects.get(span="month", kind="investigation_started", category="")
    assert (month.day, month.n) == (datetime.date(2026, 7, 1), 1)
    still_open = DayTally.objects.filter(span="day", kind="investigation_open", category="")
    assert list(still_open.values_list("day", "n")) == [(investigation.due_on, 1)]
    # Extended, then closed a day past its four months.
    social.extend_investigation(investigation, at("2026-11-01"), "2026-11-30")
    assert list(still_open.values_list("day", "n")) == [(datetime.date(2026, 11, 30), 1)]
    social.close_investigation(investigation, "2026-11-11")
    assert not DayTally.objects.filter(kind="investigation_open").exists()
    closed = DayTally.objects.get(span="day", kind="investigation_closed", category="")
    assert (closed.day, closed.detail, closed.n) == (datetime.date(2026, 11, 11), "0:1", 1)
    assert tallies.drift() == CLEAN
    # The pupil's gender and the report's categories, copied onto the utredning.
    pupil = investigation.student
    pupil.gender = "boy"
    pupil.save()
    assert set(DayTally.objects.values_list("gender", flat=True)) == {"boy"}
    ConcernCategory.objects.create(concern=investigation.concern, category="criminality")
    assert DayTally.objects.filter(category="criminality").exists()
    ConcernCategory.objects.filter(concern=investigation.concern, category="criminality").delete()
    assert tallies.drift() == CLEAN
    # A date moved, and a row deleted: the old day is counted again too.
    investigation.refresh_from_db()
    investigation.closed_on = datetime.date(2026, 11, 12)
    investigation.save()
    assert not DayTally.objects.filter(day=datetime.date(2026, 11, 11)).exists()
    assert tallies.drift() == CLEAN
    investigation.extensions.all().delete()
    assert DayTally.objects.get(span="month", kind="investigation_closed", category="").detail == (
        "0:0"
    )
    investigation.delete()
    assert not DayTally.objects.filter(kind__startswith="investigation").exists()
    assert tallies.drift() == CLEAN


def test_a_change_without_signals_is_found_and_rebuilt(world, people, report, social):
    investigation = opened(social, report, people, "girl", at("2026-07-10"))
    Investigation.objects.filter(pk=investigation.pk).update(started_on=datetime.date(2026, 7, 1))
    found = tallies.drift()
    assert found["missing"] and found["extra"]
    assert tallies.rebuild() == len(tallies.source_counts())
    assert tallies.drift() == CLEAN
    # ``recounting`` keeps the counts through such a write.
    rows = Investigation.objects.filter(pk=investigation.pk)
    with tallies.recounting(rows):
        rows.update(started_on=datetime.date(2026, 6, 30))
    assert tallies.drift() == CLEAN


def test_without_the_handlers_the_counts_fall_behind(world, people, report, social):
    """The test above is not vacuous: the signals do the keeping."""
    model = Investigation
    uid = f"portal.tallies.{model._meta.label}.save"
    assert signals.post_save.disconnect(sender=model, dispatch_uid=uid)
    try:
        opened(social, report, people, "girl", at("2026-07-10"))
        assert tallies.drift()["missing"]
    finally:
        tallies.keep(dashboards.INVESTIGATION_TALLY)
    assert pupil_gender.drift() == {"wrong": []}


@time_machine.travel(at("2026-12-01"), tick=False)
def test_the_utredningar_kinds_are_counted_by_category_and_consents_not(world):
    assert dashboards.INVESTIGATION_TALLY.categories
    from consent.dashboards import CONSENT_TALLY

    assert CONSENT_TALLY.categories is None


# --- anmälningsmöten, counted from the reports' rows ----------------------------------------------


def test_the_kept_meeting_counts_give_what_the_reports_rows_give(
    world, people, report, monkeypatch
):
    """Decisions on an anmälningsmöte are added up from the counts, with the
    meetings still ahead counted from the rows; with the counts set aside the
    panel counts the rows. Both must agree, whatever the time of the view."""
    city_manager = UserFactory(username="stadschef")
    MembershipFactory(user=city_manager, unit=world.city, role="manager")

    def filed(gender, day, categories):
        return report(people(gender), at(day, 23, 30), categories=categories)

    def schedule(concern, day, starts):
        with time_machine.travel(at(day, 23, 45), tick=False):
            return services.notification_meeting_schedule(
                concern=concern,
                by=world.social_kungsholmen,
                starts_at=at(starts),
                duration_minutes=60,
                place="Socialkontoret",
            )

    def skip(concern, day, reason):
        with time_machine.travel(at(day, 0, 15), tick=False):
            services.notification_meeting_skip(
                concern=concern, by=world.social_kungsholmen, reason=reason, explanation="x"
            )

    schedule(filed("girl", "2026-09-30", ["violence_home"]), "2026-09-30", "2026-10-05")
    schedule(filed("boy", "2026-10-01", ["other"]), "2026-10-31", "2026-11-20")
    cancelled = schedule(filed("girl", "2026-10-02", ["other"]), "2026-10-03", "2026-10-20")
    with time_machine.travel(at("2026-10-04"), tick=False):
        meeting_cancel(meeting=cancelled.meeting, by=world.social_kungsholmen)
    skip(filed("other", "2026-10-02", ["violence_home", "other"]), "2026-11-01", "crime_at_home")
    skip(filed("boy", "2026-09-02", ["criminality"]), "2026-09-05", "child_best_interest")
    assert tallies.drift() == CLEAN
    shown = set()
    for user, (start, end), category, now in itertools.product(
        (world.manager_kungsholmen, world.manager_sodermalm, city_manager),
        [("2026-10-01", "2026-10-31"), ("2026-09-30", "2026-11-01"), ("2026-10-31", "2026-11-30")],
        (None, "violence_home", "other"),
        ("2026-11-01", "2026-12-01"),  # before and after the meeting ahead
    ):
        with time_machine.travel(at(now), tick=False):
            q = query(user, start, end, now, category=category)
            assert dashboards._meetings_kept(q, {}) is not None
            shown |= shown_either_way(
                monkeypatch, dashboards.notification_meetings, q, (dashboards, "_meetings_kept")
            )
    assert {"held", "upcoming", "cancelled", "skip_crime_at_home", "decided"} <= shown


def test_the_migrations_fill_the_counts_and_take_them_away(world, people, report, social):
    opened(social, report, people, "girl", at("2026-07-10"))
    DayTally.objects.all().delete()
    operation = tallies.filled("referrals", "Investigation", lambda: dashboards.INVESTIGATION_TALLY)
    operation.code(django_apps, None)
    # The day, its part of the month and the month, for every report and for the
    # report's category.
    assert DayTally.objects.filter(kind="investigation_started").count() == 6
    # The city's counts too: one unit, so as many.
    assert CityDayTally.objects.filter(kind="investigation_started").count() == 6
    assert tallies.drift() == CLEAN
    operation.reverse_code(django_apps, None)
    assert not DayTally.objects.exists()
    assert not CityDayTally.objects.exists()


@pytest.mark.parametrize(
    ("model", "unit", "drift"),
    [
        (DayTally, "unit", tallies.drift),
        (ConcernDayCount, "intake_unit", daycounts.drift),
    ],
)
def test_the_migration_adds_up_the_parts_of_months_from_the_days(
    world, people, report, social, model, unit, drift
):
    # Days on either side of each part's first day, and a month's last days.
    for day in ("2026-07-07", "2026-07-08", "2026-07-21", "2026-07-22", "2026-07-31"):
        opened(social, report, people, "girl", at(day))
    parts = model.objects.filter(span=tallies.PART)
    kept = sorted(parts.values_list("kind", "day", "gender", "detail", "category", "n"))
    assert {day.day for day in parts.values_list("day", flat=True)} >= {1, 8, 15, 22}
    operation = tallies.parts_filled(model._meta.app_label, model.__name__, unit)
    operation.reverse_code(django_apps, SimpleNamespace(connection=connection))
    assert not parts.exists()
    assert drift()["missing"]
    # Run twice: the fill writes again whatever part counts there are.
    for _run in range(2):
        operation.code(django_apps, SimpleNamespace(connection=connection))
    assert sorted(parts.values_list("kind", "day", "gender", "detail", "category", "n")) == kept
    assert drift() == CLEAN


@pytest.mark.parametrize(
    ("model", "city", "drift"),
    [
        (DayTally, CityDayTally, tallies.drift),
        (ConcernDayCount, CityConcernDayCount, daycounts.drift),
    ],
)
def test_the_migration_adds_up_the_citys_counts_from_the_units(
    world, people, report, social, model, city, drift
):
    # Two districts' intake units, so that the city's counts add up more than one unit's.
    opened(social, report, people, "girl", at("2026-07-07"))
    opened(social, report, people, "girl", at("2026-07-07"))
    south = report(people("girl", home=world.sodermalm), at("2026-07-07"))
    social.decide(south, at("2026-07-07") + datetime.timedelta(hours=1), by=world.social_sodermalm)
    units = model._meta.get_field("unit" if model is DayTally else "intake_unit").attname
    assert model.objects.values(units).distinct().count() == 2
    kept = sorted(city.objects.values_list(*tallies.CITY_FIELDS, "n"))
    assert max(n for *_key, n in kept) == 3
    operation = tallies.city_filled(model._meta.app_label, model.__name__, city.__name__)
    operation.reverse_code(django_apps, SimpleNamespace(connection=connection))
    assert not city.objects.exists()
    assert drift()["missing"]
    # Run twice: the fill writes again whatever counts of the city there are.
    for _run in range(2):
        operation.code(django_apps, SimpleNamespace(connection=connection))
    assert sorted(city.objects.values_list(*tallies.CITY_FIELDS, "n")) == kept
    assert drift() == CLEAN


def test_a_save_that_changes_nothing_counted_counts_nothing_again(world, people, report, social):
    investigation = opened(social, report, people, "girl", at("2026-07-10"))
    investigation.refresh_from_db()
    investigation.outcome_notes = "Samtal med familjen bokat."
    with CaptureQueriesContext(connection) as queries:
        investigation.save()
    assert not [q for q in queries if DayTally._meta.db_table in q["sql"]]
    investigation.started_on = datetime.date(2026, 7, 9)
    with CaptureQueriesContext(connection) as queries:
        investigation.save()
    assert [q for q in queries if DayTally._meta.db_table in q["sql"]]
    assert tallies.drift() == CLEAN


def test_a_pupil_saved_with_the_same_gender_counts_nothing_again(world, people, report, social):
    investigation = opened(social, report, people, "girl", at("2026-07-10"))
    pupil = investigation.student
    pupil.first_name = "Ny"
    with CaptureQueriesContext(connection) as queries:
        pupil.save()
    assert not [q for q in queries if DayTally._meta.db_table in q["sql"]]
    pupil.gender = "other"
    pupil.save()
    assert set(DayTally.objects.values_list("gender", flat=True)) == {"other"}
    assert tallies.drift() == CLEAN
