"""The manager's worklist: counts of what needs follow-up in their own scope."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from portal.access import compute_scope
from portal.worklist import worklist_for
from referrals import services

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


def counts(user):
    return {item["key"]: item["count"] for item in worklist_for(compute_scope(user))}


def test_not_opened_despite_violence_is_flagged_to_the_districts_manager(world, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a, categories=["violence_home"])
    services.preliminary_decision_record(
        concern=concern,
        by=world.social_kungsholmen,
        decision="not_open",
        reasoning="x",
        violence_override_reason="Utrett av polisen, inget brott.",
    )
    assert counts(world.manager_kungsholmen)["not_opened_violence"] == 1
    assert counts(world.manager_sodermalm)["not_opened_violence"] == 0


def test_overdue_deadlines_are_counted_per_district(world, file_concern):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=STHLM), tick=False):
        file_concern(world.teacher_a, world.pupil_a)
        file_concern(world.teacher_a, world.pupil_a_lives_sodermalm)
    with time_machine.travel(datetime.datetime(2026, 11, 17, 9, 0, tzinfo=STHLM), tick=False):
        kungsholmen = counts(world.manager_kungsholmen)
        sodermalm = counts(world.manager_sodermalm)
    assert kungsholmen["protection_overdue"] == 1
    assert kungsholmen["preliminary_overdue"] == 1
    assert sodermalm["preliminary_overdue"] == 1


def test_a_city_manager_counts_the_whole_city(world, file_concern):
    from tests.factories import MembershipFactory, UserFactory

    city_manager = UserFactory(username="stadschef")
    MembershipFactory(user=city_manager, unit=world.city, role="manager")
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=STHLM), tick=False):
        file_concern(world.teacher_a, world.pupil_a)
        file_concern(world.teacher_a, world.pupil_a_lives_sodermalm)
    with time_machine.travel(datetime.datetime(2026, 11, 17, 9, 0, tzinfo=STHLM), tick=False):
        assert counts(city_manager)["preliminary_overdue"] == 2


def test_only_managers_get_a_worklist(world):
    assert worklist_for(compute_scope(world.social_kungsholmen)) == []
    assert worklist_for(compute_scope(world.teacher_a)) == []


def test_the_worklist_on_the_managers_home_names_no_pupil(world, client_for, file_concern):
    file_concern(world.teacher_a, world.pupil_a)
    body = client_for(world.manager_kungsholmen).get(reverse("home")).content.decode()
    assert "Att följa upp" in body
    assert world.pupil_a.last_name not in body
    assert world.pupil_a.personnummer_masked not in body
