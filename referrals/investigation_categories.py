"""An utredning carries its report's categories (``Investigation.concern_categories``,
one bit each as in ``referrals.models.CATEGORY_BITS``; 0 for one opened without a
report).

The managers' dashboard narrows the utredningar to a chosen category. Read from
the report's categories, that joins each counted utredning with the reports and
their categories: for a year of the city, 100,000 utredningar and the city's
categories hashed, some 250 ms. With the copy in the utredningar's covering
indexes the filter is a bit test within the index.

The copy is taken from the report's dashboard row (``ConcernFact.categories``,
kept by ``referrals.facts`` in the transaction of every write to the report's
categories). A report's categories are written once, when it is sent, before any
utredning can be opened from it. The copy is taken whenever an utredning is saved
(``pre_save``) and rewritten on the report's utredningar if its categories are
ever written or removed one by one (``post_save`` and ``post_delete`` of
``ConcernCategory``, after ``referrals.facts`` has rewritten the report's row:
its handlers are connected first). ``bulk_create`` sends no signal: the city-scale generator
writes the copy itself, and ``manage.py derived_rows`` checks and rebuilds it.

The copy is bookkeeping, not a decision: the change history does not log it.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan
from django.db.models.signals import post_delete, post_save, pre_save

from referrals.models import CATEGORY_BITS, ConcernCategory, ConcernFact, Investigation

FIELD = "concern_categories"


def bits(codes) -> int:
    """The categories ``codes`` as one number, a bit each."""
    return sum(CATEGORY_BITS[code] for code in set(codes))


def naming(code: str, path: str = "") -> Q:
    """Utredningar whose report names the category ``code`` (``path``: the way to
    the utredning, e.g. ``"investigation__"``)."""
    return Q(GreaterThan(F(f"{path}{FIELD}").bitand(CATEGORY_BITS[code]), 0))


def _of_report():
    """The report's categories as one number, for an utredning (0 without a report)."""
    row = ConcernFact.objects.filter(pk=OuterRef("concern_id")).values("categories")
    return Coalesce(Subquery(row), Value(0))


def _investigation_saving(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and FIELD not in update_fields):
        return
    categories = None
    if instance.concern_id:
        row = ConcernFact.objects.filter(pk=instance.concern_id)
        categories = row.values_list("categories", flat=True).first()
    setattr(instance, FIELD, categories or 0)


def _category_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    Investigation.objects.filter(concern_id=instance.concern_id).update(**{FIELD: _of_report()})


def keep() -> None:
    pre_save.connect(
        _investigation_saving, sender=Investigation, dispatch_uid="referrals.categories.copy"
    )
    post_save.connect(
        _category_changed, sender=ConcernCategory, dispatch_uid="referrals.categories.saved"
    )
    post_delete.connect(
        _category_changed, sender=ConcernCategory, dispatch_uid="referrals.categories.deleted"
    )


def drift() -> dict[str, list[str]]:
    """Utredningar whose copy differs from their report's categories."""
    wrong = Investigation.objects.annotate(want=_of_report()).exclude(**{FIELD: F("want")})
    return {"wrong": [f"utredning {pk}" for pk in wrong.values_list("pk", flat=True)]}


@transaction.atomic
def rebuild() -> int:
    """Write every copy again from the reports' categories; returns the utredningar."""
    return Investigation.objects.update(**{FIELD: _of_report()})
