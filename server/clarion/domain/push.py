"""The provider contract: what a provider is asked to deliver, and what it answers.

The dispatcher resolves a send's notification for one device (locale, category defaults,
privacy) into a `PushContent`, hands providers `PushItem`s, and gets one `Outcome` per item:
providers report rejected tokens as data, they do not raise for them (sygnal's habit). Only
transport-level trouble that says nothing about the message becomes `Outcome.retry`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from clarion.domain.credential_rules import ApnsEnvironment


class Priority(enum.StrEnum):
    """Delivery urgency, mapped per provider (APNs 5/10, FCM NORMAL/HIGH, Web Push Urgency)."""

    NORMAL = "normal"
    HIGH = "high"


class InterruptionLevel(enum.StrEnum):
    """iOS interruption levels (`aps.interruption-level`)."""

    PASSIVE = "passive"
    ACTIVE = "active"
    TIME_SENSITIVE = "time-sensitive"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class PushContent:
    """A notification resolved for one device: provider-neutral, every default applied.

    `overrides` holds the raw per-provider additions (see `ProviderOverrides` in
    notification.proto): keys `apns_aps`, `apns_headers`, `fcm_android`, `fcm_webpush`,
    `fcm_apns`, `web_push`, `expo`, `hms_android`, `mipush_params`, each a JSON-like value.
    """

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
    priority: Priority = Priority.NORMAL
    ttl_seconds: int = 2_419_200  # 4 weeks, FCM's default and maximum
    content_available: bool = False
    mutable_content: bool = False
    interruption_level: InterruptionLevel | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)
    # Unix time (seconds) after which the message is worthless (apns-expiration, TTL).
    expires_at: int | None = None


@dataclass(frozen=True, slots=True)
class DeviceAddress:
    """Where one delivery goes: the decrypted token (or Web Push subscription) and routing."""

    token: str = ""
    # Web Push only: the subscription (endpoint, base64url p256dh, base64url auth).
    web_push: tuple[str, str, str] | None = None
    apns_environment: ApnsEnvironment | None = None


@dataclass(frozen=True, slots=True)
class PushItem:
    """One delivery handed to a provider."""

    delivery_id: str
    device: DeviceAddress
    content: PushContent


@dataclass(frozen=True, slots=True)
class ProviderCredential:
    """A decrypted credential as providers use it: metadata plus the secret bytes."""

    app_id: str
    metadata: Mapping[str, str]
    secret: bytes = field(repr=False)


class OutcomeKind(enum.StrEnum):
    """The action the gateway takes (providers.md's vocabulary)."""

    SENT = "sent"  # the provider accepted it
    RETRY = "retry"  # transient; try again later (after `retry_after` when given)
    INVALID_TOKEN = "invalid_token"  # the token is dead: mark the device INVALID
    CREDENTIAL = "credential"  # the credential is bad: record auth_error, fail the delivery
    DROP = "drop"  # this message can never succeed; the token stays valid


# Normalised failure reasons (design.md); the provider's own code travels beside them.
INVALID_TOKEN: Final = "invalid_token"
PAYLOAD_TOO_LARGE: Final = "payload_too_large"
RATE_LIMITED: Final = "rate_limited"
AUTH_ERROR: Final = "auth_error"
PROVIDER_UNAVAILABLE: Final = "provider_unavailable"
BAD_REQUEST: Final = "bad_request"
EXPIRED: Final = "expired"
TOPIC_MISMATCH: Final = "topic_mismatch"


@dataclass(frozen=True, slots=True)
class Outcome:
    """A provider's answer for one item."""

    kind: OutcomeKind
    reason: str = ""  # one of the normalised reasons above ("" when SENT)
    provider_code: str = ""  # e.g. "Unregistered", "UNREGISTERED", "410"
    provider_message_id: str = ""  # apns-id, FCM message name, Location, ...
    retry_after: float | None = None  # seconds, when the provider said (Retry-After)
    detail: str = ""  # the provider's own message, truncated; never a token or secret

    @classmethod
    def sent(cls, message_id: str = "", code: str = "") -> Outcome:
        """Accepted by the provider."""
        return cls(OutcomeKind.SENT, provider_code=code, provider_message_id=message_id)

    @classmethod
    def retry(
        cls, reason: str, code: str = "", after: float | None = None, detail: str = ""
    ) -> Outcome:
        """Transient failure."""
        return cls(OutcomeKind.RETRY, reason, code, retry_after=after, detail=detail[:500])

    @classmethod
    def invalid_token(
        cls, code: str = "", reason: str = INVALID_TOKEN, detail: str = ""
    ) -> Outcome:
        """The device's token is dead."""
        return cls(OutcomeKind.INVALID_TOKEN, reason, code, detail=detail[:500])

    @classmethod
    def credential(cls, code: str = "", detail: str = "") -> Outcome:
        """The credential (or the app's provider configuration) is at fault."""
        return cls(OutcomeKind.CREDENTIAL, AUTH_ERROR, code, detail=detail[:500])

    @classmethod
    def drop(cls, reason: str, code: str = "", detail: str = "") -> Outcome:
        """Never deliverable as it is."""
        return cls(OutcomeKind.DROP, reason, code, detail=detail[:500])
