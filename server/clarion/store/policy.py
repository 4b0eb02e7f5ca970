"""App policies and the counters that enforce them: the daily quota, registration rate and
what the dispatcher's per-delivery policy reads (`PolicyReader`).

The policy row is optional: an app that never changed its policy has the defaults
(`AppPolicy()`). The counters are charged inside the caller's transaction (the send's, the
registration's), so a refusal rolls everything back and "nothing is written" holds:

- `admit_sends` (called once per group-committed batch of one app's sends) refuses a
  disabled app, then bumps the app's row for the UTC day with an upsert whose row lock
  orders concurrent writers, then checks the new total; over the limit it raises and the
  sends' transaction (the counter bump included) is rolled back. It also audits the sends.
- `charge_registration` counts the user's registrations of the last hour and records this
  one. Two registrations of one user racing may both pass at the limit (no row to lock):
  the limit is against churn, not a billing counter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import Row, delete, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from clarion.domain.app_policy import AppPolicy, check_registration_rate
from clarion.domain.categories import Category
from clarion.domain.deliveries import DeliveryCounts, TargetKind
from clarion.domain.device_rules import QuietHours
from clarion.domain.frequency import HOUR, FrequencyCaps
from clarion.domain.privacy import PrivacyMode
from clarion.domain.quiet_hours import QuietHoursMode
from clarion.domain.quota import DailyQuota, quota_day
from clarion.store.apps import app_disabled, app_not_found, require_app
from clarion.store.audit import AuditEntry, record_many
from clarion.store.categories import load_categories
from clarion.store.clock import utcnow
from clarion.store.engine import single_statements
from clarion.store.ids import new_id
from clarion.store.schema import (
    app_policies,
    apps,
    daily_counts,
    frequency_events,
    registrations,
)


def _seconds(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


def _duration(value: int | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)


def policy_row(policy: AppPolicy) -> dict[str, Any]:
    """The `app_policies` columns for a policy (without app_id)."""
    hours = policy.quiet_hours
    return {
        "daily_quota": policy.daily_quota,
        "registrations_per_user_hour": policy.registrations_per_user_hour,
        "quiet_start_minute": hours.start_minute if hours else None,
        "quiet_end_minute": hours.end_minute if hours else None,
        "quiet_hours_mode": str(policy.quiet_hours_mode),
        "frequency_cap_hour": policy.caps.per_hour,
        "frequency_cap_day": policy.caps.per_day,
        "privacy_mode": str(policy.privacy_mode),
        "generic_title": policy.generic_title,
        "generic_body": policy.generic_body,
        "stale_device_retention_seconds": _seconds(policy.stale_device_retention),
        "receipt_retention_seconds": _seconds(policy.receipt_retention),
        "updated_at": policy.updated_at,
    }


def policy_of(row: Row[Any] | None) -> AppPolicy:
    """The policy a row holds; the defaults without one."""
    if row is None:
        return AppPolicy()
    m = row._mapping
    start, end = m["quiet_start_minute"], m["quiet_end_minute"]
    return AppPolicy(
        daily_quota=int(m["daily_quota"]),
        registrations_per_user_hour=m["registrations_per_user_hour"],
        quiet_hours=QuietHours(start, end) if start is not None and end is not None else None,
        quiet_hours_mode=QuietHoursMode(m["quiet_hours_mode"]),
        caps=FrequencyCaps(m["frequency_cap_hour"], m["frequency_cap_day"]),
        privacy_mode=PrivacyMode(m["privacy_mode"]),
        generic_title=m["generic_title"],
        generic_body=m["generic_body"],
        stale_device_retention=_duration(m["stale_device_retention_seconds"]),
        receipt_retention=_duration(m["receipt_retention_seconds"]),
        updated_at=m["updated_at"],
    )


async def load_policy(conn: AsyncConnection, app_id: str) -> AppPolicy:
    """The app's policy (the defaults when it has no row)."""
    row = (await conn.execute(select(app_policies).where(app_policies.c.app_id == app_id))).first()
    return policy_of(row)


async def load_policies(conn: AsyncConnection, app_ids: set[str]) -> dict[str, AppPolicy]:
    """The policies of several apps at once (the dispatcher's batch)."""
    found = {
        row.app_id: policy_of(row)
        for row in await conn.execute(
            select(app_policies).where(app_policies.c.app_id.in_(sorted(app_ids)))
        )
    }
    return {a: found.get(a, AppPolicy()) for a in app_ids}


async def notifications_today(conn: AsyncConnection, app_id: str, now: datetime) -> int:
    """Notifications counted against the app's quota for the UTC day of `now`."""
    value = await conn.scalar(
        select(daily_counts.c.notifications).where(
            daily_counts.c.app_id == app_id, daily_counts.c.day == quota_day(now)
        )
    )
    return int(value or 0)


#: The audit action of an accepted send (here on SQLite, in the send statement on Postgres).
SEND_AUDIT_ACTION: Final = "push.attempt"


async def admit_sends(
    conn: AsyncConnection,
    app_id: str,
    accepted: Sequence[tuple[str, str, TargetKind, DeliveryCounts]],
    now: datetime,
) -> None:
    """The policy's word on sends just written in the caller's transaction (one app's
    group-committed batch): FAILED_PRECONDITION `APP_DISABLED` for a disabled app, then the
    daily quota charged with every delivery not already suppressed (RESOURCE_EXHAUSTED
    `DAILY_QUOTA_EXCEEDED` over it), then one `push.attempt` audit entry per send. A refusal
    raises, and the caller's transaction must roll back: nothing of the sends remains.

    `accepted` holds (send id, creator, target kind, counts) per send. Three statements per
    batch, whatever its size.
    """
    row = (
        await conn.execute(
            select(apps.c.disabled, app_policies.c.daily_quota)
            .select_from(apps.outerjoin(app_policies, app_policies.c.app_id == apps.c.id))
            .where(apps.c.id == app_id)
        )
    ).first()
    if row is None:
        raise app_not_found(app_id)
    if row.disabled:
        raise app_disabled(app_id, "sends")
    count = sum(c.total - c.suppressed for _, _, _, c in accepted)
    await _charge_quota(conn, app_id, count, DailyQuota.from_setting(row.daily_quota or 0), now)
    await record_many(
        conn,
        [
            AuditEntry(
                app_id=app_id,
                actor=creator,
                action=SEND_AUDIT_ACTION,
                resource=f"apps/{app_id}/sends/{send_id}",
                details={
                    "outcome": "accepted",
                    "target": str(kind),
                    "deliveries": str(counts.total),
                },
            )
            for send_id, creator, kind, counts in accepted
        ],
        now,
    )


async def _charge_quota(
    conn: AsyncConnection, app_id: str, count: int, quota: DailyQuota, now: datetime
) -> None:
    """Count `count` notifications against today's quota, or raise ResourceExhausted
    (`DAILY_QUOTA_EXCEEDED`); the caller's transaction must then roll back."""
    if count <= 0:
        return
    day = quota_day(now)
    upsert = (
        postgresql.insert(daily_counts)
        if conn.dialect.name == "postgresql"
        else sqlite.insert(daily_counts)
    )
    stmt = (
        upsert.values(app_id=app_id, day=day, notifications=count)
        .on_conflict_do_update(
            index_elements=[daily_counts.c.app_id, daily_counts.c.day],
            set_={"notifications": daily_counts.c.notifications + count},
        )
        .returning(daily_counts.c.notifications)
    )
    total = int((await conn.execute(stmt)).scalar_one())
    quota.check(total - count, count, now)


async def charge_registration(
    conn: AsyncConnection, app_id: str, user_id: str | None, now: datetime
) -> None:
    """Record one registration of `user_id`, or raise ResourceExhausted
    (`REGISTRATION_RATE_EXCEEDED`) when the user is at the app's hourly limit. Registrations
    without a user are not limited (the limit is per user)."""
    if not user_id:
        return
    r = registrations.c
    policy = await load_policy(conn, app_id)
    # Older rows are never counted again: drop them as we go, so the table stays small.
    await conn.execute(
        delete(registrations).where(r.app_id == app_id, r.user_id == user_id, r.at <= now - HOUR)
    )
    recent = await conn.execute(select(r.at).where(r.app_id == app_id, r.user_id == user_id))
    check_registration_rate([row.at for row in recent], now, policy.registration_limit)
    await conn.execute(
        insert(registrations).values(id=new_id(), app_id=app_id, user_id=user_id, at=now)
    )


@dataclass(frozen=True, slots=True)
class PolicyStore:
    """Reading and changing an app's policy."""

    engine: AsyncEngine

    async def get(self, app_id: str) -> AppPolicy:
        """The policy; NOT_FOUND for an unknown app."""
        async with self.engine.connect() as conn:
            await require_app(conn, app_id)
            return await load_policy(conn, app_id)

    async def put(self, app_id: str, policy: AppPolicy) -> AppPolicy:
        """Store the whole policy (the API merged the masked fields into the current one)."""
        now = utcnow()
        values = policy_row(policy) | {"updated_at": now}
        async with self.engine.begin() as conn:
            await require_app(conn, app_id)
            changed = await conn.execute(
                update(app_policies).where(app_policies.c.app_id == app_id).values(**values)
            )
            if changed.rowcount == 0:
                await conn.execute(insert(app_policies).values(app_id=app_id, **values))
            return await load_policy(conn, app_id)


# --- what the dispatcher's policy stage reads, per batch ----------------------------------


@dataclass(frozen=True, slots=True)
class PolicyInputs:
    """Everything one batch's decisions read, loaded in a handful of queries."""

    disabled_apps: frozenset[str]
    policies: dict[str, AppPolicy]
    categories: dict[tuple[str, str], Category]
    # (app, user) -> {send id: instant} of the user's deliveries the policy let through.
    sent: dict[tuple[str, str], dict[str, datetime]]


@dataclass(frozen=True, slots=True)
class FrequencyEvent:
    """A delivery the policy let through, at the instant it goes out."""

    app_id: str
    user_id: str
    send_id: str
    device_id: str
    at: datetime


class PolicyReader:
    """Batch reads for the dispatcher's policy stage, and the frequency caps' memory."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._single = single_statements(engine)

    async def inputs(
        self,
        app_ids: set[str],
        category_keys: set[tuple[str, str]],
        users: set[tuple[str, str]],
        since: datetime,
    ) -> PolicyInputs:
        """Apps' state and policies, the named categories and the users' deliveries since
        `since` (only for apps with caps). The devices come with the claim's recipients
        (store.queue), read once for the policy and for sending."""
        async with self._single.connect() as conn:
            disabled = {
                r.id
                for r in await conn.execute(
                    select(apps.c.id).where(apps.c.id.in_(sorted(app_ids)), apps.c.disabled)
                )
            }
            policies = await load_policies(conn, app_ids)
            found = await load_categories(conn, category_keys)
            capped = sorted(u for u in users if policies[u[0]].caps != FrequencyCaps())
            sent: dict[tuple[str, str], dict[str, datetime]] = {}
            if capped:
                f = frequency_events.c
                events = await conn.execute(
                    select(f.app_id, f.user_id, f.send_id, f.at).where(
                        tuple_(f.app_id, f.user_id).in_(capped), f.at > since
                    )
                )
                for e in events:
                    sent.setdefault((e.app_id, e.user_id), {})[e.send_id] = e.at
        return PolicyInputs(frozenset(disabled), policies, found, sent)

    async def record(self, events: list[FrequencyEvent], older_than: datetime) -> None:
        """Remember deliveries for the caps (a delivery seen again keeps one row, at its
        latest instant), and forget these users' events older than `older_than`."""
        if not events:
            return
        f = frequency_events.c
        rows = [
            {
                "send_id": e.send_id,
                "device_id": e.device_id,
                "app_id": e.app_id,
                "user_id": e.user_id,
                "at": e.at,
            }
            for e in events
        ]
        async with self._engine.begin() as conn:
            upsert = (
                postgresql.insert(frequency_events)
                if conn.dialect.name == "postgresql"
                else sqlite.insert(frequency_events)
            )
            await conn.execute(
                upsert.on_conflict_do_update(
                    index_elements=[f.send_id, f.device_id], set_={"at": upsert.excluded.at}
                ),
                rows,
            )
            users = sorted({(e.app_id, e.user_id) for e in events})
            await conn.execute(
                delete(frequency_events).where(
                    tuple_(f.app_id, f.user_id).in_(users), f.at <= older_than
                )
            )
