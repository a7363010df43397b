"""Counts kept by day, part of a month and month for the managers' dashboard
(``DayTally``), recounted from their rows whenever a row changes.

A year of the city is some 150,000 utredningar closed and 60,000 consents
recorded; counting them for a manager's chosen period reads each one. An app
registers a :class:`Source` (``keep``): a model, the unit and gender it is
counted by, and its measures, each a kind of count dated by one of the row's
fields. The tally holds, per kind, day, unit, gender and detail, how many rows
there are; "part" rows hold the same for the part of a month beginning on
``day`` (days 1-7, 8-14, 15-21 and 22 to the month's end), "month" rows for
the whole month. A period is then its whole months, the whole parts before and
after them and at most nine days at either end (``added_up``): a few hundred
rows instead of a year's, and a 30-day period's parts instead of its days.

The same counts are kept added up over every unit (``CityDayTally``, the
same key without the unit): the whole city's managers read those, a sixth of
the rows (``narrowed``). A recount adds the difference it made to the units'
counts to the city's in the same transaction (``add_to``, an upsert: two
units' recounts may add to one city count side by side).

A source with a ``categories`` field (one bit per category, as in
``referrals.models.CATEGORY_BITS``) is counted again for each category a row
names, so that a category filter adds up counts too.

Kept by recounting, not by adding differences: when a row is saved or deleted,
or a row of a model it ``depends`` on changes, every day the row was or is
counted on is counted again from the rows themselves, its part of a month added
up again from its days and its month from its parts, in the transaction of the
change. A day's count is thereby right whatever wrote to the rows before, and
nothing is subtracted twice. Two transactions recounting the same unit's month
take turns (an advisory lock on PostgreSQL, taken before the count is read).
``bulk_create`` and queryset ``update()`` send no signal: such a write recounts
through ``recounting``, a source whose rows are always written so (the reports'
dashboard rows) calls ``recount_rows`` itself, the city-scale generator writes
the counts after loading, and ``manage.py derived_rows`` checks them
(``drift``) and writes them again (``rebuild``).

Counted so: utredningar (``referrals.dashboards``), decisions on an
anmälningsmöte (``referrals.facts``), consents (``consent.dashboards``) and SIPs
(``cases.dashboards``).
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import operator
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, connections, models, router, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from portal.dashboards import (
    DashboardQuery,
    Period,
    ScopeRule,
    by_keys,
    empty_counts,
    split_counts,
)
from portal.models import CityDayTally, DayTally

DAY, PART, MONTH = "day", "part", "month"
#: From the longest: a period is added up from whole months, then whole parts.
SPANS = (MONTH, PART, DAY)
#: The days of the month on which its parts begin; the last runs to the month's end.
PART_STARTS = (1, 8, 15, 22)
#: A count's key: span, kind, day, unit, gender, detail, category.
Key = tuple[str, str, datetime.date, int, str, str, str]
KEY_FIELDS = ["span", "kind", "day", "unit_id", "gender", "detail", "category"]
#: A count of the whole city's key: the same without the unit.
CITY_FIELDS = ["span", "kind", "day", "gender", "detail", "category"]
#: Counts changed per statement (eight parameters each, well within SQLite's limit).
BATCH = 1_000


def _next_day(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=1)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=31)).replace(day=1)


def _next_part(day: datetime.date) -> datetime.date:
    later = [start for start in PART_STARTS if start > day.day]
    return day.replace(day=later[0]) if later else _next_month(day)


#: The first day of the next count of each span, from one count's first day.
_STEP = {DAY: _next_day, PART: _next_part, MONTH: _next_month}


def _inside(span: str, first: datetime.date) -> Q:
    """The rows dated within the count of ``span`` that begins on ``first``."""
    return Q(day__gte=first, day__lt=_STEP[span](first))


def first_of(span: str, day: datetime.date) -> datetime.date:
    """The first day of the count of ``span`` that ``day`` is counted in."""
    if span == MONTH:
        return day.replace(day=1)
    if span == PART:
        return day.replace(day=max(start for start in PART_STARTS if start <= day.day))
    return day


def spans_of(day: datetime.date) -> list[tuple[str, datetime.date]]:
    """Each span's count that a row counted on ``day`` adds to, by its first day."""
    return [(span, first_of(span, day)) for span in SPANS]


@dataclass(frozen=True)
class Measure:
    """One kind of count: the rows whose ``date`` (a date, or a date-time counted
    on its Stockholm day) is set, on that day. ``details`` are expressions (made
    when counted) whose values, joined by ":", make a count's ``detail``; a
    true or false value is written 1 or 0. With ``until``, only rows whose
    ``until`` is empty count: a count of what is open, by when it is due."""

    kind: str
    date: str
    details: tuple[tuple[str, Callable[[], models.Expression]], ...] = ()
    #: A field that ends a row's count once set (``closed_on``: open rows only).
    until: str | None = None


@dataclass(frozen=True)
class Depends:
    """Rows of ``model`` whose change changes what a source's rows count: on a
    save or delete, the rows ``rows(instance)`` selects are counted again; with
    ``fields``, only when one of them changed."""

    model: type[models.Model]
    rows: Callable[[models.Model], Q]
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """What an app counts: rows of ``model`` by ``unit`` and ``gender``, once per
    measure."""

    model: type[models.Model]
    #: The attribute holding the unit the rows are counted by, e.g. "unit_id".
    unit: str
    gender: str
    measures: tuple[Measure, ...]
    #: A field with one bit per category: counted again for each category it names.
    categories: str | None = None
    depends: tuple[Depends, ...] = ()
    #: Each category's code and its bit in ``categories``.
    codes: dict[str, int] = field(default_factory=dict)

    @property
    def kinds(self) -> list[str]:
        return [m.kind for m in self.measures]


_sources: list[Source] = []


# --- counting -------------------------------------------------------------------------


def _is_moment(source: Source, measure: Measure) -> bool:
    return isinstance(source.model._meta.get_field(measure.date), models.DateTimeField)


def _day_of(source: Source, measure: Measure):
    if _is_moment(source, measure):
        return TruncDate(measure.date, tzinfo=timezone.get_current_timezone())
    return models.F(measure.date)


def _text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


def _counted(source: Source, measure: Measure, rows: models.QuerySet) -> Counter:
    """The day counts of ``measure`` over ``rows``."""
    details = {name: make() for name, make in measure.details}
    fields = ["tally_day", source.unit, source.gender, *details]
    if source.categories:
        fields.append(source.categories)
    if measure.until:
        rows = rows.filter(**{f"{measure.until}__isnull": True})
    grouped = (
        rows.filter(**{f"{measure.date}__isnull": False, f"{source.unit}__isnull": False})
        .annotate(tally_day=_day_of(source, measure), **details)
        .values_list(*fields)
        .annotate(tally_n=Count("pk"))
        .order_by()
    )
    counts: Counter = Counter()
    for day, unit, gender, *rest in grouped:
        n = rest.pop()
        bits = rest.pop() if source.categories else 0
        detail = ":".join(_text(v) for v in rest)
        codes = [""] + [code for code, bit in source.codes.items() if bits & bit]
        for code in codes:
            counts[(DAY, measure.kind, day, unit, gender, detail, code)] += n
    return counts


def with_spans(counts: Counter) -> Counter:
    """The day counts and the counts of parts and months they add up to. Millions
    of counts when the city is generated: each day's parts and months are found
    once, and plain dictionaries are added to."""
    longer: dict = {}
    add = longer.get
    spans_by_day: dict[datetime.date, list[tuple[str, datetime.date]]] = {}
    for (_span, kind, day, *rest), n in counts.items():
        spans = spans_by_day.get(day)
        if spans is None:
            spans = spans_by_day[day] = [(s, f) for s, f in spans_of(day) if s != DAY]
        for span, first in spans:
            key = (span, kind, first, *rest)
            longer[key] = add(key, 0) + n
    # The spans' keys differ, so nothing is added twice.
    every: Counter = Counter()
    dict.update(every, counts)
    dict.update(every, longer)
    return every


def counted(source: Source, rows: models.QuerySet, kinds=None) -> Counter:
    """Every count of ``source`` (of ``kinds``, when given) over ``rows``, by day,
    part of a month and month."""
    counts: Counter = Counter()
    for measure in source.measures:
        if kinds is None or measure.kind in kinds:
            counts.update(_counted(source, measure, rows))
    return with_spans(counts)


def source_counts() -> Counter:
    """What every count should be, from the rows themselves."""
    counts: Counter = Counter()
    for source in _sources:
        counts.update(counted(source, source.model.objects.all()))
    return counts


def filled(
    app_label: str,
    model_name: str,
    source_of: Callable[[], Source],
    kinds: tuple[str, ...] | None = None,
):
    """A migration's operation that writes the counts of a source (of ``kinds``
    only, when given: measures added later) over the rows there are
    (``source_of`` gives the source once the apps are loaded), and deletes them
    when the migration is reversed. Any there are (an earlier migration's fill,
    which runs today's code) are written again."""
    from django.db.migrations import RunPython

    def tables(apps) -> list[tuple[type[models.Model], list[str]]]:
        found = [(apps.get_model("portal", "DayTally"), KEY_FIELDS)]
        with contextlib.suppress(LookupError):  # before the city's counts were kept
            found.append((apps.get_model("portal", "CityDayTally"), CITY_FIELDS))
        return found

    def empty(apps, schema_editor):
        for tally, _fields in tables(apps):
            tally.objects.filter(kind__in=kinds or source_of().kinds).delete()

    def fill(apps, schema_editor):
        empty(apps, schema_editor)
        rows = apps.get_model(app_label, model_name).objects.all()
        counts = counted(source_of(), rows, kinds)
        for tally, fields in tables(apps):
            _write(counts if fields is KEY_FIELDS else citywide(counts), tally, fields)

    return RunPython(fill, empty)


def parts_filled(app_label: str, model_name: str, unit: str):
    """A migration's operation that adds up the "part" counts of a table of counts
    (``unit``: its unit's foreign key) from its day counts, in the database, and
    deletes them when the migration is reversed. Any part counts there are (an
    earlier migration's fill, which runs today's code) are written again."""
    from django.db.migrations import RunPython

    def empty(apps, schema_editor):
        apps.get_model(app_label, model_name).objects.filter(span=PART).delete()

    def fill(apps, schema_editor):
        empty(apps, schema_editor)
        model = apps.get_model(app_label, model_name)
        table, unit_column = model._meta.db_table, model._meta.get_field(unit).column
        vendor = schema_editor.connection.vendor
        day_of_month = (
            "EXTRACT(DAY FROM day)"
            if vendor == "postgresql"
            else "CAST(strftime('%d', day) AS INTEGER)"
        )
        # Days into the month that the day's part begins on: 0, 7, 14 or 21.
        offset = " ".join(
            f"WHEN {day_of_month} < {start} THEN {previous - 1}"
            for previous, start in itertools.pairwise(PART_STARTS)
        )
        offset = f"CASE {offset} ELSE {PART_STARTS[-1] - 1} END"
        if vendor == "postgresql":
            first = f"(date_trunc('month', day)::date + {offset})"
        else:
            first = f"date(day, 'start of month', '+' || ({offset}) || ' days')"
        keys = f"kind, {first}, {unit_column}, gender, detail, category"
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (span, kind, day, {unit_column}, gender, detail, "  # noqa: S608 # nosec B608 - the model's own names
                f"category, n) SELECT '{PART}', {keys}, SUM(n) FROM {table} "
                f"WHERE span = '{DAY}' GROUP BY {keys}"
            )

    return RunPython(fill, empty)


def _kinds() -> list[str]:
    return [kind for source in _sources for kind in source.kinds]


def stored_of(rows: models.QuerySet, fields: list[str]) -> Counter:
    """The counts ``rows`` hold, by their key (``fields``)."""
    rows = rows.values_list(*fields, "n")
    return Counter({tuple(row[:-1]): row[-1] for row in rows.iterator(chunk_size=10_000)})


def stored() -> Counter:
    return stored_of(DayTally.objects.filter(kind__in=_kinds()), KEY_FIELDS)


def citywide(counts: Counter) -> Counter:
    """``counts`` (keyed by span, kind, day, unit, gender, detail and category, as
    both tables of the units' counts are) added up over the units."""
    city: dict = {}
    add = city.get
    for (span, kind, day, _unit, *rest), n in counts.items():
        key = (span, kind, day, *rest)
        city[key] = add(key, 0) + n
    return Counter({key: n for key, n in city.items() if n})


def _differences(have: Counter, want: Counter) -> dict[str, list]:
    return {
        "missing": sorted(key for key in want if key not in have),
        "extra": sorted(key for key in have if key not in want),
        "wrong": sorted(key for key in want if key in have and have[key] != want[key]),
    }


def compared(
    want: Counter, have: Callable[[], Counter], city: Callable[[], Counter]
) -> dict[str, list]:
    """The counts that are ``missing``, ``extra`` or ``wrong`` (empty when all is
    well): the units' as they are (read by ``have``) against what they should be
    (``want``), then the city's (read by ``city``; each key given beginning
    "city") against the units' that should be, added up. Each table is read when
    it is compared and let go after: at city scale the reports' counts alone are
    ten million."""
    found = _differences(have(), want)
    for name, keys in _differences(city(), citywide(want)).items():
        found[name] += [("city", *key) for key in keys]
    return found


def drift() -> dict[str, list[Key]]:
    """Counts that are ``missing``, ``extra`` or ``wrong``; empty when all is well."""
    city = CityDayTally.objects.filter(kind__in=_kinds())
    return compared(source_counts(), stored, lambda: stored_of(city, CITY_FIELDS))


def add_to(model: type[models.Model], fields: list[str], change: Counter) -> None:
    """Add ``change`` (a difference for each key of ``fields``) to the counts of
    ``model``, each key's in place (an upsert): two transactions may add to one
    count side by side. In the order of the keys, so that two writes lock the
    rows they share in one order; counts brought to nought are deleted after."""
    changes = sorted((key, n) for key, n in change.items() if n)
    if not changes:
        return
    db = connections[router.db_for_write(model)]
    table = model._meta.db_table
    keys = ", ".join(model._meta.get_field(name).column for name in fields)
    one = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
    with db.cursor() as cursor:
        for start in range(0, len(changes), BATCH):
            batch = changes[start : start + BATCH]
            cursor.execute(
                f"INSERT INTO {table} ({keys}, n) VALUES {', '.join([one] * len(batch))} "  # noqa: S608 # nosec B608 - names are the model's own
                f"ON CONFLICT ({keys}) DO UPDATE SET n = {table}.n + excluded.n",
                [value for key, n in batch for value in (*key, n)],
            )
    day = fields.index("day")
    model.objects.filter(n=0).filter(day__in={key[day] for key, _n in changes}).delete()


def _write(
    counts: Counter, tally: type[models.Model] = DayTally, fields: list[str] = KEY_FIELDS
) -> None:
    """``counts`` (by the key ``fields``) written to ``tally`` in bulk."""
    tally.objects.bulk_create(
        (tally(**dict(zip(fields, key, strict=True)), n=n) for key, n in counts.items() if n),
        batch_size=5_000,
    )


def write_all(model, fields: list[str], counts: Counter) -> None:
    """``counts`` (by the key ``fields``) written to ``model`` in bulk, and the
    table analysed."""
    _write(counts, model, fields)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {model._meta.db_table}")


@transaction.atomic
def rebuild() -> int:
    """Every count again from the rows, the units' and the city's; returns the
    number of the units' counts."""
    DayTally.objects.filter(kind__in=_kinds()).delete()
    CityDayTally.objects.filter(kind__in=_kinds()).delete()
    counts = source_counts()
    write_all(DayTally, KEY_FIELDS, counts)
    write_all(CityDayTally, CITY_FIELDS, citywide(counts))
    return len(counts)


def city_filled(app_label: str, model_name: str, city_name: str):
    """A migration's operation that writes the counts of the city (the model
    ``city_name``) again from the units' (``model_name``), added up in the
    database, and deletes them when the migration is reversed."""
    from django.db.migrations import RunPython

    def empty(apps, schema_editor):
        apps.get_model(app_label, city_name).objects.all().delete()

    def fill(apps, schema_editor):
        empty(apps, schema_editor)
        table = apps.get_model(app_label, model_name)._meta.db_table
        city = apps.get_model(app_label, city_name)._meta.db_table
        keys = ", ".join(CITY_FIELDS)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {city} ({keys}, n) SELECT {keys}, SUM(n) FROM {table} "  # noqa: S608 # nosec B608 - the models' own names
                f"GROUP BY {keys} HAVING SUM(n) <> 0"
            )

    return RunPython(fill, empty)


# --- keeping ------------------------------------------------------------------------------

#: What a count is recounted by: the measure's kind, the unit and the day.
Bucket = tuple[str, int, datetime.date]


def _buckets(source: Source, rows: Iterable[dict]) -> set[Bucket]:
    found = set()
    for row in rows:
        for measure in source.measures:
            value = row[measure.date]
            if value is None or row[source.unit] is None:
                continue
            if measure.until and row[measure.until] is not None:
                continue
            if isinstance(value, datetime.datetime):
                value = timezone.localtime(value).date()
            found.add((measure.kind, row[source.unit], value))
    return found


def _dated(source: Source, rows: models.QuerySet) -> list[dict]:
    """What the counts read of each row: its unit, gender, categories and dates."""
    fields = [source.unit, source.gender, *sorted(_dates(source))]
    if source.categories:
        fields.append(source.categories)
    return list(rows.values(*fields))


def _lock(kind: str, unit: int, month: datetime.date) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{kind}:{unit}:{month}"])


def recount(source: Source, buckets: set[Bucket]) -> None:
    """Count the days ``buckets`` name again from the rows, then their parts of
    months from the days and their months from the parts."""
    if not buckets:
        return
    measures = {m.kind: m for m in source.measures}
    # What the recount changed, added to the city's counts after.
    change: Counter = Counter()
    with transaction.atomic():
        months = sorted({(kind, unit, first_of(MONTH, day)) for kind, unit, day in buckets})
        # In one order: two transactions wait for each other, never in a circle.
        for month in months:
            _lock(*month)
        for kind, unit, day in sorted(buckets):
            measure = measures[kind]
            on_day = Period(day, day)
            on_day = on_day.moments if _is_moment(source, measure) else on_day.dates
            rows = source.model.objects.filter(on_day(measure.date), **{source.unit: unit})
            day_counts = DayTally.objects.filter(span=DAY, kind=kind, unit_id=unit, day=day)
            _replace(day_counts, _counted(source, measure, rows), change)
        for span, shorter in ((PART, DAY), (MONTH, PART)):
            for kind, unit, first in sorted({(k, u, first_of(span, d)) for k, u, d in buckets}):
                _add_up(span, shorter, kind, unit, first, change)
        add_to(CityDayTally, CITY_FIELDS, citywide(change))


def _replace(rows: models.QuerySet, counts: Counter, change: Counter) -> None:
    """Write ``counts`` in place of the counts ``rows``, adding the difference to
    ``change``."""
    change.update(counts)
    change.subtract(stored_of(rows, KEY_FIELDS))
    rows.delete()
    _write(counts)


def _add_up(span: str, shorter: str, kind: str, unit: int, first: datetime.date, change) -> None:
    """Write the count of ``span`` beginning on ``first`` again from the counts
    of the ``shorter`` span within it, adding the difference to ``change``."""
    within = DayTally.objects.filter(_inside(span, first), span=shorter, kind=kind, unit_id=unit)
    added = within.values_list("gender", "detail", "category").annotate(total=models.Sum("n"))
    counts = Counter(
        {
            (span, kind, first, unit, gender, detail, category): n
            for gender, detail, category, n in added.order_by()
        }
    )
    _replace(DayTally.objects.filter(span=span, kind=kind, unit_id=unit, day=first), counts, change)


_BEFORE = "_tally_before"


def _row_saving(source: Source):
    def handler(sender, instance, raw=False, **kwargs):
        if raw or instance._state.adding or instance.pk is None:
            return
        instance.__dict__[_BEFORE] = _dated(source, source.model.objects.filter(pk=instance.pk))

    return handler


def _row_saved(source: Source):
    def handler(sender, instance, raw=False, **kwargs):
        if raw:
            return
        before = instance.__dict__.pop(_BEFORE, None)
        now = _dated(source, source.model.objects.filter(pk=instance.pk))
        if before != now:  # else nothing the counts read has changed
            recount_rows(source, before or [], now)

    return handler


def _row_deleted(source: Source):
    def handler(sender, instance, **kwargs):
        row = {name: getattr(instance, name) for name in [source.unit, *_dates(source)]}
        recount(source, _buckets(source, [row]))

    return handler


def _dates(source: Source) -> set[str]:
    """The fields of a row its counts are dated and ended by."""
    return {m.date for m in source.measures} | {m.until for m in source.measures if m.until}


def _watched(depends: Depends) -> str:
    """Where a row of ``depends.model`` keeps its watched fields as they were."""
    return f"{_BEFORE}:{':'.join(depends.fields)}"


def _watched_saving(depends: Depends):
    # One per model and fields, whichever sources depend on them: read once a save.
    def handler(sender, instance, raw=False, **kwargs):
        if raw:
            return
        old = None
        if not instance._state.adding and instance.pk is not None:
            rows = depends.model.objects.filter(pk=instance.pk)
            old = rows.values(*depends.fields).first()
        instance.__dict__[_watched(depends)] = old

    return handler


def _depended_changed(source: Source, depends: Depends):
    def handler(sender, instance, raw=False, **kwargs):
        if raw:
            return
        if depends.fields:
            old = instance.__dict__.get(_watched(depends))
            if old is not None and all(old[f] == getattr(instance, f) for f in depends.fields):
                return
        rows = source.model.objects.filter(depends.rows(instance))
        recount(source, _buckets(source, _dated(source, rows)))

    return handler


def _source_of(model: type[models.Model]) -> Source:
    return next(source for source in _sources if source.model is model)


@contextlib.contextmanager
def recounting(rows: models.QuerySet):
    """For a write that sends no signal (a queryset ``update()``): the days
    ``rows`` are counted on before and after the block are counted again. Gives
    ``rows``."""
    source = _source_of(rows.model)
    with transaction.atomic():
        same = source.model.objects.filter(pk__in=list(rows.values_list("pk", flat=True)))
        before = _dated(source, same)
        yield rows
        recount_rows(source, before, _dated(source, same))


def register(source: Source) -> None:
    """Count ``source`` (checked and rebuilt with the others); a source whose rows
    are written without signals recounts them itself (``recount_rows``)."""
    if source not in _sources:
        _sources.append(source)


def recount_rows(source: Source, old: Iterable[dict], new: Iterable[dict]) -> None:
    """Count again the days that the rows ``old`` (as they were) and ``new`` (as
    they are now) are counted on; each row a dict with the unit and dates."""
    recount(source, _buckets(source, old) | _buckets(source, new))


def keep(source: Source) -> None:
    """Keep ``source``'s counts with its rows. Connect after any handler that
    rewrites the source's rows when a depended-on model changes: handlers run in
    the order they were connected."""
    register(source)
    label = f"portal.tallies.{source.model._meta.label}"
    model = source.model
    pre_save.connect(_row_saving(source), sender=model, weak=False, dispatch_uid=f"{label}.pre")
    post_save.connect(_row_saved(source), sender=model, weak=False, dispatch_uid=f"{label}.save")
    post_delete.connect(
        _row_deleted(source), sender=model, weak=False, dispatch_uid=f"{label}.delete"
    )
    for depends in source.depends:
        uid = f"{label}.{depends.model._meta.label}"
        if depends.fields:
            pre_save.connect(
                _watched_saving(depends),
                sender=depends.model,
                weak=False,
                dispatch_uid=f"portal.tallies.{depends.model._meta.label}{_watched(depends)}",
            )
        changed = _depended_changed(source, depends)
        post_save.connect(changed, sender=depends.model, weak=False, dispatch_uid=f"{uid}.save")
        post_delete.connect(changed, sender=depends.model, weak=False, dispatch_uid=f"{uid}.delete")


# --- reading ----------------------------------------------------------------------------------


def narrowed(
    query: DashboardQuery,
    counts: models.QuerySet,
    unit: str,
    category: str,
    city: models.QuerySet | None = None,
):
    """Rows of counts of every span (``counts``) within the manager's scope and
    district filter, for ``category`` ("" for every row); None when only the rows
    themselves can answer. Counts have a unit (``unit``: its foreign key's name)
    and no school: they serve a district's or the city's managers, not a unit's
    (whose scope may reach rows through another unit), and no chosen school.
    ``city``: the same counts added up over the units, read instead for the whole
    city (a city manager, no district chosen)."""
    if query.scope.manager_unit_ids or query.filters.school:
        return None
    if city is not None and query.scope.manager_city and not query.filters.district:
        return city.filter(category=category)
    return query.restrict(
        counts.filter(category=category),
        ScopeRule(districts=(), units=(), district_units=(f"{unit}_id",)),
        district=f"{unit}__district_id",
    )


def kept(query: DashboardQuery, source: Source, *kinds: str):
    """The counts of ``kinds`` within the manager's scope and filters, or None when
    only the rows themselves can answer."""
    category = (query.filters.category or "") if source.categories else ""
    return narrowed(
        query,
        DayTally.objects.filter(kind__in=kinds),
        "unit",
        category,
        city=CityDayTally.objects.filter(kind__in=kinds),
    )


def pieces(window) -> dict[str, list[datetime.date]]:
    """The counts that add up to ``window`` (a ``Period`` or None), by span and
    first day: its whole months, the whole parts of months before and after them,
    and the days left over (at most nine at either end: a month's last part runs
    from the 22nd to its end)."""
    found: dict[str, list[datetime.date]] = {span: [] for span in SPANS}
    if window is None:
        return found
    day = window.start
    while day <= window.end:
        # The longest span that begins on ``day`` and ends within the window.
        for span in SPANS:
            after = _STEP[span](day)
            if first_of(span, day) == day and after <= _next_day(window.end):
                found[span].append(day)
                day = after
                break
    return found


# --- adding up -----------------------------------------------------------------------


Range = tuple[datetime.date | None, datetime.date | None]


@dataclass(frozen=True)
class _Part:
    """The counts of one span to add up: those on ``days`` (or on any day but
    ``besides`` within ``ranges``), each counted in the period whose ranges of
    days (first and last, None for no bound) in ``periods`` hold its day."""

    span: str
    periods: tuple[tuple[Range, ...], ...]
    days: tuple[datetime.date, ...] | None = None
    ranges: tuple[Range, ...] = ()
    besides: tuple[datetime.date, ...] = ()


def _runs(days: list[datetime.date], span: str) -> tuple[Range, ...]:
    """``days`` (sorted, the first days of counts of ``span``) as ranges of
    consecutive counts, from the first count's first day to the last one's: a
    row's period is told by a comparison or two, not by searching a list."""
    step = _STEP[span]
    runs = [[days[0], days[0]]]
    for day in days[1:]:
        if day == step(runs[-1][1]):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return tuple((first, last) for first, last in runs)


def _last_day(span: str, first: datetime.date) -> datetime.date:
    return _STEP[span](first) - datetime.timedelta(days=1)


class _Sql:
    """The SQL of a part's conditions on ``t.c_day``, with its parameters."""

    def __init__(self, db):
        self.db = db
        self.params: list = []

    def day(self, value: datetime.date) -> str:
        self.params.append(self.db.ops.adapt_datefield_value(value))
        return "%s"

    def between(self, first, last) -> str:
        bounds = ([f"t.c_day >= {self.day(first)}"] if first else []) + (
            [f"t.c_day <= {self.day(last)}"] if last else []
        )
        return " AND ".join(bounds) or "1 = 1"

    def either(self, ranges) -> str:
        return "(" + " OR ".join(f"({self.between(*bounds)})" for bounds in ranges) + ")"

    def among(self, days) -> str:
        if self.db.vendor == "postgresql":
            # One array: the plan and its parameters stay the same size however
            # many days are asked.
            self.params.append([self.db.ops.adapt_datefield_value(d) for d in days])
            return "t.c_day = ANY(%s::date[])"
        return f"t.c_day IN ({', '.join(self.day(d) for d in days)})" if days else "1 = 0"


def _summed(counts, parts: list[_Part], by: tuple) -> list[tuple]:
    """Rows of (period, gender, kind, detail, *``by``, n): the counts' ``n``
    added up by the period (its index in a part's ``periods``), gender, kind,
    detail and ``by`` (field paths or expressions), each
    part read in a ``SELECT`` of its own (an index reads each on its own, where
    the parts joined by OR would have the table read row by row), all sent as
    one ``UNION ALL``. The counts' own query is compiled once and read by each
    part as a subquery, which the database folds into it."""
    columns = {f"c_{name}": models.F(name) for name in ("span", "day", "gender", "kind", "detail")}
    columns |= {
        f"c_by{i}": models.F(key) if isinstance(key, str) else key for i, key in enumerate(by)
    }
    inner, inner_params = (
        counts.values(**columns, c_n=models.F("n")).order_by().query.sql_with_params()
    )
    grouped = ["t.c_gender", "t.c_kind", "t.c_detail", *(f"t.c_by{i}" for i in range(len(by)))]
    db = connections[counts.db]
    selects, params = [], []
    for part in parts:
        sql = _Sql(db)
        label = " ".join(
            f"WHEN {sql.either(ranges)} THEN {i}" for i, ranges in enumerate(part.periods) if ranges
        )
        case_params = sql.params
        sql = _Sql(db)
        sql.params.append(part.span)
        where = ["t.c_span = %s"]
        if part.days is not None:
            where.append(sql.among(part.days))
        if part.ranges:
            # The first and last day of them all as well: a range the index can
            # seek, where the ranges joined by OR are tested row by row.
            lows, highs = zip(*part.ranges, strict=True)
            first = None if None in lows else min(lows)
            last = None if None in highs else max(highs)
            if first or last:
                where.append(sql.between(first, last))
            where.append(sql.either(part.ranges))
        if part.besides:
            where.append(f"NOT ({sql.among(part.besides)})")
        # Every value is a parameter; the text is the compiled query's and fixed names.
        selects.append(
            f"SELECT CASE {label} END AS period, {', '.join(grouped)}, SUM(t.c_n) "  # noqa: S608 # nosec B608 - values are parameters
            f"FROM ({inner}) t WHERE {' AND '.join(where)} "
            f"GROUP BY {', '.join(['1', *(str(i) for i in range(2, len(grouped) + 2))])}"
        )
        params += [*case_params, *inner_params, *sql.params]
    with db.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        return cursor.fetchall()


_LOOKUPS = {
    "exact": operator.eq,
    "startswith": str.startswith,
    "endswith": str.endswith,
    "in": lambda value, options: value in options,
}


def _test(condition: Q | None) -> Callable[[str, str], bool]:
    """``condition`` (on ``kind`` and ``detail``: exact, startswith, endswith and in,
    joined by AND, OR and NOT) as a test of a count's kind and detail."""
    if condition is None:
        return lambda kind, detail: True
    tests = []
    for child in condition.children:
        if isinstance(child, Q):
            tests.append(_test(child))
            continue
        path, value = child
        name, _, lookup = path.partition("__")
        if name not in ("kind", "detail") or (lookup or "exact") not in _LOOKUPS:
            raise ValueError(f"A measure of counts cannot test {path!r}.")
        compare = _LOOKUPS[lookup or "exact"]
        tests.append(
            lambda kind, detail, n=name, c=compare, v=value: c(kind if n == "kind" else detail, v)
        )
    join = all if condition.connector == Q.AND else any
    if condition.negated:
        return lambda kind, detail: not join(t(kind, detail) for t in tests)
    return lambda kind, detail: join(t(kind, detail) for t in tests)


def _collected(rows, names: list[str], measures: dict, by) -> dict:
    """What ``count_split`` gives, from ``_summed``'s rows: the measures' tests
    made once, each group of counts added to every measure it passes."""
    single = by is not None and not isinstance(by, tuple)
    tests = [(measure, _test(condition)) for measure, condition in measures.items()]
    # The names each kind and detail adds to in each period: tested once, not per group.
    adds_to: dict[tuple, list[str]] = {}
    raw: dict = defaultdict(lambda: defaultdict(Counter))
    for period, gender, kind, detail, *rest in rows:
        if period is None:
            continue
        n = rest.pop()
        key = rest[0] if single else (tuple(rest) if by is not None else None)
        bucket = gender if gender in ("girl", "boy") else "other"
        split_of = raw[key]
        found = adds_to.get((period, kind, detail))
        if found is None:
            found = adds_to[(period, kind, detail)] = [
                f"{names[period]}_{measure}" for measure, passes in tests if passes(kind, detail)
            ]
        for name in found:
            split_of[name][bucket] += n or 0
    return split_counts(raw, [f"{p}_{m}" for p in names for m in measures], by)


def added_up(counts, windows: dict, *, measures: dict, by=None) -> dict:
    """Like ``dashboards.count_split`` with ``periods`` named as ``windows``
    (disjoint ``Period``s, or None for none), over ``counts``: rows of counts of
    every span (``span``, ``day``, ``gender``, ``kind``, ``detail``, ``n``)
    already narrowed to what is asked; ``measures`` test a count's ``kind`` and
    ``detail`` (``_test``). A window's whole months come from the month rows,
    the whole parts of months before and after them from the part rows, the days
    left from the day rows (``pieces``)."""
    split = [pieces(window) for window in windows.values()]
    parts = []
    for span in SPANS:
        every = sorted(day for by_span in split for day in by_span[span])
        if every:
            # The days by value, not as a range: the index finds each day's counts
            # and reads nothing between them. Each window's among them by range.
            periods = tuple(_runs(days[span], span) if days[span] else () for days in split)
            parts.append(_Part(span, periods, days=tuple(every)))
    if not parts:
        return empty_counts(windows, measures) if by is None else {}
    return _collected(_summed(counts, parts, by_keys(by)), list(windows), measures, by)


def split_at(counts, cuts: list[datetime.date], names: list[str], *, measures: dict) -> dict:
    """Like ``dashboards.count_split`` over every count there is in ``counts``,
    with ``periods`` named ``names`` (one more than the ascending ``cuts``): the
    counts of days before the first cut, from each cut to the next, and from the
    last on. Each from its longest count within it: every month but those a cut
    falls inside, their parts but those a cut falls inside, and those parts' days."""
    months = sorted({first_of(MONTH, cut) for cut in cuts if cut != first_of(MONTH, cut)})
    parts = sorted({first_of(PART, cut) for cut in cuts if cut != first_of(PART, cut)})
    bounds = [None, *cuts, None]
    periods = tuple(
        ((low, high - datetime.timedelta(days=1) if high else None),)
        for low, high in itertools.pairwise(bounds)
    )
    wanted = [_Part(MONTH, periods, besides=tuple(months))]
    if months:
        ranges = tuple((first, _last_day(MONTH, first)) for first in months)
        wanted.append(_Part(PART, periods, ranges=ranges, besides=tuple(parts)))
    if parts:
        ranges = tuple((first, _last_day(PART, first)) for first in parts)
        wanted.append(_Part(DAY, periods, ranges=ranges))
    return _collected(_summed(counts, wanted, ()), names, measures, None)
