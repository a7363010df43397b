"""The side that recorded a consent is reminded 14 days before it expires."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from consent import services
from portal.models import Notification, Reminder

pytestmark = pytest.mark.django_db


def _reminder():
    return Reminder.objects.get(kind="consent_expiring")


def test_recording_arms_the_reminder_fourteen_days_before_the_end(world, record_consent):
    consent = record_consent(
        world.principal_a,
        world.pupil_a,
        [world.school_a, world.intake_kungsholmen],
        ["school_attendance"],
    )
    reminder = _reminder()
    assert reminder.recipient == world.principal_a
    assert reminder.status == "pending"
    assert timezone.localtime(reminder.due_at).date() == consent.valid_to - datetime.timedelta(14)
    assert timezone.localtime(reminder.due_at).hour == 8


def test_withdrawal_cancels_the_reminder(world, record_consent):
    consent = record_consent(
        world.principal_a,
        world.pupil_a,
        [world.school_a, world.intake_kungsholmen],
        ["school_attendance"],
    )
    services.consent_withdraw(consent=consent, by=world.principal_a)
    assert _reminder().status == "cancelled"


def test_renewal_cancels_the_old_consents_reminder(world, record_consent):
    old = record_consent(
        world.principal_a,
        world.pupil_a,
        [world.school_a, world.intake_kungsholmen],
        ["school_attendance"],
    )
    record_consent(
        world.principal_a,
        world.pupil_a,
        [world.school_a, world.intake_kungsholmen],
        ["school_attendance"],
        renews=old,
    )
    statuses = dict(
        Reminder.objects.filter(kind="consent_expiring").values_list("subject", "status")
    )
    assert statuses[f"consent:{old.pk}"] == "cancelled"
    assert sorted(statuses.values()) == ["cancelled", "pending"]


def test_the_reminder_arrives_in_app_on_its_day(world, record_consent, send_due_reminders):
    consent = record_consent(
        world.principal_a,
        world.pupil_a,
        [world.school_a, world.intake_kungsholmen],
        ["school_attendance"],
    )
    due = _reminder().due_at
    with time_machine.travel(due - datetime.timedelta(minutes=5), tick=False):
        send_due_reminders()
    assert not Notification.objects.filter(recipient=world.principal_a).exists()
    with time_machine.travel(due + datetime.timedelta(minutes=1), tick=False):
        send_due_reminders()
    note = Notification.objects.get(recipient=world.principal_a)
    assert world.pupil_a.last_name not in str(note.__dict__)
    assert consent.valid_to
