"""An app's delivery policy as one validated value, and the per-user registration rate.

`AppPolicy` gathers what an administrator sets with `UpdateAppPolicy` (policy.proto): the
daily quota, the registration rate, the app's quiet hours and their mode, frequency caps,
privacy mode and retention. Zero and unset values mean the documented defaults; the
properties below resolve them, so no caller repeats a default.

`check_registration_rate` is the rule against token churn: at most N registrations per user
in any rolling hour (`(now - 3600 s, now]`, the same window as frequency caps). A refused
registration changes nothing and says when the oldest counted one leaves the window.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from clarion.domain.device_rules import QuietHours
from clarion.domain.errors import FieldViolation, InvalidArgument, ResourceExhausted
from clarion.domain.frequency import HOUR, FrequencyCaps
from clarion.domain.privacy import PrivacyMode
from clarion.domain.quiet_hours import QuietHoursMode
from clarion.domain.quota import DailyQuota

__all__ = [
    "DEFAULT_RECEIPT_RETENTION",
    "DEFAULT_REGISTRATIONS_PER_USER_HOUR",
    "DEFAULT_STALE_DEVICE_RETENTION",
    "INVALID_POLICY",
    "REGISTRATION_RATE_EXCEEDED",
    "AppPolicy",
    "check_registration_rate",
    "validate_generic_text",
    "validate_retention",
]

DEFAULT_REGISTRATIONS_PER_USER_HOUR: Final = 10
DEFAULT_STALE_DEVICE_RETENTION: Final = timedelta(days=90)
DEFAULT_RECEIPT_RETENTION: Final = timedelta(days=30)
MIN_RETENTION: Final = timedelta(days=1)
MAX_RETENTION: Final = timedelta(days=3650)
MAX_GENERIC_TITLE: Final = 256
MAX_GENERIC_BODY: Final = 4096

INVALID_POLICY: Final = "INVALID_POLICY"
REGISTRATION_RATE_EXCEEDED: Final = "REGISTRATION_RATE_EXCEEDED"


@dataclass(frozen=True, slots=True)
class AppPolicy:
    """One app's delivery rules; the default instance is what an app starts with."""

    daily_quota: int = 0  # 0: DEFAULT_DAILY_QUOTA
    registrations_per_user_hour: int = 0  # 0: DEFAULT_REGISTRATIONS_PER_USER_HOUR
    quiet_hours: QuietHours | None = None
    quiet_hours_mode: QuietHoursMode = QuietHoursMode.DEFER
    caps: FrequencyCaps = field(default_factory=FrequencyCaps)
    privacy_mode: PrivacyMode = PrivacyMode.OFF
    generic_title: str = ""
    generic_body: str = ""
    stale_device_retention: timedelta | None = None  # None: DEFAULT_STALE_DEVICE_RETENTION
    receipt_retention: timedelta | None = None  # None: DEFAULT_RECEIPT_RETENTION
    updated_at: datetime | None = None

    @property
    def quota(self) -> DailyQuota:
        """The daily quota in force."""
        return DailyQuota.from_setting(self.daily_quota)

    @property
    def registration_limit(self) -> int:
        """Registrations allowed per user per rolling hour."""
        return self.registrations_per_user_hour or DEFAULT_REGISTRATIONS_PER_USER_HOUR

    @property
    def device_retention(self) -> timedelta:
        """How long an unused device is kept."""
        return self.stale_device_retention or DEFAULT_STALE_DEVICE_RETENTION

    @property
    def receipts_kept(self) -> timedelta:
        """How long receipts are kept."""
        return self.receipt_retention or DEFAULT_RECEIPT_RETENTION


def validate_registration_limit(value: int, field: str) -> int:
    """A `registrations_per_user_hour` setting: 0 (the default) or more."""
    if value < 0:
        raise InvalidArgument.field(
            field, "must not be negative (0 means the default, 10)", reason=INVALID_POLICY
        )
    return value


def validate_retention(value: timedelta, field: str) -> timedelta:
    """A retention period: between 1 day and 10 years."""
    if not MIN_RETENTION <= value <= MAX_RETENTION:
        raise InvalidArgument.field(
            field, "must be between 1 day and 3650 days", reason=INVALID_POLICY
        )
    return value


def validate_generic_text(title: str, body: str, field: str) -> tuple[str, str]:
    """The generic title and body of privacy mode GENERIC_TEXT (notification limits apply)."""
    violations = [
        FieldViolation(f"{field}.{name}", f"at most {limit} printable characters")
        for name, value, limit in (
            ("generic_title", title, MAX_GENERIC_TITLE),
            ("generic_body", body, MAX_GENERIC_BODY),
        )
        if len(value) > limit or not value.replace("\n", "").isprintable()
    ]
    if violations:
        raise InvalidArgument(f"{field}: invalid generic text", violations, reason=INVALID_POLICY)
    return title, body


def check_registration_rate(recent: Iterable[datetime], now: datetime, limit: int) -> None:
    """Raise `ResourceExhausted` (reason `REGISTRATION_RATE_EXCEEDED`) when the user already
    has `limit` registrations in the rolling hour `(now - 1 h, now]`.

    `recent` are the user's earlier registrations (any order, older ones are ignored).
    `retry_after` is when the oldest counted one leaves the window, so a retry then fits.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    window = sorted(t for t in recent if now - HOUR < t <= now)
    if len(window) >= limit:
        # The (len - limit + 1)th oldest must leave for one more to fit.
        leaves = window[len(window) - limit] + HOUR
        raise ResourceExhausted(
            f"at most {limit} device registrations per user per hour",
            retry_after=max((leaves - now).total_seconds(), 0.001),
            reason=REGISTRATION_RATE_EXCEEDED,
        )
