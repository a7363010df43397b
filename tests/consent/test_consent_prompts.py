"""Consent prompts for pupils in RSU, CSU and SST groups with open social-services
contact: on the pupil page, in the worklist, as a printable form, and the manager's
indicator."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Placement
from consent import prompts
from consent.services import consent_withdraw
from portal.access import compute_scope
from portal.dashboards import DashboardQuery, Period, render
from portal.models import Unit
from portal.roles import Role
from portal.worklist import todo_for
from referrals import services as referral_services
from tests.factories import MembershipFactory, StudentFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_group(world, code="rsu-k", group_type=Unit.GroupType.RSU):
    return UnitFactory(
        code=code,
        name=f"Grupp {code}",
        kind=Unit.Kind.SPECIAL_GROUP,
        district=world.kungsholmen,
        group_type=group_type,
    )


def place(world, student, group):
    return Placement.objects.create(
        student=student,
        group=group,
        status=Placement.Status.ACTIVE,
        reason="Behöver mindre grupp.",
        applied_by=world.principal_a,
        applied_at=timezone.now(),
        starts_on=timezone.localdate(),
    )


@pytest.fixture
def group(world):
    return make_group(world)


@pytest.fixture
def placed(world, group, file_concern):
    """pupil_a is in the RSU group and has an undecided concern."""
    place(world, world.pupil_a, group)
    return file_concern(world.teacher_a, world.pupil_a)


def pupil_page(client, student):
    with translation.override("en"):
        return client.get(reverse("cases:student_detail", args=[student.pk])).content.decode()


def form_url(student, lang=""):
    url = reverse("consent:prompt_form", args=[student.pk])
    return f"{url}?lang={lang}" if lang else url


LIST_URL = "/consent/prompts/"


# --- when the prompt shows ---


@pytest.mark.parametrize("persona", ["principal_a", "social_kungsholmen"])
def test_the_prompt_shows_to_the_principal_and_the_social_worker(
    world, placed, client_for, persona
):
    page = pupil_page(client_for(getattr(world, persona)), world.pupil_a)
    assert 'id="consent-prompt"' in page
    assert form_url(world.pupil_a) in page


def test_the_groups_principal_is_prompted_too(world, group, placed):
    principal = UserFactory(username="rektor_rsu")
    MembershipFactory(user=principal, unit=group, role=Role.PRINCIPAL)
    assert prompts.prompt_for(principal, world.pupil_a) is not None


def test_teachers_are_not_prompted(world, placed, client_for):
    assert 'id="consent-prompt"' not in pupil_page(client_for(world.teacher_a), world.pupil_a)


def test_no_prompt_without_open_social_services_contact(world, group, client_for):
    place(world, world.pupil_a, group)
    assert 'id="consent-prompt"' not in pupil_page(client_for(world.principal_a), world.pupil_a)


def test_no_prompt_once_the_concern_is_decided_not_to_open(world, placed):
    referral_services.preliminary_decision_record(
        concern=placed, by=world.social_kungsholmen, decision="not_open", reasoning="Inget behov."
    )
    assert prompts.prompt_for(world.principal_a, world.pupil_a) is None


def test_an_open_utredning_keeps_the_prompt(world, placed):
    referral_services.preliminary_decision_record(
        concern=placed, by=world.social_kungsholmen, decision="open", reasoning="Utreds."
    )
    assert prompts.prompt_for(world.principal_a, world.pupil_a) is not None


def test_no_prompt_for_a_resource_group(world, file_concern):
    resource = make_group(world, "resurs", Unit.GroupType.RESOURCE)
    place(world, world.pupil_a, resource)
    file_concern(world.teacher_a, world.pupil_a)
    assert prompts.prompt_for(world.principal_a, world.pupil_a) is None


def test_sst_counts_as_well(world, file_concern):
    sst = make_group(world, "sst", Unit.GroupType.SST)
    place(world, world.pupil_a, sst)
    file_concern(world.teacher_a, world.pupil_a)
    assert prompts.prompt_for(world.principal_a, world.pupil_a) is not None


# --- the prompt disappears with the consent, and comes back after a withdrawal ---


def test_the_prompt_disappears_when_a_consent_covers_the_group(
    world, group, placed, record_consent, client_for
):
    client = client_for(world.principal_a)
    assert 'id="consent-prompt"' in pupil_page(client, world.pupil_a)
    consent = record_consent(
        world.principal_a,
        world.pupil_a,
        [world.school_a, group, world.intake_kungsholmen],
        ["school_attendance"],
    )
    assert 'id="consent-prompt"' not in pupil_page(client, world.pupil_a)
    assert prompts.prompt_count(compute_scope(world.principal_a)) == 0
    consent_withdraw(consent=consent, by=world.principal_a, note="")
    assert 'id="consent-prompt"' in pupil_page(client, world.pupil_a)


def test_a_consent_not_naming_the_group_leaves_the_prompt(world, placed, record_consent):
    record_consent(
        world.principal_a,
        world.pupil_a,
        [world.school_a, world.intake_kungsholmen],
        ["school_attendance"],
    )
    assert prompts.prompt_for(world.principal_a, world.pupil_a) is not None


def test_a_consent_for_another_category_leaves_the_prompt(world, group, placed, record_consent):
    record_consent(world.principal_a, world.pupil_a, [world.school_a, group], ["health_care"])
    assert prompts.prompt_for(world.principal_a, world.pupil_a) is not None


def test_the_query_and_the_policy_helper_agree(world, group, placed, record_consent):
    assert not prompts.consent_covers_group(world.pupil_a, group)
    record_consent(world.principal_a, world.pupil_a, [world.school_a, group], ["social_assessment"])
    assert prompts.consent_covers_group(world.pupil_a, group)
    assert not prompts.placements_needing_consent().exists()


# --- the worklist ---


def test_the_worklist_counts_and_then_forgets_the_pupil(world, group, placed, record_consent):
    for persona in (world.principal_a, world.social_kungsholmen):
        todo = {i["key"]: i for i in todo_for(compute_scope(persona))}
        assert todo["consent_prompts"]["count"] == 1
        assert todo["consent_prompts"]["url"] == LIST_URL
    assert "consent_prompts" not in {i["key"] for i in todo_for(compute_scope(world.principal_b))}
    record_consent(world.principal_a, world.pupil_a, [world.school_a, group], ["school_attendance"])
    assert "consent_prompts" not in {i["key"] for i in todo_for(compute_scope(world.principal_a))}


def test_list_as_anonymous_redirects(client_for):
    assert client_for().get(LIST_URL).status_code == 302


@pytest.mark.parametrize(
    "persona", ["teacher_a", "manager_kungsholmen", "sip_kungsholmen", "nobody"]
)
def test_list_is_forbidden_for_other_roles(world, client_for, persona):
    assert client_for(getattr(world, persona)).get(LIST_URL).status_code == 403


def test_list_shows_only_ones_own_pupils(world, placed, client_for):
    response = client_for(world.principal_a).get(LIST_URL)
    assert [p.student for p in response.context["placements"]] == [world.pupil_a]
    other = client_for(world.principal_b).get(LIST_URL)
    assert other.status_code == 200 and other.context["placements"] == []


# --- the prepared form ---


def test_form_as_anonymous_redirects(world, placed, client_for):
    assert client_for().get(form_url(world.pupil_a)).status_code == 302


@pytest.mark.parametrize("persona", ["teacher_a", "health_a", "manager_kungsholmen", "admin"])
def test_form_is_forbidden_for_other_roles(world, placed, client_for, persona):
    assert client_for(getattr(world, persona)).get(form_url(world.pupil_a)).status_code == 403


@pytest.mark.parametrize("persona", ["principal_b", "social_sodermalm"])
def test_form_for_a_pupil_outside_ones_view_is_404(world, placed, client_for, persona):
    assert client_for(getattr(world, persona)).get(form_url(world.pupil_a)).status_code == 404


def test_form_in_english(world, group, placed, client_for):
    response = client_for(world.principal_a).get(form_url(world.pupil_a, "en"))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert 'id="consent-form"' in page and 'lang="en"' in page
    assert "Who may share information" in page
    assert "You can take back your consent at any time" in page
    for unit in (world.school_a, group, world.intake_kungsholmen):
        assert unit.name in page
    for code in ("school_attendance", "social_assessment", "social_interventions"):
        assert f'data-category="{code}"' in page
    for guardian in world.pupil_a.guardians.all():
        assert guardian.last_name in page


def test_form_in_swedish(world, placed, client_for):
    with translation.override("en"):
        response = client_for(world.principal_a).get(form_url(world.pupil_a, "sv"))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="sv">' in page
    assert '<article class="consent-doc" lang="sv"' in page
    assert 'href="?lang=en"' in page


def test_form_has_print_css_and_no_inline_style(world, placed, client_for):
    page = client_for(world.social_kungsholmen).get(form_url(world.pupil_a)).content.decode()
    assert "css/consent-form.css" in page
    assert "<style" not in page and " style=" not in page and "<script>" not in page


def test_an_unknown_language_falls_back(world, placed, client_for):
    response = client_for(world.principal_a).get(form_url(world.pupil_a, "xx"))
    assert response.status_code == 200


# --- the manager's indicator ---


def indicator(manager):
    today = timezone.localdate()
    query = DashboardQuery(scope=compute_scope(manager), period=Period(today, today), today=today)
    return render(prompts._indicator(query))


def placed_pupils(world, group, file_concern, n):
    for _i in range(n):
        pupil = StudentFactory(school_unit=world.school_a, home_district=world.kungsholmen)
        place(world, pupil, group)
        file_concern(world.teacher_a, pupil)


def test_the_indicator_is_suppressed_below_five(world, group, file_concern):
    placed_pupils(world, group, file_concern, 4)
    table = indicator(world.manager_kungsholmen)
    assert table.row("pupils").cells["total"].text == "<5"


def test_the_indicator_counts_from_five(world, group, file_concern):
    placed_pupils(world, group, file_concern, 5)
    assert indicator(world.manager_kungsholmen).row("pupils").cells["total"].text == "5"
    assert indicator(world.manager_sodermalm).row("pupils").cells["total"].text == "0"


def test_the_indicator_leaves_out_sst_and_consented_pupils(
    world, group, file_concern, record_consent
):
    placed_pupils(world, group, file_concern, 5)
    placed_pupils(world, make_group(world, "sst", Unit.GroupType.SST), file_concern, 2)
    pupil = Placement.objects.filter(group=group).first().student
    record_consent(world.principal_a, pupil, [world.school_a, group], ["social_interventions"])
    assert indicator(world.manager_kungsholmen).row("pupils").cells["total"].text == "<5"


def test_the_panel_is_on_the_dashboard(world, client_for):
    response = client_for(world.manager_kungsholmen).get("/dashboard/")
    assert response.status_code == 200
    assert "consent_prompts" in response.content.decode()
