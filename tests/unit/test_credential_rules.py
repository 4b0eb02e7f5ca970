"""Provider credential validation: what is accepted, what is refused, and that refusals never
echo the secret."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from clarion.domain.credential_rules import (
    ApnsCredential,
    ApnsEnvironment,
    MiPushRegion,
    ValidatedCredential,
    generate_vapid_key,
    public_key_fingerprint,
    secret_fingerprint,
    validate_apns_credential,
    validate_expo_credential,
    validate_fcm_credential,
    validate_hms_credential,
    validate_mipush_credential,
    validate_vapid_credential,
)
from clarion.domain.device_rules import Provider, decode_base64url, encode_base64url
from clarion.domain.errors import InvalidArgument

# --- key material ----------------------------------------------------------------------------

NO_ENCRYPTION = serialization.NoEncryption()
PEM = serialization.Encoding.PEM


@cache
def p256_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@cache
def p384_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP384R1())


@cache
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pkcs8(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, NO_ENCRYPTION)


def sec1(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(PEM, serialization.PrivateFormat.TraditionalOpenSSL, NO_ENCRYPTION)


def encrypted_pkcs8(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"hunter2-password"),
    )


def secret_fragments(material: bytes | str) -> list[str]:
    """Recognisable pieces of a secret that must never show up in an error."""
    text = material.decode("utf-8", "replace") if isinstance(material, bytes) else material
    lines = [line for line in text.splitlines() if line and "-----" not in line]
    fragments = [line[:24] for line in lines if len(line) >= 24]
    return fragments or ([text] if len(text) >= 8 else [])


def assert_no_secret(error: InvalidArgument, *materials: bytes | str) -> None:
    text = " ".join(
        [str(error), repr(error), error.message]
        + [v.description + v.field for v in error.violations]
    )
    for material in materials:
        for fragment in secret_fragments(material):
            assert fragment not in text
    # A parser's exception could carry the input along (JSONDecodeError keeps the document).
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__


def fields_of(error: InvalidArgument) -> list[str]:
    return [violation.field for violation in error.violations]


def test_fingerprints() -> None:
    key = p256_key()
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert public_key_fingerprint(key.public_key()) == hashlib.sha256(der).hexdigest()[:32]
    assert secret_fingerprint(b"abc") == hashlib.sha256(b"abc").hexdigest()[:16]


# --- APNs ------------------------------------------------------------------------------------

APNS_OK: dict[str, Any] = {
    "key_id": "ABC123DEFG",
    "team_id": "TEAM123456",
    "bundle_id": "com.example.app",
    "environment": "production",
}


@pytest.mark.parametrize("as_text", [False, True])
def test_valid_apns_credential(as_text: bool) -> None:
    pem = pkcs8(p256_key())
    credential = validate_apns_credential(p8_key=pem.decode() if as_text else pem, **APNS_OK)
    assert isinstance(credential, ApnsCredential)
    assert credential.environment is ApnsEnvironment.PRODUCTION
    assert credential.fingerprint == public_key_fingerprint(p256_key().public_key())
    assert len(credential.fingerprint) == 32
    loaded = serialization.load_pem_private_key(credential.secret, password=None)
    assert isinstance(loaded, ec.EllipticCurvePrivateKey)
    assert loaded.private_numbers() == p256_key().private_numbers()
    assert credential.metadata() == {
        "provider": "apns",
        "key_id": "ABC123DEFG",
        "team_id": "TEAM123456",
        "bundle_id": "com.example.app",
        "environment": "production",
        "fingerprint": credential.fingerprint,
    }
    assert credential.secret.decode() not in repr(credential)
    assert "secret" not in repr(credential)


def test_apns_sandbox_and_normalised_secret() -> None:
    # Extra whitespace around the PEM is tolerated; the stored secret is re-serialised PKCS#8.
    pem = b"\n\n" + pkcs8(p256_key()) + b"\n"
    credential = validate_apns_credential(p8_key=pem, **(APNS_OK | {"environment": "sandbox"}))
    assert credential.environment is ApnsEnvironment.SANDBOX
    assert credential.secret == pkcs8(p256_key())


@pytest.mark.parametrize(
    ("material", "description"),
    [
        (lambda: b"", "is required"),
        (lambda: b"garbage that is not a key", "PEM"),
        (
            lambda: b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            "not a readable",
        ),
        (lambda: sec1(p256_key()), "PKCS#8"),
        (lambda: pkcs8(p384_key()), "P-256"),
        (lambda: pkcs8(rsa_key()), "P-256"),
        (lambda: encrypted_pkcs8(p256_key()), "password"),
        (lambda: b"x" * 20000, "larger"),
    ],
    ids=["empty", "garbage", "bad-base64", "sec1", "p384", "rsa", "encrypted", "huge"],
)
def test_invalid_apns_key(material: Callable[[], bytes], description: str) -> None:
    p8_key = material()
    with pytest.raises(InvalidArgument) as info:
        validate_apns_credential(p8_key=p8_key, **APNS_OK)
    assert info.value.reason == "INVALID_CREDENTIAL"
    assert fields_of(info.value) == ["credential.apns.p8_key"]
    assert description in info.value.violations[0].description
    assert_no_secret(info.value, p8_key)


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"key_id": "abc123defg"}, "key_id"),
        ({"key_id": "ABC123DEF"}, "key_id"),
        ({"key_id": "ABC123DEFGH"}, "key_id"),
        ({"team_id": "TEAM-12345"}, "team_id"),
        ({"team_id": ""}, "team_id"),
        ({"bundle_id": "app"}, "bundle_id"),
        ({"bundle_id": "com.example."}, "bundle_id"),
        ({"bundle_id": "com..example"}, "bundle_id"),
        ({"bundle_id": "com.exa mple"}, "bundle_id"),
        ({"environment": "development"}, "environment"),
        ({"environment": "Production"}, "environment"),
    ],
)
def test_invalid_apns_ids(override: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_apns_credential(p8_key=pkcs8(p256_key()), **(APNS_OK | override))
    assert fields_of(info.value) == [f"credential.apns.{field}"]


def test_apns_reports_every_violation_at_once() -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_apns_credential(
            p8_key="nope",
            key_id="x",
            team_id="y",
            bundle_id="z",
            environment="w",
            field_prefix="apns",
        )
    assert fields_of(info.value) == [
        "apns.p8_key",
        "apns.key_id",
        "apns.team_id",
        "apns.bundle_id",
        "apns.environment",
    ]


# --- FCM -------------------------------------------------------------------------------------


def service_account(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "type": "service_account",
        "project_id": "my-project-123",
        "private_key_id": "0123456789abcdef0123456789abcdef01234567",
        "private_key": pkcs8(rsa_key()).decode(),
        "client_email": "push@my-project-123.iam.gserviceaccount.com",
        "client_id": "123456789012345678901",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    for name, value in changes.items():
        if value is None:
            document.pop(name)
        else:
            document[name] = value
    return document


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"token_uri": "http://127.0.0.1:8089/token"},
        {"project_id": "123456789012"},
        {"project_id": "example.com:legacy-project"},
        {"client_id": None, "auth_uri": None},
    ],
)
def test_valid_fcm_service_account(changes: dict[str, Any]) -> None:
    document = service_account(**changes)
    credential = validate_fcm_credential(json.dumps(document, indent=2))
    assert credential.project_id == document["project_id"]
    assert credential.client_email == document["client_email"]
    assert credential.private_key_id == document["private_key_id"]
    assert credential.token_uri == document["token_uri"]
    assert credential.fingerprint == public_key_fingerprint(rsa_key().public_key())
    assert json.loads(credential.secret) == document
    assert credential.metadata()["provider"] == "fcm"
    assert "private_key" not in credential.metadata()
    assert "BEGIN" not in repr(credential)


def test_fcm_accepts_bytes() -> None:
    credential = validate_fcm_credential(json.dumps(service_account()).encode())
    assert credential.project_id == "my-project-123"


@pytest.mark.parametrize(
    ("changes", "mentions"),
    [
        ({"type": "authorized_user"}, ['"type"']),
        ({"type": None}, ['"type"']),
        ({"project_id": None}, ['"project_id"']),
        ({"project_id": "a/b"}, ['"project_id"']),
        ({"project_id": 12345}, ['"project_id"']),
        ({"private_key_id": ""}, ['"private_key_id"']),
        ({"private_key": None}, ['"private_key" is required']),
        ({"private_key": "-----BEGIN PRIVATE KEY-----\nZZZZ\n-----END PRIVATE KEY-----"}, []),
        ({"private_key": "p8:" + pkcs8(p256_key()).decode()}, ["RSA"]),
        ({"client_email": "not-an-email"}, ['"client_email"']),
        ({"token_uri": "oauth2.googleapis.com/token"}, ['"token_uri"']),
        ({"token_uri": "ftp://oauth2.googleapis.com/token"}, ['"token_uri"']),
        ({"project_id": None, "client_email": None}, ['"project_id"', '"client_email"']),
    ],
)
def test_invalid_fcm_service_account(changes: dict[str, Any], mentions: list[str]) -> None:
    document = service_account(**changes)
    material = json.dumps(document)
    with pytest.raises(InvalidArgument) as info:
        validate_fcm_credential(material)
    assert info.value.reason == "INVALID_CREDENTIAL"
    assert set(fields_of(info.value)) == {"credential.fcm.service_account_json"}
    descriptions = " ".join(v.description for v in info.value.violations)
    for mention in mentions:
        assert mention in descriptions
    assert_no_secret(info.value, document.get("private_key") or "", pkcs8(rsa_key()))


@pytest.mark.parametrize(
    "material",
    [
        "",
        "not json",
        '["a list"]',
        '"a string"',
        '{"type": "service_account", "private_key": NaN}',
        "[" * 50000,
        b"\xff\xfe{}",
        '{"private_key": "' + "x" * 70000 + '"}',
    ],
    ids=["empty", "garbage", "list", "string", "nan", "deep", "not-utf8", "huge"],
)
def test_fcm_material_that_is_not_a_json_object(material: str | bytes) -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_fcm_credential(material)
    assert fields_of(info.value) == ["credential.fcm.service_account_json"]
    assert_no_secret(info.value, material)


def test_fcm_broken_json_error_does_not_carry_the_private_key() -> None:
    material = json.dumps(service_account())[:-1]  # truncated: no closing brace
    with pytest.raises(InvalidArgument) as info:
        validate_fcm_credential(material)
    assert_no_secret(info.value, pkcs8(rsa_key()))


# --- Web Push (VAPID) ------------------------------------------------------------------------


def raw_scalar(key: ec.EllipticCurvePrivateKey) -> str:
    return encode_base64url(key.private_numbers().private_value.to_bytes(32, "big"))


def uncompressed(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


@pytest.mark.parametrize(
    "material",
    [
        lambda: pkcs8(p256_key()),
        lambda: pkcs8(p256_key()).decode(),
        lambda: sec1(p256_key()),
        lambda: raw_scalar(p256_key()),
        lambda: raw_scalar(p256_key()) + "=\n",
    ],
    ids=["pkcs8", "pkcs8-text", "sec1", "raw-scalar", "raw-scalar-padded"],
)
def test_vapid_key_import(material: Callable[[], bytes | str]) -> None:
    credential = validate_vapid_credential(subject="mailto:ops@example.com", private_key=material())
    assert decode_base64url(credential.public_key) == uncompressed(p256_key())
    assert credential.fingerprint == public_key_fingerprint(p256_key().public_key())
    assert credential.secret == pkcs8(p256_key())
    assert credential.metadata() == {
        "provider": "webpush",
        "subject": "mailto:ops@example.com",
        "public_key": credential.public_key,
        "fingerprint": credential.fingerprint,
    }


def test_vapid_generates_a_key_when_none_is_given() -> None:
    one = validate_vapid_credential(subject="https://example.com/contact")
    two = validate_vapid_credential(subject="https://example.com/contact")
    assert one.public_key != two.public_key
    public = decode_base64url(one.public_key)
    assert len(public) == 65 and public[0] == 4
    loaded = serialization.load_pem_private_key(one.secret, password=None)
    assert isinstance(loaded, ec.EllipticCurvePrivateKey)
    assert uncompressed(loaded) == public


def test_generate_vapid_key_is_p256() -> None:
    assert isinstance(generate_vapid_key().curve, ec.SECP256R1)


@pytest.mark.parametrize(
    "subject",
    [
        "",
        "ops@example.com",
        "mailto:",
        "mailto:nobody",
        "https://",
        "http://example.com",
        "mailto:a b@example.com",
        "https://example.com/a b",
    ],
)
def test_invalid_vapid_subject(subject: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_vapid_credential(subject=subject, private_key=pkcs8(p256_key()))
    assert fields_of(info.value) == ["credential.webpush.subject"]
    assert info.value.reason == "INVALID_CREDENTIAL"


@pytest.mark.parametrize(
    "material",
    [
        lambda: pkcs8(p384_key()),
        lambda: pkcs8(rsa_key()),
        lambda: encrypted_pkcs8(p256_key()),
        lambda: encode_base64url(bytes(32)),  # scalar 0
        lambda: encode_base64url(b"\xff" * 32),  # scalar >= group order
        lambda: encode_base64url(b"\x01" * 31),
        lambda: "garbage!",
        lambda: "",
        lambda: b"\xff\xfe",
        lambda: "-----BEGIN PRIVATE KEY-----\nQUJD\n-----END PRIVATE KEY-----\n",
    ],
    ids=[
        "p384",
        "rsa",
        "encrypted",
        "zero",
        "too-large",
        "short",
        "garbage",
        "empty",
        "not-ascii",
        "bad-pem",
    ],
)
def test_invalid_vapid_private_key(material: Callable[[], bytes | str]) -> None:
    secret = material()
    with pytest.raises(InvalidArgument) as info:
        validate_vapid_credential(subject="mailto:ops@example.com", private_key=secret)
    assert fields_of(info.value) == ["credential.webpush.private_key"]
    assert_no_secret(info.value, secret)


# --- static secrets ------------------------------------------------------------------------

EXPO_TOKEN = "Xq3vR-aB4cD_5eF6gH7iJ8kL9mN0pQ1r"


def test_valid_expo_credential() -> None:
    credential = validate_expo_credential(EXPO_TOKEN)
    assert credential.secret == EXPO_TOKEN.encode()
    assert credential.fingerprint == hashlib.sha256(EXPO_TOKEN.encode()).hexdigest()[:16]
    assert credential.metadata() == {"provider": "expo", "fingerprint": credential.fingerprint}
    assert EXPO_TOKEN not in repr(credential)


@pytest.mark.parametrize(
    "token",
    ["", " ", EXPO_TOKEN + " ", "tab\t" + EXPO_TOKEN, EXPO_TOKEN + "\x00", "x" * 513],
)
def test_invalid_expo_credential(token: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_expo_credential(token)
    assert fields_of(info.value) == ["credential.expo.access_token"]
    assert_no_secret(info.value, token)


HMS_SECRET = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"


@pytest.mark.parametrize(
    ("client_id", "expected_client_id"), [(None, "104523456"), ("998877", "998877")]
)
def test_valid_hms_credential(client_id: str | None, expected_client_id: str) -> None:
    credential = validate_hms_credential(
        app_id="104523456", client_secret=HMS_SECRET, client_id=client_id
    )
    assert credential.client_id == expected_client_id
    assert credential.secret == HMS_SECRET.encode()
    assert credential.metadata() == {
        "provider": "hms",
        "app_id": "104523456",
        "client_id": expected_client_id,
        "fingerprint": secret_fingerprint(HMS_SECRET.encode()),
    }


@pytest.mark.parametrize(
    ("app_id", "client_secret", "client_id", "bad"),
    [
        ("", HMS_SECRET, None, ["app_id"]),
        ("12ab", HMS_SECRET, None, ["app_id"]),
        ("1" * 33, HMS_SECRET, None, ["app_id"]),
        ("123", "short-secret", None, ["client_secret"]),
        ("123", "x" * 257, None, ["client_secret"]),
        ("123", HMS_SECRET + "\n", None, ["client_secret"]),
        ("123", HMS_SECRET, "", ["client_id"]),
        ("123", HMS_SECRET, "a b", ["client_id"]),
        ("x", "y", "", ["app_id", "client_id", "client_secret"]),
    ],
)
def test_invalid_hms_credential(
    app_id: str, client_secret: str, client_id: str | None, bad: list[str]
) -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_hms_credential(app_id=app_id, client_secret=client_secret, client_id=client_id)
    assert fields_of(info.value) == [f"credential.hms.{name}" for name in bad]
    assert_no_secret(info.value, client_secret)


MI_SECRET = "aBcDeFgHiJkLmNoPqRsTuV=="


@pytest.mark.parametrize("region", [*MiPushRegion])
def test_valid_mipush_credential(region: MiPushRegion) -> None:
    credential = validate_mipush_credential(
        app_secret=MI_SECRET, package_name="com.example.app_2", region=region.value
    )
    assert credential.region is region
    assert credential.secret == MI_SECRET.encode()
    assert credential.metadata()["region"] == region.value


def test_mipush_region_defaults_to_china() -> None:
    credential = validate_mipush_credential(app_secret=MI_SECRET, package_name="com.example")
    assert credential.region is MiPushRegion.CHINA
    assert credential.metadata() == {
        "provider": "mipush",
        "package_name": "com.example",
        "region": "china",
        "fingerprint": secret_fingerprint(MI_SECRET.encode()),
    }


@pytest.mark.parametrize(
    ("app_secret", "package_name", "region", "bad"),
    [
        ("short", "com.example", "china", ["app_secret"]),
        ("with space here", "com.example", "china", ["app_secret"]),
        ("x" * 257, "com.example", "china", ["app_secret"]),
        (MI_SECRET, "example", "china", ["package_name"]),
        (MI_SECRET, "com.1example", "china", ["package_name"]),
        (MI_SECRET, "com.example-app", "china", ["package_name"]),
        (MI_SECRET, "com.example.", "china", ["package_name"]),
        (MI_SECRET, "com.example", "global", ["region"]),
        (MI_SECRET, "com.example", "CHINA", ["region"]),
        ("", "", "", ["app_secret", "package_name", "region"]),
    ],
)
def test_invalid_mipush_credential(
    app_secret: str, package_name: str, region: str, bad: list[str]
) -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_mipush_credential(app_secret=app_secret, package_name=package_name, region=region)
    assert fields_of(info.value) == [f"credential.mipush.{name}" for name in bad]
    assert_no_secret(info.value, app_secret)


# --- common shape ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: validate_apns_credential(p8_key=pkcs8(p256_key()), **APNS_OK),
        lambda: validate_fcm_credential(json.dumps(service_account())),
        lambda: validate_vapid_credential(subject="mailto:a@b.c"),
        lambda: validate_expo_credential(EXPO_TOKEN),
        lambda: validate_hms_credential(app_id="1", client_secret=HMS_SECRET),
        lambda: validate_mipush_credential(app_secret=MI_SECRET, package_name="a.b"),
    ],
    ids=[
        p.value
        for p in (
            Provider.APNS,
            Provider.FCM,
            Provider.WEBPUSH,
            Provider.EXPO,
            Provider.HMS,
            Provider.MIPUSH,
        )
    ],
)
def test_every_credential_keeps_its_secret_out_of_repr_and_metadata(
    build: Callable[[], ValidatedCredential],
) -> None:
    credential = build()
    assert credential.secret
    shown = repr(credential) + json.dumps(credential.metadata())
    for fragment in secret_fragments(credential.secret):
        assert fragment not in shown
    assert credential.metadata()["fingerprint"] == credential.fingerprint
    assert credential.metadata()["provider"] == credential.provider.value
