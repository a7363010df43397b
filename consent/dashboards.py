"""What consents contribute to the managers' dashboard: counts only, by gender.

Scope: consents recorded by units in the manager's area (each authority documents
its own consent), and overrides opened by users of units in the area.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Student
from consent.models import Consent, Override
from portal import rules, tallies
from portal.dashboards import (
    Counts,
    DashboardQuery,
    Panel,
    Row,
    ScopeRule,
    Table,
    add_counts,
    count_split,
    empty_counts,
    register_panel,
)

SECTION = _("Consents and access without consent")

CONSENT_SCOPE = ScopeRule(
    districts=(), units=("recorded_by_unit_id",), district_units=("recorded_by_unit_id",)
)
CONSENT_FILTERS = {"district": "recorded_by_unit__district_id", "school": "student__school_unit_id"}
OVERRIDE_SCOPE = ScopeRule(districts=(), units=("unit_id",), district_units=("unit_id",))
OVERRIDE_FILTERS = {"district": "unit__district_id", "school": "student__school_unit_id"}
FILTERS = frozenset({"district", "school"})


RECORDED, WITHDRAWN = "consent_recorded", "consent_withdrawn"
#: Consents not withdrawn, by the day they end.
OPEN = "consent_open"
#: Consents counted by the day they were recorded and the day they were withdrawn,
#: and those not withdrawn by the day they end.
CONSENT_TALLY = tallies.Source(
    model=Consent,
    unit="recorded_by_unit_id",
    gender="pupil_gender",  # a copy on the row (cases.pupil_gender)
    measures=(
        tallies.Measure(RECORDED, "recorded_at"),
        tallies.Measure(WITHDRAWN, "withdrawn_at"),
        tallies.Measure(OPEN, "valid_to", until="withdrawn_at"),
    ),
    depends=(tallies.Depends(Student, lambda s: Q(student_id=s.pk), fields=("gender",)),),
)


def _in_periods(query: DashboardQuery, restricted) -> dict[str, Counts]:
    """Consents recorded and withdrawn in either period: from the daily counts, or
    counted from the consents for a unit's manager or a chosen school."""
    counts = tallies.kept(query, CONSENT_TALLY, RECORDED, WITHDRAWN)
    if counts is not None:
        return tallies.added_up(
            counts,
            query.windows,
            measures={"recorded_at": Q(kind=RECORDED), "withdrawn_at": Q(kind=WITHDRAWN)},
        )
    data: dict[str, Counts] = {}
    for field in ("recorded_at", "withdrawn_at"):
        data |= count_split(
            restricted.filter(query.span.moments(field)),
            gender="pupil_gender",
            measures={field: None},
            periods={name: period.moments(field) for name, period in query.windows.items()},
        )
    return data


def _running(query: DashboardQuery, restricted) -> dict[str, Counts]:
    """Consents running today (begun, not ended, not withdrawn): those that expire
    within the days the dashboard warns of and those that do not. From the daily
    counts, the consents not withdrawn that end today or later, less those that
    have not yet begun (a few, counted from the consents; a consent ends on or
    after the day it begins); or counted from the consents."""
    today = query.today
    last = today + datetime.timedelta(days=rules.DASHBOARD_CONSENT_EXPIRING_DAYS)
    expiring = Q(valid_to__lte=last)
    measures = {"expiring": expiring, "not_expiring": ~expiring}
    counts = tallies.kept(query, CONSENT_TALLY, OPEN)
    if counts is None:
        # Counted on the index that holds what it counts.
        running = Q(valid_from__lte=today, valid_to__gte=today, withdrawn_at__isnull=True)
        return count_split(
            restricted.filter(running), gender="pupil_gender", measures={"active": None, **measures}
        )
    cuts = [today, last + datetime.timedelta(days=1)]
    ending = tallies.split_at(counts, cuts, ["ended", "soon", "later"], measures={"n": None})
    not_begun = count_split(
        restricted.filter(valid_from__gt=today, withdrawn_at__isnull=True),
        gender="pupil_gender",
        measures=measures,
    )
    data = {
        "expiring": ending["soon_n"] - not_begun["expiring"],
        "not_expiring": ending["later_n"] - not_begun["not_expiring"],
    }
    return {"active": data["expiring"] + data["not_expiring"], **data}


def consents(query: DashboardQuery) -> Table:
    restricted = query.restrict(Consent.objects.all(), CONSENT_SCOPE, **CONSENT_FILTERS)
    data = _in_periods(query, restricted) | _running(query, restricted)
    return Table(
        "consents",
        [
            Row(
                "recorded",
                _("Consents recorded"),
                data["cur_recorded_at"],
                data["prev_recorded_at"].total,
            ),
            Row(
                "withdrawn",
                _("Consents withdrawn"),
                data["cur_withdrawn_at"],
                data["prev_withdrawn_at"].total,
            ),
            Row("active", _("Active today"), data["active"]),
            Row(
                "expiring",
                _("of which expire within %(days)s days")
                % {"days": rules.DASHBOARD_CONSENT_EXPIRING_DAYS},
                data["expiring"],
                level=1,
            ),
            Row("not_expiring", "", data["not_expiring"], display=False),
        ],
        sums=[("active", ("expiring", "not_expiring"))],
        row_heading=_("Consent"),
        note=_(
            "Recorded and withdrawn: in the period. Active: today, whatever the period. "
            "A consent withdrawn only for one party or category still counts as active."
        ),
    )


def overrides(query: DashboardQuery) -> Table:
    qs = query.restrict(
        Override.objects.filter(query.span.moments("created_at")),
        OVERRIDE_SCOPE,
        **OVERRIDE_FILTERS,
    )
    periods = {
        "cur": query.period.moments("created_at"),
        "prev": query.previous.moments("created_at"),
    }
    data = count_split(
        qs, gender="student__gender", measures={"n": None}, periods=periods, by="legal_ground"
    )
    empty = empty_counts(periods, ("n",))
    rows = [
        Row(
            code,
            label,
            data.get(code, empty)["cur_n"],
            data.get(code, empty)["prev_n"].total,
        )
        for code, label in rules.OVERRIDE_LEGAL_GROUNDS
    ]
    rows.append(
        Row(
            "all",
            _("Access without consent (break-glass)"),
            add_counts(r.current for r in rows),
            sum(r.previous for r in rows),
        )
    )
    return Table(
        "overrides",
        rows,
        sums=[("all", tuple(code for code, _label in rules.OVERRIDE_LEGAL_GROUNDS))],
        row_heading=_("Legal ground"),
        note=_("Opened in the period. The log reviewer sees each one."),
    )


register_panel(
    Panel(
        "consents",
        _("Consents"),
        SECTION,
        110,
        consents,
        filters=FILTERS,
    )
)
register_panel(
    Panel(
        "overrides",
        _("Access without consent (break-glass), by legal ground"),
        SECTION,
        120,
        overrides,
        filters=FILTERS,
    )
)
