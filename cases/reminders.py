"""Meeting reminders: every participant, some hours before the meeting.

The hours are set per meeting kind (48 and 2 by default; a week and a day before a
SIP follow-up), and can be changed with the MEETING_REMINDER_HOURS setting. A
participant with an account gets the reminder through their chosen channels; an
external participant with an e-mail address (a guardian) gets e-mail only.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Meeting
from portal.reminders import (
    ReminderText,
    Wanted,
    register_reminder_kind,
    register_reminder_topic,
    reminders_sync,
    subject_key,
)

DEFAULT_HOURS: dict[str, tuple[int, ...]] = {
    Meeting.Kind.NOTIFICATION: (48, 2),
    Meeting.Kind.SIP: (48, 2),
    Meeting.Kind.SIP_FOLLOW_UP: (7 * 24, 24),
    Meeting.Kind.ADMISSION: (48, 2),
    Meeting.Kind.BUS: (48, 2),
}

#: Where a meeting reminder links to, per meeting kind: the app that owns the
#: meeting knows the page (the anmälningsmöte is on the report's page).
_urls: dict[str, Callable] = {}


def register_meeting_url(meeting_kind: str, url: Callable) -> None:
    """``url(meeting, reminder) -> str``: the page a participant's reminder opens."""
    _urls[meeting_kind] = url


def hours_for(meeting_kind: str) -> tuple[int, ...]:
    configured = getattr(settings, "MEETING_REMINDER_HOURS", None) or {}
    return tuple(int(h) for h in configured.get(meeting_kind, DEFAULT_HOURS[meeting_kind]))


def _family(meeting_kind: str) -> str:
    return "sip_follow_up" if meeting_kind == Meeting.Kind.SIP_FOLLOW_UP else "meeting"


def reminder_kind(meeting_kind: str, hours: int) -> str:
    """The reminder kind for ``hours`` before a meeting, e.g. "meeting_48h"."""
    return f"{_family(meeting_kind)}_{hours}h"


def _hours_of(kind: str) -> int:
    return int(kind.rsplit("_", 1)[1].removesuffix("h"))


def meeting_subject(meeting: Meeting) -> str:
    return subject_key("meeting", meeting.pk)


def meeting_reminders_sync(meeting: Meeting, *, now: datetime.datetime | None = None) -> None:
    """Give every participant of a scheduled meeting their reminders, at the
    meeting's current time; withdraw them for a cancelled meeting, a participant
    who declined, or a time already past. Call it in the transaction that
    schedules, moves, cancels or changes who takes part."""
    now = now or timezone.now()
    wanted = []
    if meeting.status == Meeting.Status.SCHEDULED:
        for participant in meeting.participants.select_related("user"):
            if participant.response == participant.Response.DECLINED:
                continue
            if participant.user_id:
                if not participant.user.is_active:
                    continue
                target = {"recipient": participant.user}
            elif participant.email:
                target = {"email": participant.email}
            else:
                continue  # the pupil, or someone with no address: nothing to send to
            for hours in hours_for(meeting.kind):
                due_at = meeting.starts_at - datetime.timedelta(hours=hours)
                if due_at > now:
                    wanted.append(
                        Wanted(kind=reminder_kind(meeting.kind, hours), due_at=due_at, **target)
                    )
    reminders_sync(subject=meeting_subject(meeting), wanted=wanted)


# --- what the portal asks at send time ---------------------------------------------------


def _load(pk: str) -> Meeting | None:
    return Meeting.objects.filter(pk=pk).first()


def _still_due(meeting: Meeting, reminder) -> bool:
    if meeting.status != Meeting.Status.SCHEDULED or meeting.starts_at <= timezone.now():
        return False
    if reminder.due_at != meeting.starts_at - datetime.timedelta(hours=_hours_of(reminder.kind)):
        return False
    invited = meeting.participants.exclude(response="declined")
    if reminder.recipient_id:
        return invited.filter(user_id=reminder.recipient_id).exists()
    return invited.filter(user__isnull=True, email__iexact=reminder.email).exists()


def _describe(meeting: Meeting, reminder) -> ReminderText:
    where = meeting.place or (_("Video meeting: %(link)s") % {"link": meeting.video_link})
    return ReminderText(title=meeting.get_kind_display(), when=meeting.starts_at, where=where)


def _url(meeting: Meeting, reminder) -> str:
    url = _urls.get(meeting.kind)
    return url(meeting, reminder) if url else reverse("notifications")


def register_kinds() -> None:
    register_reminder_topic(
        "meeting",
        label=gettext_lazy("Meetings you are invited to"),
        help_text=gettext_lazy("48 and 2 hours before the meeting."),
        audience=lambda s: s.may_see_cases,
        order=10,
    )
    register_reminder_topic(
        "sip_follow_up",
        label=gettext_lazy("SIP follow-ups"),
        help_text=gettext_lazy("A week and a day before the follow-up."),
        audience=lambda s: s.may_see_cases,
        order=60,
    )
    keys = {reminder_kind(kind, hours) for kind in DEFAULT_HOURS for hours in hours_for(kind)}
    for key in sorted(keys):
        register_reminder_kind(
            key,
            topic=key.rsplit("_", 1)[0],
            load=_load,
            still_due=_still_due,
            describe=_describe,
            url=_url,
        )
