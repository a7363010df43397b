"""Bounded lists: a page, whether there is a next one, and links that keep the search."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from portal import paging
from portal.models import Unit
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def request(query=""):
    return RequestFactory().get(f"/list/?{query}")


@pytest.fixture
def units(db):
    for n in range(7):
        UnitFactory(code=f"u{n}", name=f"Enhet {n}")
    return Unit.objects.filter(code__startswith="u").order_by("code")


def test_first_page_reads_one_row_more_to_know_there_is_a_next(units, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = paging.page_of(request("q=Enhet"), units, size=3)
    assert [u.code for u in page.rows] == ["u0", "u1", "u2"]
    assert page.has_next and not page.has_previous
    assert page.next_url == "?q=Enhet&page=2"


def test_with_related_the_keys_are_read_first_and_then_the_rows_in_their_order(
    units, django_assert_num_queries
):
    later = units.order_by("-code")
    with django_assert_num_queries(2) as captured:
        page = paging.page_of(request("page=2"), later, size=3, related=("district",))
    assert [u.code for u in page.rows] == ["u3", "u2", "u1"]
    assert page.has_next and page.has_previous
    keys, rows = (q["sql"] for q in captured.captured_queries)
    assert "JOIN" not in keys and "LIMIT 4 OFFSET 3" in keys
    assert "JOIN" in rows  # the related district with the rows, no query per row
    with django_assert_num_queries(0):
        [u.district for u in page.rows]


def test_with_parts_the_keys_are_the_union_of_the_parts_in_the_querysets_order(
    units, django_assert_num_queries
):
    # One unit is in both parts: it is listed once.
    parts = [
        Unit.objects.filter(code__in=["u0", "u1", "u2"]),
        Unit.objects.filter(code__in=["u2", "u3", "u5"]),
    ]
    either = units.filter(code__in=["u0", "u1", "u2", "u3", "u5"]).order_by("-name", "-id")
    pages = []
    for number in (1, 2, 3):
        with django_assert_num_queries(2) as captured:
            page = paging.page_of(
                request(f"page={number}"), either, size=2, related=("district",), parts=parts
            )
        assert "UNION" in captured.captured_queries[0]["sql"]
        pages.append(([u.code for u in page.rows], page.has_next))
    assert pages == [(["u5", "u3"], True), (["u2", "u1"], True), (["u0"], False)]


def test_a_row_deleted_between_the_keys_and_the_rows_is_left_out(units, monkeypatch):
    listed = list(units.values_list("pk", flat=True)[:4])
    units.get(code="u1").delete()  # after its key was read
    monkeypatch.setattr(paging, "_keys", lambda queryset, parts, window: listed[window])
    page = paging.page_of(request(), units, size=3, related=("district",))
    assert [u.code for u in page.rows] == ["u0", "u2", "u3"]


def test_last_page_has_no_next(units):
    page = paging.page_of(request("page=3&q=Enhet"), units, size=3)
    assert [u.code for u in page.rows] == ["u6"]
    assert not page.has_next and page.has_previous
    assert page.previous_url == "?q=Enhet&page=2"


@pytest.mark.parametrize("raw", ["0", "-1", "x", "1e3", "", "٣"])
def test_a_page_that_is_not_a_whole_number_from_one_is_the_first(units, raw):
    assert paging.page_of(request(f"page={raw}"), units, size=3).number == 1


def test_pages_stop_at_the_last_one_offered(units):
    for far in (paging.MAX_PAGE + 50, "9" * 5000):
        page = paging.page_of(request(f"page={far}"), units, size=3)
        assert page.number == paging.MAX_PAGE
        assert page.rows == []


def test_the_inbox_pages_its_reports(world, client_for, file_concern, monkeypatch):
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    for _n in range(3):
        file_concern(world.teacher_a, world.pupil_a)
    client = client_for(world.social_kungsholmen)
    first = client.get(reverse("referrals:inbox"))
    assert len(first.context["rows"]) == 2
    assert 'href="?page=2"' in first.content.decode()
    second = client.get(reverse("referrals:inbox"), {"page": 2})
    assert len(second.context["rows"]) == 1
    seen = {r["concern"].pk for r in first.context["rows"] + second.context["rows"]}
    assert len(seen) == 3
    assert 'rel="next"' not in second.content.decode()
