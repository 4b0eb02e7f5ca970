"""Web Push: RFC 8291 encryption, VAPID, and every response row, through the real transport.

The fake push service (`fakes.webpush`) decrypts what it receives with the subscription's
own private key and verifies VAPID with PyJWT, so a round trip here proves the bytes a
browser would get, not just that a request went out.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from clarion.domain.credential_rules import VapidCredential, validate_vapid_credential
from clarion.domain.device_rules import decode_base64url, encode_base64url
from clarion.domain.push import (
    BAD_REQUEST,
    EXPIRED,
    INVALID_TOKEN,
    PAYLOAD_TOO_LARGE,
    PROVIDER_UNAVAILABLE,
    RATE_LIMITED,
    DeviceAddress,
    Outcome,
    OutcomeKind,
    Priority,
    ProviderCredential,
    PushContent,
    PushItem,
)
from clarion.providers import webpush_crypto
from clarion.providers.transport import HttpRequest, HttpResponse, Transport, TransportConfig
from clarion.providers.webpush import (
    VapidTokens,
    WebPushProvider,
    build_payload,
    build_request,
    classify,
    endpoint_origin,
    load_vapid_key,
    topic_for,
)
from fakes.tls import TlsMaterial, make_tls_material
from fakes.webpush import FakeSubscription, WebPushService, decrypt_aes128gcm

SUBJECT = "mailto:ops@example.com"

# RFC 8291 appendix A.
RFC_PLAINTEXT = b"When I grow up, I want to be a watermelon"
RFC_AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"
RFC_UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
RFC_UA_PUBLIC = (
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
)
RFC_SALT = "DGv6ra1nlYgDCS1FRnbzlw"
RFC_AUTH = "BTBZMqHH6r4Tts7J_aSIgg"
RFC_BODY = (
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS"
    "6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qu"
    "lcy4a-fN"
)


def _scalar_key(b64: str) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int.from_bytes(decode_base64url(b64), "big"), ec.SECP256R1())


# Fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsMaterial:
    return make_tls_material(tmp_path_factory.mktemp("webpush-tls"))


@pytest.fixture(scope="module")
def vapid() -> VapidCredential:
    return validate_vapid_credential(subject=SUBJECT)


@pytest.fixture
def credential(vapid: VapidCredential) -> ProviderCredential:
    return ProviderCredential(app_id="app-1", metadata=vapid.metadata(), secret=vapid.secret)


@pytest.fixture
async def service(tls: TlsMaterial) -> AsyncIterator[WebPushService]:
    async with WebPushService(tls) as running:
        yield running


@pytest.fixture
async def transport(tls: TlsMaterial, service: WebPushService) -> AsyncIterator[Transport]:
    # Depends on the service so it closes first (see test_transport.py's fixture).
    client = Transport(
        TransportConfig(ca_file=str(tls.ca_file), connect_timeout=2.0, request_timeout=5.0)
    )
    yield client
    await client.aclose()


@pytest.fixture
def provider(transport: Transport) -> WebPushProvider:
    return WebPushProvider(transport)


def item(sub: FakeSubscription, delivery_id: str = "d-1", **content: Any) -> PushItem:
    return PushItem(delivery_id, DeviceAddress(web_push=sub.web_push), PushContent(**content))


def claims_of(authorization: str) -> dict[str, Any]:
    token = authorization.removeprefix("vapid t=").split(",")[0]
    return jwt.decode(token, options={"verify_signature": False})


class Clock:
    """A settable wall clock, starting now (the fake checks `exp` against real time)."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


# RFC 8291 ------------------------------------------------------------------------------------


def test_encrypt_reproduces_rfc8291_appendix_a_byte_for_byte() -> None:
    body = webpush_crypto.encrypt(
        RFC_PLAINTEXT,
        decode_base64url(RFC_UA_PUBLIC),
        decode_base64url(RFC_AUTH),
        as_private=_scalar_key(RFC_AS_PRIVATE),
        salt=decode_base64url(RFC_SALT),
    )
    assert encode_base64url(body) == RFC_BODY


def test_fake_decrypts_the_rfc_vector_with_the_user_agent_key() -> None:
    plaintext = decrypt_aes128gcm(
        decode_base64url(RFC_BODY), _scalar_key(RFC_UA_PRIVATE), decode_base64url(RFC_AUTH)
    )
    assert plaintext == RFC_PLAINTEXT


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(
            lambda body, key, auth: (body, ec.generate_private_key(ec.SECP256R1()), auth),
            id="wrong-key",
        ),
        pytest.param(lambda body, key, auth: (body, key, bytes(16)), id="wrong-auth"),
        pytest.param(
            lambda body, key, auth: (body[:-1] + bytes([body[-1] ^ 1]), key, auth), id="tag-bit"
        ),
        pytest.param(
            lambda body, key, auth: (body[:100] + bytes([body[100] ^ 1]) + body[101:], key, auth),
            id="ciphertext-bit",
        ),
        pytest.param(lambda body, key, auth: (body[:-3], key, auth), id="truncated"),
    ],
)
def test_fake_decryption_fails_on_wrong_key_auth_or_tampering(tamper: Callable[..., Any]) -> None:
    key = _scalar_key(RFC_UA_PRIVATE)
    body, key, auth = tamper(decode_base64url(RFC_BODY), key, decode_base64url(RFC_AUTH))
    with pytest.raises(ValueError):
        decrypt_aes128gcm(body, key, auth)


def test_encrypt_rejects_what_cannot_be_a_subscription() -> None:
    ua, auth = decode_base64url(RFC_UA_PUBLIC), decode_base64url(RFC_AUTH)
    with pytest.raises(ValueError):
        webpush_crypto.encrypt(b"x", ua[:-1] + bytes([ua[-1] ^ 1]), auth)  # off the curve
    with pytest.raises(ValueError):
        webpush_crypto.encrypt(b"x", ua, auth[:8])
    with pytest.raises(ValueError):
        webpush_crypto.encrypt(b"x" * (webpush_crypto.MAX_PLAINTEXT_SIZE + 1), ua, auth)


# Pure pieces ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PushContent(), {"title": "", "body": "", "data": {}}),
        (
            PushContent(
                title="Hi",
                body="There",
                image_url="https://x.example/a.png",
                collapse_key="k1",
                data={"a": "1"},
            ),
            {
                "title": "Hi",
                "body": "There",
                "image": "https://x.example/a.png",
                "tag": "k1",
                "data": {"a": "1"},
            },
        ),
        (
            PushContent(
                title="Hi",
                data={"a": "1"},
                overrides={"web_push": {"icon": "/i.png", "data": {"b": "2"}, "body": None}},
            ),
            {"title": "Hi", "icon": "/i.png", "data": {"a": "1", "b": "2"}},
        ),
    ],
    ids=["empty", "every-field", "override-merges-and-removes"],
)
def test_payload_is_what_the_service_worker_reads(
    content: PushContent, expected: dict[str, Any]
) -> None:
    assert build_payload(content) == expected


@pytest.mark.parametrize(
    ("collapse_key", "topic"),
    [
        ("", None),
        ("scores", "scores"),
        ("A-z_0" * 6 + "ab", "A-z_0" * 6 + "ab"),  # exactly 32
        ("a" * 33, "hashed"),
        ("chat:42", "hashed"),
        ("née", "hashed"),
    ],
)
def test_topic_is_the_key_when_valid_else_a_stable_hash(
    collapse_key: str, topic: str | None
) -> None:
    result = topic_for(collapse_key)
    if topic == "hashed":
        assert result is not None and len(result) == 32
        assert result == topic_for(collapse_key)
        assert result != topic_for(collapse_key + "x")
        assert set(result) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        )
    else:
        assert result == topic


@pytest.mark.parametrize(
    ("endpoint", "origin"),
    [
        ("https://fcm.googleapis.com/fcm/send/abc", "https://fcm.googleapis.com"),
        ("https://Push.Example.NET:443/p/x?y=1", "https://push.example.net"),
        ("https://127.0.0.1:8443/push/x", "https://127.0.0.1:8443"),
        ("https://[::1]:9000/x", "https://[::1]:9000"),
    ],
)
def test_vapid_audience_is_the_endpoint_origin(endpoint: str, origin: str) -> None:
    assert endpoint_origin(endpoint) == origin


@pytest.mark.parametrize("endpoint", ["http://push.example/x", "https:///x", "not a url", ""])
def test_non_https_endpoints_have_no_origin(endpoint: str) -> None:
    with pytest.raises(ValueError):
        endpoint_origin(endpoint)


def test_vapid_tokens_are_signed_once_per_origin_and_refreshed_in_the_last_hour(
    credential: ProviderCredential,
) -> None:
    clock = Clock()
    start = clock.now
    tokens = VapidTokens(clock)
    key = load_vapid_key(credential)
    first = tokens.authorization(key, "https://a.example")
    assert tokens.authorization(key, "https://a.example") == first
    assert tokens.authorization(key, "https://b.example") != first
    clock.now = start + 11 * 3600 - 1  # 1 h + 1 s left: still good
    assert tokens.authorization(key, "https://a.example") == first
    clock.now = start + 11 * 3600 + 1  # under an hour left
    refreshed = tokens.authorization(key, "https://a.example")
    assert refreshed != first
    assert claims_of(refreshed)["exp"] == int(clock.now) + 12 * 3600
    assert tokens.signed == 3


@pytest.mark.parametrize(
    ("metadata", "secret"),
    [
        ({"subject": SUBJECT}, b"-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n"),
        ({"subject": "ops@example.com"}, None),
        ({"subject": SUBJECT, "public_key": encode_base64url(b"\x04" + bytes(64))}, None),
    ],
    ids=["unreadable-pem", "subject-not-mailto-or-https", "public-key-not-the-private-keys"],
)
async def test_unusable_credential_fails_every_item_without_a_request(
    provider: WebPushProvider,
    service: WebPushService,
    vapid: VapidCredential,
    metadata: dict[str, str],
    secret: bytes | None,
) -> None:
    credential = ProviderCredential("app-1", metadata, secret or vapid.secret)
    sub = service.new_subscription()
    outcomes = await provider.send_many(credential, [item(sub), item(sub, "d-2")])
    assert [o.kind for o in outcomes] == [OutcomeKind.CREDENTIAL] * 2
    assert outcomes[0].provider_code == "InvalidVapidCredential"
    assert service.server.requests_total == 0


# Round trips through the transport and the fake --------------------------------------------


async def test_round_trip_delivers_exactly_the_payload(
    provider: WebPushProvider,
    service: WebPushService,
    credential: ProviderCredential,
    vapid: VapidCredential,
) -> None:
    sub = service.new_subscription(application_server_key=vapid.public_key)
    content = {
        "title": "Order shipped",
        "body": "Your parcel is on its way — ½ day early",
        "image_url": "https://cdn.example/p.png",
        "data": {"order": "42"},
        "collapse_key": "order-42",
        "priority": Priority.HIGH,
        "ttl_seconds": 600,
        "overrides": {"web_push": {"icon": "/icon.png", "actions": [{"action": "open"}]}},
    }
    [outcome] = await provider.send_many(credential, [item(sub, **content)])

    [push] = sub.received
    assert outcome == Outcome.sent(message_id=push.location, code="201")
    assert push.message == {
        "title": "Order shipped",
        "body": "Your parcel is on its way — ½ day early",
        "image": "https://cdn.example/p.png",
        "tag": "order-42",
        "data": {"order": "42"},
        "icon": "/icon.png",
        "actions": [{"action": "open"}],
    }
    assert (push.ttl, push.urgency, push.topic) == (600, "high", "order-42")
    assert push.claims["aud"] == service.origin
    assert push.claims["sub"] == SUBJECT
    assert time.time() + 11 * 3600 < push.claims["exp"] <= time.time() + 12 * 3600
    assert service.rejected == []


async def test_normal_priority_is_normal_urgency_and_long_keys_become_a_hashed_topic(
    provider: WebPushProvider, service: WebPushService, credential: ProviderCredential
) -> None:
    sub = service.new_subscription()
    await provider.send_many(credential, [item(sub, title="t", collapse_key="chat:room/7")])
    [push] = sub.received
    assert push.urgency == "normal"
    assert push.topic == topic_for("chat:room/7")
    assert push.message["tag"] == "chat:room/7"


async def test_largest_payload_that_fits_is_sent_and_one_byte_more_is_dropped_unsent(
    provider: WebPushProvider, service: WebPushService, credential: ProviderCredential
) -> None:
    sub = service.new_subscription()
    empty = len(b'{"title":"","body":"","data":{}}')
    fits = item(sub, "fits", body="x" * (webpush_crypto.MAX_PLAINTEXT_SIZE - empty))
    too_big = item(sub, "too-big", body="x" * (webpush_crypto.MAX_PLAINTEXT_SIZE - empty + 1))

    sent, dropped = await provider.send_many(credential, [fits, too_big])

    assert sent.kind is OutcomeKind.SENT
    assert len(sub.received[0].plaintext) == 3993
    assert dropped.kind is OutcomeKind.DROP
    assert dropped.reason == PAYLOAD_TOO_LARGE
    assert service.server.requests_total == 1  # the oversized one never left


async def test_body_of_the_largest_payload_is_exactly_4096_bytes(
    credential: ProviderCredential, service: WebPushService
) -> None:
    sub = service.new_subscription()
    empty = len(b'{"title":"","body":"","data":{}}')
    request = build_request(item(sub, body="x" * (3993 - empty)), "vapid t=x, k=y", now=time.time())
    assert isinstance(request, HttpRequest)
    assert len(request.body) == 4096


async def test_expired_content_is_dropped_and_ttl_is_cut_to_what_is_left(
    service: WebPushService, transport: Transport, credential: ProviderCredential
) -> None:
    clock = Clock()
    provider = WebPushProvider(transport, clock=clock)
    sub = service.new_subscription()
    expired = item(sub, "old", expires_at=int(clock.now) - 1)
    soon = item(sub, "soon", ttl_seconds=3600, expires_at=int(clock.now) + 60)

    gone, sent = await provider.send_many(credential, [expired, soon])

    assert (gone.kind, gone.reason) == (OutcomeKind.DROP, EXPIRED)
    assert sent.kind is OutcomeKind.SENT
    assert 59 <= sub.received[0].ttl <= 60


# VAPID reuse ---------------------------------------------------------------------------------


async def test_one_vapid_token_serves_many_messages_to_one_origin(
    provider: WebPushProvider, service: WebPushService, credential: ProviderCredential
) -> None:
    subs = [service.new_subscription() for _ in range(10)]
    for batch in range(3):
        outcomes = await provider.send_many(
            credential, [item(sub, f"{batch}-{n}", title="t") for n, sub in enumerate(subs)]
        )
        assert {o.kind for o in outcomes} == {OutcomeKind.SENT}
    assert len(service.tokens) == 30
    assert len(set(service.tokens)) == 1
    assert provider.tokens.signed == 1
    assert service.server.connections_total == 1


async def test_vapid_token_is_refreshed_near_expiry(
    service: WebPushService, transport: Transport, credential: ProviderCredential
) -> None:
    clock = Clock()
    start = clock.now
    provider = WebPushProvider(transport, clock=clock)
    sub = service.new_subscription()
    for offset in (0, 5 * 3600, 10 * 3600, 11.5 * 3600, 12 * 3600):
        clock.now = start + offset
        [outcome] = await provider.send_many(credential, [item(sub, title="t")])
        assert outcome.kind is OutcomeKind.SENT
    first, *_, refreshed = sub.received
    assert [p.token for p in sub.received[:3]] == [first.token] * 3
    assert refreshed.token != first.token
    assert len(set(service.tokens)) == 2
    assert refreshed.claims["exp"] == int(start + 11.5 * 3600) + 12 * 3600


async def test_each_push_service_origin_gets_its_own_token(
    tls: TlsMaterial,
    provider: WebPushProvider,
    service: WebPushService,
    credential: ProviderCredential,
) -> None:
    async with WebPushService(tls) as other:
        here, there = service.new_subscription(), other.new_subscription()
        outcomes = await provider.send_many(
            credential, [item(here, "a"), item(there, "b"), item(here, "c"), item(there, "d")]
        )
        assert {o.kind for o in outcomes} == {OutcomeKind.SENT}
        assert len(set(service.tokens)) == len(set(other.tokens)) == 1
        assert service.tokens[0] != other.tokens[0]
        assert service.received[0].claims["aud"] == service.origin
        assert other.received[0].claims["aud"] == other.origin
        assert provider.tokens.signed == 2


# Response rows -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "retry_after", "expected"),
    [
        (201, None, Outcome(OutcomeKind.SENT, provider_code="201")),
        (202, None, Outcome(OutcomeKind.SENT, provider_code="202")),
        (400, None, Outcome.drop(BAD_REQUEST, "400")),
        (401, None, Outcome.credential("401")),
        (403, None, Outcome.credential("403")),
        (404, None, Outcome.invalid_token("404")),
        (410, None, Outcome.invalid_token("410")),
        (413, None, Outcome.drop(PAYLOAD_TOO_LARGE, "413")),
        (429, "30", Outcome.retry(RATE_LIMITED, "429", after=30.0)),
        (429, None, Outcome.retry(RATE_LIMITED, "429")),
        (500, None, Outcome.retry(PROVIDER_UNAVAILABLE, "500")),
        (503, "12", Outcome.retry(PROVIDER_UNAVAILABLE, "503", after=12.0)),
    ],
)
async def test_each_status_becomes_its_outcome(
    provider: WebPushProvider,
    service: WebPushService,
    credential: ProviderCredential,
    status: int,
    retry_after: str | None,
    expected: Outcome,
) -> None:
    sub = service.new_subscription()
    service.respond_with(sub, status, retry_after=retry_after)
    [outcome] = await provider.send_many(credential, [item(sub, title="t")])
    assert dataclasses.replace(outcome, detail="", provider_message_id="") == expected
    if outcome.kind is OutcomeKind.SENT:
        assert outcome.provider_message_id.startswith(f"{service.origin}/m/")
    else:
        assert "scripted response" in outcome.detail  # the service's own words travel along


@pytest.mark.parametrize(
    ("retry_after", "seconds"),
    [("120", 120.0), ("Thu, 01 Jan 2032 00:01:40 GMT", 100.0), ("soon", None), (None, None)],
)
def test_retry_after_is_read_as_seconds_or_http_date(
    retry_after: str | None, seconds: float | None
) -> None:
    headers = {"retry-after": retry_after} if retry_after else {}
    response = HttpResponse(429, headers, b"", 0.0)
    outcome = classify(response, now=1956528000.0)  # 2032-01-01T00:00:00Z
    assert (outcome.kind, outcome.retry_after) == (OutcomeKind.RETRY, seconds)


async def test_unsubscribed_and_unknown_subscriptions_are_invalidated(
    provider: WebPushProvider, service: WebPushService, credential: ProviderCredential
) -> None:
    gone, unknown, fine = (service.new_subscription() for _ in range(3))
    service.unsubscribe(gone)
    service.forget(unknown)
    outcomes = await provider.send_many(
        credential, [item(gone, "a"), item(unknown, "b"), item(fine, "c")]
    )
    assert [(o.kind, o.provider_code) for o in outcomes] == [
        (OutcomeKind.INVALID_TOKEN, "410"),
        (OutcomeKind.INVALID_TOKEN, "404"),
        (OutcomeKind.SENT, "201"),
    ]
    assert outcomes[0].reason == INVALID_TOKEN


async def test_dropped_connection_is_a_retry_and_the_next_attempt_succeeds(
    provider: WebPushProvider, service: WebPushService, credential: ProviderCredential
) -> None:
    sub = service.new_subscription()
    service.drop_connection(sub)
    # The first request of a fresh transport opens its connection: libcurl resends only
    # requests that die on a *reused* connection (docs/transport.md), so this one fails.
    [first] = await provider.send_many(credential, [item(sub, title="t")])
    assert service.server.requests_total == 1
    assert (first.kind, first.reason) == (OutcomeKind.RETRY, PROVIDER_UNAVAILABLE)
    assert first.provider_code == "ProtocolError"
    [second] = await provider.send_many(credential, [item(sub, title="t")])
    assert second.kind is OutcomeKind.SENT
    assert sub.messages == [{"title": "t", "body": "", "data": {}}]


async def test_slow_subscription_times_out_alone(
    service: WebPushService, transport: Transport, credential: ProviderCredential
) -> None:
    provider = WebPushProvider(transport, request_timeout=0.3)
    slow, quick = service.new_subscription(), service.new_subscription()
    service.slow(slow, 2.0)
    outcomes = await provider.send_many(credential, [item(slow, "a"), item(quick, "b")])
    assert [(o.kind, o.provider_code) for o in outcomes] == [
        (OutcomeKind.RETRY, "RequestTimeout"),
        (OutcomeKind.SENT, "201"),
    ]


# The wrong VAPID key -------------------------------------------------------------------------


async def test_subscription_made_with_another_key_alone_is_a_credential_error(
    provider: WebPushProvider, service: WebPushService, credential: ProviderCredential
) -> None:
    other_key = validate_vapid_credential(subject=SUBJECT).public_key
    sub = service.new_subscription(application_server_key=other_key)
    [outcome] = await provider.send_many(credential, [item(sub, title="t")])
    assert (outcome.kind, outcome.provider_code) == (OutcomeKind.CREDENTIAL, "403")
    assert service.rejected == [(403, "key mismatch: not the subscription's applicationServerKey")]


async def test_subscription_made_with_another_key_beside_accepted_ones_is_invalidated(
    provider: WebPushProvider,
    service: WebPushService,
    credential: ProviderCredential,
    vapid: VapidCredential,
) -> None:
    other_key = validate_vapid_credential(subject=SUBJECT).public_key
    good = service.new_subscription(application_server_key=vapid.public_key)
    stale = service.new_subscription(application_server_key=other_key)
    outcomes = await provider.send_many(
        credential, [item(stale, "a"), item(good, "b"), item(stale, "c")]
    )
    assert [(o.kind, o.provider_code) for o in outcomes] == [
        (OutcomeKind.INVALID_TOKEN, "403"),
        (OutcomeKind.SENT, "201"),
        (OutcomeKind.INVALID_TOKEN, "403"),
    ]
    assert "applicationServerKey" in outcomes[0].detail


# Batches -------------------------------------------------------------------------------------


async def test_concurrency_is_bounded_and_outcomes_keep_their_order(
    service: WebPushService, transport: Transport, credential: ProviderCredential
) -> None:
    provider = WebPushProvider(transport, concurrency=4)
    service.server.response_delay = 0.02
    subs = [service.new_subscription() for _ in range(12)]
    service.unsubscribe(subs[5])
    outcomes = await provider.send_many(
        credential, [item(sub, str(n), data={"n": str(n)}) for n, sub in enumerate(subs)]
    )
    assert [o.kind for o in outcomes] == [OutcomeKind.SENT] * 5 + [OutcomeKind.INVALID_TOKEN] + [
        OutcomeKind.SENT
    ] * 6
    assert service.server.peak_concurrent_streams == 4
    for n, sub in enumerate(subs):
        assert sub.messages == (
            [] if n == 5 else [{"title": "", "body": "", "data": {"n": str(n)}}]
        )


@pytest.mark.parametrize(
    ("batch", "offloaded"),
    [(16, False), (17, True), (100, True)],
    ids=["inline", "one-short-chunk", "several-chunks"],
)
async def test_large_batches_are_encrypted_off_the_event_loop(
    service: WebPushService,
    transport: Transport,
    credential: ProviderCredential,
    monkeypatch: pytest.MonkeyPatch,
    batch: int,
    offloaded: bool,
) -> None:
    threads: set[int] = set()
    encrypt = webpush_crypto.encrypt

    def spy(*args: Any, **kwargs: Any) -> bytes:
        threads.add(threading.get_ident())
        return encrypt(*args, **kwargs)

    monkeypatch.setattr(webpush_crypto, "encrypt", spy)
    provider = WebPushProvider(transport, inline_batch=16, chunk_size=32)
    subs = [service.new_subscription() for _ in range(batch)]
    outcomes = await provider.send_many(
        credential, [item(sub, str(n), title=str(n)) for n, sub in enumerate(subs)]
    )
    assert {o.kind for o in outcomes} == {OutcomeKind.SENT}
    assert [sub.messages[0]["title"] for sub in subs] == [str(n) for n in range(batch)]
    assert (threading.get_ident() not in threads) is offloaded


async def test_a_bug_while_encrypting_a_chunk_is_a_retry_not_a_hang(
    service: WebPushService,
    transport: Transport,
    credential: ProviderCredential,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise RuntimeError("bug")

    monkeypatch.setattr(webpush_crypto, "encrypt", broken)
    provider = WebPushProvider(transport, inline_batch=2, chunk_size=2)
    subs = [service.new_subscription() for _ in range(5)]
    outcomes = await provider.send_many(credential, [item(sub) for sub in subs])
    assert [(o.kind, o.provider_code) for o in outcomes] == [
        (OutcomeKind.RETRY, "InternalError")
    ] * 5
    assert service.server.requests_total == 0
    assert "failed unexpectedly" in caplog.text


async def test_cancelling_a_batch_stops_its_encryption_and_requests(
    service: WebPushService, transport: Transport, credential: ProviderCredential
) -> None:
    provider = WebPushProvider(transport, inline_batch=2, chunk_size=2, concurrency=2)
    subs = [service.new_subscription() for _ in range(20)]
    for sub in subs:
        service.slow(sub, 5.0)
    task = asyncio.create_task(provider.send_many(credential, [item(sub) for sub in subs]))
    for _ in range(500):
        if service.server.requests_total == 2:
            break
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert service.server.requests_total == 2
    assert transport.in_flight == 0


async def test_empty_batch_sends_nothing(
    provider: WebPushProvider, credential: ProviderCredential
) -> None:
    assert await provider.send_many(credential, []) == []


async def test_broken_subscription_records_are_invalidated_without_a_request(
    provider: WebPushProvider, service: WebPushService, credential: ProviderCredential
) -> None:
    sub = service.new_subscription()
    broken_keys = PushItem(
        "a", DeviceAddress(web_push=(sub.endpoint, sub.p256dh[:-4], sub.auth)), PushContent()
    )
    plain_http = PushItem(
        "b", DeviceAddress(web_push=("http://push.example/x", sub.p256dh, sub.auth)), PushContent()
    )
    none = PushItem("c", DeviceAddress(token="abc"), PushContent())
    outcomes = await provider.send_many(credential, [broken_keys, plain_http, none])
    assert [(o.kind, o.provider_code) for o in outcomes] == [
        (OutcomeKind.INVALID_TOKEN, "InvalidSubscription")
    ] * 3
    assert service.server.requests_total == 0


# The fake behaves like a push service -------------------------------------------------------


def _point(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def _vapid(key: ec.EllipticCurvePrivateKey, **claims: Any) -> str:
    token = jwt.encode(claims, key, algorithm="ES256", headers={"typ": "JWT"})
    return f"vapid t={token}, k={encode_base64url(_point(key))}"


Headers = dict[str, str]


def _mutations(
    key: ec.EllipticCurvePrivateKey, origin: str
) -> dict[str, Callable[[Headers, bytes], tuple[Headers, bytes]]]:
    soon = int(time.time()) + 60
    return {
        "no-ttl": lambda h, b: ({k: v for k, v in h.items() if k != "TTL"}, b),
        "negative-ttl": lambda h, b: (h | {"TTL": "-1"}, b),
        "bad-urgency": lambda h, b: (h | {"Urgency": "urgent"}, b),
        "bad-topic": lambda h, b: (h | {"Topic": "a" * 33}, b),
        "legacy-encoding": lambda h, b: (h | {"Content-Encoding": "aesgcm"}, b),
        "tampered": lambda h, b: (h, b[:-1] + bytes([b[-1] ^ 1])),
        "too-large": lambda h, b: (h, b + bytes(4097 - len(b))),
        "no-vapid": lambda h, b: ({k: v for k, v in h.items() if k != "Authorization"}, b),
        "other-scheme": lambda h, b: (h | {"Authorization": "WebPush abc"}, b),
        "bad-signature": lambda h, b: (
            h | {"Authorization": h["Authorization"].replace("t=", "t=x")},
            b,
        ),
        "wrong-aud": lambda h, b: (
            h | {"Authorization": _vapid(key, aud="https://elsewhere", exp=soon, sub=SUBJECT)},
            b,
        ),
        "expired": lambda h, b: (
            h | {"Authorization": _vapid(key, aud=origin, exp=soon - 61, sub=SUBJECT)},
            b,
        ),
        "exp-too-far": lambda h, b: (
            h | {"Authorization": _vapid(key, aud=origin, exp=soon + 24 * 3600, sub=SUBJECT)},
            b,
        ),
        "no-sub": lambda h, b: (h | {"Authorization": _vapid(key, aud=origin, exp=soon)}, b),
    }


@pytest.mark.parametrize(
    ("mutation", "status", "reason"),
    [
        ("no-ttl", 400, "TTL is required"),
        ("negative-ttl", 400, "non-negative"),
        ("bad-urgency", 400, "Urgency"),
        ("bad-topic", 400, "Topic"),
        ("legacy-encoding", 400, "aes128gcm"),
        ("tampered", 400, "decrypt"),
        ("too-large", 413, "exceeds"),
        ("no-vapid", 401, "required"),
        ("other-scheme", 401, "scheme"),
        ("bad-signature", 403, "invalid JWT"),
        ("wrong-aud", 403, "aud"),
        ("expired", 403, "expired"),
        ("exp-too-far", 403, "24 hours"),
        ("no-sub", 403, "sub"),
    ],
)
async def test_fake_rejects_what_a_push_service_rejects(
    service: WebPushService,
    transport: Transport,
    credential: ProviderCredential,
    mutation: str,
    status: int,
    reason: str,
) -> None:
    key = load_vapid_key(credential)
    sub = service.new_subscription()
    authorization = VapidTokens().authorization(key, service.origin)
    request = build_request(item(sub, title="t"), authorization, now=time.time())
    assert isinstance(request, HttpRequest)
    headers, body = _mutations(key.private_key, service.origin)[mutation](
        dict(request.headers), request.body
    )
    response = await transport.request(
        dataclasses.replace(request, headers=tuple(headers.items()), body=body)
    )
    assert response.status == status
    [(rejected_status, message)] = service.rejected
    assert rejected_status == status
    assert reason in message
    assert sub.received == []


async def test_fake_accepts_the_unmodified_request_and_answers_202_on_respond_async(
    service: WebPushService, transport: Transport, credential: ProviderCredential
) -> None:
    key = load_vapid_key(credential)
    sub = service.new_subscription(application_server_key=key.public_key)
    authorization = VapidTokens().authorization(key, service.origin)
    request = build_request(item(sub, title="t"), authorization, now=time.time())
    assert isinstance(request, HttpRequest)
    response = await transport.request(
        dataclasses.replace(request, headers=(*request.headers, ("Prefer", "respond-async")))
    )
    assert response.status == 202
    assert response.headers["location"] == sub.received[0].location
    assert classify(response).kind is OutcomeKind.SENT
