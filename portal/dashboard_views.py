"""The managers' dashboard and its exports: aggregates only, for the manager's scope."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import dashboard_figures, dashboards
from portal.access import Scope, roles_required, scope
from portal.accesslog import EXPORT, audited, log_access
from portal.dashboard_export import csv_response, xlsx_response
from portal.dashboards import (
    HIDDEN_MARK,
    NOT_APPLICABLE_MARK,
    SMALL_MARK,
)
from portal.models import Unit
from portal.roles import Role
from portal.worklist import worklist_for

FILTER_LABELS = {"district": _("district"), "school": _("school"), "category": _("category")}


class ExportFormatConverter:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


def _scope_label(user_scope: Scope, districts: dict[int, str]) -> str:
    if user_scope.manager_city:
        return str(_("the whole city"))
    names = [districts[pk] for pk in sorted(user_scope.manager_district_ids) if pk in districts]
    if user_scope.manager_unit_ids:
        names += Unit.objects.filter(pk__in=user_scope.manager_unit_ids).values_list(
            "name", flat=True
        )
    return ", ".join(names)


def _ignored_filters(panel, query) -> list:
    active = [name for name in dashboards.FILTER_NAMES if getattr(query.filters, name)]
    return [FILTER_LABELS[name] for name in active if name not in panel.filters]


@roles_required(Role.MANAGER)
@never_cache
@require_GET
def dashboard(request):
    """Counts for the manager's scope, by gender, small cells suppressed."""
    user_scope = scope(request.user)
    query, form, described = dashboards.query_for(user_scope, request.GET or None)
    params = request.GET.urlencode()
    panels = dashboards.panels_for(user_scope)
    figures = dashboard_figures.figures(panels, query)
    sections: list[dict] = []
    for panel in panels:
        title = str(panel.section)
        if not sections or sections[-1]["title"] != title:
            sections.append({"title": title, "panels": []})
        exports = {
            fmt: reverse("dashboard_export", kwargs={"panel": panel.key, "fmt": fmt})
            + (f"?{params}" if params else "")
            for fmt in ("csv", "xlsx")
        }
        sections[-1]["panels"].append(
            {
                "panel": panel,
                "table": figures.tables[panel.key],
                "exports": exports,
                "ignored_filters": _ignored_filters(panel, query),
            }
        )
    return render(
        request,
        "portal/dashboard.html",
        {
            "form": form,
            "query": query,
            "filters": described,
            "scope_label": _scope_label(user_scope, query.districts),
            "sections": sections,
            "computed_at": figures.computed_at,
            "figures_minutes": max(1, int(dashboard_figures.max_age().total_seconds()) // 60),
            "worklist": worklist_for(user_scope),
            "marks": {"small": SMALL_MARK, "hidden": HIDDEN_MARK, "na": NOT_APPLICABLE_MARK},
        },
    )


@audited("dashboard.export", kinds=["dashboard"], kind=EXPORT)
@roles_required(Role.MANAGER)
@never_cache
@require_GET
def dashboard_export(request, panel: str, fmt: str):
    """One dashboard table as CSV or XLSX, suppressed exactly as on screen. Logged."""
    user_scope = scope(request.user)
    found = dashboards.panel_for(user_scope, panel)
    if found is None:
        raise Http404
    query, _form, described = dashboards.query_for(user_scope, request.GET or None)
    # The figures on the screen, when they are still kept.
    table = dashboard_figures.figures([found], query).tables[found.key]
    applied = [
        (label, value)
        for (label, value), name in zip(
            described,
            [n for n in dashboards.FILTER_NAMES if getattr(query.filters, n)],
            strict=True,
        )
        if name in found.filters
    ]
    log_access(
        request.user,
        "dashboard.export",
        rows=len(table.rows),
        panel=found.key,
        format=fmt,
        period=str(query.period),
        previous=str(query.previous),
        filters={
            name: getattr(query.filters, name)
            for name in dashboards.FILTER_NAMES
            if getattr(query.filters, name) and name in found.filters
        },
    )
    context = {"period": query.period, "previous": query.previous, "filters": applied}
    if fmt == "xlsx":
        return xlsx_response(table, **context)
    return csv_response(table, **context)
