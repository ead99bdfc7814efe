"""Engine, sessions and migrations: SQLite by default (WAL, busy timeout, foreign keys), or PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.sqlite_inline import InlineConnection, creator

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    if not isinstance(dbapi_conn.driver_connection, InlineConnection):  # it waits off the loop
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for the URL; SQLite gets its pragmas on every connection, and a file
    database runs its statements on the event loop (bot.sqlite_inline)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            args, options = parsed.get_dialect()().create_connect_args(parsed)
            kwargs.setdefault("async_creator", creator(args[0], dict(options), SQLITE_BUSY_TIMEOUT_MS))
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """The one sessionmaker of the process; objects stay readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> AlembicConfig:
    """Alembic's configuration, without an alembic.ini: the scripts ship inside the package."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _upgrade(connection: Connection, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply the migrations up to revision. On PostgreSQL a transaction lock makes a second
    replica (or `db upgrade`) wait and then find nothing left to do."""
    from bot.leadership import MIGRATION_LOCK

    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await conn.run_sync(_upgrade, revision)


def _current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None when it is empty."""
    async with engine.connect() as conn:
        return await conn.run_sync(_current)


async def answers(sessionmaker: async_sessionmaker[AsyncSession]) -> bool:
    """Whether the database answers a trivial query (for /gezond)."""
    try:
        async with sessionmaker() as session:
            await session.execute(text("SELECT 1"))
    except Exception:
        return False
    return True
