"""The dispatcher's tick against 1,000 / 10,000 / 100,000 open dossiers with nothing due, and with
1,000 due among the 100,000 (rate limiter off, pacing sleeps skipped). Shows that a tick costs what
is due, not what is open. One database per size, filled first; then the four cases take turns over
7 rounds (each round starts with another case; each due round makes 1,000 other reminders due) and
median and spread are printed. SQLite in a temporary directory, and also PostgreSQL with
SCHULDHULPBOT_BENCH_POSTGRES_URL (a throwaway database: a schema per size, dropped first; a plain
postgresql:// URL will do). Not part of the test run:

    .venv/bin/python -m tests.benchmarks.bench_dispatcher
    export SCHULDHULPBOT_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/shb_disp
    .venv/bin/python -m tests.benchmarks.bench_dispatcher   # PostgreSQL, then SQLite
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot

from bot.config import load_config
from bot.db import create_engine, create_sessionmaker, upgrade
from bot.models import Deadline, Digest, Dossier, Reminder, User, Wijkteam
from bot.services.common import Deps
from bot.services.users import sync_wijkteams
from bot.settings import Settings
from scheduler.dispatcher import Dispatcher
from tests.conftest import FakeClock
from tests.fakebot import FakeTelegram

NOW = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)  # a Wednesday, office hours
CHUNK = 5000
SIZES = (1_000, 10_000, 100_000)
DUE = 1_000
ROUNDS = 7


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


async def prepare(url: str, schema: str | None) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
    """A migrated database with the wijkteams and one klantmanager; on PostgreSQL in a schema of
    its own (dropped first), so the three sizes live side by side in one throwaway database."""
    if schema is None:
        engine = create_engine(url)
    else:
        admin = create_engine(url)
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await admin.dispose()
        engine = create_engine(url, connect_args={"server_settings": {"search_path": schema}})
    await upgrade(engine)
    maker = create_sessionmaker(engine)
    async with maker() as session:
        await sync_wijkteams(session, load_config())
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
    return engine, maker


async def make_due(maker, n: int) -> None:  # type: ignore[no-untyped-def]
    """Make n reminders not sent before due now (each round other ones), and forget the digests."""
    async with maker() as session:
        first = list(
            await session.scalars(
                select(Reminder.id)
                .where(Reminder.offset_days == 3, Reminder.status == "gepland", Reminder.due_at > NOW)
                .order_by(Reminder.id)
                .limit(n)
            )
        )
        await session.execute(
            update(Reminder).where(Reminder.id.in_(first)).values(due_at=NOW - timedelta(minutes=1))
        )
        await session.execute(delete(Digest))
        await session.commit()


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):9.2f} ms  (spread {min(values):.2f}-{max(values):.2f})"


async def run(url: str) -> None:
    pg = make_url(url).get_backend_name() == "postgresql"
    config = load_config()
    fake = FakeTelegram()
    bot = ExtBot("1:BENCH", request=fake, defaults=Defaults(parse_mode=ParseMode.HTML))
    await bot.initialize()
    deps = Deps.from_config(config, clock=FakeClock(NOW))
    engines, dispatchers, makers = [], {}, {}
    filled_in = {}
    for total in SIZES:
        started = time.perf_counter()
        if pg:
            engine, maker = await prepare(url, f"bench_dispatcher_{total}")
        else:
            engine, maker = await prepare(url.replace(".db", f"-{total}.db"), None)
        await fill(maker, total, 0)
        filled_in[total] = time.perf_counter() - started
        engines.append(engine)
        makers[total] = maker
        dispatchers[total] = Dispatcher(maker, deps, bot, sleep=_no_sleep, batch=1000)
        await dispatchers[total].tick()  # the week's overview etc. out of the way
    largest = SIZES[-1]
    cases = [f"{n:,} open, none due" for n in SIZES] + [f"{largest:,} open, {DUE:,} due"]
    times: dict[str, list[float]] = {name: [] for name in cases}
    sent: list[int] = []
    for round_ in range(ROUNDS):
        order = cases[round_ % len(cases) :] + cases[: round_ % len(cases)]
        for name in order:
            if name.endswith(" due") and "none" not in name:
                await make_due(makers[largest], DUE)
                dispatcher = dispatchers[largest]
            else:
                dispatcher = dispatchers[int(name.split()[0].replace(",", ""))]
            start = time.perf_counter()
            report = await dispatcher.tick()
            times[name].append((time.perf_counter() - start) * 1000)
            if "none" not in name:
                sent.append(report.sent)
    print(
        f"database: {engines[0].dialect.name}; {ROUNDS} rounds interleaved, one database per size"
        f" (filled in {', '.join(f'{filled_in[n]:.1f}' for n in SIZES)} s)"
    )
    for name, values in times.items():
        print(f"  tick, {name:24} {spread(values)}")
    due_ms = statistics.median(times[cases[-1]])
    print(
        f"  {DUE:,} due: sent per tick {min(sent)}-{max(sent)};"
        f" {due_ms / max(statistics.median(sent), 1):.2f} ms per reminder sent"
    )
    none_due = [statistics.median(times[name]) for name in cases[:-1]]
    print(f"  ratio none-due {SIZES[-1]:,}/{SIZES[0]:,}: {none_due[-1] / none_due[0]:.2f}")
    await bot.shutdown()
    for engine in engines:
        await engine.dispose()


if __name__ == "__main__":
    pg = os.environ.get("SCHULDHULPBOT_BENCH_POSTGRES_URL")
    if pg:
        asyncio.run(run(Settings(database_url=pg).database_url))
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(f"sqlite+aiosqlite:///{tmp}/bench.db"))
