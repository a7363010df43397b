"""Skyddsbedömning, förhandsbedömning with its extension rules, and the utredning."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from portal import rules
from referrals import services
from referrals.models import (
    Investigation,
    PreliminaryAssessment,
    PreliminaryExtension,
    ProtectionAssessment,
)

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


def url(concern, action):
    return reverse(f"referrals:case_{action}", args=[concern.pk])


@pytest.fixture
def concern(world, file_concern):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=STHLM), tick=False):
        return file_concern(world.teacher_a, world.pupil_a)


@pytest.fixture
def violence_concern(world, file_concern):
    return file_concern(world.teacher_a, world.pupil_a, categories=["violence_home"])


# --- skyddsbedömning ---


def test_record_skyddsbedomning(world, client_for, csrf_post, concern):
    response = csrf_post(
        client_for(world.social_kungsholmen),
        url(concern, "protection"),
        {
            "immediate_protection_needed": "no",
            "reasoning": "Barnet är i skolan och tryggt.",
        },
    )
    assert response.status_code == 302
    assessment = ProtectionAssessment.objects.get()
    assert assessment.immediate_protection_needed is False
    assert assessment.assessed_by == world.social_kungsholmen


def test_immediate_protection_needs_measures(world, client_for, csrf_post, concern):
    response = csrf_post(
        client_for(world.social_kungsholmen),
        url(concern, "protection"),
        {
            "immediate_protection_needed": "yes",
            "reasoning": "Akut.",
        },
    )
    assert response.status_code == 400
    assert "measures" in response.context["protection_form"].errors
    assert not ProtectionAssessment.objects.exists()


def test_skyddsbedomning_is_recorded_once(world, client_for, csrf_post, concern):
    data = {"immediate_protection_needed": "no", "reasoning": "Ok."}
    client = client_for(world.social_kungsholmen)
    csrf_post(client, url(concern, "protection"), data)
    assert csrf_post(client, url(concern, "protection"), data).status_code == 400
    assert ProtectionAssessment.objects.count() == 1


# --- extension of the 14 days ---


def test_workload_is_not_a_reason_to_extend():
    codes = {code for code, _label in rules.EXTENSION_REASONS}
    assert "workload" not in codes
    assert not [label for _c, label in rules.EXTENSION_REASONS if "arbetsbelastning" in str(label)]


def test_extend_with_synnerliga_skal(world, client_for, csrf_post, concern):
    response = csrf_post(
        client_for(world.social_kungsholmen),
        url(concern, "extend"),
        {
            "reason": "police_interview",
            "explanation": "Förhör bokat 25 november.",
            "new_due_on": "2026-11-30",
        },
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.preliminary_due_on == datetime.date(2026, 11, 30)
    extension = PreliminaryExtension.objects.get()
    assert extension.previous_due_on == datetime.date(2026, 11, 16)


@pytest.mark.parametrize(
    "data",
    [
        {"reason": "workload", "explanation": "Hög belastning", "new_due_on": "2026-11-30"},
        {"reason": "police_interview", "explanation": "", "new_due_on": "2026-11-30"},
        {"reason": "police_interview", "explanation": "x", "new_due_on": "2026-11-10"},
        {"reason": "police_interview", "explanation": "x", "new_due_on": "2027-03-01"},
        {"reason": "police_interview", "explanation": "x", "new_due_on": "inte ett datum"},
    ],
    ids=["workload", "no-explanation", "earlier-date", "too-far", "bad-date"],
)
def test_bad_extensions_are_refused_and_nothing_changes(
    world, client_for, csrf_post, concern, data
):
    response = csrf_post(client_for(world.social_kungsholmen), url(concern, "extend"), data)
    assert response.status_code == 400
    concern.refresh_from_db()
    assert concern.preliminary_due_on == datetime.date(2026, 11, 16)
    assert not PreliminaryExtension.objects.exists()


# --- the decision ---


def test_open_decision_opens_an_utredning_with_a_four_month_deadline(
    world, client_for, csrf_post, concern
):
    with time_machine.travel(datetime.datetime(2026, 11, 10, 14, 0, tzinfo=STHLM), tick=False):
        response = csrf_post(
            client_for(world.social_kungsholmen),
            url(concern, "decide"),
            {
                "decision": "open",
                "reasoning": "Behov av utredning.",
            },
        )
    assert response.status_code == 302
    investigation = Investigation.objects.get()
    assert investigation.started_on == datetime.date(2026, 11, 10)
    assert investigation.due_on == datetime.date(2027, 3, 10)
    assert investigation.unit == world.investigation_kungsholmen
    assert investigation.concern == concern


def test_not_open_despite_violence_needs_a_reason(world, client_for, csrf_post, violence_concern):
    response = csrf_post(
        client_for(world.social_kungsholmen),
        url(violence_concern, "decide"),
        {
            "decision": "not_open",
            "reasoning": "Bedöms inte nödvändigt.",
        },
    )
    assert response.status_code == 400
    assert "violence_override_reason" in response.context["decision_form"].errors
    assert not PreliminaryAssessment.objects.exists()


def test_not_open_despite_violence_with_a_reason_is_flagged(
    world, client_for, csrf_post, violence_concern
):
    response = csrf_post(
        client_for(world.social_kungsholmen),
        url(violence_concern, "decide"),
        {
            "decision": "not_open",
            "reasoning": "Redan utrett.",
            "violence_override_reason": "Polisen har lagt ned, familjen har flyttat utomlands.",
        },
    )
    assert response.status_code == 302
    decision = PreliminaryAssessment.objects.get()
    assert decision.flagged_to_manager is True
    assert not Investigation.objects.exists()


def test_not_open_without_violence_is_not_flagged(world, concern):
    decision = services.preliminary_decision_record(
        concern=concern,
        by=world.social_kungsholmen,
        decision="not_open",
        reasoning="Ok.",
        violence_override_reason="ignored",
    )
    assert decision.flagged_to_manager is False
    assert decision.violence_override_reason == ""


def test_ongoing_needs_an_open_utredning(world, client_for, csrf_post, concern, file_concern):
    response = csrf_post(
        client_for(world.social_kungsholmen),
        url(concern, "decide"),
        {
            "decision": "ongoing",
            "reasoning": "Pågår.",
        },
    )
    assert response.status_code == 400
    assert not PreliminaryAssessment.objects.exists()


def test_ongoing_when_an_utredning_is_open(world, concern, file_concern):
    services.preliminary_decision_record(
        concern=concern, by=world.social_kungsholmen, decision="open", reasoning="Utreds."
    )
    second = file_concern(world.teacher_a, world.pupil_a)
    decision = services.preliminary_decision_record(
        concern=second, by=world.social_kungsholmen, decision="ongoing", reasoning="Pågår."
    )
    assert decision.decision == "ongoing"
    assert Investigation.objects.count() == 1


def test_a_decision_is_made_once(world, client_for, csrf_post, concern):
    client = client_for(world.social_kungsholmen)
    data = {"decision": "not_open", "reasoning": "Ok."}
    csrf_post(client, url(concern, "decide"), data)
    assert (
        csrf_post(
            client, url(concern, "decide"), {"decision": "open", "reasoning": "x"}
        ).status_code
        == 400
    )
    assert PreliminaryAssessment.objects.get().decision == "not_open"


def test_extension_after_the_decision_is_refused(world, concern):
    from django.core.exceptions import ValidationError

    services.preliminary_decision_record(
        concern=concern, by=world.social_kungsholmen, decision="not_open", reasoning="Ok."
    )
    with pytest.raises(ValidationError):
        services.preliminary_extension_record(
            concern=concern,
            by=world.social_kungsholmen,
            reason="police_interview",
            explanation="x",
            new_due_on=datetime.date(2026, 11, 30),
        )


# --- the utredning ---


@pytest.fixture
def investigation(world, concern):
    with time_machine.travel(datetime.datetime(2026, 11, 10, 14, 0, tzinfo=STHLM), tick=False):
        services.preliminary_decision_record(
            concern=concern, by=world.social_kungsholmen, decision="open", reasoning="Utreds."
        )
    return Investigation.objects.get()


def test_extend_an_utredning_with_a_reason_and_new_date(
    world, client_for, csrf_post, investigation
):
    target = reverse("referrals:investigation_extend", args=[investigation.pk])
    response = csrf_post(
        client_for(world.social_kungsholmen),
        target,
        {
            "reason": "Väntar på BUP:s utlåtande.",
            "new_due_on": "2027-04-10",
        },
    )
    assert response.status_code == 302
    investigation.refresh_from_db()
    assert investigation.due_on == datetime.date(2027, 4, 10)
    assert investigation.extensions.get().previous_due_on == datetime.date(2027, 3, 10)


def test_extend_an_utredning_needs_a_later_date(world, client_for, csrf_post, investigation):
    target = reverse("referrals:investigation_extend", args=[investigation.pk])
    response = csrf_post(
        client_for(world.social_kungsholmen),
        target,
        {
            "reason": "x",
            "new_due_on": "2027-03-01",
        },
    )
    assert response.status_code == 400
    investigation.refresh_from_db()
    assert investigation.due_on == datetime.date(2027, 3, 10)


def test_close_an_utredning_with_an_outcome(world, client_for, csrf_post, investigation):
    target = reverse("referrals:investigation_close", args=[investigation.pk])
    with time_machine.travel(datetime.datetime(2027, 2, 1, 10, 0, tzinfo=STHLM), tick=False):
        response = csrf_post(
            client_for(world.social_kungsholmen),
            target,
            {
                "outcome": "intervention",
                "notes": "Familjebehandling beviljad.",
            },
        )
    assert response.status_code == 302
    investigation.refresh_from_db()
    assert investigation.closed_on == datetime.date(2027, 2, 1)
    assert investigation.outcome == "intervention"


def test_wrong_district_cannot_touch_the_utredning(world, client_for, csrf_post, investigation):
    for name in ("investigation_extend", "investigation_close"):
        target = reverse(f"referrals:{name}", args=[investigation.pk])
        response = csrf_post(
            client_for(world.social_sodermalm),
            target,
            {
                "reason": "x",
                "new_due_on": "2027-05-01",
                "outcome": "intervention",
            },
        )
        assert response.status_code == 404
    investigation.refresh_from_db()
    assert investigation.closed_on is None
    assert investigation.due_on == datetime.date(2027, 3, 10)
