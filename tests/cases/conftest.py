"""Fixtures of the pupils' and cases' tests."""

import pytest

from cases.sip import services
from referrals import services as referral_services


@pytest.fixture
def opened(world, file_concern):
    """pupil_a has an open utredning in Kungsholmen: the SIP coordinator sees the pupil."""
    concern = file_concern(world.teacher_a, world.pupil_a)
    referral_services.preliminary_decision_record(
        concern=concern, by=world.social_kungsholmen, decision="open", reasoning="x"
    )
    return concern


@pytest.fixture
def plan(world, opened):
    return services.sip_start(by=world.sip_kungsholmen, student=world.pupil_a)
