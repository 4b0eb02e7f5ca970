"""End to end over gRPC: every error action of APNs, FCM v1 and Web Push, as the fakes answer
it on the wire, ends in the status, reason and provider code that the provider's
`classify()` table promises, with its side effect (a dead device, a credential's last error,
a retry that honours Retry-After) and the receipts WatchReceipts streams for it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from google.protobuf import duration_pb2, struct_pb2

from clarion.v1 import (
    credential_pb2,
    credentials_service_pb2,
    device_pb2,
    notification_pb2,
    provider_pb2,
)
from delivery_kit import (
    BUNDLE,
    EXPIRED,
    FAILED,
    INVALID_TOKEN,
    QUEUED,
    RETRYING,
    SENT,
    SUPPRESSED,
    TEAM,
    PushApp,
    Result,
    apns_token,
    assert_final,
    credential,
    deliver,
    device_status,
    fcm_token,
    note,
    push_app,
    register,
)
from fakes.apns import make_apns_key
from fakes.fcm import ERRORS
from harness import Api, ProviderFakes

APNS = provider_pb2.PROVIDER_APNS
FCM = provider_pb2.PROVIDER_FCM
WEBPUSH = provider_pb2.PROVIDER_WEBPUSH

# Long enough that the first attempt's backoff (full jitter, at most 1 s) cannot pass for it.
RETRY_AFTER = 2
# libcurl silently resends a request once when a *reused* connection dies before answering;
# dropping twice makes the failure reach the dispatcher whether or not the connection was
# warm (a fresh one is not resent, so the delivery may then be retried twice).
DROPS = 2


async def assert_invalidated(
    app: PushApp,
    device: device_pb2.Device,
    result: Result,
    reason: str,
    code: str,
    reached_device: Callable[[], int],
) -> None:
    """INVALID_TOKEN after one attempt, the device INVALID, and a later send to it is
    SUPPRESSED without ever reaching the provider."""
    assert result.statuses == [QUEUED, INVALID_TOKEN]
    assert_final(result, INVALID_TOKEN, reason, code)
    assert result.delivery.attempts == 1
    assert await device_status(app, device) == device_pb2.DEVICE_STATUS_INVALID

    # Named directly, an inactive device gets a delivery that says why nothing went out.
    again = await deliver(app, device, by_id=True)
    assert again.statuses == [SUPPRESSED]
    assert_final(again, SUPPRESSED, "device_inactive", "")
    assert again.delivery.attempts == 0
    done = await app.settled(again.send.name)
    assert done.counts.suppressed == 1 and done.counts.pending == 0
    # The fault answered once only: a resend would have been accepted and recorded.
    assert reached_device() == 0


def assert_recovered(result: Result, reason: str, code: str, *, sent_code: str = "") -> None:
    """RETRYING receipts carrying the provider's answer, then SENT on the next attempt."""
    assert result.statuses[0] == QUEUED and result.statuses[-1] == SENT
    retries = result.receipts[1:-1]
    assert retries and {r.status for r in retries} == {RETRYING}
    for n, retrying in enumerate(retries, start=1):
        assert (retrying.reason, retrying.provider_code, retrying.attempt) == (reason, code, n)
    assert result.receipt(SENT).attempt == len(retries) + 1
    assert_final(result, SENT, "", sent_code)
    assert result.delivery.attempts == len(retries) + 1
    assert result.delivery.provider_message_id


def assert_retried_then_sent(
    result: Result, reason: str, code: str, *, sent_code: str = "", at_least: float = 0.0
) -> None:
    """One RETRYING receipt, then SENT on attempt 2, at least `at_least` seconds later."""
    assert result.statuses == [QUEUED, RETRYING, SENT]
    assert_recovered(result, reason, code, sent_code=sent_code)
    retrying, sent = result.receipt(RETRYING), result.receipt(SENT)
    gap = (sent.time.ToNanoseconds() - retrying.time.ToNanoseconds()) / 1e9
    assert gap >= at_least, f"retried {gap:.3f}s after the failure, Retry-After {at_least}s"


async def assert_token_kept(app: PushApp, device: device_pb2.Device) -> None:
    """A DROP or CREDENTIAL failure leaves the device ACTIVE: the next send goes out."""
    assert await device_status(app, device) == device_pb2.DEVICE_STATUS_ACTIVE
    again = await deliver(app, device)
    assert again.statuses == [QUEUED, SENT]


# APNs -----------------------------------------------------------------------------------------


def apns_reached(fakes: ProviderFakes, token: str) -> Callable[[], int]:
    return lambda: sum(n.token == token for n in fakes.apns.accepted)


@pytest.mark.parametrize(
    ("status", "apns_reason", "reason"),
    [
        (410, "Unregistered", "invalid_token"),
        (410, "ExpiredToken", "invalid_token"),
        (400, "BadDeviceToken", "invalid_token"),
        (400, "DeviceTokenNotForTopic", "topic_mismatch"),
    ],
)
async def test_apns_dead_token_invalidates_the_device_and_is_never_sent_again(
    api: Api, fakes: ProviderFakes, status: int, apns_reason: str, reason: str
) -> None:
    app = await push_app(api, fakes)
    token = apns_token()
    device = await register(app, APNS, token=token)
    fakes.apns.fail(token, status, apns_reason, times=1)

    result = await deliver(app, device)

    await assert_invalidated(app, device, result, reason, apns_reason, apns_reached(fakes, token))
    assert (await credential(api, app, APNS)).last_error == ""


@pytest.mark.parametrize(
    ("status", "apns_reason", "reason"),
    [
        (413, "PayloadTooLarge", "payload_too_large"),
        (400, "BadExpirationDate", "bad_request"),
        (403, "MissingProviderToken", "bad_request"),
    ],
)
async def test_apns_undeliverable_message_fails_and_keeps_the_token(
    api: Api, fakes: ProviderFakes, status: int, apns_reason: str, reason: str
) -> None:
    app = await push_app(api, fakes)
    token = apns_token()
    device = await register(app, APNS, token=token)
    fakes.apns.fail(token, status, apns_reason, times=1)

    result = await deliver(app, device)

    assert result.statuses == [QUEUED, FAILED]
    assert_final(result, FAILED, reason, apns_reason)
    assert result.delivery.attempts == 1
    assert (await credential(api, app, APNS)).last_error == ""
    await assert_token_kept(app, device)


@pytest.mark.parametrize(
    ("status", "apns_reason"),
    [
        (400, "TopicDisallowed"),
        (400, "BadTopic"),
        (403, "InvalidProviderToken"),
        (403, "Forbidden"),
    ],
)
async def test_apns_credential_error_fails_with_auth_error_and_records_it(
    api: Api, fakes: ProviderFakes, status: int, apns_reason: str
) -> None:
    app = await push_app(api, fakes)
    token = apns_token()
    device = await register(app, APNS, token=token)
    fakes.apns.fail(token, status, apns_reason, times=1)

    result = await deliver(app, device)

    assert result.statuses == [QUEUED, FAILED]
    assert_final(result, FAILED, "auth_error", apns_reason)
    cred = await credential(api, app, APNS)
    assert apns_reason in cred.last_error  # APNs's JSON body, {"reason": ...}
    assert cred.last_error_time.seconds > 0
    await assert_token_kept(app, device)


async def test_apns_key_apple_does_not_know_is_an_auth_error(
    api: Api, fakes: ProviderFakes
) -> None:
    """No injected fault: the fake itself refuses a provider token signed by an unknown key."""
    app = await push_app(api, fakes)
    unknown = make_apns_key(TEAM, "UNKNOWNKEY")
    await api.admin(
        api.admin.creds.PutCredential,
        credentials_service_pb2.PutCredentialRequest(
            parent=app.parent,
            apns=credential_pb2.ApnsTokenKey(
                p8_key=unknown.pem.decode(),
                key_id=unknown.key_id,
                team_id=TEAM,
                bundle_id=BUNDLE,
                default_environment=provider_pb2.APNS_ENVIRONMENT_PRODUCTION,
            ),
        ),
    )
    device = await register(app, APNS)

    result = await deliver(app, device)

    assert_final(result, FAILED, "auth_error", "InvalidProviderToken")
    assert "InvalidProviderToken" in (await credential(api, app, APNS)).last_error
    assert await device_status(app, device) == device_pb2.DEVICE_STATUS_ACTIVE


async def test_apns_expired_provider_token_waits_for_the_signing_floor(
    api: Api, fakes: ProviderFakes
) -> None:
    """ExpiredProviderToken is RETRY auth_error: a new JWT is signed at the next attempt, but
    not within 20 minutes of the last one (APNs's floor), so the retry is due that late."""
    app = await push_app(api, fakes)
    token = apns_token()
    device = await register(app, APNS, token=token)
    fakes.apns.fail(token, 403, "ExpiredProviderToken", times=1)

    result = await deliver(app, device, until={RETRYING})

    assert result.statuses == [QUEUED, RETRYING]
    assert_final(result, RETRYING, "auth_error", "ExpiredProviderToken")
    delay = (
        result.delivery.next_attempt_time.ToNanoseconds()
        - result.receipt(RETRYING).time.ToNanoseconds()
    ) / 1e9
    assert 19 * 60 < delay <= 20 * 60
    assert (await credential(api, app, APNS)).last_error == ""  # a retry, not a bad credential
    assert await device_status(app, device) == device_pb2.DEVICE_STATUS_ACTIVE


@pytest.mark.parametrize(
    ("status", "apns_reason", "reason"),
    [
        (429, "TooManyRequests", "rate_limited"),
        (500, "InternalServerError", "provider_unavailable"),
        (503, "ServiceUnavailable", "provider_unavailable"),
        (503, "Shutdown", "provider_unavailable"),
        (400, "IdleTimeout", "provider_unavailable"),
    ],
)
async def test_apns_transient_error_is_retried_then_sent(
    api: Api, fakes: ProviderFakes, status: int, apns_reason: str, reason: str
) -> None:
    # APNs sends no Retry-After (providers.md §1): the retry waits the jittered backoff.
    app = await push_app(api, fakes)
    token = apns_token()
    device = await register(app, APNS, token=token)
    fakes.apns.fail(token, status, apns_reason, times=1)

    result = await deliver(app, device)

    assert_retried_then_sent(result, reason, apns_reason)
    assert apns_reached(fakes, token)() == 1


async def test_apns_dropped_connection_is_retried_then_sent(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)
    token = apns_token()
    device = await register(app, APNS, token=token)
    fakes.apns.drop(token, times=DROPS)

    result = await deliver(app, device)

    assert_recovered(result, "provider_unavailable", "ProtocolError")
    assert apns_reached(fakes, token)() == 1


# FCM ------------------------------------------------------------------------------------------


def fcm_reached(fakes: ProviderFakes, token: str) -> Callable[[], int]:
    return lambda: sum(m.message.get("token") == token for m in fakes.fcm.accepted)


@pytest.mark.parametrize(
    ("error_code", "reason"),
    [
        ("UNREGISTERED", "invalid_token"),
        # FCM's INVALID_ARGUMENT about the token: "The registration token is not a valid FCM
        # registration token".
        ("INVALID_ARGUMENT", "invalid_token"),
        ("SENDER_ID_MISMATCH", "topic_mismatch"),
    ],
)
async def test_fcm_dead_token_invalidates_the_device_and_is_never_sent_again(
    api: Api, fakes: ProviderFakes, error_code: str, reason: str
) -> None:
    app = await push_app(api, fakes)
    token = fcm_token()
    device = await register(app, FCM, token=token)
    fakes.fcm.fail(token, error_code, times=1)

    result = await deliver(app, device)

    await assert_invalidated(app, device, result, reason, error_code, fcm_reached(fakes, token))
    assert (await credential(api, app, FCM)).last_error == ""


async def test_fcm_invalid_argument_not_about_the_token_fails_as_bad_request(
    api: Api, fakes: ProviderFakes
) -> None:
    """No injected fault: FCM itself refuses an android priority it does not know, with a
    BadRequest field violation on `message.android.priority`."""
    app = await push_app(api, fakes)
    token = fcm_token()
    device = await register(app, FCM, token=token)
    android = struct_pb2.Struct()
    android.update({"priority": "URGENT"})
    bad = note(overrides=notification_pb2.ProviderOverrides(fcm_android=android))

    result = await deliver(app, device, bad)

    assert result.statuses == [QUEUED, FAILED]
    assert_final(result, FAILED, "bad_request", "INVALID_ARGUMENT")
    assert fakes.fcm.responses[-1] == (400, "INVALID_ARGUMENT")
    assert (await credential(api, app, FCM)).last_error == ""
    await assert_token_kept(app, device)


async def test_fcm_third_party_auth_error_fails_with_auth_error_and_records_it(
    api: Api, fakes: ProviderFakes
) -> None:
    app = await push_app(api, fakes)
    token = fcm_token()
    device = await register(app, FCM, token=token)
    fakes.fcm.fail(token, "THIRD_PARTY_AUTH_ERROR", times=1)

    result = await deliver(app, device)

    assert result.statuses == [QUEUED, FAILED]
    assert_final(result, FAILED, "auth_error", "THIRD_PARTY_AUTH_ERROR")
    assert result.delivery.attempts == 1  # no token refresh and resend for this 401
    cred = await credential(api, app, FCM)
    assert cred.last_error == ERRORS["THIRD_PARTY_AUTH_ERROR"][2]
    assert cred.last_error_time.seconds > 0
    await assert_token_kept(app, device)


@pytest.mark.parametrize(
    ("error_code", "reason", "retry_after"),
    [
        ("QUOTA_EXCEEDED", "rate_limited", RETRY_AFTER),
        ("UNAVAILABLE", "provider_unavailable", RETRY_AFTER),
        ("UNAVAILABLE", "provider_unavailable", None),
        ("INTERNAL", "provider_unavailable", None),
    ],
)
async def test_fcm_transient_error_is_retried_then_sent(
    api: Api, fakes: ProviderFakes, error_code: str, reason: str, retry_after: int | None
) -> None:
    app = await push_app(api, fakes)
    token = fcm_token()
    device = await register(app, FCM, token=token)
    fakes.fcm.fail(
        token,
        error_code,
        retry_after=None if retry_after is None else str(retry_after),
        times=1,
    )

    result = await deliver(app, device)

    assert_retried_then_sent(result, reason, error_code, at_least=retry_after or 0.0)
    assert fcm_reached(fakes, token)() == 1


async def test_fcm_dropped_connection_is_retried_then_sent(api: Api, fakes: ProviderFakes) -> None:
    app = await push_app(api, fakes)
    token = fcm_token()
    device = await register(app, FCM, token=token)
    fakes.fcm.drop(token, times=DROPS)

    result = await deliver(app, device)

    assert_recovered(result, "provider_unavailable", "ProtocolError")
    assert fcm_reached(fakes, token)() == 1


# Web Push -------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [410, 404])
async def test_webpush_gone_subscription_invalidates_the_device_and_is_never_sent_again(
    api: Api, fakes: ProviderFakes, answer: int
) -> None:
    app = await push_app(api, fakes)
    device = await register(app, WEBPUSH)
    sub = app.subscriptions[device.name]
    if answer == 410:
        fakes.webpush.unsubscribe(sub)
    else:
        fakes.webpush.forget(sub)

    result = await deliver(app, device)

    # Revive it at the push service: were Clarion to push again, it would be received.
    sub.state = "active"
    await assert_invalidated(
        app, device, result, "invalid_token", str(answer), lambda: len(sub.received)
    )


async def test_webpush_413_fails_as_payload_too_large_and_keeps_the_subscription(
    api: Api, fakes: ProviderFakes
) -> None:
    app = await push_app(api, fakes)
    device = await register(app, WEBPUSH)
    fakes.webpush.respond_with(app.subscriptions[device.name], 413, times=1)

    result = await deliver(app, device)

    assert result.statuses == [QUEUED, FAILED]
    assert_final(result, FAILED, "payload_too_large", "413")
    await assert_token_kept(app, device)
    assert len(app.subscriptions[device.name].received) == 1


@pytest.mark.parametrize(
    ("answer", "reason", "retry_after"),
    [
        (429, "rate_limited", RETRY_AFTER),
        (503, "provider_unavailable", RETRY_AFTER),
        (500, "provider_unavailable", None),
    ],
)
async def test_webpush_transient_error_is_retried_then_sent(
    api: Api, fakes: ProviderFakes, answer: int, reason: str, retry_after: int | None
) -> None:
    app = await push_app(api, fakes)
    device = await register(app, WEBPUSH)
    sub = app.subscriptions[device.name]
    fakes.webpush.respond_with(
        sub, answer, retry_after=None if retry_after is None else str(retry_after), times=1
    )

    result = await deliver(app, device)

    assert_retried_then_sent(
        result, reason, str(answer), sent_code="201", at_least=retry_after or 0.0
    )
    assert len(sub.received) == 1


async def test_webpush_dropped_connection_is_retried_then_sent(
    api: Api, fakes: ProviderFakes
) -> None:
    app = await push_app(api, fakes)
    device = await register(app, WEBPUSH)
    sub = app.subscriptions[device.name]
    fakes.webpush.drop_connection(sub, times=DROPS)

    result = await deliver(app, device)

    assert_recovered(result, "provider_unavailable", "ProtocolError", sent_code="201")
    assert len(sub.received) == 1


# The retry bound ------------------------------------------------------------------------------


async def test_a_token_that_always_fails_expires_at_its_ttl(api: Api, fakes: ProviderFakes) -> None:
    """Retries stop at the TTL: the next backoff would land after it, so EXPIRED."""
    ttl = 3
    app = await push_app(api, fakes)
    token = apns_token()
    device = await register(app, APNS, token=token)
    fakes.apns.fail(token, 500, "InternalServerError")  # every attempt
    try:
        result = await deliver(
            app, device, note(ttl=duration_pb2.Duration(seconds=ttl)), within=ttl + 5
        )
    finally:
        fakes.apns.heal(token)

    assert result.statuses[0] == QUEUED and result.statuses[-1] == EXPIRED
    assert set(result.statuses[1:-1]) == {RETRYING}
    for retrying in result.receipts[1:-1]:
        assert (retrying.reason, retrying.provider_code) == (
            "provider_unavailable",
            "InternalServerError",
        )
    # Expired on deciding a retry that would land past the TTL (the last answer's code),
    # or on claiming a delivery already past it (no code).
    assert result.delivery.provider_code in ("InternalServerError", "")
    assert_final(result, EXPIRED, "expired", result.delivery.provider_code)
    expired_at = result.receipt(EXPIRED).time.ToNanoseconds()
    assert (expired_at - result.send.create_time.ToNanoseconds()) / 1e9 < ttl + 1
    assert apns_reached(fakes, token)() == 0
    assert (await app.settled(result.send.name)).counts.cancelled_or_expired == 1
