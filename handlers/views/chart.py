"""The /status chart: per norm this quarter's share within the term against its target, and the
weekly trend. `chart_data` picks the figures (tested on its own), `render` draws them."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from babel.dates import format_date as babel_format_date

from bot.config import AppConfig
from bot.i18n import gettext
from bot.services.kpi import NormFigure, StatusReport, meets

MET, NOT_MET, UNDECIDED = "#2e7d32", "#c62828", "#9e9e9e"
# the trend's lines: no green or red, so they never read as met or not met
TREND_COLOURS = ["#1565c0", "#6a1b9a", "#00838f", "#5d4037", "#ad1457", "#455a64", "#827717", "#283593"]
WIDTH, HEIGHT, DPI = 11.0, 6.0, 110


@dataclass(frozen=True)
class Bar:
    """One norm this quarter: how many were decided, how many within the term, and the target."""

    name: str
    on_time: int
    decided: int
    goal: float

    @property
    def share(self) -> float | None:
        return self.on_time / self.decided if self.decided else None

    @property
    def met(self) -> bool | None:
        return meets(self.share, self.goal)

    def label(self, lang: str) -> str:
        if self.share is None:
            return gettext("nog niets beslist", lang)
        percent = f"{self.share:.0%}"
        return gettext(
            "{aandeel} ({binnen} van {totaal})",
            lang,
            aandeel=percent,
            binnen=self.on_time,
            totaal=self.decided,
        )


@dataclass(frozen=True)
class ChartData:
    title: str
    quarter: str
    bars: list[Bar]
    weeks: list[str]  # week labels, from the first week with a decided figure
    series: list[tuple[str, list[float | None]]]  # norm name: share per week (None: nothing decided)


def chart_data(lang: str, config: AppConfig, scope: str, report: StatusReport) -> ChartData | None:
    """What the chart shows; None when nothing was decided this quarter nor in the trend's weeks
    (then there is no chart: the text says it all)."""
    quarter = report.quarter
    # every norm /status lists that has a target; one without decisions yet shows as such
    keys = [
        code
        for code, norm in config.active_norms.items()
        if norm.doel is not None and norm.termijn is not None and not norm.is_vraag_norm
    ]
    names = {k: config.norm_name(k, lang) for k in keys}
    empty = NormFigure("", 0, 0, None, None)
    bars = [
        Bar(
            names[k],
            quarter.norms.get(k, empty).on_time,
            quarter.norms.get(k, empty).decided,
            config.normen[k].doel or 0,
        )
        for k in keys
    ]
    weekly = [
        [f.norms[k].share if k in f.norms else None for k in keys] for _, f in report.trend
    ]  # per week, per norm
    first = next((i for i, week in enumerate(weekly) if any(s is not None for s in week)), None)
    if first is None and not any(b.decided for b in bars):
        return None
    shown = range(first if first is not None else len(weekly) - 1, len(weekly))
    weeks = [gettext("wk {nr}", lang, nr=report.trend[i][0].start.isocalendar().week) for i in shown]
    series = [
        (names[k], [weekly[i][j] for i in shown])
        for j, k in enumerate(keys)
        if any(weekly[i][j] is not None for i in shown)
    ]
    title = gettext(
        "Status – {wie} · kwartaal {kwartaal} tot en met {datum}",
        lang,
        wie=scope,
        kwartaal=quarter.period.label,
        datum=babel_format_date(quarter.as_of, "d MMMM y", locale=lang),
    )
    return ChartData(title, quarter.period.label, bars, weeks, series)


def render(lang: str, data: ChartData) -> bytes:
    """The PNG: bars coloured met / not met with their share and count and the target marked,
    beside the weekly trend; legends below the panels, never over the data."""
    return render_with_texts(lang, data)[0]


def render_with_texts(lang: str, data: ChartData) -> tuple[bytes, list[str]]:
    """The PNG and every text drawn on it (so a test can see what the picture says)."""
    # the object API without pyplot: no global state, so it may run in a worker thread
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text
    from matplotlib.ticker import PercentFormatter

    fig = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2)
    fig.suptitle(data.title, fontsize=12, fontweight="bold")
    y = list(range(len(data.bars)))
    # a decided 0% still shows as a sliver of red, so "doel niet gehaald" is seen
    shares = [max(100 * b.share, 0.8) if b.share is not None else 0 for b in data.bars]
    colours = [{True: MET, False: NOT_MET, None: UNDECIDED}[b.met] for b in data.bars]
    left.barh(y, shares, color=colours, height=0.6)
    for yi, bar, share in zip(y, data.bars, shares, strict=True):
        left.plot([100 * bar.goal] * 2, [yi - 0.4, yi + 0.4], color="black", linewidth=2.5)
        inside = share >= 30  # a long bar carries its label at its start, clear of the target mark
        left.text(
            2 if inside else share + 2,
            yi,
            bar.label(lang),
            va="center",
            ha="left",
            fontsize=8,
            color="white" if inside else ("black" if bar.share is not None else UNDECIDED),
        )
    left.set_yticks(y, [b.name for b in data.bars], fontsize=8)
    left.set_xlim(0, 103)  # room for a 100% target mark
    left.set_xticks(range(0, 101, 20))
    left.xaxis.set_major_formatter(PercentFormatter())
    left.invert_yaxis()
    left.set_title(
        gettext("Binnen de termijn, kwartaal {kwartaal}", lang, kwartaal=data.quarter), fontsize=10
    )
    left.legend(
        handles=[
            Patch(color=MET, label=gettext("doel gehaald", lang)),
            Patch(color=NOT_MET, label=gettext("doel niet gehaald", lang)),
            Line2D([], [], color="black", linewidth=2.5, label=gettext("doel", lang)),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.08),
        ncol=3,
        frameon=False,
        fontsize=8,
    )
    x = list(range(len(data.weeks)))
    for (name, values), colour in zip(data.series, TREND_COLOURS * 2, strict=False):
        points = [math.nan if v is None else 100 * v for v in values]
        right.plot(x, points, marker="o", markersize=6, color=colour, label=name)
        last = max(i for i, v in enumerate(values) if v is not None)
        right.annotate(
            f"{points[last]:.0f}%",
            (x[last], points[last]),
            textcoords="offset points",
            xytext=(6, 4),
            fontsize=7,
            color=colour,
        )
    for goal in sorted({b.goal for b in data.bars}):
        right.axhline(100 * goal, color="black", linestyle="--", linewidth=1)
    right.set_xticks(x, data.weeks, fontsize=8)
    right.set_xlim(-0.5, max(len(x) - 0.5, 0.5))
    right.set_ylim(0, 105)
    right.yaxis.set_major_formatter(PercentFormatter())
    right.set_title(gettext("Binnen de termijn per week (stippellijn = doel)", lang), fontsize=10)
    if data.series:
        right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, frameon=False, fontsize=7)
    else:
        right.text(
            0.5,
            0.5,
            gettext("nog geen week met beslissingen", lang),
            ha="center",
            transform=right.transAxes,
            color=UNDECIDED,
        )
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    texts = [str(x.get_text()) for x in fig.findobj(Text) if x.get_text()]
    texts += [str(x.get_text()) for ax in (left, right) for x in ax.get_yticklabels() + ax.get_xticklabels()]
    return buffer.getvalue(), texts


def status_chart(lang: str, config: AppConfig, scope: str, report: StatusReport) -> bytes | None:
    """The chart for /status and the weekly overview; None when there is nothing to draw."""
    data = chart_data(lang, config, scope, report)
    return None if data is None else render(lang, data)
