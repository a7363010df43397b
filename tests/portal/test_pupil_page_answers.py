"""asked_once_per_page: a pupil page's sections share a check's answer while the
page is built, and nothing else ever sees a remembered answer."""

from types import SimpleNamespace

import pytest

from portal import pupil_page
from portal.pupil_page import PupilSection, asked_once_per_page


@pytest.fixture
def counted():
    calls = []

    @asked_once_per_page
    def may_see_thing(user, student, kind="a"):
        calls.append((user.pk, student.pk, kind))
        return True

    return may_see_thing, calls


@pytest.fixture
def only_section(monkeypatch):
    def install(section):
        monkeypatch.setattr(pupil_page, "_sections", {section.key: section})
        monkeypatch.setattr("portal.accesslog.note", lambda **kwargs: None)

    return install


def test_outside_a_page_every_call_asks(counted):
    check, calls = counted
    user, student = SimpleNamespace(pk=1), SimpleNamespace(pk=2)
    check(user, student)
    check(user, student)
    assert len(calls) == 2


def test_a_page_asks_once_per_question(counted, only_section):
    check, calls = counted
    user, student, other = SimpleNamespace(pk=1), SimpleNamespace(pk=2), SimpleNamespace(pk=3)

    def context(u, s):
        check(u, s)
        check(u, other)
        check(u, s, kind="b")
        return {}

    only_section(
        PupilSection("t", "T", "t.html", 1, visible=lambda u, s: check(u, s), context=context)
    )
    pupil_page.sections_for(user, student)
    assert calls == [(1, 2, "a"), (1, 3, "a"), (1, 2, "b")]
    # The next page (or request) asks again: nothing outlives the page.
    pupil_page.sections_for(user, student)
    check(user, student)
    assert len(calls) == 7


def test_a_condition_is_built_once_per_page_and_never_outside(only_section):
    from portal.pupil_page import built_once_per_page

    built = []

    @built_once_per_page
    def shared_with(user, category):
        built.append((user.pk, category))
        return object()

    user, other_user, student = SimpleNamespace(pk=1), SimpleNamespace(pk=9), SimpleNamespace(pk=2)
    seen = []

    def context(u, s):
        seen.extend([shared_with(u, "a"), shared_with(u, "a")])
        shared_with(u, "b")
        shared_with(other_user, "a")
        return {}

    only_section(PupilSection("t", "T", "t.html", 1, visible=lambda u, s: True, context=context))
    pupil_page.sections_for(user, student)
    assert seen[0] is seen[1]
    assert built == [(1, "a"), (1, "b"), (9, "a")]
    pupil_page.sections_for(user, student)
    assert shared_with(user, "a") is not shared_with(user, "a")
    assert len(built) == 8


def test_an_answer_given_while_the_page_is_built_is_not_asked_again(counted):
    check, calls = counted
    user, student = SimpleNamespace(pk=1), SimpleNamespace(pk=2)
    pupil_page.answered(check, user, student, False)  # no page: nothing recorded
    check(user, student)
    assert len(calls) == 1
    with pupil_page.building():
        pupil_page.answered(check, user, student, False)
        assert check(user, student) is False
        assert check(user, SimpleNamespace(pk=3)) is True  # another pupil is asked
        with pupil_page.building():  # sections_for inside the view's page
            assert check(user, student) is False
    assert len(calls) == 2
    assert check(user, student) is True
    assert len(calls) == 3


@pytest.mark.django_db
def test_the_pupil_page_asks_whether_the_pupil_is_visible_once(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = client_for(world.teacher_a)
    url = reverse("cases:student_detail", args=[world.pupil_a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    student_lookups = [
        q["sql"]
        for q in captured
        if q["sql"].startswith('SELECT 1 AS "a" FROM "cases_student"')
        or q["sql"].startswith('SELECT "cases_student"."id"')
    ]
    assert len(student_lookups) == 1, student_lookups
