"""What a valid device registration looks like: tokens, Web Push subscriptions, ids, topics,
time zones, locales and quiet hours.

Pure rules, no I/O. Every function either returns the normalised value or raises
`InvalidArgument` whose field paths are the ones the caller passes in (`field=`), so the API
layer can report them against the request it actually received.
"""

from __future__ import annotations

import base64
import binascii
import enum
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

from clarion.domain.errors import FieldViolation, InvalidArgument

__all__ = [
    "MAX_TOPICS_PER_DEVICE",
    "Provider",
    "QuietHours",
    "WebPushSubscription",
    "decode_base64url",
    "encode_base64url",
    "validate_install_id",
    "validate_locale",
    "validate_time_zone",
    "validate_token",
    "validate_topic",
    "validate_topics",
    "validate_user_id",
    "validate_webpush_subscription",
]


class Provider(enum.StrEnum):
    """The push services Clarion delivers through."""

    APNS = "apns"
    FCM = "fcm"
    WEBPUSH = "webpush"
    EXPO = "expo"
    HMS = "hms"
    MIPUSH = "mipush"


INVALID_TOKEN_FORMAT: Final = "INVALID_TOKEN_FORMAT"
INVALID_SUBSCRIPTION: Final = "INVALID_SUBSCRIPTION"
INVALID_TIME_ZONE: Final = "INVALID_TIME_ZONE"
INVALID_LOCALE: Final = "INVALID_LOCALE"
INVALID_TOPIC: Final = "INVALID_TOPIC"
TOO_MANY_TOPICS: Final = "TOO_MANY_TOPICS"
INVALID_ID: Final = "INVALID_ID"
INVALID_QUIET_HOURS: Final = "INVALID_QUIET_HOURS"

MAX_TOPICS_PER_DEVICE: Final = 2000
MAX_ID_LENGTH: Final = 256
MAX_ENDPOINT_LENGTH: Final = 2048
MINUTES_PER_DAY: Final = 24 * 60

# --- base64url (shared with credential_rules) -------------------------------------------

_BASE64_RE: Final = re.compile(r"[A-Za-z0-9_\-+/]*={0,2}", re.ASCII)


def decode_base64url(text: str) -> bytes:
    """Decode base64url with or without padding; `ValueError` if it is not base64.

    The standard alphabet (`+/`) is accepted too: browsers hand out base64url, but apps often
    re-encode keys with whichever codec is at hand, and the bytes are the same either way.
    """
    if not _BASE64_RE.fullmatch(text) or len(text.rstrip("=")) % 4 == 1:
        raise ValueError("not base64url")
    body = text.rstrip("=").replace("+", "-").replace("/", "_")
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except binascii.Error:
        raise ValueError("not base64url") from None


def encode_base64url(data: bytes) -> str:
    """Unpadded base64url, the form Web Push and JWTs use."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# --- tokens ------------------------------------------------------------------------------

_APNS_RE: Final = re.compile(r"(?:[0-9a-fA-F]{2}){32,100}", re.ASCII)
_FCM_RE: Final = re.compile(r"[A-Za-z0-9_\-:.]{32,4096}", re.ASCII)
_EXPO_RE: Final = re.compile(
    r"(?:ExponentPushToken|ExpoPushToken)\[[A-Za-z0-9_\-]{1,256}\]", re.ASCII
)
_HMS_RE: Final = re.compile(r"[A-Za-z0-9_\-.:+/=]{32,512}", re.ASCII)
_MIPUSH_RE: Final = re.compile(r"[A-Za-z0-9_\-+/=:.]{20,256}", re.ASCII)

_TOKEN_RULES: Final[dict[Provider, tuple[re.Pattern[str], str]]] = {
    Provider.APNS: (_APNS_RE, "an APNs token is 64-200 hex digits (an even number)"),
    Provider.FCM: (_FCM_RE, "an FCM registration token is 32-4096 of [A-Za-z0-9_-:.]"),
    Provider.EXPO: (
        _EXPO_RE,
        "an Expo token looks like ExponentPushToken[...] or ExpoPushToken[...] "
        "with 1-256 of [A-Za-z0-9_-] inside",
    ),
    Provider.HMS: (_HMS_RE, "an HMS push token is 32-512 of [A-Za-z0-9_-.:+/=]"),
    Provider.MIPUSH: (_MIPUSH_RE, "a MiPush regId is 20-256 of [A-Za-z0-9_-+/=:.]"),
}


def validate_token(provider: Provider, token: str, *, field: str = "device.token") -> str:
    """Check a device token's shape for its provider and return it normalised.

    APNs tokens are lowercased so that the same device registered twice is one row. Web Push
    devices carry a subscription instead, so their token must be empty.
    """
    if provider == Provider.WEBPUSH:
        if token:
            raise InvalidArgument.field(
                field,
                "Web Push devices are identified by their subscription; leave the token empty",
                reason=INVALID_TOKEN_FORMAT,
            )
        return ""
    if not token:
        raise InvalidArgument.field(field, "a token is required", reason=INVALID_TOKEN_FORMAT)
    pattern, description = _TOKEN_RULES[provider]
    if not pattern.fullmatch(token):
        raise InvalidArgument.field(field, description, reason=INVALID_TOKEN_FORMAT)
    return token.lower() if provider == Provider.APNS else token


# --- Web Push subscriptions -----------------------------------------------------------------

P256DH_SIZE: Final = 65
AUTH_SECRET_SIZE: Final = 16


@dataclass(frozen=True, slots=True)
class WebPushSubscription:
    """A browser's push subscription: where to POST, and the keys to encrypt for (RFC 8291)."""

    endpoint: str
    p256dh: bytes
    auth: bytes

    def __repr__(self) -> str:
        # The endpoint is a capability URL: anyone holding it can push to the browser.
        return f"WebPushSubscription(endpoint=<{urlsplit(self.endpoint).hostname}>)"


def _endpoint_problem(endpoint: str) -> str | None:
    if not endpoint:
        return "the endpoint is required"
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        return f"the endpoint is longer than {MAX_ENDPOINT_LENGTH} characters"
    if not endpoint.isprintable() or any(ch.isspace() for ch in endpoint):
        return "the endpoint contains whitespace or control characters"
    try:
        parts = urlsplit(endpoint)
        parts.port  # noqa: B018 -- evaluated for its ValueError on a malformed port
    except ValueError:
        return "the endpoint is not a valid URL"
    if parts.scheme != "https":
        return "the endpoint must be an https URL"
    if not parts.hostname:
        return "the endpoint must name a host"
    if parts.username is not None or parts.password is not None:
        return "the endpoint must not carry credentials"
    return None


def _p256dh_problem(p256dh: str) -> tuple[bytes, str | None]:
    if not p256dh:
        return b"", "p256dh is required"
    try:
        raw = decode_base64url(p256dh)
    except ValueError:
        return b"", "p256dh must be base64url"
    if len(raw) != P256DH_SIZE or raw[0] != 0x04:
        return b"", "p256dh must be a 65-byte uncompressed P-256 point"
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        return b"", "p256dh is not a point on the P-256 curve"
    return raw, None


def _auth_problem(auth: str) -> tuple[bytes, str | None]:
    if not auth:
        return b"", "auth is required"
    try:
        raw = decode_base64url(auth)
    except ValueError:
        return b"", "auth must be base64url"
    if len(raw) != AUTH_SECRET_SIZE:
        return b"", f"auth must decode to exactly {AUTH_SECRET_SIZE} bytes"
    return raw, None


def validate_webpush_subscription(
    endpoint: str, p256dh: str, auth: str, *, field: str = "device.web_push"
) -> WebPushSubscription:
    """Check a Web Push subscription, reporting every bad part at once.

    `p256dh` and `auth` arrive as the browser's base64url strings and are returned decoded.
    """
    violations: list[FieldViolation] = []
    endpoint_problem = _endpoint_problem(endpoint)
    if endpoint_problem:
        violations.append(FieldViolation(f"{field}.endpoint", endpoint_problem))
    p256dh_raw, p256dh_problem = _p256dh_problem(p256dh)
    if p256dh_problem:
        violations.append(FieldViolation(f"{field}.p256dh", p256dh_problem))
    auth_raw, auth_problem = _auth_problem(auth)
    if auth_problem:
        violations.append(FieldViolation(f"{field}.auth", auth_problem))
    if violations:
        raise InvalidArgument(
            f"{field}: invalid Web Push subscription", violations, reason=INVALID_SUBSCRIPTION
        )
    return WebPushSubscription(endpoint=endpoint, p256dh=p256dh_raw, auth=auth_raw)


# --- time zone and locale -------------------------------------------------------------------

_TZ_RE: Final = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*", re.ASCII)
# Files that live in the zoneinfo directory but are not zones a device can be in: `localtime`
# would be the *server's* zone, and the posix/right trees duplicate (or leap-second-skew) the
# real names.
_TZ_NOT_ZONES: Final = frozenset({"localtime", "posixrules", "Factory"})
_TZ_NOT_ZONE_TREES: Final = ("posix/", "right/")


def validate_time_zone(tz: str, field: str) -> str:
    """Check an IANA time zone name (`Europe/Berlin`) and return it."""
    if (
        not tz
        or len(tz) > 64
        or not _TZ_RE.fullmatch(tz)
        or ".." in tz
        or tz in _TZ_NOT_ZONES
        or tz.startswith(_TZ_NOT_ZONE_TREES)
    ):
        raise InvalidArgument.field(
            field, "must be an IANA time zone name such as Europe/Berlin", reason=INVALID_TIME_ZONE
        )
    try:
        # Constructing is the cheap check; available_timezones() walks the whole tz tree.
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidArgument.field(
            field, "is not a known IANA time zone", reason=INVALID_TIME_ZONE
        ) from None
    return tz


_LOCALE_RE: Final = re.compile(
    r"(?P<lang>[A-Za-z]{2,3})(?:-(?P<script>[A-Za-z]{4}))?(?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?",
    re.ASCII,
)


def validate_locale(tag: str, field: str) -> str:
    """Check a language tag (`en`, `en-US`, `zh-Hant-TW`, `es-419`) and return it normalised.

    Case is normalised the BCP 47 way (`en-US`, `zh-Hant`), and an underscore separator (as
    Android and POSIX write it, `en_US`) is read as a hyphen.
    """
    match = _LOCALE_RE.fullmatch(tag.replace("_", "-"))
    if not match:
        raise InvalidArgument.field(
            field,
            "must be a language tag such as en, en-US, zh-Hant-TW or es-419",
            reason=INVALID_LOCALE,
        )
    parts = [match["lang"].lower()]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    return "-".join(parts)


# --- topics ---------------------------------------------------------------------------------

_TOPIC_RE: Final = re.compile(r"[a-zA-Z0-9\-_.~%]{1,900}", re.ASCII)
_TOPIC_RULE: Final = "a topic is 1-900 of [a-zA-Z0-9-_.~%]"


def validate_topic(topic: str, field: str) -> str:
    """Check one topic name against FCM's rules (the strictest of the providers)."""
    if not _TOPIC_RE.fullmatch(topic):
        raise InvalidArgument.field(field, _TOPIC_RULE, reason=INVALID_TOPIC)
    return topic


def validate_topics(topics: Iterable[str], *, field: str = "device.topics") -> tuple[str, ...]:
    """Check a device's topic list: every bad entry is reported (`field[i]`), duplicates are
    dropped (first occurrence kept), and at most `MAX_TOPICS_PER_DEVICE` may remain."""
    unique: dict[str, None] = {}
    violations: list[FieldViolation] = []
    for index, topic in enumerate(topics):
        if _TOPIC_RE.fullmatch(topic):
            unique.setdefault(topic)
        else:
            violations.append(FieldViolation(f"{field}[{index}]", _TOPIC_RULE))
    if violations:
        raise InvalidArgument(f"{field}: invalid topic names", violations, reason=INVALID_TOPIC)
    if len(unique) > MAX_TOPICS_PER_DEVICE:
        raise InvalidArgument.field(
            field,
            f"a device may subscribe to at most {MAX_TOPICS_PER_DEVICE} topics",
            reason=TOO_MANY_TOPICS,
        )
    return tuple(unique)


# --- ids ------------------------------------------------------------------------------------


def _validate_id(value: str, field: str, what: str) -> str:
    if not value or len(value) > MAX_ID_LENGTH:
        raise InvalidArgument.field(
            field, f"{what} must be 1-{MAX_ID_LENGTH} characters", reason=INVALID_ID
        )
    # isprintable() rejects control and format characters and every whitespace but ' '.
    if not value.isprintable() or value.isspace():
        raise InvalidArgument.field(
            field,
            f"{what} must be printable and not only whitespace",
            reason=INVALID_ID,
        )
    return value


def validate_install_id(value: str, field: str = "device.install_id") -> str:
    """Check an app-chosen installation id and return it.

    Install ids are also resource-name segments (`apps/{app}/installs/{install_id}`), the
    only way a devices:register key can address its device, so besides the id rules they
    may hold no whitespace and no `/`.
    """
    _validate_id(value, field, "an install id")
    if "/" in value or any(c.isspace() for c in value):
        raise InvalidArgument.field(
            field, "an install id may not contain whitespace or '/'", reason=INVALID_ID
        )
    return value


def validate_user_id(value: str, field: str = "device.user_id") -> str:
    """Check a caller's user id (1-256 printable characters) and return it."""
    return _validate_id(value, field, "a user id")


# --- quiet hours ----------------------------------------------------------------------------


def _minute_problem(value: object) -> str | None:
    # bool is an int subclass; True as "minute 1" is always a caller bug.
    if not isinstance(value, int) or isinstance(value, bool):
        return "must be a whole minute of the day"
    if not 0 <= value < MINUTES_PER_DAY:
        return f"must be between 0 and {MINUTES_PER_DAY - 1} (minutes after midnight)"
    return None


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily window, in the device's local time, in which notifications are held back.

    Minutes count from local midnight (0-1439). The window is `[start_minute, end_minute)`;
    when `end_minute < start_minute` it wraps midnight (22:00-07:00 is `1320, 420`).
    An instance is always valid: construction checks it (use `validated` to choose the
    field path errors are reported under).
    """

    start_minute: int
    end_minute: int

    def __post_init__(self) -> None:
        self._check(self.start_minute, self.end_minute, "quiet_hours")

    @classmethod
    def validated(
        cls, start_minute: int, end_minute: int, *, field: str = "device.quiet_hours"
    ) -> QuietHours:
        """Build quiet hours, reporting violations under `field.start_minute` / `.end_minute`."""
        cls._check(start_minute, end_minute, field)
        return cls(start_minute, end_minute)

    @property
    def wraps_midnight(self) -> bool:
        """True when the window starts one day and ends the next."""
        return self.end_minute < self.start_minute

    @staticmethod
    def _check(start_minute: object, end_minute: object, field: str) -> None:
        violations: list[FieldViolation] = []
        for name, value in (("start_minute", start_minute), ("end_minute", end_minute)):
            problem = _minute_problem(value)
            if problem:
                violations.append(FieldViolation(f"{field}.{name}", problem))
        if not violations and start_minute == end_minute:
            violations.append(
                FieldViolation(f"{field}.end_minute", "must differ from start_minute")
            )
        if violations:
            raise InvalidArgument(
                f"{field}: invalid quiet hours", violations, reason=INVALID_QUIET_HOURS
            )
