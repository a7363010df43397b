"""Each consent party carries copies of its consent's pupil, first and last day
and withdrawal (``ConsentParty.consent_student_id``, ``consent_valid_from``,
``consent_valid_to``, ``consent_withdrawn_at``).

A unit named on a consent sees who the pupil is while the consent runs
(``policy.students_named_in_consents``). A unit is named on years of consents:
joined with their consents, the unit's parties were read in full and every
consent of the city scanned for the few thousand still running. With the copies,
the unit's running consents and their pupils are one range of one index.

The copies are written with the party (``ConsentParty.save`` and the consent
service) and rewritten on all of a consent's parties, in the same transaction,
by every save of the consent: a withdrawal hides the pupil at once. What a
consent lets a party *read* (a category) is still decided from the consent and
its categories themselves (``policy.consents_covering``). ``manage.py
derived_rows`` checks and rebuilds the copies.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.signals import post_save

from consent.models import PARTY_COPIES, Consent, ConsentParty, party_copies


def _consent_saved(sender, instance: Consent, created: bool, raw: bool = False, **kwargs):
    if created or raw:
        return  # a new consent's parties are written with its copies
    # Every party, whatever changed: a consent is saved when recorded and withdrawn,
    # and has a few parties.
    ConsentParty.objects.filter(consent=instance).update(**party_copies(instance))


def keep() -> None:
    post_save.connect(_consent_saved, sender=Consent, dispatch_uid="consent.party_copy")


def _differs() -> Q:
    """A party whose copies differ from its consent. Two withdrawals compare only
    when both are there; one without the other differs too."""
    both = Q(consent_withdrawn_at__isnull=False, consent__withdrawn_at__isnull=False)
    parts = [
        ~Q(**{field: F(f"consent__{source}")})
        for field, source in PARTY_COPIES.items()
        if field != "consent_withdrawn_at"
    ]
    parts += [
        both & ~Q(consent_withdrawn_at=F("consent__withdrawn_at")),
        Q(consent_withdrawn_at__isnull=True, consent__withdrawn_at__isnull=False),
        Q(consent_withdrawn_at__isnull=False, consent__withdrawn_at__isnull=True),
    ]
    return reduce(or_, parts)


def drift() -> dict[str, list[str]]:
    """Parties whose copies differ from their consent."""
    wrong = ConsentParty.objects.filter(_differs())
    return {"wrong": [f"consent party {pk}" for pk in wrong.values_list("pk", flat=True)]}


@transaction.atomic
def rebuild() -> int:
    """Write every copy again from the consents; returns the number of rows."""
    consent = Consent.objects.filter(pk=OuterRef("consent_id"))
    return ConsentParty.objects.update(
        **{field: Subquery(consent.values(source)[:1]) for field, source in PARTY_COPIES.items()}
    )
