"""Consents and overrides on the managers' dashboard: the arithmetic, by gender."""

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest

from consent import dashboards
from consent.models import Consent, Override
from portal import tallies
from portal.access import compute_scope
from portal.dashboards import Counts, DashboardQuery, Period, render
from tests.factories import MembershipFactory, StudentFactory, UserFactory
from tests.kept_counts import shown_either_way

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")
TODAY = datetime.date(2026, 11, 20)


def at(day: str, hour=10) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=STHLM)


def d(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


def query(user, start="2026-11-01", end="2026-11-20"):
    return DashboardQuery(scope=compute_scope(user), period=Period(d(start), d(end)), today=TODAY)


def row(table, key):
    r = table.row(key)
    return r.current, r.previous


@pytest.fixture
def consent(world):
    def make(gender, *, recorded, valid_from, valid_to, withdrawn=None, unit=None, hour=10):
        student = StudentFactory(
            gender=gender, school_unit=world.school_a, home_district=world.kungsholmen
        )
        c = Consent.objects.create(
            student=student,
            purpose="Samordna stödet.",
            valid_from=d(valid_from),
            valid_to=d(valid_to),
            form=Consent.Form.WRITTEN,
            recorded_by=world.principal_a,
            recorded_by_unit=unit or world.school_a,
            recorded_side="school",
            withdrawn_at=at(withdrawn, hour) if withdrawn else None,
        )
        rows = Consent.objects.filter(pk=c.pk)
        with tallies.recounting(rows):
            rows.update(recorded_at=at(recorded, hour))
        return c

    return make


def test_consents_recorded_withdrawn_active_and_expiring(world, consent):
    consent("girl", recorded="2026-11-02", valid_from="2026-11-02", valid_to="2027-05-01")
    consent("boy", recorded="2026-11-03", valid_from="2026-11-03", valid_to="2026-12-20")  # 30 days
    consent("boy", recorded="2026-11-03", valid_from="2026-11-03", valid_to="2026-12-21")  # 31 days
    consent(
        "girl",
        recorded="2026-10-20",
        valid_from="2026-10-20",
        valid_to="2027-01-01",
        withdrawn="2026-11-10",
    )
    consent("other", recorded="2026-10-15", valid_from="2026-10-15", valid_to="2026-11-19")  # ended
    consent(
        "girl", recorded="2026-11-05", valid_from="2026-12-01", valid_to="2027-01-01"
    )  # not yet
    consent(
        "boy", recorded="2026-11-05", valid_from="2026-12-01", valid_to="2026-12-15"
    )  # not yet, and ends within 30 days
    table = dashboards.consents(query(world.manager_kungsholmen))
    assert row(table, "recorded") == (Counts(girl=2, boy=3), 2)
    assert row(table, "withdrawn") == (Counts(girl=1), 0)
    assert row(table, "active") == (Counts(girl=1, boy=2), None)
    assert row(table, "expiring") == (Counts(boy=1), None)
    rendered = render(table)
    assert rendered.row("active").cells["previous"].text == "–"


def test_consents_recorded_in_another_district_are_not_counted(world, consent):
    consent(
        "girl",
        recorded="2026-11-02",
        valid_from="2026-11-02",
        valid_to="2027-05-01",
        unit=world.school_b,
    )
    assert row(dashboards.consents(query(world.manager_kungsholmen)), "recorded") == (Counts(), 0)
    assert row(dashboards.consents(query(world.manager_sodermalm)), "recorded") == (
        Counts(girl=1),
        0,
    )


def test_the_daily_counts_give_what_the_consents_give(world, consent, monkeypatch):
    """A district's and the city's consents recorded and withdrawn are added up
    from portal.tallies; with the counts set aside the panel counts the consents.
    Both must agree just before and after midnight, over whole months and days."""
    city_manager = UserFactory(username="stadschef")
    MembershipFactory(user=city_manager, unit=world.city, role="manager")
    # Running today (the 20th of November) or not: ended the day before, ending
    # today, on the 30th day and the 31st, not yet begun.
    for i, (gender, day, withdrawn, unit, begins, ends) in enumerate(
        [
            ("girl", "2026-03-31", "2026-04-01", world.school_a, None, None),
            ("boy", "2026-04-01", None, world.school_a, None, None),
            ("other", "2026-03-29", "2026-10-25", world.school_b, None, None),  # changes of time
            ("girl", "2026-06-30", "2026-07-01", world.school_b, None, None),
            ("boy", "2026-10-31", None, world.intake_kungsholmen, None, None),
            ("girl", "2026-05-02", None, world.school_a, None, "2026-11-19"),
            ("boy", "2026-05-03", None, world.school_b, None, "2026-11-20"),
            ("girl", "2026-05-04", None, world.school_a, None, "2026-12-20"),
            ("other", "2026-05-05", None, world.school_b, None, "2026-12-21"),
            ("boy", "2026-11-02", None, world.school_a, "2026-11-21", "2026-12-01"),
            ("girl", "2026-11-03", None, world.school_b, "2026-11-22", "2027-02-01"),
        ]
    ):
        consent(
            gender,
            recorded=day,
            valid_from=begins or day,
            valid_to=ends or "2027-06-30",
            withdrawn=withdrawn,
            unit=unit,
            hour=23 if i % 2 else 0,
        )
    shown = set()
    for user, (start, end) in itertools.product(
        (world.manager_kungsholmen, world.manager_sodermalm, city_manager),
        [("2026-03-31", "2026-07-01"), ("2026-04-01", "2026-06-30"), ("2026-06-30", "2026-11-01")],
    ):
        q = query(user, start, end)
        assert tallies.kept(q, dashboards.CONSENT_TALLY, dashboards.RECORDED) is not None
        shown |= shown_either_way(monkeypatch, dashboards.consents, q, (tallies, "kept"))
    assert {"recorded", "withdrawn", "active", "expiring"} <= shown
    assert tallies.drift() == {"missing": [], "extra": [], "wrong": []}


def test_overrides_by_legal_ground(world):
    def override(gender, ground, when, unit=None):
        student = StudentFactory(
            gender=gender, school_unit=world.school_a, home_district=world.kungsholmen
        )
        Override.objects.create(
            student=student,
            user=world.social_kungsholmen,
            unit=unit or world.intake_kungsholmen,
            legal_ground=ground,
            reason="Akut fara.",
            created_at=at(when),
            expires_at=at(when) + datetime.timedelta(hours=24),
        )

    override("girl", "danger_to_life", "2026-11-03")
    override("boy", "danger_to_life", "2026-11-04")
    override("boy", "crime_against_child", "2026-10-25")
    override("girl", "crime_against_child", "2026-11-04", unit=world.intake_sodermalm)
    table = dashboards.overrides(query(world.manager_kungsholmen))
    assert row(table, "danger_to_life") == (Counts(girl=1, boy=1), 0)
    assert row(table, "crime_against_child") == (Counts(), 1)
    assert row(table, "all") == (Counts(girl=1, boy=1), 1)
