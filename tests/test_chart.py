"""The /status chart: made from the right figures, in every state a teamleider meets (nothing
yet, one week, eight weeks, all met, none met), at a fixed size."""

from __future__ import annotations

import struct
from datetime import date

import pytest

from bot.config import AppConfig
from bot.periods import previous_weeks, quarter_of, week_of
from bot.services.kpi import Figures, NormFigure, Scope, StatusReport
from handlers.views.chart import DPI, HEIGHT, MET, NOT_MET, WIDTH, chart_data, render_with_texts

TODAY = date(2026, 12, 2)
NORMS = ["vroegsignalering", "bedreigende_situatie", "aanmelding_derden"]


def report(quarter: dict[str, tuple[int, int]], weeks: list[dict[str, tuple[int, int]]]) -> StatusReport:
    """Figures as (on time, decided) per norm for the quarter and for the last weeks (oldest first,
    the last being this week); the trend always holds eight weeks."""

    def figures(period, values: dict[str, tuple[int, int]]) -> Figures:  # type: ignore[no-untyped-def]
        norms = {k: NormFigure(k, decided, on_time, None, None) for k, (on_time, decided) in values.items()}
        return Figures(period, TODAY, norms=norms)

    periods = previous_weeks(TODAY, 8)
    padded = [{}] * (8 - len(weeks)) + weeks
    trend = [(p, figures(p, v)) for p, v in zip(periods, padded, strict=True)]
    return StatusReport(
        Scope(),
        figures(week_of(TODAY), weeks[-1] if weeks else {}),
        figures(quarter_of(TODAY), quarter),
        trend,
    )


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", png[16:24])


def test_nothing_decided_yet_gives_no_chart(config: AppConfig) -> None:
    assert chart_data("nl", config, "alle wijkteams", report({}, [])) is None
    # open deadlines only (nothing decided) is still nothing to draw
    assert chart_data("nl", config, "alle wijkteams", report({"vroegsignalering": (0, 0)}, [{}])) is None


@pytest.mark.parametrize(
    ("case", "quarter", "weeks", "colours"),
    [
        (
            "one week",
            {"vroegsignalering": (10, 12), "aanmelding_derden": (1, 2)},
            [{"vroegsignalering": (10, 12), "aanmelding_derden": (1, 2)}],
            [MET, None, NOT_MET],
        ),
        (
            "eight weeks",
            {"vroegsignalering": (30, 40), "bedreigende_situatie": (5, 5), "aanmelding_derden": (7, 8)},
            [{"vroegsignalering": (i, 5), "bedreigende_situatie": (1, 1)} for i in range(1, 6)]
            + [{"aanmelding_derden": (7, 8)}, {}, {"vroegsignalering": (4, 5)}],
            [NOT_MET, MET, MET],
        ),
        ("all met", {k: (9, 10) for k in NORMS}, [{k: (9, 10) for k in NORMS}] * 3, [MET, MET, MET]),
        ("none met", {k: (1, 10) for k in NORMS}, [{k: (1, 10) for k in NORMS}] * 2, [NOT_MET] * 3),
        ("nothing on time", {k: (0, 4) for k in NORMS}, [{k: (0, 4) for k in NORMS}], [NOT_MET] * 3),
    ],
)
def test_chart_from_the_figures(
    config: AppConfig,
    tmp_path,
    case: str,
    quarter: dict,
    weeks: list,
    colours: list,  # type: ignore[no-untyped-def]
) -> None:
    data = chart_data("nl", config, "Sociaal wijkteam Drunen", report(quarter, weeks))
    assert data is not None
    assert data.title == "Status – Sociaal wijkteam Drunen · kwartaal 2026-K4 tot en met 2 december 2026"
    by_name = {b.name: b for b in data.bars}
    for code, (on_time, decided) in quarter.items():
        bar = by_name[config.norm_name(code)]
        assert (bar.on_time, bar.decided, bar.goal) == (on_time, decided, config.normen[code].doel)
        assert bar.label("nl") == f"{on_time / decided:.0%} ({on_time} van {decided})"
    wanted = [{True: MET, False: NOT_MET, None: None}[by_name[config.norm_name(c)].met] for c in NORMS]
    assert wanted == colours
    # the trend starts at the first week with something decided and has a line per norm with data
    assert len(data.weeks) == len(weeks) and data.weeks[-1] == "wk 49"
    assert {name for name, _ in data.series} == {config.norm_name(k) for w in weeks for k in w}
    png, texts = render_with_texts("nl", data)
    (tmp_path / f"{case}.png").write_bytes(png)
    assert png_size(png) == (int(WIDTH * DPI), int(HEIGHT * DPI))
    assert data.title in texts and "doel gehaald" in texts and "doel niet gehaald" in texts
    for bar in data.bars:
        assert bar.label("nl") in texts and bar.name in texts


def test_one_week_of_a_new_bot_is_one_point_per_norm(config: AppConfig) -> None:
    data = chart_data(
        "nl",
        config,
        "alle wijkteams",
        report({"vroegsignalering": (10, 12)}, [{"vroegsignalering": (10, 12)}]),
    )
    assert data is not None and data.weeks == ["wk 49"]
    assert data.series == [("Vroegsignalering", [10 / 12])]
    assert data.bars[1].label("nl") == "nog niets beslist"


def test_english_chart_uses_english_norm_names(config: AppConfig) -> None:
    data = chart_data(
        "en",
        config,
        "all neighbourhood teams",
        report({"vroegsignalering": (10, 12)}, [{"vroegsignalering": (10, 12)}]),
    )
    assert data is not None
    assert data.bars[0].name == "Early warning (RIS)" and data.bars[0].label("en") == "83% (10 of 12)"
    assert data.title.startswith("Status – all neighbourhood teams · quarter 2026-K4 up to and including")
