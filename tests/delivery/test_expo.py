"""End to end over gRPC, on both databases: Expo sends, tickets, receipts and every error
action, as the fake Expo answers them on the wire (tests/fakes/expo.py).

The session's servers read receipts 0.3 s after the send (`expo_receipt_delay_seconds`),
so DELIVERED and receipt errors arrive within the test."""

from __future__ import annotations

import secrets

import pytest

from clarion.v1 import device_pb2, provider_pb2, send_pb2
from delivery_kit import (
    FAILED,
    INVALID_TOKEN,
    QUEUED,
    RETRYING,
    SENT,
    PushApp,
    assert_final,
    credential,
    deliver,
    device_status,
    note,
    push_app,
    register,
)
from harness import Api, ProviderFakes

EXPO = provider_pb2.PROVIDER_EXPO
DELIVERED = send_pb2.DELIVERY_STATUS_DELIVERED
AFTER_RECEIPT = frozenset({DELIVERED, FAILED, INVALID_TOKEN})


@pytest.fixture
async def app(api: Api, fakes: ProviderFakes) -> PushApp:
    return await push_app(api, fakes)


async def test_delivered_without_a_credential(app: PushApp, fakes: ProviderFakes) -> None:
    device = await register(app, EXPO)
    result = await deliver(app, device, note("Hi", "There"), until={DELIVERED})
    assert result.statuses == [QUEUED, SENT, DELIVERED]
    assert_final(result, DELIVERED, "", "")
    [message] = fakes.expo.received(app.tokens[device.name])
    assert message.access_token is None  # the app has no Expo access token
    assert message.message["title"] == "Hi" and message.message["body"] == "There"
    assert message.message["data"]["clarion.send"] == result.send.name
    assert message.message["priority"] == "normal"
    # The ticket id is the delivery's message id, and DELIVERED keeps it.
    assert result.delivery.provider_message_id == message.ticket_id
    assert result.receipt(DELIVERED).attempt == 1
    done = await app.settled(result.send.name)
    assert done.counts.delivered == 1 and done.counts.sent == 1


async def test_the_apps_access_token_is_sent(app: PushApp, fakes: ProviderFakes) -> None:
    access_token = secrets.token_urlsafe(30)
    fakes.expo.require_access_token(app.expo_project, access_token)
    await app.put_expo_token(access_token)
    device = await register(app, EXPO)
    result = await deliver(app, device, until={DELIVERED})
    assert result.statuses == [QUEUED, SENT, DELIVERED]
    [message] = fakes.expo.received(app.tokens[device.name])
    assert message.access_token == access_token


async def test_a_refused_access_token_fails_and_marks_the_credential(
    api: Api, app: PushApp, fakes: ProviderFakes
) -> None:
    fakes.expo.require_access_token(app.expo_project, secrets.token_urlsafe(30))
    await app.put_expo_token("not-the-right-token")
    device = await register(app, EXPO)
    result = await deliver(app, device)
    assert result.statuses == [QUEUED, FAILED]
    assert_final(result, FAILED, "auth_error", "UNAUTHORIZED")
    assert "enhanced push security" in (await credential(api, app, EXPO)).last_error
    assert await device_status(app, device) == device_pb2.DEVICE_STATUS_ACTIVE


async def test_device_not_registered_on_the_ticket(app: PushApp, fakes: ProviderFakes) -> None:
    device = await register(app, EXPO)
    fakes.expo.fail_ticket(app.tokens[device.name], "DeviceNotRegistered")
    result = await deliver(app, device)
    assert result.statuses == [QUEUED, INVALID_TOKEN]
    assert_final(result, INVALID_TOKEN, "invalid_token", "DeviceNotRegistered")
    assert await device_status(app, device) == device_pb2.DEVICE_STATUS_INVALID
    assert fakes.expo.received(app.tokens[device.name]) == []


async def test_device_not_registered_on_the_receipt(app: PushApp, fakes: ProviderFakes) -> None:
    device = await register(app, EXPO)
    fakes.expo.fail_receipt(app.tokens[device.name], "DeviceNotRegistered")
    result = await deliver(app, device, until=AFTER_RECEIPT)
    assert result.statuses == [QUEUED, SENT, INVALID_TOKEN]
    assert_final(result, INVALID_TOKEN, "invalid_token", "DeviceNotRegistered")
    assert await device_status(app, device) == device_pb2.DEVICE_STATUS_INVALID
    done = await app.settled(result.send.name)
    assert done.counts.failed == 1


async def test_message_too_big_on_the_receipt(app: PushApp, fakes: ProviderFakes) -> None:
    device = await register(app, EXPO)
    fakes.expo.fail_receipt(app.tokens[device.name], "MessageTooBig")
    result = await deliver(app, device, until=AFTER_RECEIPT)
    assert result.statuses == [QUEUED, SENT, FAILED]
    assert_final(result, FAILED, "payload_too_large", "MessageTooBig")
    assert await device_status(app, device) == device_pb2.DEVICE_STATUS_ACTIVE


async def test_message_rate_exceeded_backs_off_and_resends(
    app: PushApp, fakes: ProviderFakes
) -> None:
    device = await register(app, EXPO)
    fakes.expo.fail_receipt(app.tokens[device.name], "MessageRateExceeded", times=1)
    result = await deliver(app, device, until={DELIVERED})
    assert result.statuses == [QUEUED, SENT, RETRYING, SENT, DELIVERED]
    retrying = result.receipt(RETRYING)
    assert (retrying.reason, retrying.provider_code) == ("rate_limited", "MessageRateExceeded")
    assert result.delivery.attempts == 2
    assert len(fakes.expo.received(app.tokens[device.name])) == 2
    done = await app.settled(result.send.name)
    assert done.counts.delivered == 1 and done.complete_time.seconds


async def test_invalid_credentials_on_the_receipt_marks_the_credential(
    api: Api, app: PushApp, fakes: ProviderFakes
) -> None:
    await app.put_expo_token(secrets.token_urlsafe(30))  # Expo does not require it here
    device = await register(app, EXPO)
    fakes.expo.fail_receipt(app.tokens[device.name], "InvalidCredentials")
    result = await deliver(app, device, until=AFTER_RECEIPT)
    assert result.statuses == [QUEUED, SENT, FAILED]
    assert_final(result, FAILED, "auth_error", "InvalidCredentials")
    assert "APNs credentials" in (await credential(api, app, EXPO)).last_error


@pytest.mark.parametrize(
    ("status", "code", "reason"),
    [
        (429, "TOO_MANY_REQUESTS", "rate_limited"),
        (503, "INTERNAL_SERVER_ERROR", "provider_unavailable"),
    ],
)
async def test_a_refused_request_backs_off_and_resends(
    app: PushApp, fakes: ProviderFakes, status: int, code: str, reason: str
) -> None:
    device = await register(app, EXPO)
    # Another app's sends may take the scripted failure first; script enough for ours.
    fakes.expo.fail_requests(status, code, times=1)
    result = await deliver(app, device, until={DELIVERED}, within=30)
    assert result.statuses[0] == QUEUED and result.statuses[-2:] == [SENT, DELIVERED]
    retries = [r for r in result.receipts if r.status == RETRYING]
    assert all((r.reason, r.provider_code) == (reason, code) for r in retries)


async def test_batches_of_at_most_100_gzipped_above_1_kib(
    app: PushApp, fakes: ProviderFakes
) -> None:
    user = f"user-{secrets.token_hex(6)}"
    await app.set_policy(registrations_per_user_hour=230)  # one user, many devices
    devices = [await app.register(EXPO, user_id=user) for _ in range(230)]
    requests_before = fakes.expo.stats.requests
    sizes_before = len(fakes.expo.stats.batch_sizes)
    send = await app.send(send_pb2.Target(user_id=user), note("Batch", "x" * 40))
    done = await app.settled(send.name, within=30)
    assert done.counts.sent == 230
    tokens = {app.tokens[d.name] for d in devices}
    mine = [m for m in fakes.expo.accepted if m.token in tokens]
    assert len(mine) == 230
    assert all(m.gzipped for m in mine)  # every request of 2+ messages is over 1 KiB
    assert fakes.expo.stats.requests - requests_before >= 3
    assert all(size <= 100 for size in fakes.expo.stats.batch_sizes[sizes_before:])


async def test_tokens_of_two_projects_are_all_sent(app: PushApp, fakes: ProviderFakes) -> None:
    """One app, two Expo projects (say a main and a companion app): a request mixing them
    is refused (PUSH_TOO_MANY_EXPERIENCE_IDS) and resent split by project, so both are
    delivered. (Whether the two share a request depends on the claims: on Postgres two
    workers may take one each. The split itself is tests/unit/test_new_providers.py's.)"""
    user = f"user-{secrets.token_hex(6)}"
    first = await app.register(EXPO, user_id=user)
    other = fakes.expo.new_token(f"{app.expo_project}-companion")
    second = await app.register(EXPO, user_id=user, token=other)
    send = await app.send(send_pb2.Target(user_id=user), note())
    done = await app.settled(send.name)
    assert done.counts.sent == 2 and done.counts.failed == 0
    for device in (first, second):
        [message] = fakes.expo.received(app.tokens[device.name])
        assert message.message["title"] == "Hello"
