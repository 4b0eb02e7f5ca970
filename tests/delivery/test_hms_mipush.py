"""End to end over gRPC, on both databases: Huawei HMS and Xiaomi MiPush sends and every
error action, as the fakes answer them on the wire (tests/fakes/hms.py, mipush.py)."""

from __future__ import annotations

import json
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

HMS = provider_pb2.PROVIDER_HMS
MIPUSH = provider_pb2.PROVIDER_MIPUSH


@pytest.fixture
async def app(api: Api, fakes: ProviderFakes) -> PushApp:
    return await push_app(api, fakes)


async def deliveries_by_device(app: PushApp, send: str) -> dict[str, send_pb2.Delivery]:
    return {d.device: d for d in await app.deliveries(send)}


# HMS ------------------------------------------------------------------------------------------


async def test_hms_sends_a_v1_message(app: PushApp, fakes: ProviderFakes) -> None:
    device = await register(app, HMS)
    notification = note("Hi", "There", data={"order": "A-1"})
    result = await deliver(app, device, notification)
    assert result.statuses == [QUEUED, SENT]
    assert_final(result, SENT, "", "80000000")
    [message] = fakes.hms.received(app.tokens[device.name])
    assert message.app_id == app.hms_app_id
    assert message.message["notification"] == {"title": "Hi", "body": "There"}
    data = json.loads(message.message["data"])  # HMS takes data as a JSON string
    assert data["order"] == "A-1" and data["clarion.send"] == result.send.name
    android = message.message["android"]
    assert android["notification"]["click_action"] == {"type": 3}
    assert android["urgency"] == "NORMAL" and android["ttl"].endswith("s")


async def test_hms_token_is_cached_and_refreshed_when_expired(
    app: PushApp, fakes: ProviderFakes
) -> None:
    device = await register(app, HMS)
    await deliver(app, device)
    fetched = fakes.hms.tokens_fetched
    again = await deliver(app, device)
    assert again.statuses == [QUEUED, SENT]
    assert fakes.hms.tokens_fetched == fetched  # the cached token served the second send
    fakes.hms.expire_access_tokens()
    third = await deliver(app, device)
    assert third.statuses == [QUEUED, SENT]  # 80200003, a new token, the same attempt
    assert third.delivery.attempts == 1
    assert fakes.hms.tokens_fetched > fetched
    assert "80200003" in {code for _, code in fakes.hms.responses}


async def test_hms_illegal_token_invalidates_the_device(app: PushApp, fakes: ProviderFakes) -> None:
    device = await register(app, HMS)
    fakes.hms.unregister(app.tokens[device.name])
    result = await deliver(app, device)
    assert result.statuses == [QUEUED, INVALID_TOKEN]
    assert_final(result, INVALID_TOKEN, "invalid_token", "80300007")
    assert await device_status(app, device) == device_pb2.DEVICE_STATUS_INVALID


async def test_hms_partial_success_is_read_per_token(app: PushApp, fakes: ProviderFakes) -> None:
    user = f"user-{secrets.token_hex(6)}"
    alive = await app.register(HMS, user_id=user)
    dead = await app.register(HMS, user_id=user)
    fakes.hms.unregister(app.tokens[dead.name])
    send = await app.send(send_pb2.Target(user_id=user), note())
    await app.settled(send.name)
    by_device = await deliveries_by_device(app, send.name)
    ok, bad = by_device[alive.name], by_device[dead.name]
    # One request for both: a partial success. (On Postgres two workers may claim one
    # each, and the dead token is then alone: 80300007.)
    assert ok.status == SENT and ok.provider_code in ("80100000", "80000000")
    assert (bad.status, bad.reason) == (INVALID_TOKEN, "invalid_token")
    assert bad.provider_code == ("80100000" if ok.provider_code == "80100000" else "80300007")
    assert await device_status(app, dead) == device_pb2.DEVICE_STATUS_INVALID
    assert await device_status(app, alive) == device_pb2.DEVICE_STATUS_ACTIVE
    assert len(fakes.hms.received(app.tokens[alive.name])) == 1


async def test_hms_no_permission_fails_and_marks_the_credential(
    api: Api, app: PushApp, fakes: ProviderFakes
) -> None:
    device = await register(app, HMS)
    fakes.hms.disable_push(app.hms_app_id)
    result = await deliver(app, device)
    assert result.statuses == [QUEUED, FAILED]
    assert_final(result, FAILED, "auth_error", "80300002")
    assert "no permission" in (await credential(api, app, HMS)).last_error


async def test_hms_refused_client_secret(api: Api, app: PushApp, fakes: ProviderFakes) -> None:
    fakes.hms.add_app(app.hms_app_id, "a-different-secret-0123456789")
    device = await register(app, HMS)
    result = await deliver(app, device)
    assert result.statuses == [QUEUED, FAILED]
    assert_final(result, FAILED, "auth_error", "oauth_1101")
    assert "invalid client_secret" in (await credential(api, app, HMS)).last_error


@pytest.mark.parametrize(
    ("status", "code", "reason", "expected_code"),
    [
        (503, "", "rate_limited", "503"),
        (500, "81000001", "provider_unavailable", "81000001"),
    ],
)
async def test_hms_transient_errors_retry(
    app: PushApp,
    fakes: ProviderFakes,
    status: int,
    code: str,
    reason: str,
    expected_code: str,
) -> None:
    device = await register(app, HMS)
    fakes.hms.fail_requests(status, code, "flow control" if status == 503 else "internal error")
    result = await deliver(app, device, until={SENT, FAILED})
    assert result.statuses == [QUEUED, RETRYING, SENT]
    retrying = result.receipt(RETRYING)
    assert (retrying.reason, retrying.provider_code) == (reason, expected_code)


async def test_hms_sensitive_content_is_dropped(app: PushApp, fakes: ProviderFakes) -> None:
    device = await register(app, HMS)
    fakes.hms.fail_requests(400, "80100016", "The message contains sensitive information")
    result = await deliver(app, device)
    assert result.statuses == [QUEUED, FAILED]
    assert_final(result, FAILED, "bad_request", "80100016")
    assert await device_status(app, device) == device_pb2.DEVICE_STATUS_ACTIVE


async def test_hms_too_large_is_refused_before_sending(app: PushApp, fakes: ProviderFakes) -> None:
    device = await register(app, HMS)
    # Within Clarion's data limit, but the HMS message (data as an escaped string plus the
    # notification) goes over Huawei's 4096 bytes.
    data = {f"k{i}": '"' * 40 for i in range(40)}
    result = await deliver(app, device, note(data=data))
    assert result.statuses == [QUEUED, FAILED]
    assert_final(result, FAILED, "payload_too_large", "80300008")
    assert fakes.hms.received(app.tokens[device.name]) == []


# MiPush ---------------------------------------------------------------------------------------


async def test_mipush_sends_form_parameters(app: PushApp, fakes: ProviderFakes) -> None:
    device = await register(app, MIPUSH)
    result = await deliver(app, device, note("Hi", "There", data={"order": "A-1"}))
    assert result.statuses == [QUEUED, SENT]
    [message] = fakes.mipush.received(app.tokens[device.name])
    params = message.params
    assert params["restricted_package_name"] == app.mipush_package
    assert (params["title"], params["description"]) == ("Hi", "There")
    assert json.loads(params["payload"])["order"] == "A-1"
    assert (params["pass_through"], params["notify_type"]) == ("0", "-1")
    assert int(params["time_to_live"]) > 0
    assert result.delivery.provider_message_id == message.message_id


async def test_mipush_long_texts_are_cut_to_its_limits(app: PushApp, fakes: ProviderFakes) -> None:
    device = await register(app, MIPUSH)
    result = await deliver(app, device, note("T" * 80, "B" * 300))
    assert result.statuses == [QUEUED, SENT]
    [message] = fakes.mipush.received(app.tokens[device.name])
    assert len(message.params["title"]) == 49 and message.params["title"].endswith("…")
    assert len(message.params["description"]) == 127


async def test_mipush_invalid_regid_invalidates_the_device(
    app: PushApp, fakes: ProviderFakes
) -> None:
    device = await register(app, MIPUSH)
    fakes.mipush.unregister(app.tokens[device.name])
    result = await deliver(app, device)
    assert result.statuses == [QUEUED, INVALID_TOKEN]
    assert_final(result, INVALID_TOKEN, "invalid_token", "20301")
    assert await device_status(app, device) == device_pb2.DEVICE_STATUS_INVALID


async def test_mipush_bad_regids_of_a_batch(app: PushApp, fakes: ProviderFakes) -> None:
    user = f"user-{secrets.token_hex(6)}"
    alive = await app.register(MIPUSH, user_id=user)
    dead = await app.register(MIPUSH, user_id=user)
    fakes.mipush.unregister(app.tokens[dead.name])
    send = await app.send(send_pb2.Target(user_id=user), note())
    await app.settled(send.name)
    by_device = await deliveries_by_device(app, send.name)
    ok, bad = by_device[alive.name], by_device[dead.name]
    assert ok.status == SENT
    # One request for both: the dead one in `bad_regids`. (On Postgres two workers may
    # claim one each, and the dead regid is then alone: 20301.)
    [accepted] = fakes.mipush.received(app.tokens[alive.name])
    together = app.tokens[dead.name] in accepted.params["registration_id"].split(",")
    assert (bad.status, bad.provider_code) == (INVALID_TOKEN, "bad_regids" if together else "20301")
    assert await device_status(app, dead) == device_pb2.DEVICE_STATUS_INVALID


async def test_mipush_authentication_failure(api: Api, app: PushApp, fakes: ProviderFakes) -> None:
    fakes.mipush.add_app(app.mipush_package, "rotated-elsewhere-secret")
    device = await register(app, MIPUSH)
    result = await deliver(app, device)
    assert result.statuses == [QUEUED, FAILED]
    assert_final(result, FAILED, "auth_error", "21301")
    assert "Authentication failed" in (await credential(api, app, MIPUSH)).last_error


@pytest.mark.parametrize(
    ("fault", "reason", "code"),
    [
        (
            {"code": 0, "reason": "Service Unavailable", "http_status": 503},
            "provider_unavailable",
            "503",
        ),
        ({"code": 200001, "reason": "quota exceeded for today"}, "rate_limited", "200001"),
    ],
)
async def test_mipush_transient_errors_retry(
    app: PushApp, fakes: ProviderFakes, fault: dict[str, object], reason: str, code: str
) -> None:
    device = await register(app, MIPUSH)
    fakes.mipush.fail_requests(**fault)  # type: ignore[arg-type]
    result = await deliver(app, device, until={SENT, FAILED})
    assert result.statuses == [QUEUED, RETRYING, SENT]
    retrying = result.receipt(RETRYING)
    assert (retrying.reason, retrying.provider_code) == (reason, code)


async def test_mipush_parameter_error_is_dropped(app: PushApp, fakes: ProviderFakes) -> None:
    device = await register(app, MIPUSH)
    fakes.mipush.fail_requests(10017, "invalid parameter: notify_id")
    result = await deliver(app, device)
    assert result.statuses == [QUEUED, FAILED]
    assert_final(result, FAILED, "bad_request", "10017")
    assert await device_status(app, device) == device_pb2.DEVICE_STATUS_ACTIVE
