"""Återkoppling: the school side learns exactly one of received / opened / not
opened / ongoing, and when. Nothing else of the social-services file crosses."""

import datetime

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cases.models import Meeting
from referrals import services
from referrals.models import (
    ConcernEvent,
    Investigation,
    InvestigationExtension,
    NotificationMeeting,
    PreliminaryAssessment,
    PreliminaryExtension,
    ProtectionAssessment,
)
from referrals.selectors import Feedback, feedback_status
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

#: Every model that holds social-services information about a report.
SOCIAL_MODELS = [
    ProtectionAssessment,
    PreliminaryAssessment,
    PreliminaryExtension,
    Investigation,
    InvestigationExtension,
    NotificationMeeting,
    ConcernEvent,
]
#: Meeting fields the invited reporter may see: time and place, nothing else.
MEETING_SOCIAL_FIELDS = ["agenda", "minutes"]


def _text_fields(model):
    # Free text: not a choice, and written by people (a copied field such as the
    # pupil's gender on an utredning is not, and the school sees the pupil anyway).
    return [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, models.CharField | models.TextField) and not f.choices and f.editable
    ]


@pytest.fixture
def handled(world, file_concern):
    """A report taken through every step on the social side, every free-text
    field then overwritten with a marker that must never reach the school."""
    worker = UserFactory(username="hemlig", first_name="Hemliga", last_name="Handläggaren")
    MembershipFactory(user=worker, unit=world.intake_kungsholmen, role="social_worker")
    concern = file_concern(world.teacher_a, world.pupil_a, categories=["violence_home"])
    services.concern_assign(concern=concern, assignee=worker, by=world.social_kungsholmen)
    services.protection_assessment_record(
        concern=concern,
        by=worker,
        immediate_protection_needed=True,
        reasoning="r",
        measures="m",
    )
    services.preliminary_extension_record(
        concern=concern,
        by=worker,
        reason="police_interview",
        explanation="e",
        new_due_on=concern.preliminary_due_on + datetime.timedelta(days=5),
    )
    services.notification_meeting_schedule(
        concern=concern,
        by=worker,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        duration_minutes=45,
        place="Mötesrum 3",
    )
    services.notification_meeting_notes(concern=concern, by=worker, notes="n")
    services.preliminary_decision_record(
        concern=concern,
        by=worker,
        decision="open",
        reasoning="d",
    )
    investigation = Investigation.objects.get()
    services.investigation_extend(
        investigation=investigation,
        by=worker,
        reason="x",
        new_due_on=investigation.due_on + datetime.timedelta(days=30),
    )
    markers = []
    for model in SOCIAL_MODELS:
        for name in _text_fields(model):
            marker = f"SEKRET{model.__name__}{name}".replace("_", "")
            model.objects.update(**{name: marker})
            markers.append(marker)
    for name in MEETING_SOCIAL_FIELDS:
        marker = f"SEKRETMeeting{name}"
        Meeting.objects.update(**{name: marker})
        markers.append(marker)
    markers.append("Handläggaren")
    concern.refresh_from_db()
    return concern, markers


def _school_pages(world, concern):
    return [
        reverse("home"),
        reverse("referrals:concern_mine"),
        reverse("referrals:concern_detail", args=[concern.pk]),
        reverse("cases:student_detail", args=[world.pupil_a.pk]),
        reverse("cases:student_list"),
        reverse("referrals:concern_start") + f"?q={world.pupil_a.last_name}",
        reverse("referrals:suspension_list"),
    ]


def test_markers_reach_the_social_side(world, client_for, handled):
    """The check below is only meaningful if the markers are really on the pages
    of the side that may see them."""
    concern, markers = handled
    body = (
        client_for(world.social_kungsholmen)
        .get(reverse("referrals:case", args=[concern.pk]))
        .content.decode()
    )
    shown = [m for m in markers if m in body]
    assert "SEKRETProtectionAssessmentreasoning" in shown
    assert "SEKRETPreliminaryAssessmentreasoning" in shown
    assert "SEKRETNotificationMeetingoutcomenotes" in shown
    assert "Handläggaren" in shown


@pytest.mark.parametrize("persona", ["teacher_a", "principal_a"])
def test_no_social_side_field_reaches_the_school(world, client_for, handled, persona):
    concern, markers = handled
    client = client_for(getattr(world, persona))
    for url in _school_pages(world, concern):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        leaked = [m for m in markers if m in body]
        assert leaked == [], (url, leaked)


def test_the_reporter_sees_the_feedback_and_the_meeting_place(world, client_for, handled):
    concern, _markers = handled
    response = client_for(world.teacher_a).get(
        reverse("referrals:concern_detail", args=[concern.pk])
    )
    assert response.context["feedback"].status == Feedback.OPENED
    assert "Mötesrum 3" in response.content.decode()


@pytest.mark.parametrize(
    ("decision", "expected"),
    [("open", Feedback.OPENED), ("not_open", Feedback.NOT_OPENED)],
)
def test_feedback_follows_the_decision(world, file_concern, decision, expected):
    concern = file_concern(world.teacher_a, world.pupil_a)
    assert feedback_status(concern).status == Feedback.RECEIVED
    assert feedback_status(concern).changed_at == concern.received_at
    made = services.preliminary_decision_record(
        concern=concern, by=world.social_kungsholmen, decision=decision, reasoning="x"
    )
    concern.refresh_from_db()
    status = feedback_status(concern)
    assert status.status == expected
    assert status.changed_at == made.decided_at


def test_feedback_ongoing(world, file_concern):
    first = file_concern(world.teacher_a, world.pupil_a)
    services.preliminary_decision_record(
        concern=first, by=world.social_kungsholmen, decision="open", reasoning="x"
    )
    second = file_concern(world.teacher_a, world.pupil_a)
    services.preliminary_decision_record(
        concern=second, by=world.social_kungsholmen, decision="ongoing", reasoning="x"
    )
    second.refresh_from_db()
    assert feedback_status(second).status == Feedback.ONGOING


def test_feedback_labels_are_swedish(world, client_for, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    services.preliminary_decision_record(
        concern=concern, by=world.social_kungsholmen, decision="open", reasoning="x"
    )
    body = client_for(world.teacher_a).get(reverse("referrals:concern_mine")).content.decode()
    assert "Utredning inledd" in body
