"""List paging: page sizes and opaque page tokens (aip.dev/158).

A token carries the last key seen and a fingerprint of the filters it was made for, so a
token replayed with other filters is refused instead of silently returning a wrong page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from clarion.domain.errors import InvalidArgument

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def page_size(requested: int, *, field: str = "page_size") -> int:
    """0 means the default; negative is an error; above the maximum is capped."""
    if requested < 0:
        raise InvalidArgument.field(field, "must not be negative", reason="INVALID_PAGE_SIZE")
    if requested == 0:
        return DEFAULT_PAGE_SIZE
    return min(requested, MAX_PAGE_SIZE)


def _fingerprint(filters: object) -> str:
    raw = json.dumps(filters, sort_keys=True, default=str).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class PageToken:
    """Where the next page starts: after `last_key`, for the same `filters`."""

    last_key: str

    def encode(self, filters: object) -> str:
        """The opaque string handed to the client."""
        raw = json.dumps({"k": self.last_key, "f": _fingerprint(filters)}).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @staticmethod
    def decode(token: str, filters: object, *, field: str = "page_token") -> PageToken | None:
        """None for an empty token; INVALID_ARGUMENT for a foreign or mismatched one."""
        if not token:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            data = json.loads(raw)
            key, fingerprint = data["k"], data["f"]
        except (binascii.Error, ValueError, KeyError, TypeError):
            raise InvalidArgument.field(
                field, "not a page token of this list", reason="INVALID_PAGE_TOKEN"
            ) from None
        if not isinstance(key, str) or fingerprint != _fingerprint(filters):
            raise InvalidArgument.field(
                field,
                "the page token was made for other filters",
                reason="INVALID_PAGE_TOKEN",
            )
        return PageToken(key)


@dataclass(frozen=True, slots=True)
class PageRequest:
    """One list call's paging: fetch `fetch` rows after `after`, then `cut` them to a page.

    Fetching one row more than the page tells whether another page exists without counting.
    """

    size: int
    after: str | None
    filters: object

    @classmethod
    def parse(cls, requested_size: int, token: str, filters: object) -> PageRequest:
        """Validate the request's page_size and page_token (made for these filters)."""
        size = page_size(requested_size)
        decoded = PageToken.decode(token, filters)
        return cls(size, decoded.last_key if decoded else None, filters)

    @property
    def fetch(self) -> int:
        """How many rows to ask the store for."""
        return self.size + 1

    def cut(self, found: Sequence[T], key: Callable[[T], str]) -> tuple[list[T], str]:
        """The page, and the token of the next one ("" when this is the last)."""
        page = list(found[: self.size])
        more = len(found) > self.size
        return page, PageToken(key(page[-1])).encode(self.filters) if more else ""
