"""Anmälningsmöte (SoL 14:1a): the intake social worker offers a meeting to the
child, the guardians and the reporter, or records why none is held. The school
sees only the time and place of a meeting it is invited to; never the notes."""

import datetime
import html
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse

from cases.models import Meeting, MeetingParticipant
from referrals import services
from referrals.models import ConcernEvent, NotificationMeeting

pytestmark = pytest.mark.django_db

STHLM = ZoneInfo("Europe/Stockholm")
NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=STHLM)
MEETING_AT = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=STHLM)
PLACE = "Socialkontoret Kungsholmen, rum Ängen"
SECRET_NOTES = "Mamman berättade om pappans missbruk; ärendet kräver uppföljning."
SKIP_EXPLANATION = "Barnet har uttryckt rädsla för att vårdnadshavarna får veta."


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def concern(world):
    draft = services.draft_start(author=world.teacher_a, student=world.pupil_a)
    return services.concern_submit(
        reporter=world.teacher_a,
        draft=draft,
        categories=["mental_ill_health"],
        worry="Eleven verkar mycket nedstämd och har slutat äta lunch.",
        relation="Mentor",
    )


def case_url(concern, action=""):
    name = f"referrals:case_{action}" if action else "referrals:case"
    return reverse(name, args=[concern.pk])


def detail_url(concern):
    return reverse("referrals:concern_detail", args=[concern.pk])


def meeting_data(starts_at=MEETING_AT, **overrides):
    data = {
        "starts_at": starts_at.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "45",
        "place": PLACE,
        "video_link": "",
        "invite_reporter": "on",
        "invite_guardians": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def social(world, client_for):
    return client_for(world.social_kungsholmen)


@pytest.fixture
def schedule(social, csrf_post):
    """Schedule the meeting through the page, as the social worker would."""

    def post(concern, **overrides):
        return csrf_post(social, case_url(concern, "meeting"), meeting_data(**overrides))

    return post


def schedule_by_service(world, concern):
    return services.notification_meeting_schedule(
        concern=concern,
        by=world.social_kungsholmen,
        starts_at=MEETING_AT,
        duration_minutes=45,
        place=PLACE,
    )


# --- scheduling ---


def test_social_worker_schedules_the_meeting(world, concern, schedule):
    response = schedule(concern)
    assert response.status_code == 302
    assert response.url == case_url(concern)
    decision = NotificationMeeting.objects.get(concern=concern)
    assert decision.skip_reason == ""
    assert decision.decided_by == world.social_kungsholmen
    meeting = decision.meeting
    assert meeting.kind == Meeting.Kind.NOTIFICATION
    assert meeting.student == world.pupil_a
    assert meeting.organiser == world.social_kungsholmen
    assert meeting.organiser_unit == world.intake_kungsholmen
    assert meeting.starts_at == MEETING_AT
    assert meeting.duration_minutes == 45
    assert meeting.place == PLACE


def test_scheduling_is_logged_in_the_case_history(world, concern, schedule):
    schedule(concern)
    assert ConcernEvent.objects.filter(
        concern=concern, kind=ConcernEvent.Kind.MEETING, actor=world.social_kungsholmen
    ).exists()


def test_the_social_worker_and_the_reporter_are_invited_as_users(world, concern, schedule):
    schedule(concern)
    meeting = NotificationMeeting.objects.get(concern=concern).meeting
    users = set(meeting.participants.filter(user__isnull=False).values_list("user", flat=True))
    assert users == {world.social_kungsholmen.pk, world.teacher_a.pk}


def test_the_pupil_is_invited_by_name(world, concern, schedule):
    schedule(concern)
    meeting = NotificationMeeting.objects.get(concern=concern).meeting
    assert meeting.participants.filter(user__isnull=True, name=world.pupil_a.full_name).exists()


def test_the_guardians_are_invited_with_their_email(world, concern, schedule):
    schedule(concern)
    meeting = NotificationMeeting.objects.get(concern=concern).meeting
    guardian = world.pupil_a.guardians.get()
    invited = meeting.participants.get(email=guardian.email)
    assert invited.user is None
    assert invited.name == f"{guardian.first_name} {guardian.last_name}"
    assert meeting.participants.count() == 4  # social worker, pupil, reporter, guardian


def test_unticked_invitations_leave_out_the_reporter_and_the_guardians(world, concern, schedule):
    schedule(concern, invite_reporter=None, invite_guardians=None)
    meeting = NotificationMeeting.objects.get(concern=concern).meeting
    assert not meeting.participants.filter(user=world.teacher_a).exists()
    assert not meeting.participants.exclude(email="").exists()
    assert meeting.participants.count() == 2  # social worker, pupil


def test_a_time_in_the_past_is_refused(world, concern, schedule):
    response = schedule(concern, starts_at=NOW - datetime.timedelta(hours=1))
    assert response.status_code == 400
    assert "starts_at" in response.context["meeting_form"].errors
    assert not NotificationMeeting.objects.exists()
    assert not Meeting.objects.exists()


def test_the_current_minute_is_refused(world, concern, schedule):
    response = schedule(concern, starts_at=NOW)
    assert response.status_code == 400
    assert "starts_at" in response.context["meeting_form"].errors
    assert not Meeting.objects.exists()


def test_a_meeting_without_place_or_video_link_is_refused(world, concern, schedule):
    response = schedule(concern, place="")
    assert response.status_code == 400
    assert "place" in response.context["meeting_form"].errors
    assert not Meeting.objects.exists()


def test_a_second_schedule_is_refused(world, concern, schedule):
    schedule(concern)
    response = schedule(concern, starts_at=MEETING_AT + datetime.timedelta(days=1))
    assert response.status_code == 400
    assert NON_FIELD_ERRORS in response.context["meeting_form"].errors
    assert Meeting.objects.count() == 1
    assert Meeting.objects.get().starts_at == MEETING_AT


# --- what the school sees ---


def test_the_reporter_sees_the_time_and_place(world, concern, schedule, client_for):
    schedule(concern)
    response = client_for(world.teacher_a).get(detail_url(concern))
    assert response.status_code == 200
    meeting = response.context["meeting"]
    assert meeting is not None
    assert meeting.starts_at == MEETING_AT
    assert meeting.place == PLACE
    page = response.content.decode()
    assert html.escape(PLACE) in page
    assert "10:00" in page


def test_the_principal_who_is_not_invited_sees_no_meeting(world, concern, schedule, client_for):
    schedule(concern)
    response = client_for(world.principal_a).get(detail_url(concern))
    assert response.status_code == 200
    assert response.context["meeting"] is None
    assert html.escape(PLACE) not in response.content.decode()


def test_a_reporter_left_out_of_the_invitation_sees_no_meeting(
    world, concern, schedule, client_for
):
    schedule(concern, invite_reporter=None)
    response = client_for(world.teacher_a).get(detail_url(concern))
    assert response.context["meeting"] is None


def test_the_social_worker_saves_outcome_notes(world, concern, schedule, social, csrf_post):
    schedule(concern)
    response = csrf_post(social, case_url(concern, "meeting_notes"), {"notes": SECRET_NOTES})
    assert response.status_code == 302
    assert NotificationMeeting.objects.get(concern=concern).outcome_notes == SECRET_NOTES
    assert html.escape(SECRET_NOTES) in social.get(case_url(concern)).content.decode()


@pytest.mark.parametrize("persona", ["teacher_a", "principal_a"])
def test_outcome_notes_never_appear_on_the_school_page(
    world, concern, schedule, social, csrf_post, client_for, persona
):
    schedule(concern)
    csrf_post(social, case_url(concern, "meeting_notes"), {"notes": SECRET_NOTES})
    page = client_for(getattr(world, persona)).get(detail_url(concern)).content.decode()
    assert SECRET_NOTES not in page
    assert html.escape(SECRET_NOTES) not in page
    assert "pappans missbruk" not in page


def test_notes_before_any_meeting_is_decided_are_refused(world, concern, social, csrf_post):
    response = csrf_post(social, case_url(concern, "meeting_notes"), {"notes": SECRET_NOTES})
    assert response.status_code == 400
    assert response.context["notes_form"].errors
    assert not NotificationMeeting.objects.exists()


def test_notes_after_a_skip_are_refused(world, concern, social, csrf_post):
    csrf_post(social, case_url(concern, "meeting_skip"), {"skip_reason": "crime_at_home"})
    response = csrf_post(social, case_url(concern, "meeting_notes"), {"notes": SECRET_NOTES})
    assert response.status_code == 400
    assert response.context["notes_form"].errors
    assert NotificationMeeting.objects.get(concern=concern).outcome_notes == ""


# --- no meeting held ---


def test_skip_for_the_childs_best_interest_without_explanation_is_refused(
    world, concern, social, csrf_post
):
    response = csrf_post(
        social,
        case_url(concern, "meeting_skip"),
        {"skip_reason": "child_best_interest", "skip_explanation": ""},
    )
    assert response.status_code == 400
    assert "skip_explanation" in response.context["skip_form"].errors
    assert not NotificationMeeting.objects.exists()
    assert not ConcernEvent.objects.filter(kind=ConcernEvent.Kind.MEETING).exists()


def test_skip_for_the_childs_best_interest_with_explanation_is_recorded(
    world, concern, social, csrf_post
):
    response = csrf_post(
        social,
        case_url(concern, "meeting_skip"),
        {"skip_reason": "child_best_interest", "skip_explanation": SKIP_EXPLANATION},
    )
    assert response.status_code == 302
    decision = NotificationMeeting.objects.get(concern=concern)
    assert decision.meeting is None
    assert decision.skip_reason == "child_best_interest"
    assert decision.skip_explanation == SKIP_EXPLANATION
    assert decision.decided_by == world.social_kungsholmen


def test_skip_for_a_listed_reason_needs_no_explanation(world, concern, social, csrf_post):
    response = csrf_post(
        social, case_url(concern, "meeting_skip"), {"skip_reason": "crime_at_home"}
    )
    assert response.status_code == 302
    assert NotificationMeeting.objects.get(concern=concern).skip_reason == "crime_at_home"


def test_skip_with_an_unknown_reason_is_refused(world, concern, social, csrf_post):
    response = csrf_post(social, case_url(concern, "meeting_skip"), {"skip_reason": "workload"})
    assert response.status_code == 400
    assert "skip_reason" in response.context["skip_form"].errors
    assert not NotificationMeeting.objects.exists()


def test_the_skip_explanation_never_appears_on_the_reporters_page(
    world, concern, social, csrf_post, client_for
):
    csrf_post(
        social,
        case_url(concern, "meeting_skip"),
        {"skip_reason": "child_best_interest", "skip_explanation": SKIP_EXPLANATION},
    )
    response = client_for(world.teacher_a).get(detail_url(concern))
    assert response.context["meeting"] is None
    assert html.escape(SKIP_EXPLANATION) not in response.content.decode()


def test_a_schedule_after_a_skip_is_refused(world, concern, social, csrf_post, schedule):
    csrf_post(social, case_url(concern, "meeting_skip"), {"skip_reason": "crime_at_home"})
    response = schedule(concern)
    assert response.status_code == 400
    assert NON_FIELD_ERRORS in response.context["meeting_form"].errors
    assert not Meeting.objects.exists()
    assert NotificationMeeting.objects.get(concern=concern).skip_reason == "crime_at_home"


def test_the_refusal_of_a_schedule_after_a_skip_is_shown_on_the_page(
    world, concern, social, csrf_post, schedule
):
    csrf_post(social, case_url(concern, "meeting_skip"), {"skip_reason": "crime_at_home"})
    response = schedule(concern)
    error = response.context["meeting_form"].non_field_errors()[0]
    assert html.escape(str(error)) in response.content.decode()


# --- who may act on the case ---


def test_the_right_district_social_worker_opens_the_case(world, concern, social):
    response = social.get(case_url(concern))
    assert response.status_code == 200
    assert response.context["concern"] == concern


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("meeting", meeting_data()),
        ("meeting_skip", {"skip_reason": "crime_at_home"}),
    ],
)
def test_the_wrong_district_social_worker_gets_404_deciding_the_meeting(
    world, concern, client_for, csrf_post, action, data
):
    response = csrf_post(client_for(world.social_sodermalm), case_url(concern, action), data)
    assert response.status_code == 404
    assert not NotificationMeeting.objects.exists()
    assert not Meeting.objects.exists()


def test_the_wrong_district_social_worker_gets_404_on_the_case_page(world, concern, client_for):
    assert client_for(world.social_sodermalm).get(case_url(concern)).status_code == 404


def test_the_wrong_district_social_worker_gets_404_on_the_notes(
    world, concern, client_for, csrf_post
):
    schedule_by_service(world, concern)
    response = csrf_post(
        client_for(world.social_sodermalm),
        case_url(concern, "meeting_notes"),
        {"notes": SECRET_NOTES},
    )
    assert response.status_code == 404
    assert NotificationMeeting.objects.get(concern=concern).outcome_notes == ""


def test_the_wrong_district_social_worker_is_not_invited(world, concern, schedule):
    schedule(concern)
    assert not MeetingParticipant.objects.filter(user=world.social_sodermalm).exists()


def test_the_teacher_gets_403_on_the_case_page(world, concern, client_for):
    assert client_for(world.teacher_a).get(case_url(concern)).status_code == 403


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("meeting", meeting_data()),
        ("meeting_skip", {"skip_reason": "crime_at_home"}),
        ("meeting_notes", {"notes": SECRET_NOTES}),
    ],
)
def test_the_teacher_gets_403_on_the_case_actions(
    world, concern, client_for, csrf_post, action, data
):
    response = csrf_post(client_for(world.teacher_a), case_url(concern, action), data)
    assert response.status_code == 403
    assert not NotificationMeeting.objects.exists()


def test_guardians_are_not_invited_by_default_when_the_report_concerns_violence(
    world, client_for, file_concern
):
    violence = file_concern(world.teacher_a, world.pupil_a, categories=["violence_home"])
    other = file_concern(world.teacher_a, world.pupil_a, categories=["school_absence"])
    client = client_for(world.social_kungsholmen)
    violent_form = client.get(case_url(violence)).context["meeting_form"]
    other_form = client.get(case_url(other)).context["meeting_form"]
    assert violent_form.initial["invite_guardians"] is False
    assert other_form.initial["invite_guardians"] is True
