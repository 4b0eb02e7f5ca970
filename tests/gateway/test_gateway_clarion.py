"""HTTP → gateway → the real Clarion gRPC server → the database, on SQLite and on Postgres.

The gateway's own tests (against in-test fakes) prove the transcoding machinery; these prove
that the REST face of the real server works: every HTTP binding of the contract answers
(the table below must name each route the annotations declare, checked first, so a new one
cannot land untested), errors keep their real status, reason and details, and headers
cross as documented.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import grpc
import pytest
from clarion_rest import ROUTES, UNIMPLEMENTED, gateway_in_front_of, reason, rpc_of, violations
from google.protobuf import timestamp_pb2

from clarion.v1 import (
    api_key_pb2,
    credentials_service_pb2,
    device_pb2,
    device_registry_service_pb2,
    policy_admin_service_pb2,
    policy_pb2,
    provider_pb2,
    send_pb2,
)
from delivery_kit import note, push_app
from harness import Api, ProviderFakes, Server

S = api_key_pb2
#: Every scope an app key can hold.
APP_SCOPES = [v for v in S.Scope.values() if v not in (S.SCOPE_UNSPECIFIED, S.SCOPE_ADMIN)]
APNS_TOKEN = "ab" * 32


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
async def http(server: Server) -> AsyncIterator[aiohttp.ClientSession]:
    """A client of a gateway in front of the session's real server."""
    async with (
        gateway_in_front_of(server) as gateway,
        aiohttp.ClientSession(base_url=gateway.url) as session,
    ):
        yield session


@pytest.fixture
def admin(server: Server) -> dict[str, str]:
    return bearer(server.admin_key)


# --- one real call per route ----------------------------------------------------------------

_ids = itertools.count(1)


@dataclass
class World:
    """A fresh app with one device (by install id, on topics news and sport), a Web Push
    credential and an app key holding every app scope; the names the calls' paths use.

    A world made for sending also has the APNs and FCM credentials the provider fakes accept
    and two sends to the device: `send`, which it received (its delivery is SENT), and
    `scheduled`, due tomorrow."""

    app: str
    device: str
    install: str
    app_key: str
    app_key_secret: str
    new_app: str = field(default_factory=lambda: f"r{next(_ids)}-{uuid.uuid4().hex[:8]}")
    global_key: str = ""
    send: str = ""
    scheduled: str = ""


async def make_world(
    api: Api, *, global_key: bool = False, fakes: ProviderFakes | None = None
) -> World:
    """A World; with `fakes`, one made for sending."""
    push = None
    if fakes is None:
        app = await api.new_app(owner=APP_SCOPES)
    else:
        push = await push_app(api, fakes)
        app = push.app
        app.keys["owner"] = api.as_key(await api.new_key(app.id, APP_SCOPES))
    owner = app.keys["owner"]
    install = f"install-{uuid.uuid4().hex[:8]}"
    registered = await owner(
        owner.devices.RegisterDevice,
        device_registry_service_pb2.RegisterDeviceRequest(
            parent=app.parent,
            device=device_pb2.Device(
                provider=provider_pb2.PROVIDER_APNS,
                token=APNS_TOKEN,
                install_id=install,
                user_id="u-1",
                topics=["news", "sport"],
            ),
        ),
    )
    await owner(
        owner.creds.GetVapidPublicKey,
        credentials_service_pb2.GetVapidPublicKeyRequest(parent=app.parent),
    )
    keys = await owner(
        owner.admin.ListApiKeys, policy_admin_service_pb2.ListApiKeysRequest(parent=app.parent)
    )
    (owner_key,) = [k for k in keys.api_keys if set(k.scopes) == set(APP_SCOPES)]
    await owner(
        owner.admin.CreateCategory,
        policy_admin_service_pb2.CreateCategoryRequest(
            parent=app.parent,
            category_id="promo",
            category=policy_pb2.Category(display_name="Promotions"),
        ),
    )
    world = World(
        app=app.id,
        device=registered.device.name.rsplit("/", 1)[1],
        install=install,
        app_key=owner_key.name.rsplit("/", 1)[1],
        app_key_secret=str(owner.key),
    )
    if push is not None:
        to_device = send_pb2.Target(install_id=install)
        received = await push.send(to_device, note("Made in setup"))
        await push.settled(received.name)
        tomorrow = timestamp_pb2.Timestamp()
        tomorrow.FromDatetime(datetime.now(UTC) + timedelta(days=1))
        scheduled = await push.send(to_device, note("Due tomorrow"), send_time=tomorrow)
        world.send = received.name.rsplit("/", 1)[1]
        world.scheduled = scheduled.name.rsplit("/", 1)[1]
    if global_key:
        created = await api.admin(
            api.admin.admin.CreateApiKey,
            policy_admin_service_pb2.CreateApiKeyRequest(
                api_key=api_key_pb2.ApiKey(display_name="to revoke", scopes=[S.SCOPE_ADMIN])
            ),
        )
        world.global_key = created.api_key.name.rsplit("/", 1)[1]
    return world


ABSENT = object()


@dataclass(frozen=True)
class StartsWith:
    """An expected string's beginning (formatted with the World's names)."""

    prefix: str


def is_timestamp(value: str) -> bool:
    return value.endswith("Z") and "T" in value


Expected = Mapping[str, Any]  # dotted JSON path -> value, ABSENT, StartsWith or a predicate


@dataclass(frozen=True)
class Call:
    """One REST call of a route: `path` is formatted with the World's names; `expect` is
    checked on the answer (strings formatted too; "" is the whole body); `then` reads the
    change back from the database, with another call. A server stream's answer is its first
    `stream` NDJSON lines (then the client leaves), as a list."""

    method: str
    path: str
    body: dict[str, Any] | None = None
    expect: Expected = field(default_factory=dict)
    key: str = "admin"  # or "app": the World's app key
    then: Call | None = None
    status: int = 200
    stream: int = 0


def read(path: str, expect: Expected, status: int = 200) -> Call:
    """A GET that reads a change back."""
    return Call("GET", path, expect=expect, status=status)


NOTE = {"title": "Your order shipped", "body": "It arrives tomorrow."}
DEVICE = "apps/{app}/devices/{device}"
SEND = "apps/{app}/sends/{send}"
DELIVERY = SEND + "/deliveries/{device}"
NO_DEVICE = "01nosuchdevice0000000000000"
AS_STORED = {
    "device.name": DEVICE,
    "device.installId": "{install}",
    "device.provider": "PROVIDER_APNS",
    "device.token": ABSENT,  # input only: never in an answer
    "device.tokenHint": "…ababab",
}

CALLS: dict[str, Call] = {
    # DeviceRegistryService
    "DeviceRegistryService_RegisterDevice": Call(
        "POST",
        "/v1/apps/{app}/devices:register",
        {
            "provider": "PROVIDER_APNS",
            "platform": "PLATFORM_IOS",
            "token": "0f" * 32,
            "installId": "install-new",
            "userId": "u-2",
            "locale": "pt-BR",
            "timeZone": "America/Sao_Paulo",
        },
        {
            "created": True,
            "device.name": StartsWith("apps/{app}/devices/"),
            "device.installId": "install-new",
            "device.userId": "u-2",
            "device.platform": "PLATFORM_IOS",
            "device.status": "DEVICE_STATUS_ACTIVE",
            "device.timeZone": "America/Sao_Paulo",
            "device.token": ABSENT,
            "device.webPush": ABSENT,
            "device.createTime": is_timestamp,
        },
        then=read("/v1/apps/{app}/installs/install-new", {"device.userId": "u-2"}),
    ),
    "DeviceRegistryService_GetDevice": Call(
        "GET", "/v1/apps/{app}/devices/{device}", expect={**AS_STORED, "device.userId": "u-1"}
    ),
    "DeviceRegistryService_GetDevice_2": Call(
        "GET", "/v1/apps/{app}/installs/{install}", expect=AS_STORED
    ),
    "DeviceRegistryService_ListDevices": Call(
        "GET",
        "/v1/apps/{app}/devices?pageSize=10",
        expect={
            "devices.0.name": DEVICE,
            "devices.0.token": ABSENT,
            "devices.1": ABSENT,
            "nextPageToken": "",
        },
    ),
    "DeviceRegistryService_UpdateDevice": Call(
        "PATCH",
        "/v1/apps/{app}/devices/{device}",
        {"timeZone": "Europe/Paris"},
        {**AS_STORED, "device.timeZone": "Europe/Paris", "device.userId": "u-1"},
        then=read("/v1/" + DEVICE, {"device.timeZone": "Europe/Paris"}),
    ),
    "DeviceRegistryService_UpdateDevice_2": Call(
        "PATCH",
        "/v1/apps/{app}/installs/{install}",
        {"userId": "u-9"},
        {**AS_STORED, "device.userId": "u-9"},
        then=read("/v1/" + DEVICE, {"device.userId": "u-9"}),
    ),
    "DeviceRegistryService_UnregisterDevice": Call(
        "POST",
        "/v1/apps/{app}/devices/{device}:unregister",
        {},
        {**AS_STORED, "device.status": "DEVICE_STATUS_REVOKED"},
        then=read("/v1/" + DEVICE, {"device.status": "DEVICE_STATUS_REVOKED"}),
    ),
    "DeviceRegistryService_UnregisterDevice_2": Call(
        "POST",
        "/v1/apps/{app}/installs/{install}:unregister",
        {},
        {**AS_STORED, "device.status": "DEVICE_STATUS_REVOKED"},
        then=read("/v1/" + DEVICE, {"device.status": "DEVICE_STATUS_REVOKED"}),
    ),
    "DeviceRegistryService_SubscribeTopics": Call(
        "POST",
        "/v1/apps/{app}/devices/{device}:subscribeTopics",
        {"topics": ["weather"]},
        {"device.topics": lambda topics: sorted(topics) == ["news", "sport", "weather"]},
        then=read("/v1/" + DEVICE, {"device.topics": lambda topics: len(topics) == 3}),
    ),
    "DeviceRegistryService_UnsubscribeTopics": Call(
        "POST",
        "/v1/apps/{app}/devices/{device}:unsubscribeTopics",
        {"topics": ["news"]},
        {"device.topics": ["sport"]},
        then=read("/v1/" + DEVICE, {"device.topics": ["sport"]}),
    ),
    "DeviceRegistryService_PurgeStaleDevices": Call(
        "POST",
        "/v1/apps/{app}/devices:purgeStale",
        {"olderThan": "86400s", "dryRun": True},
        {"": {"purgedCount": "0", "dryRun": True}},
    ),
    # CredentialsService
    "CredentialsService_PutCredential": Call(
        "POST",
        "/v1/apps/{app}/credentials:put",
        {"webPush": {"subject": "mailto:ops@example.com"}},
        {
            "credential.name": "apps/{app}/credentials/webpush",
            "credential.provider": "PROVIDER_WEBPUSH",
            "credential.vapidSubject": "mailto:ops@example.com",
            "credential.vapidPublicKey": lambda key: len(key) == 87,
        },
        then=read(
            "/v1/apps/{app}/credentials", {"credentials.0.vapidSubject": "mailto:ops@example.com"}
        ),
    ),
    "CredentialsService_ListCredentials": Call(
        "GET",
        "/v1/apps/{app}/credentials",
        expect={"credentials.0.name": "apps/{app}/credentials/webpush", "credentials.1": ABSENT},
    ),
    "CredentialsService_DeleteCredential": Call(
        "DELETE",
        "/v1/apps/{app}/credentials/webpush",
        expect={"": {}},
        then=read("/v1/apps/{app}/credentials", {"": {"credentials": []}}),
    ),
    "CredentialsService_GetVapidPublicKey": Call(
        "GET",
        "/v1/apps/{app}/vapidPublicKey",
        expect={"publicKey": lambda key: len(key) == 87 and "=" not in key},
    ),
    # PolicyAdminService: apps and keys
    "PolicyAdminService_CreateApp": Call(
        "POST",
        "/v1/apps?appId={new_app}",
        {"displayName": "Made over REST"},
        {
            "app.name": "apps/{new_app}",
            "app.displayName": "Made over REST",
            "app.disabled": False,
            "app.deviceCount": "0",
        },
        then=read("/v1/apps/{new_app}", {"app.displayName": "Made over REST"}),
    ),
    "PolicyAdminService_GetApp": Call(
        "GET",
        "/v1/apps/{app}",
        expect={"app.name": "apps/{app}", "app.deviceCount": "1", "app.disabled": False},
    ),
    "PolicyAdminService_ListApps": Call(
        "GET",
        "/v1/apps?pageSize=5",
        expect={"apps.0.name": "apps/{app}", "apps.1": ABSENT, "nextPageToken": ""},
        key="app",  # an app key sees its own app only: a known answer on a shared server
    ),
    "PolicyAdminService_UpdateApp": Call(
        "PATCH",
        "/v1/apps/{app}",
        {"displayName": "Renamed"},
        {"app.name": "apps/{app}", "app.displayName": "Renamed", "app.disabled": False},
        then=read("/v1/apps/{app}", {"app.displayName": "Renamed"}),
    ),
    "PolicyAdminService_DeleteApp": Call(
        "DELETE",
        "/v1/apps/{app}",
        expect={"": {}},
        then=read("/v1/apps/{app}", {"details.0.reason": "APP_NOT_FOUND"}, status=404),
    ),
    "PolicyAdminService_CreateApiKey": Call(
        "POST",
        "/v1/apps/{app}/apiKeys",
        {"displayName": "reader", "scopes": ["SCOPE_DEVICES_READ"]},
        {
            "secret": StartsWith("clk_"),
            "apiKey.name": StartsWith("apps/{app}/apiKeys/"),
            "apiKey.scopes": ["SCOPE_DEVICES_READ"],
            "apiKey.revokeTime": ABSENT,
        },
        then=read("/v1/apps/{app}/apiKeys", {"apiKeys": lambda keys: len(keys) == 2}),
    ),
    "PolicyAdminService_CreateApiKey_2": Call(
        "POST",
        "/v1/apiKeys",
        {"displayName": "operator", "scopes": ["SCOPE_ADMIN"]},
        {
            "secret": StartsWith("clk_"),
            "apiKey.name": StartsWith("apiKeys/"),
            "apiKey.scopes": ["SCOPE_ADMIN"],
        },
    ),
    "PolicyAdminService_ListApiKeys": Call(
        "GET",
        "/v1/apps/{app}/apiKeys",
        expect={"apiKeys.0.name": "apps/{app}/apiKeys/{app_key}", "apiKeys.1": ABSENT},
    ),
    "PolicyAdminService_ListApiKeys_2": Call(
        "GET",
        "/v1/apiKeys?pageSize=1",
        expect={"apiKeys.0.name": StartsWith("apiKeys/"), "apiKeys.1": ABSENT},
    ),
    "PolicyAdminService_RevokeApiKey": Call(
        "POST",
        "/v1/apps/{app}/apiKeys/{app_key}:revoke",
        {},
        {"apiKey.name": "apps/{app}/apiKeys/{app_key}", "apiKey.revokeTime": is_timestamp},
        then=read("/v1/apps/{app}/apiKeys", {"apiKeys.0.revokeTime": is_timestamp}),
    ),
    "PolicyAdminService_RevokeApiKey_2": Call(
        "POST",
        "/v1/apiKeys/{global_key}:revoke",
        {},
        {"apiKey.name": "apiKeys/{global_key}", "apiKey.revokeTime": is_timestamp},
    ),
    # PolicyAdminService: later issues (501)
    "PolicyAdminService_CreateCategory": Call(
        "POST",
        "/v1/apps/{app}/categories?categoryId=deals",
        {"displayName": "Deals", "critical": True},
        {"category.name": "apps/{app}/categories/deals", "category.critical": True},
        then=read(
            "/v1/apps/{app}/categories", {"categories.0.name": "apps/{app}/categories/deals"}
        ),
    ),
    "PolicyAdminService_ListCategories": Call(
        "GET",
        "/v1/apps/{app}/categories",
        expect={"categories.0.displayName": "Promotions", "categories.1": ABSENT},
    ),
    "PolicyAdminService_UpdateCategory": Call(
        "PATCH",
        "/v1/apps/{app}/categories/promo",
        {"displayName": "Offers"},
        {"category.displayName": "Offers"},
        then=read("/v1/apps/{app}/categories", {"categories.0.displayName": "Offers"}),
    ),
    "PolicyAdminService_DeleteCategory": Call(
        "DELETE",
        "/v1/apps/{app}/categories/promo",
        expect={"": {}},
        then=read("/v1/apps/{app}/categories", {"categories": []}),
    ),
    "PolicyAdminService_GetAppPolicy": Call(
        "GET",
        "/v1/apps/{app}/policy",
        expect={
            "policy.name": "apps/{app}/policy",
            "policy.quietHoursMode": "QUIET_HOURS_MODE_DEFER",
            "policy.privacyMode": "PRIVACY_MODE_OFF",
        },
    ),
    "PolicyAdminService_UpdateAppPolicy": Call(
        "PATCH",
        "/v1/apps/{app}/policy",
        {"dailyQuota": "1000"},
        {"policy.name": "apps/{app}/policy", "policy.dailyQuota": "1000"},
        then=read("/v1/apps/{app}/policy", {"policy.dailyQuota": "1000"}),
    ),
    "PolicyAdminService_GetStats": Call(
        "GET",
        "/v1/apps/{app}/stats?startTime=2024-05-01T00:00:00Z&endTime=2024-05-02T00:00:00Z",
        expect={"byStatus": [], "topUsers": []},
    ),
    "PolicyAdminService_GetDeliveryHealth": Call(
        "GET",
        "/v1/apps/{app}/deliveryHealth",
        expect={"queueDepth": "0", "topFailures": [], "recentFailures": []},
    ),
    "PolicyAdminService_ListAuditEntries": Call(
        "GET",
        "/v1/apps/{app}/auditEntries?actionPrefix=device.",
        expect={
            "entries.0.action": "device.register",
            "entries.0.resource": "apps/{app}/devices/{device}",
            "entries.1": ABSENT,
        },
    ),
    # PushSenderService
    "PushSenderService_Send": Call(
        "POST",
        "/v1/apps/{app}/sends:send",
        {"target": {"userId": "u-1"}, "notification": NOTE, "idempotencyKey": "order-42"},
        {
            "send.name": StartsWith("apps/{app}/sends/"),
            "send.target": {"userId": "u-1"},
            "send.notification.title": NOTE["title"],
            "send.idempotencyKey": "order-42",
            "send.counts.total": "1",
            "send.state": lambda state: state in ("SEND_STATE_IN_PROGRESS", "SEND_STATE_COMPLETED"),
            "send.createTime": is_timestamp,
            "deduplicated": False,
        },
        then=read(
            "/v1/apps/{app}/sends?pageSize=1",
            {"sends.0.idempotencyKey": "order-42", "nextPageToken": bool},
        ),
    ),
    "PushSenderService_SendBulk": Call(
        "POST",
        "/v1/apps/{app}/sends:sendBulk",
        {"userIds": ["u-1", "u-nobody"], "notification": NOTE},
        {
            "send.name": StartsWith("apps/{app}/sends/"),
            "send.userIds": ["u-1", "u-nobody"],
            "send.target": ABSENT,
            "send.counts.total": "1",  # u-nobody has no device
        },
        then=read("/v1/apps/{app}/sends?pageSize=1", {"sends.0.userIds": ["u-1", "u-nobody"]}),
    ),
    "PushSenderService_SendBatch": Call(
        "POST",
        "/v1/apps/{app}/sends:sendBatch",
        {
            "items": [
                {"target": {"userId": "u-1"}, "notification": NOTE},
                {"target": {"installId": "no-such-install"}, "notification": NOTE},
                {"target": {"topic": "not a topic!"}, "notification": NOTE},
            ]
        },
        {
            # Item by item, in order: one bad item fails alone.
            "results.0.send.target": {"userId": "u-1"},
            "results.0.send.counts.total": "1",
            "results.0.error": ABSENT,
            "results.1.send": ABSENT,
            "results.1.error.code": grpc.StatusCode.NOT_FOUND.value[0],
            "results.1.error": lambda error: reason(error) == "DEVICE_NOT_FOUND",
            "results.2.error.code": grpc.StatusCode.INVALID_ARGUMENT.value[0],
            "results.2.error": lambda error: list(violations(error)) == ["items[2].target.topic"],
            "results.3": ABSENT,
        },
        # Only the good item made a send: the world's two, and this one, newest first.
        then=read(
            "/v1/apps/{app}/sends",
            {
                "sends.0.target": {"userId": "u-1"},
                "sends.1.name": "apps/{app}/sends/{scheduled}",
                "sends.2.name": SEND,
                "sends.3": ABSENT,
            },
        ),
    ),
    "PushSenderService_GetSend": Call(
        "GET",
        "/v1/apps/{app}/sends/{send}",
        expect={
            "send.name": SEND,
            "send.target.installId": "{install}",
            "send.notification.title": "Made in setup",
            "send.state": "SEND_STATE_COMPLETED",
            "send.counts.total": "1",
            "send.counts.sent": "1",
            "send.counts.pending": "0",
            "send.counts.failed": "0",
            "send.createTime": is_timestamp,
            "send.completeTime": is_timestamp,
            "send.sendTime": ABSENT,
        },
    ),
    "PushSenderService_ListSends": Call(
        "GET",
        "/v1/apps/{app}/sends?pageSize=10&state=SEND_STATE_COMPLETED",
        expect={"sends.0.name": SEND, "sends.1": ABSENT, "nextPageToken": ""},
    ),
    "PushSenderService_ListDeliveries": Call(
        "GET",
        "/v1/apps/{app}/sends/{send}/deliveries?status=DELIVERY_STATUS_SENT",
        expect={
            "deliveries.0.name": DELIVERY,
            "deliveries.0.device": DEVICE,
            "deliveries.0.userId": "u-1",
            "deliveries.0.provider": "PROVIDER_APNS",
            "deliveries.0.status": "DELIVERY_STATUS_SENT",
            "deliveries.0.attempts": 1,
            "deliveries.0.providerMessageId": bool,  # the apns-id
            "deliveries.0.nextAttemptTime": ABSENT,
            "deliveries.1": ABSENT,
            "nextPageToken": "",
        },
    ),
    "PushSenderService_CancelSend": Call(
        "POST",
        "/v1/apps/{app}/sends/{scheduled}:cancel",
        {},
        {
            "send.name": "apps/{app}/sends/{scheduled}",
            "send.state": "SEND_STATE_CANCELLED",
            "send.counts.cancelledOrExpired": "1",
            "send.counts.pending": "0",
        },
        then=read(
            "/v1/apps/{app}/sends/{scheduled}/deliveries",
            {"deliveries.0.status": "DELIVERY_STATUS_CANCELLED", "deliveries.1": ABSENT},
        ),
    ),
    "PushSenderService_WatchReceipts": Call(
        "GET",
        "/v1/apps/{app}/receipts:watch?start=START_POSITION_EARLIEST&send="
        + SEND
        + "&statuses=DELIVERY_STATUS_QUEUED&statuses=DELIVERY_STATUS_SENT",
        expect={
            "0.result.receipt.send": SEND,
            "0.result.receipt.delivery": DELIVERY,
            "0.result.receipt.device": DEVICE,
            "0.result.receipt.status": "DELIVERY_STATUS_QUEUED",
            "1.result.receipt.status": "DELIVERY_STATUS_SENT",
            "1.result.receipt.provider": "PROVIDER_APNS",
            "1.result.receipt.time": is_timestamp,
            "": lambda lines: (
                int(lines[0]["result"]["receipt"]["cursor"])
                < int(lines[1]["result"]["receipt"]["cursor"])
            ),
        },
        key="app",
        stream=2,
    ),
    "PushSenderService_RecordEngagement": Call(
        "POST",
        "/v1/apps/{app}/sends/{send}/deliveries/{device}:recordEngagement",
        {"type": "ENGAGEMENT_TYPE_CLICKED", "actionId": "reply"},
        {
            "receipt.delivery": DELIVERY,
            "receipt.status": "DELIVERY_STATUS_CLICKED",
            "receipt.actionId": "reply",
            "receipt.cursor": lambda cursor: int(cursor) > 0,
        },
        key="app",
        then=read(
            "/v1/apps/{app}/sends/{send}/deliveries",
            {"deliveries.0.status": "DELIVERY_STATUS_CLICKED"},
        ),
    ),
}


def test_the_table_has_a_call_for_every_http_binding() -> None:
    assert set(CALLS) == {route.operation_id for route in ROUTES.routes}
    assert {rpc_of(op) for op in CALLS} >= UNIMPLEMENTED


def pluck(body: Any, path: str) -> Any:
    """The value at a dotted JSON path (list indexes as numbers), ABSENT when missing."""
    value = body
    for part in path.split(".") if path else ():
        if isinstance(value, list) and part.isdigit():
            value = value[int(part)] if int(part) < len(value) else ABSENT
        elif isinstance(value, dict):
            value = value.get(part, ABSENT)
        else:
            return ABSENT
    return value


def check_expected(body: Any, expected: Expected, world: World) -> None:
    names = vars(world)
    for path, want in expected.items():
        got = pluck(body, path)
        if want is ABSENT:
            assert got is ABSENT, f"{path} should be absent: {body}"
        elif isinstance(want, StartsWith):
            prefix = want.prefix.format(**names)
            assert isinstance(got, str) and got.startswith(prefix), f"{path} = {got!r}: {body}"
        elif callable(want):
            assert got is not ABSENT and want(got), f"{path} = {got!r}: {body}"
        else:
            if isinstance(want, str):
                want = want.format(**names)
            assert got == want, f"{path} = {got!r}, want {want!r}: {body}"


@pytest.mark.parametrize("operation", sorted(CALLS))
async def test_every_route_works_through_the_real_server(
    http: aiohttp.ClientSession,
    api: Api,
    fakes: ProviderFakes,
    admin: dict[str, str],
    operation: str,
) -> None:
    call = CALLS[operation]
    sending = operation.startswith("PushSenderService_")
    world = await make_world(
        api, global_key="{global_key}" in call.path, fakes=fakes if sending else None
    )
    path = call.path.format(**vars(world))
    # The call is written for this route: it must resolve to it.
    assert ROUTES.resolve(call.method, path.split("?")[0]).route.operation_id == operation

    async with http.request(call.method, path, json=call.body) as anonymous:
        assert anonymous.status == 401, await anonymous.text()
        assert anonymous.headers["WWW-Authenticate"] == "Bearer"
        assert reason(await anonymous.json()) == "MISSING_API_KEY"

    headers = admin if call.key == "admin" else bearer(world.app_key_secret)
    if rpc_of(operation) in UNIMPLEMENTED:
        # Authenticated and authorised first (the 401 above), then refused as not built yet.
        body = await answer(http, call, world, headers, status=501)
        assert body["code"] == grpc.StatusCode.UNIMPLEMENTED.value[0]
        assert reason(body) == "NOT_IMPLEMENTED"
        return
    await answer(http, call, world, headers)
    if call.then is not None:
        await answer(http, call.then, world, admin)


async def answer(
    http: aiohttp.ClientSession,
    call: Call,
    world: World,
    headers: dict[str, str],
    status: int | None = None,
) -> Any:
    """Make the call; check its status, content type and `expect`; return the JSON body
    (a stream's first `call.stream` lines)."""
    path = call.path.format(**vars(world))
    async with http.request(call.method, path, json=call.body, headers=headers) as response:
        if call.stream and response.status == 200:
            assert response.content_type == "application/x-ndjson"
            body: Any = await read_lines(response, call.stream)
        else:
            assert response.content_type == "application/json"
            body = await response.json()
    assert response.status == (status or call.status), body
    check_expected(body, call.expect, world)
    return body


async def read_lines(response: aiohttp.ClientResponse, count: int) -> list[Any]:
    """The first `count` NDJSON lines of a stream, decoded."""
    return [
        json.loads(await asyncio.wait_for(response.content.readline(), 10)) for _ in range(count)
    ]


async def read_events(response: aiohttp.ClientResponse, count: int) -> list[tuple[int, Any]]:
    """The first `count` Server-Sent Events of a stream as (id, data); keep-alives skipped."""
    events: list[tuple[int, Any]] = []
    while len(events) < count:
        frame = (await asyncio.wait_for(response.content.readuntil(b"\n\n"), 10)).decode()
        if frame.startswith(":"):
            continue
        fields = dict(line.split(": ", 1) for line in frame.strip().splitlines())
        assert set(fields) == {"id", "data"}, frame  # not an error event
        events.append((int(fields["id"]), json.loads(fields["data"])))
    return events


# --- request building against the real server ---------------------------------------------


async def test_registering_again_answers_created_false(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str]
) -> None:
    world = await make_world(api)
    again = {"provider": "PROVIDER_APNS", "token": APNS_TOKEN, "installId": world.install}
    async with http.post(
        f"/v1/apps/{world.app}/devices:register", json=again, headers=admin
    ) as response:
        body = await response.json()
    assert body["created"] is False  # a false value is emitted, not left out
    assert body["device"]["name"] == f"apps/{world.app}/devices/{world.device}"


async def test_list_devices_filters_and_pages_by_query_parameters(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str]
) -> None:
    world = await make_world(api)
    base = f"/v1/apps/{world.app}/devices"
    for n, user in enumerate(["u-a", "u-b", "u-a", "u-a", "u-b"]):
        device = {
            "provider": "PROVIDER_FCM",
            "platform": "PLATFORM_ANDROID",
            "token": f"fcm-token-{n}-" + "x" * 140,
            "installId": f"paged-{n}",
            "userId": user,
        }
        async with http.post(f"{base}:register", json=device, headers=admin) as response:
            assert response.status == 200, await response.text()

    async with http.get(f"{base}?userId=u-a&pageSize=2", headers=admin) as response:
        first = await response.json()
    assert [d["installId"] for d in first["devices"]] == ["paged-0", "paged-2"]
    assert first["nextPageToken"]
    token = first["nextPageToken"]
    async with http.get(
        f"{base}?user_id=u-a&page_size=2&pageToken={token}", headers=admin
    ) as response:
        second = await response.json()
    assert [d["installId"] for d in second["devices"]] == ["paged-3"]
    assert second["nextPageToken"] == ""

    # Enum filters by name or number; several filters combine with AND.
    async with http.get(
        f"{base}?provider=PROVIDER_FCM&platform=2&status=DEVICE_STATUS_ACTIVE&userId=u-b",
        headers=admin,
    ) as response:
        both = await response.json()
    assert [d["installId"] for d in both["devices"]] == ["paged-1", "paged-4"]

    # A page token only works with the filters it was made for.
    async with http.get(f"{base}?userId=u-b&pageToken={token}", headers=admin) as response:
        assert response.status == 400
        assert reason(await response.json()) == "INVALID_PAGE_TOKEN"


async def get_device(api: Api, world: World) -> device_pb2.Device:
    """The device as the database has it, read over gRPC."""
    reply = await api.admin(
        api.admin.devices.GetDevice,
        device_registry_service_pb2.GetDeviceRequest(
            name=f"apps/{world.app}/devices/{world.device}"
        ),
    )
    device: device_pb2.Device = reply.device
    return device


async def test_patch_without_a_mask_changes_only_the_fields_in_the_body(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str]
) -> None:
    world = await make_world(api)
    patch = {"timeZone": "Europe/Paris", "locale": "fr-FR", "quietHours": {"startMinute": 1320}}
    async with http.patch(
        f"/v1/apps/{world.app}/devices/{world.device}", json=patch, headers=admin
    ) as response:
        assert response.status == 200, await response.text()
    stored = await get_device(api, world)
    assert (stored.time_zone, stored.locale, stored.user_id) == ("Europe/Paris", "fr-FR", "u-1")
    assert (stored.quiet_hours.start_minute, stored.quiet_hours.end_minute) == (1320, 0)
    assert sorted(stored.topics) == ["news", "sport"]


async def test_patch_with_an_explicit_mask_ignores_other_body_fields(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str]
) -> None:
    world = await make_world(api)
    async with http.patch(
        f"/v1/apps/{world.app}/installs/{world.install}?updateMask=locale",
        json={"locale": "de-DE", "userId": "not-me"},
        headers=admin,
    ) as response:
        assert response.status == 200, await response.text()
    stored = await get_device(api, world)
    assert (stored.locale, stored.user_id) == ("de-DE", "u-1")


async def test_patch_naming_a_field_that_cannot_change_is_invalid_update_mask(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str]
) -> None:
    world = await make_world(api)
    async with http.patch(
        f"/v1/apps/{world.app}/devices/{world.device}",
        json={"provider": "PROVIDER_FCM"},
        headers=admin,
    ) as response:
        assert response.status == 400
        body = await response.json()
    assert reason(body) == "INVALID_UPDATE_MASK"
    assert "update_mask" in violations(body)
    assert (await get_device(api, world)).provider == provider_pb2.PROVIDER_APNS


async def test_an_update_with_several_bad_topics_is_400_with_a_violation_each(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str]
) -> None:
    world = await make_world(api)
    async with http.patch(
        f"/v1/apps/{world.app}/devices/{world.device}",
        json={"topics": ["bad topic!", "also bad!"]},
        headers=admin,
    ) as response:
        assert response.status == 400, await response.text()
        body = await response.json()
    assert reason(body) == "INVALID_TOPIC"
    assert set(violations(body)) == {"device.topics[0]", "device.topics[1]"}


@pytest.mark.parametrize(
    ("query", "body", "display_name", "disabled"),
    [
        ("", {"displayName": "Renamed"}, "Renamed", False),
        ("?updateMask=disabled", {"displayName": "Ignored", "disabled": True}, "test app", True),
    ],
)
async def test_update_app_mask_from_the_body_or_the_query(
    http: aiohttp.ClientSession,
    api: Api,
    admin: dict[str, str],
    query: str,
    body: dict[str, Any],
    display_name: str,
    disabled: bool,
) -> None:
    world = await make_world(api)
    async with http.patch(f"/v1/apps/{world.app}{query}", json=body, headers=admin) as response:
        assert response.status == 200, await response.text()
    stored = await api.admin(
        api.admin.admin.GetApp, policy_admin_service_pb2.GetAppRequest(name=f"apps/{world.app}")
    )
    assert (stored.app.display_name, stored.app.disabled) == (display_name, disabled)


# --- errors from the real server ----------------------------------------------------------


async def test_a_bad_apns_token_is_400_with_a_field_violation_and_nothing_is_stored(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str]
) -> None:
    world = await make_world(api)
    device = {"provider": "PROVIDER_APNS", "token": "not-hex", "installId": "i-bad"}
    async with http.post(
        f"/v1/apps/{world.app}/devices:register", json=device, headers=admin
    ) as response:
        assert response.status == 400
        body = await response.json()
    assert body["code"] == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert reason(body) == "INVALID_TOKEN_FORMAT"
    assert list(violations(body)) == ["device.token"]
    async with http.get(f"/v1/apps/{world.app}/installs/i-bad", headers=admin) as response:
        assert response.status == 404


@pytest.mark.parametrize(
    ("authorization", "expected"),
    [
        (None, "MISSING_API_KEY"),
        ("Bearer clk_not-a-real-key", "INVALID_API_KEY"),
        ("Basic dXNlcjpwYXNz", "MALFORMED_AUTH"),
    ],
)
async def test_no_unknown_or_malformed_key_is_401_with_a_bearer_challenge(
    http: aiohttp.ClientSession, api: Api, authorization: str | None, expected: str
) -> None:
    world = await make_world(api)
    headers = {"Authorization": authorization} if authorization else {}
    async with http.get(f"/v1/apps/{world.app}/devices", headers=headers) as response:
        assert response.status == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        body = await response.json()
    assert body["code"] == grpc.StatusCode.UNAUTHENTICATED.value[0]
    assert reason(body) == expected


async def test_a_key_of_another_app_is_403_wrong_app(http: aiohttp.ClientSession, api: Api) -> None:
    victim = await make_world(api)
    intruder = await make_world(api)
    async with http.get(
        f"/v1/apps/{victim.app}/devices/{victim.device}",
        headers=bearer(intruder.app_key_secret),
    ) as response:
        assert response.status == 403
        assert reason(await response.json()) == "WRONG_APP"


async def test_a_key_without_the_scope_is_403_missing_scope(
    http: aiohttp.ClientSession, api: Api
) -> None:
    world = await make_world(api)
    register_only = await api.new_key(world.app, [S.SCOPE_DEVICES_REGISTER])
    async with http.get(f"/v1/apps/{world.app}/devices", headers=bearer(register_only)) as response:
        assert response.status == 403
        assert reason(await response.json()) == "MISSING_SCOPE"
    # The same key may do what a shipped mobile app needs.
    async with http.get(
        f"/v1/apps/{world.app}/vapidPublicKey", headers=bearer(register_only)
    ) as response:
        assert response.status == 200


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/v1/apps/{app}/devices/01nosuchdevice0000000000000", "DEVICE_NOT_FOUND"),
        ("/v1/apps/{app}/installs/no-such-install", "DEVICE_NOT_FOUND"),
        ("/v1/apps/no-such-app/devices", "APP_NOT_FOUND"),
        ("/v1/apps/{app}/gadgets", None),  # no route: the gateway's own 404
    ],
)
async def test_unknown_resources_and_routes_are_404(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str], path: str, expected: str | None
) -> None:
    world = await make_world(api)
    async with http.get(path.format(app=world.app), headers=admin) as response:
        assert response.status == 404
        body = await response.json()
    assert body["code"] == grpc.StatusCode.NOT_FOUND.value[0]
    assert reason(body) == expected


async def test_creating_an_existing_app_is_409(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str]
) -> None:
    world = await make_world(api)
    async with http.post(f"/v1/apps?appId={world.app}", json={}, headers=admin) as response:
        assert response.status == 409
        body = await response.json()
    assert body["code"] == grpc.StatusCode.ALREADY_EXISTS.value[0]
    assert reason(body) == "APP_EXISTS"


async def test_registering_on_a_disabled_app_is_400_failed_precondition(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str]
) -> None:
    world = await make_world(api)
    async with http.patch(
        f"/v1/apps/{world.app}", json={"disabled": True}, headers=admin
    ) as response:
        assert response.status == 200
    device = {"provider": "PROVIDER_APNS", "token": APNS_TOKEN, "installId": "late"}
    async with http.post(
        f"/v1/apps/{world.app}/devices:register", json=device, headers=admin
    ) as response:
        assert response.status == 400
        body = await response.json()
    assert body["code"] == grpc.StatusCode.FAILED_PRECONDITION.value[0]
    assert reason(body) == "APP_DISABLED"


async def test_sending_on_a_disabled_app_is_400_failed_precondition(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str]
) -> None:
    world = await make_world(api)
    async with http.patch(
        f"/v1/apps/{world.app}", json={"disabled": True}, headers=admin
    ) as response:
        assert response.status == 200
    send = {"target": {"userId": "u-1"}, "notification": NOTE}
    async with http.post(f"/v1/apps/{world.app}/sends:send", json=send, headers=admin) as response:
        assert response.status == 400
        assert reason(await response.json()) == "APP_DISABLED"


async def test_the_daily_quota_is_429_with_retry_after_until_midnight_utc(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str]
) -> None:
    world = await make_world(api)  # one device, of user u-1
    async with http.patch(
        f"/v1/apps/{world.app}/policy", json={"dailyQuota": "1"}, headers=admin
    ) as response:
        assert response.status == 200
    send = {"target": {"userId": "u-1"}, "notification": NOTE}
    path = f"/v1/apps/{world.app}/sends:send"
    async with http.post(path, json=send, headers=admin) as response:
        assert response.status == 200
    before = datetime.now(UTC)
    async with http.post(path, json=send, headers=admin) as response:
        assert response.status == 429
        body = await response.json()
        retry_after = int(response.headers["Retry-After"])
    assert reason(body) == "DAILY_QUOTA_EXCEEDED"
    midnight = datetime.combine(before.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    left = (midnight - before).total_seconds()
    # Rounded up to whole seconds, from an instant during the call; generous for a slow box.
    assert left - 60 <= retry_after <= math.ceil(left) + 1


async def test_a_known_path_with_another_method_is_405_with_allow(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str]
) -> None:
    world = await make_world(api)
    async with http.delete(f"/v1/apps/{world.app}/devices", headers=admin) as response:
        assert response.status == 405
        assert response.headers["Allow"] == "GET"
        assert (await response.json())["code"] == grpc.StatusCode.UNIMPLEMENTED.value[0]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"provider": "PROVIDER_APNS", ',  # malformed JSON
        b'{"provider": "PROVIDER_APNS", "tokn": "abab"}',  # a typo: an unknown field
        b'{"provider": "PROVIDER_CARRIER_PIGEON"}',  # an unknown enum name
        b'["not", "an", "object"]',
    ],
)
async def test_bad_json_bodies_are_400_on_body_and_reach_nothing(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str], raw: bytes
) -> None:
    world = await make_world(api)
    async with http.post(
        f"/v1/apps/{world.app}/devices:register",
        data=raw,
        headers={**admin, "Content-Type": "application/json"},
    ) as response:
        assert response.status == 400
        body = await response.json()
    assert body["code"] == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert list(violations(body)) == ["body"]
    listed = await api.admin(
        api.admin.devices.ListDevices,
        device_registry_service_pb2.ListDevicesRequest(parent=f"apps/{world.app}"),
    )
    assert len(listed.devices) == 1


async def test_an_unknown_query_parameter_is_400(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str]
) -> None:
    world = await make_world(api)
    async with http.get(f"/v1/apps/{world.app}/devices?usrId=u-1", headers=admin) as response:
        assert response.status == 400
        assert list(violations(await response.json())) == ["usrId"]


# --- sending -------------------------------------------------------------------------------

#: A body for each sending route addressing one device by its id.
TO_DEVICE_ID: dict[str, Callable[[str], dict[str, Any]]] = {
    "sends:send": lambda device: {"target": {"deviceId": device}, "notification": NOTE},
    "sends:sendBulk": lambda device: {"deviceIds": [device], "notification": NOTE},
    "sends:sendBatch": lambda device: {
        "items": [{"target": {"deviceId": device}, "notification": NOTE}]
    },
}


async def send_to_device_id(
    http: aiohttp.ClientSession, world: World, verb: str, device: str, admin: dict[str, str]
) -> tuple[int, Any]:
    """POST a send to one device id; the status and the answer (a batch's only result)."""
    body = TO_DEVICE_ID[verb](device)
    async with http.post(f"/v1/apps/{world.app}/{verb}", json=body, headers=admin) as response:
        answer = await response.json()
    if verb == "sends:sendBatch" and response.status == 200:
        (result,) = answer["results"]
        return (200, result) if "send" in result else (400, result["error"])
    return response.status, answer


@pytest.mark.parametrize("verb", sorted(TO_DEVICE_ID))
async def test_a_send_addresses_a_device_by_its_id(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str], verb: str
) -> None:
    world = await make_world(api)
    status, answer = await send_to_device_id(http, world, verb, world.device, admin)
    assert status == 200, answer
    assert answer["send"]["counts"]["total"] == "1"


@pytest.mark.parametrize("verb", sorted(TO_DEVICE_ID))
async def test_a_send_to_an_unknown_device_id_is_device_not_found(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str], verb: str
) -> None:
    world = await make_world(api)
    _, answer = await send_to_device_id(http, world, verb, NO_DEVICE, admin)
    assert answer["code"] == grpc.StatusCode.NOT_FOUND.value[0], answer
    assert reason(answer) == "DEVICE_NOT_FOUND"


async def cancel_send(
    http: aiohttp.ClientSession, world: World, send: str, admin: dict[str, str]
) -> tuple[int, Any]:
    async with http.post(
        f"/v1/apps/{world.app}/sends/{send}:cancel", json={}, headers=admin
    ) as response:
        return response.status, await response.json()


async def test_only_a_send_with_deliveries_to_go_can_be_cancelled(
    http: aiohttp.ClientSession, api: Api, fakes: ProviderFakes, admin: dict[str, str]
) -> None:
    world = await make_world(api, fakes=fakes)
    status, body = await cancel_send(http, world, world.send, admin)
    assert status == 400, body
    assert body["code"] == grpc.StatusCode.FAILED_PRECONDITION.value[0]
    assert reason(body) == "SEND_COMPLETED"

    status, body = await cancel_send(http, world, world.scheduled, admin)
    assert status == 200, body
    status, again = await cancel_send(http, world, world.scheduled, admin)
    assert status == 400, again
    assert again["code"] == grpc.StatusCode.FAILED_PRECONDITION.value[0]
    assert reason(again) == "SEND_CANCELLED"

    async with http.get(f"/v1/apps/{world.app}/sends/{world.send}", headers=admin) as response:
        completed = (await response.json())["send"]
    assert (completed["state"], completed["counts"]["sent"]) == ("SEND_STATE_COMPLETED", "1")


@pytest.mark.parametrize(
    ("send", "body", "code", "expected", "fields"),
    [
        ("send", {"type": "ENGAGEMENT_TYPE_CLICKED"}, "INVALID_ARGUMENT", "INVALID_ENGAGEMENT",
         ["action_id"]),
        ("send", {"type": "ENGAGEMENT_TYPE_OPENED", "actionId": "reply"}, "INVALID_ARGUMENT",
         "INVALID_ENGAGEMENT", ["action_id"]),
        ("send", {}, "INVALID_ARGUMENT", "INVALID_ENGAGEMENT", ["type"]),
        ("scheduled", {"type": "ENGAGEMENT_TYPE_OPENED"}, "FAILED_PRECONDITION",
         "DELIVERY_NOT_SENT", []),
    ],
    ids=["clicked-without-action", "opened-with-action", "no-type", "not-sent-yet"],
)  # fmt: skip
async def test_a_refused_engagement_is_400_and_changes_nothing(
    http: aiohttp.ClientSession,
    api: Api,
    fakes: ProviderFakes,
    admin: dict[str, str],
    send: str,
    body: dict[str, Any],
    code: str,
    expected: str,
    fields: list[str],
) -> None:
    world = await make_world(api, fakes=fakes)
    delivery = f"/v1/apps/{world.app}/sends/{getattr(world, send)}/deliveries"
    async with http.get(delivery, headers=admin) as response:
        (before,) = (await response.json())["deliveries"]
    async with http.post(
        f"{delivery}/{world.device}:recordEngagement",
        json=body,
        headers=bearer(world.app_key_secret),
    ) as response:
        assert response.status == 400
        refused = await response.json()
    assert refused["code"] == grpc.StatusCode[code].value[0]
    assert reason(refused) == expected
    assert list(violations(refused)) == fields
    async with http.get(delivery, headers=admin) as response:
        assert (await response.json())["deliveries"] == [before]


# --- headers -------------------------------------------------------------------------------


@pytest.mark.parametrize("grpc_timeout", ["soon", "5s", "5", "1.5S", "-1S"])
async def test_a_malformed_grpc_timeout_is_400(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str], grpc_timeout: str
) -> None:
    world = await make_world(api)
    async with http.get(
        f"/v1/apps/{world.app}/devices", headers={**admin, "Grpc-Timeout": grpc_timeout}
    ) as response:
        assert response.status == 400
        body = await response.json()
    assert body["code"] == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert list(violations(body)) == ["Grpc-Timeout"]


async def test_grpc_metadata_authorization_is_a_deliberate_key(
    http: aiohttp.ClientSession, api: Api, server: Server
) -> None:
    world = await make_world(api)
    async with http.get(
        f"/v1/apps/{world.app}/devices",
        headers={"Grpc-Metadata-Authorization": f"Bearer {server.admin_key}"},
    ) as response:
        assert response.status == 200


@dataclass
class Tapped:
    """One call as the Tap saw it."""

    metadata: dict[str, str]
    time_remaining: float | None = None


class Tap(grpc.GenericRpcHandler):
    """A transparent gRPC hop that records each call's metadata and deadline, then passes the
    call on unchanged; `tap-delay: <seconds>` metadata makes it wait first.

    It shows what the gateway actually puts on the wire; the answers still come from the
    real server, rich error details included.
    """

    def __init__(self, upstream: grpc.aio.Channel) -> None:
        self.upstream = upstream
        self.seen: list[Tapped] = []

    def service(self, handler_call_details: Any) -> grpc.RpcMethodHandler:
        method: str = handler_call_details.method
        metadata = [
            (key, value)
            for key, value in handler_call_details.invocation_metadata
            if not key.startswith((":", "grpc-")) and key != "user-agent"
        ]
        tapped = Tapped(dict(metadata))
        self.seen.append(tapped)

        async def forward(request: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
            tapped.time_remaining = context.time_remaining()
            await asyncio.sleep(float(tapped.metadata.get("tap-delay", 0)))
            try:
                reply: bytes = await self.upstream.unary_unary(method)(
                    request, metadata=metadata, timeout=context.time_remaining()
                )
            except grpc.aio.AioRpcError as exc:
                trailers = tuple(exc.trailing_metadata() or ())
                await context.abort(exc.code(), exc.details() or "", trailing_metadata=trailers)
            return reply

        return grpc.unary_unary_rpc_method_handler(forward)


@pytest.fixture
async def tapped(server: Server) -> AsyncIterator[tuple[aiohttp.ClientSession, Tap]]:
    """A client of a gateway whose calls reach the real server through a `Tap`."""
    async with grpc.aio.insecure_channel(server.address) as upstream:
        tap = Tap(upstream)
        hop = grpc.aio.server()
        hop.add_generic_rpc_handlers((tap,))
        port = hop.add_insecure_port("127.0.0.1:0")
        await hop.start()
        try:
            async with (
                gateway_in_front_of(f"127.0.0.1:{port}") as gateway,
                aiohttp.ClientSession(base_url=gateway.url) as session,
            ):
                yield session, tap
        finally:
            await hop.stop(grace=None)


async def test_only_allow_listed_headers_reach_the_server(
    tapped: tuple[aiohttp.ClientSession, Tap], api: Api, admin: dict[str, str]
) -> None:
    http, tap = tapped
    world = await make_world(api)
    headers = {
        **admin,
        "X-Request-Id": "req-42",
        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "Grpc-Metadata-Locale-Hint": "fr",
        "X-Evil": "rm -rf /",
        "Cookie": "session=stolen",
        # Would confuse the transport if passed on: reserved and binary keys are dropped.
        "Grpc-Metadata-Grpc-Encoding": "gzip",
        "Grpc-Metadata-Trace-Bin": "not base64 at all!",
        "Grpc-Status-Details-Bin": "garbage",
    }
    async with http.get(
        f"/v1/apps/{world.app}/devices/{world.device}", headers=headers
    ) as response:
        assert response.status == 200, await response.text()
        assert (await response.json())["device"]["installId"] == world.install

    seen = tap.seen[-1].metadata
    assert seen.pop("x-forwarded-for") == "127.0.0.1"
    assert seen.pop("x-forwarded-host").startswith("127.0.0.1:")
    assert seen == {
        "authorization": admin["Authorization"],
        "x-request-id": "req-42",
        "traceparent": headers["traceparent"],
        "locale-hint": "fr",
    }


@pytest.mark.parametrize(("grpc_timeout", "seconds"), [(None, None), ("5S", 5.0), ("2M", 120.0)])
async def test_grpc_timeout_becomes_the_deadline_of_the_call(
    tapped: tuple[aiohttp.ClientSession, Tap],
    api: Api,
    admin: dict[str, str],
    grpc_timeout: str | None,
    seconds: float | None,
) -> None:
    http, tap = tapped
    world = await make_world(api)
    headers = {**admin, "Grpc-Timeout": grpc_timeout} if grpc_timeout else admin
    async with http.get(f"/v1/apps/{world.app}/devices", headers=headers) as response:
        assert response.status == 200
    remaining = tap.seen[-1].time_remaining
    if seconds is None:
        assert remaining is None  # no header, no deadline
    else:
        # gRPC rounds a deadline up to its wire format's precision on the way.
        assert remaining == pytest.approx(seconds, abs=1.5)


async def test_a_call_past_its_grpc_timeout_is_504(
    tapped: tuple[aiohttp.ClientSession, Tap], api: Api, admin: dict[str, str]
) -> None:
    http, _ = tapped
    world = await make_world(api)
    slow = {**admin, "Grpc-Timeout": "100m", "Grpc-Metadata-Tap-Delay": "1"}
    async with http.get(f"/v1/apps/{world.app}/devices", headers=slow) as response:
        assert response.status == 504
        body = await response.json()
    assert body["code"] == grpc.StatusCode.DEADLINE_EXCEEDED.value[0]


async def test_error_details_survive_the_hop(
    tapped: tuple[aiohttp.ClientSession, Tap], api: Api, admin: dict[str, str]
) -> None:
    http, _ = tapped
    world = await make_world(api)
    async with http.get(f"/v1/apps/{world.app}/installs/nope", headers=admin) as response:
        assert response.status == 404
        assert reason(await response.json()) == "DEVICE_NOT_FOUND"


# --- server streams and health -------------------------------------------------------------


STREAM_FORMATS = pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, "application/x-ndjson"),
        ("application/x-ndjson", "application/x-ndjson"),
        ("text/event-stream", "text/event-stream"),
    ],
    ids=["default", "ndjson", "sse"],
)


def watch_path(world: World, query: str = "") -> str:
    """WatchReceipts of the world's received send, from the earliest receipt."""
    return (
        f"/v1/apps/{world.app}/receipts:watch?start=START_POSITION_EARLIEST"
        f"&send=apps/{world.app}/sends/{world.send}{query}"
    )


@STREAM_FORMATS
async def test_watch_receipts_streams_in_the_format_asked_for(
    http: aiohttp.ClientSession,
    api: Api,
    fakes: ProviderFakes,
    accept: str | None,
    content_type: str,
) -> None:
    world = await make_world(api, fakes=fakes)
    path = watch_path(world, "&statuses=DELIVERY_STATUS_SENT")
    extra = {"Accept": accept} if accept else {}
    async with http.get(path, headers=extra) as anonymous:
        assert anonymous.status == 401
        assert anonymous.content_type == "application/json"
    async with http.get(path, headers={**bearer(world.app_key_secret), **extra}) as response:
        assert response.status == 200
        assert response.content_type == content_type
        if content_type == "text/event-stream":
            ((event_id, message),) = await read_events(response, 1)
            # An event's id is its receipt's cursor, so a reconnecting EventSource resumes.
            assert event_id == int(message["receipt"]["cursor"])
        else:
            (line,) = await read_lines(response, 1)
            message = line["result"]
    receipt = message["receipt"]
    assert receipt["status"] == "DELIVERY_STATUS_SENT"
    assert receipt["delivery"] == f"apps/{world.app}/sends/{world.send}/deliveries/{world.device}"


@pytest.mark.parametrize("resume", ["last-event-id", "after-cursor"])
async def test_a_watch_resumes_after_the_last_cursor_it_saw(
    http: aiohttp.ClientSession, api: Api, fakes: ProviderFakes, resume: str
) -> None:
    world = await make_world(api, fakes=fakes)
    key = bearer(world.app_key_secret)
    sse = {**key, "Accept": "text/event-stream"}
    async with http.get(watch_path(world), headers=sse) as response:
        first, second = await read_events(response, 2)
    assert first[0] < second[0]

    if resume == "last-event-id":  # what a browser's EventSource sends when it reconnects
        again = http.get(watch_path(world), headers={**sse, "Last-Event-ID": str(first[0])})
    else:
        again = http.get(watch_path(world, f"&afterCursor={first[0]}"), headers=sse)
    async with again as response:
        assert response.status == 200
        (resumed,) = await read_events(response, 1)
    assert resumed == second


@pytest.mark.parametrize(
    "accept", [None, "application/x-ndjson", "text/event-stream"], ids=["default", "ndjson", "sse"]
)
async def test_a_watch_refused_before_its_first_receipt_is_a_plain_error_response(
    http: aiohttp.ClientSession, api: Api, admin: dict[str, str], accept: str | None
) -> None:
    world = await make_world(api)  # nothing sent: the receipt log is empty
    path = f"/v1/apps/{world.app}/receipts:watch?afterCursor=41"
    extra = {"Accept": accept} if accept else {}
    async with http.get(path, headers={**admin, **extra}) as response:
        # The server refuses before the first message, so the answer is a plain error
        # response with its status, in either streaming mode.
        assert response.status == 400
        assert response.content_type == "application/json"
        body = await response.json()
    assert body["code"] == grpc.StatusCode.OUT_OF_RANGE.value[0]
    assert reason(body) == "CURSOR_OUT_OF_RANGE"


@pytest.mark.parametrize(
    ("service", "status", "expected"),
    [
        ("", 200, {"status": "SERVING"}),
        ("clarion.v1.PushSenderService", 200, {"status": "SERVING"}),
        ("clarion.v1.DeviceRegistryService", 200, {"status": "SERVING"}),
        ("clarion.v1.NoSuchService", 404, None),
    ],
)
async def test_healthz_asks_the_real_server(
    http: aiohttp.ClientSession, service: str, status: int, expected: dict[str, str] | None
) -> None:
    async with http.get("/healthz", params={"service": service}) as response:
        assert response.status == status
        body = await response.json()
    if expected is not None:
        assert body == expected
    else:
        assert body["code"] == grpc.StatusCode.NOT_FOUND.value[0]
        assert "NoSuchService" in body["message"]
