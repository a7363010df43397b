import datetime
import random

import pytest
from django.core.exceptions import ValidationError

from cases import identity


@pytest.mark.parametrize(
    "raw",
    ["20170101-2393", "201701012393", "170101-2393", "1701012393", " 20170101-2393 "],
)
def test_normalize_accepts_the_usual_forms(raw):
    assert identity.normalize_personnummer(raw) == "201701012393"


def test_normalize_accepts_a_samordningsnummer():
    # Day 61 = the 1st plus 60.
    pnr = identity.fictional_personnummer(
        datetime.date(2015, 3, 1), female=True, rng=random.Random(1)
    )
    coordination = pnr[:6] + "61" + pnr[8:11]
    nine = coordination[2:11]
    coordination += str(identity._luhn_check_digit(nine))
    assert identity.normalize_personnummer(coordination) == coordination
    assert identity.is_coordination_number(coordination)
    assert identity.birth_date(coordination) == datetime.date(2015, 3, 1)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("20170101-2394", "invalid"),  # wrong check digit
        ("20171301-2393", "invalid"),  # no month 13
        ("20170230-2391", "invalid"),  # no 30 February
        ("abc", "format"),
        ("", "format"),
        ("2017-01-01", "invalid"),
        ("<script>", "format"),
    ],
)
def test_normalize_refuses_bad_numbers_with_a_reason(raw, code):
    with pytest.raises(ValidationError) as exc:
        identity.normalize_personnummer(raw)
    assert exc.value.code == code


def test_masked_and_display_forms():
    assert identity.masked("201701012393") == "20170101-XXXX"
    assert identity.display("201701012393") == "20170101-2393"


def test_fictional_numbers_are_valid_use_reserved_serials_and_carry_gender():
    rng = random.Random(3)
    for day in range(0, 400, 7):
        born = datetime.date(2010, 1, 1) + datetime.timedelta(days=day)
        for female in (True, False):
            pnr = identity.fictional_personnummer(born, female=female, rng=rng)
            assert identity.normalize_personnummer(pnr) == pnr
            assert int(pnr[8:11]) in identity.FICTIONAL_SERIALS
            assert (int(pnr[10]) % 2 == 0) == female
            assert identity.birth_date(pnr) == born


@pytest.mark.parametrize(
    ("text", "expected"),
    [("20170101-2393", True), ("1701012393", True), ("Anna", False), ("2017", False)],
)
def test_looks_like_personnummer(text, expected):
    assert identity.looks_like_personnummer(text) is expected
