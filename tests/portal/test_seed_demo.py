import pytest
from django.core.management import CommandError, call_command

from cases.models import Guardian, Student
from portal.demo import USERS
from portal.models import District, Membership, User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_demo_world_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (
        District.objects.count(),
        Student.objects.count(),
        Guardian.objects.count(),
        Membership.objects.count(),
    )
    assert counts[0] == 13
    assert 35 <= counts[1] <= 45
    assert counts[2] >= counts[1]
    call_command("seed_demo")
    assert counts == (
        District.objects.count(),
        Student.objects.count(),
        Guardian.objects.count(),
        Membership.objects.count(),
    )
    for username, *_ in USERS:
        user = User.objects.get(username=username)
        assert user.check_password("samverkan-demo"), username


def test_seed_demo_puts_pupils_in_school_a_with_a_mix_of_home_districts(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    school_a = Student.objects.filter(school_unit__code="vasterbroskolan")
    assert school_a.count() == 16
    assert school_a.exclude(home_district__code="kungsholmen").exists()


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_runs_with_force(settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force")
    assert User.objects.filter(username="larare_a").exists()


def test_seed_demo_puts_concerns_in_each_demo_inbox(settings):
    from referrals.models import Concern, PreliminaryAssessment, Suspension

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    assert Concern.objects.filter(intake_unit__code="kungsholmen-mottagning").count() == 3
    assert Concern.objects.filter(intake_unit__code="sodermalm-mottagning").count() == 1
    assert PreliminaryAssessment.objects.filter(decision="open").count() == 1
    assert Suspension.objects.filter(notice_unit__isnull=False).count() == 1


def test_seed_demo_records_a_consent_the_school_and_social_services_share(settings):
    from consent import policy
    from consent.models import Consent
    from portal.models import User

    settings.DEBUG = True
    call_command("seed_demo")
    consent = Consent.objects.get(categories__category="school_attendance")
    teacher = User.objects.get(username="larare_a")
    worker = User.objects.get(username="socsek_kungsholmen")
    assert policy.may_see(worker, consent.student, "school_attendance")
    assert policy.may_see(teacher, consent.student, "social_assessment")


def test_seed_demo_leaves_the_derived_rows_matching_their_source(settings):
    from cases import pupil_gender
    from referrals import facts, reach
    from referrals.models import DistrictReach

    settings.DEBUG = True
    call_command("seed_demo")
    assert DistrictReach.objects.exists()
    assert reach.drift() == {"missing": [], "extra": [], "flag": []}
    assert facts.drift() == {"missing": [], "extra": [], "wrong": []}
    assert pupil_gender.drift() == {"wrong": []}
