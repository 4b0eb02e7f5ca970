"""A fake Expo push service: `push/send` and `push/getReceipts`, checked like the real one.

HTTP/2 over TLS (Expo's API speaks HTTP/2), on `fakes.h2server`.

- Tokens belong to projects: `new_token(project)` issues an `ExponentPushToken[...]` the
  way a device's `getExpoPushTokenAsync()` does. A token the fake never issued gets the
  ticket error `DeviceNotRegistered`, as Expo answers for unknown recipients.
- Enhanced push security: `require_access_token(project, token)` makes every request
  carrying that project's tokens need `Authorization: Bearer <token>`; without it (or
  with another) the whole request fails `401 {"errors": [{"code": "UNAUTHORIZED"}]}`.
- Bodies: `content-encoding: gzip` is inflated (a corrupt stream is a 400); the body
  must be one message or an array of at most 100 (`PUSH_TOO_MANY_NOTIFICATIONS`), each
  with a `to` and only Expo's fields (400 `VALIDATION_ERROR`), all of one project
  (`PUSH_TOO_MANY_EXPERIENCE_IDS`, its details mapping project to tokens).
- Rate: at most `rate_limit` notifications per second per project (a token bucket of one
  second's worth); above it the request is refused `429 TOO_MANY_REQUESTS`, nothing of it
  is queued, and `throttled` counts it.
- Tickets come back in request order; each `ok` ticket's receipt becomes ready
  `receipt_delay` seconds later: `{"status": "ok"}`, or an error `fail_receipt` set for
  its token (`MessageTooBig` for a message over 4096 bytes, as Expo reports it).
  `getReceipts` takes at most 1000 ids (`PUSH_TOO_MANY_RECEIPTS`) and omits unknown and
  not-yet-ready ids.
- Faults: `fail_ticket(token, code)` answers an error ticket, `fail_receipt(token, code)`
  an error receipt, `fail_requests(status, code, times=, retry_after=)` refuses the next
  requests whole (429, 5xx, ...).
"""

from __future__ import annotations

import gzip
import json
import math
import re
import secrets
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Final

from fakes.h2server import H2Server
from fakes.tls import TlsMaterial

SEND_PATH: Final = "/--/api/v2/push/send"
RECEIPTS_PATH: Final = "/--/api/v2/push/getReceipts"
MAX_MESSAGES: Final = 100
MAX_RECEIPT_IDS: Final = 1000
MAX_PAYLOAD: Final = 4096
TOKEN_RE: Final = re.compile(r"(?:ExponentPushToken|ExpoPushToken)\[[A-Za-z0-9_\-]+\]")
MESSAGE_FIELDS: Final = frozenset(
    {
        "to",
        "title",
        "subtitle",
        "body",
        "data",
        "sound",
        "badge",
        "ttl",
        "expiration",
        "priority",
        "channelId",
        "categoryId",
        "mutableContent",
        "_contentAvailable",
        "interruptionLevel",
        "richContent",
    }
)
PRIORITIES: Final = frozenset({"default", "normal", "high"})
# Error messages as Expo words them.
TICKET_MESSAGES: Final = {
    "DeviceNotRegistered": '"{token}" is not a registered push notification recipient',
    "MessageTooBig": "Message was too big",
    "MessageRateExceeded": "Message rate exceeded for this device",
    "MismatchSenderId": "Mismatched sender id",
    "InvalidCredentials": "Could not find APNs credentials for the experience",
}

Response = tuple[int, list[tuple[str, str]], bytes]


@dataclass(frozen=True, slots=True)
class ExpoMessage:
    """One message the fake queued: its ticket id, project, token and the message."""

    ticket_id: str
    project: str
    token: str
    message: dict[str, Any]
    access_token: str | None
    gzipped: bool


@dataclass(slots=True)
class _Receipt:
    ready_at: float
    body: dict[str, Any]


@dataclass(slots=True)
class _RequestFault:
    status: int
    code: str
    retry_after: str | None
    remaining: int


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


@dataclass(slots=True)
class _Project:
    name: str
    access_token: str | None = None
    bucket: _Bucket | None = None


@dataclass
class _Stats:
    requests: int = 0
    gzipped_requests: int = 0
    receipt_requests: int = 0
    receipt_ids_asked: list[int] = field(default_factory=list)
    batch_sizes: list[int] = field(default_factory=list)


class FakeExpo:
    """The fake Expo push service. Use it with `async with FakeExpo(tls=...) as expo`."""

    def __init__(
        self,
        *,
        tls: TlsMaterial,
        clock: Callable[[], float] = time.monotonic,
        rate_limit: float = 600.0,
        receipt_delay: float = 0.0,
    ) -> None:
        self.server = H2Server(self._handle, tls=tls)
        self.clock = clock
        self.rate_limit = rate_limit
        self.receipt_delay = receipt_delay
        self.accepted: list[ExpoMessage] = []
        self.throttled = 0  # requests refused with 429 by the rate limit
        self.responses: list[tuple[int, str]] = []  # (status, error code) of refused requests
        self.stats = _Stats()
        self._projects: dict[str, _Project] = {}
        self._tokens: dict[str, str] = {}  # token -> project
        self._ticket_faults: dict[str, str] = {}
        self._receipt_faults: dict[str, list[Any]] = {}  # token -> [code, times left or None]
        self._request_faults: deque[_RequestFault] = deque()
        self._receipts: dict[str, _Receipt] = {}

    @property
    def base_url(self) -> str:
        return self.server.base_url

    async def __aenter__(self) -> FakeExpo:
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

    def new_token(self, project: str = "@test/app") -> str:
        """A push token of `project`, as a device gets it from Expo."""
        self._projects.setdefault(project, _Project(project))
        token = f"ExponentPushToken[{secrets.token_urlsafe(16)}]"
        self._tokens[token] = project
        return token

    def require_access_token(self, project: str, access_token: str) -> None:
        """Turn on enhanced push security for `project`."""
        self._projects.setdefault(project, _Project(project)).access_token = access_token

    def fail_ticket(self, token: str, code: str) -> None:
        """Answer sends to `token` with an error ticket `code` (until `heal`)."""
        self._ticket_faults[token] = code

    def fail_receipt(self, token: str, code: str, *, times: int | None = None) -> None:
        """Give the receipts of the next `times` sends to `token` (None: all until `heal`)
        the error `code`."""
        self._receipt_faults[token] = [code, times]

    def heal(self, token: str) -> None:
        self._ticket_faults.pop(token, None)
        self._receipt_faults.pop(token, None)

    def fail_requests(
        self, status: int, code: str, *, times: int = 1, retry_after: str | None = None
    ) -> None:
        """Refuse the next `times` send requests whole with `status` and error `code`."""
        self._request_faults.append(_RequestFault(status, code, retry_after, times))

    def received(self, token: str) -> list[ExpoMessage]:
        return [m for m in self.accepted if m.token == token]

    # the endpoints --------------------------------------------------------------------------

    def _error(
        self, status: int, code: str, message: str, extra: list[tuple[str, str]] | None = None
    ) -> Response:
        self.responses.append((status, code))
        body = {"errors": [{"code": code, "message": message}]}
        headers = [("content-type", "application/json"), *(extra or [])]
        return status, headers, json.dumps(body).encode()

    @staticmethod
    def _ok(document: Any) -> Response:
        return 200, [("content-type", "application/json")], json.dumps(document).encode()

    async def _handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> Response:
        if path not in (SEND_PATH, RECEIPTS_PATH):
            return self._error(404, "NOT_FOUND", "Not found")
        if method != "POST":
            return self._error(405, "METHOD_NOT_ALLOWED", "Use POST")
        encoding = headers.get("content-encoding", "").lower()
        if encoding == "gzip":
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError):
                return self._error(400, "VALIDATION_ERROR", "The request body is not valid gzip")
        elif encoding not in ("", "identity"):
            return self._error(415, "VALIDATION_ERROR", f"Unsupported encoding {encoding}")
        if not headers.get("content-type", "").startswith("application/json"):
            return self._error(400, "VALIDATION_ERROR", "Content-Type must be application/json")
        try:
            document = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return self._error(400, "VALIDATION_ERROR", "The request body is not valid JSON")
        if path == RECEIPTS_PATH:
            return self._get_receipts(document, headers)
        return self._send(document, headers, gzipped=encoding == "gzip")

    def _authorized(self, projects: set[str], headers: dict[str, str]) -> Response | None:
        given = headers.get("authorization")
        bearer = given[7:] if given and given.startswith("Bearer ") else None
        for name in sorted(projects):
            required = self._projects[name].access_token
            if required is not None and bearer != required:
                return self._error(
                    401,
                    "UNAUTHORIZED",
                    f"The bearer token is invalid; enhanced push security is enabled for {name}",
                )
        return None

    def _send(self, document: Any, headers: dict[str, str], *, gzipped: bool) -> Response:
        self.stats.requests += 1
        self.stats.gzipped_requests += gzipped
        messages = document if isinstance(document, list) else [document]
        self.stats.batch_sizes.append(len(messages))
        if len(messages) > MAX_MESSAGES:
            return self._error(
                400,
                "PUSH_TOO_MANY_NOTIFICATIONS",
                f"You are trying to send more than {MAX_MESSAGES} push notifications in one "
                "request",
            )
        problem = _check_messages(messages)
        if problem:
            return self._error(400, "VALIDATION_ERROR", problem)
        if self._request_faults:
            fault = self._request_faults[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._request_faults.popleft()
            extra = [("retry-after", fault.retry_after)] if fault.retry_after else []
            return self._error(fault.status, fault.code, "scripted failure", extra)
        targets = [(m, m["to"]) for m in messages]
        by_project: dict[str, list[str]] = {}
        for _, token in targets:
            project = self._tokens.get(token)
            if project is not None:
                by_project.setdefault(project, []).append(token)
        if len(by_project) > 1:
            self.responses.append((400, "PUSH_TOO_MANY_EXPERIENCE_IDS"))
            body = {
                "errors": [
                    {
                        "code": "PUSH_TOO_MANY_EXPERIENCE_IDS",
                        "message": "All push notification messages in the same request must "
                        "be for the same project",
                        "details": by_project,
                    }
                ]
            }
            return 400, [("content-type", "application/json")], json.dumps(body).encode()
        refused = self._authorized(set(by_project), headers)
        if refused is not None:
            return refused
        for project in by_project:
            if not self._take(self._projects[project], len(by_project[project])):
                self.throttled += 1
                return self._error(
                    429,
                    "TOO_MANY_REQUESTS",
                    f"The project {project} is sending too many notifications at once",
                )
        bearer = headers.get("authorization")
        tickets = [
            self._ticket(message, token, bearer[7:] if bearer else None, gzipped)
            for message, token in targets
        ]
        return self._ok({"data": tickets})

    def _take(self, project: _Project, count: int) -> bool:
        """The project's token bucket: `rate_limit` per second, one second's burst."""
        now = self.clock()
        bucket = project.bucket
        if bucket is None:
            bucket = project.bucket = _Bucket(self.rate_limit, now)
        bucket.tokens = min(self.rate_limit, bucket.tokens + (now - bucket.at) * self.rate_limit)
        bucket.at = now
        if count > bucket.tokens:
            return False
        bucket.tokens -= count
        return True

    def _ticket(
        self, message: dict[str, Any], token: str, access_token: str | None, gzipped: bool
    ) -> dict[str, Any]:
        project = self._tokens.get(token)
        code = self._ticket_faults.get(token)
        if project is None:
            code = "DeviceNotRegistered"
        if code is not None:
            return {
                "status": "error",
                "message": TICKET_MESSAGES.get(code, code).format(token=token),
                "details": {"error": code},
            }
        ticket_id = str(uuid.uuid4())
        size = len(json.dumps({k: v for k, v in message.items() if k != "to"}).encode())
        receipt_code = self._receipt_fault(token) or (
            "MessageTooBig" if size > MAX_PAYLOAD else None
        )
        receipt: dict[str, Any] = {"status": "ok"}
        if receipt_code is not None:
            receipt = {
                "status": "error",
                "message": TICKET_MESSAGES.get(receipt_code, receipt_code).format(token=token),
                "details": {"error": receipt_code},
            }
        self._receipts[ticket_id] = _Receipt(self.clock() + self.receipt_delay, receipt)
        self.accepted.append(
            ExpoMessage(ticket_id, project or "", token, message, access_token, gzipped)
        )
        return {"status": "ok", "id": ticket_id}

    def _receipt_fault(self, token: str) -> str | None:
        fault = self._receipt_faults.get(token)
        if fault is None:
            return None
        code, times = fault
        if times is not None:
            fault[1] = times - 1
            if fault[1] <= 0:
                del self._receipt_faults[token]
        return str(code)

    def _get_receipts(self, document: Any, headers: dict[str, str]) -> Response:
        self.stats.receipt_requests += 1
        ids = document.get("ids") if isinstance(document, dict) else None
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            return self._error(400, "VALIDATION_ERROR", '"ids" must be an array of strings')
        if len(ids) > MAX_RECEIPT_IDS:
            return self._error(
                400, "PUSH_TOO_MANY_RECEIPTS", f"Request more than {MAX_RECEIPT_IDS} receipts"
            )
        self.stats.receipt_ids_asked.append(len(ids))
        known = {m.ticket_id: m for m in self.accepted}
        projects = {known[i].project for i in ids if i in known}
        refused = self._authorized(projects, headers)
        if refused is not None:
            return refused
        now = self.clock()
        data = {
            i: self._receipts[i].body
            for i in ids
            if i in self._receipts and self._receipts[i].ready_at <= now
        }
        return self._ok({"data": data})


def _check_messages(messages: list[Any]) -> str | None:
    for n, message in enumerate(messages):
        if not isinstance(message, dict):
            return f'"[{n}]" must be an object'
        unknown = set(message) - MESSAGE_FIELDS
        if unknown:
            return f'"[{n}].{sorted(unknown)[0]}" is not allowed'
        to = message.get("to")
        if not isinstance(to, str) or not TOKEN_RE.fullmatch(to):
            return f'"[{n}].to" must be an Expo push token'
        if "data" in message and not isinstance(message["data"], dict):
            return f'"[{n}].data" must be an object'
        if "priority" in message and message["priority"] not in PRIORITIES:
            return f'"[{n}].priority" must be one of default, normal, high'
        ttl = message.get("ttl")
        if ttl is not None and (not isinstance(ttl, int) or ttl < 0):
            return f'"[{n}].ttl" must be a non-negative integer'
        for text in ("title", "subtitle", "body"):
            if text in message and not isinstance(message[text], str):
                return f'"[{n}].{text}" must be a string'
        badge = message.get("badge")
        if badge is not None and (not isinstance(badge, int) or math.isnan(badge)):
            return f'"[{n}].badge" must be a number'
    return None
