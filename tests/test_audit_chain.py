"""The audit log nobody can rewrite: no UPDATE, DELETE, INSERT OR REPLACE (SQLite) or TRUNCATE
(PostgreSQL), and a hash chain that finds a row changed or removed with the owner's rights
(service layer, SQLite and PostgreSQL; the command line on SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import AuditEntry
from bot.services import intake
from bot.services.auditlog import check_chain
from bot.services.common import Deps
from bot.vocabulary import Category
from tests.conftest import People


async def _some_history(session: AsyncSession, deps: Deps, people: People) -> int:
    await intake.create_melding(
        session,
        deps,
        people.partner.telegram_id,
        category=Category.NIEUWE_AANMELDING,
        meldingsdatum=deps.today(),
    )
    return int(await session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


async def _as_owner(session: AsyncSession, statement: str) -> None:
    """What someone with the database owner's rights can do: lift the guard and write."""
    if session.bind.dialect.name == "sqlite":
        await session.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        await session.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
    else:
        await session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
    await session.execute(text(statement))
    if session.bind.dialect.name != "sqlite":  # the PostgreSQL test database is shared: guard again
        await session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
    await session.commit()


async def test_the_chain_holds_for_what_the_services_write(
    session: AsyncSession, deps: Deps, people: People
) -> None:
    rows = await _some_history(session, deps, people)
    report = await check_chain(session)
    assert report.ok and report.check.rows == rows > 5


async def test_a_row_changed_with_owner_rights_is_found(
    session: AsyncSession, deps: Deps, people: People
) -> None:
    await _some_history(session, deps, people)
    victim = await session.scalar(select(AuditEntry.id).order_by(AuditEntry.id).offset(3).limit(1))
    await session.rollback()
    await _as_owner(session, f"UPDATE audit_log SET actor_id = NULL WHERE id = {victim}")
    report = await check_chain(session)
    assert report.check.broken_at == victim


async def test_a_removed_row_and_a_cut_off_tail_are_found(
    session: AsyncSession, deps: Deps, people: People
) -> None:
    await _some_history(session, deps, people)
    ids = list(await session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
    await session.rollback()
    await _as_owner(session, f"DELETE FROM audit_log WHERE id = {ids[2]}")
    assert (await check_chain(session)).check.broken_at == ids[3]
    await _as_owner(session, f"DELETE FROM audit_log WHERE id >= {ids[3]}")
    report = await check_chain(session)
    assert report.check.ok and not report.tail_ok and not report.ok


async def test_insert_or_replace_and_truncate_are_refused(
    session: AsyncSession, deps: Deps, people: People
) -> None:
    await _some_history(session, deps, people)
    first = await session.scalar(select(AuditEntry.id).order_by(AuditEntry.id).limit(1))
    if session.bind.dialect.name == "sqlite":
        statement = (
            "INSERT OR REPLACE INTO audit_log (id, at, action, details) "
            f"VALUES ({first}, '2026-01-01 00:00:00', 'x', '{{}}')"
        )
    else:
        statement = "TRUNCATE audit_log CASCADE"
    with pytest.raises((DBAPIError, IntegrityError)):
        await session.execute(text(statement))
    await session.rollback()
    assert (await check_chain(session)).ok


def test_audit_controleer_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    monkeypatch.setenv("SCHULDHULPBOT_DATABASE_URL", f"sqlite:///{tmp_path}/a.db")
    monkeypatch.delenv("SCHULDHULPBOT_CONFIG", raising=False)
    assert main(["invite", "--rol", "klantmanager"]) == 0
    assert main(["audit", "controleer"]) == 0
    assert "Het auditlog is ongeschonden: 1 regel." in capsys.readouterr().out


async def test_the_readme_bot_role_works_and_cannot_lift_the_guards(
    session: AsyncSession, deps: Deps, people: People
) -> None:
    """The README's PostgreSQL set-up, run as written: a bot role that owns nothing."""
    if session.bind.dialect.name != "postgresql":
        pytest.skip("roles and grants are PostgreSQL's")
    import os

    from bot.db import create_engine, create_sessionmaker
    from bot.services import users
    from bot.vocabulary import Role

    role = f"shb_bot_{os.getpid()}"
    for statement in (
        f"CREATE ROLE {role} LOGIN",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ):
        await session.execute(text(statement))
    await session.commit()
    bot_engine = create_engine(session.bind.url.set(username=role, password=None).render_as_string(False))
    try:
        async with create_sessionmaker(bot_engine)() as as_bot:
            invite = await users.create_invite(
                as_bot, deps, role=Role.KLANTMANAGER, actor_telegram_id=people.beheerder.telegram_id
            )
            assert invite.code
            await _some_history(as_bot, deps, people)
            assert (await check_chain(as_bot)).ok
            for refused in (
                "DELETE FROM audit_log",
                "UPDATE audit_log SET action = 'x'",
                "ALTER TABLE audit_log DISABLE TRIGGER USER",
            ):
                with pytest.raises(DBAPIError):
                    await as_bot.execute(text(refused))
                await as_bot.rollback()
    finally:
        await bot_engine.dispose()
        for statement in (f"DROP OWNED BY {role}", f"DROP ROLE {role}"):
            await session.execute(text(statement))
        await session.commit()
