"""The log reviewer's flags on constructed histories (rules in portal/rules.py)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal import rules
from portal.audit import flags
from portal.audit_models import AccessLog, AccessLogSubject
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 3, 12)


def local(hour, minute=0, second=0, day=DAY):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute, second)))


START, END = local(0), local(0, day=DAY + datetime.timedelta(days=1))


def read(user, at, students=(), *, kind="view", basis="school", action="pupil.view"):
    row = AccessLog.objects.create(
        at=at, user=user, username=user.username, action=action, kind=kind
    )
    AccessLogSubject.objects.bulk_create(
        [AccessLogSubject(log=row, student_id=s.pk, at=at, basis=basis) for s in students]
    )
    return row


@pytest.fixture
def pupils(world):
    return StudentFactory.create_batch(rules.AUDIT_FLAG_MANY_PUPILS + 1, school_unit=world.school_a)


# --- many pupils in a short time -------------------------------------------------------------


def test_more_than_the_limit_within_the_window_is_flagged(world, pupils):
    for i, pupil in enumerate(pupils):  # 21 pupils, 20 seconds apart: within 7 minutes
        read(world.teacher_a, local(10, 0, 0) + datetime.timedelta(seconds=20 * i), [pupil])
    (burst,) = flags.many_pupils(START, END)[0]
    assert (burst.username, burst.count) == ("larare_a", rules.AUDIT_FLAG_MANY_PUPILS + 1)
    assert burst.start == local(10)


def test_exactly_the_limit_is_not_flagged(world, pupils):
    for i, pupil in enumerate(pupils[: rules.AUDIT_FLAG_MANY_PUPILS]):
        read(world.teacher_a, local(10) + datetime.timedelta(seconds=20 * i), [pupil])
    assert flags.many_pupils(START, END)[0] == []


def test_the_same_pupils_spread_over_more_than_the_window_are_not_flagged(world, pupils):
    window = datetime.timedelta(minutes=rules.AUDIT_FLAG_MANY_PUPILS_MINUTES)
    step = window / rules.AUDIT_FLAG_MANY_PUPILS + datetime.timedelta(seconds=1)
    for i, pupil in enumerate(pupils):
        read(world.teacher_a, local(10) + step * i, [pupil])
    assert flags.many_pupils(START, END)[0] == []


def test_reading_one_pupil_again_and_again_is_not_many_pupils(world, pupils):
    for i in range(50):
        read(world.teacher_a, local(10) + datetime.timedelta(seconds=5 * i), [pupils[0]])
    assert flags.many_pupils(START, END)[0] == []


def test_a_list_of_many_pupils_is_not_opening_them(world, pupils):
    read(world.teacher_a, local(10), pupils, kind="list", basis="", action="pupil.search")
    assert flags.many_pupils(START, END)[0] == []


def test_two_people_are_counted_apart(world, pupils):
    half = len(pupils) // 2
    for i, pupil in enumerate(pupils[:half]):
        read(world.teacher_a, local(10) + datetime.timedelta(seconds=i), [pupil])
    for i, pupil in enumerate(pupils[half:]):
        read(world.principal_a, local(10) + datetime.timedelta(seconds=i), [pupil])
    assert flags.many_pupils(START, END)[0] == []


# --- at night ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "flagged"),
    [
        (local(21, 59, 59), False),
        (local(22, 0), True),
        (local(3, 30), True),
        (local(5, 59, 59), True),
        (local(6, 0), False),
    ],
)
def test_night_is_from_22_to_06_stockholm_time(world, at, flagged):
    read(world.social_kungsholmen, at, [world.pupil_a], basis="district")
    assert bool(flags.at_night(START, END)[0]) is flagged


def test_a_night_time_log_review_is_not_flagged(world):
    read(world.log_reviewer, local(23), kind="review", action="audit.search")
    assert flags.at_night(START, END)[0] == []


def test_night_follows_summer_time(world):
    summer = datetime.date(2025, 7, 1)
    read(world.teacher_a, local(22, 30, day=summer), [world.pupil_a])  # 20:30 UTC
    read(world.teacher_a, local(21, 30, day=summer), [world.pupil_a])  # 19:30 UTC
    rows, _more = flags.at_night(local(0, day=summer), local(23, 59, day=summer))
    assert [timezone.localtime(r.at).hour for r in rows] == [22]


# --- outside own cases, and access without consent -------------------------------------------


@pytest.mark.parametrize(
    ("basis", "flagged"),
    [
        ("school", False),
        ("district", False),
        ("placement", False),
        ("consent", True),
        ("grant", True),
        ("override", True),
        ("other", True),
    ],
)
def test_reads_outside_own_school_or_district_are_flagged(world, basis, flagged):
    read(world.social_kungsholmen, local(10), [world.pupil_b], basis=basis)
    rows, _more = flags.outside_own_cases(START, END)
    assert bool(rows) is flagged


def test_a_list_is_never_outside_own_cases(world):
    read(world.teacher_a, local(10), [world.pupil_b], kind="list", basis="")
    assert flags.outside_own_cases(START, END)[0] == []


def test_every_override_is_flagged(world):
    read(world.principal_a, local(10), [world.pupil_a], kind="override", action="override.open")
    read(world.principal_a, local(11), [world.pupil_a])
    rows, _more = flags.break_glass(START, END)
    assert [r.action for r in rows] == ["override.open"]


def test_flags_outside_the_period_are_not_shown(world):
    read(world.teacher_a, local(23, day=DAY - datetime.timedelta(days=1)), [world.pupil_a])
    assert flags.at_night(START, END)[0] == []


# --- the page ---------------------------------------------------------------------------------


def test_the_flags_page_shows_each_flag_and_is_logged(world, client_for):
    read(world.social_kungsholmen, local(23), [world.pupil_b], basis="consent")
    read(world.principal_a, local(10), [world.pupil_a], kind="override", action="override.open")
    response = client_for(world.log_reviewer).get(
        reverse("audit:flags"), {"date_from": DAY.isoformat(), "date_to": DAY.isoformat()}
    )
    found = {f.key: len(f.rows) for f in response.context["flags"]}
    assert found == {"outside": 1, "override": 1, "many": 0, "night": 1}
    page = response.content.decode()
    assert world.pupil_b.last_name in page and world.pupil_a.last_name in page
    review = AccessLog.objects.get(action="audit.flags")
    assert review.query == f"date_from={DAY} date_to={DAY}"


def test_the_flags_page_looks_at_a_bounded_period(world, client_for):
    response = client_for(world.log_reviewer).get(
        reverse("audit:flags"), {"date_from": "2020-01-01", "date_to": DAY.isoformat()}
    )
    span = response.context["date_to"] - response.context["date_from"]
    assert span == datetime.timedelta(days=rules.AUDIT_REVIEW_MAX_DAYS - 1)
