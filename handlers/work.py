"""Worker actions: /zaken, /zaak, Oppakken, Overdragen and recording milestones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import MessageLimit
from telegram.error import BadRequest
from telegram.ext import ContextTypes, ConversationHandler, MessageHandler

from bot.ddas import Eindresultaat, Uitstroomreden
from bot.i18n import N_, Text
from bot.milestones import NEEDS_CONTACT, NEEDS_OUTCOME, NEEDS_REASON, NEEDS_SELF_RELIANT
from bot.rights import Action, may, roles_of
from bot.services import dossiers, users
from bot.services.dossiers import DossierView
from bot.vocabulary import (
    FINANCIELE_RUST_CRITERIA,
    Beschikking,
    Category,
    ContactWay,
    Dagdeel,
    ItemKind,
    Milestone,
    VraagTopic,
)
from handlers.flows import (
    ASKED,
    END,
    TEXT,
    TIMED_OUT,
    ask,
    button,
    clear_asked,
    conversation,
    draft,
    drop_buttons,
    stopper,
    typed_choice,
    typed_day,
    with_first_names,
)
from handlers.guards import answer_stale, domain_errors, pressed, pressed_by, registered
from handlers.runtime import call, language, reply, runtime, session_for, user_data
from handlers.views.callbacks import (
    BeschikkingChoice,
    Button,
    ContactWayChoice,
    DagdeelChoice,
    EindresultaatChoice,
    HandOver,
    HandOverTo,
    MilestoneDay,
    OpenDossier,
    OpenVraag,
    PickUp,
    ReachedChoice,
    RecordMilestone,
    RustSave,
    RustStart,
    RustToggle,
    SelfReliantChoice,
    UitstroomChoice,
)
from handlers.views.cards import (
    colleague_label,
    deadline_name,
    deadline_state,
    dossier_buttons,
    dossier_card,
    due_phrase,
    vraag_card,
    vraag_card_buttons,
)
from handlers.views.keyboards import choice, day_buttons, keyboard, pairs, vraag_buttons
from handlers.views.notify import deliver, tell_about_hand_over, tell_new_holder, tell_sender_of_step
from handlers.views.text import escape, label, t, tn, units

if TYPE_CHECKING:
    from bot.models import User

MAX_LISTED_BUTTONS = 20

WAY, REACHED, DAGDEEL, OUTCOME, SELF_RELIANT, REASON, DAY, CRITERIA = range(20, 28)
KEY = "mijlpaal"
HANDOVER = 30
HANDOVER_KEY = "overdragen"  # the draft: the item, and the colleagues offered (label, name, id)
CARD = "_card"  # in the draft: the message id of the card whose button started the flow


@domain_errors()
async def list_my_items(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/zaken: my open items with their next deadline (a teamleider: the whole team's)."""
    user = await registered(update, context)
    if user is None:
        return
    roles = roles_of(user.role, user.beheerder)
    if may(roles, Action.VIEW_ALL):
        await _team_overview(update, context, user)
        return
    lang = user.language
    items = await call(context, dossiers.list_items, user.telegram_id)
    if not items:
        await reply(update, context, t(lang, "Je hebt geen open zaken."))
        return
    handles = may(roles, Action.HANDLE_ITEMS)
    lines: list[str] = [t(lang, "<b>Je open zaken ({n})</b>", n=str(len(items)))]
    lines += [_item_line(context, lang, item, handles) for item in items]
    await reply(update, context, "\n".join(lines), _item_buttons(items))


async def _team_overview(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """Every open item per holder, overdue first; nobody's on top."""
    lang = user.language
    groups = await call(context, dossiers.team_items, user.telegram_id)
    total = sum(len(g.items) for g in groups)
    if not total:
        await reply(update, context, t(lang, "Het team heeft geen open zaken."))
        return
    lines: list[str] = [t(lang, "<b>Open zaken van het team ({n})</b>", n=str(total))]
    for group in groups:
        name = escape(group.holder.display_name) if group.holder else t(lang, "Nog bij niemand")
        head = f"<b>{name}</b> – " + tn(lang, "{n} zaak", "{n} zaken", len(group.items))
        if group.overdue:
            head += ", " + tn(lang, "waarvan {n} te laat", "waarvan {n} te laat", group.overdue)
        lines += ["", head]
        lines += [_item_line(context, lang, item, True) for item in group.items]
    ordered = [item for group in groups for item in group.items]
    await reply(update, context, "\n".join(lines), _item_buttons(ordered))


def _item_line(
    context: ContextTypes.DEFAULT_TYPE, lang: str, item: dossiers.ItemSummary, handles: bool
) -> str:
    """One line of /zaken: reference, kind, and the next deadline (an asker: waiting for the answer)."""
    rt = runtime(context)
    kind = Category(item.label).label if item.kind is ItemKind.DOSSIER else VraagTopic(item.label).label
    line: str = t(lang, "• <b>{ref}</b> {soort}", ref=item.ref, soort=Text(kind))
    if item.kind is ItemKind.VRAAG and not handles:  # the asker waits; the deadline is the worker's
        line += (
            t(lang, " · wacht op antwoord, uiterlijk {datum}", datum=item.next_due)
            if item.next_due is not None
            else t(lang, " · wacht op antwoord")
        )
    elif item.next_due is not None and item.next_norm is not None:
        line += t(
            lang,
            " · {norm} uiterlijk {datum} ({stand})",
            norm=rt.deps.config.norm_name(item.next_norm, lang),
            datum=item.next_due,
            stand=due_phrase(lang, rt.deps.calendar, rt.deps.today(), item.next_due),
        )
    return line


def _item_buttons(items: list[dossiers.ItemSummary]) -> InlineKeyboardMarkup | None:
    """A button per item (the first ones), to open it."""
    buttons: list[tuple[str, Button]] = [
        (item.ref, OpenDossier(item.ref) if item.kind is ItemKind.DOSSIER else OpenVraag(item.ref))
        for item in items[:MAX_LISTED_BUTTONS]
    ]
    return keyboard(pairs(buttons, 3)) if buttons else None


async def _send_card(update: Update, context: ContextTypes.DEFAULT_TYPE, view: DossierView) -> None:
    rt, lang = runtime(context), language(context)
    text = dossier_card(lang, rt.deps.config, rt.deps.calendar, rt.deps.today(), view)
    await reply(update, context, text, dossier_buttons(lang, view))


async def _show_dossier(
    update: Update, context: ContextTypes.DEFAULT_TYPE, telegram_id: int, ref: str
) -> None:
    """A dossier's card, or a vraag's when the reference names one."""
    if dossiers.is_vraag_ref(ref):
        rt, lang = runtime(context), language(context)
        vraag = await call(context, dossiers.get_vraag, telegram_id, ref)
        text = vraag_card(lang, rt.deps.config, rt.deps.calendar, rt.deps.today(), vraag)
        await reply(update, context, text, vraag_card_buttons(lang, vraag))
        return
    view = await call(context, dossiers.get_dossier, telegram_id, ref)
    await _send_card(update, context, view)


@domain_errors()
async def show_dossier(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/zaak <ref>: one dossier with its deadlines and buttons."""
    user = await registered(update, context)
    if user is None:
        return
    if not context.args:
        await reply(
            update,
            context,
            t(user.language, "Typ /zaak gevolgd door het nummer, bijvoorbeeld /zaak SH-2026-0042."),
        )
        return
    await _show_dossier(update, context, user.telegram_id, context.args[0])


@domain_errors()
async def open_dossier(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A dossier button in /zaken or under a reminder."""
    found = await pressed_by(update, context, OpenDossier)
    if found is None or update.callback_query is None:
        return
    user, picked = found
    await update.callback_query.answer()
    await _show_dossier(update, context, user.telegram_id, picked.ref)


@domain_errors()
async def open_vraag(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A vraag button in /zaken."""
    found = await pressed_by(update, context, OpenVraag)
    if found is None or update.callback_query is None:
        return
    user, picked = found
    await update.callback_query.answer()
    await _show_dossier(update, context, user.telegram_id, picked.ref)


@domain_errors(alert=True)
async def acknowledge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Oppakken: take the item; the sender hears who has it."""
    found = await pressed_by(update, context, PickUp)
    query = update.callback_query
    if found is None or query is None:
        return
    user, picked = found
    done = await call(context, dossiers.acknowledge, user.telegram_id, picked.ref)
    await query.answer(label(user.language, "Opgepakt"))
    if done.already:
        return
    if done.view is not None:
        await query.edit_message_reply_markup(None)  # the card below carries the buttons now
        await _send_card(update, context, done.view)
    else:
        await query.edit_message_reply_markup(vraag_buttons(user.language, done.ref))
    sender = done.sender
    if sender is not None and sender.id != user.id:
        await deliver(
            context.bot,
            sender,
            t(sender.language, "{ref} is opgepakt door {naam}.", ref=done.ref, naam=user.display_name),
        )


@domain_errors(END, alert=True)
async def choose_colleague(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Overdragen: pick the colleague (a button, or the name typed)."""
    found = await pressed_by(update, context, HandOver)
    query = update.callback_query
    if found is None or query is None:
        return END
    user, picked = found
    people = await call(context, dossiers.colleagues, user.telegram_id, picked.ref)
    await query.answer()
    lang = user.language
    user_data(context)[HANDOVER_KEY] = {
        "ref": picked.ref,
        "people": [(colleague_label(lang, c.user, c.absent), c.user.display_name, c.user.id) for c in people],
    }
    await _ask_colleague(update, context)
    return HANDOVER


async def _ask_colleague(
    update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str | None = None
) -> None:
    step, lang = draft(context, HANDOVER_KEY), language(context)
    buttons: list[tuple[str, Button]] = [
        (text, HandOverTo(step["ref"], user_id)) for text, _, user_id in step["people"]
    ]
    question = t(lang, "Aan wie draag je {ref} over?", ref=step["ref"])
    await ask(
        update,
        context,
        HANDOVER_KEY,
        question if prefix is None else f"{prefix}\n{question}",
        keyboard(pairs(buttons)),
    )


@domain_errors(alert=True)
async def hand_over(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A colleague button: hand over and send them the card (also from an older list)."""
    found = await pressed_by(update, context, HandOverTo)
    query = update.callback_query
    if found is None or query is None:
        return END
    user, picked = found
    user_data(context).pop(HANDOVER_KEY, None)
    moved = await call(context, dossiers.hand_over, user.telegram_id, picked.ref, picked.user_id)
    await query.answer()
    await query.edit_message_text(
        t(user.language, "{ref} is overgedragen aan {naam}.", ref=moved.ref, naam=moved.new.display_name)
    )
    await _tell_hand_over(context, user, moved)
    return END


@domain_errors(HANDOVER)
async def typed_colleague(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A colleague's name typed at the hand-over list acts as their button; else the list again."""
    assert update.effective_user is not None
    step, lang = draft(context, HANDOVER_KEY), language(context)
    options = [(text, user_id) for text, _, user_id in step["people"]]
    options += [(name, user_id) for _, name, user_id in step["people"]]
    found = typed_choice(update, lang, with_first_names(options))
    await clear_asked(update, context, HANDOVER_KEY)
    if found is None:
        await _ask_colleague(update, context, t(lang, "Kies een collega met een van de knoppen."))
        return HANDOVER
    moved = await call(context, dossiers.hand_over, update.effective_user.id, step["ref"], found)
    user_data(context).pop(HANDOVER_KEY, None)
    await reply(
        update,
        context,
        t(lang, "{ref} is overgedragen aan {naam}.", ref=moved.ref, naam=moved.new.display_name),
    )
    user = await _current(context, update.effective_user.id)
    await _tell_hand_over(context, user, moved)
    return END


async def _current(context: ContextTypes.DEFAULT_TYPE, telegram_id: int) -> User:
    async with session_for(context) as session:
        found = await users.get_user(session, telegram_id)
    assert found is not None
    return found


async def _tell_hand_over(context: ContextTypes.DEFAULT_TYPE, by: User, moved: dossiers.HandedOver) -> None:
    await tell_new_holder(context.bot, runtime(context).deps.config, by, moved)
    await tell_about_hand_over(context.bot, by, moved)


stop_hand_over = stopper(HANDOVER_KEY)


def hand_over_conversation() -> ConversationHandler[Any]:
    """Overdragen: the colleagues as buttons; a typed name works too, anything else asks again."""
    return conversation(
        "overdragen",
        [button(choose_colleague, HandOver)],
        {HANDOVER: [button(hand_over, HandOverTo), MessageHandler(TEXT, typed_colleague)]},
        stop_hand_over,
        stopper(HANDOVER_KEY, message=TIMED_OUT),
    )


# -- recording a milestone: (way, reached | self-reliant | reason), then the date ---------------


@domain_errors(END, alert=True, give_up=END, flow=KEY)
async def start_milestone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A milestone button: ask what the milestone needs."""
    found = await pressed_by(update, context, RecordMilestone)
    if found is None or update.callback_query is None:
        return END
    user, picked = found
    step: dict[str, Any] = {"ref": picked.ref, "kind": picked.kind.value}
    # refused before any question; DDAS: a traject ends with an uitstroomreden, a vroegsignaal not
    traject = await call(context, dossiers.prepare_milestone, user.telegram_id, picked.ref, picked.kind)
    if picked.kind in NEEDS_REASON:
        step["traject"] = traject
    await update.callback_query.answer()
    await _drop_earlier(update, context)
    _remember_card(update, step)
    user_data(context)[KEY] = step
    return await _next_question(update, context)


async def _next_question(
    update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str | None = None
) -> int:
    """The first thing the milestone still needs; the date comes last. What each choice offers is
    kept, so its word can also be typed."""
    step, lang = draft(context, KEY), language(context)
    kind, ref = Milestone(step["kind"]), step["ref"]
    what = Text(kind.label)

    async def offer(
        state: int, field: str, question: str, options: Sequence[tuple[str, Any, Button]], per_row: int
    ) -> int:
        step["offered"] = [(msgid, field, value) for msgid, value, _ in options]
        text = question if prefix is None else f"{prefix}\n{question}"
        await _ask(update, context, text, choice(lang, [(m, b) for m, _, b in options], per_row))
        return state

    if kind in NEEDS_CONTACT and "way" not in step:
        # a first contact is a conversation; an attempt may also be a letter, card or message
        ways = [
            (way.label, way.value, ContactWayChoice(way))
            for way in ContactWay
            if way.can_reach or kind is Milestone.CONTACTPOGING
        ]
        question = (
            t(lang, "{ref} – contactpoging: hoe heb je contact gezocht?", ref=ref)
            if kind is Milestone.CONTACTPOGING
            else t(lang, "{ref} – {stap}: hoe was het gesprek?", ref=ref, stap=what)
        )
        return await offer(WAY, "way", question, ways, 3)
    if kind is Milestone.CONTACTPOGING and "reached" not in step:
        if not ContactWay(step["way"]).can_reach:
            step["reached"] = False  # a letter, card or message does not reach the inwoner yet
        else:
            yes_no = [(N_("Ja"), True, ReachedChoice(True)), (N_("Nee"), False, ReachedChoice(False))]
            return await offer(REACHED, "reached", t(lang, "Heb je de inwoner bereikt?"), yes_no, 2)
    if kind is Milestone.CONTACTPOGING and "dagdeel" not in step:
        parts = [(part.label, part.value, DagdeelChoice(part)) for part in Dagdeel]
        return await offer(DAGDEEL, "dagdeel", t(lang, "Op welk dagdeel?"), parts, 3)
    if kind in NEEDS_OUTCOME and "outcome" not in step:
        outcomes = [(b.label, b.value, BeschikkingChoice(b)) for b in Beschikking]
        question = t(lang, "{ref} – beschikking: toelating of afwijzing?", ref=ref)
        return await offer(OUTCOME, "outcome", question, outcomes, 2)
    if kind in NEEDS_SELF_RELIANT and "self" not in step:
        reliant = [(N_("Ja"), True, SelfReliantChoice(True)), (N_("Nee"), False, SelfReliantChoice(False))]
        question = t(lang, "Is de inwoner financieel zelfredzaam?")
        return await offer(SELF_RELIANT, "self", question, reliant, 2)
    if kind in NEEDS_REASON and "reason" not in step:
        return await _ask_reason(update, context, prefix)
    step.pop("offered", None)
    question = t(
        lang,
        "{ref} – {stap}: op welke datum? Kies een knop of typ een datum, bijvoorbeeld 3-12-2026.",
        ref=ref,
        stap=what,
    )
    text = question if prefix is None else f"{prefix}\n{question}"
    await _ask(update, context, text, day_buttons(lang, MilestoneDay(0), MilestoneDay(1)))
    return DAY


async def typed_step(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The word of a button typed in a choice of the milestone flow acts as it; anything else asks
    the question again, with its buttons."""
    step, lang = draft(context, KEY), language(context)
    options = [(msgid, (field, value)) for msgid, field, value in step.get("offered", [])]
    found = typed_choice(update, lang, options)
    if found is None:
        await clear_asked(update, context, KEY)
        return await _next_question(update, context, t(lang, "Kies een van de knoppen."))
    field, value = found
    return await _answered_typed(update, context, field, value)


@domain_errors(END, alert=True, give_up=END, flow=KEY)
async def start_rust(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Financiële rust: tick off the criteria met, then one date for them all."""
    found = await pressed_by(update, context, RustStart)
    if found is None or update.callback_query is None:
        return END
    user, picked = found
    view = await call(context, dossiers.get_dossier, user.telegram_id, picked.ref)
    open_criteria = [m.value for m in view.recordable if m in FINANCIELE_RUST_CRITERIA]
    if not view.can_handle or not open_criteria:
        await answer_stale(update, user.language)
        return END
    await update.callback_query.answer()
    await _drop_earlier(update, context)
    done = [
        (Milestone(r.kind), r.day) for r in view.milestones if Milestone(r.kind) in FINANCIELE_RUST_CRITERIA
    ]
    user_data(context)[KEY] = {
        "ref": picked.ref,
        "kind": Milestone.FINANCIELE_RUST.value,
        "open": open_criteria,
        "picked": [],
        "done": [(kind.value, day.isoformat()) for kind, day in done],
    }
    _remember_card(update, draft(context, KEY))
    return await _ask_criteria(update, context)


def _criteria_markup(lang: str, step: dict[str, Any]) -> InlineKeyboardMarkup:
    rows: list[list[tuple[str, Button]]] = []
    for kind in step["open"]:
        mark = "☑ " if kind in step["picked"] else "☐ "
        rows.append([(mark + label(lang, Milestone(kind).label), RustToggle(Milestone(kind)))])
    rows.append([(label(lang, "Opslaan"), RustSave())])
    return keyboard(rows)


async def _ask_criteria(update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str | None = None) -> int:
    step, lang = draft(context, KEY), language(context)
    lines = [
        t(
            lang,
            "{ref} – financiële rust: welke criteria zijn gehaald? Tik ze aan en kies Opslaan.",
            ref=step["ref"],
        )
    ]
    for kind, day in step["done"]:
        lines.append(
            t(lang, "✅ {stap}: {datum}", stap=Text(Milestone(kind).label), datum=date.fromisoformat(day))
        )
    text = "\n".join(lines)
    await _ask(update, context, text if prefix is None else f"{prefix}\n{text}", _criteria_markup(lang, step))
    return CRITERIA


async def toggle_criterion(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A criterion on or off (the message's buttons change, nothing is stored yet)."""
    picked = await pressed(update, context, RustToggle)
    query, step = update.callback_query, draft(context, KEY)
    if picked is None or query is None:
        return CRITERIA
    if picked.kind.value not in step.get("open", []):
        await answer_stale(update, language(context))
        return CRITERIA
    chosen: list[str] = step["picked"]
    if picked.kind.value in chosen:
        chosen.remove(picked.kind.value)
    else:
        chosen.append(picked.kind.value)
    await query.answer()
    await query.edit_message_reply_markup(_criteria_markup(language(context), step))
    return CRITERIA


async def save_criteria(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Opslaan: on to the date, once at least one criterion is ticked."""
    picked = await pressed(update, context, RustSave)
    query, step = update.callback_query, draft(context, KEY)
    if picked is None or query is None:
        return CRITERIA
    if not step.get("picked"):
        await query.answer(label(language(context), "Tik eerst een criterium aan."), show_alert=True)
        return CRITERIA
    return await _answered(update, context, "criteria_done", True)


async def criteria_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Typed text at the toggles: ask again."""
    await clear_asked(update, context, KEY)
    return await _ask_criteria(update, context, t(language(context), "Tik de criteria aan en kies Opslaan."))


async def _ask_reason(update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str | None = None) -> int:
    """Closing: DDAS's uitstroomreden of a traject, or the eindresultaat of a vroegsignaal."""
    step, lang = draft(context, KEY), language(context)
    ref = step["ref"]
    buttons: list[tuple[str, Button]] = [
        (text, UitstroomChoice(r) if isinstance(r, Uitstroomreden) else EindresultaatChoice(r))
        for text, r in _reasons(step["traject"])
    ]
    question = (
        t(lang, "Waarom eindigt het schuldhulptraject {ref}?", ref=ref)
        if step["traject"]
        else t(lang, "Wat is het eindresultaat van de vroegsignalering {ref}?", ref=ref)
    )
    await _ask(
        update, context, question if prefix is None else f"{prefix}\n{question}", choice(lang, buttons)
    )
    return REASON


async def _answered_typed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, field: str, value: object
) -> int:
    """Keep a typed choice; the question's buttons go; on to the next question."""
    await clear_asked(update, context, KEY)
    draft(context, KEY)[field] = value
    return await _next_question(update, context)


async def _answered(update: Update, context: ContextTypes.DEFAULT_TYPE, field: str, value: object) -> int:
    """Keep a choice; the next question takes the place of this one, in the same message."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    draft(context, KEY)[field] = value
    return await _next_question(update, context)


async def _drop_earlier(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A milestone started while another was still asking: the earlier question's buttons go."""
    if KEY in user_data(context):
        await clear_asked(update, context, KEY)


def _remember_card(update: Update, step: dict[str, Any]) -> None:
    """The message whose milestone button was pressed: at the end it shows the updated dossier."""
    if update.callback_query is not None and update.callback_query.message is not None:
        step[CARD] = update.callback_query.message.message_id


async def _ask(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, markup: InlineKeyboardMarkup
) -> None:
    """A question of the milestone flow: after a pressed answer it replaces the question it
    answers (one message for the whole flow); otherwise it is a new message."""
    query, step = update.callback_query, draft(context, KEY)
    if query is not None and query.message is not None and step.get(ASKED) == query.message.message_id:
        await query.edit_message_text(text, reply_markup=markup)
        return
    await ask(update, context, KEY, text, markup)


async def pick_way(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """How contact was sought."""
    picked = await pressed(update, context, ContactWayChoice)
    return WAY if picked is None else await _answered(update, context, "way", picked.way.value)


async def pick_reached(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Reached: yes or no."""
    picked = await pressed(update, context, ReachedChoice)
    return REACHED if picked is None else await _answered(update, context, "reached", picked.yes)


async def pick_dagdeel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Ochtend, middag or avond."""
    picked = await pressed(update, context, DagdeelChoice)
    return DAGDEEL if picked is None else await _answered(update, context, "dagdeel", picked.dagdeel.value)


async def pick_outcome(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Toelating or afwijzing."""
    picked = await pressed(update, context, BeschikkingChoice)
    return (
        OUTCOME if picked is None else await _answered(update, context, "outcome", picked.beschikking.value)
    )


async def pick_self_reliant(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Self-reliant: yes or no."""
    picked = await pressed(update, context, SelfReliantChoice)
    return SELF_RELIANT if picked is None else await _answered(update, context, "self", picked.yes)


async def pick_uitstroom(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Why the schuldhulptraject ends (a button of the other list, kept from earlier, does nothing)."""
    picked = await pressed(update, context, UitstroomChoice)
    if picked is None:
        return REASON
    if not draft(context, KEY).get("traject"):
        await answer_stale(update, language(context))
        return REASON
    return await _answered(update, context, "reason", picked.reason.value)


async def pick_eindresultaat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """How the vroegsignaalzaak ended (a button of the other list does nothing)."""
    picked = await pressed(update, context, EindresultaatChoice)
    if picked is None:
        return REASON
    if draft(context, KEY).get("traject") is not False:
        await answer_stale(update, language(context))
        return REASON
    return await _answered(update, context, "reason", picked.result.value)


def _reasons(traject: bool) -> list[tuple[str, Eindresultaat | Uitstroomreden]]:
    if traject:
        return [(r.label, r) for r in Uitstroomreden]
    return [(r.label, r) for r in Eindresultaat]


async def typed_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A reason typed by its label acts as its button; anything else asks again."""
    step = draft(context, KEY)
    found = typed_choice(update, language(context), _reasons(bool(step.get("traject"))))
    if found is None:
        await clear_asked(update, context, KEY)
        return await _ask_reason(update, context, t(language(context), "Kies een van de knoppen."))
    return await _answered_typed(update, context, "reason", found.value)


@domain_errors(DAY, give_up=END, flow=KEY)
async def day_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Vandaag / Gisteren: the buttons stay until the date is taken (a date it cannot use is
    explained, and Vandaag or a typed date still works)."""
    picked = await pressed(update, context, MilestoneDay)
    query = update.callback_query
    if picked is None or query is None:
        return DAY
    await query.answer()
    day = runtime(context).deps.today() - timedelta(days=picked.days_ago)
    return await _record(update, context, day)


@domain_errors(DAY, give_up=END, flow=KEY)
async def day_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A typed date."""
    day = typed_day(update, runtime(context).deps.today())
    return await _record(update, context, day)  # a date it cannot use asks again, buttons kept


async def _record(update: Update, context: ContextTypes.DEFAULT_TYPE, day: date) -> int:
    """Record it; a date that cannot be used asks again, anything else ends the flow."""
    assert update.effective_user is not None
    step = draft(context, KEY)
    kind = Milestone(step["kind"])
    if kind is Milestone.FINANCIELE_RUST:  # the criteria ticked off, together
        picked = [Milestone(k) for k in step["picked"]]
        recorded = await call(
            context, dossiers.record_criteria, update.effective_user.id, step["ref"], picked, day
        )
    else:
        recorded = await _record_one(update, context, step, kind, day)
    return await _recorded(update, context, kind, day, recorded)


async def _record_one(
    update: Update, context: ContextTypes.DEFAULT_TYPE, step: dict[str, Any], kind: Milestone, day: date
) -> dossiers.Recorded:
    assert update.effective_user is not None
    return await call(
        context,
        dossiers.record_milestone,
        update.effective_user.id,
        step["ref"],
        kind,
        day,
        contact_way=ContactWay(step["way"]) if "way" in step else None,
        reached=step.get("reached"),
        self_reliant=step.get("self"),
        reason=_close_reason(step),
        dagdeel=Dagdeel(step["dagdeel"]) if "dagdeel" in step else None,
        beschikking=Beschikking(step["outcome"]) if "outcome" in step else None,
    )


async def _recorded(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    kind: Milestone,
    day: date,
    recorded: dossiers.Recorded,
) -> int:
    """Say what was stored and what it did to the deadlines in the question's message, show the
    dossier as it is now in the card's message (a new card only when that cannot be edited), and
    tell the sender."""
    step, lang, rt = draft(context, KEY), language(context), runtime(context)
    user_data(context).pop(KEY, None)
    lines = [
        t(
            lang,
            "✅ Vastgelegd bij {ref}: {stappen} op {datum}.",
            ref=step["ref"],
            stappen=", ".join(Text(k.label).render(lang) for k in recorded.kinds),
            datum=day,
        )
    ]
    for deadline in recorded.deadlines:
        lines.append(
            t(
                lang,
                "Termijn {norm}: {stand}",
                norm=deadline_name(lang, rt.deps.config, deadline.norm, deadline.seq),
                stand=deadline_state(lang, rt.deps.calendar, rt.deps.today(), deadline),
            )
        )
    confirmation = "\n".join(lines)
    query = update.callback_query
    pressed_here = (
        query is not None and query.message is not None and query.message.message_id == step.get(ASKED)
    )
    if not (pressed_here and await _edit(update, context, step.get(ASKED), confirmation, None)):
        await drop_buttons(update, context, step.get(ASKED))  # typed: the answer goes below it
        await reply(update, context, confirmation)
    card = dossier_card(lang, rt.deps.config, rt.deps.calendar, rt.deps.today(), recorded.view)
    if not await _edit(update, context, step.get(CARD), card, dossier_buttons(lang, recorded.view)):
        await _send_card(update, context, recorded.view)
    await tell_sender_of_step(context.bot, recorded, day)
    return END


async def _edit(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    message_id: int | None,
    text: str,
    markup: InlineKeyboardMarkup | None,
) -> bool:
    """Replace one of the bot's messages in this chat; False when that cannot be done (gone, too
    long), so the caller sends it anew."""
    if message_id is None or update.effective_chat is None or units(text) > MessageLimit.MAX_TEXT_LENGTH:
        return False
    try:
        await context.bot.edit_message_text(
            text, chat_id=update.effective_chat.id, message_id=message_id, reply_markup=markup
        )
    except BadRequest as exc:
        return "not modified" in exc.message.lower()
    return True


def _close_reason(step: dict[str, Any]) -> Eindresultaat | Uitstroomreden | None:
    if "reason" not in step:
        return None
    return Uitstroomreden(step["reason"]) if step["traject"] else Eindresultaat(step["reason"])


cancel = stopper(KEY)
timed_out = stopper(KEY, message=TIMED_OUT)


def milestone_conversation() -> ConversationHandler[Any]:
    """A milestone button: what it needs, then the date."""
    return conversation(
        "mijlpaal",
        [button(start_milestone, RecordMilestone), button(start_rust, RustStart)],
        {
            WAY: [button(pick_way, ContactWayChoice), MessageHandler(TEXT, typed_step)],
            REACHED: [button(pick_reached, ReachedChoice), MessageHandler(TEXT, typed_step)],
            DAGDEEL: [button(pick_dagdeel, DagdeelChoice), MessageHandler(TEXT, typed_step)],
            OUTCOME: [button(pick_outcome, BeschikkingChoice), MessageHandler(TEXT, typed_step)],
            SELF_RELIANT: [button(pick_self_reliant, SelfReliantChoice), MessageHandler(TEXT, typed_step)],
            REASON: [
                button(pick_uitstroom, UitstroomChoice),
                button(pick_eindresultaat, EindresultaatChoice),
                MessageHandler(TEXT, typed_reason),
            ],
            DAY: [button(day_button, MilestoneDay), MessageHandler(TEXT, day_text)],
            CRITERIA: [
                button(toggle_criterion, RustToggle),
                button(save_criteria, RustSave),
                MessageHandler(TEXT, criteria_text),
            ],
        },
        cancel,
        timed_out,
    )
