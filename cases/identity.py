"""Swedish personal identity numbers (personnummer and samordningsnummer).

Stored as 12 digits (YYYYMMDDNNNN); shown masked (YYYYMMDD-XXXX) unless the
viewer asks for the full number; searched by exact match only.
"""

from __future__ import annotations

import datetime
import random
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from personnummer import personnummer as _pnr

_ALLOWED = re.compile(r"^[0-9+\- ]{10,15}$")


def normalize_personnummer(value: str) -> str:
    """Return the 12-digit form of a personnummer or samordningsnummer.

    Raises ValidationError with a message for the user when the number is not a
    real date or its check digit is wrong.
    """
    raw = (value or "").strip()
    if not _ALLOWED.match(raw):
        raise ValidationError(
            _("Enter the personal identity number as YYYYMMDD-NNNN."), code="format"
        )
    try:
        parsed = _pnr.Personnummer(raw)
    except _pnr.PersonnummerException:
        raise ValidationError(
            _(
                "This is not a valid personal identity number: "
                "check the date and the last four digits."
            ),
            code="invalid",
        ) from None
    return parsed.format(True)


def validate_personnummer(value: str) -> None:
    if normalize_personnummer(value) != value:
        raise ValidationError(_("Store the personal identity number as 12 digits."), code="form")


def birth_date(pnr12: str) -> datetime.date:
    """The birth date, also for a samordningsnummer (day + 60)."""
    day = int(pnr12[6:8])
    if day > 60:
        day -= 60
    return datetime.date(int(pnr12[0:4]), int(pnr12[4:6]), day)


def is_coordination_number(pnr12: str) -> bool:
    return int(pnr12[6:8]) > 60


def display(pnr12: str) -> str:
    return f"{pnr12[:8]}-{pnr12[8:]}"


def masked(pnr12: str) -> str:
    return f"{pnr12[:8]}-XXXX"


def looks_like_personnummer(text: str) -> bool:
    """True when a search text is meant as an identity number (digits, dash)."""
    return bool(_ALLOWED.match((text or "").strip())) and sum(c.isdigit() for c in text) >= 10


def _luhn_check_digit(nine_digits: str) -> int:
    total = 0
    for i, ch in enumerate(nine_digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return (10 - total % 10) % 10


#: Serial numbers (födelsenummer) used for generated identities. Together with
#: birth dates and check digits they give syntactically valid numbers that the
#: demo and the city-scale generator use; see README "Demo identities".
FICTIONAL_SERIALS = range(980, 1000)


def fictional_personnummer(born: datetime.date, *, female: bool, rng: random.Random) -> str:
    """A valid-form personnummer for generated data, drawn from FICTIONAL_SERIALS."""
    serials = [s for s in FICTIONAL_SERIALS if (s % 2 == 0) == female]
    serial = rng.choice(serials)
    nine = born.strftime("%y%m%d") + f"{serial:03d}"
    return born.strftime("%Y%m%d") + f"{serial:03d}" + str(_luhn_check_digit(nine))
