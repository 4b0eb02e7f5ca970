"""A send's notification resolved for one device into the provider contract (`PushContent`).

The device's locale picks the title and body; unset priority and TTL take their defaults;
`data` gains `clarion.send`, the send's name, so the app can report engagement for
`{clarion.send}/deliveries/{its device id}`. Category defaults are applied before this
(`categories.apply_category`), privacy after it. Pure.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Final

from clarion.domain.notifications import LocalizedText, Notification, localized_text
from clarion.domain.push import Priority, PushContent

__all__ = ["DEFAULT_TTL", "SEND_KEY", "ContentCache", "resolve_content"]

DEFAULT_TTL: Final = timedelta(weeks=4)  # PushContent's default ttl_seconds
SEND_KEY: Final = "clarion.send"


def resolve_content(
    n: Notification, *, locale: str, send_name: str, expires_at: datetime
) -> PushContent:
    """The content one device receives; `expires_at` must be timezone-aware."""
    return _resolve(n, localized_text(n, locale), send_name, _unix(expires_at))


def _unix(at: datetime) -> int:
    if at.tzinfo is None:
        raise ValueError("expires_at must be timezone-aware")
    return int(at.timestamp())


def _resolve(n: Notification, text: LocalizedText, send_name: str, expires_at: int) -> PushContent:
    ttl = n.ttl if n.ttl is not None else DEFAULT_TTL
    return PushContent(
        title=text.title,
        subtitle=n.subtitle,
        body=text.body,
        data={**n.data, SEND_KEY: send_name},
        image_url=n.image_url,
        sound=n.sound,
        badge=n.badge,
        category=n.category,
        thread_id=n.thread_id,
        collapse_key=n.collapse_key,
        priority=n.priority if n.priority is not None else Priority.NORMAL,
        ttl_seconds=ttl // timedelta(seconds=1),
        content_available=n.content_available,
        mutable_content=n.mutable_content,
        interruption_level=n.interruption_level,
        overrides=n.overrides,
        # TTL 0 is "now or never": providers are told 0 (apns-expiration 0, TTL: 0), not
        # the queue's short first-attempt window (deliveries.ZERO_TTL_WINDOW).
        expires_at=None if ttl <= timedelta(0) else expires_at,
    )


class ContentCache:
    """Resolved contents shared between the deliveries of a send.

    Providers serialise a payload once per distinct `PushContent` object, so deliveries whose
    locales resolve to the same text get the very same object. Entries are keyed by send
    name, chosen text and expiry (in whole seconds), and the least recently used go first
    beyond `max_entries`. A hit also needs an equal notification, so a caller that passes a
    changed notification under the same send name gets fresh content, never a stale one.
    Not thread-safe: one per event loop.
    """

    def __init__(self, max_entries: int = 4096) -> None:
        self._max_entries = max_entries
        self._entries: OrderedDict[
            tuple[str, LocalizedText, int], tuple[Notification, PushContent]
        ] = OrderedDict()

    def get(
        self, n: Notification, *, send_name: str, locale: str, expires_at: datetime
    ) -> PushContent:
        """What `resolve_content` returns, the same object for the same resolution."""
        text = localized_text(n, locale)
        key = (send_name, text, _unix(expires_at))
        entry = self._entries.get(key)
        if entry is not None and (entry[0] is n or entry[0] == n):
            self._entries.move_to_end(key)
            return entry[1]
        content = _resolve(n, text, send_name, key[2])
        self._entries[key] = (n, content)
        self._entries.move_to_end(key)
        if len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
        return content

    def __len__(self) -> int:
        return len(self._entries)
