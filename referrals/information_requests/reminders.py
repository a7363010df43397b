"""Reminders of an information request, as rows (portal.reminders).

- To the receiving school (its principals, and the staff member assigned to the
  request): a few days before the answer is wanted, and the day after when it is
  still unanswered.
- To the social worker who sent it: when the answer arrives.

``information_request_reminders_sync`` recomputes what the school should still be
reminded of; the services call it in the transaction of every change, so an
answer given in time leaves nothing to send.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal import rules
from portal.access import scope
from portal.models import User
from portal.reminders import (
    ReminderText,
    Wanted,
    at_local,
    register_reminder_kind,
    register_reminder_topic,
    reminder_schedule,
    reminders_sync,
    subject_key,
)
from portal.roles import Role
from referrals.models import InformationAnswer, InformationRequest

REQUEST_DUE_SOON = "information_request_due_soon"
REQUEST_OVERDUE = "information_request_overdue"
REQUEST_ANSWERED = "information_request_answered"
SCHOOL_KINDS = (REQUEST_DUE_SOON, REQUEST_OVERDUE)


def request_subject(request: InformationRequest) -> str:
    return subject_key("information_request", request.pk)


def school_recipients(request: InformationRequest) -> list[User]:
    """The principals of the receiving unit, and the staff member assigned."""
    people = list(
        User.objects.filter(
            is_active=True,
            memberships__unit_id=request.recipient_unit_id,
            memberships__role=Role.PRINCIPAL,
        ).distinct()
    )
    assigned = request.assigned_to
    if assigned is not None and assigned.is_active and all(p.pk != assigned.pk for p in people):
        people.append(assigned)
    return people


def _answered(request: InformationRequest) -> bool:
    return InformationAnswer.objects.filter(request_id=request.pk).exists()


def information_request_reminders_sync(request: InformationRequest) -> None:
    """Arm, move, re-target or withdraw the school's reminders of a request."""
    wanted = []
    if not _answered(request) and request.investigation.closed_on is None:
        soon = request.due_on - datetime.timedelta(
            days=rules.INFORMATION_REQUEST_REMINDER_DAYS_BEFORE
        )
        soon_at = at_local(soon, rules.DEADLINE_REMINDER_HOUR)
        overdue_at = at_local(
            request.due_on + datetime.timedelta(days=1), rules.DEADLINE_REMINDER_HOUR
        )
        for person in school_recipients(request):
            if soon_at > request.sent_at:
                wanted.append(Wanted(REQUEST_DUE_SOON, soon_at, recipient=person))
            wanted.append(Wanted(REQUEST_OVERDUE, overdue_at, recipient=person))
    reminders_sync(subject=request_subject(request), wanted=wanted, kinds=SCHOOL_KINDS)


def information_answer_notify(request: InformationRequest) -> None:
    """Tell the social worker who sent the request that the answer is in."""
    if request.sent_by.is_active:
        reminder_schedule(
            subject=request_subject(request),
            kind=REQUEST_ANSWERED,
            due_at=timezone.now(),
            recipient=request.sent_by,
        )


# --- what the portal asks at send time ---------------------------------------------------


def _load(pk: str) -> InformationRequest | None:
    return (
        InformationRequest.objects.select_related("investigation", "recipient_unit")
        .filter(pk=pk)
        .first()
    )


def _still_with_school(request: InformationRequest, reminder) -> bool:
    """Unanswered, the utredning open, and the recipient still answers for the unit."""
    if _answered(request) or request.investigation.closed_on is not None:
        return False
    s = scope(reminder.recipient)
    return request.recipient_unit_id in s.principal_unit_ids or (
        request.assigned_to_id == reminder.recipient_id
        and request.recipient_unit_id in s.school_unit_ids
    )


def _overdue(request: InformationRequest, reminder) -> bool:
    return _still_with_school(request, reminder) and request.due_on < timezone.localdate()


def _answered_still_due(request: InformationRequest, reminder) -> bool:
    return _answered(request)


def _school_url(request: InformationRequest, reminder) -> str:
    return reverse("referrals:information_request_detail", args=[request.pk])


def _social_url(request: InformationRequest, reminder) -> str:
    concern_id = request.investigation.concern_id
    if concern_id:
        return reverse("referrals:case", args=[concern_id])
    return reverse("cases:student_detail", args=[request.student_id])


def _text(title):
    def describe(request: InformationRequest, reminder) -> ReminderText:
        return ReminderText(title=str(title), when=request.due_on)

    return describe


def register_kinds() -> None:
    register_reminder_topic(
        "information_request",
        label=gettext_lazy("Requests for information to your school, before and after the date"),
        audience=lambda s: s.is_school,
        order=45,
    )
    register_reminder_topic(
        "information_answered",
        label=gettext_lazy("A school has answered your request for information"),
        audience=lambda s: s.has_role(Role.SOCIAL_WORKER),
        order=46,
    )
    register_reminder_kind(
        REQUEST_DUE_SOON,
        topic="information_request",
        load=_load,
        still_due=_still_with_school,
        describe=_text(gettext_lazy("A request for information is to be answered soon")),
        url=_school_url,
    )
    register_reminder_kind(
        REQUEST_OVERDUE,
        topic="information_request",
        load=_load,
        still_due=_overdue,
        describe=_text(gettext_lazy("A request for information is past its date")),
        url=_school_url,
    )
    register_reminder_kind(
        REQUEST_ANSWERED,
        topic="information_answered",
        load=_load,
        still_due=_answered_still_due,
        describe=_text(gettext_lazy("The school has answered your request for information")),
        url=_social_url,
    )
