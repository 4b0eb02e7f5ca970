"""The receipt log: every status change of every delivery, per app, in cursor order.

Cursors must become visible in order, or a watcher that read up to cursor 10 could later
miss cursor 9 committed late. So cursors are not a sequence (whose values commit in any
order) but a per-app counter row in `receipt_sequences`, bumped inside the writing
transaction as its last step: the row lock makes writers of one app commit in cursor
order, and it is held only for the receipt insert and the commit. Writers of different
apps never wait for each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Row, func, insert, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from clarion.domain.deliveries import DeliveryStatus, Receipt
from clarion.store.schema import as_record, deliveries, one_of, receipt_sequences, receipts
from clarion.store.signals import notify_receipts

#: The columns a send's first receipts are written to, in the order of the SELECT that
#: numbers them (store/sends.py builds the same SELECT inside its one-statement send).
FIRST_RECEIPT_COLUMNS: Final = (
    "app_id",
    "cursor",
    "send_id",
    "device_id",
    "user_id",
    "provider",
    "status",
    "reason",
    "provider_code",
    "action_id",
    "attempt",
    "time",
)


async def allocate(conn: AsyncConnection, app_id: str, count: int) -> int:
    """Reserve `count` cursors of `app_id`'s log; returns the first. Call last in the txn."""
    upsert = (
        postgresql.insert(receipt_sequences)
        if conn.dialect.name == "postgresql"
        else sqlite.insert(receipt_sequences)
    )
    stmt = (
        upsert.values(app_id=app_id, last_cursor=count)
        .on_conflict_do_update(
            index_elements=[receipt_sequences.c.app_id],
            set_={"last_cursor": receipt_sequences.c.last_cursor + count},
        )
        .returning(receipt_sequences.c.last_cursor)
    )
    last = int((await conn.execute(stmt)).scalar_one())
    return last - count + 1


async def append(conn: AsyncConnection, app_id: str, rows: Sequence[Mapping[str, Any]]) -> int:
    """Append receipts (dicts of the `receipts` columns except app_id and cursor) in order.

    Returns the last cursor (0 when `rows` is empty). The caller's transaction commits them.
    """
    if not rows:
        return 0
    first = await allocate(conn, app_id, len(rows))
    await conn.execute(
        insert(receipts),
        [{**row, "app_id": app_id, "cursor": first + i} for i, row in enumerate(rows)],
    )
    last = first + len(rows) - 1
    await notify_receipts(conn, app_id, last)
    return last


async def append_for_sends(
    conn: AsyncConnection, app_id: str, new_sends: Sequence[tuple[str, int]]
) -> list[int]:
    """Append the first receipts of new sends, given as (send id, deliveries), server-side.

    One INSERT ... SELECT over the sends' deliveries, numbered by send id, then device id:
    however large the fan-out, nothing passes through Python. Send ids are made in
    increasing order (store.ids), so sends made in turn are numbered in turn. Returns each
    send's last cursor (0 for a send without deliveries).
    """
    total = sum(count for _, count in new_sends)
    if total == 0:
        return [0] * len(new_sends)
    first = await allocate(conn, app_id, total)
    d = deliveries.c
    numbered = select(
        d.app_id,
        (literal(first - 1) + func.row_number().over(order_by=(d.send_id, d.device_id))).label(
            "cursor"
        ),
        d.send_id,
        d.device_id,
        d.user_id,
        d.provider,
        d.status,
        d.reason,
        literal("").label("provider_code"),
        literal("").label("action_id"),
        literal(0).label("attempt"),
        d.created_at,
    ).where(one_of(d.send_id, [send_id for send_id, _ in new_sends], conn.dialect.name))
    await conn.execute(insert(receipts).from_select(FIRST_RECEIPT_COLUMNS, numbered))
    last: dict[str, int] = {}
    cursor = first - 1
    for send_id, count in sorted(new_sends):
        cursor += count
        last[send_id] = cursor if count else 0
    await notify_receipts(conn, app_id, cursor)
    return [last[send_id] for send_id, _ in new_sends]


def _receipt(row: Row[Any]) -> Receipt:
    return as_record(Receipt, row, cursor=int(row.cursor), status=DeliveryStatus(row.status))


async def _last(conn: AsyncConnection, app_id: str) -> int:
    last = await conn.execute(
        select(receipt_sequences.c.last_cursor).where(receipt_sequences.c.app_id == app_id)
    )
    return int(last.scalar_one_or_none() or 0)


class ReceiptLog:
    """Reading an app's log."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def bounds(self, app_id: str) -> tuple[int, int]:
        """(first retained cursor, last cursor); (0, 0) for an empty log."""
        async with self._engine.connect() as conn:
            first = (
                await conn.execute(
                    select(func.min(receipts.c.cursor)).where(receipts.c.app_id == app_id)
                )
            ).scalar_one_or_none()
            return int(first or 0), await _last(conn, app_id)

    async def last(self, app_id: str) -> int:
        """The last cursor of `app_id`'s log (0 when empty); every receipt up to it is visible."""
        async with self._engine.connect() as conn:
            return await _last(conn, app_id)

    async def read(
        self,
        app_id: str,
        after: int,
        upto: int,
        *,
        send_id: str | None = None,
        statuses: frozenset[DeliveryStatus] = frozenset(),
        limit: int = 1000,
    ) -> list[Receipt]:
        """Receipts with `after < cursor <= upto` matching the filters, in cursor order."""
        r = receipts.c
        query = (
            select(receipts)
            .where(r.app_id == app_id, r.cursor > after, r.cursor <= upto)
            .order_by(r.cursor)
            .limit(limit)
        )
        if send_id is not None:
            query = query.where(r.send_id == send_id)
        if statuses:
            query = query.where(r.status.in_(sorted(statuses)))
        async with self._engine.connect() as conn:
            return [_receipt(row) for row in await conn.execute(query)]


def receipt_row(
    *,
    send_id: str,
    device_id: str,
    user_id: str | None,
    provider: str,
    status: DeliveryStatus,
    time: datetime,
    attempt: int,
    reason: str = "",
    provider_code: str = "",
    action_id: str = "",
) -> dict[str, Any]:
    """One receipt for `append`."""
    return {
        "send_id": send_id,
        "device_id": device_id,
        "user_id": user_id,
        "provider": provider,
        "status": str(status),
        "reason": reason,
        "provider_code": provider_code[:128],
        "action_id": action_id,
        "attempt": attempt,
        "time": time,
    }
