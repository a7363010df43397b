"""Writes to absence and absence investigations. Each is atomic and checks who acts."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.absence import selectors
from cases.absence.csv_format import RowError, parse_percent, read_absence_csv
from cases.models import AbsenceInvestigation, AbsenceRecord, Student
from portal import changelog
from portal.access import scope

_CHUNK = 500


class AbsenceImportRejected(ValidationError):
    """Some rows of an import file are bad, so nothing was imported.
    ``row_errors`` lists each, by line number."""

    def __init__(self, row_errors: list[RowError]):
        self.row_errors = sorted(row_errors)
        super().__init__(
            [
                _("Line %(line)s: %(message)s") % {"line": e.line, "message": e.message}
                for e in self.row_errors
            ],
            code="rows",
        )


def _check_percentages(total: Decimal, invalid: Decimal) -> tuple[Decimal, Decimal]:
    errors = {}
    checked_total = parse_percent(str(total))
    checked_invalid = parse_percent(str(invalid))
    if checked_total is None:
        errors["total_percent"] = _("Give a percentage from 0 to 100.")
    if checked_invalid is None:
        errors["invalid_percent"] = _("Give a percentage from 0 to 100.")
    elif checked_total is not None and checked_invalid > checked_total:
        errors["invalid_percent"] = _("The invalid absence cannot be more than the total.")
    if errors:
        raise ValidationError(errors)
    return checked_total, checked_invalid


@transaction.atomic
def absence_record(
    *,
    by,
    student: Student,
    period_start: datetime.date,
    period_end: datetime.date,
    total_percent: Decimal,
    invalid_percent: Decimal = Decimal(0),
) -> AbsenceRecord:
    """School staff of the pupil's school record the absence of one period:
    the total in percent, of which invalid (ogiltig)."""
    if not selectors.may_record_absence(by, student):
        raise PermissionDenied
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period cannot end before it starts.")})
    if period_start > timezone.localdate():
        raise ValidationError({"period_start": _("The period has not started yet.")})
    total, invalid = _check_percentages(total_percent, invalid_percent)
    duplicate = ValidationError(
        {"period_start": _("Absence for this pupil and period is already recorded.")}
    )
    if AbsenceRecord.objects.filter(
        student=student, period_start=period_start, period_end=period_end
    ).exists():
        raise duplicate
    try:
        with transaction.atomic():
            return AbsenceRecord.objects.create(
                student=student,
                period_start=period_start,
                period_end=period_end,
                total_percent=total,
                invalid_percent=invalid,
                source=AbsenceRecord.Source.MANUAL,
                recorded_by=by,
            )
    except IntegrityError:
        raise duplicate from None


def _chunks(items: list, size: int = _CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


@transaction.atomic
def absence_import_csv(*, by, content: bytes) -> list[AbsenceRecord]:
    """Import absence from a CSV file (format in cases.absence.csv_format) for the
    pupils of the importer's school. All or nothing: any bad row, and nothing is
    saved (AbsenceImportRejected lists every bad row by line number)."""
    s = scope(by)
    if not s.school_unit_ids:
        raise PermissionDenied
    rows, errors = read_absence_csv(content, today=timezone.localdate())
    numbers = sorted({row.personnummer for row in rows})
    students: dict[str, tuple[int, int]] = {}
    for chunk in _chunks(numbers):
        for pnr, pk, school_id in Student.objects.filter(personnummer__in=chunk).values_list(
            "personnummer", "id", "school_unit_id"
        ):
            students[pnr] = (pk, school_id)
    ours = sorted({pk for pk, school_id in students.values() if school_id in s.school_unit_ids})
    recorded = set()
    for chunk in _chunks(ours):
        recorded.update(
            AbsenceRecord.objects.filter(student_id__in=chunk).values_list(
                "student_id", "period_start", "period_end"
            )
        )
    records = []
    for row in rows:
        found = students.get(row.personnummer)
        if found is None or found[1] not in s.school_unit_ids:
            # One answer for both: whether a number is registered at all is not
            # the school's to learn from an import.
            errors.append(
                RowError(
                    row.line,
                    "not_your_school",
                    _("No pupil at your school has this personal identity number."),
                )
            )
        elif (found[0], row.period_start, row.period_end) in recorded:
            errors.append(
                RowError(
                    row.line,
                    "already_recorded",
                    _("Absence for this pupil and period is already recorded."),
                )
            )
        else:
            records.append(
                AbsenceRecord(
                    student_id=found[0],
                    period_start=row.period_start,
                    period_end=row.period_end,
                    total_percent=row.total_percent,
                    invalid_percent=row.invalid_percent,
                    source=AbsenceRecord.Source.IMPORT,
                    recorded_by=by,
                )
            )
    if errors:
        raise AbsenceImportRejected(errors)
    if not records:
        raise ValidationError(_("The file has no rows to import."), code="empty")
    try:
        with transaction.atomic():
            changelog.bulk_create(AbsenceRecord, records, batch_size=_CHUNK)
    except IntegrityError:
        # Someone recorded one of these periods while the file was read.
        raise ValidationError(
            _(
                "Some of these periods were recorded at the same time by someone else. "
                "Nothing was imported; try again."
            ),
            code="conflict",
        ) from None
    return records


@transaction.atomic
def absence_investigation_open(
    *,
    by,
    student: Student,
    opened_on: datetime.date,
    pupil_heard: bool = False,
    guardians_heard: bool = False,
    student_health_involved: bool = False,
    reported_to_huvudman: bool = False,
    findings: str = "",
) -> AbsenceInvestigation:
    """The rektor opens an investigation of a pupil's absence (skollagen 7:19a),
    one at a time per pupil."""
    if not selectors.may_open_absence_investigation(by, student):
        raise PermissionDenied
    if opened_on > timezone.localdate():
        raise ValidationError({"opened_on": _("The date cannot be in the future.")})
    Student.objects.select_for_update().filter(pk=student.pk).first()
    if AbsenceInvestigation.objects.filter(student=student, closed_on__isnull=True).exists():
        raise ValidationError(_("An absence investigation of this pupil is already open."))
    return AbsenceInvestigation.objects.create(
        student=student,
        school_unit=student.school_unit,
        opened_by=by,
        opened_on=opened_on,
        pupil_heard=pupil_heard,
        guardians_heard=guardians_heard,
        student_health_involved=student_health_involved,
        reported_to_huvudman=reported_to_huvudman,
        findings=(findings or "").strip(),
    )


@transaction.atomic
def absence_investigation_close(
    *,
    investigation: AbsenceInvestigation,
    by,
    closed_on: datetime.date,
    outcome: str,
    findings: str = "",
    pupil_heard: bool = False,
    guardians_heard: bool = False,
    student_health_involved: bool = False,
    reported_to_huvudman: bool = False,
) -> AbsenceInvestigation:
    """The rektor closes the investigation with its outcome and measures. Who took
    part and the report to the huvudman are kept once recorded: closing cannot
    unset them."""
    investigation = AbsenceInvestigation.objects.select_for_update().get(pk=investigation.pk)
    if not selectors.may_close_absence_investigation(by, investigation):
        raise PermissionDenied
    if investigation.closed_on is not None:
        raise ValidationError(_("This absence investigation is already closed."))
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Give the outcome and the measures decided.")})
    if closed_on < investigation.opened_on:
        raise ValidationError(
            {"closed_on": _("The investigation cannot close before it was opened.")}
        )
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("The date cannot be in the future.")})
    investigation.closed_on = closed_on
    investigation.outcome = outcome.strip()
    if (findings or "").strip():
        investigation.findings = findings.strip()
    investigation.pupil_heard |= pupil_heard
    investigation.guardians_heard |= guardians_heard
    investigation.student_health_involved |= student_health_involved
    investigation.reported_to_huvudman |= reported_to_huvudman
    investigation.save()
    return investigation
