"""Manager dashboards: aggregates only, split by gender, small cells suppressed.

The kernel knows periods, filters, the gender split, suppression and the shape of
a table. Each domain app registers panels in its ``AppConfig.ready()``: a panel
is a title, a visibility rule and a selector that returns a :class:`Table` of
counts for a :class:`DashboardQuery` (who asks, which period, which filters).
``portal`` imports none of the domain apps.

Privacy (DOMAIN "Visibility"): no panel ever returns a row per pupil or per case,
only counts, and :func:`render` decides what of a table may be shown:

* Primary suppression: a count of 1 to ``DASHBOARD_SUPPRESSION_THRESHOLD - 1``
  is shown as "<5". Zero is shown: it describes no one, and hiding it would hide
  the girls/boys split in nearly every row (the other-or-unknown column is
  almost always small).
* Secondary suppression: every table declares its additive lines (a row's
  girls + boys + other = total; a group of rows adds up to a total row, per
  column). We work out every cell a reader could compute exactly from the shown
  ones: first by subtraction along a line, also in chains across lines; then by
  any sum or difference of lines (exact elimination, which also finds a cell
  joining two otherwise hidden rectangles). While a suppressed cell can be
  computed, a further shown cell on a line that gives it away is hidden (shown
  as ".."): the smallest, a row's own cells before totals, non-zero before zero,
  and never a row marked ``fixed`` (a total shown the same in several tables)
  unless nothing else will do. Finally a hidden cell that the shown ones fix
  anyway is shown again: it protected nothing.
* A complement that a table does not show but that a reader could compute (the
  concerns *not* extended, when "extended" and the total are shown) is declared
  as a hidden row, so that the same rule protects it.
* Shares and medians are derived after suppression: an exact share only when
  its numerator and denominator are both shown; otherwise the bound the shown
  cells already imply (e.g. "≥ 98 %" when fewer than five missed a deadline), or
  "..". A median is shown only for a group of at least the threshold.

What this does not do: it protects each table on its own. A reader who combines
different tables, periods or filters may narrow a suppressed cell to a range,
never to the record of a pupil: no dashboard view or export lists records.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import operator
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial, reduce
from typing import Any

from django import forms
from django.db.models import Case, Count, DateField, F, Func, IntegerField, Q, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from portal import rules
from portal.access import Scope
from portal.models import District, Unit

# --- the gender split --------------------------------------------------------------------

#: The city's statistics split girls / boys / other or unknown (the seeds; DOMAIN).
GENDERS = ("girl", "boy", "other")
GENDER_LABELS = {"girl": _("Girls"), "boy": _("Boys"), "other": _("Other or unknown")}
COLUMN_LABELS = {**GENDER_LABELS, "total": _("Total"), "previous": _("Previous period")}

#: Shown instead of a suppressed or hidden figure; the legend explains them.
SMALL_MARK = f"<{rules.DASHBOARD_SUPPRESSION_THRESHOLD}"
HIDDEN_MARK = ".."
NOT_APPLICABLE_MARK = "–"


@dataclass(frozen=True)
class Counts:
    """A count split by gender; the total is always the sum of the three."""

    girl: int = 0
    boy: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.girl + self.boy + self.other

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.girl + other.girl, self.boy + other.boy, self.other + other.other)

    def __sub__(self, other: Counts) -> Counts:
        return Counts(self.girl - other.girl, self.boy - other.boy, self.other - other.other)

    def get(self, column: str) -> int:
        return self.total if column == "total" else getattr(self, column)


def add_counts(items: Iterable[Counts]) -> Counts:
    return sum(items, Counts())


def _count(condition: Q | None, distinct: str | None) -> Count:
    # COUNT(1) rather than COUNT(id): a covering index then answers without the table.
    field_ = distinct or Value(1)
    if condition:
        return Count(field_, filter=condition, distinct=bool(distinct))
    return Count(field_, distinct=bool(distinct))


def _period_label(periods: dict[str, Q]) -> Case:
    return Case(*[When(cond, then=Value(name)) for name, cond in periods.items()], default=None)


def count_split(
    queryset,
    *,
    gender: str,
    measures: dict[str, Q | None],
    periods: dict[str, Q | None] | None = None,
    by=None,
    distinct: str | None = None,
) -> dict:
    """One query: for each measure, the number of rows split by gender.

    ``measures`` maps a name to the condition a row meets to be counted (``None``:
    every row). With ``periods`` (disjoint conditions, e.g. this period and the
    previous one), each row is grouped by the period it falls in, and a measure is
    reported as ``"<period>_<measure>"``. With ``by`` (a field path or expression,
    or a tuple of them), the result is keyed by its value (a tuple for a tuple):
    ``{value: {measure: Counts}}``; without, ``{measure: Counts}``. ``distinct``
    counts distinct values of a field instead of rows (when a join repeats rows).
    """
    keys = by_keys(by)
    # Grouped on the stored gender, put in its column here: no expression per row.
    group: dict[str, Any] = {"g_bucket": F(gender)}
    if periods:
        group["g_period"] = _period_label(periods)
    for i, key in enumerate(keys):
        group[f"g_by{i}"] = F(key) if isinstance(key, str) else key
    # Tuples, not dicts: a school panel reads a few thousand groups.
    rows = (
        queryset.annotate(**group)
        .values_list(*group)
        .annotate(**{f"m_{name}": _count(cond, distinct) for name, cond in measures.items()})
        .order_by()
    )
    names = [f"{p}_{m}" for p in periods for m in measures] if periods else list(measures)
    first_by = 2 if periods else 1
    first_measure = first_by + len(keys)
    single = by is not None and not isinstance(by, tuple)
    raw: dict[Any, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        period = row[1] if periods else None
        if periods and period is None:
            continue
        values = row[first_by:first_measure]
        key = values[0] if single else (values if keys else None)
        bucket = row[0] if row[0] in ("girl", "boy") else "other"
        split_of = raw[key]
        for offset, measure in enumerate(measures, start=first_measure):
            split = split_of[f"{period}_{measure}" if periods else measure]
            split[bucket] = split.get(bucket, 0) + (row[offset] or 0)
    return split_counts(raw, names, by)


def by_keys(by) -> tuple:
    """``count_split``'s ``by`` as a tuple of keys (empty for none)."""
    return () if by is None else by if isinstance(by, tuple) else (by,)


def split_counts(raw: dict, names: list[str], by) -> dict:
    """What ``count_split`` gives from ``raw`` (``{by value: {name: {gender: n}}}``,
    None for the value without ``by``): every name's ``Counts`` for each value."""
    result = {
        key: {name: Counts(**split.get(name, {})) for name in names} for key, split in raw.items()
    }
    if by is not None:
        return result
    return result.get(None, {name: Counts() for name in names})


def empty_counts(periods: Iterable[str], measures: Iterable[str]) -> dict[str, Counts]:
    """What ``count_split`` gives for a ``by`` value with no rows."""
    return {f"{p}_{m}": Counts() for p in periods for m in measures}


class Bucket(Func):
    """How many of the ascending ``bounds`` (moments or days) are at most the
    value: 0 before the first, ``len(bounds)`` from the last on. Counting rows
    into months by their moment this way compares instants, where truncating each
    row's moment to its month converts it to local time first (on PostgreSQL
    ``width_bucket``, a binary search over the bounds)."""

    output_field = IntegerField()

    def __init__(self, expression, bounds, **extra):
        self.bounds = list(bounds)
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"width_bucket({sql}, %s)", [*params, self.bounds]

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        field = self.source_expressions[0].output_field
        whens, bounds = [], []
        for i, bound in reversed(list(enumerate(self.bounds, start=1))):
            whens.append(f"WHEN {sql} >= %s THEN {i}")
            bounds += [*params, field.get_db_prep_value(bound, connection)]
        return f"(CASE {' '.join(whens)} ELSE 0 END)", bounds


class DaysBetween(Func):
    """Whole days from the date ``start`` to the date ``end`` (both date expressions)."""

    output_field = IntegerField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


class AddMonths(Func):
    """The same day ``months`` later, or the month's last day when it has no such day
    (like ``portal.calendar.add_months``)."""

    output_field = DateField()

    def __init__(self, day, months: int, **extra):
        self.months = int(months)
        super().__init__(day, **extra)

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template=f"(%(expressions)s + interval '{self.months} months')::date",
        )

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite rolls 31 January + 1 month over into March: cap at the month's end.
        n = self.months
        return super().as_sql(
            compiler,
            connection,
            template=(
                f"MIN(date(%(expressions)s, '+{n} months'), "
                f"date(%(expressions)s, 'start of month', '+{n + 1} months', '-1 day'))"
            ),
        )


def _median(histogram: Counter) -> float | None:
    """The median of whole numbers given as {value: how many}."""
    n = sum(histogram.values())
    if not n:
        return None
    wanted = [(n - 1) // 2, n // 2]
    found, seen = [], 0
    for value in sorted(histogram):
        count = histogram[value]
        while wanted and wanted[0] < seen + count:
            found.append(value)
            wanted.pop(0)
        seen += count
    return (found[0] + found[1]) / 2


def medians_of(histogram: dict[Any, Counts]) -> dict[str, tuple[float | None, int]]:
    """The median of whole numbers given as ``{value: Counts}``, and the group's size,
    per gender column and for all: ``{column: (median, n)}``."""
    result = {}
    for column in (*GENDERS, "total"):
        counter = Counter(
            {v: counts.get(column) for v, counts in histogram.items() if v is not None}
        )
        result[column] = (_median(counter), sum(counter.values()))
    return result


# --- periods --------------------------------------------------------------------------------

PRESETS = [
    ("30d", _("Last 30 days")),
    ("month", _("This month")),
    ("half", _("This half-year")),
    ("year", _("This year")),
    ("custom", _("Chosen dates")),
]
DEFAULT_PRESET = "30d"
#: The periods with a name (beat keeps each one's figures, portal.dashboard_figures).
NAMED_PRESETS = [key for key, _label in PRESETS if key != "custom"]
#: A chosen period may not be longer than this: every query stays bounded.
MAX_PERIOD_DAYS = 3 * 366
#: The trend charts show this many months, ending with the period's last month.
TREND_MONTHS = 12


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class Period:
    """Whole days ``start`` to ``end``, both included, in Stockholm time."""

    start: datetime.date
    end: datetime.date
    preset: str = "custom"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        end = self.start - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=self.days - 1), end, "previous")

    @property
    def start_at(self) -> datetime.datetime:
        return day_start(self.start)

    @property
    def end_at(self) -> datetime.datetime:
        """The first moment after the period."""
        return day_start(self.end + datetime.timedelta(days=1))

    def moments(self, path: str) -> Q:
        """Rows whose date-time field ``path`` falls in the period (index-friendly)."""
        return Q(**{f"{path}__gte": self.start_at, f"{path}__lt": self.end_at})

    def dates(self, path: str) -> Q:
        """Rows whose date field ``path`` falls in the period."""
        return Q(**{f"{path}__gte": self.start, f"{path}__lte": self.end})

    def until(self, last: datetime.date) -> Period | None:
        """The part of the period up to ``last`` (None when nothing is left)."""
        end = min(self.end, last)
        return Period(self.start, end, self.preset) if end >= self.start else None

    def months(self, count: int = TREND_MONTHS) -> list[datetime.date]:
        """The first days of the ``count`` months ending with the period's last month."""
        year, month = self.end.year, self.end.month
        firsts = []
        for _i in range(count):
            firsts.append(datetime.date(year, month, 1))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return firsts[::-1]

    def __str__(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def preset_period(preset: str, today: datetime.date) -> Period:
    """A named period up to and including today."""
    if preset == "month":
        start = today.replace(day=1)
    elif preset == "half":
        start = datetime.date(today.year, 1 if today.month <= 6 else 7, 1)
    elif preset == "year":
        start = datetime.date(today.year, 1, 1)
    else:
        preset, start = "30d", today - datetime.timedelta(days=29)
    return Period(start, today, preset)


# --- filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a manager narrowed the dashboard to. Each panel says which apply."""

    district: int | None = None
    school: int | None = None
    category: str | None = None

    def described(self, districts: dict, schools: dict) -> list[tuple[Any, str]]:
        items = []
        if self.district:
            items.append((_("District"), districts.get(self.district, "")))
        if self.school:
            items.append((_("School"), schools.get(self.school, "")))
        if self.category:
            items.append((_("Category"), dict(rules.CONCERN_CATEGORIES).get(self.category, "")))
        return items


FILTER_NAMES = ("district", "school", "category")


@dataclass(frozen=True)
class ScopeRule:
    """How a model's rows fall within a manager's scope: paths to a district id and
    to unit ids. City managers see every row; district managers the rows whose
    district path is one of theirs; unit managers the rows whose unit paths name
    one of their units.

    ``district_units`` are paths to a unit whose district decides the scope, like
    ``districts`` but compared with the ids of the units in the manager's districts:
    the same rows, found through the row's own indexed unit column instead of a join
    to the units (which keeps an index on that column usable on a large table)."""

    districts: tuple[str, ...]
    units: tuple[str, ...]
    district_units: tuple[str, ...] = ()

    def via(self, prefix: str) -> ScopeRule:
        """The same rule reached through a relation, e.g. ``via("concern__")``."""
        return ScopeRule(
            tuple(prefix + p for p in self.districts),
            tuple(prefix + p for p in self.units),
            tuple(prefix + p for p in self.district_units),
        )

    def q(
        self, scope: Scope, units_in_districts: Callable[[], Iterable[int]] | None = None
    ) -> Q | None:
        """``units_in_districts`` gives the ids of the units in the manager's
        districts (a list, or a subquery of them); needed only for ``district_units``."""
        if scope.manager_city:
            return Q()
        parts = []
        if scope.manager_district_ids:
            ids = sorted(scope.manager_district_ids)
            parts += [Q(**{f"{path}__in": ids}) for path in self.districts]
            if self.district_units:
                if units_in_districts is None:
                    units_in_districts = partial(_units_in_districts, ids)
                unit_ids = units_in_districts()
                parts += [Q(**{f"{path}__in": unit_ids}) for path in self.district_units]
        if scope.manager_unit_ids:
            ids = sorted(scope.manager_unit_ids)
            parts += [Q(**{f"{path}__in": ids}) for path in self.units]
        return reduce(operator.or_, parts) if parts else None


def _units_in_districts(district_ids: Iterable[int]) -> list[int]:
    """The ids of every unit located in one of the districts."""
    return sorted(Unit.objects.filter(district_id__in=district_ids).values_list("pk", flat=True))


#: How a panel applies a filter: the field path compared with the chosen value, or a
#: function from the value to the condition.
FilterPath = str | Callable[[Any], Q]


@dataclass
class DashboardQuery:
    """Who asks, for which period and filters: what every selector receives."""

    scope: Scope
    period: Period
    filters: Filters = field(default_factory=Filters)
    today: datetime.date = field(default_factory=timezone.localdate)
    threshold: int = rules.DASHBOARD_SUPPRESSION_THRESHOLD
    #: Districts the manager's scope covers: {id: name}, filled by the view.
    districts: dict[int, str] = field(default_factory=dict)
    #: Results that several panels share within one request (one scan, not two).
    memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def remember(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    @property
    def previous(self) -> Period:
        return self.period.previous()

    @property
    def windows(self) -> dict[str, Period]:
        """The current and the previous period, by the names the tables give them."""
        return {"cur": self.period, "prev": self.previous}

    def _units_in_districts(self) -> list[int]:
        """The units in the manager's districts, looked up once per request."""
        return self.remember(
            "portal.units_in_districts",
            lambda: _units_in_districts(self.scope.manager_district_ids),
        )

    @property
    def span(self) -> Period:
        """The previous and the current period together."""
        return Period(self.previous.start, self.period.end)

    def unfiltered(self, name: str) -> DashboardQuery:
        """The same question without the filter ``name``, for a panel that ignores
        it (sharing what this request has looked up)."""
        return dataclasses.replace(self, filters=dataclasses.replace(self.filters, **{name: None}))

    def restrict(
        self,
        queryset,
        rule: ScopeRule,
        *,
        district: FilterPath | None = None,
        school: FilterPath | None = None,
        category: FilterPath | None = None,
    ):
        """``queryset`` narrowed to the manager's scope and to the filters that apply,
        each given as the path the filter compares with, or as a function from the
        chosen value to the condition."""
        where = rule.q(self.scope, self._units_in_districts)
        if where is None:
            return queryset.none()
        queryset = queryset.filter(where)
        for path, value in (
            (district, self.filters.district),
            (school, self.filters.school),
            (category, self.filters.category),
        ):
            if path and value:
                queryset = queryset.filter(path(value) if callable(path) else Q(**{path: value}))
        return queryset


class DashboardFilterForm(forms.Form):
    """The period and the filters, from the query string."""

    period = forms.ChoiceField(label=_("Period"), choices=PRESETS, required=False)
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("From and To apply when the period is “Chosen dates”."),
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    district = forms.TypedChoiceField(
        label=_("District"), coerce=int, required=False, empty_value=None
    )
    school = forms.TypedChoiceField(label=_("School"), coerce=int, required=False, empty_value=None)
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, data, *, districts: dict[int, str], schools: dict[int, str], **kwargs):
        super().__init__(data, **kwargs)
        everything = [("", _("All"))]
        self.fields["district"].choices = everything + list(districts.items())
        self.fields["school"].choices = everything + list(schools.items())
        self.fields["category"].choices = everything + list(rules.CONCERN_CATEGORIES)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") == "custom" or (
            not cleaned.get("period") and (cleaned.get("start") or cleaned.get("end"))
        ):
            start, end = cleaned.get("start"), cleaned.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Give both dates of the period."))
            if start > end:
                raise forms.ValidationError(_("The period must start before it ends."))
            if (end - start).days + 1 > MAX_PERIOD_DAYS:
                raise forms.ValidationError(
                    _("Choose a period of at most %(days)s days.") % {"days": MAX_PERIOD_DAYS}
                )
        return cleaned

    def period_and_filters(self, today: datetime.date) -> tuple[Period, Filters]:
        """What was asked for; the defaults for anything invalid."""
        data = self.cleaned_data if self.is_valid() else {}
        dates = data.get("start") and data.get("end")
        preset = data.get("period") or ("custom" if dates else DEFAULT_PRESET)
        if preset == "custom" and data.get("start") and data.get("end"):
            period = Period(data["start"], data["end"], "custom")
        else:
            period = preset_period(preset, today)
        filters = Filters(
            district=data.get("district") or None,
            school=data.get("school") or None,
            category=data.get("category") or None,
        )
        return period, filters


def districts_in_scope(scope: Scope) -> dict[int, str]:
    """The districts a manager's scope covers: {id: name}."""
    districts = District.objects.all()
    if not scope.manager_city:
        districts = districts.filter(
            Q(pk__in=scope.manager_district_ids) | Q(units__pk__in=scope.manager_unit_ids)
        ).distinct()
    return dict(districts.values_list("pk", "name"))


def schools_in_scope(scope: Scope) -> dict[int, str]:
    """Schools located in the manager's districts, or the schools they manage."""
    schools = Unit.objects.filter(kind__in=Unit.SCHOOL_KINDS)
    if not scope.manager_city:
        schools = schools.filter(
            Q(district_id__in=scope.manager_district_ids) | Q(pk__in=scope.manager_unit_ids)
        )
    return dict(schools.order_by("name").values_list("pk", "name"))


def query_for(
    scope: Scope, data=None, today: datetime.date | None = None
) -> tuple[DashboardQuery, DashboardFilterForm, list[tuple[Any, str]]]:
    """The question a manager asks with ``data`` (the query string; None: the
    default view): the query, its form and the filters described."""
    districts, schools = districts_in_scope(scope), schools_in_scope(scope)
    form = DashboardFilterForm(
        data, districts=districts, schools=schools, initial={"period": DEFAULT_PRESET}
    )
    today = today or timezone.localdate()
    period, filters = form.period_and_filters(today)
    query = DashboardQuery(
        scope=scope, period=period, filters=filters, today=today, districts=districts
    )
    return query, form, filters.described(districts, schools)


# --- tables --------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of a table.

    A count row carries ``current`` (split by gender) and ``previous`` (the
    previous period's total; ``None`` when a comparison makes no sense, e.g. for
    "open now"). A share row names the rows it is derived from; a median row
    carries its values and group sizes per column.
    """

    key: str
    label: Any
    current: Counts | None = None
    previous: int | None = None
    level: int = 0
    kind: str = "count"
    #: A total that other tables show too: never hidden to protect another cell,
    #: so it reads the same everywhere.
    fixed: bool = False
    #: False for a complement that is not shown but must be protected.
    display: bool = True
    #: For a share: the numerator, its complement and the denominator row keys.
    share: tuple[str, str, str] | None = None
    #: For a median: {column: (value or None, group size)}.
    median: dict[str, tuple[float | None, int]] | None = None


@dataclass
class Table:
    key: str
    rows: list[Row]
    #: (total row, member rows): the members add up to the total, per column.
    sums: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    row_heading: Any = ""
    has_previous: bool = True
    note: Any = ""

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)


CellKey = tuple[str, str]


@dataclass(frozen=True)
class Line:
    """An additive relation a reader can use: the members add up to the total."""

    total: CellKey
    members: tuple[CellKey, ...]

    @property
    def cells(self) -> tuple[CellKey, ...]:
        return (*self.members, self.total)


def _lines_of(lines: list[Line]) -> dict[CellKey, list[int]]:
    index: dict[CellKey, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        for cell in line.cells:
            index[cell].append(i)
    return index


def _recoverable(lines: list[Line], unknown: set[CellKey]) -> dict[CellKey, int]:
    """Which unknown cells a reader can work out by subtraction, also in chains,
    each with the index of the line that gives it away."""
    missing = [{c for c in line.cells if c in unknown} for line in lines]
    lines_of = _lines_of(lines)
    queue = deque(i for i, m in enumerate(missing) if len(m) == 1)
    via: dict[CellKey, int] = {}
    while queue:
        i = queue.popleft()
        if len(missing[i]) != 1:
            continue
        (cell,) = missing[i]
        via[cell] = i
        for j in lines_of[cell]:
            missing[j].discard(cell)
            if len(missing[j]) == 1:
                queue.append(j)
    return via


#: A large prime: the exact check below works modulo it, which for these small
#: integer systems gives the rank over the rationals.
_PRIME = (1 << 61) - 1


def determined(lines: list[Line], unknown: set[CellKey]) -> set[CellKey]:
    """The unknown cells fixed by the lines and the shown cells: those a reader can
    compute exactly by *any* combination of additions and subtractions, not only
    in chains (e.g. a cell joining two otherwise hidden rectangles).

    Sparse Gauss-Jordan elimination on the lines' coefficients over the unknown
    cells: a cell is determined when a row of the reduced form is that cell alone.
    """
    pivots: dict[CellKey, dict[CellKey, int]] = {}
    holding: dict[CellKey, set[CellKey]] = defaultdict(set)  # column -> pivots using it
    equations = []
    for line in lines:
        row: dict[CellKey, int] = defaultdict(int)
        for cell in line.members:
            if cell in unknown:
                row[cell] += 1
        if line.total in unknown:
            row[line.total] -= 1
        row = {c: v % _PRIME for c, v in row.items() if v % _PRIME}
        if row:
            equations.append(row)
    for row in sorted(equations, key=len):
        for column in [c for c in row if c in pivots]:
            factor = row.get(column, 0)
            if factor:
                for c, v in pivots[column].items():
                    row[c] = (row.get(c, 0) - factor * v) % _PRIME
                    if not row[c]:
                        del row[c]
        if not row:
            continue
        column = min(row)
        inverse = pow(row[column], _PRIME - 2, _PRIME)
        row = {c: v * inverse % _PRIME for c, v in row.items()}
        for other in list(holding[column]):
            pivot_row = pivots[other]
            factor = pivot_row[column]
            for c, v in row.items():
                new = (pivot_row.get(c, 0) - factor * v) % _PRIME
                if new:
                    pivot_row[c] = new
                    holding[c].add(other)
                else:
                    pivot_row.pop(c, None)
                    holding[c].discard(other)
        pivots[column] = row
        for c in row:
            holding[c].add(column)
    return {column for column, row in pivots.items() if len(row) == 1}


def _best(cells, values, fixed, total=None) -> CellKey:
    # A row's own cells before totals; a zero hidden beside a small cell would
    # narrow it the most, so other cells first; then the smallest.
    return min(cells, key=lambda c: (c in fixed, c == total, values[c] == 0, values[c], c))


def _complement_via(
    leaked: CellKey,
    via: dict[CellKey, int],
    lines: list[Line],
    unknown: set[CellKey],
    values: dict[CellKey, int],
    fixed: set[CellKey],
) -> tuple[int, CellKey] | None:
    """The shown cell to hide so that ``leaked`` can no longer be worked out by
    subtraction: the smallest on the line that gives it away, or on the lines that
    gave away that line's other members; a fixed total only when nothing else will do."""
    queue, seen = deque([via[leaked]]), set()
    fallback = None
    while queue:
        i = queue.popleft()
        if i in seen:
            continue
        seen.add(i)
        line = lines[i]
        shown = [c for c in line.cells if c not in unknown]
        if any(c not in fixed for c in shown):
            return i, _best(shown, values, fixed, line.total)
        if shown and fallback is None:
            fallback = i, _best(shown, values, fixed, line.total)
        queue.extend(via[c] for c in line.cells if c != leaked and c in via)
    return fallback


def _complement_near(
    leaked: CellKey,
    lines: list[Line],
    unknown: set[CellKey],
    values: dict[CellKey, int],
    fixed: set[CellKey],
) -> CellKey | None:
    """A shown cell on a line through ``leaked`` (the line with the fewest unknown
    cells first), or further out along lines through hidden cells."""
    lines_of = _lines_of(lines)
    frontier, seen_cells, seen_lines = [leaked], {leaked}, set()
    fallback = None
    while frontier:
        candidates = sorted(
            {i for cell in frontier for i in lines_of[cell]} - seen_lines,
            key=lambda i: (sum(c in unknown for c in lines[i].cells), i),
        )
        seen_lines.update(candidates)
        for i in candidates:
            shown = [c for c in lines[i].cells if c not in unknown]
            if any(c not in fixed for c in shown):
                return _best(shown, values, fixed, lines[i].total)
            if shown and fallback is None:
                fallback = _best(shown, values, fixed, lines[i].total)
        frontier = [
            c for i in candidates for c in lines[i].cells if c in unknown and c not in seen_cells
        ]
        seen_cells.update(frontier)
    return fallback


def secondary_suppression(
    values: dict[CellKey, int],
    lines: list[Line],
    *,
    threshold: int,
    not_shown: set[CellKey] = frozenset(),
    fixed: set[CellKey] = frozenset(),
) -> set[CellKey]:
    """The shown cells to hide so that no small cell (1 to threshold - 1, shown or
    not) can be computed exactly from what is shown along ``lines``."""
    small = {c for c, v in values.items() if 0 < v < threshold}
    fixed = set(fixed)
    hidden: set[CellKey] = set()
    while True:
        unknown = small | set(not_shown) | hidden
        via = _recoverable(lines, unknown)
        leaked = sorted(c for c in via if c in small)
        if leaked:
            # Fast path: break every chain found, at most one new cell per line.
            broken: set[int] = set()
            for cell in leaked:
                if via[cell] in broken:
                    continue
                found = _complement_via(cell, via, lines, unknown, values, fixed)
                if found is not None:
                    broken.add(found[0])
                    hidden.add(found[1])
            continue
        known_anyway = determined(lines, unknown)
        leaked = sorted(known_anyway & small)
        if not leaked:
            # A hidden cell the shown ones fix anyway protects nothing: show it. (Showing
            # a value a reader can already compute leaves what they can compute as it was.)
            return hidden - known_anyway
        pick = _complement_near(leaked[0], lines, unknown, values, fixed)
        if pick is None:  # pragma: no cover - a determined cell has a shown neighbour
            return hidden
        hidden.add(pick)


@dataclass(frozen=True)
class Cell:
    """What a reader sees: ``text``, and ``value`` only when it may be shown."""

    text: str
    state: str  # "shown", "small", "hidden" or "na"
    value: int | float | None = None

    @property
    def export_value(self):
        return self.value if self.state == "shown" and self.value is not None else self.text


@dataclass
class RenderedRow:
    key: str
    label: Any
    kind: str
    level: int
    cells: dict[str, Cell]

    def cell(self, column: str) -> Cell:
        return self.cells[column]

    def cell_list(self, columns) -> list[Cell]:
        return [self.cells[c] for c in columns]


@dataclass
class RenderedTable:
    """A table after suppression: the only form a table leaves the kernel in."""

    key: str
    title: Any
    row_heading: Any
    columns: list[str]
    rows: list[RenderedRow]
    note: Any = ""
    #: Rows that are the total of other rows.
    totals: frozenset[str] = frozenset()

    @property
    def column_labels(self) -> list[Any]:
        return [COLUMN_LABELS[c] for c in self.columns]

    def row(self, key: str) -> RenderedRow:
        return next(r for r in self.rows if r.key == key)

    def body(self) -> list[tuple[RenderedRow, list[Cell]]]:
        return [(row, row.cell_list(self.columns)) for row in self.rows]


def _number(value: int | float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return formats.number_format(value, decimal_pos=1)
    value = int(value)
    if -1000 < value < 1000:
        return str(value)  # no thousands to separate: what number_format would write
    return formats.number_format(value, force_grouping=True)


def _percent(value: float) -> str:
    return f"{_number(value)}\u00a0%"


def _lines(table: Table, columns: list[str], values: dict[CellKey, int]) -> list[Line]:
    lines = []
    for row in table.rows:
        if row.kind == "count":
            lines.append(Line((row.key, "total"), tuple((row.key, g) for g in GENDERS)))
    for total, members in table.sums:
        for column in columns:
            cells = [(m, column) for m in members]
            if (total, column) in values and all(c in values for c in cells):
                lines.append(Line((total, column), tuple(cells)))
    return lines


def _share_cell(
    column: str, share: tuple[str, str, str], states: dict, values: dict, threshold: int
) -> Cell:
    met, missed, whole = ((key, column) for key in share)
    if whole not in values:
        return Cell(NOT_APPLICABLE_MARK, "na")
    if states.get(whole) != "shown":
        return Cell(HIDDEN_MARK, "hidden")
    denominator = values[whole]
    if denominator == 0:
        return Cell(NOT_APPLICABLE_MARK, "na")
    if states.get(met) == "shown" and states.get(missed) == "shown":
        percent = (200 * values[met] + denominator) // (2 * denominator)  # half up
        return Cell(_percent(percent), "shown", values[met] / denominator)
    # Only what the shown cells already tell: a count below the threshold.
    if states.get(met) == "small" and states.get(missed) != "small":
        bound = math.ceil(100 * (threshold - 1) / denominator)
        return Cell(f"≤ {_percent(bound)}", "hidden")
    if states.get(missed) == "small" and states.get(met) != "small":
        bound = math.floor(100 * (denominator - threshold + 1) / denominator)
        return Cell(f"≥ {_percent(bound)}", "hidden")
    return Cell(HIDDEN_MARK, "hidden")


def render(table: Table, title: Any = "", *, threshold: int | None = None) -> RenderedTable:
    """Apply primary and secondary suppression and derive shares and medians."""
    threshold = threshold or rules.DASHBOARD_SUPPRESSION_THRESHOLD
    columns = [*GENDERS, "total"] + (["previous"] if table.has_previous else [])
    values: dict[CellKey, int] = {}
    not_shown, fixed = set(), set()
    for row in table.rows:
        if row.kind != "count":
            continue
        counts = row.current or Counts()
        for column in (*GENDERS, "total"):
            values[(row.key, column)] = counts.get(column)
        if table.has_previous and row.previous is not None:
            values[(row.key, "previous")] = row.previous
        cells = {(row.key, c) for c in (*GENDERS, "total", "previous") if (row.key, c) in values}
        if not row.display:
            not_shown |= cells
        if row.fixed:
            fixed |= cells
    lines = _lines(table, columns, values)
    hidden = secondary_suppression(
        values, lines, threshold=threshold, not_shown=not_shown, fixed=fixed
    )
    states = {}
    for cell, value in values.items():
        if 0 < value < threshold:
            states[cell] = "small"
        elif cell in hidden:
            states[cell] = "hidden"
        else:
            states[cell] = "shown"
    rendered = []
    for row in table.rows:
        if not row.display:
            continue
        cells = {}
        for column in columns:
            if row.kind == "share":
                cells[column] = _share_cell(column, row.share, states, values, threshold)
            elif row.kind == "median":
                value, size = (row.median or {}).get(column, (None, 0))
                if column not in (row.median or {}):
                    cells[column] = Cell(NOT_APPLICABLE_MARK, "na")
                elif size < threshold or value is None:
                    cells[column] = Cell(HIDDEN_MARK, "hidden")
                else:
                    cells[column] = Cell(_number(float(value)), "shown", float(value))
            else:
                key = (row.key, column)
                state = states.get(key, "na")
                text = {
                    "small": SMALL_MARK,
                    "hidden": HIDDEN_MARK,
                    "na": NOT_APPLICABLE_MARK,
                }.get(state) or _number(values[key])
                cells[column] = Cell(text, state, values[key] if state == "shown" else None)
        rendered.append(RenderedRow(row.key, row.label, row.kind, row.level, cells))
    totals = frozenset(total for total, _members in table.sums)
    return RenderedTable(table.key, title, table.row_heading, columns, rendered, table.note, totals)


# --- panels ----------------------------------------------------------------------------------


def managers_only(scope: Scope) -> bool:
    return scope.is_manager


@dataclass(frozen=True)
class Panel:
    """One table (and its chart) on the dashboard, contributed by an app.

    ``selector`` receives a :class:`DashboardQuery` and returns a :class:`Table` of
    counts, never rows about pupils. ``chart`` is "trend" (a line per month),
    "bars" (each row's total, this and the previous period), "shares" (the first
    share row per column) or "" for none. ``filters`` are the filters the panel
    applies; ``period`` is False for a panel that counts today's state whatever
    the period (its figures are the same for every period).
    """

    key: str
    title: Any
    section: Any
    order: int
    selector: Callable[[DashboardQuery], Table]
    description: Any = ""
    filters: frozenset[str] = frozenset()
    chart: str = "bars"
    visible: Callable[[Scope], bool] = managers_only
    period: bool = True


_panels: dict[str, Panel] = {}


def register_panel(panel: Panel) -> Panel:
    _panels[panel.key] = panel
    return panel


def panels_for(scope: Scope) -> list[Panel]:
    return [p for p in sorted(_panels.values(), key=lambda p: p.order) if p.visible(scope)]


def panel_for(scope: Scope, key: str) -> Panel | None:
    panel = _panels.get(key)
    return panel if panel is not None and panel.visible(scope) else None


def build(panel: Panel, query: DashboardQuery) -> RenderedTable:
    """Run a panel's selector and suppress: what the page and the exports show."""
    return render(panel.selector(query), panel.title, threshold=query.threshold)
