"""Dispatchers as real processes on one database: killed mid fan-out, and two at once.

The API runs in this process (role `api`, so it dispatches nothing); `clarion serve --role
dispatcher` subprocesses do the sending. A SIGKILL mid-batch leaves leases behind that
expire and are claimed again: every delivery still ends in exactly one final state.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import aiohttp
import grpc
import pytest
import sqlalchemy as sa

from clarion.app import Clarion
from clarion.config import Settings
from clarion.domain.deliveries import DeliveryStatus, TargetKind, Transition
from clarion.store.engine import create_engine, migrate
from clarion.store.ids import new_id
from clarion.store.queue import Claimed, DeliveryQueue, Settled
from clarion.store.schema import apps, deliveries, devices
from clarion.store.sends import NewSend, SendStore
from clarion.store.signals import Signals
from clarion.v1 import (
    device_pb2,
    device_registry_service_pb2,
    provider_pb2,
    send_pb2,
)
from delivery_kit import SENT, PushApp, Watch, apns_token, note, push_app, watch
from harness import Api, ProviderFakes, Server, postgres_url, private_schema

FANOUT = 5000
LEASE_SECONDS = 3
BATCH = 100


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def _database(backend: str, directory: Path) -> Iterator[str]:
    if backend == "postgres":
        with private_schema(postgres_url()) as url:
            yield url
    else:
        with nullcontext(f"sqlite+aiosqlite:///{directory / 'shared.db'}") as url:
            yield url


class Deployment:
    """An API process (here) and dispatcher processes (children) on one database."""

    def __init__(self, url: str, directory: Path, fakes: ProviderFakes) -> None:
        self.url = url
        self.directory = directory
        self.fakes = fakes
        self.key_file = directory / "master.key"
        self.children: list[tuple[asyncio.subprocess.Process, int, IO[bytes]]] = []

    def settings(self, **extra: object) -> Settings:
        return Settings(
            data_dir=self.directory,
            database_url=self.url,
            master_key_file=str(self.key_file),
            listen="127.0.0.1:0",
            gateway=False,
            metrics_listen="",
            role="api",
            shutdown_grace_seconds=0.5,
            **extra,  # type: ignore[arg-type]
        )

    async def start_dispatcher(self) -> tuple[asyncio.subprocess.Process, int]:
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("CLARION_")}
        env.update(
            CLARION_ROLE="dispatcher",
            CLARION_DATABASE_URL=self.url,
            CLARION_DATA_DIR=str(self.directory),
            CLARION_MASTER_KEY_FILE=str(self.key_file),
            CLARION_METRICS_LISTEN=f"127.0.0.1:{port}",
            CLARION_GATEWAY="false",
            CLARION_DISPATCH_LEASE_SECONDS=str(LEASE_SECONDS),
            CLARION_DISPATCH_BATCH_SIZE=str(BATCH),
            CLARION_DISPATCH_WORKERS="2",
            CLARION_DISPATCH_POLL_SECONDS="0.2",
            CLARION_APNS_PRODUCTION_URL=self.fakes.apns.base_url,
            CLARION_APNS_SANDBOX_URL=self.fakes.apns_sandbox.base_url,
            CLARION_FCM_URL=self.fakes.fcm.base_url,
            CLARION_PROVIDER_CA_FILE=str(self.fakes.tls.ca_file),
            CLARION_LOG_LEVEL="warning",
        )
        log = (self.directory / f"dispatcher-{port}.log").open("wb")
        process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).with_name("clarion")),
            "serve",
            cwd=self.directory,
            env=env,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
        self.children.append((process, port, log))
        return process, port

    async def stop_all(self) -> None:
        for process, _, log in self.children:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), 20)
                except TimeoutError:
                    process.kill()
                    await process.wait()
            log.close()


async def _sent_by(port: int) -> float:
    """Deliveries a dispatcher process reports SENT on its /metrics."""
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        text = await response.text()
    pattern = re.compile(r'^clarion_deliveries_total\{[^}]*status="sent"[^}]*\} (\S+)$', re.M)
    return sum(float(v) for v in pattern.findall(text))


@asynccontextmanager
async def _deployment(
    backend: str, tmp_path: Path, fakes: ProviderFakes
) -> AsyncIterator[tuple[Deployment, Api, Clarion]]:
    with _database(backend, tmp_path) as url:
        deployment = Deployment(url, tmp_path, fakes)
        clarion = Clarion(deployment.settings())
        await clarion.start()
        admin = deployment.settings().admin_key_path.read_text().strip()
        server = Server(backend, clarion, f"127.0.0.1:{clarion.port}", admin, url, clarion.settings)
        try:
            async with grpc.aio.insecure_channel(server.address) as channel:
                yield deployment, Api(server, channel), clarion
        finally:
            await deployment.stop_all()
            await clarion.stop(grace=0)


async def _register_many(app: PushApp, topic: str, count: int) -> list[str]:
    """Register `count` APNs devices on `topic`, 100 calls at a time; returns their tokens."""
    tokens = [apns_token() for _ in range(count)]

    async def one(token: str) -> None:
        await app.writer(
            app.writer.devices.RegisterDevice,
            device_registry_service_pb2.RegisterDeviceRequest(
                parent=app.parent,
                device=device_pb2.Device(
                    provider=provider_pb2.PROVIDER_APNS,
                    token=token,
                    topics=[topic],
                    apns_environment=provider_pb2.APNS_ENVIRONMENT_PRODUCTION,
                ),
            ),
        )

    for start in range(0, count, 100):
        await asyncio.gather(*(one(t) for t in tokens[start : start + 100]))
    return tokens


def _final_statuses(url: str, send_id: str) -> Counter[str]:
    engine = sa.create_engine(url.replace("sqlite+aiosqlite", "sqlite"))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT status, count(*) FROM deliveries WHERE send_id = :s GROUP BY status"
                ),
                {"s": send_id},
            )
            return Counter({status: int(n) for status, n in rows})
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_killing_a_dispatcher_mid_fanout_loses_nothing(
    backend: str, tmp_path: Path, fakes: ProviderFakes
) -> None:
    async with _deployment(backend, tmp_path, fakes) as (deployment, api, _):
        app = await push_app(api, fakes)
        tokens = await _register_many(app, "all", FANOUT)
        watcher: Watch = await watch(app.watcher, app.parent)
        first, _ = await deployment.start_dispatcher()
        before = len(fakes.apns.accepted)
        send = await app.send(send_pb2.Target(topic="all"), note("Fan", "out"))
        send_id = send.name.rsplit("/", 1)[1]
        assert send.counts.total == FANOUT
        # Kill it once a good part, but not all, has gone out.
        await watcher.until(lambda rs: sum(r.status == SENT for r in rs) >= FANOUT // 5, 60)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        sent_before_restart = sum(r.status == SENT for r in watcher.receipts)
        assert sent_before_restart < FANOUT, "the dispatcher finished before it was killed"
        await deployment.start_dispatcher()
        await watcher.until(lambda rs: sum(r.status == SENT for r in rs) >= FANOUT, 120)
        await app.settled(send.name, within=30)
        await asyncio.sleep(LEASE_SECONDS + 0.5)  # any straggler write would land by now
        receipts = [r for r in watcher.receipts if r.send == send.name]
        await watcher.close()
        final = _final_statuses(deployment.url, send_id)

    sent_per_device = Counter(r.device for r in receipts if r.status == SENT)
    assert len(sent_per_device) == FANOUT
    assert set(sent_per_device.values()) == {1}, "a delivery reached SENT twice"
    assert final == Counter({"sent": FANOUT})
    delivered = Counter(n.token for n in fakes.apns.accepted[before:])
    assert set(tokens) <= set(delivered), "a device never received the notification"
    # At-least-once: only what was in flight when the process died may have gone twice.
    assert sum(delivered.values()) - FANOUT <= 2 * BATCH


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_two_dispatchers_share_the_work_without_sending_twice(
    backend: str, tmp_path: Path, fakes: ProviderFakes
) -> None:
    count = 2000
    async with _deployment(backend, tmp_path, fakes) as (deployment, api, _):
        app = await push_app(api, fakes)
        tokens = await _register_many(app, "both", count)
        _, port_a = await deployment.start_dispatcher()
        _, port_b = await deployment.start_dispatcher()
        await asyncio.sleep(1.0)  # both are up and polling before the work arrives
        before = len(fakes.apns.accepted)
        send = await app.send(send_pb2.Target(topic="both"), note("Two", "dispatchers"))
        done = await app.settled(send.name, within=120)
        by_a, by_b = await _sent_by(port_a), await _sent_by(port_b)

    assert done.counts.sent == count
    delivered = Counter(n.token for n in fakes.apns.accepted[before:])
    assert set(delivered) == set(tokens)
    assert set(delivered.values()) == {1}, "a notification went out twice"
    assert by_a + by_b == count
    assert by_a > 0 and by_b > 0, f"one dispatcher did all the work ({by_a} / {by_b})"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_results_are_written_only_under_the_lease_that_holds_them(
    backend: str, tmp_path: Path
) -> None:
    """A dispatcher that stalled past its lease must not overwrite the newer claim's work.

    On a database of its own (no other dispatcher), a send's three deliveries are claimed
    twice, the second claim after the first lease has run out; then both claims report."""
    with _database(backend, tmp_path) as url:
        engine = create_engine(url)
        try:
            await migrate(engine)
            now = datetime.now(UTC)
            device_ids = [new_id() for _ in range(3)]
            async with engine.begin() as conn:
                await conn.execute(
                    sa.insert(apps).values(id="lease-test", created_at=now, updated_at=now)
                )
                await conn.execute(
                    sa.insert(devices),
                    [
                        {
                            "id": device_id,
                            "app_id": "lease-test",
                            "user_id": "u",
                            "provider": "apns",
                            "token_ciphertext": b"sealed",
                            "status": "active",
                            "created_at": now,
                            "updated_at": now,
                            "last_seen_at": now,
                        }
                        for device_id in device_ids
                    ],
                )
            signals = Signals(engine)
            send, _ = await SendStore(engine, signals).create(
                NewSend("lease-test", TargetKind.USER, "u", {"title": "t"}, timedelta(days=1))
            )
            queue = DeliveryQueue(engine, signals)
            lease = timedelta(seconds=60)
            now = datetime.now(UTC)  # the send is due from its creation on
            stalled, first = await queue.claim(10, lease, now)
            taken_over, second = await queue.claim(10, lease, now + 2 * lease)
            assert len(first) == len(second) == 3
            assert {c.attempt for c in second} == {2}

            def results(claimed: list[Claimed], status: DeliveryStatus) -> list[Settled]:
                return [Settled(c, Transition(status, "", "code")) for c in claimed]

            late = now + 3 * lease
            assert await queue.settle(stalled, results(first, DeliveryStatus.FAILED), late) == 0
            assert await queue.settle(taken_over, results(second, DeliveryStatus.SENT), late) == 3
            assert await queue.settle(taken_over, results(second, DeliveryStatus.FAILED), late) == 0

            async with engine.connect() as conn:
                stored = (
                    await conn.execute(
                        sa.select(
                            deliveries.c.device_id,
                            deliveries.c.status,
                            deliveries.c.provider_code,
                            deliveries.c.attempts,
                            deliveries.c.lease,
                        ).where(deliveries.c.send_id == send.id)
                    )
                ).all()
        finally:
            await engine.dispose()

    assert sorted(row.device_id for row in stored) == sorted(device_ids)
    assert {tuple(row)[1:] for row in stored} == {("sent", "code", 2, None)}
