"""Minutes without personal data: the check behind the minutes form.

A forum's minutes are read by every member organisation, the police included,
and are kept outside any pupil's case and its secrecy. So they are about the
area (places, times, patterns), never about a person. Two things are looked for:

- a personnummer-like pattern: YYMMDD or YYYYMMDD, an optional separator and four
  digits, whose date part could be a birth date (a samordningsnummer's day plus
  60 included). The check digit is not required: a mistyped number is still a
  person's number;
- the name of a pupil of the district (a pupil of a school located in it, or
  living in it), first name and last name together in either order. First names
  alone are not looked for: they are everyday words ("Saga", "Leo", "Ella") and
  would refuse ordinary text without protecting anyone more.

The portal imports no domain app: the app that holds the pupils registers
``register_pupil_name_source`` (cases does, in its ``AppConfig.ready()``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable

#: digits only at the edges, so a longer number (an account, a case number) is not cut
_PERSONNUMMER_LIKE = re.compile(
    r"(?<![\d])(?P<century>\d{2})?(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})\s?[-+]?\s?\d{4}(?![\d])"
)
_WORD = re.compile(r"\w+(?:[-']\w+)*")

#: (district id, lower-cased words of the text) -> [(pupil id, first name, last name)]
PupilNameSource = Callable[[int, set[str]], Iterable[tuple[int, str, str]]]
_name_sources: list[PupilNameSource] = []


def register_pupil_name_source(source: PupilNameSource) -> PupilNameSource:
    if source not in _name_sources:
        _name_sources.append(source)
    return source


def _plausible_date(match: re.Match) -> bool:
    century = match.group("century")
    year = int((century or "20") + match.group("yy"))
    month, day = int(match.group("mm")), int(match.group("dd"))
    if day > 60:
        day -= 60  # samordningsnummer
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def personnummer_like(text: str) -> bool:
    return any(_plausible_date(m) for m in _PERSONNUMMER_LIKE.finditer(text or ""))


def _name_pattern(first: str, last: str) -> re.Pattern:
    first_, last_ = re.escape(first.strip()), re.escape(last.strip())
    return re.compile(rf"(?<!\w)(?:{first_}\s+{last_}|{last_},?\s+{first_})(?!\w)", re.IGNORECASE)


def pupils_named(text: str, district_id: int) -> list[int]:
    """Ids of the district's pupils whose full name appears in ``text``."""
    words = {w.lower() for w in _WORD.findall(text or "")}
    if not words:
        return []
    found = []
    for source in _name_sources:
        for pk, first, last in source(district_id, words):
            if first.strip() and last.strip() and _name_pattern(first, last).search(text):
                found.append(pk)
    return found
