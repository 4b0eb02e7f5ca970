"""A fake FCM: Google's OAuth token endpoint and the v1 send endpoint, checked like the real ones.

- The token endpoint (`token_uri`) speaks HTTP/1.1 over TLS, as google-auth's requests
  transport does. It takes the form POST `grant_type=urn:ietf:params:oauth:grant-type:
  jwt-bearer&assertion=<JWT>`, verifies the RS256 assertion against the public key of a
  known service account (`add_service_account`; `kid` = its private_key_id), `aud` =
  Google's token URI (or the fake's own), `iss` = its client_email, a scope covering FCM,
  `exp - iat` ≤ 3600 and not expired, and answers
  `{"access_token", "expires_in": 3599, "token_type": "Bearer"}` or
  `400 {"error": "invalid_grant", ...}`. It runs on the test's event loop, so a client
  that blocked the loop while fetching a token would never get an answer.
- The send endpoint (`base_url`, HTTP/2 via `fakes.h2server`) serves
  `POST /v1/projects/{project}/messages:send`: the bearer token must be one the token
  endpoint minted and not expired by the fake's clock (401 UNAUTHENTICATED), for that
  project (403 PERMISSION_DENIED); the body must be a v1 message with exactly one target,
  string data values, no reserved data key, valid Android priority/TTL and at most 4096
  bytes (400 INVALID_ARGUMENT with `google.rpc.BadRequest` details). Success is
  `{"name": "projects/{project}/messages/{id}"}`.
- Errors are Google's google.rpc.Status bodies with `FcmError` details. Per registration
  token it can answer UNREGISTERED, INVALID_ARGUMENT, SENDER_ID_MISMATCH, QUOTA_EXCEEDED,
  UNAVAILABLE, INTERNAL, THIRD_PARTY_AUTH_ERROR or UNSPECIFIED_ERROR (`fail`), be slow
  (`delay`) or drop the connection (`drop`); a per-project per-minute quota answers 429
  with Retry-After when exhausted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
import secrets
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from fakes.h2server import DropConnection, H2Server
from fakes.tls import TlsMaterial

FCM_SCOPES = (
    "https://www.googleapis.com/auth/firebase.messaging",
    "https://www.googleapis.com/auth/cloud-platform",
)
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# The audience Google expects in the assertion. google-auth always puts this constant there,
# whatever `token_uri` the key file names, so the fake takes it as well as its own URI.
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
_SEND_PATH = re.compile(r"^/v1/projects/(?P<project>[^/]+)/messages:send$")
_MESSAGE_FIELDS = {
    "name",
    "token",
    "topic",
    "condition",
    "data",
    "notification",
    "android",
    "apns",
    "webpush",
    "fcm_options",
}
_TTL = re.compile(r"^\d+(\.\d{1,9})?s$")
FCM_ERROR = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"

# errorCode -> (HTTP status, google.rpc status, message), as FCM answers them.
ERRORS: dict[str, tuple[int, str, str]] = {
    "UNREGISTERED": (404, "NOT_FOUND", "Requested entity was not found."),
    "INVALID_ARGUMENT": (
        400,
        "INVALID_ARGUMENT",
        "The registration token is not a valid FCM registration token",
    ),
    "SENDER_ID_MISMATCH": (403, "PERMISSION_DENIED", "SenderId mismatch"),
    "QUOTA_EXCEEDED": (
        429,
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Send requests' and limit 'Send requests per minute'"
        " of service 'fcm.googleapis.com'.",
    ),
    "UNAVAILABLE": (503, "UNAVAILABLE", "The service is currently unavailable."),
    "INTERNAL": (500, "INTERNAL", "Internal error encountered."),
    "THIRD_PARTY_AUTH_ERROR": (401, "UNAUTHENTICATED", "Auth error from APNS or Web Push Service"),
    "UNSPECIFIED_ERROR": (400, "INVALID_ARGUMENT", "Unspecified error."),
}
UNAUTHENTICATED_MESSAGE = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)


def rpc_error(
    http_status: int,
    status: str,
    message: str,
    *,
    error_code: str | None = None,
    violations: list[tuple[str, str]] | None = None,
) -> bytes:
    """A google.rpc.Status error body as Google's JSON mapping writes it."""
    details: list[dict[str, Any]] = []
    if error_code is not None:
        details.append({"@type": FCM_ERROR, "errorCode": error_code})
    if violations:
        details.append(
            {
                "@type": BAD_REQUEST,
                "fieldViolations": [{"field": f, "description": d} for f, d in violations],
            }
        )
    error: dict[str, Any] = {"code": http_status, "message": message, "status": status}
    if details:
        error["details"] = details
    return json.dumps({"error": error}).encode()


# Service accounts ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServiceAccount:
    """A service-account key file as the Firebase console hands it out."""

    info: dict[str, str]
    public_key: rsa.RSAPublicKey

    @property
    def json_bytes(self) -> bytes:
        return json.dumps(self.info).encode()

    @property
    def project_id(self) -> str:
        return self.info["project_id"]

    @property
    def client_email(self) -> str:
        return self.info["client_email"]


def make_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_service_account(
    key: rsa.RSAPrivateKey, *, project_id: str, token_uri: str, key_id: str | None = None
) -> ServiceAccount:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    email = f"firebase-adminsdk@{project_id}.iam.gserviceaccount.com"
    info = {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": key_id or secrets.token_hex(20),
        "private_key": pem,
        "client_email": email,
        "client_id": "1" + "".join(str(secrets.randbelow(10)) for _ in range(20)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "universe_domain": "googleapis.com",
    }
    return ServiceAccount(info, key.public_key())


# A small HTTP/1.1 server (google-auth's transport does not speak h2) ---------------------------

Http1Handler = Callable[
    [str, str, dict[str, str], bytes], Awaitable[tuple[int, list[tuple[str, str]], bytes]]
]
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}


class Http1Server:
    """HTTP/1.1 with keep-alive over TLS on 127.0.0.1; counts connections and requests."""

    def __init__(self, handler: Http1Handler, *, tls: TlsMaterial) -> None:
        self.handler = handler
        self.tls = tls
        self.port = 0
        self.connections_total = 0
        self.requests_total = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._serve,
            "127.0.0.1",
            0,
            ssl=self.tls.server_context(alpn=("http/1.1",)),
            ssl_shutdown_timeout=0.2,
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        await self._server.wait_closed()
        self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections_total += 1
        self._writers.add(writer)
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                method, target, _ = line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while (raw := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = raw.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.requests_total += 1
                status, response_headers, response_body = await self.handler(
                    method, target, headers, body
                )
                head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}"]
                head += [f"{name}: {value}" for name, value in response_headers]
                head.append(f"Content-Length: {len(response_body)}")
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + response_body)
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    return
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, ValueError):
            return
        finally:
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


# The fake -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Message:
    """One message the fake accepted."""

    project_id: str
    message: dict[str, Any]
    access_token: str
    name: str


@dataclass(slots=True)
class _Minted:
    client_email: str
    project_id: str
    expires_at: float


@dataclass(slots=True)
class _Fault:
    error_code: str = ""
    retry_after: str | None = None
    delay: float = 0.0
    drop: bool = False
    times: int | None = None


@dataclass(slots=True)
class _Quota:
    window_start: float = -math.inf
    used: int = 0


@dataclass(slots=True)
class _Grant:
    account: ServiceAccount
    refused: str = ""  # an invalid_grant description while the account is disabled
    minted: int = 0


class FakeFcm:
    """Google's token endpoint plus the FCM v1 send endpoint."""

    def __init__(
        self,
        *,
        tls: TlsMaterial,
        clock: Callable[[], float] = time.time,
        token_lifetime: int = 3599,
        quota_per_minute: int = 600_000,
    ) -> None:
        self.clock = clock
        self.token_lifetime = token_lifetime
        self.quota_per_minute = quota_per_minute
        self.token_delay = 0.0
        self.refuse_all_bearer_tokens = False  # every send answers 401, even fresh tokens
        self.server = H2Server(self._send, tls=tls)
        self.oauth = Http1Server(self._token, tls=tls)
        self.accepted: list[Message] = []
        self.responses: list[tuple[int, str]] = []  # (HTTP status, error code or status)
        self.grant_errors: list[str] = []
        self._accounts: dict[str, _Grant] = {}
        self._minted: dict[str, _Minted] = {}
        self._faults: dict[str, _Fault] = {}
        self._quotas: dict[str, _Quota] = {}
        self._counter = 0

    # configuration ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def token_uri(self) -> str:
        return f"{self.oauth.base_url}/token"

    def add_service_account(self, account: ServiceAccount) -> None:
        self._accounts[account.client_email] = _Grant(account)

    def disable_service_account(self, account: ServiceAccount) -> None:
        """Refuse its grants from now on, as after its key was deleted."""
        self._accounts[account.client_email].refused = "Invalid JWT Signature."

    def tokens_minted(self, account: ServiceAccount) -> int:
        return self._accounts[account.client_email].minted

    def revoke_access_tokens(self) -> None:
        """Forget every access token minted so far (the next sends get 401)."""
        self._minted.clear()

    def fail(
        self,
        token: str,
        error_code: str,
        *,
        retry_after: str | None = None,
        times: int | None = None,
    ) -> None:
        """Answer Google's error for `error_code` (a key of `ERRORS`) to sends to `token`."""
        if error_code not in ERRORS:
            raise ValueError(error_code)
        self._faults[token] = _Fault(error_code, retry_after, times=times)

    def delay(self, token: str, seconds: float, *, times: int | None = None) -> None:
        self._faults[token] = _Fault(delay=seconds, times=times)

    def drop(self, token: str, *, times: int | None = 1) -> None:
        """Abort the connection carrying a send to `token`."""
        self._faults[token] = _Fault(drop=True, times=times)

    def heal(self, token: str) -> None:
        self._faults.pop(token, None)

    # lifecycle ----------------------------------------------------------------------------

    async def start(self) -> FakeFcm:
        await self.server.start()
        await self.oauth.start()
        return self

    async def stop(self) -> None:
        await self.oauth.stop()
        await self.server.stop()

    async def __aenter__(self) -> FakeFcm:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # the token endpoint -------------------------------------------------------------------

    async def _token(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        json_type = [("Content-Type", "application/json; charset=utf-8")]
        if path != "/token":
            return 404, json_type, b'{"error":"not_found"}'
        if method != "POST":
            return 405, json_type, b'{"error":"invalid_request"}'
        if self.token_delay:
            await asyncio.sleep(self.token_delay)
        if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return self._grant_error("invalid_request", "Bad Request")
        form = {k: v[0] for k, v in parse_qs(body.decode("latin-1")).items()}
        if form.get("grant_type") != JWT_BEARER:
            return self._grant_error(
                "unsupported_grant_type", f"Invalid grant_type: {form.get('grant_type', '')}"
            )
        refusal, grant = self._verify_assertion(form.get("assertion", ""))
        if grant is None:
            return self._grant_error("invalid_grant", refusal)
        grant.minted += 1
        access_token = "ya29.fake-" + secrets.token_urlsafe(48)
        self._minted[access_token] = _Minted(
            grant.account.client_email,
            grant.account.project_id,
            self.clock() + self.token_lifetime,
        )
        answer = {
            "access_token": access_token,
            "expires_in": self.token_lifetime,
            "token_type": "Bearer",
        }
        return 200, json_type, json.dumps(answer).encode()

    def _grant_error(
        self, error: str, description: str
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        self.grant_errors.append(description)
        body = json.dumps({"error": error, "error_description": description}).encode()
        return 400, [("Content-Type", "application/json; charset=utf-8")], body

    def _verify_assertion(self, assertion: str) -> tuple[str, _Grant | None]:
        try:
            header = jwt.get_unverified_header(assertion)
            claims = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError:
            return "Invalid JWT: malformed.", None
        grant = self._accounts.get(str(claims.get("iss")))
        if grant is None:
            return "Invalid grant: account not found", None
        if grant.refused:
            return grant.refused, None
        if (
            header.get("alg") != "RS256"
            or header.get("kid") != grant.account.info["private_key_id"]
        ):
            return "Invalid JWT Signature.", None
        try:
            verified = jwt.decode(
                assertion,
                grant.account.public_key,
                algorithms=["RS256"],
                audience=[GOOGLE_TOKEN_URI, self.token_uri],
                leeway=60,
                options={"require": ["iss", "aud", "iat", "exp"]},
            )
        except jwt.InvalidSignatureError:
            return "Invalid JWT Signature.", None
        except jwt.PyJWTError as exc:
            return f"Invalid JWT: {exc}", None
        if int(verified["exp"]) - int(verified["iat"]) > 3600:
            return (
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                "reasonable timeframe. Check your iat and exp values in the JWT claim.",
                None,
            )
        scopes = str(verified.get("scope", "")).split()
        if not any(scope in FCM_SCOPES for scope in scopes):
            return "Invalid OAuth scope or ID token audience provided.", None
        return "", grant

    # the send endpoint --------------------------------------------------------------------

    async def _send(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        status, code, response_headers, response_body = await self._answer(
            method, path, headers, body
        )
        self.responses.append((status, code))
        return (
            status,
            [("content-type", "application/json; charset=UTF-8"), *response_headers],
            (response_body),
        )

    async def _answer(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, str, list[tuple[str, str]], bytes]:
        match = _SEND_PATH.match(path)
        if match is None or method != "POST":
            return 404, "NOT_FOUND", [], rpc_error(404, "NOT_FOUND", "Not Found")
        project = match["project"]

        scheme, _, access_token = headers.get("authorization", "").partition(" ")
        minted = self._minted.get(access_token) if scheme.lower() == "bearer" else None
        if minted is None or self.clock() >= minted.expires_at or self.refuse_all_bearer_tokens:
            return (
                401,
                "UNAUTHENTICATED",
                [("www-authenticate", 'Bearer realm="https://accounts.google.com/"')],
                rpc_error(401, "UNAUTHENTICATED", UNAUTHENTICATED_MESSAGE),
            )
        if project != minted.project_id:
            message = (
                "Permission 'cloudmessaging.messages.create' denied on resource "
                f"'//cloudresourcemanager.googleapis.com/projects/{project}' "
                "(or it may not exist)."
            )
            return 403, "PERMISSION_DENIED", [], rpc_error(403, "PERMISSION_DENIED", message)

        quota = self._quotas.setdefault(project, _Quota())
        now = self.clock()
        if now - quota.window_start >= 60:
            quota.window_start, quota.used = now, 0
        if quota.used >= self.quota_per_minute:
            wait = max(1, math.ceil(quota.window_start + 60 - now))
            code, (status, rpc_status, message) = "QUOTA_EXCEEDED", ERRORS["QUOTA_EXCEEDED"]
            return (
                status,
                code,
                [("retry-after", str(wait))],
                rpc_error(status, rpc_status, message, error_code=code),
            )
        quota.used += 1  # client errors count too (429s do not)

        try:
            document = json.loads(body)
        except ValueError:
            return _invalid("Invalid JSON payload received.", [])
        problem = _check_message(document)
        if problem is not None:
            return _invalid(*problem)
        message = document["message"]
        token = message.get("token")

        fault = self._faults.get(token) if isinstance(token, str) else None
        if fault is not None:
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    del self._faults[token]
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.drop:
                raise DropConnection
            if fault.error_code:
                code = fault.error_code
                status, rpc_status, text = ERRORS[code]
                extra = [("retry-after", fault.retry_after)] if fault.retry_after else []
                return status, code, extra, rpc_error(status, rpc_status, text, error_code=code)

        if document.get("validate_only"):
            return 200, "", [], json.dumps({"name": f"projects/{project}/messages/fake"}).encode()
        self._counter += 1
        name = f"projects/{project}/messages/0:{int(now * 1000)}%{self._counter:016x}"
        self.accepted.append(Message(project, message, access_token, name))
        return 200, "", [], json.dumps({"name": name}).encode()


def _invalid(
    message: str, violations: list[tuple[str, str]]
) -> tuple[int, str, list[tuple[str, str]], bytes]:
    return (
        400,
        "INVALID_ARGUMENT",
        [],
        rpc_error(
            400, "INVALID_ARGUMENT", message, error_code="INVALID_ARGUMENT", violations=violations
        ),
    )


_GENERIC = "Request contains an invalid argument."


def _check_message(document: object) -> tuple[str, list[tuple[str, str]]] | None:
    """What FCM would refuse in a `messages:send` body, as (message, field violations)."""
    if not isinstance(document, dict) or not isinstance(document.get("message"), dict):
        return _GENERIC, [("message", "message is required")]
    unknown = set(document) - {"message", "validate_only"}
    if unknown:
        name = sorted(unknown)[0]
        return f'Invalid JSON payload received. Unknown name "{name}": Cannot find field.', []
    message = document["message"]
    unknown = set(message) - _MESSAGE_FIELDS
    if unknown:
        name = sorted(unknown)[0]
        return (
            f"Invalid JSON payload received. Unknown name \"{name}\" at 'message': "
            "Cannot find field.",
            [],
        )
    targets = [key for key in ("token", "topic", "condition") if message.get(key)]
    if len(targets) != 1:
        return _GENERIC, [("message", "Exactly one of token, topic or condition is required")]
    data = message.get("data", {})
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        return _GENERIC, [("message.data", "data values must be strings")]
    for key in data:
        if key in ("from", "message_type") or key.startswith(("google", "gcm")):
            return _GENERIC, [(f"message.data.{key}", f"Invalid data payload key: {key}")]
    android = message.get("android", {})
    if not isinstance(android, dict):
        return _GENERIC, [("message.android", "must be an object")]
    if android.get("priority", "NORMAL") not in ("NORMAL", "HIGH"):
        return _GENERIC, [("message.android.priority", "Invalid value")]
    ttl = android.get("ttl", "0s")
    if not isinstance(ttl, str) or not _TTL.match(ttl) or float(ttl[:-1]) > 2_419_200:
        return _GENERIC, [("message.android.ttl", "Invalid TTL")]
    for block in ("notification", "apns", "webpush"):
        if not isinstance(message.get(block, {}), dict):
            return _GENERIC, [(f"message.{block}", "must be an object")]
    without_target = {k: v for k, v in message.items() if k not in ("token", "topic", "condition")}
    size = len(json.dumps(without_target, separators=(",", ":"), ensure_ascii=False).encode())
    limit = 2048 if "topic" in targets else 4096
    if size > limit:
        return _GENERIC, [("message", f"Message is too big: {size} bytes, limit {limit}")]
    return None
