"""/blokkeren (beheerder): block or unblock a colleague, after a confirmation; the teamleiders are
told which open items now wait for them. And telling the teamleiders and beheerders when one of
their own joins."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import N_, Text
from bot.rights import Action
from bot.services import users
from bot.vocabulary import Role
from handlers.guards import answer_stale, domain_errors, pressed_by, registered
from handlers.runtime import call, reply
from handlers.views.callbacks import AccountCancel, AccountChoice, AccountConfirm
from handlers.views.keyboards import keyboard, pairs
from handlers.views.notify import deliver
from handlers.views.text import label, t

if TYPE_CHECKING:
    from bot.models import User


def _who(lang: str, user: User) -> str:
    return t(lang, "{naam} ({rol})", naam=user.display_name, rol=Text(Role(user.role).label))


@domain_errors()
async def show_accounts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/blokkeren: every colleague with a button to block or unblock them."""
    user = await registered(update, context, Action.MANAGE_USERS)
    if user is None:
        return
    lang = user.language
    people = [p for p in await call(context, users.accounts, user.telegram_id) if p.id != user.id]
    buttons = [
        (("🚫 " if p.active else "✅ ") + p.display_name, AccountChoice(p.id, block=p.active)) for p in people
    ]
    await reply(
        update,
        context,
        t(lang, "Wie wil je blokkeren (🚫) of weer toelaten (✅)?"),
        keyboard(pairs(buttons)) if buttons else None,
    )


@domain_errors(alert=True)
async def choose_account(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A colleague: ask for confirmation."""
    found = await pressed_by(update, context, AccountChoice)
    if found is None or update.callback_query is None:
        return
    user, picked = found
    lang = user.language
    people = {p.id: p for p in await call(context, users.accounts, user.telegram_id)}
    target = people.get(picked.user_id)
    if target is None:  # an old or forged button: the colleague is gone
        await answer_stale(update, lang)
        return
    await update.callback_query.answer()
    question = (
        N_("{wie} blokkeren? De open zaken van deze collega gaan naar de teamleiders om te verdelen.")
        if picked.block
        else N_("{wie} weer toelaten?")
    )
    confirm = label(lang, "Ja, blokkeren") if picked.block else label(lang, "Ja, toelaten")
    await reply(
        update,
        context,
        t(lang, question, wie=_who(lang, target)),
        keyboard(
            [
                [
                    (confirm, AccountConfirm(target.id, picked.block)),
                    (label(lang, "Annuleren"), AccountCancel()),
                ]
            ]
        ),
    )


@domain_errors(alert=True)
async def confirm_account(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Yes: block or unblock; tell the teamleiders which items wait for them."""
    found = await pressed_by(update, context, AccountConfirm)
    if found is None or update.callback_query is None:
        return
    user, picked = found
    change = await call(context, users.change_account, user.telegram_id, picked.user_id, not picked.block)
    lang, target = user.language, change.user
    if not change.changed:  # a second tap: the first answer (and its count) stays as it was
        already = N_("{wie} is al geblokkeerd.") if picked.block else N_("{wie} kan de bot al gebruiken.")
        await update.callback_query.answer(t(lang, already, wie=_who(lang, target)))
        return
    await update.callback_query.answer()
    if picked.block:
        done = t(
            lang,
            "{wie} is geblokkeerd. Open zaken naar de teamleiders: {n}.",
            wie=_who(lang, target),
            n=str(len(change.released)),
        )
    else:
        done = t(lang, "{wie} kan de bot weer gebruiken.", wie=_who(lang, target))
    await update.callback_query.edit_message_text(done)
    if picked.block and change.released:
        for leader in change.teamleiders:
            await deliver(
                context.bot,
                leader,
                t(
                    leader.language,
                    "{wie} is geblokkeerd. Deze zaken hebben nu geen behandelaar; draag ze over: {zaken}",
                    wie=_who(leader.language, target),
                    zaken=", ".join(change.released),
                ),
            )


async def cancel_account(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Annuleren: nothing changes."""
    found = await pressed_by(update, context, AccountCancel)
    if found is None or update.callback_query is None:
        return
    user, _ = found
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(t(user.language, "Niets gewijzigd."))


async def tell_overseers(context: ContextTypes.DEFAULT_TYPE, newcomer: User) -> None:
    """A new teamleider or beheerder: the others hear who joined. A Telegram name that held personal
    data and was replaced: the beheerders hear it."""
    for beheerder in await call(context, users.beheerders_told_of, newcomer.telegram_id):
        await deliver(
            context.bot,
            beheerder,
            t(
                beheerder.language,
                "ℹ️ De Telegram-naam van een nieuwe collega leek persoonsgegevens te bevatten en is niet "
                "bewaard; de bot noemt deze collega '{naam}'.",
                naam=newcomer.display_name,
            ),
        )
    for person in await call(context, users.overseers, newcomer.telegram_id):
        await deliver(
            context.bot,
            person,
            t(person.language, "ℹ️ Nieuw geregistreerd: {wie}.", wie=_who(person.language, newcomer)),
        )
