"""Routing's open-workload count (run on every melding and vraag) at national scale: the form the
code had (`status != 'afgesloten'`, which reads every dossier ever made) against the one it has
now (the open statuses, covered by the (status, assignee) indexes of migration 0010). Both run
interleaved in one process, 7 rounds; prints median and spread. Goal: at 1,000,000 dossiers the
count takes at most 20 ms, and at least 5x less than the old form.

    .venv/bin/python -m tests.benchmarks.generate sqlite:////tmp/groot.db 1000000
    .venv/bin/python -m tests.benchmarks.bench_open_load sqlite:////tmp/groot.db
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time

from sqlalchemy import func, select, union_all

from bot.db import create_engine, create_sessionmaker, upgrade
from bot.models import Dossier, Vraag
from bot.services.intake import open_load
from bot.settings import Settings
from bot.vocabulary import DossierStatus, VraagStatus

ROUNDS = 7
GOAL_MS, GOAL_RATIO = 20.0, 5.0


async def old_form(session) -> dict[int, int]:  # type: ignore[no-untyped-def]
    items = union_all(
        select(Dossier.assignee_id.label("uid")).where(
            Dossier.status != DossierStatus.AFGESLOTEN, Dossier.assignee_id.is_not(None)
        ),
        select(Vraag.assignee_id.label("uid")).where(
            Vraag.status != VraagStatus.BEANTWOORD, Vraag.assignee_id.is_not(None)
        ),
    ).subquery()
    rows = await session.execute(select(items.c.uid, func.count()).group_by(items.c.uid))
    return {int(uid): int(n) for uid, n in rows}


async def main(url: str) -> None:
    engine = create_engine(Settings(database_url=url).database_url)
    await upgrade(engine)  # the indexes of migration 0010
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        dossiers = await session.scalar(select(func.count()).select_from(Dossier))
        assert await old_form(session) == await open_load(session)  # the same answer
    times: dict[str, list[float]] = {"oud (status != afgesloten)": [], "nu (open statussen, index)": []}
    for _ in range(ROUNDS):
        for name, form in zip(times, (old_form, open_load), strict=True):
            async with sessionmaker() as session:
                start = time.perf_counter()
                await form(session)
                times[name].append(1000 * (time.perf_counter() - start))
    await engine.dispose()
    print(f"{engine.dialect.name}, {dossiers:,} dossiers, {ROUNDS} rounds interleaved")
    medians = {}
    for name, values in times.items():
        medians[name] = statistics.median(values)
        print(f"  {name:30} median {medians[name]:8.1f} ms  (spread {min(values):.1f}-{max(values):.1f})")
    old, new = medians.values()
    print(f"  ratio {old / new:.1f}x (goal >= {GOAL_RATIO}x); now {new:.1f} ms (goal <= {GOAL_MS} ms)")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
