"""Expo push tickets: kept when Expo accepts a message, claimed by the receipt job, settled.

A ticket row exists per delivery Expo accepted (a resend after a lost lease replaces it).
The receipt job claims due tickets the way dispatchers claim deliveries: one statement that
moves `check_at` past a lease (`FOR UPDATE SKIP LOCKED` on Postgres), so several processes
never ask Expo for the same receipt at once, and a job that dies leaves tickets that come
due again by themselves. A receipt's result is written only to a delivery that is still
SENT with the same ticket id, so a late or repeated receipt never undoes a newer state.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, func, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from clarion.domain.deliveries import DeliveryStatus, Transition
from clarion.store import receipts as log
from clarion.store.queue import invalidate_devices, record_credential_errors
from clarion.store.schema import deliveries, expo_tickets, sends
from clarion.store.signals import Signals

EXPO = "expo"


@dataclass(frozen=True, slots=True)
class NewTicket:
    """A ticket Expo issued for one delivery."""

    app_id: str
    send_id: str
    device_id: str
    ticket_id: str


@dataclass(frozen=True, slots=True)
class Ticket:
    """A claimed ticket with what settling its delivery needs."""

    app_id: str
    send_id: str
    device_id: str
    ticket_id: str
    sent_at: datetime
    checks: int
    user_id: str | None
    attempt: int
    expires_at: datetime


class ExpoTickets:
    """The `expo_tickets` table."""

    def __init__(self, engine: AsyncEngine, signals: Signals) -> None:
        self._engine = engine
        self._signals = signals

    async def keep(self, tickets: Sequence[NewTicket], now: datetime, check_at: datetime) -> None:
        """Store tickets (replacing a delivery's earlier one), first checked at `check_at`."""
        if not tickets:
            return
        insert = (
            postgresql.insert(expo_tickets)
            if self._engine.dialect.name == "postgresql"
            else sqlite.insert(expo_tickets)
        )
        stmt = insert.on_conflict_do_update(
            index_elements=[expo_tickets.c.send_id, expo_tickets.c.device_id],
            set_={
                "ticket_id": insert.excluded.ticket_id,
                "sent_at": insert.excluded.sent_at,
                "check_at": insert.excluded.check_at,
                "checks": 0,
            },
        )
        async with self._engine.begin() as conn:
            await conn.execute(
                stmt,
                [
                    {
                        "send_id": t.send_id,
                        "device_id": t.device_id,
                        "app_id": t.app_id,
                        "ticket_id": t.ticket_id[:64],
                        "sent_at": now,
                        "check_at": check_at,
                        "checks": 0,
                    }
                    for t in tickets
                ],
            )

    async def claim(self, limit: int, lease: timedelta, now: datetime) -> list[Ticket]:
        """Take up to `limit` due tickets: none is due again before `now + lease`."""
        t = expo_tickets.c
        due = select(t.send_id, t.device_id).where(t.check_at <= now).order_by(t.check_at)
        due = due.limit(limit)
        if self._engine.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        stmt = (
            update(expo_tickets)
            .where(tuple_(t.send_id, t.device_id).in_(due))
            .values(check_at=now + lease, checks=t.checks + 1)
            .returning(t.app_id, t.send_id, t.device_id, t.ticket_id, t.sent_at, t.checks)
        )
        d = deliveries.c
        async with self._engine.begin() as conn:
            rows = (await conn.execute(stmt)).all()
            if not rows:
                return []
            keys = [(r.send_id, r.device_id) for r in rows]
            found = await conn.execute(
                select(d.send_id, d.device_id, d.user_id, d.attempts, d.expires_at).where(
                    tuple_(d.send_id, d.device_id).in_(keys)
                )
            )
            extra = {(r.send_id, r.device_id): r for r in found}
        claimed = []
        for r in rows:
            delivery = extra.get((r.send_id, r.device_id))
            if delivery is None:
                continue  # the send was deleted with its app; the cascade takes the ticket
            claimed.append(
                Ticket(
                    app_id=r.app_id,
                    send_id=r.send_id,
                    device_id=r.device_id,
                    ticket_id=r.ticket_id,
                    sent_at=r.sent_at,
                    checks=r.checks,
                    user_id=delivery.user_id,
                    attempt=delivery.attempts,
                    expires_at=delivery.expires_at,
                )
            )
        return claimed

    async def check_later(self, tickets: Sequence[Ticket], at: datetime) -> None:
        """Tickets whose receipt is not ready yet: ask again at `at`."""
        if not tickets:
            return
        t = expo_tickets.c
        async with self._engine.begin() as conn:
            await conn.execute(
                update(expo_tickets)
                .where(t.send_id == bindparam("k_send"), t.device_id == bindparam("k_device"))
                .values(check_at=at),
                [{"k_send": k.send_id, "k_device": k.device_id} for k in tickets],
            )

    async def forget(self, tickets: Sequence[Ticket]) -> None:
        """Drop tickets without a result (their receipt never came; the delivery stays SENT)."""
        if not tickets:
            return
        t = expo_tickets.c
        async with self._engine.begin() as conn:
            await conn.execute(
                delete(expo_tickets).where(
                    tuple_(t.send_id, t.device_id).in_([(k.send_id, k.device_id) for k in tickets])
                )
            )

    async def settle(self, results: Sequence[tuple[Ticket, Transition]], now: datetime) -> int:
        """Apply receipts to their deliveries and drop the tickets, in one transaction.

        Only deliveries still SENT under the same ticket change; for each, a receipt is
        appended, a dead device marked INVALID, a credential's error recorded, and a send
        whose delivery goes back to RETRYING is open again. Returns how many changed.
        """
        if not results:
            return 0
        d = deliveries.c
        keys = [(k.send_id, k.device_id) for k, _ in results]
        async with self._engine.begin() as conn:
            # The tickets go whatever their receipts say. Deleting them first also makes
            # SQLite take its write lock before the read below (a read-then-write
            # transaction fails at once if another connection committed in between).
            t = expo_tickets.c
            await conn.execute(delete(expo_tickets).where(tuple_(t.send_id, t.device_id).in_(keys)))
            still_sent = (
                select(d.send_id, d.device_id, d.provider_message_id)
                .where(
                    tuple_(d.send_id, d.device_id).in_(keys),
                    d.status == str(DeliveryStatus.SENT),
                )
                .with_for_update()
            )
            current = {
                (r.send_id, r.device_id): r.provider_message_id
                for r in await conn.execute(still_sent)
            }
            mine = [
                (k, tr)
                for k, tr in results
                if current.get((k.send_id, k.device_id)) == k.ticket_id[:256]
            ]
            if not mine:
                return 0
            await conn.execute(
                update(deliveries)
                .where(d.send_id == bindparam("k_send"), d.device_id == bindparam("k_device"))
                .values(
                    status=bindparam("v_status"),
                    reason=bindparam("v_reason"),
                    provider_code=bindparam("v_code"),
                    due_at=bindparam("v_due"),
                    updated_at=now,
                ),
                [
                    {
                        "k_send": k.send_id,
                        "k_device": k.device_id,
                        "v_status": str(tr.status),
                        "v_reason": tr.reason,
                        "v_code": tr.provider_code[:128],
                        "v_due": tr.due_at,
                    }
                    for k, tr in mine
                ],
            )
            await _side_effects(conn, mine, now)
            by_app: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for k, tr in mine:
                by_app[k.app_id].append(
                    log.receipt_row(
                        send_id=k.send_id,
                        device_id=k.device_id,
                        user_id=k.user_id,
                        provider=EXPO,
                        status=tr.status,
                        time=now,
                        attempt=k.attempt,
                        reason=tr.reason,
                        provider_code=tr.provider_code,
                    )
                )
            last = {
                app_id: await log.append(conn, app_id, by_app[app_id]) for app_id in sorted(by_app)
            }
        for app_id, cursor in last.items():
            self._signals.receipts_appended(app_id, cursor)
        if any(tr.status is DeliveryStatus.RETRYING for _, tr in mine):
            self._signals.queue_changed()
        return len(mine)

    async def pending(self) -> int:
        """How many tickets wait for their receipt (for metrics)."""
        async with self._engine.connect() as conn:
            return int(
                (await conn.execute(select(func.count()).select_from(expo_tickets))).scalar_one()
            )


async def _side_effects(
    conn: Any, mine: Sequence[tuple[Ticket, Transition]], now: datetime
) -> None:
    """Devices marked INVALID, credential errors, sends reopened for a retry."""
    await invalidate_devices(conn, (k.device_id for k, tr in mine if tr.invalidate_device), now)
    await record_credential_errors(
        conn, {(k.app_id, EXPO): tr.credential_error for k, tr in mine if tr.credential_error}, now
    )
    reopened = sorted({k.send_id for k, tr in mine if tr.status is DeliveryStatus.RETRYING})
    if reopened:
        await conn.execute(update(sends).where(sends.c.id.in_(reopened)).values(completed_at=None))
