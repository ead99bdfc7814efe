"""The audit log as a hash chain: every row stores the hash of its content and of the row before
it, so a row changed, inserted or removed with database-owner rights breaks the chain from there
on (`schuldhulpbot audit controleer` finds the first broken row). Plain Python."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def row_hash(previous: str, row: Mapping[str, Any]) -> str:
    """sha256 of the previous hash and the row's content (its id excluded: the database gives it)."""
    content = {
        k: _canonical(row.get(k)) for k in ("at", "actor_id", "action", "dossier_id", "vraag_id", "details")
    }
    data = previous + json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(data.encode()).hexdigest()


def chain(previous: str, rows: Iterable[dict[str, Any]]) -> str:
    """Fill in each row's hash, in order; the last hash is the new head."""
    for row in rows:
        row["hash"] = previous = row_hash(previous, row)
    return previous


@dataclass(frozen=True)
class Check:
    rows: int
    broken_at: int | None  # the id of the first row whose hash does not follow

    @property
    def ok(self) -> bool:
        return self.broken_at is None
