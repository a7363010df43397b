"""How reminders reach people: in-app notifications (the bell), e-mail, and each
person's choice of channels per kind of reminder. Every delivery is logged."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from portal.access import scope
from portal.models import Channel, Delivery, Notification, NotificationPreference, Reminder
from portal.reminders import ALL_CHANNELS, ReminderKind, ReminderText, get_topic, topics_for

_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


# --- channels -------------------------------------------------------------------------


def channels_for(
    reminder: Reminder, kind: ReminderKind, preferences: dict | None = None
) -> list[str]:
    """The channels this reminder goes out on: every channel for a mandatory kind,
    else the recipient's choice or the kind's default. External people (no
    account) get e-mail only. ``preferences`` are the choices already loaded for a
    batch, keyed by (user id, topic)."""
    if reminder.recipient_id is None:
        return [Channel.EMAIL]
    topic = get_topic(kind.topic)
    if topic is None or topic.mandatory:
        return list(ALL_CHANNELS)
    if preferences is not None:
        choice = preferences.get((reminder.recipient_id, topic.key))
    else:
        choice = (
            NotificationPreference.objects.filter(user_id=reminder.recipient_id, topic=topic.key)
            .values("in_app", "email")
            .first()
        )
    if choice is None:
        return [c for c in ALL_CHANNELS if c in topic.default_channels]
    return [c for c in ALL_CHANNELS if choice[c]]


def format_when(when) -> str:
    if isinstance(when, datetime.datetime):
        return formats.date_format(timezone.localtime(when), "j F Y, H:i")
    return formats.date_format(when, "j F Y")


def in_app_line(text: ReminderText) -> str:
    parts = [str(text.title)]
    if text.detail:
        parts.append(text.detail)
    if text.when:
        parts.append(format_when(text.when))
    if text.where:
        parts.append(text.where)
    return " · ".join(parts)[:500]


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def email_message(
    *, reminder: Reminder, text: ReminderText, url: str, address: str, connection=None
) -> EmailMessage:
    """The e-mail for a reminder: what kind of thing, when (and where, for a
    meeting), and a link. Never the pupil's name or anything from the case."""
    lines = [str(text.title)]
    if text.when:
        lines.append(_("When: %(when)s") % {"when": format_when(text.when)})
    if text.where:
        lines.append(_("Where: %(where)s") % {"where": text.where})
    if reminder.recipient_id:
        lines += ["", _("Log in to Samverkan to see more:"), _site() + url]
    lines += ["", "-- ", _("Samverkan never writes anything about a pupil in an e-mail.")]
    if reminder.recipient_id:
        lines.append(
            _("Choose which reminders you get by e-mail: %(url)s")
            % {"url": _site() + reverse("notification_settings")}
        )
    domain = urlsplit(settings.SITE_URL).hostname or "samverkan.invalid"
    return EmailMessage(
        subject=_("Samverkan: %(title)s") % {"title": text.title},
        body="\n".join(lines) + "\n",
        to=[address],
        connection=connection,
        # The same reminder always has the same Message-ID, so a mail system can
        # drop the copy if a crash between hand-over and commit ever sends it twice.
        headers={"Message-ID": f"<reminder.{reminder.pk}.{reminder.revision}@{domain}>"},
    )


def _clean_error(exc: Exception) -> str:
    """An error for the log and the admin, without anyone's e-mail address."""
    return _ADDRESS.sub("<address>", f"{type(exc).__name__}: {exc}")[:500]


def deliver(
    *,
    reminder: Reminder,
    channels: list[str],
    text: ReminderText,
    url: str,
    now: datetime.datetime,
    email_connection=None,
) -> list[str]:
    """Deliver on each channel not yet delivered for this revision, and log each.
    Runs inside the send transaction. Returns the errors of failed channels.

    Everything in the database is written first and the e-mail is handed over
    last, so only the COMMIT follows it: a crash between the two is the one moment
    an e-mail can go out twice (with the same Message-ID), never the notification.
    """
    done: set[str] = set()
    if reminder.attempts > 1:
        done = set(
            Delivery.objects.filter(
                reminder=reminder, revision=reminder.revision, result=Delivery.Result.SENT
            ).values_list("channel", flat=True)
        )
    recipient = reminder.recipient
    entries = []
    email_to = ""

    def entry(channel, result, address="", error=""):
        entries.append(
            Delivery(
                reminder=reminder,
                revision=reminder.revision,
                channel=channel,
                recipient=recipient,
                address=address,
                result=result,
                error=error,
                at=now,
            )
        )
        return entries[-1]

    if Channel.IN_APP in channels and Channel.IN_APP not in done:
        Notification.objects.create(
            recipient=recipient, reminder=reminder, text=in_app_line(text), url=url, created_at=now
        )
        entry(Channel.IN_APP, Delivery.Result.SENT)
    email_entry = None
    if Channel.EMAIL in channels and Channel.EMAIL not in done:
        email_to = recipient.email if recipient is not None else reminder.email
        if email_to:
            email_entry = entry(Channel.EMAIL, Delivery.Result.SENT, address=email_to)
        else:
            entry(Channel.EMAIL, Delivery.Result.SKIPPED, error="No e-mail address.")
    Delivery.objects.bulk_create(entries)
    if email_entry is None:
        return []
    try:
        email_message(
            reminder=reminder, text=text, url=url, address=email_to, connection=email_connection
        ).send()
    except Exception as exc:  # any transport error: log it, and the sweep retries later
        error = _clean_error(exc)
        Delivery.objects.filter(pk=email_entry.pk).update(
            result=Delivery.Result.FAILED, error=error
        )
        return [error]
    return []


# --- the bell -------------------------------------------------------------------------


def notifications_for(user) -> QuerySet[Notification]:
    """A person's own notifications, newest first."""
    return Notification.objects.filter(recipient_id=user.pk)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


@transaction.atomic
def notification_mark_read(*, user, notification: Notification | None = None) -> int:
    """Mark one of the person's notifications read, or all of them."""
    rows = notifications_for(user).filter(read_at__isnull=True)
    if notification is not None:
        rows = rows.filter(pk=notification.pk)
    return rows.update(read_at=timezone.now())


# --- choices per kind of reminder -------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    topic: str
    label: object
    help_text: object
    in_app: bool
    email: bool
    locked: bool


def preferences_for(user) -> list[Choice]:
    """The person's channels for each kind of reminder they may get."""
    saved = {
        p.topic: p
        for p in NotificationPreference.objects.filter(user_id=user.pk).only(
            "topic", "in_app", "email"
        )
    }
    choices = []
    for topic in topics_for(scope(user)):
        if topic.mandatory:
            in_app = email = True
        elif topic.key in saved:
            in_app, email = saved[topic.key].in_app, saved[topic.key].email
        else:
            in_app = Channel.IN_APP in topic.default_channels
            email = Channel.EMAIL in topic.default_channels and bool(user.email)
        choices.append(
            Choice(topic.key, topic.label, topic.help_text, in_app, email, topic.mandatory)
        )
    return choices


@transaction.atomic
def notification_preferences_save(*, user, choices: dict[str, set[str]]) -> None:
    """Save the person's channels per kind. Kinds they may not get, and mandatory
    kinds, are left alone."""
    from django.core.exceptions import ValidationError

    allowed = {t.key: t for t in topics_for(scope(user)) if not t.mandatory}
    if any(Channel.EMAIL in channels for channels in choices.values()) and not user.email:
        raise ValidationError(
            _("You have no e-mail address in Samverkan. Ask your administrator to add one.")
        )
    for key, channels in choices.items():
        if key not in allowed:
            continue
        NotificationPreference.objects.update_or_create(
            user=user,
            topic=key,
            defaults={
                "in_app": Channel.IN_APP in channels,
                "email": Channel.EMAIL in channels,
            },
        )
