"""/status as a person sees it: the figures per norm against their targets, and the chart."""

from __future__ import annotations

from babel.dates import format_date as babel_format_date

from bot.config import AppConfig
from bot.i18n import Text, gettext
from bot.services.kpi import (
    Figures,
    NormFigure,
    Scope,
    figure_keys,
    is_toets_key,
    meets,
    norm_code,
)
from bot.vocabulary import Category
from handlers.views.text import Html, escape, t, tn

_MARKS = {True: "✅", False: "❌", None: "⚪"}


def _mark(share: float | None, goal: float | None) -> str:
    """✅ target met, ❌ not met, ⚪ nothing decided yet (or no target)."""
    return _MARKS[meets(share, goal)]


def _percent_label(share: float) -> str:
    return f"{share:.0%}"


def _ratio(decided: int, on_time: int) -> str:
    if not decided:
        return "–"
    return f"{on_time}/{decided} = {on_time / decided:.0%}"


def scope_name(lang: str, scope: Scope) -> str:
    """Whose figures, as plain text: your own, a wijkteam's, or all wijkteams'."""
    if scope.holder_id is not None:
        return gettext("jouw zaken", lang)
    if scope.wijkteam_name is not None:
        return scope.wijkteam_name
    return gettext("alle wijkteams", lang)


def scope_label(lang: str, scope: Scope) -> Html:
    return escape(scope_name(lang, scope))


def status_text(lang: str, config: AppConfig, scope_label: str, week: Figures, quarter: Figures) -> str:
    """The compact status: intake this week, open and overdue, every norm against its target."""
    lines = [*_heading(lang, scope_label, week, quarter), "", *_intake(lang, week, quarter)]
    lines += ["", t(lang, "<b>Binnen de termijn</b> (week | kwartaal)")]
    lines += _norm_lines(lang, config, week, quarter)
    goal = config.doelen.zelfredzaam_na_budgetbeheer
    lines.append(
        f"{_mark(quarter.self_reliance, goal)} "
        + t(
            lang,
            "Zelfredzaam na budgetbeheer (kwartaal): {aandeel} (doel {doel})",
            aandeel=_ratio(quarter.budgetbeheer_ended, quarter.budgetbeheer_self_reliant),
            doel=_percent_label(goal),
        )
        + " · "
        + tn(lang, "nog {n} traject loopt", "nog {n} trajecten lopen", quarter.budgetbeheer_running)
    )
    lines += _chain(lang, quarter)
    lines += _overdue(lang, config, quarter)
    return "\n".join(lines)


def _chain(lang: str, quarter: Figures) -> list[str]:
    """Where the open trajecten stand, and what the quarter brought in and saw end."""
    chain = quarter.chain
    if chain is None:
        return []
    phases = [f"{Text(f.label).render(lang)} {n}" for f, n in chain.phases.items() if n]
    return [
        "",
        t(lang, "<b>Trajecten nu</b>: {fasen}", fasen=" · ".join(phases) if phases else t(lang, "geen")),
        t(
            lang,
            "Dit kwartaal: {signalen}, {trajecten}, {uitstroom}",
            signalen=tn(lang, "{n} vroegsignaal", "{n} vroegsignalen", chain.new_signals),
            trajecten=tn(lang, "{n} nieuw traject", "{n} nieuwe trajecten", chain.new_trajecten),
            uitstroom=tn(lang, "{n} traject afgesloten", "{n} trajecten afgesloten", chain.ended),
        ),
    ]


def _heading(lang: str, scope_label: str, week: Figures, quarter: Figures) -> list[str]:
    return [
        t(lang, "📊 <b>Status – {wie}</b>", wie=scope_label),
        t(
            lang,
            "Week {week} ({van} t/m {tot}) · kwartaal {kwartaal} tot en met {vandaag}",
            week=str(week.period.start.isocalendar().week),
            van=babel_format_date(week.period.start, "d MMMM", locale=lang),
            tot=babel_format_date(week.period.end, "d MMMM y", locale=lang),
            kwartaal=quarter.period.label,
            vandaag=quarter.as_of,
        ),
    ]


def _intake(lang: str, week: Figures, quarter: Figures) -> list[str]:
    meldingen = sum(n for _, _, n in week.new_meldingen)
    vragen = sum(n for _, _, n in week.new_vragen)
    lines: list[str] = [
        t(
            lang,
            "Nieuw deze week: {meldingen}, {vragen}",
            meldingen=tn(lang, "{n} melding", "{n} meldingen", meldingen),
            vragen=tn(lang, "{n} vraag", "{n} vragen", vragen),
        )
    ]
    per_category: dict[str, int] = {}
    for category, _, n in week.new_meldingen:
        per_category[category] = per_category.get(category, 0) + n
    if per_category:
        lines.append(
            "  " + " · ".join(f"{Text(Category(c).label).render(lang)} {n}" for c, n in per_category.items())
        )
    lines.append(
        t(
            lang,
            "Open dossiers: {open}, waarvan {laat} te laat",
            open=str(quarter.open_dossiers),
            laat=str(quarter.overdue_dossiers),
        )
    )
    lines.append(
        t(
            lang,
            "Open vragen: {open}, waarvan {laat} te laat",
            open=str(quarter.open_vragen),
            laat=str(quarter.overdue_vragen),
        )
    )
    return lines


def _norm_lines(lang: str, config: AppConfig, week: Figures, quarter: Figures) -> list[str]:
    """One line per norm with a term (and one for its periodic toetsen): week | quarter, target,
    median and 80th-percentile lead time."""
    lines = []
    for code, norm in config.active_norms.items():
        if norm.termijn is None or norm.is_vraag_norm:
            continue
        for key in figure_keys(code, bool(norm.toets_elke_maanden)):
            q, w = quarter.norms.get(key), week.norms.get(key)
            name = _figure_name(lang, config, key)
            line = f"{_mark(q.share if q else None, norm.doel)} {name}: {_pair(w)} | {_pair(q)}"
            if norm.doel is not None:
                line += " " + t(lang, "(doel {doel})", doel=_percent_label(norm.doel))
            if q and q.decided >= MIN_FOR_LEAD_TIMES and q.median_days is not None and q.p80_days is not None:
                line += " · " + _lead_times(lang, q.median_days, q.p80_days)
            if q and q.lapsed:
                line += " · " + t(lang, "{n} vervallen", n=str(q.lapsed))
            lines.append(line)
    return lines


MIN_FOR_LEAD_TIMES = 5  # with fewer decided, "de helft" and "8 op de 10" say little


def _lead_times(lang: str, median: int, p80: int) -> str:
    """Median and 80th percentile in plain words."""
    half = (
        t(lang, "de helft op dezelfde dag")
        if median == 0
        else tn(lang, "de helft binnen {n} dag", "de helft binnen {n} dagen", median)
    )
    most = (
        t(lang, "8 op de 10 op dezelfde dag")
        if p80 == 0
        else tn(lang, "8 op de 10 binnen {n} dag", "8 op de 10 binnen {n} dagen", p80)
    )
    return f"{half}, {most}"


def _pair(figure: NormFigure | None) -> str:
    return _ratio(figure.decided, figure.on_time) if figure else _ratio(0, 0)


def _overdue(lang: str, config: AppConfig, quarter: Figures) -> list[str]:
    if not quarter.overdue:
        return []
    head: str = tn(
        lang, "<b>Te laat: {n} dossier</b>", "<b>Te laat: {n} dossiers</b>", quarter.overdue_dossiers
    )
    # one line per termijn: a dossier late on two norms has two
    cut = quarter.overdue_dossiers > len({o.ref for o in quarter.overdue})
    if not cut and len(quarter.overdue) > quarter.overdue_dossiers:  # say why there are more lines
        head += tn(lang, ", {n} termijn", ", {n} termijnen", len(quarter.overdue))
    lines: list[str] = ["", head]
    if cut:
        lines.append(t(lang, "De {n} oudste termijnen:", n=str(len(quarter.overdue))))
    for o in quarter.overdue:
        lines.append(
            t(
                lang,
                "• <b>{ref}</b> {norm} – {wie} – {dagen}",
                ref=o.ref,
                norm=_figure_name(lang, config, o.norm_key),
                wie=o.holder or t(lang, "nog niemand"),
                dagen=tn(lang, "{n} werkdag te laat", "{n} werkdagen te laat", o.working_days),
            )
        )
    return lines


def _figure_name(lang: str, config: AppConfig, key: str) -> Html:
    name = config.norm_name(norm_code(key), lang)
    return t(lang, "{norm}, toetsen", norm=name) if is_toets_key(key) else escape(name)
