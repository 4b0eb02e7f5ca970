"""The retention sweep on both databases: stale devices and old receipts go, by each app's
policy; what is recent stays; each sweep is audited by `system`."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import grpc
import sqlalchemy as sa
from google.protobuf import duration_pb2, field_mask_pb2

from clarion.store.schema import devices, receipts
from clarion.v1 import (
    device_registry_service_pb2,
    policy_admin_service_pb2,
    policy_pb2,
    provider_pb2,
    push_sender_service_pb2,
    receipt_pb2,
    send_pb2,
)
from delivery_kit import PushApp, note, push_app
from harness import Api, ProviderFakes, Server, expect_error

P = policy_admin_service_pb2
DAY = 86400


def backdate(
    server: Server, table: sa.Table, where: sa.ColumnElement[bool], **values: object
) -> None:
    engine = server.sync_engine()
    try:
        with engine.begin() as conn:
            conn.execute(sa.update(table).where(where).values(**values))
    finally:
        engine.dispose()


def receipt_count(server: Server, app_id: str) -> int:
    engine = server.sync_engine()
    try:
        with engine.connect() as conn:
            return int(
                conn.scalar(
                    sa.select(sa.func.count())
                    .select_from(receipts)
                    .where(receipts.c.app_id == app_id)
                )
                or 0
            )
    finally:
        engine.dispose()


async def two_devices_and_a_send(push: PushApp) -> tuple[str, str, str]:
    old = await push.register(provider_pb2.PROVIDER_APNS, user_id="ret")
    fresh = await push.register(provider_pb2.PROVIDER_APNS, user_id="ret")
    send = await push.send(send_pb2.Target(user_id="ret"), note())
    await push.settled(send.name)
    return old.name, fresh.name, send.name


async def test_the_sweep_applies_each_apps_retention(
    api: Api, server: Server, fakes: ProviderFakes
) -> None:
    short = await push_app(api, fakes)
    await api.admin(
        api.admin.admin.UpdateAppPolicy,
        P.UpdateAppPolicyRequest(
            policy=policy_pb2.AppPolicy(
                name=f"{short.parent}/policy",
                stale_device_retention=duration_pb2.Duration(seconds=DAY),
                receipt_retention=duration_pb2.Duration(seconds=2 * DAY),
            ),
            update_mask=field_mask_pb2.FieldMask(
                paths=["stale_device_retention", "receipt_retention"]
            ),
        ),
    )
    default = await push_app(api, fakes)  # 90 days of devices, 30 of receipts
    long_ago = datetime.now(UTC) - timedelta(days=3)
    kept_by_default = []
    for push in (short, default):
        old, fresh, send = await two_devices_and_a_send(push)
        old_id = old.rsplit("/", 1)[1]
        await asyncio.to_thread(
            backdate, server, devices, devices.c.id == old_id, last_seen_at=long_ago
        )
        await asyncio.to_thread(
            backdate,
            server,
            receipts,
            (receipts.c.app_id == push.app.id) & (receipts.c.send_id == send.rsplit("/", 1)[1]),
            time=long_ago,
        )
        kept_by_default.append((old, fresh))
    before = await asyncio.to_thread(receipt_count, server, default.app.id)
    await short.send(send_pb2.Target(user_id="ret"), note())  # a recent receipt stays

    assert server.clarion.retention is not None
    swept = await server.clarion.retention.run_once()
    mine = {s.app_id: s for s in swept if s.app_id in (short.app.id, default.app.id)}
    assert set(mine) == {short.app.id}
    assert mine[short.app.id].devices == 1 and mine[short.app.id].receipts >= 2

    (old, fresh), (default_old, default_fresh) = kept_by_default
    await expect_error(
        short.writer(
            short.writer.devices.GetDevice, device_registry_service_pb2.GetDeviceRequest(name=old)
        ),
        grpc.StatusCode.NOT_FOUND,
        "DEVICE_NOT_FOUND",
    )
    for push, name in ((short, fresh), (default, default_old), (default, default_fresh)):
        await push.writer(
            push.writer.devices.GetDevice, device_registry_service_pb2.GetDeviceRequest(name=name)
        )
    assert await asyncio.to_thread(receipt_count, server, default.app.id) == before
    assert await asyncio.to_thread(receipt_count, server, short.app.id) >= 1

    # A watcher from the start sees only what is retained.
    stream = short.watcher.push.WatchReceipts(
        push_sender_service_pb2.WatchReceiptsRequest(
            parent=short.parent, start=receipt_pb2.START_POSITION_EARLIEST
        ),
        metadata=short.watcher.metadata,
    )
    first = await asyncio.wait_for(stream.read(), 10)
    stream.cancel()
    assert first.receipt.time.ToDatetime(tzinfo=UTC) > long_ago + timedelta(days=1)

    audit = await api.admin(
        api.admin.admin.ListAuditEntries,
        P.ListAuditEntriesRequest(parent=short.parent, action_prefix="retention."),
    )
    (entry,) = audit.entries
    assert (entry.actor, entry.details["devices"]) == ("system", "1")
