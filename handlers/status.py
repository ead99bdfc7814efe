"""/status (text and chart) and /export (the kwartaalrapportage as XLSX)."""

from __future__ import annotations

import html
import io

from babel.dates import format_date as babel_format_date
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InputFile, Update
from telegram.ext import ContextTypes

from bot.config import AppConfig
from bot.errors import DomainError
from bot.i18n import Text, gettext
from bot.periods import Period, parse_quarter, previous_weeks, quarter_of, week_of
from bot.reportfiles import to_xlsx
from bot.rights import Action
from bot.services import export as export_service
from bot.services.common import Deps, require
from bot.services.kpi import Figures, Scope, compute, norm_figures, status_scope
from bot.vocabulary import Category
from handlers.common import reply, reply_error, runtime, session_for, t, tn
from handlers.start import active_user

TREND_WEEKS = 8


def _mark(share: float | None, goal: float | None) -> str:
    if share is None or goal is None:
        return "⚪"
    return "✅" if share >= goal else "❌"


def _ratio(lang: str, decided: int, on_time: int) -> str:
    if not decided:
        return "–"
    return f"{on_time}/{decided} = {on_time / decided:.0%}"


def status_text(lang: str, config: AppConfig, scope_label: str, week: Figures, quarter: Figures) -> str:
    """The compact Dutch status: intake this week, open and overdue, every norm against its target."""
    lines = [
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
        "",
    ]
    meldingen = sum(n for _, _, n in week.new_meldingen)
    vragen = sum(n for _, _, n in week.new_vragen)
    lines.append(
        t(
            lang,
            "Nieuw deze week: {meldingen}, {vragen}",
            meldingen=tn(lang, "{n} melding", "{n} meldingen", meldingen),
            vragen=tn(lang, "{n} vraag", "{n} vragen", vragen),
        )
    )
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
    lines += ["", t(lang, "<b>Binnen de termijn</b> (week | kwartaal)")]
    for code, norm in config.active_norms.items():
        if norm.termijn is None or norm.is_vraag_norm:
            continue
        keys = [code] + ([code + ":toets"] if norm.toets_elke_maanden else [])
        for key in keys:
            q, w = quarter.norms.get(key), week.norms.get(key)
            share = q.share if q else None
            name = norm.naam if key == code else t(lang, "{norm}, toetsen", norm=norm.naam)
            line = f"{_mark(share, norm.doel)} {html.escape(name) if key == code else name}: "
            line += f"{_ratio(lang, w.decided if w else 0, w.on_time if w else 0)} | "
            line += _ratio(lang, q.decided if q else 0, q.on_time if q else 0)
            if norm.doel is not None:
                goal = f"{norm.doel:.0%}"
                line += " " + t(lang, "(doel {doel})", doel=goal)
            if q and q.median_days is not None:
                line += " · " + t(lang, "mediaan {m} d, p80 {p} d", m=str(q.median_days), p=str(q.p80_days))
            lines.append(line)
    share = quarter.self_reliance
    lines.append(
        f"{_mark(share, 0.5)} "
        + t(
            lang,
            "Zelfredzaam na budgetbeheer (kwartaal): {aandeel} (doel 50%)",
            aandeel=_ratio(lang, quarter.budgetbeheer_ended, quarter.budgetbeheer_self_reliant),
        )
    )
    if quarter.overdue:
        lines += ["", tn(lang, "<b>Te laat ({n})</b>", "<b>Te laat ({n})</b>", quarter.overdue_dossiers)]
        if quarter.overdue_dossiers > len(quarter.overdue):
            lines.append(t(lang, "De {n} oudste termijnen:", n=str(len(quarter.overdue))))
        for o in quarter.overdue:
            lines.append(
                t(
                    lang,
                    "• <b>{ref}</b> {norm} – {wie} – {dagen}",
                    ref=o.ref,
                    norm=export_service.norm_name(config, o.norm_key),
                    wie=o.holder or t(lang, "nog niemand"),
                    dagen=tn(lang, "{n} werkdag", "{n} werkdagen", o.working_days),
                )
            )
    return "\n".join(lines)


def status_chart(
    lang: str, config: AppConfig, quarter: Figures, trend: list[tuple[Period, Figures]]
) -> bytes:
    """PNG: share within the term per norm this quarter against its target, and the weekly trend."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    keys = [
        k
        for k in quarter.norms
        if not k.endswith(":toets") and config.normen.get(k) and config.normen[k].doel
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
        gettext("Kwartaal {kwartaal} (streep = doel)", lang, kwartaal=quarter.period.label),
        fontsize=10,
    )
    left.invert_yaxis()
    labels = [p.label.split("-")[1] for p, _ in trend]
    for key in keys:
        series = [_percent(f.norms[key].share if key in f.norms else None) for _, f in trend]
        if any(value == value for value in series):  # NaN != NaN: skip norms without any week
            right.plot(labels, series, marker="o", label=config.normen[key].naam)
    right.axhline(80, color="black", linestyle="--", linewidth=1)
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


async def build_status(
    session: AsyncSession, deps: Deps, scope: Scope, other: AsyncSession | None = None
) -> tuple[Figures, Figures, list[tuple[Period, Figures]]]:
    """This week's and this quarter's figures, and the weekly trend (a second session lets the
    heaviest queries run side by side)."""
    today = deps.today()
    week = await compute(session, deps, week_of(today), scope, other=other)
    quarter = await compute(session, deps, quarter_of(today), scope, other=other)
    trend = []
    for period in previous_weeks(today, TREND_WEEKS):
        figures = Figures(period, today)
        figures.norms = await norm_figures(session, period, today, scope)
        trend.append((period, figures))
    return week, quarter, trend


def scope_label(lang: str, scope: Scope) -> str:
    if scope.holder_id is not None:
        return t(lang, "jouw zaken")
    if scope.wijkteam_code is not None:
        return t(lang, "wijkteam {wijkteam}", wijkteam=scope.wijkteam_code)
    return t(lang, "alle wijkteams")


async def show_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/status [wijkteam]: the figures as text, then the chart."""
    user = await active_user(update, context)
    if user is None:
        return
    rt, lang = runtime(context), user.language
    try:
        async with session_for(context) as session, session_for(context) as other:
            scope, _ = await status_scope(
                session, rt.deps, user.telegram_id, context.args[0] if context.args else None
            )
            week, quarter, trend = await build_status(session, rt.deps, scope, other)
    except DomainError as err:
        await reply_error(update, context, err, lang)
        return
    await reply(update, context, status_text(lang, rt.deps.config, scope_label(lang, scope), week, quarter))
    assert update.effective_chat is not None
    chart = status_chart(lang, rt.deps.config, quarter, trend)
    await context.bot.send_photo(
        update.effective_chat.id, InputFile(io.BytesIO(chart), filename="status.png")
    )


async def export_quarter(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/export [2026-K3]: the kwartaalrapportage as XLSX (default: the running quarter)."""
    user = await active_user(update, context)
    if user is None:
        return
    rt, lang = runtime(context), user.language
    try:
        require(user, Action.EXPORT)
        period = parse_quarter(context.args[0]) if context.args else quarter_of(rt.deps.today())
        async with session_for(context) as session:
            sheets = await export_service.quarterly_sheets(session, rt.deps, period)
    except DomainError as err:
        await reply_error(update, context, err, lang)
        return
    assert update.effective_chat is not None
    data = to_xlsx(sheets)
    await context.bot.send_document(
        update.effective_chat.id,
        InputFile(io.BytesIO(data), filename=f"kwartaalrapportage-{period.label}.xlsx"),
        caption=t(
            lang,
            "Kwartaalrapportage {kwartaal}, stand van {datum}.",
            kwartaal=period.label,
            datum=rt.deps.today(),
        ),
    )


def _percent(share: float | None) -> float:
    return float("nan") if share is None else 100 * share
