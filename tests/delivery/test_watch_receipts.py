"""End to end over gRPC, on both backends: WatchReceipts streams an app's receipt log in cursor
order. A consumer that reconnects after its last cursor misses nothing and sees nothing
twice (checked against the log in the database); NOW, EARLIEST and the filters start and
select what they promise; every watcher sees every receipt, promptly; bad cursors, filters
and keys are refused."""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import sqlalchemy as sa

from clarion.api.times import ts
from clarion.store.schema import receipts
from clarion.v1 import provider_pb2, push_sender_service_pb2, receipt_pb2, send_pb2
from delivery_kit import QUEUED, SENT, PushApp, apns_token, note, push_app, watch
from harness import Api, ProviderFakes, RpcFailure, Server, Stubs, expect_error

EARLIEST = receipt_pb2.START_POSITION_EARLIEST
NOW = receipt_pb2.START_POSITION_NOW
SCHEDULED = send_pb2.DELIVERY_STATUS_SCHEDULED
OPENED = send_pb2.DELIVERY_STATUS_OPENED

# (cursor, send id, device id, status) as the receipts table holds it
LogRow = tuple[int, str, str, str]


async def user_with_devices(app: PushApp, count: int = 1) -> send_pb2.Target:
    """A user of its own with `count` APNs devices; the target that reaches them."""
    user = f"user-{secrets.token_hex(6)}"
    for _ in range(count):
        await app.register(provider_pb2.PROVIDER_APNS, token=apns_token(), user_id=user)
    return send_pb2.Target(user_id=user)


async def sent(app: PushApp, target: send_pb2.Target, **extra: Any) -> send_pb2.Send:
    """Send and wait until every delivery is final."""
    send = await app.send(target, note(), **extra)
    return await app.settled(send.name)


def stored_log(server: Server, app: PushApp) -> list[LogRow]:
    """The app's receipt log as the database holds it, in cursor order."""
    r = receipts.c
    engine = server.sync_engine()
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(r.cursor, r.send_id, r.device_id, r.status)
                .where(r.app_id == app.app.id)
                .order_by(r.cursor)
            )
            return [(int(c), s, d, status) for c, s, d, status in rows]
    finally:
        engine.dispose()


def as_row(receipt: receipt_pb2.Receipt) -> LogRow:
    status = send_pb2.DeliveryStatus.Name(receipt.status).removeprefix("DELIVERY_STATUS_")
    return (
        receipt.cursor,
        receipt.send.rsplit("/", 1)[1],
        receipt.device.rsplit("/", 1)[1],
        status.lower(),
    )


def request(parent: str, **options: Any) -> push_sender_service_pb2.WatchReceiptsRequest:
    return push_sender_service_pb2.WatchReceiptsRequest(parent=parent, **options)


async def start_cursor(stubs: Stubs, parent: str, **options: Any) -> str:
    """The `clarion-start-cursor` header of a new watch."""
    call = stubs.push.WatchReceipts(request(parent, **options), metadata=stubs.metadata)
    try:
        metadata = await call.initial_metadata()
    finally:
        call.cancel()
    value: str = dict(metadata)["clarion-start-cursor"]
    return value


async def refused(
    stubs: Stubs, parent: str, code: grpc.StatusCode, reason: str, **options: Any
) -> RpcFailure:
    """A watch that must fail with `code` and `reason` before its first receipt."""

    async def first_message() -> None:
        call = stubs.push.WatchReceipts(
            request(parent, **options), metadata=stubs.metadata, timeout=10
        )
        async for _ in call:
            break

    return await expect_error(first_message(), code, reason)


# --- resuming ----------------------------------------------------------------------------


async def test_a_watcher_resuming_after_its_last_cursor_misses_nothing(
    api: Api, fakes: ProviderFakes, server: Server
) -> None:
    app = await push_app(api, fakes)
    target = await user_with_devices(app, 2)
    await sent(app, target)

    first = await watch(app.watcher, app.parent, start=EARLIEST)
    try:
        seen = await first.until(lambda rs: len(rs) >= 4)
    finally:
        await first.close()
    processed = seen[:3]  # the consumer went away after processing three of them

    for _ in range(2):  # receipts appended while nobody watches
        await sent(app, target)
    second = await watch(app.watcher, app.parent, after_cursor=processed[-1].cursor)
    try:
        await sent(app, target)  # and while it watches again
        log = stored_log(server, app)
        resumed = await second.until(lambda rs: bool(rs) and rs[-1].cursor >= log[-1][0])
    finally:
        await second.close()

    assert len(log) == 16  # 4 sends x 2 devices x (QUEUED, SENT)
    assert [as_row(r) for r in processed + resumed] == log
    assert [row[0] for row in log] == list(range(1, len(log) + 1))


async def test_now_skips_the_past_and_earliest_replays_only_this_apps_log(
    api: Api, fakes: ProviderFakes, server: Server
) -> None:
    app, other = await push_app(api, fakes), await push_app(api, fakes)
    target, other_target = await user_with_devices(app), await user_with_devices(other)
    old = await sent(app, target)
    await sent(other, other_target)

    from_now = await watch(app.watcher, app.parent, start=NOW)
    by_default = await watch(app.watcher, app.parent)
    from_start = await watch(app.watcher, app.parent, start=EARLIEST)
    try:
        await sent(other, other_target)
        new = await sent(app, target)
        log = stored_log(server, app)

        def has_new(rs: list[receipt_pb2.Receipt]) -> bool:
            return any(r.send == new.name and r.status == SENT for r in rs)

        now_seen = await from_now.until(has_new)
        default_seen = await by_default.until(has_new)
        all_seen = await from_start.until(lambda rs: len(rs) >= len(log))
    finally:
        for w in (from_now, by_default, from_start):
            await w.close()

    new_id = new.name.rsplit("/", 1)[1]
    assert [as_row(r) for r in now_seen] == [row for row in log if row[1] == new_id]
    assert default_seen == now_seen
    assert [as_row(r) for r in all_seen] == log
    assert {r.send for r in all_seen} == {old.name, new.name}
    assert all(r.device.startswith(f"{app.parent}/devices/") for r in all_seen)


# --- filters -----------------------------------------------------------------------------


async def test_a_send_filter_streams_that_send_only(
    api: Api, fakes: ProviderFakes, server: Server
) -> None:
    app = await push_app(api, fakes)
    target = await user_with_devices(app)
    chosen = await sent(app, target)
    [delivery] = await app.deliveries(chosen.name)

    watcher = await watch(app.watcher, app.parent, start=EARLIEST, send=chosen.name)
    try:
        await sent(app, target)  # another send's receipts, appended before the next one
        await app.sender(
            app.sender.push.RecordEngagement,
            push_sender_service_pb2.RecordEngagementRequest(
                delivery=delivery.name, type=receipt_pb2.ENGAGEMENT_TYPE_OPENED
            ),
        )
        got = await watcher.until(lambda rs: any(r.status == OPENED for r in rs))
    finally:
        await watcher.close()

    chosen_id = chosen.name.rsplit("/", 1)[1]
    expected = [row for row in stored_log(server, app) if row[1] == chosen_id]
    assert [as_row(r) for r in got] == expected
    assert [r.status for r in got] == [QUEUED, SENT, OPENED]


async def test_a_send_filter_must_name_a_send_of_the_app(api: Api, fakes: ProviderFakes) -> None:
    app, other = await push_app(api, fakes), await push_app(api, fakes)
    foreign = await sent(other, await user_with_devices(other))

    failure = await refused(
        app.watcher,
        app.parent,
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_NAME",
        send=foreign.name,
    )

    assert set(failure.violations) == {"send"}


async def test_a_status_filter_streams_those_statuses_only(
    api: Api, fakes: ProviderFakes, server: Server
) -> None:
    app = await push_app(api, fakes)
    target = await user_with_devices(app, 2)
    await sent(app, target)
    wanted = [SCHEDULED, SENT]

    watcher = await watch(app.watcher, app.parent, start=EARLIEST, statuses=wanted)
    try:
        await app.send(target, note(), send_time=ts(datetime.now(UTC) + timedelta(days=1)))
        last = await sent(app, target)
        got = await watcher.until(
            lambda rs: sum(r.send == last.name and r.status == SENT for r in rs) == 2
        )
    finally:
        await watcher.close()

    expected = [row for row in stored_log(server, app) if row[3] in ("scheduled", "sent")]
    assert [as_row(r) for r in got] == expected
    assert [r.status for r in got] == [SENT, SENT, SCHEDULED, SCHEDULED, SENT, SENT]


# --- many watchers, promptly ---------------------------------------------------------------


async def test_every_watcher_sees_every_receipt(
    api: Api, fakes: ProviderFakes, server: Server
) -> None:
    app = await push_app(api, fakes)
    target = await user_with_devices(app, 3)
    watchers = [await watch(app.watcher, app.parent) for _ in range(5)]
    try:
        send = await sent(app, target)
        log = stored_log(server, app)
        seen = await asyncio.gather(*(w.until(lambda rs: len(rs) >= len(log)) for w in watchers))
    finally:
        for w in watchers:
            await w.close()

    assert send.counts.sent == 3 and len(log) == 6
    for receipts_seen in seen:
        assert [as_row(r) for r in receipts_seen] == log


async def test_a_watcher_wakes_promptly(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)
    target = await user_with_devices(app)
    loop = asyncio.get_running_loop()
    watcher = await watch(app.watcher, app.parent)
    lags = []
    try:
        for _ in range(3):
            send = await app.send(target, note())
            returned = loop.time()
            await watcher.until(
                lambda rs, name=send.name: any(r.send == name and r.status == QUEUED for r in rs),
                within=5,
            )
            lags.append(loop.time() - returned)
    finally:
        await watcher.close()

    # A functional bound, not a benchmark: a wake-up, not a 30 s safety-net re-read.
    assert max(lags) < 1.0, lags


# --- refused watches -----------------------------------------------------------------------


async def test_a_cursor_beyond_the_end_is_out_of_range(api: Api, fakes: ProviderFakes) -> None:
    app, empty = await push_app(api, fakes), await push_app(api, fakes)
    await sent(app, await user_with_devices(app))  # cursors 1 and 2

    await refused(
        app.watcher,
        app.parent,
        grpc.StatusCode.OUT_OF_RANGE,
        "CURSOR_OUT_OF_RANGE",
        after_cursor=3,
    )
    await refused(
        empty.watcher,
        empty.parent,
        grpc.StatusCode.OUT_OF_RANGE,
        "CURSOR_OUT_OF_RANGE",
        after_cursor=1,
    )
    assert await start_cursor(app.watcher, app.parent, after_cursor=2) == "2"  # the very end


async def test_a_negative_cursor_is_invalid(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)

    failure = await refused(
        app.watcher,
        app.parent,
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_CURSOR",
        after_cursor=-1,
    )

    assert set(failure.violations) == {"after_cursor"}


async def test_watching_needs_receipts_read_on_the_app(api: Api, fakes: ProviderFakes) -> None:
    app, other = await push_app(api, fakes), await push_app(api, fakes)

    await refused(app.sender, app.parent, grpc.StatusCode.PERMISSION_DENIED, "MISSING_SCOPE")
    await refused(other.watcher, app.parent, grpc.StatusCode.PERMISSION_DENIED, "WRONG_APP")


# --- where a watch starts ------------------------------------------------------------------


async def test_the_start_cursor_header_says_where_the_watch_starts(
    api: Api, fakes: ProviderFakes
) -> None:
    app = await push_app(api, fakes)
    target = await user_with_devices(app, 2)
    assert await start_cursor(app.watcher, app.parent) == "0"
    assert await start_cursor(app.watcher, app.parent, start=EARLIEST) == "0"

    await sent(app, target)  # cursors 1 to 4

    assert await start_cursor(app.watcher, app.parent) == "4"
    assert await start_cursor(app.watcher, app.parent, start=NOW) == "4"
    assert await start_cursor(app.watcher, app.parent, start=EARLIEST) == "0"
    assert await start_cursor(app.watcher, app.parent, after_cursor=1, start=NOW) == "1"
    watcher = await watch(app.watcher, app.parent)
    try:
        send = await app.send(target, note())
        first = await watcher.until(lambda rs: any(r.send == send.name for r in rs))
    finally:
        await watcher.close()
    assert first[0].cursor == 5


# --- batched messages ----------------------------------------------------------------------


async def batched_messages(
    stubs: Stubs, parent: str, until_cursor: int, **options: Any
) -> list[push_sender_service_pb2.WatchReceiptsResponse]:
    """The stream's raw messages up to the one carrying `until_cursor`."""
    messages = []
    call = stubs.push.WatchReceipts(request(parent, **options), metadata=stubs.metadata, timeout=30)
    try:
        async for message in call:
            messages.append(message)
            if message.receipts and message.receipts[-1].cursor >= until_cursor:
                break
    finally:
        call.cancel()
    return messages


async def test_batched_messages_carry_the_log_in_order_and_resume_after_their_last_cursor(
    api: Api, fakes: ProviderFakes, server: Server
) -> None:
    app = await push_app(api, fakes)
    target = await user_with_devices(app, 3)
    for _ in range(2):
        await sent(app, target)
    log = stored_log(server, app)
    assert len(log) == 12  # 2 sends x 3 devices x (QUEUED, SENT)

    messages = await batched_messages(
        app.watcher, app.parent, log[-1][0], start=EARLIEST, max_receipts_per_message=5
    )

    assert all(not m.HasField("receipt") and 1 <= len(m.receipts) <= 5 for m in messages)
    assert max(len(m.receipts) for m in messages) > 1  # already logged: packed, not one each
    assert [as_row(r) for m in messages for r in m.receipts] == log

    # A consumer resumes after the last cursor of the last message it processed.
    await sent(app, target)
    log = stored_log(server, app)
    resumed = await batched_messages(
        app.watcher,
        app.parent,
        log[-1][0],
        after_cursor=messages[-1].receipts[-1].cursor,
        max_receipts_per_message=1000,
    )
    assert [as_row(r) for m in resumed for r in m.receipts] == log[12:]


async def test_unbatched_messages_carry_one_receipt_each(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)
    await sent(app, await user_with_devices(app, 2))

    for per_message in (0, 1):
        call = app.watcher.push.WatchReceipts(
            request(app.parent, start=EARLIEST, max_receipts_per_message=per_message),
            metadata=app.watcher.metadata,
            timeout=30,
        )
        try:
            got = []
            async for message in call:
                assert message.HasField("receipt") and not message.receipts
                got.append(message.receipt.cursor)
                if len(got) == 4:
                    break
        finally:
            call.cancel()
        assert got == [1, 2, 3, 4]


async def test_a_batch_size_out_of_range_is_invalid(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)

    for size in (-1, 1001):
        failure = await refused(
            app.watcher,
            app.parent,
            grpc.StatusCode.INVALID_ARGUMENT,
            "INVALID_BATCH_SIZE",
            max_receipts_per_message=size,
        )
        assert set(failure.violations) == {"max_receipts_per_message"}
