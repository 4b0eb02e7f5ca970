"""Apps (tenants) and API keys through PolicyAdminService, and how keys authenticate."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf import field_mask_pb2, json_format, text_format, timestamp_pb2

from clarion.v1 import api_key_pb2, app_pb2, credential_pb2, device_pb2, provider_pb2
from clarion.v1 import credentials_service_pb2 as creds_pb
from clarion.v1 import device_registry_service_pb2 as devices_pb
from clarion.v1 import policy_admin_service_pb2 as pb
from harness import Api, Server, Stubs, TestApp, expect_error

MANAGE = [api_key_pb2.SCOPE_APP_MANAGE]
WRITE = [api_key_pb2.SCOPE_DEVICES_WRITE]
READ = [api_key_pb2.SCOPE_DEVICES_READ]
OWNED_TABLES = ("devices", "device_topics", "credentials", "api_keys")


# --- helpers --------------------------------------------------------------------------------


def new_app_id() -> str:
    return f"a-{uuid.uuid4().hex[:12]}"


def timestamp(value: datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(value)
    return stamp


async def register(key: Stubs, app: TestApp, topics: tuple[str, ...] = ()) -> str:
    """Register one FCM device; returns its resource name."""
    response = await key(
        key.devices.RegisterDevice,
        devices_pb.RegisterDeviceRequest(
            parent=app.parent,
            device=device_pb2.Device(
                provider=provider_pb2.PROVIDER_FCM,
                token=f"fcm:{uuid.uuid4().hex}{uuid.uuid4().hex}",
                topics=list(topics),
            ),
        ),
    )
    name: str = response.device.name
    return name


async def get_app(key: Stubs, app_id: str) -> app_pb2.App:
    response = await key(key.admin.GetApp, pb.GetAppRequest(name=f"apps/{app_id}"))
    app: app_pb2.App = response.app
    return app


async def create_key(
    api: Api, parent: str, scopes: list[int], **fields: Any
) -> pb.CreateApiKeyResponse:
    created: pb.CreateApiKeyResponse = await api.admin(
        api.admin.admin.CreateApiKey,
        pb.CreateApiKeyRequest(parent=parent, api_key=api_key_pb2.ApiKey(scopes=scopes, **fields)),
    )
    return created


async def list_keys(key: Stubs, parent: str, page_size: int = 0) -> list[api_key_pb2.ApiKey]:
    found: list[api_key_pb2.ApiKey] = []
    token = ""
    while True:
        page = await key(
            key.admin.ListApiKeys,
            pb.ListApiKeysRequest(parent=parent, page_size=page_size, page_token=token),
        )
        assert page_size == 0 or len(page.api_keys) <= page_size
        found += page.api_keys
        token = page.next_page_token
        if not token:
            return found


def rows(server: Server, table: str, app_id: str) -> list[dict[str, Any]]:
    """Every column of a table's rows belonging to one app, as stored."""
    engine = server.sync_engine()
    try:
        with engine.connect() as conn:
            result = conn.execute(
                sa.text(f"SELECT * FROM {table} WHERE app_id = :app"), {"app": app_id}
            )
            return [dict(row._mapping) for row in result]
    finally:
        engine.dispose()


def unshown(secret: str) -> bytes:
    """The part of a key's secret after the prefix that listings show: it must never appear."""
    return secret[10:].encode()


async def can_call(key: Stubs, app: TestApp) -> None:
    """A cheap call any key of the app with app:manage may make."""
    await get_app(key, app.id)


# --- creating apps --------------------------------------------------------------------------


async def test_admin_creates_an_app_and_reads_it_back(api: Api) -> None:
    app_id = new_app_id()
    created = await api.admin(
        api.admin.admin.CreateApp,
        pb.CreateAppRequest(app_id=app_id, app=app_pb2.App(display_name="Shop")),
    )
    assert created.app.name == f"apps/{app_id}"
    assert created.app.display_name == "Shop"
    assert not created.app.disabled
    assert created.app.create_time == created.app.update_time
    assert created.app.create_time.ToDatetime(tzinfo=UTC) > datetime.now(UTC) - timedelta(minutes=1)
    fetched = await get_app(api.admin, app_id)
    assert fetched.name == created.app.name
    assert fetched.create_time == created.app.create_time
    assert fetched.device_count == 0


@pytest.mark.parametrize(
    "app_id",
    ["", "ab", "1abc", "Abc", "abc-", "-abc", "ab_c", "ab c", "a" * 64, "abc\n", "apps/abc"],
    ids=[
        "empty",
        "too-short",
        "leading-digit",
        "uppercase",
        "trailing-hyphen",
        "leading-hyphen",
        "underscore",
        "space",
        "too-long",
        "trailing-newline",
        "slash",
    ],
)
async def test_bad_app_ids_are_refused(api: Api, app_id: str) -> None:
    failure = await expect_error(
        api.admin(api.admin.admin.CreateApp, pb.CreateAppRequest(app_id=app_id)),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_APP_ID",
    )
    assert set(failure.violations) == {"app_id"}


async def test_longest_app_id_is_accepted(api: Api) -> None:
    app_id = "a" + uuid.uuid4().hex[:8] + "b" * 54
    assert len(app_id) == 63
    created = await api.admin(api.admin.admin.CreateApp, pb.CreateAppRequest(app_id=app_id))
    assert created.app.name == f"apps/{app_id}"


async def test_creating_an_existing_app_is_already_exists(api: Api) -> None:
    app = await api.new_app()
    await expect_error(
        api.admin(
            api.admin.admin.CreateApp,
            pb.CreateAppRequest(app_id=app.id, app=app_pb2.App(display_name="again")),
        ),
        grpc.StatusCode.ALREADY_EXISTS,
        "APP_EXISTS",
    )
    assert (await get_app(api.admin, app.id)).display_name == "test app"


async def test_only_admin_creates_apps(api: Api) -> None:
    app = await api.new_app(manager=MANAGE)
    manager = app.keys["manager"]
    app_id = new_app_id()
    await expect_error(
        manager(manager.admin.CreateApp, pb.CreateAppRequest(app_id=app_id)),
        grpc.StatusCode.PERMISSION_DENIED,
        "MISSING_SCOPE",
    )
    await expect_error(get_app(api.admin, app_id), grpc.StatusCode.NOT_FOUND, "APP_NOT_FOUND")


# --- reading and listing apps ---------------------------------------------------------------


async def test_device_count_counts_active_devices_only(api: Api) -> None:
    app = await api.new_app(manager=MANAGE, writer=WRITE)
    writer = app.keys["writer"]
    await register(writer, app)
    await register(writer, app)
    revoked = await register(writer, app)
    await writer(writer.devices.UnregisterDevice, devices_pb.UnregisterDeviceRequest(name=revoked))

    assert (await get_app(app.keys["manager"], app.id)).device_count == 2


async def test_another_apps_key_cannot_read_an_app(api: Api) -> None:
    app = await api.new_app()
    other = await api.new_app(manager=MANAGE)
    await expect_error(
        get_app(other.keys["manager"], app.id), grpc.StatusCode.PERMISSION_DENIED, "WRONG_APP"
    )


async def test_admin_pages_through_every_app_in_id_order(api: Api) -> None:
    mine = {(await api.new_app()).id for _ in range(3)}
    seen: list[str] = []
    token = ""
    while True:
        page = await api.admin(
            api.admin.admin.ListApps, pb.ListAppsRequest(page_size=2, page_token=token)
        )
        assert 1 <= len(page.apps) <= 2
        seen += [a.name.removeprefix("apps/") for a in page.apps]
        token = page.next_page_token
        if not token:
            break
    assert seen == sorted(set(seen))
    assert mine <= set(seen)


async def test_an_app_key_lists_only_its_own_app(api: Api) -> None:
    app = await api.new_app(manager=MANAGE)
    await api.new_app()
    manager = app.keys["manager"]
    listed = await manager(manager.admin.ListApps, pb.ListAppsRequest(page_size=1))
    assert [a.name for a in listed.apps] == [app.parent]
    assert listed.next_page_token == ""


async def test_listing_apps_needs_admin_or_app_manage(api: Api) -> None:
    app = await api.new_app(reader=READ)
    reader = app.keys["reader"]
    await expect_error(
        reader(reader.admin.ListApps, pb.ListAppsRequest()),
        grpc.StatusCode.PERMISSION_DENIED,
        "MISSING_SCOPE",
    )


async def test_a_page_token_only_fits_the_listing_it_came_from(api: Api) -> None:
    await api.new_app()
    await api.new_app()
    first = await api.admin(api.admin.admin.ListApps, pb.ListAppsRequest(page_size=1))
    app = await api.new_app(manager=MANAGE)
    manager = app.keys["manager"]
    for token in (first.next_page_token, "not-a-token"):
        await expect_error(
            manager(manager.admin.ListApps, pb.ListAppsRequest(page_token=token)),
            grpc.StatusCode.INVALID_ARGUMENT,
            "INVALID_PAGE_TOKEN",
        )


# --- updating apps --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paths", "display_name", "disabled"),
    [
        (["display_name"], "Renamed", False),
        (["disabled"], "test app", True),
        (["display_name", "disabled"], "Renamed", True),
    ],
    ids=["display-name", "disabled", "both"],
)
async def test_update_changes_only_the_masked_fields(
    api: Api, paths: list[str], display_name: str, disabled: bool
) -> None:
    app = await api.new_app(manager=MANAGE)
    manager = app.keys["manager"]
    before = await get_app(manager, app.id)

    updated = await manager(
        manager.admin.UpdateApp,
        pb.UpdateAppRequest(
            app=app_pb2.App(name=app.parent, display_name="Renamed", disabled=True),
            update_mask=field_mask_pb2.FieldMask(paths=paths),
        ),
    )

    for shown in (updated.app, await get_app(manager, app.id)):
        assert (shown.display_name, shown.disabled) == (display_name, disabled)
        assert shown.create_time == before.create_time
        assert shown.update_time.ToDatetime() > before.update_time.ToDatetime()


@pytest.mark.parametrize(
    "paths",
    [[], ["name"], ["display_name", "create_time"], ["device_count"], ["displayName"]],
    ids=["empty", "name", "output-only", "device-count", "json-name"],
)
async def test_update_with_a_bad_mask_is_refused(api: Api, paths: list[str]) -> None:
    app = await api.new_app(manager=MANAGE)
    manager = app.keys["manager"]
    await expect_error(
        manager(
            manager.admin.UpdateApp,
            pb.UpdateAppRequest(
                app=app_pb2.App(name=app.parent, display_name="nope", disabled=True),
                update_mask=field_mask_pb2.FieldMask(paths=paths),
            ),
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_UPDATE_MASK",
    )
    shown = await get_app(manager, app.id)
    assert (shown.display_name, shown.disabled) == ("test app", False)


# --- deleting apps --------------------------------------------------------------------------


async def populate(api: Api, app: TestApp) -> None:
    """Give an app a device with topics, a credential and an extra key."""
    await register(app.keys["writer"], app, topics=("news", "sport"))
    manager = app.keys["manager"]
    await manager(
        manager.creds.PutCredential,
        creds_pb.PutCredentialRequest(
            parent=app.parent,
            expo=credential_pb2.ExpoAccessToken(access_token="expo-token-for-cascade-test"),
        ),
    )
    await api.new_key(app.id, [api_key_pb2.SCOPE_PUSH_SEND])


async def test_deleting_an_app_deletes_everything_it_owns_and_nothing_else(
    api: Api, server: Server
) -> None:
    doomed = await api.new_app(manager=MANAGE, writer=WRITE)
    kept = await api.new_app(manager=MANAGE, writer=WRITE)
    for app in (doomed, kept):
        await populate(api, app)
        assert all(rows(server, table, app.id) for table in OWNED_TABLES)
    await can_call(doomed.keys["manager"], doomed)  # its key is cached as valid now

    await api.admin(api.admin.admin.DeleteApp, pb.DeleteAppRequest(name=doomed.parent))

    assert {table: rows(server, table, doomed.id) for table in OWNED_TABLES} == {
        table: [] for table in OWNED_TABLES
    }
    assert all(rows(server, table, kept.id) for table in OWNED_TABLES)
    await expect_error(get_app(api.admin, doomed.id), grpc.StatusCode.NOT_FOUND, "APP_NOT_FOUND")
    for key in doomed.keys.values():
        await expect_error(
            can_call(key, doomed), grpc.StatusCode.UNAUTHENTICATED, "INVALID_API_KEY"
        )
    await can_call(kept.keys["manager"], kept)


async def test_only_admin_deletes_apps(api: Api) -> None:
    app = await api.new_app(manager=MANAGE)
    manager = app.keys["manager"]
    await expect_error(
        manager(manager.admin.DeleteApp, pb.DeleteAppRequest(name=app.parent)),
        grpc.StatusCode.PERMISSION_DENIED,
        "MISSING_SCOPE",
    )
    await can_call(manager, app)


async def test_deleting_an_unknown_app_is_not_found(api: Api) -> None:
    await expect_error(
        api.admin(api.admin.admin.DeleteApp, pb.DeleteAppRequest(name=f"apps/{new_app_id()}")),
        grpc.StatusCode.NOT_FOUND,
        "APP_NOT_FOUND",
    )


# --- creating and listing keys --------------------------------------------------------------


async def test_a_new_key_shows_its_secret_once_and_works(api: Api) -> None:
    app = await api.new_app(writer=WRITE)
    await register(app.keys["writer"], app)
    created = await create_key(
        api,
        app.parent,
        [api_key_pb2.SCOPE_DEVICES_READ, api_key_pb2.SCOPE_PUSH_SEND],
        display_name="ci",
    )

    secret = created.secret
    assert secret.startswith("clk_") and len(secret) > 32
    key = created.api_key
    assert key.name.startswith(f"{app.parent}/apiKeys/")
    assert key.display_name == "ci"
    assert list(key.scopes) == [api_key_pb2.SCOPE_PUSH_SEND, api_key_pb2.SCOPE_DEVICES_READ]
    assert key.secret_prefix == secret[:10]
    assert not key.HasField("revoke_time") and not key.HasField("expire_time")
    reader = api.as_key(secret)
    listed = await reader(
        reader.devices.ListDevices, devices_pb.ListDevicesRequest(parent=app.parent)
    )
    assert len(listed.devices) == 1


async def test_listing_keys_never_shows_a_secret(api: Api) -> None:
    app = await api.new_app(manager=MANAGE)
    created = await create_key(api, app.parent, [api_key_pb2.SCOPE_PUSH_SEND])
    manager = app.keys["manager"]

    listing = await manager(manager.admin.ListApiKeys, pb.ListApiKeysRequest(parent=app.parent))

    shown = {k.name: k for k in listing.api_keys}
    assert shown[created.api_key.name].secret_prefix == created.secret[:10]
    assert manager.key is not None
    for rendering in (
        listing.SerializeToString(),
        json_format.MessageToJson(listing).encode(),
        text_format.MessageToString(listing).encode(),
    ):
        for secret in (manager.key, created.secret):
            assert unshown(secret) not in rendering


async def test_keys_page_in_id_order_including_revoked_ones(api: Api) -> None:
    app = await api.new_app(manager=MANAGE)
    made = [await create_key(api, app.parent, [api_key_pb2.SCOPE_PUSH_SEND]) for _ in range(3)]
    await api.admin(api.admin.admin.RevokeApiKey, pb.RevokeApiKeyRequest(name=made[0].api_key.name))

    listed = await list_keys(app.keys["manager"], app.parent, page_size=2)

    names = [k.name for k in listed]
    assert names == sorted(set(names))
    assert len(names) == 4  # the manager's key and the three made here
    assert {k.api_key.name for k in made} <= set(names)
    assert [k.name for k in listed if k.HasField("revoke_time")] == [made[0].api_key.name]


@pytest.mark.parametrize(
    ("global_key", "scopes"),
    [
        (False, [api_key_pb2.SCOPE_ADMIN]),
        (False, [api_key_pb2.SCOPE_ADMIN, api_key_pb2.SCOPE_APP_MANAGE]),
        (False, []),
        (False, [api_key_pb2.SCOPE_UNSPECIFIED]),
        (False, [99]),
        (True, [api_key_pb2.SCOPE_APP_MANAGE]),
        (True, [api_key_pb2.SCOPE_ADMIN, api_key_pb2.SCOPE_PUSH_SEND]),
        (True, []),
    ],
    ids=[
        "app-admin",
        "app-admin-and-manage",
        "app-none",
        "app-unspecified",
        "app-unknown-number",
        "global-manage",
        "global-admin-and-send",
        "global-none",
    ],
)
async def test_keys_with_bad_scopes_are_refused(
    api: Api, global_key: bool, scopes: list[int]
) -> None:
    app = await api.new_app()
    parent = "" if global_key else app.parent
    before = await list_keys(api.admin, parent)
    await expect_error(
        create_key(api, parent, scopes), grpc.StatusCode.INVALID_ARGUMENT, "INVALID_SCOPE"
    )
    assert await list_keys(api.admin, parent) == before


@pytest.mark.parametrize("ago", [timedelta(seconds=1), timedelta(days=1)], ids=["just", "long"])
async def test_a_key_expiring_in_the_past_is_refused(api: Api, ago: timedelta) -> None:
    app = await api.new_app()
    await expect_error(
        create_key(
            api,
            app.parent,
            [api_key_pb2.SCOPE_PUSH_SEND],
            expire_time=timestamp(datetime.now(UTC) - ago),
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_EXPIRY",
    )


async def test_a_global_admin_key_can_be_made_and_acts_on_every_app(api: Api) -> None:
    app = await api.new_app()
    created = await create_key(api, "", [api_key_pb2.SCOPE_ADMIN])
    try:
        assert created.api_key.name.startswith("apiKeys/")
        assert (await get_app(api.as_key(created.secret), app.id)).name == app.parent
    finally:
        await api.admin(
            api.admin.admin.RevokeApiKey, pb.RevokeApiKeyRequest(name=created.api_key.name)
        )


async def test_an_app_manager_makes_keys_for_its_own_app_only(api: Api) -> None:
    app = await api.new_app(manager=MANAGE)
    other = await api.new_app()
    manager = app.keys["manager"]

    def request(parent: str, scope: int) -> Any:
        return manager(
            manager.admin.CreateApiKey,
            pb.CreateApiKeyRequest(parent=parent, api_key=api_key_pb2.ApiKey(scopes=[scope])),
        )

    made = await request(app.parent, api_key_pb2.SCOPE_PUSH_SEND)
    assert made.api_key.name.startswith(f"{app.parent}/apiKeys/")
    await expect_error(
        request(other.parent, api_key_pb2.SCOPE_PUSH_SEND),
        grpc.StatusCode.PERMISSION_DENIED,
        "WRONG_APP",
    )
    await expect_error(
        request("", api_key_pb2.SCOPE_ADMIN), grpc.StatusCode.PERMISSION_DENIED, "MISSING_SCOPE"
    )


async def test_keys_are_stored_hashed(api: Api, server: Server) -> None:
    app = await api.new_app()
    created = await create_key(api, app.parent, [api_key_pb2.SCOPE_PUSH_SEND])

    (row,) = [r for r in rows(server, "api_keys", app.id) if r["id"] in created.api_key.name]

    assert bytes(row["secret_hash"]) == hashlib.sha256(created.secret.encode()).digest()
    assert row["secret_prefix"] == created.secret[:10]
    for value in row.values():
        stored = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
        assert unshown(created.secret) not in stored


# --- revocation, expiry and malformed credentials -------------------------------------------


async def test_a_revoked_key_is_refused_at_once(api: Api) -> None:
    app = await api.new_app(manager=MANAGE, doomed=MANAGE)
    doomed = app.keys["doomed"]
    await can_call(doomed, app)  # cached as valid
    (doomed_name,) = [
        k.name
        for k in await list_keys(api.admin, app.parent)
        if doomed.key and k.secret_prefix == doomed.key[:10]
    ]

    manager = app.keys["manager"]
    revoked = await manager(manager.admin.RevokeApiKey, pb.RevokeApiKeyRequest(name=doomed_name))

    assert revoked.api_key.HasField("revoke_time")
    await expect_error(can_call(doomed, app), grpc.StatusCode.UNAUTHENTICATED, "INVALID_API_KEY")
    again = await manager(manager.admin.RevokeApiKey, pb.RevokeApiKeyRequest(name=doomed_name))
    assert again.api_key.revoke_time == revoked.api_key.revoke_time
    await can_call(manager, app)


async def test_revoking_another_apps_key_is_refused(api: Api) -> None:
    app = await api.new_app(manager=MANAGE)
    victim = await api.new_app()
    victim_key = await create_key(api, victim.parent, [api_key_pb2.SCOPE_PUSH_SEND])
    manager = app.keys["manager"]
    key_id = victim_key.api_key.name.rpartition("/")[2]
    await expect_error(
        manager(manager.admin.RevokeApiKey, pb.RevokeApiKeyRequest(name=victim_key.api_key.name)),
        grpc.StatusCode.PERMISSION_DENIED,
        "WRONG_APP",
    )
    await expect_error(
        manager(
            manager.admin.RevokeApiKey,
            pb.RevokeApiKeyRequest(name=f"{app.parent}/apiKeys/{key_id}"),
        ),
        grpc.StatusCode.NOT_FOUND,
        "API_KEY_NOT_FOUND",
    )
    (listed,) = [
        k for k in await list_keys(api.admin, victim.parent) if k.name == victim_key.api_key.name
    ]
    assert not listed.HasField("revoke_time")


@pytest.mark.parametrize("used_before", [False, True], ids=["fresh", "cached"])
async def test_an_expired_key_is_refused(api: Api, used_before: bool) -> None:
    app = await api.new_app()
    expires = datetime.now(UTC) + timedelta(seconds=1)
    created = await create_key(
        api, app.parent, [api_key_pb2.SCOPE_APP_MANAGE], expire_time=timestamp(expires)
    )
    assert created.api_key.expire_time == timestamp(expires)
    key = api.as_key(created.secret)
    if used_before:
        await can_call(key, app)

    await asyncio.sleep((expires - datetime.now(UTC)).total_seconds() + 0.1)

    await expect_error(can_call(key, app), grpc.StatusCode.UNAUTHENTICATED, "INVALID_API_KEY")


@pytest.mark.parametrize(
    ("metadata", "reason"),
    [
        ((), "MISSING_API_KEY"),
        ((("x-api-key", "clk_abc"),), "MISSING_API_KEY"),
        ((("authorization", "Basic x"),), "MALFORMED_AUTH"),
        ((("authorization", "Bearer"),), "MALFORMED_AUTH"),
        ((("authorization", "clk_abc"),), "MALFORMED_AUTH"),
        ((("authorization", "Bearer clk_unknownsecret"),), "INVALID_API_KEY"),
        ((("authorization", "Bearer not-a-clarion-key"),), "INVALID_API_KEY"),
    ],
    ids=[
        "missing",
        "other-header",
        "basic",
        "bearer-without-key",
        "bare-key",
        "unknown-key",
        "foreign-key",
    ],
)
async def test_calls_without_a_valid_key_are_unauthenticated(
    api: Api, metadata: tuple[tuple[str, str], ...], reason: str
) -> None:
    stub = api.admin.admin
    await expect_error(
        stub.ListApps(pb.ListAppsRequest(), metadata=metadata, timeout=10),
        grpc.StatusCode.UNAUTHENTICATED,
        reason,
    )
