"""/rooster (the week, and for a teamleider or beheerder the editor) and /afwezig."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes, ConversationHandler, MessageHandler

from bot.dates import parse_period
from bot.i18n import N_
from bot.rights import Action
from bot.services import roster
from handlers.flows import END, TEXT, begin, button, clear_buttons, conversation, stopper, typed_text
from handlers.guards import domain_errors, pressed, pressed_by, registered
from handlers.runtime import call, language, reply, runtime, user_data
from handlers.views.callbacks import (
    AbsenceChoice,
    AbsenceWhen,
    RosterEdit,
    RosterTeam,
    RosterToggle,
    RosterWeek,
)
from handlers.views.keyboards import choice
from handlers.views.roster import editor_buttons, editor_text, team_buttons, week_buttons, week_text
from handlers.views.text import label, t

ABSENCE = 30
KEY = "afwezig"


@domain_errors()
async def show_roster(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/rooster: this week's roster; editable for teamleider and beheerder."""
    user = await registered(update, context, Action.VIEW_ROSTER)
    if user is None:
        return
    week = await call(context, roster.week_overview, user.telegram_id)
    await reply(update, context, week_text(user.language, week), week_buttons(user.language, week))


@domain_errors(alert=True)
async def roster_week(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """◀ Vorige week / Volgende week ▶: the same message shows the other week."""
    found = await pressed_by(update, context, RosterWeek)
    if found is None or update.callback_query is None:
        return
    user, picked = found
    week = await call(context, roster.week_overview, user.telegram_id, picked.monday)
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(
        week_text(user.language, week), reply_markup=week_buttons(user.language, week)
    )


@domain_errors(alert=True)
async def roster_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Rooster wijzigen: which wijkteam?"""
    found = await pressed_by(update, context, RosterEdit)
    if found is None or update.callback_query is None:
        return
    user, _ = found
    teams = await call(context, roster.roster_wijkteams, user.telegram_id)
    await update.callback_query.answer()
    await reply(update, context, t(user.language, "Welk wijkteam wil je aanpassen?"), team_buttons(teams))


@domain_errors(alert=True)
async def roster_team(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A wijkteam: its editor, in a new message."""
    found = await pressed_by(update, context, RosterTeam)
    if found is None or update.callback_query is None:
        return
    user, picked = found
    current = await call(context, roster.team_roster, user.telegram_id, picked.wijkteam)
    await update.callback_query.answer()
    await reply(update, context, editor_text(user.language, current), editor_buttons(user.language, current))


@domain_errors(alert=True)
async def roster_toggle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A weekday in the editor: on or off duty; the grid is updated in place."""
    found = await pressed_by(update, context, RosterToggle)
    if found is None or update.callback_query is None:
        return
    user, picked = found
    current = await call(
        context,
        roster.toggle_weekly_duty,
        user.telegram_id,
        wijkteam=picked.wijkteam,
        weekday=picked.weekday,
        user_id=picked.user_id,
    )
    await update.callback_query.answer(label(user.language, "Opgeslagen"))
    await update.callback_query.edit_message_reply_markup(editor_buttons(user.language, current))


async def start_absence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/afwezig: when?"""
    user = await begin(update, context, KEY, Action.REGISTER_ABSENCE)
    if user is None:
        return END
    lang = user.language
    buttons = [
        (N_("Vandaag"), AbsenceChoice(AbsenceWhen.VANDAAG)),
        (N_("Morgen"), AbsenceChoice(AbsenceWhen.MORGEN)),
        (N_("Rest van de week"), AbsenceChoice(AbsenceWhen.REST_VAN_DE_WEEK)),
    ]
    await reply(
        update,
        context,
        t(
            lang,
            "Wanneer ben je afwezig? Kies een knop of typ een datum of periode, "
            "bijvoorbeeld 7-12 t/m 11-12-2026.",
        ),
        choice(lang, buttons, 3),
    )
    return ABSENCE


@domain_errors(ABSENCE)
async def absence_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Vandaag / Morgen / Rest van de week."""
    picked = await pressed(update, context, AbsenceChoice)
    if picked is None:
        return ABSENCE
    await clear_buttons(update)
    today = runtime(context).deps.today()
    if picked.when is AbsenceWhen.REST_VAN_DE_WEEK:
        return await _register(update, context, today, today + timedelta(days=max(0, 4 - today.weekday())))
    day = today + timedelta(days=int(picked.when.value))
    return await _register(update, context, day, day)


@domain_errors(ABSENCE)
async def absence_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A typed date or period."""
    first, last = parse_period(typed_text(update), runtime(context).deps.today())
    return await _register(update, context, first, last)


async def _register(update: Update, context: ContextTypes.DEFAULT_TYPE, first: date, last: date) -> int:
    assert update.effective_user is not None
    lang = language(context)
    await call(context, roster.register_absence, update.effective_user.id, first_day=first, last_day=last)
    user_data(context).pop(KEY, None)
    text = (
        t(lang, "Genoteerd: je bent afwezig op {van}.", van=first)
        if first == last
        else t(lang, "Genoteerd: je bent afwezig van {van} tot en met {tot}.", van=first, tot=last)
    )
    await reply(
        update,
        context,
        text + "\n" + t(lang, "Nieuwe meldingen en vragen gaan in die tijd naar je collega's."),
    )
    return END


cancel = stopper(KEY)


def absence_conversation() -> ConversationHandler[Any]:
    """/afwezig: a button or a typed date or period."""
    return conversation(
        "afwezig",
        [CommandHandler("afwezig", start_absence)],
        {ABSENCE: [button(absence_button, AbsenceChoice), MessageHandler(TEXT, absence_text)]},
        cancel,
    )
