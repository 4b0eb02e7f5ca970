"""Apps (tenants)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Row, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from clarion.domain.errors import AlreadyExists, FailedPrecondition, NotFound
from clarion.domain.quota import quota_day
from clarion.store.clock import utcnow
from clarion.store.schema import apps, daily_counts, devices


@dataclass(frozen=True, slots=True)
class AppRecord:
    """An app as stored, with its live device count."""

    id: str
    display_name: str
    disabled: bool
    created_at: datetime
    updated_at: datetime
    device_count: int = 0
    notifications_today: int = 0


def _record(row: Row[tuple[object, ...]], device_count: int = 0) -> AppRecord:
    m = row._mapping
    return AppRecord(
        id=m["id"],
        display_name=m["display_name"],
        disabled=m["disabled"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        device_count=device_count,
    )


def app_not_found(app_id: str) -> NotFound:
    """The NOT_FOUND (`APP_NOT_FOUND`) for an app that does not exist."""
    return NotFound(f"apps/{app_id}", reason="APP_NOT_FOUND")


def app_disabled(app_id: str, refused: str) -> FailedPrecondition:
    """The FAILED_PRECONDITION (`APP_DISABLED`) of a disabled app; `refused` names what it
    does not accept (`sends`, `registrations`)."""
    return FailedPrecondition(
        f"apps/{app_id} is disabled: it accepts no {refused}", reason="APP_DISABLED"
    )


async def require_app(conn: AsyncConnection, app_id: str) -> AppRecord:
    """The app, or NOT_FOUND (used by every app-scoped operation)."""
    row = (await conn.execute(select(apps).where(apps.c.id == app_id))).first()
    if row is None:
        raise app_not_found(app_id)
    return _record(row)


async def require_enabled_app(conn: AsyncConnection, app_id: str, refused: str) -> AppRecord:
    """The app, NOT_FOUND, or FAILED_PRECONDITION (`APP_DISABLED`) when it is disabled;
    `refused` names what a disabled app does not accept (`sends`, `registrations`)."""
    app = await require_app(conn, app_id)
    if app.disabled:
        raise app_disabled(app_id, refused)
    return app


class AppStore:
    """Queries on apps."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def create(self, app_id: str, display_name: str, disabled: bool) -> AppRecord:
        """Insert an app; ALREADY_EXISTS when the id is taken."""
        now = utcnow()
        try:
            async with self._engine.begin() as conn:
                await conn.execute(
                    insert(apps).values(
                        id=app_id,
                        display_name=display_name,
                        disabled=disabled,
                        created_at=now,
                        updated_at=now,
                    )
                )
        except IntegrityError as exc:
            raise AlreadyExists(f"apps/{app_id} already exists", reason="APP_EXISTS") from exc
        return AppRecord(app_id, display_name, disabled, now, now)

    async def get(self, app_id: str) -> AppRecord:
        """One app with its ACTIVE device count and today's notifications; NOT_FOUND when
        missing."""
        async with self._engine.connect() as conn:
            app = await require_app(conn, app_id)
            count = await conn.scalar(
                select(func.count())
                .select_from(devices)
                .where(devices.c.app_id == app_id, devices.c.status == "active")
            )
            today = await conn.scalar(
                select(daily_counts.c.notifications).where(
                    daily_counts.c.app_id == app_id, daily_counts.c.day == quota_day(utcnow())
                )
            )
        return replace(app, device_count=int(count or 0), notifications_today=int(today or 0))

    async def list(self, after: str | None, limit: int, only: str | None) -> list[AppRecord]:
        """Apps by id after `after`; `only` restricts to one app (app keys see their own)."""
        query = select(apps).order_by(apps.c.id).limit(limit)
        if after is not None:
            query = query.where(apps.c.id > after)
        if only is not None:
            query = query.where(apps.c.id == only)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_record(row) for row in rows]

    async def update(self, app_id: str, changes: dict[str, object]) -> AppRecord:
        """Apply {column: value}; NOT_FOUND when missing."""
        async with self._engine.begin() as conn:
            await require_app(conn, app_id)
            if changes:
                await conn.execute(
                    update(apps).where(apps.c.id == app_id).values(**changes, updated_at=utcnow())
                )
        return await self.get(app_id)

    async def delete(self, app_id: str) -> None:
        """Delete the app; everything it owns goes with it (foreign keys cascade)."""
        async with self._engine.begin() as conn:
            await require_app(conn, app_id)
            await conn.execute(delete(apps).where(apps.c.id == app_id))
