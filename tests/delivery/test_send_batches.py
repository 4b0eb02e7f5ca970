"""A group-committed batch of sends is written as the same sends written one by one would be.

On Postgres a batch's single-target sends (device, install, user, topic) are written by
one statement per kind (store/sends.py); bulk sends and SQLite write each send alone. The
test writes one mixed batch for one app in a single commit and the same sends one at a
time for a twin app with the same devices, then compares what was stored: the sends, their
counts and completion, every delivery, every first receipt, and a gap-free cursor log."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from clarion.domain.deliveries import TargetKind
from clarion.domain.notifications import Notification, notification_to_json
from clarion.store.engine import create_engine
from clarion.store.schema import deliveries, receipts, sends
from clarion.store.sends import NewSend, SendStore
from clarion.store.signals import Signals
from clarion.v1 import device_pb2, device_registry_service_pb2, provider_pb2
from delivery_kit import PushApp, apns_token, fcm_token, push_app
from harness import Api, ProviderFakes, Server

# (provider, user, install, topics, revoked) per device role, registered in this order.
DEVICES = (
    (provider_pb2.PROVIDER_APNS, "u-a", "inst-1", ("news",), False),
    (provider_pb2.PROVIDER_FCM, "u-a", "", ("news",), False),
    (provider_pb2.PROVIDER_APNS, "u-b", "", ("news",), True),
    (provider_pb2.PROVIDER_APNS, "u-c", "inst-2", (), False),
)


async def with_devices(api: Api, fakes: ProviderFakes) -> tuple[PushApp, list[str]]:
    """An app with the DEVICES above; their ids by role."""
    app = await push_app(api, fakes)
    ids = []
    for provider, user, install, topics, revoked in DEVICES:
        device = device_pb2.Device(
            provider=provider,
            token=apns_token() if provider == provider_pb2.PROVIDER_APNS else fcm_token(),
            user_id=user,
            install_id=install,
            topics=list(topics),
        )
        made = await app.writer(
            app.writer.devices.RegisterDevice,
            device_registry_service_pb2.RegisterDeviceRequest(parent=app.parent, device=device),
        )
        if revoked:
            await app.writer(
                app.writer.devices.UnregisterDevice,
                device_registry_service_pb2.UnregisterDeviceRequest(name=made.device.name),
            )
        ids.append(made.device.name.rsplit("/", 1)[1])
    return app, ids


def batch(app_id: str, ids: list[str], soon: datetime) -> list[NewSend]:
    """Every single-target kind at least twice (so each gets its batch statement), a bulk
    send, a scheduled one, empty targets, an inactive named device, an idempotency key."""

    def new(kind: TargetKind, target: Any, **extra: Any) -> NewSend:
        note = Notification(title=f"a {kind} send", body="b", data={"k": "v"})
        return NewSend(
            app_id=app_id,
            target_kind=kind,
            target=target,
            notification=notification_to_json(note),
            ttl=timedelta(hours=1),
            **extra,
        )

    return [
        new(TargetKind.DEVICE, ids[0]),
        new(TargetKind.DEVICE, ids[2]),  # revoked: a SUPPRESSED delivery
        new(TargetKind.INSTALL, "inst-1"),
        new(TargetKind.INSTALL, "inst-2", creator="someone"),
        new(TargetKind.USER, "u-a"),  # two devices
        new(TargetKind.USER, "u-empty"),  # none
        new(TargetKind.USER, "u-b"),  # only a revoked one: none
        new(TargetKind.USER, "u-c", send_at=soon),  # scheduled
        new(TargetKind.TOPIC, "news"),  # two active subscribers of three
        new(TargetKind.TOPIC, "nobody"),
        new(TargetKind.DEVICES, (ids[0], ids[3])),  # bulk: written alone
        new(TargetKind.DEVICE, ids[3], idempotency_key="k-1"),
        new(TargetKind.DEVICE, ids[1], idempotency_key="k-2", creator="keyed"),
    ]


def stored(server: Server, app_id: str, send_ids: list[str], ids: list[str]) -> dict[str, Any]:
    """What the database holds of these sends, with ids replaced by positions and roles."""
    position = {send_id: i for i, send_id in enumerate(send_ids)}
    role = {device_id: i for i, device_id in enumerate(ids)}
    s, d, r = sends.c, deliveries.c, receipts.c
    engine = server.sync_engine()
    try:
        with engine.connect() as conn:
            send_rows = sorted(
                (
                    position[row.id],
                    row.target_kind,
                    role.get(row.target, row.target)
                    if isinstance(row.target, str)
                    else tuple(role[t] for t in row.target),
                    row.notification["title"],
                    row.notification["data"],
                    row.send_at,
                    row.idempotency_key,
                    row.creator,
                    row.created_at == row.completed_at,  # complete at once (nothing pending)
                )
                for row in conn.execute(sa.select(sends).where(s.app_id == app_id))
            )
            send_at = {
                row.id: row.send_at
                for row in conn.execute(sa.select(s.id, s.send_at).where(s.app_id == app_id))
            }
            delivery_rows = sorted(
                (
                    position[row.send_id],
                    role[row.device_id],
                    row.provider,
                    row.user_id,
                    # the TTL counts from the scheduled time, or from acceptance
                    row.expires_at - (send_at[row.send_id] or row.created_at),
                )
                for row in conn.execute(sa.select(deliveries).where(d.app_id == app_id))
            )
            log = list(
                conn.execute(
                    sa.select(r.cursor, r.send_id, r.device_id, r.status, r.reason, r.attempt)
                    .where(r.app_id == app_id)
                    .order_by(r.cursor)
                )
            )
    finally:
        engine.dispose()
    first = sorted(
        (position[row.send_id], role[row.device_id], row.status, row.reason)
        for row in log
        if row.attempt == 0  # written with the send (the dispatcher's come later)
    )
    return {
        "sends": send_rows,
        "deliveries": delivery_rows,
        "first receipts": first,
        "cursors gap-free": [row.cursor for row in log] == list(range(1, len(log) + 1)),
    }


def summary(written: list[tuple[Any, bool]]) -> list[tuple[Any, ...]]:
    return [
        (send.counts, send.completed_at is None, deduplicated) for send, deduplicated in written
    ]


async def test_a_batch_is_stored_as_the_same_sends_written_one_by_one(
    api: Api, fakes: ProviderFakes, server: Server
) -> None:
    (batched_app, batched_ids), (single_app, single_ids) = [
        await with_devices(api, fakes) for _ in range(2)
    ]
    soon = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
    engine = create_engine(server.database_url)
    commits: list[int] = []
    store = SendStore(engine, Signals(engine), on_commit=commits.append)
    try:
        # What the app's writer does with twelve queued sends: one transaction.
        batched = [
            (send, False)
            for send, _ in await store._create(batch(batched_app.app.id, batched_ids, soon))
        ]
        assert commits == [13]
        single = [await store.create(new) for new in batch(single_app.app.id, single_ids, soon)]
        assert commits == [13] + [1] * 13
        # The idempotency keys were stored by the batch: a retry returns the first send.
        again = await store.create(batch(batched_app.app.id, batched_ids, soon)[-1])
        assert again[1] is True and again[0].id == batched[-1][0].id
    finally:
        await engine.dispose()

    assert summary(batched) == summary(single)
    expected_totals = [1, 1, 1, 1, 2, 0, 0, 1, 2, 0, 2, 1, 1]
    assert [send.counts.total for send, _ in batched] == expected_totals
    batched_rows, single_rows = await asyncio.gather(
        asyncio.to_thread(
            stored, server, batched_app.app.id, [s.id for s, _ in batched], batched_ids
        ),
        asyncio.to_thread(stored, server, single_app.app.id, [s.id for s, _ in single], single_ids),
    )
    assert batched_rows == single_rows
    assert batched_rows["cursors gap-free"] is True
    assert len(batched_rows["first receipts"]) == sum(expected_totals)
    assert (0 + 1, 2, "suppressed", "device_inactive") in batched_rows["first receipts"]
    assert (7, 3, "scheduled", "") in batched_rows["first receipts"]
