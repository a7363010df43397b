"""The pupil page is built from sections that each app contributes.

A section has a title, a template, a visibility rule and a selector for its
context. The page shows a section only when its rule says the viewer may see
it, so adding a capability touches one app, not the kernel.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any

#: While one pupil page is built: the answers of read-only checks asked so far.
_page_answers: ContextVar[dict | None] = ContextVar("pupil_page_answers", default=None)


def _question(check: Callable, user, student, args: tuple, kwargs: dict) -> tuple:
    """The key of one check's answer while a page is built."""
    return (check, user.pk, student.pk, args, tuple(sorted(kwargs.items())))


def asked_once_per_page(check: Callable) -> Callable:
    """For a read-only check ``check(user, student, ...)``: while one pupil page is
    being built, its sections share one answer (a section's visibility rule and its
    context often ask the same question). Outside that, every call asks the
    database: services and other pages never see a remembered answer. The page is
    one read at one moment, so within it the answer cannot change."""

    @wraps(check)
    def asked(user, student, *args, **kwargs):
        answers = _page_answers.get()
        if answers is None:
            return check(user, student, *args, **kwargs)
        key = _question(check, user, student, args, kwargs)
        if key not in answers:
            answers[key] = check(user, student, *args, **kwargs)
        return answers[key]

    return asked


def answered(check: Callable, user, student, answer) -> None:
    """Record ``answer`` as what ``check(user, student)`` (an ``asked_once_per_page``
    check) gives while this page is built: for a selector that has just asked the
    same question another way. Outside a page build it does nothing."""
    answers = _page_answers.get()
    if answers is not None:
        answers[_question(check.__wrapped__, user, student, (), {})] = answer


@contextmanager
def building():
    """One pupil page being built: the checks asked within share their answers
    (``sections_for`` opens one when the view has not)."""
    if _page_answers.get() is not None:
        yield
        return
    token = _page_answers.set({})
    try:
        yield
    finally:
        _page_answers.reset(token)


def built_once_per_page(build: Callable) -> Callable:
    """For a function ``build(user, *args)`` that builds a query condition from the
    user's rights at this moment (not from the pupil): while one pupil page is being
    built, its sections share one condition, the same moment for all of them.
    Outside that, every call builds its own."""

    @wraps(build)
    def built(user, *args, **kwargs):
        answers = _page_answers.get()
        if answers is None or kwargs:
            return build(user, *args, **kwargs)
        key = (build, user.pk, args)
        if key not in answers:
            answers[key] = build(user, *args)
        return answers[key]

    return built


@dataclass(frozen=True)
class PupilSection:
    key: str
    title: Any
    template: str
    order: int
    visible: Callable[[Any, Any], bool]
    context: Callable[[Any, Any], dict]


_sections: dict[str, PupilSection] = {}


def register_section(section: PupilSection) -> PupilSection:
    _sections[section.key] = section
    return section


def sections_for(user, student) -> list[tuple[PupilSection, dict]]:
    """The sections ``user`` may see on ``student``'s page, in order, with context."""
    from portal.accesslog import note

    shown = []
    with building():
        for section in sorted(_sections.values(), key=lambda s: s.order):
            if section.visible(user, student):
                shown.append((section, section.context(user, student)))
    # The access log records which kinds of record the page showed.
    note(students=[student], kinds=[section.key for section, _context in shown])
    return shown
