"""Sends: accepting one durably (send + deliveries + first receipts in one transaction),
reading, listing and cancelling them, and engagement reports.

Fan-out is `INSERT ... SELECT` from the devices table and the first receipts are
`INSERT ... SELECT` from the new deliveries: a send to a million-device topic is three
statements, and no recipient passes through this process's memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, and_, case, func, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from clarion.domain.deliveries import (
    CANCELLABLE,
    DEVICE_INACTIVE,
    ENGAGEMENT_RANK,
    Delivery,
    DeliveryCounts,
    DeliveryStatus,
    Receipt,
    Send,
    SendState,
    TargetKind,
    expiry,
)
from clarion.domain.devices import DeviceStatus
from clarion.domain.errors import FailedPrecondition, NotFound
from clarion.store import audit
from clarion.store import receipts as log
from clarion.store.apps import require_app, require_enabled_app
from clarion.store.clock import utcnow
from clarion.store.ids import new_id
from clarion.store.policy import charge_quota
from clarion.store.schema import (
    UtcDateTime,
    as_record,
    deliveries,
    device_topics,
    devices,
    sends,
)
from clarion.store.signals import Signals, notify_queue


@dataclass(frozen=True, slots=True)
class NewSend:
    """A validated send request, ready to store."""

    app_id: str
    target_kind: TargetKind
    target: str | tuple[str, ...]
    notification: dict[str, Any]
    ttl: timedelta
    send_at: datetime | None = None
    idempotency_key: str = ""
    creator: str = ""


@dataclass(frozen=True, slots=True)
class SendFilter:
    """ListSends filters."""

    state: SendState | None = None
    start: datetime | None = None
    end: datetime | None = None


def _ts(value: datetime) -> Any:
    """A timestamp literal that goes through UtcDateTime like a bound column value."""
    return literal(value, UtcDateTime())


def _send(row: Row[Any] | Any, counts: DeliveryCounts) -> Send:
    m = row._mapping
    kind = TargetKind(m["target_kind"])
    target = m["target"]
    return Send(
        app_id=m["app_id"],
        id=m["id"],
        target_kind=kind,
        target=tuple(target) if isinstance(target, list) else str(target),
        notification=dict(m["notification"]),
        send_at=m["send_at"],
        idempotency_key=m["idempotency_key"] or "",
        creator=m["creator"],
        created_at=m["created_at"],
        completed_at=m["completed_at"],
        cancelled_at=m["cancelled_at"],
        counts=counts,
    )


def _delivery(row: Row[Any]) -> Delivery:
    return as_record(Delivery, row, status=DeliveryStatus(row.status))


async def _counts(conn: AsyncConnection, send_ids: Sequence[str]) -> dict[str, DeliveryCounts]:
    by_send: dict[str, dict[DeliveryStatus, int]] = {s: {} for s in send_ids}
    if send_ids:
        d = deliveries.c
        rows = await conn.execute(
            select(d.send_id, d.status, func.count())
            .where(d.send_id.in_(send_ids))
            .group_by(d.send_id, d.status)
        )
        for send_id, status, count in rows:
            by_send[send_id][DeliveryStatus(status)] = int(count)
    return {s: DeliveryCounts.of(c) for s, c in by_send.items()}


async def mark_complete(conn: AsyncConnection, send_ids: Sequence[str], now: datetime) -> None:
    """Record completion for those of `send_ids` that have no pending delivery left."""
    if not send_ids:
        return
    pending = (
        select(deliveries.c.send_id)
        .where(deliveries.c.send_id == sends.c.id, deliveries.c.due_at.is_not(None))
        .exists()
    )
    await conn.execute(
        update(sends)
        .where(sends.c.id.in_(sorted(set(send_ids))), sends.c.completed_at.is_(None), ~pending)
        .values(completed_at=now)
    )


def _named_devices(new: NewSend) -> tuple[Any, Any] | None:
    """For targets that name devices (device, install, device ids): the devices column
    they name and the clause matching them; None for users and topics."""
    dv = devices.c
    match new.target_kind:
        case TargetKind.DEVICE:
            return dv.id, dv.id == new.target
        case TargetKind.INSTALL:
            return dv.install_id, dv.install_id == new.target
        case TargetKind.DEVICES:
            return dv.id, dv.id.in_(new.target)
    return None


def _attempt(new: NewSend, send_id: str, counts: DeliveryCounts) -> audit.AuditEntry:
    """The audit entry of an accepted send (who, which send, how many deliveries)."""
    return audit.AuditEntry(
        app_id=new.app_id,
        actor=new.creator,
        action="push.attempt",
        resource=f"apps/{new.app_id}/sends/{send_id}",
        details={
            "outcome": "accepted",
            "target": str(new.target_kind),
            "deliveries": str(counts.total),
        },
    )


class SendStore:
    """Sends, their deliveries, and engagement."""

    def __init__(self, engine: AsyncEngine, signals: Signals) -> None:
        self._engine = engine
        self._signals = signals

    # Accepting ----------------------------------------------------------------------------

    async def create(self, new: NewSend) -> tuple[Send, bool]:
        """Store a send and fan it out; returns (send, deduplicated).

        Raises NotFound for an unknown app or an addressed device that does not exist.
        """
        if new.idempotency_key:
            existing = await self._by_key(new.app_id, new.idempotency_key)
            if existing is not None:
                return existing, True
        try:
            send, last_cursor = await self._create_once(new)
        except IntegrityError:
            # A concurrent call with the same idempotency key won the race.
            if new.idempotency_key:
                existing = await self._by_key(new.app_id, new.idempotency_key)
                if existing is not None:
                    return existing, True
            raise
        if last_cursor:
            self._signals.receipts_appended(new.app_id, last_cursor)
        if send.counts.pending and send.state(send.created_at) is not SendState.SCHEDULED:
            self._signals.queue_changed()
        return send, False

    async def _by_key(self, app_id: str, key: str) -> Send | None:
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(sends).where(sends.c.app_id == app_id, sends.c.idempotency_key == key)
                )
            ).first()
            if row is None:
                return None
            return _send(row, (await _counts(conn, [row.id]))[row.id])

    async def _create_once(self, new: NewSend) -> tuple[Send, int]:
        """One transaction: the send, its deliveries, their first receipts. Returns the send
        as stored (built from what was written, not read back) and the last cursor."""
        now = utcnow()
        scheduled = new.send_at is not None and new.send_at > now
        due = new.send_at if scheduled and new.send_at is not None else now
        send_id = new_id()
        async with self._engine.begin() as conn:
            await require_enabled_app(conn, new.app_id, "sends")
            await self._require_devices(conn, new)
            await conn.execute(
                insert(sends).values(
                    id=send_id,
                    app_id=new.app_id,
                    target_kind=str(new.target_kind),
                    target=list(new.target) if isinstance(new.target, tuple) else new.target,
                    notification=new.notification,
                    send_at=new.send_at,
                    idempotency_key=new.idempotency_key or None,
                    creator=new.creator,
                    created_at=now,
                )
            )
            initial = DeliveryStatus.SCHEDULED if scheduled else DeliveryStatus.QUEUED
            await self._fan_out(conn, new, send_id, initial, due, now)
            # rowcount of INSERT ... SELECT is not reliable across drivers (psycopg through
            # SQLAlchemy's async adapter reports -1): count what the send now holds, once.
            counts = (await _counts(conn, [send_id]))[send_id]
            # Over the daily quota this raises and the whole send rolls back.
            await charge_quota(conn, new.app_id, counts.total - counts.suppressed, now)
            await audit.record_in(conn, _attempt(new, send_id, counts), now)
            last_cursor = await log.append_for_send(conn, new.app_id, send_id, counts.total)
            if not counts.pending:
                await mark_complete(conn, [send_id], now)
            elif not scheduled:
                await notify_queue(conn)
        send = Send(
            app_id=new.app_id,
            id=send_id,
            target_kind=new.target_kind,
            target=new.target,
            notification=new.notification,
            send_at=new.send_at,
            idempotency_key=new.idempotency_key,
            creator=new.creator,
            created_at=now,
            completed_at=None if counts.pending else now,
            cancelled_at=None,
            counts=counts,
        )
        return send, last_cursor

    async def _require_devices(self, conn: AsyncConnection, new: NewSend) -> None:
        """Devices named directly must exist (users and topics may have none)."""
        named = _named_devices(new)
        if named is None:
            return
        column, clause = named
        wanted = {new.target} if isinstance(new.target, str) else set(new.target)
        found = {
            r[0]
            for r in await conn.execute(
                select(column).where(devices.c.app_id == new.app_id, clause)
            )
        }
        missing = sorted(str(w) for w in wanted - found)
        if missing:
            what = "install" if new.target_kind is TargetKind.INSTALL else "device"
            shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
            raise NotFound(f"apps/{new.app_id}/{what}s/{shown}", reason="DEVICE_NOT_FOUND")

    async def _fan_out(
        self,
        conn: AsyncConnection,
        new: NewSend,
        send_id: str,
        initial: DeliveryStatus,
        due: datetime,
        now: datetime,
    ) -> None:
        """INSERT ... SELECT one delivery per addressed device."""
        dv = devices.c
        active = dv.status == str(DeviceStatus.ACTIVE)
        source: Any = devices
        where: list[Any] = [dv.app_id == new.app_id]
        named = _named_devices(new)
        if named is not None:
            where.append(named[1])
        match new.target_kind:
            case TargetKind.USER:
                where += [dv.user_id == new.target, active]
            case TargetKind.USERS:
                where += [dv.user_id.in_(new.target), active]
            case TargetKind.TOPIC:
                source = devices.join(device_topics, device_topics.c.device_id == dv.id)
                where += [device_topics.c.topic == new.target, active]
        # A device named directly but not ACTIVE is recorded as suppressed, not skipped:
        # the caller asked for it by name and deserves to see why nothing went out.
        status: Any = literal(str(initial))
        reason: Any = literal("")
        due_at: Any = _ts(due)
        if named is not None:
            status = case((active, str(initial)), else_=str(DeliveryStatus.SUPPRESSED))
            reason = case((active, ""), else_=DEVICE_INACTIVE)
            due_at = case((active, _ts(due)), else_=None)
        chosen = (
            select(
                literal(send_id).label("send_id"),
                dv.id,
                dv.app_id,
                dv.user_id,
                dv.provider,
                status,
                reason,
                literal("").label("provider_code"),
                literal("").label("provider_message_id"),
                literal(0).label("attempts"),
                due_at,
                _ts(expiry(due, new.ttl)),
                _ts(now).label("created_at"),
                _ts(now).label("updated_at"),
            )
            .select_from(source)
            .where(*where)
        )
        await conn.execute(
            insert(deliveries).from_select(
                [
                    "send_id",
                    "device_id",
                    "app_id",
                    "user_id",
                    "provider",
                    "status",
                    "reason",
                    "provider_code",
                    "provider_message_id",
                    "attempts",
                    "due_at",
                    "expires_at",
                    "created_at",
                    "updated_at",
                ],
                chosen,
            )
        )

    # Reading ------------------------------------------------------------------------------

    async def get(self, app_id: str, send_id: str) -> Send:
        """One send with its counts; NotFound when it is not the app's."""
        async with self._engine.connect() as conn:
            row = await self._row(conn, app_id, send_id)
            return _send(row, (await _counts(conn, [send_id]))[send_id])

    async def _row(self, conn: AsyncConnection, app_id: str, send_id: str) -> Row[Any]:
        row = (
            await conn.execute(select(sends).where(sends.c.app_id == app_id, sends.c.id == send_id))
        ).first()
        if row is None:
            raise NotFound(f"apps/{app_id}/sends/{send_id}", reason="SEND_NOT_FOUND")
        return row

    async def list(self, app_id: str, flt: SendFilter, after: str | None, limit: int) -> list[Send]:
        """Newest first, keyset-paged by id (ids are time-ordered)."""
        s = sends.c
        query = select(sends).where(s.app_id == app_id).order_by(s.id.desc()).limit(limit)
        if after is not None:
            query = query.where(s.id < after)
        if flt.start is not None:
            query = query.where(s.created_at >= flt.start)
        if flt.end is not None:
            query = query.where(s.created_at < flt.end)
        if flt.state is not None:
            now = utcnow()
            open_ = and_(s.completed_at.is_(None), s.cancelled_at.is_(None))
            match flt.state:
                case SendState.CANCELLED:
                    query = query.where(s.cancelled_at.is_not(None))
                case SendState.COMPLETED:
                    query = query.where(s.completed_at.is_not(None), s.cancelled_at.is_(None))
                case SendState.SCHEDULED:
                    query = query.where(open_, s.send_at > now)
                case SendState.IN_PROGRESS:
                    query = query.where(open_, or_(s.send_at.is_(None), s.send_at <= now))
        async with self._engine.connect() as conn:
            await require_app(conn, app_id)
            rows = (await conn.execute(query)).all()
            counts = await _counts(conn, [r.id for r in rows])
        return [_send(r, counts[r.id]) for r in rows]

    async def deliveries(
        self,
        app_id: str,
        send_id: str,
        status: DeliveryStatus | None,
        after: str | None,
        limit: int,
    ) -> Sequence[Delivery]:
        """A send's deliveries in device-id order."""
        d = deliveries.c
        query = (
            select(deliveries)
            .where(d.send_id == send_id, d.app_id == app_id)
            .order_by(d.device_id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(d.device_id > after)
        if status is not None:
            query = query.where(d.status == str(status))
        async with self._engine.connect() as conn:
            await self._row(conn, app_id, send_id)
            return [_delivery(r) for r in await conn.execute(query)]

    # Changing -----------------------------------------------------------------------------

    async def cancel(self, app_id: str, send_id: str) -> Send:
        """Cancel every delivery no dispatcher holds yet; FailedPrecondition when complete."""
        now = utcnow()
        d = deliveries.c
        async with self._engine.begin() as conn:
            row = await self._row(conn, app_id, send_id)
            if row.cancelled_at is not None:
                raise FailedPrecondition("the send is already cancelled", reason="SEND_CANCELLED")
            if row.completed_at is not None:
                raise FailedPrecondition(
                    "every delivery of the send is already final", reason="SEND_COMPLETED"
                )
            stopped = (
                await conn.execute(
                    update(deliveries)
                    .where(d.send_id == send_id, d.status.in_(sorted(CANCELLABLE)))
                    .values(status=str(DeliveryStatus.CANCELLED), due_at=None, updated_at=now)
                    .returning(d.device_id, d.user_id, d.provider, d.attempts)
                )
            ).all()
            await conn.execute(update(sends).where(sends.c.id == send_id).values(cancelled_at=now))
            rows = [
                log.receipt_row(
                    send_id=send_id,
                    device_id=r.device_id,
                    user_id=r.user_id,
                    provider=r.provider,
                    status=DeliveryStatus.CANCELLED,
                    time=now,
                    attempt=r.attempts,
                )
                for r in sorted(stopped, key=lambda r: r.device_id)
            ]
            last = await log.append(conn, app_id, rows)
        async with self._engine.begin() as conn:  # after the commit: see queue.settle
            await mark_complete(conn, [send_id], now)
        if last:
            self._signals.receipts_appended(app_id, last)
        return await self.get(app_id, send_id)

    async def engage(
        self,
        app_id: str,
        send_id: str,
        device_id: str,
        status: DeliveryStatus,
        action_id: str,
        at: datetime,
    ) -> Receipt:
        """Record OPENED or CLICKED for a delivery a provider accepted."""
        d = deliveries.c
        async with self._engine.begin() as conn:
            row = (
                await conn.execute(
                    select(deliveries).where(
                        d.app_id == app_id, d.send_id == send_id, d.device_id == device_id
                    )
                )
            ).first()
            if row is None:
                name = f"apps/{app_id}/sends/{send_id}/deliveries/{device_id}"
                raise NotFound(name, reason="DELIVERY_NOT_FOUND")
            current = DeliveryStatus(row.status)
            if current not in ENGAGEMENT_RANK:
                raise FailedPrecondition(
                    f"the delivery is {current.name}: only a sent notification can be engaged with",
                    reason="DELIVERY_NOT_SENT",
                )
            if ENGAGEMENT_RANK[status] > ENGAGEMENT_RANK[current]:
                await conn.execute(
                    update(deliveries)
                    .where(d.send_id == send_id, d.device_id == device_id)
                    .values(status=str(status), updated_at=utcnow())
                )
            receipt = log.receipt_row(
                send_id=send_id,
                device_id=device_id,
                user_id=row.user_id,
                provider=row.provider,
                status=status,
                time=at,
                attempt=row.attempts,
                action_id=action_id,
            )
            cursor = await log.append(conn, app_id, [receipt])
        self._signals.receipts_appended(app_id, cursor)
        return Receipt(**{**receipt, "status": status}, app_id=app_id, cursor=cursor)
