"""Consent expiring: the side that recorded a consent is reminded 14 days before
its end date, so it can be renewed with the family in time."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from consent.models import Consent
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

CONSENT_EXPIRING = "consent_expiring"


def consent_subject(consent: Consent) -> str:
    return subject_key("consent", consent.pk)


def consent_reminders_sync(consent: Consent) -> None:
    """Arm, move or withdraw the expiry reminder to match the consent as it is now.
    Call it in the transaction that records, withdraws or renews a consent."""
    wanted = []
    if consent.withdrawn_at is None and not consent.renewals.exists():
        due_day = consent.valid_to - datetime.timedelta(days=rules.CONSENT_EXPIRY_WARNING_DAYS)
        due_at = at_local(max(due_day, timezone.localdate()), rules.DEADLINE_REMINDER_HOUR)
        wanted.append(Wanted(kind=CONSENT_EXPIRING, due_at=due_at, recipient=consent.recorded_by))
    reminders_sync(subject=consent_subject(consent), wanted=wanted, kinds=[CONSENT_EXPIRING])


def _load(pk: str) -> Consent | None:
    return Consent.objects.select_related("student").filter(pk=pk).first()


def _still_due(consent: Consent, reminder) -> bool:
    return (
        consent.withdrawn_at is None
        and consent.valid_to >= timezone.localdate()
        and not consent.renewals.exists()
    )


def _describe(consent: Consent, reminder) -> ReminderText:
    return ReminderText(
        title=str(gettext_lazy("A consent is about to expire")), when=consent.valid_to
    )


def _url(consent: Consent, reminder) -> str:
    return reverse("cases:student_detail", args=[consent.student_id])


def register_kinds() -> None:
    register_reminder_topic(
        "consent_expiring",
        label=gettext_lazy("A consent you recorded expires in 14 days"),
        audience=lambda s: s.is_school or s.is_social,
        order=70,
    )
    register_reminder_kind(
        CONSENT_EXPIRING,
        topic="consent_expiring",
        load=_load,
        still_due=_still_due,
        describe=_describe,
        url=_url,
    )
