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
