"""The log reviewer's flags: rows of the access log worth a look.

Each flag is a documented rule with its thresholds in ``portal/rules.py``. A flag is
not a finding: a consent, a placement or a night shift explains many of them; the
reviewer decides.

1. **Outside own cases**: a read, export or change of a pupil whom the reader did not
   reach through their own school (or the group the pupil is placed in) or their own
   district's social services, but through a consent, a named grant or an override.
   The basis is worked out when the row is written (``portal.accesslog``).
2. **Access without consent**: every break-glass override opened.
3. **Many pupils in a short time**: one person opened more than
   ``AUDIT_FLAG_MANY_PUPILS`` distinct pupils within ``AUDIT_FLAG_MANY_PUPILS_MINUTES``
   minutes (reads and exports; a list or search is not opening a pupil).
4. **At night**: anything but a log review done between ``AUDIT_FLAG_NIGHT_FROM_HOUR``
   and ``AUDIT_FLAG_NIGHT_UNTIL_HOUR`` Stockholm time.
"""

from __future__ import annotations

import datetime
from collections import Counter, deque
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import ExtractHour
from django.utils.translation import gettext_lazy as _

from portal import rules
from portal.audit_models import AccessLog, AccessLogSubject

#: Rows shown per flag; the page says when there are more.
FLAG_LIMIT = 500

READS = [AccessLog.Kind.VIEW, AccessLog.Kind.EXPORT]
NOT_ACCESS = [AccessLog.Kind.REVIEW, AccessLog.Kind.RETENTION]


@dataclass
class Burst:
    """Many distinct pupils opened by one person in a short time."""

    user_id: int
    username: str
    start: datetime.datetime
    end: datetime.datetime
    pupils: set[int] = field(default_factory=set)

    @property
    def count(self) -> int:
        return len(self.pupils)


@dataclass
class Flag:
    key: str
    title: Any
    rule: Any
    rows: list
    more: bool = False


def _limited(rows: list) -> tuple[list, bool]:
    return rows[:FLAG_LIMIT], len(rows) > FLAG_LIMIT


def outside_own_cases(start, end) -> tuple[list[AccessLogSubject], bool]:
    rows = list(
        AccessLogSubject.objects.filter(at__gte=start, at__lt=end)
        .exclude(basis="")
        .exclude(basis__in=AccessLogSubject.OWN_BASES)
        .select_related("log")
        .order_by("at", "id")[: FLAG_LIMIT + 1]
    )
    return _limited(rows)


def break_glass(start, end) -> tuple[list[AccessLog], bool]:
    rows = list(
        AccessLog.objects.filter(kind=AccessLog.Kind.OVERRIDE, at__gte=start, at__lt=end)
        .prefetch_related("subjects")
        .order_by("at", "id")[: FLAG_LIMIT + 1]
    )
    return _limited(rows)


def many_pupils(start, end) -> tuple[list[Burst], bool]:
    """Sliding window per person over the pupils they opened, oldest first."""
    window = datetime.timedelta(minutes=rules.AUDIT_FLAG_MANY_PUPILS_MINUTES)
    rows = (
        AccessLogSubject.objects.filter(at__gte=start, at__lt=end, log__kind__in=READS)
        .exclude(log__user=None)
        .order_by("log__user_id", "at", "id")
        .values_list("log__user_id", "log__username", "at", "student_id")
        .iterator(chunk_size=5000)
    )
    bursts: list[Burst] = []
    for user_id, group in groupby(rows, key=lambda r: r[0]):
        recent: deque = deque()
        counts: Counter = Counter()
        current: Burst | None = None
        for _user, username, at, student_id in group:
            recent.append((at, student_id))
            counts[student_id] += 1
            while recent[0][0] < at - window:
                _old_at, old = recent.popleft()
                counts[old] -= 1
                if not counts[old]:
                    del counts[old]
            if len(counts) > rules.AUDIT_FLAG_MANY_PUPILS:
                if current is not None and recent[0][0] <= current.end:
                    current.end = at
                    current.pupils.update(counts)
                else:
                    current = Burst(user_id, username, recent[0][0], at, set(counts))
                    bursts.append(current)
    return _limited(bursts)


def at_night(start, end) -> tuple[list[AccessLog], bool]:
    local = ZoneInfo(settings.TIME_ZONE)
    rows = list(
        AccessLog.objects.filter(at__gte=start, at__lt=end)
        .exclude(kind__in=NOT_ACCESS)
        .exclude(user=None)
        .annotate(local_hour=ExtractHour("at", tzinfo=local))
        .filter(
            Q(local_hour__gte=rules.AUDIT_FLAG_NIGHT_FROM_HOUR)
            | Q(local_hour__lt=rules.AUDIT_FLAG_NIGHT_UNTIL_HOUR)
        )
        .order_by("at", "id")[: FLAG_LIMIT + 1]
    )
    return _limited(rows)


def flags_for(start, end) -> list[Flag]:
    """Every flag for the period [start, end)."""
    flags = []
    for key, title, rule, find in (
        (
            "outside",
            _("Pupils outside the reader's own cases"),
            _(
                "A read, export or change of a pupil the reader reached through a consent, "
                "a named grant or access without consent, not through their own school or "
                "district."
            ),
            outside_own_cases,
        ),
        (
            "override",
            _("Access without consent"),
            _("Every break-glass override opened, with its legal ground."),
            break_glass,
        ),
        (
            "many",
            _("Many pupils in a short time"),
            _("More than %(n)s different pupils opened by one person within %(m)s minutes.")
            % {"n": rules.AUDIT_FLAG_MANY_PUPILS, "m": rules.AUDIT_FLAG_MANY_PUPILS_MINUTES},
            many_pupils,
        ),
        (
            "night",
            _("At night"),
            _("Anything done between %(from)s:00 and %(until)s:00, Stockholm time.")
            % {
                "from": rules.AUDIT_FLAG_NIGHT_FROM_HOUR,
                "until": f"{rules.AUDIT_FLAG_NIGHT_UNTIL_HOUR:02d}",
            },
            at_night,
        ),
    ):
        rows, more = find(start, end)
        flags.append(Flag(key=key, title=title, rule=rule, rows=rows, more=more))
    return flags
