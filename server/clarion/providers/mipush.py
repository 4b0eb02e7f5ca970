"""Xiaomi MiPush server API: one form POST per content for up to 1000 registration ids.

- `build_params(content, package_name)` (pure): the form parameters without the target:
  `restricted_package_name`, `title` (< 50 characters) and `description` (< 128; longer
  text is cut with an ellipsis), `payload` (the data as JSON), `pass_through` (1 for a
  data-only message), `notify_type` -1, `time_to_live` in ms (at most 2 weeks),
  `extra.notify_effect` 1 (open the app), then `overrides["mipush_params"]` (string
  values; `registration_id` and `restricted_package_name` stay Clarion's).
- `build_request(regids, params, app_secret)` (pure): `POST {host}/v3/message/regid` with
  `Authorization: key=<AppSecret>`; the host is the credential region's setting.
- `classify(response, regids)` (pure): one `Outcome` per registration id (providers.md §6).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final
from urllib.parse import urlencode

from clarion.domain.push import (
    BAD_REQUEST,
    PAYLOAD_TOO_LARGE,
    PROVIDER_UNAVAILABLE,
    RATE_LIMITED,
    Outcome,
    ProviderCredential,
    PushContent,
    PushItem,
)
from clarion.providers.base import (
    Undeliverable,
    body_detail,
    group_by_content,
    http_status_outcome,
    parse_json_object,
    transport_failure,
    truncate,
)
from clarion.providers.transport import HttpRequest, HttpResponse, Requester, TransportError

__all__ = [
    "HOSTS",
    "MiPushProvider",
    "build_params",
    "build_request",
    "classify",
]

# Region (the credential's `region`) -> API host.
HOSTS: Final = {
    "china": "https://api.xmpush.xiaomi.com",
    "global-sgp": "https://sgp-api.xmpush.global.xiaomi.com",
    "global-eea": "https://fr-api.xmpush.global.xiaomi.com",
    "global-ru": "https://ru-api.xmpush.global.xiaomi.com",
    "global-in": "https://idmb-api.xmpush.global.xiaomi.com",
}
SEND_PATH: Final = "/v3/message/regid"
MAX_REGIDS: Final = 1000
MAX_TITLE: Final = 49  # "< 50 characters"
MAX_DESCRIPTION: Final = 127  # "< 128 characters"
MAX_PAYLOAD: Final = 4096  # bytes of `payload` (commonly cited, unconfirmed)
MAX_TTL_MS: Final = 14 * 24 * 3600 * 1000
# "No valid targets!": every registration id of the request is unknown or dead.
NO_VALID_TARGETS: Final = 20301
# Authentication failed (the AppSecret does not match the package).
AUTH_FAILED: Final = 21301
DEFAULT_CONCURRENCY: Final = 16
_RATE_WORDS: Final = ("quota", "qps", "flow control", "too many", "limit")
_AUTH_WORDS: Final = ("auth",)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def build_params(
    content: PushContent, package_name: str, *, now: float | None = None
) -> dict[str, str]:
    """The form parameters for `content`, without `registration_id`."""
    current = time.time() if now is None else now
    data_only = content.content_available and not (content.title or content.body)
    params: dict[str, str] = {"restricted_package_name": package_name}
    if not data_only:
        params["title"] = _cut(content.title, MAX_TITLE)
        # MiPush requires a description: a title-only notification repeats its title.
        params["description"] = _cut(content.body or content.title, MAX_DESCRIPTION)
    payload = json.dumps(dict(content.data), separators=(",", ":"), ensure_ascii=False)
    if len(payload.encode()) > MAX_PAYLOAD:
        raise Undeliverable(
            Outcome.drop(PAYLOAD_TOO_LARGE, "PayloadTooLarge", "payload is over 4096 bytes")
        )
    if content.data:
        params["payload"] = payload
    params["pass_through"] = "1" if data_only else "0"
    params["notify_type"] = "-1"
    ttl = content.ttl_seconds
    if content.expires_at is not None:
        ttl = min(ttl, int(content.expires_at - current))
    params["time_to_live"] = str(max(0, min(ttl * 1000, MAX_TTL_MS)))
    if content.collapse_key.isdigit():
        params["notify_id"] = content.collapse_key
    params["extra.notify_effect"] = "1"
    override = content.overrides.get("mipush_params")
    if isinstance(override, Mapping):
        for key, value in override.items():
            if key not in ("registration_id", "restricted_package_name") and value is not None:
                params[str(key)] = str(value)
    return params


def build_request(
    regids: Sequence[str],
    params: Mapping[str, str],
    app_secret: str,
    *,
    base_url: str = HOSTS["china"],
    timeout: float | None = None,
) -> HttpRequest:
    """One `/v3/message/regid` POST for 1-1000 registration ids."""
    if not 1 <= len(regids) <= MAX_REGIDS:
        raise ValueError(f"a MiPush request carries 1-{MAX_REGIDS} registration ids")
    body = urlencode({"registration_id": ",".join(regids), **params}).encode()
    headers = (
        ("authorization", f"key={app_secret}"),
        ("content-type", "application/x-www-form-urlencoded;charset=UTF-8"),
    )
    return HttpRequest("POST", f"{base_url.rstrip('/')}{SEND_PATH}", headers, body, timeout)


def classify(response: HttpResponse, regids: Sequence[str]) -> list[Outcome]:
    """One outcome per registration id (providers.md §6 "Gateway policy").

    `code` 0 is SENT (message id = `data.id`); ids listed in `data.bad_regids` (a comma
    list) are INVALID_TOKEN (the key name is unconfirmed). 20301 "No valid targets!" makes
    every id INVALID_TOKEN; 21301 or a reason about authentication is CREDENTIAL; a reason
    about quota or flow control a RETRY; other codes are parameter errors (DROP). Any
    non-200 HTTP status reads like other providers' (5xx RETRY, 401/403 CREDENTIAL).
    """
    body = parse_json_object(response.body)
    if response.status != 200 or body is None:
        outcome = http_status_outcome(
            response.status if response.status != 200 else 502,
            str(response.status),
            body_detail(response.body),
        )
        return [outcome] * len(regids)
    code = body.get("code")
    reason = str(body.get("reason", ""))
    detail = truncate(reason or str(body.get("description", "")))
    if code == 0 and body.get("result") == "ok":
        data: Any = body.get("data")
        data = data if isinstance(data, Mapping) else {}
        message_id = str(data.get("id", ""))
        bad = {r for r in str(data.get("bad_regids", "")).split(",") if r}
        return [
            Outcome.invalid_token("bad_regids") if regid in bad else Outcome.sent(message_id)
            for regid in regids
        ]
    return [_error_outcome(code, reason, detail)] * len(regids)


def _error_outcome(code: object, reason: str, detail: str) -> Outcome:
    text = str(code)
    lowered = reason.lower()
    if code == NO_VALID_TARGETS:
        return Outcome.invalid_token(text, detail=detail)
    if code == AUTH_FAILED or any(word in lowered for word in _AUTH_WORDS):
        return Outcome.credential(text, detail or text)
    if any(word in lowered for word in _RATE_WORDS):
        return Outcome.retry(RATE_LIMITED, text, detail=detail)
    if "internal" in lowered or "busy" in lowered:
        return Outcome.retry(PROVIDER_UNAVAILABLE, text, detail=detail)
    return Outcome.drop(BAD_REQUEST, text, detail)


class MiPushProvider:
    """MiPush over the shared transport: `send_many(credential, items)`.

    The credential holds the AppSecret (secret), `package_name` and `region`; `hosts`
    maps regions to base URLs (settings). Items sharing one `PushContent` share a request
    of up to 1000 registration ids; at most `concurrency` requests run at once.
    """

    def __init__(
        self,
        transport: Requester,
        *,
        hosts: Mapping[str, str] = HOSTS,
        request_timeout: float | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._transport = transport
        self._hosts = dict(hosts)
        self._timeout = request_timeout
        self._semaphore = asyncio.Semaphore(concurrency)
        self._clock = clock

    async def send_many(
        self, credential: ProviderCredential, items: Sequence[PushItem]
    ) -> list[Outcome]:
        """One outcome per item, in order; never raises for a per-item failure."""
        package = credential.metadata.get("package_name", "")
        host = self._hosts.get(credential.metadata.get("region", "china"))
        if not package or host is None or not credential.secret:
            failure = Outcome.credential("InvalidCredential", "no package, region or secret")
            return [failure] * len(items)
        secret = credential.secret.decode("utf-8", "replace")
        outcomes: list[Outcome | None] = [None] * len(items)
        now = self._clock()
        groups = group_by_content(
            items,
            lambda content: build_params(content, package, now=now),
            outcomes,
            missing_token=Outcome.invalid_token(str(NO_VALID_TARGETS), detail="empty regid"),
        )
        batches = [
            (params, indexes[i : i + MAX_REGIDS])
            for params, indexes in groups
            for i in range(0, len(indexes), MAX_REGIDS)
        ]

        async def send(params: dict[str, str], indexes: list[int]) -> list[Outcome]:
            regids = [items[i].device.token for i in indexes]
            request = build_request(regids, params, secret, base_url=host, timeout=self._timeout)
            async with self._semaphore:
                try:
                    response = await self._transport.request(request)
                except TransportError as exc:
                    return [transport_failure(exc)] * len(regids)
            return classify(response, regids)

        answers = await asyncio.gather(*(send(p, ix) for p, ix in batches))
        for (_, indexes), answer in zip(batches, answers, strict=True):
            for index, outcome in zip(indexes, answer, strict=True):
                outcomes[index] = outcome
        return [outcome for outcome in outcomes if outcome is not None]
