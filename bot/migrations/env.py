"""Alembic environment: runs on the connection bot.db hands it (async engines run it via run_sync)."""

from __future__ import annotations

from alembic import context

from bot.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `schuldhulpbot db upgrade`, which passes a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
