"""The last resort: a short apology to the user, the error logged without message texts."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import RetryAfter
from telegram.ext import ContextTypes

from bot.i18n import DEFAULT_LANGUAGE
from handlers.guards import current_user
from handlers.runtime import reply
from handlers.views.text import t

logger = logging.getLogger("schuldhulpbot.errors")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the exception type and where it came from (never texts or tokens); apologise."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, RetryAfter):  # this chat is paused by Telegram: an apology would be too
        logger.warning("update %s: its chat is paused by Telegram's flood control; reply dropped", update_id)
        return
    logger.error(
        "update %s failed: %s",
        update_id,
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        user = await current_user(update, context)
        lang = user.language if user is not None else DEFAULT_LANGUAGE
        if update.callback_query is not None:
            await update.callback_query.answer()
        await reply(
            update,
            context,
            t(
                lang,
                "Sorry, er ging iets mis. Probeer het zo nog eens; blijft het misgaan, "
                "meld het dan bij de beheerder.",
            ),
        )
    except Exception as exc:  # the apology itself must never raise
        logger.error("apology for update %s failed: %s", update_id, type(exc).__name__)
