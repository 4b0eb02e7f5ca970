"""A fake APNs (one environment per instance) that checks what the real one checks.

It serves HTTP/2 over TLS (ALPN h2) through `fakes.h2server` and, like Apple:

- verifies the provider token: ES256 signature against the public key of a known
  (team, key id) (`add_key`), `iat` at most an hour old by the fake's clock
  (403 ExpiredProviderToken), a missing header (403 MissingProviderToken), anything else
  wrong (403 InvalidProviderToken); and it counts distinct tokens per key: a new one
  within 20 minutes of the last one it accepted is refused (429 TooManyProviderTokenUpdates);
- accepts only `POST /3/device/<hex token>` (405 MethodNotAllowed, 404 BadPath,
  400 BadDeviceToken / MissingDeviceToken);
- checks `apns-topic` against the team's bundle ids plus the push type's suffix
  (400 MissingTopic / BadTopic), `apns-push-type` (InvalidPushType), `apns-priority`
  (BadPriority, incl. 10 for background), `apns-expiration` (BadExpirationDate),
  `apns-id` (BadMessageId), `apns-collapse-id` ≤ 64 bytes (BadCollapseId), the payload
  (400 PayloadEmpty, 413 PayloadTooLarge above 4096 bytes, 5120 for voip);
- answers 200 with `apns-id` (echoed or generated) and, on the sandbox, `apns-unique-id`.

Every accepted notification is recorded (`accepted`). Per device token it can be told to
answer an error (`fail`), to be slow (`delay`) or to drop the connection (`drop`), for a
number of requests or for ever.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from fakes.h2server import DropConnection, H2Server
from fakes.tls import TlsMaterial

TOPIC_SUFFIXES = {
    "alert": "",
    "background": "",
    "voip": ".voip",
    "complication": ".complication",
    "fileprovider": ".pushkit.fileprovider",
    "location": ".location-query",
    "liveactivity": ".push-type.liveactivity",
    "pushtotalk": ".voip-ptt",
    "widgets": ".push-type.widgets",
    "controls": ".push-type.controls",
}
_DEVICE_PATH = re.compile(r"^/3/device/(?P<token>[^/?]*)$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TOKEN_LIFETIME = 3600.0
TOKEN_UPDATE_WINDOW = 20 * 60.0


@dataclass(frozen=True, slots=True)
class ApnsKey:
    """A .p8 signing key as Apple hands it out: PKCS#8 PEM, with its ids."""

    team_id: str
    key_id: str
    pem: bytes
    public_key: ec.EllipticCurvePublicKey


def make_apns_key(team_id: str = "TEAM123456", key_id: str = "KEY1234567") -> ApnsKey:
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return ApnsKey(team_id, key_id, pem, private.public_key())


@dataclass(frozen=True, slots=True)
class Notification:
    """One notification the fake accepted."""

    environment: str
    token: str
    headers: dict[str, str]
    payload: dict[str, Any]
    apns_id: str
    provider_token: str


@dataclass(slots=True)
class _Fault:
    status: int = 0
    reason: str = ""
    timestamp: int | None = None
    delay: float = 0.0
    drop: bool = False
    times: int | None = None  # None: every request


@dataclass(slots=True)
class _KeyState:
    public_key: ec.EllipticCurvePublicKey
    bundle_ids: set[str]
    # provider token -> when the fake first accepted it (fake clock)
    accepted: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Authenticated:
    key: _KeyState
    provider_token: str


class FakeApns:
    """A fake APNs host for one environment ("production" or "sandbox")."""

    def __init__(
        self,
        *,
        tls: TlsMaterial,
        environment: str = "production",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.environment = environment
        self.clock = clock
        self.server = H2Server(self._handle, tls=tls)
        self.accepted: list[Notification] = []
        self.responses: list[tuple[int, str]] = []  # (status, reason) of every answer
        self._keys: dict[tuple[str, str], _KeyState] = {}
        self._faults: dict[str, _Fault] = {}

    # configuration ----------------------------------------------------------------------

    def add_key(self, key: ApnsKey, *bundle_ids: str) -> None:
        """Trust `key` (its team's apps are `bundle_ids`)."""
        self._keys[(key.team_id, key.key_id)] = _KeyState(key.public_key, set(bundle_ids))

    def fail(
        self,
        token: str,
        status: int,
        reason: str,
        *,
        timestamp: int | None = None,
        times: int | None = None,
    ) -> None:
        """Answer `status {"reason": reason}` for `token` (410s carry `timestamp`, ms)."""
        if status == 410 and timestamp is None:
            timestamp = int(self.clock() * 1000)
        self._faults[token] = _Fault(status, reason, timestamp, times=times)

    def delay(self, token: str, seconds: float, *, times: int | None = None) -> None:
        """Answer requests for `token` only after `seconds`."""
        self._faults[token] = _Fault(delay=seconds, times=times)

    def drop(self, token: str, *, times: int | None = 1) -> None:
        """Abort the connection carrying a request for `token`."""
        self._faults[token] = _Fault(drop=True, times=times)

    def heal(self, token: str) -> None:
        self._faults.pop(token, None)

    def provider_tokens(self, team_id: str, key_id: str) -> list[str]:
        """The distinct provider tokens accepted for a key, oldest first."""
        state = self._keys[(team_id, key_id)]
        return sorted(state.accepted, key=state.accepted.__getitem__)

    # lifecycle --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self.server.base_url

    async def start(self) -> FakeApns:
        await self.server.start()
        return self

    async def stop(self) -> None:
        await self.server.stop()

    async def __aenter__(self) -> FakeApns:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # the handler ------------------------------------------------------------------------

    async def _handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        apns_id = headers.get("apns-id") or str(uuid.uuid4())
        status, reason, extra = await self._answer(method, path, headers, body, apns_id)
        self.responses.append((status, reason))
        response_headers = [("apns-id", apns_id)]
        if status == 200 and self.environment == "sandbox":
            response_headers.append(("apns-unique-id", str(uuid.uuid4())))
        if status == 200:
            return 200, response_headers, b""
        error = json.dumps({"reason": reason, **extra}).encode()
        return status, [*response_headers, ("content-type", "application/json")], error

    async def _answer(
        self, method: str, path: str, headers: dict[str, str], body: bytes, apns_id: str
    ) -> tuple[int, str, dict[str, Any]]:
        if method != "POST":
            return 405, "MethodNotAllowed", {}
        match = _DEVICE_PATH.match(path)
        if match is None:
            return 404, "BadPath", {}
        token = match["token"]
        if not token:
            return 400, "MissingDeviceToken", {}
        if re.fullmatch(r"[0-9a-fA-F]+", token) is None:
            return 400, "BadDeviceToken", {}

        auth = self._authenticate(headers.get("authorization"))
        if not isinstance(auth, _Authenticated):
            return *auth, {}
        key_state, provider_token = auth.key, auth.provider_token

        push_type = headers.get("apns-push-type", "alert")
        if push_type not in TOPIC_SUFFIXES:
            return 400, "InvalidPushType", {}
        topic = headers.get("apns-topic")
        if not topic:
            return 400, "MissingTopic", {}
        suffix = TOPIC_SUFFIXES[push_type]
        if not topic.endswith(suffix) or topic.removesuffix(suffix) not in key_state.bundle_ids:
            return 400, "BadTopic", {}
        priority = headers.get("apns-priority", "10")
        if priority not in ("1", "5", "10") or (push_type == "background" and priority == "10"):
            return 400, "BadPriority", {}
        if not headers.get("apns-expiration", "0").isdigit():
            return 400, "BadExpirationDate", {}
        if "apns-id" in headers and _UUID.match(headers["apns-id"]) is None:
            return 400, "BadMessageId", {}
        if len(headers.get("apns-collapse-id", "").encode()) > 64:
            return 400, "BadCollapseId", {}
        if not body:
            return 400, "PayloadEmpty", {}
        if len(body) > (5120 if push_type == "voip" else 4096):
            return 413, "PayloadTooLarge", {}
        try:
            payload = json.loads(body)
        except ValueError:
            return 400, "BadPayload", {}  # not in Apple's table; Clarion never sends it
        if not isinstance(payload, dict) or not isinstance(payload.get("aps"), dict):
            return 400, "BadPayload", {}

        fault = self._faults.get(token)
        if fault is not None:
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    del self._faults[token]
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.drop:
                raise DropConnection
            if fault.status:
                extra = {"timestamp": fault.timestamp} if fault.timestamp is not None else {}
                return fault.status, fault.reason, extra

        self.accepted.append(
            Notification(self.environment, token, dict(headers), payload, apns_id, provider_token)
        )
        return 200, "", {}

    def _authenticate(self, header: str | None) -> _Authenticated | tuple[int, str]:
        if not header:
            return 403, "MissingProviderToken"
        scheme, _, provider_token = header.partition(" ")
        if scheme.lower() != "bearer" or not provider_token:
            return 403, "InvalidProviderToken"
        try:
            jwt_header = jwt.get_unverified_header(provider_token)
            claims = jwt.decode(provider_token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return 403, "InvalidProviderToken"
        if jwt_header.get("alg") != "ES256":
            return 403, "InvalidProviderToken"
        state = self._keys.get((str(claims.get("iss")), str(jwt_header.get("kid"))))
        if state is None:
            return 403, "InvalidProviderToken"
        try:
            verified = jwt.decode(
                provider_token,
                state.public_key,
                algorithms=["ES256"],
                options={"verify_iat": False, "verify_exp": False, "require": ["iss", "iat"]},
            )
        except jwt.PyJWTError:
            return 403, "InvalidProviderToken"
        iat = verified["iat"]
        now = self.clock()
        if not isinstance(iat, int) or now - iat > TOKEN_LIFETIME:
            return 403, "ExpiredProviderToken"
        if provider_token not in state.accepted:
            newest = max(state.accepted.values(), default=None)
            if newest is not None and now - newest < TOKEN_UPDATE_WINDOW:
                return 429, "TooManyProviderTokenUpdates"
            state.accepted[provider_token] = now
        return _Authenticated(state, provider_token)
