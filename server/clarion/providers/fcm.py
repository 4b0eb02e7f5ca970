"""Firebase Cloud Messaging, HTTP v1: one `messages:send` request per message.

- `build_request` (pure): `POST {base}/v1/projects/{project}/messages:send` with the v1
  message; `prepare` is its per-content half (everything but the device token), computed
  once per distinct `PushContent`. A message over FCM's 4096-byte limit raises
  `Undeliverable` instead of being sent.
- `classify` (pure): an `HttpResponse` as an `Outcome` by the google.rpc.Status body's
  `FcmError` code, else its status (providers.md §2).
- `FcmTokenSource`: OAuth2 access tokens minted from the service account with google-auth,
  cached per (client_email, private_key_id), refreshed five minutes before they expire
  and after a bare 401, in a worker thread (google-auth's transport is blocking), one
  refresh at a time per credential.

The batch endpoint is gone (June 2024): `FcmProvider.send_many` sends one request per
item, concurrently, multiplexed by the shared transport.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import google.auth.exceptions
import google.auth.transport.requests
import requests
from google.oauth2 import service_account

from clarion.domain.push import (
    BAD_REQUEST,
    PAYLOAD_TOO_LARGE,
    PROVIDER_UNAVAILABLE,
    RATE_LIMITED,
    TOPIC_MISMATCH,
    Outcome,
    OutcomeKind,
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
    parse_retry_after,
    send_concurrently,
    truncate,
)
from clarion.providers.transport import HttpRequest, HttpResponse, Requester

__all__ = [
    "BASE_URL",
    "SCOPES",
    "FcmAuthError",
    "FcmPayload",
    "FcmProvider",
    "FcmTokenSource",
    "build_request",
    "classify",
    "prepare",
]

BASE_URL: Final = "https://fcm.googleapis.com"
SCOPES: Final = ("https://www.googleapis.com/auth/firebase.messaging",)
MAX_PAYLOAD: Final = 4096
MAX_TTL: Final = 2_419_200  # 4 weeks
# FCM says to wait at least a minute after QUOTA_EXCEEDED when it sends no Retry-After.
QUOTA_BACKOFF: Final = 60.0
DEFAULT_REFRESH_MARGIN: Final = 300.0
DEFAULT_TOKEN_TIMEOUT: Final = 10.0
_MAX_APNS_COLLAPSE_ID: Final = 64  # bytes


# Payload and request (pure) --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FcmPayload:
    """The v1 `message` of one content without its target, as compact JSON (`{...}`)."""

    message: bytes


def _ttl(content: PushContent, now: float | None) -> int:
    ttl = content.ttl_seconds
    if content.expires_at is not None:
        current = time.time() if now is None else now
        ttl = min(ttl, int(content.expires_at - current))
    return max(0, min(ttl, MAX_TTL))


def _message(content: PushContent, now: float | None) -> dict[str, Any]:
    data_only = content.content_available and not (content.title or content.body)
    high = content.priority is Priority.HIGH
    ttl = _ttl(content, now)
    message: dict[str, Any] = {}

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
        if notification:
            message["notification"] = notification
    if content.data:
        message["data"] = dict(content.data)

    android: dict[str, Any] = {"priority": "HIGH" if high else "NORMAL", "ttl": f"{ttl}s"}
    if content.collapse_key:
        android["collapse_key"] = content.collapse_key
    if not data_only:
        android_notification = {
            key: value
            for key, value in (
                ("sound", content.sound),
                ("tag", content.thread_id),
                ("click_action", content.category),
            )
            if value
        }
        if android_notification:
            android["notification"] = android_notification
    message["android"] = _overlay(android, content.overrides.get("fcm_android"))

    apns_headers = {
        "apns-priority": "10" if high and not data_only else "5",
        "apns-push-type": "background" if data_only else "alert",
    }
    if content.collapse_key and len(content.collapse_key.encode()) <= _MAX_APNS_COLLAPSE_ID:
        # APNs refuses longer ids; Android's collapse_key has no such bound, so the
        # message still goes, without collapsing on iOS.
        apns_headers["apns-collapse-id"] = content.collapse_key
    if content.expires_at is not None:
        apns_headers["apns-expiration"] = str(content.expires_at)
    aps: dict[str, Any] = {}
    if content.subtitle and not data_only:
        # FCM has no subtitle field: the whole alert goes in aps instead.
        aps["alert"] = {
            key: value
            for key, value in (
                ("title", content.title),
                ("subtitle", content.subtitle),
                ("body", content.body),
            )
            if value
        }
    if content.badge is not None:
        aps["badge"] = content.badge
    if content.sound and not data_only:
        aps["sound"] = content.sound
    if content.thread_id:
        aps["thread-id"] = content.thread_id
    if content.category:
        aps["category"] = content.category
    if content.content_available:
        aps["content-available"] = 1
    if content.mutable_content or (content.image_url and not data_only):
        aps["mutable-content"] = 1  # the service extension fetches the image
    if content.interruption_level is not None:
        aps["interruption-level"] = str(content.interruption_level)
    apns: dict[str, Any] = {"headers": apns_headers, "payload": {"aps": aps}}
    if content.image_url and not data_only:
        apns["fcm_options"] = {"image": content.image_url}
    message["apns"] = _overlay(apns, content.overrides.get("fcm_apns"))

    webpush = {"headers": {"TTL": str(ttl), "Urgency": "high" if high else "normal"}}
    message["webpush"] = _overlay(webpush, content.overrides.get("fcm_webpush"))
    return message


def _overlay(base: dict[str, Any], override: object) -> dict[str, Any]:
    return deep_merge(base, override) if isinstance(override, Mapping) else base


def prepare(content: PushContent, *, now: float | None = None) -> FcmPayload:
    """The message for `content`, without its target.

    FCM's 4096-byte limit is checked on this JSON (everything but the token), which is
    stricter than FCM's own count of keys and values: it also counts the Android, APNs
    and Web Push blocks. Raises `Undeliverable` (DROP payload_too_large) above it.
    `now` (Unix seconds) shortens the TTL to `expires_at`; the wall clock by default.
    """
    try:
        body = encode_json(_message(content, now))
    except (TypeError, ValueError) as exc:
        raise Undeliverable(Outcome.drop(BAD_REQUEST, "INVALID_ARGUMENT", str(exc))) from exc
    if len(body) > MAX_PAYLOAD:
        raise Undeliverable(
            Outcome.drop(
                PAYLOAD_TOO_LARGE,
                "INVALID_ARGUMENT",
                f"message is {len(body)} bytes, limit {MAX_PAYLOAD}",
            )
        )
    return FcmPayload(body)


def build_request(
    item: PushItem,
    project_id: str,
    access_token: str,
    *,
    base_url: str = BASE_URL,
    payload: FcmPayload | None = None,
    timeout: float | None = None,
    now: float | None = None,
) -> HttpRequest:
    """The v1 `messages:send` request for `item`.

    `payload` is `prepare(item.content)` when the caller already has it (a fan-out shares
    one per content). Raises `Undeliverable` for a missing token or an oversized message.
    """
    if not item.device.token:
        raise Undeliverable(Outcome.invalid_token("INVALID_ARGUMENT", detail="empty token"))
    if payload is None:
        payload = prepare(item.content, now=now)
    rest = payload.message[1:]  # the message's fields after its "{"
    separator = b"," if rest != b"}" else b""
    body = b"".join(
        (
            b'{"message":{"token":',
            encode_json(item.device.token),
            separator,
            rest,
            b"}",
        )
    )
    headers = (
        ("authorization", f"Bearer {access_token}"),
        ("content-type", "application/json; charset=utf-8"),
    )
    url = f"{base_url.rstrip('/')}/v1/projects/{project_id}/messages:send"
    return HttpRequest("POST", url, headers, body, timeout)


# Responses (pure) --------------------------------------------------------------------------


def _error_code(error: Mapping[str, Any]) -> str:
    details = error.get("details")
    if isinstance(details, list):
        for detail in details:
            if (
                isinstance(detail, Mapping)
                and str(detail.get("@type", "")).endswith("FcmError")
                and isinstance(detail.get("errorCode"), str)
            ):
                return str(detail["errorCode"])
    return ""


def _violations(error: Mapping[str, Any]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    details = error.get("details")
    for detail in details if isinstance(details, list) else ():
        if isinstance(detail, Mapping) and isinstance(detail.get("fieldViolations"), list):
            for violation in detail["fieldViolations"]:
                if isinstance(violation, Mapping):
                    found.append(
                        (str(violation.get("field", "")), str(violation.get("description", "")))
                    )
    return found


_TOO_LARGE_WORDS: Final = ("too big", "too large", "exceeds the maximum", "payload size")


def _invalid_argument(error: Mapping[str, Any], code: str, detail: str) -> Outcome:
    message = str(error.get("message", ""))
    violations = _violations(error)
    texts = [message.lower()] + [d.lower() for _, d in violations]
    if any("registration token" in text for text in texts) or any(
        field == "message.token" for field, _ in violations
    ):
        return Outcome.invalid_token(code, detail=detail)
    if any(word in text for text in texts for word in _TOO_LARGE_WORDS):
        return Outcome.drop(PAYLOAD_TOO_LARGE, code, detail)
    return Outcome.drop(BAD_REQUEST, code, detail)


def classify(response: HttpResponse, *, now: float | None = None) -> Outcome:
    """The outcome of one v1 response (providers.md §2 "Error body").

    200 is SENT with the message `name` as id. Errors branch on `details[].errorCode` of
    the `FcmError` detail, else the top-level `status`. A bare 401 UNAUTHENTICATED is
    CREDENTIAL with code `UNAUTHENTICATED`: the provider refreshes its access token and
    resends once before reporting it. `Retry-After` is honoured on every retry; a
    QUOTA_EXCEEDED without one waits 60 s.
    """
    status = response.status
    body = parse_json_object(response.body) or {}
    if status == 200:
        return Outcome.sent(str(body.get("name", "")))
    raw_error = body.get("error")
    error: Mapping[str, Any] = raw_error if isinstance(raw_error, Mapping) else {}
    rpc_status = str(error.get("status", ""))
    code = _error_code(error) or rpc_status or str(status)
    detail = truncate(str(error.get("message", ""))) if error else body_detail(response.body)
    retry_after = parse_retry_after(response.headers.get("retry-after"), now=now)

    if code == "UNREGISTERED":
        return Outcome.invalid_token(code, detail=detail)
    if code == "SENDER_ID_MISMATCH":
        return Outcome.invalid_token(code, TOPIC_MISMATCH, detail)
    if code == "INVALID_ARGUMENT":
        return _invalid_argument(error, code, detail)
    if code in ("THIRD_PARTY_AUTH_ERROR", "UNAUTHENTICATED", "PERMISSION_DENIED"):
        return Outcome.credential(code, detail)
    if code in ("QUOTA_EXCEEDED", "RESOURCE_EXHAUSTED") or status == 429:
        return Outcome.retry(RATE_LIMITED, code, retry_after or QUOTA_BACKOFF, detail)
    if code in ("UNAVAILABLE", "INTERNAL", "UNSPECIFIED_ERROR") or status >= 500:
        # UNSPECIFIED_ERROR has no documented guidance: retried, within the dispatcher's
        # attempt limit.
        return Outcome.retry(PROVIDER_UNAVAILABLE, code, retry_after, detail)
    if status in (401, 403):
        return Outcome.credential(code, detail)
    return Outcome.drop(BAD_REQUEST, code, detail)


def _needs_refresh(outcome: Outcome) -> bool:
    # A 401 that is not THIRD_PARTY_AUTH_ERROR: our access token, not the app's APNs or
    # Web Push key configured in Firebase.
    return outcome.kind is OutcomeKind.CREDENTIAL and outcome.provider_code in (
        "UNAUTHENTICATED",
        "401",
    )


# OAuth2 access tokens ---------------------------------------------------------------------


class FcmAuthError(Exception):
    """No access token could be had; `outcome` is what the items get."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.detail or outcome.provider_code)
        self.outcome = outcome


class _TimeoutRequest(google.auth.transport.requests.Request):
    """google-auth's requests transport with a bound on every call (its default is 120 s)
    and, when one is configured, the CA bundle.

    The bundle goes with each call, not on the session: requests lets REQUESTS_CA_BUNDLE
    and CURL_CA_BUNDLE override a session's `verify`, but not a call's.
    """

    def __init__(self, session: requests.Session, timeout: float, ca_file: str | None) -> None:
        super().__init__(session)
        self._timeout = timeout
        self._ca_file = ca_file

    def __call__(
        self,
        url: Any,
        method: Any = "GET",
        body: Any = None,
        headers: Any = None,
        timeout: Any = None,
        **kwargs: Any,
    ) -> Any:
        if self._ca_file is not None:
            kwargs["verify"] = self._ca_file
        return super().__call__(  # type: ignore[no-untyped-call]
            url, method, body, headers, timeout=self._timeout, **kwargs
        )


@dataclass(slots=True)
class _OAuthEntry:
    secret_digest: bytes
    session: requests.Session
    lock: asyncio.Lock = dataclasses.field(default_factory=asyncio.Lock)
    credentials: service_account.Credentials | None = None
    token: str = ""
    expires_at: float = 0.0


def _utcnow() -> datetime.datetime:
    # google-auth keeps expiries as naive UTC datetimes.
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


class FcmTokenSource:
    """OAuth2 access tokens for FCM service accounts, cached per (client_email, key id).

    A token is reused until `refresh_margin` seconds before it expires. Minting (signing
    the RS256 assertion and the token-endpoint round trip, blocking calls in google-auth)
    runs in a worker thread; a per-credential lock keeps it to one at a time, and callers
    that waited on it take the token it produced. `ca_file` is the trust store for the
    token endpoint (None: the system's). Close with `close()`.
    """

    def __init__(
        self,
        *,
        ca_file: str | None = None,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        timeout: float = DEFAULT_TOKEN_TIMEOUT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._ca_file = ca_file
        self._margin = refresh_margin
        self._timeout = timeout
        self._clock = clock
        self._entries: dict[tuple[str, str], _OAuthEntry] = {}
        self.tokens_minted = 0  # a counter, for metrics and tests

    async def token(self, credential: ProviderCredential) -> str:
        """A valid access token for `credential`; raises `FcmAuthError` when none can be had."""
        entry = self._entry(credential)
        if self._fresh(entry):
            return entry.token
        async with entry.lock:
            if not self._fresh(entry):  # unless the refresh we waited for did it
                await self._mint(entry, credential)
            return entry.token

    async def refresh(self, credential: ProviderCredential, rejected: str) -> str:
        """A new token after FCM rejected `rejected` (401): minted once however many
        requests saw the same rejection."""
        entry = self._entry(credential)
        async with entry.lock:
            if entry.token == rejected or not self._fresh(entry):
                await self._mint(entry, credential)
            return entry.token

    def close(self) -> None:
        """Close the token endpoint connections."""
        for entry in self._entries.values():
            entry.session.close()
        self._entries.clear()

    def _fresh(self, entry: _OAuthEntry) -> bool:
        return bool(entry.token) and self._clock() < entry.expires_at - self._margin

    def _entry(self, credential: ProviderCredential) -> _OAuthEntry:
        ids = (
            credential.metadata.get("client_email", ""),
            credential.metadata.get("private_key_id", ""),
        )
        digest = hashlib.sha256(credential.secret).digest()
        entry = self._entries.get(ids)
        if entry is None or entry.secret_digest != digest:
            if entry is not None:
                entry.session.close()
            entry = _OAuthEntry(digest, requests.Session())
            self._entries[ids] = entry
        return entry

    async def _mint(self, entry: _OAuthEntry, credential: ProviderCredential) -> None:
        token, lifetime = await asyncio.to_thread(self._fetch, entry, credential.secret)
        entry.token = token
        entry.expires_at = self._clock() + lifetime
        self.tokens_minted += 1

    def _fetch(self, entry: _OAuthEntry, secret: bytes) -> tuple[str, float]:
        """Runs in a worker thread: mint a token with google-auth."""
        try:
            if entry.credentials is None:
                info = json.loads(secret)
                from_info = service_account.Credentials.from_service_account_info
                entry.credentials = from_info(info, scopes=list(SCOPES))  # type: ignore[no-untyped-call]
            credentials = entry.credentials
            credentials.refresh(_TimeoutRequest(entry.session, self._timeout, self._ca_file))
        except google.auth.exceptions.RefreshError as exc:
            # The token endpoint refused (invalid_grant: revoked key, deleted account, ...)
            # or kept failing after google-auth's own retries.
            retryable = bool(getattr(exc, "retryable", False))
            outcome = (
                Outcome.retry(PROVIDER_UNAVAILABLE, "token_endpoint", detail=truncate(str(exc)))
                if retryable
                else Outcome.credential("invalid_grant", truncate(str(exc)))
            )
            raise FcmAuthError(outcome) from exc
        except google.auth.exceptions.TransportError as exc:
            outcome = Outcome.retry(
                PROVIDER_UNAVAILABLE, "token_endpoint", detail=type(exc.__cause__).__name__
            )
            raise FcmAuthError(outcome) from exc
        except (ValueError, KeyError, TypeError):
            # Not chained and no message: a parser's error can quote the private key.
            raise FcmAuthError(
                Outcome.credential("InvalidCredential", "the service account JSON is unusable")
            ) from None
        token = credentials.token
        if not isinstance(token, str) or not token:
            raise FcmAuthError(Outcome.credential("invalid_grant", "no access token"))
        expiry = credentials.expiry
        lifetime = (expiry - _utcnow()).total_seconds() if expiry is not None else 3600.0
        return token, lifetime


# The provider --------------------------------------------------------------------------------


class FcmProvider:
    """FCM v1 over the shared transport: `send_many(credential, items)`.

    One request per item, at most `concurrency` at once; items sharing one `PushContent`
    object share one serialised message. A bare 401 makes it refresh the access token and
    resend that item once. Close with `await aclose()` (the token endpoint's connections).
    """

    def __init__(
        self,
        transport: Requester,
        *,
        base_url: str = BASE_URL,
        ca_file: str | None = None,
        clock: Callable[[], float] = time.time,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        token_timeout: float = DEFAULT_TOKEN_TIMEOUT,
        request_timeout: float | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        tokens: FcmTokenSource | None = None,
    ) -> None:
        self._transport = transport
        self._base_url = base_url.rstrip("/")
        self._clock = clock
        self.tokens = (
            tokens
            if tokens is not None
            else FcmTokenSource(
                ca_file=ca_file, refresh_margin=refresh_margin, timeout=token_timeout, clock=clock
            )
        )
        self._timeout = request_timeout
        self._concurrency = concurrency

    async def aclose(self) -> None:
        self.tokens.close()

    async def send_many(
        self, credential: ProviderCredential, items: Sequence[PushItem]
    ) -> list[Outcome]:
        """One outcome per item, in order; never raises for a per-item failure."""
        if not items:
            return []
        project_id = credential.metadata.get("project_id", "")
        if not project_id:
            return [Outcome.credential("InvalidCredential", "no project_id")] * len(items)
        try:
            await self.tokens.token(credential)
        except FcmAuthError as exc:
            return [exc.outcome] * len(items)
        now = self._clock()
        payloads: dict[int, FcmPayload | Outcome] = {}

        def payload_for(content: PushContent) -> FcmPayload:
            # By identity: PushContent holds dicts, so it is not hashable; the items keep
            # it alive for the whole call.
            cached = payloads.get(id(content))
            if cached is None:
                try:
                    cached = prepare(content, now=now)
                except Undeliverable as exc:
                    cached = exc.outcome
                payloads[id(content)] = cached
            if isinstance(cached, Outcome):
                raise Undeliverable(cached)
            return cached

        async def send(item: PushItem, access_token: str) -> Outcome:
            request = build_request(
                item,
                project_id,
                access_token,
                base_url=self._base_url,
                payload=payload_for(item.content),
                timeout=self._timeout,
            )
            return classify(await self._transport.request(request), now=self._clock())

        async def send_one(item: PushItem) -> Outcome:
            try:
                access_token = await self.tokens.token(credential)
                outcome = await send(item, access_token)
                if _needs_refresh(outcome):
                    outcome = await send(item, await self.tokens.refresh(credential, access_token))
            except FcmAuthError as exc:
                return exc.outcome
            return outcome

        return await send_concurrently(items, send_one, limit=self._concurrency)
