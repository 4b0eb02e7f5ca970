"""Categories: an app's kinds of notification and their delivery rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, delete, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from clarion.domain.categories import Category, CategoryAction
from clarion.domain.errors import AlreadyExists, NotFound
from clarion.domain.push import InterruptionLevel, Priority
from clarion.store.apps import require_app
from clarion.store.clock import utcnow
from clarion.store.schema import categories


@dataclass(frozen=True, slots=True)
class CategoryRecord:
    """A stored category with its timestamps."""

    category: Category
    created_at: datetime
    updated_at: datetime


def _columns(c: Category) -> dict[str, Any]:
    return {
        "display_name": c.display_name,
        "priority": str(c.priority) if c.priority else "",
        "ttl_seconds": None if c.ttl is None else int(c.ttl.total_seconds()),
        "respects_quiet_hours": c.respects_quiet_hours,
        "interruption_level": str(c.interruption_level) if c.interruption_level else "",
        "sound": c.sound,
        "actions": [{"id": a.id, "title": a.title} for a in c.actions],
        "critical": c.critical,
    }


def category_of(row: Row[Any]) -> Category:
    """The domain category a row holds."""
    m = row._mapping
    return Category(
        key=m["key"],
        display_name=m["display_name"],
        priority=Priority(m["priority"]) if m["priority"] else None,
        ttl=None if m["ttl_seconds"] is None else timedelta(seconds=m["ttl_seconds"]),
        respects_quiet_hours=m["respects_quiet_hours"],
        interruption_level=(
            InterruptionLevel(m["interruption_level"]) if m["interruption_level"] else None
        ),
        sound=m["sound"],
        actions=tuple(CategoryAction(a["id"], a["title"]) for a in m["actions"]),
        critical=m["critical"],
    )


def _record(row: Row[Any]) -> CategoryRecord:
    return CategoryRecord(category_of(row), row.created_at, row.updated_at)


def _not_found(app_id: str, key: str) -> NotFound:
    return NotFound(f"apps/{app_id}/categories/{key}", reason="CATEGORY_NOT_FOUND")


async def load_categories(
    conn: AsyncConnection, wanted: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Category]:
    """The categories named by (app id, key), in one query; missing ones are absent."""
    pairs = sorted(set(wanted))
    if not pairs:
        return {}
    c = categories.c
    rows = await conn.execute(select(categories).where(tuple_(c.app_id, c.key).in_(pairs)))
    return {(r.app_id, r.key): category_of(r) for r in rows}


class CategoryStore:
    """Creating, listing, changing and deleting categories."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def create(self, app_id: str, category: Category) -> CategoryRecord:
        """Insert; ALREADY_EXISTS (`CATEGORY_EXISTS`) when the key is taken."""
        now = utcnow()
        try:
            async with self._engine.begin() as conn:
                await require_app(conn, app_id)
                await conn.execute(
                    insert(categories).values(
                        app_id=app_id,
                        key=category.key,
                        created_at=now,
                        updated_at=now,
                        **_columns(category),
                    )
                )
        except IntegrityError as exc:
            raise AlreadyExists(
                f"apps/{app_id}/categories/{category.key} already exists",
                reason="CATEGORY_EXISTS",
            ) from exc
        return CategoryRecord(category, now, now)

    async def get(self, app_id: str, key: str) -> CategoryRecord:
        """One category; NOT_FOUND when missing."""
        async with self._engine.connect() as conn:
            await require_app(conn, app_id)
            row = (
                await conn.execute(
                    select(categories).where(categories.c.app_id == app_id, categories.c.key == key)
                )
            ).first()
        if row is None:
            raise _not_found(app_id, key)
        return _record(row)

    async def find(self, app_id: str, key: str) -> Category | None:
        """The category if the app has one by that key (a send's category)."""
        async with self._engine.connect() as conn:
            return (await load_categories(conn, [(app_id, key)])).get((app_id, key))

    async def list(self, app_id: str) -> list[CategoryRecord]:
        """The app's categories by key."""
        async with self._engine.connect() as conn:
            await require_app(conn, app_id)
            rows = await conn.execute(
                select(categories).where(categories.c.app_id == app_id).order_by(categories.c.key)
            )
            return [_record(r) for r in rows]

    async def put(self, app_id: str, category: Category) -> CategoryRecord:
        """Replace a category's rules; NOT_FOUND when missing."""
        now = utcnow()
        c = categories.c
        async with self._engine.begin() as conn:
            await require_app(conn, app_id)
            row = (
                await conn.execute(
                    update(categories)
                    .where(c.app_id == app_id, c.key == category.key)
                    .values(updated_at=now, **_columns(category))
                    .returning(c.created_at)
                )
            ).first()
        if row is None:
            raise _not_found(app_id, category.key)
        return CategoryRecord(category, row.created_at, now)

    async def delete(self, app_id: str, key: str) -> None:
        """Delete; NOT_FOUND when missing. Sends already accepted keep their category's
        rules (they were applied when the send was accepted)."""
        c = categories.c
        async with self._engine.begin() as conn:
            await require_app(conn, app_id)
            gone = await conn.execute(
                delete(categories).where(c.app_id == app_id, c.key == key).returning(c.key)
            )
            if gone.first() is None:
                raise _not_found(app_id, key)
