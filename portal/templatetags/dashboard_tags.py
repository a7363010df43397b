"""Charts for the dashboard: inline SVG drawn on the server, no script."""

from django import template

from portal import dashboard_charts

register = template.Library()

_CHARTS = {
    "trend": dashboard_charts.trend,
    "bars": dashboard_charts.bars,
    "shares": dashboard_charts.shares,
}


@register.inclusion_tag("portal/dashboard_chart.html")
def dashboard_chart(table, kind: str, key: str):
    """The chart of a rendered (already suppressed) table."""
    draw = _CHARTS.get(kind)
    return {
        "kind": kind if draw else "",
        "chart": draw(table) if draw else None,
        "table": table,
        "id": f"chart-{key}",
    }
