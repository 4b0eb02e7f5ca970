"""Web Push (RFC 8030) with message encryption (RFC 8291) and VAPID (RFC 8292).

One POST per subscription to its endpoint on the browser's push service (FCM, Mozilla,
Apple, ...), the body encrypted for that browser alone (`clarion.providers.webpush_crypto`),
the request signed with the app's VAPID key. The pieces, each usable on its own:

- `build_payload(content)`: the JSON the service worker's `push` event receives.
- `build_request(item, authorization, now=...)`: the encrypted `HttpRequest`, or the
  `Outcome` that makes sending pointless (payload too large, expired, broken subscription).
- `classify(response)`: the push service's answer as an `Outcome` (docs/webpush.md).
- `VapidTokens`: one signed JWT per (VAPID key, push-service origin), reused until it
  has less than an hour left, never signed per request.
- `WebPushProvider`: the `Provider` the dispatcher calls; fans a batch out concurrently
  and keeps the per-message crypto from stalling the event loop (see `send_many`).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from clarion.domain.device_rules import decode_base64url, encode_base64url
from clarion.domain.push import (
    BAD_REQUEST,
    EXPIRED,
    PAYLOAD_TOO_LARGE,
    PROVIDER_UNAVAILABLE,
    RATE_LIMITED,
    Outcome,
    OutcomeKind,
    Priority,
    ProviderCredential,
    PushContent,
    PushItem,
)
from clarion.providers import webpush_crypto
from clarion.providers.base import (
    DEFAULT_CONCURRENCY,
    body_detail,
    deep_merge,
    encode_json,
    http_status_outcome,
    parse_retry_after,
    send_concurrently,
)
from clarion.providers.transport import HttpRequest, HttpResponse, Requester

__all__ = [
    "CHUNK_SIZE",
    "EXPIRED_CODE",
    "INLINE_BATCH",
    "INVALID_PAYLOAD",
    "INVALID_SUBSCRIPTION",
    "INVALID_VAPID_CREDENTIAL",
    "PAYLOAD_TOO_LARGE_CODE",
    "VAPID_LIFETIME",
    "VAPID_MAX_LIFETIME",
    "VAPID_REFRESH_BEFORE",
    "VapidKey",
    "VapidTokens",
    "WebPushProvider",
    "build_payload",
    "build_request",
    "classify",
    "endpoint_origin",
    "load_vapid_key",
    "sign_vapid_jwt",
    "topic_for",
]

# RFC 8292 section 2: `exp` at most 24 h after the request. 12 h leaves room for clock skew
# between us and the push service on either side.
VAPID_LIFETIME: Final = 12 * 3600
VAPID_MAX_LIFETIME: Final = 24 * 3600
# A cached JWT is re-signed once it has less than this left.
VAPID_REFRESH_BEFORE: Final = 3600
# Batches up to this size are encrypted on the event loop; larger ones in worker threads,
# CHUNK_SIZE messages per hop. Encrypting one message costs ~70-210 us (docs/webpush.md).
INLINE_BATCH: Final = 32
CHUNK_SIZE: Final = 64

# Provider codes of the outcomes decided without asking the push service.
INVALID_SUBSCRIPTION: Final = "InvalidSubscription"
INVALID_VAPID_CREDENTIAL: Final = "InvalidVapidCredential"
PAYLOAD_TOO_LARGE_CODE: Final = "PayloadTooLarge"
INVALID_PAYLOAD: Final = "InvalidPayload"
EXPIRED_CODE: Final = "Expired"

_TOPIC_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,32}", re.ASCII)
_JWT_HEADER: Final = encode_base64url(b'{"typ":"JWT","alg":"ES256"}')
_P256_COORDINATE: Final = 32


# VAPID ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VapidKey:
    """An app's VAPID identity, loaded from its credential.

    `public_key` is the base64url uncompressed point (the `k=` value and the browsers'
    `applicationServerKey`); `cache_id` names the identity (private key and subject) in
    token caches without keeping the secret around as a dictionary key.
    """

    private_key: ec.EllipticCurvePrivateKey
    public_key: str
    subject: str
    cache_id: bytes

    def __repr__(self) -> str:
        return f"VapidKey(public_key={self.public_key!r}, subject={self.subject!r})"


def load_vapid_key(credential: ProviderCredential) -> VapidKey:
    """The VAPID key of `credential` (PKCS#8 PEM secret, `subject` and `public_key` metadata).

    Raises `ValueError` with a fixed sentence (never the material) when the secret is not
    a P-256 private key, the subject is not a `mailto:` or `https:` contact, or the
    metadata's `public_key` is not the private key's own: browsers subscribed with that
    public key, so signing with another would fail at every push service.
    """
    subject = credential.metadata.get("subject", "")
    if not subject.startswith(("mailto:", "https:")):
        raise ValueError("the VAPID subject must be a mailto: or https: contact")
    try:
        key = serialization.load_pem_private_key(credential.secret, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        # Not chained: a parser's exception may quote the material.
        raise ValueError("the VAPID private key is not a readable PEM private key") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("the VAPID private key is not a P-256 key")
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    declared = credential.metadata.get("public_key", "")
    if declared:
        try:
            matches = decode_base64url(declared) == point
        except ValueError:
            matches = False
        if not matches:
            raise ValueError("the VAPID public_key does not belong to the private key")
    cache_id = hashlib.sha256(credential.secret + b"\x00" + subject.encode()).digest()
    return VapidKey(key, encode_base64url(point), subject, cache_id)


def sign_vapid_jwt(key: VapidKey, audience: str, expires_at: int) -> str:
    """An ES256 JWT with claims `aud`, `exp` and `sub` (RFC 8292 section 2)."""
    claims = encode_base64url(encode_json({"aud": audience, "exp": expires_at, "sub": key.subject}))
    signing_input = f"{_JWT_HEADER}.{claims}"
    der = key.private_key.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    # JWS wants the raw fixed-size r || s, not the DER sequence cryptography returns.
    r, s = decode_dss_signature(der)
    signature = r.to_bytes(_P256_COORDINATE, "big") + s.to_bytes(_P256_COORDINATE, "big")
    return f"{signing_input}.{encode_base64url(signature)}"


@dataclass(frozen=True, slots=True)
class _CachedToken:
    authorization: str
    expires_at: int


class VapidTokens:
    """A cache of VAPID `Authorization` values: one per (VAPID key, push-service origin).

    A value is signed on first use, reused for every request to that origin, and re-signed
    when it has less than `refresh_before` seconds left (or the clock moved back so far
    that its `exp` would be more than 24 h away). Bounded: past `max_entries` the oldest
    entries go. Not thread-safe; the provider uses it from the event loop only.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        *,
        lifetime: int = VAPID_LIFETIME,
        refresh_before: int = VAPID_REFRESH_BEFORE,
        max_entries: int = 4096,
    ) -> None:
        if not 0 < refresh_before < lifetime <= VAPID_MAX_LIFETIME:
            raise ValueError("need 0 < refresh_before < lifetime <= 24 h")
        self._clock = clock
        self._lifetime = lifetime
        self._refresh_before = refresh_before
        self._max_entries = max(1, max_entries)
        self._entries: dict[tuple[bytes, str], _CachedToken] = {}
        self.signed = 0  # JWTs signed so far, for metrics and tests

    def authorization(self, key: VapidKey, origin: str) -> str:
        """`vapid t=<JWT>, k=<public key>` for requests to `origin`."""
        now = self._clock()
        cache_key = (key.cache_id, origin)
        cached = self._entries.get(cache_key)
        if cached is not None:
            left = cached.expires_at - now
            if self._refresh_before < left <= VAPID_MAX_LIFETIME:
                return cached.authorization
        expires_at = int(now) + self._lifetime
        token = sign_vapid_jwt(key, origin, expires_at)
        self.signed += 1
        self._entries.pop(cache_key, None)  # re-inserted last: the dict stays oldest-first
        if len(self._entries) >= self._max_entries:
            self._evict(now)
        value = _CachedToken(f"vapid t={token}, k={key.public_key}", expires_at)
        self._entries[cache_key] = value
        return value.authorization

    def _evict(self, now: float) -> None:
        for cache_key, entry in list(self._entries.items()):
            if entry.expires_at - now <= self._refresh_before:
                del self._entries[cache_key]
        while len(self._entries) >= self._max_entries:
            del self._entries[next(iter(self._entries))]


def endpoint_origin(endpoint: str) -> str:
    """The origin of an https endpoint, `https://host[:port]`, as VAPID's `aud` wants it.

    The default port is left out and the host lowercased (RFC 6454 serialisation).
    Raises `ValueError` for anything but an https URL with a host.
    """
    parts = urlsplit(endpoint)
    host = parts.hostname
    if parts.scheme.lower() != "https" or not host:
        raise ValueError("not an https URL with a host")
    port = parts.port  # ValueError for a malformed port
    if ":" in host:
        host = f"[{host}]"
    return f"https://{host}" if port in (None, 443) else f"https://{host}:{port}"


# Building a request --------------------------------------------------------------------------


def build_payload(content: PushContent) -> dict[str, Any]:
    """The JSON object a service worker receives (docs/webpush.md lists the fields).

    `title`, `body` and `data` always; `image` and `tag` (the collapse key, which makes the
    browser replace an earlier notification with the same tag) when set. The
    `overrides["web_push"]` object is merged over it last: nested objects merge, a null
    removes a key. Raises `TypeError` when that override is not an object.
    """
    payload: dict[str, Any] = {"title": content.title, "body": content.body}
    if content.image_url:
        payload["image"] = content.image_url
    if content.collapse_key:
        payload["tag"] = content.collapse_key
    payload["data"] = dict(content.data)
    override = content.overrides.get("web_push")
    if override is None:
        return payload
    if not isinstance(override, Mapping):
        raise TypeError("overrides.web_push must be a JSON object")
    return deep_merge(payload, override)


def topic_for(collapse_key: str) -> str | None:
    """The `Topic` header for a collapse key, or None without one.

    A key that already is a valid Topic (1-32 base64url characters) is sent as is; any
    other key is replaced by the first 32 characters of the base64url SHA-256 of its UTF-8
    bytes, so equal keys still collapse into one message at the push service.
    """
    if not collapse_key:
        return None
    if _TOPIC_RE.fullmatch(collapse_key):
        return collapse_key
    return encode_base64url(hashlib.sha256(collapse_key.encode("utf-8")).digest())[:32]


def _ttl(content: PushContent, now: float) -> int | None:
    """TTL in seconds: the content's, cut to what is left before `expires_at` (None: expired)."""
    ttl = max(0, content.ttl_seconds)
    if content.expires_at is not None:
        left = int(content.expires_at - now)
        if left <= 0:
            return None
        ttl = min(ttl, left)
    return ttl


def build_request(
    item: PushItem,
    authorization: str,
    *,
    now: float,
    timeout: float | None = None,
    as_private: ec.EllipticCurvePrivateKey | None = None,
    salt: bytes | None = None,
) -> HttpRequest | Outcome:
    """The encrypted POST for `item`, or the `Outcome` that makes sending it pointless.

    `authorization` is the VAPID header value for the endpoint's origin (`VapidTokens`).
    Pure apart from the randomness of the encryption; `as_private` and `salt` pin that for
    tests. Outcomes: DROP `payload_too_large` when the JSON exceeds 3993 bytes, DROP
    `bad_request` when it cannot be serialised, DROP `expired` when `expires_at` has passed,
    INVALID_TOKEN when the subscription cannot be encrypted for.
    """
    subscription = item.device.web_push
    if subscription is None:
        return Outcome.invalid_token(INVALID_SUBSCRIPTION, detail="no Web Push subscription")
    endpoint, p256dh, auth = subscription
    ttl = _ttl(item.content, now)
    if ttl is None:
        return Outcome.drop(EXPIRED, EXPIRED_CODE, detail="expires_at passed before sending")
    try:
        plaintext = encode_json(build_payload(item.content))
    except (TypeError, ValueError) as exc:
        return Outcome.drop(BAD_REQUEST, INVALID_PAYLOAD, detail=str(exc))
    if len(plaintext) > webpush_crypto.MAX_PLAINTEXT_SIZE:
        return Outcome.drop(
            PAYLOAD_TOO_LARGE,
            PAYLOAD_TOO_LARGE_CODE,
            detail=f"{len(plaintext)} bytes of JSON; at most "
            f"{webpush_crypto.MAX_PLAINTEXT_SIZE} fit one 4096-byte record",
        )
    try:
        body = webpush_crypto.encrypt(
            plaintext,
            decode_base64url(p256dh),
            decode_base64url(auth),
            as_private=as_private,
            salt=salt,
        )
    except ValueError:
        # Registration validates subscriptions, so this is a corrupted record: it can never
        # be delivered to. Fixed detail: the keys are not for logs.
        return Outcome.invalid_token(
            INVALID_SUBSCRIPTION, detail="the subscription's p256dh or auth is unusable"
        )
    headers = [
        ("TTL", str(ttl)),
        ("Urgency", "high" if item.content.priority is Priority.HIGH else "normal"),
        ("Content-Encoding", "aes128gcm"),
        ("Content-Type", "application/octet-stream"),
        ("Authorization", authorization),
    ]
    topic = topic_for(item.content.collapse_key)
    if topic is not None:
        headers.append(("Topic", topic))
    return HttpRequest("POST", endpoint, tuple(headers), body, timeout)


# Reading the answer --------------------------------------------------------------------------


def classify(response: HttpResponse, *, now: float | None = None) -> Outcome:
    """The push service's answer as an `Outcome` (table in docs/webpush.md).

    A 403 is read as CREDENTIAL here: on its own it cannot tell a VAPID key the service
    rejects for everyone from a subscription made with another `applicationServerKey`.
    `WebPushProvider` tells them apart across a batch. `now` (Unix seconds) is for a
    `Retry-After` given as an HTTP-date.
    """
    status = response.status
    code = str(status)
    if status in (201, 202):
        return Outcome.sent(message_id=response.headers.get("location", ""), code=code)
    detail = body_detail(response.body)
    retry_after = parse_retry_after(response.headers.get("retry-after"), now=now)
    if status == 400:
        return Outcome.drop(BAD_REQUEST, code, detail=detail)
    if status in (401, 403):
        return Outcome.credential(code, detail=detail)
    if status in (404, 410):
        return Outcome.invalid_token(code, detail=detail)
    if status == 413:
        return Outcome.drop(PAYLOAD_TOO_LARGE, code, detail=detail)
    if status == 429:
        return Outcome.retry(RATE_LIMITED, code, after=retry_after, detail=detail)
    if status >= 500:
        return Outcome.retry(PROVIDER_UNAVAILABLE, code, after=retry_after, detail=detail)
    return http_status_outcome(status, code, detail)


def _key_mismatch(outcome: Outcome) -> Outcome:
    return Outcome.invalid_token(
        outcome.provider_code,
        detail="403 while the same VAPID token was accepted for other subscriptions on this "
        "push service: the subscription was made with another applicationServerKey. "
        + outcome.detail,
    )


# The provider --------------------------------------------------------------------------------


_Built = HttpRequest | Outcome


class WebPushProvider:
    """Web Push through the shared transport: `await provider.send_many(credential, items)`.

    One `Outcome` per item, in order. At most `concurrency` requests are in flight per call;
    `request_timeout` (seconds) bounds each one (None: the transport's default). Batches
    larger than `inline_batch` are encrypted in worker threads, `chunk_size` messages at a
    time, while the previous chunk is already being sent. `clock` (Unix seconds) drives
    VAPID expiry, TTL against `expires_at`, and `Retry-After` dates.
    """

    def __init__(
        self,
        transport: Requester,
        *,
        clock: Callable[[], float] = time.time,
        concurrency: int = DEFAULT_CONCURRENCY,
        request_timeout: float | None = None,
        inline_batch: int = INLINE_BATCH,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        if concurrency < 1 or chunk_size < 1 or inline_batch < 0:
            raise ValueError("concurrency and chunk_size must be >= 1, inline_batch >= 0")
        self._transport = transport
        self._clock = clock
        self._concurrency = concurrency
        self._timeout = request_timeout
        self._inline_batch = inline_batch
        self._chunk_size = chunk_size
        self.tokens = VapidTokens(clock)

    async def send_many(
        self, credential: ProviderCredential, items: Sequence[PushItem]
    ) -> list[Outcome]:
        """Deliver `items` with the VAPID identity in `credential`; one outcome per item.

        An unusable credential makes every item CREDENTIAL without a request. A 403 is
        INVALID_TOKEN (the subscription was made with another `applicationServerKey`) when
        the same push-service origin accepted the same VAPID token for another item of this
        batch, CREDENTIAL otherwise (docs/webpush.md).
        """
        if not items:
            return []
        try:
            key = load_vapid_key(credential)
        except ValueError as exc:
            return [Outcome.credential(INVALID_VAPID_CREDENTIAL, detail=str(exc))] * len(items)

        # Per item, on the loop (cheap): the origin and its cached VAPID header.
        authorizations: list[str | Outcome] = []
        for item in items:
            if item.device.web_push is None:
                authorizations.append(
                    Outcome.invalid_token(INVALID_SUBSCRIPTION, detail="no Web Push subscription")
                )
                continue
            try:
                origin = endpoint_origin(item.device.web_push[0])
            except ValueError:
                authorizations.append(
                    Outcome.invalid_token(
                        INVALID_SUBSCRIPTION, detail="the endpoint is not an https URL"
                    )
                )
                continue
            authorizations.append(self.tokens.authorization(key, origin))

        # The encryption: on the loop for small batches, else chunk by chunk in a worker
        # thread, each chunk handed to the senders as soon as it is ready.
        now = self._clock()
        loop = asyncio.get_running_loop()
        producer: asyncio.Task[None] | None = None
        chunks: list[asyncio.Future[list[_Built]]]
        if len(items) <= self._inline_batch:
            size = len(items)
            chunks = [loop.create_future()]
            chunks[0].set_result(self._build_chunk(items, authorizations, now))
        else:
            size = self._chunk_size
            chunks = [loop.create_future() for _ in range(0, len(items), size)]
            producer = loop.create_task(self._produce(items, authorizations, now, size, chunks))

        accepted: set[str] = set()  # VAPID headers a push service answered 2xx to
        forbidden: list[int] = []

        async def send_one(index: int) -> Outcome:
            built = (await chunks[index // size])[index % size]
            if isinstance(built, Outcome):
                return built
            response = await self._transport.request(built)
            outcome = classify(response, now=self._clock())
            if outcome.kind is OutcomeKind.SENT:
                accepted.add(str(authorizations[index]))
            elif response.status == 403:
                forbidden.append(index)
            return outcome

        try:
            outcomes = await send_concurrently(range(len(items)), send_one, limit=self._concurrency)
        finally:
            if producer is not None and not producer.done():
                producer.cancel()
        for index in forbidden:
            if authorizations[index] in accepted:
                outcomes[index] = _key_mismatch(outcomes[index])
        return outcomes

    def _build_chunk(
        self, items: Sequence[PushItem], authorizations: Sequence[str | Outcome], now: float
    ) -> list[_Built]:
        built: list[_Built] = []
        for item, authorization in zip(items, authorizations, strict=True):
            if isinstance(authorization, Outcome):
                built.append(authorization)
            else:
                built.append(build_request(item, authorization, now=now, timeout=self._timeout))
        return built

    async def _produce(
        self,
        items: Sequence[PushItem],
        authorizations: Sequence[str | Outcome],
        now: float,
        size: int,
        chunks: list[asyncio.Future[list[_Built]]],
    ) -> None:
        """Encrypt chunk after chunk in a worker thread, handing each to the senders.

        cryptography holds the GIL while it computes, so the thread adds no parallelism;
        what it buys is that the interpreter's switch interval (5 ms) bounds how long the
        event loop waits, whatever the batch size, instead of the whole batch's crypto.
        """
        for number, future in enumerate(chunks):
            start = number * size
            try:
                built = await asyncio.to_thread(
                    self._build_chunk,
                    items[start : start + size],
                    authorizations[start : start + size],
                    now,
                )
            except asyncio.CancelledError:
                for pending in chunks[number:]:
                    pending.cancel()
                raise
            except Exception as exc:
                # A bug: every sender waiting on this chunk reports it (send_concurrently
                # logs it and answers RETRY); later chunks are still built.
                future.set_exception(exc)
            else:
                future.set_result(built)
