"""The manager's worklist: counts of what needs follow-up in their scope.

Each app registers items; an item counts rows for a manager's scope and never
returns anything that names a pupil. These are exact, unsuppressed counts for
follow-up in the manager's own unit (the dashboard's tables are the statistics);
an item may link to where the rows are handled, for those allowed to go there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from portal.access import Scope


@dataclass(frozen=True)
class WorklistItem:
    key: str
    label: Any
    order: int
    count: Callable[[Scope], int]
    #: Shown when the count is not zero.
    urgent: bool = False
    #: Where the rows are handled, and who may follow the link there.
    url_name: str = ""
    link_visible: Callable[[Scope], bool] | None = None
    #: For a personal item (a principal's or a social worker's own to-do): who gets
    #: it. Personal items count what the person handles; None is a manager's item.
    audience: Callable[[Scope], bool] | None = None


_items: dict[str, WorklistItem] = {}


def register_worklist_item(item: WorklistItem) -> WorklistItem:
    _items[item.key] = item
    return item


def _entry(item: WorklistItem, user_scope: Scope) -> dict:
    return {
        "key": item.key,
        "label": item.label,
        "count": item.count(user_scope),
        "urgent": item.urgent,
        "url": reverse(item.url_name)
        if item.url_name and item.link_visible and item.link_visible(user_scope)
        else "",
    }


def worklist_for(user_scope: Scope) -> list[dict]:
    if not user_scope.is_manager:
        return []
    return [
        _entry(item, user_scope)
        for item in sorted(_items.values(), key=lambda i: i.order)
        if item.audience is None
    ]


def todo_for(user_scope: Scope) -> list[dict]:
    """The person's own items (not a manager's counts), those with something to do."""
    entries = [
        _entry(item, user_scope)
        for item in sorted(_items.values(), key=lambda i: i.order)
        if item.audience is not None and item.audience(user_scope)
    ]
    return [e for e in entries if e["count"]]
