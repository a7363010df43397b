"""Reads of the access log and the change log, for the log reviewer's pages.

Lists are pages of a keyset (time, id), never a COUNT(*) over the whole table.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from portal.audit import pupil_directory
from portal.audit.retention import start_of_day_after
from portal.audit_models import AccessLog, AccessLogSubject

PAGE_SIZE = 50


@dataclass(frozen=True)
class LogFilter:
    username: str = ""
    student_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    record_kind: str = ""
    kind: str = ""
    correlation_id: str = ""


def start_of_day(day: datetime.date) -> datetime.datetime:
    return start_of_day_after(day - datetime.timedelta(days=1))


def access_log(f: LogFilter) -> QuerySet[AccessLog]:
    """The access-log rows matching ``f``, newest first."""
    qs = AccessLog.objects.all()
    if f.username:
        qs = qs.filter(username__iexact=f.username.strip())
    if f.student_id is not None:
        pupil = AccessLogSubject.objects.filter(student_id=f.student_id)
        if f.date_from:
            pupil = pupil.filter(at__gte=start_of_day(f.date_from))
        if f.date_to:
            pupil = pupil.filter(at__lt=start_of_day_after(f.date_to))
        qs = qs.filter(pk__in=pupil.values("log_id"))
    if f.date_from:
        qs = qs.filter(at__gte=start_of_day(f.date_from))
    if f.date_to:
        qs = qs.filter(at__lt=start_of_day_after(f.date_to))
    if f.record_kind:
        qs = qs.filter(record_kinds__contains=f",{f.record_kind.strip(',')},")
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.correlation_id:
        qs = qs.filter(correlation_id=f.correlation_id)
    return qs.order_by("-at", "-id")


def page(qs: QuerySet[AccessLog], cursor: str | None, size: int = PAGE_SIZE):
    """One page after ``cursor`` (the id of the last row of the previous page), and
    the cursor of the next page or None."""
    if cursor:
        try:
            last = AccessLog.objects.filter(pk=int(cursor)).values_list("at", flat=True).first()
        except ValueError:
            last = None
        if last is not None:
            qs = qs.filter(Q(at__lt=last) | Q(at=last, pk__lt=int(cursor)))
    rows = list(qs.select_related(None)[: size + 1])
    next_cursor = str(rows[size - 1].pk) if len(rows) > size else None
    return rows[:size], next_cursor


@dataclass(frozen=True)
class SubjectView:
    student_id: int
    label: str
    basis: str
    basis_label: str
    outside: bool


def pupil_labels(ids) -> dict[int, str]:
    facts = pupil_directory().facts(ids) if ids else {}
    return {sid: facts[sid].label if sid in facts else f"#{sid}" for sid in ids}


def subjects_of(rows: list[AccessLog], *, only: int | None = None) -> dict[int, list[SubjectView]]:
    """The pupils of each row, with their labels: two queries for a page. With
    ``only``, that pupil alone (a pupil's own history)."""
    subjects = AccessLogSubject.objects.filter(log_id__in=[r.pk for r in rows])
    if only is not None:
        subjects = subjects.filter(student_id=only)
    subjects = list(subjects.order_by("log_id", "student_id"))
    labels = pupil_labels({s.student_id for s in subjects})
    basis_labels = dict(AccessLogSubject.Basis.choices)
    found: dict[int, list[SubjectView]] = {}
    for s in subjects:
        found.setdefault(s.log_id, []).append(
            SubjectView(
                student_id=s.student_id,
                label=labels[s.student_id],
                basis=s.basis,
                basis_label=str(basis_labels.get(s.basis, "")),
                outside=bool(s.basis) and s.basis not in AccessLogSubject.OWN_BASES,
            )
        )
    return found


def other_pupil_counts(rows: list[AccessLog], student_id: int) -> dict[int, int]:
    """How many pupils besides ``student_id`` each row names (a list page names up
    to fifty): a pupil's history counts them instead of naming them."""
    return dict(
        AccessLogSubject.objects.filter(log_id__in=[r.pk for r in rows])
        .exclude(student_id=student_id)
        .values("log_id")
        .annotate(n=Count("id"))
        .values_list("log_id", "n")
    )


def change_log(correlation_id: str):
    """The change-log entries written by one request."""
    from auditlog.models import LogEntry

    return (
        LogEntry.objects.filter(cid=correlation_id)
        .select_related("content_type", "actor")
        .order_by("timestamp", "id")[:500]
    )
