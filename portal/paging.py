"""Bounded lists: one page of rows and whether a next one exists, without COUNT(*).

A list that may grow with the city (a district's inbox, a school's reports, a
pupil search) shows ``PAGE_SIZE`` rows a page and reads one row more to know
whether to offer the next page. Pages stop at ``MAX_PAGE``: a deep offset makes
the database walk every row before it, and no one pages that far; a search
narrows the list instead.
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE_SIZE = 50
MAX_PAGE = 100


@dataclass(frozen=True)
class Page:
    rows: list
    number: int
    has_next: bool
    #: The request's other query parameters, to keep in the pager's links.
    query: str = ""

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def _url(self, number: int) -> str:
        return f"?{self.query}&page={number}" if self.query else f"?page={number}"

    @property
    def previous_url(self) -> str:
        return self._url(self.number - 1)

    @property
    def next_url(self) -> str:
        return self._url(self.number + 1)


def page_number(request) -> int:
    """The ``page`` asked for: a whole number from 1 to ``MAX_PAGE``, else 1."""
    raw = request.GET.get("page", "1")
    if not (raw.isascii() and raw.isdigit()):
        return 1
    if len(raw) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(max(1, int(raw)), MAX_PAGE)


def page_of(
    request,
    queryset,
    size: int | None = None,
    *,
    related: tuple[str, ...] = (),
    parts: list | None = None,
) -> Page:
    """The requested page of ``queryset`` (already ordered).

    With ``related``, the page's keys are read first, by the queryset's own filter
    and order without any join, and then those rows with the ``related`` objects:
    the database sorts the visible rows alone instead of joining every one of them
    before keeping fifty. (The rows are read again by key only: annotations of
    ``queryset`` are not carried over.)

    With ``parts`` (querysets whose union is ``queryset``, e.g. one per
    side of an OR), the keys are read as the union of the parts in the queryset's
    order: each part is read on its own index, where "a OR b" in that order walks
    the whole table's order index testing each row."""
    size = size or PAGE_SIZE
    number = page_number(request)
    offset = (number - 1) * size
    if related or parts:
        keys = _keys(queryset, parts, slice(offset, offset + size + 1))
        by_key = queryset.model._default_manager.select_related(*related).in_bulk(keys)
        # A row deleted between the two reads is left out.
        rows = [by_key[key] for key in keys if key in by_key]
    else:
        rows = list(queryset[offset : offset + size + 1])
    others = request.GET.copy()
    others.pop("page", None)
    return Page(rows[:size], number, len(rows) > size, others.urlencode())


def _keys(queryset, parts: list | None, window: slice) -> list:
    """The primary keys of ``queryset`` in its order, the ``window`` of them."""
    if not parts or len(parts) < 2:
        return list(queryset.values_list("pk", flat=True)[window])
    pk = queryset.model._meta.pk.attname
    order = []  # (descending, field name), "pk" named as the key's own column
    for item in queryset.query.order_by:
        name = item.lstrip("-")
        order.append((item.startswith("-"), pk if name == "pk" else name))
    names = [pk, *(name for _descending, name in order if name != pk)]
    first, *rest = (part.order_by().values_list(*names) for part in parts)
    union = first.union(*rest).order_by(*(f"-{n}" if desc else n for desc, n in order))
    return [row[0] for row in union[window]]
