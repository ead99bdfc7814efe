"""Gettext catalogs (Dutch default, English second) and Babel formatting of dates."""

from __future__ import annotations

import gettext as _gettext
import io
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

DOMAIN = "schuldhulpbot"
DEFAULT_LANGUAGE = "nl"
LANGUAGES = ("nl", "en")
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}  # each in its own language

_PACKAGED = Path(__file__).parent / "locales"
_CHECKOUT = Path(__file__).parent.parent / "locales"


def _load(lang: str) -> _gettext.NullTranslations:
    """Find the compiled catalog in the wheel, or compile the checkout's .po file in memory."""
    mo = _PACKAGED / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if mo.is_file():
        with mo.open("rb") as fh:
            return _gettext.GNUTranslations(fh)
    po = _CHECKOUT / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if po.is_file():
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        buf.seek(0)
        return _gettext.GNUTranslations(buf)
    if lang == DEFAULT_LANGUAGE:
        # The msgids are Dutch, so a missing nl catalog still reads correctly.
        return _gettext.NullTranslations()
    raise FileNotFoundError(f"no catalog for language {lang!r} in {_PACKAGED} or {_CHECKOUT}")


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """Return the catalog for a language, falling back to Dutch for unknown codes."""
    return _load(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def gettext(message: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """Translate a Dutch msgid and fill in its {named} fields."""
    text = translations(lang).gettext(message)
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, n: int, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """Translate with a plural form; {n} is always available."""
    return translations(lang).ngettext(singular, plural, n).format(n=n, **params)


def N_(message: str) -> str:
    """Mark a msgid for extraction without translating it yet."""
    return message


@dataclass(frozen=True)
class Text:
    """A message to be translated later, in the reader's language."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Translate and format, rendering nested Text and dates in the same language."""
        values = {k: render_value(v, lang) for k, v in self.params.items()}
        return gettext(self.msgid, lang, **values)

    def __str__(self) -> str:
        return self.render(DEFAULT_LANGUAGE)


def render_value(value: Any, lang: str) -> Any:
    """Render params: nested Text translated, dates written out in full."""
    if isinstance(value, Text):
        return value.render(lang)
    if isinstance(value, date):
        return format_date(value, lang)
    return value


def format_date(value: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """Write a date in full: 'maandag 7 december 2026'."""
    from babel.dates import format_date as babel_format_date  # not at import: `--help` stays fast

    return str(babel_format_date(value, format="full", locale=lang))
