"""What a person sees, without Telegram: values escaped exactly once, targets from the
configuration, and every way a deadline can stand in words (presentation layer)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.config import AppConfig
from bot.models import Deadline
from bot.periods import Period
from bot.services.kpi import Figures, NormFigure
from bot.vocabulary import DeadlineStatus
from bot.workcalendar import WorkCalendar
from handlers.views.cards import deadline_state
from handlers.views.status import status_text
from handlers.views.text import escape, t

D = date
TODAY = D(2026, 12, 9)


def test_a_value_is_escaped_once_however_deep_it_is_nested() -> None:
    inner = t("nl", "{naam} ({rol})", naam="Jan & <Piet>", rol="klantmanager")
    outer = t("nl", "{wie} pakt het op.", wie=inner)
    assert outer == "Jan &amp; &lt;Piet&gt; (klantmanager) pakt het op."
    assert t("nl", "Van: {naam}", naam=escape("A&B")) == "Van: A&amp;B"


@pytest.mark.parametrize(
    ("status", "due", "met", "expected"),
    [
        (DeadlineStatus.GESTOPT, D(2026, 12, 9), D(2026, 12, 8), "✅ gehaald op dinsdag 8 december 2026"),
        (
            DeadlineStatus.GESTOPT,
            D(2026, 12, 9),
            D(2026, 12, 10),
            "❌ te laat, afgerond op donderdag 10 december 2026",
        ),
        (DeadlineStatus.LOPEND, D(2026, 12, 9), None, "⏳ vandaag"),
        (DeadlineStatus.LOPEND, D(2026, 12, 11), None, "⏳ nog 2 werkdagen"),
        (DeadlineStatus.LOPEND, D(2026, 12, 4), None, "⚠️ 3 werkdagen te laat"),
        (DeadlineStatus.VERVALLEN, D(2026, 12, 4), None, "vervallen"),
        (DeadlineStatus.LOPEND, None, None, "geen termijn"),
        (DeadlineStatus.GESTOPT, None, D(2026, 12, 1), "afgerond op dinsdag 1 december 2026"),
    ],
)
def test_every_way_a_deadline_stands(status: str, due: date | None, met: date | None, expected: str) -> None:
    deadline = Deadline(
        norm="x",
        seq=0,
        start_date=D(2026, 11, 1),
        due_date=due,
        met_date=met,
        status=status,
        updated_at=datetime.now(UTC),
    )
    assert deadline_state("nl", WorkCalendar(), TODAY, deadline) == expected


def test_status_targets_come_from_the_configuration(config: AppConfig) -> None:
    stricter = config.model_copy(
        update={
            "doelen": config.doelen.model_copy(update={"zelfredzaam_na_budgetbeheer": 0.7}),
            "normen": {
                **config.normen,
                "vroegsignalering": config.normen["vroegsignalering"].model_copy(update={"doel": 0.9}),
            },
        }
    )
    quarter = Figures(Period(D(2026, 10, 1), D(2026, 12, 31), "2026-K4"), TODAY)
    quarter.norms = {"vroegsignalering": NormFigure("vroegsignalering", 10, 8, 12, 14)}
    quarter.budgetbeheer_ended, quarter.budgetbeheer_self_reliant = 10, 6
    week = Figures(Period(D(2026, 12, 7), D(2026, 12, 13), "2026-W50"), TODAY)
    shipped = status_text("nl", config, "alle wijkteams", week, quarter)
    assert "✅ Vroegsignalering: – | 8/10 = 80% (doel 80%)" in shipped
    assert "✅ Zelfredzaam na budgetbeheer (kwartaal): 6/10 = 60% (doel 50%)" in shipped
    strict = status_text("nl", stricter, "alle wijkteams", week, quarter)
    assert "❌ Vroegsignalering: – | 8/10 = 80% (doel 90%)" in strict
    assert "❌ Zelfredzaam na budgetbeheer (kwartaal): 6/10 = 60% (doel 70%)" in strict


def test_status_shows_lapsed_deadlines_apart_and_the_base_still_running(config: AppConfig) -> None:
    quarter = Figures(Period(D(2026, 10, 1), D(2026, 12, 31), "2026-K4"), TODAY)
    quarter.norms = {"vroegsignalering": NormFigure("vroegsignalering", 4, 3, 10, 13, lapsed=2)}
    quarter.budgetbeheer_running = 5
    week = Figures(Period(D(2026, 12, 7), D(2026, 12, 13), "2026-W50"), TODAY)
    text = status_text("nl", config, "alle wijkteams", week, quarter)
    # with fewer than five decided, no lead times: "de helft" of four says little
    assert "❌ Vroegsignalering: – | 3/4 = 75% (doel 80%) · 2 vervallen" in text
    quarter.norms = {"vroegsignalering": NormFigure("vroegsignalering", 6, 5, 10, 13, lapsed=2)}
    text = status_text("nl", config, "alle wijkteams", week, quarter)
    assert (
        "✅ Vroegsignalering: – | 5/6 = 83% (doel 80%) · de helft binnen 10 dagen, 8 op de 10 binnen 13 dagen"
        " · 2 vervallen"
    ) in text
    quarter.norms = {"vroegsignalering": NormFigure("vroegsignalering", 6, 6, 0, 1)}
    text = status_text("nl", config, "alle wijkteams", week, quarter)
    assert "· de helft op dezelfde dag, 8 op de 10 binnen 1 dag" in text
    assert "Zelfredzaam na budgetbeheer (kwartaal): – (doel 50%) · nog 5 trajecten lopen" in text


def test_the_overdue_heading_counts_dossiers_and_says_when_the_list_is_cut(config: AppConfig) -> None:
    from bot.services.kpi import OverdueRow

    quarter = Figures(Period(D(2026, 10, 1), D(2026, 12, 31), "2026-K4"), TODAY)
    quarter.overdue = [
        OverdueRow("SH-2026-0003", "bedreigende_situatie", D(2026, 12, 1), "Karel KM", 5),
        OverdueRow("SH-2026-0003", "wgs_bedreigend", D(2026, 11, 20), "Karel KM", 12),
        OverdueRow("SH-2026-0004", "vroegsignalering", D(2026, 12, 2), None, 4),
    ]
    quarter.overdue_dossiers = 2
    week = Figures(Period(D(2026, 12, 7), D(2026, 12, 13), "2026-W50"), TODAY)
    text = status_text("nl", config, "alle wijkteams", week, quarter)
    assert (
        "<b>Te laat: 2 dossiers</b>, 3 termijnen\n• <b>SH-2026-0003</b> Bedreigende situatie – Karel KM – 5 werkdagen"
        in text
    )
    assert "oudste" not in text  # two dossiers, both listed (one with two termijnen)
    quarter.overdue_dossiers = 7
    text = status_text("nl", config, "alle wijkteams", week, quarter)
    assert "<b>Te laat: 7 dossiers</b>\nDe 3 oudste termijnen:" in text


def test_long_html_is_cut_where_telegram_accepts_every_part() -> None:
    import re

    from handlers.views.text import split_message, units

    answer = "<b>Antwoord</b>\n<blockquote>" + "&amp;" * 5000 + "</blockquote>\nklaar"
    parts = split_message(answer)
    assert len(parts) > 1 and all(units(p) <= 4096 for p in parts)
    for part in parts:
        assert not re.search(r"&(?!amp;)|&amp(?!;)", part), part[:40]  # no entity cut in two
        assert part.count("<blockquote>") == part.count("</blockquote>")
    assert "".join(parts).count("&amp;") == 5000 and parts[-1].endswith("klaar")
    emoji = split_message("😀" * 3000)  # Telegram counts UTF-16 units: 6,000, not 3,000
    assert [units(p) for p in emoji] == [4096, 1904]
