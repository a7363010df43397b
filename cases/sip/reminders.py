"""The SIP follow-up date: the convenor is reminded on the morning it falls due."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from cases.models import SipPlan
from portal import rules
from portal.reminders import (
    ReminderText,
    Wanted,
    at_local,
    register_reminder_kind,
    register_reminder_topic,
    reminders_sync,
    subject_key,
)

SIP_FOLLOW_UP_DUE = "sip_follow_up_due"


def sip_subject(plan: SipPlan) -> str:
    return subject_key("sip", plan.pk)


def _current(plan: SipPlan):
    return plan.versions.order_by("-number").first()


def sip_reminders_sync(plan: SipPlan) -> None:
    """An active plan has one reminder, on its current follow-up date."""
    wanted = []
    version = _current(plan)
    if plan.status == SipPlan.Status.ACTIVE and version is not None:
        wanted.append(
            Wanted(
                kind=SIP_FOLLOW_UP_DUE,
                due_at=at_local(version.next_follow_up_on, rules.DEADLINE_REMINDER_HOUR),
                recipient=plan.convenor,
            )
        )
    reminders_sync(subject=sip_subject(plan), wanted=wanted, kinds=[SIP_FOLLOW_UP_DUE])


def _load(pk: str) -> SipPlan | None:
    return SipPlan.objects.filter(pk=pk).first()


def _still_due(plan: SipPlan, reminder) -> bool:
    version = _current(plan)
    return (
        plan.status == SipPlan.Status.ACTIVE
        and version is not None
        and at_local(version.next_follow_up_on, rules.DEADLINE_REMINDER_HOUR) <= reminder.due_at
    )


def _describe(plan: SipPlan, reminder) -> ReminderText:
    version = _current(plan)
    return ReminderText(
        title=str(gettext_lazy("A SIP is due for follow-up")),
        when=version.next_follow_up_on if version else None,
    )


def _url(plan: SipPlan, reminder) -> str:
    return reverse("cases:sip_detail", args=[plan.pk])


def register_kinds() -> None:
    register_reminder_topic(
        "sip_follow_up",
        label=gettext_lazy("A SIP you convene is due for follow-up"),
        audience=lambda s: bool(s.social_unit_ids),
        order=60,
    )
    register_reminder_kind(
        SIP_FOLLOW_UP_DUE,
        topic="sip_follow_up",
        load=_load,
        still_due=_still_due,
        describe=_describe,
        url=_url,
    )
