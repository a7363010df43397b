"""A reminder to the district's managers before each agreement's review date, so the
district keeps a current agreement with the school and the police (the figure
Socialstyrelsen's öppna jämförelser ask for)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal import rules
from portal.forums.models import CollaborationAgreement
from portal.organisation import district_managers
from portal.reminders import (
    ReminderText,
    Wanted,
    at_local,
    register_reminder_kind,
    register_reminder_topic,
    reminders_sync,
    subject_key,
)

AGREEMENT_REVIEW = "agreement_review"
#: The managers are reminded this many days before the review date (local practice:
#: time to call the parties together).
REVIEW_WARNING_DAYS = 30


def agreement_subject(agreement: CollaborationAgreement) -> str:
    return subject_key("agreement", agreement.pk)


def review_due_at(agreement: CollaborationAgreement) -> datetime.datetime:
    due_day = agreement.review_on - datetime.timedelta(days=REVIEW_WARNING_DAYS)
    return at_local(max(due_day, timezone.localdate()), rules.DEADLINE_REMINDER_HOUR)


def agreement_reminders_sync(agreement: CollaborationAgreement) -> None:
    """Arm or move the review reminder for each manager of the district. Call it in the
    transaction that records or changes an agreement."""
    wanted = []
    if agreement.review_on >= timezone.localdate():
        due_at = review_due_at(agreement)
        wanted = [
            Wanted(kind=AGREEMENT_REVIEW, due_at=due_at, recipient=manager)
            for manager in district_managers(agreement.district_id)
        ]
    reminders_sync(subject=agreement_subject(agreement), wanted=wanted, kinds=[AGREEMENT_REVIEW])


def _load(pk: str) -> CollaborationAgreement | None:
    return CollaborationAgreement.objects.filter(pk=pk).first()


def _still_due(agreement: CollaborationAgreement, reminder) -> bool:
    return agreement.review_on >= timezone.localdate()


def _describe(agreement: CollaborationAgreement, reminder) -> ReminderText:
    return ReminderText(
        title=str(gettext_lazy("A collaboration agreement is due for review")),
        when=agreement.review_on,
        detail=agreement.title,
    )


def _url(agreement: CollaborationAgreement, reminder) -> str:
    return reverse("forums:agreement_edit", args=[agreement.pk])


def register_kinds() -> None:
    register_reminder_topic(
        "agreement_review",
        label=gettext_lazy("A collaboration agreement is due for review in 30 days"),
        audience=lambda s: s.is_manager,
        order=80,
    )
    register_reminder_kind(
        AGREEMENT_REVIEW,
        topic="agreement_review",
        load=_load,
        still_due=_still_due,
        describe=_describe,
        url=_url,
    )
