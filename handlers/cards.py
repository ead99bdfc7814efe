"""How items look in the chat: notifications, dossier cards and their buttons (HTML)."""

from __future__ import annotations

import html
from datetime import date

from telegram import InlineKeyboardMarkup

from bot.config import AppConfig
from bot.i18n import N_, Text
from bot.models import Deadline, Dossier, User, Vraag
from bot.routing import RouteReason
from bot.services.dossiers import DossierView
from bot.services.intake import Routed
from bot.vocabulary import Category, ClockStatus, DossierStatus, Milestone, Role, VraagTopic
from bot.workcalendar import WorkCalendar
from handlers.common import keyboard, label, pairs, t, tn

TOPIC_LABELS = {
    VraagTopic.SCHULDEN: N_("schulden en schuldhulp"),
    VraagTopic.BUDGET: N_("budget en inkomen"),
}


def norm_name(config: AppConfig, code: str) -> str:
    norm = config.normen.get(code)
    return norm.naam if norm else code


def who(lang: str, user: User | None) -> str:
    """A colleague with their function, e.g. 'Karel (klantmanager)'."""
    if user is None:
        return t(lang, "nog niemand")
    return t(lang, "{naam} ({rol})", naam=user.display_name, rol=Text(Role(user.role).label))


def deadline_state(lang: str, calendar: WorkCalendar, today: date, clock: Deadline) -> str:
    """'gehaald op …', 'nog 3 werkdagen', 'vandaag', '2 werkdagen te laat', 'geen termijn'."""
    if clock.status == ClockStatus.VERVALLEN:
        return t(lang, "vervallen")
    if clock.due_date is None:
        return (
            t(lang, "geen termijn")
            if clock.met_date is None
            else t(lang, "afgerond op {datum}", datum=clock.met_date)
        )
    if clock.met_date is not None:
        mark = "✅" if clock.met_date <= clock.due_date else "❌"
        return (
            t(lang, "{mark} gehaald op {datum}", mark=mark, datum=clock.met_date)
            if mark == "✅"
            else t(lang, "{mark} te laat, afgerond op {datum}", mark=mark, datum=clock.met_date)
        )
    left = calendar.working_days_between(today, clock.due_date)
    if clock.due_date == today:
        return t(lang, "⏳ vandaag")
    if clock.due_date > today:
        return "⏳ " + tn(lang, "nog {n} werkdag", "nog {n} werkdagen", left)
    return "⚠️ " + tn(lang, "{n} werkdag te laat", "{n} werkdagen te laat", -left)


def routed_line(lang: str, routed: Routed, today: date) -> str:
    """Who picks a new item up, and when."""
    decision = routed.decision
    if decision.reason is RouteReason.NIEMAND or routed.assignee is None:
        return t(
            lang,
            "Er is nog niemand ingeroosterd; de teamleider is ingelicht en zorgt dat het wordt opgepakt.",
        )
    if decision.day is not None and decision.day != today:
        return t(lang, "{wie} pakt het op vanaf {datum}.", wie=who(lang, routed.assignee), datum=decision.day)
    return t(lang, "{wie} pakt het op.", wie=who(lang, routed.assignee))


def dossier_notification(
    lang: str, config: AppConfig, dossier: Dossier, team: str, first: Deadline | None, sender: User | None
) -> str:
    """The card a worker receives for a new or handed-over dossier."""
    lines = [
        t(lang, "📥 Nieuwe melding <b>{ref}</b>", ref=dossier.ref),
        t(lang, "{categorie} · {wijkteam}", categorie=Text(Category(dossier.category).label), wijkteam=team),
        t(lang, "Meldingsdatum: {datum}", datum=dossier.meldingsdatum),
    ]
    if dossier.ris_nummer:
        lines.append(t(lang, "RIS-nummer: {nr}", nr=dossier.ris_nummer))
    if sender is not None:
        lines.append(t(lang, "Van: {naam}", naam=sender.display_name))
    if dossier.description:
        lines.append(t(lang, "Omschrijving: {tekst}", tekst=dossier.description))
    if first is not None and first.due_date is not None:
        lines.append(
            t(
                lang,
                "Termijn {norm}: uiterlijk {datum}",
                norm=norm_name(config, first.norm),
                datum=first.due_date,
            )
        )
    return "\n".join(lines)


def vraag_notification(lang: str, vraag: Vraag, team: str, asker: User | None, due: date | None) -> str:
    """The card a worker receives for a new or handed-over vraag."""
    lines = [
        t(
            lang,
            "❓ Nieuwe vraag <b>{ref}</b> over {onderwerp}",
            ref=vraag.ref,
            onderwerp=Text(TOPIC_LABELS[VraagTopic(vraag.topic)]),
        ),
        t(lang, "Van: {naam} · {wijkteam}", naam=asker.display_name if asker else "?", wijkteam=team),
        f"<blockquote>{html.escape(vraag.text or '')}</blockquote>",
    ]
    if due is not None:
        lines.append(t(lang, "Antwoord graag uiterlijk {datum}.", datum=due))
    return "\n".join(lines)


def new_item_buttons(lang: str, ref: str, is_vraag: bool) -> InlineKeyboardMarkup:
    """Oppakken and Overdragen, plus Beantwoorden for a vraag."""
    row = [(label(lang, "Oppakken"), f"ack:{ref}"), (label(lang, "Overdragen"), f"ho:{ref}")]
    if is_vraag:
        return keyboard([[(label(lang, "Beantwoorden"), f"ans:{ref}")], row])
    return keyboard([row])


def dossier_card(
    lang: str, config: AppConfig, calendar: WorkCalendar, today: date, view: DossierView, team: str
) -> str:
    """One dossier: state, milestones, clocks and the next reminder."""
    d = view.dossier
    status = {
        DossierStatus.NIEUW: t(lang, "nieuw, nog niet opgepakt"),
        DossierStatus.OPGEPAKT: t(lang, "opgepakt"),
        DossierStatus.AFGESLOTEN: t(lang, "afgesloten"),
    }[DossierStatus(d.status)]
    lines = [
        f"<b>{html.escape(d.ref)}</b> · "
        + t(lang, "{categorie} · {wijkteam}", categorie=Text(Category(d.category).label), wijkteam=team),
        t(lang, "Status: {status}; bij {wie}", status=status, wie=who(lang, view.assignee)),
        t(lang, "Meldingsdatum: {datum}", datum=d.meldingsdatum),
    ]
    if d.ris_nummer:
        lines.append(t(lang, "RIS-nummer: {nr}", nr=d.ris_nummer))
    if view.milestones:
        lines += ["", t(lang, "<b>Stappen</b>")]
        for m in view.milestones:
            extra = ""
            if m.kind == Milestone.CONTACTPOGING:
                extra = " – " + (t(lang, "bereikt") if m.reached else t(lang, "niet bereikt"))
            elif m.self_reliant is not None:
                extra = " – " + (
                    t(lang, "zelfredzaam") if m.self_reliant else t(lang, "nog niet zelfredzaam")
                )
            lines.append(
                t(lang, "• {stap}: {datum}", stap=Text(Milestone(m.kind).label), datum=m.day) + extra
            )
    if view.deadlines:
        lines += ["", t(lang, "<b>Termijnen</b>")]
        for clock in view.deadlines:
            name = norm_name(config, clock.norm)
            if clock.seq:
                name = t(lang, "{norm}, toets {n}", norm=name, n=str(clock.seq))
            else:
                name = html.escape(name)
            due = t(lang, "uiterlijk {datum}", datum=clock.due_date) if clock.due_date else ""
            state = deadline_state(lang, calendar, today, clock)
            lines.append(f"• {name}: {due} – {state}" if due else f"• {name}: {state}")
    if view.next_reminder is not None:
        at = calendar.local(view.next_reminder.due_at)
        lines += [
            "",
            t(lang, "Volgende herinnering: {datum} om {tijd}", datum=at.date(), tijd=at.strftime("%H:%M")),
        ]
    return "\n".join(lines)


def dossier_buttons(lang: str, view: DossierView) -> InlineKeyboardMarkup | None:
    """Oppakken for a new dossier; the milestones that fit, Overdragen and Afsluiten once picked up."""
    ref = view.dossier.ref
    if not view.can_handle or view.dossier.status == DossierStatus.AFGESLOTEN:
        return None
    if view.dossier.status == DossierStatus.NIEUW:
        return new_item_buttons(lang, ref, is_vraag=False)
    steps = [(label(lang, m.label), f"ms:{ref}:{m.value}") for m in view.recordable]
    rows = pairs(steps)
    rows.append(
        [
            (label(lang, "Overdragen"), f"ho:{ref}"),
            (label(lang, "Afsluiten"), f"ms:{ref}:{Milestone.AFGESLOTEN.value}"),
        ]
    )
    return keyboard(rows)
