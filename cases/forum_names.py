"""The pupils' names the forum minutes check looks for (portal.forums.minutes):
pupils of the district's schools and pupils living in the district."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Lower

from cases.models import Student


def pupil_names_in_district(district_id: int, words: set[str]):
    """(id, first name, last name) of the district's pupils whose first or last name
    is one of ``words``: the candidates; the check confirms the full name."""
    words = sorted(words)[:5000]
    return (
        Student.objects.filter(
            Q(school_unit__district_id=district_id) | Q(home_district_id=district_id)
        )
        .annotate(first_lower=Lower("first_name"), last_lower=Lower("last_name"))
        .filter(Q(last_lower__in=words) | Q(first_lower__in=words))
        .values_list("pk", "first_name", "last_name")
        .order_by()
    )
