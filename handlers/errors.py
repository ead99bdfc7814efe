"""The last resort: a short apology to the user, the error logged without message texts."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from handlers.common import current_user, lang_of, reply, t

logger = logging.getLogger("schuldhulpbot.errors")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the exception type and where it came from (never texts or tokens); apologise."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    logger.error(
        "update %s failed: %s",
        update_id,
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        lang = lang_of(await current_user(update, context))
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
