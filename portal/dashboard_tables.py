"""A dashboard table as HTML: the figures of a chart, and of a forum's lägesbild;
and a dashboard panel: its title, notes, chart, table and downloads.

Written in Python rather than in a template because the dashboard shows 18 tables,
about a thousand cells in all, and the template engine's cost per variable made
them much of the page's rendering time (see ``portal.markup``). Every label and
figure is escaped.

A suppressed cell shows its mark ("<5", "..") in an ``<abbr>`` whose title says why
the number is not there.
"""

from __future__ import annotations

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from portal.dashboards import HIDDEN_MARK, Cell, RenderedRow, RenderedTable
from portal.markup import Piece, fill

_START = (
    '<table class="data-table dashboard-data">\n'
    '<caption class="visually-hidden">{}</caption>\n'
    '<thead><tr>\n<th scope="col">{}</th>\n'
)
_COLUMN = '<th scope="col" class="num">{}</th>'
_BODY = "\n</tr></thead>\n<tbody>"
_ROW = (
    '\n<tr class="dashboard-row--{} dashboard-row--level{}{}" data-row="{}">\n'
    '<th scope="row">{}</th>\n'
)
_CELL = '<td class="num cell--{}">{}</td>'
_MARKED_CELL = '<td class="num cell--{}"><abbr title="{}">{}</abbr></td>'
_ROW_END = "\n</tr>"
_END = "\n</tbody>\n</table>\n"


def table_html(table: RenderedTable) -> SafeString:
    """The table, with a caption, column and row headers, and the marks explained."""
    # Escaped once for all the cells they explain.
    explained = {
        "small": conditional_escape(gettext("fewer than five")),
        "hidden": conditional_escape(
            gettext("hidden, so that a number below five cannot be worked out")
        ),
    }
    pieces: list[Piece] = [(_START, (table.title, table.row_heading))]
    pieces += [(_COLUMN, (label,)) for label in table.column_labels]
    pieces.append((_BODY, ()))
    for row, cells in table.body():
        pieces += _row(row, cells, row.key in table.totals, explained)
    pieces.append((_END, ()))
    return fill(pieces)


def _row(row: RenderedRow, cells: list[Cell], total: bool, explained) -> list[Piece]:
    total_class = " dashboard-row--total" if total else ""
    return [
        (_ROW, (row.kind, row.level, total_class, row.key, row.label)),
        *(_cell(cell, explained) for cell in cells),
        (_ROW_END, ()),
    ]


def _cell(cell: Cell, explained: dict[str, SafeString]) -> Piece:
    """The cell's figure; a suppression mark with its explanation."""
    if cell.state == "small" or (cell.state == "hidden" and cell.text == HIDDEN_MARK):
        return (_MARKED_CELL, (cell.state, explained[cell.state], cell.text))
    return (_CELL, (cell.state, cell.text))


_PANEL_START = (
    '<article class="panel dashboard-panel" aria-labelledby="panel-{}" data-panel="{}">\n'
    '  <h3 id="panel-{}">{}</h3>\n'
)
_PANEL_NOTE = '  <p class="small-print muted">{}</p>\n'
_PANEL_IGNORED = '  <p class="small-print muted">{} {}</p>\n'
_PANEL_BODY = (
    "  {}\n"
    '  <details class="dashboard-table">\n'
    "    <summary>{}</summary>\n"
    '    <div class="table-scroll">{}</div>\n'
    "  </details>\n"
    '  <p class="dashboard-export small-print">{}\n'
    '    <a href="{}" download>{}</a> ·\n'
    '    <a href="{}" download>{}</a></p>\n'
    "</article>"
)


def panel_html(
    panel, table: RenderedTable, chart: SafeString, exports: dict, ignored
) -> SafeString:
    """A panel of the dashboard: ``chart`` and the table of ``table``, and links to
    ``exports`` ({"csv": url, "xlsx": url}); ``ignored`` names the chosen filters the
    panel does not apply."""
    key = panel.key
    pieces: list[Piece] = [(_PANEL_START, (key, key, key, panel.title))]
    pieces += [(_PANEL_NOTE, (text,)) for text in (panel.description, table.note) if text]
    if ignored:
        labels = ", ".join(str(label) for label in ignored)
        pieces.append((_PANEL_IGNORED, (gettext("Not filtered by:"), labels)))
    pieces.append(
        (
            _PANEL_BODY,
            (
                chart,
                gettext("Show as table"),
                table_html(table),
                gettext("Download:"),
                exports["csv"],
                gettext("CSV"),
                exports["xlsx"],
                gettext("Excel (XLSX)"),
            ),
        )
    )
    return fill(pieces)
