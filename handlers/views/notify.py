"""Sending to people: long texts split, a colleague who blocked the bot logged (not raised), and
the messages that tell holder, teamleiders and sender about an item."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import Forbidden, TelegramError

from bot.config import AppConfig
from bot.services.dossiers import Answered, HandedOver, Recorded
from bot.vocabulary import Milestone
from handlers.views.cards import closing_reason, dossier_notification, vraag_notification
from handlers.views.keyboards import new_item_buttons, open_dossier_button
from handlers.views.text import escape, split_message, t

if TYPE_CHECKING:
    from bot.models import Deadline, Dossier, User, Vraag
    from bot.services.intake import Routed

logger = logging.getLogger(__name__)


async def send(bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    """Send an HTML text, split when longer than Telegram allows; buttons go on the last part."""
    parts = split_message(text)
    message: Message | None = None
    for i, part in enumerate(parts):
        message = await bot.send_message(chat_id, part, reply_markup=markup if i == len(parts) - 1 else None)
    assert message is not None
    return message


async def deliver(bot: Bot, user: User, text: str, markup: InlineKeyboardMarkup | None = None) -> bool:
    """Send to a colleague; a blocked bot or other Telegram refusal is logged, not raised."""
    try:
        await send(bot, user.telegram_id, text, markup)
        return True
    except Forbidden:
        logger.warning("user %s has blocked the bot", user.id)
    except TelegramError as exc:
        logger.warning("delivery to user %s failed: %s", user.id, type(exc).__name__)
    return False


def _fallthrough_line(lang: str, ref: str, routed: Routed) -> str:
    """Why the teamleider hears of a new item: nobody on the roster, or the holder starts later."""
    holder, decision = routed.assignee, routed.decision
    if holder is None or decision.day is None:
        return t(
            lang,
            "⚠️ Niemand staat de komende werkdagen op het rooster. Wil jij {ref} oppakken of overdragen?",
            ref=ref,
        )
    if decision.after_hours:
        return t(
            lang,
            "ℹ️ {ref} kwam buiten werktijd binnen; {naam} pakt het op vanaf {datum}.",
            ref=ref,
            naam=holder.display_name,
            datum=decision.day,
        )
    return t(
        lang,
        "ℹ️ Vandaag is niemand beschikbaar; {naam} pakt {ref} op vanaf {datum}.",
        ref=ref,
        naam=holder.display_name,
        datum=decision.day,
    )


async def _announce(
    bot: Bot,
    ref: str,
    is_vraag: bool,
    routed: Routed,
    card: Callable[[str], str],
) -> None:
    """The holder gets the card (in their language) with buttons; teamleiders are told when
    routing fell through, or the holder starts on a later day."""
    holder = routed.assignee
    if holder is not None:
        await deliver(bot, holder, card(holder.language), new_item_buttons(holder.language, ref, is_vraag))
    for leader in routed.teamleiders:
        if holder is not None and leader.id == holder.id:
            continue
        lang = leader.language
        head = _fallthrough_line(lang, ref, routed)
        await deliver(bot, leader, f"{head}\n\n{card(lang)}", new_item_buttons(lang, ref, is_vraag))


async def announce_dossier(
    bot: Bot,
    config: AppConfig,
    dossier: Dossier,
    team: str,
    routed: Routed,
    first: Deadline | None,
    sender: User | None,
    today: date | None = None,
) -> None:
    """A new dossier: its card to the holder, and to the teamleiders when routing fell through
    (with a warning when its first termijn has already passed on `today`)."""
    await _announce(
        bot,
        dossier.ref,
        False,
        routed,
        lambda lang: dossier_notification(lang, config, dossier, team, first, sender, today),
    )


async def announce_vraag(
    bot: Bot,
    vraag: Vraag,
    team: str,
    routed: Routed,
    asker: User | None,
    due: Deadline | None,
) -> None:
    """Like announce_dossier, for a schuldvraag."""
    due_date = due.due_date if due else None
    await _announce(
        bot,
        vraag.ref,
        True,
        routed,
        lambda lang: vraag_notification(lang, vraag, team, asker, due_date),
    )


async def tell_new_holder(bot: Bot, config: AppConfig, by: User, moved: HandedOver) -> None:
    """The colleague who got an item: who handed it over, its card, and the buttons that fit."""
    new, lang = moved.new, moved.new.language
    head = t(lang, "↪️ {naam} heeft {ref} aan jou overgedragen.", naam=by.display_name, ref=moved.ref)
    if moved.dossier is not None:
        body = dossier_notification(lang, config, moved.dossier, moved.wijkteam, moved.first, moved.sender)
        # Already picked up: the new holder goes straight to the dossier; otherwise they pick it up.
        buttons = (
            open_dossier_button(lang, moved.ref)
            if moved.dossier.acknowledged_at is not None
            else new_item_buttons(lang, moved.ref, is_vraag=False)
        )
        await deliver(bot, new, f"{head}\n\n{body}", buttons)
    elif moved.vraag is not None:
        body = vraag_notification(lang, moved.vraag, moved.wijkteam, moved.asker, None)
        await deliver(bot, new, f"{head}\n\n{body}", new_item_buttons(lang, moved.ref, is_vraag=True))


async def tell_about_hand_over(bot: Bot, by: User, moved: HandedOver) -> None:
    """The sender of the item and its previous holder hear who has it now (not whoever did it)."""
    told = {by.id, moved.new.id}
    sender, previous = moved.sender, moved.previous
    if sender is not None and sender.id not in told and sender.active:
        told.add(sender.id)
        text = t(
            sender.language, "{ref} is overgedragen aan {naam}.", ref=moved.ref, naam=moved.new.display_name
        )
        await deliver(bot, sender, text)
    if previous is not None and previous.id not in told and previous.active:
        text = t(
            previous.language,
            "{door} heeft {ref} overgedragen aan {naam}; je hoeft er niets meer mee te doen.",
            door=by.display_name,
            ref=moved.ref,
            naam=moved.new.display_name,
        )
        await deliver(bot, previous, text)


async def tell_sender_of_step(bot: Bot, recorded: Recorded, day: date) -> None:
    """The colleague who sent the melding hears of the first contact and of the closing (with its
    reason, so the wijkteam can follow up); one short message each."""
    sender, by = recorded.sender, recorded.by
    if sender is None or (by is not None and sender.id == by.id) or not sender.active:
        return
    lang, ref = sender.language, recorded.dossier.ref
    if Milestone.AFGESLOTEN in recorded.kinds:
        reason = closing_reason(recorded.dossier)
        text = (
            t(lang, "{ref} is afgesloten op {datum}: {reden}.", ref=ref, datum=day, reden=reason)
            if reason is not None
            else t(lang, "{ref} is afgesloten op {datum}.", ref=ref, datum=day)
        )
        await deliver(bot, sender, text)
    elif Milestone.EERSTE_CONTACT in recorded.kinds:
        await deliver(
            bot, sender, t(lang, "{ref}: eerste contact met de inwoner op {datum}.", ref=ref, datum=day)
        )


def answer_relay(answered: Answered) -> str:
    """The answer as the asker gets it, their question quoted."""
    lang = answered.asker.language
    return "\n".join(
        [
            t(lang, "💬 Antwoord op je vraag <b>{ref}</b>", ref=answered.vraag.ref),
            f"<blockquote>{escape(answered.vraag.text or '')}</blockquote>",
            escape(answered.vraag.answer or ""),
            t(lang, "— {wie}", wie=answered.answered_by.display_name),
        ]
    )
