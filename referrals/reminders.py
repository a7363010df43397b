"""The legal deadlines of a concern and an utredning, as reminders.

- Skyddsbedömning not recorded by the end of its due day (to the handling
  social worker, or the intake unit's social workers before anyone is assigned).
- Förhandsbedömning on day 10 and day 14 (the same people), and to the unit's
  managers the day after it is overdue.
- Utredning one month before its end date (the handler), and the day after it is
  overdue (the handler and the unit's managers).

``concern_reminders_sync`` and ``investigation_reminders_sync`` recompute what is
wanted from the case as it is now; the services call them in the transaction of
every change, so a deadline met before its reminder leaves nothing to send.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal import calendar, rules
from portal.access import scope
from portal.models import User
from portal.organisation import managers_of
from portal.reminders import (
    ReminderText,
    Wanted,
    at_local,
    register_reminder_kind,
    register_reminder_topic,
    reminders_sync,
    subject_key,
)
from portal.roles import Role
from referrals.models import Concern, Investigation, PreliminaryAssessment, ProtectionAssessment

PROTECTION_DUE = "protection_due"
PRELIMINARY_DAY10 = "preliminary_day10"
PRELIMINARY_DAY14 = "preliminary_day14"
PRELIMINARY_OVERDUE = "preliminary_overdue"
INVESTIGATION_MONTH_BEFORE = "investigation_month_before"
INVESTIGATION_OVERDUE = "investigation_overdue"
CONCERN_KINDS = (PROTECTION_DUE, PRELIMINARY_DAY10, PRELIMINARY_DAY14, PRELIMINARY_OVERDUE)
INVESTIGATION_KINDS = (INVESTIGATION_MONTH_BEFORE, INVESTIGATION_OVERDUE)


def concern_subject(concern: Concern) -> str:
    return subject_key("concern", concern.pk)


def investigation_subject(investigation: Investigation) -> str:
    return subject_key("investigation", investigation.pk)


def handlers_of(concern: Concern) -> list[User]:
    """Who is reminded of a concern's deadlines: the handling social worker, or
    before anyone is assigned, the social workers of the receiving unit."""
    if concern.assigned_to_id and concern.assigned_to.is_active:
        return [concern.assigned_to]
    return list(
        User.objects.filter(
            is_active=True,
            memberships__unit_id=concern.intake_unit_id,
            memberships__role=Role.SOCIAL_WORKER,
        ).distinct()
    )


def _morning(day: datetime.date) -> datetime.datetime:
    return at_local(day, rules.DEADLINE_REMINDER_HOUR)


def concern_reminders_sync(concern: Concern) -> None:
    """Arm, move, re-target or withdraw a concern's deadline reminders."""
    wanted = []
    handlers = handlers_of(concern)
    if not ProtectionAssessment.objects.filter(concern_id=concern.pk).exists():
        due_at = at_local(concern.protection_due_on, rules.PROTECTION_REMINDER_HOUR)
        wanted += [Wanted(PROTECTION_DUE, due_at, recipient=u) for u in handlers]
    if not PreliminaryAssessment.objects.filter(concern_id=concern.pk).exists():
        received_on = calendar.local_date(concern.received_at)
        day10 = received_on + datetime.timedelta(days=rules.PRELIMINARY_ASSESSMENT_WARNING_DAY)
        due_on = concern.preliminary_due_on
        for user in handlers:
            wanted.append(Wanted(PRELIMINARY_DAY10, _morning(day10), recipient=user))
            wanted.append(Wanted(PRELIMINARY_DAY14, _morning(due_on), recipient=user))
        overdue_at = _morning(due_on + datetime.timedelta(days=1))
        wanted += [
            Wanted(PRELIMINARY_OVERDUE, overdue_at, recipient=m)
            for m in managers_of(concern.intake_unit)
        ]
    reminders_sync(subject=concern_subject(concern), wanted=wanted, kinds=CONCERN_KINDS)


def _investigation_handler(investigation: Investigation) -> User:
    concern = investigation.concern
    if concern is not None and concern.assigned_to_id and concern.assigned_to.is_active:
        return concern.assigned_to
    return investigation.opened_by


def investigation_reminders_sync(investigation: Investigation) -> None:
    """Arm, move or withdraw an utredning's reminders (open, extended, closed)."""
    wanted = []
    if investigation.closed_on is None:
        handler = _investigation_handler(investigation)
        warn_on = calendar.add_months(investigation.due_on, -rules.INVESTIGATION_WARNING_MONTHS)
        overdue_at = _morning(investigation.due_on + datetime.timedelta(days=1))
        if handler.is_active:
            wanted.append(Wanted(INVESTIGATION_MONTH_BEFORE, _morning(warn_on), recipient=handler))
            wanted.append(Wanted(INVESTIGATION_OVERDUE, overdue_at, recipient=handler))
        wanted += [
            Wanted(INVESTIGATION_OVERDUE, overdue_at, recipient=m)
            for m in managers_of(investigation.unit)
            if m.pk != handler.pk
        ]
    reminders_sync(
        subject=investigation_subject(investigation), wanted=wanted, kinds=INVESTIGATION_KINDS
    )


# --- what the portal asks at send time ---------------------------------------------------


def _load_concern(pk: str) -> Concern | None:
    return Concern.objects.select_related("intake_unit").filter(pk=pk).first()


def _load_investigation(pk: str) -> Investigation | None:
    return Investigation.objects.select_related("concern", "unit").filter(pk=pk).first()


def _handles(user, unit) -> bool:
    """The recipient still works as a social worker in the unit's district."""
    return unit.district_id in scope(user).social_worker_district_ids


def _protection_still_due(concern: Concern, reminder) -> bool:
    return not ProtectionAssessment.objects.filter(concern_id=concern.pk).exists() and _handles(
        reminder.recipient, concern.intake_unit
    )


def _preliminary_still_due(concern: Concern, reminder) -> bool:
    return not PreliminaryAssessment.objects.filter(concern_id=concern.pk).exists() and _handles(
        reminder.recipient, concern.intake_unit
    )


def _preliminary_overdue(concern: Concern, reminder) -> bool:
    return (
        not PreliminaryAssessment.objects.filter(concern_id=concern.pk).exists()
        and concern.preliminary_due_on < timezone.localdate()
    )


def _investigation_still_due(investigation: Investigation, reminder) -> bool:
    return investigation.closed_on is None


def _investigation_overdue(investigation: Investigation, reminder) -> bool:
    return investigation.closed_on is None and investigation.due_on < timezone.localdate()


def _case_url(concern: Concern, reminder) -> str:
    return reverse("referrals:case", args=[concern.pk])


def _investigation_url(investigation: Investigation, reminder) -> str:
    if investigation.concern_id and _handles(reminder.recipient, investigation.unit):
        return reverse("referrals:case", args=[investigation.concern_id])
    return reverse("home")


def _text(title):
    def describe(concern: Concern, reminder) -> ReminderText:
        when = (
            concern.protection_due_on
            if reminder.kind == PROTECTION_DUE
            else concern.preliminary_due_on
        )
        return ReminderText(title=str(title), when=when, detail=concern.reference)

    return describe


def _investigation_text(title):
    def describe(investigation: Investigation, reminder) -> ReminderText:
        reference = investigation.concern.reference if investigation.concern_id else ""
        return ReminderText(title=str(title), when=investigation.due_on, detail=reference)

    return describe


def _notification_meeting_url(meeting, reminder) -> str:
    """A social worker opens the case; an invited reporter opens their report."""
    from referrals.models import NotificationMeeting

    decision = NotificationMeeting.objects.filter(meeting=meeting).only("concern_id").first()
    if decision is None:
        return reverse("notifications")
    if reminder.recipient_id and _handles(reminder.recipient, meeting.organiser_unit):
        return reverse("referrals:case", args=[decision.concern_id])
    return reverse("referrals:concern_detail", args=[decision.concern_id])


def register_kinds() -> None:
    from cases.models import Meeting
    from cases.reminders import register_meeting_url

    social = lambda s: s.has_role(Role.SOCIAL_WORKER)  # noqa: E731
    register_reminder_topic(
        "protection",
        label=gettext_lazy("Skyddsbedömning not recorded by the end of its day"),
        mandatory=True,
        audience=social,
        order=20,
    )
    register_reminder_topic(
        "preliminary_warning",
        label=gettext_lazy("Förhandsbedömning, day 10 of 14"),
        audience=social,
        order=30,
    )
    register_reminder_topic(
        "preliminary_due",
        label=gettext_lazy("Förhandsbedömning, day 14: the last day"),
        mandatory=True,
        audience=social,
        order=31,
    )
    register_reminder_topic(
        "preliminary_overdue",
        label=gettext_lazy("Förhandsbedömning overdue in your unit"),
        mandatory=True,
        audience=lambda s: s.is_manager,
        order=32,
    )
    register_reminder_topic(
        "investigation_warning",
        label=gettext_lazy("Utredning, one month before its end date"),
        audience=social,
        order=40,
    )
    register_reminder_topic(
        "investigation_overdue",
        label=gettext_lazy("Utredning past its end date"),
        mandatory=True,
        audience=lambda s: s.has_role(Role.SOCIAL_WORKER) or s.is_manager,
        order=41,
    )
    concern = {"load": _load_concern, "url": _case_url}
    register_reminder_kind(
        PROTECTION_DUE,
        topic="protection",
        still_due=_protection_still_due,
        describe=_text(gettext_lazy("Skyddsbedömning not recorded")),
        **concern,
    )
    register_reminder_kind(
        PRELIMINARY_DAY10,
        topic="preliminary_warning",
        still_due=_preliminary_still_due,
        describe=_text(gettext_lazy("Förhandsbedömning: decision due soon")),
        **concern,
    )
    register_reminder_kind(
        PRELIMINARY_DAY14,
        topic="preliminary_due",
        still_due=_preliminary_still_due,
        describe=_text(gettext_lazy("Förhandsbedömning: the last day is today")),
        **concern,
    )
    register_reminder_kind(
        PRELIMINARY_OVERDUE,
        topic="preliminary_overdue",
        load=_load_concern,
        still_due=_preliminary_overdue,
        describe=_text(gettext_lazy("Förhandsbedömning overdue in your unit")),
        url=lambda concern, reminder: reverse("home"),
    )
    investigation = {"load": _load_investigation, "url": _investigation_url}
    register_reminder_kind(
        INVESTIGATION_MONTH_BEFORE,
        topic="investigation_warning",
        still_due=_investigation_still_due,
        describe=_investigation_text(gettext_lazy("Utredning: one month to its end date")),
        **investigation,
    )
    register_reminder_kind(
        INVESTIGATION_OVERDUE,
        topic="investigation_overdue",
        still_due=_investigation_overdue,
        describe=_investigation_text(gettext_lazy("Utredning past its end date")),
        **investigation,
    )
    register_meeting_url(Meeting.Kind.NOTIFICATION, _notification_meeting_url)
