"""Factories for the test suite's organisation, people and pupils."""

import datetime
import random

import factory

from cases import identity
from cases.models import Gender, Guardian, Guardianship, Student
from portal.models import District, Membership, Unit, User

_rng = random.Random(7)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"district-{n}")
    name = factory.Sequence(lambda n: f"District {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"Unit {n}")
    kind = Unit.Kind.SCHOOL
    district = factory.SubFactory(DistrictFactory)
    operator = factory.LazyAttribute(
        lambda u: Unit.Operator.MUNICIPAL if u.kind in Unit.SCHOOL_KINDS else ""
    )
    school_form = factory.LazyAttribute(
        lambda u: Unit.SchoolForm.GRUNDSKOLA if u.kind in Unit.SCHOOL_KINDS else ""
    )
    group_type = factory.LazyAttribute(
        lambda u: Unit.GroupType.RSU if u.kind == Unit.Kind.SPECIAL_GROUP else ""
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@samverkan.invalid")
    password = factory.django.Password("correct-horse-battery")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = "school_staff"


def _pnr(n):
    born = datetime.date(2012, 1, 1) + datetime.timedelta(days=(n * 37) % 3000)
    return identity.fictional_personnummer(born, female=bool(n % 2), rng=_rng)


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    personnummer = factory.Sequence(_pnr)
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    gender = Gender.GIRL
    school_unit = factory.SubFactory(UnitFactory)
    grade = 5
    home_district = factory.LazyAttribute(lambda s: s.school_unit.district)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Sequences may repeat a number after the rng wraps: retry with a new one.
        while Student.objects.filter(personnummer=kwargs["personnummer"]).exists():
            kwargs["personnummer"] = _pnr(_rng.randint(0, 10**6))
        return super()._create(model_class, *args, **kwargs)


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    phone = "070-1234567"
    email = factory.Sequence(lambda n: f"guardian{n}@example.invalid")


class GuardianshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardianship

    student = factory.SubFactory(StudentFactory)
    guardian = factory.SubFactory(GuardianFactory)
