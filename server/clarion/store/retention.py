"""Retention: what the daily sweep removes, per app, under the app's policy.

- devices not seen (`last_seen_at`) for `stale_device_retention` (default 90 days), with
  their topics, exactly as `PurgeStaleDevices` removes them;
- receipts older than `receipt_retention` (default 30 days); `WatchReceipts` then answers
  `CURSOR_OUT_OF_RANGE` for a cursor before the first one retained;
- the policy's own bookkeeping: registrations older than an hour, frequency-cap events
  older than a day.

Each app that lost anything gets a `retention.sweep` audit entry by `system`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from clarion.domain.frequency import DAY, HOUR
from clarion.store import audit
from clarion.store.devices import DeviceStore
from clarion.store.policy import load_policy
from clarion.store.schema import apps, frequency_events, receipts, registrations


@dataclass(frozen=True, slots=True)
class Swept:
    """What one app's sweep removed."""

    app_id: str
    devices: int
    receipts: int


class RetentionStore:
    """The sweep's queries."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._devices = DeviceStore(engine)

    async def sweep(self, now: datetime) -> list[Swept]:
        """Apply every app's retention at `now`; returns the apps that lost anything."""
        async with self._engine.connect() as conn:
            app_ids = list(await conn.scalars(select(apps.c.id).order_by(apps.c.id)))
        swept = []
        for app_id in app_ids:
            result = await self._sweep_app(app_id, now)
            if result.devices or result.receipts:
                swept.append(result)
        return swept

    async def _sweep_app(self, app_id: str, now: datetime) -> Swept:
        async with self._engine.connect() as conn:
            policy = await load_policy(conn, app_id)
        removed_devices = await self._devices.purge_stale(
            app_id, now - policy.device_retention, dry_run=False
        )
        r = receipts.c
        old = (r.app_id == app_id, r.time < now - policy.receipts_kept)
        async with self._engine.begin() as conn:
            removed_receipts = int(
                await conn.scalar(select(func.count()).select_from(receipts).where(*old)) or 0
            )
            if removed_receipts:
                await conn.execute(delete(receipts).where(*old))
            await conn.execute(
                delete(registrations).where(
                    registrations.c.app_id == app_id, registrations.c.at <= now - HOUR
                )
            )
            await conn.execute(
                delete(frequency_events).where(
                    frequency_events.c.app_id == app_id, frequency_events.c.at <= now - DAY
                )
            )
            if removed_devices or removed_receipts:
                await audit.record_in(
                    conn,
                    audit.AuditEntry(
                        app_id,
                        audit.SYSTEM,
                        "retention.sweep",
                        f"apps/{app_id}",
                        {"devices": str(removed_devices), "receipts": str(removed_receipts)},
                    ),
                    now,
                )
        return Swept(app_id, removed_devices, removed_receipts)
