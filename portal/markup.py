"""HTML written in Python, for the pages that draw many elements.

The dashboard draws 18 charts and 18 tables: thousands of coordinates and cells.
Drawn by the template engine they cost tens of milliseconds a page, its cost per
variable times their number. They are written in Python instead, as *pieces*: a
template of the code's own (``{}`` fields only) and the values that fill it in.
``fill`` joins the pieces and fills them in at once, escaping every value that is
not already safe markup exactly as ``format_html`` does: a label from the data or
a translation can never become markup. Numbers are written as ``str`` writes
them, with a decimal point whatever the language, and need no escaping; the page
has thousands of them, and Django's lazy-aware ``conditional_escape`` would cost
more than the rest of the drawing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from django.utils.safestring import SafeData, SafeString

NOTHING = SafeString("")

#: A template with ``{}`` fields, and a value for each.
Piece = tuple[str, tuple]


def fill(pieces: Iterable[Piece]) -> SafeString:
    """The pieces in order, each template filled in with its values, escaped.

    Templates are the code's own constants: a value never goes into a template, only
    into its fields, so a ``{`` in a label is just a character."""
    templates: list[str] = []
    values: list = []
    for template, piece_values in pieces:
        templates.append(template)
        values.extend(piece_values)
    if not templates:
        return NOTHING
    # Safe: the templates are the code's constants and every value is escaped.
    return SafeString("".join(templates).format(*map(_escaped, values)))  # nosec B703


#: Whether a text has a character that escaping changes.
_SPECIAL = re.compile("[&<>\"']").search


def _escaped(value) -> str:
    """``value`` as ``format_html`` would put it in: safe markup as it is, anything
    else escaped (``django.utils.html.escape`` is ``html.escape`` of its text). Most
    values are plain numbers and figures already written out ("12", "<5" aside): a
    text without a character to escape is used as it is."""
    kind = type(value)
    if kind is str:
        return html.escape(value) if _SPECIAL(value) else value
    if kind is int or kind is float:
        return str(value)
    if isinstance(value, SafeData):
        return value
    return html.escape(str(value))
