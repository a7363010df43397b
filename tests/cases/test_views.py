import pytest
from django.urls import reverse

from cases.models import Guardian, Student

pytestmark = pytest.mark.django_db

LIST = reverse("cases:student_list")
NEW = reverse("cases:student_create")


def detail(student):
    return reverse("cases:student_detail", args=[student.pk])


# --- the pupil list ----------------------------------------------------------------


def test_pupil_list_as_anonymous_redirects_to_login(world, client_for):
    response = client_for().get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["manager_kungsholmen", "admin", "log_reviewer", "nobody"])
def test_pupil_list_is_forbidden_for_roles_that_never_see_pupils(world, client_for, persona):
    assert client_for(getattr(world, persona)).get(LIST).status_code == 403


def test_pupil_list_shows_own_school_only(world, client_for):
    response = client_for(world.teacher_a).get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert world.pupil_a.last_name in body
    assert world.pupil_a.personnummer_masked in body
    assert world.pupil_a.personnummer not in body
    assert world.pupil_b.personnummer_masked not in body


def test_social_worker_without_cases_sees_an_empty_list_that_says_why(world, client_for):
    response = client_for(world.social_kungsholmen).get(LIST)
    assert response.status_code == 200
    assert response.context["students"] == []


def test_pupil_list_search_by_personnummer(world, client_for):
    response = client_for(world.teacher_a).get(LIST, {"q": world.pupil_a.personnummer})
    assert response.context["students"] == [world.pupil_a]


def test_pupil_list_queries_do_not_grow_with_pupils(
    world, client_for, django_assert_max_num_queries
):
    from tests.factories import StudentFactory

    StudentFactory.create_batch(30, school_unit=world.school_a)
    client = client_for(world.teacher_a)
    # +2: the access-log row and its pupils (portal.accesslog); +1: whether the
    # person has an authenticator app to be asked for (portal.two_factor).
    with django_assert_max_num_queries(11):
        response = client.get(LIST)
    assert len(response.context["students"]) == 32


def test_pupil_list_bad_page_number_falls_back_to_first_page(world, client_for):
    assert client_for(world.teacher_a).get(LIST, {"page": "x"}).status_code == 200


# --- the pupil page -------------------------------------------------------------------


def test_pupil_page_as_anonymous_redirects(world, client_for):
    assert client_for().get(detail(world.pupil_a)).status_code == 302


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher_a", 200),
        ("principal_a", 200),
        ("health_a", 200),
        ("teacher_b", 404),
        ("principal_b", 404),
        ("social_kungsholmen", 404),
        ("social_sodermalm", 404),
        ("sip_kungsholmen", 404),
        ("manager_kungsholmen", 403),
        ("admin", 403),
        ("log_reviewer", 403),
        ("nobody", 403),
    ],
)
def test_pupil_page_by_persona(world, client_for, persona, status):
    assert client_for(getattr(world, persona)).get(detail(world.pupil_a)).status_code == status


def test_pupil_page_masks_personnummer_until_asked(world, client_for):
    client = client_for(world.teacher_a)
    body = client.get(detail(world.pupil_a)).content.decode()
    assert world.pupil_a.personnummer_masked in body
    assert world.pupil_a.personnummer_display not in body
    body = client.get(detail(world.pupil_a), {"show": "personnummer"}).content.decode()
    assert world.pupil_a.personnummer_display in body


def test_pupil_page_shows_guardians(world, client_for):
    guardian = world.pupil_a.guardians.get()
    body = client_for(world.teacher_a).get(detail(world.pupil_a)).content.decode()
    assert guardian.last_name in body


def test_missing_pupil_is_404(world, client_for):
    assert client_for(world.teacher_a).get("/pupils/999999/").status_code == 404


# --- registering a pupil ----------------------------------------------------------------

VALID = {
    "personnummer": "20170101-2393",
    "first_name": "Tuva",
    "last_name": "Ström",
    "gender": "girl",
    "grade": "3",
    "guardian_first_name": "Per",
    "guardian_last_name": "Ström",
    "guardian_email": "per@example.invalid",
    "guardian_relation": "parent",
}


def form_data(world, **changes):
    data = {**VALID, "school_unit": world.school_a.pk, "home_district": world.sodermalm.pk}
    data.update(changes)
    return data


def test_register_pupil_as_anonymous_redirects(world, client_for):
    assert client_for().get(NEW).status_code == 302


@pytest.mark.parametrize("persona", ["teacher_a", "health_a", "social_kungsholmen", "admin"])
def test_register_pupil_is_for_principals_only(world, client_for, csrf_post, persona):
    client = client_for(getattr(world, persona))
    assert client.get(NEW).status_code == 403
    assert csrf_post(client, NEW, form_data(world)).status_code == 403
    assert not Student.objects.filter(personnummer="201701012393").exists()


def test_principal_registers_a_pupil_with_a_guardian(world, client_for, csrf_post):
    client = client_for(world.principal_a)
    assert client.get(NEW).status_code == 200
    response = csrf_post(client, NEW, form_data(world))
    student = Student.objects.get(personnummer="201701012393")
    assert response.status_code == 302
    assert response["Location"] == detail(student)
    assert student.home_district == world.sodermalm
    assert student.guardians.get().last_name == "Ström"


def test_post_without_csrf_token_is_refused(world, client_for):
    response = client_for(world.principal_a).post(NEW, form_data(world))
    assert response.status_code == 403
    assert not Student.objects.exists() or not Student.objects.filter(first_name="Tuva").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"personnummer": "20170101-2394"}, "personnummer", "inte ett giltigt personnummer"),
        ({"personnummer": "hej"}, "personnummer", "ÅÅÅÅMMDD-NNNN"),
        ({"personnummer": ""}, "personnummer", "måste fyllas i"),
        ({"grade": "14"}, "grade", "9"),
        ({"gender": "x"}, "gender", "giltigt alternativ"),
        ({"guardian_email": "not-an-email"}, "guardian_email", "e-postadress"),
    ],
)
def test_bad_input_gets_a_swedish_message_400_and_saves_nothing(
    world, client_for, csrf_post, changes, field, message
):
    response = csrf_post(client_for(world.principal_a), NEW, form_data(world, **changes))
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert not Student.objects.filter(first_name="Tuva").exists()
    assert not Guardian.objects.filter(last_name="Ström").exists()


def test_guardian_with_only_a_first_name_is_refused_and_nothing_saved(world, client_for, csrf_post):
    response = csrf_post(
        client_for(world.principal_a), NEW, form_data(world, guardian_last_name="")
    )
    assert response.status_code == 400
    assert not Student.objects.filter(first_name="Tuva").exists()


def test_a_principal_cannot_register_into_another_school(world, client_for, csrf_post):
    response = csrf_post(
        client_for(world.principal_a), NEW, form_data(world, school_unit=world.school_b.pk)
    )
    assert response.status_code == 400
    assert not Student.objects.filter(first_name="Tuva").exists()


def test_a_duplicate_personnummer_is_refused_and_nothing_saved(world, client_for, csrf_post):
    existing = world.pupil_b.personnummer
    guardians_before = Guardian.objects.count()
    response = csrf_post(
        client_for(world.principal_a), NEW, form_data(world, personnummer=existing)
    )
    assert response.status_code == 400
    assert "redan registrerad" in " ".join(response.context["form"].errors["personnummer"])
    assert Guardian.objects.count() == guardians_before
