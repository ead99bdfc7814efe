"""/rooster as a person sees it: the week per day and wijkteam, and the editor's toggle grid."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from babel.dates import format_date as babel_format_date
from telegram import InlineKeyboardMarkup

from bot.i18n import N_, Text
from bot.services.roster import TeamRoster, WeekOverview
from bot.vocabulary import Role
from handlers.views.callbacks import Button, RosterEdit, RosterTeam, RosterToggle, RosterWeek
from handlers.views.keyboards import keyboard, pairs
from handlers.views.text import escape, label, t

if TYPE_CHECKING:
    from bot.models import Wijkteam

WEEKDAYS = [N_("ma"), N_("di"), N_("wo"), N_("do"), N_("vr")]


def week_text(lang: str, week: WeekOverview) -> str:
    """Monday to Friday: holidays, nobody on duty, or per wijkteam who is on duty."""
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
        if not day.duties:
            lines.append(f"<b>{head}</b>: " + t(lang, "niemand ingeroosterd"))
            continue
        by_team: dict[str, list[str]] = {}
        for team, name, role in day.duties:
            by_team.setdefault(team, []).append(
                t(lang, "{naam} ({rol})", naam=name, rol=Text(Role(role).label))
            )
        people = "; ".join(
            f"{escape(week.team_names.get(team, team))}: {', '.join(names)}"
            for team, names in by_team.items()
        )
        lines.append(f"<b>{head}</b>: {people}")
    return "\n".join(lines)


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


def team_buttons(teams: list[Wijkteam]) -> InlineKeyboardMarkup:
    return keyboard(pairs([(w.naam, RosterTeam(w.code)) for w in teams], 1))


def editor_text(lang: str, roster: TeamRoster) -> str:
    return t(
        lang, "Rooster van {wijkteam}: tik op een dag om iemand aan of af te zetten.", wijkteam=roster.naam
    )


def editor_buttons(lang: str, roster: TeamRoster) -> InlineKeyboardMarkup:
    """Per worker a name row, then a row of weekdays marked ✅ when on duty there."""
    rows: list[list[tuple[str, Button]]] = []
    for worker in roster.workers:
        days: list[tuple[str, Button]] = [
            (
                f"{label(lang, day)} {'✅' if (wd, worker.id) in roster.slots else '·'}",
                RosterToggle(roster.wijkteam, wd, worker.id),
            )
            for wd, day in enumerate(WEEKDAYS)
        ]
        rows.append([(worker.display_name, RosterTeam(roster.wijkteam))])
        rows.append(days)
    return keyboard(rows)
