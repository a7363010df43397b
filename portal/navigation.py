"""The main navigation: each app registers its entries with the roles that see them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from portal.access import Scope


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any
    url_name: str
    order: int
    visible: Callable[[Scope], bool]


_items: dict[str, NavItem] = {}


def register_nav(item: NavItem) -> NavItem:
    _items[item.key] = item
    return item


def nav_for(user_scope: Scope, current_path: str) -> list[dict]:
    entries = []
    for item in sorted(_items.values(), key=lambda i: i.order):
        if not item.visible(user_scope):
            continue
        url = reverse(item.url_name)
        current = current_path == url or (url != "/" and current_path.startswith(url))
        entries.append({"key": item.key, "label": item.label, "url": url, "current": current})
    return entries
