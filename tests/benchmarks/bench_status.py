"""The quarter's /status figures over a generated dataset, against one hand-written SQL query that
computes the same per-norm shares. Median of 5 runs each, measured in one process.

    python -m tests.benchmarks.generate sqlite:////tmp/groot.db 1000000
    python -m tests.benchmarks.bench_status sqlite:////tmp/groot.db [2026-K3]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime

from sqlalchemy import text

from bot.config import load_config
from bot.db import create_engine, create_sessionmaker
from bot.periods import parse_quarter
from bot.services.common import Deps
from bot.services.kpi import Scope, compute
from bot.settings import Settings
from tests.conftest import FakeClock

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


async def timed(fn, repeat: int = 5) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = await fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


async def main(url: str, label: str) -> None:
    engine = create_engine(Settings(database_url=url).database_url)
    maker = create_sessionmaker(engine)
    clock = FakeClock(datetime(2026, 11, 27, 9, tzinfo=UTC))
    deps = Deps.from_config(load_config(), clock=clock)
    period = parse_quarter(label)
    as_of = deps.today()
    async with maker() as session, maker() as other:
        dossiers = await session.scalar(text("SELECT count(*) FROM dossiers"))
        clocks = await session.scalar(text("SELECT count(*) FROM deadlines"))

        async def figures():  # type: ignore[no-untyped-def]
            return await compute(session, deps, period, Scope(), other=other)  # as /status runs it

        params = {"start": period.start, "last": min(period.end, as_of), "as_of": as_of}

        async def hand():  # type: ignore[no-untyped-def]
            return (await session.execute(text(HAND_WRITTEN), params)).all()

        t_status, result = await timed(figures)
        t_hand, rows = await timed(hand)
    await engine.dispose()
    shares = {n: (d, o) for n, d, o in rows}  # type: ignore[union-attr]
    ours = {k: (f.decided, f.on_time) for k, f in result.norms.items()}  # type: ignore[union-attr]
    assert ours == shares, (ours, shares)
    print(
        f"database: {engine.dialect.name}; {dossiers:,} dossiers, {clocks:,} clocks; quarter {period.label}"
    )
    print(f"/status figures for the quarter (all of compute()): {t_status * 1000:8.1f} ms")
    print(f"hand-written per-norm query:                       {t_hand * 1000:8.1f} ms")
    print(f"ratio:                                              {t_status / t_hand:8.2f}")
    decided = sum(d for d, _ in shares.values())
    print(f"(decided clocks in the quarter: {decided:,}; identical per-norm counts)")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "2026-K3"))
