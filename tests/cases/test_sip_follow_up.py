"""A SIP carries its current version's next follow-up (cases.sip.follow_up): written
with every version, checked and rebuilt by derived_rows, filled by its migration,
left out of the change history; the dashboard's overdue count reads it."""

import datetime
import importlib

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from cases.models import SipPlan, SipVersion
from cases.sip import follow_up
from tests.cases.test_sip import write

pytestmark = pytest.mark.django_db


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def copied(plan) -> datetime.date | None:
    return SipPlan.objects.values_list("follow_up_on", flat=True).get(pk=plan.pk)


def version(plan, world, number, on):
    return SipVersion.objects.create(
        plan=plan,
        number=number,
        needs="Trygg skolgång.",
        lead_unit=world.investigation_kungsholmen,
        lead_person="Maria Dahl",
        follow_up_how="Möte med alla parter.",
        next_follow_up_on=on,
        created_by=world.sip_kungsholmen,
    )


def test_a_plan_without_a_version_has_no_follow_up(plan):
    assert copied(plan) is None
    assert follow_up.drift() == {"wrong": []}


def test_each_saved_version_sets_the_plans_follow_up(world, plan):
    write(plan, world.sip_kungsholmen, world, next_follow_up_on=day(30))
    assert copied(plan) == day(30)
    write(plan, world.sip_kungsholmen, world, next_follow_up_on=day(10))
    assert copied(plan) == day(10)
    assert follow_up.drift() == {"wrong": []}


def test_the_highest_number_decides_whatever_order_versions_arrive_in(world, plan):
    version(plan, world, 2, day(40))
    version(plan, world, 1, day(5))
    assert copied(plan) == day(40)


def test_deleting_the_current_version_falls_back_to_the_one_before(world, plan):
    version(plan, world, 1, day(5))
    version(plan, world, 2, day(40)).delete()
    assert copied(plan) == day(5)


def test_the_change_history_leaves_the_copy_out(world, plan):
    plan.refresh_from_db()
    plan.follow_up_on = day(77)
    plan.escalation_reason = "Samordningen räcker inte."
    plan.save()
    changes = [e.changes_dict for e in LogEntry.objects.get_for_object(plan)]
    assert any("escalation_reason" in change for change in changes)
    assert not any("follow_up_on" in change for change in changes)


def test_drift_names_a_copy_written_past_the_versions_and_rebuild_mends_it(world, plan):
    write(plan, world.sip_kungsholmen, world, next_follow_up_on=day(30))
    SipPlan.objects.filter(pk=plan.pk).update(follow_up_on=day(99))
    assert follow_up.drift() == {"wrong": [f"SIP {plan.pk}"]}
    with pytest.raises(CommandError, match=r"SIPs' next follow-up \(wrong: 1\)"):
        call_command("derived_rows", "--check")
    call_command("derived_rows", "--rebuild")
    assert copied(plan) == day(30)
    assert follow_up.drift() == {"wrong": []}


def test_drift_names_a_missing_copy_and_a_copy_without_a_version(world, plan):
    write(plan, world.sip_kungsholmen, world, next_follow_up_on=day(30))
    SipPlan.objects.filter(pk=plan.pk).update(follow_up_on=None)
    assert follow_up.drift() == {"wrong": [f"SIP {plan.pk}"]}
    follow_up.rebuild()
    other = SipPlan.objects.create(
        student=plan.student,
        convenor=world.sip_kungsholmen,
        convenor_unit=world.investigation_kungsholmen,
    )
    SipPlan.objects.filter(pk=other.pk).update(follow_up_on=day(1))
    assert follow_up.drift() == {"wrong": [f"SIP {other.pk}"]}


def test_the_migration_fills_the_plans_already_there(world, plan):
    write(plan, world.sip_kungsholmen, world, next_follow_up_on=day(30))
    write(plan, world.sip_kungsholmen, world, next_follow_up_on=day(20))
    SipPlan.objects.update(follow_up_on=None)
    with connection.cursor() as cursor:
        for sql in importlib.import_module("cases.migrations.0009_sip_follow_up_copy").FILL:
            cursor.execute(sql)
    assert copied(plan) == day(20)
