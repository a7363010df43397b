"""Reminders are rows: armed by services, claimed by a sweep without races, and
sent exactly once however often the broker delivers the message."""

import datetime
import re
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.urls import reverse

from portal import reminders
from portal.access import compute_scope
from portal.models import Channel, Delivery, Notification, NotificationPreference, Reminder
from portal.reminders import ReminderText, Wanted
from portal.worklist import worklist_for

pytestmark = pytest.mark.django_db

STHLM = ZoneInfo("Europe/Stockholm")
NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=STHLM)
DUE = NOW + datetime.timedelta(hours=1)

#: A kind owned by this test module, as an app would register one in ready().
PROBE = {"due": True, "loaded": True}
reminders.register_reminder_topic(
    "probe",
    label="Probe",
    default_channels=frozenset({"in_app", "email"}),
    audience=lambda s: False,
)
reminders.register_reminder_kind(
    "probe",
    topic="probe",
    load=lambda pk: pk if PROBE["loaded"] else None,
    still_due=lambda subject, reminder: PROBE["due"],
    describe=lambda subject, reminder: ReminderText(
        title="Probe due", when=reminder.due_at, detail=f"case {subject}"
    ),
    url=lambda subject, reminder: f"/probe/{subject}/",
)


@pytest.fixture(autouse=True)
def clock():
    PROBE.update(due=True, loaded=True)
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def probe(user=None, *, subject="probe:1", due_at=DUE, email=""):
    return reminders.reminder_schedule(
        subject=subject, kind="probe", due_at=due_at, recipient=user, email=email
    )


def claim(now=None):
    return reminders.reminders_claim(now=now or DUE)


def sent_deliveries(reminder, channel=Channel.IN_APP):
    return Delivery.objects.filter(reminder=reminder, channel=channel, result="sent").count()


# --- writing rows ---------------------------------------------------------------------


def test_scheduling_twice_keeps_one_row(world):
    first = probe(world.social_kungsholmen)
    second = probe(world.social_kungsholmen)
    assert first.pk == second.pk
    assert Reminder.objects.count() == 1
    assert first.status == Reminder.Status.PENDING


def test_the_database_refuses_a_second_row_for_subject_recipient_and_kind(world):
    probe(world.social_kungsholmen)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            subject="probe:1",
            kind="probe",
            recipient=world.social_kungsholmen,
            due_at=DUE,
            next_attempt_at=DUE,
        )


def test_an_unknown_kind_is_refused_when_scheduling(world):
    with pytest.raises(ValueError, match="unknown reminder kind"):
        reminders.reminder_schedule(
            subject="x:1", kind="no_such_kind", due_at=DUE, recipient=world.teacher_a
        )


def test_scheduling_again_moves_a_pending_reminder(world):
    row = probe(world.social_kungsholmen)
    later = DUE + datetime.timedelta(days=1)
    probe(world.social_kungsholmen, due_at=later)
    row.refresh_from_db()
    assert (row.due_at, row.next_attempt_at, row.status) == (later, later, "pending")


def test_a_sent_reminder_is_armed_again_only_when_its_time_changes(world, send_due_reminders):
    row = probe(world.social_kungsholmen)
    with time_machine.travel(DUE, tick=False):
        send_due_reminders()
    probe(world.social_kungsholmen)
    row.refresh_from_db()
    assert (row.status, row.revision) == ("sent", 1)

    later = DUE + datetime.timedelta(days=1)
    probe(world.social_kungsholmen, due_at=later)
    row.refresh_from_db()
    assert (row.status, row.revision, row.due_at) == ("pending", 2, later)
    with time_machine.travel(later, tick=False):
        send_due_reminders()
    assert Notification.objects.filter(reminder=row).count() == 2


def test_cancel_withdraws_what_is_not_sent_yet(world, send_due_reminders):
    sent = probe(world.social_kungsholmen, subject="probe:1")
    with time_machine.travel(DUE, tick=False):
        send_due_reminders()
    pending = probe(world.social_kungsholmen, subject="probe:1", due_at=DUE)  # unchanged: sent
    other = probe(world.teacher_a, subject="probe:1")
    assert reminders.reminder_cancel(subject="probe:1") == 1
    sent.refresh_from_db()
    other.refresh_from_db()
    assert sent.status == pending.status == "sent"
    assert other.status == "cancelled"


def test_sync_arms_wanted_and_cancels_the_rest(world):
    probe(world.teacher_a)
    reminders.reminders_sync(
        subject="probe:1", wanted=[Wanted("probe", DUE, recipient=world.social_kungsholmen)]
    )
    statuses = dict(Reminder.objects.values_list("recipient__username", "status"))
    assert statuses == {"larare_a": "cancelled", "socsek_kungsholmen": "pending"}


# --- claiming and sending ---------------------------------------------------------------


def test_nothing_is_sent_before_it_is_due(world, send_due_reminders):
    probe(world.social_kungsholmen)
    assert send_due_reminders() == 0
    assert Notification.objects.count() == 0


def test_a_due_reminder_is_sent_in_the_portal_and_by_email_and_logged(world, send_due_reminders):
    row = probe(world.social_kungsholmen)
    with time_machine.travel(DUE, tick=False):
        assert send_due_reminders() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, DUE)
    notification = Notification.objects.get()
    assert notification.recipient == world.social_kungsholmen
    assert notification.url == "/probe/1/"
    assert "case 1" in notification.text
    assert [m.to for m in mail.outbox] == [[world.social_kungsholmen.email]]
    log = set(Delivery.objects.values_list("channel", "result", "recipient", "at"))
    assert log == {
        ("in_app", "sent", world.social_kungsholmen.pk, DUE),
        ("email", "sent", world.social_kungsholmen.pk, DUE),
    }


def test_an_email_says_what_when_and_links_but_not_the_in_app_detail(world, send_due_reminders):
    probe(world.social_kungsholmen)
    with time_machine.travel(DUE, tick=False):
        send_due_reminders()
    message = mail.outbox[0]
    assert "Probe due" in message.subject
    assert "http://127.0.0.1:8000/probe/1/" in message.body
    assert "case 1" not in message.body + message.subject
    assert re.fullmatch(r"<reminder\.\d+\.1@[\w.]+>", message.extra_headers["Message-ID"])


def test_the_same_message_delivered_twice_sends_once(world):
    row = probe(world.social_kungsholmen)
    token, ids = claim()
    assert ids == [row.pk]
    first = reminders.reminder_send(reminder_id=row.pk, claim_token=token)
    again = reminders.reminder_send(reminder_id=row.pk, claim_token=token)
    assert (first, again) == ("sent", "skipped")
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_second_sweep_does_not_take_rows_already_claimed(world):
    probe(world.social_kungsholmen)
    _token, ids = claim()
    assert ids
    assert claim()[1] == []


def test_a_row_stuck_in_sending_is_claimed_again_and_the_old_claim_sends_nothing(world, settings):
    settings.REMINDER_CLAIM_TIMEOUT = 300
    row = probe(world.social_kungsholmen)
    old_token, _ = claim()  # the worker that took it died
    assert claim(DUE + datetime.timedelta(seconds=299))[1] == []
    new_token, ids = claim(DUE + datetime.timedelta(seconds=301))
    assert ids == [row.pk] and new_token != old_token
    assert reminders.reminder_send(reminder_id=row.pk, claim_token=old_token) == "skipped"
    assert reminders.reminder_send(reminder_id=row.pk, claim_token=new_token) == "sent"
    assert Notification.objects.count() == 1


def test_a_reminder_cancelled_while_queued_is_not_sent(world):
    row = probe(world.social_kungsholmen)
    token, _ = claim()
    reminders.reminder_cancel(subject="probe:1")
    assert reminders.reminder_send(reminder_id=row.pk, claim_token=token) == "skipped"
    row.refresh_from_db()
    assert row.status == "cancelled"
    assert Notification.objects.count() == 0


def test_a_reminder_moved_while_queued_is_not_sent_at_the_old_time(world, send_due_reminders):
    row = probe(world.social_kungsholmen)
    token, _ = claim()
    later = DUE + datetime.timedelta(hours=3)
    probe(world.social_kungsholmen, due_at=later)
    assert reminders.reminder_send(reminder_id=row.pk, claim_token=token) == "skipped"
    with time_machine.travel(later, tick=False):
        assert send_due_reminders() == 1
    assert Notification.objects.count() == 1


def test_a_subject_no_longer_due_at_send_time_is_cancelled_not_sent(world, send_due_reminders):
    row = probe(world.social_kungsholmen)
    PROBE["due"] = False
    with time_machine.travel(DUE, tick=False):
        send_due_reminders()
    row.refresh_from_db()
    assert row.status == "cancelled"
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_a_subject_that_is_gone_is_cancelled(world, send_due_reminders):
    row = probe(world.social_kungsholmen)
    PROBE["loaded"] = False
    with time_machine.travel(DUE, tick=False):
        send_due_reminders()
    row.refresh_from_db()
    assert row.status == "cancelled"


def test_an_inactive_recipient_gets_nothing(world, send_due_reminders):
    row = probe(world.social_kungsholmen)
    world.social_kungsholmen.is_active = False
    world.social_kungsholmen.save()
    with time_machine.travel(DUE, tick=False):
        send_due_reminders()
    row.refresh_from_db()
    assert row.status == "cancelled"


def test_an_external_person_gets_email_only(world, send_due_reminders):
    probe(email="guardian@example.invalid")
    with time_machine.travel(DUE, tick=False):
        send_due_reminders()
    assert Notification.objects.count() == 0
    assert [m.to for m in mail.outbox] == [["guardian@example.invalid"]]
    assert "/probe/" not in mail.outbox[0].body  # no account: no link to log in with
    assert Delivery.objects.get().address == "guardian@example.invalid"


# --- failures, retries, and what administrators see -----------------------------------


class BrokenMail(Exception):
    pass


@pytest.fixture
def broken_mail(monkeypatch):
    def fail(self, *args, **kwargs):
        raise BrokenMail("550 mailbox unavailable: socsek_kungsholmen@samverkan.invalid")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", fail)


def test_a_failed_email_is_retried_with_backoff_and_in_app_is_not_repeated(
    world, send_due_reminders, broken_mail, settings
):
    settings.REMINDER_RETRY_BACKOFF = 60
    row = probe(world.social_kungsholmen)
    with time_machine.travel(DUE, tick=False):
        send_due_reminders()
    row.refresh_from_db()
    assert row.status == "pending"
    assert row.next_attempt_at == DUE + datetime.timedelta(seconds=60)
    assert "BrokenMail" in row.last_error
    assert "@" not in row.last_error  # no one's address in the admin
    with time_machine.travel(DUE + datetime.timedelta(seconds=59), tick=False):
        assert send_due_reminders() == 0
    with time_machine.travel(DUE + datetime.timedelta(seconds=60), tick=False):
        assert send_due_reminders() == 1
    row.refresh_from_db()
    assert row.next_attempt_at == DUE + datetime.timedelta(seconds=60 + 120)
    assert Notification.objects.count() == 1
    assert Delivery.objects.filter(channel="email", result="failed").count() == 2


def test_after_the_last_attempt_the_reminder_is_failed(
    world, send_due_reminders, broken_mail, settings
):
    settings.REMINDER_MAX_ATTEMPTS = 3
    settings.REMINDER_RETRY_BACKOFF = 60
    row = probe(world.social_kungsholmen)
    moment = DUE
    for _ in range(5):
        with time_machine.travel(moment, tick=False):
            send_due_reminders()
        moment += datetime.timedelta(hours=1)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 3)
    assert Delivery.objects.filter(channel="email", result="failed").count() == 3


def test_a_retried_email_that_succeeds_marks_the_reminder_sent(
    world, send_due_reminders, monkeypatch
):
    calls = []
    original = mail.EmailMessage.send

    def flaky(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise BrokenMail("timeout")
        return original(self, *args, **kwargs)

    monkeypatch.setattr("django.core.mail.EmailMessage.send", flaky)
    row = probe(world.social_kungsholmen)
    with time_machine.travel(DUE, tick=False):
        send_due_reminders()
    with time_machine.travel(DUE + datetime.timedelta(hours=1), tick=False):
        send_due_reminders()
    row.refresh_from_db()
    assert (row.status, row.last_error) == ("sent", "")
    assert sent_deliveries(row, "email") == 1 and sent_deliveries(row, "in_app") == 1


def test_a_row_that_never_finishes_is_failed_after_the_last_claim(world, settings):
    settings.REMINDER_MAX_ATTEMPTS = 2
    settings.REMINDER_CLAIM_TIMEOUT = 60
    row = probe(world.social_kungsholmen)
    moment = DUE
    for _ in range(3):  # each claim's worker dies before it sends
        reminders.reminders_sweep(now=moment, dispatch=lambda ids, token: None)
        moment += datetime.timedelta(minutes=2)
    row.refresh_from_db()
    assert row.status == "failed"
    assert "did not finish" in row.last_error


def test_an_error_in_one_reminder_does_not_stop_the_rest_of_its_batch(world, settings):
    settings.REMINDER_CLAIM_TIMEOUT = 60
    broken = probe(world.social_kungsholmen, subject="probe:broken")
    fine = probe(world.social_kungsholmen, subject="probe:fine")
    original = PROBE.copy()

    def explode(pk):
        if pk == "broken":
            raise RuntimeError("a bug in the owning app")
        return pk

    kind = reminders.get_kind("probe")
    reminders.register_reminder_kind(
        "probe",
        topic="probe",
        load=explode,
        still_due=kind.still_due,
        describe=kind.describe,
        url=kind.url,
    )
    try:
        token, ids = claim()
        results = reminders.reminders_send_batch(ids=ids, claim_token=token)
    finally:
        reminders._kinds["probe"] = kind
        PROBE.update(original)
    assert results == {"error": 1, "sent": 1}
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert (broken.status, fine.status) == ("sending", "sent")
    # Left for the claim timeout: claimed again later, not lost.
    assert claim(DUE + datetime.timedelta(seconds=61))[1] == [broken.pk]


def test_rows_are_handed_back_when_the_broker_cannot_take_the_task(
    world, django_capture_on_commit_callbacks
):
    row = probe(world.social_kungsholmen)

    def broker_down(ids, token):
        raise ConnectionError("broker down")

    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminders_sweep(now=DUE, dispatch=broker_down)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.claim_token) == ("pending", 0, None)


def test_the_sweep_takes_rows_in_batches(world, settings, django_capture_on_commit_callbacks):
    settings.REMINDER_BATCH_SIZE = 2
    for n in range(5):
        probe(world.social_kungsholmen, subject=f"probe:{n}")
    batches = []
    with django_capture_on_commit_callbacks(execute=True):
        total = reminders.reminders_sweep(now=DUE, dispatch=lambda ids, token: batches.append(ids))
    assert total == 5
    assert [len(b) for b in batches] == [2, 2, 1]


def test_administrators_see_failed_reminders_without_case_details(
    world, client_for, send_due_reminders, broken_mail, settings
):
    settings.REMINDER_MAX_ATTEMPTS = 1
    row = probe(world.social_kungsholmen, subject="probe:4711")
    with time_machine.travel(DUE, tick=False):
        send_due_reminders()
    url = reverse("admin:portal_reminder_changelist")
    response = client_for(world.admin).get(url, {"status__exact": "failed"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "BrokenMail" in body and str(world.social_kungsholmen) in body
    assert "4711" not in body  # the subject is not shown
    detail = client_for(world.admin).get(reverse("admin:portal_reminder_change", args=[row.pk]))
    assert detail.status_code == 200
    assert "4711" not in detail.content.decode()


def test_only_administrators_open_the_reminder_admin(world, client_for):
    url = reverse("admin:portal_reminder_changelist")
    assert client_for().get(url).status_code == 302
    world.social_kungsholmen.is_staff = True
    world.social_kungsholmen.save()
    assert client_for(world.social_kungsholmen).get(url).status_code == 302


def test_an_administrator_can_send_a_failed_reminder_again(
    world, client_for, csrf_post, send_due_reminders, broken_mail, settings
):
    settings.REMINDER_MAX_ATTEMPTS = 1
    row = probe(world.social_kungsholmen)
    with time_machine.travel(DUE, tick=False):
        send_due_reminders()
    client = client_for(world.admin)
    client.get(reverse("admin:portal_reminder_changelist"))
    csrf_post(
        client,
        reverse("admin:portal_reminder_changelist"),
        {"action": "send_again", "_selected_action": [row.pk]},
    )
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)


def test_the_reminder_admin_is_read_only(world, client_for, csrf_post):
    row = probe(world.social_kungsholmen)
    client = client_for(world.admin)
    assert client.get(reverse("admin:portal_reminder_add")).status_code == 403
    response = csrf_post(
        client, reverse("admin:portal_reminder_change", args=[row.pk]), {"status": "sent"}
    )
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.status == "pending"


# --- channels per person ----------------------------------------------------------------


def test_a_person_can_turn_email_off_for_an_optional_kind(world, send_due_reminders):
    NotificationPreference.objects.create(
        user=world.social_kungsholmen, topic="probe", in_app=True, email=False
    )
    probe(world.social_kungsholmen)
    with time_machine.travel(DUE, tick=False):
        send_due_reminders()
    assert Notification.objects.count() == 1
    assert mail.outbox == []


def test_a_kind_turned_off_entirely_is_cancelled_not_sent(world, send_due_reminders):
    NotificationPreference.objects.create(
        user=world.social_kungsholmen, topic="probe", in_app=False, email=False
    )
    row = probe(world.social_kungsholmen)
    with time_machine.travel(DUE, tick=False):
        send_due_reminders()
    row.refresh_from_db()
    assert row.status == "cancelled"
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_a_mandatory_kind_ignores_a_choice_to_turn_it_off(world, send_due_reminders):
    NotificationPreference.objects.create(
        user=world.social_kungsholmen, topic="test", in_app=False, email=False
    )
    reminders.reminder_schedule(
        subject="test:1", kind="test", due_at=DUE, recipient=world.social_kungsholmen
    )
    with time_machine.travel(DUE, tick=False):
        send_due_reminders()
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_person_without_an_address_gets_in_app_and_the_email_is_logged_as_skipped(
    world, send_due_reminders
):
    world.social_kungsholmen.email = ""
    world.social_kungsholmen.save()
    row = probe(world.social_kungsholmen)
    with time_machine.travel(DUE, tick=False):
        send_due_reminders()
    row.refresh_from_db()
    assert row.status == "sent"
    assert Delivery.objects.get(channel="email").result == "skipped"


# --- a subject from another app, e.g. a consent expiring in 14 days ----------------------

EXPIRING = {"withdrawn": False}
reminders.register_reminder_topic("sample_expiry", label="Sample expiry", audience=lambda s: False)
reminders.register_reminder_kind(
    "sample_expiring",
    topic="sample_expiry",
    load=lambda pk: pk,
    still_due=lambda pk, reminder: not EXPIRING["withdrawn"],
    describe=lambda pk, reminder: ReminderText(title="Expires in 14 days", when=reminder.due_at),
    url=lambda pk, reminder: "/",
)


@pytest.mark.parametrize("withdrawn_first", [False, True])
def test_a_subject_of_another_app_is_reminded_14_days_before_it_expires(
    world, send_due_reminders, withdrawn_first
):
    EXPIRING["withdrawn"] = False
    expires_on = datetime.date(2027, 3, 31)
    due_at = reminders.at_local(expires_on - datetime.timedelta(days=14), 8)
    reminders.reminder_schedule(
        subject=reminders.subject_key("sample", 9),
        kind="sample_expiring",
        recipient=world.teacher_a,
        due_at=due_at,
    )
    if withdrawn_first:
        reminders.reminder_cancel(subject="sample:9")
    with time_machine.travel(due_at - datetime.timedelta(minutes=1), tick=False):
        send_due_reminders()
    assert Notification.objects.count() == 0
    with time_machine.travel(due_at, tick=False):
        send_due_reminders()
    assert Notification.objects.filter(recipient=world.teacher_a).count() == (
        0 if withdrawn_first else 1
    )


# --- the manager's daily digest -----------------------------------------------------------


def test_the_digest_goes_to_managers_who_chose_it_with_counts_only(
    world, send_due_reminders, file_concern
):
    concern = file_concern(world.teacher_a, world.pupil_a)
    NotificationPreference.objects.create(
        user=world.manager_kungsholmen, topic="manager_digest", in_app=True, email=True
    )
    later = datetime.datetime(2026, 11, 20, 7, 0, tzinfo=STHLM)  # everything overdue
    with time_machine.travel(later, tick=False):
        assert reminders.manager_digests_schedule() == 1
        send_due_reminders()
        counts = [i for i in worklist_for(compute_scope(world.manager_kungsholmen)) if i["count"]]
    notification = Notification.objects.get(
        recipient=world.manager_kungsholmen, reminder__kind="manager_digest"
    )
    assert counts
    for item in counts:
        assert f"{item['label']}: {item['count']}" in notification.text
    digest_id = f"<reminder.{notification.reminder_id}.1@"
    digest = [m for m in mail.outbox if m.extra_headers["Message-ID"].startswith(digest_id)]
    assert len(digest) == 1
    assert world.pupil_a.last_name not in notification.text + digest[0].body
    assert concern.reference not in digest[0].body
    assert not Notification.objects.filter(recipient=world.manager_sodermalm).exists()


def test_no_digest_when_nothing_is_overdue(world, send_due_reminders):
    NotificationPreference.objects.create(
        user=world.manager_kungsholmen, topic="manager_digest", in_app=True, email=False
    )
    reminders.manager_digests_schedule()
    send_due_reminders()
    assert not Notification.objects.exists()
    assert Reminder.objects.get(kind="manager_digest").status == "cancelled"


def test_beat_sweeps_every_minute_and_sends_digests_at_seven(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["reminders-sweep"]["task"] == "portal.reminders_sweep"
    assert schedule["reminders-sweep"]["schedule"] == 60.0
    digest = schedule["manager-digests"]["schedule"]
    assert (digest.hour, digest.minute) == ({7}, {0})
    assert settings.CELERY_TIMEZONE == "Europe/Stockholm"


def test_the_tasks_are_thin_wrappers_that_send_through_the_services(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    from portal import tasks

    row = probe(world.social_kungsholmen)
    queued = []
    monkeypatch.setattr(tasks.reminders_send, "delay", lambda *args: queued.append(args))
    with time_machine.travel(DUE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.reminders_sweep() == 1
        assert tasks.reminders_send(*queued[0]) == {"sent": 1}
        assert tasks.reminders_send(*queued[0]) == {"skipped": 1}
    row.refresh_from_db()
    assert row.status == "sent"
    assert tasks.reminders_send.acks_late is True


def test_reminder_test_command_sends_a_test_reminder(world, send_due_reminders):
    call_command("reminder_test", "socsek_kungsholmen")
    send_due_reminders()
    assert Notification.objects.filter(recipient=world.social_kungsholmen).count() == 1
    assert len(mail.outbox) == 1


# --- races, on PostgreSQL -------------------------------------------------------------


def _in_threads(count, work):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as exc:  # collected and asserted by the caller
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_claim_each_row_once(world, postgres):
    Reminder.objects.bulk_create(
        Reminder(
            subject=f"probe:{n}",
            kind="probe",
            recipient=world.social_kungsholmen,
            due_at=DUE,
            next_attempt_at=DUE,
        )
        for n in range(400)
    )
    results, errors = _in_threads(4, lambda: claim_all(DUE))
    assert errors == []
    claimed = [pk for ids in results for pk in ids]
    assert len(claimed) == len(set(claimed)) == 400


def claim_all(now):
    ids = []
    while True:
        _token, batch = reminders.reminders_claim(now=now, limit=25)
        if not batch:
            return ids
        ids += batch


@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_of_one_claim_send_once(world, postgres):
    row = probe(world.social_kungsholmen)
    token, _ = claim()
    results, errors = _in_threads(
        4, lambda: reminders.reminder_send(reminder_id=row.pk, claim_token=token)
    )
    assert errors == []
    assert sorted(results) == ["sent", "skipped", "skipped", "skipped"]
    assert Notification.objects.count() == 1
    assert Delivery.objects.filter(result="sent").count() == 2
