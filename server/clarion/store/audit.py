"""The audit log: who (which API key) did what to which resource, and when.

Entries hold names, field names and outcomes, never a secret, a token or a notification's
text: the callers pass only those. `record_in` writes inside the caller's transaction (a
send's entry commits with the send); `AuditLog.record` in its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from clarion.store.apps import require_app
from clarion.store.clock import utcnow
from clarion.store.ids import new_id
from clarion.store.schema import audit_entries

SYSTEM = "system"  # the actor of Clarion's own jobs


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audited event."""

    app_id: str
    actor: str
    action: str
    resource: str
    details: Mapping[str, str] = field(default_factory=dict)
    id: str = ""
    time: datetime | None = None


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """ListAuditEntries filters."""

    action_prefix: str = ""
    actor: str = ""
    start: datetime | None = None
    end: datetime | None = None


def entry_row(entry: AuditEntry, now: datetime) -> dict[str, Any]:
    """`entry` as an audit_entries row, with a new id and every field cut to its column."""
    return {
        "id": new_id(),
        "app_id": entry.app_id,
        "time": now,
        "actor": entry.actor[:128],
        "action": entry.action[:64],
        "resource": entry.resource[:512],
        "details": {k: str(v)[:512] for k, v in entry.details.items()},
    }


async def record_in(conn: AsyncConnection, entry: AuditEntry, now: datetime) -> None:
    """Append `entry` within the caller's transaction."""
    await record_many(conn, [entry], now)


async def record_many(conn: AsyncConnection, entries: Sequence[AuditEntry], now: datetime) -> None:
    """Append `entries` within the caller's transaction, in one statement."""
    if entries:
        await conn.execute(insert(audit_entries), [entry_row(e, now) for e in entries])


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


class AuditLog:
    """Writing and listing audit entries."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def record(self, entry: AuditEntry) -> None:
        """Append one entry in its own transaction."""
        async with self._engine.begin() as conn:
            await record_in(conn, entry, utcnow())

    async def list(
        self, app_id: str, flt: AuditFilter, after: str | None, limit: int
    ) -> list[AuditEntry]:
        """Newest first, keyset-paged by id (ids are time-ordered)."""
        a = audit_entries.c
        query = select(audit_entries).where(a.app_id == app_id).order_by(a.id.desc()).limit(limit)
        if after is not None:
            query = query.where(a.id < after)
        if flt.action_prefix:
            query = query.where(a.action.like(_like_prefix(flt.action_prefix), escape="\\"))
        if flt.actor:
            query = query.where(a.actor == flt.actor)
        if flt.start is not None:
            query = query.where(a.time >= flt.start)
        if flt.end is not None:
            query = query.where(a.time < flt.end)
        async with self._engine.connect() as conn:
            await require_app(conn, app_id)
            rows = (await conn.execute(query)).all()
        return [_entry(r) for r in rows]


def _entry(row: Any) -> AuditEntry:
    m = row._mapping
    return AuditEntry(
        app_id=m["app_id"],
        actor=m["actor"],
        action=m["action"],
        resource=m["resource"],
        details=dict(m["details"] or {}),
        id=m["id"],
        time=m["time"],
    )
