"""Each generated client's example, run as a subprocess against a live Clarion.

The server is the session's (tests/conftest.py), delivering to the provider fakes, so a
receipt the example prints as SENT means the fake APNs verified the provider token and
accepted the notification. Every client runs against both databases, like every other
end-to-end test.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
from collections.abc import Callable

from client_kit import Example, Receipt, Running, parse_fields, receipts_in
from proxy import DroppingProxy

from clarion.v1 import api_key_pb2, provider_pb2, send_pb2
from delivery_kit import PushApp, note, push_app, watch
from harness import Api, ProviderFakes

SCOPES = (
    api_key_pb2.SCOPE_DEVICES_WRITE,
    api_key_pb2.SCOPE_PUSH_SEND,
    api_key_pb2.SCOPE_RECEIPTS_READ,
)


def sent(send: str, devices: int) -> Callable[[list[str]], bool]:
    """True once the printed lines hold a SENT receipt of `send` for each of its devices."""
    return lambda lines: (
        sum(r.send == send and r.status == "DELIVERY_STATUS_SENT" for r in receipts_in(lines))
        == devices
    )


async def example_key(api: Api, app: PushApp) -> str:
    """The one key an example uses: it registers, sends and watches."""
    return await api.new_key(app.app.id, SCOPES)


async def test_example_registers_sends_and_prints_the_receipts(
    example: Example, api: Api, fakes: ProviderFakes
) -> None:
    app = await push_app(api, fakes)
    env = example.env(api.server.address, await example_key(api, app))
    running = await Running.start(example, "--plaintext", "send", app.app.id, "alice", env=env)
    code = await running.wait(within=60)
    assert code == 0, running.output()

    device = next(
        parse_fields(f"x name={line.split()[1]}")["name"]
        for line in running.lines
        if line.startswith("device ")
    )
    send_line = next(line for line in running.lines if line.startswith("send "))
    send = send_line.split()[1]
    assert parse_fields(send_line)["deliveries"] == "1"
    receipts = receipts_in(running.lines)
    assert [(r.device, r.status) for r in receipts] == [
        (device, "DELIVERY_STATUS_QUEUED"),
        (device, "DELIVERY_STATUS_SENT"),
    ], running.output()
    assert all(r.send == send for r in receipts)
    assert receipts[0].cursor < receipts[1].cursor

    # The server agrees, and the fake APNs holds the notification the example sent.
    (delivery,) = await app.deliveries(send)
    assert delivery.device == device
    assert delivery.status == send_pb2.DELIVERY_STATUS_SENT
    delivered = [n for n in fakes.apns.accepted if send in json.dumps(n.payload)]
    assert len(delivered) == 1
    assert delivered[0].payload["aps"]["alert"]["title"] == example.title


async def test_watcher_resumes_after_the_connection_drops(
    example: Example, api: Api, fakes: ProviderFakes
) -> None:
    """Connections cut mid-stream, receipts written while the client cannot connect: the
    example's watcher reconnects, resumes after its last cursor, and prints the app's log
    exactly once, in order."""
    app = await push_app(api, fakes)
    await app.register(provider_pb2.PROVIDER_APNS, user_id="bob")
    await app.register(provider_pb2.PROVIDER_FCM, user_id="bob")
    key = await example_key(api, app)
    to_bob = send_pb2.Target(user_id="bob")

    async with DroppingProxy(api.server.address) as proxy:
        env = example.env(proxy.address, key)
        running = await Running.start(example, "--plaintext", "watch", app.app.id, env=env)
        try:
            first = await app.send(to_bob, note("first"))
            await running.until(sent(first.name, 2))

            proxy.pause()
            proxy.drop()
            # Written while the watcher cannot reach the server.
            second = await app.send(to_bob, note("second"))
            await app.settled(second.name)
            proxy.resume()

            await running.until(sent(second.name, 2))
            third = await app.send(to_bob, note("third"))
            await running.until(sent(third.name, 2))
        finally:
            await running.stop()

    reconnects = [parse_fields(line) for line in running.lines if line.startswith("reconnecting")]
    assert reconnects, running.output()
    printed = receipts_in(running.lines)
    # The log as the server holds it: 3 sends x 2 devices x (QUEUED, SENT).
    reference = await watch(app.watcher, app.parent, start=2)  # START_POSITION_EARLIEST
    try:
        log = await reference.until(lambda rs: len(rs) >= 12)
    finally:
        await reference.close()
    expected = [
        Receipt(r.cursor, send_pb2.DeliveryStatus.Name(r.status), r.device, r.send, r.reason)
        for r in log
    ]
    assert printed == expected, running.output()
    # The first reconnection resumed after the last receipt printed before the drop.
    first_sent_cursor = max(r.cursor for r in printed if r.send == first.name)
    assert int(reconnects[0]["after"]) == first_sent_cursor


async def test_watcher_from_now_resumes_where_its_first_stream_started(
    example: Example, api: Api, fakes: ProviderFakes
) -> None:
    """A watch from START_POSITION_NOW cut before any receipt arrived resumes after the
    cursor its stream started at (the `clarion-start-cursor` header), not from "now" again:
    what was written while it was away is printed, and nothing from before it started."""
    app = await push_app(api, fakes)
    await app.register(provider_pb2.PROVIDER_APNS, user_id="erin")
    key = await example_key(api, app)
    to_erin = send_pb2.Target(user_id="erin")
    before = await app.send(to_erin, note("before"))
    await app.settled(before.name)  # cursors 1 (QUEUED) and 2 (SENT)

    async with DroppingProxy(api.server.address) as proxy:
        env = example.env(proxy.address, key)
        running = await Running.start(example, "--plaintext", "watch", app.app.id, "now", env=env)
        try:
            # Cut connections until a reconnection resumes after 2: a stream had started.
            deadline = asyncio.get_running_loop().time() + 30
            while not any(line.startswith("reconnecting after=2 ") for line in running.lines):
                assert asyncio.get_running_loop().time() < deadline, running.output()
                assert running.process.returncode is None, running.output()
                await asyncio.sleep(0.5)
                proxy.drop()
            proxy.pause()
            proxy.drop()
            during = await app.send(to_erin, note("during"))  # cursors 3 and 4
            await app.settled(during.name)
            proxy.resume()
            await running.until(sent(during.name, 1))
        finally:
            await running.stop()

    printed = [(r.cursor, r.status, r.send) for r in receipts_in(running.lines)]
    assert printed == [
        (3, "DELIVERY_STATUS_QUEUED", during.name),
        (4, "DELIVERY_STATUS_SENT", during.name),
    ], running.output()


async def test_watcher_gives_up_on_an_error_retrying_cannot_cure(
    example: Example, api: Api, fakes: ProviderFakes
) -> None:
    """A key without receipts:read: the watcher raises PERMISSION_DENIED, no reconnecting."""
    app = await push_app(api, fakes)
    key = await api.new_key(app.app.id, [api_key_pb2.SCOPE_DEVICES_WRITE])
    env = example.env(api.server.address, key)
    running = await Running.start(example, "--plaintext", "watch", app.app.id, env=env)
    code = await running.wait(within=30)
    assert code != 0, running.output()
    assert re.search(r"permission.?denied", "\n".join(running.stderr), re.IGNORECASE), (
        running.output()
    )
    assert not any(line.startswith("reconnecting") for line in running.lines), running.output()


async def test_unary_calls_get_the_default_deadline(every_example: list[Example]) -> None:
    """A server that accepts connections and never answers: each example's first call
    (RegisterDevice) fails with DEADLINE_EXCEEDED after the clients' default 10 seconds,
    instead of waiting forever. The four run side by side."""
    with socket.socket() as black_hole:
        black_hole.bind(("127.0.0.1", 0))
        black_hole.listen(16)  # the kernel completes handshakes; nobody ever reads
        address = f"127.0.0.1:{black_hole.getsockname()[1]}"
        runs = [
            await Running.start(
                e, "--plaintext", "send", "nowhere", env=e.env(address, "clk_unused")
            )
            for e in every_example
        ]
        codes = await asyncio.gather(*(run.wait(within=60) for run in runs))
    for example, run, code in zip(every_example, runs, codes, strict=True):
        assert code != 0, f"{example.language}: {run.output()}"
        assert re.search(r"deadline.?exceeded", "\n".join(run.stderr), re.IGNORECASE), (
            f"{example.language}: {run.output()}"
        )
        # The default is 10 s; the upper bound is wait()'s 60 s, generous for a loaded box.
        assert run.ran_for >= 10, f"{example.language} gave up after {run.ran_for:.1f}s"
