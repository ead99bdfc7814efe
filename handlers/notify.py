"""Telling people about routed items: the holder, the teamleiders, the sender."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.models import Deadline, Dossier, User, Vraag
from handlers.cards import dossier_notification, new_item_buttons, vraag_notification
from handlers.common import runtime, send, t

logger = logging.getLogger(__name__)


async def deliver(
    context: ContextTypes.DEFAULT_TYPE, user: User, text: str, markup: InlineKeyboardMarkup | None = None
) -> bool:
    """Send to a colleague; a blocked bot or other Telegram refusal is logged, not raised."""
    try:
        await send(context, user.telegram_id, text, markup)
        return True
    except Forbidden:
        logger.warning("user %s has blocked the bot", user.id)
    except TelegramError as exc:
        logger.warning("delivery to user %s failed: %s", user.id, type(exc).__name__)
    return False


async def announce_dossier(
    context: ContextTypes.DEFAULT_TYPE,
    dossier: Dossier,
    team: str,
    holder: User | None,
    first: Deadline | None,
    sender: User | None,
    teamleiders: list[User],
) -> None:
    """The holder gets the card with buttons; teamleiders are told when routing fell through."""
    config = runtime(context).deps.config
    if holder is not None:
        text = dossier_notification(holder.language, config, dossier, team, first, sender)
        await deliver(context, holder, text, new_item_buttons(holder.language, dossier.ref, is_vraag=False))
    for leader in teamleiders:
        if holder is not None and leader.id == holder.id:
            continue
        lang = leader.language
        head = _fallthrough_line(lang, dossier.ref, holder)
        body = dossier_notification(lang, config, dossier, team, first, sender)
        await deliver(
            context, leader, f"{head}\n\n{body}", new_item_buttons(lang, dossier.ref, is_vraag=False)
        )


async def announce_vraag(
    context: ContextTypes.DEFAULT_TYPE,
    vraag: Vraag,
    team: str,
    holder: User | None,
    asker: User | None,
    due: Deadline | None,
    teamleiders: list[User],
) -> None:
    """Like announce_dossier, for a schuldvraag."""
    due_date = due.due_date if due else None
    if holder is not None:
        text = vraag_notification(holder.language, vraag, team, asker, due_date)
        await deliver(context, holder, text, new_item_buttons(holder.language, vraag.ref, is_vraag=True))
    for leader in teamleiders:
        if holder is not None and leader.id == holder.id:
            continue
        lang = leader.language
        head = _fallthrough_line(lang, vraag.ref, holder)
        body = vraag_notification(lang, vraag, team, asker, due_date)
        await deliver(context, leader, f"{head}\n\n{body}", new_item_buttons(lang, vraag.ref, is_vraag=True))


def _fallthrough_line(lang: str, ref: str, holder: User | None) -> str:
    if holder is None:
        return t(
            lang,
            "⚠️ Niemand staat de komende werkdagen op het rooster. Wil jij {ref} oppakken of overdragen?",
            ref=ref,
        )
    return t(
        lang,
        "ℹ️ Vandaag is niemand beschikbaar in dit wijkteam; {ref} gaat naar {naam}.",
        ref=ref,
        naam=holder.display_name,
    )
