"""Recording, withdrawing and the pupil page, as each persona; and the instant
effect of a withdrawal on every page that showed the shared information."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.models import Consent, Override
from referrals import services as referral_services
from tests.consent.conftest import PDF, scan

pytestmark = pytest.mark.django_db


def new_url(student):
    return reverse("consent:consent_new", args=[student.pk])


def pupil_url(student):
    return reverse("cases:student_detail", args=[student.pk])


def form_data(world, **changes):
    today = timezone.localdate()
    data = {
        "guardians": [g.pk for g in world.pupil_a.guardians.all()],
        "parties": [world.school_a.pk, world.intake_kungsholmen.pk],
        "categories": ["school_attendance"],
        "purpose": "Samordna stödet kring frånvaron.",
        "valid_from": today.isoformat(),
        "valid_to": (today + datetime.timedelta(days=90)).isoformat(),
        "form": "written",
        "scan": scan(),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- recording ---


def test_record_as_anonymous_redirects(world, client_for):
    assert client_for().get(new_url(world.pupil_a)).status_code == 302


@pytest.mark.parametrize("persona", ["manager_kungsholmen", "admin", "log_reviewer", "nobody"])
def test_record_is_forbidden_for_roles_without_cases(world, client_for, persona):
    assert client_for(getattr(world, persona)).get(new_url(world.pupil_a)).status_code == 403


@pytest.mark.parametrize("persona", ["teacher_b", "social_kungsholmen", "sip_kungsholmen"])
def test_record_for_a_pupil_one_cannot_see_is_404(world, client_for, csrf_post, persona):
    client = client_for(getattr(world, persona))
    assert client.get(new_url(world.pupil_a)).status_code == 404
    assert csrf_post(client, new_url(world.pupil_a), form_data(world)).status_code == 404
    assert not Consent.objects.exists()


def test_principal_records_a_written_consent(world, client_for, csrf_post):
    client = client_for(world.principal_a)
    assert client.get(new_url(world.pupil_a)).status_code == 200
    response = csrf_post(client, new_url(world.pupil_a), form_data(world))
    assert response.status_code == 302, response.context["form"].errors
    consent = Consent.objects.get()
    assert consent.recorded_side == "school"
    assert consent.recorded_by_unit == world.school_a
    assert consent.scan_content_type == "application/pdf"
    assert "samtycke" not in consent.scan.name  # never a guessable name


def test_record_an_oral_consent(world, client_for, csrf_post):
    data = form_data(
        world,
        form="oral",
        scan=None,
        oral_received_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    )
    response = csrf_post(client_for(world.principal_a), new_url(world.pupil_a), data)
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.oral_received_by == world.principal_a


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"valid_to": ""}, "valid_to"),
        ({"valid_to": "2020-01-01", "valid_from": "2020-02-01"}, "valid_to"),
        ({"parties": []}, "parties"),
        ({"categories": []}, "categories"),
        (
            {
                "categories": [
                    "school_attendance",
                    "student_health",
                    "social_assessment",
                    "social_interventions",
                    "sip_plan",
                    "health_care",
                ]
            },
            "categories",
        ),
        ({"purpose": ""}, "purpose"),
        ({"guardians": []}, "guardians"),
        ({"parties": ["999999"]}, "parties"),
        ({"scan": None}, "scan"),
        ({"scan": scan(b"MZ\x90\x00 not a pdf", "x.pdf")}, "scan"),
        ({"scan": scan(PDF, "x.pdf", "text/html")}, "scan"),
        ({"scan": scan(PDF + b"0" * (5 * 1024 * 1024), "big.pdf")}, "scan"),
        ({"form": "oral", "scan": None}, "oral_received_at"),
        ({"valid_to": "2031-01-01"}, "valid_to"),
        ({"parties": None}, "parties"),
    ],
    ids=[
        "no-end",
        "end-before-start",
        "no-party",
        "no-category",
        "all-categories",
        "no-purpose",
        "no-giver",
        "unknown-party",
        "written-without-scan",
        "not-a-pdf",
        "wrong-content-type",
        "too-large",
        "oral-without-time",
        "too-long",
        "parties-missing",
    ],
)
def test_bad_consents_are_refused_with_a_message_and_nothing_saved(
    world, client_for, csrf_post, changes, field
):
    response = csrf_post(
        client_for(world.principal_a), new_url(world.pupil_a), form_data(world, **changes)
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not Consent.objects.exists()


def test_own_unit_must_be_a_party(world, client_for, csrf_post):
    data = form_data(world, parties=[world.intake_kungsholmen.pk])
    response = csrf_post(client_for(world.principal_a), new_url(world.pupil_a), data)
    assert response.status_code == 400
    assert "parties" in response.context["form"].errors


def test_maturity_hint_from_fifteen(world, client_for):
    import random

    from cases import identity
    from tests.factories import StudentFactory

    born = timezone.localdate().replace(year=timezone.localdate().year - 16)
    older = StudentFactory(
        school_unit=world.school_a,
        personnummer=identity.fictional_personnummer(born, female=True, rng=random.Random(5)),
    )
    client = client_for(world.principal_a)
    assert client.get(new_url(older)).context["maturity_hint"] is True
    assert client.get(new_url(world.pupil_a)).context["maturity_hint"] is False


# --- the pupil page: both sides see that it exists; details stay with the recorder ---


@pytest.fixture
def consent(world, record_consent):
    return record_consent(
        world.principal_a,
        world.pupil_a,
        [world.school_a, world.intake_kungsholmen],
        ["school_attendance"],
        purpose="HEMLIGT SYFTE",
    )


def test_recording_side_sees_the_details(world, client_for, consent):
    body = client_for(world.teacher_a).get(pupil_url(world.pupil_a)).content.decode()
    assert "HEMLIGT SYFTE" in body
    assert reverse("consent:consent_document", args=[consent.pk]) in body


def test_other_side_sees_that_it_exists_but_not_the_details(world, client_for, consent):
    response = client_for(world.social_kungsholmen).get(pupil_url(world.pupil_a))
    body = response.content.decode()
    assert response.status_code == 200
    assert world.school_a.name in body
    assert "HEMLIGT SYFTE" not in body
    assert reverse("consent:consent_document", args=[consent.pk]) not in body


def test_document_only_for_the_recording_side(world, client_for, consent):
    url = reverse("consent:consent_document", args=[consent.pk])
    response = client_for(world.teacher_a).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(world.social_kungsholmen).get(url).status_code == 404
    assert client_for(world.teacher_b).get(url).status_code == 404
    assert client_for().get(url).status_code == 302


# --- withdrawal is immediate on every page ---


def test_withdrawal_hides_school_information_from_the_social_side_at_once(
    world, client_for, csrf_post, consent
):
    from referrals.services import suspension_record

    suspension_record(
        by=world.principal_a,
        student=world.pupil_a,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        reason="SKOLANS SKÄL",
        pupil_and_guardians_heard=True,
    )
    social = client_for(world.social_kungsholmen)
    body = social.get(pupil_url(world.pupil_a)).content.decode()
    assert "SKOLANS SKÄL" in body
    assert world.pupil_a in social.get(reverse("cases:student_list")).context["students"]

    url = reverse("consent:consent_withdraw", args=[consent.pk])
    response = csrf_post(client_for(world.principal_a), url, {"what": "all", "confirm": "on"})
    assert response.status_code == 302

    # The notice itself stays (the law sends it), so the pupil page still opens,
    # but the school's own account of the suspension is gone at once.
    response = social.get(pupil_url(world.pupil_a))
    assert response.status_code == 200
    assert "SKOLANS SKÄL" not in response.content.decode()
    assert "SKOLANS SKÄL" not in social.get(reverse("referrals:inbox")).content.decode()


def test_a_pupil_known_only_through_the_consent_is_gone_at_once(
    world, client_for, csrf_post, consent
):
    social = client_for(world.social_kungsholmen)
    assert social.get(pupil_url(world.pupil_a)).status_code == 200
    assert world.pupil_a in social.get(reverse("cases:student_list")).context["students"]
    url = reverse("consent:consent_withdraw", args=[consent.pk])
    csrf_post(client_for(world.principal_a), url, {"what": "all", "confirm": "on"})
    assert social.get(pupil_url(world.pupil_a)).status_code == 404
    assert world.pupil_a not in social.get(reverse("cases:student_list")).context["students"]


def test_withdrawal_hides_social_information_from_the_school_at_once(
    world, client_for, csrf_post, record_consent, file_concern
):
    concern = file_concern(world.teacher_a, world.pupil_a)
    referral_services.preliminary_decision_record(
        concern=concern, by=world.social_kungsholmen, decision="open", reasoning="x"
    )
    shared = record_consent(
        world.social_kungsholmen,
        world.pupil_a,
        [world.intake_kungsholmen, world.school_a],
        ["social_assessment"],
    )
    teacher = client_for(world.teacher_a)
    body = teacher.get(pupil_url(world.pupil_a)).content.decode()
    assert "Socialtjänstens kontakt med eleven" in body
    assert world.investigation_kungsholmen.name in body

    url = reverse("consent:consent_withdraw", args=[shared.pk])
    csrf_post(client_for(world.social_kungsholmen), url, {"what": "all", "confirm": "on"})
    body = teacher.get(pupil_url(world.pupil_a)).content.decode()
    assert "Socialtjänstens kontakt med eleven" not in body
    assert world.investigation_kungsholmen.name not in body


def test_without_consent_nothing_hints_at_social_information(world, client_for, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    referral_services.preliminary_decision_record(
        concern=concern, by=world.social_kungsholmen, decision="open", reasoning="x"
    )
    body = client_for(world.teacher_a).get(pupil_url(world.pupil_a)).content.decode()
    assert "Socialtjänstens kontakt med eleven" not in body


def test_withdraw_needs_confirmation(world, client_for, csrf_post, consent):
    url = reverse("consent:consent_withdraw", args=[consent.pk])
    response = csrf_post(client_for(world.principal_a), url, {"what": "all"})
    assert response.status_code == 400
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_withdraw_one_category_only(world, client_for, csrf_post, record_consent):
    consent = record_consent(
        world.principal_a,
        world.pupil_a,
        [world.school_a, world.intake_kungsholmen],
        ["school_attendance", "student_health"],
    )
    category = consent.categories.get(category="student_health")
    url = reverse("consent:consent_withdraw", args=[consent.pk])
    response = csrf_post(
        client_for(world.principal_a), url, {"what": f"category:{category.pk}", "confirm": "on"}
    )
    assert response.status_code == 302
    category.refresh_from_db()
    consent.refresh_from_db()
    assert category.withdrawn_at is not None
    assert consent.withdrawn_at is None


@pytest.mark.parametrize("persona", ["teacher_b", "social_sodermalm"])
def test_withdraw_by_an_outsider_is_404(world, client_for, csrf_post, consent, persona):
    url = reverse("consent:consent_withdraw", args=[consent.pk])
    client = client_for(getattr(world, persona))
    assert client.get(url).status_code == 404
    assert csrf_post(client, url, {"what": "all", "confirm": "on"}).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_a_party_on_the_other_side_may_record_a_withdrawal(world, client_for, csrf_post, consent):
    url = reverse("consent:consent_withdraw", args=[consent.pk])
    response = csrf_post(
        client_for(world.social_kungsholmen),
        url,
        {"what": "all", "confirm": "on", "note": "Mamma ringde"},
    )
    assert response.status_code == 302


def test_renew_prefills_from_the_old_consent(world, client_for, consent):
    response = client_for(world.principal_a).get(new_url(world.pupil_a), {"renews": consent.pk})
    form = response.context["form"]
    assert form.initial["purpose"] == "HEMLIGT SYFTE"
    assert set(form.initial["parties"]) == {world.school_a.pk, world.intake_kungsholmen.pk}


# --- override ---


def test_override_form_by_persona(world, client_for):
    url = reverse("consent:override_new", args=[world.pupil_a.pk])
    assert client_for().get(url).status_code == 302
    assert client_for(world.teacher_a).get(url).status_code == 403
    assert client_for(world.principal_b).get(url).status_code == 404
    assert client_for(world.principal_a).get(url).status_code == 200


def test_override_is_recorded_and_listed_for_the_log_reviewer(world, client_for, csrf_post):
    url = reverse("consent:override_new", args=[world.pupil_a.pk])
    response = csrf_post(
        client_for(world.principal_a),
        url,
        {
            "legal_ground": "crime_against_child",
            "confirm": "on",
            "reason": "Eleven berättar om misshandel; polisen förhör i dag.",
        },
    )
    assert response.status_code == 302
    assert Override.objects.count() == 1
    listing = reverse("consent:override_list")
    body = client_for(world.log_reviewer).get(listing).content.decode()
    assert world.pupil_a.personnummer_display in body
    for persona in ("admin", "manager_kungsholmen", "principal_a"):
        assert client_for(getattr(world, persona)).get(listing).status_code == 403


def test_override_without_ground_is_refused(world, client_for, csrf_post):
    url = reverse("consent:override_new", args=[world.pupil_a.pk])
    response = csrf_post(client_for(world.principal_a), url, {"reason": "x", "confirm": "on"})
    assert response.status_code == 400
    assert not Override.objects.exists()


def test_overrides_counted_on_the_managers_worklist(world):
    from consent.services import override_open
    from portal.access import compute_scope
    from portal.worklist import worklist_for

    override_open(
        by=world.principal_a,
        student=world.pupil_a,
        legal_ground="danger_to_life",
        reason="Akut fara, eleven hotad.",
    )
    counts = {i["key"]: i["count"] for i in worklist_for(compute_scope(world.manager_kungsholmen))}
    assert counts["overrides"] == 1
