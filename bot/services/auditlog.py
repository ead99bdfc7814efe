"""Checking the audit log's hash chain (for `schuldhulpbot audit controleer`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.auditchain import GENESIS, Check, row_hash
from bot.models import AuditEntry, BotState
from bot.services.common import AUDIT_HEAD


@dataclass(frozen=True)
class ChainReport:
    check: Check
    tail_ok: bool  # the stored head is the last row's hash: no rows were cut off the end

    @property
    def ok(self) -> bool:
        return self.check.ok and self.tail_ok


async def _rows(session: AsyncSession) -> AsyncIterator[dict[str, Any]]:
    columns = (AuditEntry.id, AuditEntry.at, AuditEntry.actor_id, AuditEntry.action, AuditEntry.dossier_id)
    query = select(*columns, AuditEntry.vraag_id, AuditEntry.details, AuditEntry.hash).order_by(AuditEntry.id)
    result = await session.stream(query.execution_options(yield_per=5000))
    async for row in result.mappings():
        yield dict(row)


async def check_chain(session: AsyncSession) -> ChainReport:
    """Recompute every row's hash in id order; the first row that does not follow breaks it."""
    previous, count, broken = GENESIS, 0, None
    async for row in _rows(session):
        count += 1
        expected = row_hash(previous, row)
        if row["hash"] != expected:
            broken = int(row["id"])
            break
        previous = expected
    head = await session.get(BotState, AUDIT_HEAD)
    tail_ok = broken is not None or (head.value if head else GENESIS) == previous
    await session.rollback()
    return ChainReport(Check(count, broken), tail_ok)
