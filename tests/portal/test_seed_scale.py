"""`manage.py seed_scale` at a small size: the whole city's shape in seconds, on
SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models, transaction

from cases import pupil_gender
from cases.models import SipPlan, Student
from cases.sip import follow_up
from consent.models import Consent
from portal import tallies
from portal.models import DayTally, District, Unit, User
from referrals import daycounts, facts, investigation_categories, reach
from referrals.models import (
    Concern,
    ConcernDayCount,
    ConcernFact,
    DistrictReach,
    Investigation,
    PreliminaryAssessment,
)

TODAY = datetime.date(2026, 8, 20)
SMALL = {
    "pupils": 300,
    "concerns": 800,
    "consents": 200,
    "meetings": 200,
    "users": 200,
    "access_log": 200,
    "today": TODAY,
    "seed": 7,
}


def seed(**overrides):
    call_command("seed_scale", **{**SMALL, **overrides}, stdout=_Quiet())


class _Quiet:
    def write(self, text):
        pass

    def flush(self):
        pass


def fingerprint():
    """What the generated city looks like, without primary keys."""
    return (
        list(
            Student.objects.order_by("personnummer").values_list(
                "personnummer", "home_district__code", "school_unit__district__code", "grade"
            )
        ),
        list(
            Concern.objects.order_by("received_at", "student__personnummer").values_list(
                "student__personnummer", "received_at", "protection_due_on", "channel"
            )
        ),
        Consent.objects.filter(withdrawn_at__isnull=False).count(),
    )


@pytest.mark.django_db
def test_a_small_city_has_every_district_and_the_sizes_asked_for():
    seed()
    assert Student.objects.count() == 300
    assert Concern.objects.count() == 800
    assert Consent.objects.count() == 200
    assert User.objects.count() == 200
    assert District.objects.count() == 13
    districts_with_schools = Unit.objects.filter(kind=Unit.Kind.SCHOOL).values("district")
    assert District.objects.filter(pk__in=districts_with_schools).count() == 13
    assert Student.objects.values("home_district").distinct().count() == 13


@pytest.mark.django_db
def test_deadlines_are_met_and_missed_and_consents_are_in_every_state():
    seed()
    decisions = PreliminaryAssessment.objects.select_related("concern")
    late = [d for d in decisions if d.decided_at.date() > d.concern.preliminary_due_on]
    on_time = [d for d in decisions if d.decided_at.date() <= d.concern.preliminary_due_on]
    assert late and on_time
    assert len(late) < len(on_time)
    assert Investigation.objects.filter(closed_on__isnull=True).exists()
    assert Investigation.objects.filter(closed_on__isnull=False).exists()
    assert Consent.objects.filter(withdrawn_at__isnull=False).exists()
    assert Consent.objects.filter(valid_to__lt=TODAY).exists()
    active = Consent.objects.filter(
        withdrawn_at__isnull=True, valid_from__lte=TODAY, valid_to__gte=TODAY
    )
    assert active.exists()
    assert SipPlan.objects.filter(status="active").exists()
    # What the generator loaded without model signals, the derived rows follow.
    assert DistrictReach.objects.exists()
    assert reach.drift() == {"missing": [], "extra": [], "flag": []}
    assert ConcernFact.objects.count() == Concern.objects.count()
    assert facts.drift() == {"missing": [], "extra": [], "wrong": []}
    assert pupil_gender.drift() == {"wrong": []}
    assert SipPlan.objects.filter(follow_up_on__isnull=False).exists()
    assert follow_up.drift() == {"wrong": []}
    assert daycounts.drift() == {"missing": [], "extra": [], "wrong": []}
    assert ConcernDayCount.objects.exclude(category="").exists()
    assert Investigation.objects.exclude(concern_categories=0).exists()
    assert investigation_categories.drift() == {"wrong": []}
    assert DayTally.objects.filter(kind="investigation_closed", span="month").exists()
    assert DayTally.objects.filter(kind="investigation_closed").exclude(category="").exists()
    assert DayTally.objects.filter(kind="consent_withdrawn").exists()
    assert tallies.drift() == {"missing": [], "extra": [], "wrong": []}


@pytest.mark.django_db
def test_every_foreign_key_points_at_a_row():
    """On PostgreSQL the loader skips the foreign-key triggers; the data must hold anyway."""
    seed()
    for model in apps.get_models():
        if model._meta.app_label not in ("portal", "cases", "referrals", "consent"):
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.ForeignKey):
                continue
            target = field.related_model._default_manager.values("pk")
            orphans = model._default_manager.filter(**{f"{field.name}__isnull": False}).exclude(
                **{f"{field.attname}__in": target}
            )
            assert not orphans.exists(), f"{model.__name__}.{field.name} points nowhere"


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_city():
    with transaction.atomic():
        seed()
        first = fingerprint()
        transaction.set_rollback(True)
    seed()
    assert fingerprint() == first
    assert len(first[0]) == 300


@pytest.mark.django_db
def test_refuses_a_database_with_data_unless_forced():
    seed(pupils=100, concerns=100, consents=20, meetings=20, access_log=10)
    with pytest.raises(CommandError, match="already has"):
        seed()
    seed(pupils=50, concerns=100, consents=20, meetings=20, access_log=10, force=True, seed=8)
    assert Student.objects.count() == 150
    assert Concern.objects.count() == 200
    # The second run adds to the same schools and staff.
    assert User.objects.count() == 200


@pytest.mark.django_db(transaction=True)
def test_a_city_loaded_outside_a_transaction_is_vacuumed(postgres):
    """The dashboards count from covering indexes, which read the rows' pages
    until the table is vacuumed; a freshly loaded city must not wait for autovacuum."""
    seed(pupils=100, concerns=200, consents=40, meetings=40, access_log=20)
    with postgres.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relallvisible FROM pg_class WHERE relname = ANY(%s)",
            [[ConcernFact._meta.db_table, Concern._meta.db_table]],
        )
        visible = dict(cursor.fetchall())
    assert visible[ConcernFact._meta.db_table] > 0
    assert visible[Concern._meta.db_table] > 0
