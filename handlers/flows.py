"""What the guided flows share: how a conversation is built (ends on /annuleer or after
CONVERSATION_TIMEOUT), its draft in user_data, stopping it, and the date step (Vandaag, Gisteren
or a typed date)."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Coroutine, Hashable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.dates import parse_date
from bot.i18n import N_, Text
from bot.rights import Action
from handlers import CONVERSATION_TIMEOUT
from handlers.guards import Callback, pressed, registered
from handlers.runtime import language, reply, user_data
from handlers.views.callbacks import Button, DayButton
from handlers.views.text import t

if TYPE_CHECKING:
    from bot.models import User

TEXT = filters.TEXT & ~filters.COMMAND
END = ConversationHandler.END

STOPPED = N_("Gestopt. Er is niets opgeslagen.")
TIMED_OUT = N_("Gestopt omdat het te lang stil bleef. Er is niets opgeslagen.")

Handlers = Sequence[BaseHandler[Any, Any, Any]]
T = TypeVar("T")
H = TypeVar("H", bound=Hashable)
ASKED = "_asked"  # in a draft: the message id of the question whose buttons are still showing


def conversation(
    name: str,
    entry: Handlers,
    states: dict[object, Handlers],
    cancel: Callback,
    timeout: Callback | None = None,
) -> ConversationHandler[Any]:
    """A guided flow that ends on /annuleer, and (with `timeout`) says so after 30 minutes of silence."""
    states = dict(states)
    if timeout is not None:
        states[ConversationHandler.TIMEOUT] = [
            MessageHandler(filters.ALL, timeout),
            CallbackQueryHandler(timeout),
        ]
    with warnings.catch_warnings():
        # Buttons are tracked per chat and user on purpose (per_message=False).
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=list(entry),
            states={k: list(v) for k, v in states.items()},
            fallbacks=[CommandHandler("annuleer", cancel)],
            conversation_timeout=CONVERSATION_TIMEOUT,
            name=name,
            allow_reentry=True,
        )


def button(callback: Callback, kind: type[Button]) -> CallbackQueryHandler[Any, Any]:
    """Route presses of one kind of button (by its prefix) to the callback."""
    return CallbackQueryHandler(callback, pattern=kind.pattern())


async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str, action: Action) -> User | None:
    """Start a flow: the guard for `action`, then an empty draft under `key`."""
    user = await registered(update, context, action)
    if user is not None:
        user_data(context)[key] = {}
    return user


async def clear_buttons(update: Update) -> None:
    """A button in a flow was used: answer it and take the buttons off its message."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)


def draft(context: ContextTypes.DEFAULT_TYPE, key: str) -> dict[str, Any]:
    """The flow's answers so far."""
    found = user_data(context).setdefault(key, {})
    assert isinstance(found, dict)
    return found


def stopper(
    *keys: str, message: str = STOPPED
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, int]]:
    """A callback that ends the flow: its drafts go, nothing is stored, and the user is told."""

    async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        for key in keys:
            if key in user_data(context):
                await clear_asked(update, context, key)  # the open question's buttons go too
            user_data(context).pop(key, None)
        await reply(update, context, t(language(context), message))
        return END

    stop.__doc__ = "/annuleer, or silence for too long: nothing is stored."
    return stop


async def day_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, kind: type[DayButton], today: date
) -> date | None:
    """The date a Vandaag/Gisteren button stands for; the buttons go once used."""
    data = await pressed(update, context, kind)
    if data is None:
        return None
    await clear_buttons(update)
    return today - timedelta(days=data.days_ago)


def typed_day(update: Update, today: date) -> date:
    """A typed date (a DomainError says what is wrong with it)."""
    assert update.message is not None and update.message.text is not None
    return parse_date(update.message.text, today)


def typed_text(update: Update) -> str:
    assert update.message is not None and update.message.text is not None
    return update.message.text


async def ask(
    update: Update, context: ContextTypes.DEFAULT_TYPE, key: str, text: str, markup: InlineKeyboardMarkup
) -> None:
    """Ask a question with buttons that may also be answered by typing; remember it, so a typed
    answer can take its buttons away."""
    message = await reply(update, context, text, markup)
    draft(context, key)[ASKED] = message.message_id


async def clear_asked(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str) -> None:
    """A typed answer was taken: the question's buttons go (an edited or deleted message is fine)."""
    await drop_buttons(update, context, draft(context, key).pop(ASKED, None))


async def drop_buttons(update: Update, context: ContextTypes.DEFAULT_TYPE, message_id: int | None) -> None:
    """Take the buttons off one of the bot's messages in this chat."""
    if message_id is None or update.effective_chat is None:
        return
    with contextlib.suppress(BadRequest):
        await context.bot.edit_message_reply_markup(update.effective_chat.id, message_id, reply_markup=None)


def typed_choice(update: Update, lang: str, options: Sequence[tuple[str, T]]) -> T | None:
    """The option whose button label (a msgid) was typed instead of pressed: in the reader's
    language or in Dutch, in any case, with or without the part in brackets; None otherwise."""
    wanted = " ".join(typed_text(update).split()).casefold()
    for msgid, value in options:
        names = {msgid, Text(msgid).render(lang)}
        names |= {name.split(" (")[0] for name in names}
        if wanted in {name.casefold() for name in names}:
            return value
    return None


def with_first_names(options: Sequence[tuple[str, H]]) -> list[tuple[str, H]]:
    """Options by a person's name, plus their first name where no one else has it ('bea' for
    'Bea BC (budgetcoach)'), so a typed first name also acts as the button."""
    firsts: dict[str, set[H]] = {}
    for name, value in options:
        if name.split():
            firsts.setdefault(name.split()[0].casefold(), set()).add(value)
    return [*options, *((first, next(iter(values))) for first, values in firsts.items() if len(values) == 1)]
