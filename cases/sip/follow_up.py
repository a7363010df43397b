"""A SIP carries its current version's next follow-up (``SipPlan.follow_up_on``).

The managers' dashboard counts the active SIPs whose follow-up is overdue. Read
from the versions, that looks up each plan's highest version: for the city,
15,000 index probes in one count. The copy makes it a column of the plan.

The copy is written whenever a version is saved or deleted (``post_save`` and
``post_delete`` of ``SipVersion``, in the transaction of that save): it is the
date of the version with the highest number, whatever order versions arrive in.
``bulk_create`` sends no signal: the city-scale generator writes the copy
itself, and ``manage.py derived_rows`` checks and rebuilds it. What the SIP
page and the reminders show is still read from the versions themselves.

The copy is bookkeeping, not a decision: the change history does not log it.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.signals import post_delete, post_save

from cases.models import SipPlan, SipVersion


def _current_follow_up():
    """The next follow-up of the plan's version with the highest number."""
    current = SipVersion.objects.filter(plan=OuterRef("pk")).order_by("-number")
    return Subquery(current.values("next_follow_up_on")[:1])


def _version_changed(sender, instance: SipVersion, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    SipPlan.objects.filter(pk=instance.plan_id).update(follow_up_on=_current_follow_up())


def keep() -> None:
    post_save.connect(_version_changed, sender=SipVersion, dispatch_uid="cases.sip.follow_up")
    post_delete.connect(
        _version_changed, sender=SipVersion, dispatch_uid="cases.sip.follow_up.delete"
    )


def _differs() -> Q:
    """A plan whose copy differs from its current version (a NULL on one side only
    differs too)."""
    return (
        Q(follow_up_on__isnull=True, current__isnull=False)
        | Q(follow_up_on__isnull=False, current__isnull=True)
        | (Q(follow_up_on__isnull=False, current__isnull=False) & ~Q(follow_up_on=F("current")))
    )


def drift() -> dict[str, list[str]]:
    """Plans whose copied follow-up differs from their current version's."""
    wrong = SipPlan.objects.annotate(current=_current_follow_up()).filter(_differs())
    return {"wrong": [f"SIP {pk}" for pk in wrong.values_list("pk", flat=True)]}


@transaction.atomic
def rebuild() -> int:
    """Write every copy again from the versions; returns the number of plans."""
    return SipPlan.objects.update(follow_up_on=_current_follow_up())
