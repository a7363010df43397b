"""The managers' dashboard adds up reports from ``ConcernDayCount``: per intake
unit, day and gender, how many reports had each outcome; and the same per month.

A district's or the city's figures for a period counted from the reports' own
dashboard rows (``referrals.facts``) read every report of the period: a year of
the city is 390,000 rows. These counts hold the same figures per day and per
month, so a period is its whole months and the days before and after them. Each
report counts in:

* ``received`` on the day it was received (``detail`` empty), in ``category``
  on that day once per category it names (``detail``: the code), and in
  ``reported_by`` on that day: ``school:<unit id>``, or ``channel:<channel>``
  for a report not from a school;
* ``protection`` on the day its skyddsbedömning falls due: ``on_time``, ``late``
  or ``undone`` (not yet made);
* ``preliminary`` on the 14th day after receipt: ``within`` (decided within 14
  days), ``later`` or ``undone``, and ``preliminary_extended`` on that day when
  the förhandsbedömning was extended;
* ``decided`` on the day of the decision: ``<decision>:<flagged 0/1>``, and
  ``decided_days`` on that day: the days it took (for the median).

Each count is kept three times: with ``span`` "day" on its day, and added up
with ``span`` "part" on the first day of its part of a month (days 1-7, 8-14,
15-21, 22 to the end) and with ``span`` "month" on the first day of its month
(``portal.tallies.spans_of``). Days are Stockholm days, as the
dashboard's periods are. Every count but ``category`` is kept for all reports
(``category`` empty) and again for the reports naming each category (the code),
so that a manager's category filter adds up counts as well. The counts are derived
from the reports' dashboard rows, never decided: when ``referrals.facts``
rewrites a report's row it hands the old and the new row here, and the
difference is added in the same transaction (the row is locked first, so two
writes about one report cannot both subtract the same old row), to the intake
unit's counts and to the whole city's (``CityConcernDayCount``: the same key
without the unit, which the city's managers read: a school's reports are
counted once, not once per intake unit they went to). ``rebuild()``
writes them all again from the dashboard rows and ``drift()`` compares
(``manage.py derived_rows``).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from portal import rules, tallies
from referrals.models import CATEGORY_BITS, CityConcernDayCount, ConcernDayCount, ConcernFact

#: A count's key: span, kind, day, intake unit, gender, detail, category.
Key = tuple[str, str, datetime.date, int, str, str, str]

KEY_FIELDS = ["span", "kind", "day", "intake_unit_id", "gender", "detail", "category"]
#: Counted again for each category a report names (``category`` the code; empty
#: for every report), so that a category filter adds up counts too. The counts by
#: category are the category panel's own and are not split again.
BY_CATEGORY = frozenset(
    {
        "received",
        "reported_by",
        "protection",
        "preliminary",
        "preliminary_extended",
        "decided",
        "decided_days",
    }
)
#: The fields of a report's dashboard row the counts are derived from.
READS = [
    "intake_unit_id",
    "reporting_unit_id",
    "channel",
    "gender",
    "received_at",
    "categories",
    "protection_due_on",
    "protection_assessed_at",
    "decided_at",
    "decision",
    "flagged",
    "extended",
]


def _local_day(moment: datetime.datetime, zone) -> datetime.date:
    return moment.astimezone(zone).date()


def _day_keys(row: dict) -> list[Key]:
    """The day counts one report's dashboard row adds to (``row``: at least the
    fields of ``READS``), for every report and for each category it names."""
    codes = [code for code, bit in CATEGORY_BITS.items() if row["categories"] & bit]
    keys: list[Key] = []
    for kind, day, *rest in _by_day(row, codes):
        categories = ["", *codes] if kind in BY_CATEGORY else [""]
        keys += [(tallies.DAY, kind, day, *rest, code) for code in categories]
    return keys


def contributions(row: dict) -> list[Key]:
    """The counts one report's dashboard row adds to, each by its day, its part
    of a month and its month (``_day_keys``)."""
    return [
        (span, kind, first, *rest)
        for _day, kind, day, *rest in _day_keys(row)
        for span, first in tallies.spans_of(day)
    ]


def _by_day(row: dict, codes: list[str]) -> list[tuple]:
    """The counts by day (``codes``: the categories the report names)."""
    unit, gender = row["intake_unit_id"], row["gender"]
    # The zone once per report: a million reports when the city is generated.
    zone = timezone.get_current_timezone()
    received = _local_day(row["received_at"], zone)
    school = row["reporting_unit_id"]
    reported_by = f"school:{school}" if school is not None else f"channel:{row['channel']}"
    keys: list[tuple] = [
        ("received", received, unit, gender, ""),
        ("reported_by", received, unit, gender, reported_by),
    ]
    keys += [("category", received, unit, gender, code) for code in codes]
    assessed = row["protection_assessed_at"]
    if assessed is None:
        protection = "undone"
    elif _local_day(assessed, zone) <= row["protection_due_on"]:
        protection = "on_time"
    else:
        protection = "late"
    keys.append(("protection", row["protection_due_on"], unit, gender, protection))
    fourteenth = received + datetime.timedelta(days=rules.PRELIMINARY_ASSESSMENT_DAYS)
    decided = row["decided_at"]
    if decided is None:
        preliminary = "undone"
    else:
        day = _local_day(decided, zone)
        days = (day - received).days
        preliminary = "within" if days <= rules.PRELIMINARY_ASSESSMENT_DAYS else "later"
        flagged = 1 if row["flagged"] else 0
        keys.append(("decided", day, unit, gender, f"{row['decision']}:{flagged}"))
        keys.append(("decided_days", day, unit, gender, str(days)))
    keys.append(("preliminary", fourteenth, unit, gender, preliminary))
    if row["extended"]:
        keys.append(("preliminary_extended", fourteenth, unit, gender, ""))
    return keys


def _counts(rows: Iterable[dict]) -> Counter:
    counts: Counter = Counter()
    for row in rows:
        counts.update(contributions(row))
    return counts


def apply(old: Iterable[dict], new: Iterable[dict]) -> None:
    """Add what the reports' ``new`` dashboard rows count and take away what their
    ``old`` ones did (each row a dict with the fields of ``READS``)."""
    delta = _counts(new)
    delta.subtract(_counts(old))
    tallies.add_to(ConcernDayCount, KEY_FIELDS, delta)
    tallies.add_to(CityConcernDayCount, tallies.CITY_FIELDS, tallies.citywide(delta))


def stored() -> Counter:
    return tallies.stored_of(ConcernDayCount.objects.all(), KEY_FIELDS)


def source() -> Counter:
    """What the counts should be, from every report's dashboard row: the days
    counted from the rows, their parts and months added up from the days (a
    third of the work of counting each row three times)."""
    days: Counter = Counter()
    for row in ConcernFact.objects.values(*READS).iterator(chunk_size=10_000):
        days.update(_day_keys(row))
    return tallies.with_spans(days)


def drift() -> dict[str, list[Key]]:
    """Counts that are ``missing``, ``extra`` or ``wrong``; empty when all is well."""
    city = CityConcernDayCount.objects.all()
    return tallies.compared(source(), stored, lambda: tallies.stored_of(city, tallies.CITY_FIELDS))


@transaction.atomic
def rebuild() -> int:
    """Every count again from the reports' dashboard rows, the intake units' and
    the city's; returns the number of the units' counts."""
    ConcernDayCount.objects.all().delete()
    CityConcernDayCount.objects.all().delete()
    counts = source()
    tallies.write_all(ConcernDayCount, KEY_FIELDS, counts)
    tallies.write_all(CityConcernDayCount, tallies.CITY_FIELDS, tallies.citywide(counts))
    return len(counts)
