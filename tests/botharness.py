"""Running the real Application against the fake Bot API, with people who joined by invite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import update
from telegram.ext import Application

from bot.config import AppConfig
from bot.models import RosterEntry
from bot.services import roster, users
from bot.services.common import Deps
from bot.settings import Settings
from bot.vocabulary import Role
from handlers.app import build_application
from handlers.runtime import Runtime, runtime
from tests.conftest import FakeClock
from tests.fakebot import Client, FakeTelegram


@dataclass
class Bot:
    app: Application  # type: ignore[type-arg]
    fake: FakeTelegram
    clock: FakeClock

    @property
    def rt(self) -> Runtime:
        return self.app.bot_data["runtime"]  # type: ignore[no-any-return]

    @property
    def deps(self) -> Deps:
        return self.rt.deps

    async def invite(self, role: Role, wijkteam: str | None = None, name: str | None = None) -> str:
        async with self.rt.sessionmaker() as session:
            return (
                await users.create_invite(session, self.deps, role=role, wijkteam=wijkteam, display_name=name)
            ).code

    async def join(self, user_id: int, role: Role, wijkteam: str | None, name: str) -> Client:
        """A person who joins with an invite code through /start."""
        client = Client(self.app, self.fake, user_id, name.split()[0])
        code = await self.invite(role, wijkteam, name)
        replies = await client.send(f"/start {code}")
        assert any("Welkom" in r.text for r in replies), [r.text for r in replies]
        return client

    async def rooster(self, leader: Client, user_id: int, wijkteam: str, weekday: int) -> None:
        async with self.rt.sessionmaker() as session:
            async with self.rt.sessionmaker() as s2:
                user = await users.get_user(s2, user_id)
            assert user is not None
            await roster.set_weekly_duty(
                session,
                self.deps,
                leader.user_id,
                wijkteam=wijkteam,
                weekday=weekday,
                user_id=user.id,
                on_duty=True,
            )
            # the test's roster was there before the test's week began
            await session.execute(update(RosterEntry).values(vanaf=None))
            await session.commit()


@asynccontextmanager
async def running_bot(
    tmp_path: Path,
    clock: FakeClock,
    config: AppConfig | None = None,
    *,
    schedule_reminders: bool = False,
    rate_limit: bool = False,
    database_url: str | None = None,
) -> AsyncIterator[Bot]:
    """Build, initialise and post-initialise the Application (on a SQLite file in tmp_path, or
    on `database_url`); shut it down afterwards."""
    fake = FakeTelegram()
    settings = Settings(
        token="123456:TEST-TOKEN",
        database_url=database_url or f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        config=None,
        api_base_url=None,
    )
    app = build_application(
        settings,
        config,
        request=fake,
        clock=clock,
        rate_limit=rate_limit,
        schedule_reminders=schedule_reminders,
    )
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    await app.start()  # runs the JobQueue (conversation timeouts); updates come via process_update
    try:
        yield Bot(app, fake, clock)
    finally:
        await app.stop()
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)


__all__ = ["Bot", "running_bot", "runtime"]
