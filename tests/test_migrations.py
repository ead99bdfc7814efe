"""The migrations build exactly the schema the models describe, and can be rolled back."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import alembic_config, current_revision
from bot.models import Base


async def test_models_match_the_migrated_schema(engine: AsyncEngine) -> None:
    def diff(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as conn:
        assert await conn.run_sync(diff) == []
    assert await current_revision(engine) == "0004"


async def test_downgrade_and_upgrade_again(engine: AsyncEngine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("the shared PostgreSQL test database stays at head for the other tests")

    def roundtrip(connection):  # type: ignore[no-untyped-def]
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "base")
        command.upgrade(cfg, "head")

    async with engine.begin() as conn:
        await conn.run_sync(roundtrip)
    assert await current_revision(engine) == "0004"
