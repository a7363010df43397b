"""The legal deadlines of a concern, computed from the rules module."""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import calendar, rules


def protection_due_on(received_at: datetime.datetime) -> datetime.date:
    """Skyddsbedömning: the day of receipt, or the next working day when the
    report came on a non-working day or at/after the cut-off hour."""
    local = timezone.localtime(received_at)
    day = local.date()
    cutoff = getattr(
        settings, "PROTECTION_ASSESSMENT_CUTOFF_HOUR", rules.PROTECTION_ASSESSMENT_CUTOFF_HOUR
    )
    if calendar.is_working_day(day) and local.hour < cutoff:
        return day
    return calendar.next_working_day(day)


def preliminary_due_on(received_at: datetime.datetime) -> datetime.date:
    """Förhandsbedömning: within 14 days of receipt (SoL 11:1a)."""
    return calendar.local_date(received_at) + datetime.timedelta(
        days=rules.PRELIMINARY_ASSESSMENT_DAYS
    )


def investigation_due_on(started_on: datetime.date) -> datetime.date:
    """Utredning: finished within four months (SoL 11:2)."""
    return calendar.add_months(started_on, rules.INVESTIGATION_MONTHS)


class DeadlineState(StrEnum):
    DONE = "done"
    ON_TIME = "on_time"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"

    @property
    def label(self):
        return {
            "done": _("Done"),
            "on_time": _("On time"),
            "due_today": _("Due today"),
            "overdue": _("Overdue"),
        }[self.value]


def state(
    due_on: datetime.date, *, done: bool, today: datetime.date | None = None
) -> DeadlineState:
    if done:
        return DeadlineState.DONE
    today = today or calendar.today()
    if today < due_on:
        return DeadlineState.ON_TIME
    if today == due_on:
        return DeadlineState.DUE_TODAY
    return DeadlineState.OVERDUE
