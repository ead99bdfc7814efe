"""What every handler shares: the runtime, the user's language, safe HTML replies, keyboards."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import MessageLimit
from telegram.ext import ContextTypes

from bot import i18n
from bot.dates import parse_date
from bot.errors import DomainError
from bot.models import User
from bot.services.common import Deps
from bot.services.users import get_user
from bot.settings import Settings

RUNTIME_KEY = "runtime"
CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit


@dataclass
class Runtime:
    """What the handlers need, created once in post_init."""

    sessionmaker: async_sessionmaker[AsyncSession]
    deps: Deps
    settings: Settings
    failed_codes: dict[int, list[datetime]] = field(default_factory=dict)


def runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    rt = context.application.bot_data[RUNTIME_KEY]
    assert isinstance(rt, Runtime)
    return rt


@asynccontextmanager
async def session_for(context: ContextTypes.DEFAULT_TYPE) -> AsyncIterator[AsyncSession]:
    """One session per update (or per job)."""
    async with runtime(context).sessionmaker() as session:
        yield session


async def current_user(update: Update, context: ContextTypes.DEFAULT_TYPE) -> User | None:
    """The registered account behind the update, active or not."""
    if update.effective_user is None:
        return None
    async with session_for(context) as session:
        return await get_user(session, update.effective_user.id)


def lang_of(user: User | None) -> str:
    return user.language if user is not None else i18n.DEFAULT_LANGUAGE


def t(lang: str, msgid: str, **params: Any) -> str:
    """Translate for an HTML message: plain-string params are escaped, Text and dates rendered."""
    safe = {
        k: html.escape(v) if isinstance(v, str) else i18n.render_value(v, lang) for k, v in params.items()
    }
    return i18n.gettext(msgid, lang, **safe)


def tn(lang: str, singular: str, plural: str, n: int, **params: Any) -> str:
    """Like t, with a plural form chosen by n ({n} is filled in)."""
    safe = {
        k: html.escape(v) if isinstance(v, str) else i18n.render_value(v, lang) for k, v in params.items()
    }
    return i18n.ngettext(singular, plural, n, lang, **safe)


def label(lang: str, msgid: str) -> str:
    """A translated label for a button (no HTML there)."""
    return i18n.gettext(msgid, lang)


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


async def send(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> Message:
    """Send an HTML text, split when longer than Telegram allows; buttons go on the last part."""
    parts = split_message(text)
    message: Message | None = None
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        message = await context.bot.send_message(chat_id, part, reply_markup=markup if last else None)
    assert message is not None
    return message


async def reply(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message:
    """Answer in the chat the update came from."""
    assert update.effective_chat is not None
    return await send(context, update.effective_chat.id, text, markup)


async def reply_error(
    update: Update, context: ContextTypes.DEFAULT_TYPE, error: DomainError, lang: str
) -> None:
    """A domain error's message, in the user's language."""
    await reply(update, context, html.escape(error.render(lang)))


def keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Inline buttons from (label, callback data) rows; data must fit Telegram's 64 bytes."""
    for row in rows:
        for _, data in row:
            if len(data.encode()) > CALLBACK_DATA_LIMIT:
                raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data[:20]}...")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows if row]
    )


def pairs(buttons: Sequence[tuple[str, str]], per_row: int = 2) -> list[list[tuple[str, str]]]:
    """Lay buttons out a few per row."""
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def callback_parts(update: Update, prefix: str, count: int) -> list[str] | None:
    """The fields of a callback like 'prefix:a:b', or None when it does not have that shape."""
    query = update.callback_query
    if query is None or not isinstance(query.data, str):
        return None
    parts = query.data.split(":")
    if parts[0] != prefix or len(parts) != count + 1 or not all(parts[1:]):
        return None
    return parts[1:]


async def pressed(
    update: Update, prefix: str, count: int, lang: str, allowed: Callable[[list[str]], bool] | None = None
) -> list[str] | None:
    """The fields of a pressed button 'prefix:a:b'. A forged, stale or malformed one gets a polite
    answer and gives None."""
    parts = callback_parts(update, prefix, count)
    if parts is None or (allowed is not None and not allowed(parts)):
        await answer_stale(update, lang)
        return None
    return parts


async def pressed_by_user(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    prefix: str,
    count: int,
    allowed: Callable[[list[str]], bool] | None = None,
) -> tuple[User, list[str]] | None:
    """Like pressed, for buttons outside a flow: also the registered, active user who pressed it."""
    user = await current_user(update, context)
    if user is None or not user.active:
        await answer_stale(update, lang_of(user))
        return None
    parts = await pressed(update, prefix, count, user.language, allowed)
    return None if parts is None else (user, parts)


def day_buttons(lang: str, prefix: str) -> InlineKeyboardMarkup:
    """Vandaag and Gisteren, for a date step that also accepts a typed date."""
    return keyboard([[(label(lang, "Vandaag"), f"{prefix}:0"), (label(lang, "Gisteren"), f"{prefix}:1")]])


async def day_from_button(update: Update, prefix: str, lang: str, today: date) -> date | None:
    """The date a Vandaag/Gisteren button stands for; the buttons go once used."""
    parts = await pressed(update, prefix, 1, lang, lambda p: p[0] in ("0", "1"))
    if parts is None or update.callback_query is None:
        return None
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    return today - timedelta(days=int(parts[0]))


async def day_from_text(
    update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str, today: date
) -> date | None:
    """A typed date, or None after saying what is wrong with it."""
    assert update.message is not None and update.message.text is not None
    try:
        return parse_date(update.message.text, today)
    except DomainError as err:
        await reply_error(update, context, err, lang)
        return None


async def answer_stale(update: Update, lang: str) -> None:
    """A forged, stale or foreign button: say so politely, change nothing."""
    if update.callback_query is not None:
        await update.callback_query.answer(label(lang, "Deze knop werkt niet (meer)."), show_alert=True)
