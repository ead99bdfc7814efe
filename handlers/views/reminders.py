"""How reminders, escalations and the overdue lists read in the chat, with their buttons."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup
from telegram.constants import MessageLimit

from bot.config import AppConfig
from bot.i18n import N_
from bot.moments import OVERDUE
from bot.services.reminders import Delivery, OverdueDeadline
from bot.vocabulary import Audience, ReminderKind, StandIn
from bot.workcalendar import WorkCalendar
from handlers.views.callbacks import AnswerVraag, Button, OpenDossier, PickUp
from handlers.views.cards import deadline_name
from handlers.views.keyboards import answer_button, keyboard, milestone_buttons, new_item_buttons, pairs
from handlers.views.text import escape, label, t, tn, units

if TYPE_CHECKING:
    from bot.models import User

STAND_IN = {
    StandIn.AFWEZIG: N_("ℹ️ {naam} is vandaag afwezig; daarom krijg jij deze herinnering."),
    StandIn.ONBEREIKBAAR: N_("ℹ️ {naam} is niet bereikbaar via Telegram; daarom krijg jij deze herinnering."),
    StandIn.GEEN_HOUDER: N_("ℹ️ Deze zaak heeft nog geen behandelaar; daarom krijg jij deze herinnering."),
}


def reminder_text(
    lang: str, config: AppConfig, calendar: WorkCalendar, today: date, d: Delivery, recipient: User
) -> str:
    """The words of one reminder for one recipient."""
    lines: list[str] = []
    if d.stand_in is not None and recipient.id != (d.holder.id if d.holder else None):
        lines.append(t(lang, STAND_IN[d.stand_in], naam=d.holder.display_name if d.holder else "?"))
    if d.reminder.kind == ReminderKind.OPPAKKEN:
        lines.append(_pickup_line(lang, calendar, d))
    else:
        lines += _deadline_lines(lang, config, calendar, today, d)
    return "\n".join(lines)


def _pickup_line(lang: str, calendar: WorkCalendar, d: Delivery) -> str:
    item = d.dossier or d.vraag
    assert item is not None
    created = calendar.local(item.created_at)
    when = {"ref": d.ref, "datum": created.date(), "tijd": created.strftime("%H:%M")}
    if d.reminder.audience == Audience.TEAMLEIDER:
        holder = d.holder.display_name if d.holder else t(lang, "nog niemand")
        return t(
            lang,
            "🚨 Escalatie: <b>{ref}</b> is sinds {datum} om {tijd} nog niet opgepakt (bij {naam}).",
            naam=holder,
            **when,
        )
    return t(lang, "🔔 <b>{ref}</b> wacht sinds {datum} om {tijd} op iemand die het oppakt.", **when)


def _deadline_lines(
    lang: str, config: AppConfig, calendar: WorkCalendar, today: date, d: Delivery
) -> list[str]:
    assert d.deadline is not None and d.deadline.due_date is not None
    due, ref = d.deadline.due_date, d.ref
    name = deadline_name(lang, config, d.deadline.norm, d.deadline.seq)
    if d.reminder.offset_days == OVERDUE:
        late = calendar.working_days_between(due, today)
        lines: list[str] = [
            t(
                lang,
                "⚠️ De termijn {norm} van <b>{ref}</b> is verlopen op {datum}.",
                norm=name,
                ref=ref,
                datum=due,
            )
            + " "
            + tn(lang, "Dat is {n} werkdag geleden.", "Dat is {n} werkdagen geleden.", late)
        ]
        if d.reminder.audience == Audience.TEAMLEIDER and d.holder is not None:
            lines.append(t(lang, "Behandelaar: {naam}", naam=d.holder.display_name))
        return lines
    if due <= today:
        return [t(lang, "⏰ Vandaag verloopt de termijn {norm} van <b>{ref}</b>.", norm=name, ref=ref)]
    left = calendar.working_days_between(today, due)
    return [
        t(lang, "⏰ Herinnering <b>{ref}</b>: {norm}, uiterlijk {datum}.", ref=ref, norm=name, datum=due)
        + " "
        + tn(lang, "Nog {n} werkdag.", "Nog {n} werkdagen.", left)
    ]


BUNDLE_BUTTONS = 4  # a bundle gets buttons for its first few items; the rest via /zaken


def _urgency(d: Delivery) -> tuple[int, date, str]:
    """Overdue first, then items nobody picked up, then by due date."""
    if d.reminder.offset_days == OVERDUE and d.reminder.kind != ReminderKind.OPPAKKEN:
        rank = 0
    elif d.reminder.kind == ReminderKind.OPPAKKEN:
        rank = 1
    else:
        rank = 2
    due = d.deadline.due_date if d.deadline is not None and d.deadline.due_date is not None else date.min
    return rank, due, d.ref


def bundle_messages(
    lang: str,
    config: AppConfig,
    calendar: WorkCalendar,
    today: date,
    deliveries: list[Delivery],
    recipient: User,
    limit: int = MessageLimit.MAX_TEXT_LENGTH,
) -> list[tuple[str, list[Delivery]]]:
    """All of one person's reminders of one tick as one message, overdue first (one alone reads
    as before); cut between items where Telegram's limit asks, each part with the rows it holds,
    so each part is recorded as soon as it is sent."""
    ordered = sorted(deliveries, key=_urgency)
    texts = [reminder_text(lang, config, calendar, today, d, recipient) for d in ordered]
    if len(texts) == 1:
        return [(texts[0], ordered)]
    parts: list[tuple[str, list[Delivery]]] = []
    text: str = tn(lang, "<b>{n} herinnering</b>", "<b>{n} herinneringen</b>", len(texts))
    rows: list[Delivery] = []
    for item, delivery in zip(texts, ordered, strict=True):
        if rows and units(text) + 2 + units(item) > limit:
            parts.append((text, rows))
            text, rows = item, [delivery]
        else:
            text, rows = f"{text}\n\n{item}", [*rows, delivery]
    parts.append((text, rows))
    return parts


def bundle_buttons(lang: str, deliveries: list[Delivery]) -> InlineKeyboardMarkup:
    """One reminder: its own buttons. A bundle: pick up, answer or open its first few items."""
    if len(deliveries) == 1:
        return reminder_buttons(lang, deliveries[0])
    buttons: list[tuple[str, Button]] = []
    seen: set[str] = set()
    for d in sorted(deliveries, key=_urgency):
        if d.ref in seen or len(buttons) == BUNDLE_BUTTONS:
            continue
        seen.add(d.ref)
        if d.reminder.kind == ReminderKind.OPPAKKEN:
            buttons.append((t(lang, "Oppakken {ref}", ref=d.ref), PickUp(d.ref)))
        elif d.vraag is not None:
            buttons.append((t(lang, "Beantwoorden {ref}", ref=d.ref), AnswerVraag(d.ref)))
        else:
            buttons.append((t(lang, "{ref} openen", ref=d.ref), OpenDossier(d.ref)))
    return keyboard(pairs(buttons))


def reminder_buttons(lang: str, d: Delivery) -> InlineKeyboardMarkup:
    """Pick up an item; answer a vraag; record what stops the deadline, or open the dossier."""
    if d.reminder.kind == ReminderKind.OPPAKKEN:
        return new_item_buttons(lang, d.ref, is_vraag=d.vraag is not None)
    if d.vraag is not None:
        return answer_button(lang, d.ref)
    return milestone_buttons(lang, d.ref, d.buttons, [(label(lang, "Dossier openen"), OpenDossier(d.ref))])


def overdue_list(
    lang: str,
    config: AppConfig,
    calendar: WorkCalendar,
    today: date,
    deadlines: list[OverdueDeadline],
    holders: dict[int, User] | None = None,
) -> str:
    """The daily list for a worker (or, with holders, the weekly one for a teamleider)."""
    lines: list[str] = [
        tn(lang, "<b>Verlopen termijn ({n})</b>", "<b>Verlopen termijnen ({n})</b>", len(deadlines))
    ]
    for o in deadlines:
        late = calendar.working_days_between(o.due, today)
        line: str = t(
            lang,
            "• <b>{ref}</b> {norm}: verlopen op {datum}",
            ref=o.ref,
            norm=deadline_name(lang, config, o.norm, o.seq),
            datum=o.due,
        )
        line += " (" + tn(lang, "{n} werkdag", "{n} werkdagen", late) + ")"
        if holders is not None:
            holder = holders.get(o.holder_id) if o.holder_id else None
            line += " – " + (escape(holder.display_name) if holder else t(lang, "nog niemand"))
        lines.append(line)
    return "\n".join(lines)
