"""Which pupils a district's social services reach by law, kept as rows.

A social worker sees the pupils of the reports routed to their district (unless
the förhandsbedömning closed the report as "not opened"), of the district's
utredningar and of the suspension notices sent to it; a SIP coordinator the
pupils with an open utredning there. Worked out from those tables on every
request, that is a scan of the district's hundred thousand reports; kept as one
``DistrictReach`` row per district and pupil, it is an index read.

The rows are derived, never decided: ``refresh`` recomputes a pupil's rows from
the source tables. It runs from the model signals of every source table, inside
the transaction that writes the source row, so a "not opened" decision removes
the pupil in the transaction that records it, and no commit leaves the two
apart. A pupil's refreshes are serialised by a lock on the pupil's row, so two
concurrent writes about one pupil cannot each act on a view without the other.
Queryset ``update()`` and ``bulk_create`` send no signals: nothing in the portal
writes these tables that way (the city-scale generator calls ``rebuild``), and
``drift()`` finds any row that differs from the source (the tests call it after
each service; ``manage.py derived_rows --check`` on a database).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from cases.models import Student
from referrals.models import (
    Concern,
    DistrictReach,
    Investigation,
    PreliminaryAssessment,
    Suspension,
)

#: (district id, pupil id) -> an utredning is open there
Reach = dict[tuple[int, int], bool]


def _source_rows(student_ids: list[int] | None) -> Iterator[tuple[int, int, bool]]:
    """(district, pupil, open utredning) for every reason a district reaches a pupil."""
    decision = PreliminaryAssessment.Decision.NOT_OPEN
    concerns = Concern.objects.exclude(preliminary_assessment__decision=decision)
    investigations = Investigation.objects.all()
    notices = Suspension.objects.filter(notice_unit__isnull=False)
    if student_ids is not None:
        concerns = concerns.filter(student_id__in=student_ids)
        investigations = investigations.filter(student_id__in=student_ids)
        notices = notices.filter(student_id__in=student_ids)
    for district, student in concerns.values_list(
        "intake_unit__district_id", "student_id"
    ).iterator(chunk_size=10_000):
        yield district, student, False
    for district, student, closed_on in investigations.values_list(
        "unit__district_id", "student_id", "closed_on"
    ).iterator(chunk_size=10_000):
        yield district, student, closed_on is None
    for district, student in notices.values_list("notice_unit__district_id", "student_id"):
        yield district, student, False


def source(student_ids: list[int] | None = None) -> Reach:
    """What the rows should be, from the source tables (all pupils, or these)."""
    wanted: Reach = {}
    for district, student, open_investigation in _source_rows(student_ids):
        if district is None:  # a unit outside any district reaches no one by this rule
            continue
        key = (district, student)
        wanted[key] = wanted.get(key, False) or open_investigation
    return wanted


def stored(student_ids: list[int] | None = None) -> Reach:
    rows = DistrictReach.objects.all()
    if student_ids is not None:
        rows = rows.filter(student_id__in=student_ids)
    return {
        (d, s): o for d, s, o in rows.values_list("district_id", "student_id", "open_investigation")
    }


@transaction.atomic
def refresh(student_ids: Iterable[int | None]) -> None:
    """Make these pupils' rows what the source tables say."""
    ids = sorted({pk for pk in student_ids if pk is not None})
    if not ids:
        return
    # Serialise with any other refresh of the same pupils: after the lock, this
    # transaction's statements see what the other one committed.
    list(Student.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    _apply(stored(ids), source(ids))


def _apply(have: Reach, want: Reach) -> None:
    gone = [key for key in have if key not in want]
    for district, student in gone:
        DistrictReach.objects.filter(district_id=district, student_id=student).delete()
    for (district, student), flag in want.items():
        if (district, student) in have and have[(district, student)] != flag:
            DistrictReach.objects.filter(district_id=district, student_id=student).update(
                open_investigation=flag
            )
    new = [
        DistrictReach(district_id=d, student_id=s, open_investigation=o)
        for (d, s), o in want.items()
        if (d, s) not in have
    ]
    DistrictReach.objects.bulk_create(new, batch_size=5_000, ignore_conflicts=True)


def drift(student_ids: list[int] | None = None) -> dict[str, list[tuple[int, int]]]:
    """Rows that differ from the source: ``missing``, ``extra`` and ``flag``
    (open-utredning flag wrong). Empty lists when all is well."""
    have, want = stored(student_ids), source(student_ids)
    return {
        "missing": sorted(k for k in want if k not in have),
        "extra": sorted(k for k in have if k not in want),
        "flag": sorted(k for k in want if k in have and have[k] != want[k]),
    }


@transaction.atomic
def rebuild() -> int:
    """Every row again from the source tables (after a bulk load); returns the count."""
    want = source()
    DistrictReach.objects.all().delete()
    _apply({}, want)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {DistrictReach._meta.db_table}")
    return len(want)


# --- keeping the rows with the source ---------------------------------------------------------

#: model -> (how to find its pupil from an instance, the fields that decide reach)
_SOURCES = {
    Concern: ("student_id", {"student", "intake_unit"}),
    Investigation: ("student_id", {"student", "unit", "closed_on"}),
    Suspension: ("student_id", {"student", "notice_unit"}),
    PreliminaryAssessment: ("concern__student_id", {"concern", "decision"}),
}


def _pupil_of(model, pk) -> int | None:
    path, _fields = _SOURCES[model]
    return model._default_manager.filter(pk=pk).values_list(path, flat=True).first()


def _matters(model, update_fields) -> bool:
    return update_fields is None or bool(_SOURCES[model][1] & set(update_fields))


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    # The pupil the row pointed at before, should the save move it to another.
    instance._reach_before = (
        _pupil_of(sender, instance.pk)
        if instance.pk is not None and not raw and _matters(sender, update_fields)
        else None
    )


def _after_save(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if raw or not (created or _matters(sender, update_fields)):
        return
    now = instance.concern.student_id if sender is PreliminaryAssessment else instance.student_id
    refresh([now, getattr(instance, "_reach_before", None)])


def _before_delete(sender, instance, **kwargs):
    instance._reach_before = _pupil_of(sender, instance.pk)


def _after_delete(sender, instance, **kwargs):
    refresh([getattr(instance, "_reach_before", None)])


def connect() -> None:
    for model in _SOURCES:
        uid = f"referrals.reach.{model.__name__}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
        post_save.connect(_after_save, sender=model, dispatch_uid=uid)
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=uid)
        post_delete.connect(_after_delete, sender=model, dispatch_uid=uid)
