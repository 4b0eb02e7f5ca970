"""The daily quota: how many notifications (deliveries) an app may send per UTC day.

The counter belongs to a UTC date and resets at midnight UTC: 23:59:59 counts toward the day
that is ending, 00:00:00 starts the next one. A send whose deliveries would take the day's
count over the limit is refused whole (`RESOURCE_EXHAUSTED`, nothing written), with a
retry-after that runs to the reset. Pure: the caller passes `now_utc` and the count so far.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from clarion.domain.errors import FieldViolation, InvalidArgument, ResourceExhausted

__all__ = [
    "DAILY_QUOTA_EXCEEDED",
    "DEFAULT_DAILY_QUOTA",
    "INVALID_QUOTA",
    "DailyQuota",
    "check_quota",
    "quota_day",
    "seconds_until_reset",
]

DEFAULT_DAILY_QUOTA: Final = 10_000
DAILY_QUOTA_EXCEEDED: Final = "DAILY_QUOTA_EXCEEDED"
INVALID_QUOTA: Final = "INVALID_QUOTA"


def _require_aware(now_utc: datetime) -> None:
    if now_utc.tzinfo is None or now_utc.utcoffset() is None:
        raise ValueError("now_utc must be timezone-aware")


def quota_day(now_utc: datetime) -> date:
    """The UTC date whose counter `now_utc` belongs to."""
    _require_aware(now_utc)
    return now_utc.astimezone(UTC).date()


def seconds_until_reset(now_utc: datetime) -> float:
    """Seconds from `now_utc` to the next midnight UTC, in (0, 86400].

    At 23:59:59 that is 1; at 00:00:00 exactly the counter has just reset, so it is a whole
    day. Fractions are kept: rounding (up, for a Retry-After header) is the API's business.
    """
    reset = datetime.combine(quota_day(now_utc) + timedelta(days=1), time(), tzinfo=UTC)
    # Both in UTC: subtracting aware datetimes of one tzinfo is wall-clock arithmetic.
    return (reset - now_utc.astimezone(UTC)).total_seconds()


def check_quota(
    used_today: int,
    requested: int,
    now_utc: datetime,
    limit: int = DEFAULT_DAILY_QUOTA,
) -> None:
    """Raise `ResourceExhausted` (reason `DAILY_QUOTA_EXCEEDED`) when `used_today + requested`
    exceeds `limit`; reaching the limit exactly is allowed.

    `used_today` is the count for `quota_day(now_utc)`; `requested` is the number of
    deliveries the send would write. `retry_after` is `seconds_until_reset(now_utc)`. A send
    larger than the whole limit is refused the same way: it could never fit in one day.
    """
    if used_today < 0 or requested < 0:
        raise ValueError("counts are never negative")
    if used_today + requested > limit:
        raise ResourceExhausted(
            f"daily quota of {limit} notifications exhausted "
            f"({used_today} sent today, {requested} requested); it resets at midnight UTC",
            retry_after=seconds_until_reset(now_utc),
            reason=DAILY_QUOTA_EXCEEDED,
        )


@dataclass(frozen=True, slots=True)
class DailyQuota:
    """An app's daily limit on notifications (deliveries); at least 1."""

    limit: int = DEFAULT_DAILY_QUOTA

    def __post_init__(self) -> None:
        self._check(self.limit, "policy.daily_quota")

    @classmethod
    def from_setting(cls, daily_quota: int, *, field: str = "policy.daily_quota") -> DailyQuota:
        """The quota for an `AppPolicy.daily_quota` value, where 0 means the default."""
        cls._check(daily_quota, field, zero_is_default=True)
        return cls(daily_quota or DEFAULT_DAILY_QUOTA)

    def check(self, used_today: int, requested: int, now_utc: datetime) -> None:
        """`check_quota` against this limit."""
        check_quota(used_today, requested, now_utc, self.limit)

    @staticmethod
    def _check(value: object, field: str, *, zero_is_default: bool = False) -> None:
        lowest = 0 if zero_is_default else 1
        if not isinstance(value, int) or isinstance(value, bool) or value < lowest:
            raise InvalidArgument(
                f"{field}: invalid daily quota",
                [FieldViolation(field, f"must be a whole number of at least {lowest}")],
                reason=INVALID_QUOTA,
            )
