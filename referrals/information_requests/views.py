"""Pages for information requests: the social worker sends one from the utredning,
the receiving school answers it. The school's pages show the request and its own
answer, never the utredning."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import rules
from portal.access import roles_required
from portal.accesslog import EXPORT, LIST, audited, note
from portal.forms import run_service
from portal.roles import SCHOOL_ROLES, Role
from referrals.information_requests import forms, selectors, services

SCHOOL = tuple(SCHOOL_ROLES)


def _back_to_case(investigation):
    if investigation.concern_id:
        return redirect("referrals:case", pk=investigation.concern_id)
    return redirect("cases:student_detail", pk=investigation.student_id)


@audited("information_request.send", kinds=["investigation", "information_request"])
@require_http_methods(["GET", "POST"])
@roles_required(Role.SOCIAL_WORKER)
def information_request_new(request, pk: int):
    """The social worker writes a request in an utredning of their district."""
    investigation = selectors.investigation_get_for_requests(request.user, pk)
    units = selectors.recipient_units_for(investigation.student)
    form = forms.InformationRequestForm(
        request.POST if request.method == "POST" else None, recipient_units=units
    )
    if request.method == "POST" and form.is_valid():
        sent = run_service(
            form,
            services.information_request_send,
            by=request.user,
            investigation=investigation,
            **form.cleaned_data,
        )
        if sent is not None:
            messages.success(
                request,
                _("The request is sent to %(unit)s.") % {"unit": sent.recipient_unit.name},
            )
            return _back_to_case(investigation)
    return render(
        request,
        "referrals/information_requests/new.html",
        {"form": form, "investigation": investigation},
        status=400 if request.method == "POST" else 200,
    )


@audited("information_request.list", kinds=["information_request"], kind=LIST)
@require_GET
@roles_required(*SCHOOL)
def information_request_list(request):
    """Requests for information to the user's school (the principal) or assigned to them."""
    rows = list(
        selectors.information_requests_for_school(request.user).order_by(
            "answer__answered_at", "due_on", "id"
        )[:200]
    )
    note(students=[r.student for r in rows], rows=len(rows))
    open_rows = [r for r in rows if not hasattr(r, "answer")]
    answered = [r for r in rows if hasattr(r, "answer")]
    return render(
        request,
        "referrals/information_requests/list.html",
        {"open_requests": open_rows, "answered": answered},
    )


def _detail(request, item, *, answer_form=None, assign_form=None, status=200):
    user = request.user
    answer = getattr(item, "answer", None)
    ctx = {
        "item": item,
        "answer": answer,
        "attachments": list(answer.attachments.all()) if answer else [],
        "may_answer": selectors.may_answer(user, item),
        "may_assign": selectors.may_assign(user, item),
    }
    if ctx["may_answer"]:
        ctx["answer_form"] = answer_form or forms.AnswerForm()
    if ctx["may_assign"]:
        ctx["assign_form"] = assign_form or forms.AssignForm(
            staff=selectors.assignable_staff(item), initial={"assignee": item.assigned_to_id}
        )
    return render(request, "referrals/information_requests/detail.html", ctx, status=status)


@audited("information_request.view", kinds=["information_request", "information_answer"])
@require_GET
@roles_required(*SCHOOL)
def information_request_detail(request, pk: int):
    item = selectors.information_request_get_for_school(request.user, pk)
    return _detail(request, item)


@audited("information_request.answer", kinds=["information_request", "information_answer"])
@require_POST
@roles_required(*SCHOOL)
def information_request_answer(request, pk: int):
    item = selectors.information_request_get_for_school(request.user, pk)
    form = forms.AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        answer = run_service(
            form,
            services.information_request_answer,
            by=request.user,
            request=item,
            text=form.cleaned_data["text"],
            attachments=form.cleaned_data["attachments"],
        )
        if answer is not None:
            messages.success(request, _("The answer is sent to the social services."))
            return redirect("referrals:information_request_detail", pk=item.pk)
    item = selectors.information_request_get_for_school(request.user, pk)
    return _detail(request, item, answer_form=form, status=400)


@audited("information_request.assign", kinds=["information_request"])
@require_POST
@roles_required(Role.PRINCIPAL)
def information_request_assign(request, pk: int):
    item = selectors.information_request_get_for_school(request.user, pk)
    form = forms.AssignForm(request.POST, staff=selectors.assignable_staff(item))
    if form.is_valid():
        done = run_service(
            form,
            services.information_request_assign,
            by=request.user,
            request=item,
            assignee=form.cleaned_data["assignee"],
        )
        if done is not None:
            messages.success(request, _("The request is assigned."))
            return redirect("referrals:information_request_detail", pk=item.pk)
    item = selectors.information_request_get_for_school(request.user, pk)
    return _detail(request, item, assign_form=form, status=400)


@audited("information_answer.attachment", kinds=["information_answer"], kind=EXPORT)
@require_GET
@roles_required(*SCHOOL, Role.SOCIAL_WORKER)
def information_attachment(request, pk: int):
    """An attachment of an answer, after the permission check; never cached."""
    attachment = selectors.attachment_get(request.user, pk)
    note(format=attachment.content_type, rows=1)
    extension = rules.INFORMATION_ANSWER_FILE_TYPES.get(attachment.content_type, "")
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=f"svar-{attachment.answer.request_id}-{attachment.pk}{extension}",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
