"""Each utredning carries its report's categories (referrals.investigation_categories),
taken when it is saved and rewritten when the report's categories change."""

import datetime
import importlib

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from referrals import investigation_categories, services
from referrals.models import CATEGORY_BITS, ConcernCategory, Investigation, PreliminaryAssessment

pytestmark = pytest.mark.django_db


def opened(world, concern) -> Investigation:
    services.preliminary_decision_record(
        concern=concern,
        by=world.social_kungsholmen,
        decision=PreliminaryAssessment.Decision.OPEN,
        reasoning="Utredning.",
    )
    return concern.investigations.get()


def test_an_utredning_opened_from_a_report_carries_its_categories(world, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a, categories=["violence_home", "other"])
    investigation = opened(world, concern)
    assert (
        investigation.concern_categories == CATEGORY_BITS["violence_home"] | CATEGORY_BITS["other"]
    )
    assert investigation_categories.drift() == {"wrong": []}


def test_an_utredning_without_a_report_carries_none(world):
    today = timezone.localdate()
    investigation = Investigation.objects.create(
        student=world.pupil_a,
        unit=world.investigation_kungsholmen,
        started_on=today,
        due_on=today + datetime.timedelta(days=120),
        opened_by=world.social_kungsholmen,
    )
    investigation.refresh_from_db()
    assert investigation.concern_categories == 0


def test_a_category_written_or_removed_later_is_copied_to_the_utredning(world, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a, categories=["criminality"])
    investigation = opened(world, concern)
    added = ConcernCategory.objects.create(concern=concern, category="substance_use")
    investigation.refresh_from_db()
    assert investigation.concern_categories == (
        CATEGORY_BITS["criminality"] | CATEGORY_BITS["substance_use"]
    )
    added.delete()
    investigation.refresh_from_db()
    assert investigation.concern_categories == CATEGORY_BITS["criminality"]


def test_a_copy_written_past_the_report_is_found_and_rebuilt(world, file_concern):
    concern = file_concern(world.teacher_a, world.pupil_a, categories=["criminality"])
    investigation = opened(world, concern)
    Investigation.objects.filter(pk=investigation.pk).update(concern_categories=0)
    assert investigation_categories.drift() == {"wrong": [f"utredning {investigation.pk}"]}
    with pytest.raises(CommandError, match="categories on their utredningar"):
        call_command("derived_rows", "--check")
    call_command("derived_rows", "--rebuild")
    investigation.refresh_from_db()
    assert investigation.concern_categories == CATEGORY_BITS["criminality"]
    assert investigation_categories.drift() == {"wrong": []}


def test_the_migration_fills_the_copies_from_the_reports_rows(world, file_concern):
    from django.apps import apps

    concern = file_concern(world.teacher_a, world.pupil_a, categories=["behaviour", "other"])
    investigation = opened(world, concern)
    Investigation.objects.update(concern_categories=0)
    migration = importlib.import_module("referrals.migrations.0019_investigation_report_categories")
    migration.fill(apps, None)
    investigation.refresh_from_db()
    assert investigation.concern_categories == CATEGORY_BITS["behaviour"] | CATEGORY_BITS["other"]
