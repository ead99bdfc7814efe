"""Updates per second through the real Application against the in-process fake Bot API.

(a) a minimal bot that stores one row per update and replies;
(b) full /vraag submissions (3 updates each: /vraag, the topic button, the question).
Both on SQLite in a temporary directory, measured in one run. Not part of the test run:

    python -m tests.benchmarks.bench_updates [N]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults, MessageHandler, filters

from bot.db import create_engine, create_sessionmaker
from bot.vocabulary import Role
from tests.botharness import running_bot
from tests.conftest import FakeClock
from tests.fakebot import Client, FakeTelegram


class _Base(DeclarativeBase):
    pass


class Row(_Base):
    __tablename__ = "rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(200))


async def minimal(n: int, folder: Path) -> float:
    """(a): one row per update, one reply; returns updates per second."""
    engine = create_engine(f"sqlite+aiosqlite:///{folder}/minimal.db")
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
    start = time.perf_counter()
    for i in range(n):
        await client.send(f"bericht {i}")
    elapsed = time.perf_counter() - start
    await app.shutdown()
    await engine.dispose()
    return n / elapsed


async def vraag(n: int, folder: Path) -> tuple[float, float]:
    """(b): full /vraag submissions; returns (updates per second, submissions per second)."""
    clock = FakeClock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    async with running_bot(folder, clock) as bot:
        partner = await bot.join(1001, Role.PARTNER, "drunen", "Pien Partner")
        leader = await bot.join(3001, Role.TEAMLEIDER, None, "Tineke TL")
        await bot.join(2002, Role.BUDGETCOACH, "drunen", "Bea BC")
        await bot.rooster(leader, 2002, "drunen", 2)
        start = time.perf_counter()
        for i in range(n):
            await partner.send("/vraag")
            await partner.press("budget en inkomen")
            await partner.send(
                f"Hoe gaat een betalingsregeling met de energieleverancier in zijn werk? ({i})"
            )
        elapsed = time.perf_counter() - start
    return 3 * n / elapsed, n / elapsed


async def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        a = await minimal(3 * n, Path(tmp))
        b_updates, b_submissions = await vraag(n, Path(tmp))
    print(f"(a) minimal store+reply:   {a:8.1f} updates/s  ({3 * n} updates)")
    print(
        f"(b) full /vraag flow:      {b_updates:8.1f} updates/s  ({b_submissions:.1f} submissions/s, {n} submissions)"
    )
    print(f"ratio b/a:                 {b_updates / a:8.2f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
