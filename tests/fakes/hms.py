"""A fake Huawei Push Kit: the OAuth token endpoint and the v1 send endpoint, checked like the
real ones, over TLS HTTP/1.1 (Huawei's endpoints are plain HTTPS; `fakes.fcm.Http1Server`).

- `POST /oauth2/v3/token` takes the form `grant_type=client_credentials&client_id=&
  client_secret=` for an app added with `add_app`, and answers `{"access_token",
  "expires_in", "token_type": "Bearer"}`, or `400 {"error": 1101, "sub_error": 20155,
  "error_description": "invalid client_secret"}`. `tokens_fetched` counts grants.
- `POST /v1/{appId}/messages:send` needs `Authorization: Bearer <token>` minted for that
  app id and not expired (401 `80200001` / `80200003`), `Content-Type: application/json`,
  and a v1 body: exactly one target of `token` (1-1000, else `80300010`), `topic` or
  `condition`; `data` a string; `android.urgency` HIGH or NORMAL, `ttl` like `"86400s"`,
  `collapse_key` an integer -1..100, a notification's `android.notification.click_action`
  with `type` 1-4 (else `80100001`/`80100003`); the message without its tokens at most
  4096 bytes (`80300008`). Success is `{"code": "80000000", "msg": "Success",
  "requestId"}`. Tokens the fake did not issue to that app (or `unregister`ed ones) are
  illegal: all of them `80300007`, some a partial success `80100000` whose `msg` is a
  JSON string with `success`, `failure` and `illegal_tokens`.
- Faults: `fail_requests(status, code, msg, times=)` answers the next sends with that
  status and result code; `expire_access_tokens()` makes every minted token expired
  (`80200003`); `disable_push(app_id)` answers `80300002`.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final
from urllib.parse import parse_qs

from fakes.fcm import Http1Server
from fakes.tls import TlsMaterial

TOKEN_PATH: Final = "/oauth2/v3/token"
_SEND_RE: Final = re.compile(r"^/v1/(?P<app>[0-9]+)/messages:send$")
_TTL_RE: Final = re.compile(r"^\d+(\.\d{1,9})?s$")
MAX_TOKENS: Final = 1000
MAX_MESSAGE: Final = 4096

Response = tuple[int, list[tuple[str, str]], bytes]


@dataclass(frozen=True, slots=True)
class HmsMessage:
    """One message the fake accepted for one token."""

    app_id: str
    token: str
    message: dict[str, Any]
    request_id: str


@dataclass(slots=True)
class _App:
    app_id: str
    client_id: str
    client_secret: str
    push_enabled: bool = True


@dataclass(slots=True)
class _Minted:
    app_id: str
    expires_at: float


@dataclass(slots=True)
class _Fault:
    status: int
    code: str
    msg: str
    remaining: int


class FakeHms:
    """Huawei's OAuth and Push Kit endpoints on one TLS HTTP/1.1 server."""

    def __init__(
        self,
        *,
        tls: TlsMaterial,
        clock: Callable[[], float] = time.time,
        token_lifetime: int = 3600,
    ) -> None:
        self.server = Http1Server(self._handle, tls=tls)
        self.clock = clock
        self.token_lifetime = token_lifetime
        self.accepted: list[HmsMessage] = []
        self.responses: list[tuple[int, str]] = []
        self.tokens_fetched = 0
        self._apps: dict[str, _App] = {}  # by client id
        self._device_tokens: dict[str, str] = {}  # push token -> app id
        self._minted: dict[str, _Minted] = {}
        self._faults: deque[_Fault] = deque()

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def oauth_url(self) -> str:
        return f"{self.base_url}{TOKEN_PATH}"

    async def __aenter__(self) -> FakeHms:
        await self.server.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.server.stop()

    # configuration --------------------------------------------------------------------------

    def add_app(self, app_id: str, client_secret: str, client_id: str | None = None) -> None:
        self._apps[client_id or app_id] = _App(app_id, client_id or app_id, client_secret)

    def new_token(self, app_id: str) -> str:
        """A push token the app's devices would get from HMS Core."""
        token = "IQAAAACy0" + secrets.token_urlsafe(60)
        self._device_tokens[token] = app_id
        return token

    def unregister(self, token: str) -> None:
        """The app was uninstalled: the token is illegal from now on."""
        self._device_tokens.pop(token, None)

    def expire_access_tokens(self) -> None:
        for minted in self._minted.values():
            minted.expires_at = 0.0

    def disable_push(self, app_id: str) -> None:
        for app in self._apps.values():
            if app.app_id == app_id:
                app.push_enabled = False

    def fail_requests(self, status: int, code: str, msg: str, *, times: int = 1) -> None:
        self._faults.append(_Fault(status, code, msg, times))

    def received(self, token: str) -> list[HmsMessage]:
        return [m for m in self.accepted if m.token == token]

    # the endpoints --------------------------------------------------------------------------

    async def _handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> Response:
        if path == TOKEN_PATH and method == "POST":
            return self._token(headers, body)
        match = _SEND_RE.match(path)
        if match and method == "POST":
            return self._send(match.group("app"), headers, body)
        return 404, [("Content-Type", "application/json")], b'{"code":"404","msg":"Not Found"}'

    def _token(self, headers: dict[str, str], body: bytes) -> Response:
        json_type = [("Content-Type", "application/json;charset=UTF-8")]
        if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return 400, json_type, _oauth_error(1102, 20001, "invalid content type")
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
        if form.get("grant_type") != "client_credentials":
            return 400, json_type, _oauth_error(1102, 20003, "unsupported grant_type")
        app = self._apps.get(form.get("client_id", ""))
        if app is None:
            return 400, json_type, _oauth_error(1101, 20152, "invalid client_id")
        if not secrets.compare_digest(form.get("client_secret", ""), app.client_secret):
            return 400, json_type, _oauth_error(1101, 20155, "invalid client_secret")
        token = "DAEDA" + secrets.token_urlsafe(48)
        self._minted[token] = _Minted(app.app_id, self.clock() + self.token_lifetime)
        self.tokens_fetched += 1
        answer = {"access_token": token, "expires_in": self.token_lifetime, "token_type": "Bearer"}
        return 200, json_type, json.dumps(answer).encode()

    def _result(self, status: int, code: str, msg: str) -> Response:
        self.responses.append((status, code))
        document = {"code": code, "msg": msg, "requestId": secrets.token_hex(12)}
        return (
            status,
            [("Content-Type", "application/json;charset=UTF-8")],
            json.dumps(document).encode(),
        )

    def _send(self, app_id: str, headers: dict[str, str], body: bytes) -> Response:
        authorization = headers.get("authorization", "")
        minted = self._minted.get(authorization.removeprefix("Bearer "))
        if not authorization.startswith("Bearer ") or minted is None or minted.app_id != app_id:
            return self._result(401, "80200001", "Oauth authentication error")
        if minted.expires_at <= self.clock():
            return self._result(401, "80200003", "Oauth Token expired.")
        app = next((a for a in self._apps.values() if a.app_id == app_id), None)
        if app is None or not app.push_enabled:
            return self._result(403, "80300002", "There is no permission to push message")
        if not headers.get("content-type", "").startswith("application/json"):
            return self._result(400, "80100001", "Content-Type must be application/json")
        if self._faults:
            fault = self._faults[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.popleft()
            if fault.code:
                return self._result(fault.status, fault.code, fault.msg)
            self.responses.append((fault.status, ""))
            return fault.status, [("Content-Type", "text/plain")], fault.msg.encode()
        try:
            document = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return self._result(400, "80100003", "Illegal message structure")
        message = document.get("message") if isinstance(document, dict) else None
        if not isinstance(message, dict):
            return self._result(400, "80100003", "Illegal message structure")
        problem = _check_message(message)
        if problem is not None:
            return self._result(400, *problem)
        tokens: list[str] = message["token"]
        without = {k: v for k, v in message.items() if k != "token"}
        if len(json.dumps(without, separators=(",", ":")).encode()) > MAX_MESSAGE:
            return self._result(400, "80300008", "The message body size exceeds the default value")
        illegal = [t for t in tokens if self._device_tokens.get(t) != app_id]
        if len(illegal) == len(tokens):
            return self._result(400, "80300007", "All the tokens are invalid")
        request_id = secrets.token_hex(12)
        for token in tokens:
            if token not in illegal and not document.get("validate_only"):
                self.accepted.append(HmsMessage(app_id, token, without, request_id))
        if illegal:
            msg = json.dumps(
                {
                    "success": len(tokens) - len(illegal),
                    "failure": len(illegal),
                    "illegal_tokens": illegal,
                }
            )
            return self._result(200, "80100000", msg)
        return self._result(200, "80000000", "Success")


def _oauth_error(error: int, sub_error: int, description: str) -> bytes:
    return json.dumps(
        {"error": error, "sub_error": sub_error, "error_description": description}
    ).encode()


def _check_message(message: dict[str, Any]) -> tuple[str, str] | None:
    """A v1 message's shape problem as (result code, msg), None when it is well formed."""
    targets = [k for k in ("token", "topic", "condition") if k in message]
    if len(targets) != 1:
        return "80100001", "Exactly one of token, topic and condition is required"
    tokens = message.get("token")
    if "token" in message and (
        not isinstance(tokens, list)
        or not 1 <= len(tokens) <= MAX_TOKENS
        or not all(isinstance(t, str) for t in tokens)
    ):
        return "80300010", "The number of tokens in the message body exceeds the default value"
    if "data" in message and not isinstance(message["data"], str):
        return "80100003", "data must be a JSON string"
    android = message.get("android", {})
    if not isinstance(android, dict):
        return "80100003", "android must be an object"
    if android.get("urgency", "NORMAL") not in ("HIGH", "NORMAL"):
        return "80100001", "android.urgency must be HIGH or NORMAL"
    ttl = android.get("ttl")
    if ttl is not None and not (isinstance(ttl, str) and _TTL_RE.match(ttl)):
        return "80100001", "android.ttl must be a duration such as 86400s"
    collapse = android.get("collapse_key")
    if collapse is not None and (
        not isinstance(collapse, int) or isinstance(collapse, bool) or not -1 <= collapse <= 100
    ):
        return "80100001", "android.collapse_key must be an integer from -1 to 100"
    if "notification" in message:
        notification = android.get("notification")
        action = notification.get("click_action") if isinstance(notification, dict) else None
        if not isinstance(action, dict) or action.get("type") not in (1, 2, 3, 4):
            return "80100001", "android.notification.click_action.type is mandatory (1-4)"
    return None
