"""The gettext catalogs: in step with the sources, complete, and with the same format fields."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot import i18n

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("update_catalogs", ROOT / "locales" / "update_catalogs.py")
assert _spec and _spec.loader
update_catalogs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(update_catalogs)

BRACES = re.compile(r"\{(\w*)\}")
PERCENT = re.compile(r"%\(\w+\)[sdr]|%[sdr]")


def _catalog(lang: str):
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "schuldhulpbot.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def test_catalogs_hold_exactly_the_messages_in_the_sources() -> None:
    in_sources = {m.id for m in update_catalogs.extract() if m.id}
    for lang in i18n.LANGUAGES:
        in_catalog = {m.id for m in _catalog(lang) if m.id}
        missing, stale = in_sources - in_catalog, in_catalog - in_sources
        assert not missing and not stale, (
            f"{lang}: run `python locales/update_catalogs.py`; missing {sorted(missing)[:5]}, "
            f"stale {sorted(stale)[:5]}"
        )


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_message_is_translated_with_the_same_format_fields(lang: str) -> None:
    for message in _catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{lang}: untranslated {message.id!r}"
        assert not message.fuzzy, f"{lang}: fuzzy {message.id!r}"
        for text in strings:
            for pattern in (BRACES, PERCENT):
                assert sorted(pattern.findall(ids[-1])) == sorted(pattern.findall(text)), (
                    f"{lang}: format fields differ in {message.id!r}"
                )


def test_dutch_is_the_default_and_english_the_second_catalog() -> None:
    assert i18n.gettext("Kies een wijkteam.") == "Kies een wijkteam."
    assert i18n.gettext("Kies een wijkteam.", "en") == "Choose a neighbourhood team."
    assert i18n.gettext("Kies een wijkteam.", "fr") == "Kies een wijkteam."  # unknown: Dutch


def test_dates_are_written_out_by_babel() -> None:
    from datetime import date

    assert i18n.format_date(date(2026, 12, 7)) == "maandag 7 december 2026"
    assert i18n.format_date(date(2026, 12, 7), "en") == "Monday, December 7, 2026"
    msgid = "Die datum ligt vóór de meldingsdatum ({datum}); kies die dag of een latere."
    text = i18n.Text(msgid, {"datum": date(2026, 12, 7)})
    assert (
        text.render("nl")
        == "Die datum ligt vóór de meldingsdatum (maandag 7 december 2026); kies die dag of een latere."
    )
    assert (
        text.render("en")
        == "That date is before the referral date (Monday, December 7, 2026); choose that day or a later one."
    )


def test_every_literal_msgid_in_the_code_reaches_the_catalog() -> None:
    """Babel's extractor can skip a call (a nested N_ inside t() once hid two messages); walk the
    syntax tree of every source file and check each literal msgid is extracted."""
    import ast

    positions = {"t": (1,), "label": (1,), "tn": (1, 2), "N_": (0,), "_": (0,)}
    extracted = {m.id for m in update_catalogs.extract() if m.id}
    singles = {i if isinstance(i, str) else i[0] for i in extracted} | {
        i[1] for i in extracted if isinstance(i, tuple)
    }
    found: list[tuple[str, int, str]] = []
    for source in update_catalogs.SOURCES:
        for path in (ROOT / source).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                for index in positions.get(node.func.id, ()):
                    if index < len(node.args):
                        arg = node.args[index]
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                            found.append((str(path.relative_to(ROOT)), node.lineno, arg.value))
    assert len(found) > 300  # the walk sees the code
    missing = [(f, line, msgid[:40]) for f, line, msgid in found if msgid not in singles]
    assert missing == []


# One word per thing: a *zaak* is anything a worker handles (a dossier or a vraag), a *dossier* is
# what a melding opens, a melding has a *categorie*; English keeps them apart as case/dossier.
WORDS = [
    (re.compile(r"\bdossiers?\b|\bdossiernummer", re.I), re.compile(r"\bdossiers?\b", re.I)),
    (re.compile(r"(?<!/)\bzaak\b|(?<!/)\bzaken\b", re.I), re.compile(r"\bcases?\b", re.I)),
    (re.compile(r"\bcategorie\b", re.I), re.compile(r"\bcategory\b", re.I)),
]
NOT_SAID = [r"\bSoort:", r"Welke soort\?", r"soort melding", r"van een zaak:", r"geef het op", r"\bop op\b"]


def _pairs(lang: str) -> list[tuple[str, str]]:
    pairs = []
    for m in _catalog(lang):
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        pairs += list(zip(ids, strings[: len(ids)], strict=False))
    return pairs


def test_one_word_for_each_thing() -> None:
    for dutch, english in _pairs("en"):
        dutch = BRACES.sub("", dutch)  # a field's name is no word of the text
        for nl_word, en_word in WORDS:
            if nl_word.search(dutch):
                assert en_word.search(english), (dutch[:80], english[:80])
        for phrase in NOT_SAID:
            assert not re.search(phrase, dutch), dutch[:80]
