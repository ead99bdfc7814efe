"""What every handler shares: the runtime made at start-up, one session per update, the user's
language for this chat, and replying in the chat an update came from."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.i18n import DEFAULT_LANGUAGE
from bot.services.common import Deps
from bot.settings import Settings
from handlers.views.notify import send

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

P = ParamSpec("P")
R = TypeVar("R")

RUNTIME_KEY = "runtime"
LANGUAGE_KEY = "taal"  # in user_data: the language of the user behind this chat


@dataclass
class Runtime:
    """What the handlers need, created once in post_init."""

    sessionmaker: async_sessionmaker[AsyncSession]
    deps: Deps
    settings: Settings


def runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    rt = context.application.bot_data[RUNTIME_KEY]
    assert isinstance(rt, Runtime)
    return rt


@asynccontextmanager
async def session_for(context: ContextTypes.DEFAULT_TYPE) -> AsyncIterator[AsyncSession]:
    """One session per update (or per job)."""
    async with runtime(context).sessionmaker() as session:
        yield session


async def call(
    context: ContextTypes.DEFAULT_TYPE,
    service: Callable[Concatenate[AsyncSession, Deps, int, P], Awaitable[R]],
    telegram_id: int,
    *args: P.args,
    **kwargs: P.kwargs,
) -> R:
    """Call one service for the user behind the update, in a session of its own."""
    async with session_for(context) as session:
        return await service(session, runtime(context).deps, telegram_id, *args, **kwargs)


def language(context: ContextTypes.DEFAULT_TYPE) -> str:
    """The language of the user behind the chat, as the guard last saw it (Dutch by default)."""
    data = context.user_data
    return str(data.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)) if data is not None else DEFAULT_LANGUAGE


def remember_language(context: ContextTypes.DEFAULT_TYPE, lang: str) -> None:
    if context.user_data is not None:
        context.user_data[LANGUAGE_KEY] = lang


def user_data(context: ContextTypes.DEFAULT_TYPE) -> dict[object, object]:
    """The chat's user_data (always present for the private chats this bot serves)."""
    assert context.user_data is not None
    return context.user_data


async def reply(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message:
    """Answer in the chat the update came from."""
    assert update.effective_chat is not None
    return await send(context.bot, update.effective_chat.id, text, markup)
