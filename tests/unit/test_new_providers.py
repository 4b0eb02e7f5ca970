"""The pure halves of the Expo, HMS and MiPush modules: messages, requests and every row of
their error tables (providers.md §4-6), plus `apply_receipt` and the rate limiter's bucket."""

from __future__ import annotations

import asyncio
import gzip
import json
import random
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest

from clarion.dispatch.ratelimit import RateLimiter, TokenBucket
from clarion.domain.deliveries import DeliveryStatus, apply_receipt
from clarion.domain.push import (
    DeviceAddress,
    Outcome,
    OutcomeKind,
    Priority,
    ProviderCredential,
    PushContent,
    PushItem,
)
from clarion.providers import expo, hms, mipush
from clarion.providers.base import Undeliverable
from clarion.providers.transport import HttpRequest, HttpResponse

TOKEN = "ExponentPushToken[abcdefghijklmnop]"


def item(token: str = TOKEN, **content: object) -> PushItem:
    return PushItem("s/d", DeviceAddress(token=token), PushContent(**content))  # type: ignore[arg-type]


def response(status: int, body: object, **headers: str) -> HttpResponse:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return HttpResponse(status, dict(headers), raw, 0.01)


# Expo -----------------------------------------------------------------------------------------


def test_expo_message_fields_and_override() -> None:
    message = expo.build_message(
        item(
            title="T",
            body="B",
            data={"k": "v"},
            badge=3,
            priority=Priority.HIGH,
            ttl_seconds=60,
            overrides={"expo": {"channelId": "news", "to": "ExponentPushToken[other]"}},
        )
    )
    assert message == {
        "to": TOKEN,
        "title": "T",
        "body": "B",
        "data": {"k": "v"},
        "badge": 3,
        "ttl": 60,
        "priority": "high",
        "channelId": "news",
    }


def test_expo_message_over_4096_bytes_is_undeliverable() -> None:
    with pytest.raises(Undeliverable) as caught:
        expo.build_message(item(body="x" * 4100))
    assert (caught.value.outcome.reason, caught.value.outcome.provider_code) == (
        "payload_too_large",
        "MessageTooBig",
    )


def test_expo_bodies_over_1_kib_are_gzipped_and_the_token_is_a_bearer() -> None:
    small = expo.build_send_request([{"to": TOKEN}], None)
    assert dict(small.headers).get("content-encoding") is None
    assert "authorization" not in dict(small.headers)
    messages = [{"to": TOKEN, "body": "x" * 50} for _ in range(30)]
    big = expo.build_send_request(messages, "secret-token")
    headers = dict(big.headers)
    assert headers["content-encoding"] == "gzip"
    assert headers["authorization"] == "Bearer secret-token"
    assert json.loads(gzip.decompress(big.body)) == messages
    with pytest.raises(ValueError):
        expo.build_send_request([{"to": TOKEN}] * 101, None)
    with pytest.raises(ValueError):
        expo.build_receipts_request(["id"] * 301, None)


@pytest.mark.parametrize(
    ("code", "kind", "reason"),
    [
        ("DeviceNotRegistered", OutcomeKind.INVALID_TOKEN, "invalid_token"),
        ("MessageTooBig", OutcomeKind.DROP, "payload_too_large"),
        ("MessageRateExceeded", OutcomeKind.RETRY, "rate_limited"),
        ("MismatchSenderId", OutcomeKind.CREDENTIAL, "auth_error"),
        ("InvalidCredentials", OutcomeKind.CREDENTIAL, "auth_error"),
        ("SomethingNew", OutcomeKind.DROP, "bad_request"),
    ],
)
def test_expo_error_codes(code: str, kind: OutcomeKind, reason: str) -> None:
    outcome = expo.error_outcome(code, "message")
    assert (outcome.kind, outcome.reason, outcome.provider_code) == (kind, reason, code)


@pytest.mark.parametrize(
    ("status", "code", "kind", "reason"),
    [
        (429, "TOO_MANY_REQUESTS", OutcomeKind.RETRY, "rate_limited"),
        (401, "UNAUTHORIZED", OutcomeKind.CREDENTIAL, "auth_error"),
        (400, "PUSH_TOO_MANY_EXPERIENCE_IDS", OutcomeKind.DROP, "bad_request"),
        (400, "VALIDATION_ERROR", OutcomeKind.DROP, "bad_request"),
        (500, "INTERNAL_SERVER_ERROR", OutcomeKind.RETRY, "provider_unavailable"),
    ],
)
def test_expo_request_failures(status: int, code: str, kind: OutcomeKind, reason: str) -> None:
    answer = response(status, {"errors": [{"code": code, "message": "m"}]})
    outcomes = expo.classify_tickets(answer, 2)
    assert len(outcomes) == 2
    assert {(o.kind, o.reason, o.provider_code) for o in outcomes} == {(kind, reason, code)}


def test_expo_429_waits_for_retry_after_or_a_second() -> None:
    [plain] = expo.classify_tickets(response(429, {"errors": [{"code": "TOO_MANY_REQUESTS"}]}), 1)
    assert plain.retry_after == expo.RATE_LIMIT_BACKOFF
    told = response(429, {"errors": [{"code": "TOO_MANY_REQUESTS"}]}, **{"retry-after": "7"})
    assert expo.classify_tickets(told, 1)[0].retry_after == 7


def test_expo_tickets_in_order_and_a_single_object() -> None:
    tickets = {
        "data": [
            {"status": "ok", "id": "t1"},
            {"status": "error", "message": "m", "details": {"error": "DeviceNotRegistered"}},
        ]
    }
    ok, dead = expo.classify_tickets(response(200, tickets), 2)
    assert (ok.kind, ok.provider_message_id) == (OutcomeKind.SENT, "t1")
    assert dead.kind is OutcomeKind.INVALID_TOKEN
    [single] = expo.classify_tickets(response(200, {"data": {"status": "ok", "id": "t9"}}), 1)
    assert single.provider_message_id == "t9"
    mismatch = expo.classify_tickets(response(200, {"data": [{"status": "ok", "id": "x"}]}), 2)
    assert {o.kind for o in mismatch} == {OutcomeKind.RETRY}


def test_expo_receipts() -> None:
    body = {
        "data": {
            "a": {"status": "ok"},
            "b": {"status": "error", "message": "m", "details": {"error": "MessageTooBig"}},
        }
    }
    receipts = expo.classify_receipts(response(200, body))
    assert isinstance(receipts, dict)
    assert receipts["a"].kind is OutcomeKind.SENT
    assert receipts["b"].reason == "payload_too_large"
    failed = expo.classify_receipts(response(503, b"busy"))
    assert isinstance(failed, Outcome) and failed.kind is OutcomeKind.RETRY


# apply_receipt ------------------------------------------------------------------------------

NOW = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("outcome", "status", "invalidate", "credential_error"),
    [
        (Outcome.sent("t1"), DeliveryStatus.DELIVERED, False, ""),
        (Outcome.invalid_token("DeviceNotRegistered"), DeliveryStatus.INVALID_TOKEN, True, ""),
        (Outcome.drop("payload_too_large", "MessageTooBig"), DeliveryStatus.FAILED, False, ""),
        (Outcome.credential("InvalidCredentials", "bad"), DeliveryStatus.FAILED, False, "bad"),
        (Outcome.retry("rate_limited", "MessageRateExceeded"), DeliveryStatus.RETRYING, False, ""),
    ],
)
def test_apply_receipt(
    outcome: Outcome, status: DeliveryStatus, invalidate: bool, credential_error: str
) -> None:
    transition = apply_receipt(
        outcome,
        now=NOW,
        attempt=1,
        expires_at=NOW + timedelta(days=1),
        max_attempts=8,
        rng=random.Random(1),
    )
    assert transition.status is status
    assert transition.invalidate_device is invalidate
    assert transition.credential_error == credential_error
    assert (transition.due_at is not None) is (status is DeliveryStatus.RETRYING)


# HMS ------------------------------------------------------------------------------------------


def test_hms_message_and_request() -> None:
    content = PushContent(
        title="T", body="B", data={"k": "v"}, collapse_key="7", priority=Priority.HIGH
    )
    message = hms.build_message(content, now=0)
    assert message["data"] == '{"k":"v"}'
    assert message["notification"] == {"title": "T", "body": "B"}
    assert message["android"]["urgency"] == "HIGH"
    assert message["android"]["collapse_key"] == 7
    assert message["android"]["notification"]["click_action"] == {"type": 3}
    request = hms.build_request(["tok1", "tok2"], message, "12345", "access")
    assert request.url == f"{hms.PUSH_URL}/v1/12345/messages:send"
    assert dict(request.headers)["authorization"] == "Bearer access"
    body = json.loads(request.body)
    assert body["message"]["token"] == ["tok1", "tok2"] and body["validate_only"] is False


def test_hms_data_only_message_has_no_notification() -> None:
    message = hms.build_message(PushContent(content_available=True, data={"k": "v"}), now=0)
    assert "notification" not in message and "notification" not in message["android"]


@pytest.mark.parametrize(
    ("status", "code", "kind", "reason"),
    [
        (400, "80300007", OutcomeKind.INVALID_TOKEN, "invalid_token"),
        (400, "80100001", OutcomeKind.DROP, "bad_request"),
        (400, "80100003", OutcomeKind.DROP, "bad_request"),
        (400, "80100016", OutcomeKind.DROP, "bad_request"),
        (400, "80300008", OutcomeKind.DROP, "payload_too_large"),
        (400, "80300010", OutcomeKind.DROP, "bad_request"),
        (401, "80200001", OutcomeKind.CREDENTIAL, "auth_error"),
        (401, "80200003", OutcomeKind.CREDENTIAL, "auth_error"),
        (403, "80300002", OutcomeKind.CREDENTIAL, "auth_error"),
        (500, "81000001", OutcomeKind.RETRY, "provider_unavailable"),
        (500, "80600003", OutcomeKind.RETRY, "provider_unavailable"),
        (503, "", OutcomeKind.RETRY, "rate_limited"),
    ],
)
def test_hms_result_codes(status: int, code: str, kind: OutcomeKind, reason: str) -> None:
    body = {"code": code, "msg": "m", "requestId": "r"} if code else b"flow control"
    outcomes = hms.classify(response(status, body), ["a", "b"])
    assert {(o.kind, o.reason) for o in outcomes} == {(kind, reason)}


def test_hms_partial_success_per_token() -> None:
    msg = json.dumps({"success": 1, "failure": 1, "illegal_tokens": ["b"]})
    a, b = hms.classify(
        response(200, {"code": "80100000", "msg": msg, "requestId": "r"}), ["a", "b"]
    )
    assert (a.kind, a.provider_message_id) == (OutcomeKind.SENT, "r")
    assert b.kind is OutcomeKind.INVALID_TOKEN


# MiPush ---------------------------------------------------------------------------------------


def test_mipush_params_and_request() -> None:
    content = PushContent(title="T", body="", data={"k": "v"}, ttl_seconds=60)
    params = mipush.build_params(content, "com.example.app", now=0)
    assert params["description"] == "T"  # MiPush requires one: the title stands in
    assert params["time_to_live"] == "60000"
    assert json.loads(params["payload"]) == {"k": "v"}
    request = mipush.build_request(["r1", "r2"], params, "s3cret", base_url="https://h")
    assert request.url == "https://h/v3/message/regid"
    assert dict(request.headers)["authorization"] == "key=s3cret"
    form = parse_qs(request.body.decode())
    assert form["registration_id"] == ["r1,r2"]
    assert form["restricted_package_name"] == ["com.example.app"]


@pytest.mark.parametrize(
    ("status", "body", "kind", "reason"),
    [
        (
            200,
            {"result": "error", "code": 20301, "reason": "No valid targets!"},
            OutcomeKind.INVALID_TOKEN,
            "invalid_token",
        ),
        (
            200,
            {"result": "error", "code": 21301, "reason": "Authentication failed"},
            OutcomeKind.CREDENTIAL,
            "auth_error",
        ),
        (
            200,
            {"result": "error", "code": 200001, "reason": "quota exceeded"},
            OutcomeKind.RETRY,
            "rate_limited",
        ),
        (
            200,
            {"result": "error", "code": 10017, "reason": "invalid parameter"},
            OutcomeKind.DROP,
            "bad_request",
        ),
        (503, b"busy", OutcomeKind.RETRY, "provider_unavailable"),
        (401, b"no", OutcomeKind.CREDENTIAL, "auth_error"),
    ],
)
def test_mipush_responses(status: int, body: object, kind: OutcomeKind, reason: str) -> None:
    outcomes = mipush.classify(response(status, body), ["a"])
    assert [(o.kind, o.reason) for o in outcomes] == [(kind, reason)]


def test_mipush_bad_regids_of_a_success() -> None:
    body = {"result": "ok", "code": 0, "data": {"id": "m1", "bad_regids": "b"}}
    a, b = mipush.classify(response(200, body), ["a", "b"])
    assert (a.kind, a.provider_message_id) == (OutcomeKind.SENT, "m1")
    assert b.kind is OutcomeKind.INVALID_TOKEN


# The rate limiter -----------------------------------------------------------------------------


def test_token_bucket_spreads_and_refills() -> None:
    bucket = TokenBucket(600, now=0.0)  # burst: 60 (a tenth of a second)
    assert bucket.reserve(60, 0.0) == 0.0
    assert bucket.reserve(60, 0.0) == pytest.approx(0.1)
    assert bucket.reserve(600, 0.0) == pytest.approx(1.1)
    assert bucket.wait_for(1, 10.0) == 0.0  # refilled, but never beyond its capacity
    assert bucket.reserve(61, 10.0) == pytest.approx(1 / 600)


def test_limiter_plans_slices_and_defers_past_max_wait() -> None:
    clock = [0.0]
    limiter = RateLimiter({"expo": 600, "apns": 0}, clock=lambda: clock[0])
    assert limiter.limited("expo") and not limiter.limited("apns")
    plan = limiter.plan("app", "expo", 500, max_wait=10)
    assert [len(ix) for _, ix in plan.send] == [60] * 8 + [20]
    delays = [d for d, _ in plan.send]
    assert delays == sorted(delays) and delays[-1] == pytest.approx(440 / 600)
    assert not plan.defer
    # The bucket is overdrawn by 440: within half a second only a few slices may go.
    later = limiter.plan("app", "expo", 500, max_wait=0.9)
    sent = sum(len(ix) for _, ix in later.send)
    deferred = sum(len(ix) for _, ix in later.defer)
    assert sent + deferred == 500 and 0 < sent < 500
    assert all(d > 0.9 for d, _ in later.defer)
    # Another credential has a bucket of its own.
    assert limiter.plan("other", "expo", 60, max_wait=0).send[0][0] == 0.0


class _Recorder:
    """A `Requester` that records requests and answers MiPush success."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    async def request(self, request: HttpRequest) -> HttpResponse:
        self.urls.append(request.url)
        body = {"result": "ok", "code": 0, "data": {"id": "m"}}
        return HttpResponse(200, {}, json.dumps(body).encode(), 0.01)


@pytest.mark.parametrize(
    ("region", "host"),
    [("china", "https://cn"), ("global-eea", "https://eea"), ("global-in", "https://in")],
)
async def test_mipush_sends_to_the_credentials_region(region: str, host: str) -> None:
    recorder = _Recorder()
    provider = mipush.MiPushProvider(
        recorder,
        hosts={"china": "https://cn", "global-eea": "https://eea", "global-in": "https://in"},
    )
    credential = ProviderCredential(
        "app", {"package_name": "com.example.app", "region": region}, b"s3cret"
    )
    shared = PushContent(title="T", body="B")
    items = [PushItem(f"s/{n}", DeviceAddress(token=f"regid{n:030}"), shared) for n in range(3)]
    outcomes = await provider.send_many(credential, items)
    assert [o.kind for o in outcomes] == [OutcomeKind.SENT] * 3
    assert recorder.urls == [f"{host}/v3/message/regid"]  # one request for the shared content


class _ExpoProjects:
    """A `Requester` playing Expo for two projects: a request mixing them is refused with
    PUSH_TOO_MANY_EXPERIENCE_IDS and Expo's details, any other gets ok tickets."""

    def __init__(self, projects: dict[str, str]) -> None:
        self.projects = projects  # token -> project
        self.batches: list[list[str]] = []

    async def request(self, request: HttpRequest) -> HttpResponse:
        body = request.body
        if dict(request.headers).get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        tokens = [m["to"] for m in json.loads(body)]
        self.batches.append(tokens)
        by_project: dict[str, list[str]] = {}
        for token in tokens:
            if token in self.projects:
                by_project.setdefault(self.projects[token], []).append(token)
        if len(by_project) > 1:
            error = {"code": "PUSH_TOO_MANY_EXPERIENCE_IDS", "message": "m", "details": by_project}
            return HttpResponse(400, {}, json.dumps({"errors": [error]}).encode(), 0.01)
        tickets = [{"status": "ok", "id": f"ticket-{t}"} for t in tokens]
        return HttpResponse(200, {}, json.dumps({"data": tickets}).encode(), 0.01)


async def test_expo_splits_a_batch_mixing_projects() -> None:
    a = [f"ExponentPushToken[a{n}]" for n in range(3)]
    b = [f"ExponentPushToken[b{n}]" for n in range(2)]
    unknown = "ExponentPushToken[zzz]"
    order = [a[0], b[0], a[1], unknown, b[1], a[2]]
    expo_api = _ExpoProjects({t: "@x/a" for t in a} | {t: "@x/b" for t in b})
    provider = expo.ExpoProvider(expo_api)
    outcomes = await provider.send_many(
        ProviderCredential("app", {}, b""), [item(token) for token in order]
    )
    # In order, each with its own ticket, after one refused request and one per group.
    assert [o.provider_message_id for o in outcomes] == [f"ticket-{t}" for t in order]
    assert expo_api.batches[0] == order
    assert sorted(map(sorted, expo_api.batches[1:])) == sorted([sorted(a), sorted(b), [unknown]])


class _CountingTokens(hms.HmsTokenSource):
    """The token source with Huawei's endpoint replaced by a counter (still in a thread)."""

    def __init__(self, clock: list[float]) -> None:
        super().__init__(clock=lambda: clock[0])
        self.fetches = 0

    def _post(self, client_id: str, client_secret: str) -> tuple[str, float]:
        self.fetches += 1
        return f"token-{self.fetches}", 3600.0


async def test_hms_tokens_are_cached_and_renewed_in_the_background() -> None:
    clock = [0.0]
    source = _CountingTokens(clock)
    credential = ProviderCredential("app", {"app_id": "1", "client_id": "1"}, b"secret" * 3)
    try:
        # Ten callers at once, no token yet: one fetch, and all of them get its token.
        tokens = await asyncio.gather(*(source.token(credential) for _ in range(10)))
        assert set(tokens) == {"token-1"} and source.fetches == 1
        clock[0] = 3000.0
        assert await source.token(credential) == "token-1" and source.fetches == 1
        # In the last five minutes: the old token is still handed out, a new one comes.
        clock[0] = 3400.0
        assert await source.token(credential) == "token-1"
        for _ in range(100):
            if source.fetches == 2:
                break
            await asyncio.sleep(0.01)
        assert await source.token(credential) == "token-2"
        # Too close to its end to use: callers wait for the fetch.
        clock[0] = 3400.0 + 3600.0 - 10
        assert await source.token(credential) == "token-3"
    finally:
        await source.aclose()
