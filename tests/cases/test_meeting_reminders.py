"""Meetings: moving one moves its reminders (and grows its calendar SEQUENCE);
cancelling one withdraws them. The hours are set per meeting kind."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cases import services
from cases.models import Meeting, MeetingParticipant
from cases.reminders import meeting_reminders_sync
from portal.models import Notification, Reminder

pytestmark = pytest.mark.django_db

STHLM = ZoneInfo("Europe/Stockholm")
NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=STHLM)
STARTS = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=STHLM)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def make_meeting(world, kind=Meeting.Kind.NOTIFICATION, starts_at=STARTS):
    meeting = Meeting.objects.create(
        kind=kind,
        student=world.pupil_a,
        organiser=world.social_kungsholmen,
        organiser_unit=world.intake_kungsholmen,
        starts_at=starts_at,
        place="Socialkontoret",
    )
    MeetingParticipant.objects.bulk_create(
        [
            MeetingParticipant(meeting=meeting, user=world.social_kungsholmen),
            MeetingParticipant(meeting=meeting, user=world.teacher_a),
            MeetingParticipant(meeting=meeting, name="Vårdnadshavare", email="vh@example.invalid"),
            MeetingParticipant(meeting=meeting, name="Eleven"),
        ]
    )
    meeting_reminders_sync(meeting)
    return meeting


def due_times(meeting, status="pending"):
    return sorted(
        {
            (r.kind, r.due_at)
            for r in Reminder.objects.filter(subject=f"meeting:{meeting.pk}", status=status)
        }
    )


def send_at(moment, send_due_reminders):
    with time_machine.travel(moment, tick=False):
        send_due_reminders()


def test_each_participant_with_an_account_or_address_is_reminded(world):
    meeting = make_meeting(world)
    rows = Reminder.objects.filter(subject=f"meeting:{meeting.pk}")
    assert rows.count() == 6  # three people (the pupil has no address) x two reminders
    assert set(rows.filter(recipient__isnull=True).values_list("email", flat=True)) == {
        "vh@example.invalid"
    }


def test_rescheduling_moves_the_reminders_and_grows_the_sequence(world, send_due_reminders):
    meeting = make_meeting(world)
    later = STARTS + datetime.timedelta(days=7)
    moved = services.meeting_reschedule(
        meeting=meeting, by=world.social_kungsholmen, starts_at=later
    )
    assert moved.sequence == 1
    assert due_times(meeting) == [
        ("meeting_2h", later - datetime.timedelta(hours=2)),
        ("meeting_48h", later - datetime.timedelta(hours=48)),
    ]
    send_at(STARTS - datetime.timedelta(hours=48), send_due_reminders)
    assert not Notification.objects.exists()
    send_at(later - datetime.timedelta(hours=48), send_due_reminders)
    assert Notification.objects.filter(reminder__kind="meeting_48h").count() == 2


def test_rescheduling_after_a_reminder_went_out_sends_it_again_for_the_new_time(
    world, send_due_reminders
):
    meeting = make_meeting(world)
    send_at(STARTS - datetime.timedelta(hours=48), send_due_reminders)
    assert Notification.objects.filter(recipient=world.teacher_a).count() == 1
    later = STARTS + datetime.timedelta(days=2)
    with time_machine.travel(STARTS - datetime.timedelta(hours=47), tick=False):
        services.meeting_reschedule(meeting=meeting, by=world.social_kungsholmen, starts_at=later)
    send_at(later - datetime.timedelta(hours=48), send_due_reminders)
    assert Notification.objects.filter(recipient=world.teacher_a).count() == 2


def test_rescheduling_to_short_notice_drops_the_reminders_already_past(world):
    meeting = make_meeting(world)
    soon = NOW + datetime.timedelta(hours=5)
    services.meeting_reschedule(meeting=meeting, by=world.social_kungsholmen, starts_at=soon)
    assert due_times(meeting) == [("meeting_2h", soon - datetime.timedelta(hours=2))]
    assert {k for k, _ in due_times(meeting, "cancelled")} == {"meeting_48h"}


def test_a_reminder_queued_before_the_reschedule_is_not_sent_for_the_old_time(world):
    from portal import reminders

    meeting = make_meeting(world)
    token, ids = reminders.reminders_claim(now=STARTS - datetime.timedelta(hours=48))
    assert len(ids) == 3
    services.meeting_reschedule(
        meeting=meeting, by=world.social_kungsholmen, starts_at=STARTS + datetime.timedelta(days=1)
    )
    results = {reminders.reminder_send(reminder_id=pk, claim_token=token) for pk in ids}
    assert results == {"skipped"}
    assert not Notification.objects.exists()


def test_cancelling_withdraws_every_reminder(world, send_due_reminders):
    meeting = make_meeting(world)
    cancelled = services.meeting_cancel(meeting=meeting, by=world.social_kungsholmen)
    assert (cancelled.status, cancelled.sequence) == ("cancelled", 1)
    assert due_times(meeting) == []
    send_at(STARTS - datetime.timedelta(hours=2), send_due_reminders)
    assert not Notification.objects.exists()


def test_a_meeting_cancelled_after_its_reminder_was_queued_is_not_reminded(world):
    from portal import reminders

    meeting = make_meeting(world)
    token, ids = reminders.reminders_claim(now=STARTS - datetime.timedelta(hours=48))
    services.meeting_cancel(meeting=meeting, by=world.social_kungsholmen)
    assert {reminders.reminder_send(reminder_id=pk, claim_token=token) for pk in ids} == {"skipped"}


def test_only_the_organising_side_may_move_or_cancel_a_meeting(world):
    meeting = make_meeting(world)
    with pytest.raises(PermissionDenied):
        services.meeting_reschedule(
            meeting=meeting, by=world.teacher_a, starts_at=STARTS + datetime.timedelta(days=1)
        )
    with pytest.raises(PermissionDenied):
        services.meeting_cancel(meeting=meeting, by=world.social_sodermalm)
    assert Meeting.objects.get(pk=meeting.pk).sequence == 0


def test_a_meeting_cannot_be_moved_into_the_past_or_after_it_is_cancelled(world):
    meeting = make_meeting(world)
    with pytest.raises(ValidationError):
        services.meeting_reschedule(
            meeting=meeting,
            by=world.social_kungsholmen,
            starts_at=NOW - datetime.timedelta(hours=1),
        )
    services.meeting_cancel(meeting=meeting, by=world.social_kungsholmen)
    with pytest.raises(ValidationError):
        services.meeting_reschedule(meeting=meeting, by=world.social_kungsholmen, starts_at=STARTS)
    with pytest.raises(ValidationError):
        services.meeting_cancel(meeting=meeting, by=world.social_kungsholmen)


def test_a_sip_follow_up_is_reminded_a_week_and_a_day_before(world, send_due_reminders):
    meeting = make_meeting(world, kind=Meeting.Kind.SIP_FOLLOW_UP)
    assert due_times(meeting) == [
        ("sip_follow_up_168h", STARTS - datetime.timedelta(days=7)),
        ("sip_follow_up_24h", STARTS - datetime.timedelta(days=1)),
    ]
    send_at(STARTS - datetime.timedelta(days=7), send_due_reminders)
    assert Notification.objects.filter(reminder__kind="sip_follow_up_168h").count() == 2


def test_the_hours_are_a_setting_per_meeting_kind(world, settings):
    settings.MEETING_REMINDER_HOURS = {"notification": [2]}
    meeting = make_meeting(world)
    assert due_times(meeting) == [("meeting_2h", STARTS - datetime.timedelta(hours=2))]
