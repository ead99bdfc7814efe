"""/melding: category, wijkteam, meldingsdatum (RIS date and number), description, confirmation."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from telegram import Update
from telegram.ext import ContextTypes, ConversationHandler

from bot.errors import DomainError
from bot.i18n import Text
from bot.models import Wijkteam
from bot.rights import Action
from bot.services import intake
from bot.vocabulary import Category
from handlers.cards import norm_name, routed_line
from handlers.common import (
    day_buttons,
    day_from_button,
    day_from_text,
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
from handlers.notify import announce_dossier
from handlers.start import active_user

CATEGORY, WIJKTEAM, DATE, RIS, DESCRIPTION, CONFIRM = range(6)
KEY = "melding"


def _draft(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    assert context.user_data is not None
    draft = context.user_data.setdefault(KEY, {})
    assert isinstance(draft, dict)
    return draft


def _lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    return str(_draft(context).get("lang", "nl"))


async def start_melding(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/melding: check the role, then ask the category."""
    user = await active_user(update, context, Action.SUBMIT_MELDING)
    if user is None:
        return ConversationHandler.END
    assert context.user_data is not None
    context.user_data[KEY] = {
        "lang": user.language,
        "own_team": user.wijkteam.code if user.wijkteam else None,
    }
    lang = user.language
    buttons = [(label(lang, c.label), f"mc:{c.value}") for c in Category]
    await reply(update, context, t(lang, "Nieuwe melding. Welke soort?"), keyboard(pairs(buttons, 1)))
    return CATEGORY


async def pick_category(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Category button: then the wijkteam."""
    lang = _lang(update, context)
    parts = await pressed(update, "mc", 1, lang, lambda p: p[0] in {c.value for c in Category})
    if parts is None:
        return CATEGORY
    assert update.callback_query is not None
    await update.callback_query.answer()
    draft = _draft(context)
    draft["category"] = parts[0]
    async with session_for(context) as session:
        teams = list(
            await session.scalars(select(Wijkteam).where(Wijkteam.actief.is_(True)).order_by(Wijkteam.id))
        )
    own = draft.get("own_team")
    teams.sort(key=lambda w: w.code != own)
    buttons = [((w.naam + " ✓") if w.code == own else w.naam, f"mw:{w.code}") for w in teams]
    await update.callback_query.edit_message_text(
        t(lang, "Soort: {soort}. Voor welk wijkteam?", soort=Text(Category(parts[0]).label)),
        reply_markup=keyboard(pairs(buttons, 1)),
    )
    return WIJKTEAM


async def pick_wijkteam(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Wijkteam button: then the date."""
    lang = _lang(update, context)
    parts = await pressed(update, "mw", 1, lang)
    if parts is None:
        return WIJKTEAM
    assert update.callback_query is not None
    await update.callback_query.answer()
    draft = _draft(context)
    draft["wijkteam"] = parts[0]
    question = (
        t(lang, "Wat is de datum van de melding in RIS?")
        if draft["category"] == Category.VROEGSIGNALERING
        else t(lang, "Wat is de meldingsdatum?")
    )
    await update.callback_query.edit_message_text(
        question + "\n" + t(lang, "Kies een knop of typ een datum, bijvoorbeeld 3-12-2026."),
        reply_markup=day_buttons(lang, "md"),
    )
    return DATE


async def _accept_date(update: Update, context: ContextTypes.DEFAULT_TYPE, day: date) -> int:
    lang = _lang(update, context)
    rt = runtime(context)
    try:
        intake.validate_meldingsdatum(rt.deps, day)
    except DomainError as err:
        await reply_error(update, context, err, lang)
        return DATE
    draft = _draft(context)
    draft["date"] = day.isoformat()
    if draft["category"] == Category.VROEGSIGNALERING:
        await reply(
            update,
            context,
            t(lang, "Wat is het RIS-nummer? Typ het, of kies Overslaan."),
            keyboard([[(label(lang, "Overslaan"), "mr:skip")]]),
        )
        return RIS
    return await _ask_description(update, context)


async def date_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Vandaag / Gisteren."""
    day = await day_from_button(update, "md", _lang(update, context), runtime(context).deps.today())
    return DATE if day is None else await _accept_date(update, context, day)


async def date_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A typed date."""
    day = await day_from_text(update, context, _lang(update, context), runtime(context).deps.today())
    return DATE if day is None else await _accept_date(update, context, day)


async def ris_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The RIS number, checked before we go on."""
    lang = _lang(update, context)
    assert update.message is not None and update.message.text is not None
    try:
        ris = intake.validate_ris_nummer(Category.VROEGSIGNALERING, update.message.text)
    except DomainError as err:
        await reply_error(update, context, err, lang)
        return RIS
    _draft(context)["ris"] = ris
    return await _ask_description(update, context)


async def ris_skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """No RIS number."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    return await _ask_description(update, context)


async def _ask_description(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    lang = _lang(update, context)
    await reply(
        update,
        context,
        t(
            lang,
            "Beschrijf de situatie kort (bijvoorbeeld: huurachterstand 3 maanden). Zet er geen namen, "
            "adressen, BSN of andere persoonsgegevens in. Of kies Overslaan.",
        ),
        keyboard([[(label(lang, "Overslaan"), "mo:skip")]]),
    )
    return DESCRIPTION


async def description_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The description, screened for personal data right away."""
    lang = _lang(update, context)
    assert update.message is not None and update.message.text is not None
    try:
        text = intake.clean_text(update.message.text, intake.MAX_DESCRIPTION, required=False)
    except DomainError as err:
        await reply_error(update, context, err, lang)
        return DESCRIPTION
    _draft(context)["description"] = text
    return await _confirm(update, context)


async def description_skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """No description."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    return await _confirm(update, context)


async def _confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    lang = _lang(update, context)
    draft = _draft(context)
    async with session_for(context) as session:
        team = await session.scalar(select(Wijkteam.naam).where(Wijkteam.code == draft["wijkteam"]))
    lines = [
        t(lang, "<b>Klopt dit?</b>"),
        t(lang, "Soort: {soort}", soort=Text(Category(draft["category"]).label)),
        t(lang, "Wijkteam: {wijkteam}", wijkteam=team or draft["wijkteam"]),
        t(lang, "Meldingsdatum: {datum}", datum=date.fromisoformat(draft["date"])),
    ]
    if draft.get("ris"):
        lines.append(t(lang, "RIS-nummer: {nr}", nr=draft["ris"]))
    if draft.get("description"):
        lines.append(t(lang, "Omschrijving: {tekst}", tekst=draft["description"]))
    buttons = [[(label(lang, "Versturen"), "mk:send"), (label(lang, "Annuleren"), "mk:stop")]]
    await reply(update, context, "\n".join(lines), keyboard(buttons))
    return CONFIRM


async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Versturen: open the dossier, route it, tell everyone; Annuleren: stop."""
    lang = _lang(update, context)
    parts = await pressed(update, "mk", 1, lang, lambda p: p[0] in ("send", "stop"))
    if parts is None:
        return CONFIRM
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    await query.answer()
    await query.edit_message_reply_markup(None)
    if parts[0] == "stop":
        return await cancel(update, context)
    draft = _draft(context)
    rt = runtime(context)
    try:
        async with session_for(context) as session:
            result = await intake.create_melding(
                session,
                rt.deps,
                update.effective_user.id,
                category=Category(draft["category"]),
                meldingsdatum=date.fromisoformat(draft["date"]),
                description=draft.get("description"),
                wijkteam=draft["wijkteam"],
                ris_nummer=draft.get("ris"),
            )
    except DomainError as err:
        await reply_error(update, context, err, lang)
        return CONFIRM
    assert context.user_data is not None
    context.user_data.pop(KEY, None)
    lines = [
        t(lang, "✅ Melding verstuurd: <b>{ref}</b>", ref=result.dossier.ref),
        routed_line(lang, result.routed, rt.deps.today()),
    ]
    first = result.first_deadline
    if first is not None and first.due_date is not None:
        lines.append(
            t(
                lang,
                "Eerste termijn ({norm}): uiterlijk {datum}.",
                norm=norm_name(rt.deps.config, first.norm),
                datum=first.due_date,
            )
        )
    await reply(update, context, "\n".join(lines))
    await announce_dossier(
        context,
        result.dossier,
        result.wijkteam.naam,
        result.routed.assignee,
        first,
        result.sender,
        result.routed.teamleiders,
    )
    return ConversationHandler.END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/annuleer or Annuleren: nothing is stored."""
    lang = _lang(update, context)
    assert context.user_data is not None
    context.user_data.pop(KEY, None)
    await reply(update, context, t(lang, "Gestopt. Er is niets opgeslagen."))
    return ConversationHandler.END


async def timed_out(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """No answer for too long: end cleanly and say so."""
    lang = _lang(update, context)
    assert context.user_data is not None
    context.user_data.pop(KEY, None)
    await reply(
        update,
        context,
        t(
            lang,
            "Je melding is gestopt omdat het te lang stil bleef. Er is niets opgeslagen; "
            "begin opnieuw met /melding.",
        ),
    )
    return ConversationHandler.END
