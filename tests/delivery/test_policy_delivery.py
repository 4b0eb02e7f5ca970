"""Each per-delivery rule changes what a real send does: categories (CRUD, rules, preferences),
quiet hours (suppress, defer, critical, the user's own window), frequency caps, privacy,
an app disabled after a send was accepted.

Over real gRPC on both databases, with APNs answered by the fake (which checks the JWT and
payload); every outcome is read from the deliveries and from WatchReceipts.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.protobuf import duration_pb2, field_mask_pb2, timestamp_pb2

from clarion.v1 import (
    app_pb2,
    device_pb2,
    device_registry_service_pb2,
    notification_pb2,
    policy_admin_service_pb2,
    policy_pb2,
    provider_pb2,
    send_pb2,
)
from delivery_kit import PushApp, apns_token, note, push_app, to_device, watch
from harness import Api, ProviderFakes, expect_error

P = policy_admin_service_pb2
S = send_pb2
SUPPRESSED = S.DELIVERY_STATUS_SUPPRESSED
SCHEDULED = S.DELIVERY_STATUS_SCHEDULED
SENT = S.DELIVERY_STATUS_SENT


async def set_policy(push: PushApp, **fields: object) -> None:
    admin = push.api.admin
    await admin(
        admin.admin.UpdateAppPolicy,
        P.UpdateAppPolicyRequest(
            policy=policy_pb2.AppPolicy(name=f"{push.parent}/policy", **fields),  # type: ignore[arg-type]
            update_mask=field_mask_pb2.FieldMask(paths=list(fields)),
        ),
    )


async def create_category(push: PushApp, key: str, **fields: object) -> policy_pb2.Category:
    admin = push.api.admin
    made = await admin(
        admin.admin.CreateCategory,
        P.CreateCategoryRequest(
            parent=push.parent,
            category_id=key,
            category=policy_pb2.Category(**fields),  # type: ignore[arg-type]
        ),
    )
    category: policy_pb2.Category = made.category
    return category


async def apns_device(push: PushApp, token: str, **fields: object) -> device_pb2.Device:
    made = await push.writer(
        push.writer.devices.RegisterDevice,
        device_registry_service_pb2.RegisterDeviceRequest(
            parent=push.parent,
            device=device_pb2.Device(
                provider=provider_pb2.PROVIDER_APNS,
                token=token,
                apns_environment=provider_pb2.APNS_ENVIRONMENT_PRODUCTION,
                **fields,  # type: ignore[arg-type]
            ),
        ),
    )
    device: device_pb2.Device = made.device
    return device


def window_around_now(minutes_before: int = 60, minutes_after: int = 60) -> device_pb2.QuietHours:
    """A UTC quiet-hours window that holds now (for devices without a time zone)."""
    now = datetime.now(UTC)
    minute = now.hour * 60 + now.minute
    return device_pb2.QuietHours(
        start_minute=(minute - minutes_before) % 1440, end_minute=(minute + minutes_after) % 1440
    )


def window_end(minutes_after: int = 60) -> datetime:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    return now + timedelta(minutes=minutes_after)


async def outcome(push: PushApp, send: send_pb2.Send) -> send_pb2.Delivery:
    """The single delivery of `send` once the dispatcher has decided it."""
    for _ in range(400):
        deliveries = await push.deliveries(send.name)
        if deliveries and deliveries[0].status not in (
            S.DELIVERY_STATUS_QUEUED,
            S.DELIVERY_STATUS_SENDING,
        ):
            return deliveries[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no decision for {send.name}")


def accepted(fakes: ProviderFakes, token: str) -> list[dict[str, object]]:
    return [n.payload for n in fakes.apns.accepted if n.token == token]


# --- categories: the resource -----------------------------------------------------------------


async def test_category_crud(api: Api, fakes: ProviderFakes) -> None:
    push = await push_app(api, fakes)
    admin = api.admin
    made = await create_category(
        push,
        "promo",
        display_name="Promotions",
        priority=notification_pb2.PRIORITY_NORMAL,
        ttl=duration_pb2.Duration(seconds=3600),
        respects_quiet_hours=True,
        sound="chime.caf",
        actions=[policy_pb2.CategoryAction(id="open", title="Open")],
    )
    assert made.name == f"{push.parent}/categories/promo"
    assert made.ttl.seconds == 3600 and made.create_time.seconds > 0
    await create_category(push, "alerts", critical=True)

    listed = await admin(admin.admin.ListCategories, P.ListCategoriesRequest(parent=push.parent))
    assert [c.name.rsplit("/", 1)[1] for c in listed.categories] == ["alerts", "promo"]

    updated = await admin(
        admin.admin.UpdateCategory,
        P.UpdateCategoryRequest(
            category=policy_pb2.Category(name=made.name, display_name="Deals", sound="x"),
            update_mask=field_mask_pb2.FieldMask(paths=["display_name"]),
        ),
    )
    assert (updated.category.display_name, updated.category.sound) == ("Deals", "chime.caf")
    assert list(updated.category.actions) == list(made.actions)

    await admin(admin.admin.DeleteCategory, P.DeleteCategoryRequest(name=made.name))
    await expect_error(
        admin(admin.admin.DeleteCategory, P.DeleteCategoryRequest(name=made.name)),
        grpc.StatusCode.NOT_FOUND,
        "CATEGORY_NOT_FOUND",
    )
    await expect_error(
        admin(
            admin.admin.CreateCategory,
            P.CreateCategoryRequest(
                parent=push.parent, category_id="alerts", category=policy_pb2.Category()
            ),
        ),
        grpc.StatusCode.ALREADY_EXISTS,
        "CATEGORY_EXISTS",
    )


async def test_a_bad_category_reports_every_field_and_writes_nothing(api: Api) -> None:
    app = await api.new_app()
    admin = api.admin
    failure = await expect_error(
        admin(
            admin.admin.CreateCategory,
            P.CreateCategoryRequest(
                parent=app.parent,
                category_id="Bad Key",
                category=policy_pb2.Category(
                    ttl=duration_pb2.Duration(seconds=29 * 86400),
                    actions=[policy_pb2.CategoryAction(id="a", title="")],
                ),
            ),
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_CATEGORY",
    )
    assert set(failure.violations) == {"category_id", "category.ttl", "category.actions[0].title"}
    listed = await admin(admin.admin.ListCategories, P.ListCategoriesRequest(parent=app.parent))
    assert list(listed.categories) == []


# --- categories: applied to sends ---------------------------------------------------------------


async def test_a_send_takes_its_categorys_rules_unless_it_sets_them(
    api: Api, fakes: ProviderFakes
) -> None:
    push = await push_app(api, fakes)
    await create_category(
        push,
        "chat",
        priority=notification_pb2.PRIORITY_HIGH,
        ttl=duration_pb2.Duration(seconds=600),
        interruption_level=notification_pb2.INTERRUPTION_LEVEL_TIME_SENSITIVE,
        sound="ping.caf",
    )
    token = apns_token()
    device = await apns_device(push, token)
    plain = await push.send(to_device(device), note(category="chat"))
    assert plain.notification.ttl.seconds == 600  # stored with the category's defaults
    await push.settled(plain.name)
    own = await push.send(to_device(device), note(category="chat", sound="own.caf"))
    await push.settled(own.name)

    first, second = [n for n in fakes.apns.accepted if n.token == token]
    aps = first.payload["aps"]
    assert isinstance(aps, dict)
    assert (aps["category"], aps["sound"], aps["interruption-level"]) == (
        "chat",
        "ping.caf",
        "time-sensitive",
    )
    assert first.headers["apns-priority"] == "10"
    expiration = int(first.headers["apns-expiration"])
    assert 0 < expiration - datetime.now(UTC).timestamp() <= 600
    second_aps = second.payload["aps"]
    assert isinstance(second_aps, dict) and second_aps["sound"] == "own.caf"


async def test_a_category_turned_off_on_the_device_is_suppressed(
    api: Api, fakes: ProviderFakes
) -> None:
    push = await push_app(api, fakes)
    await create_category(push, "promo")
    token = apns_token()
    device = await apns_device(push, token, category_preferences={"promo": False})
    w = await watch(push.watcher, push.parent)
    try:
        off = await push.send(to_device(device), note(category="promo"))
        undefined_off = await push.send(to_device(device), note(category="promo"))
        on = await push.send(to_device(device), note(category="news"))
        assert (await outcome(push, off)).reason == "category_disabled"
        assert (await outcome(push, undefined_off)).status == SUPPRESSED
        assert (await outcome(push, on)).status == SENT
        receipts = await w.until(lambda rs: any(r.reason == "category_disabled" for r in rs))
        assert any(r.send == off.name and r.status == SUPPRESSED for r in receipts)
    finally:
        await w.close()
    assert len(accepted(fakes, token)) == 1


# --- quiet hours ------------------------------------------------------------------------------


async def test_app_quiet_hours_suppress_unless_critical_or_opted_out(
    api: Api, fakes: ProviderFakes
) -> None:
    push = await push_app(api, fakes)
    await set_policy(
        push,
        quiet_hours=window_around_now(),
        quiet_hours_mode=policy_pb2.QUIET_HOURS_MODE_SUPPRESS,
    )
    await create_category(push, "urgent", critical=True)
    await create_category(push, "ops", respects_quiet_hours=False)
    device = await apns_device(push, apns_token())
    w = await watch(push.watcher, push.parent)
    try:
        quiet = await push.send(to_device(device), note())
        urgent = await push.send(to_device(device), note(category="urgent"))
        ops = await push.send(to_device(device), note(category="ops"))
        got = await outcome(push, quiet)
        assert (got.status, got.reason) == (SUPPRESSED, "quiet_hours")
        assert (await outcome(push, urgent)).status == SENT
        assert (await outcome(push, ops)).status == SENT
        await w.until(
            lambda rs: any(r.send == quiet.name and r.reason == "quiet_hours" for r in rs)
        )
    finally:
        await w.close()


async def test_app_quiet_hours_defer_to_the_end_of_the_window(
    api: Api, fakes: ProviderFakes
) -> None:
    push = await push_app(api, fakes)
    await set_policy(push, quiet_hours=window_around_now(60, 90))
    device = await apns_device(push, apns_token())
    w = await watch(push.watcher, push.parent)
    try:
        send = await push.send(to_device(device), note())
        held = await outcome(push, send)
        assert (held.status, held.reason) == (SCHEDULED, "quiet_hours")
        until = held.next_attempt_time.ToDatetime(tzinfo=UTC)
        assert abs((until - window_end(90)).total_seconds()) <= 60  # a minute may turn over
        assert until.second == 0 and until > datetime.now(UTC)
        await w.until(
            lambda rs: any(r.status == SCHEDULED and r.reason == "quiet_hours" for r in rs)
        )
    finally:
        await w.close()
    assert (await push.get(send.name)).counts.pending == 1


async def test_the_users_own_quiet_hours_apply_in_their_time_zone(
    api: Api, fakes: ProviderFakes
) -> None:
    push = await push_app(api, fakes)
    zone = "Asia/Kolkata"  # UTC+05:30 all year: the window below is read there
    now_local = datetime.now(UTC) + timedelta(hours=5, minutes=30)
    minute = now_local.hour * 60 + now_local.minute
    hours = device_pb2.QuietHours(
        start_minute=(minute - 30) % 1440, end_minute=(minute + 30) % 1440
    )
    quiet = await apns_device(push, apns_token(), time_zone=zone, quiet_hours=hours)
    # The same clock times on a UTC device are not in force now.
    utc_minute = datetime.now(UTC).hour * 60 + datetime.now(UTC).minute
    assert not (hours.start_minute <= utc_minute < hours.end_minute)
    awake = await apns_device(push, apns_token(), quiet_hours=hours)
    held = await outcome(push, await push.send(to_device(quiet), note()))
    assert (held.status, held.reason) == (SCHEDULED, "quiet_hours")
    assert (await outcome(push, await push.send(to_device(awake), note()))).status == SENT


# --- frequency caps ---------------------------------------------------------------------------


async def test_the_hourly_cap_suppresses_the_next_send_but_not_a_critical_one(
    api: Api, fakes: ProviderFakes
) -> None:
    push = await push_app(api, fakes)
    await set_policy(push, frequency_cap_hour=2)
    await create_category(push, "urgent", critical=True)
    await apns_device(push, apns_token(), user_id="kim")
    await apns_device(push, apns_token(), user_id="kim")  # two devices, one user
    user = send_pb2.Target(user_id="kim")

    async def statuses(send: send_pb2.Send) -> set[tuple[int, str]]:
        await push.settled(send.name)
        return {(d.status, d.reason) for d in await push.deliveries(send.name)}

    assert await statuses(await push.send(user, note())) == {(SENT, "")}
    assert await statuses(await push.send(user, note())) == {(SENT, "")}
    # Two sends (to two devices each) reach the cap of 2: the third is capped on both.
    assert await statuses(await push.send(user, note())) == {(SUPPRESSED, "frequency_cap")}
    assert await statuses(await push.send(user, note(category="urgent"))) == {(SENT, "")}
    # Another user is not affected.
    await apns_device(push, apns_token(), user_id="lee")
    assert await statuses(await push.send(send_pb2.Target(user_id="lee"), note())) == {(SENT, "")}


# --- privacy ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "extra", "title", "body"),
    [
        (
            policy_pb2.PRIVACY_MODE_GENERIC_TEXT,
            {"generic_body": "You have news"},
            None,
            "You have news",
        ),
        (policy_pb2.PRIVACY_MODE_GENERIC_TEXT, {}, None, "New notification"),
        (policy_pb2.PRIVACY_MODE_TRUNCATE, {}, "T" * 199 + "\u2026", "B" * 199 + "\u2026"),
    ],
    ids=["generic", "generic-default", "truncate"],
)
async def test_privacy_mode_protects_the_text_and_keeps_the_data(
    api: Api,
    fakes: ProviderFakes,
    mode: int,
    extra: dict[str, str],
    title: str | None,
    body: str,
) -> None:
    push = await push_app(api, fakes)
    await set_policy(push, privacy_mode=mode, **extra)
    token = apns_token()
    device = await apns_device(push, token)
    send = await push.send(
        to_device(device), note(title="T" * 250, body="B" * 300, data={"order": "42"})
    )
    await push.settled(send.name)
    (payload,) = accepted(fakes, token)
    aps = payload["aps"]
    assert isinstance(aps, dict)
    alert = aps.get("alert", {})
    assert isinstance(alert, dict)
    assert alert.get("title") == title
    assert alert.get("body") == body
    assert payload["order"] == "42"


# --- an app disabled after it accepted a send -------------------------------------------------


async def test_deliveries_of_an_app_disabled_since_the_send_are_suppressed(
    api: Api, fakes: ProviderFakes
) -> None:
    push = await push_app(api, fakes)
    device = await apns_device(push, apns_token())
    at = timestamp_pb2.Timestamp()
    at.FromDatetime(datetime.now(UTC) + timedelta(seconds=1))
    send = await push.send(to_device(device), note(), send_time=at)
    admin = api.admin
    await admin(
        admin.admin.UpdateApp,
        P.UpdateAppRequest(
            app=app_pb2.App(name=push.parent, disabled=True),
            update_mask=field_mask_pb2.FieldMask(paths=["disabled"]),
        ),
    )
    done = await push.settled(send.name)
    assert done.counts.suppressed == 1
    assert (await push.deliveries(send.name))[0].reason == "app_disabled"
