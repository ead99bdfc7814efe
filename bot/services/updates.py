"""Each Telegram update handled once, also when Telegram delivers it again.

Telegram counts an update as received only when the next getUpdates asks past it (or the webhook
answered 200). A process that handled an update and died before that gets it again after a restart,
or its standby does; without this table a melding confirmed just before a crash could become two
dossiers. The update_id is written before the update is handled: one that is taken on and then
lost in a crash is not handled again (it never got an answer either).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import SeenUpdate
from bot.services.common import Deps

KEEP = timedelta(days=2)  # Telegram keeps an unconfirmed update for 24 hours


async def first_time(session: AsyncSession, deps: Deps, update_id: int) -> bool:
    """Record the update; False when it was taken on before."""
    session.add(SeenUpdate(update_id=update_id, at=deps.now()))
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        return False
    return True


async def purge_seen(session: AsyncSession, deps: Deps) -> int:
    """Forget updates older than KEEP (idempotent)."""
    result = await session.execute(delete(SeenUpdate).where(SeenUpdate.at < deps.now() - KEEP))
    await session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
