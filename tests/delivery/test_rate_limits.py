"""A rate limit that a worker's batch cannot meet within its lease: the rest is handed back
to the queue and delivered later, no attempt counted, no receipt written, nothing lost;
and the limit and backlog per credential are in /metrics.

A Clarion of its own (SQLite) with a tight Expo limit (40/s) and a short lease (1.5 s, so a
worker waits at most 0.5 s for tokens), sending to the session's fakes.
"""

from __future__ import annotations

import asyncio
import secrets
import time
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from clarion.app import Clarion
from clarion.config import Settings
from clarion.v1 import provider_pb2, send_pb2
from delivery_kit import QUEUED, SENT, note, push_app, watch
from harness import Api, ProviderFakes, Server

DELIVERED = send_pb2.DELIVERY_STATUS_DELIVERED
RATE = 40.0
DEVICES = 120


@pytest.fixture
async def limited(tmp_path: Path, fakes: ProviderFakes) -> AsyncIterator[Api]:
    settings = Settings(
        data_dir=tmp_path,
        listen="127.0.0.1:0",
        gateway=False,
        metrics_listen="127.0.0.1:0",
        dispatch_poll_seconds=0.1,
        dispatch_lease_seconds=1.5,
        dispatch_batch_size=100,
        dispatch_workers=2,
        expo_url=fakes.expo.base_url,
        hms_oauth_url=fakes.hms.oauth_url,
        hms_push_url=fakes.hms.base_url,
        mipush_china_url=fakes.mipush.base_url,
        apns_production_url=fakes.apns.base_url,
        fcm_url=fakes.fcm.base_url,
        provider_ca_file=str(fakes.tls.ca_file),
        expo_rate_limit=RATE,
        expo_receipt_delay_seconds=0.2,
        expo_receipt_recheck_seconds=0.2,
        expo_receipt_poll_seconds=0.1,
    )
    clarion = Clarion(settings)
    await clarion.start()
    try:
        admin = settings.admin_key_path.read_text().strip()
        server = Server("sqlite", clarion, f"127.0.0.1:{clarion.port}", admin, "", settings)
        async with grpc.aio.insecure_channel(server.address) as channel:
            yield Api(server, channel)
    finally:
        await clarion.stop(grace=0)


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return str(response.read().decode())


async def test_deliveries_beyond_the_lease_wait_in_the_queue(
    limited: Api, fakes: ProviderFakes
) -> None:
    app = await push_app(limited, fakes)
    user = f"user-{secrets.token_hex(6)}"
    await app.set_policy(registrations_per_user_hour=DEVICES)  # one user, many devices
    for _ in range(DEVICES):
        await app.register(provider_pb2.PROVIDER_EXPO, user_id=user)
    watcher = await watch(app.watcher, app.parent)
    started = time.monotonic()
    try:
        send = await app.send(send_pb2.Target(user_id=user), note("Slow", "down"))
        # Mid-way, the credential's limit and backlog are visible.
        await asyncio.sleep(0.8)
        metrics = await asyncio.to_thread(scrape, limited.server.clarion.metrics_port)
        labels = f'app="{app.app.id}",provider="expo"'
        assert f"clarion_provider_rate_limit{{{labels}}} 40.0" in metrics
        backlog = [
            line
            for line in metrics.splitlines()
            if line.startswith(f"clarion_provider_backlog{{{labels}}}")
        ]
        assert backlog and float(backlog[0].split()[-1]) > 0
        receipts = await watcher.until(
            lambda rs: sum(r.send == send.name and r.status == DELIVERED for r in rs) == DEVICES,
            within=30,
        )
    finally:
        await watcher.close()
    elapsed = time.monotonic() - started
    # 120 at 40/s: at least (120 - 4) / 40 s, however fast the machine.
    assert elapsed >= 2.5
    by_device: dict[str, list[int]] = {}
    for r in receipts:
        if r.send == send.name:
            by_device.setdefault(r.device, []).append(r.status)
    assert len(by_device) == DEVICES
    # Deferred deliveries went back to the queue silently: no retry, no second QUEUED.
    assert all(statuses == [QUEUED, SENT, DELIVERED] for statuses in by_device.values())
    deliveries = await app.deliveries(send.name)
    assert {d.attempts for d in deliveries} == {1}
