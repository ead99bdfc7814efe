"""The checks before a handler acts: the one 'registered, active and allowed' guard, typed button
data, and one decorator that turns a DomainError into the reply (nothing was changed)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.errors import NOT_ALLOWED, DomainError, InvalidDate
from bot.i18n import DEFAULT_LANGUAGE, N_
from bot.rights import Action, may, roles_of
from bot.services import updates, users
from handlers.runtime import call, language, remember_language, reply, runtime, session_for, user_data
from handlers.views.callbacks import Button
from handlers.views.pages import INVITE_EXPLANATION
from handlers.views.text import escape, label, t

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from bot.models import User

B = TypeVar("B", bound=Button)
Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, Any]]
C = TypeVar("C", bound=Callback)


async def current_user(update: Update, context: ContextTypes.DEFAULT_TYPE) -> User | None:
    """The registered account behind the update, active or not."""
    if update.effective_user is None:
        return None
    async with session_for(context) as session:
        return await users.get_user(session, update.effective_user.id)


async def explain_invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Unregistered accounts learn how to get an invite, and nothing else."""
    await reply(update, context, t(DEFAULT_LANGUAGE, INVITE_EXPLANATION))


async def answer_stale(update: Update, lang: str) -> None:
    """A forged, stale or foreign button: say so politely, change nothing."""
    if update.callback_query is not None:
        await update.callback_query.answer(label(lang, "Deze knop werkt niet (meer)."), show_alert=True)


PRIVATE_ONLY = N_("Gebruik de schuldhulpbot in een privéchat; in een groep antwoordt hij niet.")


async def only_once(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Before anything else: an update Telegram delivers a second time is not handled again."""
    async with session_for(context) as session:
        if not await updates.first_time(session, runtime(context).deps, update.update_id):
            logger.info("update %s was handled before; skipped", update.update_id)
            raise ApplicationHandlerStop


async def only_private(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Before every other handler: in a group or channel the bot says one line (nothing about any
    dossier, nobody's rights looked up) and no other handler sees the update."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    if update.callback_query is not None:
        await update.callback_query.answer(label(DEFAULT_LANGUAGE, PRIVATE_ONLY), show_alert=True)
    elif update.message is not None and update.message.text and update.message.text.startswith("/"):
        await update.message.reply_text(t(DEFAULT_LANGUAGE, PRIVATE_ONLY))
    raise ApplicationHandlerStop


async def registered(
    update: Update, context: ContextTypes.DEFAULT_TYPE, action: Action | None = None
) -> User | None:
    """The registered, active user allowed to do `action`. Otherwise the right answer is given and
    None returned: the invite text for a stranger's message, a polite 'does not work' for their
    button, a refusal for the wrong role."""
    user = await current_user(update, context)
    if user is None or not user.active:
        if update.callback_query is not None:
            await answer_stale(update, user.language if user is not None else language(context))
        else:
            await explain_invite(update, context)
        return None
    remember_language(context, user.language)
    if user.unreachable:  # they blocked the bot once and write again: reachable from now on
        await call(context, users.mark_reachable, user.telegram_id)
    if action is not None and not may(roles_of(user.role, user.beheerder), action):
        await reply(update, context, t(user.language, NOT_ALLOWED))
        return None
    return user


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, kind: type[B]) -> B | None:
    """The data of a pressed button of this kind; a forged, stale or malformed one gets a polite
    answer and gives None."""
    query = update.callback_query
    data = kind.parse(query.data if query is not None else None)
    if data is None:
        await answer_stale(update, language(context))
    return data


async def pressed_by(
    update: Update, context: ContextTypes.DEFAULT_TYPE, kind: type[B]
) -> tuple[User, B] | None:
    """For buttons outside a flow: the registered, active user who pressed it, and its data."""
    user = await registered(update, context)
    if user is None:
        return None
    data = await pressed(update, context, kind)
    return None if data is None else (user, data)


def domain_errors(
    stay: object = None, *, alert: bool = False, give_up: object = None, flow: str | None = None
) -> Callable[[C], C]:
    """Turn a DomainError raised by the callback into the reply in the user's language: an alert
    on the pressed button (alert=True) or a message. The flow then stays where it was (`stay`), so
    the user can try again; with `give_up`, an error that another date cannot fix ends the flow
    (its user_data under `flow` removed) and returns `give_up`."""

    def decorate(callback: C) -> C:
        @functools.wraps(callback)
        async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
            try:
                return await callback(update, context)
            except DomainError as err:
                message = err.render(language(context))
                if alert and update.callback_query is not None:
                    await update.callback_query.answer(message, show_alert=True)
                else:
                    await reply(update, context, escape(message))
                if give_up is not None and not isinstance(err, InvalidDate):
                    if flow is not None:
                        user_data(context).pop(flow, None)
                    return give_up
                return stay

        return wrapper  # type: ignore[return-value]

    return decorate


__all__ = ["Callback", "current_user", "domain_errors", "pressed", "pressed_by", "registered", "runtime"]
