"""FCM v1 provider through the real transport against the fake token and send endpoints."""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from clarion.domain.push import (
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
from clarion.providers import fcm
from clarion.providers.base import Provider, Undeliverable, parse_retry_after
from clarion.providers.fcm import FcmProvider, build_request, classify
from clarion.providers.transport import HttpRequest, HttpResponse, Transport, TransportConfig
from fakes.fcm import (
    FakeFcm,
    ServiceAccount,
    make_rsa_key,
    make_service_account,
    rpc_error,
)
from fakes.tls import TlsMaterial, make_tls_material

PROJECT = "clarion-test"


class Clock:
    """A settable wall clock shared by the provider and the fake."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def token(n: int) -> str:
    return f"fcm-token-{n}:APA91b" + "x" * 140


def item(n: int = 1, content: PushContent | None = None) -> PushItem:
    return PushItem(
        f"delivery-{n}",
        DeviceAddress(token=token(n)),
        content if content is not None else PushContent(title="Hi", body="There"),
    )


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsMaterial:
    return make_tls_material(tmp_path_factory.mktemp("fcm-tls"))


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return make_rsa_key()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def fake(tls: TlsMaterial, clock: Clock) -> AsyncIterator[FakeFcm]:
    async with FakeFcm(tls=tls, clock=clock) as running:
        yield running


@pytest.fixture
def account(fake: FakeFcm, rsa_key: rsa.RSAPrivateKey) -> ServiceAccount:
    sa = make_service_account(rsa_key, project_id=PROJECT, token_uri=fake.token_uri)
    fake.add_service_account(sa)
    return sa


def make_credential(sa: ServiceAccount, **metadata: str) -> ProviderCredential:
    return ProviderCredential(
        "app-1",
        {
            "provider": "fcm",
            "project_id": sa.project_id,
            "client_email": sa.client_email,
            "private_key_id": sa.info["private_key_id"],
            "token_uri": sa.info["token_uri"],
            "fingerprint": "x",
            **metadata,
        },
        sa.json_bytes,
    )


@pytest.fixture
def credential(account: ServiceAccount) -> ProviderCredential:
    return make_credential(account)


@pytest.fixture
async def transport(tls: TlsMaterial, fake: FakeFcm) -> AsyncIterator[Transport]:
    client = Transport(
        TransportConfig(ca_file=str(tls.ca_file), connect_timeout=2, request_timeout=5)
    )
    yield client
    await client.aclose()


@pytest.fixture
async def make_provider(
    transport: Transport, fake: FakeFcm, tls: TlsMaterial, clock: Clock
) -> AsyncIterator[Callable[..., FcmProvider]]:
    made: list[FcmProvider] = []

    def make(**options: Any) -> FcmProvider:
        provider = FcmProvider(
            transport, base_url=fake.base_url, ca_file=str(tls.ca_file), clock=clock, **options
        )
        made.append(provider)
        return provider

    yield make
    for provider in made:
        await provider.aclose()


@pytest.fixture
def provider(make_provider: Callable[..., FcmProvider]) -> FcmProvider:
    return make_provider()


# Success -----------------------------------------------------------------------------------------


async def test_notification_carries_every_field_in_the_v1_shape(
    provider: FcmProvider, credential: ProviderCredential, fake: FakeFcm, clock: Clock
) -> None:
    content = PushContent(
        title="Order shipped",
        subtitle="A-1001",
        body="Arrives Tue",
        data={"order": "A-1001"},
        image_url="https://img.example/a.png",
        sound="default",
        badge=2,
        category="ORDER",
        thread_id="orders",
        collapse_key="order-A-1001",
        priority=Priority.HIGH,
        interruption_level=InterruptionLevel.TIME_SENSITIVE,
        ttl_seconds=3600,
        expires_at=int(clock.now) + 600,
    )

    [outcome] = await provider.send_many(credential, [item(1, content)])

    [seen] = fake.accepted
    assert outcome == Outcome.sent(seen.name)
    assert seen.name.startswith(f"projects/{PROJECT}/messages/")
    assert seen.message == {
        "token": token(1),
        "notification": {
            "title": "Order shipped",
            "body": "Arrives Tue",
            "image": "https://img.example/a.png",
        },
        "data": {"order": "A-1001"},
        "android": {
            "priority": "HIGH",
            "ttl": "600s",  # what is left until expires_at
            "collapse_key": "order-A-1001",
            "notification": {"sound": "default", "tag": "orders", "click_action": "ORDER"},
        },
        "apns": {
            "headers": {
                "apns-priority": "10",
                "apns-push-type": "alert",
                "apns-collapse-id": "order-A-1001",
                "apns-expiration": str(int(clock.now) + 600),
            },
            "payload": {
                "aps": {
                    "alert": {
                        "title": "Order shipped",
                        "subtitle": "A-1001",
                        "body": "Arrives Tue",
                    },
                    "badge": 2,
                    "sound": "default",
                    "thread-id": "orders",
                    "category": "ORDER",
                    "mutable-content": 1,
                    "interruption-level": "time-sensitive",
                }
            },
            "fcm_options": {"image": "https://img.example/a.png"},
        },
        "webpush": {"headers": {"TTL": "600", "Urgency": "high"}},
    }


async def test_content_available_without_text_is_a_data_only_message(
    provider: FcmProvider, credential: ProviderCredential, fake: FakeFcm
) -> None:
    content = PushContent(content_available=True, data={"sync": "1"}, priority=Priority.HIGH)

    [outcome] = await provider.send_many(credential, [item(1, content)])

    assert outcome.kind is OutcomeKind.SENT
    message = fake.accepted[0].message
    assert "notification" not in message
    assert message["data"] == {"sync": "1"}
    assert message["android"] == {"priority": "HIGH", "ttl": "2419200s"}
    assert message["apns"] == {
        "headers": {"apns-priority": "5", "apns-push-type": "background"},
        "payload": {"aps": {"content-available": 1}},
    }


async def test_overrides_are_deep_merged_into_their_blocks(
    provider: FcmProvider, credential: ProviderCredential, fake: FakeFcm
) -> None:
    content = PushContent(
        title="T",
        sound="default",
        overrides={
            "fcm_android": {
                "notification": {"channel_id": "news"},
                "restricted_package_name": "com.example",
            },
            "fcm_apns": {"payload": {"aps": {"sound": None, "badge": 0}}},
            "fcm_webpush": {"fcm_options": {"link": "https://example.com/x"}},
        },
    )

    await provider.send_many(credential, [item(1, content)])

    message = fake.accepted[0].message
    assert message["android"]["notification"] == {"sound": "default", "channel_id": "news"}
    assert message["android"]["restricted_package_name"] == "com.example"
    assert message["apns"]["payload"] == {"aps": {"badge": 0}}
    assert message["webpush"] == {
        "headers": {"TTL": "2419200", "Urgency": "normal"},
        "fcm_options": {"link": "https://example.com/x"},
    }


async def test_one_serialised_message_serves_a_whole_fan_out(
    provider: FcmProvider,
    credential: ProviderCredential,
    fake: FakeFcm,
    transport: Transport,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prepared: list[PushContent] = []
    real_prepare = fcm.prepare

    def counting_prepare(content: PushContent, *, now: float | None = None) -> fcm.FcmPayload:
        prepared.append(content)
        return real_prepare(content, now=now)

    monkeypatch.setattr(fcm, "prepare", counting_prepare)
    shared = PushContent(title="Fan", body="out")

    outcomes = await provider.send_many(credential, [item(n, shared) for n in range(200)])

    assert {o.kind for o in outcomes} == {OutcomeKind.SENT}
    assert sorted(m.message["token"] for m in fake.accepted) == sorted(token(n) for n in range(200))
    assert len(prepared) == 1
    assert fake.server.connections_total <= transport.config.max_connections_per_host


# OAuth access tokens ----------------------------------------------------------------------------


async def test_access_token_is_minted_once_and_reused(
    provider: FcmProvider, credential: ProviderCredential, fake: FakeFcm, account: ServiceAccount
) -> None:
    await provider.send_many(credential, [item(n) for n in range(50)])
    await provider.send_many(credential, [item(n) for n in range(50, 60)])

    assert fake.tokens_minted(account) == 1
    assert provider.tokens.tokens_minted == 1
    assert len({m.access_token for m in fake.accepted}) == 1
    assert fake.oauth.requests_total == 1


async def test_concurrent_first_sends_share_one_mint(
    provider: FcmProvider, credential: ProviderCredential, fake: FakeFcm, account: ServiceAccount
) -> None:
    fake.token_delay = 0.1

    results = await asyncio.gather(*(provider.send_many(credential, [item(n)]) for n in range(10)))

    assert all(r[0].kind is OutcomeKind.SENT for r in results)
    assert fake.tokens_minted(account) == 1


async def test_access_token_is_refreshed_five_minutes_before_it_expires(
    provider: FcmProvider,
    credential: ProviderCredential,
    fake: FakeFcm,
    account: ServiceAccount,
    clock: Clock,
) -> None:
    await provider.send_many(credential, [item(1)])
    clock.advance(3599 - 300 - 10)
    await provider.send_many(credential, [item(2)])
    assert fake.tokens_minted(account) == 1

    clock.advance(20)
    [outcome] = await provider.send_many(credential, [item(3)])

    assert outcome.kind is OutcomeKind.SENT
    assert fake.tokens_minted(account) == 2
    first, second, third = (m.access_token for m in fake.accepted)
    assert first == second != third


async def test_minting_runs_off_the_event_loop(
    provider: FcmProvider, credential: ProviderCredential, fake: FakeFcm
) -> None:
    # The token endpoint is served by this same loop: a mint that blocked the loop could
    # not even be answered. The ticker proves the loop kept running meanwhile.
    fake.token_delay = 0.3
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        [outcome] = await provider.send_many(credential, [item(1)])
    finally:
        task.cancel()

    assert outcome.kind is OutcomeKind.SENT
    assert ticks >= 10


async def test_a_401_refreshes_once_and_resends(
    provider: FcmProvider, credential: ProviderCredential, fake: FakeFcm, account: ServiceAccount
) -> None:
    await provider.send_many(credential, [item(0)])
    fake.revoke_access_tokens()

    outcomes = await provider.send_many(credential, [item(n) for n in range(1, 21)])

    assert {o.kind for o in outcomes} == {OutcomeKind.SENT}
    assert fake.tokens_minted(account) == 2  # twenty 401s, one refresh
    assert len(fake.accepted) == 21


async def test_a_401_after_the_refresh_is_a_credential_error(
    provider: FcmProvider, credential: ProviderCredential, fake: FakeFcm, account: ServiceAccount
) -> None:
    fake.refuse_all_bearer_tokens = True

    [outcome] = await provider.send_many(credential, [item(1)])

    assert (outcome.kind, outcome.provider_code) == (OutcomeKind.CREDENTIAL, "UNAUTHENTICATED")
    assert fake.tokens_minted(account) == 2
    assert fake.responses == [(401, "UNAUTHENTICATED")] * 2


async def test_a_refused_grant_fails_the_batch_as_a_credential_error(
    provider: FcmProvider, credential: ProviderCredential, fake: FakeFcm, account: ServiceAccount
) -> None:
    fake.disable_service_account(account)

    outcomes = await provider.send_many(credential, [item(1), item(2)])

    assert [(o.kind, o.provider_code) for o in outcomes] == [
        (OutcomeKind.CREDENTIAL, "invalid_grant")
    ] * 2
    assert "Invalid JWT Signature" in outcomes[0].detail
    assert fake.server.requests_total == 0


async def test_a_key_google_does_not_know_is_refused_by_the_token_endpoint(
    provider: FcmProvider, fake: FakeFcm, account: ServiceAccount
) -> None:
    impostor = make_service_account(
        make_rsa_key(),
        project_id=PROJECT,
        token_uri=fake.token_uri,
        key_id=account.info["private_key_id"],
    )

    [outcome] = await provider.send_many(make_credential(impostor), [item(1)])

    assert (outcome.kind, outcome.provider_code) == (OutcomeKind.CREDENTIAL, "invalid_grant")
    assert fake.grant_errors == ["Invalid JWT Signature."]


async def test_an_unreachable_token_endpoint_is_a_retry(
    make_provider: Callable[..., FcmProvider], credential: ProviderCredential, fake: FakeFcm
) -> None:
    provider = make_provider(token_timeout=0.2)
    fake.token_delay = 1.0

    [outcome] = await provider.send_many(credential, [item(1)])

    assert (outcome.kind, outcome.reason) == (OutcomeKind.RETRY, PROVIDER_UNAVAILABLE)
    assert outcome.provider_code == "token_endpoint"


async def test_an_unusable_service_account_json_is_a_credential_error(
    provider: FcmProvider, credential: ProviderCredential
) -> None:
    broken = ProviderCredential("app-1", credential.metadata, b'{"type": "service_account"}')

    [outcome] = await provider.send_many(broken, [item(1)])

    assert (outcome.kind, outcome.provider_code) == (OutcomeKind.CREDENTIAL, "InvalidCredential")


# The error table --------------------------------------------------------------------------------

ERROR_ROWS = [
    ("UNREGISTERED", None, OutcomeKind.INVALID_TOKEN, INVALID_TOKEN, None),
    ("INVALID_ARGUMENT", None, OutcomeKind.INVALID_TOKEN, INVALID_TOKEN, None),
    ("SENDER_ID_MISMATCH", None, OutcomeKind.INVALID_TOKEN, TOPIC_MISMATCH, None),
    ("THIRD_PARTY_AUTH_ERROR", None, OutcomeKind.CREDENTIAL, "auth_error", None),
    ("QUOTA_EXCEEDED", None, OutcomeKind.RETRY, RATE_LIMITED, 60.0),
    ("QUOTA_EXCEEDED", "120", OutcomeKind.RETRY, RATE_LIMITED, 120.0),
    ("UNAVAILABLE", "30", OutcomeKind.RETRY, PROVIDER_UNAVAILABLE, 30.0),
    ("UNAVAILABLE", None, OutcomeKind.RETRY, PROVIDER_UNAVAILABLE, None),
    ("INTERNAL", None, OutcomeKind.RETRY, PROVIDER_UNAVAILABLE, None),
    ("INTERNAL", "5", OutcomeKind.RETRY, PROVIDER_UNAVAILABLE, 5.0),
    ("UNSPECIFIED_ERROR", None, OutcomeKind.RETRY, PROVIDER_UNAVAILABLE, None),
]


@pytest.mark.parametrize(("code", "retry_after", "kind", "reason", "after"), ERROR_ROWS)
async def test_every_error_row_becomes_its_outcome(
    provider: FcmProvider,
    credential: ProviderCredential,
    fake: FakeFcm,
    account: ServiceAccount,
    code: str,
    retry_after: str | None,
    kind: OutcomeKind,
    reason: str,
    after: float | None,
) -> None:
    fake.fail(token(9), code, retry_after=retry_after)

    ok, failed = await provider.send_many(credential, [item(1), item(9)])

    assert ok.kind is OutcomeKind.SENT
    assert (failed.kind, failed.reason, failed.provider_code) == (kind, reason, code)
    assert failed.retry_after == after
    assert failed.detail  # Google's message
    assert fake.tokens_minted(account) == 1  # no error but a bare 401 refreshes


async def test_retry_after_as_an_http_date_is_honoured(
    provider: FcmProvider, credential: ProviderCredential, fake: FakeFcm
) -> None:
    when = email.utils.formatdate(time.time() + 90, usegmt=True)
    fake.fail(token(1), "UNAVAILABLE", retry_after=when)

    [outcome] = await provider.send_many(credential, [item(1)])

    assert outcome.retry_after == pytest.approx(90, abs=2)


@pytest.mark.parametrize(
    ("data", "code"),
    [({"from": "me"}, "INVALID_ARGUMENT"), ({"google.x": "1"}, "INVALID_ARGUMENT")],
)
async def test_reserved_data_keys_are_dropped_as_bad_requests(
    provider: FcmProvider,
    credential: ProviderCredential,
    fake: FakeFcm,
    data: dict[str, str],
    code: str,
) -> None:
    [outcome] = await provider.send_many(credential, [item(1, PushContent(title="T", data=data))])

    assert (outcome.kind, outcome.reason, outcome.provider_code) == (
        OutcomeKind.DROP,
        BAD_REQUEST,
        code,
    )


async def test_sending_to_another_project_is_a_credential_error(
    provider: FcmProvider, account: ServiceAccount
) -> None:
    credential = make_credential(account, project_id="someone-else")

    [outcome] = await provider.send_many(credential, [item(1)])

    assert (outcome.kind, outcome.provider_code) == (OutcomeKind.CREDENTIAL, "PERMISSION_DENIED")


async def test_the_per_minute_quota_answers_429_with_retry_after(
    provider: FcmProvider, credential: ProviderCredential, fake: FakeFcm, clock: Clock
) -> None:
    fake.quota_per_minute = 3

    outcomes = await provider.send_many(credential, [item(n) for n in range(5)])

    assert sorted(o.kind for o in outcomes).count(OutcomeKind.SENT) == 3
    limited = [o for o in outcomes if o.kind is OutcomeKind.RETRY]
    assert {(o.reason, o.provider_code, o.retry_after) for o in limited} == {
        (RATE_LIMITED, "QUOTA_EXCEEDED", 60.0)
    }
    clock.advance(60)
    [later] = await provider.send_many(credential, [item(9)])
    assert later.kind is OutcomeKind.SENT


@pytest.mark.parametrize(
    ("status", "body", "kind", "reason", "code"),
    [
        (200, b'{"name":"projects/p/messages/1"}', OutcomeKind.SENT, "", ""),
        (
            400,
            rpc_error(
                400,
                "INVALID_ARGUMENT",
                "Request contains an invalid argument.",
                error_code="INVALID_ARGUMENT",
                violations=[("message", "Message is too big")],
            ),
            OutcomeKind.DROP,
            PAYLOAD_TOO_LARGE,
            "INVALID_ARGUMENT",
        ),
        (
            400,
            rpc_error(
                400,
                "INVALID_ARGUMENT",
                "Request contains an invalid argument.",
                violations=[("message.token", "Invalid registration")],
            ),
            OutcomeKind.INVALID_TOKEN,
            INVALID_TOKEN,
            "INVALID_ARGUMENT",
        ),
        (
            400,
            rpc_error(400, "INVALID_ARGUMENT", "Invalid value at 'message.android.ttl'"),
            OutcomeKind.DROP,
            BAD_REQUEST,
            "INVALID_ARGUMENT",
        ),
        (
            401,
            rpc_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."),
            OutcomeKind.CREDENTIAL,
            "auth_error",
            "UNAUTHENTICATED",
        ),
        (
            403,
            rpc_error(403, "PERMISSION_DENIED", "Permission denied."),
            OutcomeKind.CREDENTIAL,
            "auth_error",
            "PERMISSION_DENIED",
        ),
        (502, b"<html>Bad Gateway</html>", OutcomeKind.RETRY, PROVIDER_UNAVAILABLE, "502"),
        (404, b"<html>Not Found</html>", OutcomeKind.DROP, BAD_REQUEST, "404"),
        (429, b"", OutcomeKind.RETRY, RATE_LIMITED, "429"),
    ],
)
def test_classify_reads_google_rpc_status(
    status: int, body: bytes, kind: OutcomeKind, reason: str, code: str
) -> None:
    outcome = classify(HttpResponse(status, {}, body, 0.01))

    assert (outcome.kind, outcome.reason, outcome.provider_code) == (kind, reason, code)
    if kind is OutcomeKind.SENT:
        assert outcome.provider_message_id == "projects/p/messages/1"


# Refused before sending --------------------------------------------------------------------------


async def test_a_message_over_4096_bytes_is_dropped_before_any_request(
    provider: FcmProvider, credential: ProviderCredential, fake: FakeFcm
) -> None:
    big = PushContent(title="T", data={"blob": "x" * 4000})

    outcomes = await provider.send_many(credential, [item(1, big), item(2, big)])

    assert [(o.kind, o.reason) for o in outcomes] == [(OutcomeKind.DROP, PAYLOAD_TOO_LARGE)] * 2
    assert fake.server.requests_total == 0


def test_the_size_check_matches_the_fakes() -> None:
    # Just under the limit goes; the fake (FCM's rule) agrees on where the limit lies.
    base = fcm.prepare(PushContent(data={"blob": ""}), now=0).message
    fits = PushContent(data={"blob": "x" * (4096 - len(base))})
    assert len(fcm.prepare(fits, now=0).message) == 4096
    with pytest.raises(Undeliverable):
        fcm.prepare(PushContent(data={"blob": "x" * (4097 - len(base))}), now=0)


def test_build_request_is_pure_and_puts_the_token_in_the_message() -> None:
    request = build_request(item(3), "proj", "ya29.t", base_url="https://fcm.test/", now=0)

    assert request.url == "https://fcm.test/v1/projects/proj/messages:send"
    assert dict(request.headers)["authorization"] == "Bearer ya29.t"
    body = json.loads(request.body)
    assert body["message"]["token"] == token(3)
    assert body["message"]["notification"] == {"title": "Hi", "body": "There"}


# Transport trouble -------------------------------------------------------------------------------


async def test_dropped_connection_is_a_retry_and_the_next_request_succeeds(
    provider: FcmProvider, credential: ProviderCredential, fake: FakeFcm
) -> None:
    # For ever, not once: libcurl may resend a request whose reused connection died.
    fake.drop(token(1), times=None)

    [dropped] = await provider.send_many(credential, [item(1)])
    fake.heal(token(1))
    [sent] = await provider.send_many(credential, [item(1)])

    assert (dropped.kind, dropped.reason, dropped.provider_code) == (
        OutcomeKind.RETRY,
        PROVIDER_UNAVAILABLE,
        "ProtocolError",
    )
    assert sent.kind is OutcomeKind.SENT


async def test_slow_fcm_times_out_into_a_retry(
    make_provider: Callable[..., FcmProvider], credential: ProviderCredential, fake: FakeFcm
) -> None:
    provider = make_provider(request_timeout=0.2)
    fake.delay(token(1), 1.0, times=1)

    slow, fast = await provider.send_many(credential, [item(1), item(2)])

    assert (slow.kind, slow.provider_code) == (OutcomeKind.RETRY, "RequestTimeout")
    assert fast.kind is OutcomeKind.SENT


# The fake behaves like FCM -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "status", "status_text"),
    [
        ({"message": {"token": "a", "topic": "b"}}, 400, "INVALID_ARGUMENT"),
        ({"message": {}}, 400, "INVALID_ARGUMENT"),
        ({"message": {"token": "a", "data": {"n": 1}}}, 400, "INVALID_ARGUMENT"),
        ({"message": {"token": "a", "android": {"ttl": "1h"}}}, 400, "INVALID_ARGUMENT"),
        ({"message": {"token": "a", "android": {"priority": "URGENT"}}}, 400, "INVALID_ARGUMENT"),
        ({"message": {"token": "a", "bogus": 1}}, 400, "INVALID_ARGUMENT"),
        ({"message": {"topic": "news", "data": {"k": "x" * 2100}}}, 400, "INVALID_ARGUMENT"),
        ({"authorization": "Bearer ya29.forged"}, 401, "UNAUTHENTICATED"),
        ({"authorization": None}, 401, "UNAUTHENTICATED"),
        ({"project": "other-project"}, 403, "PERMISSION_DENIED"),
    ],
)
async def test_the_fake_refuses_what_fcm_refuses(
    provider: FcmProvider,
    credential: ProviderCredential,
    transport: Transport,
    fake: FakeFcm,
    change: dict[str, Any],
    status: int,
    status_text: str,
) -> None:
    access_token = await provider.tokens.token(credential)
    headers = {"authorization": f"Bearer {access_token}", "content-type": "application/json"}
    if "authorization" in change:
        headers["authorization"] = change["authorization"]
    project = change.get("project", PROJECT)
    document = {"message": change.get("message", {"token": "a"})}

    response = await transport.request(
        HttpRequest(
            "POST",
            f"{fake.base_url}/v1/projects/{project}/messages:send",
            tuple((k, v) for k, v in headers.items() if v is not None),
            json.dumps(document).encode(),
        )
    )

    assert response.status == status
    assert json.loads(response.body)["error"]["status"] == status_text
    assert fake.accepted == []


# Retry-After -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("120", 120.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("-3", None),
        ("soon", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # in the past
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    now = email.utils.parsedate_to_datetime("Wed, 21 Oct 2015 07:27:30 GMT").timestamp()

    assert parse_retry_after(value, now=now) == expected


def test_fcm_provider_meets_the_provider_contract(provider: FcmProvider) -> None:
    as_provider: Provider = provider  # checked by mypy
    assert as_provider is provider
