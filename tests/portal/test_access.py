import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from portal.access import compute_scope, roles_required, scope
from portal.roles import Role

pytestmark = pytest.mark.django_db


def test_teacher_scope_is_their_school_only(world):
    s = compute_scope(world.teacher_a)
    assert s.school_unit_ids == {world.school_a.pk}
    assert s.principal_unit_ids == frozenset()
    assert not s.is_social and not s.is_manager


def test_principal_scope_marks_the_school_as_principal(world):
    s = compute_scope(world.principal_a)
    assert s.principal_unit_ids == {world.school_a.pk}
    assert s.school_unit_ids == {world.school_a.pk}


def test_social_worker_scope_is_their_unit_and_district(world):
    s = compute_scope(world.social_kungsholmen)
    assert s.social_unit_ids == {world.intake_kungsholmen.pk}
    assert s.social_district_ids == {world.kungsholmen.pk}
    assert s.sip_district_ids == frozenset()
    assert not s.is_school


def test_sip_coordinator_scope_has_the_sip_district(world):
    s = compute_scope(world.sip_kungsholmen)
    assert s.sip_district_ids == {world.kungsholmen.pk}


def test_district_manager_scope_is_the_district(world):
    s = compute_scope(world.manager_kungsholmen)
    assert s.manager_district_ids == {world.kungsholmen.pk}
    assert not s.manager_city
    assert not s.may_see_cases


def test_admin_and_log_reviewer_never_see_cases(world):
    assert compute_scope(world.admin).is_administrator
    assert not compute_scope(world.admin).may_see_cases
    assert compute_scope(world.log_reviewer).is_log_reviewer
    assert not compute_scope(world.log_reviewer).may_see_cases


def test_user_without_membership_has_empty_scope(world):
    s = compute_scope(world.nobody)
    assert s.roles == frozenset()
    assert not s.may_see_cases


def test_inactive_user_has_empty_scope(world):
    world.teacher_a.is_active = False
    assert compute_scope(world.teacher_a).roles == frozenset()


def test_scope_is_computed_once_per_user_object(world, django_assert_num_queries):
    user = world.teacher_a
    with django_assert_num_queries(1):
        scope(user)
        scope(user)


def test_roles_required_refuses_other_roles(world):
    @roles_required(Role.PRINCIPAL)
    def view(request):
        return "ok"

    request = RequestFactory().get("/")
    request.user = world.principal_a
    assert view(request) == "ok"
    request.user = world.teacher_a
    with pytest.raises(PermissionDenied):
        view(request)
