"""Translated HTML text: user-facing strings go through gettext, plain values are escaped, and a
long text is cut into messages Telegram accepts."""

from __future__ import annotations

import html
from typing import Any

from telegram.constants import MessageLimit

from bot import i18n


class Html(str):
    """Text that is already safe HTML (a translated message, an escaped value): it fills a field
    of another message as it is, so nothing is escaped twice."""


def _field(lang: str, value: Any) -> Any:
    if isinstance(value, Html):
        return value
    if isinstance(value, str):
        return html.escape(value)
    return i18n.render_value(value, lang)


def t(lang: str, msgid: str, **params: Any) -> Html:
    """Translate for an HTML message: plain-string params are escaped, Text and dates rendered."""
    return Html(i18n.gettext(msgid, lang, **{k: _field(lang, v) for k, v in params.items()}))


def tn(lang: str, singular: str, plural: str, n: int, **params: Any) -> Html:
    """Like t, with a plural form chosen by n ({n} is filled in)."""
    return Html(i18n.ngettext(singular, plural, n, lang, **{k: _field(lang, v) for k, v in params.items()}))


def label(lang: str, msgid: str) -> str:
    """A translated label for a button or an alert (no HTML there)."""
    return i18n.gettext(msgid, lang)


def escape(value: str) -> Html:
    """A plain value (a name, a reference) for an HTML message."""
    return Html(html.escape(value))


def split_message(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Cut a long text into messages at line breaks, each within Telegram's limit."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single overlong line: hard cut
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts
