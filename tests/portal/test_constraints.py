"""Invariants the database itself enforces, checked on SQLite and PostgreSQL."""

import pytest
from django.db import IntegrityError, transaction

from portal.models import Membership, Unit
from tests.factories import DistrictFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_a_membership_is_unique_per_user_unit_and_role(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=world.teacher_a, unit=world.school_a, role="school_staff")


def test_a_group_type_belongs_only_to_special_groups():
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitFactory(kind=Unit.Kind.SCHOOL, group_type=Unit.GroupType.RSU)


def test_a_special_group_needs_a_group_type():
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitFactory(kind=Unit.Kind.SPECIAL_GROUP, group_type="")


def test_a_social_unit_needs_a_district():
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(code="x", name="x", kind=Unit.Kind.SOCIAL_INTAKE, district=None)


def test_a_school_needs_a_school_form():
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            code="y", name="y", kind=Unit.Kind.SCHOOL, district=DistrictFactory(), school_form=""
        )


def test_pupil_grade_is_at_most_nine(world):
    world.pupil_a.grade = 10
    with pytest.raises(IntegrityError), transaction.atomic():
        world.pupil_a.save()


def test_membership_clean_refuses_a_school_role_in_a_social_unit(world):
    from django.core.exceptions import ValidationError

    membership = Membership(user=world.teacher_a, unit=world.intake_kungsholmen, role="principal")
    with pytest.raises(ValidationError):
        membership.full_clean()
