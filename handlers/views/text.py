"""Translated HTML text: user-facing strings go through gettext, plain values are escaped, and a
long text is cut into messages Telegram accepts."""

from __future__ import annotations

import html
import re
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


# An HTML message as atoms: a tag, an entity, a line break, or one character of text.
_ATOM = re.compile(r"<[^>]*>|&#?\w+;|\n|[^<&\n]|[<&]")
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)")


def units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Cut an HTML text into messages Telegram accepts: each within `limit` UTF-16 units, at a line
    break where one is near, never inside a tag or an entity (a cut '&amp;' would make Telegram
    refuse the part); a tag open at the cut is closed there and opened again in the next part."""
    if units(text) <= limit:
        return [text]
    parts: list[str] = []
    stack: list[str] = []  # open tags, as written
    current: list[str] = []
    size = 0
    last_break: int | None = None  # index in `current` of the last line break, and the stack there
    break_stack: list[str] = []

    def closing(tags: list[str]) -> str:
        return "".join(f"</{_TAG.match(tag).group(2)}>" for tag in reversed(tags))  # type: ignore[union-attr]

    def flush(upto: int, tags: list[str], skip: int) -> None:
        nonlocal current, size, last_break
        parts.append("".join(current[:upto]) + closing(tags))
        rest = current[upto + skip :]
        current = list(tags) + rest
        size = units("".join(current))
        last_break = None

    for atom in _ATOM.findall(text):
        cost = units(atom)
        if size + cost + units(closing(stack)) > limit and current:
            if last_break is not None and last_break > len(current) // 2:
                flush(last_break, break_stack, 1)  # cut at the line break; drop it
            else:
                flush(len(current), stack, 0)
        if atom == "\n":
            last_break, break_stack = len(current), list(stack)
        tag = _TAG.match(atom)
        if tag is not None:
            if tag.group(1):
                if stack:
                    stack.pop()
            elif not atom.endswith("/>"):
                stack.append(atom)
        current.append(atom)
        size += cost
    if current:
        parts.append("".join(current))
    return parts
