"""Pages for concerns: the school side (report, my reports, feedback) and the
social side (inbox, case handling). The two sides never share a template."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Student
from cases.selectors import students_search, students_visible_to
from portal.access import roles_required, scope
from portal.accesslog import LIST, audited, note
from portal.forms import run_service
from portal.paging import page_of
from portal.roles import SCHOOL_ROLES, Role
from referrals import deadlines, forms, selectors, services
from referrals.models import Concern, ConcernDraft, Suspension

SCHOOL = tuple(SCHOOL_ROLES)
SOCIAL_WORKER = (Role.SOCIAL_WORKER,)


# --- the school side: reporting ---


@audited("concern.start", kinds=["student"])
@require_http_methods(["GET", "POST"])
@roles_required(*SCHOOL)
def concern_start(request):
    """Step 1: choose the pupil. One report per pupil; several pupils are several reports."""
    if request.method == "POST":
        form = forms.ChoosePupilForm(request.POST)
        if form.is_valid():
            student = get_object_or_404(
                students_visible_to(request.user).filter(
                    school_unit_id__in=scope(request.user).school_unit_ids
                ),
                pk=form.cleaned_data["student"],
            )
            note(students=[student])
            draft = services.draft_start(author=request.user, student=student)
            return redirect("referrals:concern_write", token=draft.token)
        return HttpResponse(status=400)
    text = request.GET.get("q", "")[:100]
    pupils = (
        list(
            students_search(request.user, text).filter(
                school_unit_id__in=scope(request.user).school_unit_ids
            )[:25]
        )
        if text
        else []
    )
    drafts = ConcernDraft.objects.filter(author=request.user).select_related("student")
    if text:
        note(students=pupils, query=text, rows=len(pupils), kind=LIST)
    return render(
        request,
        "referrals/school/start.html",
        {"pupils": pupils, "query": text, "drafts": drafts},
    )


def _draft_for(request, token) -> ConcernDraft:
    draft = get_object_or_404(
        ConcernDraft.objects.select_related("student__school_unit"),
        token=token,
        author=request.user,
    )
    note(students=[draft.student], kinds=["concern_draft"])
    return draft


@audited("concern.write", kinds=["concern_draft"])
@require_http_methods(["GET", "POST"])
@roles_required(*SCHOOL)
def concern_write(request, token):
    """Step 2: write and send the report. What is typed is kept as a draft."""
    try:
        draft = _draft_for(request, token)
    except Http404:
        # Already sent (perhaps by a second click): show the report instead.
        sent = get_object_or_404(Concern, draft_token=token, reporter=request.user)
        return redirect("referrals:concern_detail", pk=sent.pk)
    if request.method == "GET":
        form = forms.ConcernSubmitForm(initial=draft.data)
        return render(request, "referrals/school/write.html", {"form": form, "draft": draft})
    if request.POST.get("action") == "save":
        services.draft_save(draft=draft, author=request.user, data=_draft_data(request.POST))
        messages.success(request, _("The draft is saved."))
        return redirect("referrals:concern_write", token=draft.token)
    form = forms.ConcernSubmitForm(request.POST)
    services.draft_save(draft=draft, author=request.user, data=_draft_data(request.POST))
    if form.is_valid():
        data = form.cleaned_data
        concern = run_service(
            form,
            services.concern_submit,
            reporter=request.user,
            draft=draft,
            categories=data["categories"],
            worry=data["worry"],
            relation=data["relation"],
            child_said=data["child_said"],
            observed=data["observed"],
            earlier_concerns=data["earlier_concerns"],
            guardians_informed=data["guardians_informed"],
            immediate_danger=data["immediate_danger"],
        )
        if concern is not None:
            messages.success(
                request,
                _("Report %(ref)s is sent to the social services.") % {"ref": concern.reference},
            )
            return redirect("referrals:concern_detail", pk=concern.pk)
    return render(
        request, "referrals/school/write.html", {"form": form, "draft": draft}, status=400
    )


@require_POST
@roles_required(*SCHOOL)
def concern_autosave(request, token):
    """htmx: keep the draft while the reporter types."""
    draft = _draft_for(request, token)
    try:
        services.draft_save(draft=draft, author=request.user, data=_draft_data(request.POST))
    except ConcernDraft.DoesNotExist:
        raise Http404 from None
    saved = date_format(timezone.localtime(draft.updated_at), "H:i")
    return HttpResponse(_("Draft saved %(time)s") % {"time": saved})


@audited("concern.draft_discard", kinds=["concern_draft"])
@require_POST
@roles_required(*SCHOOL)
def concern_draft_discard(request, token):
    draft = _draft_for(request, token)
    draft.delete()
    messages.success(request, _("The draft is deleted."))
    return redirect("referrals:concern_start")


def _draft_data(post) -> dict:
    data = {key: post.get(key, "") for key in services.DRAFT_FIELDS}
    data["categories"] = post.getlist("categories")
    data["guardians_informed"] = bool(post.get("guardians_informed"))
    data["immediate_danger"] = bool(post.get("immediate_danger"))
    return data


@audited("concern.list_school", kinds=["concern"], kind=LIST)
@require_GET
@roles_required(*SCHOOL)
def concern_mine(request):
    """The reporter's own reports; for a principal, every report from the school."""
    page = page_of(
        request,
        selectors.concerns_for_school(request.user).order_by("-received_at", "-id"),
        related=("student", "reporter", "preliminary_assessment"),
        # Filed by the user, or from the principal's school: each on its own index.
        parts=selectors.concerns_for_school_parts(request.user),
    )
    rows = [(c, selectors.feedback_status(c)) for c in page.rows]
    note(students=[c.student for c in page.rows], rows=len(rows), page=page.number)
    return render(request, "referrals/school/mine.html", {"rows": rows, "page": page})


def _school_detail(request, concern: Concern, amend_form=None, status=200):
    return render(
        request,
        "referrals/school/detail.html",
        {
            "concern": concern,
            "categories": concern.categories.all(),
            "amendments": concern.amendments.select_related("author"),
            "feedback": selectors.feedback_status(concern),
            "meeting": selectors.meeting_for_participant(request.user, concern),
            "may_amend": concern.reporter_id == request.user.pk,
            "amend_form": amend_form or forms.AmendmentForm(),
        },
        status=status,
    )


@audited("concern.view_school", kinds=["concern", "amendment"])
@require_GET
@roles_required(*SCHOOL)
def concern_detail(request, pk: int):
    return _school_detail(request, selectors.concern_get_for_school(request.user, pk))


@audited("concern.amend", kinds=["concern", "amendment"])
@require_POST
@roles_required(*SCHOOL)
def concern_amend(request, pk: int):
    concern = selectors.concern_get_for_school(request.user, pk)
    form = forms.AmendmentForm(request.POST)
    if form.is_valid() and run_service(
        form,
        services.amendment_add,
        concern=concern,
        author=request.user,
        text=form.cleaned_data["text"],
    ):
        messages.success(request, _("The addition is saved."))
        return redirect("referrals:concern_detail", pk=concern.pk)
    return _school_detail(request, concern, form, status=400)


# --- the social side ---


@audited("inbox.list", kinds=["concern", "suspension"], kind=LIST)
@require_GET
@roles_required(*SOCIAL_WORKER)
def inbox(request):
    show = "decided" if request.GET.get("show") == "decided" else "open"
    text = request.GET.get("q", "")[:100]
    page = page_of(
        request,
        selectors.inbox_for(request.user, text=text, show=show),
        related=selectors.INBOX_RELATED,
    )
    concerns = page.rows
    today = timezone.localdate()
    rows = []
    for c in concerns:
        protection_done = hasattr(c, "protection_assessment")
        decided = getattr(c, "preliminary_assessment", None)
        rows.append(
            {
                "concern": c,
                "decision": decided.get_decision_display() if decided else "",
                "protection": deadlines.state(
                    c.protection_due_on, done=protection_done, today=today
                ),
                "preliminary": deadlines.state(
                    c.preliminary_due_on, done=decided is not None, today=today
                ),
            }
        )
    notices = list(selectors.suspension_notices_for(request.user)[:50])
    note(
        students=[c.student for c in concerns] + [n.student for n in notices],
        query=text,
        rows=len(rows) + len(notices),
        show=show,
        page=page.number,
    )
    return render(
        request,
        "referrals/social/inbox.html",
        {"rows": rows, "show": show, "query": text, "notices": notices, "page": page},
    )


@audited("concern.register", kinds=["concern"])
@require_http_methods(["GET", "POST"])
@roles_required(*SOCIAL_WORKER)
def concern_register(request):
    """Register a report received by phone or letter."""
    form = forms.PhoneReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        student = Student.objects.filter(personnummer=data["personnummer"]).first()
        if student is None:
            form.add_error(
                "personnummer",
                _("No pupil with this personal identity number is registered in Samverkan."),
            )
        else:
            note(students=[student])
            concern = run_service(
                form,
                services.concern_register_received,
                registered_by=request.user,
                student=student,
                channel=data["channel"],
                received_at=data["received_at"],
                reporter_name=data["reporter_name"],
                reporter_organisation=data["reporter_organisation"],
                reporter_contact=data["reporter_contact"],
                reporter_is_professional=data["reporter_is_professional"],
                categories=data["categories"],
                worry=data["worry"],
                relation=data["relation"],
                child_said=data["child_said"],
                observed=data["observed"],
                earlier_concerns=data["earlier_concerns"],
                guardians_informed=data["guardians_informed"],
                immediate_danger=data["immediate_danger"],
            )
            if concern is not None:
                messages.success(
                    request,
                    _("Report %(ref)s is registered and sent to %(unit)s.")
                    % {"ref": concern.reference, "unit": concern.intake_unit.name},
                )
                if selectors.concerns_for_social(request.user).filter(pk=concern.pk).exists():
                    return redirect("referrals:case", pk=concern.pk)
                return redirect("referrals:inbox")
    status = 400 if request.method == "POST" else 200
    return render(request, "referrals/social/register.html", {"form": form}, status=status)


def _case_context(request, concern: Concern, **forms_override) -> dict:
    investigation = concern.investigations.order_by("-started_on").first()
    today = timezone.localdate()
    decided = getattr(concern, "preliminary_assessment", None)
    ctx = {
        "concern": concern,
        "categories": concern.categories.all(),
        "amendments": concern.amendments.select_related("author"),
        "events": concern.events.select_related("actor"),
        "extensions": concern.extensions.select_related("decided_by"),
        "feedback": selectors.feedback_status(concern),
        "protection_state": deadlines.state(
            concern.protection_due_on, done=hasattr(concern, "protection_assessment"), today=today
        ),
        "preliminary_state": deadlines.state(
            concern.preliminary_due_on, done=decided is not None, today=today
        ),
        "investigation": investigation,
        "investigation_state": investigation
        and deadlines.state(investigation.due_on, done=bool(investigation.closed_on), today=today),
        "ongoing_investigation": selectors.open_investigation_for(concern.student),
        "meeting_decision": getattr(concern, "notification_meeting", None),
        "assign_form": forms.AssignForm(
            assignees=services.social_workers_for(concern),
            initial={"assignee": concern.assigned_to_id},
        ),
        "protection_form": forms.ProtectionForm(),
        "extension_form": forms.ExtensionForm(),
        "decision_form": forms.DecisionForm(),
        "meeting_form": forms.MeetingForm(
            initial={"invite_guardians": not concern.has_violence_category}
        ),
        "skip_form": forms.MeetingSkipForm(),
        "notes_form": forms.MeetingNotesForm(),
        "investigation_extend_form": forms.InvestigationExtendForm(),
        "investigation_close_form": forms.InvestigationCloseForm(),
    }
    ctx.update(forms_override)
    return ctx


@audited("case.view", kinds=["concern", "assessment", "investigation", "meeting"])
@require_GET
@roles_required(*SOCIAL_WORKER)
def case(request, pk: int):
    concern = selectors.concern_get_for_social(request.user, pk)
    return render(request, "referrals/social/case.html", _case_context(request, concern))


def _case_action(form_class, context_name, call, success_message, *, form_kwargs=None):
    """Build a POST view for one action on the case page."""

    @require_POST
    @roles_required(*SOCIAL_WORKER)
    def view(request, pk: int):
        concern = selectors.concern_get_for_social(request.user, pk)
        kwargs = form_kwargs(concern) if form_kwargs else {}
        form = form_class(request.POST, **kwargs)
        if (
            form.is_valid()
            and run_service(form, call, concern=concern, by=request.user, **form.cleaned_data)
            is not None
        ):
            messages.success(request, success_message())
            return redirect("referrals:case", pk=concern.pk)
        return _case_refused(request, pk, context_name, form)

    return view


def _case_refused(request, concern_pk: int, context_name: str, form):
    """The case page again with the refused form, 400. The form may sit in a
    section that is closed now, so its general errors are said at the top too."""
    for error in form.non_field_errors():
        messages.error(request, error)
    concern = selectors.concern_get_for_social(request.user, concern_pk)
    return render(
        request,
        "referrals/social/case.html",
        _case_context(request, concern, **{context_name: form}),
        status=400,
    )


case_assign = _case_action(
    forms.AssignForm,
    "assign_form",
    services.concern_assign,
    lambda: _("The report is assigned."),
    form_kwargs=lambda concern: {"assignees": services.social_workers_for(concern)},
)
case_protection = _case_action(
    forms.ProtectionForm,
    "protection_form",
    services.protection_assessment_record,
    lambda: _("The skyddsbedömning is recorded."),
)
case_extend = _case_action(
    forms.ExtensionForm,
    "extension_form",
    services.preliminary_extension_record,
    lambda: _("The förhandsbedömning is extended."),
)
case_decide = _case_action(
    forms.DecisionForm,
    "decision_form",
    services.preliminary_decision_record,
    lambda: _("The förhandsbedömning is decided."),
)
case_meeting = _case_action(
    forms.MeetingForm,
    "meeting_form",
    services.notification_meeting_schedule,
    lambda: _("The anmälningsmöte is scheduled and the participants are invited."),
)


def _skip(*, concern, by, skip_reason, skip_explanation):
    return services.notification_meeting_skip(
        concern=concern, by=by, reason=skip_reason, explanation=skip_explanation
    )


case_meeting_skip = _case_action(
    forms.MeetingSkipForm,
    "skip_form",
    _skip,
    lambda: _("It is recorded that no anmälningsmöte is held."),
)
case_meeting_notes = _case_action(
    forms.MeetingNotesForm,
    "notes_form",
    services.notification_meeting_notes,
    lambda: _("The notes are saved."),
)

# The access log (portal.accesslog): every action on a case writes a row.
case_assign = audited("case.assign", kinds=["concern"])(case_assign)
case_protection = audited("case.protection", kinds=["concern", "assessment"])(case_protection)
case_extend = audited("case.extend", kinds=["concern", "assessment"])(case_extend)
case_decide = audited("case.decide", kinds=["concern", "assessment"])(case_decide)
case_meeting = audited("case.meeting", kinds=["concern", "meeting"])(case_meeting)
case_meeting_skip = audited("case.meeting_skip", kinds=["concern", "meeting"])(case_meeting_skip)
case_meeting_notes = audited("case.meeting_notes", kinds=["concern", "meeting"])(case_meeting_notes)


def _investigation_action(form_class, context_name, call, success_message):
    @require_POST
    @roles_required(*SOCIAL_WORKER)
    def view(request, pk: int):
        investigation = get_object_or_404(selectors.investigations_for_social(request.user), pk=pk)
        note(students=[investigation.student])
        form = form_class(request.POST)
        if (
            form.is_valid()
            and run_service(
                form, call, investigation=investigation, by=request.user, **form.cleaned_data
            )
            is not None
        ):
            messages.success(request, success_message())
            if investigation.concern_id:
                return redirect("referrals:case", pk=investigation.concern_id)
            return redirect("referrals:inbox")
        if investigation.concern_id is None:
            return HttpResponse(status=400)
        return _case_refused(request, investigation.concern_id, context_name, form)

    return view


investigation_extend = _investigation_action(
    forms.InvestigationExtendForm,
    "investigation_extend_form",
    services.investigation_extend,
    lambda: _("The utredning is extended."),
)
investigation_close = _investigation_action(
    forms.InvestigationCloseForm,
    "investigation_close_form",
    services.investigation_close,
    lambda: _("The utredning is closed."),
)
investigation_extend = audited("investigation.extend", kinds=["investigation"])(
    investigation_extend
)
investigation_close = audited("investigation.close", kinds=["investigation"])(investigation_close)


@audited("suspension_notice.read", kinds=["suspension"])
@require_POST
@roles_required(*SOCIAL_WORKER)
def notice_read(request, pk: int):
    suspension = get_object_or_404(selectors.suspension_notices_for(request.user), pk=pk)
    note(students=[suspension.student])
    services.suspension_notice_mark_read(suspension=suspension, by=request.user)
    messages.success(request, _("The notice is marked as read."))
    return redirect("referrals:inbox")


# --- suspensions (the school side) ---


@audited("suspension.list", kinds=["suspension"], kind=LIST)
@require_GET
@roles_required(*SCHOOL)
def suspension_list(request):
    suspensions = list(selectors.suspensions_for_school(request.user).order_by("-starts_on")[:200])
    note(students=[s.student for s in suspensions], rows=len(suspensions))
    return render(
        request,
        "referrals/school/suspensions.html",
        {"suspensions": suspensions, "may_record": bool(scope(request.user).principal_unit_ids)},
    )


@audited("suspension.record", kinds=["suspension"])
@require_http_methods(["GET", "POST"])
@roles_required(Role.PRINCIPAL)
def suspension_new(request):
    students = students_visible_to(request.user).filter(
        school_unit_id__in=scope(request.user).principal_unit_ids
    )
    data = request.POST if request.method == "POST" else None
    form = forms.SuspensionForm(data, students=students)
    if request.method == "POST" and form.is_valid():
        suspension: Suspension | None = run_service(
            form, services.suspension_record, by=request.user, **form.cleaned_data
        )
        if suspension is not None:
            note(students=[suspension.student_id])
            if suspension.notice_unit_id:
                msg = _(
                    "The suspension is recorded and the social services of the pupil's "
                    "home district are notified."
                )
            else:
                msg = _("The suspension is recorded.")
            messages.success(request, msg)
            return redirect("referrals:suspension_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "referrals/school/suspension_form.html", {"form": form}, status=status)
