"""The sharing policy, for each category and each direction: visible while a
consent covers it, invisible the instant it is withdrawn or expires."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from cases.selectors import students_visible_to
from consent import policy, services
from consent.models import ConsentUserObjectPermission
from portal import rules

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")

#: (category, reader, the reader's unit, the owning unit) for every direction.
DIRECTIONS = [
    ("school_attendance", "social_kungsholmen", "intake_kungsholmen", "school_a"),
    ("student_health", "social_kungsholmen", "intake_kungsholmen", "school_a"),
    ("social_assessment", "teacher_a", "school_a", "intake_kungsholmen"),
    ("social_interventions", "teacher_a", "school_a", "intake_kungsholmen"),
    ("sip_plan", "teacher_a", "school_a", "intake_kungsholmen"),
    ("sip_plan", "social_kungsholmen", "intake_kungsholmen", "school_a"),
    ("health_care", "teacher_a", "school_a", "intake_kungsholmen"),
    ("health_care", "social_kungsholmen", "intake_kungsholmen", "school_a"),
]
IDS = [f"{c}-to-{r}" for c, r, _u, _o in DIRECTIONS]


def test_every_category_has_a_direction_under_test():
    assert {c for c, *_ in DIRECTIONS} == {code for code, _l in rules.CONSENT_CATEGORIES}


@pytest.fixture
def setup(world, record_consent):
    def make(category, reader, reader_unit, owner_unit, recorder=None):
        reader = getattr(world, reader)
        parties = [getattr(world, reader_unit), getattr(world, owner_unit)]
        recorder = recorder or world.principal_a
        consent = record_consent(recorder, world.pupil_a, parties, [category])
        return reader, consent

    return make


@pytest.mark.parametrize(("category", "reader", "unit", "owner"), DIRECTIONS, ids=IDS)
def test_nothing_crosses_without_consent(world, category, reader, unit, owner):
    assert not policy.may_see(getattr(world, reader), world.pupil_a, category)


@pytest.mark.parametrize(("category", "reader", "unit", "owner"), DIRECTIONS, ids=IDS)
def test_visible_while_covered_gone_at_once_when_withdrawn(
    world, setup, category, reader, unit, owner
):
    reader, consent = setup(category, reader, unit, owner)
    assert policy.may_see(reader, world.pupil_a, category)
    assert world.pupil_a in students_visible_to(reader)
    services.consent_withdraw(consent=consent, by=world.principal_a)
    # The same user object, the same request: no cached answer survives.
    assert not policy.may_see(reader, world.pupil_a, category)
    shared = policy.students_shared_with(reader, category)
    assert not type(world.pupil_a).objects.filter(shared).exists()


@pytest.mark.parametrize(("category", "reader", "unit", "owner"), DIRECTIONS, ids=IDS)
def test_gone_when_the_consent_expires(world, setup, category, reader, unit, owner):
    reader, consent = setup(category, reader, unit, owner)
    last_day = datetime.datetime.combine(consent.valid_to, datetime.time(23, 59), tzinfo=STHLM)
    with time_machine.travel(last_day, tick=False):
        assert policy.may_see(reader, world.pupil_a, category)
    with time_machine.travel(last_day + datetime.timedelta(minutes=2), tick=False):
        assert not policy.may_see(reader, world.pupil_a, category)
        if reader == world.social_kungsholmen:  # the teacher sees her own pupil anyway
            assert world.pupil_a not in students_visible_to(reader)


@pytest.mark.parametrize(("category", "reader", "unit", "owner"), DIRECTIONS, ids=IDS)
def test_gone_when_the_category_alone_is_withdrawn(world, setup, category, reader, unit, owner):
    reader, consent = setup(category, reader, unit, owner)
    services.consent_withdraw(
        consent=consent, by=world.principal_a, category=consent.categories.get()
    )
    assert not policy.may_see(reader, world.pupil_a, category)


@pytest.mark.parametrize(("category", "reader", "unit", "owner"), DIRECTIONS, ids=IDS)
def test_gone_when_the_readers_party_is_withdrawn(world, setup, category, reader, unit, owner):
    reader, consent = setup(category, reader, unit, owner)
    party = consent.parties.get(unit=getattr(world, unit))
    services.consent_withdraw(consent=consent, by=world.principal_a, party=party)
    assert not policy.may_see(reader, world.pupil_a, category)


def test_one_giver_withdrawing_ends_the_whole_consent(world, setup):
    reader, consent = setup(
        "school_attendance", "social_kungsholmen", "intake_kungsholmen", "school_a"
    )
    giver = consent.givers.first()
    services.consent_withdraw(consent=consent, by=world.principal_a, giver=giver)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert giver.name in consent.withdrawal_note
    assert not policy.may_see(reader, world.pupil_a, "school_attendance")


def test_a_consent_covers_only_its_categories(world, setup):
    reader, _consent = setup(
        "school_attendance", "social_kungsholmen", "intake_kungsholmen", "school_a"
    )
    assert policy.may_see(reader, world.pupil_a, "school_attendance")
    assert not policy.may_see(reader, world.pupil_a, "student_health")


def test_a_consent_covers_only_its_parties(world, setup):
    setup("school_attendance", "social_kungsholmen", "intake_kungsholmen", "school_a")
    assert not policy.may_see(world.social_sodermalm, world.pupil_a, "school_attendance")


def test_a_consent_covers_only_its_pupil(world, setup):
    reader, _consent = setup(
        "school_attendance", "social_kungsholmen", "intake_kungsholmen", "school_a"
    )
    assert not policy.may_see(reader, world.pupil_a_lives_sodermalm, "school_attendance")


def test_own_side_information_is_not_a_boundary_question(world):
    assert policy.may_see(world.teacher_a, world.pupil_a, "school_attendance")
    assert policy.may_see(world.social_kungsholmen, world.pupil_a, "social_assessment")


@pytest.mark.parametrize("persona", ["manager_kungsholmen", "admin", "log_reviewer", "nobody"])
def test_roles_without_cases_never_see(world, setup, persona):
    setup("school_attendance", "social_kungsholmen", "intake_kungsholmen", "school_a")
    assert not policy.may_see(getattr(world, persona), world.pupil_a, "school_attendance")


def test_a_consent_not_yet_valid_opens_nothing(world, record_consent):
    today = timezone.localdate()
    record_consent(
        world.principal_a,
        world.pupil_a,
        [world.school_a, world.intake_kungsholmen],
        ["school_attendance"],
        valid_from=today + datetime.timedelta(days=3),
        valid_to=today + datetime.timedelta(days=30),
    )
    assert not policy.may_see(world.social_kungsholmen, world.pupil_a, "school_attendance")


# --- named people: django-guardian grants on the consent ---


def test_grants_for_named_people_are_revoked_with_the_withdrawal(world, record_consent):
    from tests.factories import MembershipFactory, UnitFactory, UserFactory

    family = UnitFactory(code="ft", kind="family_treatment", district=world.kungsholmen)
    therapist = UserFactory(username="familjebehandlare")
    MembershipFactory(user=therapist, unit=family, role="social_worker")
    consent = record_consent(
        world.principal_a,
        world.pupil_a,
        [world.school_a, world.intake_kungsholmen],
        ["school_attendance"],
        people=[therapist],
    )
    assert therapist.has_perm("consent.view_consent", consent)
    assert world.pupil_a in students_visible_to(therapist)
    assert policy.may_see(therapist, world.pupil_a, "school_attendance")
    services.consent_withdraw(consent=consent, by=world.principal_a)
    assert not ConsentUserObjectPermission.objects.filter(content_object=consent).exists()
    assert world.pupil_a not in students_visible_to(therapist)


def test_a_named_persons_access_ends_at_expiry_before_any_clean_up(world, record_consent):
    from tests.factories import MembershipFactory, UnitFactory, UserFactory

    family = UnitFactory(code="ft", kind="family_treatment", district=world.kungsholmen)
    therapist = UserFactory(username="familjebehandlare")
    MembershipFactory(user=therapist, unit=family, role="social_worker")
    consent = record_consent(
        world.principal_a,
        world.pupil_a,
        [world.school_a, world.intake_kungsholmen],
        ["school_attendance"],
        people=[therapist],
    )
    after = datetime.datetime.combine(
        consent.valid_to + datetime.timedelta(days=1), datetime.time(8), tzinfo=STHLM
    )
    with time_machine.travel(after, tick=False):
        assert ConsentUserObjectPermission.objects.filter(content_object=consent).exists()
        assert not policy.may_see(therapist, world.pupil_a, "school_attendance")
        assert world.pupil_a not in students_visible_to(therapist)
        assert services.consent_expired_grants_revoke() == 1
    assert not ConsentUserObjectPermission.objects.exists()


# --- override (break-glass) ---


def test_override_opens_for_a_limited_time(world):
    override = services.override_open(
        by=world.principal_a,
        student=world.pupil_a,
        legal_ground="crime_against_child",
        reason="Polisen behöver uppgifter i dag om misstänkt misshandel.",
    )
    assert override.expires_at - override.created_at == datetime.timedelta(hours=24)
    assert policy.may_see(world.principal_a, world.pupil_a, "social_assessment")
    with time_machine.travel(override.expires_at + datetime.timedelta(seconds=1), tick=False):
        assert not policy.may_see(world.principal_a, world.pupil_a, "social_assessment")


def test_override_needs_a_ground_and_a_reason(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.override_open(
            by=world.principal_a,
            student=world.pupil_a,
            legal_ground="because",
            reason="Behövs snabbt för eleven.",
        )
    with pytest.raises(ValidationError):
        services.override_open(
            by=world.principal_a, student=world.pupil_a, legal_ground="danger_to_life", reason=""
        )


@pytest.mark.parametrize("persona", ["teacher_a", "health_a", "sip_kungsholmen"])
def test_override_is_for_social_workers_and_principals(world, persona):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.override_open(
            by=getattr(world, persona),
            student=world.pupil_a,
            legal_ground="danger_to_life",
            reason="Akut fara för eleven.",
        )


def test_override_only_for_a_pupil_one_already_sees(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.override_open(
            by=world.principal_b,
            student=world.pupil_a,
            legal_ground="danger_to_life",
            reason="Akut fara för eleven.",
        )


# --- the legal paths are named ---


def test_paths_the_law_opens_are_marked_with_their_ground():
    import referrals.selectors  # noqa: F401 - registers the paths

    assert policy.LEGAL_PATHS["referrals.selectors.feedback_status"] == rules.LEGAL_GROUND_FEEDBACK
    assert (
        policy.LEGAL_PATHS["referrals.selectors.concerns_for_social"]
        == rules.LEGAL_GROUND_CONCERN_REPORT
    )
    assert (
        policy.LEGAL_PATHS["referrals.selectors.suspension_notices_for"]
        == rules.LEGAL_GROUND_SUSPENSION_NOTICE
    )


def test_the_report_and_feedback_cross_without_consent(world, file_concern):
    from referrals import selectors

    concern = file_concern(world.teacher_a, world.pupil_a)
    assert concern in selectors.concerns_for_social(world.social_kungsholmen)
    assert selectors.feedback_status(concern).status == "received"


def test_a_user_on_both_sides_needs_consent_for_pupils_not_their_own(world):
    """A principal at school A who is also a social worker in Södermalm does not
    see school B's information about a Södermalm child without consent."""
    from referrals.selectors import suspensions_visible_to
    from referrals.services import suspension_record
    from tests.factories import MembershipFactory

    MembershipFactory(user=world.principal_a, unit=world.intake_sodermalm, role="social_worker")
    suspension_record(
        by=world.principal_b,
        student=world.pupil_b,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        reason="x",
        pupil_and_guardians_heard=True,
    )
    assert not policy.may_see(world.principal_a, world.pupil_b, "school_attendance")
    assert policy.may_see(world.principal_a, world.pupil_a, "school_attendance")
    assert not suspensions_visible_to(world.principal_a).filter(student=world.pupil_b).exists()
    # The child lives in Södermalm: social information is this user's own there.
    assert policy.may_see(world.principal_a, world.pupil_b, "social_assessment")
    assert not policy.may_see(world.principal_a, world.pupil_a, "social_assessment")


def test_one_pupils_answer_is_the_lists_rule_asked_for_that_pupil(world, record_consent):
    """``shared_with`` reads every category a consent covers for one pupil in one
    query; it must answer as ``students_shared_with`` does, category by category."""
    consent = record_consent(
        world.principal_a,
        world.pupil_a,
        [world.intake_kungsholmen, world.school_a],
        ["school_attendance", "student_health"],
    )
    services.consent_withdraw(
        consent=consent,
        by=world.principal_a,
        category=consent.categories.get(category="student_health"),
    )
    record_consent(
        world.principal_b,
        world.pupil_b,
        [world.intake_kungsholmen, world.school_b],
        ["student_health"],
    )
    reader = world.social_kungsholmen
    answers = {}
    for pupil in (world.pupil_a, world.pupil_b, world.pupil_a_lives_sodermalm):
        for category, _label in rules.CONSENT_CATEGORIES:
            by_list = pupil in type(pupil).objects.filter(
                policy.students_shared_with(reader, category)
            )
            assert policy.shared_with(reader, pupil, category) == by_list, (pupil, category)
            answers[(pupil.pk, category)] = by_list
    assert answers[(world.pupil_a.pk, "school_attendance")]
    assert not answers[(world.pupil_a.pk, "student_health")]
    assert answers[(world.pupil_b.pk, "student_health")]
    assert sum(answers.values()) == 2
