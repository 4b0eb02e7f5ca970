"""End to end over gRPC, on both backends: a send's whole life. Every target kind, scheduling,
cancellation, idempotency, validation (nothing written), SendBulk and SendBatch, reading
sends and deliveries, per-device localisation and engagement, checked against what the
provider fakes received and what the database holds."""

from __future__ import annotations

import asyncio
import bisect
import dataclasses
import secrets
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import ExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf import duration_pb2
from google.rpc import code_pb2

from clarion.api.times import dt, ts
from clarion.app import Clarion
from clarion.config import Settings
from clarion.domain.deliveries import DeliveryStatus, Send, TargetKind
from clarion.domain.errors import NotFound, ResourceExhausted
from clarion.domain.notifications import Notification, notification_to_json
from clarion.metrics import REGISTRY, SEND_COMMITS
from clarion.store.engine import create_engine, single_statements
from clarion.store.schema import audit_entries, daily_counts, deliveries, receipts, sends
from clarion.store.sends import NewSend, SendStore, _create_postgres, _create_together
from clarion.store.signals import Signals
from clarion.v1 import (
    api_key_pb2,
    device_pb2,
    device_registry_service_pb2,
    notification_pb2,
    policy_admin_service_pb2,
    provider_pb2,
    push_sender_service_pb2,
    receipt_pb2,
    send_pb2,
)
from delivery_kit import QUEUED, SENT, PushApp, apns_token, note, push_app, to_device, watch
from fakes.apns import Notification as ApnsNotification
from harness import (
    Api,
    ProviderFakes,
    Server,
    Stubs,
    decode_error,
    expect_error,
    postgres_url,
    private_schema,
    status_details,
)

APNS = provider_pb2.PROVIDER_APNS
FCM = provider_pb2.PROVIDER_FCM
WEBPUSH = provider_pb2.PROVIDER_WEBPUSH

SCHEDULED = send_pb2.DELIVERY_STATUS_SCHEDULED
SUPPRESSED = send_pb2.DELIVERY_STATUS_SUPPRESSED
FAILED = send_pb2.DELIVERY_STATUS_FAILED
CANCELLED = send_pb2.DELIVERY_STATUS_CANCELLED
OPENED = send_pb2.DELIVERY_STATUS_OPENED
CLICKED = send_pb2.DELIVERY_STATUS_CLICKED

STATE_SCHEDULED = send_pb2.SEND_STATE_SCHEDULED
STATE_IN_PROGRESS = send_pb2.SEND_STATE_IN_PROGRESS
STATE_COMPLETED = send_pb2.SEND_STATE_COMPLETED
STATE_CANCELLED = send_pb2.SEND_STATE_CANCELLED

INVALID_ARGUMENT = grpc.StatusCode.INVALID_ARGUMENT
NOT_FOUND = grpc.StatusCode.NOT_FOUND
FAILED_PRECONDITION = grpc.StatusCode.FAILED_PRECONDITION

UNKNOWN_ID = "0" * 26  # shaped like a server-made id, never made

pb = push_sender_service_pb2


# --- helpers -----------------------------------------------------------------------------


def new_user() -> str:
    return f"user-{secrets.token_hex(6)}"


def device_id(device: device_pb2.Device) -> str:
    return device.name.rsplit("/", 1)[1]


def send_id(name: str) -> str:
    return name.rsplit("/", 1)[1]


async def apns_device(app: PushApp, **fields: Any) -> tuple[device_pb2.Device, str]:
    """An APNs device (of a user of its own unless given) and its token."""
    token = apns_token()
    fields.setdefault("user_id", new_user())
    return await app.register(APNS, token=token, **fields), token


async def revoke(app: PushApp, device: device_pb2.Device) -> None:
    await app.writer(
        app.writer.devices.UnregisterDevice,
        device_registry_service_pb2.UnregisterDeviceRequest(name=device.name),
    )


def apns_received(fakes: ProviderFakes, token: str) -> list[ApnsNotification]:
    return [n for n in fakes.apns.accepted if n.token == token]


def stored_rows(server: Server, app: PushApp) -> dict[str, int]:
    """How many sends, deliveries and receipts the app has in the database."""
    engine = server.sync_engine()
    try:
        with engine.connect() as conn:
            return {
                table.name: conn.execute(
                    sa.select(sa.func.count())
                    .select_from(table)
                    .where(table.c.app_id == app.app.id)
                ).scalar_one()
                for table in (sends, deliveries, receipts)
            }
    finally:
        engine.dispose()


def receipt_log(server: Server, app: PushApp) -> list[tuple[int, str, str]]:
    """The app's receipt log as stored: (cursor, send id, status), in cursor order."""
    r = receipts.c
    engine = server.sync_engine()
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(r.cursor, r.send_id, r.status)
                .where(r.app_id == app.app.id)
                .order_by(r.cursor)
            )
            return [(int(c), s, status) for c, s, status in rows]
    finally:
        engine.dispose()


def metrics_sample(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


def from_now(delta: timedelta) -> Any:
    """A send_time `delta` from now (negative: in the past)."""
    return ts(datetime.now(UTC) + delta)


def send_request(app: PushApp, **fields: Any) -> push_sender_service_pb2.SendRequest:
    """A valid SendRequest with `fields` replaced; a field given as None is left unset."""
    values: dict[str, Any] = {
        "parent": app.parent,
        "target": send_pb2.Target(user_id=new_user()),
        "notification": note(),
    }
    values.update(fields)
    return pb.SendRequest(**{k: v for k, v in values.items() if v is not None})


def send_call(app: PushApp, request: Any, stubs: Stubs | None = None) -> Awaitable[Any]:
    stubs = stubs or app.sender
    return stubs(stubs.push.Send, request)


def cancel(app: PushApp, name: str) -> Awaitable[pb.CancelSendResponse]:
    return app.sender(app.sender.push.CancelSend, pb.CancelSendRequest(name=name))


def engage(
    stubs: Stubs, delivery: str, kind: int, action_id: str = ""
) -> Awaitable[pb.RecordEngagementResponse]:
    return stubs(
        stubs.push.RecordEngagement,
        pb.RecordEngagementRequest(delivery=delivery, type=kind, action_id=action_id),
    )


def delivery_name(send: send_pb2.Send, device: device_pb2.Device) -> str:
    return f"{send.name}/deliveries/{device_id(device)}"


async def arrival_time(fakes: ProviderFakes, token: str, within: float = 10.0) -> float:
    """The wall-clock time by which APNs had accepted a notification for `token`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not apns_received(fakes, token):
        if loop.time() > deadline:
            raise AssertionError(f"nothing reached APNs for {token} in {within}s")
        await asyncio.sleep(0.01)
    return time.time()


async def list_sends(app: PushApp, **fields: Any) -> pb.ListSendsResponse:
    return await app.sender(
        app.sender.push.ListSends, pb.ListSendsRequest(parent=app.parent, **fields)
    )


async def all_sends(app: PushApp, **fields: Any) -> list[str]:
    """Every send name ListSends gives for the filters, following page tokens."""
    names: list[str] = []
    token = ""
    while True:
        page = await list_sends(app, page_token=token, **fields)
        names += [s.name for s in page.sends]
        token = page.next_page_token
        if not token:
            return names


# --- targets -----------------------------------------------------------------------------


async def test_a_device_target_reaches_that_device_only(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)
    user = new_user()
    chosen, token = await apns_device(app, user_id=user)
    _, sibling_token = await apns_device(app, user_id=user)

    send = await app.send(to_device(chosen), note())

    assert send.target.device_id == device_id(chosen)
    assert send.counts.total == 1
    done = await app.settled(send.name)
    assert done.counts.sent == 1
    [delivery] = await app.deliveries(send.name)
    assert (delivery.device, delivery.status) == (chosen.name, SENT)
    assert len(apns_received(fakes, token)) == 1
    assert apns_received(fakes, sibling_token) == []


async def test_a_user_target_reaches_only_the_users_active_devices(
    api: Api, fakes: ProviderFakes
) -> None:
    app = await push_app(api, fakes)
    user = new_user()
    phone, _ = await apns_device(app, user_id=user)
    tablet = await app.register(FCM, user_id=user)
    old, old_token = await apns_device(app, user_id=user)
    await revoke(app, old)
    _, stranger_token = await apns_device(app)

    send = await app.send(send_pb2.Target(user_id=user), note())

    assert send.counts.total == 2
    await app.settled(send.name)
    found = {d.device: d.status for d in await app.deliveries(send.name)}
    assert found == {phone.name: SENT, tablet.name: SENT}
    assert apns_received(fakes, old_token) == apns_received(fakes, stranger_token) == []


async def test_an_install_target_reaches_the_device_registered_with_it(
    api: Api, fakes: ProviderFakes
) -> None:
    app = await push_app(api, fakes)
    install_id = f"install-{secrets.token_hex(8)}"
    token = apns_token()
    made = await app.writer(
        app.writer.devices.RegisterDevice,
        device_registry_service_pb2.RegisterDeviceRequest(
            parent=app.parent,
            device=device_pb2.Device(
                provider=APNS,
                token=token,
                install_id=install_id,
                apns_environment=provider_pb2.APNS_ENVIRONMENT_PRODUCTION,
            ),
        ),
    )
    await apns_device(app)  # another device, not addressed

    send = await app.send(send_pb2.Target(install_id=install_id), note())

    assert send.target.install_id == install_id
    await app.settled(send.name)
    [delivery] = await app.deliveries(send.name)
    assert (delivery.device, delivery.status) == (made.device.name, SENT)
    assert len(apns_received(fakes, token)) == 1


async def test_a_topic_target_reaches_subscribed_active_devices_only(
    api: Api, fakes: ProviderFakes
) -> None:
    app = await push_app(api, fakes)
    reader, _ = await apns_device(app, topics=["news", "sport"])
    web = await app.register(WEBPUSH, user_id=new_user(), topics=["news"])
    gone, gone_token = await apns_device(app, topics=["news"])
    await revoke(app, gone)
    _, other_token = await apns_device(app, topics=["sport"])

    send = await app.send(send_pb2.Target(topic="news"), note("Breaking", "news"))

    assert send.counts.total == 2
    await app.settled(send.name)
    found = {d.device: d.status for d in await app.deliveries(send.name)}
    assert found == {reader.name: SENT, web.name: SENT}
    assert app.subscriptions[web.name].messages[-1]["title"] == "Breaking"
    assert apns_received(fakes, gone_token) == apns_received(fakes, other_token) == []


async def test_a_revoked_device_named_directly_is_suppressed_as_inactive(
    api: Api, fakes: ProviderFakes
) -> None:
    app = await push_app(api, fakes)
    device, token = await apns_device(app)
    await revoke(app, device)
    watcher = await watch(app.watcher, app.parent)
    try:
        send = await app.send(to_device(device), note())
        [receipt] = await watcher.until(lambda rs: any(r.send == send.name for r in rs))
    finally:
        await watcher.close()

    assert (receipt.status, receipt.reason) == (SUPPRESSED, "device_inactive")
    assert send.state == STATE_COMPLETED and send.complete_time.seconds
    assert (send.counts.total, send.counts.suppressed, send.counts.pending) == (1, 1, 0)
    [delivery] = await app.deliveries(send.name)
    assert (delivery.status, delivery.reason) == (SUPPRESSED, "device_inactive")
    assert apns_received(fakes, token) == []


@pytest.mark.parametrize(
    "target",
    [
        send_pb2.Target(device_id=UNKNOWN_ID),
        send_pb2.Target(install_id="no-such-install"),
    ],
    ids=["device", "install"],
)
async def test_an_unknown_device_or_install_is_not_found_and_nothing_is_written(
    api: Api, fakes: ProviderFakes, server: Server, target: send_pb2.Target
) -> None:
    app = await push_app(api, fakes)
    await apns_device(app)
    before = stored_rows(server, app)

    await expect_error(
        send_call(app, send_request(app, target=target)), NOT_FOUND, "DEVICE_NOT_FOUND"
    )

    assert stored_rows(server, app) == before == {"sends": 0, "deliveries": 0, "receipts": 0}


async def test_concurrent_sends_of_an_app_commit_together_and_a_bad_one_fails_alone(
    api: Api, fakes: ProviderFakes, server: Server
) -> None:
    """An app's concurrent Sends are group-committed; a send naming an unknown device rolls
    its batch back, is refused on its own, and every other send is still accepted once."""
    app = await push_app(api, fakes)
    registered = [(await apns_device(app))[0] for _ in range(40)]
    sends_before = metrics_sample("clarion_send_commit_size_sum")
    good = [send_call(app, send_request(app, target=to_device(d))) for d in registered]
    bad = send_call(app, send_request(app, target=send_pb2.Target(device_id=UNKNOWN_ID)))

    accepted = await asyncio.gather(*good[:20], bad, *good[20:], return_exceptions=True)
    refused = accepted.pop(20)

    assert isinstance(refused, grpc.aio.AioRpcError)
    failure = decode_error(refused)
    assert (failure.code, failure.reason) == (NOT_FOUND, "DEVICE_NOT_FOUND")
    assert all(isinstance(r, pb.SendResponse) for r in accepted), accepted
    assert sorted(r.send.counts.total for r in accepted) == [1] * 40
    assert len({r.send.name for r in accepted}) == 40
    assert metrics_sample("clarion_send_commit_size_sum") - sends_before == 40
    # The log: one first receipt per accepted send, and cursors with no gap or repeat
    # (the dispatcher may already have appended SENT receipts after them).
    log = await asyncio.to_thread(receipt_log, server, app)
    assert [cursor for cursor, _, _ in log] == list(range(1, len(log) + 1))
    first = sorted(send for _, send, status in log if status == "queued")
    assert first == sorted(send_id(r.send.name) for r in accepted)


async def test_sends_queued_together_for_an_app_are_written_in_one_transaction(
    api: Api, fakes: ProviderFakes, server: Server
) -> None:
    """Group commit, made deterministic: sends queued in one event-loop turn (as concurrent
    Sends are) reach the app's writer together and share one commit (on Postgres: one
    set-based statement for the batch)."""
    app = await push_app(api, fakes)
    registered = [(await apns_device(app))[0] for _ in range(10)]
    engine = create_engine(server.database_url)
    store = SendStore(engine, Signals(engine), on_commit=SEND_COMMITS.observe)
    commits_before = metrics_sample("clarion_send_commit_size_count")
    sends_before = metrics_sample("clarion_send_commit_size_sum")
    try:
        written = await asyncio.gather(
            *(
                store.create(
                    NewSend(
                        app_id=app.app.id,
                        target_kind=TargetKind.DEVICE,
                        target=device_id(d),
                        notification=notification_to_json(Notification(title="t", body="b")),
                        ttl=timedelta(hours=1),
                    )
                )
                for d in registered
            )
        )
    finally:
        await engine.dispose()

    assert [(send.counts.total, deduplicated) for send, deduplicated in written] == [
        (1, False)
    ] * 10
    assert metrics_sample("clarion_send_commit_size_count") - commits_before == 1
    assert metrics_sample("clarion_send_commit_size_sum") - sends_before == 10
    settled = [await app.settled(f"{app.parent}/sends/{send.id}") for send, _ in written]
    assert [s.counts.sent for s in settled] == [1] * 10


async def test_sends_queued_together_are_answered_each_and_a_taken_key_fails_none(
    api: Api, fakes: ProviderFakes, server: Server
) -> None:
    """Sends queued in one turn share a batch, and each gets its own answer: an unknown
    device refuses only its send. On Postgres a refused send writes nothing and leaves the
    others be, and a failing statement (an idempotency key taken meanwhile) writes nothing
    of the batch, after which SendStore writes each send alone; SQLite rolls the batch back
    on the refusal and writes each alone."""
    app = await push_app(api, fakes)
    first, second = [(await apns_device(app))[0] for _ in range(2)]

    def new(target: str, key: str = "") -> NewSend:
        return NewSend(
            app_id=app.app.id,
            target_kind=TargetKind.DEVICE,
            target=target,
            notification=notification_to_json(Notification(title="t", body="b")),
            ttl=timedelta(hours=1),
            idempotency_key=key,
        )

    def written() -> dict[str, int]:
        """Sends, deliveries and first (QUEUED) receipts stored: the session's dispatcher
        may already be delivering the sends and adding receipts of its own."""
        first_receipts = [r for r in receipt_log(server, app) if r[2] == DeliveryStatus.QUEUED]
        return stored_rows(server, app) | {"receipts": len(first_receipts)}

    engine = create_engine(server.database_url)
    store = SendStore(engine, Signals(engine))
    try:
        answers = await asyncio.gather(
            store.create(new(device_id(first))),
            store.create(new(UNKNOWN_ID)),
            store.create(new(device_id(second))),
            return_exceptions=True,
        )
        assert [type(a).__name__ for a in answers] == ["tuple", "NotFound", "tuple"]
        assert written() == {"sends": 2, "deliveries": 2, "receipts": 2}
        if server.backend == "postgres":
            async with single_statements(engine).connect() as conn:
                outcomes = await _create_postgres(
                    conn, [new(device_id(first)), new(UNKNOWN_ID), new(device_id(second))]
                )
                assert [type(o).__name__ for o in outcomes] == ["tuple", "NotFound", "tuple"]
                with pytest.raises(sa.exc.IntegrityError):
                    await _create_postgres(
                        conn, [new(device_id(first), "k"), new(device_id(first), "k")]
                    )
            expected = {"sends": 4, "deliveries": 4, "receipts": 4}
            assert written() == expected  # nothing of the failed batch
        taken = await asyncio.gather(
            store.create(new(device_id(first), "race")),
            store.create(new(device_id(second), "race")),
        )
        assert sorted(deduplicated for _, deduplicated in taken) == [False, True]
        assert len({send.id for send, _ in taken}) == 1
    finally:
        await engine.dispose()


async def test_a_batch_written_together_stores_what_its_sends_written_alone_would(
    api: Api, fakes: ProviderFakes, server: Server
) -> None:
    """A group-committed batch is written set-based: on Postgres one statement for the
    batch (`_create_together`), on SQLite a statement per step. It must store exactly what
    writing its sends one at a time stores (on Postgres, one `_create_each` statement per
    send): the same deliveries and first receipts in the same cursor order, the same
    counts, completions, audit entries and quota charge. A batch that is not admitted as a
    whole writes nothing (on Postgres it is handed back for the per-send statements to sort
    out; on SQLite its transaction rolls back)."""
    app = await push_app(api, fakes)
    user, nobody, install = new_user(), new_user(), f"install-{secrets.token_hex(8)}"
    phone, _ = await apns_device(app, user_id=user)
    await app.register(FCM, user_id=user)
    gone, _ = await apns_device(app, user_id=user)
    await revoke(app, gone)
    await apns_device(app, install_id=install)
    a, b = [device_id((await apns_device(app))[0]) for _ in range(2)]
    later = datetime.now(UTC) + timedelta(hours=1)

    def batch(tag: str, *extra: tuple[TargetKind, str | tuple[str, ...]]) -> list[NewSend]:
        targets: list[tuple[TargetKind, str | tuple[str, ...]]] = [
            (TargetKind.DEVICE, device_id(phone)),
            (TargetKind.DEVICE, device_id(gone)),  # named but inactive: suppressed
            (TargetKind.INSTALL, install),
            (TargetKind.USER, user),  # the user's active devices only
            (TargetKind.USER, nobody),  # no devices: complete at once, charges nothing
            (TargetKind.DEVICES, (b, a, device_id(gone))),
            (TargetKind.USERS, (user, nobody)),
            *extra,
        ]
        made = [
            NewSend(
                app_id=app.app.id,
                target_kind=kind,
                target=target,
                notification=notification_to_json(Notification(title=tag, body="b")),
                ttl=timedelta(hours=1),
                creator=f"apps/{app.app.id}/apiKeys/tester",
            )
            for kind, target in targets
        ]
        scheduled = dataclasses.replace(made[0], target=a, send_at=later, idempotency_key=tag)
        return [*made, scheduled]

    def stored(written: list[tuple[Send, int]]) -> dict[str, Any]:
        """What `written` left in the database, send ids replaced by batch positions and
        cursors by their rank among the written receipts."""
        position = {send.id: n for n, (send, _) in enumerate(written)}
        resources = [f"apps/{app.app.id}/sends/{s}" for s in position]
        engine = server.sync_engine()
        try:
            with engine.connect() as conn:
                first = [
                    (position[r.send_id], r.cursor, *r[2:])
                    for r in conn.execute(
                        sa.select(
                            receipts.c.send_id,
                            receipts.c.cursor,
                            receipts.c.device_id,
                            receipts.c.user_id,
                            receipts.c.provider,
                            receipts.c.status,
                            receipts.c.reason,
                        ).where(receipts.c.send_id.in_(position))
                    )
                    if r.status in ("queued", "scheduled", "suppressed")
                ]
                audit = [
                    (position[r.resource.rsplit("/", 1)[1]], r.actor, r.action, r.details)
                    for r in conn.execute(
                        sa.select(audit_entries).where(audit_entries.c.resource.in_(resources))
                    )
                ]
                # Completed on creation, or later by the dispatcher (by its own clock).
                same = sends.c.completed_at == sends.c.created_at
                at_once = sa.func.coalesce(same, False).label("at_once")
                rows = [
                    (position[r.id], r.target_kind, r.target, r.send_at, r.creator, r.at_once)
                    for r in conn.execute(sa.select(sends, at_once).where(sends.c.id.in_(position)))
                ]
        finally:
            engine.dispose()
        # Cursors as ranks among these receipts: written one by one, the server's
        # dispatcher may append SENT receipts of earlier sends in between, leaving gaps
        # in the numbering; the order is what must be the same.
        numbered = sorted(cursor for _, cursor, *_ in first)

        def rank(cursor: int) -> int:
            return bisect.bisect_right(numbered, cursor)

        return {
            "receipts": sorted((n, rank(c), *rest) for n, c, *rest in first),
            "audit": sorted(audit),
            "sends": sorted(rows),
            "answers": [
                (s.counts, s.completed_at is None, rank(cursor) if cursor else 0)
                for s, cursor in written
            ],
        }

    def charged() -> int:
        engine = server.sync_engine()
        try:
            with engine.connect() as conn:
                total = sa.func.coalesce(sa.func.sum(daily_counts.c.notifications), 0)
                return int(
                    conn.execute(
                        sa.select(total).where(daily_counts.c.app_id == app.app.id)
                    ).scalar_one()
                )
        finally:
            engine.dispose()

    def written() -> tuple[int, int, int, int]:
        """Sends, deliveries, first receipts, quota charged (the dispatcher may be adding
        SENT receipts meanwhile)."""
        rows = stored_rows(server, app)
        first = [r for r in receipt_log(server, app) if r[2] != DeliveryStatus.SENT]
        return rows["sends"], rows["deliveries"], len(first), charged()

    engine = create_engine(server.database_url)
    store = SendStore(engine, Signals(engine))
    try:
        before = charged()
        outcomes = await store._create(batch("together"))
        between = charged()
        outcomes_alone = [(await store._create([new]))[0] for new in batch("each")]
        after = charged()
        together = [o for o in outcomes if isinstance(o, tuple)]
        one_by_one = [o for o in outcomes_alone if isinstance(o, tuple)]
        assert len(together) == len(one_by_one) == 8, (outcomes, outcomes_alone)
        assert stored(together) == stored(one_by_one)
        assert between - before == after - between == 9
        assert [s.counts.total for s, _ in together] == [1, 1, 1, 2, 0, 3, 2, 1]
        # Complete on creation: the send to an inactive device and the one to nobody.
        at_once = [row[-1] for row in stored(together)["sends"]]
        assert at_once == [False, True, False, False, True, False, False, False]

        # Not admitted as a whole: an unknown device, a taken idempotency key (which fails
        # the statement), the quota. Nothing is written; the quota is untouched.
        before_refusals = written()
        unknown = batch("unknown", (TargetKind.DEVICE, UNKNOWN_ID))
        postgres = server.backend == "postgres"
        async with single_statements(engine).connect() as conn:
            if postgres:
                assert await _create_together(conn, unknown) is None
            else:
                with pytest.raises(NotFound):
                    await store._create(unknown)
            with pytest.raises(sa.exc.IntegrityError):
                await (
                    _create_together(conn, batch("together"))
                    if postgres
                    else store._create(batch("together"))
                )
            await app.set_policy(daily_quota=after + 5)
            if postgres:
                assert await _create_together(conn, batch("over")) is None
            else:
                with pytest.raises(ResourceExhausted):
                    await store._create(batch("over"))
        assert written() == before_refusals
    finally:
        await engine.dispose()


async def test_a_user_without_devices_gets_a_completed_send_with_no_deliveries(
    api: Api, fakes: ProviderFakes
) -> None:
    app = await push_app(api, fakes)

    send = await app.send(send_pb2.Target(user_id=new_user()), note())

    assert send.state == STATE_COMPLETED
    assert send.complete_time.seconds
    assert send.counts == send_pb2.DeliveryCounts()
    assert await app.deliveries(send.name) == []


# --- scheduling --------------------------------------------------------------------------


async def test_a_scheduled_send_waits_for_its_time(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)
    device, token = await apns_device(app)
    due = datetime.now(UTC) + timedelta(seconds=2)
    watcher = await watch(app.watcher, app.parent)
    try:
        send = await app.send(send_pb2.Target(user_id=device.user_id), note(), send_time=ts(due))
        assert send.state == STATE_SCHEDULED
        assert dt(send.send_time) == due
        assert (await app.get(send.name)).state == STATE_SCHEDULED
        [delivery] = await app.deliveries(send.name)
        assert delivery.status == SCHEDULED
        assert dt(delivery.next_attempt_time) == due
        arrived = await arrival_time(fakes, token)
        received = await watcher.until(
            lambda rs: any(r.send == send.name and r.status == SENT for r in rs)
        )
    finally:
        await watcher.close()

    assert arrived >= due.timestamp(), "the notification reached APNs before its send_time"
    mine = [r for r in received if r.send == send.name]
    assert [r.status for r in mine] == [SCHEDULED, SENT]
    assert dt(mine[-1].time) >= due
    done = await app.settled(send.name)
    assert done.state == STATE_COMPLETED and done.counts.sent == 1
    assert len(apns_received(fakes, token)) == 1


async def test_a_send_time_in_the_past_sends_now(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)
    device, token = await apns_device(app)
    watcher = await watch(app.watcher, app.parent)
    try:
        send = await app.send(
            send_pb2.Target(user_id=device.user_id), note(), send_time=from_now(-timedelta(hours=1))
        )
        received = await watcher.until(
            lambda rs: any(r.send == send.name and r.status == SENT for r in rs)
        )
    finally:
        await watcher.close()

    assert send.state in (STATE_IN_PROGRESS, STATE_COMPLETED)
    assert [r.status for r in received if r.send == send.name] == [QUEUED, SENT]
    assert len(apns_received(fakes, token)) == 1


async def test_a_send_time_more_than_30_days_ahead_is_invalid(
    api: Api, fakes: ProviderFakes, server: Server
) -> None:
    app = await push_app(api, fakes)
    device, _ = await apns_device(app)
    request = send_request(
        app,
        target=send_pb2.Target(user_id=device.user_id),
        send_time=from_now(timedelta(days=30, minutes=5)),
    )

    failure = await expect_error(send_call(app, request), INVALID_ARGUMENT, "INVALID_SEND_TIME")

    assert set(failure.violations) == {"send_time"}
    assert stored_rows(server, app) == {"sends": 0, "deliveries": 0, "receipts": 0}


# --- cancelling --------------------------------------------------------------------------


async def test_cancelling_a_scheduled_send_stops_every_delivery(
    api: Api, fakes: ProviderFakes
) -> None:
    app = await push_app(api, fakes)
    user = new_user()
    _, first_token = await apns_device(app, user_id=user)
    _, second_token = await apns_device(app, user_id=user)
    control, control_token = await apns_device(app)
    due = from_now(timedelta(seconds=1.5))
    watcher = await watch(app.watcher, app.parent)
    try:
        send = await app.send(send_pb2.Target(user_id=user), note(), send_time=due)
        # Due at the same time and not cancelled: once it is SENT, the time has passed.
        kept = await app.send(send_pb2.Target(user_id=control.user_id), note(), send_time=due)

        cancelled = (await cancel(app, send.name)).send

        assert cancelled.state == STATE_CANCELLED
        assert (cancelled.counts.total, cancelled.counts.cancelled_or_expired) == (2, 2)
        assert cancelled.counts.pending == 0
        received = await watcher.until(
            lambda rs: any(r.send == kept.name and r.status == SENT for r in rs)
        )
    finally:
        await watcher.close()

    mine = [r for r in received if r.send == send.name]
    assert [r.status for r in mine] == [SCHEDULED, SCHEDULED, CANCELLED, CANCELLED]
    assert {d.status for d in await app.deliveries(send.name)} == {CANCELLED}
    assert (await app.get(send.name)).state == STATE_CANCELLED
    assert apns_received(fakes, first_token) == apns_received(fakes, second_token) == []
    assert len(apns_received(fakes, control_token)) == 1

    await expect_error(cancel(app, send.name), FAILED_PRECONDITION, "SEND_CANCELLED")


async def test_cancelling_a_completed_send_fails(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)
    device, _ = await apns_device(app)
    send = await app.send(send_pb2.Target(user_id=device.user_id), note())
    await app.settled(send.name)

    await expect_error(cancel(app, send.name), FAILED_PRECONDITION, "SEND_COMPLETED")

    assert (await app.get(send.name)).state == STATE_COMPLETED


async def test_cancelling_an_unknown_send_is_not_found(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)

    await expect_error(cancel(app, f"{app.parent}/sends/{UNKNOWN_ID}"), NOT_FOUND, "SEND_NOT_FOUND")


# --- idempotency -------------------------------------------------------------------------


async def test_the_same_idempotency_key_returns_the_first_send(
    api: Api, fakes: ProviderFakes, server: Server
) -> None:
    app = await push_app(api, fakes)
    device, token = await apns_device(app)
    target = send_pb2.Target(user_id=device.user_id)

    first = await app.sender(
        app.sender.push.Send,
        send_request(app, target=target, notification=note("First"), idempotency_key="k-1"),
    )
    again = await app.sender(
        app.sender.push.Send,
        send_request(app, target=target, notification=note("Second"), idempotency_key="k-1"),
    )

    assert (first.deduplicated, again.deduplicated) == (False, True)
    assert again.send.name == first.send.name
    assert again.send.notification.title == "First"
    assert again.send.idempotency_key == "k-1"
    await app.settled(first.send.name)
    assert stored_rows(server, app)["sends"] == 1
    assert stored_rows(server, app)["deliveries"] == 1
    [received] = apns_received(fakes, token)
    assert received.payload["aps"]["alert"]["title"] == "First"


async def test_concurrent_calls_with_one_idempotency_key_make_one_send(
    api: Api, fakes: ProviderFakes, server: Server
) -> None:
    app = await push_app(api, fakes)
    device, token = await apns_device(app)
    request = send_request(
        app, target=send_pb2.Target(user_id=device.user_id), idempotency_key="race"
    )

    answers = await asyncio.gather(*(send_call(app, request) for _ in range(5)))

    assert len({a.send.name for a in answers}) == 1
    assert sorted(a.deduplicated for a in answers) == [False, True, True, True, True]
    await app.settled(answers[0].send.name)
    assert stored_rows(server, app)["sends"] == 1
    assert stored_rows(server, app)["deliveries"] == 1
    assert len(apns_received(fakes, token)) == 1


async def test_an_idempotency_key_belongs_to_one_app(api: Api, fakes: ProviderFakes) -> None:
    first_app, second_app = await push_app(api, fakes), await push_app(api, fakes)

    first = await first_app.send(send_pb2.Target(user_id="u"), note(), idempotency_key="shared")
    second = await second_app.sender(
        second_app.sender.push.Send,
        send_request(second_app, target=send_pb2.Target(user_id="u"), idempotency_key="shared"),
    )

    assert not second.deduplicated
    assert second.send.name.startswith(f"{second_app.parent}/sends/")
    assert send_id(second.send.name) != send_id(first.name)


# --- validation --------------------------------------------------------------------------


def localized(tag: str) -> notification_pb2.Notification:
    return note(localizations={tag: notification_pb2.LocalizedText(title="x")})


INVALID_SENDS = [
    pytest.param(
        {"notification": note(title="t" * 257)},
        "notification.title",
        "INVALID_NOTIFICATION",
        id="title-over-256",
    ),
    pytest.param(
        {"notification": note(body="b" * 4097)},
        "notification.body",
        "INVALID_NOTIFICATION",
        id="body-over-4096",
    ),
    pytest.param(
        {"notification": note(data={"blob": "x" * 4100})},
        "notification.data",
        "INVALID_NOTIFICATION",
        id="data-over-4kb",
    ),
    pytest.param(
        {"notification": note(data={"clarion.x": "1"})},
        "notification.data['clarion.x']",
        "INVALID_NOTIFICATION",
        id="reserved-clarion-key",
    ),
    pytest.param(
        {"notification": note(data={"from": "me"})},
        "notification.data['from']",
        "INVALID_NOTIFICATION",
        id="reserved-from-key",
    ),
    pytest.param(
        {"notification": note(image_url="http://example.com/a.png")},
        "notification.image_url",
        "INVALID_NOTIFICATION",
        id="image-not-https",
    ),
    pytest.param(
        {"notification": note(badge=-1)},
        "notification.badge",
        "INVALID_NOTIFICATION",
        id="negative-badge",
    ),
    pytest.param(
        {"notification": note(ttl=duration_pb2.Duration(seconds=28 * 86400 + 1))},
        "notification.ttl",
        "INVALID_NOTIFICATION",
        id="ttl-over-28-days",
    ),
    pytest.param(
        {"notification": notification_pb2.Notification()},
        "notification",
        "INVALID_NOTIFICATION",
        id="no-content",
    ),
    pytest.param(
        {"notification": localized("not a tag")},
        "notification.localizations['not a tag']",
        "INVALID_NOTIFICATION",
        id="bad-locale-tag",
    ),
    pytest.param({"target": None}, "target", "INVALID_TARGET", id="no-target"),
    pytest.param(
        {"notification": None}, "notification", "INVALID_NOTIFICATION", id="no-notification"
    ),
    pytest.param(
        {"target": send_pb2.Target(device_id="a/b")},
        "target.device_id",
        "INVALID_ID",
        id="bad-device-id",
    ),
    pytest.param(
        {"target": send_pb2.Target(user_id="")}, "target.user_id", "INVALID_ID", id="empty-user"
    ),
    pytest.param(
        {"target": send_pb2.Target(install_id="has space")},
        "target.install_id",
        "INVALID_ID",
        id="bad-install-id",
    ),
    pytest.param(
        {"target": send_pb2.Target(topic="no spaces allowed")},
        "target.topic",
        "INVALID_TOPIC",
        id="bad-topic",
    ),
    pytest.param(
        {"idempotency_key": "k" * 257},
        "idempotency_key",
        "INVALID_IDEMPOTENCY_KEY",
        id="idempotency-key-over-256",
    ),
]


@pytest.mark.parametrize(("fields", "field", "reason"), INVALID_SENDS)
async def test_an_invalid_send_is_refused_with_its_field_and_nothing_is_written(
    api: Api,
    fakes: ProviderFakes,
    server: Server,
    fields: dict[str, Any],
    field: str,
    reason: str,
) -> None:
    app = await push_app(api, fakes)
    device, token = await apns_device(app)
    fields.setdefault("target", send_pb2.Target(user_id=device.user_id))
    before = stored_rows(server, app)

    failure = await expect_error(
        send_call(app, send_request(app, **fields)), INVALID_ARGUMENT, reason
    )

    assert list(failure.violations) == [field], failure.violations
    assert stored_rows(server, app) == before == {"sends": 0, "deliveries": 0, "receipts": 0}
    assert apns_received(fakes, token) == []


async def test_every_problem_of_a_request_is_reported_at_once(
    api: Api, fakes: ProviderFakes, server: Server
) -> None:
    app = await push_app(api, fakes)
    request = send_request(
        app,
        target=None,
        notification=note(
            "t" * 257, "b" * 4097, image_url="ftp://example.com/x.png", data={"from": "x"}
        ),
        send_time=from_now(timedelta(days=31)),
    )

    failure = await expect_error(send_call(app, request), INVALID_ARGUMENT, "INVALID_ARGUMENT")

    assert set(failure.violations) == {
        "target",
        "notification.title",
        "notification.body",
        "notification.image_url",
        "notification.data['from']",
        "send_time",
    }
    assert stored_rows(server, app) == {"sends": 0, "deliveries": 0, "receipts": 0}


async def test_a_malformed_field_does_not_hide_the_other_problems(
    api: Api, fakes: ProviderFakes
) -> None:
    """A negative TTL cannot even be read, yet the over-long title is still reported."""
    app = await push_app(api, fakes)
    request = send_request(app, notification=note("t" * 257, ttl=duration_pb2.Duration(seconds=-1)))

    failure = await expect_error(send_call(app, request), INVALID_ARGUMENT)

    assert set(failure.violations) == {"notification.ttl", "notification.title"}


# --- SendBulk ----------------------------------------------------------------------------


def bulk(app: PushApp, **fields: Any) -> Awaitable[pb.SendBulkResponse]:
    fields.setdefault("notification", note())
    return app.sender(app.sender.push.SendBulk, pb.SendBulkRequest(parent=app.parent, **fields))


async def test_send_bulk_to_users_ignores_duplicates(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)
    alice, bob = new_user(), new_user()
    a1, _ = await apns_device(app, user_id=alice)
    a2 = await app.register(FCM, user_id=alice)
    b1, _ = await apns_device(app, user_id=bob)
    _, outsider_token = await apns_device(app)

    answer = await bulk(app, user_ids=[alice, bob, alice])

    assert list(answer.send.user_ids) == [alice, bob]
    assert not answer.send.HasField("target")
    assert answer.send.counts.total == 3
    done = await app.settled(answer.send.name)
    assert done.counts.sent == 3
    assert {d.device for d in await app.deliveries(answer.send.name)} == {
        a1.name,
        a2.name,
        b1.name,
    }
    assert apns_received(fakes, outsider_token) == []


async def test_send_bulk_to_devices(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)
    first, first_token = await apns_device(app)
    second, second_token = await apns_device(app)
    _, other_token = await apns_device(app)

    answer = await bulk(app, device_ids=[device_id(first), device_id(second), device_id(first)])

    assert list(answer.send.device_ids) == [device_id(first), device_id(second)]
    await app.settled(answer.send.name)
    assert {d.device for d in await app.deliveries(answer.send.name)} == {
        first.name,
        second.name,
    }
    assert len(apns_received(fakes, first_token)) == len(apns_received(fakes, second_token)) == 1
    assert apns_received(fakes, other_token) == []


@pytest.mark.parametrize(
    "ids",
    [{}, {"user_ids": ["u"], "device_ids": [UNKNOWN_ID]}],
    ids=["neither", "both"],
)
async def test_send_bulk_needs_exactly_one_kind_of_id(
    api: Api, fakes: ProviderFakes, server: Server, ids: dict[str, list[str]]
) -> None:
    app = await push_app(api, fakes)

    failure = await expect_error(bulk(app, **ids), INVALID_ARGUMENT, "INVALID_TARGET")

    assert set(failure.violations) == {"user_ids"}
    assert stored_rows(server, app)["sends"] == 0


async def test_send_bulk_takes_at_most_500_recipients(
    api: Api, fakes: ProviderFakes, server: Server
) -> None:
    app = await push_app(api, fakes)

    failure = await expect_error(
        bulk(app, user_ids=[f"u{i}" for i in range(501)]),
        INVALID_ARGUMENT,
        "TOO_MANY_RECIPIENTS",
    )

    assert set(failure.violations) == {"user_ids"}
    assert stored_rows(server, app)["sends"] == 0
    done = await bulk(app, user_ids=[f"u{i}" for i in range(500)])
    assert done.send.state == STATE_COMPLETED


async def test_send_bulk_with_an_unknown_device_is_not_found_and_nothing_is_written(
    api: Api, fakes: ProviderFakes, server: Server
) -> None:
    app = await push_app(api, fakes)
    known, token = await apns_device(app)

    await expect_error(
        bulk(app, device_ids=[device_id(known), UNKNOWN_ID]), NOT_FOUND, "DEVICE_NOT_FOUND"
    )

    assert stored_rows(server, app) == {"sends": 0, "deliveries": 0, "receipts": 0}
    assert apns_received(fakes, token) == []


# --- SendBatch ---------------------------------------------------------------------------


def batch(app: PushApp, items: list[pb.SendBatchItem]) -> Awaitable[pb.SendBatchResponse]:
    return app.sender(
        app.sender.push.SendBatch, pb.SendBatchRequest(parent=app.parent, items=items)
    )


async def test_send_batch_answers_item_by_item(
    api: Api, fakes: ProviderFakes, server: Server
) -> None:
    app = await push_app(api, fakes)
    first, first_token = await apns_device(app)
    _, second_token = await apns_device(app, topics=["batch"])
    items = [
        pb.SendBatchItem(target=send_pb2.Target(user_id=first.user_id), notification=note("1")),
        pb.SendBatchItem(
            target=send_pb2.Target(user_id=first.user_id), notification=note("t" * 257)
        ),
        pb.SendBatchItem(target=send_pb2.Target(topic="batch"), notification=note("3")),
        pb.SendBatchItem(target=send_pb2.Target(install_id="nobody"), notification=note()),
        pb.SendBatchItem(notification=note()),
    ]

    answer = await batch(app, items)

    kinds = [r.WhichOneof("result") for r in answer.results]
    assert kinds == ["send", "error", "send", "error", "error"]
    assert answer.results[0].send.notification.title == "1"
    assert answer.results[2].send.notification.title == "3"
    bad_title, unknown, untargeted = (answer.results[i].error for i in (1, 3, 4))
    assert bad_title.code == code_pb2.INVALID_ARGUMENT
    assert status_details(bad_title)[:2] == (
        "INVALID_NOTIFICATION",
        {"items[1].notification.title": "at most 256 characters (257 given)"},
    )
    assert unknown.code == code_pb2.NOT_FOUND
    assert status_details(unknown)[0] == "DEVICE_NOT_FOUND"
    assert untargeted.code == code_pb2.INVALID_ARGUMENT
    assert status_details(untargeted)[:2] == (
        "INVALID_TARGET",
        {"items[4].target": "a target is required"},
    )
    for result in (answer.results[0], answer.results[2]):
        assert (await app.settled(result.send.name)).counts.sent == 1
    [one] = apns_received(fakes, first_token)
    [three] = apns_received(fakes, second_token)
    assert (one.payload["aps"]["alert"]["title"], three.payload["aps"]["alert"]["title"]) == (
        "1",
        "3",
    )
    assert stored_rows(server, app)["sends"] == 2


@pytest.mark.parametrize(("count", "reason"), [(0, "EMPTY_BATCH"), (501, "TOO_MANY_ITEMS")])
async def test_send_batch_takes_1_to_500_items(
    api: Api, fakes: ProviderFakes, server: Server, count: int, reason: str
) -> None:
    app = await push_app(api, fakes)
    item = pb.SendBatchItem(target=send_pb2.Target(user_id="u"), notification=note())

    failure = await expect_error(batch(app, [item] * count), INVALID_ARGUMENT, reason)

    assert set(failure.violations) == {"items"}
    assert stored_rows(server, app)["sends"] == 0


# --- GetSend and ListSends ---------------------------------------------------------------


async def test_get_send_reports_counts_state_and_creator(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)
    created = await api.admin(
        api.admin.admin.CreateApiKey,
        policy_admin_service_pb2.CreateApiKeyRequest(
            parent=app.parent,
            api_key=api_key_pb2.ApiKey(
                display_name="campaigns", scopes=[api_key_pb2.SCOPE_PUSH_SEND]
            ),
        ),
    )
    campaigns = api.as_key(created.secret)
    user = new_user()
    await apns_device(app, user_id=user)
    _, failing_token = await apns_device(app, user_id=user)
    fakes.apns.fail(failing_token, 400, "BadCollapseId", times=1)

    answer = await send_call(
        app, send_request(app, target=send_pb2.Target(user_id=user)), stubs=campaigns
    )
    send = answer.send
    assert send.creator == created.api_key.name
    assert send.state in (STATE_IN_PROGRESS, STATE_COMPLETED)
    assert send.create_time.seconds and send.counts.total == 2

    done = await app.settled(send.name)

    assert done.state == STATE_COMPLETED
    assert done.creator == created.api_key.name
    assert done.target.user_id == user
    assert done.notification == send.notification
    assert done.create_time == send.create_time
    assert dt(done.complete_time) >= dt(done.create_time)
    assert done.counts == send_pb2.DeliveryCounts(total=2, sent=1, failed=1)
    await expect_error(app.get(f"{app.parent}/sends/{UNKNOWN_ID}"), NOT_FOUND, "SEND_NOT_FOUND")


async def test_list_sends_pages_newest_first_and_filters_by_time(
    api: Api, fakes: ProviderFakes
) -> None:
    app = await push_app(api, fakes)
    made = [await app.send(send_pb2.Target(user_id=new_user()), note(str(i))) for i in range(5)]
    newest_first = [s.name for s in reversed(made)]

    pages: list[list[str]] = []
    token = ""
    while True:
        page = await list_sends(app, page_size=2, page_token=token)
        pages.append([s.name for s in page.sends])
        token = page.next_page_token
        if not token:
            break

    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:]]
    third = made[2].create_time
    assert await all_sends(app, start_time=third) == newest_first[:3]
    assert await all_sends(app, end_time=third) == newest_first[3:]
    assert await all_sends(app, start_time=made[1].create_time, end_time=made[3].create_time) == [
        made[2].name,
        made[1].name,
    ]
    first_page = await list_sends(app, page_size=2)
    assert first_page.sends[0].counts == made[-1].counts
    await expect_error(
        list_sends(app, page_size=2, page_token=first_page.next_page_token, start_time=third),
        INVALID_ARGUMENT,
        "INVALID_PAGE_TOKEN",
    )
    await expect_error(
        list_sends(app, page_token=first_page.next_page_token, state=STATE_COMPLETED),
        INVALID_ARGUMENT,
        "INVALID_PAGE_TOKEN",
    )


async def test_list_sends_filters_by_state(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)
    waiting, _ = await apns_device(app)
    slow, slow_token = await apns_device(app)
    fakes.apns.delay(slow_token, 1.5, times=1)
    later = from_now(timedelta(days=1))

    completed = await app.send(send_pb2.Target(user_id=new_user()), note())
    scheduled = await app.send(send_pb2.Target(user_id=waiting.user_id), note(), send_time=later)
    cancelled = await app.send(send_pb2.Target(user_id=waiting.user_id), note(), send_time=later)
    await cancel(app, cancelled.name)
    in_progress = await app.send(send_pb2.Target(user_id=slow.user_id), note())

    try:
        assert await all_sends(app, state=STATE_COMPLETED) == [completed.name]
        assert await all_sends(app, state=STATE_SCHEDULED) == [scheduled.name]
        assert await all_sends(app, state=STATE_CANCELLED) == [cancelled.name]
        assert await all_sends(app, state=STATE_IN_PROGRESS) == [in_progress.name]
        assert await all_sends(app) == [
            in_progress.name,
            cancelled.name,
            scheduled.name,
            completed.name,
        ]
        states = {s.name: s.state for s in (await list_sends(app)).sends}
        assert states == {
            completed.name: STATE_COMPLETED,
            scheduled.name: STATE_SCHEDULED,
            cancelled.name: STATE_CANCELLED,
            in_progress.name: STATE_IN_PROGRESS,
        }
    finally:
        await app.settled(in_progress.name)
    assert await all_sends(app, state=STATE_COMPLETED) == [in_progress.name, completed.name]


# --- ListDeliveries ----------------------------------------------------------------------


async def test_list_deliveries_reports_each_device(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)
    user = new_user()
    ios, ios_token = await apns_device(app, user_id=user)
    android = await app.register(FCM, user_id=user)
    web = await app.register(WEBPUSH, user_id=user)
    broken, broken_token = await apns_device(app, user_id=user)
    fakes.apns.fail(broken_token, 400, "BadCollapseId", times=1)

    send = await app.send(send_pb2.Target(user_id=user), note())
    done = await app.settled(send.name)
    found = {d.device: d for d in await app.deliveries(send.name)}

    assert done.counts == send_pb2.DeliveryCounts(total=4, sent=3, failed=1)
    providers = {ios.name: APNS, android.name: FCM, web.name: WEBPUSH, broken.name: APNS}
    assert {name: d.provider for name, d in found.items()} == providers
    for device in (ios, android, web, broken):
        d = found[device.name]
        assert d.name == delivery_name(send, device)
        assert d.user_id == user
        assert d.attempts == 1
        assert d.create_time == send.create_time
        assert dt(d.update_time) >= dt(d.create_time)
        assert not d.HasField("next_attempt_time")
        assert dt(d.expire_time) - dt(d.create_time) == timedelta(weeks=4)
    for device in (ios, android, web):
        assert (found[device.name].status, found[device.name].reason) == (SENT, "")
    [apns_seen] = apns_received(fakes, ios_token)
    assert found[ios.name].provider_message_id == apns_seen.apns_id
    assert found[android.name].provider_message_id
    failed = found[broken.name]
    assert (failed.status, failed.provider_code) == (FAILED, "BadCollapseId")
    assert failed.reason


async def test_list_deliveries_filters_by_status_and_pages(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)
    user = new_user()
    devices = [(await apns_device(app, user_id=user))[0] for _ in range(4)]
    _, broken_token = await apns_device(app, user_id=user)
    fakes.apns.fail(broken_token, 400, "BadCollapseId", times=1)
    send = await app.send(send_pb2.Target(user_id=user), note())
    await app.settled(send.name)

    async def listed(**fields: Any) -> pb.ListDeliveriesResponse:
        return await app.sender(
            app.sender.push.ListDeliveries,
            pb.ListDeliveriesRequest(parent=send.name, **fields),
        )

    sent = await listed(status=SENT)
    assert sorted(d.device for d in sent.deliveries) == sorted(d.name for d in devices)
    [failed] = (await listed(status=FAILED)).deliveries
    assert failed.status == FAILED
    assert (await listed(status=CANCELLED)).deliveries == []

    pages: list[list[str]] = []
    token = ""
    while True:
        page = await listed(page_size=2, page_token=token)
        pages.append([d.name for d in page.deliveries])
        token = page.next_page_token
        if not token:
            break
    assert [len(p) for p in pages] == [2, 2, 1]
    flat = [name for page in pages for name in page]
    assert flat == sorted(flat) and len(set(flat)) == 5
    first = await listed(page_size=2)
    await expect_error(
        listed(page_size=2, page_token=first.next_page_token, status=SENT),
        INVALID_ARGUMENT,
        "INVALID_PAGE_TOKEN",
    )
    await expect_error(
        app.deliveries(f"{app.parent}/sends/{UNKNOWN_ID}"), NOT_FOUND, "SEND_NOT_FOUND"
    )


# --- localisation ------------------------------------------------------------------------


async def test_each_device_gets_the_best_localisation_for_its_locale(
    api: Api, fakes: ProviderFakes
) -> None:
    app = await push_app(api, fakes)
    user = new_user()
    tokens = {}
    for locale in ("fr-CA", "fr-FR", "pt-BR", "de", ""):
        _, tokens[locale] = await apns_device(app, user_id=user, locale=locale)
    text = notification_pb2.LocalizedText
    notification = note(
        "Hello",
        "Your order shipped",
        localizations={
            "fr-CA": text(title="Allô", body="Commande expédiée (CA)"),
            "fr": text(title="Bonjour", body="Commande expédiée"),
            "pt": text(title="Olá", body="Pedido enviado"),
            "es": text(title="Hola", body="Pedido enviado"),
        },
    )

    send = await app.send(send_pb2.Target(user_id=user), notification)
    await app.settled(send.name)

    def alert(locale: str) -> tuple[str, str]:
        [received] = apns_received(fakes, tokens[locale])
        shown = received.payload["aps"]["alert"]
        return shown["title"], shown["body"]

    assert alert("fr-CA") == ("Allô", "Commande expédiée (CA)")  # exact tag
    assert alert("fr-FR") == ("Bonjour", "Commande expédiée")  # language
    assert alert("pt-BR") == ("Olá", "Pedido enviado")  # language
    assert alert("de") == ("Hello", "Your order shipped")  # no match: the default
    assert alert("") == ("Hello", "Your order shipped")  # no locale: the default


# --- engagement --------------------------------------------------------------------------


async def test_engagement_is_recorded_and_only_moves_the_status_forward(
    api: Api, fakes: ProviderFakes
) -> None:
    app = await push_app(api, fakes)
    device, token = await apns_device(app)
    send = await app.send(send_pb2.Target(user_id=device.user_id), note())
    await app.settled(send.name)
    # The app names the delivery from what it received: `clarion.send` plus its device id.
    [received] = apns_received(fakes, token)
    delivery = f"{received.payload['clarion.send']}/deliveries/{device_id(device)}"
    assert delivery == delivery_name(send, device)
    watcher = await watch(app.watcher, app.parent)
    try:
        opened = (await engage(app.sender, delivery, receipt_pb2.ENGAGEMENT_TYPE_OPENED)).receipt
        clicked = (
            await engage(app.sender, delivery, receipt_pb2.ENGAGEMENT_TYPE_CLICKED, "reply")
        ).receipt
        assert [(await app.deliveries(send.name))[0].status] == [CLICKED]
        late = (await engage(app.sender, delivery, receipt_pb2.ENGAGEMENT_TYPE_OPENED)).receipt
        streamed = await watcher.until(lambda rs: len(rs) >= 3)
    finally:
        await watcher.close()

    assert [(r.status, r.action_id) for r in (opened, clicked, late)] == [
        (OPENED, ""),
        (CLICKED, "reply"),
        (OPENED, ""),
    ]
    assert list(streamed) == [opened, clicked, late]
    assert all(r.delivery == delivery and r.device == device.name for r in streamed)
    assert opened.cursor < clicked.cursor < late.cursor
    [after] = await app.deliveries(send.name)
    assert after.status == CLICKED
    done = await app.get(send.name)
    assert (done.counts.sent, done.counts.delivered) == (1, 1)


async def test_a_devices_register_key_may_record_engagement(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)
    device, _ = await apns_device(app)
    send = await app.send(send_pb2.Target(user_id=device.user_id), note())
    await app.settled(send.name)
    in_app = api.as_key(await api.new_key(app.app.id, [api_key_pb2.SCOPE_DEVICES_REGISTER]))

    answer = await engage(
        in_app, delivery_name(send, device), receipt_pb2.ENGAGEMENT_TYPE_CLICKED, "open"
    )

    assert (answer.receipt.status, answer.receipt.action_id) == (CLICKED, "open")
    await expect_error(
        engage(app.watcher, delivery_name(send, device), receipt_pb2.ENGAGEMENT_TYPE_OPENED),
        grpc.StatusCode.PERMISSION_DENIED,
    )


async def test_engagement_needs_a_sent_delivery(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)
    waiting, _ = await apns_device(app)
    broken, broken_token = await apns_device(app)
    fakes.apns.fail(broken_token, 400, "BadCollapseId", times=1)
    scheduled = await app.send(
        send_pb2.Target(user_id=waiting.user_id), note(), send_time=from_now(timedelta(days=1))
    )
    failed = await app.send(send_pb2.Target(user_id=broken.user_id), note())
    assert (await app.settled(failed.name)).counts.failed == 1

    for send, device in ((scheduled, waiting), (failed, broken)):
        await expect_error(
            engage(app.sender, delivery_name(send, device), receipt_pb2.ENGAGEMENT_TYPE_OPENED),
            FAILED_PRECONDITION,
            "DELIVERY_NOT_SENT",
        )
    [still] = await app.deliveries(scheduled.name)
    assert still.status == SCHEDULED


async def test_engagement_requests_are_checked(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)
    device, _ = await apns_device(app)
    send = await app.send(send_pb2.Target(user_id=device.user_id), note())
    await app.settled(send.name)
    delivery = delivery_name(send, device)

    failure = await expect_error(
        engage(app.sender, delivery, receipt_pb2.ENGAGEMENT_TYPE_CLICKED),
        INVALID_ARGUMENT,
        "INVALID_ENGAGEMENT",
    )
    assert set(failure.violations) == {"action_id"}
    failure = await expect_error(
        engage(app.sender, delivery, receipt_pb2.ENGAGEMENT_TYPE_UNSPECIFIED),
        INVALID_ARGUMENT,
        "INVALID_ENGAGEMENT",
    )
    assert set(failure.violations) == {"type"}
    failure = await expect_error(
        engage(app.sender, delivery, receipt_pb2.ENGAGEMENT_TYPE_OPENED, "reply"),
        INVALID_ARGUMENT,
        "INVALID_ENGAGEMENT",
    )
    assert set(failure.violations) == {"action_id"}
    await expect_error(
        engage(app.sender, f"{send.name}/deliveries/{UNKNOWN_ID}", 1),
        NOT_FOUND,
        "DELIVERY_NOT_FOUND",
    )
    await expect_error(
        engage(app.sender, f"{app.parent}/sends/{UNKNOWN_ID}/deliveries/{device_id(device)}", 1),
        NOT_FOUND,
        "DELIVERY_NOT_FOUND",
    )
    [unchanged] = await app.deliveries(send.name)
    assert unchanged.status == SENT


# --- completion under concurrent dispatch ---------------------------------------------------


@asynccontextmanager
async def one_delivery_per_batch(
    server: Server, fakes: ProviderFakes, directory: Path
) -> AsyncIterator[Api]:
    """A Clarion of its own on the session's backend whose dispatcher claims one delivery per
    batch with four workers: a send's deliveries are always settled by concurrent batches."""
    with ExitStack() as stack:
        if server.backend == "postgres":
            url = stack.enter_context(private_schema(postgres_url()))
        else:
            url = f"sqlite+aiosqlite:///{directory / 'clarion.db'}"
        settings = Settings(
            data_dir=directory,
            database_url=url,
            listen="127.0.0.1:0",
            gateway=False,
            metrics_listen="",
            shutdown_grace_seconds=0.5,
            dispatch_workers=4,
            dispatch_batch_size=1,
            dispatch_poll_seconds=0.05,
            apns_production_url=fakes.apns.base_url,
            apns_sandbox_url=fakes.apns_sandbox.base_url,
            fcm_url=fakes.fcm.base_url,
            provider_ca_file=str(fakes.tls.ca_file),
        )
        clarion = Clarion(settings)
        await clarion.start()
        try:
            admin_key = settings.admin_key_path.read_text().strip()
            own = Server(
                server.backend, clarion, f"127.0.0.1:{clarion.port}", admin_key, url, settings
            )
            async with grpc.aio.insecure_channel(own.address) as channel:
                yield Api(own, channel)
        finally:
            await clarion.stop(grace=0)


async def test_a_send_settled_by_concurrent_batches_completes(
    fakes: ProviderFakes, server: Server, tmp_path: Path
) -> None:
    async with one_delivery_per_batch(server, fakes, tmp_path) as own_api:
        app = await push_app(own_api, fakes)
        user = new_user()
        for _ in range(8):
            await apns_device(app, user_id=user)
        loop = asyncio.get_running_loop()
        incomplete = []
        for _ in range(5):
            send = await app.send(send_pb2.Target(user_id=user), note())
            deadline = loop.time() + 20
            while (got := await app.get(send.name)).counts.pending:
                assert loop.time() < deadline, got.counts
                await asyncio.sleep(0.02)
            # Every delivery is final, so the last settle recorded completion in the same
            # transaction; a second of grace only guards against reading between commits.
            grace = loop.time() + 1
            while not got.complete_time.seconds and loop.time() < grace:
                await asyncio.sleep(0.05)
                got = await app.get(send.name)
            if got.state != STATE_COMPLETED:
                incomplete.append(send.name)

    assert incomplete == [], "sends with no pending delivery left that never completed"
