"""Test helpers: service stubs per API key, app factories, and decoding rich errors."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from clarion.app import Clarion
from clarion.config import Settings
from clarion.v1 import (
    api_key_pb2,
    app_pb2,
    credentials_service_pb2_grpc,
    device_registry_service_pb2_grpc,
    policy_admin_service_pb2,
    policy_admin_service_pb2_grpc,
    push_sender_service_pb2_grpc,
)


def postgres_url() -> str:
    url = os.environ.get("CLARION_TEST_POSTGRES_URL")
    if not url:
        pytest.fail(
            "CLARION_TEST_POSTGRES_URL is not set: run the suite with scripts/test, which "
            "starts Postgres, or point it at a database where the tests may create schemas"
        )
    return url


@contextmanager
def private_schema(url: str) -> Iterator[str]:
    """A fresh schema for this session, dropped afterwards; yields a URL that uses only it.

    Test runs may overlap (several developers, CI), so none may wipe the shared database:
    each gets its own schema through the connection's search_path.
    """
    schema = f"clarion_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@dataclass
class ProviderFakes:
    """The session's provider fakes (tests/fakes), which the session's servers send to."""

    tls: Any
    apns: Any
    apns_sandbox: Any
    fcm: Any
    webpush: Any
    expo: Any = None
    hms: Any = None
    mipush: Any = None


@dataclass
class Server:
    """A running Clarion for tests: its address, settings and the bootstrap admin key."""

    backend: str
    clarion: Clarion
    address: str
    admin_key: str
    database_url: str
    settings: Settings

    def sync_engine(self) -> sa.Engine:
        """A plain synchronous engine on the same database, to inspect what is stored."""
        url = self.database_url.replace("sqlite+aiosqlite", "sqlite")
        return sa.create_engine(url)


class Stubs:
    """The four service stubs on one channel, calling with one API key."""

    def __init__(self, channel: grpc.aio.Channel, key: str | None) -> None:
        self.key = key
        self.metadata: tuple[tuple[str, str], ...] = (
            (("authorization", f"Bearer {key}"),) if key is not None else ()
        )
        self.devices = device_registry_service_pb2_grpc.DeviceRegistryServiceStub(channel)
        self.creds = credentials_service_pb2_grpc.CredentialsServiceStub(channel)
        self.push = push_sender_service_pb2_grpc.PushSenderServiceStub(channel)
        self.admin = policy_admin_service_pb2_grpc.PolicyAdminServiceStub(channel)

    async def __call__(self, method: Any, request: Any) -> Any:
        """Call a unary RPC with this key and a deadline."""
        return await method(request, metadata=self.metadata, timeout=10)


_app_numbers = itertools.count(1)


@dataclass
class TestApp:
    """An app made for one test, with a key per scope set asked for."""

    __test__ = False  # not a pytest test class, despite the name

    id: str
    keys: dict[str, Stubs] = field(default_factory=dict)

    @property
    def parent(self) -> str:
        return f"apps/{self.id}"


class Api:
    """What tests use: admin stubs, and factories for apps and keys."""

    def __init__(self, server: Server, channel: grpc.aio.Channel) -> None:
        self.server = server
        self.channel = channel
        self.admin = Stubs(channel, server.admin_key)

    def as_key(self, key: str | None) -> Stubs:
        """Stubs calling with another key (or none)."""
        return Stubs(self.channel, key)

    async def new_key(self, app_id: str | None, scopes: Iterable[int]) -> str:
        """Create an API key and return its secret."""
        created = await self.admin(
            self.admin.admin.CreateApiKey,
            policy_admin_service_pb2.CreateApiKeyRequest(
                parent=f"apps/{app_id}" if app_id else "",
                api_key=api_key_pb2.ApiKey(display_name="test", scopes=list(scopes)),
            ),
        )
        secret: str = created.secret
        return secret

    async def new_app(self, **scope_sets: Iterable[int]) -> TestApp:
        """A fresh app; `new_app(writer=[SCOPE_DEVICES_WRITE])` adds `app.keys['writer']`."""
        app_id = f"t{next(_app_numbers)}-{uuid.uuid4().hex[:8]}"
        await self.admin(
            self.admin.admin.CreateApp,
            policy_admin_service_pb2.CreateAppRequest(
                app_id=app_id, app=app_pb2.App(display_name="test app")
            ),
        )
        app = TestApp(app_id)
        for name, scopes in scope_sets.items():
            app.keys[name] = self.as_key(await self.new_key(app_id, scopes))
        return app


# --- asserting on errors ------------------------------------------------------------------


@dataclass
class RpcFailure:
    """A failed call, decoded: code, ErrorInfo reason, BadRequest violations, retry delay."""

    code: grpc.StatusCode
    message: str
    reason: str | None
    violations: dict[str, str]
    retry_seconds: int | None


def status_details(status: Any) -> tuple[str, dict[str, str], int | None]:
    """A google.rpc.Status's ErrorInfo reason ("" without one), BadRequest violations (field
    -> description) and RetryInfo delay in seconds."""
    reason = ""
    violations: dict[str, str] = {}
    retry = None
    for detail in status.details if status else ():
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason = info.reason
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            violations = {v.field: v.description for v in bad.field_violations}
        elif detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            info_r = error_details_pb2.RetryInfo()
            detail.Unpack(info_r)
            retry = info_r.retry_delay.seconds
    return reason, violations, retry


def decode_error(error: grpc.aio.AioRpcError) -> RpcFailure:
    """Read the google.rpc details from a failed call's trailers."""
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    reason, violations, retry = status_details(status)
    return RpcFailure(error.code(), error.details() or "", reason or None, violations, retry)


async def expect_error(call: Any, code: grpc.StatusCode, reason: str | None = None) -> RpcFailure:
    """Await `call`, which must fail with `code` (and `reason`, when given)."""
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    failure = decode_error(caught.value)
    assert failure.code == code, f"expected {code}, got {failure.code}: {failure.message}"
    if reason is not None:
        assert failure.reason == reason, f"expected reason {reason}, got {failure}"
    return failure
