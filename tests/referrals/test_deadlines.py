"""The legal deadlines of a concern (referrals/deadlines.py, portal/calendar.py).

Every date is a Stockholm date: a report received shortly after midnight, which
is still the previous day in UTC, counts on the Stockholm date.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from portal import calendar, rules
from referrals import deadlines
from referrals.deadlines import DeadlineState

STHLM = ZoneInfo("Europe/Stockholm")
UTC = datetime.UTC


def at(year, month, day, hour=9, minute=0):
    """A moment in Stockholm time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=STHLM)


def d(year, month, day):
    return datetime.date(year, month, day)


# --- portal/calendar.py ---


def test_the_calendar_dates_used_below_fall_on_the_expected_weekdays():
    # Guards the other tests against a mistyped date.
    assert d(2026, 11, 10).strftime("%a") == "Tue"
    assert d(2026, 11, 13).strftime("%a") == "Fri"
    assert d(2026, 11, 14).strftime("%a") == "Sat"
    assert d(2026, 11, 15).strftime("%a") == "Sun"
    assert d(2026, 11, 16).strftime("%a") == "Mon"
    assert d(2026, 12, 24).strftime("%a") == "Thu"
    assert d(2026, 12, 28).strftime("%a") == "Mon"


def test_weekdays_are_working_days_and_weekends_are_not():
    assert calendar.is_working_day(d(2026, 11, 13))
    assert not calendar.is_working_day(d(2026, 11, 14))
    assert not calendar.is_working_day(d(2026, 11, 15))


def test_swedish_public_holidays_on_weekdays_are_not_working_days():
    assert not calendar.is_working_day(d(2026, 12, 25))  # juldagen, Friday
    assert not calendar.is_working_day(d(2027, 1, 1))  # nyårsdagen, Friday
    assert not calendar.is_working_day(d(2026, 1, 6))  # trettondedag jul, Tuesday


def test_next_working_day_skips_the_christmas_weekend():
    assert calendar.next_working_day(d(2026, 12, 24)) == d(2026, 12, 28)


def test_next_working_day_skips_new_years_day_across_the_year_boundary():
    assert calendar.next_working_day(d(2026, 12, 31)) == d(2027, 1, 4)


def test_local_date_of_a_utc_moment_is_the_stockholm_date():
    # 23:30 UTC on 1 November is 00:30 on 2 November in Stockholm.
    assert calendar.local_date(datetime.datetime(2026, 11, 1, 23, 30, tzinfo=UTC)) == d(2026, 11, 2)


def test_today_is_the_stockholm_date_just_after_midnight():
    # 00:30 Stockholm is still the previous day in UTC.
    with time_machine.travel(at(2026, 11, 16, 0, 30), tick=False):
        assert calendar.today() == d(2026, 11, 16)


def test_today_is_the_stockholm_date_late_in_the_evening():
    with time_machine.travel(at(2026, 11, 16, 23, 30), tick=False):
        assert calendar.today() == d(2026, 11, 16)


# --- skyddsbedömning ---


def test_the_cutoff_hour_is_fifteen():
    assert rules.PROTECTION_ASSESSMENT_CUTOFF_HOUR == 15


def test_protection_due_the_same_day_when_received_before_the_cutoff():
    assert deadlines.protection_due_on(at(2026, 11, 10, 14, 59)) == d(2026, 11, 10)


def test_protection_due_the_same_day_when_received_early_in_the_morning():
    assert deadlines.protection_due_on(at(2026, 11, 10, 0, 30)) == d(2026, 11, 10)


def test_protection_due_the_next_working_day_when_received_at_the_cutoff():
    assert deadlines.protection_due_on(at(2026, 11, 10, 15, 0)) == d(2026, 11, 11)


def test_protection_due_the_next_working_day_when_received_after_the_cutoff():
    assert deadlines.protection_due_on(at(2026, 11, 10, 16, 45)) == d(2026, 11, 11)


def test_protection_received_friday_after_the_cutoff_is_due_monday():
    assert deadlines.protection_due_on(at(2026, 11, 13, 15, 30)) == d(2026, 11, 16)


def test_protection_received_friday_before_the_cutoff_is_due_friday():
    assert deadlines.protection_due_on(at(2026, 11, 13, 10, 0)) == d(2026, 11, 13)


@pytest.mark.parametrize("hour", [8, 20])
def test_protection_received_on_saturday_is_due_monday(hour):
    assert deadlines.protection_due_on(at(2026, 11, 14, hour)) == d(2026, 11, 16)


@pytest.mark.parametrize("hour", [8, 20])
def test_protection_received_on_sunday_is_due_monday(hour):
    assert deadlines.protection_due_on(at(2026, 11, 15, hour)) == d(2026, 11, 16)


def test_protection_received_christmas_eve_after_the_cutoff_is_due_after_christmas():
    assert deadlines.protection_due_on(at(2026, 12, 24, 15, 30)) == d(2026, 12, 28)


def test_protection_received_on_christmas_day_is_due_after_christmas():
    assert deadlines.protection_due_on(at(2026, 12, 25, 10, 0)) == d(2026, 12, 28)


def test_protection_cutoff_uses_stockholm_time_for_a_utc_moment_in_winter():
    # 14:30 UTC is 15:30 in Stockholm (CET): after the cut-off.
    received = datetime.datetime(2026, 11, 10, 14, 30, tzinfo=UTC)
    assert deadlines.protection_due_on(received) == d(2026, 11, 11)


def test_protection_cutoff_uses_stockholm_time_for_a_utc_moment_in_summer():
    # 13:00 UTC is 15:00 in Stockholm (CEST): at the cut-off.
    received = datetime.datetime(2026, 6, 9, 13, 0, tzinfo=UTC)
    assert deadlines.protection_due_on(received) == d(2026, 6, 10)


def test_protection_received_just_after_midnight_monday_counts_on_monday():
    # 00:30 Monday in Stockholm is 23:30 Sunday in UTC.
    received = datetime.datetime(2026, 11, 15, 23, 30, tzinfo=UTC)
    assert deadlines.protection_due_on(received) == d(2026, 11, 16)


def test_protection_received_just_after_midnight_saturday_is_due_monday():
    # 00:30 Saturday in Stockholm is 23:30 Friday in UTC.
    assert deadlines.protection_due_on(at(2026, 11, 14, 0, 30)) == d(2026, 11, 16)


# --- förhandsbedömning ---


def test_preliminary_due_fourteen_days_after_receipt():
    assert rules.PRELIMINARY_ASSESSMENT_DAYS == 14
    assert deadlines.preliminary_due_on(at(2026, 11, 2, 9, 0)) == d(2026, 11, 16)


def test_preliminary_receipt_at_2330_stockholm_counts_on_the_stockholm_date():
    # 23:30 Stockholm is 22:30 UTC, the same date.
    assert deadlines.preliminary_due_on(at(2026, 11, 2, 23, 30)) == d(2026, 11, 16)


def test_preliminary_receipt_at_0030_stockholm_counts_on_the_stockholm_date():
    # 00:30 on 2 November in Stockholm is still 1 November in UTC.
    received = at(2026, 11, 2, 0, 30)
    assert received.astimezone(UTC).date() == d(2026, 11, 1)
    assert deadlines.preliminary_due_on(received) == d(2026, 11, 16)


def test_preliminary_receipt_given_in_utc_counts_on_the_stockholm_date_in_summer():
    # 22:30 UTC on 1 June is 00:30 on 2 June in Stockholm (CEST).
    received = datetime.datetime(2026, 6, 1, 22, 30, tzinfo=UTC)
    assert deadlines.preliminary_due_on(received) == d(2026, 6, 16)


def test_preliminary_state_on_day_13_is_on_time():
    due = deadlines.preliminary_due_on(at(2026, 11, 2))
    assert deadlines.state(due, done=False, today=d(2026, 11, 15)) == DeadlineState.ON_TIME


def test_preliminary_state_on_day_14_is_due_today():
    due = deadlines.preliminary_due_on(at(2026, 11, 2))
    assert deadlines.state(due, done=False, today=d(2026, 11, 16)) == DeadlineState.DUE_TODAY


def test_preliminary_state_on_day_15_is_overdue():
    due = deadlines.preliminary_due_on(at(2026, 11, 2))
    assert deadlines.state(due, done=False, today=d(2026, 11, 17)) == DeadlineState.OVERDUE


@pytest.mark.parametrize("today", [d(2026, 11, 15), d(2026, 11, 16), d(2026, 11, 30)])
def test_preliminary_state_when_done_is_done_whatever_the_date(today):
    due = deadlines.preliminary_due_on(at(2026, 11, 2))
    assert deadlines.state(due, done=True, today=today) == DeadlineState.DONE


def test_state_without_a_given_today_uses_the_stockholm_date_after_midnight():
    # 00:30 on day 15 in Stockholm is still day 14 in UTC: overdue, not due today.
    due = deadlines.preliminary_due_on(at(2026, 11, 2))
    with time_machine.travel(at(2026, 11, 17, 0, 30), tick=False):
        assert deadlines.state(due, done=False) == DeadlineState.OVERDUE


def test_state_without_a_given_today_is_due_today_until_midnight_stockholm():
    due = deadlines.preliminary_due_on(at(2026, 11, 2))
    with time_machine.travel(at(2026, 11, 16, 23, 30), tick=False):
        assert deadlines.state(due, done=False) == DeadlineState.DUE_TODAY


def test_state_values_and_labels():
    assert DeadlineState.OVERDUE == "overdue"
    assert {s.value for s in DeadlineState} == {"done", "on_time", "due_today", "overdue"}
    assert all(str(s.label) for s in DeadlineState)


# --- utredning ---


def test_investigation_due_four_months_after_start():
    assert deadlines.investigation_due_on(d(2026, 11, 16)) == d(2027, 3, 16)


def test_investigation_started_on_a_month_end_is_due_on_the_last_day_of_february():
    assert deadlines.investigation_due_on(d(2026, 10, 31)) == d(2027, 2, 28)


def test_investigation_started_on_a_month_end_in_a_leap_year_is_due_on_29_february():
    assert deadlines.investigation_due_on(d(2027, 10, 31)) == d(2028, 2, 29)


def test_investigation_due_across_the_year_end():
    assert deadlines.investigation_due_on(d(2026, 12, 15)) == d(2027, 4, 15)


@pytest.mark.parametrize(
    "eve",
    [d(2026, 12, 24), d(2026, 12, 31), d(2026, 6, 19), d(2027, 6, 25)],
    ids=["julafton", "nyarsafton", "midsommarafton-2026", "midsommarafton-2027"],
)
def test_the_eves_count_as_holidays(eve):
    # Lag (1930:173) om beräkning av lagstadgad tid treats them like Sundays.
    assert not calendar.is_working_day(eve)


def test_a_report_on_christmas_eve_morning_is_assessed_the_next_working_day():
    assert deadlines.protection_due_on(at(2026, 12, 24, 10, 0)) == d(2026, 12, 28)


def test_the_cutoff_hour_is_configurable(settings):
    settings.PROTECTION_ASSESSMENT_CUTOFF_HOUR = 12
    assert deadlines.protection_due_on(at(2026, 11, 23, 11, 59)) == d(2026, 11, 23)
    assert deadlines.protection_due_on(at(2026, 11, 23, 12, 0)) == d(2026, 11, 24)
