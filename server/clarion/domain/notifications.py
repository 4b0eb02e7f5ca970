"""Notifications: the limits checked before anything is stored, locale resolution, and the
JSON form they are stored in.

Limits come from design.md: title at most 256 characters, body at most 4096, `data` at most
4 KB serialised; the final provider payload is checked again by each provider against its
own limit (APNs 4 KB, FCM 4 KB, Web Push 4096-byte records). Every violation of a request is
reported at once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Final
from urllib.parse import urlsplit

from clarion.domain.device_rules import validate_locale
from clarion.domain.errors import FieldViolation, InvalidArgument
from clarion.domain.push import InterruptionLevel, Priority

MAX_TITLE: Final = 256
MAX_SUBTITLE: Final = 256
MAX_BODY: Final = 4096
MAX_DATA_BYTES: Final = 4096
MAX_COLLAPSE_KEY_BYTES: Final = 64  # apns-collapse-id's limit, the strictest provider's
MAX_THREAD_ID: Final = 256
MAX_TTL: Final = timedelta(days=28)  # FCM's maximum; APNs keeps at most 30 days
MAX_LOCALIZATIONS: Final = 100
# FCM rejects these data keys; `clarion.` is ours (delivery ids for engagement reporting).
RESERVED_DATA_KEYS: Final = ("from", "gcm", "message_type", "collapse_key")
RESERVED_DATA_PREFIXES: Final = ("google.", "gcm.", "clarion.")
REASON: Final = "INVALID_NOTIFICATION"


@dataclass(frozen=True, slots=True)
class LocalizedText:
    """Title and body in one language."""

    title: str = ""
    body: str = ""


@dataclass(frozen=True, slots=True)
class Notification:
    """A notification as a caller sent it (provider-neutral; see notification.proto)."""

    title: str = ""
    subtitle: str = ""
    body: str = ""
    data: Mapping[str, str] = field(default_factory=dict)
    image_url: str = ""
    sound: str = ""
    badge: int | None = None
    category: str = ""
    thread_id: str = ""
    collapse_key: str = ""
    priority: Priority | None = None
    ttl: timedelta | None = None
    content_available: bool = False
    mutable_content: bool = False
    interruption_level: InterruptionLevel | None = None
    localizations: Mapping[str, LocalizedText] = field(default_factory=dict)
    overrides: Mapping[str, Any] = field(default_factory=dict)


def _length(violations: list[FieldViolation], path: str, value: str, limit: int) -> None:
    if len(value) > limit:
        violations.append(FieldViolation(path, f"at most {limit} characters ({len(value)} given)"))


def validate_notification(n: Notification, *, prefix: str = "notification") -> Notification:
    """Check every limit; returns the notification with locale tags normalised."""
    v: list[FieldViolation] = []
    _length(v, f"{prefix}.title", n.title, MAX_TITLE)
    _length(v, f"{prefix}.subtitle", n.subtitle, MAX_SUBTITLE)
    _length(v, f"{prefix}.body", n.body, MAX_BODY)
    _length(v, f"{prefix}.thread_id", n.thread_id, MAX_THREAD_ID)
    if len(n.collapse_key.encode()) > MAX_COLLAPSE_KEY_BYTES:
        v.append(
            FieldViolation(f"{prefix}.collapse_key", f"at most {MAX_COLLAPSE_KEY_BYTES} bytes")
        )
    for key in n.data:
        if key in RESERVED_DATA_KEYS or key.startswith(RESERVED_DATA_PREFIXES):
            v.append(FieldViolation(f"{prefix}.data[{key!r}]", "this key is reserved"))
    data_size = len(json.dumps(dict(n.data), separators=(",", ":"), ensure_ascii=False).encode())
    if data_size > MAX_DATA_BYTES:
        v.append(
            FieldViolation(
                f"{prefix}.data", f"at most {MAX_DATA_BYTES} bytes serialised ({data_size})"
            )
        )
    if n.image_url:
        parts = urlsplit(n.image_url)
        if parts.scheme != "https" or not parts.hostname:
            v.append(FieldViolation(f"{prefix}.image_url", "must be an https URL"))
    if n.badge is not None and n.badge < 0:
        v.append(FieldViolation(f"{prefix}.badge", "must not be negative"))
    if n.ttl is not None and not timedelta(0) <= n.ttl <= MAX_TTL:
        v.append(FieldViolation(f"{prefix}.ttl", "must be between 0 and 28 days"))
    if not (n.title or n.body or n.data or n.content_available or n.localizations):
        v.append(
            FieldViolation(
                prefix, "give a title, a body, localizations, data, or content_available"
            )
        )
    if len(n.localizations) > MAX_LOCALIZATIONS:
        v.append(FieldViolation(f"{prefix}.localizations", f"at most {MAX_LOCALIZATIONS}"))
    localizations: dict[str, LocalizedText] = {}
    for tag, text in n.localizations.items():
        path = f"{prefix}.localizations[{tag!r}]"
        try:
            normalised = validate_locale(tag, path)
        except InvalidArgument as exc:
            v.extend(exc.violations)
            continue
        _length(v, f"{path}.title", text.title, MAX_TITLE)
        _length(v, f"{path}.body", text.body, MAX_BODY)
        localizations[normalised] = text
    if v:
        raise InvalidArgument("invalid notification", v, reason=REASON)
    return Notification(**{**_fields(n), "localizations": localizations})


def _fields(n: Notification) -> dict[str, Any]:
    return {name: getattr(n, name) for name in Notification.__slots__}


def localized_text(n: Notification, locale: str) -> LocalizedText:
    """The best title and body for a device locale: the exact tag, then the language
    (`pt-BR` falls back to `pt`, then to any `pt-*`), then the notification's own text."""
    if locale:
        if locale in n.localizations:
            return n.localizations[locale]
        language = locale.split("-", 1)[0].lower()
        if language in n.localizations:
            return n.localizations[language]
        for tag in sorted(n.localizations):
            if tag.split("-", 1)[0].lower() == language:
                return n.localizations[tag]
    return LocalizedText(n.title, n.body)


_UNSET: Final = Notification()


def notification_to_json(n: Notification) -> dict[str, Any]:
    """A JSON-safe dict for storage: defaults left out, `ttl` in seconds, enums as their
    values. `notification_from_json` restores an equal notification."""
    out = {name: value for name, value in _fields(n).items() if value != getattr(_UNSET, name)}
    if n.data:
        out["data"] = dict(n.data)
    if n.priority is not None:
        out["priority"] = n.priority.value
    if n.ttl is not None:
        # A float is exact to the microsecond far beyond MAX_TTL (up to 2**53 microseconds).
        seconds = n.ttl.total_seconds()
        out["ttl"] = int(seconds) if seconds.is_integer() else seconds
    if n.interruption_level is not None:
        out["interruption_level"] = n.interruption_level.value
    if n.localizations:
        out["localizations"] = {
            tag: {"title": text.title, "body": text.body} for tag, text in n.localizations.items()
        }
    if n.overrides:
        out["overrides"] = dict(n.overrides)
    return out


def notification_from_json(d: Mapping[str, Any]) -> Notification:
    """The notification `notification_to_json` stored; an unknown key raises TypeError."""
    fields = dict(d)
    if "priority" in fields:
        fields["priority"] = Priority(fields["priority"])
    if "ttl" in fields:
        fields["ttl"] = timedelta(seconds=fields["ttl"])
    if "interruption_level" in fields:
        fields["interruption_level"] = InterruptionLevel(fields["interruption_level"])
    if "localizations" in fields:
        fields["localizations"] = {
            tag: LocalizedText(**text) for tag, text in fields["localizations"].items()
        }
    return Notification(**fields)
