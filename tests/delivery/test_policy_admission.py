"""What an app's policy refuses before anything is written: a disabled app, the daily quota,
the per-user registration rate; and the policy resource itself (Get/UpdateAppPolicy).

Over real gRPC on both databases; "nothing written" is checked through the API (sends,
devices, the app's counters) after each refusal.
"""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.protobuf import duration_pb2, field_mask_pb2

from clarion.v1 import (
    app_pb2,
    device_pb2,
    device_registry_service_pb2,
    policy_admin_service_pb2,
    policy_pb2,
    provider_pb2,
    push_sender_service_pb2,
    send_pb2,
)
from delivery_kit import PushApp, apns_token, note, push_app, to_device
from harness import Api, ProviderFakes, expect_error

P = policy_admin_service_pb2
pytestmark = pytest.mark.usefixtures("server")


async def get_app(push: PushApp) -> app_pb2.App:
    admin = push.api.admin
    app: app_pb2.App = (await admin(admin.admin.GetApp, P.GetAppRequest(name=push.parent))).app
    return app


async def sends_of(push: PushApp) -> list[send_pb2.Send]:
    page = await push.sender(
        push.sender.push.ListSends, push_sender_service_pb2.ListSendsRequest(parent=push.parent)
    )
    return list(page.sends)


async def set_disabled(push: PushApp, disabled: bool) -> None:
    admin = push.api.admin
    await admin(
        admin.admin.UpdateApp,
        P.UpdateAppRequest(
            app=app_pb2.App(name=push.parent, disabled=disabled),
            update_mask=field_mask_pb2.FieldMask(paths=["disabled"]),
        ),
    )


def until_midnight_utc() -> float:
    now = datetime.now(UTC)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    return (midnight - now).total_seconds()


# --- a disabled app --------------------------------------------------------------------------


async def test_a_disabled_app_refuses_sends_and_registrations_and_writes_nothing(
    api: Api, fakes: ProviderFakes
) -> None:
    push = await push_app(api, fakes)
    device = await push.register(provider_pb2.PROVIDER_APNS, user_id="u1")
    await set_disabled(push, True)

    await expect_error(
        push.sender(
            push.sender.push.Send,
            push_sender_service_pb2.SendRequest(
                parent=push.parent, target=to_device(device), notification=note()
            ),
        ),
        grpc.StatusCode.FAILED_PRECONDITION,
        "APP_DISABLED",
    )
    await expect_error(
        push.sender(
            push.sender.push.SendBulk,
            push_sender_service_pb2.SendBulkRequest(
                parent=push.parent, user_ids=["u1"], notification=note()
            ),
        ),
        grpc.StatusCode.FAILED_PRECONDITION,
        "APP_DISABLED",
    )
    batch = await push.sender(
        push.sender.push.SendBatch,
        push_sender_service_pb2.SendBatchRequest(
            parent=push.parent,
            items=[
                push_sender_service_pb2.SendBatchItem(target=to_device(device), notification=note())
            ],
        ),
    )
    assert batch.results[0].error.code == grpc.StatusCode.FAILED_PRECONDITION.value[0]
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await push.register(provider_pb2.PROVIDER_FCM, user_id="u1")
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION

    assert await sends_of(push) == []
    app = await get_app(push)
    assert (app.device_count, app.notifications_today) == (1, 0)

    await set_disabled(push, False)
    send = await push.send(to_device(device), note())
    assert (await push.settled(send.name)).counts.sent == 1


# --- the daily quota -------------------------------------------------------------------------


async def test_the_daily_quota_refuses_a_whole_send_with_retry_info_until_midnight_utc(
    api: Api, fakes: ProviderFakes
) -> None:
    push = await push_app(api, fakes)
    phone = await push.register(provider_pb2.PROVIDER_APNS, user_id="ana")
    await push.register(provider_pb2.PROVIDER_FCM, user_id="ana")
    await push.set_policy(daily_quota=3)

    first = await push.send(send_pb2.Target(user_id="ana"), note())
    assert first.counts.total == 2
    assert (await get_app(push)).notifications_today == 2

    # Two more would make 4 > 3: refused whole, with RetryInfo running to midnight UTC.
    left = until_midnight_utc()
    failure = await expect_error(
        push.sender(
            push.sender.push.Send,
            push_sender_service_pb2.SendRequest(
                parent=push.parent, target=send_pb2.Target(user_id="ana"), notification=note()
            ),
        ),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        "DAILY_QUOTA_EXCEEDED",
    )
    assert failure.retry_seconds is not None
    assert left - 60 <= failure.retry_seconds <= math.ceil(left) + 1
    assert [s.name for s in await sends_of(push)] == [first.name]
    assert (await get_app(push)).notifications_today == 2

    # One more fits exactly: reaching the quota is allowed.
    last = await push.send(to_device(phone), note())
    assert last.counts.total == 1
    assert (await get_app(push)).notifications_today == 3
    await expect_error(
        push.sender(
            push.sender.push.Send,
            push_sender_service_pb2.SendRequest(
                parent=push.parent, target=to_device(phone), notification=note()
            ),
        ),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        "DAILY_QUOTA_EXCEEDED",
    )


async def test_a_send_reaching_nobody_costs_nothing_and_is_accepted_at_the_limit(
    api: Api, fakes: ProviderFakes
) -> None:
    push = await push_app(api, fakes)
    await push.register(provider_pb2.PROVIDER_APNS, user_id="bo")
    await push.set_policy(daily_quota=1)
    await push.send(send_pb2.Target(user_id="bo"), note())
    empty = await push.send(send_pb2.Target(user_id="nobody"), note())
    assert empty.counts.total == 0
    assert (await get_app(push)).notifications_today == 1


async def test_raising_the_quota_lets_sends_through_again(api: Api, fakes: ProviderFakes) -> None:
    push = await push_app(api, fakes)
    device = await push.register(provider_pb2.PROVIDER_APNS)
    await push.set_policy(daily_quota=1)
    await push.send(to_device(device), note())
    request = push_sender_service_pb2.SendRequest(
        parent=push.parent, target=to_device(device), notification=note()
    )
    await expect_error(
        push.sender(push.sender.push.Send, request),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        "DAILY_QUOTA_EXCEEDED",
    )
    await push.set_policy(daily_quota=2)
    await push.sender(push.sender.push.Send, request)
    assert (await get_app(push)).notifications_today == 2


# --- the registration rate -------------------------------------------------------------------


async def test_registrations_per_user_per_hour_are_limited(api: Api, fakes: ProviderFakes) -> None:
    push = await push_app(api, fakes)
    await push.set_policy(registrations_per_user_hour=2)
    await push.register(provider_pb2.PROVIDER_APNS, user_id="churn")
    await push.register(provider_pb2.PROVIDER_APNS, user_id="churn")

    device = device_pb2.Device(
        provider=provider_pb2.PROVIDER_APNS,
        token=apns_token(),
        user_id="churn",
        apns_environment=provider_pb2.APNS_ENVIRONMENT_PRODUCTION,
    )
    failure = await expect_error(
        push.writer(
            push.writer.devices.RegisterDevice,
            device_registry_service_pb2.RegisterDeviceRequest(parent=push.parent, device=device),
        ),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        "REGISTRATION_RATE_EXCEEDED",
    )
    assert failure.retry_seconds is not None and 3500 <= failure.retry_seconds <= 3600
    listed = await push.writer(
        push.writer.devices.ListDevices,
        device_registry_service_pb2.ListDevicesRequest(parent=push.parent, user_id="churn"),
    )
    assert len(listed.devices) == 2  # the refused registration wrote nothing

    # Other users, and devices without a user, are not held back by churn's limit.
    await push.register(provider_pb2.PROVIDER_APNS, user_id="calm")
    await push.register(provider_pb2.PROVIDER_APNS)


async def test_the_default_registration_limit_is_ten_per_hour(
    api: Api, fakes: ProviderFakes
) -> None:
    push = await push_app(api, fakes)
    for _ in range(10):
        await push.register(provider_pb2.PROVIDER_FCM, user_id="many")
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await push.register(provider_pb2.PROVIDER_FCM, user_id="many")
    assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


# --- the policy resource ---------------------------------------------------------------------


async def test_a_new_app_has_the_default_policy(api: Api) -> None:
    app = await api.new_app()
    admin = api.admin
    got = await admin(admin.admin.GetAppPolicy, P.GetAppPolicyRequest(name=f"{app.parent}/policy"))
    assert got.policy == policy_pb2.AppPolicy(
        name=f"{app.parent}/policy",
        quiet_hours_mode=policy_pb2.QUIET_HOURS_MODE_DEFER,
        privacy_mode=policy_pb2.PRIVACY_MODE_OFF,
    )


async def test_update_changes_only_the_masked_fields(api: Api, fakes: ProviderFakes) -> None:
    push = await push_app(api, fakes)
    await push.set_policy(
        daily_quota=500,
        quiet_hours=device_pb2.QuietHours(start_minute=1320, end_minute=420),
        quiet_hours_mode=policy_pb2.QUIET_HOURS_MODE_SUPPRESS,
        frequency_cap_hour=2,
        privacy_mode=policy_pb2.PRIVACY_MODE_GENERIC_TEXT,
        generic_title="Acme",
        stale_device_retention=duration_pb2.Duration(seconds=30 * 86400),
    )
    policy = await push.set_policy(frequency_cap_day=5)
    assert policy.daily_quota == 500
    assert (policy.quiet_hours.start_minute, policy.quiet_hours.end_minute) == (1320, 420)
    assert policy.quiet_hours_mode == policy_pb2.QUIET_HOURS_MODE_SUPPRESS
    assert (policy.frequency_cap_hour, policy.frequency_cap_day) == (2, 5)
    assert policy.privacy_mode == policy_pb2.PRIVACY_MODE_GENERIC_TEXT
    assert policy.generic_title == "Acme"
    assert policy.stale_device_retention.seconds == 30 * 86400
    assert not policy.HasField("receipt_retention")
    assert policy.update_time.seconds > 0

    # Naming quiet_hours without a value clears it.
    cleared = await push.set_policy(quiet_hours=None)
    assert not cleared.HasField("quiet_hours")


@pytest.mark.parametrize(
    ("fields", "violations", "reason"),
    [
        ({"daily_quota": -1}, {"policy.daily_quota"}, "INVALID_QUOTA"),
        (
            {"frequency_cap_hour": -1, "frequency_cap_day": -2},
            {"policy.frequency_cap_hour", "policy.frequency_cap_day"},
            "INVALID_FREQUENCY_CAP",
        ),
        (
            {"quiet_hours": device_pb2.QuietHours(start_minute=60, end_minute=60)},
            {"policy.quiet_hours.end_minute"},
            "INVALID_QUIET_HOURS",
        ),
        (
            {"quiet_hours": device_pb2.QuietHours(start_minute=1440, end_minute=60)},
            {"policy.quiet_hours.start_minute"},
            "INVALID_QUIET_HOURS",
        ),
        ({"quiet_hours_mode": 7}, {"policy.quiet_hours_mode"}, "INVALID_ENUM"),
        ({"privacy_mode": 9}, {"policy.privacy_mode"}, "INVALID_ENUM"),
        (
            {"registrations_per_user_hour": -3},
            {"policy.registrations_per_user_hour"},
            "INVALID_POLICY",
        ),
        ({"generic_title": "x" * 257}, {"policy.generic_title"}, "INVALID_POLICY"),
        (
            {"receipt_retention": duration_pb2.Duration(seconds=3600)},
            {"policy.receipt_retention"},
            "INVALID_POLICY",
        ),
        (
            {"daily_quota": -1, "privacy_mode": 9},
            {"policy.daily_quota", "policy.privacy_mode"},
            "INVALID_ARGUMENT",
        ),
    ],
)
async def test_bad_policy_values_are_refused_and_change_nothing(
    api: Api,
    fakes: ProviderFakes,
    fields: dict[str, object],
    violations: set[str],
    reason: str,
) -> None:
    push = await push_app(api, fakes)
    before = await push.set_policy(daily_quota=7)
    admin = api.admin
    failure = await expect_error(
        admin(
            admin.admin.UpdateAppPolicy,
            P.UpdateAppPolicyRequest(
                policy=policy_pb2.AppPolicy(name=f"{push.parent}/policy", **fields),  # type: ignore[arg-type]
                update_mask=field_mask_pb2.FieldMask(paths=list(fields)),
            ),
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        reason,
    )
    assert set(failure.violations) == violations
    after = await admin(
        admin.admin.GetAppPolicy, P.GetAppPolicyRequest(name=f"{push.parent}/policy")
    )
    assert after.policy == before


@pytest.mark.parametrize("paths", [[], ["name"], ["daily_quota", "update_time"]])
async def test_a_bad_mask_is_refused(api: Api, paths: list[str]) -> None:
    app = await api.new_app()
    admin = api.admin
    await expect_error(
        admin(
            admin.admin.UpdateAppPolicy,
            P.UpdateAppPolicyRequest(
                policy=policy_pb2.AppPolicy(name=f"{app.parent}/policy", daily_quota=5),
                update_mask=field_mask_pb2.FieldMask(paths=paths),
            ),
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_UPDATE_MASK",
    )


async def test_policy_of_an_unknown_app_is_not_found(api: Api) -> None:
    admin = api.admin
    await expect_error(
        admin(admin.admin.GetAppPolicy, P.GetAppPolicyRequest(name="apps/no-such-app/policy")),
        grpc.StatusCode.NOT_FOUND,
        "APP_NOT_FOUND",
    )


async def test_concurrent_sends_never_overshoot_the_quota(api: Api, fakes: ProviderFakes) -> None:
    push = await push_app(api, fakes)
    device = await push.register(provider_pb2.PROVIDER_APNS)
    await push.set_policy(daily_quota=3)
    request = push_sender_service_pb2.SendRequest(
        parent=push.parent, target=to_device(device), notification=note()
    )
    # Sent together, they are group-committed: a batch over the quota rolls back and each
    # send is then admitted or refused on its own.
    results = await asyncio.gather(
        *(push.sender(push.sender.push.Send, request) for _ in range(8)), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(results) - len(refused) == 3
    assert {r.code() for r in refused} == {grpc.StatusCode.RESOURCE_EXHAUSTED}
    assert len(await sends_of(push)) == 3
    assert (await get_app(push)).notifications_today == 3
