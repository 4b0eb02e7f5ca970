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

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, NamedTuple

from sqlalchemy import bindparam, func, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from clarion.domain.deliveries import DeliveryStatus, Transition
from clarion.domain.device_rules import Provider, QuietHours
from clarion.domain.devices import DeviceStatus
from clarion.store import receipts as log
from clarion.store.engine import single_statements, write_transaction
from clarion.store.ids import new_id
from clarion.store.schema import credentials, deliveries, devices, one_of, sends, stored_time
from clarion.store.sends import mark_complete
from clarion.store.signals import RECEIPTS_CHANNEL, Signals

# Claimed, Recipient and Settled are made once per delivery per attempt, so they are
# NamedTuples: the cheapest immutable record Python builds (a claimed row becomes one
# without copying field by field).


class Claimed(NamedTuple):
    """A delivery a dispatcher holds: what it needs to send it and record the result."""

    app_id: str
    send_id: str
    device_id: str
    user_id: str | None
    provider: str
    attempt: int  # this attempt's number (1 for the first)
    expires_at: datetime


class Recipient(NamedTuple):
    """A claimed delivery's device, read once per batch for both the delivery policy
    (status, preferences, quiet hours, zone) and sending (provider, sealed token, locale,
    APNs environment)."""

    id: str
    status: DeviceStatus
    provider: Provider
    token_ciphertext: bytes
    locale: str
    apns_environment: str | None
    preferences: dict[str, bool]
    quiet_hours: QuietHours | None
    time_zone: str


class Settled(NamedTuple):
    """One delivery's result for `DeliveryQueue.settle`."""

    delivery: Claimed
    transition: Transition


def _recipient(r: Any) -> Recipient:
    start, end = r.quiet_start_minute, r.quiet_end_minute
    return Recipient(
        r.id,
        DeviceStatus(r.status),
        Provider(r.provider),
        bytes(r.token_ciphertext),
        r.locale,
        r.apns_environment,
        dict(r.category_preferences) if r.category_preferences else {},
        QuietHours(start, end) if start is not None and end is not None else None,
        r.time_zone,
    )


@dataclass(frozen=True, slots=True)
class QueueStats:
    """How far behind the queue is."""

    due: int
    oldest_due_at: datetime | None


#: A result as settling writes it: the delivery's key, then its new values.
_RESULT_KEYS: Final = ("k_send", "k_device", "v_status", "v_reason", "v_code", "v_mid", "v_due")


def _result_row(s: Settled) -> tuple[Any, ...]:
    """`s` in the order of _RESULT_KEYS, cut to the columns' lengths."""
    t = s.transition
    return (
        s.delivery.send_id,
        s.delivery.device_id,
        str(t.status),
        t.reason,
        t.provider_code[:128],
        t.provider_message_id[:256],
        t.due_at,
    )


# The whole settle of a batch on Postgres, as ONE statement: the results arrive as parallel
# arrays, unnested and joined to their deliveries on (send, device), fenced by the lease;
# the rows written get their receipts, numbered from the apps' cursor rows (bumped, and so
# locked until commit, in app order: no deadlock between dispatchers), and one NOTIFY per
# app is queued for the commit. The CTEs share one snapshot, so the later steps read the
# written rows from `settled`'s RETURNING. Plain SQL, as it is Postgres-only; timestamps are
# naive UTC like every stored timestamp (schema.UtcDateTime).
_SETTLE_POSTGRES: Final = text(
    """
WITH v AS (
    SELECT * FROM unnest(
        CAST(:k_send AS text[]), CAST(:k_device AS text[]), CAST(:v_status AS text[]),
        CAST(:v_reason AS text[]), CAST(:v_code AS text[]), CAST(:v_mid AS text[]),
        CAST(:v_due AS timestamp[])
    ) AS v(k_send, k_device, v_status, v_reason, v_code, v_mid, v_due)
),
settled AS (
    UPDATE deliveries AS d
    SET status = v.v_status, reason = v.v_reason, provider_code = v.v_code,
        provider_message_id = v.v_mid, due_at = v.v_due, lease = NULL, updated_at = :now
    FROM v
    WHERE d.send_id = v.k_send AND d.device_id = v.k_device AND d.lease = :held_by
    RETURNING d.app_id, d.send_id, d.device_id, d.user_id, d.provider, d.status, d.reason,
        d.provider_code, d.attempts
),
logged AS (SELECT * FROM settled WHERE status <> :sending),
counted AS (SELECT app_id, count(*) AS n FROM logged GROUP BY app_id),
seq AS (
    INSERT INTO receipt_sequences (app_id, last_cursor)
    SELECT app_id, n FROM counted ORDER BY app_id
    ON CONFLICT (app_id) DO UPDATE
    SET last_cursor = receipt_sequences.last_cursor + excluded.last_cursor
    RETURNING app_id, last_cursor
),
appended AS (
    INSERT INTO receipts ($RECEIPT_COLUMNS)
    SELECT l.app_id,
        seq.last_cursor - counted.n
            + row_number() OVER (PARTITION BY l.app_id ORDER BY l.send_id, l.device_id),
        l.send_id, l.device_id, l.user_id, l.provider, l.status, l.reason, l.provider_code,
        '', l.attempts, :now
    FROM logged AS l JOIN counted USING (app_id) JOIN seq USING (app_id)
)
SELECT settled.send_id, settled.device_id, settled.app_id, seq.last_cursor,
    (SELECT count(pg_notify(:channel, app_id || ' ' || last_cursor)) FROM seq)
FROM settled LEFT JOIN seq USING (app_id)
""".replace("$RECEIPT_COLUMNS", ", ".join(log.FIRST_RECEIPT_COLUMNS))
)


async def _settle_postgres(
    conn: AsyncConnection, lease_id: str, results: Sequence[Settled], now: datetime
) -> tuple[list[Settled], dict[str, int]]:
    """Write the results still under `lease_id` and their receipts in one statement;
    returns those written and each app's last cursor."""
    columns = zip(*(_result_row(s) for s in results), strict=True)
    params: dict[str, Any] = dict(zip(_RESULT_KEYS, map(list, columns), strict=True))
    params["v_due"] = [stored_time(due) for due in params["v_due"]]
    params |= {
        "held_by": lease_id,
        "now": stored_time(now),
        "sending": str(DeliveryStatus.SENDING),  # no receipt for a delivery handed back
        "channel": RECEIPTS_CHANNEL,
    }
    held: set[tuple[str, str]] = set()
    last: dict[str, int] = {}
    for send_id, device_id, app_id, cursor, _ in await conn.execute(_SETTLE_POSTGRES, params):
        held.add((send_id, device_id))
        if cursor is not None:
            last[app_id] = int(cursor)
    return [s for s in results if (s.delivery.send_id, s.delivery.device_id) in held], last


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
            [dict(zip(_RESULT_KEYS, _result_row(s), strict=True)) for s in mine],
        )
    return mine


async def invalidate_devices(
    conn: AsyncConnection, device_ids: Iterable[str], now: datetime
) -> None:
    """Mark active devices whose tokens a provider rejected INVALID (never sent to again)."""
    invalid = sorted(set(device_ids))
    if invalid:
        await conn.execute(
            update(devices)
            .where(devices.c.id.in_(invalid), devices.c.status == str(DeviceStatus.ACTIVE))
            .values(
                status=str(DeviceStatus.INVALID),
                status_reason="the provider rejected the token",
                updated_at=now,
            )
        )


async def record_credential_errors(
    conn: AsyncConnection, errors: Mapping[tuple[str, str], str], now: datetime
) -> None:
    """Remember, on each (app, provider) credential a provider refused, why it did."""
    for (app_id, provider), detail in sorted(errors.items()):
        await conn.execute(
            update(credentials)
            .where(credentials.c.app_id == app_id, credentials.c.provider == provider)
            .values(last_error=detail[:1000], last_error_at=now)
        )


async def _append_receipts(
    conn: AsyncConnection, mine: Sequence[Settled], now: datetime
) -> dict[str, int]:
    """The receipts of the written results (the portable path); returns last cursors."""
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
    return {app_id: await log.append(conn, app_id, by_app[app_id]) for app_id in sorted(by_app)}


class DeliveryQueue:
    """Claiming and settling deliveries."""

    def __init__(self, engine: AsyncEngine, signals: Signals) -> None:
        self._engine = engine
        # For the claim (one statement), the reads, a plain settle, completion.
        self._single = single_statements(engine)
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
        async with write_transaction(self._single) as conn:
            rows = (await conn.execute(stmt)).all()
        # The RETURNING columns are Claimed's fields, in order.
        return lease_id, [Claimed._make(r) for r in rows]

    async def recipients(self, device_ids: Sequence[str]) -> dict[str, Recipient]:
        """The devices of claimed deliveries, by id (absent when deleted since)."""
        if not device_ids:
            return {}
        dv = devices.c
        query = select(
            dv.id,
            dv.status,
            dv.provider,
            dv.token_ciphertext,
            dv.locale,
            dv.apns_environment,
            dv.category_preferences,
            dv.quiet_start_minute,
            dv.quiet_end_minute,
            dv.time_zone,
        ).where(one_of(dv.id, device_ids, self._engine.dialect.name))
        async with self._single.connect() as conn:
            rows = (await conn.execute(query)).all()
        return {r.id: _recipient(r) for r in rows}

    async def notifications(self, send_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The stored notification of each send."""
        if not send_ids:
            return {}
        async with self._single.connect() as conn:
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
        # On Postgres a batch without invalidations or credential errors is one statement.
        plain = not any(
            s.transition.invalidate_device or s.transition.credential_error for s in results
        )
        engine = self._single if plain else self._engine
        async with write_transaction(engine) as conn:
            if conn.dialect.name == "postgresql":
                mine, last = await _settle_postgres(conn, lease_id, results, now)
            else:
                mine = await _write_results_portable(conn, lease_id, results, now)
                last = {}
            if not mine:
                return 0
            await invalidate_devices(
                conn, (s.delivery.device_id for s in mine if s.transition.invalidate_device), now
            )
            await record_credential_errors(
                conn,
                {
                    (s.delivery.app_id, s.delivery.provider): s.transition.credential_error
                    for s in mine
                    if s.transition.credential_error
                },
                now,
            )
            if conn.dialect.name != "postgresql":
                last = await _append_receipts(conn, mine, now)
        # Completion is checked after the commit, in its own statement: two batches settling
        # the last deliveries of one send concurrently each see the other's rows as pending
        # inside their own transactions, but whichever checks last sees both committed.
        async with write_transaction(self._single) as conn:
            await mark_complete(conn, [s.delivery.send_id for s in mine], now)
        for app_id, cursor in last.items():
            self._signals.receipts_appended(app_id, cursor)
        if any(s.transition.status is DeliveryStatus.RETRYING for s in mine):
            self._signals.queue_changed()
        return len(mine)

    async def stats(self, now: datetime) -> QueueStats:
        """Deliveries due now (not leased) and the oldest due time."""
        d = deliveries.c
        async with self._single.connect() as conn:
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
