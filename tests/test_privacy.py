"""Free-text screening: personal data is refused, ordinary case language passes."""

from __future__ import annotations

import pytest

from bot.errors import DomainError
from bot.privacy import Finding, PrivacyRefused, ensure_clean, screen

F = Finding


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("BSN 111222333", F.BSN),
        ("bsn is 1112.22.333 volgens de brief", F.BSN),
        ("rekening NL91ABNA0417164300", F.IBAN),
        ("iban nl91 abna 0417 1643 00", F.IBAN),
        ("bel haar op 06-12345678", F.TELEFOON),
        ("+31 6 1234 5678", F.TELEFOON),
        ("0031612345678", F.TELEFOON),
        ("vast nummer 0412-123456", F.TELEFOON),
        ("010 123 4567", F.TELEFOON),
        ("mail naar jan.jansen@example.nl", F.EMAIL),
        ("klantnummer 12345678", F.CIJFERREEKS),
        ("dossier 4 5 6 7 8 9 1 2", F.CIJFERREEKS),
    ],
)
def test_personal_data_is_found(text: str, finding: Finding) -> None:
    assert finding in screen(text).findings


@pytest.mark.parametrize(
    "text",
    [
        "Huurachterstand van 3 maanden, € 2.450,00 in totaal.",
        "Dreigende afsluiting energie per 3-12-2026.",
        "Zie zaak SH-2026-0042 en VR-2026-0007.",
        "Inwoner (45) met 2 kinderen, sinds 2024 zonder werk.",
        "Gesprek gepland op 2026-12-09 om 10:30.",
        "Zorgverzekering opgezegd, premie 156 euro per maand.",
    ],
)
def test_ordinary_case_language_passes(text: str) -> None:
    assert screen(text).ok, screen(text).findings


def test_invalid_bsn_is_still_a_long_digit_run() -> None:
    assert screen("nummer 123456789").findings == (F.CIJFERREEKS,)


def test_refusal_explains_in_dutch_without_echoing_the_text() -> None:
    with pytest.raises(PrivacyRefused) as err:
        ensure_clean("bsn 111222333")
    assert isinstance(err.value, DomainError)
    message = err.value.render("nl")
    assert "een BSN" in message and "niet opgeslagen" in message
    assert "111222333" not in message
