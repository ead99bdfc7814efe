"""/status as a person sees it: the figures per norm against their targets, and the chart."""

from __future__ import annotations

import io

from babel.dates import format_date as babel_format_date

from bot.config import AppConfig
from bot.i18n import Text, gettext
from bot.services.kpi import (
    Figures,
    NormFigure,
    Scope,
    StatusReport,
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


def scope_label(lang: str, scope: Scope) -> Html:
    if scope.holder_id is not None:
        return t(lang, "jouw zaken")
    if scope.wijkteam_name is not None:
        return escape(scope.wijkteam_name)
    return t(lang, "alle wijkteams")


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
    return lines


def _norm_lines(lang: str, config: AppConfig, week: Figures, quarter: Figures) -> list[str]:
    """One line per norm with a term (and one for its periodic toetsen): week | quarter, target,
    median and p80 lead time."""
    lines = []
    for code, norm in config.active_norms.items():
        if norm.termijn is None or norm.is_vraag_norm:
            continue
        for key in figure_keys(code, bool(norm.toets_elke_maanden)):
            q, w = quarter.norms.get(key), week.norms.get(key)
            name = t(lang, "{norm}, toetsen", norm=norm.naam) if is_toets_key(key) else escape(norm.naam)
            line = f"{_mark(q.share if q else None, norm.doel)} {name}: {_pair(w)} | {_pair(q)}"
            if norm.doel is not None:
                line += " " + t(lang, "(doel {doel})", doel=_percent_label(norm.doel))
            if q and q.median_days is not None:
                line += " · " + t(lang, "mediaan {m} d, p80 {p} d", m=str(q.median_days), p=str(q.p80_days))
            if q and q.lapsed:
                line += " · " + t(lang, "{n} vervallen", n=str(q.lapsed))
            lines.append(line)
    return lines


def _pair(figure: NormFigure | None) -> str:
    return _ratio(figure.decided, figure.on_time) if figure else _ratio(0, 0)


def _overdue(lang: str, config: AppConfig, quarter: Figures) -> list[str]:
    if not quarter.overdue:
        return []
    lines: list[str] = [
        "",
        tn(lang, "<b>Te laat: {n} dossier</b>", "<b>Te laat: {n} dossiers</b>", quarter.overdue_dossiers),
    ]
    # one line per termijn: a dossier late on two norms has two
    if quarter.overdue_dossiers > len({o.ref for o in quarter.overdue}):
        lines.append(t(lang, "De {n} oudste termijnen:", n=str(len(quarter.overdue))))
    for o in quarter.overdue:
        lines.append(
            t(
                lang,
                "• <b>{ref}</b> {norm} – {wie} – {dagen}",
                ref=o.ref,
                norm=_figure_name(lang, config, o.norm_key),
                wie=o.holder or t(lang, "nog niemand"),
                dagen=tn(lang, "{n} werkdag", "{n} werkdagen", o.working_days),
            )
        )
    return lines


def _figure_name(lang: str, config: AppConfig, key: str) -> Html:
    name = config.norm_name(norm_code(key))
    return t(lang, "{norm}, toetsen", norm=name) if is_toets_key(key) else escape(name)


def status_chart(lang: str, config: AppConfig, report: StatusReport) -> bytes:
    """PNG: share within the term per norm this quarter against its target, and the weekly trend."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    quarter, trend = report.quarter, report.trend
    keys = [
        k for k in quarter.norms if not is_toets_key(k) and config.normen.get(k) and config.normen[k].doel
    ]
    names = [config.normen[k].naam for k in keys]
    shares = [100 * (quarter.norms[k].share or 0) for k in keys]
    goals = [100 * (config.normen[k].doel or 0) for k in keys]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5), dpi=110)
    y = list(range(len(keys)))
    left.barh(
        y, shares, color=["#2e7d32" if s >= g else "#c62828" for s, g in zip(shares, goals, strict=True)]
    )
    for yi, goal in zip(y, goals, strict=True):
        left.plot([goal, goal], [yi - 0.4, yi + 0.4], color="black", linewidth=2)
    left.set_yticks(y, names, fontsize=8)
    left.set_xlim(0, 100)
    left.set_xlabel(gettext("% binnen de termijn", lang))
    left.set_title(
        gettext("Kwartaal {kwartaal} (streep = doel)", lang, kwartaal=quarter.period.label), fontsize=10
    )
    left.invert_yaxis()
    labels = [p.label.split("-")[1] for p, _ in trend]
    for key in keys:
        series = [_percent(f.norms[key].share if key in f.norms else None) for _, f in trend]
        if any(value == value for value in series):  # NaN != NaN: skip norms without any week
            right.plot(labels, series, marker="o", label=config.normen[key].naam)
    for goal in sorted(set(goals)):  # the targets of the norms shown, from the configuration
        right.axhline(goal, color="black", linestyle="--", linewidth=1)
    right.set_ylim(0, 105)
    right.set_title(gettext("Laatste {n} weken", lang, n=len(trend)), fontsize=10)
    right.set_ylabel(gettext("% binnen de termijn", lang))
    if right.get_legend_handles_labels()[0]:
        right.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def _percent(share: float | None) -> float:
    return float("nan") if share is None else 100 * share
