"""Each consent party carries a copy of its consent's last day,
``ConsentParty.consent_valid_to``.

Which pupils a unit sees through consents (``policy.students_named_in_consents``)
starts from the unit's parties. A unit has a party on every consent that ever
named it, years of them; the copy lets the unit's parties on consents not yet
ended be read from one index instead of every party joined with its consent.
The copy only narrows the search: whether a consent is active (started, not
ended, not withdrawn) is still read off the consent itself, so a wrong copy
could hide a consent but never show one.

The copy is written with the party, and rewritten on the consent's parties in
the transaction of any save that changes the consent's last day.
``manage.py derived_rows`` checks and rebuilds it.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.signals import post_save

from consent.models import Consent, ConsentParty


def _consent_saved(sender, instance: Consent, created: bool, raw: bool = False, **kwargs):
    if created or raw:
        return  # a new consent's parties are written with its last day
    ConsentParty.objects.filter(consent=instance).exclude(
        consent_valid_to=instance.valid_to
    ).update(consent_valid_to=instance.valid_to)


def keep() -> None:
    post_save.connect(_consent_saved, sender=Consent, dispatch_uid="consent.party_ends")


def drift() -> dict[str, list[str]]:
    """Parties whose copy differs from their consent's last day."""
    wrong = ConsentParty.objects.exclude(consent_valid_to=F("consent__valid_to"))
    return {"wrong": [f"consent party {pk}" for pk in wrong.values_list("pk", flat=True)]}


@transaction.atomic
def rebuild() -> int:
    """Write every copy again from the consents; returns the number of rows."""
    valid_to = Subquery(Consent.objects.filter(pk=OuterRef("consent_id")).values("valid_to")[:1])
    return ConsentParty.objects.update(consent_valid_to=valid_to)
