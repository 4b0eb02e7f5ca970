"""Tenancy and auth for every RPC of the contract.

For each RPC: no key and an unknown key get UNAUTHENTICATED; a key of app A holding every app
scope gets PERMISSION_DENIED on app B's resources; a key of app B lacking the RPC's scope gets
PERMISSION_DENIED; and after all of it app B's devices, credentials, keys, sends, deliveries and
receipt log are unchanged. The calls name app B's real resources (its device, a send the device
received, one due tomorrow), so a call let through would have found them and changed them.
The table below must name every method the services declare (checked first), so a new RPC
cannot land without its tenancy row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf import duration_pb2, field_mask_pb2, timestamp_pb2

from clarion.store.schema import deliveries, receipt_sequences, receipts, sends
from clarion.v1 import (
    api_key_pb2,
    app_pb2,
    credential_pb2,
    credentials_service_pb2,
    device_pb2,
    device_registry_service_pb2,
    notification_pb2,
    policy_admin_service_pb2,
    policy_pb2,
    provider_pb2,
    push_sender_service_pb2,
    receipt_pb2,
    send_pb2,
)
from delivery_kit import note, push_app
from harness import Api, ProviderFakes, Server, Stubs, TestApp, expect_error

S = api_key_pb2
APP_SCOPES = [
    S.SCOPE_APP_MANAGE,
    S.SCOPE_PUSH_SEND,
    S.SCOPE_DEVICES_WRITE,
    S.SCOPE_DEVICES_READ,
    S.SCOPE_RECEIPTS_READ,
    S.SCOPE_DEVICES_REGISTER,
]
dr = device_registry_service_pb2
cr = credentials_service_pb2
ps = push_sender_service_pb2
pa = policy_admin_service_pb2


@dataclass(frozen=True)
class Target:
    """The victim app's resources that requests name."""

    app: str
    device_id: str
    install_id: str
    sent_id: str  # a send the device received: its delivery is SENT
    scheduled_id: str  # a send due tomorrow: cancellable

    @property
    def parent(self) -> str:
        return f"apps/{self.app}"


@dataclass(frozen=True)
class Case:
    """How to call one RPC against the victim, and which scopes allow it (None: admin only)."""

    service: str
    request: Callable[[Target], Any]
    scopes: tuple[int, ...] | None
    streaming: bool = False


def _device(t: Target) -> device_pb2.Device:
    return device_pb2.Device(
        provider=provider_pb2.PROVIDER_APNS, token="ab" * 32, install_id="intruder-install"
    )


def _notification() -> notification_pb2.Notification:
    return notification_pb2.Notification(title="hi", body="there")


CASES: dict[str, Case] = {
    # DeviceRegistryService
    "DeviceRegistryService.RegisterDevice": Case(
        "devices",
        lambda t: dr.RegisterDeviceRequest(parent=t.parent, device=_device(t)),
        (S.SCOPE_DEVICES_WRITE, S.SCOPE_DEVICES_REGISTER),
    ),
    "DeviceRegistryService.GetDevice": Case(
        "devices",
        lambda t: dr.GetDeviceRequest(name=f"{t.parent}/devices/{t.device_id}"),
        (S.SCOPE_DEVICES_READ,),
    ),
    "DeviceRegistryService.ListDevices": Case(
        "devices", lambda t: dr.ListDevicesRequest(parent=t.parent), (S.SCOPE_DEVICES_READ,)
    ),
    "DeviceRegistryService.UpdateDevice": Case(
        "devices",
        lambda t: dr.UpdateDeviceRequest(
            device=device_pb2.Device(
                name=f"{t.parent}/installs/{t.install_id}", user_id="hijacked"
            ),
            update_mask=field_mask_pb2.FieldMask(paths=["user_id"]),
        ),
        (S.SCOPE_DEVICES_WRITE, S.SCOPE_DEVICES_REGISTER),
    ),
    "DeviceRegistryService.UnregisterDevice": Case(
        "devices",
        lambda t: dr.UnregisterDeviceRequest(name=f"{t.parent}/installs/{t.install_id}"),
        (S.SCOPE_DEVICES_WRITE, S.SCOPE_DEVICES_REGISTER),
    ),
    "DeviceRegistryService.SubscribeTopics": Case(
        "devices",
        lambda t: dr.SubscribeTopicsRequest(
            name=f"{t.parent}/devices/{t.device_id}", topics=["spam"]
        ),
        (S.SCOPE_DEVICES_WRITE,),
    ),
    "DeviceRegistryService.UnsubscribeTopics": Case(
        "devices",
        lambda t: dr.UnsubscribeTopicsRequest(
            name=f"{t.parent}/devices/{t.device_id}", topics=["news"]
        ),
        (S.SCOPE_DEVICES_WRITE,),
    ),
    "DeviceRegistryService.PurgeStaleDevices": Case(
        "devices",
        lambda t: dr.PurgeStaleDevicesRequest(
            parent=t.parent, older_than=duration_pb2.Duration(seconds=1)
        ),
        (S.SCOPE_DEVICES_WRITE,),
    ),
    # CredentialsService
    "CredentialsService.PutCredential": Case(
        "creds",
        lambda t: cr.PutCredentialRequest(
            parent=t.parent, expo=credential_pb2.ExpoAccessToken(access_token="stolen-token")
        ),
        (S.SCOPE_APP_MANAGE,),
    ),
    "CredentialsService.ListCredentials": Case(
        "creds", lambda t: cr.ListCredentialsRequest(parent=t.parent), (S.SCOPE_APP_MANAGE,)
    ),
    "CredentialsService.DeleteCredential": Case(
        "creds",
        lambda t: cr.DeleteCredentialRequest(name=f"{t.parent}/credentials/webpush"),
        (S.SCOPE_APP_MANAGE,),
    ),
    "CredentialsService.GetVapidPublicKey": Case(
        "creds",
        lambda t: cr.GetVapidPublicKeyRequest(parent=t.parent),
        (S.SCOPE_APP_MANAGE, S.SCOPE_DEVICES_REGISTER),
    ),
    # PushSenderService
    "PushSenderService.Send": Case(
        "push",
        lambda t: ps.SendRequest(
            parent=t.parent,
            target=send_pb2.Target(device_id=t.device_id),
            notification=_notification(),
        ),
        (S.SCOPE_PUSH_SEND,),
    ),
    "PushSenderService.SendBulk": Case(
        "push",
        lambda t: ps.SendBulkRequest(
            parent=t.parent, device_ids=[t.device_id], notification=_notification()
        ),
        (S.SCOPE_PUSH_SEND,),
    ),
    "PushSenderService.SendBatch": Case(
        "push",
        lambda t: ps.SendBatchRequest(
            parent=t.parent,
            items=[
                ps.SendBatchItem(
                    target=send_pb2.Target(device_id=t.device_id), notification=_notification()
                )
            ],
        ),
        (S.SCOPE_PUSH_SEND,),
    ),
    "PushSenderService.GetSend": Case(
        "push",
        lambda t: ps.GetSendRequest(name=f"{t.parent}/sends/{t.sent_id}"),
        (S.SCOPE_PUSH_SEND,),
    ),
    "PushSenderService.ListSends": Case(
        "push", lambda t: ps.ListSendsRequest(parent=t.parent), (S.SCOPE_PUSH_SEND,)
    ),
    "PushSenderService.ListDeliveries": Case(
        "push",
        lambda t: ps.ListDeliveriesRequest(parent=f"{t.parent}/sends/{t.sent_id}"),
        (S.SCOPE_PUSH_SEND,),
    ),
    "PushSenderService.CancelSend": Case(
        "push",
        lambda t: ps.CancelSendRequest(name=f"{t.parent}/sends/{t.scheduled_id}"),
        (S.SCOPE_PUSH_SEND,),
    ),
    "PushSenderService.WatchReceipts": Case(
        "push",
        lambda t: ps.WatchReceiptsRequest(
            parent=t.parent, start=receipt_pb2.START_POSITION_EARLIEST
        ),
        (S.SCOPE_RECEIPTS_READ,),
        streaming=True,
    ),
    "PushSenderService.RecordEngagement": Case(
        "push",
        lambda t: ps.RecordEngagementRequest(
            delivery=f"{t.parent}/sends/{t.sent_id}/deliveries/{t.device_id}",
            type=receipt_pb2.ENGAGEMENT_TYPE_OPENED,
        ),
        (S.SCOPE_PUSH_SEND, S.SCOPE_DEVICES_REGISTER),
    ),
    # PolicyAdminService
    "PolicyAdminService.CreateApp": Case(
        "admin", lambda t: pa.CreateAppRequest(app_id="intruder-app"), None
    ),
    "PolicyAdminService.GetApp": Case(
        "admin", lambda t: pa.GetAppRequest(name=t.parent), (S.SCOPE_APP_MANAGE,)
    ),
    "PolicyAdminService.UpdateApp": Case(
        "admin",
        lambda t: pa.UpdateAppRequest(
            app=app_pb2.App(name=t.parent, disabled=True),
            update_mask=field_mask_pb2.FieldMask(paths=["disabled"]),
        ),
        (S.SCOPE_APP_MANAGE,),
    ),
    "PolicyAdminService.DeleteApp": Case(
        "admin", lambda t: pa.DeleteAppRequest(name=t.parent), None
    ),
    "PolicyAdminService.CreateApiKey": Case(
        "admin",
        lambda t: pa.CreateApiKeyRequest(
            parent=t.parent, api_key=api_key_pb2.ApiKey(scopes=[S.SCOPE_DEVICES_READ])
        ),
        (S.SCOPE_APP_MANAGE,),
    ),
    "PolicyAdminService.ListApiKeys": Case(
        "admin", lambda t: pa.ListApiKeysRequest(parent=t.parent), (S.SCOPE_APP_MANAGE,)
    ),
    "PolicyAdminService.RevokeApiKey": Case(
        "admin",
        lambda t: pa.RevokeApiKeyRequest(name=f"{t.parent}/apiKeys/nokey"),
        (S.SCOPE_APP_MANAGE,),
    ),
    "PolicyAdminService.CreateCategory": Case(
        "admin",
        lambda t: pa.CreateCategoryRequest(
            parent=t.parent, category_id="promo", category=policy_pb2.Category()
        ),
        (S.SCOPE_APP_MANAGE,),
    ),
    "PolicyAdminService.ListCategories": Case(
        "admin", lambda t: pa.ListCategoriesRequest(parent=t.parent), (S.SCOPE_APP_MANAGE,)
    ),
    "PolicyAdminService.UpdateCategory": Case(
        "admin",
        lambda t: pa.UpdateCategoryRequest(
            category=policy_pb2.Category(name=f"{t.parent}/categories/promo"),
            update_mask=field_mask_pb2.FieldMask(paths=["display_name"]),
        ),
        (S.SCOPE_APP_MANAGE,),
    ),
    "PolicyAdminService.DeleteCategory": Case(
        "admin",
        lambda t: pa.DeleteCategoryRequest(name=f"{t.parent}/categories/promo"),
        (S.SCOPE_APP_MANAGE,),
    ),
    "PolicyAdminService.GetAppPolicy": Case(
        "admin", lambda t: pa.GetAppPolicyRequest(name=f"{t.parent}/policy"), (S.SCOPE_APP_MANAGE,)
    ),
    "PolicyAdminService.UpdateAppPolicy": Case(
        "admin",
        lambda t: pa.UpdateAppPolicyRequest(
            policy=policy_pb2.AppPolicy(name=f"{t.parent}/policy", daily_quota=1),
            update_mask=field_mask_pb2.FieldMask(paths=["daily_quota"]),
        ),
        (S.SCOPE_APP_MANAGE,),
    ),
    "PolicyAdminService.GetStats": Case(
        "admin", lambda t: pa.GetStatsRequest(parent=t.parent), (S.SCOPE_APP_MANAGE,)
    ),
    "PolicyAdminService.GetDeliveryHealth": Case(
        "admin", lambda t: pa.GetDeliveryHealthRequest(parent=t.parent), (S.SCOPE_APP_MANAGE,)
    ),
    "PolicyAdminService.ListAuditEntries": Case(
        "admin", lambda t: pa.ListAuditEntriesRequest(parent=t.parent), (S.SCOPE_APP_MANAGE,)
    ),
}

# ListApps names no app: an app key sees its own app only (tested below), never others.
NOT_APP_SCOPED = {"PolicyAdminService.ListApps"}


def _declared_methods() -> set[str]:
    methods = set()
    for module in (dr, cr, ps, pa):
        for service in module.DESCRIPTOR.services_by_name.values():
            methods |= {f"{service.name}.{m.name}" for m in service.methods}
    return methods


def test_the_table_covers_every_rpc_of_the_contract() -> None:
    assert set(CASES) | NOT_APP_SCOPED == _declared_methods()


async def _call(stubs: Stubs, method_name: str, case: Case, target: Target) -> Any:
    service = getattr(stubs, case.service)
    method = getattr(service, method_name.split(".")[1])
    request = case.request(target)
    if case.streaming:

        async def drain() -> None:
            async for _ in method(request, metadata=stubs.metadata, timeout=5):
                pass

        return await drain()
    return await stubs(method, request)


async def make_victim(api: Api, fakes: ProviderFakes) -> tuple[TestApp, Target]:
    """An app with a device (by install id) subscribed to a topic, credentials the provider
    fakes accept, a send the device received and one due tomorrow; its owner key holds every
    app scope."""
    push = await push_app(api, fakes)
    app = push.app
    owner = app.keys["owner"] = api.as_key(await api.new_key(app.id, APP_SCOPES))
    registered = await owner(
        owner.devices.RegisterDevice,
        dr.RegisterDeviceRequest(
            parent=app.parent,
            device=device_pb2.Device(
                provider=provider_pb2.PROVIDER_APNS,
                token="cd" * 32,
                install_id="victim-install",
                user_id="victim-user",
                topics=["news"],
            ),
        ),
    )
    device_id = registered.device.name.rsplit("/", 1)[1]
    to_device = send_pb2.Target(device_id=device_id)
    received = await push.send(to_device, note("for the victim"))
    await push.settled(received.name)  # nothing changes by itself from here on
    tomorrow = timestamp_pb2.Timestamp()
    tomorrow.FromDatetime(datetime.now(UTC) + timedelta(days=1))
    scheduled = await push.send(to_device, note("due tomorrow"), send_time=tomorrow)
    target = Target(
        app.id,
        device_id,
        "victim-install",
        sent_id=received.name.rsplit("/", 1)[1],
        scheduled_id=scheduled.name.rsplit("/", 1)[1],
    )
    return app, target


@pytest.fixture(scope="module")
async def victim(api: Api, fakes: ProviderFakes) -> tuple[TestApp, Target]:
    """App B, which every call of the matrix aims at."""
    return await make_victim(api, fakes)


#: The delivery engine's tables, read row by row: a refused call must not have made a send,
#: a delivery or a receipt, nor moved a delivery's status or the receipt sequence.
DELIVERY_TABLES = (sends, deliveries, receipts, receipt_sequences)


def _delivery_rows(server: Server, app_id: str) -> list[list[tuple[Any, ...]]]:
    engine = server.sync_engine()
    try:
        with engine.connect() as conn:
            return [
                [
                    tuple(row)
                    for row in conn.execute(
                        sa.select(table)
                        .where(table.c.app_id == app_id)
                        .order_by(*table.primary_key.columns)
                    )
                ]
                for table in DELIVERY_TABLES
            ]
    finally:
        engine.dispose()


async def _snapshot(owner: Stubs, target: Target, server: Server) -> tuple[Any, ...]:
    devices = await owner(owner.devices.ListDevices, dr.ListDevicesRequest(parent=target.parent))
    creds = await owner(
        owner.creds.ListCredentials, cr.ListCredentialsRequest(parent=target.parent)
    )
    keys = await owner(owner.admin.ListApiKeys, pa.ListApiKeysRequest(parent=target.parent))
    return (
        devices.SerializeToString(deterministic=True),
        creds.SerializeToString(deterministic=True),
        b"".join(sorted(k.name.encode() for k in keys.api_keys)),
        _delivery_rows(server, target.app),
    )


async def test_the_snapshot_notices_what_a_call_let_through_would_change(
    api: Api, fakes: ProviderFakes
) -> None:
    """The "changes nothing" checks below would see a send, a cancellation or an engagement."""
    app, target = await make_victim(api, fakes)
    owner = app.keys["owner"]
    seen = [await _snapshot(owner, target, api.server)]
    # Two sends, a delivery each, receipts QUEUED and SENT, then SCHEDULED; one sequence.
    assert [len(rows) for rows in seen[0][3]] == [2, 2, 3, 1]
    for method_name in (
        "PushSenderService.Send",
        "PushSenderService.CancelSend",
        "PushSenderService.RecordEngagement",
    ):
        await _call(owner, method_name, CASES[method_name], target)
        seen.append(await _snapshot(owner, target, api.server))
        assert seen[-1] != seen[-2], method_name


@pytest.mark.parametrize("method_name", sorted(CASES))
async def test_missing_and_unknown_keys_are_unauthenticated(
    api: Api, victim: tuple[TestApp, Target], method_name: str
) -> None:
    app_b, target = victim
    before = await _snapshot(app_b.keys["owner"], target, api.server)
    case = CASES[method_name]
    await expect_error(
        _call(api.as_key(None), method_name, case, target),
        grpc.StatusCode.UNAUTHENTICATED,
        "MISSING_API_KEY",
    )
    await expect_error(
        _call(api.as_key("clk_not-a-real-key"), method_name, case, target),
        grpc.StatusCode.UNAUTHENTICATED,
        "INVALID_API_KEY",
    )
    assert await _snapshot(app_b.keys["owner"], target, api.server) == before


@pytest.mark.parametrize("method_name", sorted(CASES))
async def test_a_key_of_another_app_is_denied_and_changes_nothing(
    api: Api, victim: tuple[TestApp, Target], method_name: str
) -> None:
    app_b, target = victim
    owner = app_b.keys["owner"]
    intruder = await api.new_app(all=APP_SCOPES)
    before = await _snapshot(owner, target, api.server)
    case = CASES[method_name]
    expected = "WRONG_APP" if case.scopes is not None else "MISSING_SCOPE"
    await expect_error(
        _call(intruder.keys["all"], method_name, case, target),
        grpc.StatusCode.PERMISSION_DENIED,
        expected,
    )
    assert await _snapshot(owner, target, api.server) == before


@pytest.mark.parametrize("method_name", sorted(CASES))
async def test_a_key_without_the_scope_is_denied(
    api: Api, victim: tuple[TestApp, Target], method_name: str
) -> None:
    app_b, target = victim
    case = CASES[method_name]
    allowed = set(case.scopes or ())
    others = [s for s in APP_SCOPES if s not in allowed]
    lacking = api.as_key(await api.new_key(app_b.id, others))
    before = await _snapshot(app_b.keys["owner"], target, api.server)
    failure = await expect_error(
        _call(lacking, method_name, case, target), grpc.StatusCode.PERMISSION_DENIED
    )
    # A devices:register key addressing by install id is refused for its scope, others for
    # theirs; both are PERMISSION_DENIED with a reason saying which.
    assert failure.reason in {"MISSING_SCOPE", "INSTALL_ID_REQUIRED"}
    assert await _snapshot(app_b.keys["owner"], target, api.server) == before


async def test_list_apps_shows_an_app_key_its_own_app_only(
    api: Api, victim: tuple[TestApp, Target]
) -> None:
    app_b, _ = victim
    other = await api.new_app(manager=[S.SCOPE_APP_MANAGE])
    manager = other.keys["manager"]
    listed = await manager(manager.admin.ListApps, pa.ListAppsRequest())
    assert [a.name for a in listed.apps] == [other.parent]
    everything = await api.admin(api.admin.admin.ListApps, pa.ListAppsRequest(page_size=1000))
    assert {other.parent, app_b.parent} <= {a.name for a in everything.apps}


async def test_global_keys_are_out_of_reach_of_app_keys(api: Api) -> None:
    app = await api.new_app(manager=[S.SCOPE_APP_MANAGE])
    manager = app.keys["manager"]
    await expect_error(
        manager(manager.admin.ListApiKeys, pa.ListApiKeysRequest(parent="")),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    await expect_error(
        manager(
            manager.admin.CreateApiKey,
            pa.CreateApiKeyRequest(api_key=api_key_pb2.ApiKey(scopes=[S.SCOPE_ADMIN])),
        ),
        grpc.StatusCode.PERMISSION_DENIED,
    )
