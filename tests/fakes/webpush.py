"""A Web Push service (RFC 8030 + RFC 8291 + RFC 8292) for tests, on the local HTTP/2 server.

It plays both ends a real push service stands between: it issues subscriptions the way a
browser's `pushManager.subscribe()` does (a fresh P-256 key pair and auth secret per
subscription, the endpoint on the service's own https origin), and it receives pushes the
way the service and the browser together would: it checks the VAPID `Authorization`
header, the `TTL`/`Urgency`/`Topic`/`Content-Encoding` headers and the body size, then
DECRYPTS the body with the subscription's private key and auth secret and keeps the
plaintext for assertions.

The decryption is written independently of `clarion.providers.webpush_crypto`: it uses
cryptography's HKDF as RFC 8188 states it, where the provider spells out the HMAC steps,
and a wrong key, a wrong auth secret or a flipped bit fails the AES-GCM tag (400).
VAPID is verified with PyJWT, not with Clarion's signer.

Usage::

    async with WebPushService(tls) as service:
        sub = service.new_subscription(application_server_key=vapid_public_key)
        ... send to sub.endpoint with sub.p256dh / sub.auth ...
        assert sub.messages == [{"title": "Hi", ...}]
        service.respond_with(sub, 429, retry_after="30")  # the next push gets a 429

Error bodies are JSON `{"code", "error", "message"}`, shaped like Mozilla autopush's.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, Final

import jwt
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from clarion.domain.device_rules import decode_base64url, encode_base64url
from fakes.h2server import DropConnection, H2Server
from fakes.tls import TlsMaterial

MAX_BODY: Final = 4096
MAX_VAPID_LIFETIME: Final = 24 * 3600
URGENCIES: Final = frozenset({"very-low", "low", "normal", "high"})
_TOPIC_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,32}", re.ASCII)
_PATH_RE: Final = re.compile(r"/push/([A-Za-z0-9_-]+)", re.ASCII)
_P256: Final = ec.SECP256R1()

Response = tuple[int, list[tuple[str, str]], bytes]


def _point(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def _hkdf(secret: bytes, *, salt: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(secret)


def decrypt_aes128gcm(
    body: bytes, private_key: ec.EllipticCurvePrivateKey, auth_secret: bytes
) -> bytes:
    """The user agent's side of RFC 8291: the plaintext of one `aes128gcm` message.

    Raises `ValueError` for a malformed header, more than one record, a bad tag (wrong
    key, wrong auth secret, tampering) or a missing 0x02 last-record delimiter.
    """
    if len(body) < 21:
        raise ValueError("shorter than the aes128gcm header")
    salt, rs, idlen = body[:16], int.from_bytes(body[16:20], "big"), body[20]
    if idlen != 65:
        raise ValueError("keyid must be the 65-byte sender public key")
    keyid, record = body[21 : 21 + idlen], body[21 + idlen :]
    if rs < 18:
        raise ValueError("record size below the minimum of 18")
    if len(record) > rs:
        raise ValueError("more than one record")
    if len(record) < 17:
        raise ValueError("record shorter than delimiter and tag")
    sender = ec.EllipticCurvePublicKey.from_encoded_point(_P256, keyid)
    shared = private_key.exchange(ec.ECDH(), sender)
    ua_public = _point(private_key.public_key())
    ikm = _hkdf(shared, salt=auth_secret, info=b"WebPush: info\x00" + ua_public + keyid, length=32)
    cek = _hkdf(ikm, salt=salt, info=b"Content-Encoding: aes128gcm\x00", length=16)
    nonce = _hkdf(ikm, salt=salt, info=b"Content-Encoding: nonce\x00", length=12)
    try:
        padded = AESGCM(cek).decrypt(nonce, record, None)
    except InvalidTag:
        raise ValueError("authentication tag mismatch") from None
    content = padded.rstrip(b"\x00")
    if not content or content[-1] != 0x02:
        raise ValueError("the only record must end with the 0x02 delimiter")
    return content[:-1]


@dataclass(frozen=True, slots=True)
class ReceivedPush:
    """One push the service accepted, as decrypted."""

    subscription_id: str
    ttl: int
    urgency: str | None
    topic: str | None
    token: str
    claims: dict[str, Any]
    plaintext: bytes
    location: str

    @property
    def message(self) -> Any:
        """The plaintext parsed as JSON."""
        return json.loads(self.plaintext)


@dataclass(frozen=True, slots=True)
class _Vapid:
    token: str
    claims: dict[str, Any]


@dataclass(slots=True)
class _Scripted:
    status: int  # 0 = drop the connection
    retry_after: str | None
    remaining: int | None  # None = for ever


@dataclass(eq=False, slots=True)
class FakeSubscription:
    """A subscription as a browser holds it, private key and all.

    `endpoint`, `p256dh` and `auth` are what the page would hand the app server
    (`web_push` as Clarion's `DeviceAddress.web_push` tuple, `as_json()` as
    `PushSubscription.toJSON()`); `received` holds what reached it, decrypted.
    """

    id: str
    endpoint: str
    p256dh: str
    auth: str
    application_server_key: str | None
    private_key: ec.EllipticCurvePrivateKey = field(repr=False)
    auth_secret: bytes = field(repr=False)
    received: list[ReceivedPush] = field(default_factory=list)
    delay: float = 0.0
    state: str = "active"  # "active" | "gone" (unsubscribed: 410) | "unknown" (404)
    script: deque[_Scripted] = field(default_factory=deque)

    @property
    def web_push(self) -> tuple[str, str, str]:
        return (self.endpoint, self.p256dh, self.auth)

    @property
    def messages(self) -> list[Any]:
        """The decrypted JSON of every push received, oldest first."""
        return [push.message for push in self.received]

    def as_json(self) -> dict[str, Any]:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class WebPushService:
    """The fake push service. Start it (`async with`) before issuing subscriptions.

    Knobs, per subscription: `respond_with(sub, status, retry_after=..., times=...)`
    answers the next `times` pushes (None: every push) with that status before any check;
    `drop_connection(sub, times)` aborts the connection instead; `slow(sub, seconds)`
    delays every answer; `unsubscribe(sub)` makes it answer 410 and `forget(sub)` 404.
    Records: `received` (every accepted push), `rejected` (status and reason of every
    refusal), `tokens` (the VAPID JWT of every accepted push); `server` has the HTTP/2
    counters (connections, requests, peak streams).
    """

    def __init__(self, tls: TlsMaterial, *, clock: Callable[[], float] = time.time) -> None:
        self.server = H2Server(self._handle, tls=tls)
        self.clock = clock
        self.received: list[ReceivedPush] = []
        self.rejected: list[tuple[int, str]] = []
        self._subscriptions: dict[str, FakeSubscription] = {}

    @property
    def origin(self) -> str:
        return self.server.base_url

    @property
    def tokens(self) -> list[str]:
        return [push.token for push in self.received]

    async def start(self) -> WebPushService:
        await self.server.start()
        return self

    async def stop(self) -> None:
        await self.server.stop()

    async def __aenter__(self) -> WebPushService:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # subscriptions ------------------------------------------------------------------------

    def new_subscription(self, application_server_key: str | None = None) -> FakeSubscription:
        """Subscribe as a browser would, optionally bound to a VAPID `applicationServerKey`
        (base64url); pushes signed with any other key then get a 403."""
        if not self.server.port:
            raise RuntimeError("start the service before subscribing")
        private_key = ec.generate_private_key(_P256)
        auth_secret = secrets.token_bytes(16)
        sub_id = secrets.token_urlsafe(24)
        subscription = FakeSubscription(
            id=sub_id,
            endpoint=f"{self.origin}/push/{sub_id}",
            p256dh=encode_base64url(_point(private_key.public_key())),
            auth=encode_base64url(auth_secret),
            application_server_key=application_server_key,
            private_key=private_key,
            auth_secret=auth_secret,
        )
        self._subscriptions[sub_id] = subscription
        return subscription

    def respond_with(
        self,
        subscription: FakeSubscription,
        status: int,
        *,
        retry_after: str | None = None,
        times: int | None = 1,
    ) -> None:
        subscription.script.append(_Scripted(status, retry_after, times))

    def drop_connection(self, subscription: FakeSubscription, times: int | None = 1) -> None:
        subscription.script.append(_Scripted(0, None, times))

    def slow(self, subscription: FakeSubscription, seconds: float) -> None:
        subscription.delay = seconds

    def unsubscribe(self, subscription: FakeSubscription) -> None:
        subscription.state = "gone"

    def forget(self, subscription: FakeSubscription) -> None:
        subscription.state = "unknown"

    # the push endpoint --------------------------------------------------------------------

    def _error(
        self, status: int, message: str, headers: list[tuple[str, str]] | None = None
    ) -> Response:
        self.rejected.append((status, message))
        body = {"code": status, "error": HTTPStatus(status).phrase, "message": message}
        response_headers = [("content-type", "application/json"), *(headers or [])]
        return status, response_headers, json.dumps(body).encode()

    async def _handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> Response:
        match = _PATH_RE.fullmatch(path)
        subscription = self._subscriptions.get(match.group(1)) if match else None
        if subscription is None or subscription.state == "unknown":
            return self._error(404, "no such subscription")
        if method != "POST":
            return self._error(405, "pushes are POSTed")
        if subscription.delay:
            await asyncio.sleep(subscription.delay)
        scripted = self._next_scripted(subscription)
        if scripted is not None:
            if scripted.status == 0:
                raise DropConnection
            extra = [("retry-after", scripted.retry_after)] if scripted.retry_after else []
            if scripted.status in (201, 202):
                location = f"{self.origin}/m/{secrets.token_urlsafe(16)}"
                return scripted.status, [("location", location), *extra], b""
            return self._error(scripted.status, "scripted response", extra)
        if subscription.state == "gone":
            return self._error(410, "the subscription was unsubscribed")

        vapid = self._check_vapid(subscription, headers.get("authorization"))
        if not isinstance(vapid, _Vapid):
            return vapid
        problem = self._check_headers(headers)
        if problem:
            return self._error(400, problem)
        if len(body) > MAX_BODY:
            return self._error(413, f"body of {len(body)} bytes exceeds {MAX_BODY}")
        try:
            plaintext = decrypt_aes128gcm(body, subscription.private_key, subscription.auth_secret)
        except ValueError as exc:
            return self._error(400, f"cannot decrypt: {exc}")

        ttl = int(headers["ttl"])
        location = f"{self.origin}/m/{secrets.token_urlsafe(16)}"
        push = ReceivedPush(
            subscription_id=subscription.id,
            ttl=ttl,
            urgency=headers.get("urgency"),
            topic=headers.get("topic"),
            token=vapid.token,
            claims=vapid.claims,
            plaintext=plaintext,
            location=location,
        )
        subscription.received.append(push)
        self.received.append(push)
        status = 202 if "respond-async" in headers.get("prefer", "") else 201
        return status, [("location", location), ("ttl", str(ttl))], b""

    def _next_scripted(self, subscription: FakeSubscription) -> _Scripted | None:
        if not subscription.script:
            return None
        scripted = subscription.script[0]
        if scripted.remaining is not None:
            scripted.remaining -= 1
            if scripted.remaining <= 0:
                subscription.script.popleft()
        return scripted

    def _check_vapid(
        self, subscription: FakeSubscription, authorization: str | None
    ) -> Response | _Vapid:
        """The token and claims of a valid VAPID header; the 401/403 response otherwise."""
        if not authorization:
            return self._error(401, "VAPID authorization required")
        scheme, _, rest = authorization.partition(" ")
        if scheme.lower() != "vapid":
            return self._error(401, "the authorization scheme must be vapid")
        params: dict[str, str] = {}
        for part in rest.split(","):
            name, sep, value = part.strip().partition("=")
            if sep:
                params[name.strip().lower()] = value.strip()
        token, k = params.get("t"), params.get("k")
        if not token or not k:
            return self._error(401, "vapid needs t= and k=")
        try:
            k_bytes = decode_base64url(k)
            public_key = ec.EllipticCurvePublicKey.from_encoded_point(_P256, k_bytes)
        except ValueError:
            return self._error(403, "k is not a P-256 public key")
        expected = subscription.application_server_key
        if expected is not None and decode_base64url(expected) != k_bytes:
            return self._error(403, "key mismatch: not the subscription's applicationServerKey")
        try:
            if jwt.get_unverified_header(token).get("alg") != "ES256":
                return self._error(403, "the JWT must be ES256")
            claims = jwt.decode(
                token,
                key=public_key,
                algorithms=["ES256"],
                options={"verify_exp": False, "verify_aud": False, "require": ["exp", "aud"]},
            )
        except jwt.InvalidTokenError as exc:
            return self._error(403, f"invalid JWT: {exc}")
        if claims.get("aud") != self.origin:
            return self._error(403, "aud is not this push service's origin")
        now = self.clock()
        exp = claims.get("exp")
        if not isinstance(exp, int) or exp <= now:
            return self._error(403, "the JWT has expired")
        if exp > now + MAX_VAPID_LIFETIME:
            return self._error(403, "exp is more than 24 hours away")
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub.startswith(("mailto:", "https:")):
            return self._error(403, "sub must be a mailto: or https: contact")
        return _Vapid(token, claims)

    @staticmethod
    def _check_headers(headers: dict[str, str]) -> str | None:
        ttl = headers.get("ttl")
        if ttl is None:
            return "TTL is required"
        if not ttl.isdigit():
            return "TTL must be a non-negative integer"
        urgency = headers.get("urgency")
        if urgency is not None and urgency not in URGENCIES:
            return "invalid Urgency"
        topic = headers.get("topic")
        if topic is not None and not _TOPIC_RE.fullmatch(topic):
            return "invalid Topic"
        if headers.get("content-encoding") != "aes128gcm":
            return "Content-Encoding must be aes128gcm"
        return None
