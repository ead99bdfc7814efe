"""Screening free text for personal data before anything is stored or logged (bot/README.md, "Privacy")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from stdnum import iban
from stdnum.nl import bsn

from bot.errors import DomainError
from bot.i18n import N_


class Finding(StrEnum):
    BSN = "bsn"
    IBAN = "iban"
    TELEFOON = "telefoon"
    EMAIL = "email"
    CIJFERREEKS = "cijferreeks"


FINDING_LABELS = {
    Finding.BSN: N_("een BSN"),
    Finding.IBAN: N_("een IBAN (rekeningnummer)"),
    Finding.TELEFOON: N_("een telefoonnummer"),
    Finding.EMAIL: N_("een e-mailadres"),
    Finding.CIJFERREEKS: N_("een lange reeks cijfers"),
}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Candidate IBANs: two letters, two digits, then 10-30 letters/digits, optionally in groups.
_IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{2,4}){3,8}\b")
# Dutch numbers: 06-12345678, 010 123 4567, +31 6 1234 5678, 0031..., with spaces, dots or dashes.
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?(?:31[\s.-]?)?\(?0?\d{1,3}\)?(?:[\s.-]?\d){6,9}(?!\w)")
# Digit runs, allowing the separators people type inside numbers.
_DIGIT_RUN = re.compile(r"\d(?:[ .]?\d)+")
# Harmless numbers that would otherwise look like a run: dates and the bot's own references.
_HARMLESS = re.compile(
    r"\b\d{1,2}[-./]\d{1,2}[-./]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b[A-Z]{2}-\d{4}-\d{1,6}\b",
    re.IGNORECASE,
)
LONG_DIGIT_RUN = 7


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _looks_like_phone(candidate: str) -> bool:
    digits = _digits(candidate)
    if digits.startswith("0031"):
        digits = "0" + digits[4:]
    elif digits.startswith("31") and candidate.lstrip().startswith(("+", "31")):
        digits = "0" + digits[2:]
    return len(digits) == 10 and digits.startswith("0")


@dataclass(frozen=True)
class ScreenResult:
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.findings


def screen(text: str) -> ScreenResult:
    """What kinds of personal data the text seems to contain (the matches themselves are dropped)."""
    found: list[Finding] = []
    if _EMAIL.search(text):
        found.append(Finding.EMAIL)
        text = _EMAIL.sub(" ", text)
    ibans = [m.group(0) for m in _IBAN.finditer(text) if iban.is_valid(m.group(0))]
    if ibans:
        found.append(Finding.IBAN)
        for value in ibans:
            text = text.replace(value, " ")
    text = _HARMLESS.sub(" ", text)
    runs = [m.group(0) for m in _DIGIT_RUN.finditer(text)]
    if any(len(_digits(r)) in (8, 9) and bsn.is_valid(_digits(r).zfill(9)) for r in runs):
        found.append(Finding.BSN)
    if any(_looks_like_phone(m.group(0)) for m in _PHONE.finditer(text)):
        found.append(Finding.TELEFOON)
    if not found and any(len(_digits(r)) >= LONG_DIGIT_RUN for r in runs):
        found.append(Finding.CIJFERREEKS)
    return ScreenResult(tuple(found))


def ensure_clean(text: str) -> None:
    """Raise a DomainError that explains what was found; the text itself is never echoed."""
    result = screen(text)
    if result.ok:
        return
    raise PrivacyRefused(result.findings)


class PrivacyRefused(DomainError):
    """Free text held personal data; refused, not stored, not logged."""

    def __init__(self, findings: tuple[Finding, ...]) -> None:
        self.findings = findings
        from bot.i18n import Text

        super().__init__(
            N_(
                "Je tekst lijkt {wat} te bevatten. Telegram is niet versleuteld en de bot bewaart "
                "geen persoonsgegevens van inwoners. Je bericht is niet opgeslagen. Laat het "
                "weg en stuur de tekst opnieuw; gebruik alleen het dossiernummer."
            ),
            wat=Text(FINDING_LABELS[findings[0]]),
        )
