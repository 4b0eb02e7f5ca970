"""The durable delivery queue: claim due deliveries under a lease, settle them in batches.

A claim is one statement: `UPDATE ... WHERE (send, device) IN (SELECT ... ORDER BY due_at
LIMIT n FOR UPDATE SKIP LOCKED) RETURNING ...` (SQLite serialises writers, so the same
statement without SKIP LOCKED is atomic there). Claimed deliveries become SENDING, carry
the claim's lease id, and are due again at the end of the lease: if the dispatcher dies,
they come due by themselves and another claim takes them. Results are written only for
deliveries still holding the writer's lease, so a dispatcher that lost its lease (it
stalled past the lease and another took over) cannot overwrite the newer attempt. On
Postgres a batch's results are one UPDATE joined to the unnested result arrays, fenced
by the lease in its WHERE clause; SQLite takes its write lock first, then updates each.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import String, bindparam, column, func, select, tuple_, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from clarion.domain.deliveries import DeliveryStatus, Transition
from clarion.domain.device_rules import Provider
from clarion.domain.devices import DeviceStatus
from clarion.store import receipts as log
from clarion.store.ids import new_id
from clarion.store.schema import UtcDateTime, credentials, deliveries, devices, one_of, sends
from clarion.store.sends import mark_complete
from clarion.store.signals import Signals


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery a dispatcher holds: what it needs to send it and record the result."""

    app_id: str
    send_id: str
    device_id: str
    user_id: str | None
    provider: str
    attempt: int  # this attempt's number (1 for the first)
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Recipient:
    """A device as the dispatcher needs it: status, routing and the sealed token."""

    id: str
    status: DeviceStatus
    provider: Provider
    token_ciphertext: bytes
    locale: str
    apns_environment: str | None


@dataclass(frozen=True, slots=True)
class Settled:
    """One delivery's result for `DeliveryQueue.settle`."""

    delivery: Claimed
    transition: Transition


@dataclass(frozen=True, slots=True)
class QueueStats:
    """How far behind the queue is."""

    due: int
    oldest_due_at: datetime | None


def _result_values(s: Settled) -> dict[str, Any]:
    t = s.transition
    return {
        "k_send": s.delivery.send_id,
        "k_device": s.delivery.device_id,
        "v_status": str(t.status),
        "v_reason": t.reason,
        "v_code": t.provider_code[:128],
        "v_mid": t.provider_message_id[:256],
        "v_due": t.due_at,
    }


_RESULT_COLUMNS: Final = (
    ("k_send", String()),
    ("k_device", String()),
    ("v_status", String()),
    ("v_reason", String()),
    ("v_code", String()),
    ("v_mid", String()),
    ("v_due", UtcDateTime()),
)


@functools.cache
def _settle_postgres() -> Any:
    """One UPDATE for a whole batch: the results arrive as parallel arrays, unnested into
    rows and joined on (send, device); only rows still under the lease are written."""
    d = deliveries.c
    v = (
        func.unnest(*(bindparam(name, type_=postgresql.ARRAY(t)) for name, t in _RESULT_COLUMNS))
        .table_valued(*(column(name, t) for name, t in _RESULT_COLUMNS))
        .render_derived(name="v")
    )
    return (
        update(deliveries)
        .where(
            d.send_id == v.c.k_send,
            d.device_id == v.c.k_device,
            d.lease == bindparam("held_by"),
        )
        .values(
            status=v.c.v_status,
            reason=v.c.v_reason,
            provider_code=v.c.v_code,
            provider_message_id=v.c.v_mid,
            due_at=v.c.v_due,
            lease=None,
            updated_at=bindparam("now", type_=UtcDateTime()),
        )
        .returning(d.send_id, d.device_id)
    )


async def _write_results_postgres(
    conn: AsyncConnection, lease_id: str, results: Sequence[Settled], now: datetime
) -> list[Settled]:
    """Write the results still under `lease_id` in one statement; returns those written."""
    rows = [_result_values(s) for s in results]
    params: dict[str, Any] = {name: [r[name] for r in rows] for name, _ in _RESULT_COLUMNS}
    written = await conn.execute(_settle_postgres(), {**params, "held_by": lease_id, "now": now})
    held = {(r.send_id, r.device_id) for r in written}
    return [s for s in results if (s.delivery.send_id, s.delivery.device_id) in held]


async def _write_results_portable(
    conn: AsyncConnection, lease_id: str, results: Sequence[Settled], now: datetime
) -> list[Settled]:
    """Learn what `lease_id` still holds, then write those results (one UPDATE each).

    SQLite must write first, so the transaction holds the write lock before it reads (a
    deferred read-then-write fails at once if another process committed in between).
    """
    d = deliveries.c
    held_rows = (
        update(deliveries)
        .where(d.lease == lease_id)
        .values(updated_at=now)
        .returning(d.send_id, d.device_id)
    )
    held = {(r.send_id, r.device_id) for r in await conn.execute(held_rows)}
    mine = [s for s in results if (s.delivery.send_id, s.delivery.device_id) in held]
    if mine:
        await conn.execute(
            update(deliveries)
            .where(d.send_id == bindparam("k_send"), d.device_id == bindparam("k_device"))
            .values(
                status=bindparam("v_status"),
                reason=bindparam("v_reason"),
                provider_code=bindparam("v_code"),
                provider_message_id=bindparam("v_mid"),
                due_at=bindparam("v_due"),
                lease=None,
                updated_at=now,
            ),
            [_result_values(s) for s in mine],
        )
    return mine


class DeliveryQueue:
    """Claiming and settling deliveries."""

    def __init__(self, engine: AsyncEngine, signals: Signals) -> None:
        self._engine = engine
        self._signals = signals

    async def claim(self, limit: int, lease: timedelta, now: datetime) -> tuple[str, list[Claimed]]:
        """Take up to `limit` due deliveries under a new lease; returns (lease id, claimed)."""
        d = deliveries.c
        lease_id = new_id()
        due = select(d.send_id, d.device_id).where(d.due_at <= now).order_by(d.due_at).limit(limit)
        if self._engine.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        stmt = (
            update(deliveries)
            .where(tuple_(d.send_id, d.device_id).in_(due))
            .values(
                status=str(DeliveryStatus.SENDING),
                lease=lease_id,
                due_at=now + lease,
                attempts=d.attempts + 1,
                updated_at=now,
            )
            .returning(
                d.app_id, d.send_id, d.device_id, d.user_id, d.provider, d.attempts, d.expires_at
            )
        )
        async with self._engine.begin() as conn:
            rows = (await conn.execute(stmt)).all()
        claimed = [
            Claimed(
                app_id=r.app_id,
                send_id=r.send_id,
                device_id=r.device_id,
                user_id=r.user_id,
                provider=r.provider,
                attempt=r.attempts,
                expires_at=r.expires_at,
            )
            for r in rows
        ]
        return lease_id, claimed

    async def recipients(self, device_ids: Sequence[str]) -> dict[str, Recipient]:
        """The devices of claimed deliveries, by id (absent when deleted since)."""
        if not device_ids:
            return {}
        dv = devices.c
        query = select(
            dv.id, dv.status, dv.provider, dv.token_ciphertext, dv.locale, dv.apns_environment
        ).where(one_of(dv.id, device_ids, self._engine.dialect.name))
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return {
            r.id: Recipient(
                id=r.id,
                status=DeviceStatus(r.status),
                provider=Provider(r.provider),
                token_ciphertext=bytes(r.token_ciphertext),
                locale=r.locale,
                apns_environment=r.apns_environment,
            )
            for r in rows
        }

    async def notifications(self, send_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The stored notification of each send."""
        if not send_ids:
            return {}
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(sends.c.id, sends.c.notification).where(
                    one_of(sends.c.id, send_ids, self._engine.dialect.name)
                )
            )
            return {r.id: dict(r.notification) for r in rows}

    async def settle(self, lease_id: str, results: Sequence[Settled], now: datetime) -> int:
        """Write results (only where `lease_id` still holds), receipts, device invalidations,
        credential errors and send completion, in one transaction. Returns how many
        deliveries were settled (fewer than given when a lease was lost)."""
        if not results:
            return 0
        async with self._engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                mine = await _write_results_postgres(conn, lease_id, results, now)
            else:
                mine = await _write_results_portable(conn, lease_id, results, now)
            if not mine:
                return 0
            invalid = sorted({s.delivery.device_id for s in mine if s.transition.invalidate_device})
            if invalid:
                await conn.execute(
                    update(devices)
                    .where(
                        devices.c.id.in_(invalid),
                        devices.c.status == str(DeviceStatus.ACTIVE),
                    )
                    .values(
                        status=str(DeviceStatus.INVALID),
                        status_reason="the provider rejected the token",
                        updated_at=now,
                    )
                )
            failing: dict[tuple[str, str], str] = {}
            for s in mine:
                if s.transition.credential_error:
                    failing[(s.delivery.app_id, s.delivery.provider)] = (
                        s.transition.credential_error
                    )
            for (app_id, provider), detail in sorted(failing.items()):
                await conn.execute(
                    update(credentials)
                    .where(credentials.c.app_id == app_id, credentials.c.provider == provider)
                    .values(last_error=detail[:1000], last_error_at=now)
                )
            by_app: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for s in mine:
                c, t = s.delivery, s.transition
                if t.status is DeliveryStatus.SENDING:
                    continue
                by_app[c.app_id].append(
                    log.receipt_row(
                        send_id=c.send_id,
                        device_id=c.device_id,
                        user_id=c.user_id,
                        provider=c.provider,
                        status=t.status,
                        time=now,
                        attempt=c.attempt,
                        reason=t.reason,
                        provider_code=t.provider_code,
                    )
                )
            # Cursor rows are locked last and in app order: short holds, no deadlocks.
            last: dict[str, int] = {}
            for app_id in sorted(by_app):
                last[app_id] = await log.append(conn, app_id, by_app[app_id])
        # Completion is checked after the commit, in its own statement: two batches settling
        # the last deliveries of one send concurrently each see the other's rows as pending
        # inside their own transactions, but whichever checks last sees both committed.
        async with self._engine.begin() as conn:
            await mark_complete(conn, [s.delivery.send_id for s in mine], now)
        for app_id, cursor in last.items():
            self._signals.receipts_appended(app_id, cursor)
        if any(s.transition.status is DeliveryStatus.RETRYING for s in mine):
            self._signals.queue_changed()
        return len(mine)

    async def stats(self, now: datetime) -> QueueStats:
        """Deliveries due now (not leased) and the oldest due time."""
        d = deliveries.c
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(func.count(), func.min(d.due_at)).where(
                        d.due_at <= now, d.status != str(DeliveryStatus.SENDING)
                    )
                )
            ).one()
        return QueueStats(int(row[0]), row[1])

    async def mark_credential_used(self, app_id: str, provider: str, now: datetime) -> None:
        """Record that a credential was used (at most what the caller throttles to)."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(credentials)
                .where(credentials.c.app_id == app_id, credentials.c.provider == provider)
                .values(last_used_at=now)
            )
