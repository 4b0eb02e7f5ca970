"""Delivery statistics and health of one app, aggregated in the database.

Deliveries are counted by their current status and grouped by when they were created
(the window's deliveries); attempts per minute come from the receipt log (each provider
answer appends one receipt: SENT, RETRYING, FAILED or INVALID_TOKEN).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from clarion.domain.deliveries import DeliveryCounts, DeliveryStatus
from clarion.store.apps import require_app
from clarion.store.schema import deliveries, receipts

FAILED: Final = (str(DeliveryStatus.FAILED), str(DeliveryStatus.INVALID_TOKEN))
ACCEPTED_BY_PROVIDER: Final = tuple(
    str(s)
    for s in (
        DeliveryStatus.SENT,
        DeliveryStatus.DELIVERED,
        DeliveryStatus.OPENED,
        DeliveryStatus.CLICKED,
    )
)
ATTEMPT_OUTCOMES: Final = (*FAILED, str(DeliveryStatus.SENT), str(DeliveryStatus.RETRYING))
TOP_USERS: Final = 10
RECENT_FAILURES: Final = 10
HEALTH_WINDOW: Final = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class FailureCount:
    """Failures of one reason at one provider."""

    reason: str
    provider: str
    count: int


@dataclass(frozen=True, slots=True)
class ProviderSuccess:
    """Deliveries a provider accepted and failed."""

    provider: str
    sent: int
    failed: int

    @property
    def success_rate(self) -> float:
        """sent / (sent + failed), 0 when there were none."""
        total = self.sent + self.failed
        return self.sent / total if total else 0.0


@dataclass(frozen=True, slots=True)
class Stats:
    """GetStats over a window."""

    by_status: dict[DeliveryStatus, int]
    failures: list[FailureCount]
    providers: list[ProviderSuccess]
    attempts_per_minute: list[tuple[datetime, int]]
    top_users: list[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class RecentFailure:
    """One failed delivery as last recorded."""

    send_id: str
    device_id: str
    provider: str
    reason: str
    provider_code: str
    time: datetime


@dataclass(frozen=True, slots=True)
class Health:
    """GetDeliveryHealth."""

    top_failures: list[FailureCount]
    recent_failures: list[RecentFailure]
    queue_depth: int
    counts_7d: DeliveryCounts


def _minute(conn: AsyncConnection, column: Any) -> Any:
    """The start of a timestamp's minute, as text both databases sort and parse alike."""
    if conn.dialect.name == "postgresql":
        return func.to_char(func.date_trunc("minute", column), "YYYY-MM-DD HH24:MI")
    return func.strftime("%Y-%m-%d %H:%M", column)


def _parse_minute(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


async def _failures(conn: AsyncConnection, where: list[Any]) -> list[FailureCount]:
    d = deliveries.c
    count = func.count().label("n")
    rows = await conn.execute(
        select(d.reason, d.provider, count)
        .where(*where, d.status.in_(FAILED))
        .group_by(d.reason, d.provider)
        .order_by(count.desc(), d.reason, d.provider)
    )
    return [FailureCount(r.reason, r.provider, int(r.n)) for r in rows]


class StatsStore:
    """Aggregates over an app's deliveries and receipts."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def stats(self, app_id: str, start: datetime, end: datetime) -> Stats:
        """Deliveries created in [start, end) and attempts made in it."""
        d, r = deliveries.c, receipts.c
        window = [d.app_id == app_id, d.created_at >= start, d.created_at < end]
        async with self._engine.connect() as conn:
            await require_app(conn, app_id)
            by_status = {
                DeliveryStatus(row.status): int(row.n)
                for row in await conn.execute(
                    select(d.status, func.count().label("n")).where(*window).group_by(d.status)
                )
            }
            failures = await _failures(conn, window)
            per_provider: dict[str, list[int]] = {}
            for row in await conn.execute(
                select(d.provider, d.status, func.count().label("n"))
                .where(*window, d.status.in_((*ACCEPTED_BY_PROVIDER, *FAILED)))
                .group_by(d.provider, d.status)
            ):
                counts = per_provider.setdefault(row.provider, [0, 0])
                counts[0 if row.status in ACCEPTED_BY_PROVIDER else 1] += int(row.n)
            minute = _minute(conn, r.time).label("minute")
            attempts = [
                (
                    datetime.strptime(row.minute, "%Y-%m-%d %H:%M").replace(tzinfo=start.tzinfo),
                    int(row.n),
                )
                for row in await conn.execute(
                    select(minute, func.count().label("n"))
                    .where(
                        r.app_id == app_id,
                        r.time >= start,
                        r.time < end,
                        r.status.in_(ATTEMPT_OUTCOMES),
                    )
                    .group_by(minute)
                    .order_by(minute)
                )
            ]
            count = func.count().label("n")
            users = [
                (row.user_id, int(row.n))
                for row in await conn.execute(
                    select(d.user_id, count)
                    .where(*window, d.user_id.is_not(None))
                    .group_by(d.user_id)
                    .order_by(count.desc(), d.user_id)
                    .limit(TOP_USERS)
                )
            ]
        return Stats(
            by_status=by_status,
            failures=failures,
            providers=[ProviderSuccess(p, s, f) for p, (s, f) in sorted(per_provider.items())],
            attempts_per_minute=attempts,
            top_users=users,
        )

    async def health(self, app_id: str, now: datetime) -> Health:
        """Failures of the last 7 days, the last 10 failures, what waits now."""
        d = deliveries.c
        recent = [d.app_id == app_id, d.updated_at >= now - HEALTH_WINDOW]
        async with self._engine.connect() as conn:
            await require_app(conn, app_id)
            top = await _failures(conn, recent)
            last = [
                RecentFailure(
                    row.send_id,
                    row.device_id,
                    row.provider,
                    row.reason,
                    row.provider_code,
                    row.updated_at,
                )
                for row in await conn.execute(
                    select(
                        d.send_id, d.device_id, d.provider, d.reason, d.provider_code, d.updated_at
                    )
                    .where(d.app_id == app_id, d.status.in_(FAILED))
                    .order_by(d.updated_at.desc(), d.send_id.desc(), d.device_id)
                    .limit(RECENT_FAILURES)
                )
            ]
            depth = await conn.scalar(
                select(func.count()).where(
                    d.app_id == app_id, d.due_at <= now, d.status != str(DeliveryStatus.SENDING)
                )
            )
            by_status = {
                DeliveryStatus(row.status): int(row.n)
                for row in await conn.execute(
                    select(d.status, func.count().label("n"))
                    .where(d.app_id == app_id, d.created_at >= now - HEALTH_WINDOW)
                    .group_by(d.status)
                )
            }
        return Health(top, last, int(depth or 0), DeliveryCounts.of(by_status))
