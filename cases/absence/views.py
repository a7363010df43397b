"""Pages for absence: recording a period, importing a CSV file, and the rektor's
absence investigations."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.absence import csv_format, forms, selectors, services
from cases.selectors import student_get
from portal import rules
from portal.access import roles_required
from portal.accesslog import audited, note
from portal.forms import add_service_errors
from portal.roles import SCHOOL_ROLES, Role

SCHOOL = tuple(SCHOOL_ROLES)


def _status(request) -> int:
    return 400 if request.method == "POST" else 200


@audited("absence.record", kinds=["absence"])
@require_http_methods(["GET", "POST"])
@roles_required(*SCHOOL)
def absence_new(request, pk: int):
    student = student_get(request.user, pk)
    if not selectors.may_record_absence(request.user, student):
        raise PermissionDenied
    form = forms.AbsenceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.absence_record(by=request.user, student=student, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The absence is recorded."))
            return redirect("cases:student_detail", pk=student.pk)
    return render(
        request,
        "cases/absence/form.html",
        {"student": student, "form": form},
        status=_status(request),
    )


@audited("absence.import", kinds=["absence"])
@require_http_methods(["GET", "POST"])
@roles_required(*SCHOOL)
def absence_import(request):
    if request.method == "POST":
        form = forms.AbsenceImportForm(request.POST, request.FILES)
    else:
        form = forms.AbsenceImportForm()
    row_errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > rules.ABSENCE_IMPORT_MAX_BYTES:
                # Refused before it is read into memory.
                raise ValidationError(
                    _("The file is larger than %(mb)s MB. Split it into smaller files.")
                    % {"mb": rules.ABSENCE_IMPORT_MAX_BYTES // (1024 * 1024)}
                )
            content = upload.read(rules.ABSENCE_IMPORT_MAX_BYTES + 1)
            records = services.absence_import_csv(by=request.user, content=content)
        except services.AbsenceImportRejected as exc:
            row_errors = exc.row_errors
            form.add_error(
                None,
                _(
                    "Nothing was imported: %(count)s rows have errors. Correct them and "
                    "import the whole file again."
                )
                % {"count": len({e.line for e in row_errors})},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            note(students=sorted({r.student_id for r in records}), rows=len(records))
            messages.success(
                request,
                _("%(periods)s periods of absence were imported for %(pupils)s pupils.")
                % {"periods": len(records), "pupils": len({r.student_id for r in records})},
            )
            return redirect("cases:absence_import")
    return render(
        request,
        "cases/absence/import.html",
        {
            "form": form,
            "row_errors": row_errors,
            "header": csv_format.DELIMITER.join(csv_format.HEADER),
            "max_mb": rules.ABSENCE_IMPORT_MAX_BYTES // (1024 * 1024),
            "max_rows": rules.ABSENCE_IMPORT_MAX_ROWS,
        },
        status=_status(request),
    )


@audited("absence_investigation.open", kinds=["absence_investigation", "absence"])
@require_http_methods(["GET", "POST"])
@roles_required(Role.PRINCIPAL)
def investigation_new(request, pk: int):
    student = student_get(request.user, pk)
    if not selectors.may_open_absence_investigation(request.user, student):
        raise PermissionDenied
    form = forms.AbsenceInvestigationOpenForm(
        request.POST if request.method == "POST" else None,
        initial={"opened_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.absence_investigation_open(
                by=request.user, student=student, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The absence investigation is opened."))
            return redirect("cases:student_detail", pk=student.pk)
    records = selectors.latest_periods(student, 3)
    return render(
        request,
        "cases/absence/investigation_form.html",
        {
            "student": student,
            "form": form,
            "records": records,
            "attention": selectors.absence_attention(records),
        },
        status=_status(request),
    )


@audited("absence_investigation.close", kinds=["absence_investigation"])
@require_http_methods(["GET", "POST"])
@roles_required(Role.PRINCIPAL)
def investigation_close(request, pk: int):
    investigation = get_object_or_404(
        selectors.absence_investigations_visible_to(request.user).select_related(
            "student", "opened_by"
        ),
        pk=pk,
    )
    note(students=[investigation.student])
    if not selectors.may_close_absence_investigation(request.user, investigation):
        raise PermissionDenied
    form = forms.AbsenceInvestigationCloseForm(
        request.POST if request.method == "POST" else None,
        initial={
            "closed_on": timezone.localdate(),
            "findings": investigation.findings,
            "pupil_heard": investigation.pupil_heard,
            "guardians_heard": investigation.guardians_heard,
            "student_health_involved": investigation.student_health_involved,
            "reported_to_huvudman": investigation.reported_to_huvudman,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.absence_investigation_close(
                investigation=investigation, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The absence investigation is closed."))
            return redirect("cases:student_detail", pk=investigation.student_id)
    return render(
        request,
        "cases/absence/investigation_close.html",
        {"investigation": investigation, "form": form},
        status=_status(request),
    )
