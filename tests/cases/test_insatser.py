"""Ongoing insatser shared with consent, and the joint advice note: social services
manage them; the school sees the ongoing ones (kind, start, contact person) only
while a consent covering "social_interventions" names it, and nothing at all,
not even a heading, without it; a withdrawal hides them at once."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from cases.insatser import selectors, services
from cases.models import Insats, JointAdviceNote
from consent import policy
from consent import services as consent_services
from tests.consent.conftest import scan

pytestmark = pytest.mark.django_db

SECRET = "Utredningen visar att pappan dricker"  # the kind of thing that must not cross


@pytest.fixture
def followed(world, file_concern):
    """pupil_a is known to Kungsholmen's social services through a concern."""
    file_concern(world.teacher_a, world.pupil_a, worry=SECRET)
    return world.pupil_a


@pytest.fixture
def insats(world, followed):
    today = timezone.localdate()
    return services.insats_register(
        by=world.social_kungsholmen,
        student=followed,
        kind=Insats.Kind.FAMILY_TREATMENT,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=90),
        contact_person=world.social_kungsholmen,
    )


@pytest.fixture
def consent(world, followed):
    today = timezone.localdate()
    return consent_services.consent_record(
        by=world.principal_a,
        student=followed,
        guardians=list(followed.guardians.all()),
        pupil_gives=False,
        parties=[world.school_a, world.intake_kungsholmen],
        categories=["social_interventions"],
        purpose="Samordna insatser och råd till familjen.",
        valid_from=today,
        valid_to=today + datetime.timedelta(days=180),
        form="written",
        scan=scan(),
    )


def page(client, student):
    with translation.override("en"):
        return client.get(reverse("cases:student_detail", args=[student.pk]))


def section_keys(response) -> set[str]:
    return {section.key for section, _ctx in response.context["sections"]}


# --- who manages -------------------------------------------------------------------------


def test_social_services_of_the_home_district_register_and_see_every_insats(world, insats):
    ended = services.insats_register(
        by=world.social_kungsholmen,
        student=world.pupil_a,
        kind=Insats.Kind.CONTACT_PERSON,
        starts_on=timezone.localdate() - datetime.timedelta(days=300),
        ends_on=timezone.localdate() - datetime.timedelta(days=30),
        contact_person=world.sip_kungsholmen,
    )
    managed = set(selectors.insatser_managed_by(world.social_kungsholmen))
    assert managed == {insats, ended}
    assert insats.unit == world.intake_kungsholmen


@pytest.mark.parametrize("persona", ["teacher_a", "principal_a", "social_sodermalm"])
def test_others_may_not_register_an_insats(world, followed, persona):
    with pytest.raises(PermissionDenied):
        services.insats_register(
            by=getattr(world, persona),
            student=followed,
            kind=Insats.Kind.MST,
            starts_on=timezone.localdate(),
            contact_person=world.social_kungsholmen,
        )


def test_the_contact_person_must_be_social_services_of_the_district(world, followed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.insats_register(
            by=world.social_kungsholmen,
            student=followed,
            kind=Insats.Kind.MST,
            starts_on=timezone.localdate(),
            contact_person=world.teacher_a,
        )
    assert "contact_person" in error.value.error_dict
    assert not Insats.objects.exists()


# --- the school side ---------------------------------------------------------------------


def test_without_consent_the_school_sees_nothing_and_nothing_hints(world, insats, client_for):
    assert selectors.ongoing_insatser_shared_with(world.teacher_a, world.pupil_a) is None
    response = page(client_for(world.teacher_a), world.pupil_a)
    assert response.status_code == 200
    assert {"insatser", "joint_advice"}.isdisjoint(section_keys(response))
    body = response.content.decode()
    assert "insats" not in body.lower()
    assert "Family treatment" not in body
    assert 'id="section-insatser"' not in body


def test_with_consent_the_school_sees_kind_start_and_contact_only(
    world, insats, consent, client_for
):
    shared = selectors.ongoing_insatser_shared_with(world.teacher_a, world.pupil_a)
    assert [s.starts_on for s in shared] == [insats.starts_on]
    client = client_for(world.teacher_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page is read in English
    response = page(client, world.pupil_a)
    assert "insatser" in section_keys(response)
    body = response.content.decode()
    assert 'id="shared-insatser"' in body
    assert "Family treatment" in body
    assert str(world.social_kungsholmen) in body
    assert SECRET not in body
    assert reverse("cases:insats_edit", args=[insats.pk]) not in body


def test_social_services_manage_from_the_pupil_page(world, insats, client_for):
    response = page(client_for(world.social_kungsholmen), world.pupil_a)
    assert "insatser" in section_keys(response)
    body = response.content.decode()
    assert reverse("cases:insats_edit", args=[insats.pk]) in body
    assert reverse("cases:insats_new", args=[world.pupil_a.pk]) in body
    # No consent yet: the joint note is not there for social services either.
    assert "joint_advice" not in section_keys(response)


def test_the_school_sees_only_ongoing_insatser(world, insats, consent):
    services.insats_update(
        by=world.social_kungsholmen,
        insats=insats,
        kind=insats.kind,
        starts_on=insats.starts_on,
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
        contact_person=world.social_kungsholmen,
    )
    assert selectors.ongoing_insatser_shared_with(world.teacher_a, world.pupil_a) == []


def test_insatser_vanish_from_the_school_the_instant_consent_is_withdrawn(
    world, insats, consent, client_for
):
    client = client_for(world.teacher_a)
    assert "insatser" in section_keys(page(client, world.pupil_a))
    consent_services.consent_withdraw(consent=consent, by=world.principal_a)
    assert not policy.may_see_ongoing_interventions(world.teacher_a, world.pupil_a)
    response = page(client, world.pupil_a)
    assert {"insatser", "joint_advice"}.isdisjoint(section_keys(response))
    assert "Family treatment" not in response.content.decode()


def test_a_consent_for_another_school_opens_nothing(world, insats, consent):
    assert selectors.ongoing_insatser_shared_with(world.teacher_b, world.pupil_a) is None


# --- the joint advice note -----------------------------------------------------------------


def test_both_sides_write_and_read_the_note_under_consent(world, consent):
    services.joint_advice_add(by=world.teacher_a, student=world.pupil_a, text="Skolan sa A.")
    services.joint_advice_add(
        by=world.social_kungsholmen, student=world.pupil_a, text="Soc sa samma sak."
    )
    for reader in (world.teacher_a, world.social_kungsholmen):
        notes = selectors.joint_advice_for(reader, world.pupil_a)
        assert {n.text for n in notes} == {"Skolan sa A.", "Soc sa samma sak."}
    units = set(JointAdviceNote.objects.values_list("author_unit", flat=True))
    assert units == {world.school_a.pk, world.intake_kungsholmen.pk}


def test_without_consent_neither_side_has_the_note(world, followed):
    assert selectors.joint_advice_for(world.social_kungsholmen, followed) is None
    with pytest.raises(PermissionDenied):
        services.joint_advice_add(by=world.teacher_a, student=followed, text="Något.")


def test_the_note_vanishes_with_the_consent(world, consent):
    services.joint_advice_add(by=world.teacher_a, student=world.pupil_a, text="Skolan sa A.")
    consent_services.consent_withdraw(consent=consent, by=world.principal_a)
    assert selectors.joint_advice_for(world.teacher_a, world.pupil_a) is None
    assert selectors.joint_advice_for(world.social_kungsholmen, world.pupil_a) is None


# --- the views: anonymous, wrong persona, right persona -------------------------------------


def test_anonymous_is_sent_to_log_in(world, insats, client_for):
    client = client_for()
    for url in (
        reverse("cases:insats_new", args=[world.pupil_a.pk]),
        reverse("cases:insats_edit", args=[insats.pk]),
        reverse("cases:joint_advice_add", args=[world.pupil_a.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("teacher_a", 403), ("manager_kungsholmen", 403), ("nobody", 403), ("social_sodermalm", 404)],
)
def test_register_page_refuses_the_wrong_persona(world, followed, client_for, persona, status):
    url = reverse("cases:insats_new", args=[followed.pk])
    assert client_for(getattr(world, persona)).get(url).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("principal_a", 403), ("log_reviewer", 403), ("social_sodermalm", 404)],
)
def test_edit_page_refuses_the_wrong_persona(world, insats, client_for, persona, status):
    url = reverse("cases:insats_edit", args=[insats.pk])
    assert client_for(getattr(world, persona)).get(url).status_code == status


def test_social_worker_registers_through_the_page(world, followed, client_for, csrf_post):
    client = client_for(world.social_kungsholmen)
    url = reverse("cases:insats_new", args=[followed.pk])
    assert client.get(url).status_code == 200
    response = csrf_post(
        client,
        url,
        {
            "kind": "mst",
            "starts_on": timezone.localdate().isoformat(),
            "contact_person": world.social_kungsholmen.pk,
        },
    )
    assert response.status_code == 302
    assert Insats.objects.get().kind == "mst"


def test_bad_input_is_a_400_and_saves_nothing(world, followed, client_for, csrf_post):
    client = client_for(world.social_kungsholmen)
    today = timezone.localdate()
    response = csrf_post(
        client,
        reverse("cases:insats_new", args=[followed.pk]),
        {
            "kind": "mst",
            "starts_on": today.isoformat(),
            "ends_on": (today - datetime.timedelta(days=1)).isoformat(),
            "contact_person": world.social_kungsholmen.pk,
        },
    )
    assert response.status_code == 400
    assert not Insats.objects.exists()


def test_social_worker_changes_an_insats_through_the_page(world, insats, client_for, csrf_post):
    client = client_for(world.social_kungsholmen)
    url = reverse("cases:insats_edit", args=[insats.pk])
    assert client.get(url).status_code == 200
    end = timezone.localdate().isoformat()
    response = csrf_post(
        client,
        url,
        {
            "kind": insats.kind,
            "starts_on": insats.starts_on.isoformat(),
            "ends_on": end,
            "contact_person": world.sip_kungsholmen.pk,
        },
    )
    assert response.status_code == 302
    insats.refresh_from_db()
    assert insats.ends_on.isoformat() == end and insats.contact_person == world.sip_kungsholmen


def test_joint_advice_page_refuses_without_consent(world, followed, client_for, csrf_post):
    url = reverse("cases:joint_advice_add", args=[followed.pk])
    assert csrf_post(client_for(world.teacher_a), url, {"text": "x"}).status_code == 404
    assert csrf_post(client_for(world.teacher_b), url, {"text": "x"}).status_code == 404
    assert csrf_post(client_for(world.manager_kungsholmen), url, {"text": "x"}).status_code == 403
    assert not JointAdviceNote.objects.exists()


def test_joint_advice_page_saves_under_consent(world, consent, client_for, csrf_post):
    client = client_for(world.teacher_a)
    url = reverse("cases:joint_advice_add", args=[world.pupil_a.pk])
    assert csrf_post(client, url, {"text": "  "}).status_code == 400
    assert csrf_post(client, url, {"text": "Vi sa hela dagar."}).status_code == 302
    assert JointAdviceNote.objects.get().author == world.teacher_a


def test_the_demo_shares_an_ongoing_insats_and_a_note_with_the_school(settings):
    from django.core.management import call_command

    from portal.models import User

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    teacher = User.objects.get(username="larare_a")
    insats = Insats.objects.filter(ends_on__gte=timezone.localdate()).get()
    shared = selectors.ongoing_insatser_shared_with(teacher, insats.student)
    assert [s.starts_on for s in shared] == [insats.starts_on]
    assert selectors.joint_advice_for(teacher, insats.student).count() == 1


def test_the_personal_data_report_holds_insatser_and_notes(world, insats, consent, client_for):
    services.joint_advice_add(by=world.teacher_a, student=world.pupil_a, text="Hela dagar.")
    url = reverse("audit:personal_data_report", args=[world.pupil_a.pk])
    client = client_for(world.log_reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page is read in English
    with translation.override("en"):
        response = client.get(url, {"requester": "guardian"})
    page = response.content.decode()
    assert "Family treatment" in page and "Hela dagar." in page
