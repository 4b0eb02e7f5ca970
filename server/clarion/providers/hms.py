"""Huawei Push Kit (HMS), server API v1: one request per content for up to 1000 tokens.

- `build_message(content)` (pure): the v1 `message` without its target: notification,
  `data` as a JSON *string*, `android` {urgency, ttl, collapse_key, notification with
  click_action "open the app"}, `overrides["hms_android"]` deep-merged into `android`.
  Over Huawei's 4096-byte limit it raises `Undeliverable` (DROP payload_too_large).
- `build_request(tokens, message, app_id, access_token)` (pure):
  `POST {base}/v1/{appId}/messages:send`.
- `classify(response, tokens)` (pure): one `Outcome` per token from Huawei's result code,
  a partial success (80100000) read token by token (providers.md §5).
- `HmsTokenSource`: OAuth 2.0 client-credentials tokens per (client id, secret), cached
  fetched in a worker thread (off the event loop), one fetch at a time per credential;
  in the last five minutes of a token's life a new one is fetched in the background while
  the old one is still used. 80200001/80200003 make the provider fetch a new one and
  resend once.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import requests

from clarion.domain.push import (
    BAD_REQUEST,
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
from clarion.providers.base import (
    Undeliverable,
    body_detail,
    deep_merge,
    encode_json,
    group_by_content,
    http_status_outcome,
    parse_json_object,
    transport_failure,
    truncate,
)
from clarion.providers.transport import HttpRequest, HttpResponse, Requester, TransportError

__all__ = [
    "OAUTH_URL",
    "PUSH_URL",
    "HmsAuthError",
    "HmsProvider",
    "HmsTokenSource",
    "build_message",
    "build_request",
    "classify",
]

_log = logging.getLogger(__name__)

OAUTH_URL: Final = "https://oauth-login.cloud.huawei.com/oauth2/v3/token"
PUSH_URL: Final = "https://push-api.cloud.huawei.com"
MAX_TOKENS: Final = 1000  # per request
MAX_PAYLOAD: Final = 4096
SUCCESS: Final = "80000000"
PARTIAL: Final = "80100000"
# Result codes that say the access token is not (or no longer) good: fetch one and resend.
REFRESH_CODES: Final = frozenset({"80200001", "80200003"})
_DROP: Final = {
    "80100001": BAD_REQUEST,  # some request parameters are wrong
    "80100003": BAD_REQUEST,  # illegal message structure
    "80100004": BAD_REQUEST,  # TTL earlier than now
    "80100016": BAD_REQUEST,  # content flagged as sensitive
    "80300008": PAYLOAD_TOO_LARGE,
    "80300010": BAD_REQUEST,  # token count outside 1-1000
    "80300011": BAD_REQUEST,  # no permission for high-priority messages
}
_RETRY: Final = frozenset({"80600003", "81000001"})
DEFAULT_REFRESH_MARGIN: Final = 300.0
# A token with less than this left is not used: callers wait for a new one instead.
MIN_VALIDITY: Final = 30.0
DEFAULT_TOKEN_TIMEOUT: Final = 10.0
DEFAULT_CONCURRENCY: Final = 16


# Messages and requests (pure) ------------------------------------------------------------


def _ttl(content: PushContent, now: float) -> int:
    ttl = content.ttl_seconds
    if content.expires_at is not None:
        ttl = min(ttl, int(content.expires_at - now))
    return max(0, ttl)


def build_message(content: PushContent, *, now: float | None = None) -> dict[str, Any]:
    """The v1 message for `content` without `token`; raises `Undeliverable` when too large."""
    current = time.time() if now is None else now
    data_only = content.content_available and not (content.title or content.body)
    message: dict[str, Any] = {}
    if content.data:
        message["data"] = json.dumps(dict(content.data), separators=(",", ":"))
    android: dict[str, Any] = {
        "urgency": "HIGH" if content.priority is Priority.HIGH else "NORMAL",
        "ttl": f"{_ttl(content, current)}s",
    }
    if content.collapse_key.isdigit() and int(content.collapse_key) <= 100:
        android["collapse_key"] = int(content.collapse_key)  # HMS takes -1..100 only
    if not data_only:
        notification = {
            key: value
            for key, value in (
                ("title", content.title),
                ("body", content.body),
                ("image", content.image_url),
            )
            if value
        }
        message["notification"] = notification
        android_notification: dict[str, Any] = {"click_action": {"type": 3}}  # open the app
        if content.sound:
            android_notification["default_sound"] = content.sound == "default"
            if content.sound != "default":
                android_notification["sound"] = content.sound
        if content.thread_id:
            android_notification["tag"] = content.thread_id
        if content.badge is not None:
            android_notification["badge"] = {"set_num": content.badge}
        android["notification"] = android_notification
    override = content.overrides.get("hms_android")
    if isinstance(override, Mapping):
        android = deep_merge(android, override)
    message["android"] = android
    try:
        size = len(encode_json(message))
    except (TypeError, ValueError) as exc:
        raise Undeliverable(Outcome.drop(BAD_REQUEST, "80100003", str(exc))) from exc
    if size > MAX_PAYLOAD:
        raise Undeliverable(
            Outcome.drop(PAYLOAD_TOO_LARGE, "80300008", f"message is {size} bytes, limit 4096")
        )
    return message


def build_request(
    tokens: Sequence[str],
    message: Mapping[str, Any],
    app_id: str,
    access_token: str,
    *,
    base_url: str = PUSH_URL,
    timeout: float | None = None,
) -> HttpRequest:
    """One `messages:send` request for 1-1000 tokens."""
    if not 1 <= len(tokens) <= MAX_TOKENS:
        raise ValueError(f"an HMS request carries 1-{MAX_TOKENS} tokens")
    body = encode_json({"validate_only": False, "message": {**message, "token": list(tokens)}})
    headers = (
        ("authorization", f"Bearer {access_token}"),
        ("content-type", "application/json;charset=utf-8"),
    )
    url = f"{base_url.rstrip('/')}/v1/{app_id}/messages:send"
    return HttpRequest("POST", url, headers, body, timeout)


# Responses (pure) ------------------------------------------------------------------------


def _illegal_tokens(msg: str) -> set[str]:
    """The tokens a partial success names; `msg` is itself a JSON string."""
    try:
        document = json.loads(msg)
    except (ValueError, TypeError):
        return set()
    tokens = document.get("illegal_tokens") if isinstance(document, dict) else None
    return {str(t) for t in tokens} if isinstance(tokens, list) else set()


def classify(response: HttpResponse, tokens: Sequence[str]) -> list[Outcome]:
    """One outcome per token of the request, from Huawei's result code (providers.md §5)."""
    body = parse_json_object(response.body) or {}
    code = str(body.get("code", "")) or str(response.status)
    msg = str(body.get("msg", ""))
    request_id = str(body.get("requestId", ""))
    detail = truncate(msg) if body else body_detail(response.body)
    if code == SUCCESS and response.status == 200:
        return [Outcome.sent(request_id, code)] * len(tokens)
    if code == PARTIAL:
        illegal = _illegal_tokens(msg)
        return [
            Outcome.invalid_token(code, detail="illegal token")
            if token in illegal
            else Outcome.sent(request_id, code)
            for token in tokens
        ]
    return [_request_outcome(response.status, code, detail)] * len(tokens)


def _request_outcome(status: int, code: str, detail: str) -> Outcome:
    if status == 503:  # flow control: spread the sends (no Retry-After is documented)
        return Outcome.retry(RATE_LIMITED, code, detail=detail or "flow control")
    if code == "80300007":
        return Outcome.invalid_token(code, detail=detail)
    if code in _DROP:
        return Outcome.drop(_DROP[code], code, detail)
    if code in REFRESH_CODES or code == "80300002":
        return Outcome.credential(code, detail or code)
    if code in _RETRY:
        return Outcome.retry(PROVIDER_UNAVAILABLE, code, detail=detail)
    return http_status_outcome(status, code, detail)


# OAuth client-credentials tokens ----------------------------------------------------------


class HmsAuthError(Exception):
    """No access token could be had; `outcome` is what the items get."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.provider_code)
        self.outcome = outcome


@dataclass(slots=True)
class _Entry:
    lock: asyncio.Lock = dataclasses.field(default_factory=asyncio.Lock)
    token: str = ""
    expires_at: float = 0.0
    refreshing: asyncio.Task[None] | None = None


class HmsTokenSource:
    """Access tokens per (client id, client secret), from Huawei's OAuth endpoint.

    A token is used as it is until `refresh_margin` seconds before `expires_in` runs out;
    from then on callers still get it while a new one is fetched in the background, and
    only a token with less than `MIN_VALIDITY` seconds left (or none) makes callers wait
    for the fetch. The blocking HTTP call runs in a worker thread, off the event loop; a
    lock per credential makes it one fetch at a time, whose token every waiter takes.
    `ca_file` is the endpoint's trust store (None: the system's).
    """

    def __init__(
        self,
        *,
        url: str = OAUTH_URL,
        ca_file: str | None = None,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        timeout: float = DEFAULT_TOKEN_TIMEOUT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._url = url
        self._ca_file = ca_file
        self._margin = refresh_margin
        self._timeout = timeout
        self._clock = clock
        self._entries: dict[tuple[str, bytes], _Entry] = {}
        self._session = requests.Session()
        self.tokens_fetched = 0

    async def aclose(self) -> None:
        """Stop background refreshes and close the endpoint's connections."""
        for entry in self._entries.values():
            if entry.refreshing is not None:
                entry.refreshing.cancel()
                with contextlib.suppress(asyncio.CancelledError, HmsAuthError):
                    await entry.refreshing
        self._session.close()

    async def token(self, credential: ProviderCredential) -> str:
        """A valid access token; raises `HmsAuthError` when none can be had."""
        entry = self._entry(credential)
        if self._fresh(entry):
            return entry.token
        if entry.token and self._clock() < entry.expires_at - MIN_VALIDITY:
            self._refresh_in_background(entry, credential)
            return entry.token
        async with entry.lock:
            if not self._fresh(entry):
                await self._fetch(entry, credential)
            return entry.token

    def _refresh_in_background(self, entry: _Entry, credential: ProviderCredential) -> None:
        if entry.refreshing is not None and not entry.refreshing.done():
            return

        async def refresh() -> None:
            async with entry.lock:
                if self._fresh(entry):
                    return
                try:
                    await self._fetch(entry, credential)
                except HmsAuthError as exc:
                    # The current token still works for a while; the next caller tries again.
                    _log.warning("hms: token refresh failed (%s)", exc.outcome.provider_code)

        entry.refreshing = asyncio.create_task(refresh(), name="clarion-hms-token")

    async def refresh(self, credential: ProviderCredential, rejected: str) -> str:
        """A new token after Huawei refused `rejected`: fetched once however many saw it."""
        entry = self._entry(credential)
        async with entry.lock:
            if entry.token == rejected or not self._fresh(entry):
                await self._fetch(entry, credential)
            return entry.token

    def _fresh(self, entry: _Entry) -> bool:
        return bool(entry.token) and self._clock() < entry.expires_at - self._margin

    def _entry(self, credential: ProviderCredential) -> _Entry:
        key = (
            credential.metadata.get("client_id", ""),
            hashlib.sha256(credential.secret).digest(),
        )
        return self._entries.setdefault(key, _Entry())

    async def _fetch(self, entry: _Entry, credential: ProviderCredential) -> None:
        client_id = credential.metadata.get("client_id") or credential.metadata.get("app_id", "")
        token, lifetime = await asyncio.to_thread(
            self._post, client_id, credential.secret.decode("utf-8", "replace")
        )
        entry.token = token
        entry.expires_at = self._clock() + lifetime
        self.tokens_fetched += 1

    def _post(self, client_id: str, client_secret: str) -> tuple[str, float]:
        """Runs in a worker thread: the client-credentials grant."""
        form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        }
        try:
            response = self._session.post(
                self._url,
                data=form,
                timeout=self._timeout,
                verify=self._ca_file if self._ca_file else True,
            )
        except requests.RequestException as exc:
            raise HmsAuthError(
                Outcome.retry(PROVIDER_UNAVAILABLE, "token_endpoint", detail=type(exc).__name__)
            ) from None
        document = parse_json_object(response.content) or {}
        token = document.get("access_token")
        if response.status_code == 200 and isinstance(token, str) and token:
            expires_in = document.get("expires_in")
            lifetime = float(expires_in) if isinstance(expires_in, int | float) else 3600.0
            return token, lifetime
        if response.status_code >= 500:
            raise HmsAuthError(
                Outcome.retry(
                    PROVIDER_UNAVAILABLE, "token_endpoint", detail=str(response.status_code)
                )
            )
        code = f"oauth_{document.get('error', response.status_code)}"
        description = truncate(str(document.get("error_description", "")))
        raise HmsAuthError(Outcome.credential(code, description or code))


# The provider ----------------------------------------------------------------------------


class HmsProvider:
    """HMS Push Kit over the shared transport: `send_many(credential, items)`.

    Items sharing one `PushContent` go together, up to 1000 tokens per request, at most
    `concurrency` requests at once. Close with `await aclose()`.
    """

    def __init__(
        self,
        transport: Requester,
        *,
        push_url: str = PUSH_URL,
        oauth_url: str = OAUTH_URL,
        ca_file: str | None = None,
        request_timeout: float | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        clock: Callable[[], float] = time.time,
        tokens: HmsTokenSource | None = None,
    ) -> None:
        self._transport = transport
        self._push_url = push_url.rstrip("/")
        self._timeout = request_timeout
        self._semaphore = asyncio.Semaphore(concurrency)
        self._clock = clock
        self.tokens = tokens or HmsTokenSource(url=oauth_url, ca_file=ca_file, clock=clock)

    async def aclose(self) -> None:
        await self.tokens.aclose()

    async def send_many(
        self, credential: ProviderCredential, items: Sequence[PushItem]
    ) -> list[Outcome]:
        """One outcome per item, in order; never raises for a per-item failure."""
        app_id = credential.metadata.get("app_id", "")
        if not app_id:
            return [Outcome.credential("InvalidCredential", "no HMS app id")] * len(items)
        outcomes: list[Outcome | None] = [None] * len(items)
        now = self._clock()
        groups = group_by_content(
            items,
            lambda content: build_message(content, now=now),
            outcomes,
            missing_token=Outcome.invalid_token("80300007", detail="empty token"),
        )
        requests_ = [
            (message, chunk[i : i + MAX_TOKENS])
            for message, chunk in groups
            for i in range(0, len(chunk), MAX_TOKENS)
        ]
        answers = await asyncio.gather(
            *(self._send(credential, app_id, message, chunk, items) for message, chunk in requests_)
        )
        for (_, chunk), answer in zip(requests_, answers, strict=True):
            for index, outcome in zip(chunk, answer, strict=True):
                outcomes[index] = outcome
        return [outcome for outcome in outcomes if outcome is not None]

    async def _send(
        self,
        credential: ProviderCredential,
        app_id: str,
        message: dict[str, Any],
        indexes: list[int],
        items: Sequence[PushItem],
    ) -> list[Outcome]:
        tokens = [items[i].device.token for i in indexes]
        try:
            access_token = await self.tokens.token(credential)
            answer = await self._post(tokens, message, app_id, access_token)
            if (
                answer[0].kind is OutcomeKind.CREDENTIAL
                and answer[0].provider_code in REFRESH_CODES
            ):
                fresh = await self.tokens.refresh(credential, access_token)
                answer = await self._post(tokens, message, app_id, fresh)
        except HmsAuthError as exc:
            return [exc.outcome] * len(tokens)
        except TransportError as exc:
            return [transport_failure(exc)] * len(tokens)
        return answer

    async def _post(
        self, tokens: list[str], message: dict[str, Any], app_id: str, access_token: str
    ) -> list[Outcome]:
        request = build_request(
            tokens, message, app_id, access_token, base_url=self._push_url, timeout=self._timeout
        )
        async with self._semaphore:
            response = await self._transport.request(request)
        return classify(response, tokens)
