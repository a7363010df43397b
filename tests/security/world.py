"""One world for the security tests: the personas of tests/conftest.py and, on each
side of the city, one object of every kind a URL can point at.

Side A is Kungsholmen (school A, pupil_a, the Kungsholmen social services); side B
is Södermalm (school B, pupil_b, the Södermalm social services). Everything is made
through the real services, so the objects are in the states the views expect.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from portal.models import Membership, Notification, Reminder, Unit
from portal.roles import Role
from tests import conftest
from tests.cases.attendance import special_groups
from tests.consent.conftest import scan
from tests.factories import MembershipFactory, UserFactory

SIDES = ("A", "B")


@dataclass
class Side:
    """The objects of one side, by the kind of URL parameter they fill."""

    pupil: object
    concern: object
    draft: object
    investigation: object
    sip: object
    meeting: object
    consent: object
    placement: object
    absence_investigation: object
    suspension: object
    notification: object
    insats: object
    information_request: object
    information_attachment: object
    forum: object
    forum_meeting: object
    agreement: object


def _side(
    *,
    reporter,
    principal,
    social,
    sip_coordinator,
    manager,
    pupil,
    school,
    investigation_unit,
    group,
):
    from cases.absence import services as absence_services
    from cases.placements import services as placement_services
    from cases.sip import services as sip_services
    from consent import services as consent_services
    from referrals import services as referral_services

    today = timezone.localdate()
    draft = referral_services.draft_start(author=reporter, student=pupil)
    concern = referral_services.concern_submit(
        reporter=reporter,
        draft=referral_services.draft_start(author=reporter, student=pupil),
        categories=["mental_ill_health"],
        worry="Eleven verkar mycket nedstämd.",
        relation="Mentor",
    )
    referral_services.preliminary_decision_record(
        concern=concern, by=social, decision="open", reasoning="Behov av utredning."
    )
    plan = sip_services.sip_start(by=sip_coordinator, student=pupil)
    sip_services.sip_participant_add(plan=plan, by=sip_coordinator, role="school", user=reporter)
    meeting = sip_services.sip_meeting_schedule(
        plan=plan,
        by=sip_coordinator,
        kind="sip",
        starts_at=timezone.now() + datetime.timedelta(days=7),
        duration_minutes=60,
        place="Rum 1",
    )
    consent = consent_services.consent_record(
        by=principal,
        student=pupil,
        guardians=list(pupil.guardians.all()),
        pupil_gives=not pupil.guardians.exists(),
        parties=[school, investigation_unit],
        categories=["sip_plan"],
        purpose="Samordna stödet kring eleven.",
        valid_from=today,
        valid_to=today + datetime.timedelta(days=180),
        form="written",
        scan=scan(),
    )
    placement = placement_services.placement_apply(
        by=principal, student=pupil, group=group, reason="Behöver en mindre grupp."
    )
    absence_investigation = absence_services.absence_investigation_open(
        by=principal, student=pupil, opened_on=today
    )
    suspension = referral_services.suspension_record(
        by=principal,
        student=pupil,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=1),
        reason="Hot mot en klasskamrat.",
        pupil_and_guardians_heard=True,
    )
    notification = Notification.objects.create(
        recipient=reporter, text="Ett möte", url="/", created_at=timezone.now()
    )
    investigation = concern.investigations.get()
    request, attachment = _information_request(social, principal, investigation, school)
    forum, forum_meeting, agreement = _forum(manager, pupil.home_district)
    return Side(
        pupil=pupil,
        concern=concern,
        draft=draft,
        investigation=investigation,
        sip=plan,
        meeting=meeting,
        consent=consent,
        placement=placement,
        absence_investigation=absence_investigation,
        suspension=suspension,
        notification=notification,
        insats=_insats(social, pupil),
        information_request=request,
        information_attachment=attachment,
        forum=forum,
        forum_meeting=forum_meeting,
        agreement=agreement,
    )


def _insats(social, pupil):
    from cases.insatser import services

    return services.insats_register(
        by=social,
        student=pupil,
        kind="contact_person",
        starts_on=timezone.localdate(),
        contact_person=social,
    )


def _information_request(social, principal, investigation, school):
    """A request from the utredning to the school, answered with one PDF attached."""
    from referrals.information_requests import services

    request = services.information_request_send(
        by=social,
        investigation=investigation,
        recipient_unit=school,
        questions="Hur fungerar skolgången?",
        bbic_area="education",
        due_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    answer = services.information_request_answer(
        by=principal, request=request, text="Eleven är ofta frånvarande.", attachments=[scan()]
    )
    return request, answer.attachments.get()


def _forum(manager, district):
    from portal.forums import services

    today = timezone.localdate()
    forum = services.forum_create(by=manager, district=district, name="Samverkansforum")
    meeting = services.forum_meeting_save(by=manager, forum=forum, held_on=today)
    agreement = services.agreement_save(
        by=manager,
        district=district,
        title="Samverkansavtal",
        parties="Skola och socialtjänst",
        with_school=True,
        with_police=False,
        signed_on=today,
        review_on=today + datetime.timedelta(days=365),
    )
    return forum, meeting, agreement


def build_world():
    """The personas and both sides; returns (world, sides, admin objects)."""
    world = conftest.world.__wrapped__(None)
    groups = special_groups(world)
    investigation_sodermalm = Unit.objects.get(code="sodermalm-social_investigation")
    sip_sodermalm = UserFactory(username="sip_sodermalm")
    MembershipFactory(user=sip_sodermalm, unit=investigation_sodermalm, role=Role.SIP_COORDINATOR)
    sides = {
        "A": _side(
            reporter=world.teacher_a,
            principal=world.principal_a,
            social=world.social_kungsholmen,
            sip_coordinator=world.sip_kungsholmen,
            manager=world.manager_kungsholmen,
            pupil=world.pupil_a,
            school=world.school_a,
            investigation_unit=world.investigation_kungsholmen,
            group=groups.rsu,
        ),
        "B": _side(
            reporter=world.teacher_b,
            principal=world.principal_b,
            social=world.social_sodermalm,
            sip_coordinator=sip_sodermalm,
            manager=world.manager_sodermalm,
            pupil=world.pupil_b,
            school=world.school_b,
            investigation_unit=investigation_sodermalm,
            group=groups.sst,
        ),
    }
    admin_objects = _admin_objects(world)
    return world, sides, admin_objects


def _admin_objects(world) -> SimpleNamespace:
    """One row of every model the admin registers, for its object URLs."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    attempt = {
        "user_agent": "pytest",
        "ip_address": "127.0.0.1",
        "username": "x",
        "http_accept": "*/*",
        "path_info": "/",
    }
    return SimpleNamespace(
        group=Group.objects.create(name="security-matrix"),
        accessattempt=AccessAttempt.objects.create(failures_since_start=1, **attempt),
        accesslog=AccessLog.objects.create(**attempt),
        accessfailurelog=AccessFailureLog.objects.create(**attempt),
        user=world.teacher_a,
        district=world.kungsholmen,
        unit=world.school_a,
        membership=Membership.objects.filter(user=world.teacher_a).first(),
        reminder=Reminder.objects.order_by("id").first(),
        user_type=ContentType.objects.get_for_model(world.teacher_a),
    )
