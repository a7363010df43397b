"""The services of a concern arm, move, re-target and withdraw its reminders in the
same transaction as the change; time is controlled, never slept on.

Received Monday 2 November 2026 at 09:00: the skyddsbedömning is due that day
(reminded at 16:00 if not recorded), the förhandsbedömning on 16 November (day
10 is 12 November; the manager hears on 17 November if it is overdue)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from cases.models import Meeting
from portal.models import Notification, Reminder
from portal.roles import Role
from referrals import services
from referrals.models import Concern
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

STHLM = ZoneInfo("Europe/Stockholm")
NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=STHLM)


def at(day, hour, minute=0):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=STHLM)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def concern(world, file_concern) -> Concern:
    return file_concern(world.teacher_a, world.pupil_a)


def open_reminders(subject):
    return {
        (r.kind, r.recipient.username): r.due_at
        for r in Reminder.objects.filter(subject=subject, status="pending").select_related(
            "recipient"
        )
    }


def sent_to(user, kind=None):
    rows = Notification.objects.filter(recipient=user)
    if kind:
        rows = rows.filter(reminder__kind=kind)
    return rows


def send_at(moment, send_due_reminders):
    with time_machine.travel(moment, tick=False):
        send_due_reminders()


def protect(world, concern):
    return services.protection_assessment_record(
        concern=concern,
        by=world.social_kungsholmen,
        immediate_protection_needed=False,
        reasoning="Ingen akut fara.",
    )


def decide(world, concern, decision="not_open"):
    return services.preliminary_decision_record(
        concern=concern, by=world.social_kungsholmen, decision=decision, reasoning="Bedömt."
    )


# --- a new report -----------------------------------------------------------------------


def test_a_new_report_arms_its_deadline_reminders(world, concern):
    assert open_reminders(f"concern:{concern.pk}") == {
        ("protection_due", "socsek_kungsholmen"): at(2, 16),
        ("preliminary_day10", "socsek_kungsholmen"): at(12, 8),
        ("preliminary_day14", "socsek_kungsholmen"): at(16, 8),
        ("preliminary_overdue", "chef_kungsholmen"): at(17, 8),
    }


def test_a_report_goes_to_the_home_districts_social_workers_and_manager(world, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a_lives_sodermalm)
    recipients = {user for _kind, user in open_reminders(f"concern:{concern.pk}")}
    assert recipients == {"socsek_sodermalm", "chef_sodermalm"}


def test_a_report_received_after_the_cutoff_is_reminded_the_next_working_day(world, file_concern):
    with time_machine.travel(datetime.datetime(2026, 11, 6, 15, 30, tzinfo=STHLM), tick=False):
        concern = file_concern(world.teacher_a, world.pupil_a)  # Friday afternoon
    reminders = open_reminders(f"concern:{concern.pk}")
    assert reminders[("protection_due", "socsek_kungsholmen")] == at(9, 16)  # Monday


def test_a_report_registered_by_phone_arms_the_same_reminders(world):
    concern = services.concern_register_received(
        registered_by=world.social_kungsholmen,
        student=world.pupil_a,
        channel="phone",
        received_at=datetime.datetime(2026, 11, 1, 14, 0, tzinfo=STHLM),  # a Sunday
        reporter_name="Mentor Andersson",
        reporter_organisation="Skola A",
        reporter_contact="08-123 45",
        reporter_is_professional=True,
        categories=["school_absence"],
        worry="Hög frånvaro.",
        relation="Mentor",
    )
    assert open_reminders(f"concern:{concern.pk}") == {
        ("protection_due", "socsek_kungsholmen"): at(2, 16),
        ("preliminary_day10", "socsek_kungsholmen"): at(11, 8),
        ("preliminary_day14", "socsek_kungsholmen"): at(15, 8),
        ("preliminary_overdue", "chef_kungsholmen"): at(16, 8),
    }


# --- skyddsbedömning ----------------------------------------------------------------------


def test_a_skyddsbedomning_not_recorded_by_the_end_of_its_day_is_reminded(
    world, concern, send_due_reminders
):
    send_at(at(2, 15, 59), send_due_reminders)
    assert not sent_to(world.social_kungsholmen).exists()
    send_at(at(2, 16), send_due_reminders)
    notification = sent_to(world.social_kungsholmen, "protection_due").get()
    assert concern.reference in notification.text
    assert notification.url == reverse("referrals:case", args=[concern.pk])
    assert [m.to for m in mail.outbox] == [[world.social_kungsholmen.email]]


def test_reminder_emails_carry_nothing_about_the_pupil(world, concern, send_due_reminders):
    send_at(at(17, 8), send_due_reminders)  # every concern reminder has gone out
    assert len(mail.outbox) == 4
    pupil = world.pupil_a
    for message in mail.outbox:
        text = message.subject + message.body
        for secret in (
            pupil.first_name,
            pupil.last_name,
            pupil.personnummer,
            pupil.personnummer[2:8],
            concern.reference,
            concern.worry,
            world.school_a.name,
        ):
            assert secret not in text


def test_a_skyddsbedomning_recorded_in_time_means_no_reminder(world, concern, send_due_reminders):
    protect(world, concern)
    send_at(at(2, 16), send_due_reminders)
    assert not sent_to(world.social_kungsholmen).exists()
    assert Reminder.objects.get(kind="protection_due").status == "cancelled"


# --- förhandsbedömning --------------------------------------------------------------------


@pytest.fixture
def second_worker(world):
    user = UserFactory(username="socsek_kungsholmen_2")
    MembershipFactory(user=user, unit=world.intake_kungsholmen, role=Role.SOCIAL_WORKER)
    return user


def test_before_assignment_the_units_social_workers_are_reminded(
    world, second_worker, file_concern
):
    concern = file_concern(world.teacher_a, world.pupil_a)
    users = {
        user
        for kind, user in open_reminders(f"concern:{concern.pk}")
        if kind != "preliminary_overdue"
    }
    assert users == {"socsek_kungsholmen", "socsek_kungsholmen_2"}


def test_assignment_re_targets_the_reminders_to_the_assigned_social_worker(
    world, second_worker, file_concern, send_due_reminders
):
    concern = file_concern(world.teacher_a, world.pupil_a)
    services.concern_assign(concern=concern, assignee=second_worker, by=world.social_kungsholmen)
    assert open_reminders(f"concern:{concern.pk}") == {
        ("protection_due", "socsek_kungsholmen_2"): at(2, 16),
        ("preliminary_day10", "socsek_kungsholmen_2"): at(12, 8),
        ("preliminary_day14", "socsek_kungsholmen_2"): at(16, 8),
        ("preliminary_overdue", "chef_kungsholmen"): at(17, 8),
    }
    send_at(at(2, 16), send_due_reminders)
    assert sent_to(second_worker, "protection_due").count() == 1
    assert not sent_to(world.social_kungsholmen).exists()


def test_day_10_and_day_14_remind_the_assigned_social_worker(world, concern, send_due_reminders):
    services.concern_assign(
        concern=concern, assignee=world.social_kungsholmen, by=world.social_kungsholmen
    )
    protect(world, concern)
    send_at(at(12, 7, 59), send_due_reminders)
    assert not sent_to(world.social_kungsholmen).exists()
    send_at(at(12, 8), send_due_reminders)
    assert sent_to(world.social_kungsholmen, "preliminary_day10").count() == 1
    send_at(at(16, 8), send_due_reminders)
    assert sent_to(world.social_kungsholmen, "preliminary_day14").count() == 1
    assert not sent_to(world.manager_kungsholmen).exists()


def test_an_overdue_forhandsbedomning_is_reminded_to_the_units_manager(
    world, concern, send_due_reminders
):
    protect(world, concern)
    send_at(at(17, 8), send_due_reminders)
    notification = sent_to(world.manager_kungsholmen, "preliminary_overdue").get()
    assert notification.url == reverse("home")
    assert world.pupil_a.last_name not in notification.text
    assert not sent_to(world.manager_sodermalm).exists()
    assert not sent_to(world.social_kungsholmen, "preliminary_overdue").exists()


def test_a_decision_before_day_10_leaves_nothing_to_remind(world, concern, send_due_reminders):
    protect(world, concern)
    decide(world, concern)
    assert open_reminders(f"concern:{concern.pk}") == {}
    send_at(at(30, 8), send_due_reminders)
    assert not Notification.objects.exists()


def test_a_decision_on_day_14_means_the_manager_hears_nothing(world, concern, send_due_reminders):
    protect(world, concern)
    send_at(at(16, 8), send_due_reminders)
    with time_machine.travel(at(16, 13), tick=False):
        decide(world, concern)
    send_at(at(17, 8), send_due_reminders)
    assert not sent_to(world.manager_kungsholmen).exists()


def test_an_extension_moves_the_day_14_and_overdue_reminders(world, concern, send_due_reminders):
    protect(world, concern)
    services.preliminary_extension_record(
        concern=concern,
        by=world.social_kungsholmen,
        reason="police_interview",
        explanation="Polisförhör den 24 november.",
        new_due_on=datetime.date(2026, 11, 26),
    )
    reminders = open_reminders(f"concern:{concern.pk}")
    assert reminders[("preliminary_day10", "socsek_kungsholmen")] == at(12, 8)
    assert reminders[("preliminary_day14", "socsek_kungsholmen")] == at(26, 8)
    assert reminders[("preliminary_overdue", "chef_kungsholmen")] == at(27, 8)
    send_at(at(17, 8), send_due_reminders)
    assert not sent_to(world.social_kungsholmen, "preliminary_day14").exists()
    assert not sent_to(world.manager_kungsholmen).exists()
    send_at(at(26, 8), send_due_reminders)
    assert sent_to(world.social_kungsholmen, "preliminary_day14").count() == 1


def test_an_extension_after_day_14_arms_day_14_again_for_the_new_date(
    world, concern, send_due_reminders
):
    protect(world, concern)
    send_at(at(16, 8), send_due_reminders)
    with time_machine.travel(at(16, 9), tick=False):
        services.preliminary_extension_record(
            concern=concern,
            by=world.social_kungsholmen,
            reason="family_unreachable",
            explanation="Familjen svarar inte.",
            new_due_on=datetime.date(2026, 11, 20),
        )
    send_at(at(20, 8), send_due_reminders)
    assert sent_to(world.social_kungsholmen, "preliminary_day14").count() == 2


# --- utredning ---------------------------------------------------------------------------


@pytest.fixture
def investigation(world, concern):
    protect(world, concern)
    decide(world, concern, "open")
    return concern.investigations.get()


def test_opening_an_utredning_arms_one_month_before_and_overdue(world, investigation):
    assert investigation.due_on == datetime.date(2027, 3, 2)
    assert open_reminders(f"investigation:{investigation.pk}") == {
        ("investigation_month_before", "socsek_kungsholmen"): datetime.datetime(
            2027, 2, 2, 8, 0, tzinfo=STHLM
        ),
        ("investigation_overdue", "socsek_kungsholmen"): datetime.datetime(
            2027, 3, 3, 8, 0, tzinfo=STHLM
        ),
        ("investigation_overdue", "chef_kungsholmen"): datetime.datetime(
            2027, 3, 3, 8, 0, tzinfo=STHLM
        ),
    }


def test_an_utredning_is_reminded_a_month_before_and_when_overdue(
    world, investigation, send_due_reminders
):
    send_at(datetime.datetime(2027, 2, 2, 7, 59, tzinfo=STHLM), send_due_reminders)
    assert not Notification.objects.exists()
    send_at(datetime.datetime(2027, 2, 2, 8, 0, tzinfo=STHLM), send_due_reminders)
    month = sent_to(world.social_kungsholmen, "investigation_month_before").get()
    assert month.url == reverse("referrals:case", args=[investigation.concern_id])
    send_at(datetime.datetime(2027, 3, 3, 8, 0, tzinfo=STHLM), send_due_reminders)
    assert sent_to(world.social_kungsholmen, "investigation_overdue").count() == 1
    assert sent_to(world.manager_kungsholmen, "investigation_overdue").get().url == "/"


def test_extending_an_utredning_moves_its_reminders(world, investigation, send_due_reminders):
    send_at(datetime.datetime(2027, 2, 2, 8, 0, tzinfo=STHLM), send_due_reminders)
    with time_machine.travel(datetime.datetime(2027, 2, 10, 10, 0, tzinfo=STHLM), tick=False):
        services.investigation_extend(
            investigation=investigation,
            by=world.social_kungsholmen,
            reason="Väntar på BUP:s utlåtande.",
            new_due_on=datetime.date(2027, 5, 3),
        )
    send_at(datetime.datetime(2027, 3, 3, 8, 0, tzinfo=STHLM), send_due_reminders)
    assert not sent_to(world.social_kungsholmen, "investigation_overdue").exists()
    send_at(datetime.datetime(2027, 4, 3, 8, 0, tzinfo=STHLM), send_due_reminders)
    # The month-before reminder was sent for the old date and comes again for the new.
    assert sent_to(world.social_kungsholmen, "investigation_month_before").count() == 2


def test_closing_an_utredning_in_time_leaves_nothing_to_remind(
    world, investigation, send_due_reminders
):
    with time_machine.travel(datetime.datetime(2027, 1, 15, 10, 0, tzinfo=STHLM), tick=False):
        services.investigation_close(
            investigation=investigation, by=world.social_kungsholmen, outcome="no_intervention"
        )
    send_at(datetime.datetime(2027, 4, 1, 8, 0, tzinfo=STHLM), send_due_reminders)
    assert not Notification.objects.exists()


# --- anmälningsmöte ------------------------------------------------------------------------

MEETING_AT = at(20, 10)


@pytest.fixture
def meeting(world, concern):
    decision = services.notification_meeting_schedule(
        concern=concern,
        by=world.social_kungsholmen,
        starts_at=MEETING_AT,
        duration_minutes=45,
        place="Socialkontoret Kungsholmen, rum Ängen",
    )
    return decision.meeting


def meeting_reminders(meeting):
    return {
        (r.kind, r.recipient.username if r.recipient_id else r.email): r.due_at
        for r in Reminder.objects.filter(
            subject=f"meeting:{meeting.pk}", status="pending"
        ).select_related("recipient")
    }


def test_scheduling_the_meeting_reminds_each_participant_48_and_2_hours_before(world, meeting):
    guardian = world.pupil_a.guardians.get()
    assert meeting_reminders(meeting) == {
        ("meeting_48h", "socsek_kungsholmen"): at(18, 10),
        ("meeting_2h", "socsek_kungsholmen"): at(20, 8),
        ("meeting_48h", "larare_a"): at(18, 10),
        ("meeting_2h", "larare_a"): at(20, 8),
        ("meeting_48h", guardian.email): at(18, 10),
        ("meeting_2h", guardian.email): at(20, 8),
    }


def test_meeting_reminders_go_out_with_time_and_place_and_the_guardian_gets_email(
    world, concern, meeting, send_due_reminders
):
    protect(world, concern)
    decide(world, concern)  # so only the meeting is reminded
    guardian = world.pupil_a.guardians.get()
    send_at(at(18, 9, 59), send_due_reminders)
    assert not Notification.objects.exists()
    send_at(at(18, 10), send_due_reminders)
    teacher = sent_to(world.teacher_a, "meeting_48h").get()
    assert "Socialkontoret Kungsholmen" in teacher.text
    assert teacher.url == reverse("referrals:concern_detail", args=[concern.pk])
    social = sent_to(world.social_kungsholmen, "meeting_48h").get()
    assert social.url == reverse("referrals:case", args=[concern.pk])
    to_guardian = [m for m in mail.outbox if m.to == [guardian.email]]
    assert len(to_guardian) == 1
    assert "Socialkontoret Kungsholmen" in to_guardian[0].body
    assert world.pupil_a.first_name not in to_guardian[0].body
    assert "http" not in to_guardian[0].body  # no account, so no link
    send_at(at(20, 8), send_due_reminders)
    assert Notification.objects.filter(reminder__kind="meeting_2h").count() == 2
    assert len([m for m in mail.outbox if m.to == [guardian.email]]) == 2


def test_a_meeting_scheduled_at_short_notice_gets_only_the_reminders_still_ahead(world, concern):
    services.notification_meeting_schedule(
        concern=concern,
        by=world.social_kungsholmen,
        starts_at=NOW + datetime.timedelta(hours=24),
        duration_minutes=30,
        place="Socialkontoret",
    )
    kinds = set(
        Reminder.objects.filter(subject__startswith="meeting:").values_list("kind", flat=True)
    )
    assert kinds == {"meeting_2h"}


def test_the_meeting_reminder_is_not_sent_once_the_meeting_has_started(
    world, concern, meeting, send_due_reminders
):
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=at(18, 9))  # moved outside services
    send_at(at(18, 10), send_due_reminders)
    assert not Notification.objects.filter(reminder__kind__startswith="meeting").exists()
