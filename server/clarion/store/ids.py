"""Server-made resource ids: 26 characters, time-ordered, URL-safe.

Ids sort by creation time (48-bit millisecond timestamp first, then 80 random bits, in
Crockford base32, like a ULID), so "list in creation order" is "order by id" and pages are
stable keyset pages. Within one process ids are strictly increasing even inside one
millisecond (the random part is incremented, as monotonic ULIDs do); ids made by different
processes in the same millisecond sort in no particular order.
"""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_RANDOM_BITS = 80
_last = 0


def new_id() -> str:
    """A fresh id, greater than every id this process made before."""
    global _last
    candidate = (int(time.time() * 1000) << _RANDOM_BITS) | secrets.randbits(_RANDOM_BITS)
    # Same millisecond (or a clock step back): continue from the last id instead.
    value = candidate if candidate > _last else _last + 1
    _last = value
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_key_id() -> str:
    """A short random id for API keys (not time-ordered: keys need not reveal when)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(16))
