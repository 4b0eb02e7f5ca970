"""Sends: accepting one durably (send + deliveries + first receipts in one transaction),
reading, listing and cancelling them, and engagement reports.

Fan-out is `INSERT ... SELECT` from the devices table and the first receipts are
`INSERT ... SELECT` from the new deliveries: however large the topic, no recipient passes
through this process's memory. On Postgres the whole send is one statement; on SQLite a
few. Concurrent sends of one app are group-committed (see `SendStore`).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import (
    JSON,
    Row,
    Select,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql
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
from clarion.store import receipts as log
from clarion.store.apps import require_app
from clarion.store.clock import utcnow
from clarion.store.ids import new_id
from clarion.store.policy import admit_sends
from clarion.store.schema import (
    UtcDateTime,
    as_record,
    deliveries,
    device_topics,
    devices,
    receipt_sequences,
    receipts,
    sends,
)
from clarion.store.signals import QUEUE_CHANNEL, RECEIPTS_CHANNEL, Signals

_log = logging.getLogger(__name__)


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


def _wanted(new: NewSend) -> set[str]:
    return {new.target} if isinstance(new.target, str) else set(new.target)


async def _missing_devices(conn: AsyncConnection, new: NewSend) -> NotFound:
    """The NOT_FOUND for a send naming devices of which some do not exist."""
    named = _named_devices(new.target_kind)
    assert named is not None
    column, clause = named
    found = {
        r[0]
        for r in await conn.execute(
            select(column).where(devices.c.app_id == new.app_id, clause),
            {"target": new.target if isinstance(new.target, str) else list(new.target)},
        )
    }
    missing = sorted(str(w) for w in _wanted(new) - found)
    what = "install" if new.target_kind is TargetKind.INSTALL else "device"
    shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
    return NotFound(f"apps/{new.app_id}/{what}s/{shown}", reason="DEVICE_NOT_FOUND")


# Accepting a send: the statements --------------------------------------------------------
#
# Built once per target kind with bind parameters (`_params` of SendStore._create_once), so
# a Send pays for neither statement construction nor compilation. On Postgres the whole
# send is ONE statement (data-modifying CTEs: send row, deliveries, receipt cursors,
# receipts, NOTIFYs); elsewhere it is four (send, deliveries, counts, then the receipts
# through store.receipts).

_DELIVERY_COLUMNS: Final = (
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
)


_NAMED_KINDS: Final = frozenset({TargetKind.DEVICE, TargetKind.INSTALL, TargetKind.DEVICES})


def _named_devices(kind: TargetKind) -> tuple[Any, Any] | None:
    """For targets that name devices (device, install, device ids): the devices column
    they name and the clause matching them (bound to `target`); None for users and topics."""
    dv = devices.c
    match kind:
        case TargetKind.DEVICE:
            return dv.id, dv.id == bindparam("target")
        case TargetKind.INSTALL:
            return dv.install_id, dv.install_id == bindparam("target")
        case TargetKind.DEVICES:
            return dv.id, dv.id.in_(bindparam("target", expanding=True))
    return None


@functools.cache
def _chosen(kind: TargetKind) -> Select[Any]:
    """SELECT of one delivery row per addressed device."""
    dv = devices.c
    active = dv.status == str(DeviceStatus.ACTIVE)
    source: Any = devices
    where: list[Any] = [dv.app_id == bindparam("app_id")]
    named = _named_devices(kind)
    if named is not None:
        where.append(named[1])
    match kind:
        case TargetKind.USER:
            where += [dv.user_id == bindparam("target"), active]
        case TargetKind.USERS:
            where += [dv.user_id.in_(bindparam("target", expanding=True)), active]
        case TargetKind.TOPIC:
            source = devices.join(device_topics, device_topics.c.device_id == dv.id)
            where += [device_topics.c.topic == bindparam("target"), active]
    initial: Any = bindparam("initial", type_=String())
    due: Any = bindparam("due", type_=UtcDateTime())
    status: Any = initial
    reason: Any = literal("")
    due_at: Any = due
    # A device named directly but not ACTIVE is recorded as suppressed, not skipped: the
    # caller asked for it by name and deserves to see why nothing went out.
    if named is not None:
        status = case((active, initial), else_=str(DeliveryStatus.SUPPRESSED))
        reason = case((active, ""), else_=DEVICE_INACTIVE)
        due_at = case((active, due), else_=None)
    now: Any = bindparam("now", type_=UtcDateTime())
    return (
        select(
            bindparam("send_id", type_=String()).label("send_id"),
            dv.id,
            dv.app_id,
            dv.user_id,
            dv.provider,
            status.label("status"),
            reason.label("reason"),
            literal("").label("provider_code"),
            literal("").label("provider_message_id"),
            literal(0).label("attempts"),
            due_at.label("due_at"),
            bindparam("expires", type_=UtcDateTime()).label("expires_at"),
            now.label("created_at"),
            now.label("updated_at"),
        )
        .select_from(source)
        .where(*where)
    )


def _send_row(completed_at: Any) -> Select[Any]:
    """SELECT of the send row from the bound parameters."""
    return select(
        bindparam("send_id", type_=String()).label("id"),
        bindparam("app_id", type_=String()).label("app_id"),
        bindparam("target_kind", type_=String()).label("target_kind"),
        bindparam("stored_target", type_=JSON()).label("target"),
        bindparam("notification", type_=JSON()).label("notification"),
        bindparam("send_at", type_=UtcDateTime()).label("send_at"),
        bindparam("idempotency_key", type_=String()).label("idempotency_key"),
        bindparam("creator", type_=String()).label("creator"),
        bindparam("now", type_=UtcDateTime()).label("created_at"),
        completed_at.label("completed_at"),
    )


_SEND_COLUMNS: Final = (
    "id",
    "app_id",
    "target_kind",
    "target",
    "notification",
    "send_at",
    "idempotency_key",
    "creator",
    "created_at",
    "completed_at",
)


@functools.cache
def _portable_statements(kind: TargetKind) -> tuple[Any, Any]:
    """(insert the send, insert its deliveries) for databases without DML in CTEs."""
    send = insert(sends).from_select(_SEND_COLUMNS, _send_row(null()))
    fan_out = insert(deliveries).from_select(_DELIVERY_COLUMNS, _chosen(kind))
    return send, fan_out


async def _create_portable(
    conn: AsyncConnection, kind: TargetKind, params: dict[str, Any]
) -> tuple[DeliveryCounts, int]:
    insert_send, fan_out = _portable_statements(kind)
    await conn.execute(insert_send, params)
    await conn.execute(fan_out, params)
    # rowcount of INSERT ... SELECT is not reliable across drivers: count what was written.
    counts = (await _counts(conn, [params["send_id"]]))[params["send_id"]]
    if not counts.pending:
        await mark_complete(conn, [params["send_id"]], params["now"])
    last_cursor = await log.append_for_send(conn, params["app_id"], params["send_id"], counts.total)
    return counts, last_cursor


@functools.cache
def _postgres_statement(kind: TargetKind) -> Select[Any]:
    """The whole send as one Postgres statement; yields (status, count, last cursor) rows.

    The CTEs all see one snapshot, so each later step reads the deliveries from the
    `fanned` CTE's RETURNING rather than from the table. The receipt cursor row is bumped
    (and locked until commit) inside the statement, as store.receipts requires.
    """
    d = deliveries.c
    fanned = (
        insert(deliveries)
        .from_select(_DELIVERY_COLUMNS, _chosen(kind))
        .returning(d.device_id, d.user_id, d.provider, d.status, d.reason, d.due_at)
        .cte("fanned")
    )
    total = select(func.count()).select_from(fanned).scalar_subquery()
    pending = select(fanned.c.device_id).where(fanned.c.due_at.is_not(None)).exists()
    now: Any = bindparam("now", type_=UtcDateTime())
    send = (
        insert(sends)
        .from_select(_SEND_COLUMNS, _send_row(case((pending, null()), else_=now)))
        .cte("send")
    )
    bump = postgresql.insert(receipt_sequences).from_select(
        ["app_id", "last_cursor"],
        select(bindparam("app_id", type_=String()), total).where(total > 0),
    )
    seq = (
        bump.on_conflict_do_update(
            index_elements=[receipt_sequences.c.app_id],
            set_={"last_cursor": receipt_sequences.c.last_cursor + bump.excluded.last_cursor},
        )
        .returning(receipt_sequences.c.last_cursor)
        .cte("seq")
    )
    numbered = select(
        bindparam("app_id", type_=String()),
        (seq.c.last_cursor - total + func.row_number().over(order_by=fanned.c.device_id)),
        bindparam("send_id", type_=String()),
        fanned.c.device_id,
        fanned.c.user_id,
        fanned.c.provider,
        fanned.c.status,
        fanned.c.reason,
        literal(""),
        literal(""),
        literal(0),
        now,
    ).select_from(fanned.join(seq, true()))
    logged = insert(receipts).from_select(log.FIRST_RECEIPT_COLUMNS, numbered).cte("logged")
    app = bindparam("app_id", type_=String())
    # NOTIFYs (sent on commit) as scalar subqueries of the final SELECT: a SELECT in a CTE
    # would not run unless read. Each runs once, and only when there is something to say.
    receipts_notified = select(
        func.pg_notify(RECEIPTS_CHANNEL, app.concat(" ").concat(cast(seq.c.last_cursor, Text)))
    ).scalar_subquery()
    queue_notified = (
        select(func.pg_notify(QUEUE_CHANNEL, ""))
        .where(bindparam("initial", type_=String()) == str(DeliveryStatus.QUEUED), pending)
        .scalar_subquery()
    )
    return (
        select(
            fanned.c.status,
            func.count(),
            func.coalesce(select(seq.c.last_cursor).scalar_subquery(), 0),
            receipts_notified,
            queue_notified,
        )
        .group_by(fanned.c.status)
        .add_cte(send, logged)
    )


async def _create_postgres(
    conn: AsyncConnection, kind: TargetKind, params: dict[str, Any]
) -> tuple[DeliveryCounts, int]:
    by_status: dict[DeliveryStatus, int] = {}
    last_cursor = 0
    for status, count, last, *_ in await conn.execute(_postgres_statement(kind), params):
        by_status[DeliveryStatus(status)] = int(count)
        last_cursor = int(last)
    return DeliveryCounts.of(by_status), last_cursor


async def _create_one(conn: AsyncConnection, new: NewSend) -> tuple[Send, int]:
    """Write one send in the caller's transaction; returns it and its last cursor."""
    now = utcnow()
    scheduled = new.send_at is not None and new.send_at > now
    due = new.send_at if scheduled and new.send_at is not None else now
    send_id = new_id()
    initial = DeliveryStatus.SCHEDULED if scheduled else DeliveryStatus.QUEUED
    params = {
        "send_id": send_id,
        "app_id": new.app_id,
        "target": new.target if isinstance(new.target, str) else list(new.target),
        "target_kind": str(new.target_kind),
        "stored_target": list(new.target) if isinstance(new.target, tuple) else new.target,
        "notification": new.notification,
        "send_at": new.send_at,
        "idempotency_key": new.idempotency_key or None,
        "creator": new.creator,
        "initial": str(initial),
        "due": due,
        "expires": expiry(due, new.ttl),
        "now": now,
    }
    if conn.dialect.name == "postgresql":
        counts, last_cursor = await _create_postgres(conn, new.target_kind, params)
    else:
        counts, last_cursor = await _create_portable(conn, new.target_kind, params)
    # Devices named directly must all exist (users and topics may have none): each one
    # found became a delivery, whatever its status.
    if new.target_kind in _NAMED_KINDS and counts.total < len(_wanted(new)):
        raise await _missing_devices(conn, new)
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


def _admitted(
    batch: Sequence[NewSend], written: Sequence[tuple[Send, int]]
) -> list[tuple[str, str, TargetKind, DeliveryCounts]]:
    """What `policy.admit_sends` needs of each written send."""
    return [
        (send.id, new.creator, new.target_kind, send.counts)
        for new, (send, _) in zip(batch, written, strict=True)
    ]


#: Most sends one app's writer commits in one transaction (see SendStore).
GROUP_COMMIT_LIMIT: Final = 64

_Pending = tuple["NewSend", "asyncio.Future[tuple[Send, int]]"]


class SendStore:
    """Sends, their deliveries, and engagement.

    Accepting a send is group-committed per app: concurrent `create` calls of one app queue
    up, and one writer task per app commits what has queued (up to GROUP_COMMIT_LIMIT) in
    one transaction, each send still its own statement(s). An app's receipt cursor row is
    locked from a writer's first send to its commit (store/receipts.py), so one transaction
    per send would make every concurrent Send of an app wait for the others' commits in
    turn; batching pays for that lock and the commit once. Every caller still returns only
    once its send is committed. If any send of a batch fails (unknown device, idempotency
    race), the batch rolls back and each of its sends is written alone, with its own result.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        signals: Signals,
        *,
        on_commit: Callable[[int], None] | None = None,
    ) -> None:
        self._engine = engine
        self._signals = signals
        # Told how many sends each committed transaction wrote (the app wires a metric).
        self._on_commit = on_commit
        self._unwritten: dict[str, deque[_Pending]] = {}
        self._writers: dict[str, asyncio.Task[None]] = {}

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
            send, _ = await self._committed(new)
        except IntegrityError:
            # A concurrent call with the same idempotency key won the race.
            if new.idempotency_key:
                existing = await self._by_key(new.app_id, new.idempotency_key)
                if existing is not None:
                    return existing, True
            raise
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

    async def _committed(self, new: NewSend) -> tuple[Send, int]:
        """Queue `new` for its app's writer; return once it is committed (or failed)."""
        done: asyncio.Future[tuple[Send, int]] = asyncio.get_running_loop().create_future()
        self._unwritten.setdefault(new.app_id, deque()).append((new, done))
        if new.app_id not in self._writers:
            self._writers[new.app_id] = asyncio.create_task(
                self._write(new.app_id), name=f"clarion-sends-{new.app_id}"
            )
        return await done

    async def _write(self, app_id: str) -> None:
        """The app's writer: commit what has queued, batch after batch, until none is left."""
        batch: list[_Pending] = []
        try:
            while batch := self._next_batch(app_id):
                await self._write_batch(batch)
        except BaseException as e:  # cancelled at shutdown: nobody may wait forever
            for _, done in [*batch, *self._unwritten.pop(app_id, deque())]:
                if not done.done():
                    done.set_exception(e)
            raise
        finally:
            del self._writers[app_id]

    def _next_batch(self, app_id: str) -> list[_Pending]:
        queued = self._unwritten.get(app_id, deque())
        batch: list[_Pending] = []
        while queued and len(batch) < GROUP_COMMIT_LIMIT:
            pending = queued.popleft()
            # A caller that gave up before its turn (deadline, disconnect) is not written.
            if not pending[1].done():
                batch.append(pending)
        if not queued:
            self._unwritten.pop(app_id, None)
        return batch

    async def _write_batch(self, batch: list[_Pending]) -> None:
        if len(batch) > 1:
            try:
                written = await self._create([new for new, _ in batch])
            except Exception:
                _log.debug("sends: a batch of %d rolled back; each is written alone", len(batch))
            else:
                for (_, done), result in zip(batch, written, strict=True):
                    if not done.done():
                        done.set_result(result)
                self._signal(written)
                return
        for new, done in batch:
            try:
                written = await self._create([new])
            except Exception as e:
                if not done.done():
                    done.set_exception(e)
            else:
                if not done.done():
                    done.set_result(written[0])
                self._signal(written)

    def _signal(self, written: Sequence[tuple[Send, int]]) -> None:
        """Wake this process's watchers and dispatchers (after the commit)."""
        last_cursor = max(cursor for _, cursor in written)
        if last_cursor:
            self._signals.receipts_appended(written[0][0].app_id, last_cursor)
        if any(
            s.counts.pending and s.state(s.created_at) is not SendState.SCHEDULED
            for s, _ in written
        ):
            self._signals.queue_changed()

    async def _create(self, batch: Sequence[NewSend]) -> list[tuple[Send, int]]:
        """One transaction: each send, its deliveries, their first receipts. Returns each
        send as stored (built from what was written, not read back) and its last cursor."""
        written = []
        try:
            async with self._engine.begin() as conn:
                for new in batch:
                    written.append(await _create_one(conn, new))
                # Disabled app, daily quota, audit: a refusal rolls the whole batch back.
                await admit_sends(conn, batch[0].app_id, _admitted(batch, written), utcnow())
            if self._on_commit is not None:
                self._on_commit(len(batch))
        except IntegrityError:
            # An unknown app fails the sends foreign key: say so rather than "conflict".
            async with self._engine.connect() as conn:
                await require_app(conn, batch[0].app_id)
            raise
        return written

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
