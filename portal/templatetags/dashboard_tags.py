"""Charts and tables for the dashboard: inline SVG and HTML drawn on the server, no script."""

from django import template
from django.utils.safestring import SafeString

from portal import dashboard_charts
from portal.dashboard_tables import panel_html, table_html

register = template.Library()


@register.simple_tag
def dashboard_table(table) -> SafeString:
    """A rendered (already suppressed) table as an HTML table."""
    return table_html(table)


@register.simple_tag
def dashboard_panel(item: dict) -> SafeString:
    """A panel: ``item`` holds the panel, its rendered table, export links and the
    filters it ignores (see portal.dashboard_views.dashboard)."""
    panel, table = item["panel"], item["table"]
    chart = dashboard_charts.svg(table, panel.chart, panel.key)
    return panel_html(panel, table, chart, item["exports"], item["ignored_filters"])
