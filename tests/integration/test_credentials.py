"""CredentialsService end to end: write-only metadata, sealing at rest, validation, VAPID."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, TypeVar, cast

import grpc
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from google.protobuf import json_format, text_format
from google.protobuf.message import Message

from clarion.app import load_key_ring
from clarion.domain.device_rules import Provider
from clarion.secrets import Envelope, SecretError, credential_aad
from clarion.v1 import api_key_pb2, credential_pb2, provider_pb2
from clarion.v1 import credentials_service_pb2 as pb
from harness import Api, Server, Stubs, TestApp, expect_error

MANAGE = [api_key_pb2.SCOPE_APP_MANAGE]
T = TypeVar("T")

# --- key material ---------------------------------------------------------------------------


@cache
def p256(n: int) -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@cache
def rsa_key(n: int) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pkcs8(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def pem_lines(pem: str) -> tuple[str, ...]:
    """The base64 body lines of a PEM: any one of them showing up is a leak."""
    return tuple(line for line in pem.splitlines() if line and "-----" not in line)


def spki_fingerprint(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> str:
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()[:32]


def secret_fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def vapid_point(key: ec.EllipticCurvePrivateKey) -> str:
    return b64url(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )


def service_account(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, **drop: bool) -> str:
    document = {
        "type": "service_account",
        "project_id": "clarion-push-test",
        "private_key_id": "0123456789abcdef0123456789abcdef01234567",
        "private_key": pkcs8(key),
        "client_email": "push@clarion-push-test.iam.gserviceaccount.com",
        "client_id": "112233445566778899",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return json.dumps({k: v for k, v in document.items() if not drop.get(k)})


# --- one valid credential per provider ------------------------------------------------------


@dataclass(frozen=True)
class Material:
    """A valid upload, what listings must show of it, and what must never be shown."""

    provider: Provider
    oneof: dict[str, Message]
    shown: dict[str, Any]
    fingerprint: str
    # The sealed secret, as the envelope gives it back (parsed for JSON documents).
    plain: object
    parse: Callable[[bytes], object]
    leaks: tuple[str, ...] = field(default=())

    def request(self, app: TestApp) -> pb.PutCredentialRequest:
        return pb.PutCredentialRequest(parent=app.parent, **self.oneof)


def apns(n: int) -> Material:
    key = p256(10 + n)
    pem = pkcs8(key)
    return Material(
        Provider.APNS,
        {
            "apns": credential_pb2.ApnsTokenKey(
                p8_key=pem,
                key_id="ABCDE12345",
                team_id="TEAM123456",
                bundle_id="com.example.app",
                default_environment=provider_pb2.APNS_ENVIRONMENT_SANDBOX,
            )
        },
        {
            "key_id": "ABCDE12345",
            "team_id": "TEAM123456",
            "bundle_id": "com.example.app",
            "apns_environment": provider_pb2.APNS_ENVIRONMENT_SANDBOX,
        },
        spki_fingerprint(key),
        pem,
        bytes.decode,
        pem_lines(pem),
    )


def fcm(n: int) -> Material:
    key = rsa_key(n)
    document = service_account(key)
    return Material(
        Provider.FCM,
        {"fcm": credential_pb2.FcmServiceAccount(service_account_json=document)},
        {
            "project_id": "clarion-push-test",
            "client_email": "push@clarion-push-test.iam.gserviceaccount.com",
        },
        spki_fingerprint(key),
        json.loads(document),
        json.loads,
        pem_lines(pkcs8(key)),
    )


def webpush(n: int) -> Material:
    key = p256(20 + n)
    pem = pkcs8(key)
    subject = f"mailto:ops{n}@example.com"
    return Material(
        Provider.WEBPUSH,
        {"web_push": credential_pb2.WebPushVapid(subject=subject, private_key=pem)},
        {"vapid_subject": subject, "vapid_public_key": vapid_point(key)},
        spki_fingerprint(key),
        pem,
        bytes.decode,
        pem_lines(pem),
    )


def expo(n: int) -> Material:
    token = f"expoAccessToken{n}-Qx7vR2mK9pLw4sT8"
    return Material(
        Provider.EXPO,
        {"expo": credential_pb2.ExpoAccessToken(access_token=token)},
        {},
        secret_fingerprint(token),
        token,
        bytes.decode,
        (token,),
    )


def hms(n: int) -> Material:
    secret = f"hmsClientSecret{n}-3f9a8b7c6d5e4f3a"
    return Material(
        Provider.HMS,
        {"hms": credential_pb2.HmsClient(app_id="104857600", client_secret=secret)},
        {"hms_app_id": "104857600"},
        secret_fingerprint(secret),
        secret,
        bytes.decode,
        (secret,),
    )


def mipush(n: int) -> Material:
    secret = f"miAppSecret{n}Zx9Qw2Er"
    return Material(
        Provider.MIPUSH,
        {
            "mipush": credential_pb2.MiPushSecret(
                app_secret=secret, package_name="com.example.push", region="global-eea"
            )
        },
        {"package_name": "com.example.push", "region": "global-eea"},
        secret_fingerprint(secret),
        secret,
        bytes.decode,
        (secret,),
    )


PROVIDER_ENUMS = {
    Provider.APNS: provider_pb2.PROVIDER_APNS,
    Provider.FCM: provider_pb2.PROVIDER_FCM,
    Provider.WEBPUSH: provider_pb2.PROVIDER_WEBPUSH,
    Provider.EXPO: provider_pb2.PROVIDER_EXPO,
    Provider.HMS: provider_pb2.PROVIDER_HMS,
    Provider.MIPUSH: provider_pb2.PROVIDER_MIPUSH,
}
MATERIALS = [apns, fcm, webpush, expo, hms, mipush]
each_provider = pytest.mark.parametrize("make", MATERIALS, ids=lambda make: make.__name__)


# --- helpers --------------------------------------------------------------------------------


async def managed_app(api: Api) -> tuple[TestApp, Stubs]:
    app = await api.new_app(manager=MANAGE)
    return app, app.keys["manager"]


async def put(key: Stubs, request: pb.PutCredentialRequest) -> credential_pb2.Credential:
    response = await key(key.creds.PutCredential, request)
    credential: credential_pb2.Credential = response.credential
    return credential


async def listed(key: Stubs, app: TestApp) -> list[credential_pb2.Credential]:
    response = await key(key.creds.ListCredentials, pb.ListCredentialsRequest(parent=app.parent))
    return list(response.credentials)


def credential_rows(server: Server, app_id: str | None = None) -> list[dict[str, Any]]:
    """Every column of the credentials table as stored (one app's rows, or all of them)."""
    query = "SELECT * FROM credentials" + (" WHERE app_id = :app" if app_id else "")
    engine = server.sync_engine()
    try:
        with engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(sa.text(query), {"app": app_id})]
    finally:
        engine.dispose()


def sealed_secret(server: Server, app_id: str, provider: Provider) -> bytes:
    rows = [r for r in credential_rows(server, app_id) if r["provider"] == str(provider)]
    assert len(rows) == 1, rows
    return bytes(rows[0]["sealed_secret"])


def as_bytes(value: object) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, dict | list):
        return json.dumps(value).encode()
    return str(value).encode()


def renderings(message: Message) -> list[bytes]:
    """Every way a response reaches a caller or a log: wire bytes, JSON and text format."""
    return [
        message.SerializeToString(),
        json_format.MessageToJson(message).encode(),
        text_format.MessageToString(message).encode(),
    ]


def assert_absent(leaks: tuple[str, ...], *blobs: bytes) -> None:
    assert leaks, "a case without recognisable secret pieces proves nothing"
    for blob in blobs:
        for leak in leaks:
            assert leak.encode() not in blob, f"secret piece {leak[:8]}... leaked"


async def all_of(*calls: Awaitable[T]) -> list[T]:
    """Run calls concurrently and wait for every one of them, failed or not.

    A plain gather returns at the first failure and leaves the other calls in flight, and
    the session's event loop then hangs at shutdown waiting for them.
    """
    results = await asyncio.gather(*calls, return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        raise failures[0]
    return cast(list[T], results)


def near_now(stamp: Any) -> bool:
    return abs(stamp.ToDatetime(tzinfo=UTC) - datetime.now(UTC)) < timedelta(minutes=1)


# --- storing and listing --------------------------------------------------------------------


@each_provider
async def test_put_and_list_show_the_metadata_of_each_provider(
    api: Api, make: Callable[[int], Material]
) -> None:
    app, manager = await managed_app(api)
    material = make(0)
    stored = await put(manager, material.request(app))
    (shown,) = await listed(manager, app)
    for credential in (stored, shown):
        expected = credential_pb2.Credential(
            name=f"{app.parent}/credentials/{material.provider}",
            provider=PROVIDER_ENUMS[material.provider],
            fingerprint=material.fingerprint,
            **material.shown,
        )
        expected.create_time.CopyFrom(credential.create_time)
        expected.rotate_time.CopyFrom(credential.rotate_time)
        # Whole-message equality: no other field (a secret, say) may be set.
        assert credential == expected
        assert near_now(credential.create_time)
        assert credential.rotate_time == credential.create_time


@each_provider
async def test_no_response_carries_secret_material(
    api: Api, make: Callable[[int], Material]
) -> None:
    app, manager = await managed_app(api)
    material = make(0)
    response = await manager(manager.creds.PutCredential, material.request(app))
    listing = await manager(
        manager.creds.ListCredentials, pb.ListCredentialsRequest(parent=app.parent)
    )
    assert_absent(material.leaks, *renderings(response), *renderings(listing))


@each_provider
async def test_replacing_a_credential_rotates_it(api: Api, make: Callable[[int], Material]) -> None:
    app, manager = await managed_app(api)
    first = await put(manager, make(0).request(app))
    second_material = make(1)
    second = await put(manager, second_material.request(app))
    assert second.fingerprint == second_material.fingerprint != first.fingerprint
    assert second.create_time == first.create_time
    assert second.rotate_time.ToDatetime() > first.rotate_time.ToDatetime()
    assert [c.fingerprint for c in await listed(manager, app)] == [second.fingerprint]


async def test_listing_holds_one_credential_per_provider_ordered_by_provider(api: Api) -> None:
    app, manager = await managed_app(api)
    for make in MATERIALS:
        await put(manager, make(0).request(app))
    names = [c.name for c in await listed(manager, app)]
    providers = sorted(str(make(0).provider) for make in MATERIALS)
    assert names == [f"{app.parent}/credentials/{p}" for p in providers]


async def test_concurrent_first_puts_all_succeed_and_one_wins(api: Api) -> None:
    app, manager = await managed_app(api)
    materials = [expo(n) for n in range(6)]
    stored = await all_of(*(put(manager, m.request(app)) for m in materials))
    assert {c.fingerprint for c in stored} == {m.fingerprint for m in materials}
    (kept,) = await listed(manager, app)
    assert kept.fingerprint in {m.fingerprint for m in materials}


# --- sealing at rest ------------------------------------------------------------------------


@each_provider
async def test_sealed_secret_opens_to_the_material_for_its_own_app_and_provider_only(
    api: Api, server: Server, make: Callable[[int], Material]
) -> None:
    app, manager = await managed_app(api)
    material = make(0)
    await put(manager, material.request(app))
    blob = sealed_secret(server, app.id, material.provider)
    envelope = Envelope(load_key_ring(server.settings))

    opened = envelope.open(blob, credential_aad(app.id, material.provider))

    assert material.parse(opened) == material.plain
    other_provider = next(p for p in Provider if p is not material.provider)
    for aad in (
        credential_aad("another-app", material.provider),
        credential_aad(app.id, other_provider),
    ):
        with pytest.raises(SecretError):
            envelope.open(blob, aad)


@each_provider
async def test_database_holds_no_plaintext_secret(
    api: Api, server: Server, make: Callable[[int], Material]
) -> None:
    app, manager = await managed_app(api)
    material = make(0)
    await put(manager, material.request(app))
    rows = credential_rows(server)
    assert any(r["app_id"] == app.id for r in rows)
    assert_absent(material.leaks, *(as_bytes(value) for row in rows for value in row.values()))


# --- validation -----------------------------------------------------------------------------

GARBAGE_PEM = (
    "-----BEGIN PRIVATE KEY-----\nTm90QUtleUJ1dEFTZWNyZXRTdHJpbmdUaGF0TXVzdE5vdExlYWs=\n"
    "-----END PRIVATE KEY-----\n"
)


def apns_with(**changes: str) -> dict[str, Message]:
    fields = {
        "p8_key": pkcs8(p256(10)),
        "key_id": "ABCDE12345",
        "team_id": "TEAM123456",
        "bundle_id": "com.example.app",
    } | changes
    return {"apns": credential_pb2.ApnsTokenKey(**fields)}


SECRET_FIELDS = (
    "p8_key",
    "service_account_json",
    "private_key",
    "access_token",
    "client_secret",
    "app_secret",
)


def secret_pieces(value: str) -> list[str]:
    """A secret field's recognisable pieces: PEM body lines (also inside JSON), or itself."""
    with contextlib.suppress(ValueError, TypeError, KeyError):
        value = json.loads(value)["private_key"]
    return list(pem_lines(value)) if "-----" in value else [value]


def leaks_of(oneof: dict[str, Message]) -> tuple[str, ...]:
    """The recognisable pieces of the secrets in an upload."""
    (message,) = oneof.values()
    values = [getattr(message, name) for name in SECRET_FIELDS if hasattr(message, name)]
    return tuple(p for value in values if value for p in secret_pieces(value) if len(p) >= 8)


INVALID = [
    (
        "apns-p384-key",
        lambda: apns_with(p8_key=pkcs8(ec.generate_private_key(ec.SECP384R1()))),
        "apns.p8_key",
    ),
    ("apns-garbage-pem", lambda: apns_with(p8_key=GARBAGE_PEM), "apns.p8_key"),
    ("apns-not-pem", lambda: apns_with(p8_key="justSomeSecretLookingText123"), "apns.p8_key"),
    ("apns-rsa-key", lambda: apns_with(p8_key=pkcs8(rsa_key(0))), "apns.p8_key"),
    ("apns-key-id-short", lambda: apns_with(key_id="ABC123"), "apns.key_id"),
    ("apns-key-id-long", lambda: apns_with(key_id="ABCDE123456"), "apns.key_id"),
    ("apns-team-id-lowercase", lambda: apns_with(team_id="team123456"), "apns.team_id"),
    ("apns-bundle-id", lambda: apns_with(bundle_id="nodots"), "apns.bundle_id"),
    (
        "fcm-not-json",
        lambda: {
            "fcm": credential_pb2.FcmServiceAccount(
                service_account_json='{"private_key": "notJsonSecretBody42", '
            )
        },
        "fcm.service_account_json",
    ),
    (
        "fcm-json-array",
        lambda: {"fcm": credential_pb2.FcmServiceAccount(service_account_json="[1, 2]")},
        "fcm.service_account_json",
    ),
    (
        "fcm-missing-fields",
        lambda: {
            "fcm": credential_pb2.FcmServiceAccount(
                service_account_json=service_account(rsa_key(0), client_email=True, token_uri=True)
            )
        },
        "fcm.service_account_json",
    ),
    (
        "fcm-ec-key",
        lambda: {
            "fcm": credential_pb2.FcmServiceAccount(service_account_json=service_account(p256(10)))
        },
        "fcm.service_account_json",
    ),
    (
        "webpush-bare-address",
        lambda: {
            "web_push": credential_pb2.WebPushVapid(
                subject="ops@example.com", private_key=pkcs8(p256(20))
            )
        },
        "web_push.subject",
    ),
    (
        "webpush-http-subject",
        lambda: {
            "web_push": credential_pb2.WebPushVapid(
                subject="http://example.com", private_key=pkcs8(p256(20))
            )
        },
        "web_push.subject",
    ),
    (
        "webpush-subject-only-not-mailto",
        lambda: {"web_push": credential_pb2.WebPushVapid(subject="ftp://example.com")},
        "web_push.subject",
    ),
    (
        "webpush-p384-key",
        lambda: {
            "web_push": credential_pb2.WebPushVapid(
                subject="mailto:ops@example.com",
                private_key=pkcs8(ec.generate_private_key(ec.SECP384R1())),
            )
        },
        "web_push.private_key",
    ),
    ("expo-empty", lambda: {"expo": credential_pb2.ExpoAccessToken()}, "expo.access_token"),
    (
        "expo-whitespace",
        lambda: {"expo": credential_pb2.ExpoAccessToken(access_token="expoSecret with spaces")},
        "expo.access_token",
    ),
    (
        "hms-app-id-letters",
        lambda: {
            "hms": credential_pb2.HmsClient(
                app_id="app104857", client_secret="hmsClientSecret-3f9a8b7c6d5e4f3a"
            )
        },
        "hms.app_id",
    ),
    (
        "hms-secret-short",
        lambda: {"hms": credential_pb2.HmsClient(app_id="104857600", client_secret="shortSecret")},
        "hms.client_secret",
    ),
    (
        "mipush-package-name",
        lambda: {
            "mipush": credential_pb2.MiPushSecret(
                app_secret="miAppSecretZx9Qw2Er", package_name="1bad.package"
            )
        },
        "mipush.package_name",
    ),
    (
        "mipush-package-single-segment",
        lambda: {
            "mipush": credential_pb2.MiPushSecret(
                app_secret="miAppSecretZx9Qw2Er", package_name="example"
            )
        },
        "mipush.package_name",
    ),
    (
        "mipush-region",
        lambda: {
            "mipush": credential_pb2.MiPushSecret(
                app_secret="miAppSecretZx9Qw2Er", package_name="com.example.push", region="mars"
            )
        },
        "mipush.region",
    ),
]


@pytest.mark.parametrize(
    ("build", "field_path"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
async def test_invalid_material_is_refused_with_its_field_and_without_echoing_it(
    api: Api, build: Callable[[], dict[str, Message]], field_path: str
) -> None:
    app, manager = await managed_app(api)
    oneof = build()
    failure = await expect_error(
        manager(manager.creds.PutCredential, pb.PutCredentialRequest(parent=app.parent, **oneof)),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_CREDENTIAL",
    )
    assert set(failure.violations) == {field_path}
    leaks = leaks_of(oneof)
    if leaks:
        text = " ".join([failure.message, *failure.violations.values()]).encode()
        assert_absent(leaks, text)
    assert await listed(manager, app) == []


async def test_put_without_material_is_invalid_argument(api: Api) -> None:
    app, manager = await managed_app(api)
    failure = await expect_error(
        manager(manager.creds.PutCredential, pb.PutCredentialRequest(parent=app.parent)),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert set(failure.violations) == {"material"}


# --- deleting -------------------------------------------------------------------------------


async def test_deleted_credential_is_gone_and_deleting_again_is_not_found(
    api: Api, server: Server
) -> None:
    app, manager = await managed_app(api)
    await put(manager, expo(0).request(app))
    await put(manager, hms(0).request(app))
    name = f"{app.parent}/credentials/expo"

    await manager(manager.creds.DeleteCredential, pb.DeleteCredentialRequest(name=name))

    assert [c.name for c in await listed(manager, app)] == [f"{app.parent}/credentials/hms"]
    assert [r["provider"] for r in credential_rows(server, app.id)] == ["hms"]
    await expect_error(
        manager(manager.creds.DeleteCredential, pb.DeleteCredentialRequest(name=name)),
        grpc.StatusCode.NOT_FOUND,
        "CREDENTIAL_NOT_FOUND",
    )


@pytest.mark.parametrize(
    "last", ["gcm", "APNS", "web_push", "apns/extra"], ids=["unknown", "uppercase", "proto", "deep"]
)
async def test_delete_with_an_unknown_provider_is_invalid_name(api: Api, last: str) -> None:
    app, manager = await managed_app(api)
    await expect_error(
        manager(
            manager.creds.DeleteCredential,
            pb.DeleteCredentialRequest(name=f"{app.parent}/credentials/{last}"),
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_NAME",
    )


# --- tenancy --------------------------------------------------------------------------------

CALLS: list[tuple[str, Callable[[Stubs, TestApp], Any]]] = [
    ("put", lambda k, app: k(k.creds.PutCredential, expo(0).request(app))),
    (
        "list",
        lambda k, app: k(k.creds.ListCredentials, pb.ListCredentialsRequest(parent=app.parent)),
    ),
    (
        "delete",
        lambda k, app: k(
            k.creds.DeleteCredential,
            pb.DeleteCredentialRequest(name=f"{app.parent}/credentials/expo"),
        ),
    ),
    (
        "vapid",
        lambda k, app: k(k.creds.GetVapidPublicKey, pb.GetVapidPublicKeyRequest(parent=app.parent)),
    ),
]
each_call = pytest.mark.parametrize("call", [c[1] for c in CALLS], ids=[c[0] for c in CALLS])


@each_call
async def test_another_apps_manager_is_refused(
    api: Api, call: Callable[[Stubs, TestApp], Any]
) -> None:
    victim, victim_manager = await managed_app(api)
    await put(victim_manager, expo(0).request(victim))
    _, intruder = await managed_app(api)
    await expect_error(call(intruder, victim), grpc.StatusCode.PERMISSION_DENIED, "WRONG_APP")
    assert [c.name for c in await listed(victim_manager, victim)] == [
        f"{victim.parent}/credentials/expo"
    ]


@each_call
async def test_an_unknown_app_is_not_found(api: Api, call: Callable[[Stubs, TestApp], Any]) -> None:
    await expect_error(
        call(api.admin, TestApp("no-such-app")), grpc.StatusCode.NOT_FOUND, "APP_NOT_FOUND"
    )


# --- VAPID ----------------------------------------------------------------------------------


async def vapid_key(key: Stubs, app: TestApp) -> str:
    response = await key(
        key.creds.GetVapidPublicKey, pb.GetVapidPublicKeyRequest(parent=app.parent)
    )
    public_key: str = response.public_key
    return public_key


async def test_vapid_public_key_is_generated_on_first_request_then_stable(api: Api) -> None:
    app, manager = await managed_app(api)
    assert await listed(manager, app) == []

    first = await vapid_key(manager, app)

    assert all(ch.isalnum() or ch in "-_" for ch in first), "not unpadded base64url"
    point = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4))
    assert len(point) == 65 and point[0] == 4
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)  # on the curve
    assert await vapid_key(manager, app) == first
    (credential,) = await listed(manager, app)
    assert credential.provider == provider_pb2.PROVIDER_WEBPUSH
    assert credential.vapid_public_key == first


async def test_concurrent_first_requests_agree_on_one_vapid_key(api: Api) -> None:
    app, manager = await managed_app(api)
    keys = await all_of(*(vapid_key(manager, app) for _ in range(8)))
    assert len(set(keys)) == 1
    assert [c.vapid_public_key for c in await listed(manager, app)] == [keys[0]]


@pytest.mark.parametrize(
    ("scope", "allowed"),
    [
        (api_key_pb2.SCOPE_APP_MANAGE, True),
        (api_key_pb2.SCOPE_DEVICES_REGISTER, True),
        (api_key_pb2.SCOPE_DEVICES_WRITE, False),
        (api_key_pb2.SCOPE_PUSH_SEND, False),
    ],
    ids=["app-manage", "devices-register", "devices-write", "push-send"],
)
async def test_who_may_read_the_vapid_public_key(api: Api, scope: int, allowed: bool) -> None:
    app = await api.new_app(caller=[scope])
    caller = app.keys["caller"]
    if allowed:
        assert await vapid_key(caller, app) == await vapid_key(api.admin, app)
    else:
        await expect_error(
            vapid_key(caller, app), grpc.StatusCode.PERMISSION_DENIED, "MISSING_SCOPE"
        )


async def test_a_devices_register_key_may_not_manage_credentials(api: Api) -> None:
    app = await api.new_app(registrar=[api_key_pb2.SCOPE_DEVICES_REGISTER])
    registrar = app.keys["registrar"]
    await expect_error(
        registrar(registrar.creds.PutCredential, expo(0).request(app)),
        grpc.StatusCode.PERMISSION_DENIED,
        "MISSING_SCOPE",
    )


async def test_new_vapid_subject_alone_keeps_the_key_browsers_subscribed_with(
    api: Api, server: Server
) -> None:
    app, manager = await managed_app(api)
    public_key = await vapid_key(manager, app)
    envelope = Envelope(load_key_ring(server.settings))
    aad = credential_aad(app.id, Provider.WEBPUSH)
    private_before = envelope.open(sealed_secret(server, app.id, Provider.WEBPUSH), aad)
    (before,) = await listed(manager, app)

    updated = await put(
        manager,
        pb.PutCredentialRequest(
            parent=app.parent,
            web_push=credential_pb2.WebPushVapid(subject="https://example.com/contact"),
        ),
    )

    assert updated.vapid_subject == "https://example.com/contact"
    assert updated.vapid_public_key == public_key
    assert updated.fingerprint == before.fingerprint
    assert updated.rotate_time.ToDatetime() > before.rotate_time.ToDatetime()
    assert await vapid_key(manager, app) == public_key
    assert envelope.open(sealed_secret(server, app.id, Provider.WEBPUSH), aad) == private_before


async def test_vapid_subject_without_a_key_generates_one(api: Api) -> None:
    app, manager = await managed_app(api)
    stored = await put(
        manager,
        pb.PutCredentialRequest(
            parent=app.parent, web_push=credential_pb2.WebPushVapid(subject="mailto:a@b.example")
        ),
    )
    assert stored.vapid_subject == "mailto:a@b.example"
    assert stored.vapid_public_key
    assert await vapid_key(manager, app) == stored.vapid_public_key


async def test_importing_a_vapid_key_replaces_the_generated_one(api: Api) -> None:
    app, manager = await managed_app(api)
    generated = await vapid_key(manager, app)
    material = webpush(0)
    stored = await put(manager, material.request(app))
    assert stored.vapid_public_key == material.shown["vapid_public_key"] != generated
    assert await vapid_key(manager, app) == stored.vapid_public_key
