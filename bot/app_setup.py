"""Opening the database for a process: engine, migrations, wijkteams from the configuration."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import AppConfig
from bot.db import create_engine, create_sessionmaker, upgrade
from bot.services.users import sync_wijkteams
from bot.settings import Settings


async def open_database(
    settings: Settings, config: AppConfig
) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
    """Create the engine, apply migrations and bring the wijkteams in line with the config."""
    engine = create_engine(settings.database_url)
    await upgrade(engine)
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        await sync_wijkteams(session, config)
    return engine, sessionmaker
