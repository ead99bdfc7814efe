"""SQLite statements run on the event loop, wait for another writer's lock in a worker thread
(the loop stays free), and go to a thread altogether inside off_loop()."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db import create_engine, create_sessionmaker
from bot.sqlite_inline import InlineConnection, off_loop


@pytest.fixture
async def engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/inline.db")
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT)"))
    yield engine
    await engine.dispose()


def _threads_used(monkeypatch, calls: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Count the calls that go to a connection's worker thread."""
    real = InlineConnection._waiting

    def counting(self, function, *args):  # type: ignore[no-untyped-def]
        calls.append(getattr(function, "__name__", "?"))
        return real(self, function, *args)

    monkeypatch.setattr(InlineConnection, "_waiting", counting)


async def test_a_file_database_runs_its_statements_on_the_loop(engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []
    _threads_used(monkeypatch, calls)
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        await session.execute(text("INSERT INTO t (x) VALUES ('a'), ('b')"))
        await session.commit()
        rows = (await session.execute(text("SELECT x FROM t ORDER BY id"))).scalars().all()
        raw = await (await session.connection()).get_raw_connection()
        assert isinstance(raw.driver_connection, InlineConnection)
    assert rows == ["a", "b"]
    assert calls == []  # no thread hop at all
    workers = {t.name for t in threading.enumerate()}
    assert not any("aiosqlite" in name.lower() or "sqlite-inline" in name for name in workers)


async def test_off_loop_runs_the_statements_in_a_worker_thread(engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []
    _threads_used(monkeypatch, calls)
    async with create_sessionmaker(engine)() as session:
        with off_loop():
            assert await session.scalar(text("SELECT count(*) FROM t")) == 0
        assert calls  # the statement went to a thread
        before = len(calls)
        await session.scalar(text("SELECT count(*) FROM t"))
        assert len(calls) == before  # and after the block, on the loop again


async def test_a_locked_database_is_waited_for_off_the_loop(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = sqlite3.connect(tmp_path / "inline.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    other.execute("INSERT INTO t (x) VALUES ('eerst')")
    ticks = 0

    async def ticking() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0)
            ticks += 1

    async def write() -> list[str]:
        async with create_sessionmaker(engine)() as session:
            await session.execute(text("INSERT INTO t (x) VALUES ('daarna')"))
            await session.commit()
            return list((await session.execute(text("SELECT x FROM t ORDER BY id"))).scalars())

    ticker = asyncio.create_task(ticking())
    writer = asyncio.create_task(write())
    for _ in range(50):  # the loop keeps turning while the insert waits for the lock
        await asyncio.sleep(0)
    assert not writer.done()
    seen = ticks
    other.execute("COMMIT")
    other.close()
    assert await asyncio.wait_for(writer, 5) == ["eerst", "daarna"]
    ticker.cancel()
    assert seen >= 40


async def test_a_real_error_is_raised_not_retried(engine) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import OperationalError

    async with create_sessionmaker(engine)() as session:
        with pytest.raises(OperationalError, match="no such table"):
            await session.execute(text("SELECT * FROM nergens"))


async def test_the_status_figures_read_in_a_worker_thread(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """/status and the weekly overview read a whole quarter: on SQLite not on the event loop."""
    from datetime import UTC, datetime

    from bot.config import load_config
    from bot.db import upgrade
    from bot.services.common import Deps
    from bot.services.kpi import Scope, status_report
    from tests.conftest import FakeClock

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/status.db")
    await upgrade(engine)
    deps = Deps.from_config(load_config(), clock=FakeClock(datetime(2026, 12, 2, 9, tzinfo=UTC)))
    calls: list[str] = []
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session, sessionmaker() as other:
        await session.scalar(text("SELECT 1"))  # opened on the loop
        _threads_used(monkeypatch, calls)
        report = await status_report(session, deps, Scope(), other)
    await engine.dispose()
    assert report.quarter.period.label == "2026-K4"
    assert len(calls) >= 10  # every statement of the report went to a worker thread


async def test_a_statement_cancelled_in_its_worker_thread_is_stopped_not_crashed(engine) -> None:  # type: ignore[no-untyped-def]
    """A task cancelled while its statement runs in a worker thread (off_loop): SQLAlchemy lets the
    connection go at once; the statement is interrupted and the thread closes the connection
    when it returns, instead of the connection being closed under it (which crashes Python)."""
    long = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000000) SELECT count(*) FROM n"
    sessionmaker = create_sessionmaker(engine)

    async def report() -> None:
        async with sessionmaker() as session:
            with off_loop():
                await session.scalar(text(long))

    for _ in range(3):
        task = asyncio.create_task(report())
        await asyncio.sleep(0.2)  # the statement is running in its thread
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    async with sessionmaker() as session:  # the engine goes on with fresh connections
        assert await session.scalar(text("SELECT count(*) FROM t")) == 0


async def test_a_cancelled_writer_leaves_no_lock_behind(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A task that wrote and is cancelled during a long read in its thread: its connection is
    rolled back as it closes, so another writer can write at once (the interrupted statement
    would otherwise keep the connection, and its lock, open until it is collected)."""
    long = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000000) SELECT count(*) FROM n"
    sessionmaker = create_sessionmaker(engine)

    async def write_then_read() -> None:
        async with sessionmaker() as session:
            await session.execute(text("INSERT INTO t (x) VALUES ('onaf')"))
            with off_loop():
                await session.scalar(text(long))

    task = asyncio.create_task(write_then_read())
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.1)  # the thread closes the connection when its statement stops
    other = sqlite3.connect(tmp_path / "inline.db", timeout=0)
    try:
        other.execute("INSERT INTO t (x) VALUES ('ander')")
        other.commit()
        assert [x for (x,) in other.execute("SELECT x FROM t")] == ["ander"]  # the first rolled back
    finally:
        other.close()


async def test_writers_waiting_for_a_lock_do_not_starve_its_holder(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Twelve sessions wait for a lock one of their own holds inside off_loop(): each connection
    waits in a thread of its own, so the holder can still commit and all twelve get in."""
    sessionmaker = create_sessionmaker(
        engine,
    )
    holding = asyncio.Event()

    async def holder() -> None:
        async with sessionmaker() as session:
            with off_loop():
                await session.execute(text("INSERT INTO t (x) VALUES ('houder')"))
                holding.set()
                await asyncio.sleep(0.3)
                await session.commit()

    async def writer(i: int) -> None:
        await holding.wait()
        async with sessionmaker() as session:
            with off_loop():
                await session.execute(text("INSERT INTO t (x) VALUES (:x)"), {"x": f"w{i}"})
                await session.commit()

    await asyncio.wait_for(asyncio.gather(holder(), *(writer(i) for i in range(12))), 20)
    async with sessionmaker() as session:
        assert await session.scalar(text("SELECT count(*) FROM t")) == 13
