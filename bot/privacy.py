"""Screening text for personal data of inwoners before anything is stored or logged
(bot/README.md, "Privacy").

The text is normalised first (Unicode NFKC, format and zero-width characters removed, every space
and dash variant mapped, digits of any script folded to 0-9, Dutch digit words read as digits), so
that an obfuscated number or address is found like a plain one. Then: BSN (11-proef, any
separators), IBAN (checksum, any country), Dutch phone numbers, e-mail addresses (also written
"at"/"[at]"/"punt"/"dot"), postcodes, street and house number, dates of birth, and names of persons
(a form of address or initials followed by a capitalised name; "naam: ..."). Names the bot itself
knows to be no inwoner's (wijkteams, the municipality, registered colleagues) may be passed as
`allowed`. Plain Python: no database, no Telegram.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from stdnum import iban
from stdnum.nl import bsn

from bot.errors import DomainError
from bot.i18n import N_, Text


class Finding(StrEnum):
    BSN = "bsn"
    IBAN = "iban"
    TELEFOON = "telefoon"
    EMAIL = "email"
    POSTCODE = "postcode"
    ADRES = "adres"
    GEBOORTEDATUM = "geboortedatum"
    NAAM = "naam"
    CIJFERREEKS = "cijferreeks"


FINDING_LABELS = {
    Finding.BSN: N_("een BSN"),
    Finding.IBAN: N_("een IBAN (rekeningnummer)"),
    Finding.TELEFOON: N_("een telefoonnummer"),
    Finding.EMAIL: N_("een e-mailadres"),
    Finding.POSTCODE: N_("een postcode"),
    Finding.ADRES: N_("een adres (straat en huisnummer)"),
    Finding.GEBOORTEDATUM: N_("een geboortedatum"),
    Finding.NAAM: N_("een naam"),
    Finding.CIJFERREEKS: N_("een lange reeks cijfers"),
}

# How to say it without the personal data.
FINDING_HINTS = {
    Finding.NAAM: N_("Noem de inwoner 'inwoner', 'mevrouw' of 'meneer', zonder naam."),
    Finding.ADRES: N_("Noem alleen de kern of het wijkteam, zonder straat en huisnummer."),
    Finding.POSTCODE: N_("Noem alleen de kern of het wijkteam, zonder postcode."),
    Finding.GEBOORTEDATUM: N_("Noem hoogstens de leeftijd, bijvoorbeeld 'inwoner (45)'."),
}
DEFAULT_HINT = N_("Laat het weg: beschrijf de situatie zonder gegevens die naar de inwoner leiden.")

# -- normalising ----------------------------------------------------------------------------------

_DIGIT_WORDS = {
    "nul": "0",
    "een": "1",
    "één": "1",
    "eén": "1",
    "twee": "2",
    "drie": "3",
    "vier": "4",
    "vijf": "5",
    "zes": "6",
    "zeven": "7",
    "acht": "8",
    "negen": "9",
}
_WORD_RUN = re.compile(
    r"\b(?:" + "|".join(_DIGIT_WORDS) + r")(?:[\s,-]+(?:" + "|".join(_DIGIT_WORDS) + r")){6,}\b",
    re.IGNORECASE,
)


_DASH_POINTS = frozenset(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"))


class _Fold(dict[int, str | None]):
    """str.translate table, filled per code point on first sight: format characters out, every
    space one space, every dash '-', digits of any script 0-9."""

    def __missing__(self, point: int) -> str | None:
        ch = chr(point)
        category = unicodedata.category(ch)
        value: str | None = ch
        if category == "Cf":  # zero-width spaces and joiners, soft hyphens
            value = None
        elif ch.isspace() or category in ("Zs", "Zl", "Zp"):
            value = " "
        elif category == "Nd":
            value = str(unicodedata.digit(ch))
        elif point in _DASH_POINTS:
            value = "-"
        self[point] = value
        return value


_FOLD = _Fold()


def normalize(text: str) -> str:
    """NFKC, then the fold above."""
    return unicodedata.normalize("NFKC", text).translate(_FOLD)


def _words_to_digits(text: str) -> str:
    """'nul zes een twee ...' (seven digit words or more in a row) becomes '0612...'."""
    return _WORD_RUN.sub(
        lambda m: "".join(_DIGIT_WORDS[w.lower()] for w in re.findall(r"[^\s,-]+", m.group())), text
    )


# -- numbers --------------------------------------------------------------------------------------

_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)
_DATE = (
    r"(?:0?[1-9]|[12]\d|3[01])\s?[-./]\s?(?:0?[1-9]|1[0-2])(?:\s?[-./]\s?(?:19|20)?\d{2})?"
    rf"|(?:0?[1-9]|[12]\d|3[01])\s+(?:{_MONTHS})\.?(?:\s+(?:19|20)\d{{2}})?"
    r"|(?:19|20)\d{2}-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01])"
)
# Numbers that are certainly not about a person: the bot's own references, times, amounts, dates
# with a four-digit year, year ranges, 0800/0900 service numbers. BSN and phone are looked for
# after only these are taken out (a short date shape like '06-12' may be part of a phone number).
_CERTAINLY_HARMLESS = re.compile(
    r"\b(?:SH|VR)-?(?:19|20)\d{2}-\d{4,6}\b"
    r"|\b\d{1,2}[:.]\d{2}\s?uur\b|\b\d{1,2}:\d{2}\b"
    r"|€\s?\d{1,3}(?:\.\d{3})*(?:,\d{1,2}|,-)?|\b\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?\s?(?:euro|eur)\b"
    r"|\b\d{1,3}(?:\.\d{3})+,\d{2}\b"  # an amount with cents: 48.250,00
    r"|\b(?:0?[1-9]|[12]\d|3[01])\s?[-./]\s?(?:0?[1-9]|1[0-2])\s?[-./]\s?(?:19|20)\d{2}\b"
    r"|\b(?:19|20)\d{2}-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01])\b"
    r"|\b(?:19|20)\d{2}\s?[-–/]\s?(?:19|20)?\d{2}\b"
    r"|\b0[89]00[- ]?\d{4}\b",
    re.IGNORECASE,
)
# Every date shape, taken out before the long-digit-run check only.
_DATES = re.compile(rf"\b(?:{_DATE})\b", re.IGNORECASE)
# Digits with the separators people type inside numbers (and a space or comma between groups).
_DIGIT_RUN = re.compile(r"\+?\d(?:[ .,\-/_]{0,3}\d)+")
_GROUP_SPLIT = re.compile(r"[ ,]+")
LONG_DIGIT_RUN = 7
_LONGEST_NUMBER = 14  # digits: no BSN or phone number is longer, so no window need be


def _windows(run: str) -> Iterable[str]:
    """The digits of the run, and of every stretch of its space-separated groups up to the length
    of the longest number looked for (so that numbers typed side by side are judged one by one;
    linear in the length of the run)."""
    groups = [g for g in _GROUP_SPLIT.split(run) if g]
    for i in range(len(groups)):
        joined, digits = "", 0
        for group in groups[i:]:
            joined, digits = joined + group, digits + len(_digits(group))
            if digits > _LONGEST_NUMBER:
                break
            yield joined


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _is_bsn(value: str) -> bool:
    digits = _digits(value)
    return len(digits) in (8, 9) and bsn.is_valid(digits.zfill(9))


def _is_phone(value: str) -> bool:
    digits = _digits(value)
    if digits.startswith("00310") or (digits.startswith("310") and value.lstrip().startswith(("+", "31"))):
        digits = "0" + digits[digits.index("310") + 3 :]  # +31 (0)6 ...
    elif digits.startswith("0031"):
        digits = "0" + digits[4:]
    elif digits.startswith("31") and value.lstrip().startswith(("+", "31")):
        digits = "0" + digits[2:]
    return len(digits) == 10 and digits.startswith("0") and digits[1] != "0"


_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]){10,32}", re.IGNORECASE)


def _has_iban(text: str) -> list[str]:
    """Candidate IBANs that pass the checksum (the longest valid prefix of each match)."""
    found = []
    for match in _IBAN.finditer(text):
        compact = re.sub(r"[ -]", "", match.group()).upper()
        for length in range(min(len(compact), 34), 14, -1):
            if iban.is_valid(compact[:length]):
                found.append(match.group())
                break
    return found


# -- e-mail ----------------------------------------------------------------------------------------

_AT = (
    r"(?:\s*@\s*|\s*[\(\[\{<]\s*(?:at|a|@|apenstaartje|apestaartje)\s*[\)\]\}>]\s*"
    r"|\s+(?:at|apenstaartje|apestaartje)\s+)"
)
_DOT = r"(?:\s?\.\s?|\s*[\(\[\{<]\s*(?:dot|punt|\.)\s*[\)\]\}>]\s*|\s+(?:dot|punt)\s+)"
_TLD = r"(?:com|nl|net|org|be|de|eu|info|biz|io|co|uk|fr|online|nu|email|me|tv|frl|amsterdam|live|mail)"
_EMAIL = re.compile(
    # a plain @ with a dotted domain is an address whatever the ending; spelled out, a known ending
    rf"[\w.+-]+\s?@\s?[\w-]+(?:\s?\.\s?[\w-]+)*\s?\.\s?[a-z]{{2,12}}\b"
    rf"|[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}{_TLD}\b",
    re.IGNORECASE,
)

# cheap tests first: the full patterns only run where they can match
_AT_HINT = re.compile(r"@|\b(?:at|a|apenstaartje|apestaartje)\b", re.IGNORECASE)

# -- addresses and dates of birth ------------------------------------------------------------------

_POSTCODE = re.compile(r"\b([1-9]\d{3})\s?-?\s?([A-Za-z]{2})\b")
# two-letter words that follow a number in ordinary text (a year, an amount)
_NOT_POSTCODE_LETTERS = frozenset(
    [
        "de",
        "en",
        "is",
        "op",
        "al",
        "er",
        "te",
        "ze",
        "om",
        "in",
        "ik",
        "na",
        "nu",
        "zo",
        "of",
        "ja",
        "we",
        "je",
        "ga",
        "bv",
        "eu",
        "km",
        "kg",
        "cm",
        "mm",
        "ml",
        "gb",
        "mb",
        "am",
        "pm",
        "uw",
        "ct",
        "tm",
        "ca",
        "pp",
        "ex",
    ]
)


def _is_postcode(number: str, letters: str) -> bool:
    """Letters in capitals are a postcode (5151 AB, 3011 DE); in lower case only when they are no
    word and the number is no year (5151 ab, but not 'in 2024 ca.')."""
    if letters.isupper():
        return letters not in ("SA", "SD", "SS")
    return letters.lower() not in _NOT_POSTCODE_LETTERS and not 1900 <= int(number) <= 2099


_STREET_SUFFIX = (
    "straat|str\\.|str|laan|weg|plein|gracht|kade|singel|dreef|steeg|dijk|plantsoen|boulevard|pad|hof|"
    "park|erf|hoeve|akker|donk|brink|passage|allee|straatweg|steenweg|wal|veld|zoom|hoek|haven|horst"
)
_STREET_HINT = re.compile(rf"(?:{_STREET_SUFFIX})", re.IGNORECASE)
_STREET_WORD = _STREET_SUFFIX.replace("str\\.|str|", "")
_STREET = re.compile(
    rf"\b[A-Za-zÀ-ÿ'’.-]{{2,}}(?:{_STREET_SUFFIX})\s*(?:nr\.?|nummer|no\.?)?\s*\d{{1,5}}"
    r"(?:\s?[-/]?\s?[a-zA-Z0-9]{1,3})?\b"
    # 'Oude Haven 23', 'Hoge Akker 8': a capitalised word and a street word
    rf"|\b[A-Z][a-zà-ÿ]+\s+(?:{_STREET_WORD})\s+\d{{1,5}}\b"
    # 'op nr 14 in de Ruysdaelstraat'
    rf"|\b(?:nr\.?|nummer|huisnummer)\s*\d{{1,5}}\w*\s+(?:in|aan|op)\s+(?:de|het)\s+[A-Z]\w*(?:{_STREET_SUFFIX})\b",
    re.IGNORECASE,
)
_BIRTH_STAR = re.compile(rf"\(\s*\*\s*(?:{_DATE})\s*\)|\*\s*(?:{_DATE})", re.IGNORECASE)
_BIRTH = re.compile(
    r"\b(?:geboren|geb\.?\s?dat(?:um)?\.?|geb\.?|geboortedatum|dob|d\.o\.b\.)"
    r"(?:\s+(?:te|in)\s+[\w'-]+)?(?:\s+(?:van|de|het|meneer|mevrouw|inwoner|cliënt)){0,3}\s*,?\s*"
    r"(?:op|:|in|=|is)?\s*:?\s*"
    rf"(?:{_DATE}|(?:19|20)\d{{2}}|'\d{{2}})",
    re.IGNORECASE,
)

# -- names --------------------------------------------------------------------------------------------

_TUSSEN = r"(?:van|de|der|den|ter|ten|te|het|'t|la|le|du|da|di|el|al|in|op|von|zu|bin|ben)"
_CAPITALISED = r"[^\W\d_][^\W\d_'’-]+"  # any script; the caller checks the capital
_ADDRESS = (
    r"\b(?:mevrouw|mevr\.|mevr|mvr\.|mvr|mw\.|mw|meneer|mnr\.|mnr|dhr\.|dhr|hr\.|de\s+heer|heer|"
    r"familie|fam\.|fam|gezin|echtpaar|inwoner|cliënt|client|mr\.|mrs\.|ms\.|juffrouw|zoon|dochter|"
    r"broer|zus|vader|moeder|echtgenoot|echtgenote|man|vrouw|vriend|vriendin|buurman|buurvrouw|"
    r"oma|opa|tante|oom)"
)
_NAME_AFTER_ADDRESS = re.compile(
    rf"{_ADDRESS}(?:\s+|(?<=\.))\(?(?:(?:[A-Z]\.\s?){{1,4}}\s*)?(?:{_TUSSEN}\s+){{0,3}}({_CAPITALISED})",
    re.IGNORECASE,
)
_INITIALS_NAME = re.compile(rf"\b(?:[A-Z]\.\s?){{1,4}}\s*(?:{_TUSSEN}\s+){{0,3}}({_CAPITALISED})")
_PERSON = r"(?:inwoner|cliënt|client|klant|meneer|mevrouw|partner|zoon|dochter|moeder|vader)"
_NAME_LABEL = re.compile(
    rf"\b(?:naam|achternaam|voornaam|roepnaam|meisjesnaam|genaamd)(?:\s+(?:van\s+)?(?:de\s+)?{_PERSON})?"
    rf"\s*(?::|is|=)?\s*(?:{_TUSSEN}\s+){{0,3}}({_CAPITALISED})"
    rf"|\b(?:{_PERSON}|zij|hij)\s+(?:heet|heten)\s+(?:{_TUSSEN}\s+){{0,3}}({_CAPITALISED})",
    re.IGNORECASE,
)
# Capitalised words that follow a form of address without being a name.
_NOT_A_NAME = frozenset(
    [
        "zij",
        "hij",
        "mevrouw",
        "meneer",
        "inwoner",
        "ze",
        "het",
        "een",
        "deze",
        "die",
        "dit",
        "dat",
        "er",
        "op",
        "in",
        "met",
        "van",
        "en",
        "maar",
        "ook",
        "wel",
        "niet",
        "geen",
        "is",
        "heeft",
        "had",
        "kan",
        "wil",
        "wilde",
        "moet",
        "gaat",
        "ging",
        "komt",
        "kwam",
        "was",
        "werd",
        "wordt",
        "zal",
        "zou",
        "krijgt",
        "kreeg",
        "weet",
        "wist",
        "woont",
        "woonde",
        "belde",
        "belt",
        "heb",
        "hebben",
        "zijn",
        "bij",
        "naar",
        "over",
        "voor",
        "uit",
        "om",
        "tot",
        "als",
        "dan",
        "nog",
        "al",
        "toch",
        "verder",
        "vandaag",
        "gisteren",
        "morgen",
        "inwoner",
        "cliënt",
        "client",
        "klant",
        "huurder",
        "aanvrager",
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
        "graag",
        "wel",
        "waarschijnlijk",
        "gelukkig",
        "helaas",
        "zelf",
        "samen",
        "alleen",
        "nu",
        "dus",
        "want",
        "omdat",
    ]
)


def _has_name(text: str) -> bool:
    text = text.replace("N.B.", " ")  # nota bene, not an initial
    for pattern in (_NAME_AFTER_ADDRESS, _INITIALS_NAME, _NAME_LABEL):
        for match in pattern.finditer(text):
            word = next(g for g in match.groups() if g)
            if not word[0].isupper():
                continue  # 'mevrouw heeft ...', 'naam van de schuldeiser': no name
            if word.lower() not in _NOT_A_NAME:
                return True
    return False


def _without(text: str, allowed: Iterable[str]) -> str:
    """The text with names the bot knows (wijkteams, colleagues) replaced by a neutral word."""
    for phrase in sorted({a.strip() for a in allowed if a and a.strip()}, key=len, reverse=True):
        text = re.sub(re.escape(phrase), "collega", text, flags=re.IGNORECASE)
    return text


# -- screening -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreenResult:
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.findings


def screen(text: str, allowed: Iterable[str] = ()) -> ScreenResult:
    """What kinds of personal data the text seems to contain (the matches themselves are dropped)."""
    plain = _words_to_digits(normalize(text))
    plain = re.sub(r"\((\d{1,4})\)", r"\1", plain)  # (06)12345678, +31 (0)6 ...
    found: list[Finding] = []
    if _AT_HINT.search(plain) and _EMAIL.search(plain):
        found.append(Finding.EMAIL)
        plain = _EMAIL.sub(" ", plain)
    for value in _has_iban(plain):
        if Finding.IBAN not in found:
            found.append(Finding.IBAN)
        plain = plain.replace(value, " ")
    if _BIRTH.search(plain) or _BIRTH_STAR.search(plain):
        found.append(Finding.GEBOORTEDATUM)
    if _STREET_HINT.search(plain) and _STREET.search(plain):
        found.append(Finding.ADRES)
    if any(_is_postcode(number, letters) for number, letters in _POSTCODE.findall(plain)):
        found.append(Finding.POSTCODE)
    numbers = _CERTAINLY_HARMLESS.sub(" ", plain)
    windows = [w for m in _DIGIT_RUN.finditer(numbers) for w in _windows(m.group())]
    bsn_windows = [w for m in _DIGIT_RUN.finditer(_DATES.sub(" ", numbers)) for w in _windows(m.group())]
    if any(_is_bsn(w) for w in windows if len(_digits(w)) == 9) or any(_is_bsn(w) for w in bsn_windows):
        found.append(Finding.BSN)
    if any(_is_phone(w) for w in windows):
        found.append(Finding.TELEFOON)
    if _has_name(_without(plain, allowed)):
        found.append(Finding.NAAM)
    runs = [m.group() for m in _DIGIT_RUN.finditer(_DATES.sub(" ", numbers))]
    if not found and any(len(_digits(r)) >= LONG_DIGIT_RUN for r in runs):
        found.append(Finding.CIJFERREEKS)
    return ScreenResult(tuple(found))


def ensure_clean(text: str, allowed: Iterable[str] = ()) -> None:
    """Raise a DomainError that explains what was found; the text itself is never echoed."""
    result = screen(text, allowed)
    if not result.ok:
        raise PrivacyRefused(result.findings)


class PrivacyRefused(DomainError):
    """Free text held personal data; refused, not stored, not logged."""

    def __init__(self, findings: tuple[Finding, ...]) -> None:
        self.findings = findings
        first = findings[0]
        super().__init__(
            N_(
                "Je tekst lijkt {wat} te bevatten. Chats met een bot zijn niet end-to-end versleuteld en "
                "de bot bewaart geen persoonsgegevens van inwoners. Je bericht is niet opgeslagen. {hint}"
            ),
            wat=Text(FINDING_LABELS[first]),
            hint=Text(FINDING_HINTS.get(first, DEFAULT_HINT)),
        )
