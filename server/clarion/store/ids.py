"""Server-made resource ids: 26 characters, time-ordered, URL-safe.

Ids sort by creation time (48-bit millisecond timestamp first, then 80 random bits, in
Crockford base32, like a ULID), so "list in creation order" is "order by id" and pages are
stable keyset pages.
"""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def new_id() -> str:
    """A fresh id."""
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_key_id() -> str:
    """A short random id for API keys (not time-ordered: keys need not reveal when)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(16))
