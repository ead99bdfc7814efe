"""/rooster (the week, and for a teamleider or beheerder the editor) and /afwezig."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes, ConversationHandler, MessageHandler

from bot.dates import parse_period
from bot.errors import NOT_ALLOWED
from bot.i18n import N_
from bot.rights import Action, may, roles_of
from bot.services import roster

if TYPE_CHECKING:
    from bot.services.roster import DayEdit, TeamRoster
from handlers.flows import (
    ASKED,
    END,
    TEXT,
    ask,
    button,
    clear_asked,
    clear_buttons,
    conversation,
    draft,
    drop_buttons,
    stopper,
    typed_choice,
    typed_text,
    with_first_names,
)
from handlers.guards import domain_errors, pressed, pressed_by, registered
from handlers.runtime import call, language, reply, runtime, user_data
from handlers.views.callbacks import (
    AbsenceChoice,
    AbsenceFor,
    AbsenceWhen,
    RosterDay,
    RosterDayReset,
    RosterDayToggle,
    RosterDone,
    RosterEdit,
    RosterTeam,
    RosterToggle,
    RosterWeek,
)
from handlers.views.cards import colleague_label
from handlers.views.keyboards import choice, keyboard, pairs
from handlers.views.notify import deliver
from handlers.views.roster import (
    absence_notice,
    coming_days,
    day_buttons,
    day_text,
    editor_buttons,
    editor_text,
    team_buttons,
    week_buttons,
    week_text,
)
from handlers.views.text import label, t

ABSENCE, WHO = 30, 31
KEY = "afwezig"
WHO_KEY = "wie"  # in the draft: the button labels offered, with telegram id and name
TARGET_KEY = "voor"  # in the draft: the colleague (user id, name); absent: yourself
SELF_KEY = "zelf"  # in the draft: your own user id and name


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
    """Rooster wijzigen: which wijkteam? (in the same message)"""
    found = await pressed_by(update, context, RosterEdit)
    if found is None or update.callback_query is None:
        return
    user, _ = found
    teams = await call(context, roster.roster_wijkteams, user.telegram_id)
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(
        t(user.language, "Welk wijkteam wil je aanpassen?"), reply_markup=team_buttons(user.language, teams)
    )


async def _show_editor(
    update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str, current: TeamRoster
) -> None:
    assert update.callback_query is not None
    days = coming_days(runtime(context).deps.calendar, runtime(context).deps.today())
    await update.callback_query.edit_message_text(
        editor_text(lang, current), reply_markup=editor_buttons(lang, current, days)
    )


@domain_errors(alert=True)
async def roster_team(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A wijkteam: its weekly editor, in the same message."""
    found = await pressed_by(update, context, RosterTeam)
    if found is None or update.callback_query is None:
        return
    user, picked = found
    current = await call(context, roster.team_roster, user.telegram_id, picked.wijkteam)
    await update.callback_query.answer()
    await _show_editor(update, context, user.language, current)


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
    await _show_editor(update, context, user.language, current)


@domain_errors(alert=True)
async def roster_done(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Klaar: the editor becomes this week's roster again, with any gaps."""
    found = await pressed_by(update, context, RosterDone)
    if found is None or update.callback_query is None:
        return
    user, _ = found
    week = await call(context, roster.week_overview, user.telegram_id)
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(
        week_text(user.language, week), reply_markup=week_buttons(user.language, week)
    )


@domain_errors(alert=True)
async def roster_day(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Alleen <dag>: who is on duty in the wijkteam that date, to change for that day only."""
    found = await pressed_by(update, context, RosterDay)
    if found is None or update.callback_query is None:
        return
    user, picked = found
    edit = await call(context, roster.day_roster, user.telegram_id, picked.wijkteam, picked.day)
    await update.callback_query.answer()
    await _show_day(update, user.language, edit)


@domain_errors(alert=True)
async def roster_day_toggle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A colleague in the day editor: on or off duty that date."""
    found = await pressed_by(update, context, RosterDayToggle)
    if found is None or update.callback_query is None:
        return
    user, picked = found
    edit = await call(
        context,
        roster.toggle_day_duty,
        user.telegram_id,
        wijkteam=picked.wijkteam,
        day=picked.day,
        user_id=picked.user_id,
    )
    await update.callback_query.answer(label(user.language, "Opgeslagen"))
    await _show_day(update, user.language, edit)


@domain_errors(alert=True)
async def roster_day_reset(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Vast rooster: the date follows the weekly roster again."""
    found = await pressed_by(update, context, RosterDayReset)
    if found is None or update.callback_query is None:
        return
    user, picked = found
    edit = await call(context, roster.reset_day, user.telegram_id, wijkteam=picked.wijkteam, day=picked.day)
    await update.callback_query.answer(label(user.language, "Opgeslagen"))
    await _show_day(update, user.language, edit)


async def _show_day(update: Update, lang: str, edit: DayEdit) -> None:
    assert update.callback_query is not None
    await update.callback_query.edit_message_text(day_text(lang, edit), reply_markup=day_buttons(lang, edit))


async def start_absence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/afwezig: for whom (teamleider, beheerder), then when?"""
    user = await registered(update, context)
    if user is None:
        return END
    lang = user.language
    roles = roles_of(user.role, user.beheerder)
    for_self, for_others = may(roles, Action.REGISTER_ABSENCE), may(roles, Action.MANAGE_ROSTER)
    if not (for_self or for_others):
        await reply(update, context, t(lang, NOT_ALLOWED))
        return END
    user_data(context)[KEY] = {}
    if not for_others:
        return await _ask_when(update, context, lang, None)
    colleagues = await call(context, roster.absence_candidates, user.telegram_id)
    people = [(N_("Mezelf"), user)] if for_self else []
    people += [(colleague_label(lang, c, absent=False), c) for c in colleagues]
    draft(context, KEY)[WHO_KEY] = {
        (label(lang, name) if who is user else name): (who.id, who.display_name) for name, who in people
    }
    draft(context, KEY)[SELF_KEY] = (user.id, user.display_name)
    await _ask_who(update, context, lang)
    return WHO


async def _ask_who(update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str) -> None:
    people: dict[str, tuple[int, str]] = draft(context, KEY)[WHO_KEY]
    buttons = [(name, AbsenceFor(user_id)) for name, (user_id, _) in people.items()]
    await ask(update, context, KEY, t(lang, "Wie is er afwezig?"), keyboard(pairs(buttons, 1)))


@domain_errors(WHO)
async def absence_for(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A colleague (or Mezelf) was pressed."""
    picked = await pressed(update, context, AbsenceFor)
    if picked is None:
        return WHO
    await clear_buttons(update)
    draft(context, KEY).pop(ASKED, None)
    return await _chosen(update, context, picked.user_id)


@domain_errors(WHO)
async def absence_for_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A name typed instead of pressed: the colleague of that name, else the question again."""
    lang = language(context)
    people: dict[str, tuple[int, str]] = draft(context, KEY)[WHO_KEY]
    found = typed_choice(
        update, lang, with_first_names([(name, user_id) for name, (user_id, _) in people.items()])
    )
    if found is None:
        await clear_asked(update, context, KEY)
        await reply(update, context, t(lang, "Kies wie er afwezig is met een van de knoppen."))
        await _ask_who(update, context, lang)
        return WHO
    await clear_asked(update, context, KEY)
    return await _chosen(update, context, found)


async def _chosen(update: Update, context: ContextTypes.DEFAULT_TYPE, user_id: int) -> int:
    people: dict[str, tuple[int, str]] = draft(context, KEY)[WHO_KEY]
    names = dict(people.values())
    if user_id not in names:  # a button of an earlier question
        await reply(update, context, t(language(context), "Kies wie er afwezig is met een van de knoppen."))
        await _ask_who(update, context, language(context))
        return WHO
    if user_id != draft(context, KEY)[SELF_KEY][0]:
        draft(context, KEY)[TARGET_KEY] = (user_id, names[user_id])
    return await _ask_when(update, context, language(context), draft(context, KEY).get(TARGET_KEY))


async def _ask_when(
    update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str, target: tuple[int, str] | None
) -> int:
    buttons = [
        (N_("Vandaag"), AbsenceChoice(AbsenceWhen.VANDAAG)),
        (N_("Morgen"), AbsenceChoice(AbsenceWhen.MORGEN)),
        (N_("Rest van de week"), AbsenceChoice(AbsenceWhen.REST_VAN_DE_WEEK)),
    ]
    example = t(lang, "Kies een knop of typ een datum of periode, bijvoorbeeld 7-12 t/m 11-12-2026.")
    question = (
        t(lang, "Wanneer ben je afwezig?")
        if target is None
        else t(lang, "Wanneer is {naam} afwezig?", naam=target[1])
    )
    await ask(update, context, KEY, question + " " + example, choice(lang, buttons, 3))
    return ABSENCE


@domain_errors(ABSENCE)
async def absence_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Vandaag / Morgen / Rest van de week."""
    picked = await pressed(update, context, AbsenceChoice)
    if picked is None:
        return ABSENCE
    await clear_buttons(update)
    draft(context, KEY).pop(ASKED, None)
    rt = runtime(context)
    today = rt.deps.today()
    if picked.when is AbsenceWhen.REST_VAN_DE_WEEK:  # on a weekend: the coming week
        first = rt.deps.calendar.next_working_day(today, include_self=True)
        return await _register(update, context, first, first + timedelta(days=max(0, 4 - first.weekday())))
    day = today + timedelta(days=int(picked.when.value))
    return await _register(update, context, day, day)


@domain_errors(ABSENCE)
async def absence_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A typed date or period."""
    first, last = parse_period(typed_text(update), runtime(context).deps.today())
    asked = draft(context, KEY).get(ASKED)
    state = await _register(update, context, first, last)  # a period it cannot use asks again
    await drop_buttons(update, context, asked)
    return state


async def _register(update: Update, context: ContextTypes.DEFAULT_TYPE, first: date, last: date) -> int:
    assert update.effective_user is not None
    lang = language(context)
    target: tuple[int, str] | None = draft(context, KEY).get(TARGET_KEY)
    reporter = draft(context, KEY).get(SELF_KEY, (None, ""))[1]
    by = update.effective_user.id
    absent = await call(
        context,
        roster.register_absence,
        by,
        first_day=first,
        last_day=last,
        user_id=None if target is None else target[0],
    )
    user_data(context).pop(KEY, None)
    if target is None:
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
    text = (
        t(lang, "Genoteerd: {naam} is afwezig op {van}.", naam=absent.display_name, van=first)
        if first == last
        else t(
            lang,
            "Genoteerd: {naam} is afwezig van {van} tot en met {tot}.",
            naam=absent.display_name,
            van=first,
            tot=last,
        )
    )
    told = await deliver(context.bot, absent, absence_notice(absent.language, reporter, first, last))
    await reply(
        update,
        context,
        text
        + "\n"
        + t(lang, "Nieuwe meldingen en vragen gaan in die tijd naar collega's.")
        + "\n"
        + (
            t(lang, "{naam} heeft hierover een bericht gekregen.", naam=absent.display_name)
            if told
            else t(lang, "{naam} kon hierover geen bericht krijgen.", naam=absent.display_name)
        ),
    )
    return END


cancel = stopper(KEY)


def absence_conversation() -> ConversationHandler[Any]:
    """/afwezig: a button or a typed date or period."""
    return conversation(
        "afwezig",
        [CommandHandler("afwezig", start_absence)],
        {
            WHO: [button(absence_for, AbsenceFor), MessageHandler(TEXT, absence_for_text)],
            ABSENCE: [button(absence_button, AbsenceChoice), MessageHandler(TEXT, absence_text)],
        },
        cancel,
    )
