"""Dashboard tables as CSV and XLSX: the suppressed table, never more.

Every text cell is escaped against spreadsheet formulas (OWASP "CSV injection"):
a cell starting with = + - @, a tab or a carriage return gets a leading
apostrophe, so a spreadsheet shows it as text and never runs it.
"""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _

from portal.dashboards import (
    HIDDEN_MARK,
    NOT_APPLICABLE_MARK,
    SMALL_MARK,
    Period,
    RenderedTable,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def escape_formula(value):
    """Text that a spreadsheet would read as a formula, made plain text. Leading
    spaces do not help: some spreadsheets trim them before reading the cell."""
    if isinstance(value, str) and (
        value.startswith(FORMULA_STARTS) or value.lstrip(" ").startswith(FORMULA_STARTS)
    ):
        return "'" + value
    return value


def _legend() -> list[str]:
    return [
        _("%(mark)s: fewer than five.") % {"mark": SMALL_MARK},
        _("%(mark)s: hidden, so that a number below five cannot be worked out from the others.")
        % {"mark": HIDDEN_MARK},
        _("%(mark)s: does not apply.") % {"mark": NOT_APPLICABLE_MARK},
    ]


def _value(row, cell, numeric_derived: bool):
    """A shown count as a number; a share or median as a number only where the
    format can show it as such (XLSX); every other cell as the text on screen."""
    shown = cell.state == "shown" and cell.value is not None
    return cell.value if shown and (row.kind == "count" or numeric_derived) else cell.text


def sheet(
    table: RenderedTable,
    *,
    period: Period,
    previous: Period,
    filters: list[tuple],
    numeric_derived: bool = False,
) -> list[list]:
    """The rows of an export: what was counted, the table, the legend."""
    lines: list[list] = [
        [str(table.title)],
        [_("Period"), str(period)],
    ]
    if "previous" in table.columns:
        lines.append([_("Previous period"), str(previous)])
    for label, value in filters:
        lines.append([str(label), str(value)])
    if table.note:
        lines.append([str(table.note)])
    lines.append([])
    lines.append([str(table.row_heading)] + [str(label) for label in table.column_labels])
    for row, cells in table.body():
        lines.append([str(row.label)] + [_value(row, cell, numeric_derived) for cell in cells])
    lines.append([])
    lines.extend([text] for text in _legend())
    return [[escape_formula(value) for value in line] for line in lines]


def _filename(table: RenderedTable, period: Period, extension: str) -> str:
    return f"samverkan-{table.key}-{period.start.isoformat()}-{period.end.isoformat()}.{extension}"


def csv_response(table: RenderedTable, **context) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in sheet(table, **context):
        writer.writerow(line)
    # A byte-order mark, so that a spreadsheet reads å, ä and ö right.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type=CSV_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(table, context["period"], "csv")}"'
    )
    return response


def xlsx_response(table: RenderedTable, **context) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = table.key[:31]
    lines = sheet(table, numeric_derived=True, **context)
    for line in lines:
        worksheet.append(line)
    for cells in worksheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    # The table's own rows start after its heading row; shares read as percentages.
    heading = len(lines) - len(table.rows) - len(_legend()) - 1
    for cell in worksheet[heading]:
        cell.font = Font(bold=True)
    for offset, row in enumerate(table.rows, start=heading + 1):
        if row.kind == "share":
            for cell in worksheet[offset][1:]:
                cell.number_format = "0%"
        elif row.kind == "median":
            for cell in worksheet[offset][1:]:
                cell.number_format = "0.0"
    worksheet["A1"].font = Font(bold=True)
    worksheet.column_dimensions["A"].width = 48
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(table, context["period"], "xlsx")}"'
    )
    return response
