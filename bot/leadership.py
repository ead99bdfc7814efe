"""One active bot per database: the others stand by.

Two processes polling Telegram with one token each take every update once, so both would handle
it (10 submissions became 19 dossiers). On PostgreSQL the active process holds a session-level
advisory lock on a connection of its own; a standby tries for it every few seconds and takes over
as soon as the active one's connection is gone (a crash, kill -9 or a lost network closes it).
The active one checks its connection as often and stops when it is lost, so it never runs on
without the lock. On SQLite (one machine) a second process on the same file is refused outright
with an exclusive lock on a file next to the database.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

logger = logging.getLogger(__name__)

ACTIVE_LOCK = 0x5348_4201  # the advisory lock key of the active replica
MIGRATION_LOCK = 0x5348_4202  # held while migrations run, so two replicas never run them at once


class AlreadyRunning(Exception):
    """Another process runs the bot on this SQLite database."""


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).resolve()


class FileLock:
    """An exclusive lock on '<database>.lock', held for the life of the process (the operating
    system releases it when the process ends, also on kill -9)."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".lock")
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise AlreadyRunning(str(self.path)) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class PostgresLeadership:
    """The active replica's advisory lock on PostgreSQL, on a connection of its own."""

    def __init__(
        self,
        url: str,
        *,
        poll_seconds: float = 3.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.engine = create_async_engine(url, poolclass=NullPool)  # closing really closes
        self.poll_seconds = poll_seconds
        self.sleep = sleep
        self._conn: AsyncConnection | None = None

    async def try_acquire(self) -> bool:
        """Take the lock if it is free; keep the connection that holds it."""
        conn = await self.engine.connect()
        try:
            got = bool(await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": ACTIVE_LOCK}))
            await conn.commit()
        except Exception:
            await conn.close()
            raise
        if got:
            self._conn = conn
        else:
            await conn.close()
        return got

    async def acquire(self, on_standby: Callable[[], None] | None = None) -> None:
        """Wait until this process is the active one (a standby says so once)."""
        told = False
        while not await self.try_acquire():
            if not told and on_standby is not None:
                on_standby()
                told = True
            await self.sleep(self.poll_seconds)

    async def still_active(self) -> bool:
        """Whether the lock's connection still answers (False: stop, another may take over)."""
        if self._conn is None:
            return False
        try:
            await self._conn.execute(text("SELECT 1"))
            await self._conn.commit()
        except Exception:
            logger.warning("the connection that holds the active lock is gone")
            return False
        return True

    async def release(self) -> None:
        if self._conn is not None:
            try:
                await self._conn.close()  # the session ends, and with it the lock
            except Exception:  # already gone: so is the lock
                logger.debug("closing the lock connection failed", exc_info=True)
            self._conn = None
        await self.engine.dispose()
