"""Geometry for the dashboard's charts, drawn as inline SVG by templates.

Charts draw only cells that a table shows; a suppressed or hidden cell is a gap
with its mark, never a bar whose length would give the number away. Each chart
is followed on the page by the same figures as a table.
"""

from __future__ import annotations

import math

from portal.dashboards import GENDER_LABELS, RenderedTable

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
