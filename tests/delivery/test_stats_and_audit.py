"""GetStats, GetDeliveryHealth and the audit log, after real sends over real gRPC on both
databases: a delivery the fake APNs accepts, one it refuses, one the policy suppresses."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import grpc
from google.protobuf import field_mask_pb2, json_format, timestamp_pb2

from clarion.v1 import (
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
S = send_pb2
APNS = provider_pb2.PROVIDER_APNS


async def register(push: PushApp, token: str, **fields: object) -> device_pb2.Device:
    made = await push.writer(
        push.writer.devices.RegisterDevice,
        device_registry_service_pb2.RegisterDeviceRequest(
            parent=push.parent,
            device=device_pb2.Device(
                provider=APNS,
                token=token,
                apns_environment=provider_pb2.APNS_ENVIRONMENT_PRODUCTION,
                **fields,  # type: ignore[arg-type]
            ),
        ),
    )
    device: device_pb2.Device = made.device
    return device


async def three_outcomes(push: PushApp, fakes: ProviderFakes) -> list[send_pb2.Send]:
    """One SENT, one FAILED (APNs answers 400 BadPriority), one SUPPRESSED; all of user amy."""
    good, bad = apns_token(), apns_token()
    fakes.apns.fail(bad, 400, "BadPriority")
    sends = []
    for token, prefs in ((good, {}), (bad, {}), (apns_token(), {"promo": False})):
        device = await register(push, token, user_id="amy", category_preferences=prefs)
        category = "promo" if prefs else ""
        send = await push.send(to_device(device), note(category=category))
        sends.append(await push.settled(send.name))
    return sends


async def test_stats_count_what_happened_in_the_window(api: Api, fakes: ProviderFakes) -> None:
    push = await push_app(api, fakes)
    await three_outcomes(push, fakes)
    admin = api.admin
    stats = await admin(admin.admin.GetStats, P.GetStatsRequest(parent=push.parent))

    assert {(c.status, c.count) for c in stats.by_status} == {
        (S.DELIVERY_STATUS_SENT, 1),
        (S.DELIVERY_STATUS_FAILED, 1),
        (S.DELIVERY_STATUS_SUPPRESSED, 1),
    }
    assert [(f.reason, f.provider, f.count) for f in stats.failures] == [("bad_request", APNS, 1)]
    (apns,) = stats.providers
    assert (apns.provider, apns.sent, apns.failed, apns.success_rate) == (APNS, 1, 1, 0.5)
    assert sum(m.attempts for m in stats.attempts_per_minute) == 2  # the suppressed never went
    assert all(m.minute.seconds % 60 == 0 for m in stats.attempts_per_minute)
    assert [(u.user_id, u.deliveries) for u in stats.top_users] == [("amy", 3)]

    # A window before anything happened is empty.
    past = timestamp_pb2.Timestamp()
    past.FromDatetime(datetime.now(UTC) - timedelta(days=2))
    earlier = await admin(
        admin.admin.GetStats, P.GetStatsRequest(parent=push.parent, end_time=past)
    )
    assert list(earlier.by_status) == [] and list(earlier.attempts_per_minute) == []


async def test_a_bad_stats_window_is_invalid(api: Api) -> None:
    app = await api.new_app()
    admin = api.admin
    now = datetime.now(UTC)
    for start, end in ((now, now - timedelta(hours=1)), (now - timedelta(days=40), now)):
        s, e = timestamp_pb2.Timestamp(), timestamp_pb2.Timestamp()
        s.FromDatetime(start)
        e.FromDatetime(end)
        failure = await expect_error(
            admin(
                admin.admin.GetStats,
                P.GetStatsRequest(parent=app.parent, start_time=s, end_time=e),
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
            "INVALID_WINDOW",
        )
        assert set(failure.violations) == {"start_time"}


async def test_delivery_health_shows_failures_and_counts(api: Api, fakes: ProviderFakes) -> None:
    push = await push_app(api, fakes)
    sends = await three_outcomes(push, fakes)
    admin = api.admin
    health = await admin(
        admin.admin.GetDeliveryHealth, P.GetDeliveryHealthRequest(parent=push.parent)
    )
    assert [(f.reason, f.count) for f in health.top_failures] == [("bad_request", 1)]
    (recent,) = health.recent_failures
    assert recent.delivery.startswith(f"{sends[1].name}/deliveries/")
    assert (recent.reason, recent.provider_code) == ("bad_request", "BadPriority")
    assert (health.sent_7d, health.failed_7d, health.queue_depth) == (1, 1, 0)
    assert (health.counts_7d.total, health.counts_7d.suppressed) == (3, 1)


async def test_the_audit_log_records_changes_and_push_attempts_without_secrets(
    api: Api, fakes: ProviderFakes
) -> None:
    push = await push_app(api, fakes)
    admin = api.admin
    token = apns_token()
    device = await register(push, token, user_id="amy")
    await admin(
        admin.admin.UpdateAppPolicy,
        P.UpdateAppPolicyRequest(
            policy=policy_pb2.AppPolicy(name=f"{push.parent}/policy", daily_quota=1),
            update_mask=field_mask_pb2.FieldMask(paths=["daily_quota"]),
        ),
    )
    accepted = await push.send(to_device(device), note(body="secret plans"))
    await expect_error(
        push.sender(
            push.sender.push.Send,
            push_sender_service_pb2.SendRequest(
                parent=push.parent, target=to_device(device), notification=note()
            ),
        ),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        "DAILY_QUOTA_EXCEEDED",
    )

    async def entries(**filters: object) -> list[object]:
        answer = await admin(
            admin.admin.ListAuditEntries,
            P.ListAuditEntriesRequest(parent=push.parent, **filters),  # type: ignore[arg-type]
        )
        return list(answer.entries)

    everything = await entries()
    actions = [e.action for e in everything]  # type: ignore[attr-defined]
    # Newest first: the refused send, the accepted one, the policy change, the device.
    assert actions[:4] == ["push.attempt", "push.attempt", "policy.update", "device.register"]
    assert {"credential.put", "api_key.create"} <= set(actions)
    refused, sent, policy, registered = everything[:4]
    assert refused.details["outcome"] == "DAILY_QUOTA_EXCEEDED"  # type: ignore[attr-defined]
    assert sent.resource == accepted.name  # type: ignore[attr-defined]
    assert sent.details["deliveries"] == "1"  # type: ignore[attr-defined]
    assert policy.details["fields"] == "daily_quota"  # type: ignore[attr-defined]
    assert registered.resource == device.name  # type: ignore[attr-defined]
    sender_key = sent.actor  # type: ignore[attr-defined]
    assert sender_key.startswith(f"{push.parent}/apiKeys/")
    assert policy.actor.startswith("apiKeys/")  # type: ignore[attr-defined]

    dumped = json.dumps([json_format.MessageToDict(e) for e in everything])  # type: ignore[arg-type]
    for secret in (token, push.sender.key, api.admin.key, "secret plans"):
        assert secret and secret not in dumped

    pushes = await entries(action_prefix="push.")
    assert [e.action for e in pushes] == ["push.attempt", "push.attempt"]  # type: ignore[attr-defined]
    by_sender = await entries(actor=sender_key)
    assert {e.action for e in by_sender} == {"push.attempt"}  # type: ignore[attr-defined]
    future = timestamp_pb2.Timestamp()
    future.FromDatetime(datetime.now(UTC) + timedelta(hours=1))
    assert await entries(start_time=future) == []

    first = await admin(
        admin.admin.ListAuditEntries, P.ListAuditEntriesRequest(parent=push.parent, page_size=2)
    )
    second = await admin(
        admin.admin.ListAuditEntries,
        P.ListAuditEntriesRequest(
            parent=push.parent, page_size=2, page_token=first.next_page_token
        ),
    )
    assert [e.name for e in [*first.entries, *second.entries]] == [
        e.name
        for e in everything[:4]  # type: ignore[attr-defined]
    ]
