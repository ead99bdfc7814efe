"""The dispatcher's tick against 1,000 / 10,000 / 100,000 open dossiers with nothing due, and with
1,000 due (rate limiter off, pacing sleeps skipped). Shows that a tick costs what is due, not what
is open. SQLite in a temporary directory, or PostgreSQL with SCHULDHULPBOT_BENCH_POSTGRES_URL
(a throwaway database). Not part of the test run:

    python -m tests.benchmarks.bench_dispatcher
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, insert, select, text, update
from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot

from bot.config import load_config
from bot.db import create_engine, create_sessionmaker, upgrade
from bot.models import Base, Deadline, Digest, Dossier, Reminder, User, Wijkteam
from bot.services.common import Deps
from bot.services.users import sync_wijkteams
from scheduler.dispatcher import Dispatcher
from tests.conftest import FakeClock
from tests.fakebot import FakeTelegram

NOW = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)  # a Wednesday, office hours
CHUNK = 5000


async def _no_sleep(_: float) -> None:
    return None


async def fill(maker, total: int, start_at: int) -> None:  # type: ignore[no-untyped-def]
    """Open dossiers with a running clock each and four future reminders each."""
    async with maker() as session:
        team_id = (await session.scalars(select(Wijkteam.id).limit(1))).one()
        worker_id = (await session.scalars(select(User.id).where(User.telegram_id == 2001))).one()
        for first in range(start_at, total, CHUNK):
            numbers = range(first, min(first + CHUNK, total))
            await session.execute(
                insert(Dossier),
                [
                    {
                        "ref": f"SH-B-{i:07d}",
                        "category": "nieuwe_aanmelding",
                        "wijkteam_id": team_id,
                        "meldingsdatum": date(2026, 12, 1),
                        "created_by_id": worker_id,
                        "assignee_id": worker_id,
                        "status": "opgepakt",
                        "created_at": NOW,
                    }
                    for i in numbers
                ],
            )
            ids = list(
                await session.scalars(
                    select(Dossier.id).where(Dossier.ref.in_([f"SH-B-{i:07d}" for i in numbers]))
                )
            )
            await session.execute(
                insert(Deadline),
                [
                    {
                        "dossier_id": d,
                        "norm": "stabilisatie",
                        "seq": 0,
                        "start_date": date(2026, 12, 1),
                        "due_date": date(2027, 1, 5),
                        "status": "lopend",
                        "updated_at": NOW,
                    }
                    for d in ids
                ],
            )
            deadline_ids = list(
                await session.scalars(select(Deadline.id).where(Deadline.dossier_id.in_(ids)))
            )
            await session.execute(
                insert(Reminder),
                [
                    {
                        "key": f"d{d}:{n}",
                        "kind": "termijn",
                        "audience": "houder",
                        "deadline_id": d,
                        "offset_days": n,
                        "due_at": NOW + timedelta(days=20 + n),
                        "status": "gepland",
                        "attempts": 0,
                        "delivered": [],
                        "created_at": NOW,
                    }
                    for d in deadline_ids
                    for n in (3, 1, 0, -1)
                ],
            )
            await session.commit()


async def timed_tick(dispatcher: Dispatcher, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        await dispatcher.tick()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


async def run(url: str) -> None:
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            await conn.execute(text("DROP FUNCTION IF EXISTS audit_log_append_only() CASCADE"))
    await upgrade(engine)
    config = load_config()
    maker = create_sessionmaker(engine)
    async with maker() as session:
        await sync_wijkteams(session, config)
        team_id = (await session.scalars(select(Wijkteam.id).limit(1))).one()
        session.add(
            User(
                telegram_id=2001,
                role="klantmanager",
                display_name="Karel",
                language="nl",
                wijkteam_id=team_id,
                created_at=NOW,
            )
        )
        await session.commit()
    fake = FakeTelegram()
    bot = ExtBot("1:BENCH", request=fake, defaults=Defaults(parse_mode=ParseMode.HTML))
    await bot.initialize()
    deps = Deps.from_config(config, clock=FakeClock(NOW))
    dispatcher = Dispatcher(maker, deps, bot, sleep=_no_sleep, batch=1000)
    await dispatcher.tick()  # the week's overview etc. out of the way
    print(f"database: {engine.dialect.name}")
    results = {}
    filled = 0
    for total in (1_000, 10_000, 100_000):
        started = time.perf_counter()
        await fill(maker, total, filled)
        filled = total
        results[total] = await timed_tick(dispatcher)
        print(
            f"open dossiers {total:>7,}, none due: tick {results[total]:7.2f} ms (median of 5)"
            f"   [filled in {time.perf_counter() - started:.1f} s]"
        )
    async with maker() as session:  # make 1,000 of them due now
        first = list(await session.scalars(select(Reminder.id).where(Reminder.offset_days == 3).limit(1000)))
        await session.execute(
            update(Reminder).where(Reminder.id.in_(first)).values(due_at=NOW - timedelta(minutes=1))
        )
        await session.execute(delete(Digest))
        await session.commit()
    start = time.perf_counter()
    report = await dispatcher.tick()
    due_ms = (time.perf_counter() - start) * 1000
    print(
        f"open dossiers 100,000, 1,000 due: tick {due_ms:9.1f} ms, sent {report.sent}"
        f" ({due_ms / max(report.sent, 1):.2f} ms per reminder)"
    )
    print(f"ratio none-due 100k/1k: {results[100_000] / results[1_000]:.2f}")
    await bot.shutdown()
    await engine.dispose()


if __name__ == "__main__":
    pg = os.environ.get("SCHULDHULPBOT_BENCH_POSTGRES_URL")
    if pg:
        asyncio.run(run(pg))
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(f"sqlite+aiosqlite:///{tmp}/bench.db"))
