"""What SIPs, placements and absence investigations contribute to the managers'
dashboard: counts only, by gender.

Each panel mixes what happened in the period (compared with the previous period of
the same length) with where things stand today (no comparison: "today" has no
previous period). Every panel is one or two GROUP BY queries, whatever the data.

Scope:

* SIPs: those convened by the social-services units of the manager's district
  (the pupil's home district convenes); a unit manager's own unit's, and those of
  the pupils of a school they manage.
* Placements: those of pupils at schools in the manager's district, and those in
  special teaching groups located there; a unit manager's own school or group.
* Absence investigations: those of the schools in the manager's district; a unit
  manager's own school.
"""

from __future__ import annotations

import operator
from functools import reduce

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import AbsenceInvestigation, Placement, SipPlan, Student
from portal import tallies
from portal.dashboards import (
    Counts,
    DashboardQuery,
    Panel,
    Row,
    ScopeRule,
    Table,
    add_counts,
    count_split,
    register_panel,
)
from portal.models import Unit

SIP_SECTION = _("SIP (coordinated individual plans)")
PLACEMENT_SECTION = _("Special teaching groups")
ABSENCE_SECTION = _("Absence investigations")

SIP_SCOPE = ScopeRule(
    districts=(),
    units=("convenor_unit_id", "student__school_unit_id"),
    district_units=("convenor_unit_id",),
)
SIP_FILTERS = {"district": "convenor_unit__district_id", "school": "student__school_unit_id"}
PLACEMENT_SCOPE = ScopeRule(
    districts=("student__school_unit__district_id", "group__district_id"),
    units=("student__school_unit_id", "group_id"),
)
PLACEMENT_FILTERS = {
    "district": "student__school_unit__district_id",
    "school": "student__school_unit_id",
}
ABSENCE_SCOPE = ScopeRule(districts=("school_unit__district_id",), units=("school_unit_id",))
ABSENCE_FILTERS = {"district": "school_unit__district_id", "school": "school_unit_id"}
FILTERS = frozenset({"district", "school"})

GENDER = "student__gender"
#: SIPs and placements carry a copy of the pupil's gender (cases.pupil_gender).
PUPIL_GENDER = "pupil_gender"
PERIODS = ("cur", "prev")


def _in_periods(query: DashboardQuery, name: str, window) -> dict[str, Q]:
    """``{"cur_<name>": ..., "prev_<name>": ...}``: a measure for each period, given by
    ``window(period)``. Rows may fall in different periods for different measures
    (applied in one, decided in the next), so these are measures, not groups."""
    return {f"{p}_{name}": window(period) for p, period in query.windows.items()}


def _row(data, name, key, label, **extra) -> Row:
    return Row(key, label, data[f"cur_{name}"], data[f"prev_{name}"].total, **extra)


# --- SIP ------------------------------------------------------------------------------------


#: SIPs counted by the day each was started, activated, escalated to BUS and closed.
SIP_MOMENTS = {
    "started": "created_at",
    "activated": "activated_at",
    "escalated": "escalated_at",
    "closed": "closed_at",
}
SIP_TALLY = tallies.Source(
    model=SipPlan,
    unit="convenor_unit_id",
    gender=PUPIL_GENDER,
    measures=tuple(tallies.Measure(f"sip_{name}", field) for name, field in SIP_MOMENTS.items()),
    depends=(tallies.Depends(Student, lambda s: Q(student_id=s.pk), fields=("gender",)),),
)


def _sip_flows(query: DashboardQuery, restricted) -> dict[str, Counts]:
    """SIPs started, activated, escalated and closed in either period: added up from
    the daily counts, or counted from the plans for a unit's manager or a school."""
    counts = tallies.kept(query, SIP_TALLY, *SIP_TALLY.kinds)
    if counts is not None:
        return tallies.added_up(
            counts,
            query.windows,
            measures={name: Q(kind=f"sip_{name}") for name in SIP_MOMENTS},
        )
    measures: dict[str, Q] = {}
    for name, field in SIP_MOMENTS.items():
        measures |= _in_periods(query, name, lambda p, field=field: p.moments(field))
    moments = reduce(operator.or_, (query.span.moments(f) for f in SIP_MOMENTS.values()))
    return count_split(restricted.filter(moments), gender=PUPIL_GENDER, measures=measures)


def sips(query: DashboardQuery) -> Table:
    today = query.today
    restricted = query.restrict(SipPlan.objects.all(), SIP_SCOPE, **SIP_FILTERS)
    flows = _sip_flows(query, restricted)
    active = Q(status=SipPlan.Status.ACTIVE)
    # Overdue from the day after the follow-up date: on the date itself it is due, not
    # late. The plan carries its current version's date (cases.sip.follow_up).
    overdue = active & Q(follow_up_on__lt=today)
    escalated = active & Q(escalated_at__isnull=False)
    now = count_split(
        restricted.filter(status__in=[SipPlan.Status.ACTIVE, SipPlan.Status.DRAFT]),
        gender=PUPIL_GENDER,
        # Not yet past its date (or none set): the active ones not overdue.
        measures={
            "active": active,
            "overdue": overdue,
            "escalated": escalated,
            "not_escalated": active & Q(escalated_at__isnull=True),
            "drafts": Q(status=SipPlan.Status.DRAFT),
        },
    )
    return Table(
        "sips",
        [
            _row(flows, "started", "started", _("SIPs started")),
            _row(flows, "activated", "activated", _("SIPs activated")),
            _row(flows, "escalated", "escalated", _("SIPs escalated to BUS")),
            _row(flows, "closed", "closed", _("SIPs closed")),
            Row("active", _("Active SIPs today"), now["active"]),
            Row(
                "on_schedule",
                _("Follow-up not yet past its date"),
                now["active"] - now["overdue"],
                level=1,
            ),
            Row("overdue", _("Follow-up overdue"), now["overdue"], level=1),
            Row("active_escalated", _("of which escalated to BUS"), now["escalated"], level=1),
            Row("active_not_escalated", "", now["not_escalated"], display=False),
            Row("drafts", _("Drafts not yet active today"), now["drafts"]),
        ],
        sums=[
            ("active", ("on_schedule", "overdue")),
            ("active", ("active_escalated", "active_not_escalated")),
        ],
        row_heading=_("SIP"),
        note=_(
            "Started, activated, escalated and closed: in the period. Active and drafts: "
            "today, whatever the period. A follow-up is overdue from the day after the "
            "date set in the current version of the plan."
        ),
    )


# --- placements -----------------------------------------------------------------------------

#: The statuses of a placement that is still open today, in the order of the process.
OPEN_STATUSES = [
    (Placement.Status.APPLIED, pgettext_lazy("placement status", "Waiting for a decision")),
    (Placement.Status.ADMITTED, pgettext_lazy("placement status", "Admitted, not yet started")),
    (Placement.Status.ACTIVE, pgettext_lazy("placement status", "In the group")),
]


def placements_now(query: DashboardQuery) -> Table:
    qs = query.restrict(
        Placement.objects.filter(status__in=[s for s, _label in OPEN_STATUSES]),
        PLACEMENT_SCOPE,
        **PLACEMENT_FILTERS,
    )
    data = count_split(
        qs, gender=PUPIL_GENDER, measures={"n": None}, by=("group__group_type", "status")
    )
    rows, sums = [], []
    for group_type, type_label in Unit.GroupType.choices:
        members = [
            Row(
                f"{group_type}-{status}",
                label,
                data.get((group_type, status), {"n": Counts()})["n"],
                level=1,
            )
            for status, label in OPEN_STATUSES
        ]
        rows.append(Row(group_type, type_label, add_counts(r.current for r in members)))
        rows.extend(members)
        sums.append((group_type, tuple(r.key for r in members)))
    types = [group_type for group_type, _label in Unit.GroupType.choices]
    rows.append(
        Row(
            "all",
            _("Open placements today"),
            add_counts(r.current for r in rows if r.key in types),
        )
    )
    sums.append(("all", tuple(types)))
    return Table(
        "placements_now",
        rows,
        sums=sums,
        row_heading=_("Group"),
        has_previous=False,
        note=_("Today, whatever the period: applications and places not yet ended."),
    )


def placements_flow(query: DashboardQuery) -> Table:
    span = query.span
    qs = query.restrict(
        Placement.objects.filter(
            span.moments("applied_at")
            | span.moments("decided_at")
            | span.dates("starts_on")
            | span.dates("ends_on")
        ),
        PLACEMENT_SCOPE,
        **PLACEMENT_FILTERS,
    )
    declined = Q(status=Placement.Status.DECLINED)
    started = Q(status__in=[Placement.Status.ACTIVE, Placement.Status.ENDED])
    data = count_split(
        qs,
        gender=PUPIL_GENDER,
        measures={
            **_in_periods(query, "applied", lambda p: p.moments("applied_at")),
            **_in_periods(query, "decided", lambda p: p.moments("decided_at")),
            **_in_periods(query, "admitted", lambda p: p.moments("decided_at") & ~declined),
            **_in_periods(query, "declined", lambda p: p.moments("decided_at") & declined),
            **_in_periods(query, "started", lambda p: p.dates("starts_on") & started),
            **_in_periods(
                query,
                "ended",
                lambda p: p.dates("ends_on") & Q(status=Placement.Status.ENDED),
            ),
        },
    )
    return Table(
        "placements_flow",
        [
            _row(data, "applied", "applied", _("Applications made")),
            _row(
                data,
                "admitted",
                "admitted",
                pgettext_lazy("placement status", "Admitted"),
                level=1,
            ),
            _row(
                data,
                "declined",
                "declined",
                pgettext_lazy("placement status", "Declined"),
                level=1,
            ),
            _row(data, "decided", "decided", _("Applications decided")),
            Row(
                "share",
                _("Share admitted"),
                kind="share",
                share=("admitted", "declined", "decided"),
            ),
            _row(data, "started", "started", _("Placements started")),
            _row(data, "ended", "ended", _("Placements ended")),
        ],
        sums=[("decided", ("admitted", "declined"))],
        row_heading=_("Placement"),
        note=_(
            "In the period, in every kind of group: applications by the day they were "
            "made, decisions by the antagningsgrupp's day, starts and ends by their dates."
        ),
    )


# --- absence investigations -------------------------------------------------------------------


def absence_investigations(query: DashboardQuery) -> Table:
    span = query.span
    qs = query.restrict(
        AbsenceInvestigation.objects.filter(
            span.dates("opened_on") | span.dates("closed_on") | Q(closed_on__isnull=True)
        ),
        ABSENCE_SCOPE,
        **ABSENCE_FILTERS,
    )
    reported = Q(reported_to_huvudman=True)
    everyone = Q(pupil_heard=True, guardians_heard=True, student_health_involved=True)
    data = count_split(
        qs,
        gender=GENDER,
        measures={
            **_in_periods(query, "opened", lambda p: p.dates("opened_on")),
            **_in_periods(query, "closed", lambda p: p.dates("closed_on")),
            **_in_periods(query, "reported", lambda p: p.dates("closed_on") & reported),
            **_in_periods(query, "everyone", lambda p: p.dates("closed_on") & everyone),
            "open": Q(closed_on__isnull=True),
        },
    )
    not_reported = {p: data[f"{p}_closed"] - data[f"{p}_reported"] for p in PERIODS}
    not_everyone = {p: data[f"{p}_closed"] - data[f"{p}_everyone"] for p in PERIODS}
    return Table(
        "absence_investigations",
        [
            _row(data, "opened", "opened", _("Investigations opened")),
            _row(data, "closed", "closed", _("Investigations closed")),
            _row(data, "reported", "reported", _("of which reported to the huvudman"), level=1),
            Row(
                "not_reported",
                "",
                not_reported["cur"],
                not_reported["prev"].total,
                display=False,
            ),
            _row(
                data,
                "everyone",
                "everyone",
                _("of which the pupil, the guardians and student health all took part"),
                level=1,
            ),
            Row(
                "not_everyone",
                "",
                not_everyone["cur"],
                not_everyone["prev"].total,
                display=False,
            ),
            Row("open", _("Open investigations today"), data["open"]),
        ],
        sums=[("closed", ("reported", "not_reported")), ("closed", ("everyone", "not_everyone"))],
        row_heading=_("Absence investigation"),
        note=_(
            "Opened and closed: in the period. Open: today, whatever the period. The "
            "rektor investigates repeated or long absence (skollagen 7:19a)."
        ),
    )


PANELS = [
    Panel(
        "sips",
        _("SIPs: active, follow-up overdue, escalated to BUS"),
        SIP_SECTION,
        102,
        sips,
        filters=FILTERS,
    ),
    Panel(
        "placements_now",
        _("Placements in RSU, CSU, resource groups and SST today, by status"),
        PLACEMENT_SECTION,
        104,
        placements_now,
        filters=FILTERS,
        period=False,
    ),
    Panel(
        "placements_flow",
        _("Placements: applications, decisions, starts and ends"),
        PLACEMENT_SECTION,
        105,
        placements_flow,
        filters=FILTERS,
        chart="shares",
    ),
    Panel(
        "absence_investigations",
        _("Absence investigations"),
        ABSENCE_SECTION,
        106,
        absence_investigations,
        filters=FILTERS,
    ),
]

for _panel in PANELS:
    register_panel(_panel)
