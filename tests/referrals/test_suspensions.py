"""Avstängning: recorded by the principal, limited by skollagen 5 kap., and a
notice to the social services of the pupil's home district (under 18 only)."""

import datetime
import random
from types import SimpleNamespace

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.urls import reverse

from cases import identity
from portal import rules
from portal.models import Unit
from portal.roles import Role
from referrals import services
from referrals.models import Suspension
from tests.factories import MembershipFactory, StudentFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("referrals:suspension_list")
NEW = reverse("referrals:suspension_new")
INBOX = reverse("referrals:inbox")
LOGIN = reverse("login")


def d(year, month, day):
    return datetime.date(year, month, day)


def notice_read_url(suspension):
    return reverse("referrals:notice_read", args=[suspension.pk])


def form_data(student, starts_on, ends_on, **overrides):
    data = {
        "student": student.pk,
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "reason": "Upprepat hot mot en klasskamrat.",
        "pupil_and_guardians_heard": "on",
        "huvudman_decision": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def suspend(by, student, starts_on, ends_on, **kwargs):
    """Record a suspension through the service, as the view does."""
    return services.suspension_record(
        by=by,
        student=student,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=kwargs.pop("reason", "Upprepat hot mot en klasskamrat."),
        pupil_and_guardians_heard=kwargs.pop("pupil_and_guardians_heard", True),
        **kwargs,
    )


@pytest.fixture
def post_suspension(client_for, csrf_post):
    def post(user, data):
        return csrf_post(client_for(user), NEW, data)

    return post


@pytest.fixture
def assert_refused(post_suspension):
    """POST the form and check it is refused on ``field`` with nothing saved."""

    def check(user, data, field):
        before = Suspension.objects.count()
        response = post_suspension(user, data)
        assert response.status_code == 400
        assert field in response.context["form"].errors, response.context["form"].errors
        assert Suspension.objects.count() == before

    return check


@pytest.fixture
def gymnasium(world):
    """A gymnasieskola in Kungsholmen with its principal, a 17-year-old pupil
    and a pupil who turns 18 on 10 March 2026."""
    unit = UnitFactory(
        code="gymnasium-k",
        name="Gymnasium K",
        district=world.kungsholmen,
        school_form=Unit.SchoolForm.GYMNASIESKOLA,
    )
    principal = UserFactory(username="rektor_gymnasium")
    MembershipFactory(user=principal, unit=unit, role=Role.PRINCIPAL)
    pupil = StudentFactory(
        school_unit=unit,
        home_district=world.kungsholmen,
        grade=2,
        personnummer=identity.fictional_personnummer(
            d(2009, 5, 1), female=True, rng=random.Random(11)
        ),
    )
    turns_18 = StudentFactory(
        school_unit=unit,
        home_district=world.kungsholmen,
        grade=3,
        personnummer=identity.fictional_personnummer(
            d(2008, 3, 10), female=False, rng=random.Random(12)
        ),
    )
    return SimpleNamespace(unit=unit, principal=principal, pupil=pupil, turns_18=turns_18)


# --- who may use the pages ---


@pytest.mark.parametrize("url", [LIST, NEW])
def test_suspension_pages_as_anonymous_redirect_to_login(world, client_for, url):
    response = client_for().get(url)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_teacher_gets_403_on_new_suspension(world, client_for):
    assert client_for(world.teacher_a).get(NEW).status_code == 403


def test_teacher_gets_403_posting_a_suspension_and_nothing_is_saved(world, post_suspension):
    response = post_suspension(
        world.teacher_a, form_data(world.pupil_a, d(2026, 9, 7), d(2026, 9, 9))
    )
    assert response.status_code == 403
    assert Suspension.objects.count() == 0


def test_teacher_may_list_the_schools_suspensions(world, client_for):
    suspension = suspend(world.principal_a, world.pupil_a, d(2026, 9, 7), d(2026, 9, 9))
    response = client_for(world.teacher_a).get(LIST)
    assert response.status_code == 200
    assert list(response.context["suspensions"]) == [suspension]
    assert response.context["may_record"] is False


def test_another_schools_staff_do_not_list_the_suspension(world, client_for):
    suspend(world.principal_a, world.pupil_a, d(2026, 9, 7), d(2026, 9, 9))
    response = client_for(world.principal_b).get(LIST)
    assert list(response.context["suspensions"]) == []


@pytest.mark.parametrize("url", [LIST, NEW])
@pytest.mark.parametrize("persona", ["social_kungsholmen", "social_sodermalm"])
def test_social_worker_gets_403_on_suspension_pages(world, client_for, url, persona):
    assert client_for(getattr(world, persona)).get(url).status_code == 403


def test_principal_gets_the_form_with_only_own_school_pupils(world, client_for):
    response = client_for(world.principal_a).get(NEW)
    assert response.status_code == 200
    choices = set(response.context["form"].fields["student"].queryset)
    assert choices == {world.pupil_a, world.pupil_a_lives_sodermalm}


# --- recording, and the notice to the social services ---


def test_principal_records_a_three_day_suspension(world, post_suspension):
    response = post_suspension(
        world.principal_a, form_data(world.pupil_a, d(2026, 9, 7), d(2026, 9, 9))
    )
    assert response.status_code == 302
    assert response.url == LIST
    suspension = Suspension.objects.get()
    assert suspension.student == world.pupil_a
    assert suspension.school_unit == world.school_a
    assert suspension.school_form == Unit.SchoolForm.GRUNDSKOLA
    assert (suspension.starts_on, suspension.ends_on) == (d(2026, 9, 7), d(2026, 9, 9))
    assert suspension.decided_by == world.principal_a
    assert suspension.notice_unit == world.intake_kungsholmen
    assert suspension.notice_read_at is None


def test_home_district_social_worker_sees_the_notice_in_the_inbox(
    world, client_for, post_suspension
):
    post_suspension(world.principal_a, form_data(world.pupil_a, d(2026, 9, 7), d(2026, 9, 9)))
    suspension = Suspension.objects.get()
    response = client_for(world.social_kungsholmen).get(INBOX)
    assert response.status_code == 200
    assert response.context["notices"] == [suspension]


def test_home_district_social_worker_marks_the_notice_read(
    world, client_for, csrf_post, post_suspension
):
    post_suspension(world.principal_a, form_data(world.pupil_a, d(2026, 9, 7), d(2026, 9, 9)))
    suspension = Suspension.objects.get()
    response = csrf_post(client_for(world.social_kungsholmen), notice_read_url(suspension))
    assert response.status_code == 302
    assert response.url == INBOX
    suspension.refresh_from_db()
    assert suspension.notice_read_at is not None
    assert suspension.notice_read_by == world.social_kungsholmen


def test_other_district_social_worker_does_not_see_the_notice(world, client_for, post_suspension):
    post_suspension(world.principal_a, form_data(world.pupil_a, d(2026, 9, 7), d(2026, 9, 9)))
    response = client_for(world.social_sodermalm).get(INBOX)
    assert response.context["notices"] == []


def test_other_district_social_worker_gets_404_marking_the_notice_read(
    world, client_for, csrf_post, post_suspension
):
    post_suspension(world.principal_a, form_data(world.pupil_a, d(2026, 9, 7), d(2026, 9, 9)))
    suspension = Suspension.objects.get()
    response = csrf_post(client_for(world.social_sodermalm), notice_read_url(suspension))
    assert response.status_code == 404
    suspension.refresh_from_db()
    assert suspension.notice_read_at is None


def test_teacher_gets_403_marking_a_notice_read(world, client_for, csrf_post):
    suspension = suspend(world.principal_a, world.pupil_a, d(2026, 9, 7), d(2026, 9, 9))
    response = csrf_post(client_for(world.teacher_a), notice_read_url(suspension))
    assert response.status_code == 403


def test_notice_goes_to_the_home_district_not_the_school_district(
    world, client_for, post_suspension
):
    pupil = world.pupil_a_lives_sodermalm
    response = post_suspension(world.principal_a, form_data(pupil, d(2026, 9, 7), d(2026, 9, 9)))
    assert response.status_code == 302
    suspension = Suspension.objects.get()
    assert suspension.school_unit == world.school_a
    assert suspension.notice_unit == world.intake_sodermalm
    assert client_for(world.social_sodermalm).get(INBOX).context["notices"] == [suspension]
    assert client_for(world.social_kungsholmen).get(INBOX).context["notices"] == []


# --- grundskola limits (skollagen 5:14) ---


def test_grundskola_suspension_of_seven_days_is_allowed(world, post_suspension):
    assert rules.SUSPENSION_GRUNDSKOLA_MAX_DAYS == 7
    response = post_suspension(
        world.principal_a, form_data(world.pupil_a, d(2026, 9, 7), d(2026, 9, 13))
    )
    assert response.status_code == 302
    assert Suspension.objects.count() == 1


def test_grundskola_suspension_of_eight_days_is_refused(world, assert_refused):
    assert_refused(
        world.principal_a, form_data(world.pupil_a, d(2026, 9, 7), d(2026, 9, 14)), "ends_on"
    )


def test_grundskola_third_suspension_in_the_same_half_year_is_refused(world, assert_refused):
    suspend(world.principal_a, world.pupil_a, d(2026, 9, 7), d(2026, 9, 8))
    suspend(world.principal_a, world.pupil_a, d(2026, 10, 5), d(2026, 10, 6))
    assert_refused(
        world.principal_a,
        form_data(world.pupil_a, d(2026, 12, 1), d(2026, 12, 1)),
        NON_FIELD_ERRORS,
    )


def test_grundskola_third_suspension_in_the_next_half_year_is_allowed(world, post_suspension):
    suspend(world.principal_a, world.pupil_a, d(2026, 9, 7), d(2026, 9, 8))
    suspend(world.principal_a, world.pupil_a, d(2026, 10, 5), d(2026, 10, 6))
    response = post_suspension(
        world.principal_a, form_data(world.pupil_a, d(2027, 1, 11), d(2027, 1, 12))
    )
    assert response.status_code == 302
    assert Suspension.objects.count() == 3


def test_grundskola_suspensions_of_another_pupil_do_not_count(world, post_suspension):
    suspend(world.principal_a, world.pupil_a, d(2026, 9, 7), d(2026, 9, 8))
    suspend(world.principal_a, world.pupil_a, d(2026, 10, 5), d(2026, 10, 6))
    other = world.pupil_a_lives_sodermalm
    response = post_suspension(world.principal_a, form_data(other, d(2026, 12, 1), d(2026, 12, 1)))
    assert response.status_code == 302


def test_suspension_crossing_june_30_is_refused(world, assert_refused):
    assert_refused(
        world.principal_a, form_data(world.pupil_a, d(2026, 6, 29), d(2026, 7, 2)), "ends_on"
    )


def test_suspension_crossing_new_year_is_refused(world, assert_refused):
    assert_refused(
        world.principal_a, form_data(world.pupil_a, d(2026, 12, 30), d(2027, 1, 2)), "ends_on"
    )


def test_suspension_ending_on_june_30_is_allowed(world, post_suspension):
    response = post_suspension(
        world.principal_a, form_data(world.pupil_a, d(2026, 6, 26), d(2026, 6, 30))
    )
    assert response.status_code == 302


def test_overlapping_suspension_is_refused(world, assert_refused):
    suspend(world.principal_a, world.pupil_a, d(2026, 9, 7), d(2026, 9, 9))
    assert_refused(
        world.principal_a,
        form_data(world.pupil_a, d(2026, 9, 9), d(2026, 9, 11)),
        NON_FIELD_ERRORS,
    )


def test_suspension_inside_an_earlier_one_is_refused(world, assert_refused):
    suspend(world.principal_a, world.pupil_a, d(2026, 9, 7), d(2026, 9, 11))
    assert_refused(
        world.principal_a,
        form_data(world.pupil_a, d(2026, 9, 8), d(2026, 9, 8)),
        NON_FIELD_ERRORS,
    )


def test_suspension_right_after_an_earlier_one_is_allowed(world, post_suspension):
    suspend(world.principal_a, world.pupil_a, d(2026, 9, 7), d(2026, 9, 9))
    response = post_suspension(
        world.principal_a, form_data(world.pupil_a, d(2026, 9, 10), d(2026, 9, 11))
    )
    assert response.status_code == 302


def test_suspension_ending_before_it_starts_is_refused(world, assert_refused):
    assert_refused(
        world.principal_a, form_data(world.pupil_a, d(2026, 9, 9), d(2026, 9, 7)), "ends_on"
    )


def test_suspension_without_hearing_pupil_and_guardians_is_refused(world, assert_refused):
    assert_refused(
        world.principal_a,
        form_data(world.pupil_a, d(2026, 9, 7), d(2026, 9, 9), pupil_and_guardians_heard=None),
        "pupil_and_guardians_heard",
    )


def test_suspension_without_a_reason_is_refused(world, assert_refused):
    assert_refused(
        world.principal_a,
        form_data(world.pupil_a, d(2026, 9, 7), d(2026, 9, 9), reason=""),
        "reason",
    )


def test_huvudman_decision_does_not_lift_the_grundskola_week(world, assert_refused):
    assert_refused(
        world.principal_a,
        form_data(world.pupil_a, d(2026, 9, 7), d(2026, 9, 14), huvudman_decision="UN 2026/1"),
        "ends_on",
    )


# --- gymnasieskola limits (skollagen 5:17) ---


def test_gymnasieskola_suspension_of_fourteen_days_is_allowed(world, gymnasium, post_suspension):
    assert rules.SUSPENSION_GYMNASIESKOLA_MAX_DAYS_PER_HALF_YEAR == 14
    response = post_suspension(
        gymnasium.principal, form_data(gymnasium.pupil, d(2026, 9, 7), d(2026, 9, 20))
    )
    assert response.status_code == 302
    suspension = Suspension.objects.get()
    assert suspension.school_form == Unit.SchoolForm.GYMNASIESKOLA


def test_gymnasieskola_fourteen_days_in_two_suspensions_are_allowed(
    world, gymnasium, post_suspension
):
    suspend(gymnasium.principal, gymnasium.pupil, d(2026, 9, 7), d(2026, 9, 13))
    response = post_suspension(
        gymnasium.principal, form_data(gymnasium.pupil, d(2026, 10, 5), d(2026, 10, 11))
    )
    assert response.status_code == 302
    assert Suspension.objects.count() == 2


def test_gymnasieskola_fifteen_days_in_one_half_year_are_refused(world, gymnasium, assert_refused):
    suspend(gymnasium.principal, gymnasium.pupil, d(2026, 9, 7), d(2026, 9, 13))
    suspend(gymnasium.principal, gymnasium.pupil, d(2026, 10, 5), d(2026, 10, 11))
    assert_refused(
        gymnasium.principal,
        form_data(gymnasium.pupil, d(2026, 11, 2), d(2026, 11, 2)),
        "huvudman_decision",
    )


def test_gymnasieskola_fifteen_days_at_once_are_refused(world, gymnasium, assert_refused):
    assert_refused(
        gymnasium.principal,
        form_data(gymnasium.pupil, d(2026, 9, 7), d(2026, 9, 21)),
        "huvudman_decision",
    )


def test_gymnasieskola_fifteen_days_are_allowed_with_the_huvudmans_decision(
    world, gymnasium, post_suspension
):
    response = post_suspension(
        gymnasium.principal,
        form_data(gymnasium.pupil, d(2026, 9, 7), d(2026, 9, 21), huvudman_decision="GyN 2026/123"),
    )
    assert response.status_code == 302
    assert Suspension.objects.get().huvudman_decision == "GyN 2026/123"


def test_gymnasieskola_days_start_over_in_the_next_half_year(world, gymnasium, post_suspension):
    suspend(gymnasium.principal, gymnasium.pupil, d(2026, 9, 7), d(2026, 9, 20))
    response = post_suspension(
        gymnasium.principal, form_data(gymnasium.pupil, d(2027, 1, 11), d(2027, 1, 24))
    )
    assert response.status_code == 302


def test_gymnasieskola_allows_more_than_two_suspensions_per_half_year(
    world, gymnasium, post_suspension
):
    for start in (d(2026, 9, 7), d(2026, 9, 14)):
        suspend(gymnasium.principal, gymnasium.pupil, start, start + datetime.timedelta(days=1))
    response = post_suspension(
        gymnasium.principal, form_data(gymnasium.pupil, d(2026, 10, 5), d(2026, 10, 6))
    )
    assert response.status_code == 302
    assert Suspension.objects.count() == 3


def test_gymnasieskola_pupil_under_18_gets_a_notice(world, gymnasium):
    suspension = suspend(gymnasium.principal, gymnasium.pupil, d(2026, 9, 7), d(2026, 9, 9))
    assert suspension.notice_unit == world.intake_kungsholmen


def test_pupil_who_turns_18_on_the_first_day_gets_no_notice(world, gymnasium, client_for):
    suspension = suspend(gymnasium.principal, gymnasium.turns_18, d(2026, 3, 10), d(2026, 3, 12))
    assert suspension.notice_unit is None
    assert client_for(world.social_kungsholmen).get(INBOX).context["notices"] == []


def test_pupil_who_turns_18_during_the_suspension_gets_a_notice(world, gymnasium):
    suspension = suspend(gymnasium.principal, gymnasium.turns_18, d(2026, 3, 9), d(2026, 3, 11))
    assert suspension.notice_unit == world.intake_kungsholmen


def test_adult_pupils_suspension_via_the_form_has_no_notice(world, gymnasium, post_suspension):
    response = post_suspension(
        gymnasium.principal, form_data(gymnasium.turns_18, d(2026, 9, 7), d(2026, 9, 9))
    )
    assert response.status_code == 302
    assert Suspension.objects.get().notice_unit is None


def test_nobody_can_mark_read_a_suspension_without_notice(world, gymnasium, client_for, csrf_post):
    suspension = suspend(gymnasium.principal, gymnasium.turns_18, d(2026, 9, 7), d(2026, 9, 9))
    response = csrf_post(client_for(world.social_kungsholmen), notice_read_url(suspension))
    assert response.status_code == 404


# --- another school's principal ---


def test_other_schools_principal_cannot_choose_the_pupil(world, assert_refused):
    assert_refused(
        world.principal_b, form_data(world.pupil_a, d(2026, 9, 7), d(2026, 9, 9)), "student"
    )


def test_other_schools_principal_is_denied_by_the_service(world):
    with pytest.raises(PermissionDenied):
        suspend(world.principal_b, world.pupil_a, d(2026, 9, 7), d(2026, 9, 9))
    assert Suspension.objects.count() == 0


def test_teacher_is_denied_by_the_service(world):
    with pytest.raises(PermissionDenied):
        suspend(world.teacher_a, world.pupil_a, d(2026, 9, 7), d(2026, 9, 9))
    assert Suspension.objects.count() == 0


def test_service_refusal_names_the_field(world):
    with pytest.raises(ValidationError) as excinfo:
        suspend(
            world.principal_a,
            world.pupil_a,
            d(2026, 9, 7),
            d(2026, 9, 7),
            pupil_and_guardians_heard=False,
        )
    assert "pupil_and_guardians_heard" in excinfo.value.error_dict
    assert Suspension.objects.count() == 0
