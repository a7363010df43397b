"""Reminders: rows in the database, swept each minute, each sent exactly once.

Celery's own guidance shapes this module: the broker is not a database, an ETA
task longer than Redis' visibility timeout is delivered again and again, and
``acks_late`` gives at-least-once delivery. So (the CommCare and Zulip pattern):

- A service that causes a reminder writes, moves or cancels its row in the same
  transaction as the change (``reminder_schedule``, ``reminder_cancel``,
  ``reminders_sync``). A reminder is unique per (subject, recipient, kind).
- ``reminders_sweep`` runs from beat every minute and claims due rows: on
  PostgreSQL with ``SELECT ... FOR UPDATE SKIP LOCKED``; on SQLite the write
  transaction is ``BEGIN IMMEDIATE`` (settings), so claimers are serialised. A
  claimed row is ``sending`` with a claim token and time, and the broker only
  carries "send rows 1, 2, 3 with token T". A claim older than
  ``REMINDER_CLAIM_TIMEOUT`` (the worker died, or the broker lost the message) is
  claimed again under a new token.
- ``reminder_send`` delivers only if it flips its row from ``sending`` to ``sent``
  under its own token, in the transaction that also writes the in-app
  notification and the delivery log. A redelivered message, or one whose row was
  reclaimed, cancelled or moved, finds nothing to flip and does nothing.
- A failed channel is retried by the sweep with backoff (``next_attempt_at``),
  never by an ETA message. After ``REMINDER_MAX_ATTEMPTS`` claims the row is
  ``failed`` and shows in the admin.

What a reminder says, where it links and whether it is still due are answered by
the app that owns the subject, through ``register_reminder_kind`` in its
``AppConfig.ready()``: the portal imports no domain app.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from portal.access import Scope
from portal.models import Channel, Reminder

log = logging.getLogger(__name__)

ALL_CHANNELS = (Channel.IN_APP, Channel.EMAIL)
OPEN_STATUSES = (Reminder.Status.PENDING, Reminder.Status.SENDING)
#: A row released from its claim: the claim token is a UUID, not a secret.
_UNCLAIMED = {"claim_token": None, "claimed_at": None}  # nosec B105 # not a password


# --- the registry ------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    """A kind of event a person chooses channels for (the settings page has one row
    per topic). Several reminder kinds can share a topic: the 48-hour and the
    2-hour reminder of a meeting are both "meetings"."""

    key: str
    label: Any
    #: Overdue legal deadlines cannot be turned off: every channel, always.
    mandatory: bool = False
    default_channels: frozenset[str] = frozenset(ALL_CHANNELS)
    #: Who sees the topic on the settings page.
    audience: Callable[[Scope], bool] = lambda s: True
    order: int = 50
    help_text: Any = ""


@dataclass(frozen=True)
class ReminderText:
    """What a reminder says. E-mails carry only ``title``, ``when`` and ``where``:
    never anything about the pupil. ``detail`` (a report number) is in-app only."""

    title: str
    when: datetime.datetime | datetime.date | None = None
    where: str = ""
    detail: str = ""


@dataclass(frozen=True)
class ReminderKind:
    key: str
    topic: str
    #: The subject's object from the id part of "prefix:id", or None if it is gone.
    load: Callable[[str], Any]
    #: Is the reminder still wanted at send time? False cancels instead of sending.
    still_due: Callable[[Any, Reminder], bool]
    describe: Callable[[Any, Reminder], ReminderText]
    url: Callable[[Any, Reminder], str]


_topics: dict[str, Topic] = {}
_kinds: dict[str, ReminderKind] = {}


def register_reminder_topic(key: str, *, label, **options) -> Topic:
    topic = Topic(key=key, label=label, **options)
    _topics[key] = topic
    return topic


def register_reminder_kind(
    key: str,
    *,
    topic: str,
    load: Callable[[str], Any],
    still_due: Callable[[Any, Reminder], bool],
    describe: Callable[[Any, Reminder], ReminderText],
    url: Callable[[Any, Reminder], str],
) -> ReminderKind:
    """Tell the portal how to word, link and re-check one kind of reminder. Called
    from the owning app's ``AppConfig.ready()``."""
    kind = ReminderKind(
        key=key, topic=topic, load=load, still_due=still_due, describe=describe, url=url
    )
    _kinds[key] = kind
    return kind


def get_kind(key: str) -> ReminderKind | None:
    return _kinds.get(key)


def get_topic(key: str) -> Topic | None:
    return _topics.get(key)


def topics_for(user_scope: Scope) -> list[Topic]:
    """The topics a person may choose channels for, in display order."""
    return sorted(
        (t for t in _topics.values() if t.audience(user_scope)), key=lambda t: (t.order, t.key)
    )


def subject_key(prefix: str, pk) -> str:
    """The generic name of a reminder's subject, e.g. ``subject_key("concern", 12)``."""
    return f"{prefix}:{pk}"


def subject_id(subject: str) -> str:
    return subject.partition(":")[2]


def at_local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A wall-clock time in Stockholm on ``day``, as an aware datetime."""
    naive = datetime.datetime.combine(day, datetime.time(hour, minute))
    return timezone.make_aware(naive, timezone.get_default_timezone())


# --- writing reminders, in the transaction of the change that causes them -----------


@dataclass(frozen=True)
class Wanted:
    """One reminder a subject should have: used with ``reminders_sync``."""

    kind: str
    due_at: datetime.datetime
    recipient: Any = None
    email: str = ""

    @property
    def key(self) -> tuple:
        recipient_id = getattr(self.recipient, "pk", self.recipient)
        return (self.kind, recipient_id, "" if recipient_id else self.email.lower())


def _row_key(row: Reminder) -> tuple:
    return (row.kind, row.recipient_id, "" if row.recipient_id else row.email.lower())


def _check(kind: str, recipient, email: str) -> None:
    if kind not in _kinds:
        raise ValueError(f"unknown reminder kind {kind!r}: register it with register_reminder_kind")
    if recipient is None and not email:
        raise ValueError("a reminder needs a recipient or an e-mail address")


def _arm(row: Reminder, due_at: datetime.datetime) -> Reminder:
    """Move a row to ``due_at``. A row that was sent, failed or cancelled is armed
    again as a new revision when its time changed (a meeting moved after its
    reminder went out); a cancelled one is armed again in any case."""
    status = row.status
    changes: dict[str, Any] = {}
    if status == Reminder.Status.PENDING:
        if row.due_at != due_at:
            changes = {"due_at": due_at, "next_attempt_at": due_at}
    elif status == Reminder.Status.SENDING:
        if row.due_at != due_at:
            # The send in flight is for the old time: its flip will find nothing.
            changes = {
                "due_at": due_at,
                "next_attempt_at": due_at,
                "status": Reminder.Status.PENDING,
                **_UNCLAIMED,
            }
    elif status == Reminder.Status.CANCELLED or row.due_at != due_at:
        changes = {
            "due_at": due_at,
            "next_attempt_at": due_at,
            "status": Reminder.Status.PENDING,
            "revision": row.revision + 1,
            "attempts": 0,
            **_UNCLAIMED,
            "sent_at": None,
            "last_error": "",
        }
    if changes:
        Reminder.objects.filter(pk=row.pk).update(updated_at=timezone.now(), **changes)
        for name, value in changes.items():
            setattr(row, name, value)
    return row


@transaction.atomic
def reminder_schedule(
    *,
    subject: str,
    kind: str,
    due_at: datetime.datetime,
    recipient=None,
    email: str = "",
) -> Reminder:
    """Arm the reminder (subject, recipient, kind) for ``due_at``: create it, move
    it, or arm it again. Idempotent. Call it inside the transaction of the change
    that causes it; ``recipient`` is a user, or None with ``email`` for an external
    person (who gets e-mail only)."""
    email = (email or "").strip().lower()  # one reminder per address, however it is typed
    _check(kind, recipient, email)
    lookup: dict[str, Any] = {"subject": subject, "kind": kind}
    if recipient is not None:
        lookup["recipient"] = recipient
    else:
        lookup.update(recipient=None, email=email)
    row = Reminder.objects.select_for_update().filter(**lookup).first()
    if row is None:
        try:
            with transaction.atomic():
                return Reminder.objects.create(**lookup, due_at=due_at, next_attempt_at=due_at)
        except IntegrityError:
            # Another transaction created it a moment ago.
            row = Reminder.objects.select_for_update().get(**lookup)
    return _arm(row, due_at)


def _cancel_ids(ids: Iterable[int]) -> int:
    return Reminder.objects.filter(pk__in=list(ids), status__in=OPEN_STATUSES).update(
        status=Reminder.Status.CANCELLED,
        claim_token=None,
        claimed_at=None,
        updated_at=timezone.now(),
    )


@transaction.atomic
def reminder_cancel(*, subject: str, kinds: Iterable[str] | None = None, recipient=None) -> int:
    """Withdraw a subject's reminders that are not sent yet (all, or ``kinds``, or
    one recipient's). A send in flight then finds nothing to flip. Returns how many."""
    rows = Reminder.objects.filter(subject=subject, status__in=OPEN_STATUSES)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    if recipient is not None:
        rows = rows.filter(recipient=recipient)
    return rows.update(
        status=Reminder.Status.CANCELLED,
        claim_token=None,
        claimed_at=None,
        updated_at=timezone.now(),
    )


@transaction.atomic
def reminders_sync(
    *, subject: str, wanted: Iterable[Wanted], kinds: Iterable[str] | None = None
) -> None:
    """Make a subject's reminders (of ``kinds``, or all) exactly ``wanted``: arm or
    move each wanted one, cancel the open ones no longer wanted. Sent reminders
    stay as they were. The one call a service needs after any change."""
    wanted = {w.key: w for w in wanted}
    for w in wanted.values():
        _check(w.kind, w.recipient, w.email)
    rows = Reminder.objects.select_for_update().filter(subject=subject)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    existing = {_row_key(row): row for row in rows}
    _cancel_ids(
        row.pk for key, row in existing.items() if key not in wanted and row.status in OPEN_STATUSES
    )
    for key, w in wanted.items():
        row = existing.get(key)
        if row is not None:
            _arm(row, w.due_at)
        else:
            reminder_schedule(
                subject=subject,
                kind=w.kind,
                due_at=w.due_at,
                recipient=w.recipient,
                email="" if w.recipient is not None else w.email,
            )


@transaction.atomic
def reminder_retry(*, reminder: Reminder) -> bool:
    """An administrator sends a failed reminder again (from the admin)."""
    now = timezone.now()
    return bool(
        Reminder.objects.filter(pk=reminder.pk, status=Reminder.Status.FAILED).update(
            status=Reminder.Status.PENDING,
            attempts=0,
            next_attempt_at=now,
            claim_token=None,
            claimed_at=None,
            updated_at=now,
        )
    )


# --- claiming ---------------------------------------------------------------------------


def _claim_timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT)


def _give_up_on_stale(now: datetime.datetime) -> int:
    """Rows claimed again and again without finishing (each claim counts as an
    attempt) are failed, so one poisonous row cannot take the worker down forever."""
    return Reminder.objects.filter(
        status=Reminder.Status.SENDING,
        claimed_at__lt=now - _claim_timeout(),
        attempts__gte=settings.REMINDER_MAX_ATTEMPTS,
    ).update(
        status=Reminder.Status.FAILED,
        claim_token=None,
        claimed_at=None,
        last_error="The worker did not finish sending (claim timed out).",
        updated_at=now,
    )


def reminders_claim(
    *, now: datetime.datetime | None = None, limit: int | None = None
) -> tuple[str, list[int]]:
    """Claim up to ``limit`` due rows for one send task, race-free. Returns the
    claim token and the ids; the rows are ``sending`` under that token."""
    now = now or timezone.now()
    limit = limit or settings.REMINDER_BATCH_SIZE
    due = Q(status=Reminder.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Reminder.Status.SENDING, claimed_at__lt=now - _claim_timeout()
    )
    token = uuid.uuid4()
    with transaction.atomic():
        rows = Reminder.objects.filter(due).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            # PostgreSQL: rows another sweep holds are skipped, not waited for.
            rows = rows.select_for_update(skip_locked=True)
        # SQLite: this transaction began IMMEDIATE, so no other writer runs now.
        ids = list(rows.values_list("id", flat=True)[:limit])
        if not ids:
            return str(token), []
        claimed = Reminder.objects.filter(due, pk__in=ids).update(
            status=Reminder.Status.SENDING,
            claim_token=token,
            claimed_at=now,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
        if claimed != len(ids):  # pragma: no cover - only without row locks
            ids = list(
                Reminder.objects.filter(pk__in=ids, claim_token=token).values_list("id", flat=True)
            )
    return str(token), ids


def reminders_release(*, ids: Iterable[int], claim_token: str) -> int:
    """Hand claimed rows back at once, when their send task could not be queued."""
    return Reminder.objects.filter(
        pk__in=list(ids), status=Reminder.Status.SENDING, claim_token=claim_token
    ).update(
        status=Reminder.Status.PENDING,
        claim_token=None,
        claimed_at=None,
        attempts=F("attempts") - 1,
        updated_at=timezone.now(),
    )


def reminders_sweep(
    *,
    dispatch: Callable[[list[int], str], None],
    now: datetime.datetime | None = None,
    max_rows: int | None = None,
) -> int:
    """Claim every due row, a batch at a time, and hand each batch to ``dispatch``
    (the Celery send task) after its claim is committed. Returns how many rows."""
    now = now or timezone.now()
    batch = settings.REMINDER_BATCH_SIZE
    max_rows = max_rows or settings.REMINDER_SWEEP_MAX
    _give_up_on_stale(now)
    total = 0
    while total < max_rows:
        token, ids = reminders_claim(now=now, limit=min(batch, max_rows - total))
        if not ids:
            break
        total += len(ids)
        broker_down: list[bool] = []

        def hand_over(ids=ids, token=token, broker_down=broker_down):
            try:
                dispatch(ids, token)
            except Exception:
                log.exception("reminders: could not queue %d reminders; released", len(ids))
                reminders_release(ids=ids, claim_token=token)
                broker_down.append(True)

        transaction.on_commit(hand_over)
        if broker_down:
            total -= len(ids)
            break  # the broker is down: the next sweep tries again
        if len(ids) < batch:
            break
    return total


# --- sending ----------------------------------------------------------------------------


class SendResult:
    SENT = "sent"
    SKIPPED = "skipped"  # not ours to send: reclaimed, cancelled, moved or sent already
    CANCELLED = "cancelled"  # no longer due at send time
    RETRY = "retry"
    FAILED = "failed"
    ERROR = "error"  # an unexpected error: left for the claim timeout


def _backoff(attempts: int) -> datetime.timedelta:
    seconds = settings.REMINDER_RETRY_BACKOFF * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, 6 * 3600))


def _finish(reminder: Reminder, now: datetime.datetime, **changes) -> None:
    Reminder.objects.filter(pk=reminder.pk).update(updated_at=now, **changes)


_FLIP_FIELDS = ("id", "kind", "subject", "recipient_id", "email", "due_at", "revision", "attempts")


def _flip(reminder_id: int, claim_token: str, now: datetime.datetime) -> Reminder | None:
    """``UPDATE ... SET status = 'sent' WHERE id = %s AND status = 'sending' AND
    claim_token = %s RETURNING ...``: the one statement that decides whether this
    claim may send the row. It takes the row lock until the transaction ends."""
    meta = Reminder._meta
    token = meta.get_field("claim_token").get_db_prep_value(uuid.UUID(str(claim_token)), connection)
    stamp = meta.get_field("sent_at").get_db_prep_value(now, connection)
    if connection.vendor == "sqlite" and connection.Database.sqlite_version_info < (3, 35):
        flipped = Reminder.objects.filter(
            pk=reminder_id, status=Reminder.Status.SENDING, claim_token=claim_token
        ).update(status=Reminder.Status.SENT, sent_at=now, last_error="", updated_at=now)
        return Reminder.objects.get(pk=reminder_id) if flipped else None
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {meta.db_table} SET status = %s, sent_at = %s, updated_at = %s, "  # noqa: S608 # nosec B608 # names from the model, values are parameters
            f"last_error = '' WHERE id = %s AND status = %s AND claim_token = %s "
            f"RETURNING {', '.join(_FLIP_FIELDS)}",
            [Reminder.Status.SENT, stamp, stamp, reminder_id, Reminder.Status.SENDING, token],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    # SQLite hands back text for a datetime; PostgreSQL an aware datetime.
    convert = getattr(connection.ops, "convert_datetimefield_value", None)
    due_at = _FLIP_FIELDS.index("due_at")
    if convert is not None:
        values[due_at] = convert(values[due_at], None, connection)
    # The other fields load on first use, so a kind may read any of them.
    reminder = Reminder.from_db(connection.alias, list(_FLIP_FIELDS), values)
    reminder.status = Reminder.Status.SENT
    return reminder


@dataclass
class SendContext:
    """What one batch shares: its recipients and their choices, loaded once."""

    users: dict[int, Any] = field(default_factory=dict)
    preferences: dict[tuple[int, str], dict] | None = None

    @classmethod
    def for_ids(cls, ids: list[int]) -> SendContext:
        from portal.models import NotificationPreference, User

        user_ids = set(
            Reminder.objects.filter(pk__in=ids, recipient__isnull=False).values_list(
                "recipient_id", flat=True
            )
        )
        preferences = {
            (p["user_id"], p["topic"]): p
            for p in NotificationPreference.objects.filter(user_id__in=user_ids).values(
                "user_id", "topic", "in_app", "email"
            )
        }
        return cls(users=User.objects.in_bulk(user_ids), preferences=preferences)

    def recipient(self, reminder: Reminder):
        if reminder.recipient_id is None:
            return None
        if reminder.recipient_id not in self.users:
            from portal.models import User

            self.users[reminder.recipient_id] = User.objects.get(pk=reminder.recipient_id)
        return self.users[reminder.recipient_id]


def reminder_send(
    *,
    reminder_id: int,
    claim_token: str,
    now: datetime.datetime | None = None,
    email_connection=None,
    context: SendContext | None = None,
) -> str:
    """Send one claimed reminder through the recipient's channels, at most once.

    The first statement flips the row from ``sending`` to ``sent`` under this
    claim's token; it takes the row lock, and the notification, the e-mail and the
    delivery log happen in the same transaction. A message delivered twice, or a
    row reclaimed, cancelled or moved meanwhile, flips nothing and sends nothing.
    """
    from portal import notifications

    now = now or timezone.now()
    context = context or SendContext()
    with transaction.atomic():
        reminder = _flip(reminder_id, claim_token, now)
        if reminder is None:
            return SendResult.SKIPPED
        reminder.recipient = recipient = context.recipient(reminder)
        kind = _kinds.get(reminder.kind)
        if kind is None:
            _finish(
                reminder,
                now,
                status=Reminder.Status.FAILED,
                sent_at=None,
                last_error=f"Unknown reminder kind {reminder.kind!r}.",
            )
            return SendResult.FAILED
        subject = kind.load(subject_id(reminder.subject))
        if (
            subject is None
            or (recipient is not None and not recipient.is_active)
            or not kind.still_due(subject, reminder)
        ):
            _finish(reminder, now, status=Reminder.Status.CANCELLED, sent_at=None)
            return SendResult.CANCELLED
        channels = notifications.channels_for(reminder, kind, context.preferences)
        if not channels:
            _finish(
                reminder,
                now,
                status=Reminder.Status.CANCELLED,
                sent_at=None,
                last_error="The recipient has turned this kind of reminder off.",
            )
            return SendResult.CANCELLED
        with translation.override(settings.LANGUAGE_CODE):
            text = kind.describe(subject, reminder)
            url = kind.url(subject, reminder)
            errors = notifications.deliver(
                reminder=reminder,
                channels=channels,
                text=text,
                url=url,
                now=now,
                email_connection=email_connection,
            )
        if not errors:
            return SendResult.SENT
        error = "; ".join(errors)[:500]
        if reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
            _finish(
                reminder,
                now,
                status=Reminder.Status.FAILED,
                sent_at=None,
                claim_token=None,
                claimed_at=None,
                last_error=error,
            )
            log.warning("reminder %s failed for good: %s", reminder.pk, error)
            return SendResult.FAILED
        _finish(
            reminder,
            now,
            status=Reminder.Status.PENDING,
            sent_at=None,
            claim_token=None,
            claimed_at=None,
            next_attempt_at=now + _backoff(reminder.attempts),
            last_error=error,
        )
        return SendResult.RETRY


def reminders_send_batch(*, ids: Iterable[int], claim_token: str) -> Counter:
    """Send the rows of one claim, each in its own transaction, over one e-mail
    connection. Returns how many ended which way."""
    from django.core import mail

    ids = list(ids)
    results: Counter = Counter()
    context = SendContext.for_ids(ids)
    email_connection = mail.get_connection()
    try:
        email_connection.open()
    except Exception:
        log.warning("reminders: e-mail connection failed; trying per message", exc_info=True)
        email_connection = None
    try:
        for reminder_id in ids:
            try:
                result = reminder_send(
                    reminder_id=reminder_id,
                    claim_token=claim_token,
                    email_connection=email_connection,
                    context=context,
                )
            except Exception:
                # Its transaction rolled back: the row stays claimed, is claimed
                # again after the timeout, and is failed after the last attempt.
                log.exception("reminders: could not send reminder %s", reminder_id)
                result = SendResult.ERROR
            results[result] += 1
    finally:
        if email_connection is not None:
            email_connection.close()
    return results


# --- built-in kinds: the manager digest and a test reminder -------------------------------


@dataclass
class _Digest:
    day: str
    items: list = field(default_factory=list)


def _digest_items(reminder: Reminder) -> list[dict]:
    from portal.access import compute_scope
    from portal.worklist import worklist_for

    return [i for i in worklist_for(compute_scope(reminder.recipient)) if i["count"]]


def _digest_text(subject: _Digest, reminder: Reminder) -> ReminderText:
    from django.utils.translation import gettext as _

    items = "; ".join(f"{i['label']}: {i['count']}" for i in _digest_items(reminder))
    return ReminderText(
        title=_("Daily digest: overdue items in your units"),
        when=datetime.date.fromisoformat(subject.day),
        detail=items,
    )


@transaction.atomic
def manager_digests_schedule(*, day: datetime.date | None = None) -> int:
    """Arm today's digest for each manager who chose it (a beat task, 07:00). The
    digest counts overdue items in the manager's units; it names no pupil."""
    from portal.models import NotificationPreference, User
    from portal.roles import Role

    day = day or timezone.localdate()
    chosen = NotificationPreference.objects.filter(topic="manager_digest").filter(
        Q(in_app=True) | Q(email=True)
    )
    managers = User.objects.filter(
        is_active=True,
        memberships__role=Role.MANAGER,
        pk__in=chosen.values("user_id"),
    ).distinct()
    now = timezone.now()
    count = 0
    for manager in managers:
        reminder_schedule(
            subject=subject_key("digest", day.isoformat()),
            kind="manager_digest",
            recipient=manager,
            due_at=now,
        )
        count += 1
    return count


def register_builtin_kinds() -> None:
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from django.utils.translation import gettext_lazy

    register_reminder_topic(
        "manager_digest",
        label=gettext_lazy("Daily digest of overdue items in your units (07:00)"),
        default_channels=frozenset(),
        audience=lambda s: s.is_manager,
        order=90,
    )
    register_reminder_kind(
        "manager_digest",
        topic="manager_digest",
        load=lambda day: _Digest(day=day),
        still_due=lambda digest, reminder: bool(_digest_items(reminder)),
        describe=_digest_text,
        url=lambda digest, reminder: reverse("home"),
    )
    # A reminder to check that reminders reach someone (manage.py reminder_test).
    register_reminder_topic(
        "test",
        label=gettext_lazy("Test reminders"),
        mandatory=True,
        audience=lambda s: False,
        order=99,
    )
    register_reminder_kind(
        "test",
        topic="test",
        load=lambda token: token,
        still_due=lambda token, reminder: True,
        describe=lambda token, reminder: ReminderText(
            title=_("Test reminder: reminders reach you"), when=reminder.due_at
        ),
        url=lambda token, reminder: reverse("notifications"),
    )
