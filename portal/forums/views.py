"""Pages of the local collaboration forums: read by the district's managers, social
services and school principals; edited by its managers (portal.forums.selectors)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render
from django.urls import reverse
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


def _form_page(request, form, *, save, saved_message, next_url, title, forum=None):
    """The forums' edit pages: a valid POST goes through ``save`` (a service called
    with ``by`` and the form's cleaned data; its ValidationError lands on the form)
    and on to ``next_url(saved)``; otherwise the form is shown, with 400 after a
    refused POST."""
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, save, by=request.user, **form.cleaned_data)
        if saved is not None:
            messages.success(request, saved_message)
            return redirect(next_url(saved))
    return render(
        request,
        "portal/forums/form.html",
        {"form": form, "forum": forum, "title": title},
        status=_status(request),
    )


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
    return _form_page(
        request,
        forms.ForumForm(_data(request), districts=districts),
        save=services.forum_create,
        saved_message=_("The forum is created."),
        next_url=lambda forum: reverse("forums:detail", args=[forum.pk]),
        title=_("New collaboration forum"),
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
    return _form_page(
        request,
        forms.MemberForm(_data(request), units=selectors.member_units(forum)),
        save=partial(services.forum_member_add, forum=forum),
        saved_message=_("The member is added."),
        next_url=lambda member: reverse("forums:detail", args=[forum.pk]),
        title=_("Add a member organisation"),
        forum=forum,
    )


@audited("forum.meeting_new", kinds=["forum_meeting"], kind=CHANGE)
@require_http_methods(["GET", "POST"])
@roles_required(Role.MANAGER)
def meeting_new(request, pk: int):
    forum = _editable_forum(request, pk)
    return _form_page(
        request,
        forms.MeetingForm(_data(request)),
        save=partial(services.forum_meeting_save, forum=forum),
        saved_message=_("The meeting is saved."),
        next_url=_meeting_url,
        title=_("New forum meeting"),
        forum=forum,
    )


def _meeting_url(meeting) -> str:
    return reverse("forums:meeting_detail", args=[meeting.pk])


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
    initial = model_to_dict(meeting, fields=["held_on", "place", "agenda", "minutes"])
    return _form_page(
        request,
        forms.MeetingForm(_data(request), initial=initial),
        save=partial(services.forum_meeting_save, forum=forum, meeting=meeting),
        saved_message=_("The meeting is saved."),
        next_url=_meeting_url,
        title=_("Agenda and minutes"),
        forum=forum,
    )


@require_http_methods(["GET", "POST"])
@roles_required(Role.MANAGER)
def agreement_new(request, pk: int):
    forum = _editable_forum(request, pk)
    return _form_page(
        request,
        forms.AgreementForm(_data(request)),
        save=partial(services.agreement_save, district=forum.district),
        saved_message=_("The agreement is recorded."),
        next_url=lambda agreement: reverse("forums:detail", args=[forum.pk]),
        title=_("New collaboration agreement"),
        forum=forum,
    )


@require_http_methods(["GET", "POST"])
@roles_required(Role.MANAGER)
def agreement_edit(request, pk: int):
    agreement = selectors.agreement_get(request.user, pk)
    if not selectors.may_edit_district(request.user, agreement.district_id):
        raise PermissionDenied
    initial = model_to_dict(
        agreement,
        fields=["title", "parties", "with_school", "with_police", "signed_on", "review_on"],
    )
    return _form_page(
        request,
        forms.AgreementForm(_data(request), initial=initial),
        save=partial(services.agreement_save, district=agreement.district, agreement=agreement),
        saved_message=_("The agreement is saved."),
        next_url=lambda saved: reverse("forums:list"),
        title=_("Collaboration agreement"),
        forum=Forum.objects.filter(district_id=agreement.district_id).first(),
    )
