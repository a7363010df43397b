"""SIP from start to follow-up: consent gates activation and what participants see."""

import datetime

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases.invites import calendar_for
from cases.models import Meeting, SipPlan, SipVersion
from cases.sip import services
from consent import services as consent_services
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def write(plan, by, world, needs="Trygg skolgång och stöd hemma.", **changes):
    fields = {
        "plan": plan,
        "by": by,
        "needs": needs,
        "lead_unit": world.investigation_kungsholmen,
        "lead_person": "Maria Dahl",
        "follow_up_how": "Uppföljningsmöte med alla parter.",
        "next_follow_up_on": timezone.localdate() + datetime.timedelta(days=30),
        "interventions": [
            {"what": "Familjebehandling", "provider": "municipality", "responsible": "Ola"},
            {"what": "Anpassad studiegång", "provider": "school", "responsible": "Eva"},
        ],
    }
    fields.update(changes)
    return services.sip_version_save(**fields)


def sip_consent(world, record):
    return record(
        world.sip_kungsholmen,
        world.pupil_a,
        [world.investigation_kungsholmen, world.school_a],
        ["sip_plan"],
    )


@pytest.fixture
def record_consent():
    from tests.consent.conftest import scan

    def record(by, student, parties, categories):
        today = timezone.localdate()
        return consent_services.consent_record(
            by=by,
            student=student,
            guardians=list(student.guardians.all()),
            pupil_gives=False,
            parties=parties,
            categories=categories,
            purpose="SIP",
            valid_from=today,
            valid_to=today + datetime.timedelta(days=365),
            form="written",
            scan=scan(),
        )

    return record


# --- starting and writing ---


def test_sip_coordinator_starts_a_draft_from_the_pupil_page(world, opened, client_for, csrf_post):
    client = client_for(world.sip_kungsholmen)
    page = client.get(reverse("cases:student_detail", args=[world.pupil_a.pk]))
    assert page.status_code == 200
    assert page.context["sections"]
    response = csrf_post(client, reverse("cases:sip_start", args=[world.pupil_a.pk]))
    plan = SipPlan.objects.get()
    assert response.status_code == 302
    assert plan.status == "draft"
    assert {p.unit for p in plan.participants.all()} == {
        world.investigation_kungsholmen,
        world.school_a,
    }


def test_a_pupil_gets_one_open_sip(world, plan):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.sip_start(by=world.sip_kungsholmen, student=world.pupil_a)


def test_versions_are_kept(world, plan):
    first = write(plan, world.sip_kungsholmen, world)
    second = write(plan, world.sip_kungsholmen, world, needs="Nytt behov")
    assert (first.number, second.number) == (1, 2)
    first.refresh_from_db()
    assert first.needs == "Trygg skolgång och stöd hemma."
    assert list(SipVersion.objects.filter(plan=plan).order_by("number")) == [first, second]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"needs": ""}, "needs"),
        ({"lead_person": ""}, "lead_person"),
        ({"interventions": []}, "interventions"),
        (
            {"interventions": [{"what": "X", "provider": "nobody", "responsible": "Y"}]},
            "interventions",
        ),
        ({"next_follow_up_on": datetime.date(2020, 1, 1)}, "next_follow_up_on"),
    ],
)
def test_bad_plan_content_is_refused(world, plan, changes, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        write(plan, world.sip_kungsholmen, world, **changes)
    assert field in exc.value.message_dict
    assert not SipVersion.objects.exists()


def test_lead_unit_must_take_part(world, plan):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        write(plan, world.sip_kungsholmen, world, lead_unit=world.intake_sodermalm)


def test_plan_form_through_the_page(world, plan, client_for, csrf_post):
    url = reverse("cases:sip_version", args=[plan.pk])
    data = {
        "needs": "Behov",
        "lead_unit": world.investigation_kungsholmen.pk,
        "lead_person": "Maria",
        "follow_up_how": "Möte",
        "next_follow_up_on": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
        "i-TOTAL_FORMS": "2",
        "i-INITIAL_FORMS": "0",
        "i-0-what": "Samtalsstöd",
        "i-0-provider": "region",
        "i-0-responsible": "BUP",
        "i-1-what": "",
        "i-1-provider": "",
        "i-1-responsible": "",
    }
    response = csrf_post(client_for(world.sip_kungsholmen), url, data)
    assert response.status_code == 302
    assert SipVersion.objects.get().interventions.get().what == "Samtalsstöd"
    bad = csrf_post(client_for(world.sip_kungsholmen), url, {**data, "needs": ""})
    assert bad.status_code == 400
    assert SipVersion.objects.count() == 1


# --- consent gates activation and participants ---


def test_activation_needs_a_consent_covering_every_participating_unit(
    world, plan, client_for, csrf_post, record_consent
):
    write(plan, world.sip_kungsholmen, world)
    url = reverse("cases:sip_activate", args=[plan.pk])
    client = client_for(world.sip_kungsholmen)
    assert csrf_post(client, url).status_code == 400
    plan.refresh_from_db()
    assert plan.status == "draft"
    # A consent for the school alone is not enough.
    record_consent(
        world.sip_kungsholmen, world.pupil_a, [world.investigation_kungsholmen], ["sip_plan"]
    )
    assert csrf_post(client, url).status_code == 400
    sip_consent(world, record_consent)
    assert csrf_post(client, url).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "active"


def test_activation_needs_a_written_plan(world, plan, record_consent):
    from django.core.exceptions import ValidationError

    sip_consent(world, record_consent)
    with pytest.raises(ValidationError):
        services.sip_activate(plan=plan, by=world.sip_kungsholmen)


def test_a_participant_sees_the_plan_only_while_the_consent_covers_them(
    world, plan, client_for, record_consent
):
    write(plan, world.sip_kungsholmen, world)
    url = reverse("cases:sip_detail", args=[plan.pk])
    teacher = client_for(world.teacher_a)
    assert teacher.get(url).status_code == 404
    consent = sip_consent(world, record_consent)
    services.sip_activate(plan=plan, by=world.sip_kungsholmen)
    response = teacher.get(url)
    assert response.status_code == 200
    assert "Familjebehandling" in response.content.decode()
    consent_services.consent_withdraw(consent=consent, by=world.sip_kungsholmen)
    assert teacher.get(url).status_code == 404
    assert teacher.get(reverse("cases:sip_list")).context["rows"] == []


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("sip_kungsholmen", 200),
        ("teacher_b", 404),
        ("social_sodermalm", 404),
        ("manager_kungsholmen", 403),
        ("admin", 403),
        ("log_reviewer", 403),
    ],
)
def test_sip_page_by_persona(world, plan, client_for, persona, status):
    url = reverse("cases:sip_detail", args=[plan.pk])
    assert client_for(getattr(world, persona)).get(url).status_code == status


def test_sip_page_as_anonymous_redirects(world, plan, client_for):
    assert client_for().get(reverse("cases:sip_detail", args=[plan.pk])).status_code == 302


def test_only_the_convening_side_changes_the_plan(
    world, plan, client_for, csrf_post, record_consent
):
    write(plan, world.sip_kungsholmen, world)
    sip_consent(world, record_consent)
    services.sip_activate(plan=plan, by=world.sip_kungsholmen)
    url = reverse("cases:sip_close", args=[plan.pk])
    assert csrf_post(client_for(world.teacher_a), url, {"outcome": "x"}).status_code == 403
    plan.refresh_from_db()
    assert plan.status == "active"


# --- follow-up, escalation, closing ---


def test_follow_up_due_escalate_and_close(world, plan, record_consent, client_for, csrf_post):
    import time_machine

    write(plan, world.sip_kungsholmen, world)
    sip_consent(world, record_consent)
    services.sip_activate(plan=plan, by=world.sip_kungsholmen)
    later = timezone.now() + datetime.timedelta(days=31)
    with time_machine.travel(later, tick=False):
        rows = client_for(world.sip_kungsholmen).get(reverse("cases:sip_list")).context["rows"]
        assert rows[0]["status"] == "follow_up_due"
    client = client_for(world.sip_kungsholmen)
    assert (
        csrf_post(client, reverse("cases:sip_escalate", args=[plan.pk]), {"reason": ""}).status_code
        == 400
    )
    assert (
        csrf_post(
            client,
            reverse("cases:sip_escalate", args=[plan.pk]),
            {"reason": "BUP och skolan kommer inte överens."},
        ).status_code
        == 302
    )
    assert (
        csrf_post(
            client,
            reverse("cases:sip_close", args=[plan.pk]),
            {"outcome": "Insatserna är avslutade."},
        ).status_code
        == 302
    )
    plan.refresh_from_db()
    assert plan.status == "closed" and plan.escalated_at is not None


# --- meetings and calendar invites ---


def _meeting_data(**changes):
    data = {
        "kind": "sip",
        "starts_at": (timezone.localtime() + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "90",
        "place": "Stadsdelshuset",
        "agenda": "HEMLIG DAGORDNING",
    }
    data.update(changes)
    return data


def test_booking_a_sip_meeting_sends_calendar_invites_without_personal_data(
    world, plan, client_for, csrf_post, django_capture_on_commit_callbacks
):
    services.sip_participant_add(
        plan=plan,
        by=world.sip_kungsholmen,
        role="family",
        name="Mamma Andersson",
        email="mamma@example.invalid",
    )
    services.sip_participant_add(
        plan=plan, by=world.sip_kungsholmen, role="school", user=world.teacher_a
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = csrf_post(
            client_for(world.sip_kungsholmen),
            reverse("cases:sip_meeting", args=[plan.pk]),
            _meeting_data(),
        )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert "mamma@example.invalid" in recipients
    assert world.teacher_a.email in recipients
    message = mail.outbox[0]
    ics = message.attachments[0][1]
    cal = icalendar.Calendar.from_ical(ics)
    event = next(iter(cal.walk("VEVENT")))
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"{meeting.uid}@samverkan"
    assert int(event["SEQUENCE"]) == 0
    assert str(event["SUMMARY"]) == "Möte — Samverkan"
    everything = (message.subject + message.body + ics.decode()).lower()
    for secret in (
        world.pupil_a.first_name,
        world.pupil_a.last_name,
        world.pupil_a.personnummer,
        "hemlig dagordning",
    ):
        assert secret.lower() not in everything


def test_calendar_keeps_its_uid_and_raises_sequence_on_reschedule(world, plan):
    meeting = services.sip_meeting_schedule(
        plan=plan,
        by=world.sip_kungsholmen,
        kind="sip",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        duration_minutes=60,
        place="Rum 1",
    )
    first = icalendar.Calendar.from_ical(
        calendar_for(meeting, method="REQUEST", attendees=["a@x.se"])
    )
    meeting.sequence += 1
    meeting.starts_at += datetime.timedelta(days=1)
    second = icalendar.Calendar.from_ical(
        calendar_for(meeting, method="REQUEST", attendees=["a@x.se"])
    )
    cancel = icalendar.Calendar.from_ical(
        calendar_for(meeting, method="CANCEL", attendees=["a@x.se"])
    )
    e1, e2, e3 = (next(iter(c.walk("VEVENT"))) for c in (first, second, cancel))
    assert str(e1["UID"]) == str(e2["UID"]) == str(e3["UID"])
    assert (int(e1["SEQUENCE"]), int(e2["SEQUENCE"])) == (0, 1)
    assert str(cancel["METHOD"]) == "CANCEL" and str(e3["STATUS"]) == "CANCELLED"
    assert e2.decoded("DTSTART").tzinfo is not None


def test_meeting_page_time_for_invited_minutes_only_with_consent(
    world, plan, client_for, csrf_post, record_consent
):
    services.sip_participant_add(
        plan=plan, by=world.sip_kungsholmen, role="school", user=world.teacher_a
    )
    meeting = services.sip_meeting_schedule(
        plan=plan,
        by=world.sip_kungsholmen,
        kind="sip",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        duration_minutes=60,
        place="Rum 1",
        agenda="HEMLIG DAGORDNING",
    )
    url = reverse("cases:meeting_detail", args=[meeting.pk])
    teacher = client_for(world.teacher_a)
    body = teacher.get(url).content.decode()
    assert "Rum 1" in body
    assert "HEMLIG DAGORDNING" not in body
    sip_consent(world, record_consent)
    assert "HEMLIG DAGORDNING" in teacher.get(url).content.decode()
    assert client_for(world.teacher_b).get(url).status_code == 404
    assert client_for(world.manager_kungsholmen).get(url).status_code == 403
    # RSVP
    response = csrf_post(
        teacher, reverse("cases:meeting_respond", args=[meeting.pk]), {"response": "accepted"}
    )
    assert response.status_code == 302
    assert meeting.participants.get(user=world.teacher_a).response == "accepted"
    # Minutes are kept by the organising side only.
    minutes = reverse("cases:meeting_minutes", args=[meeting.pk])
    assert csrf_post(teacher, minutes, {"minutes": "x"}).status_code == 403
    assert (
        csrf_post(
            client_for(world.sip_kungsholmen), minutes, {"minutes": "Beslut: BUP kallar."}
        ).status_code
        == 302
    )


def test_a_sip_coordinator_of_another_district_cannot_start(world, opened):
    from django.core.exceptions import PermissionDenied

    other = UserFactory(username="sip_sodermalm")
    investigation = __import__("portal.models", fromlist=["Unit"]).Unit.objects.create(
        code="sod-utr",
        name="Utredning Södermalm",
        kind="social_investigation",
        district=world.sodermalm,
    )
    MembershipFactory(user=other, unit=investigation, role="sip_coordinator")
    with pytest.raises(PermissionDenied):
        services.sip_start(by=other, student=world.pupil_a)


def test_sip_meetings_get_reminders_and_updated_invites(
    world, plan, django_capture_on_commit_callbacks
):
    from cases.services import meeting_cancel, meeting_reschedule
    from portal.models import Reminder

    services.sip_participant_add(
        plan=plan, by=world.sip_kungsholmen, role="school", user=world.teacher_a
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.sip_meeting_schedule(
            plan=plan,
            by=world.sip_kungsholmen,
            kind="sip",
            starts_at=timezone.now() + datetime.timedelta(days=5),
            duration_minutes=60,
            place="Rum 1",
        )
    assert (
        Reminder.objects.filter(
            subject=f"meeting:{meeting.pk}", recipient=world.teacher_a, status="pending"
        ).count()
        == 2
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_reschedule(
            meeting=meeting,
            by=world.sip_kungsholmen,
            starts_at=timezone.now() + datetime.timedelta(days=6),
        )
    event = next(
        iter(icalendar.Calendar.from_ical(mail.outbox[0].attachments[0][1]).walk("VEVENT"))
    )
    assert int(event["SEQUENCE"]) == 1
    assert str(event["UID"]) == f"{meeting.uid}@samverkan"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, by=world.sip_kungsholmen)
    cal = icalendar.Calendar.from_ical(mail.outbox[0].attachments[0][1])
    assert str(cal["METHOD"]) == "CANCEL"
    assert not Reminder.objects.filter(subject=f"meeting:{meeting.pk}", status="pending").exists()


def test_declining_withdraws_the_participants_reminders(world, plan):
    from portal.models import Reminder

    services.sip_participant_add(
        plan=plan, by=world.sip_kungsholmen, role="school", user=world.teacher_a
    )
    meeting = services.sip_meeting_schedule(
        plan=plan,
        by=world.sip_kungsholmen,
        kind="sip",
        starts_at=timezone.now() + datetime.timedelta(days=5),
        duration_minutes=60,
        place="Rum",
    )
    services.meeting_respond(meeting=meeting, by=world.teacher_a, response="declined")
    assert not Reminder.objects.filter(
        subject=f"meeting:{meeting.pk}", recipient=world.teacher_a, status="pending"
    ).exists()


def test_the_convenor_is_reminded_on_the_follow_up_date(world, plan, record_consent):
    from portal.models import Reminder

    version = write(plan, world.sip_kungsholmen, world)
    assert not Reminder.objects.filter(kind="sip_follow_up_due").exists()  # a draft
    sip_consent(world, record_consent)
    services.sip_activate(plan=plan, by=world.sip_kungsholmen)
    reminder = Reminder.objects.get(kind="sip_follow_up_due")
    assert reminder.recipient == world.sip_kungsholmen
    assert timezone.localtime(reminder.due_at).date() == version.next_follow_up_on
    moved = write(
        plan,
        world.sip_kungsholmen,
        world,
        next_follow_up_on=version.next_follow_up_on + datetime.timedelta(days=7),
    )
    reminder.refresh_from_db()
    assert timezone.localtime(reminder.due_at).date() == moved.next_follow_up_on
    services.sip_close(plan=plan, by=world.sip_kungsholmen, outcome="Klart.")
    reminder.refresh_from_db()
    assert reminder.status == "cancelled"
