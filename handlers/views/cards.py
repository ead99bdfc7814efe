"""How items look in the chat: the card of a new item, a dossier card, deadlines and who has what."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup

from bot.config import AppConfig
from bot.ddas import Eindresultaat, Signaalpartner, Uitstroomreden
from bot.i18n import N_, Text, gettext
from bot.norms import verdict
from bot.routing import RouteReason
from bot.services.dossiers import DossierView, VraagView
from bot.services.intake import Routed
from bot.vocabulary import (
    Beschikking,
    Category,
    ContactWay,
    Dagdeel,
    DeadlineStatus,
    DossierStatus,
    Milestone,
    Role,
    Verdict,
    VraagStatus,
    VraagTopic,
)
from bot.workcalendar import WorkCalendar
from handlers.views.keyboards import new_item_buttons, vraag_buttons, working_buttons
from handlers.views.text import Html, escape, t, tn

if TYPE_CHECKING:
    from bot.models import Deadline, Dossier, User, Vraag


def who(lang: str, user: User | None) -> str:
    """A colleague with their function, e.g. 'Karel (klantmanager)'."""
    if user is None:
        return t(lang, "nog niemand")
    return t(lang, "{naam} ({rol})", naam=user.display_name, rol=Text(Role(user.role).label))


def deadline_name(lang: str, config: AppConfig, norm: str, seq: int) -> str:
    """The norm's name (HTML), and for a periodic toets its number."""
    name = config.norm_name(norm, lang)
    return t(lang, "{norm}, toets {n}", norm=name, n=str(seq)) if seq else escape(name)


def due_phrase(lang: str, calendar: WorkCalendar, today: date, due: date) -> str:
    """'vandaag', 'nog 3 werkdagen' or '2 werkdagen te laat'."""
    if due == today:
        return t(lang, "vandaag")
    left = calendar.working_days_between(today, due)
    if due > today:
        return tn(lang, "nog {n} werkdag", "nog {n} werkdagen", left)
    return tn(lang, "{n} werkdag te laat", "{n} werkdagen te laat", -left)


def deadline_state(lang: str, calendar: WorkCalendar, today: date, deadline: Deadline) -> Html:
    """'✅ gehaald op …', '⏳ nog 3 werkdagen', '⚠️ 2 werkdagen te laat', 'vervallen', 'geen termijn'."""
    state = verdict(deadline.status, deadline.due_date, deadline.met_date, today)
    if state is Verdict.VERVALLEN:
        return t(lang, "vervallen")
    if state is Verdict.GEEN_TERMIJN:
        if deadline.met_date is None:
            return t(lang, "geen termijn")
        return t(lang, "afgerond op {datum}", datum=deadline.met_date)
    if state is Verdict.GEHAALD:
        return t(lang, "{mark} gehaald op {datum}", mark="✅", datum=deadline.met_date)
    if state is Verdict.TE_LAAT:
        return t(lang, "{mark} te laat, afgerond op {datum}", mark="❌", datum=deadline.met_date)
    if state is Verdict.NIET_GEHAALD:
        return t(lang, "❌ niet gehaald (beslist op {datum})", datum=deadline.decided_on)
    assert deadline.due_date is not None
    icon = "⏳" if state is Verdict.LOPEND else "⚠️"
    return Html(f"{icon} {due_phrase(lang, calendar, today, deadline.due_date)}")


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
    lang: str,
    config: AppConfig,
    dossier: Dossier,
    team: str,
    first: Deadline | None,
    sender: User | None,
    today: date | None = None,
) -> str:
    """The card a worker receives for a new or handed-over dossier (one already picked up is
    headed as the dossier it is, not as a new melding)."""
    head = (
        t(lang, "📥 Nieuwe melding <b>{ref}</b>", ref=dossier.ref)
        if dossier.acknowledged_at is None
        else t(lang, "📂 Dossier <b>{ref}</b>, in behandeling", ref=dossier.ref)
    )
    lines = [
        head,
        t(lang, "{categorie} · {wijkteam}", categorie=Text(Category(dossier.category).label), wijkteam=team),
        t(lang, "Meldingsdatum: {datum}", datum=dossier.meldingsdatum),
    ]
    if dossier.ris_nummer:
        lines.append(t(lang, "RIS-nummer: {nr}", nr=dossier.ris_nummer))
    lines += signal_lines(lang, dossier)
    if sender is not None:
        lines.append(t(lang, "Van: {naam}", naam=sender.display_name))
    if dossier.description:
        lines.append(t(lang, "Omschrijving: {tekst}", tekst=dossier.description))
    if first is not None and first.due_date is not None:
        lines.append(
            t(
                lang,
                "Termijn {norm}: uiterlijk {datum}",
                norm=config.norm_name(first.norm, lang),
                datum=first.due_date,
            )
        )
        if today is not None and first.due_date < today:
            lines.append(past_due_warning(lang, first.due_date))
    return "\n".join(lines)


def past_due_warning(lang: str, due: date) -> Html:
    """A melding dated so far back that its first termijn has already passed."""
    return t(lang, "⚠️ De termijn is al verlopen op {datum}: de meldingsdatum ligt ver terug.", datum=due)


def vraag_notification(lang: str, vraag: Vraag, team: str, asker: User | None, due: date | None) -> str:
    """The card a worker receives for a new or handed-over vraag."""
    lines = [
        t(
            lang,
            "❓ Nieuwe vraag <b>{ref}</b> over {onderwerp}",
            ref=vraag.ref,
            onderwerp=Text(VraagTopic(vraag.topic).label),
        ),
        t(lang, "Van: {naam} · {wijkteam}", naam=asker.display_name if asker else "?", wijkteam=team),
        f"<blockquote>{escape(vraag.text or '')}</blockquote>",
    ]
    if due is not None:
        lines.append(t(lang, "Antwoord graag uiterlijk {datum}.", datum=due))
    return "\n".join(lines)


_STATUS = {
    DossierStatus.NIEUW: N_("nieuw, nog niet opgepakt"),
    DossierStatus.OPGEPAKT: N_("opgepakt"),
    DossierStatus.AFGESLOTEN: N_("afgesloten"),
}


def dossier_card(lang: str, config: AppConfig, calendar: WorkCalendar, today: date, view: DossierView) -> str:
    """One dossier: state, milestones, deadlines and the next reminder."""
    d = view.dossier
    lines = [
        f"<b>{escape(d.ref)}</b> · "
        + t(
            lang,
            "{categorie} · {wijkteam}",
            categorie=Text(Category(d.category).label),
            wijkteam=view.wijkteam,
        ),
        t(
            lang,
            "Status: {status}; bij {wie}",
            status=Text(_STATUS[DossierStatus(d.status)]),
            wie=who(lang, view.assignee),
        ),
        t(lang, "Meldingsdatum: {datum}", datum=d.meldingsdatum),
    ]
    if d.ris_nummer:
        lines.append(t(lang, "RIS-nummer: {nr}", nr=d.ris_nummer))
    lines += signal_lines(lang, d)
    if view.milestones:
        lines += ["", t(lang, "<b>Stappen</b>")]
        for m in view.milestones:
            extra = ""
            if m.contact_way is not None:  # an attempt or the first contact: how, when in the day
                extra = ", " + t(lang, ContactWay(m.contact_way).label)
                if m.dagdeel is not None:
                    extra += " (" + t(lang, Dagdeel(m.dagdeel).label) + ")"
            if m.kind == Milestone.CONTACTPOGING:
                extra += " – " + (t(lang, "bereikt") if m.reached else t(lang, "niet bereikt"))
            if m.uitkomst is not None and m.kind == Milestone.BESCHIKKING:
                extra += " – " + t(lang, Beschikking(m.uitkomst).label)
            elif m.self_reliant is not None:
                extra = " – " + (
                    t(lang, "zelfredzaam") if m.self_reliant else t(lang, "nog niet zelfredzaam")
                )
            lines.append(
                t(lang, "• {stap}: {datum}", stap=Text(Milestone(m.kind).label), datum=m.day) + extra
            )
    if view.deadlines:
        lines += ["", t(lang, "<b>Termijnen</b>")]
        for deadline in view.deadlines:
            name = deadline_name(lang, config, deadline.norm, deadline.seq)
            due = t(lang, "uiterlijk {datum}", datum=deadline.due_date) if deadline.due_date else ""
            state = deadline_state(lang, calendar, today, deadline)
            lines.append(f"• {name}: {due} – {state}" if due else f"• {name}: {state}")
    reason = closing_reason(d)
    if reason is not None:
        lines += ["", t(lang, "Afgesloten: {reden}", reden=reason)]
    if view.can_handle and view.next_reminder is not None:
        at = calendar.local(view.next_reminder.due_at)
        lines += [
            "",
            t(lang, "Volgende herinnering: {datum} om {tijd}", datum=at.date(), tijd=at.strftime("%H:%M")),
        ]
    elif not view.can_handle:  # the sender: what happens next, not the worker's reminders
        running = [x for x in view.deadlines if x.status == DeadlineStatus.LOPEND and x.due_date]
        nearest = min(running, key=lambda x: x.due_date or date.max, default=None)
        if nearest is not None:
            lines += [
                "",
                t(
                    lang,
                    "Volgende stap: {norm}, uiterlijk {datum}",
                    norm=deadline_name(lang, config, nearest.norm, nearest.seq),
                    datum=nearest.due_date,
                ),
            ]
    return "\n".join(lines)


def closing_reason(dossier: Dossier) -> Text | None:
    """Why a closed dossier ended: DDAS's uitstroomreden or eindresultaat, in words."""
    if dossier.uitstroomreden:
        return Text(Uitstroomreden(dossier.uitstroomreden).label)
    if dossier.eindresultaat:
        return Text(Eindresultaat(dossier.eindresultaat).label)
    return None


def dossier_buttons(lang: str, view: DossierView) -> InlineKeyboardMarkup | None:
    """Oppakken for a new dossier; the milestones that fit, Overdragen and Afsluiten once picked up."""
    if not view.can_handle or view.dossier.status == DossierStatus.AFGESLOTEN:
        return None
    if view.dossier.status == DossierStatus.NIEUW:
        return new_item_buttons(lang, view.dossier.ref, is_vraag=False)
    return working_buttons(lang, view.dossier.ref, view.recordable)


_VRAAG_STATUS = {
    VraagStatus.NIEUW: N_("nieuw, nog niet opgepakt"),
    VraagStatus.OPGEPAKT: N_("opgepakt"),
    VraagStatus.BEANTWOORD: N_("beantwoord"),
}


def vraag_card(lang: str, config: AppConfig, calendar: WorkCalendar, today: date, view: VraagView) -> str:
    """One vraag: who has it, the question, the answer or until when it is due."""
    v = view.vraag
    lines = [
        f"<b>{escape(v.ref)}</b> · "
        + t(
            lang,
            "vraag over {onderwerp} · {wijkteam}",
            onderwerp=Text(VraagTopic(v.topic).label),
            wijkteam=view.wijkteam,
        ),
        t(
            lang,
            "Status: {status}; bij {wie}",
            status=Text(_VRAAG_STATUS[VraagStatus(v.status)]),
            wie=who(lang, view.assignee),
        ),
        t(lang, "Van: {naam}", naam=view.asker.display_name if view.asker else "?"),
    ]
    if v.text:
        lines.append(f"<blockquote>{escape(v.text)}</blockquote>")
    if v.status == VraagStatus.BEANTWOORD:
        if v.answered_at is not None:
            lines.append(t(lang, "Beantwoord op {datum}", datum=calendar.local(v.answered_at).date()))
        if v.answer:
            lines.append(escape(v.answer))
    elif view.deadline is not None and view.deadline.due_date is not None:
        if view.can_handle:
            state = deadline_state(lang, calendar, today, view.deadline)
            lines.append(
                t(lang, "Antwoord uiterlijk {datum} – {stand}", datum=view.deadline.due_date, stand=state)
            )
        else:
            lines.append(t(lang, "Wacht op antwoord, uiterlijk {datum}", datum=view.deadline.due_date))
    return "\n".join(lines)


def vraag_card_buttons(lang: str, view: VraagView) -> InlineKeyboardMarkup | None:
    """Oppakken, Overdragen and Beantwoorden for whoever may handle an open vraag; none otherwise."""
    if not view.can_handle or view.vraag.status == VraagStatus.BEANTWOORD:
        return None
    if view.vraag.status == VraagStatus.NIEUW:
        return new_item_buttons(lang, view.vraag.ref, is_vraag=True)
    return vraag_buttons(lang, view.vraag.ref)


def colleague_label(lang: str, user: User, absent: bool) -> str:
    """A hand-over button: name, function, and whether they are away today."""
    return person_label(lang, user.display_name, user.role, absent)


def person_label(lang: str, name: str, role: str, absent: bool = False) -> str:
    """Name and function, marked when absent; plain text (a button), escape it for a message."""
    function = gettext(Role(role).label, lang)
    if absent:
        return gettext("{naam} ({functie}, afwezig)", lang, naam=name, functie=function)
    return gettext("{naam} ({functie})", lang, naam=name, functie=function)


def signal_lines(lang: str, dossier: Dossier) -> list[Html]:
    """A vroegsignaal's details for whoever works on it: its partner, a crisis, a warme overdracht."""
    lines = []
    if dossier.signaalpartner:
        partner = Text(Signaalpartner(dossier.signaalpartner).label)
        lines.append(
            t(lang, "Signaalpartner: {soort} ({organisatie})", soort=partner, organisatie=dossier.organisatie)
            if dossier.organisatie
            else t(lang, "Signaalpartner: {soort}", soort=partner)
        )
    if dossier.crisissignaal:
        lines.append(t(lang, "⚠️ Crisissignaal"))
    if dossier.warme_overdracht:
        lines.append(t(lang, "Warme overdracht: er is al contact met de inwoner"))
    return lines
