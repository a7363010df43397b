"""Fixtures for the dashboard's tests: pupils, reports filed by their school and
the social worker's actions, each at a given moment."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from referrals import services
from tests.factories import StudentFactory

STHLM = ZoneInfo("Europe/Stockholm")


def d(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


@pytest.fixture
def people(world):
    """Pupils living in Kungsholmen: girls, boys and one of other gender, at school A."""

    def make(gender, school=None, home=None):
        return StudentFactory(
            gender=gender,
            school_unit=school or world.school_a,
            home_district=home or world.kungsholmen,
        )

    return make


@pytest.fixture
def report(world, file_concern):
    """A concern filed in the portal by a teacher of the pupil's school, at ``when``."""
    teachers = {world.school_a.pk: world.teacher_a, world.school_b.pk: world.teacher_b}

    def make(student, when, **fields):
        with time_machine.travel(when, tick=False):
            return file_concern(teachers[student.school_unit_id], student, **fields)

    return make


@pytest.fixture
def social(world):
    """The Kungsholmen social worker's actions, each at a given moment."""

    class Social:
        def assess(self, concern, when):
            with time_machine.travel(when, tick=False):
                services.protection_assessment_record(
                    concern=concern,
                    by=world.social_kungsholmen,
                    immediate_protection_needed=False,
                    reasoning="Ingen akut fara.",
                )

        def decide(self, concern, when, decision="open", override="", by=None):
            with time_machine.travel(when, tick=False):
                return services.preliminary_decision_record(
                    concern=concern,
                    by=by or world.social_kungsholmen,
                    decision=decision,
                    reasoning="Bedömning gjord.",
                    violence_override_reason=override,
                )

        def extend(self, concern, when, new_due_on):
            with time_machine.travel(when, tick=False):
                services.preliminary_extension_record(
                    concern=concern,
                    by=world.social_kungsholmen,
                    reason="police_interview",
                    explanation="Väntar på polisförhör med barnet.",
                    new_due_on=d(new_due_on),
                )

        def open_investigation(self, concern, when):
            """Decide to open an utredning; returns it."""
            self.decide(concern, when)
            return concern.investigations.get()

        def extend_investigation(self, investigation, when, new_due_on):
            with time_machine.travel(when, tick=False):
                services.investigation_extend(
                    investigation=investigation,
                    by=world.social_kungsholmen,
                    reason="Väntar på BUP:s utlåtande.",
                    new_due_on=d(new_due_on),
                )

        def close_investigation(self, investigation, day):
            services.investigation_close(
                investigation=investigation,
                by=world.social_kungsholmen,
                outcome="no_intervention",
                closed_on=d(day),
            )

        def register(self, student, when, channel="phone"):
            with time_machine.travel(when, tick=False):
                return services.concern_register_received(
                    registered_by=world.social_kungsholmen,
                    student=student,
                    channel=channel,
                    received_at=when,
                    reporter_name="Anna Polis",
                    reporter_organisation="Polisen",
                    reporter_contact="114 14",
                    reporter_is_professional=True,
                    categories=["criminality"],
                    worry="Eleven har setts med äldre kriminella.",
                    relation="Polis",
                )

    return Social()
