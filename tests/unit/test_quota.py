"""The daily quota: the limit boundary, the UTC day the counter belongs to, retry-after."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from clarion.domain.errors import InvalidArgument, ResourceExhausted
from clarion.domain.quota import (
    DEFAULT_DAILY_QUOTA,
    DailyQuota,
    check_quota,
    quota_day,
    seconds_until_reset,
)

NOON = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "day"),
    [
        (datetime(2026, 5, 4, 0, 0, tzinfo=UTC), date(2026, 5, 4)),
        (datetime(2026, 5, 4, 23, 59, 59, 999999, tzinfo=UTC), date(2026, 5, 4)),
        (datetime(2026, 5, 5, 0, 0, tzinfo=UTC), date(2026, 5, 5)),
        # 20:00 in New York on the 4th is already the 5th in UTC.
        (datetime(2026, 5, 4, 20, 0, tzinfo=ZoneInfo("America/New_York")), date(2026, 5, 5)),
        # 08:00 in Tokyo on the 5th is still the 4th in UTC.
        (datetime(2026, 5, 5, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo")), date(2026, 5, 4)),
        (datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC), date(2026, 12, 31)),
        (datetime(2028, 2, 29, 12, 0, tzinfo=UTC), date(2028, 2, 29)),
    ],
    ids=[
        "midnight-starts-the-day",
        "last-microsecond",
        "next-midnight",
        "new-york-evening-is-next-utc-day",
        "tokyo-morning-is-previous-utc-day",
        "new-years-eve",
        "leap-day",
    ],
)
def test_quota_day_is_the_utc_date(now: datetime, day: date) -> None:
    assert quota_day(now) == day


@pytest.mark.parametrize(
    ("now", "seconds"),
    [
        (datetime(2026, 5, 4, 23, 59, 59, tzinfo=UTC), 1.0),
        (datetime(2026, 5, 4, 23, 59, 59, 500000, tzinfo=UTC), 0.5),
        (datetime(2026, 5, 5, 0, 0, tzinfo=UTC), 86400.0),
        (datetime(2026, 5, 5, 0, 0, 1, tzinfo=UTC), 86399.0),
        (NOON, 43200.0),
        (datetime(2026, 5, 4, 21, 0, tzinfo=timezone(timedelta(hours=-2))), 3600.0),
        # 01:00 EST on the spring-forward day is 06:00 UTC: the reset is midnight UTC, 18 h
        # away, not local midnight (22 h away that day).
        (datetime(2026, 3, 8, 1, 0, tzinfo=ZoneInfo("America/New_York")), 64800.0),
    ],
    ids=[
        "one-second-before-midnight",
        "half-a-second-before-midnight",
        "at-midnight-a-whole-day",
        "just-after-midnight",
        "noon",
        "offset-zone",
        "new-york-dst-day",
    ],
)
def test_seconds_until_reset(now: datetime, seconds: float) -> None:
    assert seconds_until_reset(now) == seconds


@pytest.mark.parametrize(
    ("used", "requested", "limit"),
    [
        (0, 0, 10),
        (0, 10, 10),
        (9, 1, 10),
        (10, 0, 10),
        (9_999, 1, DEFAULT_DAILY_QUOTA),
        (0, DEFAULT_DAILY_QUOTA, DEFAULT_DAILY_QUOTA),
    ],
    ids=[
        "nothing",
        "whole-quota-in-one-send",
        "reaching-the-limit-exactly",
        "at-limit-requesting-nothing",
        "default-last-one",
        "default-whole-quota",
    ],
)
def test_within_the_quota_passes(used: int, requested: int, limit: int) -> None:
    check_quota(used, requested, NOON, limit)


@pytest.mark.parametrize(
    ("used", "requested", "limit"),
    [
        (10, 1, 10),
        (9, 2, 10),
        (0, 11, 10),
        (DEFAULT_DAILY_QUOTA, 1, DEFAULT_DAILY_QUOTA),
        (5_000, 5_001, DEFAULT_DAILY_QUOTA),
    ],
    ids=[
        "at-limit-one-more",
        "fan-out-crossing-the-limit",
        "send-larger-than-the-limit",
        "default-exhausted",
        "default-crossed",
    ],
)
def test_over_the_quota_is_resource_exhausted_until_midnight_utc(
    used: int, requested: int, limit: int
) -> None:
    now = datetime(2026, 5, 4, 23, 59, 59, tzinfo=UTC)
    with pytest.raises(ResourceExhausted) as info:
        check_quota(used, requested, now, limit)
    assert info.value.reason == "DAILY_QUOTA_EXCEEDED"
    assert info.value.retry_after == 1.0


def test_the_default_limit_is_ten_thousand() -> None:
    assert DEFAULT_DAILY_QUOTA == 10_000
    assert DailyQuota().limit == 10_000
    check_quota(9_999, 1, NOON)
    with pytest.raises(ResourceExhausted):
        check_quota(10_000, 1, NOON)


@pytest.mark.parametrize(
    ("now", "retry_after"),
    [
        (datetime(2026, 5, 4, 23, 59, 59, tzinfo=UTC), 1.0),
        (datetime(2026, 5, 5, 0, 0, 0, tzinfo=UTC), 86400.0),
    ],
    ids=["235959-one-second", "000000-new-day-full-day"],
)
def test_retry_after_runs_to_the_next_reset(now: datetime, retry_after: float) -> None:
    with pytest.raises(ResourceExhausted) as info:
        DailyQuota(5).check(5, 1, now)
    assert info.value.retry_after == retry_after


@pytest.mark.parametrize(
    ("used", "requested"), [(-1, 1), (0, -1)], ids=["negative-used", "negative-requested"]
)
def test_negative_counts_are_a_caller_bug(used: int, requested: int) -> None:
    with pytest.raises(ValueError, match="negative"):
        check_quota(used, requested, NOON)


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        seconds_until_reset(datetime(2026, 5, 4, 12, 0))


@pytest.mark.parametrize(
    ("setting", "limit"),
    [(0, DEFAULT_DAILY_QUOTA), (1, 1), (250_000, 250_000)],
    ids=["zero-means-default", "one", "large"],
)
def test_quota_from_the_policy_setting(setting: int, limit: int) -> None:
    assert DailyQuota.from_setting(setting).limit == limit


@pytest.mark.parametrize(
    "build",
    [
        lambda: DailyQuota(0),
        lambda: DailyQuota(-5),
        lambda: DailyQuota.from_setting(-1),
        lambda: DailyQuota.from_setting(True),
    ],
    ids=["zero-limit", "negative-limit", "negative-setting", "bool-setting"],
)
def test_invalid_quota_is_invalid_argument(build: object) -> None:
    with pytest.raises(InvalidArgument) as info:
        build()  # type: ignore[operator]
    assert info.value.reason == "INVALID_QUOTA"
    assert [v.field for v in info.value.violations] == ["policy.daily_quota"]
