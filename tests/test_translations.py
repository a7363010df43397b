"""Swedish is the default language: every text has a Swedish translation, and
the compiled catalogue matches its source."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[1] / "locale"


@pytest.fixture(scope="module")
def swedish():
    return polib.pofile(str(LOCALE / "sv" / "LC_MESSAGES" / "django.po"))


def test_every_text_has_a_swedish_translation(swedish):
    missing = [e.msgid for e in swedish if not e.obsolete and not e.translated()]
    assert missing == []


def test_no_translation_is_a_fuzzy_guess(swedish):
    assert [e.msgid for e in swedish if "fuzzy" in e.flags] == []


def test_compiled_catalogue_matches_the_source(swedish):
    compiled = polib.mofile(str(LOCALE / "sv" / "LC_MESSAGES" / "django.mo"))
    source = {(e.msgctxt, e.msgid): e.msgstr for e in swedish if e.translated() and e.msgid}
    built = {(e.msgctxt, e.msgid): e.msgstr for e in compiled if e.msgid}
    assert built == source


def test_placeholders_survive_translation(swedish):
    import re

    pattern = re.compile(r"%\(\w+\)s|%s|%d")
    wrong = [
        e.msgid
        for e in swedish
        if e.msgstr and sorted(pattern.findall(e.msgid)) != sorted(pattern.findall(e.msgstr))
    ]
    assert wrong == []
