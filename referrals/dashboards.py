"""What concerns contribute to the managers' dashboard: counts only, by gender.

Each panel counts one cohort, for the chosen period and the previous one of the
same length, in one query:

* concerns received (by month, school or channel, category, district): by
  ``received_at``;
* deadlines kept: the skyddsbedömningar and 14-day förhandsbedömningar that fell
  due in the period, up to yesterday, so each is either kept or not;
* decisions and anmälningsmöten: those decided in the period;
* utredningar: those finished (or started) in the period, and those open today;
* suspensions: those starting in the period, at schools in scope.

Scope: a district manager counts the concerns routed to their district's social
services (the pupil's home district) and the suspensions at schools located in
the district; a unit manager their own unit's; a city manager everything.

Where the reports are counted from: their dashboard rows (``referrals.facts``);
for a district's or the city's manager with no school chosen, the trend,
categories, the pupils' districts, deadlines and decisions add up the daily
counts derived from those rows instead (``referrals.daycounts``: a period is a
few thousand counts, not every report; with a category chosen, the counts kept
for that category). A test holds both ways to the same figures.
"""

from __future__ import annotations

import datetime

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Meeting, Student
from portal import rules, tallies
from portal.dashboards import (
    AddMonths,
    Bucket,
    Counts,
    DashboardQuery,
    DaysBetween,
    Panel,
    Period,
    Row,
    ScopeRule,
    Table,
    add_counts,
    count_split,
    day_start,
    medians_of,
    register_panel,
)
from portal.models import Unit
from referrals import facts, investigation_categories
from referrals.facts import has_category
from referrals.models import (
    CATEGORY_BITS,
    CityConcernDayCount,
    ConcernCategory,
    ConcernDayCount,
    ConcernFact,
    Investigation,
    InvestigationExtension,
    Suspension,
)

RECEIVED = _("Concerns received")
DEADLINES = _("Legal deadlines")
DECISIONS = _("Decisions and anmälningsmöten")
INVESTIGATIONS = _("Utredningar")
SCHOOL = _("Suspensions")

CONCERNS = ScopeRule(
    districts=(), units=("intake_unit_id", "reporting_unit_id"), district_units=("intake_unit_id",)
)
CONCERN_FILTERS = {
    "district": "intake_unit__district_id",
    "school": "reporting_unit_id",
    "category": "categories__category",
}
#: Reports are counted from their dashboard rows (referrals.facts): the same units
#: under the same names, the pupil's gender and the assessments on the row.
FACTS = CONCERNS
FACT_FILTERS = {**CONCERN_FILTERS, "category": has_category}
FACT_GENDER = "gender"
INVESTIGATION_SCOPE = ScopeRule(
    districts=(), units=("unit_id", "concern__intake_unit_id"), district_units=("unit_id",)
)
INVESTIGATION_FILTERS = {
    "district": "unit__district_id",
    "school": "concern__reporting_unit_id",
    "category": investigation_categories.naming,
}
SUSPENSION_SCOPE = ScopeRule(
    districts=("school_unit__district_id",), units=("school_unit_id", "notice_unit_id")
)
SUSPENSION_FILTERS = {"district": "school_unit__district_id", "school": "school_unit_id"}
ALL_FILTERS = frozenset({"district", "school", "category"})

#: A skyddsbedömning falls due at most this many days after receipt (the next
#: working day after Christmas or Easter); bounds the scan by the indexed receipt.
PROTECTION_DUE_LAG_DAYS = 10

GENDER = "student__gender"
#: Utredningar carry a copy of the pupil's gender (cases.pupil_gender).
PUPIL_GENDER = "pupil_gender"


def _periods(query: DashboardQuery, window) -> dict[str, Q]:
    """The condition for the current and the previous period, each given by ``window``."""
    return {"cur": window(query.period), "prev": window(query.previous)}


def _row(data, name, key, label, **extra) -> Row:
    return Row(key, label, data[f"cur_{name}"], data[f"prev_{name}"].total, **extra)


def _sum(data, *names) -> dict[str, Counts]:
    return {p: add_counts(data[f"{p}_{n}"] for n in names) for p in ("cur", "prev")}


def _deadlines_passed(period: Period, today: datetime.date) -> Period | None:
    """The part of a period whose deadlines have passed: up to yesterday."""
    return period.until(today - datetime.timedelta(days=1))


_NEVER = Q(pk__in=[])


def _due_days(query: DashboardQuery, field: str):
    """For ``_periods``: a period's days whose deadlines have passed, on the date
    ``field`` (nothing when none has yet)."""

    def window(period: Period) -> Q:
        passed = _deadlines_passed(period, query.today)
        return passed.dates(field) if passed else _NEVER

    return window


def _day_counts(query: DashboardQuery, *kinds: str, by_unit: bool = False):
    """The daily counts of ``kinds`` (referrals.daycounts, by intake unit) within the
    manager's scope, the counts kept for a chosen category; for the whole city
    those added up over the units, unless the counts are split ``by_unit``. None
    when only the reports' own rows can answer."""
    return tallies.narrowed(
        query,
        ConcernDayCount.objects.filter(kind__in=kinds),
        "intake_unit",
        query.filters.category or "",
        city=None if by_unit else CityConcernDayCount.objects.filter(kind__in=kinds),
    )


def _added_up(
    query: DashboardQuery,
    kinds: tuple[str, ...],
    windows: dict[str, Period | None],
    *,
    measures: dict[str, Q | None],
    by=None,
    by_unit: bool = False,
) -> dict | None:
    """Like ``count_split`` with ``periods`` named as ``windows`` (disjoint), over the
    daily and monthly counts of ``kinds`` (``portal.tallies.added_up``); ``by_unit``
    when ``by`` reads the intake unit. None when only the reports' own rows can
    answer."""
    counts = _day_counts(query, *kinds, by_unit=by_unit)
    if counts is None:
        return None
    return tallies.added_up(counts, windows, measures=measures, by=by)


def _windows(query: DashboardQuery, passed: bool = False) -> dict[str, Period | None]:
    """The current and the previous period; with ``passed``, only their days whose
    deadlines have passed (up to yesterday)."""
    if passed:
        return {name: _deadlines_passed(p, query.today) for name, p in query.windows.items()}
    return query.windows


# --- concerns received ----------------------------------------------------------------------


def concerns_by_month(query: DashboardQuery) -> Table:
    months = query.period.months()
    data = _added_up(
        query,
        ("received",),
        {"all": Period(months[0], query.period.end)},
        measures={"n": None},
        by=Bucket("day", months),
    )
    if data is not None:
        data = {i: {"n": measures["all_n"]} for i, measures in data.items()}
    else:
        qs = query.restrict(
            ConcernFact.objects.filter(
                received_at__gte=day_start(months[0]), received_at__lt=query.period.end_at
            ),
            FACTS,
            **FACT_FILTERS,
        )
        # Each report's month by where its receipt falls among the months' first moments.
        month = Bucket("received_at", [day_start(m) for m in months])
        data = count_split(qs, gender=FACT_GENDER, measures={"n": None}, by=month)
    by_month = {months[i - 1]: measures["n"] for i, measures in data.items() if i}
    rows = [
        Row(month.isoformat(), formats.date_format(month, "M Y"), by_month.get(month, Counts()))
        for month in months
    ]
    rows.append(
        Row("all", _("All %(n)s months") % {"n": len(months)}, add_counts(r.current for r in rows))
    )
    return Table(
        "concerns_by_month",
        rows,
        sums=[("all", tuple(m.isoformat() for m in months))],
        row_heading=_("Month"),
        has_previous=False,
        note=_("The twelve months up to the end of the period."),
    )


def _received_in_periods(query: DashboardQuery, by: str | tuple) -> dict:
    """Concerns received in either period, by ``by``, from the reports' rows."""
    qs = query.restrict(
        ConcernFact.objects.filter(query.span.moments("received_at")), FACTS, **FACT_FILTERS
    )
    return count_split(
        qs,
        gender=FACT_GENDER,
        measures={"n": None},
        periods=_periods(query, lambda p: p.moments("received_at")),
        by=by,
    )


def _received_by(query: DashboardQuery) -> dict:
    """Concerns received in either period by (school, channel): the school's unit
    id, or None and the channel for a report not from a school."""
    data = _added_up(query, ("reported_by",), _windows(query), measures={"n": None}, by="detail")
    if data is not None:
        by: dict = {}
        for detail, measures in data.items():
            what, value = detail.split(":", 1)
            by[(int(value), "") if what == "school" else (None, value)] = measures
        return by
    # The channel only for the reports not from a school: half the groups to read.
    channel_if_not_school = Case(
        When(reporting_unit_id__isnull=True, then=F("channel")), default=Value("")
    )
    return _received_in_periods(query, ("reporting_unit_id", channel_if_not_school))


def concerns_by_school(query: DashboardQuery) -> Table:
    threshold = query.threshold
    empty = {"cur": Counts(), "prev": Counts()}
    by_school: dict[int, dict] = {}
    phone, letter, other = dict(empty), dict(empty), dict(empty)

    def add(target, measures):
        for p in target:
            target[p] = target[p] + measures[f"{p}_n"]

    for (unit_id, channel), measures in _received_by(query).items():
        if unit_id is None:
            add(phone if channel == "phone" else letter, measures)
        else:
            add(by_school.setdefault(unit_id, dict(empty)), measures)
    listed = {
        unit_id: counts
        for unit_id, counts in by_school.items()
        if counts["cur"].total >= threshold or counts["prev"].total >= threshold
    }
    # Names only for the schools listed: a few, by primary key.
    names = dict(Unit.objects.filter(pk__in=listed).values_list("pk", "name")) if listed else {}
    schools = [
        Row(f"school-{unit_id}", names.get(unit_id, ""), counts["cur"], counts["prev"].total)
        for unit_id, counts in listed.items()
    ]
    for unit_id, counts in by_school.items():
        if unit_id not in listed:
            for p in other:
                other[p] = other[p] + counts[p]
    # Order by what is shown only: a small count does not reveal its rank.
    schools.sort(
        key=lambda r: (-(r.current.total if r.current.total >= threshold else 0), str(r.label))
    )
    for row in schools:
        row.level = 1
    from_schools = add_counts([r.current for r in schools] + [other["cur"]])
    from_schools_prev = sum(r.previous for r in schools) + other["prev"].total
    others = phone["cur"] + letter["cur"]
    others_prev = phone["prev"].total + letter["prev"].total
    rows = [
        Row("from_schools", _("From schools"), from_schools, from_schools_prev),
        *schools,
        Row(
            "other_schools",
            _("Other schools (fewer than %(n)s reports each)") % {"n": threshold},
            other["cur"],
            other["prev"].total,
            level=1,
        ),
        Row("not_school", _("Not from a school"), others, others_prev),
        Row("phone", _("By phone"), phone["cur"], phone["prev"].total, level=1),
        Row("letter", _("By letter or e-mail"), letter["cur"], letter["prev"].total, level=1),
        Row(
            "all",
            _("All concerns received"),
            from_schools + others,
            from_schools_prev + others_prev,
            fixed=True,
        ),
        Row(
            "share",
            _("Share from schools"),
            kind="share",
            share=("from_schools", "not_school", "all"),
        ),
    ]
    return Table(
        "concerns_by_school",
        rows,
        sums=[
            ("from_schools", tuple(r.key for r in schools) + ("other_schools",)),
            ("not_school", ("phone", "letter")),
            ("all", ("from_schools", "not_school")),
        ],
        row_heading=_("Reported by"),
    )


def concerns_by_category(query: DashboardQuery) -> Table:
    # Every category whichever is chosen: the daily counts unless a school is.
    data = _added_up(
        query.unfiltered("category"),
        ("category",),
        _windows(query),
        measures={code: Q(detail=code) for code, _label in rules.CONCERN_CATEGORIES},
    )
    if data is None:
        qs = query.restrict(
            ConcernFact.objects.filter(query.span.moments("received_at")),
            FACTS,
            district=FACT_FILTERS["district"],
            school=FACT_FILTERS["school"],
        )
        data = count_split(
            qs,
            gender=FACT_GENDER,
            measures={code: has_category(code) for code, _label in rules.CONCERN_CATEGORIES},
            periods=_periods(query, lambda p: p.moments("received_at")),
        )
    rows = [_row(data, code, code, label) for code, label in rules.CONCERN_CATEGORIES]
    return Table(
        "concerns_by_category",
        rows,
        row_heading=_("Category"),
        note=_("A report can name several categories, so the rows do not add up to a total."),
    )


def concerns_by_district(query: DashboardQuery) -> Table:
    data = _added_up(
        query,
        ("received",),
        _windows(query),
        measures={"n": None},
        by="intake_unit__district_id",
        by_unit=True,
    )
    if data is None:
        data = _received_in_periods(query, "intake_unit__district_id")
    by_district = {
        district: {p: measures[f"{p}_n"] for p in ("cur", "prev")}
        for district, measures in data.items()
    }
    empty = {"cur": Counts(), "prev": Counts()}
    rows = [
        Row(
            f"district-{pk}",
            name,
            by_district.get(pk, empty)["cur"],
            by_district.get(pk, empty)["prev"].total,
        )
        for pk, name in query.districts.items()
    ]
    if not query.scope.manager_city and query.scope.manager_unit_ids:
        # A unit's reports may go to another district's social services.
        rest = [m for pk, m in by_district.items() if pk not in query.districts]
        rows.append(
            Row(
                "district-other",
                _("Other districts"),
                add_counts(m["cur"] for m in rest),
                sum(m["prev"].total for m in rest),
            )
        )
    rows.append(
        Row(
            "all",
            _("All concerns received"),
            add_counts(r.current for r in rows),
            sum(r.previous for r in rows),
            fixed=True,
        )
    )
    return Table(
        "concerns_by_district",
        rows,
        sums=[("all", tuple(r.key for r in rows[:-1]))],
        row_heading=_("The pupil's district"),
        note=_("The district whose social services received the report: the pupil's home."),
    )


# --- deadlines ------------------------------------------------------------------------------


def protection_on_time(query: DashboardQuery) -> Table:
    # Counted on the day each fell due, by whether it was done on time.
    data = _added_up(
        query,
        ("protection",),
        _windows(query, passed=True),
        measures={
            "due": None,
            **{outcome: Q(detail=outcome) for outcome in ("on_time", "late", "undone")},
        },
    )
    if data is None:
        periods = _periods(query, _due_days(query, "protection_due_on"))
        lag = datetime.timedelta(days=PROTECTION_DUE_LAG_DAYS)
        qs = query.restrict(
            ConcernFact.objects.filter(
                received_at__gte=day_start(query.previous.start - lag),
                received_at__lt=query.period.end_at,
            ),
            FACTS,
            **FACT_FILTERS,
        )
        done = Q(protection_assessed_at__isnull=False)
        on_time = Q(protection_assessed_at__date__lte=F("protection_due_on"))
        data = count_split(
            qs.filter(periods["cur"] | periods["prev"]),
            gender=FACT_GENDER,
            periods=periods,
            measures={
                "due": None,
                "on_time": done & on_time,
                "late": done & ~on_time,
                "undone": ~done,
            },
        )
    missed = _sum(data, "late", "undone")
    return Table(
        "protection_on_time",
        [
            _row(data, "on_time", "on_time", _("Done on time")),
            Row("missed", _("Not on time"), missed["cur"], missed["prev"].total),
            _row(data, "late", "late", _("Done late"), level=1),
            _row(data, "undone", "undone", _("Not done yet"), level=1),
            _row(data, "due", "due", _("Skyddsbedömningar due")),
            Row(
                "share",
                _("Share done on time"),
                kind="share",
                share=("on_time", "missed", "due"),
            ),
        ],
        sums=[("missed", ("late", "undone")), ("due", ("on_time", "missed"))],
        row_heading=_("Skyddsbedömning"),
        note=_(
            "Skyddsbedömningar that fell due in the period, up to yesterday. On time: the "
            "day the report was received, or the next working day when it came late."
        ),
    )


def preliminary_within_14_days(query: DashboardQuery) -> Table:
    limit = rules.PRELIMINARY_ASSESSMENT_DAYS
    days = datetime.timedelta(days=limit)

    def due(period, received="received_at"):
        # The 14th day after receipt fell in the period (deadlines.preliminary_due_on).
        window = _deadlines_passed(period, query.today)
        if window is None:
            return _NEVER
        return Q(**{f"{received}__gte": day_start(window.start - days)}) & Q(
            **{f"{received}__lt": day_start(window.end - days + datetime.timedelta(days=1))}
        )

    # Counted on the 14th day after receipt, by whether it was decided by then.
    counted = Q(kind="preliminary")
    data = _added_up(
        query,
        ("preliminary", "preliminary_extended"),
        _windows(query, passed=True),
        measures={
            "due": counted,
            **{o: counted & Q(detail=o) for o in ("within", "later", "undone")},
            "extended": Q(kind="preliminary_extended"),
        },
    )
    if data is None:
        periods = _periods(query, due)
        # Both windows lie within the span's: one range the receipt index can use.
        qs = query.restrict(
            ConcernFact.objects.filter(due(query.span)).filter(periods["cur"] | periods["prev"]),
            FACTS,
            **FACT_FILTERS,
        ).annotate(days_taken=DaysBetween(TruncDate("decided_at"), TruncDate("received_at")))
        decided = Q(decided_at__isnull=False)
        within = Q(days_taken__lte=limit)
        data = count_split(
            qs,
            gender=FACT_GENDER,
            periods=periods,
            measures={
                "due": None,
                "within": decided & within,
                "later": decided & ~within,
                "undone": ~decided,
                "extended": Q(extended=True),
            },
        )
    missed = _sum(data, "later", "undone")
    not_extended = {p: data[f"{p}_due"] - data[f"{p}_extended"] for p in ("cur", "prev")}
    return Table(
        "preliminary_within_14_days",
        [
            _row(data, "within", "within", _("Decided within 14 days")),
            Row("missed", _("Not within 14 days"), missed["cur"], missed["prev"].total),
            _row(data, "later", "later", _("Decided later"), level=1),
            _row(data, "undone", "undone", _("Not decided yet"), level=1),
            _row(data, "due", "due", _("14-day deadlines")),
            Row(
                "share",
                _("Share decided within 14 days"),
                kind="share",
                share=("within", "missed", "due"),
            ),
            _row(data, "extended", "extended", _("Extended for synnerliga skäl")),
            Row(
                "not_extended",
                "",
                not_extended["cur"],
                not_extended["prev"].total,
                display=False,
            ),
        ],
        sums=[
            ("missed", ("later", "undone")),
            ("due", ("within", "missed")),
            ("due", ("extended", "not_extended")),
        ],
        row_heading=_("Förhandsbedömning"),
        note=_(
            "Reports whose 14th day after receipt fell in the period, up to yesterday. "
            "An extension for synnerliga skäl is lawful but still counts as not within 14 days."
        ),
    )


# --- decisions and anmälningsmöten ------------------------------------------------------------


def decisions(query: DashboardQuery) -> Table:
    periods = ("cur", "prev")
    # The decisions by outcome (the decision and the flag), and by the days taken for
    # the medians.
    by_kind = _added_up(
        query,
        ("decided", "decided_days"),
        _windows(query),
        measures={"n": None},
        by=("kind", "detail"),
    )
    outcomes: dict[tuple[str, bool], dict] = {}
    days_taken: dict[int, dict] = {}
    if by_kind is not None:
        for (kind, detail), measures in by_kind.items():
            if kind == "decided":
                decision, flagged = detail.split(":")
                outcomes[(decision, flagged == "1")] = measures
            else:
                days_taken[int(detail)] = measures
    else:
        # One scan: the decisions by the days taken, the decision and the flag; the
        # counts and the medians are both read off it.
        qs = query.restrict(
            ConcernFact.objects.filter(query.span.moments("decided_at")), FACTS, **FACT_FILTERS
        )
        days = DaysBetween(TruncDate("decided_at"), TruncDate("received_at"))
        groups = count_split(
            qs,
            gender=FACT_GENDER,
            periods=_periods(query, lambda p: p.moments("decided_at")),
            measures={"n": None},
            by=(days, "decision", "flagged"),
        )
        for (days_, decision, flagged), measures in groups.items():
            for into, key in ((outcomes, (decision, flagged)), (days_taken, days_)):
                have = into.get(key)
                into[key] = (
                    measures if have is None else {n: have[n] + c for n, c in measures.items()}
                )
    kinds = {
        "decided": lambda decision, flagged: True,
        "opened": lambda decision, flagged: decision == "open",
        "no_new": lambda decision, flagged: decision != "open",
        "not_opened": lambda decision, flagged: decision == "not_open",
        "violence": lambda decision, flagged: decision == "not_open" and flagged,
        "not_opened_other": lambda decision, flagged: decision == "not_open" and not flagged,
        "ongoing": lambda decision, flagged: decision == "ongoing",
    }
    data = {
        f"{p}_{kind}": add_counts(
            m[f"{p}_n"] for (decision, flagged), m in outcomes.items() if test(decision, flagged)
        )
        for p in periods
        for kind, test in kinds.items()
    }
    medians = {
        p: medians_of({days: m[f"{p}_n"] for days, m in days_taken.items()}) for p in periods
    }
    median = dict(medians["cur"]) | {"previous": medians["prev"]["total"]}
    return Table(
        "decisions",
        [
            _row(data, "opened", "opened", _("Utredning opened")),
            _row(data, "no_new", "no_new", _("No new utredning")),
            _row(data, "not_opened", "not_opened", _("Not opened"), level=1),
            _row(
                data,
                "violence",
                "violence",
                _("of which despite a violence category (for follow-up)"),
                level=2,
            ),
            _row(data, "not_opened_other", "not_opened_other", "", display=False),
            _row(data, "ongoing", "ongoing", _("An utredning already ongoing"), level=1),
            _row(data, "decided", "decided", _("Förhandsbedömningar decided")),
            Row(
                "share",
                _("Share leading to an utredning"),
                kind="share",
                share=("opened", "no_new", "decided"),
            ),
            Row(
                "median_days",
                _("Median days from receipt to decision"),
                kind="median",
                median=median,
            ),
        ],
        sums=[
            ("decided", ("opened", "no_new")),
            ("no_new", ("not_opened", "ongoing")),
            ("not_opened", ("violence", "not_opened_other")),
        ],
        row_heading=_("Decision"),
        note=_("Förhandsbedömningar decided in the period."),
    )


def _meetings_kept(query: DashboardQuery, reasons: dict[str, Q]) -> dict | None:
    """The figures of ``notification_meetings`` added up from the daily counts
    (detail "<status>:<reason>"), and the meetings still ahead counted from the
    reports' rows: a meeting counts as held once its time has passed. None when
    only the reports' rows can answer."""
    counts = tallies.kept(query, facts.MEETINGS, facts.MEETING_DECIDED)
    if counts is None:
        return None
    skipped = Q(detail__startswith=":")
    data = tallies.added_up(
        counts,
        _windows(query),
        measures={
            "decided": None,
            "offered": ~skipped,
            "marked_held": Q(detail__startswith=f"{Meeting.Status.HELD}:"),
            "scheduled": Q(detail__startswith=f"{Meeting.Status.SCHEDULED}:"),
            "cancelled": Q(detail__startswith=f"{Meeting.Status.CANCELLED}:"),
            "skipped": skipped,
            **{name: Q(detail=f":{code}") for name, code in reasons.items()},
        },
    )
    ahead = query.restrict(
        ConcernFact.objects.filter(
            query.span.moments("meeting_decided_at"),
            meeting_status=Meeting.Status.SCHEDULED,
            meeting_starts_at__gte=timezone.now(),
        ),
        FACTS,
        **FACT_FILTERS,
    )
    data |= count_split(
        ahead,
        gender=FACT_GENDER,
        periods=_periods(query, lambda p: p.moments("meeting_decided_at")),
        measures={"upcoming": None},
    )
    for p in ("cur", "prev"):
        passed = data[f"{p}_scheduled"] - data[f"{p}_upcoming"]
        data[f"{p}_held"] = data[f"{p}_marked_held"] + passed
    return data


def _meetings_counted(query: DashboardQuery, reasons: dict[str, Q]) -> dict:
    """The figures of ``notification_meetings`` from the reports' rows."""
    periods = _periods(query, lambda p: p.moments("meeting_decided_at"))
    qs = query.restrict(
        ConcernFact.objects.filter(query.span.moments("meeting_decided_at")),
        FACTS,
        **FACT_FILTERS,
    )
    now = timezone.now()
    # The row holds the offered meeting's status; none when no meeting is offered.
    offered = ~Q(meeting_status="")
    # The portal does not yet mark a meeting held: one whose time has passed
    # without a cancellation counts as held.
    held = Q(meeting_status=Meeting.Status.HELD) | Q(
        meeting_status=Meeting.Status.SCHEDULED, meeting_starts_at__lt=now
    )
    upcoming = Q(meeting_status=Meeting.Status.SCHEDULED, meeting_starts_at__gte=now)
    return count_split(
        qs,
        gender=FACT_GENDER,
        periods=periods,
        measures={
            "decided": None,
            "offered": offered,
            "held": held,
            "upcoming": upcoming,
            "cancelled": Q(meeting_status=Meeting.Status.CANCELLED),
            "skipped": ~offered,
            **{name: Q(meeting_skip_reason=code) for name, code in reasons.items()},
        },
    )


def notification_meetings(query: DashboardQuery) -> Table:
    reasons = {f"skip_{code}": code for code, _label in rules.MEETING_SKIP_REASONS}
    data = _meetings_kept(query, reasons)
    if data is None:
        data = _meetings_counted(query, reasons)
    reason_rows = [
        _row(data, f"skip_{code}", f"skip_{code}", label, level=1)
        for code, label in rules.MEETING_SKIP_REASONS
    ]
    return Table(
        "notification_meetings",
        [
            _row(data, "offered", "offered", _("Offered")),
            _row(data, "held", "held", _("Held"), level=1),
            _row(data, "upcoming", "upcoming", _("Not yet held"), level=1),
            _row(data, "cancelled", "cancelled", _("Cancelled"), level=1),
            _row(data, "skipped", "skipped", _("Not offered, by reason")),
            *reason_rows,
            _row(data, "decided", "decided", _("Decisions on an anmälningsmöte")),
            Row("share", _("Share offered"), kind="share", share=("offered", "skipped", "decided")),
        ],
        sums=[
            ("offered", ("held", "upcoming", "cancelled")),
            ("skipped", tuple(r.key for r in reason_rows)),
            ("decided", ("offered", "skipped")),
        ],
        row_heading=_("Anmälningsmöte"),
        note=_(
            "Decisions in the period to offer an anmälningsmöte or not. A meeting whose "
            "time has passed without being cancelled counts as held."
        ),
    )


# --- utredningar ------------------------------------------------------------------------------


def _within_months():
    """An utredning finished within the four months counted from its start
    (deadlines.investigation_due_on), whatever an extension later moved the end
    date to."""
    return Q(closed_on__lte=AddMonths("started_on", rules.INVESTIGATION_MONTHS))


def _extended():
    return Exists(InvestigationExtension.objects.filter(investigation=OuterRef("pk")))


STARTED, CLOSED = "investigation_started", "investigation_closed"
OPEN = "investigation_open"
#: Utredningar counted by the day they started, and by the day they finished with
#: whether within four months and whether extended (detail "<within>:<extended>");
#: those still open by the day they are due.
INVESTIGATION_TALLY = tallies.Source(
    model=Investigation,
    unit="unit_id",
    gender=PUPIL_GENDER,
    measures=(
        tallies.Measure(STARTED, "started_on"),
        tallies.Measure(
            CLOSED,
            "closed_on",
            (
                ("within", lambda: ExpressionWrapper(_within_months(), BooleanField())),
                ("extended", _extended),
            ),
        ),
        tallies.Measure(OPEN, "due_on", until="closed_on"),
    ),
    categories=investigation_categories.FIELD,
    codes=CATEGORY_BITS,
    depends=(
        tallies.Depends(InvestigationExtension, lambda e: Q(pk=e.investigation_id)),
        tallies.Depends(ConcernCategory, lambda c: Q(concern_id=c.concern_id)),
        tallies.Depends(Student, lambda s: Q(student_id=s.pk), fields=("gender",)),
    ),
)


def _investigations_kept(query: DashboardQuery) -> dict | None:
    counts = tallies.kept(query, INVESTIGATION_TALLY, STARTED, CLOSED)
    if counts is None:
        return None
    closed = Q(kind=CLOSED)
    return tallies.added_up(
        counts,
        _windows(query),
        measures={
            "closed": closed,
            "within": closed & Q(detail__startswith="1:"),
            "later": closed & Q(detail__startswith="0:"),
            "extended": closed & Q(detail__endswith=":1"),
            "started": Q(kind=STARTED),
        },
    )


def investigations_finished(query: DashboardQuery) -> Table:
    data = _investigations_kept(query)
    if data is None:
        data = _investigations_counted(query)
    not_extended = {p: data[f"{p}_closed"] - data[f"{p}_extended"] for p in ("cur", "prev")}
    return Table(
        "investigations_finished",
        [
            _row(data, "within", "within", _("Finished within 4 months")),
            _row(data, "later", "later", _("Finished later")),
            _row(data, "closed", "closed", _("Utredningar finished")),
            Row(
                "share",
                _("Share finished within 4 months"),
                kind="share",
                share=("within", "later", "closed"),
            ),
            _row(data, "extended", "extended", _("Extended for särskilda skäl")),
            Row(
                "not_extended",
                "",
                not_extended["cur"],
                not_extended["prev"].total,
                display=False,
            ),
            _row(data, "started", "started", _("Utredningar started")),
        ],
        sums=[("closed", ("within", "later")), ("closed", ("extended", "not_extended"))],
        row_heading=_("Utredning"),
        note=_(
            "Utredningar finished in the period; within 4 months means by the end date "
            "set when it was opened. Extended ones are lawful but count as later if they "
            "ran past it."
        ),
    )


def _investigations_counted(query: DashboardQuery) -> dict:
    """The figures of ``investigations_finished`` from the utredningar themselves."""
    closed = _periods(query, lambda p: p.dates("closed_on"))
    started = _periods(query, lambda p: p.dates("started_on"))
    qs = query.restrict(Investigation.objects.all(), INVESTIGATION_SCOPE, **INVESTIGATION_FILTERS)
    within = _within_months()
    data = count_split(
        qs.filter(query.span.dates("closed_on")),
        gender=PUPIL_GENDER,
        periods=closed,
        measures={"closed": None, "within": within, "later": ~within},
    )
    data |= count_split(
        qs.filter(query.span.dates("started_on")),
        gender=PUPIL_GENDER,
        periods=started,
        measures={"started": None},
    )
    # Extensions are rare: counted on their own rows, not checked on every utredning.
    extensions = query.restrict(
        InvestigationExtension.objects.filter(
            investigation__in=Investigation.objects.filter(query.span.dates("closed_on"))
        ),
        INVESTIGATION_SCOPE.via("investigation__"),
        district="investigation__" + INVESTIGATION_FILTERS["district"],
        school="investigation__" + INVESTIGATION_FILTERS["school"],
        category=lambda code: investigation_categories.naming(code, "investigation__"),
    )
    data |= count_split(
        extensions,
        gender="investigation__" + PUPIL_GENDER,
        periods=_periods(query, lambda p: p.dates("investigation__closed_on")),
        measures={"extended": None},
        distinct="investigation",
    )
    return data


def _open_kept(query: DashboardQuery) -> dict | None:
    """The open utredningar in time and overdue today, added up from the counts
    by the day they are due; None when only the utredningar can answer."""
    counts = tallies.kept(query, INVESTIGATION_TALLY, OPEN)
    if counts is None:
        return None
    data = tallies.split_at(counts, [query.today], ["overdue", "in_time"], measures={"n": None})
    return {
        "in_time": data["in_time_n"],
        "overdue": data["overdue_n"],
        "open": data["in_time_n"] + data["overdue_n"],
    }


def investigations_open(query: DashboardQuery) -> Table:
    data = _open_kept(query)
    if data is None:
        qs = query.restrict(
            Investigation.objects.filter(closed_on__isnull=True),
            INVESTIGATION_SCOPE,
            **INVESTIGATION_FILTERS,
        )
        data = count_split(
            qs,
            gender=PUPIL_GENDER,
            measures={
                "open": None,
                "in_time": Q(due_on__gte=query.today),
                "overdue": Q(due_on__lt=query.today),
            },
        )
    return Table(
        "investigations_open",
        [
            Row("in_time", _("Within their end date"), data["in_time"]),
            Row("overdue", _("Past their end date"), data["overdue"]),
            Row("open", _("Open utredningar today"), data["open"]),
        ],
        sums=[("open", ("in_time", "overdue"))],
        row_heading=_("Utredning"),
        has_previous=False,
        note=_("Today, whatever the period."),
    )


# --- suspensions ------------------------------------------------------------------------------


def suspensions(query: DashboardQuery) -> Table:
    periods = _periods(query, lambda p: p.dates("starts_on"))
    qs = query.restrict(
        Suspension.objects.filter(query.span.dates("starts_on")),
        SUSPENSION_SCOPE,
        **SUSPENSION_FILTERS,
    )
    notified = Q(notice_unit__isnull=False)
    data = count_split(
        qs,
        gender=GENDER,
        periods=periods,
        measures={
            "all": None,
            "grundskola": Q(school_form=Unit.SchoolForm.GRUNDSKOLA),
            "gymnasieskola": ~Q(school_form=Unit.SchoolForm.GRUNDSKOLA),
            "notified": notified,
            "not_notified": ~notified,
        },
    )
    return Table(
        "suspensions",
        [
            _row(data, "grundskola", "grundskola", _("In grundskola")),
            _row(data, "gymnasieskola", "gymnasieskola", _("In gymnasieskola")),
            _row(data, "notified", "notified", _("Notice sent to the social services")),
            _row(data, "not_notified", "not_notified", _("No notice (the pupil was 18 or older)")),
            _row(data, "all", "all", _("Suspensions")),
        ],
        sums=[("all", ("grundskola", "gymnasieskola")), ("all", ("notified", "not_notified"))],
        row_heading=_("Suspension"),
        note=_("Suspensions starting in the period, at schools in your area."),
    )


PANELS = [
    Panel(
        "concerns_by_month",
        _("Concerns received, month by month"),
        RECEIVED,
        10,
        concerns_by_month,
        filters=ALL_FILTERS,
        chart="trend",
    ),
    Panel(
        "concerns_by_school",
        _("Concerns received, by reporting school"),
        RECEIVED,
        20,
        concerns_by_school,
        description=_("Schools with fewer than five reports in both periods are counted together."),
        filters=ALL_FILTERS,
    ),
    Panel(
        "concerns_by_category",
        _("Concerns received, by category"),
        RECEIVED,
        30,
        concerns_by_category,
        filters=frozenset({"district", "school"}),
    ),
    Panel(
        "concerns_by_district",
        _("Concerns received, by the pupil's district"),
        RECEIVED,
        40,
        concerns_by_district,
        filters=ALL_FILTERS,
    ),
    Panel(
        "protection_on_time",
        _("Skyddsbedömning on time"),
        DEADLINES,
        50,
        protection_on_time,
        filters=ALL_FILTERS,
        chart="shares",
    ),
    Panel(
        "preliminary_within_14_days",
        _("Förhandsbedömning within 14 days"),
        DEADLINES,
        60,
        preliminary_within_14_days,
        filters=ALL_FILTERS,
        chart="shares",
    ),
    Panel(
        "decisions",
        _("Förhandsbedömningar: decisions"),
        DECISIONS,
        70,
        decisions,
        filters=ALL_FILTERS,
        chart="shares",
    ),
    Panel(
        "notification_meetings",
        _("Anmälningsmöten"),
        DECISIONS,
        80,
        notification_meetings,
        filters=ALL_FILTERS,
    ),
    Panel(
        "investigations_finished",
        _("Utredningar finished within 4 months"),
        INVESTIGATIONS,
        90,
        investigations_finished,
        filters=ALL_FILTERS,
        chart="shares",
    ),
    Panel(
        "investigations_open",
        _("Open utredningar today"),
        INVESTIGATIONS,
        95,
        investigations_open,
        filters=ALL_FILTERS,
        period=False,
    ),
    Panel(
        "suspensions",
        _("Suspensions and notices to the social services"),
        SCHOOL,
        100,
        suspensions,
        filters=frozenset({"district", "school"}),
    ),
]

for _panel in PANELS:
    register_panel(_panel)
