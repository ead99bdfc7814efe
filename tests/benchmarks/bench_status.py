"""/status over a generated dataset, two figures, interleaved in one process over 7 rounds (median
and spread printed):

- the SQL: the quarter's figures as /status computes them (all of `compute()`, with its second
  session) against one hand-written query that computes the same per-norm shares, A and B taking
  turns to go first. Goal: at most 1.2x the hand-written query.
- end to end: what /status does for a teamleider (everything): `status_report` (this week, this
  quarter with the chain's phases, the trend of eight weeks), then the text and the chart PNG
  rendered as `show_status` renders them (the chart in a worker thread). Goal: at most 1.5 s.
  The first call (it pays the import of matplotlib) is printed apart and not in the median.

The engine is the bot's own (bot.db.create_engine); a SQLite file is opened read-only (another
run may be using it). A URL may be plain (sqlite:///..., postgresql://...) or name its async driver.

    .venv/bin/python -m tests.benchmarks.generate sqlite:////tmp/groot.db 1000000
    .venv/bin/python -m tests.benchmarks.bench_status sqlite:////tmp/groot.db [2026-K3]
    .venv/bin/python -m tests.benchmarks.bench_status postgresql://postgres@127.0.0.1:5432/shb_bench
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import load_config
from bot.db import SQLITE_BUSY_TIMEOUT_MS, create_engine, create_sessionmaker
from bot.ddas_figures import summary
from bot.periods import parse_quarter, previous_weeks, quarter_of, week_of
from bot.services.common import Deps
from bot.services.kpi import TREND_WEEKS, Scope, compute, norm_figures, status_report
from bot.services.reportdata import dossier_data
from bot.settings import Settings
from bot.sqlite_inline import creator
from handlers.views.chart import status_chart
from handlers.views.status import scope_label, scope_name, status_text
from tests.conftest import FakeClock

ROUNDS = 7
GOAL_RATIO, GOAL_END_TO_END_S = 1.2, 1.5
NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)  # the generator's report date
LANG = "nl"

HAND_WRITTEN = """
SELECT norm,
       count(*) AS decided,
       sum(CASE WHEN met_date IS NOT NULL AND met_date <= due_date THEN 1 ELSE 0 END) AS on_time
FROM deadlines
WHERE dossier_id IS NOT NULL AND due_date IS NOT NULL AND status <> 'vervallen' AND seq = 0
  AND ((met_date IS NOT NULL AND met_date <= due_date AND met_date BETWEEN :start AND :last)
       OR ((met_date IS NULL OR met_date > due_date) AND due_date BETWEEN :start AND :last AND due_date < :as_of))
GROUP BY norm
"""


def open_engine(url: str) -> AsyncEngine:
    """The bot's own engine (bot.db.create_engine) for a plain or async URL; a SQLite file is
    opened read-only, so the dataset stays as it is."""
    url = Settings(database_url=url).database_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        path = Path(parsed.database).resolve()
        if not path.is_file():
            raise SystemExit(f"no such database file: {path}")
        read_only = creator(f"file:{path}?mode=ro", {"uri": True}, SQLITE_BUSY_TIMEOUT_MS)
        return create_engine(url, async_creator=read_only)
    return create_engine(url)


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):8.1f} ms  (spread {min(values):.1f}-{max(values):.1f})"


async def breakdown(maker: Any, deps: Deps) -> dict[str, float]:
    """status_report's steps one by one (one run, after the rounds): where its time goes."""
    today, scope, steps = deps.today(), Scope(), {}
    async with maker() as session, maker() as other:
        start = time.perf_counter()
        await compute(session, deps, week_of(today), scope, other=other)
        steps["week"], start = 1000 * (time.perf_counter() - start), time.perf_counter()
        quarter = await compute(session, deps, quarter_of(today), scope, other=other)
        steps["quarter"], start = 1000 * (time.perf_counter() - start), time.perf_counter()
        data = await dossier_data(session, deps, quarter.period)
        steps[f"chain: dossier_data ({len(data):,} dossiers)"] = 1000 * (time.perf_counter() - start)
        start = time.perf_counter()
        summary(data, quarter.period)
        steps["chain: summary"], start = 1000 * (time.perf_counter() - start), time.perf_counter()
        for week in previous_weeks(today, TREND_WEEKS):
            await norm_figures(session, week, today, scope)
        steps[f"trend ({TREND_WEEKS} weeks)"] = 1000 * (time.perf_counter() - start)
    return steps


async def main(url: str, label: str) -> None:
    engine = open_engine(url)
    maker = create_sessionmaker(engine)
    config = load_config()
    deps = Deps.from_config(config, clock=FakeClock(NOW))
    period = parse_quarter(label)
    as_of = deps.today()
    params = {"start": period.start, "last": min(period.end, as_of), "as_of": as_of}
    async with maker() as session:
        dossiers = await session.scalar(text("SELECT count(*) FROM dossiers"))
        clocks = await session.scalar(text("SELECT count(*) FROM deadlines"))

    async def figures() -> Any:
        async with maker() as session, maker() as other:
            return await compute(session, deps, period, Scope(), other=other)  # as /status runs it

    async def per_norm() -> Any:
        async with maker() as session:
            return await norm_figures(session, period, as_of, Scope())

    async def hand() -> Any:
        async with maker() as session:
            return (await session.execute(text(HAND_WRITTEN), params)).all()

    parts: dict[str, list[float]] = {"sql": [], "render": []}

    async def end_to_end() -> Any:
        """show_status for a teamleider, minus sending: the report, its text, its chart."""
        scope = Scope()
        start = time.perf_counter()
        async with maker() as session, maker() as other:
            report = await status_report(session, deps, scope, other)
        middle = time.perf_counter()
        message = status_text(LANG, config, scope_label(LANG, scope), report.week, report.quarter)
        chart = await asyncio.to_thread(status_chart, LANG, config, scope_name(LANG, scope), report)
        parts["sql"].append(1000 * (middle - start))
        parts["render"].append(1000 * (time.perf_counter() - middle))
        return message, chart

    # the first /status after a start pays for the import of matplotlib: shown, not in the medians
    start = time.perf_counter()
    _, chart = await end_to_end()
    first_ms = 1000 * (time.perf_counter() - start)
    parts["sql"].clear(), parts["render"].clear()
    result, rows = await figures(), await hand()  # and the caches warm for both
    shares = {n: (d, o) for n, d, o in rows}
    ours = {k: (f.decided, f.on_time) for k, f in result.norms.items()}
    assert ours == shares, (ours, shares)

    cases: dict[str, Callable[[], Awaitable[Any]]] = {
        "compute() (the /status SQL)": figures,
        "hand-written per-norm query": hand,
        "norm_figures() alone": per_norm,
        "/status end to end": end_to_end,
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for round_ in range(ROUNDS):
        names = list(cases)
        order = names[round_ % len(names) :] + names[: round_ % len(names)]
        for name in order:
            start = time.perf_counter()
            await cases[name]()
            times[name].append(1000 * (time.perf_counter() - start))
    steps = await breakdown(maker, deps)
    await engine.dispose()

    print(
        f"database: {engine.dialect.name}; {dossiers:,} dossiers, {clocks:,} clocks; "
        f"quarter {period.label} for the SQL; /status as of {as_of}; {ROUNDS} rounds interleaved"
    )
    for name, values in times.items():
        print(f"  {name:30} {spread(values)}")
    print(f"    of which status_report (SQL) {spread(parts['sql'])}")
    print(f"    of which text + chart PNG    {spread(parts['render'])}")
    print("    status_report's steps, one run: " + ", ".join(f"{k} {v:.0f} ms" for k, v in steps.items()))
    print(f"  first /status (with matplotlib's import): {first_ms:.0f} ms; chart {len(chart or b''):,} bytes")
    ratios = [a / b for a, b in zip(*list(times.values())[:2], strict=True)]
    ratio = statistics.median(times["compute() (the /status SQL)"]) / statistics.median(
        times["hand-written per-norm query"]
    )
    e2e = statistics.median(times["/status end to end"]) / 1000
    print(
        f"  SQL ratio {ratio:.2f}x (per round {min(ratios):.2f}-{max(ratios):.2f}); goal <= {GOAL_RATIO}x: "
        f"{'met' if ratio <= GOAL_RATIO else 'missed'}"
    )
    print(
        f"  end to end {e2e:.2f} s; goal <= {GOAL_END_TO_END_S} s: "
        f"{'met' if e2e <= GOAL_END_TO_END_S else 'missed'}"
    )
    decided = sum(d for d, _ in shares.values())
    print(f"  (decided clocks in {period.label}: {decided:,}; identical per-norm counts)")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "2026-K3"))
