"""Pages for placements in special teaching groups: the principal applies, the
antagningsgrupp decides, the principals start and end the placement."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, When
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.absence.selectors import latest_periods, sst_eligibility_hint
from cases.models import Placement
from cases.placements import forms, selectors, services
from cases.selectors import student_get, students_visible_to
from portal.access import PUPIL_ROLES, roles_required
from portal.accesslog import LIST, audited, note
from portal.forms import run_service
from portal.roles import Role

DECIDERS = (Role.PRINCIPAL, Role.SOCIAL_WORKER, Role.SIP_COORDINATOR)


def _back(request, placement):
    """To the pupil page when the user may open it, else to the placement list."""
    if students_visible_to(request.user).filter(pk=placement.student_id).exists():
        return redirect("cases:student_detail", pk=placement.student_id)
    return redirect("cases:placement_list")


@audited("placement.list", kinds=["placement"], kind=LIST)
@require_GET
@roles_required(*PUPIL_ROLES)
def placement_list(request):
    """Applications waiting for the antagningsgrupp first, then the rest."""
    user = request.user
    waiting_first = Case(When(status=Placement.Status.APPLIED, then=0), default=1)
    placements = list(
        selectors.placements_visible_to(user).order_by(waiting_first, "-applied_at", "-id")[:200]
    )
    districts = selectors.admission_group_district_ids(user)
    visible = set(
        students_visible_to(user)
        .filter(pk__in={p.student_id for p in placements})
        .values_list("pk", flat=True)
    )
    rows = [
        {
            "placement": p,
            "pupil_link": p.student_id in visible,
            "may_decide": selectors.may_decide(user, p, districts=districts),
            "may_manage": selectors.may_manage(user, p),
        }
        for p in placements
    ]
    note(students=[p.student for p in placements], rows=len(rows))
    return render(request, "cases/placements/list.html", {"rows": rows})


@audited("placement.apply", kinds=["placement", "absence"])
@require_http_methods(["GET", "POST"])
@roles_required(Role.PRINCIPAL)
def placement_new(request, pk: int):
    student = student_get(request.user, pk)
    if not selectors.may_apply(request.user, student):
        raise PermissionDenied
    form = forms.PlacementApplyForm(
        request.POST if request.method == "POST" else None, groups=selectors.special_groups()
    )
    if request.method == "POST" and form.is_valid():
        placement = run_service(
            form, services.placement_apply, by=request.user, student=student, **form.cleaned_data
        )
        if placement is not None:
            messages.success(request, _("The application is sent to the antagningsgrupp."))
            return redirect("cases:student_detail", pk=student.pk)
    latest = latest_periods(student, 1)
    return render(
        request,
        "cases/placements/apply.html",
        {
            "student": student,
            "form": form,
            "latest": latest[0] if latest else None,
            "sst_hint": sst_eligibility_hint(student, latest[0] if latest else None),
        },
        status=400 if request.method == "POST" else 200,
    )


def _placement_action(*, roles, allowed, step_from, form_class, form_kwargs, call, template, done):
    """A GET/POST page for one step of a placement, taken from status ``step_from``.
    Out of turn, GET explains and POST is refused by the service with its reason."""

    @require_http_methods(["GET", "POST"])
    @roles_required(*roles)
    def view(request, pk: int):
        placement = selectors.placement_get(request.user, pk)
        if not allowed(request.user, placement):
            raise PermissionDenied
        kwargs = form_kwargs(request.user, placement)
        form = form_class(request.POST if request.method == "POST" else None, **kwargs)
        if request.method == "POST" and form.is_valid():
            data = form.service_kwargs() if hasattr(form, "service_kwargs") else form.cleaned_data
            if run_service(form, call, placement=placement, by=request.user, **data) is not None:
                messages.success(request, done())
                return _back(request, placement)
        if request.method == "GET" and placement.status != step_from:
            form = None
        return render(
            request,
            template,
            {"placement": placement, "form": form},
            status=400 if request.method == "POST" else 200,
        )

    return view


def _end(*, placement, by, ends_on, end_reason):
    return services.placement_end(placement=placement, by=by, ends_on=ends_on, reason=end_reason)


placement_decide = _placement_action(
    step_from=Placement.Status.APPLIED,
    roles=DECIDERS,
    allowed=selectors.may_decide,
    form_class=forms.PlacementDecideForm,
    form_kwargs=lambda user, p: {"meetings": selectors.admission_meetings_for(user, p)},
    call=services.placement_decide,
    template="cases/placements/decide.html",
    done=lambda: _("The decision is recorded."),
)
placement_start = _placement_action(
    step_from=Placement.Status.ADMITTED,
    roles=(Role.PRINCIPAL,),
    allowed=selectors.may_manage,
    form_class=forms.PlacementStartForm,
    form_kwargs=lambda user, p: {},
    call=services.placement_start,
    template="cases/placements/start.html",
    done=lambda: _("The placement has started."),
)
placement_end = _placement_action(
    step_from=Placement.Status.ACTIVE,
    roles=(Role.PRINCIPAL,),
    allowed=selectors.may_manage,
    form_class=forms.PlacementEndForm,
    form_kwargs=lambda user, p: {},
    call=_end,
    template="cases/placements/end.html",
    done=lambda: _("The placement has ended."),
)

# The access log (portal.accesslog): every step writes a row.
placement_decide = audited("placement.decide", kinds=["placement"])(placement_decide)
placement_start = audited("placement.start", kinds=["placement"])(placement_start)
placement_end = audited("placement.end", kinds=["placement"])(placement_end)
