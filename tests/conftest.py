"""Shared fixtures: an explicit clock, the default configuration, and databases (SQLite always,
PostgreSQL when SCHULDHULPBOT_TEST_POSTGRES_URL names a throwaway database)."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import AppConfig, load_config
from bot.db import create_engine, create_sessionmaker, upgrade
from bot.models import Base, User
from bot.services.common import Deps
from bot.services.users import sync_wijkteams
from bot.workcalendar import WorkCalendar

AMS = ZoneInfo("Europe/Amsterdam")
POSTGRES_URL = os.environ.get("SCHULDHULPBOT_TEST_POSTGRES_URL")


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def set(self, day: date, at: time = time(10, 0)) -> None:
        """Move to a local wall-clock moment in Amsterdam."""
        self.moment = datetime.combine(day, at, tzinfo=AMS).astimezone(UTC)


@pytest.fixture
def config() -> AppConfig:
    return load_config()


@pytest.fixture
def calendar() -> WorkCalendar:
    return WorkCalendar()


@pytest.fixture
def clock() -> FakeClock:
    # Wednesday 2 December 2026, 10:00 in Amsterdam.
    c = FakeClock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    return c


@pytest.fixture
def deps(config: AppConfig, clock: FakeClock) -> Deps:
    return Deps.from_config(config, clock=clock)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for every test (migrating once keeps the suite fast)."""
    import asyncio

    path = tmp_path_factory.mktemp("template") / "template.db"

    async def build() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade(engine)
        async with engine.connect() as conn:
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        await engine.dispose()

    asyncio.run(build())
    return path


_pg_migrated = False


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def engine(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database of each kind."""
    global _pg_migrated
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        eng = create_engine(f"sqlite+aiosqlite:///{path}")
    else:
        if not POSTGRES_URL:
            pytest.skip("PostgreSQL not configured (SCHULDHULPBOT_TEST_POSTGRES_URL)")
        eng = create_engine(POSTGRES_URL)
        if not _pg_migrated:
            await upgrade(eng)
            _pg_migrated = True
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        async with eng.begin() as conn:
            # the audit log refuses TRUNCATE; a throwaway test database lifts that for the reset
            await conn.execute(text("SET LOCAL session_replication_role = replica"))
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield eng
    await eng.dispose()


@pytest_asyncio.fixture
async def sessionmaker(engine: AsyncEngine, config: AppConfig) -> async_sessionmaker[AsyncSession]:
    maker = create_sessionmaker(engine)
    async with maker() as session:
        await sync_wijkteams(session, config)
    return maker


@pytest_asyncio.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as s:
        yield s


@dataclass
class People:
    """Registered users by role, with their Telegram ids."""

    partner: User
    partner_vlijmen: User
    klantmanager: User
    budgetcoach: User
    klantmanager_vlijmen: User
    teamleider: User
    beheerder: User


async def make_user(
    session: AsyncSession,
    deps: Deps,
    telegram_id: int,
    role: str,
    wijkteam: str | None,
    name: str,
    *,
    beheerder: bool = False,
) -> User:
    """Register through the real invite flow."""
    from bot.services.users import create_invite, register
    from bot.vocabulary import Role

    invite = await create_invite(
        session, deps, role=Role(role), wijkteam=wijkteam, display_name=name, beheerder=beheerder
    )
    return await register(session, deps, telegram_id, invite.code, fallback_name=name)


@pytest_asyncio.fixture
async def people(sessionmaker: async_sessionmaker[AsyncSession], deps: Deps) -> People:
    # Own session: a rollback in the test's session must not expire these objects.
    async with sessionmaker() as session:
        return await _people(session, deps)


async def _people(session: AsyncSession, deps: Deps) -> People:
    return People(
        partner=await make_user(session, deps, 1001, "partner", "drunen", "Pien Partner"),
        partner_vlijmen=await make_user(session, deps, 1002, "partner", "vlijmen", "Vera Vlijmen"),
        klantmanager=await make_user(session, deps, 2001, "klantmanager", "drunen", "Karel KM"),
        budgetcoach=await make_user(session, deps, 2002, "budgetcoach", "drunen", "Bea BC"),
        klantmanager_vlijmen=await make_user(session, deps, 2003, "klantmanager", "vlijmen", "Kees KM"),
        teamleider=await make_user(session, deps, 3001, "teamleider", None, "Tineke TL"),
        beheerder=await make_user(session, deps, 4001, "beheerder", None, "Ben Beheer"),
    )


@pytest_asyncio.fixture
async def rostered(session: AsyncSession, deps: Deps, people: People) -> People:
    """The klantmanager on duty in Drunen every weekday."""
    from bot.services import roster

    for weekday in range(5):
        await roster.set_weekly_duty(
            session,
            deps,
            people.teamleider.telegram_id,
            wijkteam="drunen",
            weekday=weekday,
            user_id=people.klantmanager.id,
            on_duty=True,
        )
    return people


from tests.localapi import local_api  # noqa: E402, F401 (fixtures for the real-process tests)
