"""APNs provider through the real transport against fake APNs hosts (one per environment)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import jwt
import pytest

from clarion.domain.credential_rules import ApnsEnvironment
from clarion.domain.push import (
    AUTH_ERROR,
    BAD_REQUEST,
    INVALID_TOKEN,
    PAYLOAD_TOO_LARGE,
    PROVIDER_UNAVAILABLE,
    RATE_LIMITED,
    TOPIC_MISMATCH,
    DeviceAddress,
    InterruptionLevel,
    Outcome,
    OutcomeKind,
    Priority,
    ProviderCredential,
    PushContent,
    PushItem,
)
from clarion.providers import apns
from clarion.providers.apns import (
    ApnsProvider,
    ApnsTokenCache,
    build_request,
    classify,
    new_apns_id,
)
from clarion.providers.base import Provider, Undeliverable, send_concurrently
from clarion.providers.transport import HttpRequest, HttpResponse, Transport, TransportConfig
from fakes.apns import ApnsKey, FakeApns, make_apns_key
from fakes.tls import TlsMaterial, make_tls_material

BUNDLE = "com.example.app"


class Clock:
    """A settable wall clock shared by the provider and the fakes."""

    def __init__(self) -> None:
        self.now = 1_759_998_600.0  # the start of a 30-minute token slot

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def token(n: int) -> str:
    return f"{n:064x}"


def item(n: int = 1, content: PushContent | None = None, **device: Any) -> PushItem:
    return PushItem(
        f"delivery-{n}",
        DeviceAddress(token=device.pop("token", token(n)), **device),
        content if content is not None else PushContent(title="Hi", body="There"),
    )


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsMaterial:
    return make_tls_material(tmp_path_factory.mktemp("apns-tls"))


@pytest.fixture(scope="module")
def key() -> ApnsKey:
    return make_apns_key()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def production(tls: TlsMaterial, key: ApnsKey, clock: Clock) -> AsyncIterator[FakeApns]:
    async with FakeApns(tls=tls, environment="production", clock=clock) as fake:
        fake.add_key(key, BUNDLE)
        yield fake


@pytest.fixture
async def sandbox(tls: TlsMaterial, key: ApnsKey, clock: Clock) -> AsyncIterator[FakeApns]:
    async with FakeApns(tls=tls, environment="sandbox", clock=clock) as fake:
        fake.add_key(key, BUNDLE)
        yield fake


@pytest.fixture
async def transport(
    tls: TlsMaterial, production: FakeApns, sandbox: FakeApns
) -> AsyncIterator[Transport]:
    # Depends on the fakes so it closes before them (see test_transport.py).
    client = Transport(
        TransportConfig(ca_file=str(tls.ca_file), connect_timeout=2, request_timeout=5)
    )
    yield client
    await client.aclose()


def make_credential(key: ApnsKey, environment: str = "production") -> ProviderCredential:
    return ProviderCredential(
        "app-1",
        {
            "provider": "apns",
            "key_id": key.key_id,
            "team_id": key.team_id,
            "bundle_id": BUNDLE,
            "environment": environment,
            "fingerprint": "x",
        },
        key.pem,
    )


@pytest.fixture
def credential(key: ApnsKey) -> ProviderCredential:
    return make_credential(key)


@pytest.fixture
def make_provider(
    transport: Transport, production: FakeApns, sandbox: FakeApns, clock: Clock
) -> Callable[..., ApnsProvider]:
    def make(**options: Any) -> ApnsProvider:
        return ApnsProvider(
            transport,
            production_url=production.base_url,
            sandbox_url=sandbox.base_url,
            clock=clock,
            **options,
        )

    return make


@pytest.fixture
def provider(make_provider: Callable[..., ApnsProvider]) -> ApnsProvider:
    return make_provider()


# Success -------------------------------------------------------------------------------------


async def test_alert_carries_every_field_as_apns_expects(
    provider: ApnsProvider, credential: ProviderCredential, production: FakeApns
) -> None:
    content = PushContent(
        title="Order shipped",
        subtitle="A-1001",
        body="Arrives Tue",
        data={"order": "A-1001"},
        sound="default",
        badge=2,
        category="ORDER",
        thread_id="orders",
        collapse_key="order-A-1001",
        priority=Priority.HIGH,
        mutable_content=True,
        interruption_level=InterruptionLevel.TIME_SENSITIVE,
        expires_at=1_760_003_600,
    )

    [outcome] = await provider.send_many(credential, [item(7, content)])

    [seen] = production.accepted
    assert outcome == Outcome.sent(seen.apns_id)
    assert seen.token == token(7)
    assert seen.payload == {
        "aps": {
            "alert": {"title": "Order shipped", "subtitle": "A-1001", "body": "Arrives Tue"},
            "badge": 2,
            "sound": "default",
            "thread-id": "orders",
            "category": "ORDER",
            "mutable-content": 1,
            "interruption-level": "time-sensitive",
        },
        "order": "A-1001",
    }
    headers = seen.headers
    assert headers["apns-topic"] == BUNDLE
    assert headers["apns-push-type"] == "alert"
    assert headers["apns-priority"] == "10"
    assert headers["apns-expiration"] == "1760003600"
    assert headers["apns-collapse-id"] == "order-A-1001"
    assert headers["content-type"] == "application/json"
    assert str(uuid.UUID(seen.apns_id)) == seen.apns_id  # canonical lowercase
    assert uuid.UUID(seen.apns_id).version == 4


def test_apns_ids_are_distinct_canonical_version_4_uuids() -> None:
    ids = [new_apns_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    for value in ids:
        parsed = uuid.UUID(value)
        assert str(parsed) == value  # canonical: lowercase, dashed
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122


async def test_normal_priority_and_no_expiry_send_5_and_0(
    provider: ApnsProvider, credential: ProviderCredential, production: FakeApns
) -> None:
    await provider.send_many(credential, [item()])

    [seen] = production.accepted
    assert (seen.headers["apns-priority"], seen.headers["apns-expiration"]) == ("5", "0")
    assert "apns-collapse-id" not in seen.headers


async def test_content_available_without_text_is_a_background_push_at_priority_5(
    provider: ApnsProvider, credential: ProviderCredential, production: FakeApns
) -> None:
    content = PushContent(content_available=True, priority=Priority.HIGH, data={"sync": "1"})

    [outcome] = await provider.send_many(credential, [item(content=content)])

    assert outcome.kind is OutcomeKind.SENT
    [seen] = production.accepted
    assert seen.headers["apns-push-type"] == "background"
    assert seen.headers["apns-priority"] == "5"  # the fake refuses 10 (BadPriority)
    assert seen.payload == {"aps": {"content-available": 1}, "sync": "1"}


@pytest.mark.parametrize(
    ("push_type", "topic"),
    [
        ("voip", f"{BUNDLE}.voip"),
        ("liveactivity", f"{BUNDLE}.push-type.liveactivity"),
        ("complication", f"{BUNDLE}.complication"),
        ("fileprovider", f"{BUNDLE}.pushkit.fileprovider"),
        ("location", f"{BUNDLE}.location-query"),
        ("pushtotalk", f"{BUNDLE}.voip-ptt"),
        ("alert", BUNDLE),
    ],
)
async def test_push_type_override_picks_the_topic_suffix(
    provider: ApnsProvider,
    credential: ProviderCredential,
    production: FakeApns,
    push_type: str,
    topic: str,
) -> None:
    content = PushContent(
        overrides={
            "apns_headers": {"apns-push-type": push_type},
            "apns_aps": {"event": "update", "content-state": {"eta": "12:40"}},
        }
    )

    [outcome] = await provider.send_many(credential, [item(content=content)])

    assert outcome.kind is OutcomeKind.SENT, outcome
    [seen] = production.accepted
    assert (seen.headers["apns-push-type"], seen.headers["apns-topic"]) == (push_type, topic)
    assert seen.payload["aps"] == {"event": "update", "content-state": {"eta": "12:40"}}


async def test_apns_aps_override_merges_into_aps_and_data_cannot_replace_aps(
    provider: ApnsProvider, credential: ProviderCredential, production: FakeApns
) -> None:
    content = PushContent(
        title="T",
        sound="default",
        data={"aps": "hijack", "k": "v"},
        overrides={"apns_aps": {"alert": {"launch-image": "x.png"}, "sound": None}},
    )

    await provider.send_many(credential, [item(content=content)])

    [seen] = production.accepted
    assert seen.payload == {"aps": {"alert": {"title": "T", "launch-image": "x.png"}}, "k": "v"}


# Routing ---------------------------------------------------------------------------------------


async def test_each_device_goes_to_its_environment_else_the_credentials(
    make_provider: Callable[..., ApnsProvider],
    key: ApnsKey,
    production: FakeApns,
    sandbox: FakeApns,
) -> None:
    provider = make_provider()
    items = [
        item(1, apns_environment=ApnsEnvironment.SANDBOX),
        item(2, apns_environment=ApnsEnvironment.PRODUCTION),
        item(3),
    ]

    to_production = await provider.send_many(make_credential(key, "production"), items)
    to_sandbox = await provider.send_many(make_credential(key, "sandbox"), [item(4)])

    assert [o.kind for o in to_production + to_sandbox] == [OutcomeKind.SENT] * 4
    assert [n.token for n in production.accepted] == [token(2), token(3)]
    assert sorted(n.token for n in sandbox.accepted) == [token(1), token(4)]
    # Only the sandbox hands out apns-unique-id; it travels in the outcome's detail.
    assert to_production[0].detail.startswith("apns-unique-id=")
    assert to_production[1].detail == ""


# Provider tokens -------------------------------------------------------------------------------


async def test_one_jwt_and_one_payload_serve_a_whole_fan_out(
    provider: ApnsProvider,
    credential: ProviderCredential,
    production: FakeApns,
    transport: Transport,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prepared: list[PushContent] = []
    real_prepare = apns.prepare

    def counting_prepare(content: PushContent, bundle_id: str) -> apns.ApnsPayload:
        prepared.append(content)
        return real_prepare(content, bundle_id)

    monkeypatch.setattr(apns, "prepare", counting_prepare)
    production.server.response_delay = 0.005  # so streams overlap and multiplexing shows
    shared = PushContent(title="Fan", body="out")
    items = [item(n, shared) for n in range(300)]

    first = await provider.send_many(credential, items)
    second = await provider.send_many(
        credential, [item(n, PushContent(body=str(n))) for n in (1, 2)]
    )

    assert {o.kind for o in first + second} == {OutcomeKind.SENT}
    assert len(production.accepted) == 302
    assert len(production.provider_tokens(credential.metadata["team_id"], "KEY1234567")) == 1
    assert provider.tokens.tokens_signed == 1
    assert len({n.apns_id for n in production.accepted}) == 302
    assert len(prepared) == 3
    assert production.server.connections_total <= transport.config.max_connections_per_host
    assert production.server.peak_concurrent_streams > 1


async def test_jwt_is_shared_across_connections(
    provider: ApnsProvider, credential: ProviderCredential, production: FakeApns, key: ApnsKey
) -> None:
    await provider.send_many(credential, [item(1)])
    production.server.drop_connections()
    await provider.send_many(credential, [item(2)])  # may cost a retry on the dead connection
    await provider.send_many(credential, [item(3)])

    assert production.server.connections_total >= 2
    assert len(production.provider_tokens(key.team_id, key.key_id)) == 1


@pytest.mark.parametrize("max_age", [40 * 60, 50 * 60, 55 * 60])
@pytest.mark.parametrize("into_slot", [0.0, 0.9])
async def test_jwt_moves_to_the_next_slot_only_after_twenty_minutes_of_use(
    make_provider: Callable[..., ApnsProvider],
    credential: ProviderCredential,
    production: FakeApns,
    clock: Clock,
    key: ApnsKey,
    max_age: int,
    into_slot: float,
) -> None:
    slot = max_age - 20 * 60
    clock.now = clock.now - clock.now % slot + into_slot * slot
    provider = make_provider(token_max_age=max_age)
    await provider.send_many(credential, [item(1)])
    first_used = clock.now
    switch = max(clock.now - clock.now % slot + slot, first_used + 20 * 60)
    clock.advance(switch - clock.now - 1)
    await provider.send_many(credential, [item(2)])
    assert provider.tokens.tokens_signed == 1

    clock.advance(1)
    outcomes = await provider.send_many(credential, [item(3)])

    assert outcomes[0].kind is OutcomeKind.SENT
    assert provider.tokens.tokens_signed == 2
    first, second = production.provider_tokens(key.team_id, key.key_id)
    assert [n.provider_token for n in production.accepted] == [first, first, second]
    iats = [jwt.decode(t, options={"verify_signature": False})["iat"] for t in (first, second)]
    assert [iat % slot for iat in iats] == [0, 0]  # each token's iat is its slot's start
    assert clock.now - iats[0] <= max_age  # never used past max_age


async def test_processes_signing_in_one_slot_present_the_same_token(
    make_provider: Callable[..., ApnsProvider],
    credential: ProviderCredential,
    production: FakeApns,
    clock: Clock,
    key: ApnsKey,
) -> None:
    one, two = make_provider(), make_provider()  # two dispatchers, two caches
    await one.send_many(credential, [item(1)])
    clock.advance(7 * 60)
    outcomes = await two.send_many(credential, [item(2)])

    assert outcomes[0].kind is OutcomeKind.SENT
    assert one.tokens.token(credential) == two.tokens.token(credential)
    assert len(production.provider_tokens(key.team_id, key.key_id)) == 1


@pytest.mark.parametrize("max_age", [60.0, 39 * 60, 56 * 60])
def test_token_age_outside_20_to_60_minutes_is_refused(max_age: float) -> None:
    with pytest.raises(ValueError, match="between"):
        ApnsTokenCache(max_age=max_age)


async def test_expired_provider_token_is_a_retry_and_the_next_send_signs_anew(
    provider: ApnsProvider,
    credential: ProviderCredential,
    production: FakeApns,
    clock: Clock,
    key: ApnsKey,
) -> None:
    await provider.send_many(credential, [item(1)])
    clock.advance(25 * 60)
    # Apple's clock runs an hour ahead: it sees the 25-minute-old token as expired.
    production.clock = lambda: clock.now + 3600

    [expired] = await provider.send_many(credential, [item(2)])

    assert expired == Outcome.retry(AUTH_ERROR, "ExpiredProviderToken", detail=expired.detail)
    assert expired.retry_after is None  # the 20-minute floor has passed: sign now
    production.clock = clock
    [again] = await provider.send_many(credential, [item(2)])
    assert again.kind is OutcomeKind.SENT
    assert provider.tokens.tokens_signed == 2
    assert len(production.provider_tokens(key.team_id, key.key_id)) == 2


async def test_expired_provider_token_inside_the_20_minute_floor_signs_nothing(
    provider: ApnsProvider, credential: ProviderCredential, production: FakeApns, clock: Clock
) -> None:
    await provider.send_many(credential, [item(1)])
    clock.advance(5 * 60)
    production.clock = lambda: clock.now + 3600

    outcomes = await provider.send_many(credential, [item(2), item(3)])

    assert {o.provider_code for o in outcomes} == {"ExpiredProviderToken"}
    assert outcomes[0].retry_after == pytest.approx(15 * 60)
    [again] = await provider.send_many(credential, [item(4)])
    assert again.provider_code == "ExpiredProviderToken"
    assert provider.tokens.tokens_signed == 1  # the floor holds even after the 403s

    clock.advance(15 * 60)
    production.clock = clock
    [recovered] = await provider.send_many(credential, [item(4)])
    assert recovered.kind is OutcomeKind.SENT
    assert provider.tokens.tokens_signed == 2


async def test_too_many_provider_token_updates_stops_signing(
    make_provider: Callable[..., ApnsProvider],
    credential: ProviderCredential,
    production: FakeApns,
    clock: Clock,
    key: ApnsKey,
) -> None:
    # Another process, configured with another token age (so another slot and token), got
    # its token in first.
    await make_provider().send_many(credential, [item(1)])
    provider = make_provider(token_max_age=40 * 60)
    clock.advance(60)

    [refused] = await provider.send_many(credential, [item(2)])
    assert (refused.kind, refused.reason) == (OutcomeKind.RETRY, RATE_LIMITED)
    assert refused.provider_code == "TooManyProviderTokenUpdates"
    assert refused.retry_after == pytest.approx(20 * 60)

    clock.advance(18 * 60)  # still inside APNs's window: no new token, the same refusal
    [still] = await provider.send_many(credential, [item(3)])
    assert still.provider_code == "TooManyProviderTokenUpdates"
    assert provider.tokens.tokens_signed == 1

    clock.advance(60)  # 20 minutes after the other process's token: APNs takes this one
    [sent] = await provider.send_many(credential, [item(4)])
    assert sent.kind is OutcomeKind.SENT
    assert provider.tokens.tokens_signed == 1
    assert len(production.provider_tokens(key.team_id, key.key_id)) == 2


def test_the_hold_after_too_many_updates_outlasts_the_tokens_max_age(
    credential: ProviderCredential, clock: Clock
) -> None:
    cache = ApnsTokenCache(max_age=40 * 60, clock=clock)
    first = cache.token(credential)
    clock.advance(5 * 60)
    assert cache.hold(credential) == pytest.approx(20 * 60)

    clock.advance(16 * 60)  # the token is 21 minutes old, the hold has 4 minutes left
    assert cache.token(credential) == first
    clock.advance(4 * 60)
    assert cache.token(credential) != first
    assert cache.tokens_signed == 2


async def test_a_key_apple_does_not_know_is_a_credential_error(
    provider: ApnsProvider, production: FakeApns
) -> None:
    stranger = make_apns_key(key_id="OTHERKEY99")

    outcomes = await provider.send_many(make_credential(stranger), [item(1), item(2)])

    assert outcomes == [Outcome.credential("InvalidProviderToken", outcomes[0].detail)] * 2
    assert production.accepted == []


async def test_a_key_that_is_not_p256_fails_the_batch_without_a_request(
    provider: ApnsProvider, key: ApnsKey, production: FakeApns
) -> None:
    broken = ProviderCredential("app-1", make_credential(key).metadata, b"not a key")

    outcomes = await provider.send_many(broken, [item(1), item(2)])

    assert [(o.kind, o.provider_code) for o in outcomes] == [
        (OutcomeKind.CREDENTIAL, "InvalidCredential")
    ] * 2
    assert production.server.requests_total == 0


# The error table ---------------------------------------------------------------------------------

ERROR_ROWS = [
    (400, "BadCollapseId", OutcomeKind.DROP, BAD_REQUEST),
    (400, "BadDeviceToken", OutcomeKind.INVALID_TOKEN, INVALID_TOKEN),
    (400, "BadExpirationDate", OutcomeKind.DROP, BAD_REQUEST),
    (400, "BadMessageId", OutcomeKind.DROP, BAD_REQUEST),
    (400, "BadPriority", OutcomeKind.DROP, BAD_REQUEST),
    (400, "DuplicateHeaders", OutcomeKind.DROP, BAD_REQUEST),
    (400, "InvalidPushType", OutcomeKind.DROP, BAD_REQUEST),
    (400, "MissingDeviceToken", OutcomeKind.DROP, BAD_REQUEST),
    (400, "PayloadEmpty", OutcomeKind.DROP, BAD_REQUEST),
    (400, "BadTopic", OutcomeKind.CREDENTIAL, AUTH_ERROR),
    (400, "MissingTopic", OutcomeKind.CREDENTIAL, AUTH_ERROR),
    (400, "DeviceTokenNotForTopic", OutcomeKind.INVALID_TOKEN, TOPIC_MISMATCH),
    (400, "TopicDisallowed", OutcomeKind.CREDENTIAL, AUTH_ERROR),
    (400, "IdleTimeout", OutcomeKind.RETRY, PROVIDER_UNAVAILABLE),
    (403, "InvalidProviderToken", OutcomeKind.CREDENTIAL, AUTH_ERROR),
    (403, "MissingProviderToken", OutcomeKind.DROP, BAD_REQUEST),
    (403, "BadCertificate", OutcomeKind.CREDENTIAL, AUTH_ERROR),
    (403, "BadCertificateEnvironment", OutcomeKind.CREDENTIAL, AUTH_ERROR),
    (403, "Forbidden", OutcomeKind.CREDENTIAL, AUTH_ERROR),
    (404, "BadPath", OutcomeKind.DROP, BAD_REQUEST),
    (405, "MethodNotAllowed", OutcomeKind.DROP, BAD_REQUEST),
    (410, "Unregistered", OutcomeKind.INVALID_TOKEN, INVALID_TOKEN),
    (410, "ExpiredToken", OutcomeKind.INVALID_TOKEN, INVALID_TOKEN),
    (413, "PayloadTooLarge", OutcomeKind.DROP, PAYLOAD_TOO_LARGE),
    (429, "TooManyRequests", OutcomeKind.RETRY, RATE_LIMITED),
    (500, "InternalServerError", OutcomeKind.RETRY, PROVIDER_UNAVAILABLE),
    (503, "ServiceUnavailable", OutcomeKind.RETRY, PROVIDER_UNAVAILABLE),
    (503, "Shutdown", OutcomeKind.RETRY, PROVIDER_UNAVAILABLE),
    (400, "SomethingNew", OutcomeKind.DROP, BAD_REQUEST),
    (403, "SomethingNew", OutcomeKind.DROP, BAD_REQUEST),
    (429, "SomethingNew", OutcomeKind.RETRY, RATE_LIMITED),
    (502, "SomethingNew", OutcomeKind.RETRY, PROVIDER_UNAVAILABLE),
]


@pytest.mark.parametrize(("status", "reason", "kind", "normalised"), ERROR_ROWS)
async def test_every_error_row_becomes_its_outcome(
    provider: ApnsProvider,
    credential: ProviderCredential,
    production: FakeApns,
    status: int,
    reason: str,
    kind: OutcomeKind,
    normalised: str,
) -> None:
    production.fail(token(9), status, reason)

    ok, failed = await provider.send_many(credential, [item(1), item(9)])

    assert ok.kind is OutcomeKind.SENT
    assert (failed.kind, failed.reason, failed.provider_code) == (kind, normalised, reason)
    assert json.loads(failed.detail)["reason"] == reason
    assert failed.retry_after is None
    assert [n.token for n in production.accepted] == [token(1)]


async def test_unregistered_detail_keeps_apples_timestamp(
    provider: ApnsProvider, credential: ProviderCredential, production: FakeApns
) -> None:
    production.fail(token(1), 410, "Unregistered", timestamp=1_759_999_000_123)

    [outcome] = await provider.send_many(credential, [item(1)])

    assert json.loads(outcome.detail) == {"reason": "Unregistered", "timestamp": 1_759_999_000_123}


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (500, b"", Outcome.retry(PROVIDER_UNAVAILABLE, "500")),
        (
            502,
            b"<html>bad gateway</html>",
            Outcome.retry(PROVIDER_UNAVAILABLE, "502", detail="<html>bad gateway</html>"),
        ),
        (400, b"{}", Outcome.drop(BAD_REQUEST, "400", "{}")),
        (429, b"", Outcome.retry(RATE_LIMITED, "429")),
    ],
)
def test_classify_falls_back_on_the_status(status: int, body: bytes, expected: Outcome) -> None:
    assert classify(HttpResponse(status, {}, body, 0.01)) == expected


# Refused before sending --------------------------------------------------------------------------


async def test_payload_over_4096_bytes_is_dropped_before_any_request(
    provider: ApnsProvider, credential: ProviderCredential, production: FakeApns
) -> None:
    big = PushContent(body="x" * 4100)

    outcomes = await provider.send_many(credential, [item(1, big), item(2, big)])

    assert [(o.kind, o.reason, o.provider_code) for o in outcomes] == [
        (OutcomeKind.DROP, PAYLOAD_TOO_LARGE, "PayloadTooLarge")
    ] * 2
    assert production.server.requests_total == 0


async def test_voip_payload_may_reach_5120_bytes(
    provider: ApnsProvider, credential: ProviderCredential, production: FakeApns
) -> None:
    def voip(size: int) -> PushContent:
        return PushContent(
            data={"blob": "x" * size}, overrides={"apns_headers": {"apns-push-type": "voip"}}
        )

    fits, too_big = await provider.send_many(credential, [item(1, voip(5000)), item(2, voip(5101))])

    assert fits.kind is OutcomeKind.SENT
    assert len(json.dumps(production.accepted[0].payload, separators=(",", ":"))) > 4096
    assert too_big.reason == PAYLOAD_TOO_LARGE
    assert production.server.requests_total == 1


@pytest.mark.parametrize("collapse_key", ["c" * 65, "é" * 10])
async def test_collapse_id_over_64_bytes_or_not_ascii_is_dropped_before_any_request(
    provider: ApnsProvider, credential: ProviderCredential, production: FakeApns, collapse_key: str
) -> None:
    content = PushContent(title="T", collapse_key=collapse_key)

    [outcome] = await provider.send_many(credential, [item(content=content)])

    assert (outcome.kind, outcome.reason, outcome.provider_code) == (
        OutcomeKind.DROP,
        BAD_REQUEST,
        "BadCollapseId",
    )
    assert production.server.requests_total == 0


async def test_a_header_override_that_is_not_ascii_is_dropped_before_any_request(
    provider: ApnsProvider, credential: ProviderCredential, production: FakeApns
) -> None:
    content = PushContent(title="T", overrides={"apns_headers": {"apns-priority": "10\r\nx: y"}})

    [outcome] = await provider.send_many(credential, [item(content=content)])

    assert (outcome.kind, outcome.provider_code) == (OutcomeKind.DROP, "BadHeader")
    assert production.server.requests_total == 0


async def test_a_token_that_is_not_hex_is_invalid_without_a_request(
    provider: ApnsProvider, credential: ProviderCredential, production: FakeApns
) -> None:
    outcomes = await provider.send_many(
        credential, [item(token="zz/../x"), item(token=""), item(3)]
    )

    assert [o.kind for o in outcomes] == [
        OutcomeKind.INVALID_TOKEN,
        OutcomeKind.INVALID_TOKEN,
        OutcomeKind.SENT,
    ]
    assert production.server.requests_total == 1


# Transport trouble -------------------------------------------------------------------------------


async def test_dropped_connection_is_a_retry_and_the_next_request_succeeds(
    provider: ApnsProvider, credential: ProviderCredential, production: FakeApns
) -> None:
    # For ever, not once: libcurl may resend a request whose reused connection died.
    production.drop(token(1), times=None)

    [dropped] = await provider.send_many(credential, [item(1)])
    production.heal(token(1))
    [sent] = await provider.send_many(credential, [item(1)])

    assert (dropped.kind, dropped.reason, dropped.provider_code) == (
        OutcomeKind.RETRY,
        PROVIDER_UNAVAILABLE,
        "ProtocolError",
    )
    assert sent.kind is OutcomeKind.SENT


async def test_slow_apns_times_out_into_a_retry(
    make_provider: Callable[..., ApnsProvider],
    credential: ProviderCredential,
    production: FakeApns,
) -> None:
    provider = make_provider(request_timeout=0.2)
    production.delay(token(1), 1.0, times=1)

    slow, fast = await provider.send_many(credential, [item(1), item(2)])

    assert (slow.kind, slow.provider_code) == (OutcomeKind.RETRY, "RequestTimeout")
    assert fast.kind is OutcomeKind.SENT


# The fake behaves like APNs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "status", "reason"),
    [
        ({"authorization": None}, 403, "MissingProviderToken"),
        ({"authorization": "bearer not.a.jwt"}, 403, "InvalidProviderToken"),
        ({"apns-topic": None}, 400, "MissingTopic"),
        ({"apns-topic": "com.other.app"}, 400, "BadTopic"),
        ({"apns-push-type": "voip"}, 400, "BadTopic"),  # voip needs the .voip topic
        ({"apns-push-type": "fax"}, 400, "InvalidPushType"),
        ({"apns-priority": "7"}, 400, "BadPriority"),
        ({"apns-push-type": "background", "apns-priority": "10"}, 400, "BadPriority"),
        ({"apns-expiration": "soon"}, 400, "BadExpirationDate"),
        ({"apns-id": "NOT-A-UUID"}, 400, "BadMessageId"),
        ({"apns-collapse-id": "c" * 65}, 400, "BadCollapseId"),
        ({"body": b""}, 400, "PayloadEmpty"),
        ({"body": b'{"aps":{},"x":"' + b"y" * 4100 + b'"}'}, 413, "PayloadTooLarge"),
        ({"path": "/3/devices/abc"}, 404, "BadPath"),
        ({"path": "/3/device/not-hex"}, 400, "BadDeviceToken"),
        ({"method": "PUT"}, 405, "MethodNotAllowed"),
    ],
)
async def test_the_fake_refuses_what_apns_refuses(
    provider: ApnsProvider,
    credential: ProviderCredential,
    transport: Transport,
    production: FakeApns,
    change: dict[str, Any],
    status: int,
    reason: str,
) -> None:
    good = build_request(
        item(1), credential, provider.tokens.token(credential), base_url=production.base_url
    )
    headers = dict(good.headers)
    for name, value in change.items():
        if name not in ("body", "path", "method"):
            headers[name] = value
    url = production.base_url + change["path"] if "path" in change else good.url
    request = HttpRequest(
        change.get("method", "POST"),
        url,
        tuple((k, v) for k, v in headers.items() if v is not None),
        change.get("body", good.body),
    )

    response = await transport.request(request)

    assert (response.status, json.loads(response.body)["reason"]) == (status, reason)
    assert production.accepted == []


def test_build_request_is_pure_and_names_the_device(credential: ProviderCredential) -> None:
    request = build_request(item(5), credential, "jwt", base_url="https://apns.test/")

    assert (request.method, request.url) == ("POST", f"https://apns.test/3/device/{token(5)}")
    assert dict(request.headers)["authorization"] == "bearer jwt"
    assert json.loads(request.body) == {"aps": {"alert": {"title": "Hi", "body": "There"}}}
    with pytest.raises(Undeliverable) as refused:
        build_request(item(5, PushContent(body="x" * 5000)), credential, "jwt", base_url="x")
    assert refused.value.outcome.reason == PAYLOAD_TOO_LARGE


async def test_send_concurrently_keeps_order_and_bounds_concurrency() -> None:
    import asyncio

    running = peak = 0

    async def send_one(n: int) -> Outcome:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.001 * (n % 3))
        running -= 1
        if n == 3:
            raise RuntimeError("bug")
        return Outcome.sent(str(n))

    outcomes = await send_concurrently(list(range(20)), send_one, limit=4)

    assert peak == 4
    assert [o.provider_message_id for o in outcomes] == [
        str(n) if n != 3 else "" for n in range(20)
    ]
    assert (outcomes[3].kind, outcomes[3].provider_code) == (OutcomeKind.RETRY, "InternalError")


def test_apns_provider_meets_the_provider_contract(provider: ApnsProvider) -> None:
    as_provider: Provider = provider  # checked by mypy
    assert as_provider is provider
