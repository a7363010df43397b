"""The log reviewer's pages (loggkontroll) at /audit/.

Only the log reviewer may open them: everyone else, administrators included, gets
403 (and an anonymous visitor the login page). Every page is itself logged as a
review, with what was searched for.
"""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import rules
from portal.access import roles_required
from portal.accesslog import REVIEW, audited, note
from portal.audit import report_sections
from portal.audit.flags import flags_for
from portal.audit.forms import AuditSearchForm, PeriodForm, ReportForm
from portal.audit.retention import start_of_day_after
from portal.audit.selectors import (
    LogFilter,
    access_log,
    change_log,
    other_pupil_counts,
    page,
    pupil_labels,
    start_of_day,
    subjects_of,
)
from portal.dashboard_export import CSV_TYPE, escape_formula
from portal.roles import Role

REVIEWER = (Role.LOG_REVIEWER,)


def _rows_with_subjects(rows, *, pupil: int | None = None):
    """Each row with the pupils it names; on a pupil's own history, that pupil and
    how many others the row names."""
    subjects = subjects_of(rows, only=pupil)
    others = other_pupil_counts(rows, pupil) if pupil is not None else {}
    return [
        {"log": row, "subjects": subjects.get(row.pk, []), "others": others.get(row.pk, 0)}
        for row in rows
    ]


@audited("audit.search", kinds=["access_log"], kind=REVIEW)
@never_cache
@require_GET
@roles_required(*REVIEWER)
def search(request):
    """Search the access log by person, pupil, period, kind of record and action."""
    form = AuditSearchForm(request.GET or None)
    rows, next_cursor, searched = [], None, False
    if form.is_bound and form.is_valid():
        searched = True
        log_filter = form.log_filter()
        rows, next_cursor = page(access_log(log_filter), request.GET.get("after"))
        note(
            query=form.described(),
            rows=len(rows),
            students=[log_filter.student_id] if log_filter.student_id else [],
        )
    params = request.GET.copy()
    params.pop("after", None)
    return render(
        request,
        "portal/audit/search.html",
        {
            "form": form,
            "rows": _rows_with_subjects(rows),
            "searched": searched,
            "next_cursor": next_cursor,
            "params": params.urlencode(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@audited("audit.export", kinds=["access_log"], kind=REVIEW)
@never_cache
@require_GET
@roles_required(*REVIEWER)
def export(request):
    """The search as CSV, at most ``AUDIT_EXPORT_MAX_ROWS`` rows. Cells a spreadsheet
    would read as formulas are made plain text."""
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        return HttpResponse(_("The search is not valid."), status=400)
    log_filter = form.log_filter()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("When"),
            _("User name"),
            _("Action"),
            _("Kind"),
            _("Kinds of record"),
            _("Pupils"),
            _("Address"),
            _("Answer"),
            _("Search"),
            _("Rows"),
            _("From address"),
            _("Request id"),
        ]
    )
    count, cursor = 0, None
    while count < rules.AUDIT_EXPORT_MAX_ROWS:
        size = min(1000, rules.AUDIT_EXPORT_MAX_ROWS - count)
        rows, cursor = page(access_log(log_filter), cursor, size=size)
        subjects = subjects_of(rows)
        for row in rows:
            pupils = "; ".join(
                f"{s.label} [{s.basis_label}]" if s.basis else s.label
                for s in subjects.get(row.pk, [])
            )
            writer.writerow(
                [
                    escape_formula(value)
                    for value in (
                        timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
                        row.username,
                        row.action,
                        row.get_kind_display(),
                        ",".join(row.record_kind_list),
                        pupils,
                        row.path,
                        row.status_code if row.status_code is not None else "",
                        row.query,
                        row.rows if row.rows is not None else "",
                        row.remote_addr or "",
                        row.correlation_id,
                    )
                ]
            )
        count += len(rows)
        if cursor is None:
            break
    note(query=form.described(), rows=count, format="csv")
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type=CSV_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="accesslog-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@audited("audit.pupil_history", kinds=["access_log"], kind=REVIEW)
@never_cache
@require_GET
@roles_required(*REVIEWER)
def pupil_history(request, pk: int):
    """Everything the access log holds about one pupil, newest first."""
    rows, next_cursor = page(access_log(LogFilter(student_id=pk)), request.GET.get("after"))
    note(students=[pk], rows=len(rows))
    return render(
        request,
        "portal/audit/pupil_history.html",
        {
            "student_id": pk,
            "label": pupil_labels({pk})[pk],
            "rows": _rows_with_subjects(rows, pupil=pk),
            "next_cursor": next_cursor,
            "report_form": ReportForm(),
        },
    )


@audited("audit.flags", kinds=["access_log"], kind=REVIEW)
@never_cache
@require_GET
@roles_required(*REVIEWER)
def flags(request):
    """Rows worth a look in a period (portal.audit.flags)."""
    form = PeriodForm(request.GET or None)
    date_from, date_to = form.period()
    found = flags_for(start_of_day(date_from), start_of_day_after(date_to))
    note(query=f"date_from={date_from} date_to={date_to}", rows=sum(len(f.rows) for f in found))
    ids = set()
    for flag in found:
        if flag.key == "outside":
            ids |= {row.student_id for row in flag.rows}
        elif flag.key == "override":
            ids |= {s.student_id for row in flag.rows for s in row.subjects.all()}
    labels = pupil_labels(ids)
    for flag in found:
        for row in flag.rows:
            if flag.key == "outside":
                row.label = labels[row.student_id]
            elif flag.key == "override":
                row.pupils = [(s.student_id, labels[s.student_id]) for s in row.subjects.all()]
    return render(
        request,
        "portal/audit/flags.html",
        {
            "form": form,
            "date_from": date_from,
            "date_to": date_to,
            "flags": found,
            "max_days": rules.AUDIT_REVIEW_MAX_DAYS,
        },
    )


@audited("audit.request", kinds=["access_log", "change_log"], kind=REVIEW)
@never_cache
@require_GET
@roles_required(*REVIEWER)
def request_detail(request, cid: str):
    """One request: its access-log rows and the changes it made (the change log)."""
    rows = list(access_log(LogFilter(correlation_id=cid))[:100])
    changes = list(change_log(cid))
    if not rows and not changes:
        raise Http404
    note(query=f"request={cid}", rows=len(rows) + len(changes))
    return render(
        request,
        "portal/audit/request.html",
        {"cid": cid, "rows": _rows_with_subjects(rows), "changes": changes},
    )


@audited("audit.personal_data_report", kinds=["personal_data_report"], kind=REVIEW)
@never_cache
@require_GET
@roles_required(*REVIEWER)
def personal_data_report(request, pk: int):
    """Registerutdrag (GDPR art. 15): everything the portal holds about one pupil, as
    a document the data-protection officer checks and hands over. What is secret
    toward the person who asks (a guardian, or the pupil) is left out; the officer
    sees how much, and the printed document does not."""
    labels = pupil_labels({pk})
    if labels[pk] == f"#{pk}":
        raise Http404
    form = ReportForm(request.GET or None)
    requester = form.cleaned_data["requester"] if form.is_valid() else "guardian"
    parts = [(section, section.build(pk, requester)) for section in report_sections()]
    note(students=[pk], requester=requester, rows=sum(len(p.entries) for _s, p in parts))
    return render(
        request,
        "portal/audit/report.html",
        {
            "label": labels[pk],
            "student_id": pk,
            "requester": dict(form.fields["requester"].choices)[requester],
            "parts": parts,
            "withheld": sum(p.withheld for _s, p in parts),
            "made_at": timezone.localtime(),
            "form": form,
        },
    )
