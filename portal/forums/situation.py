"""Lägesbild: the shared picture of a district a forum meeting starts from.

Aggregates only, for the forum's district, for the period before the meeting
compared with the period of the same length before that:

- concerns received by category, and suspensions: the managers' dashboard
  panels of those keys, asked for the district as a district manager would;
- the absence trend: a part the app that holds absence registers here.

Every table goes through ``portal.dashboards.render``: counts of 1–4 are shown
as "<5" and the cells they could be worked out from are hidden. No table has a
row per pupil, school class or case, so no person can be identified. The
lägesbild is built when the meeting page is read, so late-registered reports
are counted; the period is fixed by the meeting date.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from portal.access import Scope
from portal.dashboards import (
    DashboardQuery,
    Filters,
    Period,
    RenderedTable,
    Table,
    build,
    panel_for,
    render,
)
from portal.roles import Role

#: The lägesbild covers this many days before the meeting (local practice: the
#: forums meet about once a quarter).
SITUATION_DAYS = 90
#: Dashboard panels the lägesbild shows, by key, in this order.
PANEL_KEYS = ("concerns_by_category", "suspensions")


@dataclass(frozen=True)
class SituationPart:
    key: str
    title: Any
    order: int
    build: Callable[[DashboardQuery], Table]


_parts: dict[str, SituationPart] = {}


def register_situation_part(part: SituationPart) -> SituationPart:
    _parts[part.key] = part
    return part


def situation_period(held_on: datetime.date, today: datetime.date | None = None) -> Period:
    """The days before the meeting, up to yesterday for a meeting not yet held."""
    today = today or timezone.localdate()
    end = min(held_on, today) - datetime.timedelta(days=1)
    return Period(end - datetime.timedelta(days=SITUATION_DAYS - 1), end)


def district_query(district_id: int, period: Period, today: datetime.date) -> DashboardQuery:
    """The question a manager of exactly this district would ask: the panels' own
    scope rules then count the district's rows and nothing else."""
    district_scope = Scope(
        user_id=None,
        roles=frozenset({Role.MANAGER}),
        manager_district_ids=frozenset({district_id}),
    )
    return DashboardQuery(
        scope=district_scope,
        period=period,
        filters=Filters(district=district_id),
        today=today,
    )


def situation_for(meeting, today: datetime.date | None = None) -> list[RenderedTable]:
    """The suppressed tables of the meeting's lägesbild."""
    today = today or timezone.localdate()
    period = situation_period(meeting.held_on, today)
    query = district_query(meeting.forum.district_id, period, today)
    tables = []
    for key in PANEL_KEYS:
        panel = panel_for(query.scope, key)
        if panel is not None:
            tables.append(build(panel, query))
    for part in sorted(_parts.values(), key=lambda p: p.order):
        tables.append(render(part.build(query), part.title, threshold=query.threshold))
    return tables
