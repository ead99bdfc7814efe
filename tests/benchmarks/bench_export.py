"""The kwartaalrapportage of a generated dataset, as XLSX and as CSV: what /export and
`schuldhulpbot rapport` do (`quarterly_sheets` streams the dossier list from the database into a
temporary file, then the writer makes the files in a worker thread). 5 rounds, XLSX and CSV taking
turns, each export in a fresh process so that its peak memory is its own; prints median and spread
of the time and of the peak RSS (the process's high-water mark, interpreter and libraries
included), and the worst lateness of a probe that wakes every 50 ms on the same event loop during
the export (as another colleague's /help would be answered). Goals: at most 30 s, at most 400 MB,
the probe never more than 1 s late.

The export reads only; the database is not changed. Default quarter 2026-K3 as of 27-11-2026 (the
generator's report date), the quarter with the most dossiers open in it.

    .venv/bin/python -m tests.benchmarks.generate sqlite:////tmp/groot.db 1000000
    .venv/bin/python -m tests.benchmarks.bench_export sqlite+aiosqlite:////tmp/groot.db [2026-K3]
    .venv/bin/python -m tests.benchmarks.bench_export postgresql://postgres@127.0.0.1:5432/shb_bench
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bot.config import load_config
from bot.db import create_engine, create_sessionmaker
from bot.models import Dossier
from bot.periods import parse_quarter
from bot.reportfiles import write
from bot.services.common import Deps
from bot.services.export import quarterly_sheets
from bot.services.reportdata import active_in
from bot.settings import Settings
from tests.conftest import FakeClock

ROUNDS = 5
FORMATS = ("xlsx", "csv")
GOAL_S, GOAL_MB, GOAL_LATE_S = 30.0, 400.0, 1.0
NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)  # the generator's report date
PROBE_S = 0.05


async def export_once(url: str, label: str, fmt: str, target: Path) -> dict[str, float]:
    """One export as the bot runs it, with a probe on the loop; its time, memory and the probe's
    worst lateness."""
    engine = create_engine(Settings(database_url=url).database_url)
    deps = Deps.from_config(load_config(), clock=FakeClock(NOW))
    period = parse_quarter(label)
    worst, done = 0.0, asyncio.Event()

    async def probe() -> None:
        nonlocal worst
        while not done.is_set():
            asked = time.perf_counter()
            await asyncio.sleep(PROBE_S)
            worst = max(worst, time.perf_counter() - asked - PROBE_S)

    prober = asyncio.create_task(probe())
    await asyncio.sleep(0)
    start = time.perf_counter()
    async with create_sessionmaker(engine)() as session:
        sheets = await quarterly_sheets(session, deps, period)
    try:
        paths = await asyncio.to_thread(write, sheets, target, fmt)
    finally:
        for sheet in sheets:
            sheet.close()
    seconds = time.perf_counter() - start
    done.set()
    await prober
    async with create_sessionmaker(engine)() as session:
        dossiers = await session.scalar(
            select(func.count()).select_from(Dossier).where(active_in(deps, period))
        )
    await engine.dispose()
    return {
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "late_s": worst,
        "dossiers": float(dossiers or 0),
        "bytes": float(sum(p.stat().st_size for p in paths)),
    }


def child(url: str, label: str, fmt: str) -> None:
    """In the fresh process: one export, its figures as JSON on stdout."""
    with tempfile.TemporaryDirectory() as folder:
        figures = asyncio.run(export_once(url, label, fmt, Path(folder) / f"rapport.{fmt}"))
    print(json.dumps(figures))


def spread(values: list[float], unit: str, digits: int = 1) -> str:
    return (
        f"median {statistics.median(values):7.{digits}f} {unit}  "
        f"(spread {min(values):.{digits}f}-{max(values):.{digits}f})"
    )


def verdict(value: float, goal: float) -> str:
    return "met" if value <= goal else "missed"


def main(url: str, label: str) -> None:
    runs: dict[str, list[dict[str, float]]] = {fmt: [] for fmt in FORMATS}
    for round_ in range(ROUNDS):
        for fmt in FORMATS if round_ % 2 == 0 else FORMATS[::-1]:
            out = subprocess.run(
                [sys.executable, "-m", "tests.benchmarks.bench_export", "--child", url, label, fmt],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            runs[fmt].append(json.loads(out.strip().splitlines()[-1]))
    first = runs[FORMATS[0]][0]
    print(
        f"{Settings(database_url=url).database_url.split(':')[0]}, kwartaalrapportage {label} as of "
        f"{NOW.date():%d-%m-%Y}: {int(first['dossiers']):,} dossiers in the list; "
        f"{ROUNDS} rounds, XLSX and CSV interleaved, each export in a fresh process"
    )
    for fmt, values in runs.items():
        seconds = [r["seconds"] for r in values]
        peak = [r["peak_mb"] for r in values]
        late = [r["late_s"] for r in values]
        print(
            f"  {fmt:4}  time       {spread(seconds, 's')}  goal <= {GOAL_S:.0f} s: "
            f"{verdict(statistics.median(seconds), GOAL_S)}"
        )
        print(
            f"        peak RSS   {spread(peak, 'MB', 0)}  goal <= {GOAL_MB:.0f} MB: "
            f"{verdict(statistics.median(peak), GOAL_MB)}"
        )
        print(
            f"        probe late {spread([1000 * x for x in late], 'ms', 0)}  worst {max(late) * 1000:.0f} ms, "
            f"goal <= {GOAL_LATE_S * 1000:.0f} ms: {verdict(max(late), GOAL_LATE_S)}"
        )
        print(f"        output     {statistics.median(r['bytes'] for r in values) / 1e6:.1f} MB")


if __name__ == "__main__":
    if sys.argv[1] == "--child":
        child(*sys.argv[2:5])
    else:
        main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "2026-K3")
