"""Fixtures: a fake Clarion gRPC server on a real port and the gateway in front of it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from gateway_fakes import FakeClarion, start_fake_clarion

from clarion.gateway import Gateway, GatewaySettings


@pytest.fixture(scope="session")
async def fake_clarion() -> AsyncIterator[FakeClarion]:
    fake = await start_fake_clarion()
    yield fake
    await fake.server.stop(grace=None)


@pytest.fixture(scope="session")
async def gateway(fake_clarion: FakeClarion) -> AsyncIterator[Gateway]:
    settings = GatewaySettings(stream_header_grace=0.5, sse_keepalive_interval=0.2)
    async with Gateway(fake_clarion.address, port=0, settings=settings) as running:
        yield running


@pytest.fixture
async def http(gateway: Gateway, fake_clarion: FakeClarion) -> AsyncIterator[aiohttp.ClientSession]:
    """A client session on the gateway, with the fakes' stores and records reset."""
    fake_clarion.recorder.reset()
    fake_clarion.devices.reset()
    async with aiohttp.ClientSession(base_url=gateway.url) as session:
        yield session
