"""How reminders, escalations and lists read in the chat (HTML, translated)."""

from __future__ import annotations

import html
from datetime import date

from telegram import InlineKeyboardMarkup

from bot.config import AppConfig
from bot.i18n import N_
from bot.models import Deadline, User
from bot.norms import OVERDUE
from bot.services.clocks import OPPAKKEN
from bot.services.reminders import Delivery, OverdueClock
from bot.workcalendar import WorkCalendar
from handlers.cards import norm_name
from handlers.common import keyboard, label, pairs, t, tn

REASONS = {
    "afwezig": N_("ℹ️ {naam} is vandaag afwezig; daarom krijg jij deze herinnering."),
    "onbereikbaar": N_("ℹ️ {naam} is niet bereikbaar via Telegram; daarom krijg jij deze herinnering."),
    "geen_houder": N_("ℹ️ Deze zaak heeft nog geen behandelaar; daarom krijg jij deze herinnering."),
}


def clock_name(lang: str, config: AppConfig, deadline: Deadline) -> str:
    name = norm_name(config, deadline.norm)
    return t(lang, "{norm}, toets {n}", norm=name, n=str(deadline.seq)) if deadline.seq else html.escape(name)


def reminder_text(
    lang: str, config: AppConfig, calendar: WorkCalendar, today: date, d: Delivery, recipient: User
) -> str:
    """The words of one reminder for one recipient."""
    r, ref = d.reminder, d.ref
    lines: list[str] = []
    if d.reason is not None and recipient.id != (d.holder.id if d.holder else None):
        lines.append(t(lang, REASONS[d.reason], naam=d.holder.display_name if d.holder else "?"))
    if r.kind == OPPAKKEN:
        created = calendar.local((d.dossier or d.vraag).created_at)  # type: ignore[union-attr]
        if r.audience == "teamleider":
            lines.append(
                t(
                    lang,
                    "🚨 Escalatie: <b>{ref}</b> is sinds {datum} om {tijd} nog niet opgepakt (bij {naam}).",
                    ref=ref,
                    datum=created.date(),
                    tijd=created.strftime("%H:%M"),
                    naam=d.holder.display_name if d.holder else t(lang, "nog niemand"),
                )
            )
        else:
            lines.append(
                t(
                    lang,
                    "🔔 <b>{ref}</b> wacht sinds {datum} om {tijd} op iemand die het oppakt.",
                    ref=ref,
                    datum=created.date(),
                    tijd=created.strftime("%H:%M"),
                )
            )
        return "\n".join(lines)
    assert d.deadline is not None and d.deadline.due_date is not None
    due = d.deadline.due_date
    name = clock_name(lang, config, d.deadline)
    if r.offset_days == OVERDUE:
        late = calendar.working_days_between(due, today)
        lines.append(
            t(
                lang,
                "⚠️ De termijn {norm} van <b>{ref}</b> is verlopen op {datum}.",
                norm=name,
                ref=ref,
                datum=due,
            )
            + " "
            + tn(lang, "Dat is {n} werkdag geleden.", "Dat is {n} werkdagen geleden.", late)
        )
        if r.audience == "teamleider" and d.holder is not None:
            lines.append(t(lang, "Behandelaar: {naam}", naam=d.holder.display_name))
    elif due <= today:
        lines.append(t(lang, "⏰ Vandaag verloopt de termijn {norm} van <b>{ref}</b>.", norm=name, ref=ref))
    else:
        left = calendar.working_days_between(today, due)
        lines.append(
            t(lang, "⏰ Herinnering <b>{ref}</b>: {norm}, uiterlijk {datum}.", ref=ref, norm=name, datum=due)
            + " "
            + tn(lang, "Nog {n} werkdag.", "Nog {n} werkdagen.", left)
        )
    return "\n".join(lines)


def reminder_buttons(lang: str, d: Delivery) -> InlineKeyboardMarkup | None:
    """Record the milestone that stops the clock, or open the dossier; pick up an item."""
    ref = d.ref
    if d.reminder.kind == OPPAKKEN:
        rows = [[(label(lang, "Oppakken"), f"ack:{ref}"), (label(lang, "Overdragen"), f"ho:{ref}")]]
        if d.vraag is not None:
            rows.insert(0, [(label(lang, "Beantwoorden"), f"ans:{ref}")])
        return keyboard(rows)
    if d.vraag is not None:
        return keyboard([[(label(lang, "Beantwoorden"), f"ans:{ref}")]])
    steps = [(label(lang, m.label), f"ms:{ref}:{m.value}") for m in d.buttons]
    rows = pairs(steps)
    rows.append([(label(lang, "Dossier openen"), f"zk:{ref}")])
    return keyboard(rows)


def overdue_list(
    lang: str,
    config: AppConfig,
    calendar: WorkCalendar,
    today: date,
    clocks: list[OverdueClock],
    holders: dict[int, User] | None = None,
) -> str:
    """The daily list for a worker (or, with holders, the weekly one for a teamleider)."""
    lines = [tn(lang, "<b>Verlopen termijn ({n})</b>", "<b>Verlopen termijnen ({n})</b>", len(clocks))]
    for c in clocks:
        name = (
            norm_name(config, c.norm)
            if not c.seq
            else t(lang, "{norm}, toets {n}", norm=norm_name(config, c.norm), n=str(c.seq))
        )
        late = calendar.working_days_between(c.due, today)
        line = t(lang, "• <b>{ref}</b> {norm}: verlopen op {datum}", ref=c.ref, norm=name, datum=c.due)
        line += " (" + tn(lang, "{n} werkdag", "{n} werkdagen", late) + ")"
        if holders is not None:
            holder = holders.get(c.holder_id) if c.holder_id else None
            line += " – " + (html.escape(holder.display_name) if holder else t(lang, "nog niemand"))
        lines.append(line)
    return "\n".join(lines)
