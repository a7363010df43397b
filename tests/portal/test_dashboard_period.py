"""Dashboard periods: presets, chosen dates and the previous period of the same length."""

import datetime

import pytest

from portal.dashboards import MAX_PERIOD_DAYS, DashboardFilterForm, Period, preset_period

TODAY = datetime.date(2026, 11, 20)


def d(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


@pytest.mark.parametrize(
    ("preset", "start"),
    [
        ("30d", "2026-10-22"),
        ("month", "2026-11-01"),
        ("half", "2026-07-01"),
        ("year", "2026-01-01"),
        ("unknown", "2026-10-22"),
    ],
)
def test_presets_run_up_to_and_including_today(preset, start):
    period = preset_period(preset, TODAY)
    assert (period.start, period.end) == (d(start), TODAY)


def test_the_first_half_year_starts_in_january():
    assert preset_period("half", d("2026-06-30")).start == d("2026-01-01")


def test_the_previous_period_has_the_same_length_and_ends_the_day_before():
    period = Period(d("2026-03-01"), d("2026-03-31"))
    previous = period.previous()
    assert previous.end == d("2026-02-28")
    assert previous.days == period.days == 31
    assert previous.start == d("2026-01-29")


def test_a_period_covers_whole_days_in_stockholm_time_across_summer_time():
    period = Period(d("2026-10-25"), d("2026-10-25"))  # summer time ends this night
    assert period.start_at.isoformat() == "2026-10-25T00:00:00+02:00"
    assert period.end_at.isoformat() == "2026-10-26T00:00:00+01:00"


def test_the_trend_shows_twelve_months_ending_with_the_periods_last_month():
    months = Period(d("2026-10-01"), d("2026-11-20")).months()
    assert months[0] == d("2025-12-01")
    assert months[-1] == d("2026-11-01")
    assert len(months) == 12


def test_deadlines_that_have_passed_stop_yesterday():
    period = Period(d("2026-11-01"), d("2026-11-30"))
    assert period.until(d("2026-11-19")).end == d("2026-11-19")
    assert period.until(d("2026-10-31")) is None


def form(**data):
    return DashboardFilterForm(data, districts={1: "Kungsholmen"}, schools={7: "Skola A"})


def test_chosen_dates_are_used():
    period, filters = form(
        period="custom", start="2026-02-01", end="2026-02-10"
    ).period_and_filters(TODAY)
    assert (period.start, period.end, period.days) == (d("2026-02-01"), d("2026-02-10"), 10)
    assert filters.district is None


@pytest.mark.parametrize(
    "data",
    [
        {"period": "custom", "start": "2026-02-10", "end": "2026-02-01"},
        {"period": "custom", "start": "2026-02-10"},
        {"period": "custom", "start": "2020-01-01", "end": "2026-01-01"},
        {"district": "99"},
        {"category": "not_a_category"},
    ],
)
def test_a_period_or_filter_that_is_not_allowed_falls_back_to_the_default(data):
    f = form(**data)
    assert not f.is_valid()
    period, filters = f.period_and_filters(TODAY)
    assert period == preset_period("30d", TODAY)
    assert filters.district is None and filters.category is None


def test_a_period_may_be_three_years_long():
    start = d("2024-01-01")
    end = start + datetime.timedelta(days=MAX_PERIOD_DAYS - 1)
    f = form(period="custom", start=start.isoformat(), end=end.isoformat())
    assert f.is_valid(), f.errors


def test_filters_within_the_choices_are_used():
    _period, filters = form(district="1", school="7", category="violence_home").period_and_filters(
        TODAY
    )
    assert (filters.district, filters.school, filters.category) == (1, 7, "violence_home")


def test_dates_without_a_chosen_period_are_taken_as_chosen_dates():
    period, _filters = form(start="2026-02-01", end="2026-02-10").period_and_filters(TODAY)
    assert (period.start, period.end, period.preset) == (d("2026-02-01"), d("2026-02-10"), "custom")


def test_dates_are_ignored_when_a_named_period_is_chosen():
    period, _filters = form(period="year", start="2026-02-01", end="2026-02-10").period_and_filters(
        TODAY
    )
    assert period == preset_period("year", TODAY)
