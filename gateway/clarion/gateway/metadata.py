"""Which HTTP headers reach the server as gRPC metadata, and the call's deadline.

Headers are allow-listed, never copied wholesale: a browser or proxy sends many headers
(cookies among them) that the server has no business seeing. What passes:

* `Authorization` (the API key) and a few tracing headers, lower-cased;
* `Grpc-Metadata-<key>` headers, as `<key>` (grpc-gateway's convention for a client that
  deliberately sends metadata), except gRPC's reserved and binary keys;
* `x-forwarded-for` / `x-forwarded-host` describing the HTTP client, as grpc-gateway does.

`Grpc-Timeout` uses gRPC's own wire format (`5S`, `100m`) and becomes the call's deadline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from clarion.gateway.errors import invalid_argument

__all__ = [
    "DEFAULT_FORWARDED_HEADERS",
    "METADATA_HEADER_PREFIX",
    "CallOptions",
    "call_options",
    "parse_grpc_timeout",
]

#: Headers forwarded under their own (lower-cased) name.
DEFAULT_FORWARDED_HEADERS: tuple[str, ...] = (
    "authorization",
    "x-request-id",
    "traceparent",
    "tracestate",
)

#: Prefix of headers that carry explicit gRPC metadata.
METADATA_HEADER_PREFIX = "grpc-metadata-"

_TIMEOUT = re.compile(r"^(\d{1,8})([HMSmun])$")
_TIMEOUT_UNITS = {"H": 3600.0, "M": 60.0, "S": 1.0, "m": 1e-3, "u": 1e-6, "n": 1e-9}


@dataclass(frozen=True, slots=True)
class CallOptions:
    """What a gRPC call takes from the HTTP request besides its message."""

    metadata: tuple[tuple[str, str], ...]
    timeout: float | None


def parse_grpc_timeout(value: str) -> float:
    """Seconds of a `Grpc-Timeout` value (`5S`, `100m`, `1H`); ValueError when malformed."""
    match = _TIMEOUT.match(value.strip())
    if match is None:
        raise ValueError(f"bad Grpc-Timeout {value!r}: want 1 to 8 digits and one of HMSmun")
    return int(match.group(1)) * _TIMEOUT_UNITS[match.group(2)]


def call_options(
    headers: Iterable[tuple[str, str]],
    *,
    remote: str | None,
    host: str | None,
    forwarded: Iterable[str] = DEFAULT_FORWARDED_HEADERS,
) -> CallOptions:
    """Metadata and timeout for the gRPC call made on behalf of one HTTP request."""
    allowed = {name.lower() for name in forwarded}
    metadata: list[tuple[str, str]] = []
    timeout: float | None = None
    forwarded_for: str | None = None
    for raw_name, value in headers:
        name = raw_name.lower()
        if name == "grpc-timeout":
            try:
                timeout = parse_grpc_timeout(value)
            except ValueError as exc:
                raise invalid_argument(str(exc), field="Grpc-Timeout") from exc
        elif name == "x-forwarded-for":
            forwarded_for = value
        elif name in allowed:
            metadata.append((name, value))
        elif name.startswith(METADATA_HEADER_PREFIX):
            key = name[len(METADATA_HEADER_PREFIX) :]
            if _forwardable_key(key):
                metadata.append((key, value))
    if remote:
        # Append, as proxies do, so the server sees the whole chain ending with our peer.
        chain = f"{forwarded_for}, {remote}" if forwarded_for else remote
        metadata.append(("x-forwarded-for", chain))
    if host:
        metadata.append(("x-forwarded-host", host))
    return CallOptions(tuple(metadata), timeout)


def _forwardable_key(key: str) -> bool:
    # Reserved keys would confuse the transport; binary keys need bytes, not header text.
    return bool(key) and not key.startswith(("grpc-", ":")) and not key.endswith("-bin")
