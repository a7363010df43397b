"""The measures of kept counts, tested on a count's kind and detail in Python
(``portal.tallies._test``) as the database would test them on its rows."""

import pytest
from django.db.models import Q

from portal.tallies import _test


@pytest.mark.parametrize(
    ("condition", "kind", "detail", "expected"),
    [
        (None, "closed", "1:0", True),
        (Q(kind="closed"), "closed", "1:0", True),
        (Q(kind="closed"), "started", "1:0", False),
        (Q(detail__startswith="1:"), "closed", "1:0", True),
        (Q(detail__startswith="1:"), "closed", "0:1", False),
        (Q(detail__endswith=":1"), "closed", "0:1", True),
        (Q(detail__endswith=":1"), "closed", "1:0", False),
        (Q(detail__in=["a", "b"]), "x", "b", True),
        (Q(detail__in=["a", "b"]), "x", "c", False),
        (Q(kind="closed") & Q(detail__startswith="1:"), "closed", "1:0", True),
        (Q(kind="closed") & Q(detail__startswith="1:"), "started", "1:0", False),
        (Q(kind="closed") | Q(kind="started"), "started", "", True),
        (Q(kind="closed") | Q(kind="started"), "other", "", False),
        (~Q(detail__startswith="1:"), "closed", "0:0", True),
        (~Q(detail__startswith="1:"), "closed", "1:0", False),
        (Q(kind="closed") & ~(Q(detail="a") | Q(detail="b")), "closed", "c", True),
        (Q(kind="closed") & ~(Q(detail="a") | Q(detail="b")), "closed", "b", False),
    ],
)
def test_a_measure_passes_the_counts_its_condition_names(condition, kind, detail, expected):
    assert _test(condition)(kind, detail) is expected


@pytest.mark.parametrize(
    "condition", [Q(unit_id=3), Q(detail__contains="1"), Q(day__gte="2026-01-01")]
)
def test_a_measure_on_anything_else_is_refused(condition):
    with pytest.raises(ValueError, match="cannot test"):
        _test(condition)
