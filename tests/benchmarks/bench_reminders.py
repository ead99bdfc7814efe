"""Reminders at Telegram's pace, at national scale: N open dossiers (default 1,000,000), of which
DUE (default 50,000) have a reminder due at office opening, held by W workers (default 5,000).
The real Dispatcher, with the bot's rate limiter, sends them back-to-back (as the JobQueue job
does after a full tick) to the project's Bot API stand-in with Telegram's flood control switched
on (30 messages a second overall, one a second per chat, a 429 past it).

Prints: the time until every due row is sent (goal: 5 minutes), the 429s (goal: none), the
dispatcher's CPU time per due reminder (goal: at most 1 ms; process time, which includes the
in-process stand-in and SQLite's threads), the messages sent (one per worker when bundling
works), and the empty tick at 1,000 against N open dossiers (goal: at most 3x).

    .venv/bin/python -m tests.benchmarks.bench_reminders [N] [DUE] [W]

SQLite in a temporary directory; or PostgreSQL with SCHULDHULPBOT_BENCH_POSTGRES_URL (a
throwaway database: its tables are dropped first).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select, text
from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot

from bot.config import load_config
from bot.db import create_engine, create_sessionmaker, upgrade
from bot.models import Base, Deadline, Dossier, Reminder, User, Wijkteam
from bot.services.common import Deps
from bot.services.users import sync_wijkteams
from bot.settings import Settings
from handlers.demo.botapi import BotAPI, BotAPIRequest, FloodLimit
from scheduler.dispatcher import Dispatcher
from scheduler.ratelimit import ChatRateLimiter
from tests.conftest import FakeClock

OPENING = datetime(2026, 12, 9, 7, 31, tzinfo=UTC)  # Wednesday 08:31 in Amsterdam
CHUNK = 10_000
GOAL_SECONDS, GOAL_CPU_MS, GOAL_EMPTY_RATIO = 300.0, 1.0, 3.0
ROUNDS = 7


async def fill(url: str, n: int, due: int, workers: int) -> tuple[object, object]:
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            await conn.execute(text("DROP FUNCTION IF EXISTS audit_log_append_only() CASCADE"))
    await upgrade(engine)
    maker = create_sessionmaker(engine)
    config = load_config()
    async with maker() as session:
        await sync_wijkteams(session, config)
        team = (await session.scalars(select(Wijkteam.id).limit(1))).one()
        await session.execute(
            insert(User),
            [
                {
                    "telegram_id": 100_000 + w,
                    "role": "klantmanager",
                    "display_name": f"Medewerker {w}",
                    "language": "nl",
                    "wijkteam_id": team,
                    "created_at": OPENING - timedelta(days=30),
                }
                for w in range(workers)
            ],
        )
        user_ids = list(await session.scalars(select(User.id).order_by(User.id)))
        await session.commit()
        for first in range(0, n, CHUNK):
            numbers = range(first, min(first + CHUNK, n))
            await session.execute(
                insert(Dossier),
                [
                    {
                        "ref": f"SH-2026-{i:07d}",
                        "category": "nieuwe_aanmelding",
                        "wijkteam_id": team,
                        "meldingsdatum": date(2026, 12, 1),
                        "created_by_id": user_ids[0],
                        "assignee_id": user_ids[i % workers],
                        "status": "opgepakt",
                        "created_at": OPENING - timedelta(days=8),
                    }
                    for i in numbers
                ],
            )
            low = await session.scalar(
                select(func.min(Dossier.id)).where(Dossier.ref == f"SH-2026-{first:07d}")
            )
            assert low is not None
            await session.execute(
                insert(Deadline),
                [
                    {
                        "dossier_id": low + k,
                        "norm": "stabilisatie",
                        "seq": 0,
                        "start_date": date(2026, 12, 1),
                        "due_date": date(2026, 12, 14) if i < due else date(2027, 1, 12),
                        "status": "lopend",
                        "updated_at": OPENING,
                    }
                    for k, i in enumerate(numbers)
                ],
            )
            first_deadline = await session.scalar(
                select(func.min(Deadline.id)).where(Deadline.dossier_id == low)
            )
            assert first_deadline is not None
            await session.execute(
                insert(Reminder),
                [
                    {
                        "key": f"d{first_deadline + k}:3",
                        "kind": "termijn",
                        "audience": "houder",
                        "deadline_id": first_deadline + k,
                        "offset_days": 3,
                        "due_at": OPENING - timedelta(minutes=1) if i < due else OPENING + timedelta(days=30),
                        "status": "gepland",
                        "attempts": 0,
                        "delivered": [],
                        "created_at": OPENING - timedelta(days=8),
                    }
                    for k, i in enumerate(numbers)
                ],
            )
            await session.commit()
    return engine, maker


async def empty_tick_ms(dispatcher: Dispatcher, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        report = await dispatcher.tick()
        times.append(1000 * (time.perf_counter() - start))
        assert report.claimed == 0
    return times


async def run(url: str, small_url: str, n: int, due: int, workers: int) -> None:
    started = time.perf_counter()
    engine, maker = await fill(url, n, due, workers)
    print(
        f"{engine.dialect.name}: {n:,} open dossiers, {due:,} reminders due, {workers:,} workers"  # type: ignore[attr-defined]
        f"  [filled in {time.perf_counter() - started:.0f} s]"
    )
    api = BotAPI("1:BENCH", flood=FloodLimit())
    bot = ExtBot(
        "1:BENCH",
        request=BotAPIRequest(api),
        defaults=Defaults(parse_mode=ParseMode.HTML),
        rate_limiter=ChatRateLimiter(),
    )
    await bot.initialize()
    deps = Deps.from_config(load_config(), clock=FakeClock(OPENING))
    dispatcher = Dispatcher(maker, deps, bot)  # type: ignore[arg-type]
    sent = ticks = 0
    wall, cpu = time.perf_counter(), time.process_time()
    while True:  # as the JobQueue job does: a full tick is followed by the next at once
        report = await dispatcher.tick()
        ticks += 1
        sent += report.sent
        if report.claimed < dispatcher.capacity:
            break
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    messages = len(api.sent())
    print(f"  all {sent:,} sent in {wall:.0f} s over {ticks} ticks (goal <= {GOAL_SECONDS:.0f} s)")
    print(f"  {messages:,} messages for {workers:,} workers; 429s from the stand-in: {api.too_many} (goal 0)")
    print(f"  CPU {1000 * cpu / max(sent, 1):.2f} ms per due reminder (goal <= {GOAL_CPU_MS} ms)")
    if small_url != url:  # two databases: the empty ticks taken in turn
        small_engine, small_maker = await fill(small_url, 1_000, 0, min(workers, 100))
        small_dispatcher = Dispatcher(small_maker, deps, bot)  # type: ignore[arg-type]
        big, small = [], []
        for _ in range(ROUNDS):
            big += await empty_tick_ms(dispatcher, 1)
            small += await empty_tick_ms(small_dispatcher, 1)
        await engine.dispose()  # type: ignore[attr-defined]
        how = "interleaved"
    else:  # PostgreSQL: the same database, refilled for the small case
        big = await empty_tick_ms(dispatcher, ROUNDS)
        await engine.dispose()  # type: ignore[attr-defined]
        small_engine, small_maker = await fill(small_url, 1_000, 0, min(workers, 100))
        small = await empty_tick_ms(Dispatcher(small_maker, deps, bot), ROUNDS)  # type: ignore[arg-type]
        how = "one after the other"
    await small_engine.dispose()  # type: ignore[attr-defined]
    ratio = statistics.median(big) / statistics.median(small)
    print(
        f"  empty tick: 1,000 open {statistics.median(small):.1f} ms ({min(small):.1f}-{max(small):.1f}), "
        f"{n:,} open {statistics.median(big):.1f} ms ({min(big):.1f}-{max(big):.1f}); "
        f"ratio {ratio:.1f}x (goal <= {GOAL_EMPTY_RATIO:.0f}x), {ROUNDS} rounds each, {how}"
    )
    await bot.shutdown()


def main() -> None:
    n, due, workers = (int(a) for a in (sys.argv[1:] + ["1000000", "50000", "5000"][len(sys.argv) - 1 :])[:3])
    with tempfile.TemporaryDirectory() as tmp:
        pg = os.environ.get("SCHULDHULPBOT_BENCH_POSTGRES_URL")
        pg = Settings(database_url=pg).database_url if pg else None  # postgresql:// as the bot takes it
        url = pg or f"sqlite+aiosqlite:///{tmp}/groot.db"
        # the small case on the same kind of database (PostgreSQL: the same database, refilled)
        asyncio.run(run(url, pg or f"sqlite+aiosqlite:///{tmp}/klein.db", n, due, workers))


if __name__ == "__main__":
    main()
