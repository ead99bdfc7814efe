"""/rooster (the week, and for a teamleider the editor) and /afwezig."""

from __future__ import annotations

import html
from datetime import date, timedelta

from babel.dates import format_date as babel_format_date
from sqlalchemy import select
from telegram import Update
from telegram.ext import ContextTypes, ConversationHandler

from bot.dates import parse_period
from bot.errors import DomainError
from bot.i18n import N_, Text
from bot.models import User, Wijkteam
from bot.rights import Action, may
from bot.services import roster
from bot.services.common import require, user_roles
from bot.vocabulary import Role
from handlers.common import (
    answer_stale,
    current_user,
    keyboard,
    label,
    pairs,
    pressed,
    reply,
    reply_error,
    runtime,
    session_for,
    t,
)
from handlers.start import active_user

WEEKDAYS = [N_("ma"), N_("di"), N_("wo"), N_("do"), N_("vr")]
ABSENCE = 30
KEY = "afwezig"


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def _week_text(context: ContextTypes.DEFAULT_TYPE, user: User, monday: date) -> str:
    rt = runtime(context)
    async with session_for(context) as session:
        week = await roster.week_roster(session, rt.deps, user.telegram_id, monday)
        teams = {w.code: w.naam for w in await session.scalars(select(Wijkteam))}
    lang = user.language
    lines = [
        t(
            lang,
            "<b>Rooster week {nr}</b> ({van} t/m {tot})",
            nr=str(monday.isocalendar().week),
            van=babel_format_date(week[0].day, "d MMMM", locale=lang),
            tot=babel_format_date(week[-1].day, "d MMMM y", locale=lang),
        )
    ]
    for day in week:
        head = babel_format_date(day.day, "EEEE d MMMM", locale=lang)
        if not day.working_day:
            reason = day.holiday or t(lang, "geen werkdag")
            lines.append(f"<b>{head}</b>: {reason}")
            continue
        if not day.duties:
            lines.append(f"<b>{head}</b>: " + t(lang, "niemand ingeroosterd"))
            continue
        by_team: dict[str, list[str]] = {}
        for team, name, role in day.duties:
            by_team.setdefault(team, []).append(
                t(lang, "{naam} ({rol})", naam=name, rol=Text(Role(role).label))
            )
        people = "; ".join(
            f"{html.escape(teams.get(team, team))}: {', '.join(names)}" for team, names in by_team.items()
        )
        lines.append(f"<b>{head}</b>: {people}")
    return "\n".join(lines)


def _week_buttons(lang: str, monday: date, can_edit: bool):  # type: ignore[no-untyped-def]
    rows = [
        [
            (label(lang, "◀ Vorige week"), f"ro:w:{(monday - timedelta(days=7)).isoformat()}"),
            (label(lang, "Volgende week ▶"), f"ro:w:{(monday + timedelta(days=7)).isoformat()}"),
        ]
    ]
    if can_edit:
        rows.append([(label(lang, "Rooster wijzigen"), "ro:e:-")])
    return keyboard(rows)


async def show_roster(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/rooster: this week's roster; editable for teamleider and beheerder."""
    user = await active_user(update, context)
    if user is None:
        return
    try:
        require(user, Action.VIEW_ROSTER)
        monday = _monday(runtime(context).deps.today())
        text = await _week_text(context, user, monday)
    except DomainError as err:
        await reply_error(update, context, err, user.language)
        return
    can_edit = may(user_roles(user), Action.MANAGE_ROSTER)
    await reply(update, context, text, _week_buttons(user.language, monday, can_edit))


async def roster_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Week navigation and the editor: ro:w:<monday>, ro:e:-, ro:t:<team>, ro:x:<team>:<wd>:<uid>."""
    user = await current_user(update, context)
    query = update.callback_query
    if user is None or not user.active or query is None or not isinstance(query.data, str):
        await answer_stale(update, user.language if user else "nl")
        return
    lang = user.language
    parts = query.data.split(":")
    try:
        if parts[:2] == ["ro", "w"] and len(parts) == 3:
            require(user, Action.VIEW_ROSTER)
            monday = _monday(date.fromisoformat(parts[2]))
            text = await _week_text(context, user, monday)
            await query.answer()
            await query.edit_message_text(
                text, reply_markup=_week_buttons(lang, monday, may(user_roles(user), Action.MANAGE_ROSTER))
            )
        elif parts[:2] == ["ro", "e"] and len(parts) == 3:
            require(user, Action.MANAGE_ROSTER)
            async with session_for(context) as session:
                teams = list(
                    await session.scalars(
                        select(Wijkteam).where(Wijkteam.actief.is_(True)).order_by(Wijkteam.id)
                    )
                )
            await query.answer()
            await reply(
                update,
                context,
                t(lang, "Welk wijkteam wil je aanpassen?"),
                keyboard(pairs([(w.naam, f"ro:t:{w.code}") for w in teams], 1)),
            )
        elif parts[:2] == ["ro", "t"] and len(parts) == 3:
            await query.answer()
            await _editor(update, context, user, parts[2], new_message=True)
        elif parts[:2] == ["ro", "x"] and len(parts) == 5 and parts[3].isdigit() and parts[4].isdigit():
            rt = runtime(context)
            async with session_for(context) as session:
                current = await roster.team_roster(session, rt.deps, user.telegram_id, parts[2])
                slot = (int(parts[3]), int(parts[4]))
                await roster.set_weekly_duty(
                    session,
                    rt.deps,
                    user.telegram_id,
                    wijkteam=parts[2],
                    weekday=slot[0],
                    user_id=slot[1],
                    on_duty=slot not in current.slots,
                )
            await query.answer(label(lang, "Opgeslagen"))
            await _editor(update, context, user, parts[2], new_message=False)
        else:
            await answer_stale(update, lang)
    except (DomainError, ValueError) as err:
        message = (
            err.render(lang) if isinstance(err, DomainError) else label(lang, "Deze knop werkt niet (meer).")
        )
        await query.answer(message, show_alert=True)


async def _editor(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, team: str, *, new_message: bool
) -> None:
    rt = runtime(context)
    async with session_for(context) as session:
        current = await roster.team_roster(session, rt.deps, user.telegram_id, team)
    lang = user.language
    rows = []
    for worker in current.workers:
        row = []
        for wd, day_label in enumerate(WEEKDAYS):
            mark = "✅" if (wd, worker.id) in current.slots else "·"
            row.append((f"{label(lang, day_label)} {mark}", f"ro:x:{team}:{wd}:{worker.id}"))
        rows.append([(worker.display_name, f"ro:t:{team}")])
        rows.append(row)
    text = t(
        lang, "Rooster van {wijkteam}: tik op een dag om iemand aan of af te zetten.", wijkteam=current.naam
    )
    assert update.callback_query is not None
    if new_message:
        await reply(update, context, text, keyboard(rows))
    else:
        await update.callback_query.edit_message_reply_markup(keyboard(rows))


async def start_absence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/afwezig: when?"""
    user = await active_user(update, context, Action.REGISTER_ABSENCE)
    if user is None:
        return ConversationHandler.END
    assert context.user_data is not None
    context.user_data[KEY] = {"lang": user.language}
    lang = user.language
    buttons = [
        [
            (label(lang, "Vandaag"), "af:0"),
            (label(lang, "Morgen"), "af:1"),
            (label(lang, "Rest van de week"), "af:w"),
        ]
    ]
    await reply(
        update,
        context,
        t(
            lang,
            "Wanneer ben je afwezig? Kies een knop of typ een datum of periode, "
            "bijvoorbeeld 7-12 t/m 11-12-2026.",
        ),
        keyboard(buttons),
    )
    return ABSENCE


async def absence_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Vandaag / Morgen / Rest van de week."""
    assert context.user_data is not None
    lang = context.user_data.get(KEY, {}).get("lang", "nl")
    parts = await pressed(update, "af", 1, lang, lambda p: p[0] in ("0", "1", "w"))
    if parts is None:
        return ABSENCE
    assert update.callback_query is not None
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    today = runtime(context).deps.today()
    if parts[0] == "w":
        return await _register(update, context, today, today + timedelta(days=max(0, 4 - today.weekday())))
    day = today + timedelta(days=int(parts[0]))
    return await _register(update, context, day, day)


async def absence_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A typed date or period."""
    assert context.user_data is not None and update.message is not None and update.message.text is not None
    lang = context.user_data.get(KEY, {}).get("lang", "nl")
    try:
        first, last = parse_period(update.message.text, runtime(context).deps.today())
    except DomainError as err:
        await reply_error(update, context, err, lang)
        return ABSENCE
    return await _register(update, context, first, last)


async def _register(update: Update, context: ContextTypes.DEFAULT_TYPE, first: date, last: date) -> int:
    assert context.user_data is not None and update.effective_user is not None
    lang = context.user_data.get(KEY, {}).get("lang", "nl")
    try:
        async with session_for(context) as session:
            await roster.register_absence(
                session, runtime(context).deps, update.effective_user.id, first_day=first, last_day=last
            )
    except DomainError as err:
        await reply_error(update, context, err, lang)
        return ABSENCE
    context.user_data.pop(KEY, None)
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
    return ConversationHandler.END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/annuleer."""
    assert context.user_data is not None
    step = context.user_data.pop(KEY, {})
    await reply(update, context, t(step.get("lang", "nl"), "Gestopt. Er is niets opgeslagen."))
    return ConversationHandler.END
