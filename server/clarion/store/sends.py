"""Sends: accepting one durably (send + deliveries + first receipts in one transaction),
reading, listing and cancelling them, and engagement reports.

Fan-out is `INSERT ... SELECT` from the devices table and the first receipts are
`INSERT ... SELECT` from the new deliveries: however large the topic, no recipient passes
through this process's memory. On Postgres the whole send, its admission by the app's
policy included, is one statement; on SQLite a few per batch of sends. Concurrent sends
of one app are group-committed (see `SendStore`), and a Postgres batch is one statement.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, NamedTuple

import psycopg
from sqlalchemy import (
    JSON,
    Row,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    update,
)
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
from clarion.domain.errors import ClarionError, FailedPrecondition, NotFound
from clarion.domain.quota import DEFAULT_DAILY_QUOTA, DailyQuota, quota_day
from clarion.store import receipts as log
from clarion.store.apps import app_disabled, app_not_found, require_app
from clarion.store.audit import AuditEntry, entry_row
from clarion.store.clock import utcnow
from clarion.store.engine import single_statements, write_transaction
from clarion.store.ids import new_id
from clarion.store.policy import SEND_AUDIT_ACTION, admit_sends
from clarion.store.schema import (
    UtcDateTime,
    as_record,
    deliveries,
    device_topics,
    devices,
    one_of,
    sends,
    stored_time,
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
        .where(
            one_of(sends.c.id, send_ids, conn.dialect.name),
            sends.c.completed_at.is_(None),
            ~pending,
        )
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
    """SELECT of one delivery row per addressed device (SQLite; `_SEND_POSTGRES` has its
    own)."""
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


# What both send statements share: the app's admission inputs, and the bump of its receipt
# cursor by the deliveries just written (`fanned`), which locks the cursor row to commit.
_APP_CTE: Final = """app AS (
 SELECT a.disabled, coalesce(nullif(p.daily_quota, 0), $DEFAULT_QUOTA) AS quota
 FROM apps a LEFT JOIN app_policies p ON p.app_id = a.id WHERE a.id = %(app_id)s
)"""
_SEQ_CTE: Final = """seq AS (
 INSERT INTO receipt_sequences AS r (app_id, last_cursor)
 SELECT %(app_id)s, count(*) FROM fanned HAVING count(*) > 0
 ON CONFLICT (app_id) DO UPDATE SET last_cursor = r.last_cursor + excluded.last_cursor
 RETURNING last_cursor
)"""


# The whole send, admission included, as one Postgres statement (`_postgres_sql`).
#
# Run alone in autocommit it is its own transaction: one round trip from the Send to its
# commit. A group-committed batch is one `_SEND_MANY_POSTGRES` (below) when it is admitted
# as a whole, else one of these per send, pipelined in one transaction (_create_postgres).
# The policy's admission (`store.policy.admit_sends` on SQLite) is part of it: the app must
# exist and be enabled, every device named directly must exist (`wanted`), and the daily
# quota must take the deliveries not already suppressed. The quota upsert is conditional:
# its WHERE is checked on the row as locked, so concurrent Sends cannot overrun the quota
# together. Everything else is written only when the gate passes; a refused send writes
# nothing, and the row it yields says why (`_refusal`).
#
# The CTEs all see one snapshot, so later steps read the deliveries from `fanned`'s
# RETURNING, not from the table. The app's receipt cursor row is bumped (and locked until
# commit) inside the statement, as store.receipts requires. NOTIFYs (sent on commit) are
# scalar subqueries of the final SELECT, each run once and only when there is something to
# say. Plain SQL, kept under psycopg's 4,096 characters and 50 parameters: psycopg parses
# longer statements' placeholders anew on every execution.
_SEND_POSTGRES: Final = """
WITH $APP_CTE, chosen AS (
 SELECT d.id, d.user_id, d.provider, $STATUS AS status, $REASON AS reason, $DUE AS due_at
 FROM $SOURCE WHERE d.app_id = %(app_id)s AND $WHERE
), counted AS (
 SELECT count(*) AS total, count(*) FILTER (WHERE status <> '$SUPPRESSED') AS charged
 FROM chosen
), charge AS (
 INSERT INTO daily_counts AS c (app_id, day, notifications)
 SELECT %(app_id)s, %(day)s::date, n.charged FROM counted n, app
 WHERE NOT app.disabled AND n.total >= %(wanted)s AND n.charged > 0
  AND n.charged <= app.quota
 ON CONFLICT (app_id, day) DO UPDATE SET notifications = c.notifications + excluded.notifications
 WHERE c.notifications + excluded.notifications <= (SELECT quota FROM app)
 RETURNING 1
), gate AS (
 SELECT FROM app, counted n WHERE NOT app.disabled AND n.total >= %(wanted)s
  AND (n.charged = 0 OR EXISTS (SELECT FROM charge))
), fanned AS (
 INSERT INTO deliveries (send_id, device_id, app_id, user_id, provider, status, reason,
  provider_code, provider_message_id, attempts, due_at, expires_at, created_at, updated_at)
 SELECT %(send_id)s, id, %(app_id)s, user_id, provider, status, reason, '', '', 0, due_at,
  %(expires)s::timestamp, %(now)s::timestamp, %(now)s::timestamp
 FROM chosen WHERE EXISTS (SELECT FROM gate)
 RETURNING device_id, user_id, provider, status, reason, due_at
), send AS (
 INSERT INTO sends (id, app_id, target_kind, target, notification, send_at,
  idempotency_key, creator, created_at, completed_at)
 SELECT %(send_id)s, %(app_id)s, %(target_kind)s, %(stored_target)s::json,
  %(notification)s::json, %(send_at)s::timestamp, %(idempotency_key)s, %(creator)s,
  %(now)s::timestamp, CASE WHEN EXISTS (SELECT FROM fanned WHERE due_at IS NOT NULL)
  THEN NULL ELSE %(now)s::timestamp END
 WHERE EXISTS (SELECT FROM gate)
), $SEQ_CTE, logged AS (
 INSERT INTO receipts ($RECEIPT_COLUMNS)
 SELECT %(app_id)s, seq.last_cursor - (SELECT count(*) FROM fanned)
  + row_number() OVER (ORDER BY f.device_id), %(send_id)s, f.device_id, f.user_id,
  f.provider, f.status, f.reason, '', '', 0, %(now)s::timestamp
 FROM fanned f, seq
), audited AS (
 INSERT INTO audit_entries (id, app_id, time, actor, action, resource, details)
 SELECT %(audit_id)s, %(app_id)s, %(now)s::timestamp, %(actor)s, %(action)s, %(resource)s,
  json_build_object('outcome', 'accepted', 'target', %(target_kind)s::text,
  'deliveries', n.total::text)
 FROM counted n WHERE EXISTS (SELECT FROM gate)
)
SELECT EXISTS (SELECT FROM gate), (SELECT disabled FROM app), (SELECT quota FROM app),
 n.total, n.charged,
 (SELECT notifications FROM daily_counts WHERE app_id = %(app_id)s AND day = %(day)s::date),
 (SELECT json_object_agg(status, k) FROM (SELECT status, count(*) k FROM fanned
  GROUP BY status) s),
 coalesce((SELECT last_cursor FROM seq), 0),
 (SELECT pg_notify('$RECEIPTS_CHANNEL', %(app_id)s || ' ' || last_cursor) FROM seq),
 (SELECT pg_notify('$QUEUE_CHANNEL', '') WHERE %(initial)s = '$QUEUED'
  AND EXISTS (SELECT FROM fanned WHERE due_at IS NOT NULL))
FROM counted n
"""

# A group-committed batch of several sends as ONE statement (`_SEND_MANY_POSTGRES`): the
# same writes as one `_SEND_POSTGRES` per send, set-based. The sends travel as one JSON
# array (`b`, the i-th element the batch's i-th send; `_create_together`) and their targets
# are unnested into (send, lookup, value) rows (`t`), so one statement text serves every
# batch of sends to devices, installs and users. Admission is all or nothing here: if the
# app is disabled, a named device is missing, or the batch's deliveries together overrun
# the daily quota, it writes nothing and says so (its rows' first column is false), and
# the caller falls back to one `_SEND_POSTGRES` per send, which admits or refuses each in
# turn. When the whole batch fits, admitting it at once is what admitting its sends one
# after another would do: every prefix of the batch fits too. One receipt cursor bump, one
# quota upsert and one of each NOTIFY serve the batch; receipts are numbered in batch order.
_SEND_MANY_POSTGRES: Final = """
WITH $APP_CTE, b AS (
 SELECT * FROM json_to_recordset(%(sends)s::json) AS b(i int, send_id text, kind text,
  target json, notification json, send_at timestamp, idem text, creator text, initial text,
  due timestamp, expires timestamp, wanted int, audit_id text, actor text, resource text,
  k text, targets text[])
), t AS (
 SELECT b.i, b.k, unnest(b.targets) AS v FROM b
), chosen AS (
 SELECT t.i, d.id, d.user_id, d.provider, d.status = '$ACTIVE' AS active
 FROM t JOIN devices d ON d.id = t.v WHERE t.k = 'id' AND d.app_id = %(app_id)s
 UNION ALL SELECT t.i, d.id, d.user_id, d.provider, d.status = '$ACTIVE'
 FROM t JOIN devices d ON d.app_id = %(app_id)s AND d.install_id = t.v WHERE t.k = 'install'
 UNION ALL SELECT t.i, d.id, d.user_id, d.provider, true
 FROM t JOIN devices d ON d.app_id = %(app_id)s AND d.user_id = t.v
 WHERE t.k = 'user' AND d.status = '$ACTIVE'
), counted AS (
 SELECT b.i, count(c.id) AS total, count(c.id) FILTER (WHERE c.active) AS charged
 FROM b LEFT JOIN chosen c ON c.i = b.i GROUP BY b.i HAVING count(c.id) >= min(b.wanted)
), n AS (
 SELECT count(*) = %(size)s AS found, coalesce(sum(charged), 0) AS charged FROM counted
), charge AS (
 INSERT INTO daily_counts AS c (app_id, day, notifications)
 SELECT %(app_id)s, %(day)s::date, n.charged FROM n, app
 WHERE NOT app.disabled AND n.found AND n.charged > 0 AND n.charged <= app.quota
 ON CONFLICT (app_id, day) DO UPDATE SET notifications = c.notifications + excluded.notifications
 WHERE c.notifications + excluded.notifications <= (SELECT quota FROM app)
 RETURNING 1
), gate AS (
 SELECT FROM app, n WHERE NOT app.disabled AND n.found
  AND (n.charged = 0 OR EXISTS (SELECT FROM charge))
), fanned AS (
 INSERT INTO deliveries (send_id, device_id, app_id, user_id, provider, status, reason,
  provider_code, provider_message_id, attempts, due_at, expires_at, created_at, updated_at)
 SELECT b.send_id, c.id, %(app_id)s, c.user_id, c.provider,
  CASE WHEN c.active THEN b.initial ELSE '$SUPPRESSED' END,
  CASE WHEN c.active THEN '' ELSE '$INACTIVE' END, '', '', 0,
  CASE WHEN c.active THEN b.due END, b.expires, %(now)s::timestamp, %(now)s::timestamp
 FROM chosen c JOIN b ON b.i = c.i WHERE EXISTS (SELECT FROM gate)
 RETURNING send_id, device_id, user_id, provider, status, reason
), send AS (
 INSERT INTO sends (id, app_id, target_kind, target, notification, send_at,
  idempotency_key, creator, created_at, completed_at)
 SELECT b.send_id, %(app_id)s, b.kind, b.target, b.notification, b.send_at,
  b.idem, b.creator, %(now)s::timestamp,
  CASE WHEN n.charged = 0 THEN %(now)s::timestamp END
 FROM b JOIN counted n ON n.i = b.i WHERE EXISTS (SELECT FROM gate)
), $SEQ_CTE, logged AS (
 INSERT INTO receipts ($RECEIPT_COLUMNS)
 SELECT %(app_id)s, seq.last_cursor - (SELECT count(*) FROM fanned)
  + row_number() OVER (ORDER BY b.i, f.device_id), f.send_id, f.device_id, f.user_id,
  f.provider, f.status, f.reason, '', '', 0, %(now)s::timestamp
 FROM fanned f JOIN b ON b.send_id = f.send_id, seq
), audited AS (
 INSERT INTO audit_entries (id, app_id, time, actor, action, resource, details)
 SELECT b.audit_id, %(app_id)s, %(now)s::timestamp, b.actor, %(action)s, b.resource,
  json_build_object('outcome', 'accepted', 'target', b.kind, 'deliveries', n.total::text)
 FROM b JOIN counted n ON n.i = b.i WHERE EXISTS (SELECT FROM gate)
)
SELECT EXISTS (SELECT FROM gate), n.total, n.charged, (SELECT last_cursor FROM seq),
 (SELECT pg_notify('$RECEIPTS_CHANNEL', %(app_id)s || ' ' || last_cursor) FROM seq),
 (SELECT pg_notify('$QUEUE_CHANNEL', '')
  WHERE EXISTS (SELECT FROM fanned WHERE status = '$QUEUED'))
FROM b LEFT JOIN counted n ON n.i = b.i ORDER BY b.i
"""

# A device named directly but not ACTIVE is recorded as suppressed, not skipped: the caller
# asked for it by name and deserves to see why nothing went out (as `_chosen` does).
_NAMED_CHOICE: Final = {
    "$STATUS": "CASE WHEN d.status = '$ACTIVE' THEN %(initial)s ELSE '$SUPPRESSED' END",
    "$REASON": "CASE WHEN d.status = '$ACTIVE' THEN '' ELSE '$INACTIVE' END",
    "$DUE": "CASE WHEN d.status = '$ACTIVE' THEN %(due)s::timestamp END",
}
_ACTIVE_CHOICE: Final = {"$STATUS": "%(initial)s", "$REASON": "''", "$DUE": "%(due)s::timestamp"}
_ACTIVE: Final = "d.status = '$ACTIVE'"


@functools.cache
def _postgres_sql(kind: TargetKind) -> str:
    """`_SEND_POSTGRES` for one target kind; list targets bind one array (`= ANY`)."""
    source, choice, where = {
        TargetKind.DEVICE: ("devices d", _NAMED_CHOICE, "d.id = %(target)s"),
        TargetKind.INSTALL: ("devices d", _NAMED_CHOICE, "d.install_id = %(target)s"),
        TargetKind.DEVICES: ("devices d", _NAMED_CHOICE, "d.id = ANY(%(target)s)"),
        TargetKind.USER: ("devices d", _ACTIVE_CHOICE, f"d.user_id = %(target)s AND {_ACTIVE}"),
        TargetKind.USERS: (
            "devices d",
            _ACTIVE_CHOICE,
            f"d.user_id = ANY(%(target)s) AND {_ACTIVE}",
        ),
        TargetKind.TOPIC: (
            "devices d JOIN device_topics t ON t.device_id = d.id",
            _ACTIVE_CHOICE,
            f"t.topic = %(target)s AND {_ACTIVE}",
        ),
    }[kind]
    sql = _SEND_POSTGRES
    for name, value in {**choice, "$SOURCE": source, "$WHERE": where}.items():
        sql = sql.replace(name, value)
    return _filled(sql)


@functools.cache
def _postgres_many_sql() -> str:
    """`_SEND_MANY_POSTGRES`, filled in."""
    return _filled(_SEND_MANY_POSTGRES)


def _filled(sql: str) -> str:
    """`sql` with the constants its template names, its whitespace collapsed (the line
    breaks and indentation are for readers; psycopg's cache limit counts every character)."""
    for name, value in {
        "$APP_CTE": _APP_CTE,
        "$SEQ_CTE": _SEQ_CTE,
        "$DEFAULT_QUOTA": str(DEFAULT_DAILY_QUOTA),
        "$ACTIVE": str(DeviceStatus.ACTIVE),
        "$SUPPRESSED": str(DeliveryStatus.SUPPRESSED),
        "$INACTIVE": DEVICE_INACTIVE,
        "$QUEUED": str(DeliveryStatus.QUEUED),
        "$RECEIPTS_CHANNEL": RECEIPTS_CHANNEL,
        "$QUEUE_CHANNEL": QUEUE_CHANNEL,
        "$RECEIPT_COLUMNS": ", ".join(log.FIRST_RECEIPT_COLUMNS),
    }.items():
        sql = sql.replace(name, value)
    return " ".join(sql.split())


def _refusal(new: NewSend, row: _Admission, now: datetime) -> ClarionError:
    """Why the one-statement send (`_SEND_POSTGRES`) was refused, in the order
    `admit_sends` checks on SQLite; the caller has ruled out missing devices."""
    if row.disabled is None:
        return app_not_found(new.app_id)
    if row.disabled:
        return app_disabled(new.app_id, "sends")
    charged, quota = int(row.charged), DailyQuota(int(row.quota or 0))
    # The snapshot may predate a concurrent Send that took the last of the quota (which the
    # upsert saw, as it locked the row): the count is then at least what refuses this one.
    used = max(int(row.used or 0), quota.limit - charged + 1)
    try:
        quota.check(used, charged, now)
    except ClarionError as refused:
        return refused
    raise AssertionError("the quota refused a send that fits it")


class _Admission(NamedTuple):
    """The row `_SEND_POSTGRES` yields."""

    admitted: bool
    disabled: bool | None
    quota: int | None
    total: int
    charged: int
    used: int | None
    by_status: dict[str, int] | None
    last_cursor: int
    receipts_notified: Any
    queue_notified: Any


def _driver_params(new: NewSend, params: dict[str, Any]) -> dict[str, Any]:
    """`params` (see `_params`) as psycopg binds them for `_postgres_sql`: timestamps naive
    UTC and JSON as text, as the column types would make them; and what only the
    one-statement send needs (the named devices it expects, today's quota day, the audit
    entry's fields)."""
    now = params["now"]
    return {
        **params,
        "stored_target": json.dumps(params["stored_target"]),
        "notification": json.dumps(params["notification"]),
        "send_at": stored_time(params["send_at"]),
        "due": stored_time(params["due"]),
        "expires": stored_time(params["expires"]),
        "now": stored_time(now),
        "wanted": _wanted_count(new),
        "day": quota_day(now),
        **_audit_fields(new, params),
    }


def _audit_fields(new: NewSend, params: dict[str, Any]) -> dict[str, Any]:
    """The audit entry of an accepted send, as `store.audit` would write it."""
    audit = entry_row(
        AuditEntry(
            app_id=new.app_id,
            actor=new.creator,
            action=SEND_AUDIT_ACTION,
            resource=f"apps/{new.app_id}/sends/{params['send_id']}",
        ),
        params["now"],
    )
    return {k: audit[k] for k in ("actor", "action", "resource")} | {"audit_id": audit["id"]}


# How `_SEND_MANY_POSTGRES` looks each target kind's devices up (topics are not among them:
# a batch with a topic send is written one statement per send).
_TOGETHER: Final = {
    TargetKind.DEVICE: "id",
    TargetKind.DEVICES: "id",
    TargetKind.INSTALL: "install",
    TargetKind.USER: "user",
    TargetKind.USERS: "user",
}


def _iso(value: datetime | None) -> str | None:
    stored = stored_time(value)
    return None if stored is None else stored.isoformat()


async def _create_together(
    conn: AsyncConnection, batch: Sequence[NewSend]
) -> list[tuple[Send, int]] | None:
    """Write `batch` (sends of one app to devices, installs and users) as one
    `_SEND_MANY_POSTGRES`, its own transaction (`conn` must be in autocommit). Returns
    each send as written and its last cursor; None when the batch was not admitted as a
    whole, in which case nothing was written."""
    driver: Any = (await conn.get_raw_connection()).driver_connection
    now = utcnow()
    writes = [(new, _params(new, now)) for new in batch]
    rows = []
    for i, (new, params) in enumerate(writes):
        audit = _audit_fields(new, params)
        rows.append(
            {
                "i": i,
                "send_id": params["send_id"],
                "kind": params["target_kind"],
                "target": params["stored_target"],
                "notification": params["notification"],
                "send_at": _iso(params["send_at"]),
                "idem": params["idempotency_key"],
                "creator": params["creator"],
                "initial": params["initial"],
                "due": _iso(params["due"]),
                "expires": _iso(params["expires"]),
                "wanted": _wanted_count(new),
                "audit_id": audit["audit_id"],
                "actor": audit["actor"],
                "resource": audit["resource"],
                "k": _TOGETHER[new.target_kind],
                "targets": sorted(_wanted(new)),
            }
        )
    cursor = driver.cursor()
    with _integrity():
        await cursor.execute(
            _postgres_many_sql(),
            {
                "app_id": writes[0][0].app_id,
                "sends": json.dumps(rows),
                "size": len(rows),
                "day": quota_day(now),
                "now": stored_time(now),
                "action": SEND_AUDIT_ACTION,
            },
        )
    result = await cursor.fetchall()
    if not result[0][0]:
        return None
    # Receipts are numbered in batch order, so each send's last cursor follows from the
    # batch's last one and the sends' delivery counts.
    cursor_before = int(result[0][3] or 0) - sum(int(row[1]) for row in result)
    written = []
    for (new, params), (_, total, charged, *_rest) in zip(writes, result, strict=True):
        counts = DeliveryCounts.of(
            {DeliveryStatus(params["initial"]): charged, DeliveryStatus.SUPPRESSED: total - charged}
        )
        cursor_before += total
        written.append((_stored(new, params, counts), cursor_before if total else 0))
    return written


async def _create_postgres(
    conn: AsyncConnection, batch: Sequence[NewSend]
) -> list[tuple[Send, int] | ClarionError]:
    """Write `batch` (one app's sends) in one round trip; `conn` must be in autocommit.

    A batch of several sends is first written as one statement (`_create_together`); when
    it is not admitted as a whole, or holds a topic send, each send is its own statement
    (`_create_each`), which admits or refuses each in turn. Returns, per send, the send as
    written and its last cursor, or why it was refused (a refusal writes nothing and does
    not disturb the others). A failing statement (an idempotency key taken meanwhile)
    writes nothing of the batch and raises IntegrityError.
    """
    if len(batch) > 1 and all(new.target_kind in _TOGETHER for new in batch):
        written = await _create_together(conn, batch)
        if written is not None:
            return list(written)
    return await _create_each(conn, batch)


@contextlib.contextmanager
def _integrity() -> Iterator[None]:
    """psycopg's IntegrityError as SQLAlchemy's, which SendStore handles."""
    try:
        yield
    except psycopg.IntegrityError as e:
        raise IntegrityError("a send of the batch", None, e) from e


async def _create_each(
    conn: AsyncConnection, batch: Sequence[NewSend]
) -> list[tuple[Send, int] | ClarionError]:
    """Write `batch` as one `_SEND_POSTGRES` per send, run through psycopg directly in
    pipeline mode, all between one BEGIN and COMMIT. A lone send is one statement in
    autocommit, outside the pipeline: entering and leaving one costs a lone statement about
    a third more CPU."""
    driver: Any = (await conn.get_raw_connection()).driver_connection
    now = utcnow()
    writes = [(new, _params(new, now)) for new in batch]
    cursors = []
    with _integrity():
        if len(writes) == 1:
            [(new, params)] = writes
            cursor = driver.cursor()
            await cursor.execute(_postgres_sql(new.target_kind), _driver_params(new, params))
            cursors.append(cursor)
        else:
            async with driver.pipeline(), driver.transaction():
                for new, params in writes:
                    cursor = driver.cursor()
                    sql = _postgres_sql(new.target_kind)
                    await cursor.execute(sql, _driver_params(new, params))
                    cursors.append(cursor)
        rows = [_Admission._make(await cursor.fetchone()) for cursor in cursors]
    outcomes: list[tuple[Send, int] | ClarionError] = []
    for (new, params), row in zip(writes, rows, strict=True):
        if row.admitted:
            counts = DeliveryCounts.of(
                {DeliveryStatus(k): int(v) for k, v in (row.by_status or {}).items()}
            )
            outcomes.append((_stored(new, params, counts), int(row.last_cursor)))
        elif row.disabled is not None and row.total < _wanted_count(new):
            outcomes.append(await _missing_devices(conn, new))
        else:
            outcomes.append(_refusal(new, row, now))
    return outcomes


def _wanted_count(new: NewSend) -> int:
    """How many devices `new` names directly (0 for users and topics, which may have none)."""
    return len(_wanted(new)) if new.target_kind in _NAMED_KINDS else 0


def _params(new: NewSend, now: datetime) -> dict[str, Any]:
    """The bound parameters of a send's statements (both backends)."""
    scheduled = new.send_at is not None and new.send_at > now
    due = new.send_at if scheduled and new.send_at is not None else now
    initial = DeliveryStatus.SCHEDULED if scheduled else DeliveryStatus.QUEUED
    return {
        "send_id": new_id(),
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


def _stored(new: NewSend, params: dict[str, Any], counts: DeliveryCounts) -> Send:
    """The send as written (built from what was written, not read back)."""
    now = params["now"]
    return Send(
        app_id=new.app_id,
        id=params["send_id"],
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


async def _create_portable(
    conn: AsyncConnection, batch: Sequence[NewSend]
) -> list[tuple[Send, int]]:
    """Write one app's `batch` in the caller's transaction (SQLite; the caller runs
    `admit_sends` for it): a statement per step, not per send. The send rows in one
    executemany, the fan-out in one executemany per target kind (each send of a list
    target, whose IN list varies, on its own), then the batch's counts, completions and
    first receipts together. Returns each send and its last cursor; raises NotFound when a
    device named directly does not exist."""
    now = utcnow()
    writes = [(new, _params(new, now)) for new in batch]
    insert_send = _portable_statements(TargetKind.DEVICE)[0]  # the same for every kind
    await conn.execute(insert_send, [params for _, params in writes])
    by_kind: dict[TargetKind, list[dict[str, Any]]] = {}
    for new, params in writes:
        by_kind.setdefault(new.target_kind, []).append(params)
    for kind, group in by_kind.items():
        fan_out = _portable_statements(kind)[1]
        if kind in (TargetKind.DEVICES, TargetKind.USERS):
            for params in group:
                await conn.execute(fan_out, params)
        else:
            await conn.execute(fan_out, group)
    send_ids = [params["send_id"] for _, params in writes]
    # rowcount of INSERT ... SELECT is not reliable across drivers: count what was written.
    counts = await _counts(conn, send_ids)
    # Devices named directly must all exist (users and topics may have none): each one
    # found became a delivery, whatever its status.
    for new, params in writes:
        if new.target_kind in _NAMED_KINDS and counts[params["send_id"]].total < len(_wanted(new)):
            raise await _missing_devices(conn, new)
    await mark_complete(conn, [s for s in send_ids if not counts[s].pending], now)
    cursors = await log.append_for_sends(
        conn, batch[0].app_id, [(s, counts[s].total) for s in send_ids]
    )
    return [
        (_stored(new, params, counts[params["send_id"]]), cursor)
        for (new, params), cursor in zip(writes, cursors, strict=True)
    ]


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
    one transaction. Each send takes its app's receipt cursor row (store/receipts.py) and
    holds it to the commit, so one transaction per send would make concurrent Sends of an
    app wait on that row lock in turn (on Postgres, lock waits measured slower than the
    writes); batching pays for the lock and the commit once. Every caller still returns
    only once its send is committed.

    On Postgres a batch is one round trip: one set-based statement for the whole batch
    (`_SEND_MANY_POSTGRES`) or, when the batch is not admitted as a whole, one statement
    per send (`_SEND_POSTGRES`, its admission included) pipelined between BEGIN and COMMIT,
    where a refused send writes nothing and leaves the others be (`_create_postgres`). On
    SQLite a batch is a statement per step, not per send (`_create_portable`), in the
    process's write turn (`engine.write_transaction`), and its admission follows
    (`admit_sends`), a refusal rolling the batch back. Either way, if the batch fails as a
    whole (unknown device on SQLite, an idempotency race), each of its sends is written
    alone, with its own result.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        signals: Signals,
        *,
        on_commit: Callable[[int], None] | None = None,
    ) -> None:
        self._engine = engine
        self._postgres = engine.dialect.name == "postgresql"
        self._single = single_statements(engine)  # Postgres: a statement, or its own BEGIN
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
                outcomes = await self._create([new for new, _ in batch])
            except Exception:
                _log.debug("sends: a batch of %d rolled back; each is written alone", len(batch))
            else:
                self._answer(batch, outcomes)
                return
        for pending in batch:
            try:
                outcomes = await self._create([pending[0]])
            except Exception as e:
                outcomes = [e]
            self._answer([pending], outcomes)

    def _answer(
        self, batch: Sequence[_Pending], outcomes: Sequence[tuple[Send, int] | Exception]
    ) -> None:
        """Tell each caller its send's outcome, and wake what waits for the written ones."""
        written = []
        for (_, done), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, Exception):
                if not done.done():
                    done.set_exception(outcome)
            else:
                written.append(outcome)
                if not done.done():
                    done.set_result(outcome)
        if written:
            if self._on_commit is not None:
                self._on_commit(len(written))
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

    async def _create(self, batch: Sequence[NewSend]) -> Sequence[tuple[Send, int] | Exception]:
        """Write one app's `batch` in one transaction: each send, its deliveries and their
        first receipts, admitted by the app's policy. Returns each send as stored (built
        from what was written, not read back) and its last cursor, or why it was refused.
        Raises when the transaction failed as a whole."""
        if self._postgres:
            async with self._single.connect() as conn:
                return await _create_postgres(conn, batch)
        try:
            async with write_transaction(self._engine) as conn:
                written = await _create_portable(conn, batch)
                # Disabled app, daily quota, audit: a refusal rolls the whole batch back.
                await admit_sends(conn, batch[0].app_id, _admitted(batch, written), utcnow())
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
