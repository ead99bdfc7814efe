"""Worker actions: /zaken, /zaak, Oppakken, Overdragen and recording milestones."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from telegram import Update
from telegram.ext import ContextTypes, ConversationHandler

from bot.errors import DomainError, InvalidDate
from bot.i18n import Text
from bot.milestones import NEEDS_CONTACT, NEEDS_REASON, NEEDS_SELF_RELIANT
from bot.models import Dossier, User, Vraag, Wijkteam
from bot.services import dossiers
from bot.vocabulary import (
    CLOSE_REASON_LABELS,
    CONTACT_WAY_LABELS,
    Category,
    CloseReason,
    ContactWay,
    Milestone,
    VraagTopic,
)
from handlers.cards import (
    TOPIC_LABELS,
    deadline_state,
    dossier_buttons,
    dossier_card,
    dossier_notification,
    new_item_buttons,
    norm_name,
    vraag_notification,
)
from handlers.common import (
    current_user,
    day_buttons,
    day_from_button,
    day_from_text,
    keyboard,
    label,
    pairs,
    pressed,
    pressed_by_user,
    reply,
    reply_error,
    runtime,
    session_for,
    t,
    tn,
)
from handlers.notify import deliver
from handlers.start import active_user

MAX_LISTED_BUTTONS = 20

WAY, REACHED, SELF_RELIANT, REASON, DAY = range(20, 25)
KEY = "mijlpaal"


async def list_my_items(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/zaken: my open items with their next deadline."""
    user = await active_user(update, context)
    if user is None:
        return
    lang, rt = user.language, runtime(context)
    try:
        async with session_for(context) as session:
            items = await dossiers.list_items(session, rt.deps, user.telegram_id)
    except DomainError as err:
        await reply_error(update, context, err, lang)
        return
    if not items:
        await reply(update, context, t(lang, "Je hebt geen open zaken."))
        return
    today = rt.deps.today()
    lines = [t(lang, "<b>Je open zaken ({n})</b>", n=str(len(items)))]
    for item in items:
        kind = (
            Text(Category(item.label).label)
            if item.kind == "dossier"
            else Text(TOPIC_LABELS[VraagTopic(item.label)])
        )
        line = t(lang, "• <b>{ref}</b> {soort}", ref=item.ref, soort=kind)
        if item.next_due is not None and item.next_norm is not None:
            left = rt.deps.calendar.working_days_between(today, item.next_due)
            state = (
                t(lang, "vandaag")
                if item.next_due == today
                else tn(lang, "nog {n} werkdag", "nog {n} werkdagen", left)
                if item.next_due > today
                else tn(lang, "{n} werkdag te laat", "{n} werkdagen te laat", -left)
            )
            line += t(
                lang,
                " · {norm} uiterlijk {datum} ({stand})",
                norm=norm_name(rt.deps.config, item.next_norm),
                datum=item.next_due,
                stand=state,
            )
        lines.append(line)
    buttons = [(item.ref, f"zk:{item.ref}") for item in items[:MAX_LISTED_BUTTONS] if item.kind == "dossier"]
    await reply(update, context, "\n".join(lines), keyboard(pairs(buttons, 3)) if buttons else None)


async def _show_dossier(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, ref: str) -> None:
    rt = runtime(context)
    try:
        async with session_for(context) as session:
            view = await dossiers.get_dossier(session, rt.deps, user.telegram_id, ref)
            team = await session.scalar(select(Wijkteam.naam).where(Wijkteam.id == view.dossier.wijkteam_id))
    except DomainError as err:
        await reply_error(update, context, err, user.language)
        return
    text = dossier_card(user.language, rt.deps.config, rt.deps.calendar, rt.deps.today(), view, team or "")
    await reply(update, context, text, dossier_buttons(user.language, view))


async def show_dossier(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/zaak <ref>: one dossier with its clocks and buttons."""
    user = await active_user(update, context)
    if user is None:
        return
    if not context.args:
        await reply(
            update,
            context,
            t(user.language, "Typ /zaak gevolgd door het nummer, bijvoorbeeld /zaak SH-2026-0042."),
        )
        return
    await _show_dossier(update, context, user, context.args[0])


async def open_dossier(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A dossier button in /zaken."""
    found = await pressed_by_user(update, context, "zk", 1)
    if found is None:
        return
    user, parts = found
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _show_dossier(update, context, user, parts[0])


async def acknowledge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Oppakken: take the item; the sender hears who has it."""
    found = await pressed_by_user(update, context, "ack", 1)
    query = update.callback_query
    if found is None or query is None:
        return
    user, parts = found
    lang, rt = user.language, runtime(context)
    try:
        async with session_for(context) as session:
            done = await dossiers.acknowledge(session, rt.deps, user.telegram_id, parts[0])
            item: Dossier | Vraag | None = await session.scalar(
                select(Dossier).where(Dossier.ref == done.ref)
            )
            if item is None:
                item = await session.scalar(select(Vraag).where(Vraag.ref == done.ref))
            sender_id = item.created_by_id if isinstance(item, Dossier) else item.asker_id if item else None
            sender = await session.get(User, sender_id) if sender_id else None
    except DomainError as err:
        await query.answer(err.render(lang), show_alert=True)
        return
    await query.answer(label(lang, "Opgepakt"))
    if done.already:
        return
    if isinstance(item, Dossier):
        await _show_dossier(update, context, user, done.ref)
    else:
        await query.edit_message_reply_markup(
            keyboard(
                [
                    [
                        (label(lang, "Beantwoorden"), f"ans:{done.ref}"),
                        (label(lang, "Overdragen"), f"ho:{done.ref}"),
                    ]
                ]
            )
        )
    if sender is not None and sender.id != user.id:
        await deliver(
            context,
            sender,
            t(sender.language, "{ref} is opgepakt door {naam}.", ref=done.ref, naam=user.display_name),
        )


async def choose_colleague(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Overdragen: pick the colleague."""
    found = await pressed_by_user(update, context, "ho", 1)
    query = update.callback_query
    if found is None or query is None:
        return
    user, parts = found
    try:
        async with session_for(context) as session:
            people = await dossiers.colleagues(session, runtime(context).deps, user.telegram_id)
    except DomainError as err:
        await query.answer(err.render(user.language), show_alert=True)
        return
    await query.answer()
    buttons = [(p.display_name, f"hot:{parts[0]}:{p.id}") for p in people]
    await reply(
        update,
        context,
        t(user.language, "Aan wie draag je {ref} over?", ref=parts[0]),
        keyboard(pairs(buttons)),
    )


async def hand_over(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A colleague button: hand over and send them the card."""
    found = await pressed_by_user(update, context, "hot", 2, lambda p: p[1].isdigit())
    query = update.callback_query
    if found is None or query is None:
        return
    user, parts = found
    rt = runtime(context)
    try:
        async with session_for(context) as session:
            moved = await dossiers.hand_over(session, rt.deps, user.telegram_id, parts[0], int(parts[1]))
            item = await session.scalar(select(Dossier).where(Dossier.ref == moved.ref))
            vraag = None if item else await session.scalar(select(Vraag).where(Vraag.ref == moved.ref))
            team_id = item.wijkteam_id if item else vraag.wijkteam_id if vraag else None
            team = await session.scalar(select(Wijkteam.naam).where(Wijkteam.id == team_id))
            asker = await session.get(User, vraag.asker_id) if vraag else None
    except DomainError as err:
        await query.answer(err.render(user.language), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(
        t(user.language, "{ref} is overgedragen aan {naam}.", ref=moved.ref, naam=moved.new.display_name)
    )
    new = moved.new
    head = t(
        new.language, "↪️ {naam} heeft {ref} aan jou overgedragen.", naam=user.display_name, ref=moved.ref
    )
    lang = new.language
    if item is not None:
        body = dossier_notification(lang, rt.deps.config, item, team or "", None, None)
        # Already picked up: the new holder goes straight to the dossier; otherwise they pick it up.
        buttons = (
            keyboard([[(label(lang, "Dossier openen"), f"zk:{moved.ref}")]])
            if item.acknowledged_at is not None
            else new_item_buttons(lang, moved.ref, is_vraag=False)
        )
        await deliver(context, new, f"{head}\n\n{body}", buttons)
    elif vraag is not None:
        body = vraag_notification(lang, vraag, team or "", asker, None)
        await deliver(context, new, f"{head}\n\n{body}", new_item_buttons(lang, moved.ref, is_vraag=True))


# -- recording a milestone: (way, reached | self-reliant | reason), then the date ---------------


def _step(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    assert context.user_data is not None
    step = context.user_data.get(KEY)
    assert isinstance(step, dict)
    return step


async def start_milestone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A milestone button: ask what the milestone needs."""
    found = await pressed_by_user(update, context, "ms", 2, lambda p: p[1] in {m.value for m in Milestone})
    if found is None:
        return ConversationHandler.END
    user, parts = found
    assert update.callback_query is not None and context.user_data is not None
    await update.callback_query.answer()
    kind = Milestone(parts[1])
    context.user_data[KEY] = {"lang": user.language, "ref": parts[0], "kind": kind.value}
    return await _next_question(update, context)


async def _next_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    step = _step(context)
    lang, kind, ref = step["lang"], Milestone(step["kind"]), step["ref"]
    what = Text(kind.label)
    if kind in NEEDS_CONTACT and "way" not in step:
        buttons = [(label(lang, text), f"msw:{way.value}") for way, text in CONTACT_WAY_LABELS.items()]
        await reply(
            update,
            context,
            t(lang, "{ref} – {stap}: hoe heb je contact gezocht?", ref=ref, stap=what),
            keyboard(pairs(buttons, 3)),
        )
        return WAY
    if kind is Milestone.CONTACTPOGING and "reached" not in step:
        await reply(
            update,
            context,
            t(lang, "Heb je de inwoner bereikt?"),
            keyboard([[(label(lang, "Ja"), "msr:1"), (label(lang, "Nee"), "msr:0")]]),
        )
        return REACHED
    if kind in NEEDS_SELF_RELIANT and "self" not in step:
        await reply(
            update,
            context,
            t(lang, "Is de inwoner financieel zelfredzaam?"),
            keyboard([[(label(lang, "Ja"), "mss:1"), (label(lang, "Nee"), "mss:0")]]),
        )
        return SELF_RELIANT
    if kind in NEEDS_REASON and "reason" not in step:
        buttons = [(label(lang, text), f"msc:{reason.value}") for reason, text in CLOSE_REASON_LABELS.items()]
        await reply(update, context, t(lang, "Waarom sluit je {ref} af?", ref=ref), keyboard(pairs(buttons)))
        return REASON
    await reply(
        update,
        context,
        t(
            lang,
            "{ref} – {stap}: op welke datum? Kies een knop of typ een datum, bijvoorbeeld 3-12-2026.",
            ref=ref,
            stap=what,
        ),
        day_buttons(lang, "msd"),
    )
    return DAY


async def _choice(
    update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str, field: str, allowed: set[str], state: int
) -> int:
    step = _step(context)
    parts = await pressed(update, prefix, 1, step["lang"], lambda p: p[0] in allowed)
    if parts is None:
        return state
    assert update.callback_query is not None
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    step[field] = parts[0]
    return await _next_question(update, context)


async def pick_way(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """How contact was sought."""
    return await _choice(update, context, "msw", "way", {w.value for w in ContactWay}, WAY)


async def pick_reached(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Reached: yes or no."""
    return await _choice(update, context, "msr", "reached", {"0", "1"}, REACHED)


async def pick_self_reliant(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Self-reliant: yes or no."""
    return await _choice(update, context, "mss", "self", {"0", "1"}, SELF_RELIANT)


async def pick_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Why the dossier closes."""
    return await _choice(update, context, "msc", "reason", {r.value for r in CloseReason}, REASON)


async def day_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Vandaag / Gisteren."""
    day = await day_from_button(update, "msd", _step(context)["lang"], runtime(context).deps.today())
    return DAY if day is None else await _record(update, context, day)


async def day_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A typed date."""
    day = await day_from_text(update, context, _step(context)["lang"], runtime(context).deps.today())
    return DAY if day is None else await _record(update, context, day)


async def _record(update: Update, context: ContextTypes.DEFAULT_TYPE, day: date) -> int:
    step = _step(context)
    lang, rt = step["lang"], runtime(context)
    assert update.effective_user is not None and context.user_data is not None
    kind = Milestone(step["kind"])
    try:
        async with session_for(context) as session:
            recorded = await dossiers.record_milestone(
                session,
                rt.deps,
                update.effective_user.id,
                step["ref"],
                kind,
                day,
                contact_way=ContactWay(step["way"]) if "way" in step else None,
                reached=step.get("reached") == "1" if "reached" in step else None,
                self_reliant=step.get("self") == "1" if "self" in step else None,
                reason=CloseReason(step["reason"]) if "reason" in step else None,
            )
    except InvalidDate as err:
        await reply_error(update, context, err, lang)
        return DAY
    except DomainError as err:
        await reply_error(update, context, err, lang)
        context.user_data.pop(KEY, None)
        return ConversationHandler.END
    context.user_data.pop(KEY, None)
    lines = [
        t(
            lang,
            "✅ Vastgelegd bij {ref}: {stappen} op {datum}.",
            ref=step["ref"],
            stappen=", ".join(Text(k.label).render(lang) for k in recorded.kinds),
            datum=day,
        )
    ]
    for clock in recorded.clocks:
        name = norm_name(rt.deps.config, clock.norm)
        lines.append(
            t(
                lang,
                "Termijn {norm}: {stand}",
                norm=name,
                stand=deadline_state(lang, rt.deps.calendar, rt.deps.today(), clock),
            )
        )
    await reply(update, context, "\n".join(lines))
    user = await current_user(update, context)
    if user is not None and kind is not Milestone.AFGESLOTEN:
        await _show_dossier(update, context, user, step["ref"])
    return ConversationHandler.END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/annuleer: nothing recorded."""
    assert context.user_data is not None
    step = context.user_data.pop(KEY, {})
    await reply(update, context, t(step.get("lang", "nl"), "Gestopt. Er is niets opgeslagen."))
    return ConversationHandler.END


async def timed_out(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Too long without an answer."""
    assert context.user_data is not None
    step = context.user_data.pop(KEY, {})
    await reply(
        update,
        context,
        t(step.get("lang", "nl"), "Gestopt omdat het te lang stil bleef. Er is niets opgeslagen."),
    )
    return ConversationHandler.END
