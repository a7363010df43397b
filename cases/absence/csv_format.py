"""The absence CSV format, and reading a file of it row by row.

The format (shown on the import page and in the README)::

    personnummer;period_start;period_end;total_percent;invalid_percent
    20120315-9858;2025-01-08;2025-02-07;23,5;10

- UTF-8, with or without a byte-order mark; one header row exactly as above;
  fields separated by semicolons; blank lines are skipped.
- Dates are YYYY-MM-DD. Percentages are 0–100 with a decimal comma or point
  (rounded to one decimal); the invalid part cannot exceed the total.

Reading checks what the file alone can tell (fields, dates, numbers, a period
twice in the file). Whether the pupil exists and is at the importer's school is
the service's job: this module never touches the database.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases import identity
from portal import rules

HEADER = ("personnummer", "period_start", "period_end", "total_percent", "invalid_percent")
DELIMITER = ";"

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PERCENT = re.compile(r"\d{1,3}(?:[.,]\d+)?\s*%?")
_ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class AbsenceRow:
    """One good row of the file. ``line`` is its line number in the file."""

    line: int
    personnummer: str
    period_start: datetime.date
    period_end: datetime.date
    total_percent: Decimal
    invalid_percent: Decimal

    @property
    def key(self) -> tuple[str, datetime.date, datetime.date]:
        return (self.personnummer, self.period_start, self.period_end)


@dataclass(frozen=True, order=True)
class RowError:
    """Why the row on ``line`` cannot be imported. ``code`` names the kind of
    problem for programs; ``message`` explains it to the user."""

    line: int
    code: str
    message: str


def read_absence_csv(
    raw: bytes, *, today: datetime.date
) -> tuple[list[AbsenceRow], list[RowError]]:
    """The good rows and the errors of the bad ones, each with its line number.

    A problem with the file as a whole (too large, not UTF-8 text, no header,
    too many rows) raises ValidationError instead: then no row is worth reading.
    """
    if len(raw) > rules.ABSENCE_IMPORT_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB. Split it into smaller files.")
            % {"mb": rules.ABSENCE_IMPORT_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file is not a CSV text file in UTF-8. Save it as “CSV UTF-8” and try again."),
            code="encoding",
        ) from None
    if "\x00" in text:
        raise ValidationError(
            _("The file is not a CSV text file. Save it as “CSV UTF-8” and try again."),
            code="binary",
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITER)
    rows: list[AbsenceRow] = []
    errors: list[RowError] = []
    seen: dict[tuple, int] = {}
    header_seen = False
    data_rows = 0
    try:
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if not header_seen:
                if tuple(f.strip().lower() for f in fields) != HEADER:
                    raise ValidationError(
                        _("The first line must be the header row: %(header)s")
                        % {"header": DELIMITER.join(HEADER)},
                        code="header",
                    )
                header_seen = True
                continue
            data_rows += 1
            if data_rows > rules.ABSENCE_IMPORT_MAX_ROWS:
                raise ValidationError(
                    _("The file has more than %(rows)s rows. Split it into smaller files.")
                    % {"rows": rules.ABSENCE_IMPORT_MAX_ROWS},
                    code="too_many_rows",
                )
            row, row_errors = _read_row(line, fields, today)
            errors.extend(row_errors)
            if row is None:
                continue
            if row.key in seen:
                errors.append(
                    RowError(
                        line,
                        "duplicate_in_file",
                        _("The same pupil and period is already on line %(line)s.")
                        % {"line": seen[row.key]},
                    )
                )
                continue
            seen[row.key] = line
            rows.append(row)
    except csv.Error:
        raise ValidationError(
            _("Line %(line)s could not be read as CSV.") % {"line": reader.line_num},
            code="csv",
        ) from None
    if not header_seen:
        raise ValidationError(
            _("The file is empty. The first line must be the header row: %(header)s")
            % {"header": DELIMITER.join(HEADER)},
            code="empty",
        )
    return rows, errors


def _read_row(
    line: int, fields: list[str], today: datetime.date
) -> tuple[AbsenceRow | None, list[RowError]]:
    if len(fields) != len(HEADER):
        return None, [
            RowError(
                line,
                "fields",
                _("Expected %(expected)s fields separated by semicolons, found %(found)s.")
                % {"expected": len(HEADER), "found": len(fields)},
            )
        ]
    pnr_text, start_text, end_text, total_text, invalid_text = (f.strip() for f in fields)
    errors: list[RowError] = []
    try:
        pnr = identity.normalize_personnummer(pnr_text)
    except ValidationError:
        pnr = None
        errors.append(
            RowError(
                line,
                "personnummer",
                _("“%(value)s” is not a valid personal identity number.")
                % {"value": pnr_text[:20]},
            )
        )
    start = _date(line, "period_start", start_text, errors)
    end = _date(line, "period_end", end_text, errors)
    total = _percent(line, "total_percent", total_text, errors)
    invalid = _percent(line, "invalid_percent", invalid_text, errors)
    if start and end and end < start:
        errors.append(
            RowError(line, "period_order", _("Bad date: the period ends before it starts."))
        )
    if start and start > today:
        errors.append(RowError(line, "future", _("Bad date: the period has not started yet.")))
    if total is not None and invalid is not None and invalid > total:
        errors.append(
            RowError(
                line,
                "invalid_over_total",
                _("The invalid absence (%(invalid)s %%) is more than the total (%(total)s %%).")
                % {"invalid": invalid, "total": total},
            )
        )
    if errors:
        return None, errors
    return AbsenceRow(line, pnr, start, end, total, invalid), []


def _date(line: int, column: str, text: str, errors: list[RowError]) -> datetime.date | None:
    if _DATE.fullmatch(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    errors.append(
        RowError(
            line,
            "date",
            _("Bad date in %(column)s: “%(value)s”. Write it as YYYY-MM-DD.")
            % {"column": column, "value": text[:20]},
        )
    )
    return None


def parse_percent(text: str) -> Decimal | None:
    """A percentage 0–100 with a decimal comma or point, to one decimal; None if not one."""
    text = (text or "").strip()
    if not _PERCENT.fullmatch(text):
        return None
    value = Decimal(text.rstrip("%").strip().replace(",", ".")).quantize(
        _ONE_DECIMAL, rounding=ROUND_HALF_UP
    )
    return value if value <= 100 else None


def _percent(line: int, column: str, text: str, errors: list[RowError]) -> Decimal | None:
    value = parse_percent(text)
    if value is None:
        errors.append(
            RowError(
                line,
                "number",
                _(
                    "Bad number in %(column)s: “%(value)s”. Give a percentage from 0 to 100, "
                    "like 12,5."
                )
                % {"column": column, "value": text[:20]},
            )
        )
    return value
