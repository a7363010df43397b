"""The dashboard's charts: their geometry, and the charts as inline SVG.

Charts draw only cells that a table shows; a suppressed or hidden cell is a gap
with its mark, never a bar whose length would give the number away. Each chart
is followed on the page by the same figures as a table.

The SVG is written in Python rather than in a template because the dashboard
draws 18 charts, thousands of coordinates in all, and the template engine's cost
per variable made them most of the page's rendering time (see ``portal.markup``).
Every label is escaped. Coordinates are never localised: SVG wants a decimal point
whatever the language.
"""

from __future__ import annotations

import math

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from portal.dashboards import GENDER_LABELS, RenderedTable
from portal.markup import NOTHING, Piece, fill

#: The charts' own width; they scale to the panel. Narrow, so text stays legible.
WIDTH = 480
#: Series of a trend chart: colour (WCAG AA against white) and dash pattern, so
#: that the lines are told apart without colour too.
SERIES = [
    ("total", "#0b4a7d", "", "circle"),
    ("girl", "#9c3d00", "6 4", "square"),
    ("boy", "#1d6b32", "2 3", "diamond"),
]


def _nice_max(value: float) -> float:
    """A round number at least ``value`` for the top of an axis."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


def _count_rows(table: RenderedTable):
    return [row for row in table.rows if row.kind == "count"]


def trend(table: RenderedTable) -> dict:
    """A line per series over the table's rows (months), without its total row."""
    rows = [r for r in _count_rows(table) if r.key not in table.totals]
    left, right, top, bottom = 36, 12, 12, 40
    height = 240
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    shown = [
        r.cells[key].value for r in rows for key, *_ in SERIES if r.cells[key].state == "shown"
    ]
    top_value = _nice_max(max(shown, default=0))
    step = plot_w / max(len(rows) - 1, 1)

    def y(value):
        return round(top + plot_h - plot_h * value / top_value, 1)

    series = []
    for key, colour, dash, marker in SERIES:
        segments, current, points = [], [], []
        for i, row in enumerate(rows):
            cell = row.cells[key]
            x = round(left + i * step, 1)
            if cell.state == "shown":
                current.append(f"{x},{y(cell.value)}")
                py = y(cell.value)
                points.append({"x": x, "y": py, "mx": x - 3, "my": py - 3, "text": cell.text})
            elif current:
                segments.append(" ".join(current))
                current = []
        if current:
            segments.append(" ".join(current))
        label = table.column_labels[table.columns.index(key)] if key != "total" else None
        series.append(
            {
                "key": key,
                "label": label or table.column_labels[table.columns.index("total")],
                "colour": colour,
                "dash": dash,
                "marker": marker,
                "segments": segments,
                "points": points,
            }
        )
    ticks = [{"y": y(top_value * f), "text": _tick(top_value * f)} for f in (0, 0.25, 0.5, 0.75, 1)]
    months = [
        {
            "x": round(left + i * step, 1),
            "text": str(row.label),
            "mark": "" if row.cells["total"].state == "shown" else row.cells["total"].text,
        }
        for i, row in enumerate(rows)
    ]
    # Twelve month labels do not fit side by side: label every other month.
    for i, month in enumerate(months):
        month["label"] = month["text"] if (len(months) - 1 - i) % 2 == 0 else ""
    return {
        "width": WIDTH,
        "height": height,
        "left": left,
        "right": WIDTH - right,
        "top": top,
        "bottom": height - bottom,
        "series": series,
        "ticks": ticks,
        "tick_x": left - 6,
        "months": months,
        "month_y": height - bottom + 18,
        "mark_y": height - bottom - 6,
        "genders": GENDER_LABELS,
    }


def _tick(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def bars(table: RenderedTable) -> dict:
    """Each row's total (not the rows that total others), this period and the previous."""
    rows = [r for r in _count_rows(table) if r.key not in table.totals]
    row_h, label_h = 44, 16
    bar_left, bar_right = 0, WIDTH - 64
    values = [
        r.cells[c].value
        for r in rows
        for c in ("total", "previous")
        if c in r.cells and r.cells[c].state == "shown"
    ]
    top_value = _nice_max(max(values, default=0))
    scale = (bar_right - bar_left) / top_value
    items = []
    for i, row in enumerate(rows):
        y = i * row_h
        item = {"label": str(row.label), "level": row.level, "y": y + label_h - 4, "bars": []}
        for column, offset, thickness in (("total", label_h, 12), ("previous", label_h + 15, 8)):
            cell = row.cells.get(column)
            if cell is None or cell.state == "na":
                continue
            shown = cell.state == "shown"
            width = round(cell.value * scale, 1) if shown else 0
            item["bars"].append(
                {
                    "column": column,
                    "x": bar_left,
                    "y": y + offset,
                    "width": width,
                    "height": thickness,
                    "text": cell.text,
                    "text_x": bar_left + width + 6,
                    "text_y": y + offset + thickness / 2,
                }
            )
        items.append(item)
    return {"width": WIDTH, "height": max(len(rows), 1) * row_h + 4, "items": items}


def shares(table: RenderedTable) -> dict:
    """The first share row, per column, as bars from 0 to 100 %."""
    row = next((r for r in table.rows if r.kind == "share"), None)
    if row is None:
        return {"items": []}
    row_h, label_w = 30, 150
    bar_w = WIDTH - label_w - 72
    items = []
    for i, column in enumerate(table.columns):
        cell = row.cells[column]
        width = round(bar_w * cell.value, 1) if cell.state == "shown" else 0
        items.append(
            {
                "label": str(table.column_labels[i]),
                "y": i * row_h + 4,
                "text_y": i * row_h + 15,
                "x": label_w,
                "width": width,
                "full": bar_w,
                "text": cell.text,
                "text_x": label_w + bar_w + 8,
                "previous": column == "previous",
            }
        )
    return {
        "width": WIDTH,
        "height": len(items) * row_h,
        "label_w": label_w,
        "row_label": str(row.label),
        "items": items,
    }


# --- SVG ----------------------------------------------------------------------------------
# Templates of the pieces of a chart (see portal.markup); "\n" keeps the page source legible.

_FIGURE = (
    '\n<figure class="chart chart--{kind}">\n'
    '<svg viewBox="0 0 {width} {height}" role="img"'
    ' aria-labelledby="{id}-title {id}-desc" class="chart__svg" focusable="false">\n'
    '<title id="{id}-title">{title}</title>\n'
    '<desc id="{id}-desc">{desc}</desc>\n'
    "{body}\n"
    "</svg>\n"
    '<figcaption class="chart__legend">{legend}</figcaption>\n'
    "</figure>\n"
)
_TICK = (
    '\n<line x1="{}" x2="{}" y1="{}" y2="{}" class="chart__grid"/>\n'
    '<text x="{}" y="{}" class="chart__axis" text-anchor="end" dominant-baseline="middle">{}</text>'
)
_MONTH = '<text x="{}" y="{}" class="chart__axis" text-anchor="middle">{}</text>'
_GAP = '<text x="{}" y="{}" class="chart__mark" text-anchor="middle">{}</text>'
_SERIES = '\n<g class="chart__series" stroke="{}" fill="{}">\n'
_LINE = '<polyline points="{}" fill="none" stroke-width="2.5"{}/>'
#: A point's marker by the series' marker, and the point's values it is drawn with.
_MARKERS = {
    "circle": ('<circle cx="{}" cy="{}" r="3.5"/>', ("x", "y")),
    "square": ('<rect x="{}" y="{}" width="6" height="6"/>', ("mx", "my")),
    "diamond": (
        '<rect x="{}" y="{}" width="6" height="6" transform="rotate(45 {} {})"/>',
        ("mx", "my", "x", "y"),
    ),
}
_KEY = (
    '<span class="chart__key"><svg width="28" height="10" aria-hidden="true" focusable="false">'
    '<line x1="0" x2="28" y1="5" y2="5" stroke="{}" stroke-width="2.5"{}/></svg> {}</span>'
)
_ROW_LABEL = '\n<g>\n<text x="0" y="{}" class="chart__label">{}</text>'
_BAR = (
    '\n<rect x="{}" y="{}" width="{}" height="{}" class="chart__bar chart__bar--{}"/>\n'
    '<text x="{}" y="{}" class="chart__value{}" dominant-baseline="middle">{}</text>'
)
_SWATCH = (
    '<span class="chart__key"><span class="chart__swatch {}" aria-hidden="true"></span> {}</span>'
)
_SHARE = (
    '\n<g>\n<text x="0" y="{}" class="chart__label">{}</text>\n'
    '<rect x="{}" y="{}" width="{}" height="14" class="chart__track"/>\n'
    '<rect x="{}" y="{}" width="{}" height="14" class="chart__bar {}"/>\n'
    '<text x="{}" y="{}" class="chart__value">{}</text>\n</g>'
)
_END = "\n</g>"


def svg(table: RenderedTable, kind: str, key: str) -> SafeString:
    """The chart of a rendered (already suppressed) table: a ``<figure>`` with the
    SVG and its legend, or nothing for a kind of chart there is none of."""
    draw = _FIGURES.get(kind)
    return draw(table, f"chart-{key}") if draw else NOTHING


def _figure(kind: str, chart: dict, chart_id: str, title, desc, body, legend) -> SafeString:
    """The frame every chart shares: an image named by its title and description."""
    return format_html(
        _FIGURE,
        kind=kind,
        width=chart["width"],
        height=chart["height"],
        id=chart_id,
        title=title,
        desc=desc,
        body=body,
        legend=legend,
    )


def _dash(dash: str) -> SafeString:
    return format_html(' stroke-dasharray="{}"', dash) if dash else NOTHING


def _trend_figure(table: RenderedTable, chart_id: str) -> SafeString:
    chart = trend(table)
    body = fill(
        [
            *(_grid_line(tick, chart) for tick in chart["ticks"]),
            ("\n", ()),
            *(piece for month in chart["months"] for piece in _month(month, chart)),
            *(piece for series in chart["series"] for piece in _trend_series(series)),
        ]
    )
    legend = fill((_KEY, (s["colour"], _dash(s["dash"]), s["label"])) for s in chart["series"])
    desc = gettext(
        "Line chart by month: all, girls and boys. The same figures are in the table below."
    )
    return _figure("trend", chart, chart_id, table.title, desc, body, legend)


def _grid_line(tick: dict, chart: dict) -> Piece:
    """A grid line across the chart, and its value on the axis."""
    y = tick["y"]
    return (_TICK, (chart["left"], chart["right"], y, y, chart["tick_x"], y, tick["text"]))


def _month(month: dict, chart: dict) -> list[Piece]:
    """A month's label on the axis (every other month) and the mark of a gap."""
    pieces = []
    if month["label"]:
        pieces.append((_MONTH, (month["x"], chart["month_y"], month["label"])))
    if month["mark"]:
        pieces.append((_GAP, (month["x"], chart["mark_y"], month["mark"])))
    return pieces


def _trend_series(series: dict) -> list[Piece]:
    """A series' line, broken at gaps, and a marker on each point."""
    dash = _dash(series["dash"])
    marker, fields = _MARKERS[series["marker"]]
    return [
        (_SERIES, (series["colour"], series["colour"])),
        *((_LINE, (points, dash)) for points in series["segments"]),
        ("\n", ()),
        *((marker, tuple(point[f] for f in fields)) for point in series["points"]),
        (_END, ()),
    ]


def _bars_figure(table: RenderedTable, chart_id: str) -> SafeString:
    chart = bars(table)
    body = fill(piece for item in chart["items"] for piece in _bar_item(item))
    keys = [(_SWATCH, ("chart__bar--total", gettext("This period")))]
    if "previous" in table.columns:
        thin = "chart__swatch--thin chart__bar--previous"
        keys.append((_SWATCH, (thin, gettext("Previous period"))))
    desc = gettext(
        "Bar chart: the total of each row, this period (thick) and the previous period "
        "(thin). The same figures are in the table below."
    )
    return _figure("bars", chart, chart_id, table.title, desc, body, fill(keys))


def _bar_item(item: dict) -> list[Piece]:
    """A row's label, and a bar with its figure for each period."""
    return [
        (_ROW_LABEL, (item["y"], item["label"])),
        *(_bar(bar) for bar in item["bars"]),
        (_END, ()),
    ]


def _bar(bar: dict) -> Piece:
    modifier = " chart__value--previous" if bar["column"] == "previous" else ""
    return (
        _BAR,
        (
            *(bar["x"], bar["y"], bar["width"], bar["height"], bar["column"]),
            *(bar["text_x"], bar["text_y"], modifier, bar["text"]),
        ),
    )


def _shares_figure(table: RenderedTable, chart_id: str) -> SafeString:
    chart = shares(table)
    if not chart["items"]:
        return NOTHING
    body = fill((_SHARE, _share_values(item)) for item in chart["items"])
    title = format_html("{}: {}", table.title, chart["row_label"])
    desc = gettext(
        "Bar chart of the share for girls, boys, other or unknown, all, and the previous "
        "period. The same figures are in the table below."
    )
    return _figure("shares", chart, chart_id, title, desc, body, chart["row_label"])


def _share_values(item: dict) -> tuple:
    """A column's label, its track from 0 to 100 %, its bar and its figure."""
    bar = "chart__bar--previous" if item["previous"] else "chart__bar--total"
    return (
        *(item["text_y"], item["label"]),
        *(item["x"], item["y"], item["full"]),
        *(item["x"], item["y"], item["width"], bar),
        *(item["text_x"], item["text_y"], item["text"]),
    )


_FIGURES = {"trend": _trend_figure, "bars": _bars_figure, "shares": _shares_figure}
