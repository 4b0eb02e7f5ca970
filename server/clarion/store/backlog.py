"""Deliveries held back by a provider rate limit: handed back to the queue, and counted.

A dispatcher that claimed more deliveries for a rate-limited credential than it may send
within a fraction of its lease gives the rest back (`defer`): QUEUED again, due when the
limit will have room, the claim's attempt not counted and no receipt written (nothing was
attempted). Only their TTL can still expire them. `pending` counts what each credential
still has to deliver, for the backlog metric.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from clarion.domain.deliveries import DeliveryStatus
from clarion.store.schema import deliveries


@dataclass(frozen=True, slots=True)
class Deferral:
    """One claimed delivery to give back, due again at `due_at`."""

    send_id: str
    device_id: str
    due_at: datetime


class Backlog:
    """Deferring claimed deliveries, and counting pending ones per credential."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def defer(self, lease_id: str, items: Sequence[Deferral], now: datetime) -> int:
        """Give claimed deliveries back to the queue, only where `lease_id` still holds."""
        if not items:
            return 0
        d = deliveries.c
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(deliveries)
                .where(
                    d.send_id == bindparam("k_send"),
                    d.device_id == bindparam("k_device"),
                    d.lease == lease_id,
                )
                .values(
                    status=str(DeliveryStatus.QUEUED),
                    due_at=bindparam("v_due"),
                    lease=None,
                    attempts=d.attempts - 1,
                    updated_at=now,
                ),
                [{"k_send": i.send_id, "k_device": i.device_id, "v_due": i.due_at} for i in items],
            )
        return int(result.rowcount)

    async def pending(self, providers: Collection[str]) -> dict[tuple[str, str], int]:
        """Pending deliveries (queued, retrying or in flight) per (app, provider)."""
        if not providers:
            return {}
        d = deliveries.c
        query = (
            select(d.app_id, d.provider, func.count())
            .where(d.due_at.is_not(None), d.provider.in_(sorted(providers)))
            .group_by(d.app_id, d.provider)
        )
        async with self._engine.connect() as conn:
            return {(r[0], r[1]): int(r[2]) for r in await conn.execute(query)}
