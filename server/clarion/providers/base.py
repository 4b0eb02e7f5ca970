"""What every provider module shares, written once.

- `Provider`: the one contract the dispatcher calls, `send_many(credential, items)`, which
  answers one `Outcome` per item, in order, and never raises for a per-item failure.
- `send_concurrently`: fan a batch out over a bounded number of concurrent sends.
- `Undeliverable`: what a pure `build_request` raises for a message that must not be sent
  (too large, bad collapse id): it carries the DROP outcome, and no request is made.
- `transport_failure`: a `TransportError` (no HTTP response) as a RETRY outcome;
  `was_never_sent` tells whether the provider certainly never saw the request.
- `parse_retry_after`: the `Retry-After` header, seconds or HTTP-date.
- `http_status_outcome`: the generic reading of an HTTP status for rows a provider's own
  table does not name (429 rate limited, 5xx unavailable, 401/403 credential, 4xx drop).
- `group_by_content`: items grouped by their shared `PushContent`, for providers that send
  one request to many tokens (HMS, MiPush).
- `encode_json`, `parse_json_object`, `deep_merge`, `truncate`, `body_detail`: JSON and
  `Outcome.detail` helpers.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Final, Protocol, TypeVar

from clarion.domain.push import (
    BAD_REQUEST,
    PROVIDER_UNAVAILABLE,
    RATE_LIMITED,
    Outcome,
    ProviderCredential,
    PushContent,
    PushItem,
)
from clarion.providers.transport import ConnectError, RequestTimeout, TransportError

__all__ = [
    "DEFAULT_CONCURRENCY",
    "DETAIL_LIMIT",
    "Provider",
    "Undeliverable",
    "body_detail",
    "deep_merge",
    "encode_json",
    "group_by_content",
    "http_status_outcome",
    "parse_json_object",
    "parse_retry_after",
    "send_concurrently",
    "transport_failure",
    "truncate",
    "was_never_sent",
]

_log = logging.getLogger(__name__)

# How many requests one `send_many` keeps in flight; the transport multiplexes them over a
# few HTTP/2 connections (and holds back what exceeds the servers' stream limits).
DEFAULT_CONCURRENCY: Final = 256
# `Outcome.detail` is cut to this length (the same bound `Outcome`'s constructors apply).
DETAIL_LIMIT: Final = 500

T = TypeVar("T")
M = TypeVar("M")


class Provider(Protocol):
    """A push provider as the dispatcher sees it.

    `send_many` delivers `items` with one credential and answers one `Outcome` per item,
    in the same order. A rejected token, a bad payload or an unreachable provider is an
    outcome, not an exception: only a programming error may escape.
    """

    async def send_many(
        self, credential: ProviderCredential, items: Sequence[PushItem]
    ) -> list[Outcome]: ...


class Undeliverable(Exception):
    """Raised while building a request that must not be sent; `outcome` says why.

    `send_concurrently` turns it into that item's outcome.
    """

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.provider_code or outcome.reason)
        self.outcome = outcome


async def send_concurrently(
    items: Sequence[T],
    send_one: Callable[[T], Awaitable[Outcome]],
    *,
    limit: int = DEFAULT_CONCURRENCY,
) -> list[Outcome]:
    """Run `send_one` for every item with at most `limit` running at once; results in order.

    A worker pool rather than one task per item, so a batch of thousands costs `limit`
    tasks. `Undeliverable` becomes its outcome; a `TransportError` that escapes `send_one`
    becomes a RETRY; any other exception is a bug, logged, and reported as a RETRY too so
    the rest of the batch keeps its outcomes (the dispatcher's attempt limit and the TTL
    bound the damage).
    """
    if limit < 1:
        raise ValueError("limit must be >= 1")
    results: list[Outcome | None] = [None] * len(items)
    next_index = 0

    async def worker() -> None:
        nonlocal next_index
        while next_index < len(items):
            index = next_index
            next_index += 1
            try:
                results[index] = await send_one(items[index])
            except Undeliverable as exc:
                results[index] = exc.outcome
            except TransportError as exc:
                results[index] = transport_failure(exc)
            except Exception as exc:
                _log.exception("provider: sending one item failed unexpectedly")
                results[index] = Outcome.retry(
                    PROVIDER_UNAVAILABLE, "InternalError", detail=type(exc).__name__
                )

    workers = min(limit, len(items))
    if workers == 1:
        await worker()
    elif workers:
        await asyncio.gather(*(worker() for _ in range(workers)))
    return [result for result in results if result is not None]


def group_by_content(
    items: Sequence[PushItem],
    build: Callable[[PushContent], M],
    outcomes: list[Outcome | None],
    *,
    missing_token: Outcome,
) -> list[tuple[M, list[int]]]:
    """Item indexes per distinct content (by identity: a fan-out shares one object), with
    what `build` made of it, once per content.

    Items that cannot be sent get their outcome written into `outcomes` instead: an empty
    token `missing_token`, a content whose `build` raised `Undeliverable` that outcome.
    """
    groups: dict[int, tuple[M, list[int]] | Outcome] = {}
    for index, item in enumerate(items):
        if not item.device.token:
            outcomes[index] = missing_token
            continue
        group = groups.get(id(item.content))
        if group is None:
            try:
                group = (build(item.content), [])
            except Undeliverable as exc:
                group = exc.outcome
            groups[id(item.content)] = group
        if isinstance(group, Outcome):
            outcomes[index] = group
        else:
            group[1].append(index)
    return [g for g in groups.values() if not isinstance(g, Outcome)]


def transport_failure(exc: TransportError) -> Outcome:
    """A request that got no HTTP response: always a RETRY with `provider_unavailable`.

    The provider code names the failure class (`ConnectError`, `RequestTimeout`,
    `ProtocolError`, ...), so logs tell "never sent" from "may have been delivered".
    The message never carries the URL (the transport guarantees it), hence no token.
    """
    return Outcome.retry(PROVIDER_UNAVAILABLE, type(exc).__name__, detail=truncate(str(exc)))


def was_never_sent(exc: TransportError) -> bool:
    """True when the request certainly did not reach the provider (safe to resend now)."""
    return isinstance(exc, ConnectError) and not isinstance(exc, RequestTimeout)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` value: delta-seconds or an HTTP-date.

    None when absent or unreadable. A date in the past means 0. `now` (Unix seconds) is
    for tests; the wall clock otherwise.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(int(text))
    try:
        seconds = float(text)  # not RFC 9110, but some servers send "1.5"
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None  # HTTP-dates are GMT; a zoneless one is not an HTTP-date
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def http_status_outcome(status: int, code: str = "", detail: str = "") -> Outcome:
    """The generic action for an HTTP status a provider's own table does not name."""
    code = code or str(status)
    if 200 <= status < 300:
        return Outcome.sent(code=code)
    if status == 429:
        return Outcome.retry(RATE_LIMITED, code, detail=detail)
    if status >= 500 or status == 408:
        return Outcome.retry(PROVIDER_UNAVAILABLE, code, detail=detail)
    if status in (401, 403):
        return Outcome.credential(code, detail=detail)
    return Outcome.drop(BAD_REQUEST, code, detail=detail)


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON, as providers count payload bytes (no spaces, no \\u escapes).

    Raises `TypeError`/`ValueError` for values JSON cannot carry (NaN included).
    """
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
        "utf-8"
    )


def parse_json_object(body: bytes) -> dict[str, Any] | None:
    """The body as a JSON object, or None when it is empty, not JSON or not an object."""
    if not body:
        return None
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `override` laid over it: nested objects merge, anything else replaces.

    A None in `override` removes the key, so an override can take out a default.
    Neither argument is modified.
    """
    merged = dict(base)
    for key, value in override.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def truncate(text: str, limit: int = DETAIL_LIMIT) -> str:
    """`text` cut to at most `limit` characters, marked with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + "…"


def body_detail(body: bytes, limit: int = DETAIL_LIMIT) -> str:
    """A response body as a one-line `Outcome.detail`: decoded leniently, whitespace
    collapsed, truncated."""
    text = body[: limit * 4].decode("utf-8", "replace")
    return truncate(" ".join(text.split()), limit)
