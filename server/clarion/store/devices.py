"""Devices: idempotent registration, lookups, filtered keyset listing, updates and purge.

The store never sees a plaintext token: callers hand it the keyed lookup hash and the
ciphertext (see clarion.secrets.tokens), and every query filters by app.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from clarion.domain.credential_rules import ApnsEnvironment
from clarion.domain.device_rules import Provider, QuietHours
from clarion.domain.devices import Device, DeviceRegistration, DeviceStatus, Platform
from clarion.domain.errors import InvalidArgument, NotFound
from clarion.domain.names import DeviceRef, device_name
from clarion.store.apps import require_app, require_enabled_app
from clarion.store.clock import utcnow
from clarion.store.ids import new_id
from clarion.store.policy import charge_registration
from clarion.store.schema import device_topics, devices


@dataclass(frozen=True, slots=True)
class SealedToken:
    """A device's token as the store keeps it: keyed hash for lookups, ciphertext to send."""

    lookup_hash: bytes
    ciphertext: bytes


@dataclass(frozen=True, slots=True)
class DeviceFilter:
    """ListDevices filters; None matches everything."""

    user_id: str | None = None
    install_id: str | None = None
    provider: Provider | None = None
    status: DeviceStatus | None = None
    topic: str | None = None
    platform: Platform | None = None


def _device(row: Row[Any] | Mapping[str, Any], topics: Sequence[str]) -> Device:
    m = row._mapping if isinstance(row, Row) else row
    start, end = m["quiet_start_minute"], m["quiet_end_minute"]
    env = m["apns_environment"]
    return Device(
        id=m["id"],
        app_id=m["app_id"],
        install_id=m["install_id"],
        user_id=m["user_id"],
        provider=Provider(m["provider"]),
        platform=Platform(m["platform"]),
        token_hint=m["token_hint"],
        apns_environment=ApnsEnvironment(env) if env else None,
        locale=m["locale"],
        time_zone=m["time_zone"],
        app_version=m["app_version"],
        os_version=m["os_version"],
        device_model=m["device_model"],
        topics=tuple(sorted(topics)),
        category_preferences=dict(m["category_preferences"] or {}),
        quiet_hours=QuietHours(start, end) if start is not None and end is not None else None,
        status=DeviceStatus(m["status"]),
        status_reason=m["status_reason"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        last_seen_at=m["last_seen_at"],
    )


async def _topics(conn: AsyncConnection, device_ids: Sequence[str]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {d: [] for d in device_ids}
    if device_ids:
        rows = await conn.execute(
            select(device_topics.c.device_id, device_topics.c.topic).where(
                device_topics.c.device_id.in_(device_ids)
            )
        )
        for device_id, topic in rows:
            result[device_id].append(topic)
    return result


async def _set_topics(
    conn: AsyncConnection, app_id: str, device_id: str, topics: Sequence[str]
) -> None:
    await conn.execute(delete(device_topics).where(device_topics.c.device_id == device_id))
    if topics:
        await conn.execute(
            insert(device_topics),
            [{"device_id": device_id, "app_id": app_id, "topic": t} for t in topics],
        )


def _ref_clause(ref: DeviceRef) -> Any:
    if ref.device_id is not None:
        return devices.c.id == ref.device_id
    return devices.c.install_id == ref.install_id


def _ref_name(ref: DeviceRef) -> str:
    if ref.device_id is not None:
        return device_name(ref.app_id, ref.device_id)
    return f"apps/{ref.app_id}/installs/{ref.install_id}"


class DeviceStore:
    """Queries on devices."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def register(
        self, app_id: str, reg: DeviceRegistration, token: SealedToken
    ) -> tuple[Device, bool]:
        """Insert or update the device with this install id (else this token).

        Returns the device and whether it was created. Two registrations racing for the same
        install id or token meet the unique constraints; the loser retries and updates.
        """
        for attempt in range(3):
            try:
                return await self._register_once(app_id, reg, token)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _register_once(
        self, app_id: str, reg: DeviceRegistration, token: SealedToken
    ) -> tuple[Device, bool]:
        now = utcnow()
        async with self._engine.begin() as conn:
            await require_enabled_app(conn, app_id, "registrations")
            await charge_registration(conn, app_id, reg.user_id, now)
            by_install = None
            if reg.install_id is not None:
                by_install = (
                    await conn.execute(
                        select(devices.c.id).where(
                            devices.c.app_id == app_id, devices.c.install_id == reg.install_id
                        )
                    )
                ).scalar()
            by_token = (
                await conn.execute(
                    select(devices.c.id, devices.c.install_id).where(
                        devices.c.app_id == app_id,
                        devices.c.provider == reg.provider,
                        devices.c.token_hash == token.lookup_hash,
                    )
                )
            ).first()

            values: dict[str, Any] = {
                "user_id": reg.user_id,
                "provider": str(reg.provider),
                "platform": str(reg.platform),
                "token_hash": token.lookup_hash,
                "token_ciphertext": token.ciphertext,
                "token_hint": reg.token_hint,
                "apns_environment": str(reg.apns_environment) if reg.apns_environment else None,
                "status": str(DeviceStatus.ACTIVE),
                "status_reason": "",
                "updated_at": now,
                "last_seen_at": now,
            }
            # Registration carries the device's current state; empty optional fields keep what
            # is stored, except user_id: an app that registers without one has logged out, and
            # must stop receiving the previous user's notifications.
            for name in ("locale", "time_zone", "app_version", "os_version", "device_model"):
                if getattr(reg, name):
                    values[name] = getattr(reg, name)
            if reg.category_preferences:
                values["category_preferences"] = dict(reg.category_preferences)
            if reg.quiet_hours is not None:
                values["quiet_start_minute"] = reg.quiet_hours.start_minute
                values["quiet_end_minute"] = reg.quiet_hours.end_minute

            target: str | None = by_install
            if by_token is not None and by_token.id != by_install:
                if by_install is None and (
                    reg.install_id is None or by_token.install_id in (None, reg.install_id)
                ):
                    target = by_token.id  # same token, same (or no) install: that device
                else:
                    # The token moved to another install: the old registration is stale.
                    await conn.execute(
                        update(devices)
                        .where(devices.c.id == by_token.id)
                        .values(
                            token_hash=None,
                            status=str(DeviceStatus.REVOKED),
                            status_reason="token_moved",
                            updated_at=now,
                        )
                    )
            if reg.install_id is not None:
                values["install_id"] = reg.install_id

            if target is None:
                device_id = new_id()
                await conn.execute(
                    insert(devices).values(
                        id=device_id,
                        app_id=app_id,
                        created_at=now,
                        **{
                            "install_id": None,
                            "locale": "",
                            "time_zone": "",
                            "app_version": "",
                            "os_version": "",
                            "device_model": "",
                            "category_preferences": {},
                            **values,
                        },
                    )
                )
                created = True
            else:
                device_id = target
                await conn.execute(
                    update(devices).where(devices.c.id == device_id).values(**values)
                )
                created = False
            if reg.topics or created:
                await _set_topics(conn, app_id, device_id, reg.topics)
            device = await self._load(conn, app_id, DeviceRef(app_id, device_id=device_id))
        return device, created

    async def _load(self, conn: AsyncConnection, app_id: str, ref: DeviceRef) -> Device:
        row = (
            await conn.execute(select(devices).where(devices.c.app_id == app_id, _ref_clause(ref)))
        ).first()
        if row is None:
            await require_app(conn, app_id)
            raise NotFound(_ref_name(ref), reason="DEVICE_NOT_FOUND")
        topics = await _topics(conn, [row.id])
        return _device(row, topics[row.id])

    async def get(self, ref: DeviceRef) -> Device:
        """One device by id or install id; NOT_FOUND when the app or device is missing."""
        async with self._engine.connect() as conn:
            return await self._load(conn, ref.app_id, ref)

    async def list(
        self, app_id: str, flt: DeviceFilter, after: str | None, limit: int
    ) -> list[Device]:
        """Devices matching `flt`, in id (creation) order, after `after`."""
        query = select(devices).where(devices.c.app_id == app_id)
        if flt.user_id is not None:
            query = query.where(devices.c.user_id == flt.user_id)
        if flt.install_id is not None:
            query = query.where(devices.c.install_id == flt.install_id)
        if flt.provider is not None:
            query = query.where(devices.c.provider == str(flt.provider))
        if flt.status is not None:
            query = query.where(devices.c.status == str(flt.status))
        if flt.platform is not None:
            query = query.where(devices.c.platform == str(flt.platform))
        if flt.topic is not None:
            query = query.where(
                devices.c.id.in_(
                    select(device_topics.c.device_id).where(
                        device_topics.c.app_id == app_id, device_topics.c.topic == flt.topic
                    )
                )
            )
        if after is not None:
            query = query.where(devices.c.id > after)
        query = query.order_by(devices.c.id).limit(limit)
        async with self._engine.connect() as conn:
            await require_app(conn, app_id)
            rows = (await conn.execute(query)).all()
            topics = await _topics(conn, [row.id for row in rows])
        return [_device(row, topics[row.id]) for row in rows]

    async def update(self, ref: DeviceRef, changes: Mapping[str, object]) -> Device:
        """Apply validated UpdateDevice changes ({field: value}); the device counts as seen."""
        now = utcnow()
        values: dict[str, Any] = {"updated_at": now, "last_seen_at": now}
        for name, value in changes.items():
            if name == "quiet_hours":
                hours = value if isinstance(value, QuietHours) else None
                values["quiet_start_minute"] = hours.start_minute if hours else None
                values["quiet_end_minute"] = hours.end_minute if hours else None
            elif name != "topics":
                values[name] = value
        async with self._engine.begin() as conn:
            device = await self._load(conn, ref.app_id, ref)
            await conn.execute(update(devices).where(devices.c.id == device.id).values(**values))
            if "topics" in changes:
                topics = changes["topics"]
                assert isinstance(topics, tuple)
                await _set_topics(conn, ref.app_id, device.id, topics)
            return await self._load(conn, ref.app_id, DeviceRef(ref.app_id, device_id=device.id))

    async def revoke(self, ref: DeviceRef) -> Device:
        """Mark a device REVOKED (idempotent)."""
        async with self._engine.begin() as conn:
            device = await self._load(conn, ref.app_id, ref)
            if device.status is not DeviceStatus.REVOKED:
                await conn.execute(
                    update(devices)
                    .where(devices.c.id == device.id)
                    .values(
                        status=str(DeviceStatus.REVOKED),
                        status_reason="unregistered",
                        updated_at=utcnow(),
                    )
                )
            return await self._load(conn, ref.app_id, DeviceRef(ref.app_id, device_id=device.id))

    async def change_topics(
        self, ref: DeviceRef, add: Sequence[str], remove: Sequence[str], limit: int
    ) -> Device:
        """Add and remove topic subscriptions; more than `limit` in all is INVALID_ARGUMENT."""
        async with self._engine.begin() as conn:
            device = await self._load(conn, ref.app_id, ref)
            topics = (set(device.topics) | set(add)) - set(remove)
            if len(topics) > limit:
                raise InvalidArgument.field(
                    "topics",
                    f"a device may subscribe to at most {limit} topics",
                    reason="TOO_MANY_TOPICS",
                )
            await _set_topics(conn, ref.app_id, device.id, sorted(topics))
            await conn.execute(
                update(devices).where(devices.c.id == device.id).values(updated_at=utcnow())
            )
            return await self._load(conn, ref.app_id, DeviceRef(ref.app_id, device_id=device.id))

    async def purge_stale(self, app_id: str, seen_before: datetime, dry_run: bool) -> int:
        """Delete (or count) the app's devices last seen before `seen_before`."""
        where = (devices.c.app_id == app_id, devices.c.last_seen_at < seen_before)
        async with self._engine.begin() as conn:
            await require_app(conn, app_id)
            count = int(
                await conn.scalar(select(func.count()).select_from(devices).where(*where)) or 0
            )
            if not dry_run and count:
                stale = select(devices.c.id).where(*where)
                # Topics first: SQLite enforces the cascade only with foreign keys on, and this
                # must not depend on a connection setting.
                await conn.execute(
                    delete(device_topics).where(device_topics.c.device_id.in_(stale))
                )
                await conn.execute(delete(devices).where(*where))
        return count

    async def sealed_token(self, app_id: str, device_id: str) -> bytes:
        """The stored ciphertext of a device's token (for delivery, and for tests)."""
        async with self._engine.connect() as conn:
            value = await conn.scalar(
                select(devices.c.token_ciphertext).where(
                    devices.c.app_id == app_id, devices.c.id == device_id
                )
            )
        if value is None:
            raise NotFound(device_name(app_id, device_id), reason="DEVICE_NOT_FOUND")
        return bytes(value)
