"""A fake Xiaomi MiPush server API (`/v3/message/regid`) over TLS HTTP/1.1.

- Apps are `add_app(package, secret)`; devices get registration ids from `new_regid`.
- Every request needs `Authorization: key=<AppSecret>` (the word `key` lower case) of
  the app named by `restricted_package_name`; otherwise `{"result": "error", "code":
  21301, "reason": "Authentication failed"}` (HTTP 200, as MiPush answers errors).
- The body is a form (`application/x-www-form-urlencoded`): `registration_id` (1-1000,
  comma separated), `restricted_package_name`, `title` (< 50 characters) and
  `description` (< 128) unless `pass_through=1`, `pass_through` 0/1, `notify_type`, and
  `time_to_live` (ms, at most 2 weeks). Problems answer code 10017 with the reason.
- Registration ids the fake did not issue for the package (or `unregister`ed ones) are
  not valid targets: all of them `20301 "No valid targets!"`, some listed in the
  success's `data.bad_regids`.
- Faults: `fail_requests(code, reason, times=, http_status=)` answers the next requests
  with that error (an `http_status` other than 200 answers that status with a text body).
"""

from __future__ import annotations

import json
import secrets
from collections import deque
from dataclasses import dataclass
from types import TracebackType
from typing import Final
from urllib.parse import parse_qs

from fakes.fcm import Http1Server
from fakes.tls import TlsMaterial

SEND_PATH: Final = "/v3/message/regid"
MAX_REGIDS: Final = 1000
MAX_TTL_MS: Final = 14 * 24 * 3600 * 1000

Response = tuple[int, list[tuple[str, str]], bytes]


@dataclass(frozen=True, slots=True)
class MiPushMessage:
    """One message the fake accepted for one registration id (its form parameters)."""

    package: str
    regid: str
    params: dict[str, str]
    message_id: str


@dataclass(slots=True)
class _Fault:
    http_status: int
    code: int
    reason: str
    remaining: int


class FakeMiPush:
    """Xiaomi's MiPush send endpoint for registration ids."""

    def __init__(self, *, tls: TlsMaterial) -> None:
        self.server = Http1Server(self._handle, tls=tls)
        self.accepted: list[MiPushMessage] = []
        self.responses: list[tuple[int, int]] = []  # (HTTP status, code)
        self.requests: list[int] = []  # regids per accepted request
        self._secrets: dict[str, str] = {}  # package -> AppSecret
        self._regids: dict[str, str] = {}  # regid -> package
        self._faults: deque[_Fault] = deque()

    @property
    def base_url(self) -> str:
        return self.server.base_url

    async def __aenter__(self) -> FakeMiPush:
        await self.server.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.server.stop()

    def add_app(self, package: str, secret: str) -> None:
        self._secrets[package] = secret

    def new_regid(self, package: str) -> str:
        regid = secrets.token_urlsafe(33)
        self._regids[regid] = package
        return regid

    def unregister(self, regid: str) -> None:
        self._regids.pop(regid, None)

    def fail_requests(
        self, code: int, reason: str, *, times: int = 1, http_status: int = 200
    ) -> None:
        self._faults.append(_Fault(http_status, code, reason, times))

    def received(self, regid: str) -> list[MiPushMessage]:
        return [m for m in self.accepted if m.regid == regid]

    def _error(self, code: int, reason: str) -> Response:
        self.responses.append((200, code))
        document = {
            "result": "error",
            "code": code,
            "reason": reason,
            "description": "发送消息失败",
            "trace_id": secrets.token_hex(10),
        }
        return (
            200,
            [("Content-Type", "application/json;charset=UTF-8")],
            json.dumps(document, ensure_ascii=False).encode(),
        )

    async def _handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> Response:
        if path != SEND_PATH or method != "POST":
            return 404, [("Content-Type", "text/plain")], b"Not Found"
        if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return self._error(10017, "Content-Type must be application/x-www-form-urlencoded")
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
        package = form.get("restricted_package_name", "")
        secret = self._secrets.get(package)
        authorization = headers.get("authorization", "")
        if secret is None or not secrets.compare_digest(authorization, f"key={secret}"):
            return self._error(21301, "Authentication failed")
        if self._faults:
            fault = self._faults[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.popleft()
            if fault.http_status != 200:
                self.responses.append((fault.http_status, 0))
                return fault.http_status, [("Content-Type", "text/plain")], fault.reason.encode()
            return self._error(fault.code, fault.reason)
        problem = _check_form(form)
        if problem is not None:
            return self._error(10017, problem)
        regids = form["registration_id"].split(",")
        bad = [r for r in regids if self._regids.get(r) != package]
        if len(bad) == len(regids):
            return self._error(20301, "No valid targets!")
        message_id = "slm" + secrets.token_hex(10)
        for regid in regids:
            if regid not in bad:
                self.accepted.append(MiPushMessage(package, regid, dict(form), message_id))
        self.requests.append(len(regids))
        data: dict[str, str] = {"id": message_id}
        if bad:
            data["bad_regids"] = ",".join(bad)
        document = {
            "result": "ok",
            "code": 0,
            "trace_id": secrets.token_hex(10),
            "data": data,
            "description": "成功",
            "info": f"Received push messages for {len(regids) - len(bad)} REG_ID",
        }
        self.responses.append((200, 0))
        return (
            200,
            [("Content-Type", "application/json;charset=UTF-8")],
            json.dumps(document, ensure_ascii=False).encode(),
        )


def _check_form(form: dict[str, str]) -> str | None:
    regids = form.get("registration_id", "")
    if not regids or len(regids.split(",")) > MAX_REGIDS:
        return "registration_id must name 1-1000 registration ids"
    if form.get("pass_through", "0") not in ("0", "1"):
        return "pass_through must be 0 or 1"
    if form.get("pass_through", "0") == "0":
        if not form.get("title") or len(form["title"]) >= 50:
            return "title is required and must be shorter than 50 characters"
        if not form.get("description") or len(form["description"]) >= 128:
            return "description is required and must be shorter than 128 characters"
    ttl = form.get("time_to_live")
    if ttl is not None and (not ttl.isdigit() or int(ttl) > MAX_TTL_MS):
        return "time_to_live must be at most two weeks in milliseconds"
    notify_type = form.get("notify_type", "-1")
    if notify_type.lstrip("-") and not notify_type.lstrip("-").isdigit():
        return "notify_type must be an integer"
    return None
