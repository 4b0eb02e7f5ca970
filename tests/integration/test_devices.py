"""DeviceRegistryService end to end: registration, lookups, updates, topics, purge and scopes.

Every test makes its own app on the session's real server (once on SQLite, once on Postgres)
and goes through gRPC; what is stored is checked on the database itself.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import grpc
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from google.protobuf import duration_pb2, field_mask_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from clarion.api.device_registry import PROVIDERS as PROVIDER_NAMES
from clarion.app import load_key_ring
from clarion.secrets import SecretError, TokenCipher, token_aad
from clarion.store.schema import device_topics, devices
from clarion.v1 import api_key_pb2, app_pb2, device_pb2, policy_admin_service_pb2, provider_pb2
from clarion.v1 import device_registry_service_pb2 as pb
from harness import Api, Server, Stubs, decode_error, expect_error

if TYPE_CHECKING:  # imported by name, pytest would try to collect the class
    from harness import TestApp

APNS = provider_pb2.PROVIDER_APNS
FCM = provider_pb2.PROVIDER_FCM
WEBPUSH = provider_pb2.PROVIDER_WEBPUSH
EXPO = provider_pb2.PROVIDER_EXPO
HMS = provider_pb2.PROVIDER_HMS
MIPUSH = provider_pb2.PROVIDER_MIPUSH
PROVIDERS = [APNS, FCM, WEBPUSH, EXPO, HMS, MIPUSH]
PROVIDER_IDS = ["apns", "fcm", "webpush", "expo", "hms", "mipush"]

ACTIVE = device_pb2.DEVICE_STATUS_ACTIVE
REVOKED = device_pb2.DEVICE_STATUS_REVOKED

UNKNOWN_DEVICE_ID = "0" * 26
UPDATABLE = (
    "user_id",
    "locale",
    "time_zone",
    "app_version",
    "os_version",
    "device_model",
    "category_preferences",
    "quiet_hours",
    "topics",
)


# --- valid tokens and subscriptions ----------------------------------------------------------
# Derived from a label and a number: deterministic, distinct, and long enough that finding one
# in a database column cannot be a coincidence.


def _hex(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


TOKENS: dict[int, Callable[[int], str]] = {
    APNS: lambda n: _hex(f"apns {n}"),
    FCM: lambda n: _hex(f"fcm {n}")[:20] + ":APA91b" + _hex(f"fcm body {n}") * 2,
    EXPO: lambda n: f"ExponentPushToken[{_hex(f'expo {n}')[:22]}]",
    HMS: lambda n: _hex(f"hms {n}").upper(),
    MIPUSH: lambda n: base64.b64encode(hashlib.sha256(f"mipush {n}".encode()).digest()).decode(),
}


@dataclass(frozen=True)
class Subscription:
    """A browser's Web Push subscription, with its parts as raw bytes too."""

    endpoint: str
    p256dh_raw: bytes
    auth_raw: bytes

    @property
    def p256dh(self) -> str:
        return b64url(self.p256dh_raw)

    @property
    def auth(self) -> str:
        return b64url(self.auth_raw)

    def message(self) -> device_pb2.WebPushSubscription:
        return device_pb2.WebPushSubscription(
            endpoint=self.endpoint, p256dh=self.p256dh, auth=self.auth
        )


def subscription(n: int = 0) -> Subscription:
    """A real one: the p256dh is the uncompressed point of a P-256 key."""
    key = ec.derive_private_key(int(_hex(f"p256 {n}"), 16) % 2**255 + 1, ec.SECP256R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return Subscription(
        endpoint=f"https://push.example.net/p/{_hex(f'endpoint {n}')}",
        p256dh_raw=point,
        auth_raw=hashlib.sha256(f"auth {n}".encode()).digest()[:16],
    )


def new_device(provider: int = APNS, n: int = 0, **fields: Any) -> device_pb2.Device:
    """A valid device of `provider`; its token (or subscription) is number `n`."""
    device = device_pb2.Device(provider=provider, **fields)
    if "token" not in fields and "web_push" not in fields:
        if provider == WEBPUSH:
            device.web_push.CopyFrom(subscription(n).message())
        elif provider in TOKENS:
            device.token = TOKENS[provider](n)
    return device


def secrets_of(provider: int, n: int) -> list[bytes]:
    """Every form in which device `n`'s push address could leak: text and raw bytes."""
    if provider == WEBPUSH:
        sub = subscription(n)
        return [
            sub.endpoint.encode(),
            sub.endpoint.rsplit("/", 1)[1].encode(),
            sub.p256dh.encode(),
            sub.p256dh_raw,
            sub.auth.encode(),
            sub.auth_raw,
        ]
    token = TOKENS[provider](n)
    forms = [token.encode()]
    if provider == APNS:
        forms.append(bytes.fromhex(token))
    return forms


def expected_hint(provider: int, n: int) -> str:
    return "push.example.net" if provider == WEBPUSH else "…" + TOKENS[provider](n)[-6:]


# --- calling the service ---------------------------------------------------------------------


@pytest.fixture
async def app(api: Api) -> TestApp:
    """A fresh app with a devices:write, a devices:read and a devices:register key."""
    return await api.new_app(
        writer=[api_key_pb2.SCOPE_DEVICES_WRITE],
        reader=[api_key_pb2.SCOPE_DEVICES_READ],
        register=[api_key_pb2.SCOPE_DEVICES_REGISTER],
    )


def register(
    app: TestApp, device: device_pb2.Device, key: str = "writer"
) -> Awaitable[pb.RegisterDeviceResponse]:
    stubs = app.keys[key]
    return stubs(  # type: ignore[no-any-return]
        stubs.devices.RegisterDevice, pb.RegisterDeviceRequest(parent=app.parent, device=device)
    )


async def get(app: TestApp, name: str) -> device_pb2.Device:
    stubs = app.keys["reader"]
    reply = await stubs(stubs.devices.GetDevice, pb.GetDeviceRequest(name=name))
    return reply.device  # type: ignore[no-any-return]


async def list_page(app: TestApp, **request: Any) -> pb.ListDevicesResponse:
    stubs = app.keys["reader"]
    return await stubs(  # type: ignore[no-any-return]
        stubs.devices.ListDevices, pb.ListDevicesRequest(parent=app.parent, **request)
    )


async def list_names(app: TestApp, **filters: Any) -> list[str]:
    """Names of every device matching `filters` (one page of up to 1000)."""
    reply = await list_page(app, page_size=1000, **filters)
    assert not reply.next_page_token
    return [d.name for d in reply.devices]


def updating(
    app: TestApp, device: device_pb2.Device, paths: list[str], key: str = "writer"
) -> Awaitable[pb.UpdateDeviceResponse]:
    stubs = app.keys[key]
    return stubs(  # type: ignore[no-any-return]
        stubs.devices.UpdateDevice,
        pb.UpdateDeviceRequest(device=device, update_mask=field_mask_pb2.FieldMask(paths=paths)),
    )


async def unregister(app: TestApp, name: str, key: str = "writer") -> device_pb2.Device:
    stubs = app.keys[key]
    reply = await stubs(stubs.devices.UnregisterDevice, pb.UnregisterDeviceRequest(name=name))
    return reply.device  # type: ignore[no-any-return]


async def change_topics(
    app: TestApp, name: str, topics: list[str], *, subscribe: bool
) -> device_pb2.Device:
    stubs = app.keys["writer"]
    if subscribe:
        reply = await stubs(
            stubs.devices.SubscribeTopics, pb.SubscribeTopicsRequest(name=name, topics=topics)
        )
    else:
        reply = await stubs(
            stubs.devices.UnsubscribeTopics, pb.UnsubscribeTopicsRequest(name=name, topics=topics)
        )
    return reply.device  # type: ignore[no-any-return]


def purging(
    app: TestApp, older_than: duration_pb2.Duration | None, *, dry_run: bool = False
) -> Awaitable[pb.PurgeStaleDevicesResponse]:
    stubs = app.keys["writer"]
    return stubs(  # type: ignore[no-any-return]
        stubs.devices.PurgeStaleDevices,
        pb.PurgeStaleDevicesRequest(parent=app.parent, older_than=older_than, dry_run=dry_run),
    )


def days(n: int) -> duration_pb2.Duration:
    return duration_pb2.Duration(seconds=n * 86400)


def install_name(app: TestApp, install_id: str) -> str:
    return f"{app.parent}/installs/{install_id}"


# One request per RPC, addressed to `name` (a device or install name) or to `parent`.
REQUESTS: dict[str, Callable[[str, str], tuple[str, Any]]] = {
    "register": lambda parent, name: (
        "RegisterDevice",
        pb.RegisterDeviceRequest(parent=parent, device=new_device(install_id="other-install")),
    ),
    "get": lambda parent, name: ("GetDevice", pb.GetDeviceRequest(name=name)),
    "list": lambda parent, name: ("ListDevices", pb.ListDevicesRequest(parent=parent)),
    "update": lambda parent, name: (
        "UpdateDevice",
        pb.UpdateDeviceRequest(
            device=device_pb2.Device(name=name, app_version="9.9"),
            update_mask=field_mask_pb2.FieldMask(paths=["app_version"]),
        ),
    ),
    "unregister": lambda parent, name: (
        "UnregisterDevice",
        pb.UnregisterDeviceRequest(name=name),
    ),
    "subscribe": lambda parent, name: (
        "SubscribeTopics",
        pb.SubscribeTopicsRequest(name=name, topics=["t"]),
    ),
    "unsubscribe": lambda parent, name: (
        "UnsubscribeTopics",
        pb.UnsubscribeTopicsRequest(name=name, topics=["t"]),
    ),
    "purge": lambda parent, name: (
        "PurgeStaleDevices",
        pb.PurgeStaleDevicesRequest(parent=parent, older_than=days(1), dry_run=True),
    ),
}


def calling(stubs: Stubs, rpc: str, parent: str, name: str = "") -> Awaitable[Any]:
    method, request = REQUESTS[rpc](parent, name)
    return stubs(getattr(stubs.devices, method), request)  # type: ignore[no-any-return]


async def violation_fields(call: Awaitable[Any], reason: str) -> list[str]:
    """The BadRequest field paths of a refused call, in order and with repeats."""
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    failure = decode_error(caught.value)
    assert (failure.code, failure.reason) == (grpc.StatusCode.INVALID_ARGUMENT, reason), failure
    status = rpc_status.from_call(caught.value)  # type: ignore[arg-type]
    assert status is not None
    fields = []
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            fields += [v.field for v in bad.field_violations]
    return fields


# --- the database, directly ------------------------------------------------------------------


def stored(server: Server, table: sa.Table, *where: Any) -> list[dict[str, Any]]:
    engine = server.sync_engine()
    try:
        with engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(sa.select(table).where(*where))]
    finally:
        engine.dispose()


def device_rows(server: Server, app: TestApp) -> list[dict[str, Any]]:
    return stored(server, devices, devices.c.app_id == app.id)


def device_id(name: str) -> str:
    return name.rsplit("/", 1)[1]


async def set_stored(server: Server, name: str, **values: Any) -> None:
    """Change a device's row behind the server's back (to age it, or mark it invalid).

    The write runs off the event loop: the server shares this loop, and on SQLite a
    blocking write here would wait on a transaction the blocked loop can never finish.
    """

    def write() -> int:
        engine = server.sync_engine()
        try:
            with engine.begin() as conn:
                return conn.execute(
                    sa.update(devices).where(devices.c.id == device_id(name)).values(**values)
                ).rowcount
        finally:
            engine.dispose()

    assert await asyncio.to_thread(write) == 1


async def backdate(server: Server, name: str, *, age: timedelta) -> None:
    await set_stored(server, name, last_seen_at=datetime.now(UTC) - age)


# --- registration ----------------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS, ids=PROVIDER_IDS)
async def test_registering_creates_an_active_device(app: TestApp, provider: int) -> None:
    reply = await register(
        app,
        new_device(
            provider,
            n=1,
            install_id="install-1",
            user_id="user-1",
            platform=device_pb2.PLATFORM_ANDROID,
            locale="pt_br",
            time_zone="America/Sao_Paulo",
            app_version="1.2.3",
            os_version="14",
            device_model="Pixel 8",
            topics=["news", "sports", "news"],
            category_preferences={"promo": False},
            quiet_hours=device_pb2.QuietHours(start_minute=1320, end_minute=420),
        ),
    )
    device = reply.device
    assert reply.created
    assert device.name.startswith(f"{app.parent}/devices/")
    assert (device.install_id, device.user_id, device.provider) == ("install-1", "user-1", provider)
    assert device.platform == device_pb2.PLATFORM_ANDROID
    assert device.locale == "pt-BR"  # normalised the BCP 47 way
    assert device.time_zone == "America/Sao_Paulo"
    assert (device.app_version, device.os_version, device.device_model) == (
        "1.2.3",
        "14",
        "Pixel 8",
    )
    assert list(device.topics) == ["news", "sports"]
    assert dict(device.category_preferences) == {"promo": False}
    assert (device.quiet_hours.start_minute, device.quiet_hours.end_minute) == (1320, 420)
    assert (device.status, device.status_reason) == (ACTIVE, "")
    assert device.token_hint == expected_hint(provider, 1)
    assert device.create_time == device.update_time == device.last_seen_time
    assert await get(app, device.name) == device


@pytest.mark.parametrize("provider", PROVIDERS, ids=PROVIDER_IDS)
async def test_registering_the_same_install_again_updates_that_device(
    server: Server, app: TestApp, provider: int
) -> None:
    first = await register(app, new_device(provider, n=1, install_id="i-1", app_version="1.0"))
    hash_before = device_rows(server, app)[0]["token_hash"]
    again = await register(app, new_device(provider, n=2, install_id="i-1", app_version="2.0"))
    assert first.created and not again.created
    assert again.device.name == first.device.name
    assert again.device.app_version == "2.0"
    [row] = device_rows(server, app)
    assert row["token_hash"] != hash_before  # the new token replaced the old one


@pytest.mark.parametrize("provider", PROVIDERS, ids=PROVIDER_IDS)
@pytest.mark.parametrize("first_install_id", ["", "i-1"], ids=["anonymous", "with-install"])
async def test_registering_the_same_token_without_install_id_updates_that_device(
    app: TestApp, provider: int, first_install_id: str
) -> None:
    first = await register(
        app, new_device(provider, n=1, install_id=first_install_id, app_version="1.0")
    )
    again = await register(app, new_device(provider, n=1, app_version="2.0"))
    assert first.created and not again.created
    assert again.device.name == first.device.name
    assert again.device.install_id == first_install_id
    assert again.device.app_version == "2.0"
    assert await list_names(app) == [first.device.name]


@pytest.mark.parametrize("provider", PROVIDERS, ids=PROVIDER_IDS)
async def test_another_token_without_install_id_is_another_device(
    app: TestApp, provider: int
) -> None:
    first = await register(app, new_device(provider, n=1))
    second = await register(app, new_device(provider, n=2))
    assert second.created
    assert second.device.name != first.device.name
    assert sorted(await list_names(app)) == sorted([first.device.name, second.device.name])


@pytest.mark.parametrize("provider", PROVIDERS, ids=PROVIDER_IDS)
async def test_a_token_registered_under_another_install_moves_to_it(
    app: TestApp, provider: int
) -> None:
    old = await register(app, new_device(provider, n=1, install_id="old-install"))
    new = await register(app, new_device(provider, n=1, install_id="new-install"))
    assert new.created
    assert new.device.name != old.device.name
    assert (new.device.status, new.device.install_id) == (ACTIVE, "new-install")
    moved = await get(app, old.device.name)
    assert (moved.status, moved.status_reason) == (REVOKED, "token_moved")
    assert await list_names(app, status=ACTIVE) == [new.device.name]


async def test_apns_tokens_differing_only_in_case_are_one_device(app: TestApp) -> None:
    token = TOKENS[APNS](1)
    first = await register(app, new_device(APNS, token=token.upper()))
    again = await register(app, new_device(APNS, token=token))
    assert not again.created
    assert again.device.name == first.device.name


@pytest.mark.parametrize("install_id", ["i-1", ""], ids=["by-install", "by-token"])
async def test_concurrent_registrations_of_one_device_make_one_device(
    server: Server, app: TestApp, install_id: str
) -> None:
    replies = await asyncio.gather(
        *(register(app, new_device(n=1, install_id=install_id)) for _ in range(8))
    )
    assert sum(reply.created for reply in replies) == 1
    assert len({reply.device.name for reply in replies}) == 1
    assert len(device_rows(server, app)) == 1


@pytest.mark.parametrize(
    ("user_id", "expected"), [("user-2", "user-2"), ("", "")], ids=["rebinds", "unbinds"]
)
async def test_registering_again_binds_the_device_to_the_user_given(
    app: TestApp, user_id: str, expected: str
) -> None:
    first = await register(app, new_device(install_id="i-1", user_id="user-1"))
    again = await register(app, new_device(install_id="i-1", user_id=user_id))
    assert again.device.name == first.device.name
    assert again.device.user_id == expected
    assert await list_names(app, user_id="user-1") == []


async def test_registering_again_keeps_optional_fields_it_does_not_carry(app: TestApp) -> None:
    first = await register(
        app,
        new_device(
            install_id="i-1",
            locale="de-DE",
            time_zone="Europe/Berlin",
            app_version="1.0",
            os_version="17.1",
            device_model="iPhone15,2",
            topics=["news"],
            category_preferences={"promo": False},
            quiet_hours=device_pb2.QuietHours(start_minute=60, end_minute=120),
        ),
    )
    again = await register(app, new_device(install_id="i-1"))
    for path in UPDATABLE:
        if path != "user_id":
            assert field_value(again.device, path) == field_value(first.device, path), path


async def test_registering_with_topics_replaces_the_topics(app: TestApp) -> None:
    await register(app, new_device(install_id="i-1", topics=["a", "b"]))
    again = await register(app, new_device(install_id="i-1", topics=["c"]))
    assert list(again.device.topics) == ["c"]
    assert await list_names(app, topic="a") == []


@pytest.mark.parametrize("how", ["unregistered", "invalidated"])
async def test_a_revoked_or_invalid_device_is_active_again_once_registered(
    server: Server, app: TestApp, how: str
) -> None:
    first = await register(app, new_device(install_id="i-1"))
    if how == "unregistered":
        await unregister(app, first.device.name)
    else:  # as delivery does when the provider says the token is dead
        await set_stored(server, first.device.name, status="invalid", status_reason="unregistered")
    assert (await get(app, first.device.name)).status != ACTIVE
    again = await register(app, new_device(install_id="i-1"))
    assert again.device.name == first.device.name
    assert (again.device.status, again.device.status_reason) == (ACTIVE, "")


@pytest.mark.parametrize("rpc", list(REQUESTS))
async def test_an_unknown_app_is_not_found(api: Api, rpc: str) -> None:
    await expect_error(
        calling(
            api.admin, rpc, "apps/no-such-app", f"apps/no-such-app/devices/{UNKNOWN_DEVICE_ID}"
        ),
        grpc.StatusCode.NOT_FOUND,
        "APP_NOT_FOUND",
    )


@pytest.mark.parametrize("install_id", ["i-new", "i-1"], ids=["new-device", "known-install"])
async def test_a_disabled_app_refuses_registration(
    server: Server, api: Api, app: TestApp, install_id: str
) -> None:
    before = await register(app, new_device(n=1, install_id="i-1", app_version="1.0"))
    await api.admin(
        api.admin.admin.UpdateApp,
        policy_admin_service_pb2.UpdateAppRequest(
            app=app_pb2.App(name=app.parent, disabled=True),
            update_mask=field_mask_pb2.FieldMask(paths=["disabled"]),
        ),
    )
    await expect_error(
        register(app, new_device(n=2, install_id=install_id, app_version="2.0")),
        grpc.StatusCode.FAILED_PRECONDITION,
        "APP_DISABLED",
    )
    assert len(device_rows(server, app)) == 1
    assert await get(app, before.device.name) == before.device


# --- validation ------------------------------------------------------------------------------


def webpush_device(token: str = "", **parts: str) -> device_pb2.Device:
    """A Web Push device whose subscription has `parts` replaced."""
    sub = subscription().message()
    for part, value in parts.items():
        setattr(sub, part, value)
    return device_pb2.Device(provider=WEBPUSH, web_push=sub, token=token)


INVALID_REGISTRATIONS = [
    pytest.param(new_device(APNS, token="ab" * 31 + "zz"), "device.token", "INVALID_TOKEN_FORMAT",
                 id="apns-not-hex"),
    pytest.param(new_device(APNS, token="a" * 65), "device.token", "INVALID_TOKEN_FORMAT",
                 id="apns-odd-length"),
    pytest.param(new_device(APNS, token="ab" * 16), "device.token", "INVALID_TOKEN_FORMAT",
                 id="apns-too-short"),
    pytest.param(new_device(APNS, token=""), "device.token", "INVALID_TOKEN_FORMAT",
                 id="token-missing"),
    pytest.param(new_device(EXPO, token="ExponentPushToken[]"), "device.token",
                 "INVALID_TOKEN_FORMAT", id="expo-empty-brackets"),
    pytest.param(new_device(EXPO, token="PushToken[abcdef]"), "device.token",
                 "INVALID_TOKEN_FORMAT", id="expo-wrong-prefix"),
    pytest.param(new_device(FCM, token="f" * 40 + "!?"), "device.token", "INVALID_TOKEN_FORMAT",
                 id="fcm-bad-characters"),
    pytest.param(new_device(FCM, token="f" * 31), "device.token", "INVALID_TOKEN_FORMAT",
                 id="fcm-too-short"),
    pytest.param(new_device(HMS, token="A" * 31), "device.token", "INVALID_TOKEN_FORMAT",
                 id="hms-too-short"),
    pytest.param(new_device(MIPUSH, token="a" * 19), "device.token", "INVALID_TOKEN_FORMAT",
                 id="mipush-too-short"),
    pytest.param(webpush_device(endpoint="http://push.example.net/p/abc"),
                 "device.web_push.endpoint", "INVALID_SUBSCRIPTION", id="webpush-http-endpoint"),
    pytest.param(webpush_device(endpoint="https://user:pw@push.example.net/p/abc"),
                 "device.web_push.endpoint", "INVALID_SUBSCRIPTION",
                 id="webpush-endpoint-with-credentials"),
    pytest.param(webpush_device(p256dh=b64url(b"\x04" + bytes(64))), "device.web_push.p256dh",
                 "INVALID_SUBSCRIPTION", id="p256dh-not-on-curve"),
    pytest.param(webpush_device(p256dh=b64url(b"\x04" + bytes(32))), "device.web_push.p256dh",
                 "INVALID_SUBSCRIPTION", id="p256dh-not-65-bytes"),
    pytest.param(webpush_device(p256dh="not base64!"), "device.web_push.p256dh",
                 "INVALID_SUBSCRIPTION", id="p256dh-not-base64url"),
    pytest.param(webpush_device(auth=b64url(bytes(15))), "device.web_push.auth",
                 "INVALID_SUBSCRIPTION", id="auth-15-bytes"),
    pytest.param(webpush_device(auth=b64url(bytes(17))), "device.web_push.auth",
                 "INVALID_SUBSCRIPTION", id="auth-17-bytes"),
    pytest.param(webpush_device(token=TOKENS[FCM](0)), "device.token", "INVALID_TOKEN_FORMAT",
                 id="webpush-with-token"),
    pytest.param(device_pb2.Device(provider=WEBPUSH), "device.web_push", "INVALID_SUBSCRIPTION",
                 id="webpush-without-subscription"),
    pytest.param(new_device(APNS, web_push=subscription().message(), token=TOKENS[APNS](0)),
                 "device.web_push", "INVALID_ARGUMENT", id="subscription-on-apns"),
    pytest.param(device_pb2.Device(token=TOKENS[APNS](0)), "device.provider", "INVALID_ARGUMENT",
                 id="provider-missing"),
    pytest.param(device_pb2.Device(provider=99, token=TOKENS[APNS](0)), "device.provider",
                 "INVALID_ENUM", id="provider-unknown"),
    pytest.param(new_device(platform=99), "device.platform", "INVALID_ENUM",
                 id="platform-unknown"),
    pytest.param(new_device(FCM, apns_environment=provider_pb2.APNS_ENVIRONMENT_SANDBOX),
                 "device.apns_environment", "INVALID_ARGUMENT", id="apns-environment-on-fcm"),
    pytest.param(new_device(time_zone="Mars/Olympus_Mons"), "device.time_zone",
                 "INVALID_TIME_ZONE", id="time-zone-unknown"),
    pytest.param(new_device(time_zone="localtime"), "device.time_zone", "INVALID_TIME_ZONE",
                 id="time-zone-of-the-server"),
    pytest.param(new_device(locale="english"), "device.locale", "INVALID_LOCALE",
                 id="locale-not-a-tag"),
    pytest.param(new_device(locale="en-"), "device.locale", "INVALID_LOCALE",
                 id="locale-trailing-hyphen"),
    pytest.param(new_device(topics=["ok", "not ok"]), "device.topics[1]", "INVALID_TOPIC",
                 id="topic-with-space"),
    pytest.param(new_device(topics=[f"t{i}" for i in range(2001)]), "device.topics",
                 "TOO_MANY_TOPICS", id="topics-over-2000"),
    pytest.param(new_device(quiet_hours=device_pb2.QuietHours(start_minute=600, end_minute=600)),
                 "device.quiet_hours.end_minute", "INVALID_QUIET_HOURS",
                 id="quiet-hours-start-equals-end"),
    pytest.param(new_device(quiet_hours=device_pb2.QuietHours(start_minute=1440, end_minute=0)),
                 "device.quiet_hours.start_minute", "INVALID_QUIET_HOURS",
                 id="quiet-hours-minute-1440"),
    pytest.param(new_device(install_id="new\nline"), "device.install_id", "INVALID_ID",
                 id="install-id-control-character"),
    pytest.param(new_device(user_id="u" * 257), "device.user_id", "INVALID_ID",
                 id="user-id-too-long"),
    pytest.param(new_device(app_version="v" * 129), "device.app_version", "INVALID_ARGUMENT",
                 id="app-version-too-long"),
    pytest.param(new_device(category_preferences={"bad key!": True}),
                 "device.category_preferences['bad key!']", "INVALID_CATEGORY",
                 id="category-key"),
]  # fmt: skip


@pytest.mark.parametrize(("device", "field", "reason"), INVALID_REGISTRATIONS)
async def test_an_invalid_registration_is_refused_and_changes_nothing(
    server: Server, app: TestApp, device: device_pb2.Device, field: str, reason: str
) -> None:
    await register(app, new_device(n=1, install_id="existing"))
    failure = await expect_error(register(app, device), grpc.StatusCode.INVALID_ARGUMENT, reason)
    assert list(failure.violations) == [field]
    assert len(device_rows(server, app)) == 1


async def test_every_violation_of_a_registration_is_reported_at_once(
    server: Server, app: TestApp
) -> None:
    device = new_device(
        token="a" * 63,
        locale="english",
        time_zone="Nowhere/Special",
        topics=["not ok"],
        quiet_hours=device_pb2.QuietHours(start_minute=5, end_minute=5),
    )
    fields = await violation_fields(register(app, device), "INVALID_ARGUMENT")
    assert sorted(fields) == [
        "device.locale",
        "device.quiet_hours.end_minute",
        "device.time_zone",
        "device.token",
        "device.topics[0]",
    ]
    assert device_rows(server, app) == []


async def test_every_bad_part_of_a_subscription_is_reported_at_once(app: TestApp) -> None:
    device = webpush_device(
        endpoint="http://push.example.net/p/x", p256dh=b64url(bytes(65)), auth="*"
    )
    fields = await violation_fields(register(app, device), "INVALID_SUBSCRIPTION")
    assert sorted(fields) == [
        "device.web_push.auth",
        "device.web_push.endpoint",
        "device.web_push.p256dh",
    ]


async def test_an_invalid_registration_leaves_the_known_device_as_it_was(app: TestApp) -> None:
    before = await register(app, new_device(n=1, install_id="i-1", app_version="1.0"))
    await expect_error(
        register(app, new_device(n=2, install_id="i-1", app_version="2.0", locale="english")),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_LOCALE",
    )
    assert await get(app, before.device.name) == before.device


# --- secrets ---------------------------------------------------------------------------------


async def test_tokens_and_subscriptions_are_encrypted_at_rest(server: Server, app: TestApp) -> None:
    for provider, install in zip(PROVIDERS, PROVIDER_IDS, strict=True):
        await register(app, new_device(provider, n=7, install_id=install))
    secrets = [s for provider in PROVIDERS for s in secrets_of(provider, n=7)]

    rows = stored(server, devices)  # every row of the table, this app's and the others'
    assert len([row for row in rows if row["app_id"] == app.id]) == len(PROVIDERS)
    for row in rows:
        for column, value in row.items():
            raw = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
            for secret in secrets:
                assert secret not in raw, f"{column} of {row['id']} holds a secret in clear"
        assert row["token_ciphertext"]


@pytest.mark.parametrize("provider", PROVIDERS, ids=PROVIDER_IDS)
async def test_the_stored_ciphertext_opens_only_for_its_app_and_provider(
    server: Server, app: TestApp, provider: int
) -> None:
    await register(app, new_device(provider, n=5))
    [row] = device_rows(server, app)
    cipher = TokenCipher(load_key_ring(server.settings))
    secret = cipher.decrypt(row["token_ciphertext"], token_aad(app.id, PROVIDER_NAMES[provider]))
    if provider == WEBPUSH:
        sub = subscription(5)
        assert json.loads(secret) == {
            "endpoint": sub.endpoint,
            "p256dh": sub.p256dh,
            "auth": sub.auth,
        }
    else:
        assert secret == TOKENS[provider](5)
    other_provider = PROVIDER_NAMES[FCM if provider != FCM else APNS]
    for wrong in (
        token_aad("another-app", PROVIDER_NAMES[provider]),
        token_aad(app.id, other_provider),
    ):
        with pytest.raises(SecretError):
            cipher.decrypt(row["token_ciphertext"], wrong)


@pytest.mark.parametrize("provider", PROVIDERS, ids=PROVIDER_IDS)
async def test_the_device_message_never_carries_the_token(app: TestApp, provider: int) -> None:
    registered = await register(app, new_device(provider, n=3, install_id="i-1"))
    name = registered.device.name
    seen = [
        registered.device,
        await get(app, name),
        await get(app, install_name(app, "i-1")),
        *(await list_page(app)).devices,
        (await updating(app, device_pb2.Device(name=name, locale="en"), ["locale"])).device,
        await change_topics(app, name, ["news"], subscribe=True),
        await unregister(app, name),
    ]
    for device in seen:
        assert device.token == ""
        assert not device.HasField("web_push")
        assert device.token_hint == expected_hint(provider, 3)
        wire = device.SerializeToString()
        for secret in secrets_of(provider, n=3):
            assert secret not in wire


# --- get and list ----------------------------------------------------------------------------


async def test_a_device_is_found_by_its_name_and_by_its_install_name(app: TestApp) -> None:
    registered = await register(app, new_device(install_id="install-ü"))
    assert await get(app, registered.device.name) == registered.device
    assert await get(app, install_name(app, "install-ü")) == registered.device


POPULATION = {
    "apns-ios-u1": new_device(APNS, 1, install_id="i1", user_id="u1",
                              platform=device_pb2.PLATFORM_IOS, topics=["news"]),
    "fcm-android-u1": new_device(FCM, 2, install_id="i2", user_id="u1",
                                 platform=device_pb2.PLATFORM_ANDROID, topics=["sports"]),
    "web-u2": new_device(WEBPUSH, 3, install_id="i3", user_id="u2",
                         platform=device_pb2.PLATFORM_WEB, topics=["news", "sports"]),
    "expo-ios-revoked": new_device(EXPO, 4, install_id="i4", platform=device_pb2.PLATFORM_IOS),
    "hms-harmony-u2": new_device(HMS, 5, user_id="u2", platform=device_pb2.PLATFORM_HARMONYOS),
    "mipush-android-u3": new_device(MIPUSH, 6, install_id="i6", user_id="u3",
                                    platform=device_pb2.PLATFORM_ANDROID, topics=["news"]),
}  # fmt: skip

LIST_FILTERS = [
    pytest.param({}, set(POPULATION), id="none"),
    pytest.param({"user_id": "u1"}, {"apns-ios-u1", "fcm-android-u1"}, id="user"),
    pytest.param({"user_id": "nobody"}, set(), id="unknown-user"),
    pytest.param({"install_id": "i3"}, {"web-u2"}, id="install"),
    pytest.param({"provider": FCM}, {"fcm-android-u1"}, id="provider"),
    pytest.param({"status": REVOKED}, {"expo-ios-revoked"}, id="status-revoked"),
    pytest.param({"status": ACTIVE}, set(POPULATION) - {"expo-ios-revoked"}, id="status-active"),
    pytest.param({"topic": "news"}, {"apns-ios-u1", "web-u2", "mipush-android-u3"}, id="topic"),
    pytest.param({"platform": device_pb2.PLATFORM_ANDROID},
                 {"fcm-android-u1", "mipush-android-u3"}, id="platform"),
    pytest.param({"user_id": "u2", "topic": "sports"}, {"web-u2"}, id="user-and-topic"),
    pytest.param({"platform": device_pb2.PLATFORM_IOS, "status": ACTIVE}, {"apns-ios-u1"},
                 id="platform-and-status"),
]  # fmt: skip


@pytest.mark.parametrize(("filters", "expected"), LIST_FILTERS)
async def test_list_returns_exactly_the_devices_matching_every_filter(
    api: Api, app: TestApp, filters: dict[str, Any], expected: set[str]
) -> None:
    names = {}
    for key, device in POPULATION.items():
        names[(await register(app, device)).device.name] = key
    await unregister(app, install_name(app, "i4"))
    # Another app's devices never show up, whatever the filters.
    other = await api.new_app(writer=[api_key_pb2.SCOPE_DEVICES_WRITE])
    for device in POPULATION.values():
        await register(other, device)

    listed = await list_names(app, **filters)
    assert listed == sorted(listed)  # creation (id) order
    assert {names[name] for name in listed} == expected


@pytest.mark.parametrize("page_size", [1, 2, 3, 7, 8])
@pytest.mark.parametrize("filters", [{}, {"topic": "even"}], ids=["all", "topic"])
async def test_pages_walk_every_matching_device_once(
    app: TestApp, page_size: int, filters: dict[str, str]
) -> None:
    for n in range(7):
        await register(app, new_device(n=n, topics=["even"] if n % 2 == 0 else []))
    everything = await list_names(app, **filters)
    assert len(everything) == (4 if filters else 7)

    walked: list[str] = []
    token = ""
    for pages in itertools.count(1):
        assert pages <= len(everything), "the pages do not end"
        reply = await list_page(app, page_size=page_size, page_token=token, **filters)
        assert 0 < len(reply.devices) <= page_size
        walked += [d.name for d in reply.devices]
        token = reply.next_page_token
        if not token:
            break
        assert len(reply.devices) == page_size
    assert walked == everything
    assert pages == -(-len(everything) // page_size)  # no empty last page


@pytest.mark.parametrize(
    "other_filters",
    [{}, {"user_id": "u2"}, {"user_id": "u1", "topic": "t"}, {"user_id": "u1", "provider": FCM},
     {"user_id": "u1", "status": ACTIVE}, {"user_id": "u1", "platform": device_pb2.PLATFORM_IOS},
     {"user_id": "u1", "install_id": "i"}],
    ids=["none", "other-user", "topic", "provider", "status", "platform", "install"],
)  # fmt: skip
async def test_a_page_token_replayed_with_other_filters_is_refused(
    app: TestApp, other_filters: dict[str, Any]
) -> None:
    for n in range(2):
        await register(app, new_device(n=n, user_id="u1"))
    first = await list_page(app, page_size=1, user_id="u1")
    assert first.next_page_token
    failure = await expect_error(
        list_page(app, page_size=1, page_token=first.next_page_token, **other_filters),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_PAGE_TOKEN",
    )
    assert list(failure.violations) == ["page_token"]


@pytest.mark.parametrize(
    "token", ["garbage", b64url(b"[1, 2]").rstrip("="), b64url(b'{"k": 1, "f": "x"}')]
)
async def test_a_page_token_not_made_by_the_server_is_refused(app: TestApp, token: str) -> None:
    failure = await expect_error(
        list_page(app, page_token=token), grpc.StatusCode.INVALID_ARGUMENT, "INVALID_PAGE_TOKEN"
    )
    assert list(failure.violations) == ["page_token"]


async def test_a_negative_page_size_is_refused(app: TestApp) -> None:
    failure = await expect_error(
        list_page(app, page_size=-1), grpc.StatusCode.INVALID_ARGUMENT, "INVALID_PAGE_SIZE"
    )
    assert list(failure.violations) == ["page_size"]


@pytest.mark.parametrize("field", ["provider", "status", "platform"])
async def test_a_list_filter_with_an_unknown_enum_value_is_refused(
    app: TestApp, field: str
) -> None:
    failure = await expect_error(
        list_page(app, **{field: 99}), grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ENUM"
    )
    assert list(failure.violations) == [field]


async def test_a_page_size_above_the_maximum_is_capped_not_refused(app: TestApp) -> None:
    await register(app, new_device())
    reply = await list_page(app, page_size=100_000)
    assert (len(reply.devices), reply.next_page_token) == (1, "")


# --- unknown and malformed names -------------------------------------------------------------


@pytest.mark.parametrize(
    ("rpc", "how"),
    [("get", "id"), ("get", "install"), ("update", "id"), ("update", "install"),
     ("unregister", "id"), ("unregister", "install"), ("subscribe", "id"),
     ("unsubscribe", "id")],
)  # fmt: skip
async def test_an_unknown_device_is_not_found(app: TestApp, rpc: str, how: str) -> None:
    await register(app, new_device(install_id="known"))
    name = (
        f"{app.parent}/devices/{UNKNOWN_DEVICE_ID}" if how == "id" else install_name(app, "unknown")
    )
    await expect_error(
        calling(app.keys["reader" if rpc == "get" else "writer"], rpc, app.parent, name),
        grpc.StatusCode.NOT_FOUND,
        "DEVICE_NOT_FOUND",
    )


@pytest.mark.parametrize("rpc", ["get", "update", "unregister", "subscribe", "unsubscribe"])
async def test_a_device_is_not_found_under_another_app(api: Api, app: TestApp, rpc: str) -> None:
    registered = await register(app, new_device())
    other = await api.new_app()
    name = f"{other.parent}/devices/{device_id(registered.device.name)}"
    await expect_error(
        calling(api.admin, rpc, other.parent, name), grpc.StatusCode.NOT_FOUND, "DEVICE_NOT_FOUND"
    )
    assert await get(app, registered.device.name) == registered.device


@pytest.mark.parametrize("rpc", list(REQUESTS))
async def test_a_key_cannot_touch_another_apps_devices(api: Api, rpc: str) -> None:
    victim = await api.new_app(writer=[api_key_pb2.SCOPE_DEVICES_WRITE])
    registered = await register(victim, new_device(install_id="i-1"))
    everything = await api.new_app(
        all=[
            api_key_pb2.SCOPE_DEVICES_WRITE,
            api_key_pb2.SCOPE_DEVICES_READ,
            api_key_pb2.SCOPE_DEVICES_REGISTER,
        ]
    )
    await expect_error(
        calling(everything.keys["all"], rpc, victim.parent, registered.device.name),
        grpc.StatusCode.PERMISSION_DENIED,
        "WRONG_APP",
    )


@pytest.mark.parametrize("rpc", list(REQUESTS))
async def test_a_call_without_an_api_key_is_unauthenticated(
    api: Api, app: TestApp, rpc: str
) -> None:
    await expect_error(
        calling(api.as_key(None), rpc, app.parent, f"{app.parent}/devices/{UNKNOWN_DEVICE_ID}"),
        grpc.StatusCode.UNAUTHENTICATED,
    )


BAD_DEVICE_NAMES = [
    "",
    "apps",
    "devices/abc",
    "apps/{app}/devices",
    "apps/{app}/devices/",
    "apps/{app}/devices/a/b",
    "apps/{app}/things/abc",
    "apps/Not_An_App/devices/abc",
    "apps/{app}/devices/white space",
]


@pytest.mark.parametrize("name", BAD_DEVICE_NAMES)
@pytest.mark.parametrize(
    ("rpc", "field"),
    [("get", "name"), ("update", "device.name"), ("unregister", "name"), ("subscribe", "name"),
     ("unsubscribe", "name")],
)  # fmt: skip
async def test_a_malformed_device_name_is_invalid(
    api: Api, app: TestApp, rpc: str, field: str, name: str
) -> None:
    failure = await expect_error(
        calling(api.admin, rpc, app.parent, name.format(app=app.id)),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_NAME",
    )
    assert list(failure.violations) == [field]


@pytest.mark.parametrize("rpc", ["subscribe", "unsubscribe"])
async def test_topics_are_changed_by_device_name_only(api: Api, app: TestApp, rpc: str) -> None:
    await register(app, new_device(install_id="i-1"))
    failure = await expect_error(
        calling(api.admin, rpc, app.parent, install_name(app, "i-1")),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_NAME",
    )
    assert list(failure.violations) == ["name"]


@pytest.mark.parametrize(
    "parent", ["", "apps", "apps/", "apps/Upper", "apps/ab", "apps/{app}/devices", "projects/x"]
)
@pytest.mark.parametrize("rpc", ["register", "list", "purge"])
async def test_a_malformed_parent_is_invalid(api: Api, app: TestApp, rpc: str, parent: str) -> None:
    failure = await expect_error(
        calling(api.admin, rpc, parent.format(app=app.id)),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_NAME",
    )
    assert list(failure.violations) == ["parent"]


# --- updates ---------------------------------------------------------------------------------


def field_value(device: device_pb2.Device, path: str) -> Any:
    """An updatable field of a device as a plain value (None for unset quiet hours)."""
    if path == "quiet_hours":
        hours = device.quiet_hours
        return (hours.start_minute, hours.end_minute) if device.HasField(path) else None
    if path == "topics":
        return list(device.topics)
    if path == "category_preferences":
        return dict(device.category_preferences)
    return getattr(device, path)


ORIGINAL = {
    "user_id": "user-1",
    "locale": "en-GB",
    "time_zone": "Europe/London",
    "app_version": "1.0",
    "os_version": "16",
    "device_model": "iPhone14,2",
    "category_preferences": {"promo": True},
    "quiet_hours": device_pb2.QuietHours(start_minute=60, end_minute=120),
    "topics": ["old"],
}
# (value sent, value stored) per updatable field.
UPDATES = {
    "user_id": ("user-2", "user-2"),
    "locale": ("fr_ca", "fr-CA"),
    "time_zone": ("Asia/Tokyo", "Asia/Tokyo"),
    "app_version": ("2.0", "2.0"),
    "os_version": ("17", "17"),
    "device_model": ("iPhone15,2", "iPhone15,2"),
    "category_preferences": ({"promo": False, "news": True}, {"promo": False, "news": True}),
    "quiet_hours": (device_pb2.QuietHours(start_minute=1320, end_minute=420), (1320, 420)),
    "topics": (["b", "a", "b"], ["a", "b"]),
}
CLEARED = {"category_preferences": {}, "quiet_hours": None, "topics": []}
# A bad value for each updatable field: (value, violation field, reason).
BAD_VALUES = {
    "user_id": ("tab\there", "device.user_id", "INVALID_ID"),
    "locale": ("english", "device.locale", "INVALID_LOCALE"),
    "time_zone": ("Nowhere/Special", "device.time_zone", "INVALID_TIME_ZONE"),
    "app_version": ("v" * 129, "device.app_version", "INVALID_ARGUMENT"),
    "os_version": ("line\nbreak", "device.os_version", "INVALID_ARGUMENT"),
    "device_model": ("m" * 129, "device.device_model", "INVALID_ARGUMENT"),
    "category_preferences": (
        {"bad key": True},
        "device.category_preferences['bad key']",
        "INVALID_CATEGORY",
    ),
    "quiet_hours": (
        device_pb2.QuietHours(start_minute=5, end_minute=5),
        "device.quiet_hours.end_minute",
        "INVALID_QUIET_HOURS",
    ),
    "topics": (["fine", "not fine"], "device.topics[1]", "INVALID_TOPIC"),
}


async def register_original(app: TestApp) -> device_pb2.Device:
    return (await register(app, new_device(install_id="i-1", **ORIGINAL))).device


@pytest.mark.parametrize("path", UPDATABLE)
async def test_update_changes_exactly_the_masked_field(app: TestApp, path: str) -> None:
    original = await register_original(app)
    # The request carries new values for every field; only the masked one may change.
    request = device_pb2.Device(name=original.name, **{p: v for p, (v, _) in UPDATES.items()})
    updated = (await updating(app, request, [path])).device
    assert field_value(updated, path) == UPDATES[path][1]
    for other in UPDATABLE:
        if other != path:
            assert field_value(updated, other) == field_value(original, other), other
    assert (updated.name, updated.provider, updated.install_id, updated.token_hint) == (
        original.name,
        original.provider,
        original.install_id,
        original.token_hint,
    )
    assert await get(app, original.name) == updated


@pytest.mark.parametrize("path", UPDATABLE)
async def test_update_with_an_empty_value_clears_the_masked_field(app: TestApp, path: str) -> None:
    original = await register_original(app)
    updated = (await updating(app, device_pb2.Device(name=original.name), [path])).device
    assert field_value(updated, path) == CLEARED.get(path, "")
    assert await get(app, original.name) == updated


async def test_update_addresses_a_device_by_install_name(app: TestApp) -> None:
    original = await register_original(app)
    request = device_pb2.Device(name=install_name(app, "i-1"), app_version="3.0")
    updated = (await updating(app, request, ["app_version"])).device
    assert updated.name == original.name
    assert updated.app_version == "3.0"


@pytest.mark.parametrize(
    "paths",
    [[], [""], ["token"], ["provider"], ["web_push"], ["install_id"], ["platform"], ["status"],
     ["name"], ["apns_environment"], ["create_time"], ["device.locale"], ["quiet_hours.end_minute"],
     ["locale", "token"]],
    ids=lambda paths: ",".join(paths) or "empty",
)  # fmt: skip
async def test_update_with_a_path_that_cannot_be_updated_is_refused(
    app: TestApp, paths: list[str]
) -> None:
    original = await register_original(app)
    request = new_device(FCM, n=9, name=original.name, locale="fr", user_id="someone")
    failure = await expect_error(
        updating(app, request, paths), grpc.StatusCode.INVALID_ARGUMENT, "INVALID_UPDATE_MASK"
    )
    assert list(failure.violations) == ["update_mask"]
    assert await get(app, original.name) == original


@pytest.mark.parametrize("path", UPDATABLE)
async def test_update_reports_only_the_invalid_values_of_masked_fields(
    app: TestApp, path: str
) -> None:
    original = await register_original(app)
    # Every field of the request is invalid; only the masked one's violation is reported.
    request = device_pb2.Device(name=original.name, **{p: v for p, (v, _, _) in BAD_VALUES.items()})
    _, field, reason = BAD_VALUES[path]
    assert await violation_fields(updating(app, request, [path]), reason) == [field]
    assert await get(app, original.name) == original


async def test_update_ignores_invalid_values_outside_the_mask(app: TestApp) -> None:
    original = await register_original(app)
    request = device_pb2.Device(
        name=original.name, app_version="2.0", locale="english", time_zone="Nowhere/Special"
    )
    updated = (await updating(app, request, ["app_version"])).device
    assert updated.app_version == "2.0"
    assert (updated.locale, updated.time_zone) == (original.locale, original.time_zone)


async def test_update_reports_every_masked_violation_at_once(app: TestApp) -> None:
    original = await register_original(app)
    request = device_pb2.Device(name=original.name, **{p: v for p, (v, _, _) in BAD_VALUES.items()})
    fields = await violation_fields(updating(app, request, list(UPDATABLE)), "INVALID_ARGUMENT")
    assert sorted(fields) == sorted(field for _, field, _ in BAD_VALUES.values())


# --- unregistering ---------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["device-name", "install-name"])
async def test_unregistering_revokes_the_device_and_is_idempotent(app: TestApp, by: str) -> None:
    registered = (await register(app, new_device(install_id="i-1"))).device
    name = registered.name if by == "device-name" else install_name(app, "i-1")
    first = await unregister(app, name)
    again = await unregister(app, name)
    assert first.name == registered.name
    assert (first.status, first.status_reason) == (REVOKED, "unregistered")
    assert again == first  # nothing changed the second time, not even update_time
    assert await get(app, registered.name) == first
    assert await list_names(app, status=REVOKED) == [registered.name]
    assert await list_names(app, status=ACTIVE) == []


# --- topics ----------------------------------------------------------------------------------


async def test_subscribing_adds_topics_idempotently(app: TestApp) -> None:
    name = (await register(app, new_device(topics=["a"]))).device.name
    first = await change_topics(app, name, ["b", "c", "b"], subscribe=True)
    again = await change_topics(app, name, ["c", "a"], subscribe=True)
    assert list(first.topics) == list(again.topics) == ["a", "b", "c"]
    assert await list_names(app, topic="c") == [name]


async def test_unsubscribing_removes_topics_idempotently(app: TestApp) -> None:
    name = (await register(app, new_device(topics=["a", "b", "c"]))).device.name
    first = await change_topics(app, name, ["b", "never-subscribed"], subscribe=False)
    again = await change_topics(app, name, ["b"], subscribe=False)
    assert list(first.topics) == list(again.topics) == ["a", "c"]
    assert await list_names(app, topic="b") == []
    assert await list_names(app, topic="a") == [name]


@pytest.mark.parametrize("subscribe", [True, False], ids=["subscribe", "unsubscribe"])
@pytest.mark.parametrize(
    ("topics", "field"),
    [([], "topics"), (["ok", "not ok"], "topics[1]"), (["x" * 901], "topics[0]")],
)
async def test_changing_topics_with_a_bad_topic_is_refused(
    app: TestApp, subscribe: bool, topics: list[str], field: str
) -> None:
    name = (await register(app, new_device(topics=["keep"]))).device.name
    failure = await expect_error(
        change_topics(app, name, topics, subscribe=subscribe),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_TOPIC",
    )
    assert list(failure.violations) == [field]
    assert list((await get(app, name)).topics) == ["keep"]


async def test_subscribing_beyond_2000_topics_is_refused(app: TestApp) -> None:
    topics = [f"t{i}" for i in range(2000)]
    name = (await register(app, new_device(topics=topics))).device.name
    failure = await expect_error(
        change_topics(app, name, ["one-more"], subscribe=True),
        grpc.StatusCode.INVALID_ARGUMENT,
        "TOO_MANY_TOPICS",
    )
    assert list(failure.violations) == ["topics"]
    assert len((await get(app, name)).topics) == 2000


# --- purging stale devices -------------------------------------------------------------------


async def test_a_dry_run_purge_counts_stale_devices_and_removes_none(
    server: Server, app: TestApp
) -> None:
    stale = (await register(app, new_device(n=1))).device.name
    await register(app, new_device(n=2))
    await backdate(server, stale, age=timedelta(days=40))
    reply = await purging(app, days(30), dry_run=True)
    assert (reply.purged_count, reply.dry_run) == (1, True)
    assert len(device_rows(server, app)) == 2


async def test_a_purge_removes_only_stale_devices_and_their_topics(
    server: Server, api: Api, app: TestApp
) -> None:
    other = await api.new_app(writer=[api_key_pb2.SCOPE_DEVICES_WRITE])
    stale_active = (await register(app, new_device(n=1, topics=["news"]))).device.name
    stale_revoked = (await register(app, new_device(n=2, topics=["sports"]))).device.name
    await unregister(app, stale_revoked)
    fresh = (await register(app, new_device(n=3, topics=["news"]))).device.name
    other_stale = (await register(other, new_device(n=1, topics=["news"]))).device.name
    almost_stale = (await register(app, new_device(n=4))).device.name
    for name in (stale_active, stale_revoked, other_stale):
        await backdate(server, name, age=timedelta(days=40))
    await backdate(server, almost_stale, age=timedelta(days=29))

    reply = await purging(app, days(30))

    assert (reply.purged_count, reply.dry_run) == (2, False)
    assert sorted(await list_names(app)) == sorted([fresh, almost_stale])
    topics = stored(server, device_topics, device_topics.c.app_id.in_([app.id, other.id]))
    assert sorted((row["device_id"], row["topic"]) for row in topics) == sorted(
        [(device_id(fresh), "news"), (device_id(other_stale), "news")]
    )
    await expect_error(get(app, stale_active), grpc.StatusCode.NOT_FOUND, "DEVICE_NOT_FOUND")
    assert (await purging(app, days(30))).purged_count == 0


@pytest.mark.parametrize("touch", ["register", "update"])
async def test_registering_or_updating_a_device_keeps_it_from_being_purged(
    server: Server, app: TestApp, touch: str
) -> None:
    name = (await register(app, new_device(install_id="i-1"))).device.name
    await backdate(server, name, age=timedelta(days=40))
    if touch == "register":
        await register(app, new_device(install_id="i-1"))
    else:
        await updating(app, device_pb2.Device(name=name, app_version="2"), ["app_version"])
    assert (await purging(app, days(30), dry_run=True)).purged_count == 0


@pytest.mark.parametrize(
    "older_than",
    [None, duration_pb2.Duration(), duration_pb2.Duration(seconds=-60),
     duration_pb2.Duration(nanos=-1)],
    ids=["missing", "zero", "negative", "negative-nanos"],
)  # fmt: skip
async def test_a_purge_without_a_positive_age_is_refused(
    server: Server, app: TestApp, older_than: duration_pb2.Duration | None
) -> None:
    await register(app, new_device())
    failure = await expect_error(
        purging(app, older_than), grpc.StatusCode.INVALID_ARGUMENT, "INVALID_DURATION"
    )
    assert list(failure.violations) == ["older_than"]
    assert len(device_rows(server, app)) == 1


async def test_a_purge_older_than_the_calendar_goes_removes_nothing(
    server: Server, app: TestApp
) -> None:
    name = (await register(app, new_device())).device.name
    await backdate(server, name, age=timedelta(days=40))
    ten_thousand_years = duration_pb2.Duration(seconds=315_576_000_000)  # Duration's maximum
    assert (await purging(app, ten_thousand_years)).purged_count == 0
    assert len(device_rows(server, app)) == 1


# --- the devices:register scope and the others -----------------------------------------------


async def test_a_register_key_registers_and_re_registers_by_install_id(app: TestApp) -> None:
    first = await register(app, new_device(n=1, install_id="i-1"), key="register")
    again = await register(app, new_device(n=2, install_id="i-1", user_id="u"), key="register")
    assert first.created and not again.created
    assert again.device.name == first.device.name
    assert again.device.user_id == "u"


async def test_a_register_key_must_give_an_install_id(server: Server, app: TestApp) -> None:
    failure = await expect_error(
        register(app, new_device(), key="register"),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INSTALL_ID_REQUIRED",
    )
    assert list(failure.violations) == ["device.install_id"]
    assert device_rows(server, app) == []


async def test_a_register_key_updates_and_unregisters_by_install_name(app: TestApp) -> None:
    original = (await register(app, new_device(install_id="i-1"), key="register")).device
    request = device_pb2.Device(name=install_name(app, "i-1"), locale="it")
    updated = (await updating(app, request, ["locale"], key="register")).device
    assert (updated.name, updated.locale) == (original.name, "it")
    revoked = await unregister(app, install_name(app, "i-1"), key="register")
    assert (revoked.name, revoked.status) == (original.name, REVOKED)


@pytest.mark.parametrize("rpc", ["update", "unregister"])
async def test_a_register_key_cannot_address_a_device_by_id(app: TestApp, rpc: str) -> None:
    original = (await register(app, new_device(install_id="i-1"))).device
    await expect_error(
        calling(app.keys["register"], rpc, app.parent, original.name),
        grpc.StatusCode.PERMISSION_DENIED,
        "INSTALL_ID_REQUIRED",
    )
    assert await get(app, original.name) == original


# Which key may not call which RPC (the name is the device's own, by id).
DENIED = [
    *[("register", rpc) for rpc in ("get", "list", "subscribe", "unsubscribe", "purge")],
    *[("reader", rpc) for rpc in ("register", "update", "unregister", "subscribe", "purge")],
    *[("writer", rpc) for rpc in ("get", "list")],
]


@pytest.mark.parametrize(("key", "rpc"), DENIED)
async def test_a_key_without_the_scope_is_denied(app: TestApp, key: str, rpc: str) -> None:
    original = (await register(app, new_device(install_id="i-1"))).device
    await expect_error(
        calling(app.keys[key], rpc, app.parent, original.name),
        grpc.StatusCode.PERMISSION_DENIED,
        "MISSING_SCOPE",
    )
    assert await get(app, original.name) == original


async def test_a_register_key_cannot_read_a_device_by_install_name(app: TestApp) -> None:
    await register(app, new_device(install_id="i-1"), key="register")
    await expect_error(
        calling(app.keys["register"], "get", app.parent, install_name(app, "i-1")),
        grpc.StatusCode.PERMISSION_DENIED,
        "MISSING_SCOPE",
    )
