"""The pupil page is built from sections that each app contributes.

A section has a title, a template, a visibility rule and a selector for its
context. The page shows a section only when its rule says the viewer may see
it, so adding a capability touches one app, not the kernel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


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
    for section in sorted(_sections.values(), key=lambda s: s.order):
        if section.visible(user, student):
            shown.append((section, section.context(user, student)))
    # The access log records which kinds of record the page showed.
    note(students=[student], kinds=[section.key for section, _context in shown])
    return shown
