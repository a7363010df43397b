"""Pages for insatser (social services register and manage them) and the joint
advice note (both sides, under consent). Reading them is on the pupil page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.insatser import forms, selectors, services
from cases.selectors import student_get
from portal.access import PUPIL_ROLES, roles_required
from portal.accesslog import CHANGE, audited
from portal.forms import run_service
from portal.roles import SOCIAL_ROLES


def _insats_page(request, *, student, form, insats=None):
    return render(
        request,
        "cases/insatser/form.html",
        {"student": student, "form": form, "insats": insats},
        status=400 if request.method == "POST" else 200,
    )


@audited("insats.register", kinds=["insats"], kind=CHANGE)
@require_http_methods(["GET", "POST"])
@roles_required(*SOCIAL_ROLES)
def insats_new(request, pk: int):
    student = student_get(request.user, pk)
    if not selectors.may_manage_insatser(request.user, student):
        raise PermissionDenied
    form = forms.InsatsForm(
        request.POST if request.method == "POST" else None,
        contacts=selectors.contact_people_for(request.user),
        initial={"contact_person": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form, services.insats_register, by=request.user, student=student, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("The insats is registered."))
            return redirect("cases:student_detail", pk=student.pk)
    return _insats_page(request, student=student, form=form)


@audited("insats.update", kinds=["insats"], kind=CHANGE)
@require_http_methods(["GET", "POST"])
@roles_required(*SOCIAL_ROLES)
def insats_edit(request, pk: int):
    insats = selectors.insats_get_for_manage(request.user, pk)
    form = forms.InsatsForm(
        request.POST if request.method == "POST" else None,
        contacts=selectors.contact_people_for(request.user),
        initial={
            "kind": insats.kind,
            "starts_on": insats.starts_on,
            "ends_on": insats.ends_on,
            "contact_person": insats.contact_person_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form, services.insats_update, by=request.user, insats=insats, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("The insats is updated."))
            return redirect("cases:student_detail", pk=insats.student_id)
    return _insats_page(request, student=insats.student, form=form, insats=insats)


@audited("joint_advice.add", kinds=["joint_advice"], kind=CHANGE)
@require_POST
@roles_required(*PUPIL_ROLES)
def joint_advice_add(request, pk: int):
    student = student_get(request.user, pk)
    if selectors.joint_advice_for(request.user, student) is None:
        # Without the consent there is no note to write to: as if the page did not exist.
        raise Http404
    form = forms.JointAdviceForm(request.POST, auto_id="advice_%s")
    if form.is_valid():
        done = run_service(
            form, services.joint_advice_add, by=request.user, student=student, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("The note is saved. Both sides see it."))
            return redirect("cases:student_detail", pk=student.pk)
    return render(
        request, "cases/insatser/advice_error.html", {"student": student, "form": form}, status=400
    )
