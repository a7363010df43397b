"""Pages of the local collaboration forums: read by the district's managers, social
services and school principals; edited by its managers (portal.forums.selectors)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.access import roles_required
from portal.accesslog import CHANGE, audited
from portal.forms import run_service
from portal.forums import forms, selectors, services
from portal.forums.models import Forum
from portal.forums.situation import situation_for, situation_period
from portal.roles import Role


def _status(request) -> int:
    return 400 if request.method == "POST" else 200


def _data(request):
    return request.POST if request.method == "POST" else None


@require_GET
@roles_required(*selectors.FORUM_ROLES)
def forum_list(request):
    user = request.user
    forums = list(selectors.forums_visible_to(request.user).prefetch_related("members"))
    may_create = (
        selectors.editable_districts(user).exclude(pk__in=[f.district_id for f in forums]).exists()
    )
    return render(
        request,
        "portal/forums/list.html",
        {
            "forums": forums,
            "agreements": list(selectors.agreements_visible_to(user)),
            "may_create": may_create,
        },
    )


@require_http_methods(["GET", "POST"])
@roles_required(Role.MANAGER)
def forum_new(request):
    districts = selectors.editable_districts(request.user).exclude(
        pk__in=Forum.objects.values("district_id")
    )
    if not districts.exists() and request.method == "GET":
        raise PermissionDenied
    form = forms.ForumForm(_data(request), districts=districts)
    if request.method == "POST" and form.is_valid():
        forum = run_service(form, services.forum_create, by=request.user, **form.cleaned_data)
        if forum is not None:
            messages.success(request, _("The forum is created."))
            return redirect("forums:detail", pk=forum.pk)
    return render(
        request,
        "portal/forums/form.html",
        {"form": form, "title": _("New collaboration forum")},
        status=_status(request),
    )


@require_GET
@roles_required(*selectors.FORUM_ROLES)
def forum_detail(request, pk: int):
    forum = selectors.forum_get(request.user, pk)
    return render(
        request,
        "portal/forums/detail.html",
        {
            "forum": forum,
            "members": forum.members.select_related("unit"),
            "meetings": forum.meetings.all(),
            "agreements": selectors.agreements_visible_to(request.user).filter(
                district_id=forum.district_id
            ),
            "may_edit": selectors.may_edit(request.user, forum),
        },
    )


def _editable_forum(request, pk: int) -> Forum:
    forum = selectors.forum_get(request.user, pk)
    if not selectors.may_edit(request.user, forum):
        raise PermissionDenied
    return forum


@require_http_methods(["GET", "POST"])
@roles_required(Role.MANAGER)
def member_add(request, pk: int):
    forum = _editable_forum(request, pk)
    form = forms.MemberForm(_data(request), units=selectors.member_units(forum))
    if request.method == "POST" and form.is_valid():
        member = run_service(
            form, services.forum_member_add, by=request.user, forum=forum, **form.cleaned_data
        )
        if member is not None:
            messages.success(request, _("The member is added."))
            return redirect("forums:detail", pk=forum.pk)
    return render(
        request,
        "portal/forums/form.html",
        {"form": form, "forum": forum, "title": _("Add a member organisation")},
        status=_status(request),
    )


@audited("forum.meeting_new", kinds=["forum_meeting"], kind=CHANGE)
@require_http_methods(["GET", "POST"])
@roles_required(Role.MANAGER)
def meeting_new(request, pk: int):
    forum = _editable_forum(request, pk)
    form = forms.MeetingForm(_data(request))
    if request.method == "POST" and form.is_valid():
        meeting = run_service(
            form, services.forum_meeting_save, by=request.user, forum=forum, **form.cleaned_data
        )
        if meeting is not None:
            messages.success(request, _("The meeting is saved."))
            return redirect("forums:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "portal/forums/form.html",
        {"form": form, "forum": forum, "title": _("New forum meeting")},
        status=_status(request),
    )


@require_GET
@roles_required(*selectors.FORUM_ROLES)
def meeting_detail(request, pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    return render(
        request,
        "portal/forums/meeting.html",
        {
            "meeting": meeting,
            "forum": meeting.forum,
            "period": situation_period(meeting.held_on),
            "tables": situation_for(meeting),
            "may_edit": selectors.may_edit(request.user, meeting.forum),
        },
    )


@audited("forum.meeting_edit", kinds=["forum_meeting"], kind=CHANGE)
@require_http_methods(["GET", "POST"])
@roles_required(Role.MANAGER)
def meeting_edit(request, pk: int):
    meeting = selectors.meeting_get(request.user, pk)
    forum = meeting.forum
    if not selectors.may_edit(request.user, forum):
        raise PermissionDenied
    initial = {
        "held_on": meeting.held_on,
        "place": meeting.place,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
    }
    form = forms.MeetingForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            services.forum_meeting_save,
            by=request.user,
            forum=forum,
            meeting=meeting,
            **form.cleaned_data,
        )
        if saved is not None:
            messages.success(request, _("The meeting is saved."))
            return redirect("forums:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "portal/forums/form.html",
        {"form": form, "forum": forum, "title": _("Agenda and minutes")},
        status=_status(request),
    )


@require_http_methods(["GET", "POST"])
@roles_required(Role.MANAGER)
def agreement_new(request, pk: int):
    forum = _editable_forum(request, pk)
    form = forms.AgreementForm(_data(request))
    if request.method == "POST" and form.is_valid():
        agreement = run_service(
            form,
            services.agreement_save,
            by=request.user,
            district=forum.district,
            **form.cleaned_data,
        )
        if agreement is not None:
            messages.success(request, _("The agreement is recorded."))
            return redirect("forums:detail", pk=forum.pk)
    return render(
        request,
        "portal/forums/form.html",
        {"form": form, "forum": forum, "title": _("New collaboration agreement")},
        status=_status(request),
    )


@require_http_methods(["GET", "POST"])
@roles_required(Role.MANAGER)
def agreement_edit(request, pk: int):
    agreement = selectors.agreement_get(request.user, pk)
    if not selectors.may_edit_district(request.user, agreement.district_id):
        raise PermissionDenied
    initial = {
        name: getattr(agreement, name)
        for name in ("title", "parties", "with_school", "with_police", "signed_on", "review_on")
    }
    form = forms.AgreementForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            services.agreement_save,
            by=request.user,
            district=agreement.district,
            agreement=agreement,
            **form.cleaned_data,
        )
        if saved is not None:
            messages.success(request, _("The agreement is saved."))
            return redirect("forums:list")
    forum = Forum.objects.filter(district_id=agreement.district_id).first()
    return render(
        request,
        "portal/forums/form.html",
        {"form": form, "forum": forum, "title": _("Collaboration agreement")},
        status=_status(request),
    )
