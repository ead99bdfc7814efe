"""/rooster as a person sees it: the week per day and wijkteam, the weekly editor's toggle grid
and the editor of one date."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from babel.dates import format_date as babel_format_date
from telegram import InlineKeyboardMarkup

from bot.i18n import N_, Text
from bot.services.roster import FUNCTIONS, DayEdit, RosterGaps, TeamRoster, WeekOverview
from bot.vocabulary import Role
from handlers.views.callbacks import (
    Button,
    RosterDay,
    RosterDayReset,
    RosterDayToggle,
    RosterDone,
    RosterEdit,
    RosterTeam,
    RosterToggle,
    RosterWeek,
)
from handlers.views.cards import person_label
from handlers.views.keyboards import keyboard, pairs
from handlers.views.text import escape, label, t

if TYPE_CHECKING:
    from bot.models import User, Wijkteam
    from bot.workcalendar import WorkCalendar

WEEKDAYS = [N_("ma"), N_("di"), N_("wo"), N_("do"), N_("vr")]


def _person(lang: str, name: str, role: str, absent: bool = False) -> str:
    return escape(person_label(lang, name, role, absent))


def week_text(lang: str, week: WeekOverview) -> str:
    """Monday to Friday per wijkteam (absent people marked), which weekdays each function covers
    per wijkteam, and for who may change the roster the gaps in the rule."""
    days = week.days
    lines: list[str] = [
        t(
            lang,
            "<b>Rooster week {nr}</b> ({van} t/m {tot})",
            nr=str(week.monday.isocalendar().week),
            van=babel_format_date(days[0].day, "d MMMM", locale=lang),
            tot=babel_format_date(days[-1].day, "d MMMM y", locale=lang),
        )
    ]
    for day in days:
        head = babel_format_date(day.day, "EEEE d MMMM", locale=lang)
        if not day.working_day:
            reason = day.holiday or t(lang, "geen werkdag")
            lines.append(f"<b>{head}</b>: {reason}")
            continue
        if not day.duties and not day.absent:
            lines.append(f"<b>{head}</b>: " + t(lang, "niemand ingeroosterd"))
            continue
        by_team: dict[str, list[str]] = {}
        for team, name, role in day.duties:
            by_team.setdefault(team, []).append(_person(lang, name, role))
        for team, name, role in day.absent:
            by_team.setdefault(team, []).append(_person(lang, name, role, absent=True))
        people = "; ".join(
            f"{escape(week.team_names.get(team, team))}: {', '.join(names)}"
            for team, names in sorted(by_team.items())
        )
        lines.append(f"<b>{head}</b>: {people}")
    if week.coverage:
        lines += ["", t(lang, "<b>Per wijkteam</b>")]
        for team, roles in week.coverage.items():
            covered = ", ".join(
                t(lang, "{functie} {dagen}", functie=Text(role.label), dagen=_weekdays(lang, wds))
                for role, wds in roles.items()
            )
            lines.append(f"{escape(week.team_names.get(team, team))}: {covered}")
    if week.can_edit and week.gaps:
        lines += ["", *gap_lines(lang, week.gaps, week.team_names, week.monday.isocalendar().week)]
    return "\n".join(lines)


def _weekdays(lang: str, weekdays: list[int]) -> str:
    return ", ".join(label(lang, WEEKDAYS[wd]) for wd in weekdays) if weekdays else t(lang, "geen dag")


def gap_lines(lang: str, gaps: RosterGaps, team_names: dict[str, str], week_nr: int) -> list[str]:
    """⚠️ lines: who has no wijkteam day that week, which wijkteam lacks a function."""
    lines: list[str] = [
        t(
            lang,
            "⚠️ {wijkteam} heeft in week {nr} geen {functie}.",
            nr=str(week_nr),
            wijkteam=team_names.get(team, team),
            functie=Text(role.label),
        )
        for team, role in gaps.uncovered
    ]
    lines += [
        t(
            lang,
            "⚠️ {naam} ({functie}) heeft in week {nr} geen dag in een wijkteam.",
            naam=name,
            functie=Text(role.label),
            nr=str(week_nr),
        )
        for name, role in gaps.without_day
    ]
    return lines


def week_buttons(lang: str, week: WeekOverview) -> InlineKeyboardMarkup:
    """Previous and next week; Rooster wijzigen for who may change it."""
    rows: list[list[tuple[str, Button]]] = [
        [
            (label(lang, "◀ Vorige week"), RosterWeek(week.monday - timedelta(days=7))),
            (label(lang, "Volgende week ▶"), RosterWeek(week.monday + timedelta(days=7))),
        ]
    ]
    if week.can_edit:
        rows.append([(label(lang, "Rooster wijzigen"), RosterEdit())])
    return keyboard(rows)


def team_buttons(lang: str, teams: list[Wijkteam]) -> InlineKeyboardMarkup:
    rows = pairs([(w.naam, RosterTeam(w.code)) for w in teams], 1)
    rows.append([(label(lang, "Klaar"), RosterDone())])
    return keyboard(rows)


def editor_text(lang: str, roster: TeamRoster) -> str:
    return t(
        lang,
        "<b>Rooster van {wijkteam}</b>\n"
        "Tik op een dag om iemand elke week aan of af te zetten; dat geldt vanaf vandaag.\n"
        "Alleen één dag anders? Kies die dag onderaan.",
        wijkteam=roster.naam,
    )


def editor_buttons(lang: str, roster: TeamRoster, days: list[date]) -> InlineKeyboardMarkup:
    """Per worker a name row and a row of weekdays marked ✅ when on duty there; then the coming
    working days for a change of one date, and Klaar."""
    rows: list[list[tuple[str, Button]]] = []
    for worker in roster.workers:
        rows.append([(person_label(lang, worker.display_name, worker.role), RosterTeam(roster.wijkteam))])
        rows.append(
            [
                (
                    f"{label(lang, day)} {'✅' if (wd, worker.id) in roster.slots else '·'}",
                    RosterToggle(roster.wijkteam, wd, worker.id),
                )
                for wd, day in enumerate(WEEKDAYS)
            ]
        )
    rows += pairs(
        [
            (
                t(lang, "Alleen {dag}", dag=babel_format_date(day, "EEE d MMM", locale=lang)),
                RosterDay(roster.wijkteam, day),
            )
            for day in days
        ],
        3,
    )
    rows.append([(label(lang, "Klaar"), RosterDone())])
    return keyboard(rows)


def coming_days(calendar: WorkCalendar, today: date, n: int = 5) -> list[date]:
    """Today (if a working day) and the next working days: the dates a one-day change is for."""
    days: list[date] = []
    day = today
    while len(days) < n:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def day_text(lang: str, edit: DayEdit) -> str:
    lines = [
        t(
            lang,
            "<b>{wijkteam} op {dag}</b>",
            wijkteam=edit.naam,
            dag=babel_format_date(edit.day, "EEEE d MMMM y", locale=lang),
        ),
        t(lang, "Tik op wie er die dag is. Dit geldt alleen voor die dag."),
    ]
    lines.append(
        t(lang, "Deze dag wijkt af van het vaste rooster.")
        if edit.overridden
        else t(lang, "Nu geldt het vaste rooster.")
    )
    return "\n".join(lines)


def day_buttons(lang: str, edit: DayEdit) -> InlineKeyboardMarkup:
    """Per worker a toggle (✅ on duty that day, marked when absent); Vast rooster; back."""
    rows: list[list[tuple[str, Button]]] = [
        [
            (
                ("✅ " if worker.id in edit.on_duty else "· ")
                + person_label(lang, worker.display_name, worker.role, worker.id in edit.absent),
                RosterDayToggle(edit.wijkteam, edit.day, worker.id),
            )
        ]
        for worker in _functions_first(edit.workers)
    ]
    last: list[tuple[str, Button]] = [(label(lang, "◀ Terug"), RosterTeam(edit.wijkteam))]
    if edit.overridden:
        last.insert(0, (label(lang, "Vast rooster"), RosterDayReset(edit.wijkteam, edit.day)))
    rows.append(last)
    return keyboard(rows)


def _functions_first(workers: list[User]) -> list[User]:
    return sorted(workers, key=lambda u: (Role(u.role) not in FUNCTIONS, u.display_name))


def absence_notice(lang: str, by: str, first: date, last: date) -> str:
    """To a colleague whom a teamleider reported absent."""
    text = (
        t(lang, "{wie} heeft je afwezig gemeld op {van}.", wie=by, van=first)
        if first == last
        else t(lang, "{wie} heeft je afwezig gemeld van {van} tot en met {tot}.", wie=by, van=first, tot=last)
    )
    return text + "\n" + t(lang, "Nieuwe meldingen en vragen gaan in die tijd naar je collega's.")


def roster_gaps_text(lang: str, week: WeekOverview) -> str:
    """For the weekly overview: the week's gaps in the roster and where to mend them."""
    head = t(lang, "<b>Rooster week {nr}</b>", nr=str(week.monday.isocalendar().week))
    gaps = gap_lines(lang, week.gaps, week.team_names, week.monday.isocalendar().week)
    lines = [head, *gaps, t(lang, "Pas het aan met /rooster.")]
    return "\n".join(lines)
