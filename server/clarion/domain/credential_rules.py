"""What valid provider credential material looks like, checked when it is uploaded.

Pure rules, no I/O. Each `validate_*` function returns a frozen dataclass holding the
credential's non-secret metadata (what listings show) plus `secret`: the normalised secret
bytes the caller seals with `clarion.secrets.Envelope`. Failures raise `InvalidArgument`
with reason `INVALID_CREDENTIAL` and field paths under `field_prefix`
(`credential.<provider>.<field>` by default).

Error messages are fixed sentences: they never echo the submitted material, and exceptions
from parsers are not chained, because a parser's exception can carry the input (a
`JSONDecodeError` keeps the whole document) into a log or error tracker.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import re
from dataclasses import dataclass
from typing import ClassVar, Final, NoReturn, TypeVar
from urllib.parse import urlsplit

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes

from clarion.domain.device_rules import Provider, decode_base64url, encode_base64url
from clarion.domain.errors import FieldViolation, InvalidArgument

__all__ = [
    "ApnsCredential",
    "ApnsEnvironment",
    "ExpoCredential",
    "FcmCredential",
    "HmsCredential",
    "MiPushCredential",
    "MiPushRegion",
    "ValidatedCredential",
    "VapidCredential",
    "generate_vapid_key",
    "public_key_fingerprint",
    "secret_fingerprint",
    "validate_apns_credential",
    "validate_expo_credential",
    "validate_fcm_credential",
    "validate_hms_credential",
    "validate_mipush_credential",
    "validate_vapid_credential",
]

INVALID_CREDENTIAL: Final = "INVALID_CREDENTIAL"

# Generous bounds on uploads: a P-256 PEM is ~240 bytes, a service-account JSON ~2.3 KB.
MAX_PEM_BYTES: Final = 16 * 1024
MAX_SERVICE_ACCOUNT_BYTES: Final = 64 * 1024

# Order of the P-256 group: a raw private scalar must lie in [1, n).
_P256_ORDER: Final = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


class ApnsEnvironment(enum.StrEnum):
    """Which APNs host a credential's devices are registered with."""

    SANDBOX = "sandbox"
    PRODUCTION = "production"


class MiPushRegion(enum.StrEnum):
    """Xiaomi's regional API hosts; devices must be reached through their region's host."""

    CHINA = "china"
    GLOBAL_SGP = "global-sgp"
    GLOBAL_EEA = "global-eea"
    GLOBAL_RU = "global-ru"
    GLOBAL_IN = "global-in"


class ValidatedCredential:
    """Base of the validated credentials: `metadata()` is everything but the secret."""

    __slots__ = ()
    provider: ClassVar[Provider]
    fingerprint: str
    secret: bytes

    def metadata(self) -> dict[str, str]:
        """The non-secret fields as strings, for storage beside the sealed secret and listing."""
        # Every subclass is a dataclass; this base is not, so mypy cannot know that.
        fields = dataclasses.fields(self)  # type: ignore[arg-type]
        values = {f.name: getattr(self, f.name) for f in fields if f.name != "secret"}
        return {"provider": str(self.provider)} | {
            name: str(value) for name, value in values.items() if value is not None
        }


@dataclass(frozen=True, slots=True)
class ApnsCredential(ValidatedCredential):
    """APNs token auth: the .p8 signing key (secret, PKCS#8 PEM) and the JWT's ids."""

    provider: ClassVar[Provider] = Provider.APNS
    key_id: str
    team_id: str
    bundle_id: str
    environment: ApnsEnvironment
    fingerprint: str
    secret: bytes = dataclasses.field(repr=False)


@dataclass(frozen=True, slots=True)
class FcmCredential(ValidatedCredential):
    """An FCM v1 service account; the secret is the whole JSON, canonically re-serialised."""

    provider: ClassVar[Provider] = Provider.FCM
    project_id: str
    client_email: str
    private_key_id: str
    token_uri: str
    fingerprint: str
    secret: bytes = dataclasses.field(repr=False)


@dataclass(frozen=True, slots=True)
class VapidCredential(ValidatedCredential):
    """A Web Push VAPID identity; the secret is the P-256 private key as PKCS#8 PEM.

    `public_key` is the base64url 65-byte uncompressed point: the `applicationServerKey`
    browsers subscribe with, and the `k=` of every VAPID Authorization header.
    """

    provider: ClassVar[Provider] = Provider.WEBPUSH
    subject: str
    public_key: str
    fingerprint: str
    secret: bytes = dataclasses.field(repr=False)


@dataclass(frozen=True, slots=True)
class ExpoCredential(ValidatedCredential):
    """An Expo access token (the secret, UTF-8)."""

    provider: ClassVar[Provider] = Provider.EXPO
    fingerprint: str
    secret: bytes = dataclasses.field(repr=False)


@dataclass(frozen=True, slots=True)
class HmsCredential(ValidatedCredential):
    """Huawei Push Kit OAuth client credentials; the secret is the client secret (UTF-8)."""

    provider: ClassVar[Provider] = Provider.HMS
    app_id: str
    client_id: str
    fingerprint: str
    secret: bytes = dataclasses.field(repr=False)


@dataclass(frozen=True, slots=True)
class MiPushCredential(ValidatedCredential):
    """Xiaomi MiPush: the AppSecret (the secret, UTF-8), the package and the regional host."""

    provider: ClassVar[Provider] = Provider.MIPUSH
    package_name: str
    region: MiPushRegion
    fingerprint: str
    secret: bytes = dataclasses.field(repr=False)


# --- fingerprints ---------------------------------------------------------------------------


def public_key_fingerprint(public_key: PublicKeyTypes) -> str:
    """Hex of the first 16 bytes of SHA-256 over the DER SubjectPublicKeyInfo.

    Public, so safe to show; it lets an operator check which key is installed without ever
    seeing the private part.
    """
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).digest()[:16].hex()


def secret_fingerprint(secret: bytes) -> str:
    """Hex of the first 8 bytes of SHA-256 over a static secret.

    Only 64 bits, and over high-entropy secrets, so it identifies a secret without helping
    anyone guess it.
    """
    return hashlib.sha256(secret).digest()[:8].hex()


# --- shared checks --------------------------------------------------------------------------

_PEM_LABEL_RE: Final = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----")


def _as_bytes(material: bytes | str) -> bytes:
    return material.encode("utf-8") if isinstance(material, str) else bytes(material)


def _pem_label(pem: bytes) -> str | None:
    match = _PEM_LABEL_RE.search(pem)
    return match.group(1).decode("ascii") if match else None


def _load_pem_private_key(pem: bytes) -> tuple[PrivateKeyTypes | None, str | None]:
    """The key, or a fixed description of why it does not load (never the parser's text)."""
    if not pem.strip():
        return None, "is required"
    if len(pem) > MAX_PEM_BYTES:
        return None, f"is larger than {MAX_PEM_BYTES} bytes"
    label = _pem_label(pem)
    if label is None:
        return None, "must be a PEM private key (-----BEGIN ... PRIVATE KEY-----)"
    if label == "ENCRYPTED PRIVATE KEY":
        return None, "must not be password-protected"
    try:
        return serialization.load_pem_private_key(pem, password=None), None
    except TypeError:
        return None, "must not be password-protected"
    except (ValueError, UnsupportedAlgorithm):
        return None, "is not a readable PEM private key"


def _is_p256(key: PrivateKeyTypes | None) -> bool:
    return isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1)


def _pkcs8_pem(key: PrivateKeyTypes) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _printable_without_space(value: str) -> bool:
    return value.isprintable() and not any(ch.isspace() for ch in value)


def _is_http_url(value: str, schemes: tuple[str, ...]) -> bool:
    if not _printable_without_space(value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- evaluated for its ValueError on a malformed port
    except ValueError:
        return False
    return parts.scheme in schemes and bool(parts.hostname)


_E = TypeVar("_E", bound=enum.StrEnum)


def _member(enum_type: type[_E], value: str) -> _E | None:
    try:
        return enum_type(value)
    except ValueError:
        return None


def _raise_if(violations: list[FieldViolation], what: str, field_prefix: str) -> None:
    if violations:
        raise InvalidArgument(
            f"{field_prefix}: invalid {what} credential", violations, reason=INVALID_CREDENTIAL
        )


# --- APNs -----------------------------------------------------------------------------------

_APNS_ID_RE: Final = re.compile(r"[A-Z0-9]{10}", re.ASCII)
_BUNDLE_ID_RE: Final = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", re.ASCII)


def validate_apns_credential(
    *,
    p8_key: bytes | str,
    key_id: str,
    team_id: str,
    bundle_id: str,
    environment: str,
    field_prefix: str = "credential.apns",
) -> ApnsCredential:
    """Check APNs token-auth material: a PKCS#8 P-256 .p8 key and its key, team and bundle ids."""
    violations: list[FieldViolation] = []
    pem = _as_bytes(p8_key)
    key, problem = _load_pem_private_key(pem)
    if problem is None and _pem_label(pem) != "PRIVATE KEY":
        # Apple issues .p8 files as PKCS#8; anything else was converted and may be the wrong key.
        problem = "must be the PKCS#8 .p8 file from Apple (-----BEGIN PRIVATE KEY-----)"
    if problem is None and not _is_p256(key):
        problem = "must be an EC private key on the P-256 curve (an Apple .p8 key)"
    if problem is not None:
        violations.append(FieldViolation(f"{field_prefix}.p8_key", f"the .p8 key {problem}"))
    if not _APNS_ID_RE.fullmatch(key_id):
        violations.append(
            FieldViolation(f"{field_prefix}.key_id", "must be 10 characters of [A-Z0-9]")
        )
    if not _APNS_ID_RE.fullmatch(team_id):
        violations.append(
            FieldViolation(f"{field_prefix}.team_id", "must be 10 characters of [A-Z0-9]")
        )
    if len(bundle_id) > 255 or not _BUNDLE_ID_RE.fullmatch(bundle_id):
        violations.append(
            FieldViolation(
                f"{field_prefix}.bundle_id", "must be a reverse-DNS bundle id like com.example.app"
            )
        )
    if _member(ApnsEnvironment, environment) is None:
        violations.append(
            FieldViolation(f"{field_prefix}.environment", 'must be "sandbox" or "production"')
        )
    _raise_if(violations, "APNs", field_prefix)
    assert isinstance(key, ec.EllipticCurvePrivateKey)  # guaranteed by _is_p256 above
    return ApnsCredential(
        key_id=key_id,
        team_id=team_id,
        bundle_id=bundle_id,
        environment=ApnsEnvironment(environment),
        fingerprint=public_key_fingerprint(key.public_key()),
        secret=_pkcs8_pem(key),
    )


# --- FCM ------------------------------------------------------------------------------------

# Google project ids are lowercase, digits and hyphens; legacy domain-scoped ones look like
# `example.com:project`. Numeric project numbers fit too. No '/': the id goes into a URL path.
_PROJECT_ID_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9.:\-]{0,127}", re.ASCII)


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def _text(document: dict[str, object], name: str) -> str:
    value = document.get(name)
    return value if isinstance(value, str) else ""


def validate_fcm_credential(
    service_account_json: bytes | str, *, field_prefix: str = "credential.fcm"
) -> FcmCredential:
    """Check an FCM service-account JSON key file holds everything the v1 API needs."""
    field = f"{field_prefix}.service_account_json"
    raw = _as_bytes(service_account_json)
    if len(raw) > MAX_SERVICE_ACCOUNT_BYTES:
        raise InvalidArgument.field(
            field, f"is larger than {MAX_SERVICE_ACCOUNT_BYTES} bytes", reason=INVALID_CREDENTIAL
        )
    document: object
    try:
        document = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        # Not chained: JSONDecodeError.doc holds the whole document, private key included.
        document = None
    if not isinstance(document, dict):
        raise InvalidArgument.field(
            field, "must be a service-account JSON object", reason=INVALID_CREDENTIAL
        )

    problems: list[str] = []
    if document.get("type") != "service_account":
        problems.append('"type" must be "service_account"')
    project_id = _text(document, "project_id")
    if not _PROJECT_ID_RE.fullmatch(project_id):
        problems.append('"project_id" must be a Google Cloud project id')
    private_key_id = _text(document, "private_key_id")
    if not 0 < len(private_key_id) <= 128 or not _printable_without_space(private_key_id):
        problems.append('"private_key_id" must be 1-128 printable characters without spaces')
    key, key_problem = _load_pem_private_key(_text(document, "private_key").encode("utf-8"))
    if key_problem is None and not isinstance(key, rsa.RSAPrivateKey):
        key_problem = "must be an RSA private key"
    if key_problem is not None:
        problems.append(f'"private_key" {key_problem}')
    client_email = _text(document, "client_email")
    if (
        "@" not in client_email
        or len(client_email) > 320
        or not _printable_without_space(client_email)
    ):
        problems.append('"client_email" must be the service account\'s e-mail address')
    token_uri = _text(document, "token_uri")
    if not _is_http_url(token_uri, ("https", "http")):
        problems.append('"token_uri" must be an absolute http(s) URL')
    _raise_if([FieldViolation(field, problem) for problem in problems], "FCM", field_prefix)
    assert isinstance(key, rsa.RSAPrivateKey)  # guaranteed by the checks above
    return FcmCredential(
        project_id=project_id,
        client_email=client_email,
        private_key_id=private_key_id,
        token_uri=token_uri,
        fingerprint=public_key_fingerprint(key.public_key()),
        secret=json.dumps(
            document, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode("utf-8"),
    )


# --- Web Push (VAPID) -----------------------------------------------------------------------


def generate_vapid_key() -> ec.EllipticCurvePrivateKey:
    """A fresh P-256 key for an app's VAPID identity."""
    return ec.generate_private_key(ec.SECP256R1())


def _subject_problem(subject: str) -> str | None:
    if len(subject) > 1024 or not _printable_without_space(subject):
        return "must be a mailto: address or an https: URL"
    if subject.startswith("mailto:"):
        address = subject.removeprefix("mailto:")
        local, at, domain = address.partition("@")
        return None if local and at and domain else "the mailto: subject needs an address"
    if subject.startswith("https:"):
        return None if _is_http_url(subject, ("https",)) else "the https: subject needs a host"
    return "must be a mailto: address or an https: URL"


def _load_vapid_private_key(
    material: bytes | str,
) -> tuple[ec.EllipticCurvePrivateKey | None, str | None]:
    raw = _as_bytes(material)
    if b"-----BEGIN" in raw:
        key, problem = _load_pem_private_key(raw)
        if problem is not None:
            return None, f"the private key {problem}"
        if not isinstance(key, ec.EllipticCurvePrivateKey) or not _is_p256(key):
            return None, "the private key must be an EC key on the P-256 curve"
        return key, None
    try:
        scalar = decode_base64url(raw.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        scalar = b""
    if len(scalar) != 32:
        return None, "the private key must be PEM or base64url of a 32-byte P-256 private key"
    value = int.from_bytes(scalar, "big")
    if not 0 < value < _P256_ORDER:
        return None, "the private key is not a valid P-256 private key"
    return ec.derive_private_key(value, ec.SECP256R1()), None


def validate_vapid_credential(
    *,
    subject: str,
    private_key: bytes | str | None = None,
    field_prefix: str = "credential.webpush",
) -> VapidCredential:
    """Check (or, with no `private_key`, generate) an app's VAPID identity.

    `private_key` may be PEM (PKCS#8 or SEC1) or base64url of the raw 32-byte scalar, the
    form web-push libraries print.
    """
    violations: list[FieldViolation] = []
    subject_problem = _subject_problem(subject)
    if subject_problem:
        violations.append(FieldViolation(f"{field_prefix}.subject", subject_problem))
    key: ec.EllipticCurvePrivateKey | None
    if private_key is None:
        key = generate_vapid_key()
    else:
        key, key_problem = _load_vapid_private_key(private_key)
        if key_problem:
            violations.append(FieldViolation(f"{field_prefix}.private_key", key_problem))
    _raise_if(violations, "Web Push", field_prefix)
    assert key is not None  # every path that leaves it None recorded a violation
    public = key.public_key()
    point = public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return VapidCredential(
        subject=subject,
        public_key=encode_base64url(point),
        fingerprint=public_key_fingerprint(public),
        secret=_pkcs8_pem(key),
    )


# --- static secrets: Expo, HMS, MiPush ------------------------------------------------------


def validate_expo_credential(
    access_token: str, *, field_prefix: str = "credential.expo"
) -> ExpoCredential:
    """Check an Expo access token: 1-512 printable characters without whitespace."""
    if not access_token or len(access_token) > 512 or not _printable_without_space(access_token):
        raise InvalidArgument.field(
            f"{field_prefix}.access_token",
            "must be 1-512 printable characters without whitespace",
            reason=INVALID_CREDENTIAL,
        )
    secret = access_token.encode("utf-8")
    return ExpoCredential(fingerprint=secret_fingerprint(secret), secret=secret)


_HMS_APP_ID_RE: Final = re.compile(r"[0-9]{1,32}", re.ASCII)


def validate_hms_credential(
    *,
    app_id: str,
    client_secret: str,
    client_id: str | None = None,
    field_prefix: str = "credential.hms",
) -> HmsCredential:
    """Check Huawei Push Kit credentials; the OAuth client id defaults to the app id."""
    violations: list[FieldViolation] = []
    if not _HMS_APP_ID_RE.fullmatch(app_id):
        violations.append(FieldViolation(f"{field_prefix}.app_id", "must be 1-32 digits"))
    if client_id is not None and (
        not client_id or len(client_id) > 128 or not _printable_without_space(client_id)
    ):
        violations.append(
            FieldViolation(
                f"{field_prefix}.client_id", "must be 1-128 printable characters without spaces"
            )
        )
    if not 16 <= len(client_secret) <= 256 or not client_secret.isprintable():
        violations.append(
            FieldViolation(f"{field_prefix}.client_secret", "must be 16-256 printable characters")
        )
    _raise_if(violations, "HMS", field_prefix)
    secret = client_secret.encode("utf-8")
    return HmsCredential(
        app_id=app_id,
        client_id=client_id or app_id,
        fingerprint=secret_fingerprint(secret),
        secret=secret,
    )


_PACKAGE_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)+", re.ASCII)


def validate_mipush_credential(
    *,
    app_secret: str,
    package_name: str,
    region: str = MiPushRegion.CHINA,
    field_prefix: str = "credential.mipush",
) -> MiPushCredential:
    """Check Xiaomi MiPush credentials: the AppSecret, the Android package and the region."""
    violations: list[FieldViolation] = []
    if not 8 <= len(app_secret) <= 256 or not _printable_without_space(app_secret):
        violations.append(
            FieldViolation(
                f"{field_prefix}.app_secret", "must be 8-256 printable characters without spaces"
            )
        )
    if len(package_name) > 255 or not _PACKAGE_RE.fullmatch(package_name):
        violations.append(
            FieldViolation(
                f"{field_prefix}.package_name", "must be an Android package name like com.example"
            )
        )
    if _member(MiPushRegion, region) is None:
        allowed = ", ".join(MiPushRegion)
        violations.append(FieldViolation(f"{field_prefix}.region", f"must be one of {allowed}"))
    _raise_if(violations, "MiPush", field_prefix)
    secret = app_secret.encode("utf-8")
    return MiPushCredential(
        package_name=package_name,
        region=MiPushRegion(region),
        fingerprint=secret_fingerprint(secret),
        secret=secret,
    )
