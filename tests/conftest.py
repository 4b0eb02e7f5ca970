"""Shared fixtures: a real Clarion on a real port, on SQLite and on Postgres, every run.

Each backend gets one server per test session, on a fresh database; tests isolate themselves
by creating their own apps (`api.new_app()`), which is also how tenants are isolated in life.
`CLARION_TEST_POSTGRES_URL` names the Postgres database (scripts/test sets it); each session
works in a schema of its own and drops it at the end.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, ExitStack

import grpc
import pytest

from clarion.app import Clarion
from clarion.config import Settings
from fakes.apns import FakeApns
from fakes.expo import FakeExpo
from fakes.fcm import FakeFcm
from fakes.hms import FakeHms
from fakes.mipush import FakeMiPush
from fakes.tls import make_tls_material
from fakes.webpush import WebPushService
from harness import Api, ProviderFakes, Server, postgres_url, private_schema

BACKENDS = ("sqlite", "postgres")


@pytest.fixture(scope="session")
async def fakes(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ProviderFakes]:
    """Fake APNs (both environments), FCM, a Web Push service, Expo, HMS and MiPush, over TLS
    with a test CA.

    The session's servers send to them; tests tell them how to answer per token.
    """
    tls = make_tls_material(tmp_path_factory.mktemp("provider-tls"))
    async with AsyncExitStack() as stack:
        apns = await stack.enter_async_context(FakeApns(tls=tls))
        sandbox = await stack.enter_async_context(FakeApns(tls=tls, environment="sandbox"))
        fcm = await stack.enter_async_context(FakeFcm(tls=tls))
        webpush = await stack.enter_async_context(WebPushService(tls))
        expo = await stack.enter_async_context(FakeExpo(tls=tls))
        hms = await stack.enter_async_context(FakeHms(tls=tls))
        mipush = await stack.enter_async_context(FakeMiPush(tls=tls))
        yield ProviderFakes(tls, apns, sandbox, fcm, webpush, expo, hms, mipush)


@pytest.fixture(scope="session", params=BACKENDS)
async def server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    fakes: ProviderFakes,
) -> AsyncIterator[Server]:
    """One Clarion per backend for the whole session (tests parametrised over both)."""
    backend = request.param
    data_dir = tmp_path_factory.mktemp(f"clarion-{backend}")
    with ExitStack() as stack:
        if backend == "postgres":
            url = stack.enter_context(private_schema(postgres_url()))
        else:
            url = f"sqlite+aiosqlite:///{data_dir / 'clarion.db'}"
        settings = Settings(
            data_dir=data_dir,
            database_url=url,
            listen="127.0.0.1:0",
            gateway=False,
            auth_cache_seconds=5.0,
            shutdown_grace_seconds=1.0,
            metrics_listen="127.0.0.1:0",
            dispatch_poll_seconds=0.2,
            # Tests sweep when they mean to (clarion.retention.run_once), never behind others.
            retention_interval_seconds=1e9,
            apns_production_url=fakes.apns.base_url,
            apns_sandbox_url=fakes.apns_sandbox.base_url,
            fcm_url=fakes.fcm.base_url,
            expo_url=fakes.expo.base_url,
            hms_oauth_url=fakes.hms.oauth_url,
            hms_push_url=fakes.hms.base_url,
            mipush_china_url=fakes.mipush.base_url,
            mipush_sgp_url=fakes.mipush.base_url,
            mipush_eea_url=fakes.mipush.base_url,
            mipush_ru_url=fakes.mipush.base_url,
            mipush_in_url=fakes.mipush.base_url,
            # Receipts are read a moment after the send, not 15 minutes.
            expo_receipt_delay_seconds=0.3,
            expo_receipt_recheck_seconds=0.3,
            expo_receipt_poll_seconds=0.2,
            provider_ca_file=str(fakes.tls.ca_file),
            provider_request_timeout=5.0,
        )
        clarion = Clarion(settings)
        await clarion.start()
        admin_key = settings.admin_key_path.read_text().strip()
        yield Server(backend, clarion, f"127.0.0.1:{clarion.port}", admin_key, url, settings)
        await clarion.stop(grace=0)


@pytest.fixture(scope="session")
async def gateway(server: Server) -> AsyncIterator[str]:
    """The REST gateway in front of the session's server; yields its base URL."""
    from clarion.gateway import Gateway

    async with Gateway(server.address, host="127.0.0.1", port=0) as running:
        yield running.url


@pytest.fixture(scope="session")
async def api(server: Server) -> AsyncIterator[Api]:
    """Admin access to the session's server over a real gRPC channel."""
    async with grpc.aio.insecure_channel(server.address) as channel:
        yield Api(server, channel)
