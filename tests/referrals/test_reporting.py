"""The school side: choosing the pupil, writing with a kept draft, sending,
amendments, and who sees which report."""

import pytest
from django.urls import reverse

from referrals.models import Amendment, Concern, ConcernDraft
from referrals.services import draft_start

pytestmark = pytest.mark.django_db

START = reverse("referrals:concern_start")
MINE = reverse("referrals:concern_mine")

REPORT = {
    "categories": ["mental_ill_health", "school_absence"],
    "worry": "Eleven har varit frånvarande och verkar rädd.",
    "child_said": "Jag vill inte gå hem.",
    "observed": "Blåmärken på armen.",
    "relation": "Mentor",
    "earlier_concerns": "",
    "confirm": "on",
    "action": "submit",
}


def write_url(draft):
    return reverse("referrals:concern_write", args=[draft.token])


# --- step 1: choosing the pupil ---


def test_start_as_anonymous_redirects_to_login(world, client_for):
    assert client_for().get(START).status_code == 302


@pytest.mark.parametrize(
    "persona",
    [
        "social_kungsholmen",
        "sip_kungsholmen",
        "manager_kungsholmen",
        "admin",
        "log_reviewer",
        "nobody",
    ],
)
def test_start_is_for_school_roles_only(world, client_for, persona):
    assert client_for(getattr(world, persona)).get(START).status_code == 403


@pytest.mark.parametrize("persona", ["teacher_a", "principal_a", "health_a"])
def test_every_school_role_may_report(world, client_for, persona):
    response = client_for(getattr(world, persona)).get(START, {"q": world.pupil_a.last_name})
    assert response.status_code == 200
    assert world.pupil_a in response.context["pupils"]


def test_search_finds_only_own_school_pupils(world, client_for):
    response = client_for(world.teacher_a).get(START, {"q": world.pupil_b.personnummer})
    assert response.context["pupils"] == []


def test_choosing_a_pupil_starts_a_draft(world, client_for, csrf_post):
    client = client_for(world.teacher_a)
    response = csrf_post(client, START, {"student": world.pupil_a.pk})
    draft = ConcernDraft.objects.get(author=world.teacher_a)
    assert response.status_code == 302
    assert response["Location"] == write_url(draft)
    assert draft.student == world.pupil_a


def test_choosing_another_schools_pupil_is_404(world, client_for, csrf_post):
    response = csrf_post(client_for(world.teacher_a), START, {"student": world.pupil_b.pk})
    assert response.status_code == 404
    assert not ConcernDraft.objects.exists()


def test_choosing_with_bad_input_is_400(world, client_for, csrf_post):
    response = csrf_post(client_for(world.teacher_a), START, {"student": "x"})
    assert response.status_code == 400
    assert not ConcernDraft.objects.exists()


# --- step 2: writing, the draft and sending ---


def test_only_the_author_opens_a_draft(world, client_for):
    draft = draft_start(author=world.teacher_a, student=world.pupil_a)
    assert client_for(world.teacher_a).get(write_url(draft)).status_code == 200
    assert client_for(world.principal_a).get(write_url(draft)).status_code == 404
    assert client_for(world.teacher_b).get(write_url(draft)).status_code == 404


def test_autosave_keeps_the_text(world, client_for, csrf_post):
    draft = draft_start(author=world.teacher_a, student=world.pupil_a)
    url = reverse("referrals:concern_autosave", args=[draft.token])
    response = csrf_post(
        client_for(world.teacher_a), url, {"worry": "Halvskriven text", "categories": ["behaviour"]}
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.data["worry"] == "Halvskriven text"
    assert draft.data["categories"] == ["behaviour"]


def test_autosave_drops_control_characters_that_no_database_keeps(world, client_for, csrf_post):
    """NUL cannot be stored in PostgreSQL's text or JSON; a draft keeps the rest."""
    draft = draft_start(author=world.teacher_a, student=world.pupil_a)
    url = reverse("referrals:concern_autosave", args=[draft.token])
    text = "Rad ett\x00\x07\nRad två\tslut"
    response = csrf_post(client_for(world.teacher_a), url, {"worry": text})
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.data["worry"] == "Rad ett\nRad två\tslut"


def test_autosave_of_someone_elses_draft_is_404(world, client_for, csrf_post):
    draft = draft_start(author=world.teacher_a, student=world.pupil_a)
    url = reverse("referrals:concern_autosave", args=[draft.token])
    assert csrf_post(client_for(world.health_a), url, {"worry": "x"}).status_code == 404
    draft.refresh_from_db()
    assert draft.data == {}


def test_autosave_that_arrives_after_the_submit_is_404_and_keeps_nothing(world):
    """The browser's last autosave can reach the server after the submit has
    turned the draft into a report; it must neither fail nor bring the draft back."""
    from django.core.exceptions import ObjectDoesNotExist

    from referrals.services import draft_save

    draft = draft_start(author=world.teacher_a, student=world.pupil_a)
    ConcernDraft.objects.filter(pk=draft.pk).delete()  # what the submit does
    with pytest.raises(ObjectDoesNotExist):
        draft_save(draft=draft, author=world.teacher_a, data={"worry": "sent already"})
    assert not ConcernDraft.objects.filter(pk=draft.pk).exists()


def test_a_failed_submit_keeps_what_was_written(world, client_for, csrf_post):
    draft = draft_start(author=world.teacher_a, student=world.pupil_a)
    data = {**REPORT, "relation": ""}
    response = csrf_post(client_for(world.teacher_a), write_url(draft), data)
    assert response.status_code == 400
    assert "relation" in response.context["form"].errors
    assert not Concern.objects.exists()
    draft.refresh_from_db()
    assert draft.data["worry"] == REPORT["worry"]


def test_save_draft_button_keeps_text_without_sending(world, client_for, csrf_post):
    draft = draft_start(author=world.teacher_a, student=world.pupil_a)
    response = csrf_post(
        client_for(world.teacher_a), write_url(draft), {"worry": "Utkast", "action": "save"}
    )
    assert response.status_code == 302
    assert not Concern.objects.exists()
    draft.refresh_from_db()
    assert draft.data["worry"] == "Utkast"


def test_submit_files_the_report_and_routes_it_to_the_home_district(world, client_for, csrf_post):
    draft = draft_start(author=world.teacher_a, student=world.pupil_a_lives_sodermalm)
    response = csrf_post(client_for(world.teacher_a), write_url(draft), REPORT)
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:concern_detail", args=[concern.pk])
    # The school is in Kungsholmen, the child lives in Södermalm.
    assert concern.intake_unit == world.intake_sodermalm
    assert concern.reporter == world.teacher_a
    assert concern.reporting_unit == world.school_a
    assert sorted(concern.category_codes) == ["mental_ill_health", "school_absence"]
    assert concern.reference.startswith("ORO-")
    assert not ConcernDraft.objects.exists()


def test_submit_requires_the_confirmation(world, client_for, csrf_post):
    draft = draft_start(author=world.teacher_a, student=world.pupil_a)
    data = {k: v for k, v in REPORT.items() if k != "confirm"}
    response = csrf_post(client_for(world.teacher_a), write_url(draft), data)
    assert response.status_code == 400
    assert "confirm" in response.context["form"].errors
    assert not Concern.objects.exists()


@pytest.mark.parametrize("category", ["violence_home", "sexual_abuse", "honour_violence"])
def test_guardians_informed_is_refused_for_violence(world, client_for, csrf_post, category):
    draft = draft_start(author=world.teacher_a, student=world.pupil_a)
    data = {**REPORT, "categories": [category], "guardians_informed": "on"}
    response = csrf_post(client_for(world.teacher_a), write_url(draft), data)
    assert response.status_code == 400
    assert "guardians_informed" in response.context["form"].errors
    assert not Concern.objects.exists()


def test_guardians_informed_is_allowed_for_other_categories(world, client_for, csrf_post):
    draft = draft_start(author=world.teacher_a, student=world.pupil_a)
    data = {**REPORT, "guardians_informed": "on"}
    assert csrf_post(client_for(world.teacher_a), write_url(draft), data).status_code == 302
    assert Concern.objects.get().guardians_informed is True


def test_unknown_category_is_refused(world, client_for, csrf_post):
    draft = draft_start(author=world.teacher_a, student=world.pupil_a)
    response = csrf_post(
        client_for(world.teacher_a), write_url(draft), {**REPORT, "categories": ["nonsense"]}
    )
    assert response.status_code == 400
    assert not Concern.objects.exists()


def test_sending_the_same_draft_twice_files_one_report(world, client_for, csrf_post):
    draft = draft_start(author=world.teacher_a, student=world.pupil_a)
    client = client_for(world.teacher_a)
    first = csrf_post(client, write_url(draft), REPORT)
    second = csrf_post(client, write_url(draft), REPORT)
    assert Concern.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_the_form_warns_about_guardians_for_violence(world, client_for):
    draft = draft_start(author=world.teacher_a, student=world.pupil_a)
    body = client_for(world.teacher_a).get(write_url(draft)).content.decode()
    assert 'id="violence-warning"' in body
    assert "data-violence=" in body


def test_after_sending_the_next_pupil_is_a_new_report(world, client_for, csrf_post, file_concern):
    file_concern(world.teacher_a, world.pupil_a)
    body = client_for(world.teacher_a).get(MINE).content.decode()
    assert reverse("referrals:concern_start") in body


# --- reading reports on the school side ---


def test_reporter_sees_own_reports_with_feedback(world, client_for, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    response = client_for(world.teacher_a).get(MINE)
    assert [c for c, _f in response.context["rows"]] == [concern]
    assert response.context["rows"][0][1].status == "received"


def test_principal_sees_every_report_from_the_school(world, client_for, file_concern):
    by_teacher = file_concern(world.teacher_a, world.pupil_a)
    by_health = file_concern(world.health_a, world.pupil_a_lives_sodermalm)
    rows = client_for(world.principal_a).get(MINE).context["rows"]
    assert {c for c, _f in rows} == {by_teacher, by_health}


def test_principal_sees_own_and_the_schools_reports_once_each_newest_first(
    world, client_for, file_concern
):
    by_teacher = file_concern(world.teacher_a, world.pupil_a)
    own = file_concern(world.principal_a, world.pupil_a)  # filed by them, from the school
    later = file_concern(world.health_a, world.pupil_a_lives_sodermalm)
    rows = client_for(world.principal_a).get(MINE).context["rows"]
    assert [c for c, _f in rows] == [later, own, by_teacher]


def test_staff_do_not_see_colleagues_reports(world, client_for, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    assert client_for(world.health_a).get(MINE).context["rows"] == []
    url = reverse("referrals:concern_detail", args=[concern.pk])
    assert client_for(world.health_a).get(url).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher_a", 200),
        ("principal_a", 200),
        ("health_a", 404),
        ("teacher_b", 404),
        ("principal_b", 404),
        ("social_kungsholmen", 403),
        ("manager_kungsholmen", 403),
        ("admin", 403),
        ("nobody", 403),
    ],
)
def test_school_report_page_by_persona(world, client_for, file_concern, persona, status):
    concern = file_concern(world.teacher_a, world.pupil_a)
    url = reverse("referrals:concern_detail", args=[concern.pk])
    assert client_for(getattr(world, persona)).get(url).status_code == status


def test_report_page_as_anonymous_redirects(world, client_for, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    url = reverse("referrals:concern_detail", args=[concern.pk])
    assert client_for().get(url).status_code == 302


# --- amendments: the report itself never changes ---


def test_reporter_adds_a_dated_amendment_and_the_report_is_unchanged(
    world, client_for, csrf_post, file_concern
):
    concern = file_concern(world.teacher_a, world.pupil_a)
    before = Concern.objects.values().get(pk=concern.pk)
    url = reverse("referrals:concern_amend", args=[concern.pk])
    response = csrf_post(client_for(world.teacher_a), url, {"text": "Eleven berättade mer idag."})
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert amendment.author == world.teacher_a
    assert amendment.created_at is not None
    assert Concern.objects.values().get(pk=concern.pk) == before


def test_only_the_reporter_may_amend(world, client_for, csrf_post, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    url = reverse("referrals:concern_amend", args=[concern.pk])
    # The principal sees the report but did not write it.
    assert csrf_post(client_for(world.principal_a), url, {"text": "x"}).status_code == 403
    assert csrf_post(client_for(world.teacher_b), url, {"text": "x"}).status_code == 404
    assert not Amendment.objects.exists()


def test_an_empty_amendment_is_refused(world, client_for, csrf_post, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a)
    url = reverse("referrals:concern_amend", args=[concern.pk])
    response = csrf_post(client_for(world.teacher_a), url, {"text": "   "})
    assert response.status_code == 400
    assert not Amendment.objects.exists()


def test_no_url_edits_or_deletes_a_sent_report():
    from django.urls import get_resolver

    names = [name for name in get_resolver("referrals.urls").reverse_dict if isinstance(name, str)]
    assert not [n for n in names if "edit" in n or "delete" in n or "update" in n]
