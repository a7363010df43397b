"""Working days and local dates for legal deadlines (Europe/Stockholm)."""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta
from django.utils import timezone


def _midsummer_eve(year: int) -> datetime.date:
    """The Friday between 19 and 25 June."""
    day = datetime.date(year, 6, 19)
    return day + datetime.timedelta(days=(4 - day.weekday()) % 7)


@lru_cache(maxsize=64)
def _swedish_holidays(year: int) -> frozenset[datetime.date]:
    """Public holidays, plus midsommarafton, julafton and nyårsafton, which the law
    on statutory time (lag 1930:173 om beräkning av lagstadgad tid) treats like them."""
    days = set(holidays.Sweden(years=year).keys())
    days |= {_midsummer_eve(year), datetime.date(year, 12, 24), datetime.date(year, 12, 31)}
    return frozenset(days)


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday, and not a Swedish public holiday or one of the eves."""
    return day.weekday() < 5 and day not in _swedish_holidays(day.year)


def next_working_day(day: datetime.date) -> datetime.date:
    """The first working day after ``day``."""
    day += datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def today() -> datetime.date:
    return timezone.localdate()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day ``months`` later; the month's last day when it has no such day."""
    return day + relativedelta(months=months)
