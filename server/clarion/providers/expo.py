"""Expo push API: messages in batches of up to 100, push tickets, and receipts fetched later.

- `build_message(item)` (pure): one Expo message (`to`, title, body, data, ttl, priority,
  ...) with `overrides["expo"]` laid over it; a message over Expo's 4096-byte limit raises
  `Undeliverable` (DROP payload_too_large `MessageTooBig`) instead of being sent.
- `build_send_request(messages, access_token)` / `build_receipts_request(ids, ...)` (pure):
  the POSTs, gzip-compressed above 1 KiB as Expo's own SDKs do, with `Authorization:
  Bearer <access token>` when the app has one (projects with "enhanced push security").
- `classify_tickets(response, count)` and `classify_receipts(response)` (pure): tickets and
  receipts as `Outcome`s; `error_outcome(code)` is the one table for ticket and receipt
  error codes (providers.md §4).
- `ExpoProvider`: `send_many` (the dispatcher's contract) and `fetch_receipts` (the
  receipt job's), over the shared transport.

A ticket only means Expo queued the message: a SENT outcome carries the ticket id as its
message id, and `clarion.dispatch.expo_receipts` turns the receipt into DELIVERED or a
failure later.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from clarion.domain.push import (
    BAD_REQUEST,
    PAYLOAD_TOO_LARGE,
    PROVIDER_UNAVAILABLE,
    RATE_LIMITED,
    Outcome,
    Priority,
    ProviderCredential,
    PushItem,
)
from clarion.providers.base import (
    Undeliverable,
    body_detail,
    deep_merge,
    encode_json,
    parse_retry_after,
    transport_failure,
    truncate,
)
from clarion.providers.transport import HttpRequest, HttpResponse, Requester, TransportError

__all__ = [
    "BASE_URL",
    "MAX_MESSAGES",
    "MAX_RECEIPT_IDS",
    "ExpoProvider",
    "build_message",
    "build_receipts_request",
    "build_send_request",
    "classify_receipts",
    "classify_tickets",
    "error_outcome",
    "project_groups",
]

BASE_URL: Final = "https://exp.host"
SEND_PATH: Final = "/--/api/v2/push/send"
RECEIPTS_PATH: Final = "/--/api/v2/push/getReceipts"
MAX_MESSAGES: Final = 100  # per send request
MAX_RECEIPT_IDS: Final = 300  # per getReceipts call (Expo takes 1000; its SDK asks 300)
MAX_PAYLOAD: Final = 4096  # bytes, the message without its `to`
GZIP_ABOVE: Final = 1024  # bytes: request bodies larger than this are gzipped
# The official SDK keeps at most 6 requests to Expo in flight.
DEFAULT_CONCURRENCY: Final = 6
# Expo documents no Retry-After; a 429 waits at least this long unless it sends one.
RATE_LIMIT_BACKOFF: Final = 1.0


# Messages and requests (pure) ------------------------------------------------------------


def build_message(item: PushItem) -> dict[str, Any]:
    """The Expo message for one item, `overrides["expo"]` deep-merged last.

    Raises `Undeliverable` for an empty token or a message over 4096 bytes.
    """
    if not item.device.token:
        raise Undeliverable(Outcome.invalid_token("DeviceNotRegistered", detail="empty token"))
    content = item.content
    message: dict[str, Any] = {"to": item.device.token}
    for key, value in (
        ("title", content.title),
        ("subtitle", content.subtitle),
        ("body", content.body),
        ("sound", content.sound),
        ("categoryId", content.category),
    ):
        if value:
            message[key] = value
    if content.data:
        message["data"] = dict(content.data)
    if content.badge is not None:
        message["badge"] = content.badge
    message["ttl"] = content.ttl_seconds
    if content.expires_at is not None:
        message["expiration"] = content.expires_at
    message["priority"] = "high" if content.priority is Priority.HIGH else "normal"
    if content.mutable_content:
        message["mutableContent"] = True
    if content.content_available:
        message["_contentAvailable"] = True
    override = content.overrides.get("expo")
    if isinstance(override, Mapping):
        message = deep_merge(message, override)
        message["to"] = item.device.token  # the target is Clarion's, never an override's
    try:
        size = len(encode_json({k: v for k, v in message.items() if k != "to"}))
    except (TypeError, ValueError) as exc:
        raise Undeliverable(Outcome.drop(BAD_REQUEST, "ValidationError", str(exc))) from exc
    if size > MAX_PAYLOAD:
        raise Undeliverable(
            Outcome.drop(
                PAYLOAD_TOO_LARGE, "MessageTooBig", f"message is {size} bytes, limit {MAX_PAYLOAD}"
            )
        )
    return message


def _headers(body: bytes, access_token: str | None) -> tuple[bytes, tuple[tuple[str, str], ...]]:
    headers = [
        ("accept", "application/json"),
        ("accept-encoding", "gzip"),
        ("content-type", "application/json"),
    ]
    if len(body) > GZIP_ABOVE:
        body = gzip.compress(body, compresslevel=6)
        headers.append(("content-encoding", "gzip"))
    if access_token:
        headers.append(("authorization", f"Bearer {access_token}"))
    return body, tuple(headers)


def build_send_request(
    messages: Sequence[Mapping[str, Any]],
    access_token: str | None,
    *,
    base_url: str = BASE_URL,
    timeout: float | None = None,
) -> HttpRequest:
    """One `push/send` POST for at most 100 messages (a JSON array)."""
    if not 1 <= len(messages) <= MAX_MESSAGES:
        raise ValueError(f"an Expo request carries 1-{MAX_MESSAGES} messages")
    body, headers = _headers(encode_json(list(messages)), access_token)
    return HttpRequest("POST", f"{base_url.rstrip('/')}{SEND_PATH}", headers, body, timeout)


def build_receipts_request(
    ids: Sequence[str],
    access_token: str | None,
    *,
    base_url: str = BASE_URL,
    timeout: float | None = None,
) -> HttpRequest:
    """One `push/getReceipts` POST for at most 300 ticket ids."""
    if not 1 <= len(ids) <= MAX_RECEIPT_IDS:
        raise ValueError(f"a getReceipts call carries 1-{MAX_RECEIPT_IDS} ids")
    body, headers = _headers(encode_json({"ids": list(ids)}), access_token)
    return HttpRequest("POST", f"{base_url.rstrip('/')}{RECEIPTS_PATH}", headers, body, timeout)


# Responses (pure) ------------------------------------------------------------------------


def error_outcome(code: str, message: str = "") -> Outcome:
    """A ticket's or receipt's `details.error` as an outcome (providers.md §4 "Errors")."""
    detail = truncate(message)
    match code:
        case "DeviceNotRegistered":
            return Outcome.invalid_token(code, detail=detail)
        case "MessageTooBig":
            return Outcome.drop(PAYLOAD_TOO_LARGE, code, detail)
        case "MessageRateExceeded":
            return Outcome.retry(RATE_LIMITED, code, detail=detail)
        case "MismatchSenderId" | "InvalidCredentials":
            return Outcome.credential(code, detail or code)
    return Outcome.drop(BAD_REQUEST, code or "UnknownError", detail)


def _ticket_outcome(ticket: object) -> Outcome:
    if not isinstance(ticket, Mapping):
        return Outcome.retry(PROVIDER_UNAVAILABLE, "BadTicket", detail="a ticket is not an object")
    if ticket.get("status") == "ok" and isinstance(ticket.get("id"), str):
        return Outcome.sent(str(ticket["id"]))
    details = ticket.get("details")
    code = details.get("error") if isinstance(details, Mapping) else None
    return error_outcome(str(code or ""), str(ticket.get("message", "")))


def _decoded(response: HttpResponse) -> Any:
    body = response.body
    if response.headers.get("content-encoding", "").lower() == "gzip":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError):
            return None
    try:
        return json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError):
        return None


def _request_failure(response: HttpResponse, document: Any) -> Outcome:
    """A whole request refused: `{"errors": [{"code", "message"}]}` and the HTTP status."""
    errors = document.get("errors") if isinstance(document, Mapping) else None
    first = errors[0] if isinstance(errors, list) and errors else {}
    first = first if isinstance(first, Mapping) else {}
    code = str(first.get("code") or response.status)
    detail = truncate(str(first.get("message", ""))) or body_detail(response.body)
    status = response.status
    if code == "TOO_MANY_REQUESTS" or status == 429:
        after = parse_retry_after(response.headers.get("retry-after"))
        return Outcome.retry(RATE_LIMITED, code, after or RATE_LIMIT_BACKOFF, detail)
    if code == "UNAUTHORIZED" or status in (401, 403):
        return Outcome.credential(code, detail or code)
    if status >= 500 or status == 408:
        return Outcome.retry(PROVIDER_UNAVAILABLE, code, detail=detail)
    # Malformed requests (and PUSH_TOO_MANY_EXPERIENCE_IDS without the details that let
    # the provider split by project): resending the same request cannot succeed.
    return Outcome.drop(BAD_REQUEST, code, detail)


def project_groups(response: HttpResponse) -> list[list[str]] | None:
    """For a `PUSH_TOO_MANY_EXPERIENCE_IDS` refusal, the tokens of each project (Expo's
    `details` maps project to tokens); None for any other answer."""
    if response.status != 400:
        return None
    document = _decoded(response)
    errors = document.get("errors") if isinstance(document, Mapping) else None
    for error in errors if isinstance(errors, list) else ():
        if isinstance(error, Mapping) and error.get("code") == "PUSH_TOO_MANY_EXPERIENCE_IDS":
            details = error.get("details")
            if isinstance(details, Mapping):
                return [
                    [str(token) for token in tokens]
                    for tokens in details.values()
                    if isinstance(tokens, list)
                ]
    return None


def classify_tickets(response: HttpResponse, count: int) -> list[Outcome]:
    """The outcomes of one send request of `count` messages, in request order.

    200: one ticket per message (`data` may be a bare object for a single message); a
    ticket count that does not match is a RETRY for all (nothing can be attributed).
    Otherwise the request's error applies to every message.
    """
    document = _decoded(response)
    if response.status != 200:
        return [_request_failure(response, document)] * count
    data = document.get("data") if isinstance(document, Mapping) else None
    if isinstance(data, Mapping) and count == 1:
        data = [data]
    if not isinstance(data, list) or len(data) != count:
        failure = Outcome.retry(
            PROVIDER_UNAVAILABLE, "BadTickets", detail=f"expected {count} tickets"
        )
        return [failure] * count
    return [_ticket_outcome(ticket) for ticket in data]


def classify_receipts(response: HttpResponse) -> dict[str, Outcome] | Outcome:
    """Receipts by ticket id (SENT = delivered to Apple/Google), or the request's failure.

    Ids Expo does not answer (unknown, not ready yet) are simply absent.
    """
    document = _decoded(response)
    if response.status != 200:
        return _request_failure(response, document)
    data = document.get("data") if isinstance(document, Mapping) else None
    if not isinstance(data, Mapping):
        return Outcome.retry(PROVIDER_UNAVAILABLE, "BadReceipts", detail="no data object")
    receipts: dict[str, Outcome] = {}
    for ticket_id, receipt in data.items():
        if isinstance(receipt, Mapping) and receipt.get("status") == "ok":
            receipts[str(ticket_id)] = Outcome.sent(str(ticket_id))
        else:
            receipts[str(ticket_id)] = _ticket_outcome(receipt)
    return receipts


# The provider ----------------------------------------------------------------------------


def _access_token(credential: ProviderCredential) -> str | None:
    # Expo needs no credential; an app's stored Expo access token is sent when it has one.
    return credential.secret.decode("utf-8") if credential.secret else None


class ExpoProvider:
    """Expo over the shared transport.

    `send_many` sends batches of up to 100 messages, at most `concurrency` requests at
    once; `fetch_receipts` asks for up to 300 receipts per call. An empty credential
    (`secret == b""`) means the app stored no Expo access token: requests go without one.
    """

    def __init__(
        self,
        transport: Requester,
        *,
        base_url: str = BASE_URL,
        request_timeout: float | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        batch_size: int = MAX_MESSAGES,
    ) -> None:
        if not 1 <= batch_size <= MAX_MESSAGES or concurrency < 1:
            raise ValueError("batch_size must be 1-100 and concurrency >= 1")
        self._transport = transport
        self._base_url = base_url.rstrip("/")
        self._timeout = request_timeout
        self._semaphore = asyncio.Semaphore(concurrency)
        self._batch_size = batch_size

    async def send_many(
        self, credential: ProviderCredential, items: Sequence[PushItem]
    ) -> list[Outcome]:
        """One outcome per item, in order; a SENT outcome's message id is the ticket id."""
        outcomes: list[Outcome | None] = [None] * len(items)
        batch: list[tuple[int, dict[str, Any]]] = []
        for index, item in enumerate(items):
            try:
                batch.append((index, build_message(item)))
            except Undeliverable as exc:
                outcomes[index] = exc.outcome
        token = _access_token(credential)
        chunks = [batch[i : i + self._batch_size] for i in range(0, len(batch), self._batch_size)]
        answers = await asyncio.gather(*(self._send_chunk(chunk, token) for chunk in chunks))
        for chunk, answer in zip(chunks, answers, strict=True):
            for (index, _), outcome in zip(chunk, answer, strict=True):
                outcomes[index] = outcome
        return [outcome for outcome in outcomes if outcome is not None]

    async def _send_chunk(
        self, chunk: Sequence[tuple[int, dict[str, Any]]], token: str | None, *, split: bool = True
    ) -> list[Outcome]:
        request = build_send_request(
            [message for _, message in chunk], token, base_url=self._base_url, timeout=self._timeout
        )
        async with self._semaphore:
            try:
                response = await self._transport.request(request)
            except TransportError as exc:
                return [transport_failure(exc)] * len(chunk)
        groups = project_groups(response) if split else None
        if groups:
            return await self._send_by_project(chunk, groups, token)
        return classify_tickets(response, len(chunk))

    async def _send_by_project(
        self,
        chunk: Sequence[tuple[int, dict[str, Any]]],
        groups: list[list[str]],
        token: str | None,
    ) -> list[Outcome]:
        """Resend a batch that mixed Expo projects (one app may have several), one request
        per project; messages Expo placed in no project (unknown tokens) go together."""
        project_of = {t: n for n, tokens in enumerate(groups) for t in tokens}
        parts: dict[int, list[int]] = {}
        for position, (_, message) in enumerate(chunk):
            key = project_of.get(str(message.get("to")), -1)
            parts.setdefault(key, []).append(position)
        answers = await asyncio.gather(
            *(
                self._send_chunk([chunk[p] for p in positions], token, split=False)
                for positions in parts.values()
            )
        )
        outcomes: list[Outcome | None] = [None] * len(chunk)
        for positions, answer in zip(parts.values(), answers, strict=True):
            for position, outcome in zip(positions, answer, strict=True):
                outcomes[position] = outcome
        return [outcome for outcome in outcomes if outcome is not None]

    async def fetch_receipts(
        self, credential: ProviderCredential, ids: Sequence[str]
    ) -> dict[str, Outcome] | Outcome:
        """Receipts for at most 300 ticket ids, or the outcome of a failed request."""
        request = build_receipts_request(
            ids, _access_token(credential), base_url=self._base_url, timeout=self._timeout
        )
        async with self._semaphore:
            try:
                response = await self._transport.request(request)
            except TransportError as exc:
                return transport_failure(exc)
        return classify_receipts(response)
