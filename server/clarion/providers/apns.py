"""Apple Push Notification service: HTTP/2 provider API with token (JWT) authentication.

Three parts, as for every provider:

- `build_request` (pure): one `POST {base}/3/device/{token}` with the APNs headers and the
  JSON payload; `prepare` is its payload half, computed once per distinct `PushContent`.
  A message APNs would refuse for its size or collapse id raises `Undeliverable` instead.
- `classify` (pure): an `HttpResponse` as an `Outcome`, row by row from providers.md §1.
- `ApnsTokenCache`: one ES256 provider JWT per (team, key), shared by every request and
  connection, re-signed on a timer (never per request, never twice within 20 minutes).

`ApnsProvider.send_many` ties them together over the shared transport.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import random
import string
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from clarion.domain.credential_rules import ApnsEnvironment
from clarion.domain.push import (
    AUTH_ERROR,
    BAD_REQUEST,
    PAYLOAD_TOO_LARGE,
    PROVIDER_UNAVAILABLE,
    RATE_LIMITED,
    TOPIC_MISMATCH,
    Outcome,
    Priority,
    ProviderCredential,
    PushContent,
    PushItem,
)
from clarion.providers.base import (
    DEFAULT_CONCURRENCY,
    Undeliverable,
    body_detail,
    deep_merge,
    encode_json,
    parse_json_object,
    send_concurrently,
)
from clarion.providers.transport import HttpRequest, HttpResponse, Requester

__all__ = [
    "PRODUCTION_URL",
    "SANDBOX_URL",
    "TOPIC_SUFFIXES",
    "ApnsPayload",
    "ApnsProvider",
    "ApnsTokenCache",
    "build_request",
    "classify",
    "prepare",
    "sign_provider_token",
]

PRODUCTION_URL: Final = "https://api.push.apple.com"
SANDBOX_URL: Final = "https://api.sandbox.push.apple.com"

# apns-push-type -> the suffix its apns-topic carries after the bundle id (providers.md §1).
# `mdm` is absent on purpose: its topic is the MDM certificate's UID, not a bundle id, and
# it needs certificate auth, which Clarion does not use. Newer types (widgets, controls)
# are unconfirmed and absent until they are.
TOPIC_SUFFIXES: Final[Mapping[str, str]] = {
    "alert": "",
    "background": "",
    "voip": ".voip",
    "complication": ".complication",
    "fileprovider": ".pushkit.fileprovider",
    "location": ".location-query",
    "liveactivity": ".push-type.liveactivity",
    "pushtotalk": ".voip-ptt",
}
MAX_PAYLOAD: Final = 4096
MAX_VOIP_PAYLOAD: Final = 5120
MAX_COLLAPSE_ID: Final = 64  # bytes

# The 20-minute floor: APNs answers 429 TooManyProviderTokenUpdates to a team/key whose
# token changes more often; 60 minutes is the age at which it answers ExpiredProviderToken.
TOKEN_MIN_AGE: Final = 20 * 60.0
TOKEN_MAX_AGE: Final = 60 * 60.0
DEFAULT_TOKEN_AGE: Final = 50 * 60.0
# A token is used for at most `max_age`: its slot (max_age - 20 minutes) plus the 20-minute
# floor a process that first used it late in the slot must still honour. So `max_age` may
# be 40 to 55 minutes (slots of 20 to 35), leaving a margin before APNs's 60-minute limit.
MIN_CONFIGURABLE_AGE: Final = 40 * 60.0
MAX_CONFIGURABLE_AGE: Final = 55 * 60.0
# How long to wait before retrying after TooManyProviderTokenUpdates when the cache has no
# better idea (it normally knows when its own floor ends).
TOKEN_UPDATE_BACKOFF: Final = 60.0

_HEX: Final = frozenset(string.hexdigits)
# Headers of `overrides["apns_headers"]` a sender may set; the others (topic, auth, id)
# are Clarion's to decide.
_OVERRIDABLE_HEADERS: Final = (
    "apns-push-type",
    "apns-priority",
    "apns-expiration",
    "apns-collapse-id",
)


# Payload and request (pure) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApnsPayload:
    """The per-content half of a request: everything but the device, auth and apns-id."""

    push_type: str
    headers: tuple[tuple[str, str], ...]  # apns-topic, -push-type, -priority, ...
    body: bytes


def _aps(content: PushContent) -> dict[str, Any]:
    aps: dict[str, Any] = {}
    alert = {
        key: value
        for key, value in (
            ("title", content.title),
            ("subtitle", content.subtitle),
            ("body", content.body),
        )
        if value
    }
    if alert:
        aps["alert"] = alert
    if content.badge is not None:
        aps["badge"] = content.badge
    if content.sound:
        aps["sound"] = content.sound
    if content.thread_id:
        aps["thread-id"] = content.thread_id
    if content.category:
        aps["category"] = content.category
    if content.content_available:
        aps["content-available"] = 1
    if content.mutable_content:
        aps["mutable-content"] = 1
    if content.interruption_level is not None:
        aps["interruption-level"] = str(content.interruption_level)
    extra = content.overrides.get("apns_aps")
    if isinstance(extra, Mapping):
        aps = deep_merge(aps, extra)
    return aps


def _override_headers(content: PushContent) -> dict[str, str]:
    raw = content.overrides.get("apns_headers")
    if not isinstance(raw, Mapping):
        return {}
    headers = {
        name: str(raw[name]) for name in _OVERRIDABLE_HEADERS if raw.get(name) not in (None, "")
    }
    for name, value in headers.items():
        if not _is_header_value(value):
            raise Undeliverable(
                Outcome.drop(BAD_REQUEST, "BadHeader", f"{name} is not printable ASCII")
            )
    return headers


def _is_header_value(value: str) -> bool:
    # HTTP/2 header values here are printable ASCII; anything else would fail in the
    # transport (ValueError) on every attempt.
    return value.isascii() and value.isprintable()


def prepare(content: PushContent, bundle_id: str) -> ApnsPayload:
    """Headers and body for `content` sent with `bundle_id`'s topic.

    Raises `Undeliverable` (DROP) for an unknown push type, a collapse id over 64 bytes
    or a payload over APNs's limit (4096 bytes, 5120 for VoIP): APNs would refuse them.
    """
    overrides = _override_headers(content)
    silent = content.content_available and not (content.title or content.subtitle or content.body)
    push_type = overrides.get("apns-push-type") or ("background" if silent else "alert")
    if push_type not in TOPIC_SUFFIXES:
        raise Undeliverable(
            Outcome.drop(
                BAD_REQUEST, "InvalidPushType", f"unsupported apns-push-type {push_type!r}"
            )
        )
    if push_type == "background":
        priority = "5"  # APNs refuses 10 for a background push
    else:
        priority = overrides.get("apns-priority") or (
            "10" if content.priority is Priority.HIGH else "5"
        )
    expiration = overrides.get("apns-expiration") or str(content.expires_at or 0)
    collapse_id = overrides.get("apns-collapse-id", content.collapse_key)
    if len(collapse_id.encode("utf-8")) > MAX_COLLAPSE_ID or not _is_header_value(collapse_id):
        raise Undeliverable(
            Outcome.drop(
                BAD_REQUEST,
                "BadCollapseId",
                f"apns-collapse-id over {MAX_COLLAPSE_ID} bytes or not printable ASCII",
            )
        )
    payload: dict[str, Any] = {"aps": _aps(content)}
    for key, value in content.data.items():
        if key != "aps":
            payload[key] = value
    try:
        body = encode_json(payload)
    except (TypeError, ValueError) as exc:
        raise Undeliverable(Outcome.drop(BAD_REQUEST, "BadPayload", str(exc))) from exc
    limit = MAX_VOIP_PAYLOAD if push_type == "voip" else MAX_PAYLOAD
    if len(body) > limit:
        raise Undeliverable(
            Outcome.drop(
                PAYLOAD_TOO_LARGE, "PayloadTooLarge", f"payload is {len(body)} bytes, limit {limit}"
            )
        )
    headers = [
        ("apns-topic", bundle_id + TOPIC_SUFFIXES[push_type]),
        ("apns-push-type", push_type),
        ("apns-priority", priority),
        ("apns-expiration", expiration),
    ]
    if collapse_id:
        headers.append(("apns-collapse-id", collapse_id))
    headers.append(("content-type", "application/json"))
    return ApnsPayload(push_type, tuple(headers), body)


# apns-id only correlates a request with Apple's answer and logs: it must be a unique
# UUID, not an unguessable one. uuid4() costs a getrandom() syscall per request, a
# noticeable share of a large fan-out, so the ids come from a generator seeded once.
_apns_ids = random.Random()
os.register_at_fork(after_in_child=_apns_ids.seed)  # a forked child must not repeat ids
_UUID_CLEAR: Final = ~((0xF000 << 64) | (0xC000 << 48))  # the version and variant bits
_UUID_V4: Final = (0x4000 << 64) | (0x8000 << 48)  # version 4, RFC 4122 variant


def new_apns_id() -> str:
    """A fresh version-4 UUID in canonical (lowercase, dashed) form, for `apns-id`."""
    h = f"{_apns_ids.getrandbits(128) & _UUID_CLEAR | _UUID_V4:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def build_request(
    item: PushItem,
    credential: ProviderCredential,
    jwt: str,
    *,
    base_url: str,
    payload: ApnsPayload | None = None,
    timeout: float | None = None,
) -> HttpRequest:
    """The APNs request delivering `item`, authenticated with the provider token `jwt`.

    `payload` is `prepare(item.content, bundle_id)` when the caller already has it (a
    fan-out shares one per content); it is computed otherwise. Raises `Undeliverable` for a
    malformed device token or a message APNs would refuse.
    """
    token = item.device.token
    if not token or not _HEX.issuperset(token):
        # Also keeps anything but hex out of the URL path.
        raise Undeliverable(Outcome.invalid_token("BadDeviceToken", detail="token is not hex"))
    if payload is None:
        payload = prepare(item.content, credential.metadata.get("bundle_id", ""))
    headers = (
        ("authorization", f"bearer {jwt}"),
        ("apns-id", new_apns_id()),
        *payload.headers,
    )
    return HttpRequest(
        "POST", f"{base_url.rstrip('/')}/3/device/{token}", headers, payload.body, timeout
    )


# Responses (pure) ----------------------------------------------------------------------


def _drop(code: str, detail: str) -> Outcome:
    return Outcome.drop(BAD_REQUEST, code, detail)


def _invalidate(code: str, detail: str) -> Outcome:
    return Outcome.invalid_token(code, detail=detail)


def _credential(code: str, detail: str) -> Outcome:
    return Outcome.credential(code, detail)


def _unavailable(code: str, detail: str) -> Outcome:
    return Outcome.retry(PROVIDER_UNAVAILABLE, code, detail=detail)


def _rate_limited(code: str, detail: str) -> Outcome:
    return Outcome.retry(RATE_LIMITED, code, detail=detail)


# providers.md §1 "Errors", one row per reason.
_REASONS: Final[Mapping[str, Callable[[str, str], Outcome]]] = {
    "BadCollapseId": _drop,
    "BadDeviceToken": _invalidate,
    "BadExpirationDate": _drop,
    "BadMessageId": _drop,
    "BadPriority": _drop,
    "DuplicateHeaders": _drop,
    "InvalidPushType": _drop,
    "MissingDeviceToken": _drop,
    "PayloadEmpty": _drop,
    "BadTopic": _credential,
    "MissingTopic": _credential,
    "DeviceTokenNotForTopic": lambda code, detail: Outcome.invalid_token(
        code, TOPIC_MISMATCH, detail
    ),
    "TopicDisallowed": _credential,
    "IdleTimeout": _unavailable,
    "ExpiredProviderToken": lambda code, detail: Outcome.retry(AUTH_ERROR, code, detail=detail),
    "InvalidProviderToken": _credential,
    "MissingProviderToken": _drop,
    "BadCertificate": _credential,
    "BadCertificateEnvironment": _credential,
    "Forbidden": _credential,
    "BadPath": _drop,
    "MethodNotAllowed": _drop,
    "Unregistered": _invalidate,
    "ExpiredToken": _invalidate,
    "PayloadTooLarge": lambda code, detail: Outcome.drop(PAYLOAD_TOO_LARGE, code, detail),
    "TooManyRequests": _rate_limited,
    "TooManyProviderTokenUpdates": lambda code, detail: Outcome.retry(
        RATE_LIMITED, code, TOKEN_UPDATE_BACKOFF, detail
    ),
    "InternalServerError": _unavailable,
    "ServiceUnavailable": _unavailable,
    "Shutdown": _unavailable,
}


def classify(response: HttpResponse) -> Outcome:
    """The outcome of one APNs response (providers.md §1 "Errors").

    200 is SENT with the `apns-id` as message id (and the sandbox's `apns-unique-id` in
    `detail`). An error's `detail` is APNs's JSON body, which for 410 carries the
    `timestamp` after which a re-registered token is valid again. A reason not in the
    table falls back on the status: 429 rate limited, 5xx unavailable, other 4xx DROP.
    """
    status = response.status
    if status == 200:
        unique = response.headers.get("apns-unique-id", "")
        outcome = Outcome.sent(response.headers.get("apns-id", ""))
        return (
            dataclasses.replace(outcome, detail=f"apns-unique-id={unique}") if unique else outcome
        )
    body = parse_json_object(response.body) or {}
    reason = body.get("reason")
    detail = body_detail(response.body)
    if isinstance(reason, str) and reason in _REASONS:
        return _REASONS[reason](reason, detail)
    code = reason if isinstance(reason, str) and reason else str(status)
    if status == 429:
        return _rate_limited(code, detail)
    if status >= 500:
        return _unavailable(code, detail)
    return _drop(code, detail)


# Provider tokens ---------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_provider_token(
    key: ec.EllipticCurvePrivateKey, key_id: str, team_id: str, iat: int
) -> str:
    """An APNs provider token: ES256 JWT, header {alg, kid}, claims {iss, iat}."""
    header = _b64url(json.dumps({"alg": "ES256", "kid": key_id}, separators=(",", ":")).encode())
    claims = _b64url(json.dumps({"iss": team_id, "iat": iat}, separators=(",", ":")).encode())
    signing_input = f"{header}.{claims}".encode("ascii")
    # Deterministic ECDSA (RFC 6979): every process signing the same claims with the same key
    # gets the same token, so dispatchers on several machines present one token to APNs.
    signature = key.sign(signing_input, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    r, s = decode_dss_signature(signature)
    # JWS wants the raw 64-byte r || s, not the DER that cryptography returns.
    return f"{header}.{claims}.{_b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


class InvalidApnsCredential(Exception):
    """The stored credential cannot sign provider tokens (missing ids, not a P-256 key)."""


@dataclass(slots=True)
class _TokenEntry:
    key: ec.EllipticCurvePrivateKey
    secret_digest: bytes
    jwt: str = ""
    issued_at: float = 0.0  # the token's iat
    first_used: float = 0.0  # when this process started using it
    stale: bool = False  # APNs said ExpiredProviderToken for this jwt
    no_mint_until: float = 0.0  # set by TooManyProviderTokenUpdates


class ApnsTokenCache:
    """One provider token per (team id, key id), shared by every request and connection.

    Several dispatcher processes use one key, and APNs answers 429
    TooManyProviderTokenUpdates when a key's token changes more often than every 20
    minutes. So tokens are not per process: time is cut into slots of `max_age` - 20
    minutes (`max_age` 40 to 55 minutes, default 50), a token's `iat` is its slot's start,
    and the signature is deterministic, so every process holds the identical token for a
    slot without talking to the others. A process moves to the next slot's token once that
    slot has begun and it has used the current one for 20 minutes (a token is thus never
    older than `max_age`). After APNs called a token expired (a clock far off), a fresh one
    is signed for the current moment, again not within 20 minutes of the previous; after a
    429 the cache stops signing for that key for another 20 minutes. Signing is one ECDSA
    operation per refresh, cheap enough to stay on the event loop.
    """

    def __init__(
        self, *, max_age: float = DEFAULT_TOKEN_AGE, clock: Callable[[], float] = time.time
    ) -> None:
        if not MIN_CONFIGURABLE_AGE <= max_age <= MAX_CONFIGURABLE_AGE:
            raise ValueError("max_age must be between 2400 and 3300 seconds")
        self.max_age = max_age
        self._clock = clock
        self._entries: dict[tuple[str, str], _TokenEntry] = {}
        self.tokens_signed = 0  # a counter, for metrics and tests

    def token(self, credential: ProviderCredential) -> str:
        """The current provider token for `credential`, signing a new one when due.

        Raises `InvalidApnsCredential` when the credential cannot sign.
        """
        entry = self._entry(credential)
        now = self._clock()
        if entry.jwt and not self._due(entry, now):
            return entry.jwt
        team_id, key_id = _ids(credential)
        # On schedule, the token of the current slot: the same string in every process.
        # After APNs called a token expired (a clock far off), a fresh one for this moment.
        iat = int(now) if entry.stale else self._slot_start(now)
        entry.jwt = sign_provider_token(entry.key, key_id, team_id, iat)
        entry.issued_at = iat
        entry.first_used = now
        entry.stale = False
        self.tokens_signed += 1
        return entry.jwt

    def expired(self, credential: ProviderCredential, jwt: str) -> float | None:
        """APNs answered ExpiredProviderToken to `jwt`: sign anew as soon as the floor allows.

        Returns the seconds until a new token can be signed (None when it can be now), as
        the retry delay for the item.
        """
        entry = self._entries.get(_ids(credential))
        if entry is None or entry.jwt != jwt:
            return None  # another request already replaced it
        entry.stale = True
        wait = self._next_mint(entry) - self._clock()
        return wait if wait > 0 else None

    def hold(self, credential: ProviderCredential) -> float:
        """APNs answered TooManyProviderTokenUpdates: sign nothing for this key for 20 minutes.

        Returns that delay in seconds, as the retry delay for the item.
        """
        entry = self._entries.get(_ids(credential))
        if entry is None:
            return TOKEN_UPDATE_BACKOFF
        now = self._clock()
        entry.no_mint_until = max(entry.no_mint_until, now + TOKEN_MIN_AGE)
        return max(TOKEN_UPDATE_BACKOFF, self._next_mint(entry) - now)

    def _next_mint(self, entry: _TokenEntry) -> float:
        return max(entry.first_used + TOKEN_MIN_AGE, entry.no_mint_until)

    def _slot_start(self, now: float) -> int:
        slot = int(self.max_age - TOKEN_MIN_AGE)
        return int(now) - int(now) % slot

    def _due(self, entry: _TokenEntry, now: float) -> bool:
        """A new token when a newer slot began, but never within 20 minutes of starting
        to use the current one (APNs's floor), unless it was called expired."""
        if now < entry.no_mint_until or now - entry.first_used < TOKEN_MIN_AGE:
            return False
        return entry.stale or entry.issued_at < self._slot_start(now)

    def _entry(self, credential: ProviderCredential) -> _TokenEntry:
        ids = _ids(credential)
        digest = hashlib.sha256(credential.secret).digest()
        entry = self._entries.get(ids)
        if entry is not None and entry.secret_digest == digest:
            return entry
        try:
            key = serialization.load_pem_private_key(credential.secret, password=None)
        except (ValueError, TypeError):
            # Not chained: the parser's message could quote the key material.
            raise InvalidApnsCredential("the APNs signing key is not a readable .p8 key") from None
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
            raise InvalidApnsCredential("the APNs signing key is not a P-256 key")
        # A new key under the same ids (a corrected upload) starts a fresh entry.
        replacement = _TokenEntry(key, digest)
        self._entries[ids] = replacement
        return replacement


def _ids(credential: ProviderCredential) -> tuple[str, str]:
    team_id = credential.metadata.get("team_id", "")
    key_id = credential.metadata.get("key_id", "")
    if not team_id or not key_id:
        raise InvalidApnsCredential("the APNs credential lacks team_id or key_id")
    return team_id, key_id


# The provider --------------------------------------------------------------------------------


class ApnsProvider:
    """APNs over the shared transport: `send_many(credential, items)`.

    Each item goes to the sandbox or production host by its device's `apns_environment`,
    else by the credential's `environment`. Items are sent concurrently (at most
    `concurrency` at once), one request per device; items sharing one `PushContent` object
    share one serialised payload.
    """

    def __init__(
        self,
        transport: Requester,
        *,
        production_url: str = PRODUCTION_URL,
        sandbox_url: str = SANDBOX_URL,
        clock: Callable[[], float] = time.time,
        token_max_age: float = DEFAULT_TOKEN_AGE,
        request_timeout: float | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        tokens: ApnsTokenCache | None = None,
    ) -> None:
        self._transport = transport
        self._urls = {
            ApnsEnvironment.PRODUCTION: production_url.rstrip("/"),
            ApnsEnvironment.SANDBOX: sandbox_url.rstrip("/"),
        }
        self.tokens = (
            tokens if tokens is not None else ApnsTokenCache(max_age=token_max_age, clock=clock)
        )
        self._timeout = request_timeout
        self._concurrency = concurrency

    async def send_many(
        self, credential: ProviderCredential, items: Sequence[PushItem]
    ) -> list[Outcome]:
        """One outcome per item, in order; never raises for a per-item failure."""
        if not items:
            return []
        bundle_id = credential.metadata.get("bundle_id", "")
        try:
            self.tokens.token(credential)  # fail the whole batch early on an unusable key
            if not bundle_id:
                raise InvalidApnsCredential("the APNs credential lacks bundle_id")
        except InvalidApnsCredential as exc:
            return [Outcome.credential("InvalidCredential", str(exc))] * len(items)
        default_env = _environment(credential.metadata.get("environment"))
        payloads: dict[int, ApnsPayload | Outcome] = {}

        def payload_for(content: PushContent) -> ApnsPayload:
            # Keyed by identity: a fan-out hands the same frozen PushContent to every item
            # (it holds dicts, so it is not hashable), and the items keep it alive meanwhile.
            cached = payloads.get(id(content))
            if cached is None:
                try:
                    cached = prepare(content, bundle_id)
                except Undeliverable as exc:
                    cached = exc.outcome
                payloads[id(content)] = cached
            if isinstance(cached, Outcome):
                raise Undeliverable(cached)
            return cached

        async def send_one(item: PushItem) -> Outcome:
            env = item.device.apns_environment or default_env
            jwt = self.tokens.token(credential)
            request = build_request(
                item,
                credential,
                jwt,
                base_url=self._urls[env],
                payload=payload_for(item.content),
                timeout=self._timeout,
            )
            outcome = classify(await self._transport.request(request))
            if outcome.provider_code == "ExpiredProviderToken":
                outcome = dataclasses.replace(
                    outcome, retry_after=self.tokens.expired(credential, jwt)
                )
            elif outcome.provider_code == "TooManyProviderTokenUpdates":
                outcome = dataclasses.replace(outcome, retry_after=self.tokens.hold(credential))
            return outcome

        return await send_concurrently(items, send_one, limit=self._concurrency)


def _environment(value: str | None) -> ApnsEnvironment:
    try:
        return ApnsEnvironment(value or ApnsEnvironment.PRODUCTION)
    except ValueError:
        return ApnsEnvironment.PRODUCTION
