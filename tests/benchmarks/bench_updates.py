"""Updates per second through the real Application against the in-process fake Bot API:

(a) a minimal durable bot: one ORM insert, a commit and a reply per update;
(b) full /vraag submissions: 3 updates each (/vraag, the topic button, the question), with the
    once-only guard, the rights check, screening, routing, the deadline, reminders, the audit
    chain, the reply and the message to the worker it was routed to.

Both run in one process on the same database engine (bot.db.create_engine) and the same fake Bot
API, interleaved over ROUNDS rounds; it prints each bot's median and spread and the median ratio
b/a per update. Goal: ratio >= 0.5. Not part of the test run:

    .venv/bin/python -m tests.benchmarks.bench_updates [N] [--database URL]

Without --database: SQLite in a temporary directory, empty. With a URL (SQLite or PostgreSQL, e.g.
a copy of a database made by tests.benchmarks.generate with 1,000,000 dossiers) both bots use that
database: the /vraag bot its own tables (it adds a few accounts and N vragen a round), the minimal
bot a table of its own that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Integer, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults, MessageHandler, filters

from bot.db import create_engine, create_sessionmaker
from bot.models import Dossier
from bot.settings import Settings
from bot.vocabulary import Role
from tests.botharness import running_bot
from tests.conftest import FakeClock
from tests.fakebot import Client, FakeTelegram

ROUNDS = 5
GOAL = 0.5


class _Base(DeclarativeBase):
    pass


class Row(_Base):
    __tablename__ = "bench_minimal_rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(200))


async def minimal_bot(
    url: str, stock: bool = False
) -> tuple[Callable[[int], Awaitable[float]], Callable[[], Awaitable[None]]]:
    """(a): returns a function that sends n updates and gives the seconds taken, and a closer;
    `stock`: on SQLite through aiosqlite's thread, as a bot without bot.sqlite_inline would."""
    engine = create_engine(url, async_creator=None) if stock else create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(_Base.metadata.create_all)
    sessionmaker = create_sessionmaker(engine)

    async def store_and_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.effective_chat is not None
        async with sessionmaker() as session:
            session.add(Row(text=update.message.text or ""))
            await session.commit()
        await context.bot.send_message(update.effective_chat.id, "Ontvangen.")

    fake = FakeTelegram()
    app = (
        ApplicationBuilder()
        .token("1:BENCH")
        .request(fake)
        .get_updates_request(fake)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, store_and_reply))
    await app.initialize()
    client = Client(app, fake, 1001)
    await client.send("opwarmen")

    async def run(n: int) -> float:
        start = time.perf_counter()
        for i in range(n):
            await client.send(f"bericht {i}")
        return time.perf_counter() - start

    async def close() -> None:
        await app.shutdown()
        async with engine.begin() as conn:
            await conn.run_sync(_Base.metadata.drop_all)
        await engine.dispose()

    return run, close


async def main(n: int, url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = Settings(database_url=url or f"sqlite:///{tmp}/bench.db").database_url
        clock = FakeClock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))  # a Wednesday in office hours
        base = 7_000_000 + (os.getpid() % 10_000) * 10  # accounts of its own in a shared database
        async with running_bot(Path(tmp), clock, database_url=url) as bot:
            # update ids of its own: a database used before remembers the ids it handled
            bot.fake._update_ids = itertools.count(int(time.time() * 1000))
            async with bot.rt.sessionmaker() as session:
                dossiers = await session.scalar(select(func.count()).select_from(Dossier))
            partner = await bot.join(base + 1, Role.PARTNER, "drunen", "Pien Partner")
            leader = await bot.join(base + 2, Role.TEAMLEIDER, None, "Tineke TL")
            await bot.join(base + 3, Role.BUDGETCOACH, "drunen", "Bea BC")
            await bot.rooster(leader, base + 3, "drunen", 2)

            async def vraag(rounds: int) -> float:
                start = time.perf_counter()
                for i in range(rounds):
                    await partner.send("/vraag")
                    await partner.press("budget en inkomen")
                    await partner.send(
                        f"Hoe gaat een betalingsregeling met de energieleverancier in zijn werk? ({i})"
                    )
                return time.perf_counter() - start

            sqlite = url.startswith("sqlite")
            run_minimal, close_minimal = await minimal_bot(url)
            run_stock, close_stock = await minimal_bot(url, stock=True) if sqlite else (None, None)
            await vraag(5)  # warm them up
            await run_minimal(15)
            per_update: dict[str, list[float]] = {"(a) minimaal": [], "(b) /vraag": []}
            ratios, stock_ratios = [], []
            for _ in range(ROUNDS):
                a = await run_minimal(3 * n) / (3 * n)
                b = await vraag(n) / (3 * n)
                per_update["(a) minimaal"].append(1000 * a)
                per_update["(b) /vraag"].append(1000 * b)
                ratios.append(a / b)
                if run_stock is not None:
                    stock = await run_stock(3 * n) / (3 * n)
                    per_update.setdefault("(a') minimaal, aiosqlite", []).append(1000 * stock)
                    stock_ratios.append(stock / b)
            await close_minimal()
            if close_stock is not None:
                await close_stock()
    print(f"{url.split(':')[0]}, {dossiers:,} dossiers; {ROUNDS} rounds interleaved, {n} submissions a round")
    for name, values in per_update.items():
        print(
            f"  {name:26} median {statistics.median(values):6.2f} ms per update "
            f"({1000 / statistics.median(values):6.1f} updates/s; spread {min(values):.2f}-{max(values):.2f})"
        )
    ratio = statistics.median(ratios)
    verdict = "met" if ratio >= GOAL else "missed"
    print(
        f"  ratio b/a per update: median {ratio:.2f} (spread {min(ratios):.2f}-{max(ratios):.2f}); "
        f"goal >= {GOAL}: {verdict}"
    )
    if stock_ratios:
        print(
            f"  (against (a') on aiosqlite's thread: b/a' median {statistics.median(stock_ratios):.2f}, "
            f"spread {min(stock_ratios):.2f}-{max(stock_ratios):.2f}; not the goal's comparison)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("n", nargs="?", type=int, default=100, help="submissions per round (default 100)")
    parser.add_argument("--database", help="database URL (default: an empty SQLite file)")
    args = parser.parse_args()
    asyncio.run(main(args.n, args.database))
