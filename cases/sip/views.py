"""Pages for SIP plans and meetings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import SipPlan
from cases.selectors import student_get
from cases.sip import forms, selectors, services
from portal.access import PUPIL_ROLES, roles_required
from portal.accesslog import LIST, audited, note
from portal.forms import run_service
from portal.models import Unit, User
from portal.paging import page_of
from portal.roles import Role

SIP_STARTERS = (Role.SIP_COORDINATOR, Role.SOCIAL_WORKER)


@audited("sip.list", kinds=["sip"], kind=LIST)
@require_GET
@roles_required(*PUPIL_ROLES)
def sip_list(request):
    page = page_of(
        request,
        selectors.sips_visible_to(request.user).order_by("status", "-created_at", "-id"),
        related=("student", "convenor_unit"),
    )
    plans = page.rows
    versions = selectors.current_versions(plans)
    rows = []
    for plan in plans:
        version = versions.get(plan.pk)
        rows.append(
            {"plan": plan, "version": version, "status": selectors.display_status(plan, version)}
        )
    note(students=[r["plan"].student for r in rows], rows=len(rows), page=page.number)
    return render(request, "cases/sip/list.html", {"rows": rows, "page": page})


@audited("sip.start", kinds=["sip"])
@require_POST
@roles_required(*SIP_STARTERS)
def sip_start(request, student_pk: int):
    student = student_get(request.user, student_pk)
    try:
        plan = services.sip_start(by=request.user, student=student)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:student_detail", pk=student.pk)
    messages.success(
        request, _("A SIP is started as a draft. Add participants and write the plan.")
    )
    return redirect("cases:sip_detail", pk=plan.pk)


def _detail_context(request, plan, **overrides):
    convening = selectors.is_convening_side(request.user, plan)
    # Newest first: the current version heads the history (one query for both).
    history = list(selectors.versions_of(plan))
    version = history[0] if history else None
    units = Unit.objects.filter(pk__in=plan.participants.exclude(unit=None).values("unit_id"))
    ctx = {
        "plan": plan,
        "version": version,
        "status": selectors.display_status(plan, version),
        "history": history,
        "participants": plan.participants.select_related("unit", "user"),
        "meetings": plan.meetings.order_by("-starts_at"),
        "convening": convening,
    }
    if convening and plan.status != SipPlan.Status.CLOSED:
        initial = {}
        if version:
            initial = {
                "needs": version.needs,
                "lead_unit": version.lead_unit_id,
                "lead_person": version.lead_person,
                "follow_up_how": version.follow_up_how,
                "next_follow_up_on": version.next_follow_up_on,
            }
        ctx.update(
            {
                "version_form": forms.SipVersionForm(initial=initial, units=units),
                "interventions": forms.InterventionFormSet(
                    prefix="i",
                    initial=[
                        {"what": i.what, "provider": i.provider, "responsible": i.responsible}
                        for i in (version.interventions.all() if version else [])
                    ],
                ),
                "participant_form": forms.ParticipantForm(
                    units=_participant_units(plan), users=_participant_users(plan)
                ),
                "meeting_form": forms.SipMeetingForm(),
                "escalate_form": forms.ReasonForm(),
                "close_form": forms.OutcomeForm(),
            }
        )
    ctx.update(overrides)
    return ctx


def _participant_units(plan):
    student = plan.student
    return Unit.objects.filter(
        Q(pk=student.school_unit_id)
        | Q(district_id=student.home_district_id, kind__in=Unit.SOCIAL_KINDS)
        | Q(kind=Unit.Kind.REGION)
        | Q(kind=Unit.Kind.SPECIAL_GROUP)
    ).order_by("kind", "name")


def _participant_users(plan):
    units = plan.participants.exclude(unit=None).values("unit_id")
    return (
        User.objects.filter(is_active=True, memberships__unit_id__in=units)
        .distinct()
        .order_by("last_name", "first_name")
    )


@audited("sip.view", kinds=["sip", "meeting"])
@require_GET
@roles_required(*PUPIL_ROLES)
def sip_detail(request, pk: int):
    plan = selectors.sip_get(request.user, pk)
    return render(request, "cases/sip/detail.html", _detail_context(request, plan))


def _convenor_post(view):
    """POST-only, for the convening side; 404 for plans outside the user's view."""

    @require_POST
    @roles_required(*PUPIL_ROLES)
    def wrapped(request, pk: int):
        plan = selectors.sip_get(request.user, pk)
        if not selectors.is_convening_side(request.user, plan):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return view(request, plan)

    return wrapped


def _rerender(request, plan, **forms_override):
    for form in forms_override.values():
        errors = getattr(form, "non_field_errors", None)
        if errors:
            for error in errors():
                messages.error(request, error)
    return render(
        request,
        "cases/sip/detail.html",
        _detail_context(request, plan, **forms_override),
        status=400,
    )


@audited("sip.version", kinds=["sip"])
@_convenor_post
def sip_version(request, plan):
    units = Unit.objects.filter(pk__in=plan.participants.exclude(unit=None).values("unit_id"))
    form = forms.SipVersionForm(request.POST, units=units)
    interventions = forms.InterventionFormSet(request.POST, prefix="i")
    if form.is_valid() and interventions.is_valid():
        rows = [f.cleaned_data for f in interventions if f.cleaned_data]
        if run_service(
            form,
            services.sip_version_save,
            plan=plan,
            by=request.user,
            interventions=rows,
            **form.cleaned_data,
        ):
            messages.success(request, _("The plan is saved as a new version."))
            return redirect("cases:sip_detail", pk=plan.pk)
    return _rerender(request, plan, version_form=form, interventions=interventions)


@audited("sip.participant", kinds=["sip"])
@_convenor_post
def sip_participant(request, plan):
    form = forms.ParticipantForm(
        request.POST, units=_participant_units(plan), users=_participant_users(plan)
    )
    if form.is_valid() and run_service(
        form, services.sip_participant_add, plan=plan, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("The participant is added."))
        return redirect("cases:sip_detail", pk=plan.pk)
    return _rerender(request, plan, participant_form=form)


@audited("sip.activate", kinds=["sip"])
@_convenor_post
def sip_activate(request, plan):
    try:
        services.sip_activate(plan=plan, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _rerender(request, plan)
    messages.success(request, _("The SIP is active."))
    return redirect("cases:sip_detail", pk=plan.pk)


@audited("sip.escalate", kinds=["sip"])
@_convenor_post
def sip_escalate(request, plan):
    form = forms.ReasonForm(request.POST)
    if form.is_valid() and run_service(
        form, services.sip_escalate, plan=plan, by=request.user, reason=form.cleaned_data["reason"]
    ):
        messages.success(request, _("The SIP is escalated to BUS collaboration."))
        return redirect("cases:sip_detail", pk=plan.pk)
    return _rerender(request, plan, escalate_form=form)


@audited("sip.close", kinds=["sip"])
@_convenor_post
def sip_close(request, plan):
    form = forms.OutcomeForm(request.POST)
    if form.is_valid() and run_service(
        form, services.sip_close, plan=plan, by=request.user, outcome=form.cleaned_data["outcome"]
    ):
        messages.success(request, _("The SIP is closed."))
        return redirect("cases:sip_detail", pk=plan.pk)
    return _rerender(request, plan, close_form=form)


@audited("sip.meeting", kinds=["sip", "meeting"])
@_convenor_post
def sip_meeting(request, plan):
    form = forms.SipMeetingForm(request.POST)
    if form.is_valid():
        meeting = run_service(
            form, services.sip_meeting_schedule, plan=plan, by=request.user, **form.cleaned_data
        )
        if meeting is not None:
            messages.success(request, _("The meeting is booked and the invitations are sent."))
            return redirect("cases:meeting_detail", pk=meeting.pk)
    return _rerender(request, plan, meeting_form=form)


# --- meetings ---


@audited("meeting.view", kinds=["meeting"])
@require_GET
@roles_required(*PUPIL_ROLES)
def meeting_detail(request, pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    me = next((p for p in meeting.participants.all() if p.user_id == request.user.pk), None)
    organising = meeting.organiser_unit_id in _unit_ids(request.user)
    return render(
        request,
        "cases/meetings/detail.html",
        {
            "meeting": meeting,
            "me": me,
            "organising": organising,
            "may_read_minutes": selectors.may_read_minutes(request.user, meeting),
            "minutes_form": forms.MinutesForm(initial={"minutes": meeting.minutes}),
        },
    )


def _unit_ids(user):
    from portal.access import scope

    return scope(user).unit_roles.keys()


@audited("meeting.respond", kinds=["meeting"])
@require_POST
@roles_required(*PUPIL_ROLES)
def meeting_respond(request, pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    form = forms.RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Answer yes or no."))
        return redirect("cases:meeting_detail", pk=meeting.pk)
    services.meeting_respond(
        meeting=meeting, by=request.user, response=form.cleaned_data["response"]
    )
    messages.success(request, _("Your answer is saved."))
    return redirect("cases:meeting_detail", pk=meeting.pk)


@audited("meeting.minutes", kinds=["meeting", "minutes"])
@require_http_methods(["POST"])
@roles_required(*PUPIL_ROLES)
def meeting_minutes(request, pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    # Before the form: a refused form renders the minutes, which only the organiser reads.
    if meeting.organiser_unit_id not in _unit_ids(request.user):
        raise PermissionDenied
    form = forms.MinutesForm(request.POST)
    if form.is_valid():
        services.meeting_minutes_save(
            meeting=meeting, by=request.user, minutes=form.cleaned_data["minutes"]
        )
        messages.success(request, _("The minutes are saved."))
        return redirect("cases:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "cases/meetings/detail.html",
        {
            "meeting": meeting,
            "organising": True,
            "may_read_minutes": True,
            "minutes_form": form,
        },
        status=400,
    )
