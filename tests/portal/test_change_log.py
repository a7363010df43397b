"""The change history (django-auditlog): every model with case data is tracked, with
personnummer and free text masked, and bulk writes are logged like single ones."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from portal import changelog
from portal.models import Membership
from portal.roles import Role

pytestmark = pytest.mark.django_db

#: Models of the domain apps that are not tracked, and why.
NOT_TRACKED = {
    "referrals.ConcernDraft": "the reporter's unsent text, saved every few seconds; the report "
    "is tracked when sent",
    "referrals.DistrictReach": "derived rows, rewritten from the tracked reports, utredningar "
    "and suspension notices in the same transaction",
    "referrals.ConcernFact": "derived rows, rewritten from the tracked report, its assessments "
    "and extensions in the same transaction",
    "referrals.ConcernDayCount": "counts derived from the reports' dashboard rows in the same "
    "transaction",
    "referrals.CityConcernDayCount": "the same counts added up over the intake units, in the "
    "same transaction",
}


def test_every_model_with_case_data_is_tracked():
    missing = [
        model._meta.label
        for label in ("cases", "referrals", "consent")
        for model in apps.get_app_config(label).get_models()
        if not changelog.is_tracked(model) and model._meta.label not in NOT_TRACKED
    ]
    assert missing == []
    assert changelog.is_tracked(Membership)


def test_memberships_are_tracked_with_who_changed_them(world):
    Membership.objects.create(user=world.nobody, unit=world.school_a, role=Role.SCHOOL_STAFF)
    entry = LogEntry.objects.filter(content_type__model="membership").latest("id")
    assert entry.action == LogEntry.Action.CREATE
    assert entry.changes["role"] == ["None", "school_staff"]


def test_a_personnummer_is_masked_to_the_birth_date(world):
    from tests.factories import StudentFactory

    student = StudentFactory(school_unit=world.school_a)
    entry = LogEntry.objects.get_for_object(student).get(action=LogEntry.Action.CREATE)
    assert entry.changes["personnummer"][1] == f"{student.personnummer[:8]}-XXXX"
    assert student.personnummer not in str(entry.changes)


def test_free_text_is_masked_to_its_length(world, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a, worry="Eleven sover i skolan.")
    entry = LogEntry.objects.get_for_object(concern).get(action=LogEntry.Action.CREATE)
    assert entry.changes["worry"][1] == "[masked: 22 characters]"
    assert "sover" not in str(entry.changes)
    assert entry.changes["student"][1] == str(world.pupil_a.pk)


def test_a_change_through_a_page_names_the_person_their_address_and_the_request(
    world, client_for, csrf_post, file_concern
):
    concern = file_concern(world.teacher_a, world.pupil_a)
    response = csrf_post(
        client_for(world.teacher_a),
        reverse("referrals:concern_amend", args=[concern.pk]),
        {"text": "Mer information."},
        HTTP_X_REQUEST_ID="change-req-0001",
    )
    assert response.status_code == 302
    entry = LogEntry.objects.filter(content_type__model="amendment").get()
    assert (entry.actor, entry.remote_addr, entry.cid) == (
        world.teacher_a,
        "127.0.0.1",
        "change-req-0001",
    )


def test_bulk_created_rows_are_logged_one_by_one(world, file_concern):
    concern = file_concern(
        world.teacher_a, world.pupil_a, categories=["mental_ill_health", "school_absence"]
    )
    entries = LogEntry.objects.filter(content_type__model="concerncategory")
    assert entries.count() == 2
    assert {e.object_id for e in entries} == set(concern.categories.values_list("pk", flat=True))


def test_a_queryset_update_is_logged(world, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    entry = LogEntry.objects.get_for_object(concern).get(action=LogEntry.Action.UPDATE)
    assert entry.changes["reference"][1] == concern.reference


def test_withdrawing_one_party_of_a_consent_is_logged(world):
    from tests.cases.attendance import share

    consent = share(world, world.pupil_a, [world.school_a, world.intake_kungsholmen])
    party = consent.parties.get(unit=world.intake_kungsholmen)
    from consent import services

    services.consent_withdraw(consent=consent, by=world.principal_a, party=party)
    entry = LogEntry.objects.get_for_object(party).get(action=LogEntry.Action.UPDATE)
    assert entry.changes["withdrawn_at"][0] == "None"


def test_sip_participants_and_interventions_are_logged(world, file_concern):
    from cases.sip import services as sip
    from referrals import services

    concern = file_concern(world.teacher_a, world.pupil_a)
    services.preliminary_decision_record(
        concern=concern, by=world.social_kungsholmen, decision="open", reasoning="x"
    )
    plan = sip.sip_start(by=world.sip_kungsholmen, student=world.pupil_a)
    sip.sip_version_save(
        plan=plan,
        by=world.sip_kungsholmen,
        needs="Stöd.",
        lead_unit=world.investigation_kungsholmen,
        lead_person="Maria",
        follow_up_how="Möte.",
        next_follow_up_on=timezone.localdate() + datetime.timedelta(days=30),
        interventions=[
            {"what": "Familjebehandling", "provider": "municipality", "responsible": "O"}
        ],
    )
    assert LogEntry.objects.filter(content_type__model="sipparticipant").count() == 2
    (entry,) = LogEntry.objects.filter(content_type__model="sipintervention")
    assert entry.changes["what"][1] == "[masked: 17 characters]"


def test_bulk_rows_outside_a_request_have_no_actor(world, client_for, file_concern):
    # A request first: its actor must not leak into what a command or a task writes later.
    client_for(world.teacher_a).get(reverse("cases:student_list"))
    file_concern(world.teacher_a, world.pupil_a)
    entries = LogEntry.objects.filter(content_type__model="concerncategory")
    assert entries.exists()
    assert not entries.exclude(actor=None).exists()
    assert not entries.exclude(cid=None).exists()
