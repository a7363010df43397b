import pytest

from cases.access import student_filter
from cases.selectors import guardianships_of, student_get, students_search, students_visible_to
from cases.services import student_access_grant, student_access_revoke
from portal.access import compute_scope, forget_scope

pytestmark = pytest.mark.django_db


def visible(user):
    return set(students_visible_to(user))


def test_school_roles_see_their_own_schools_pupils(world):
    own = {world.pupil_a, world.pupil_a_lives_sodermalm}
    assert visible(world.teacher_a) == own
    assert visible(world.principal_a) == own
    assert visible(world.health_a) == own
    assert visible(world.teacher_b) == {world.pupil_b}


@pytest.mark.parametrize("persona", ["teacher_a", "principal_a"])
def test_the_own_school_joins_the_other_rules_as_one_list_of_ids(world, persona):
    # "school = … OR id IN (…)" cannot use an index and reads every pupil of the
    # city: the school's pupils are one more part of the union.
    q = student_filter(compute_scope(getattr(world, persona)))
    ((lookup, union),) = q.children
    assert lookup == "id__in"
    assert "school_unit_id" in str(union.query)
    assert str(union.query).count("UNION") >= 2


@pytest.mark.parametrize(
    "persona",
    [
        "social_kungsholmen",
        "social_sodermalm",
        "sip_kungsholmen",
        "manager_kungsholmen",
        "admin",
        "log_reviewer",
        "nobody",
    ],
)
def test_roles_without_a_case_see_no_pupils(world, persona):
    assert visible(getattr(world, persona)) == set()


def test_an_explicit_grant_shows_one_pupil_and_revoking_hides_it(world):
    worker = world.social_kungsholmen
    student_access_grant(student=world.pupil_a, user=worker, by=world.principal_a)
    forget_scope(worker)
    assert visible(worker) == {world.pupil_a}
    student_access_revoke(student=world.pupil_a, user=worker, by=world.principal_a)
    assert visible(worker) == set()


def test_a_grant_does_not_open_pupils_to_roles_that_never_see_cases(world):
    student_access_grant(student=world.pupil_a, user=world.manager_kungsholmen)
    assert visible(world.manager_kungsholmen) == set()


def test_granting_requires_that_the_granter_sees_the_pupil(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        student_access_grant(student=world.pupil_b, user=world.teacher_a, by=world.teacher_a)


def test_student_get_is_404_outside_the_scope(world):
    from django.http import Http404

    assert student_get(world.teacher_a, world.pupil_a.pk) == world.pupil_a
    with pytest.raises(Http404):
        student_get(world.teacher_a, world.pupil_b.pk)


def test_search_by_full_personnummer_is_exact(world):
    pnr = world.pupil_a.personnummer
    assert list(students_search(world.teacher_a, pnr)) == [world.pupil_a]
    assert list(students_search(world.teacher_a, f"{pnr[:8]}-{pnr[8:]}")) == [world.pupil_a]
    # A prefix is not a match: numbers cannot be enumerated.
    assert list(students_search(world.teacher_a, pnr[:10])) == []
    # The other school's pupil is not found even by exact number.
    assert list(students_search(world.teacher_a, world.pupil_b.personnummer)) == []


def test_search_by_name_words(world):
    pupil = world.pupil_a
    found = students_search(world.teacher_a, f"{pupil.first_name} {pupil.last_name}")
    assert pupil in found
    assert world.pupil_b not in students_search(world.teacher_a, world.pupil_b.last_name)


def test_guardians_only_for_a_visible_pupil(world):
    assert len(guardianships_of(world.teacher_a, world.pupil_a)) == 1
    assert len(guardianships_of(world.teacher_b, world.pupil_a)) == 0
