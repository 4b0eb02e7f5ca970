"""Frequency caps: rolling hour and day windows, the at-the-cap boundary, critical exemption."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clarion.domain.errors import InvalidArgument
from clarion.domain.frequency import (
    DAY,
    HOUR,
    FrequencyCaps,
    count_in_window,
    decide_frequency,
)
from clarion.domain.quiet_hours import PolicyDecision, SuppressionReason

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
DELIVER = PolicyDecision.deliver()
CAPPED = PolicyDecision.suppress(SuppressionReason.FREQUENCY_CAP)


def ago(*seconds: float) -> list[datetime]:
    return [NOW - timedelta(seconds=s) for s in seconds]


@pytest.mark.parametrize(
    ("sent", "window", "count"),
    [
        (ago(0), HOUR, 1),
        (ago(1), HOUR, 1),
        (ago(3599), HOUR, 1),
        (ago(3599.999999), HOUR, 1),
        (ago(3600), HOUR, 0),
        (ago(3601), HOUR, 0),
        (ago(-1), HOUR, 0),
        (ago(86399), DAY, 1),
        (ago(86400), DAY, 0),
        (ago(0, 10, 3600, 7200, 86399, 86400), HOUR, 2),
        (ago(0, 10, 3600, 7200, 86399, 86400), DAY, 5),
        ([], DAY, 0),
    ],
    ids=[
        "now-is-inside",
        "one-second-old",
        "3599s-old-inside",
        "just-under-an-hour-inside",
        "exactly-3600s-old-is-outside",
        "3601s-old-outside",
        "future-is-outside",
        "86399s-old-inside-day",
        "exactly-86400s-old-is-outside-day",
        "mixed-hour",
        "mixed-day",
        "nothing-sent",
    ],
)
def test_rolling_window_is_open_at_its_start_and_closed_at_now(
    sent: list[datetime], window: timedelta, count: int
) -> None:
    assert count_in_window(sent, NOW, window) == count


@pytest.mark.parametrize(
    ("caps", "sent", "critical", "expected"),
    [
        (FrequencyCaps(), ago(*range(1000)), False, DELIVER),
        (FrequencyCaps(per_hour=3), ago(10, 20), False, DELIVER),
        (FrequencyCaps(per_hour=3), ago(10, 20, 30), False, CAPPED),
        (FrequencyCaps(per_hour=3), ago(10, 20, 30, 40), False, CAPPED),
        (FrequencyCaps(per_hour=3), ago(10, 20, 3600), False, DELIVER),
        (FrequencyCaps(per_hour=3), ago(10, 20, 3599), False, CAPPED),
        (FrequencyCaps(per_hour=1), ago(0), False, CAPPED),
        (FrequencyCaps(per_hour=1), [], False, DELIVER),
        (FrequencyCaps(per_day=2), ago(7200), False, DELIVER),
        (FrequencyCaps(per_day=2), ago(7200, 80000), False, CAPPED),
        (FrequencyCaps(per_day=2), ago(7200, 86400), False, DELIVER),
        (FrequencyCaps(per_hour=5, per_day=2), ago(10, 20), False, CAPPED),
        (FrequencyCaps(per_hour=2, per_day=10), ago(10, 20), False, CAPPED),
        (FrequencyCaps(per_hour=2, per_day=10), ago(10, 4000, 5000, 6000), False, DELIVER),
        (FrequencyCaps(per_hour=1, per_day=1), ago(10, 20, 30), True, DELIVER),
        (FrequencyCaps(per_hour=3), ago(10, 20, -5, -10), False, DELIVER),
    ],
    ids=[
        "no-caps",
        "hour-below-cap",
        "hour-at-cap-suppressed",
        "hour-over-cap-suppressed",
        "hour-oldest-exactly-3600s-has-left",
        "hour-oldest-3599s-still-counts",
        "cap-one-sent-this-instant",
        "cap-one-nothing-sent",
        "day-below-cap",
        "day-at-cap-suppressed",
        "day-oldest-exactly-86400s-has-left",
        "day-cap-lower-than-hour-cap",
        "hour-cap-reached-first",
        "hour-window-rolled-day-below",
        "critical-exempt",
        "scheduled-later-not-counted-now",
    ],
)
def test_decide_frequency(
    caps: FrequencyCaps, sent: list[datetime], critical: bool, expected: PolicyDecision
) -> None:
    assert decide_frequency(caps, sent, NOW, critical) == expected


@pytest.mark.parametrize("cap", [1, 2, 10, 50])
def test_with_cap_n_the_nth_is_allowed_and_the_next_suppressed(cap: int) -> None:
    sent: list[datetime] = []
    for index in range(cap):
        assert decide_frequency(FrequencyCaps(per_hour=cap), sent, NOW) == DELIVER, index
        sent.append(NOW)
    assert decide_frequency(FrequencyCaps(per_hour=cap), sent, NOW) == CAPPED


def test_the_window_rolls_a_capped_user_is_served_again_once_the_oldest_leaves() -> None:
    caps = FrequencyCaps(per_hour=2)
    sent = ago(1800, 600)
    assert decide_frequency(caps, sent, NOW) == CAPPED
    assert decide_frequency(caps, sent, NOW + timedelta(seconds=1799)) == CAPPED
    assert decide_frequency(caps, sent, NOW + timedelta(seconds=1800)) == DELIVER


def test_sent_times_may_be_any_iterable_and_any_zone() -> None:
    berlin = NOW.astimezone(ZoneInfo("Europe/Berlin"))
    assert decide_frequency(FrequencyCaps(per_hour=1), iter([berlin]), NOW) == CAPPED


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        decide_frequency(FrequencyCaps(per_hour=1), [], NOW.replace(tzinfo=None))


@pytest.mark.parametrize(
    ("per_hour", "per_day", "fields"),
    [
        (-1, 0, ["policy.frequency_cap_hour"]),
        (0, -1, ["policy.frequency_cap_day"]),
        (-1, -1, ["policy.frequency_cap_hour", "policy.frequency_cap_day"]),
        (True, 0, ["policy.frequency_cap_hour"]),
        (1.5, 0, ["policy.frequency_cap_hour"]),
    ],
    ids=["negative-hour", "negative-day", "both-reported", "bool", "float"],
)
def test_invalid_caps_name_their_fields(
    per_hour: object, per_day: object, fields: list[str]
) -> None:
    with pytest.raises(InvalidArgument) as info:
        FrequencyCaps.validated(per_hour, per_day)  # type: ignore[arg-type]
    assert info.value.reason == "INVALID_FREQUENCY_CAP"
    assert [v.field for v in info.value.violations] == fields


def test_validated_caps_report_under_the_given_field() -> None:
    with pytest.raises(InvalidArgument) as info:
        FrequencyCaps.validated(-1, 0, field="app.policy")
    assert [v.field for v in info.value.violations] == ["app.policy.frequency_cap_hour"]
    assert FrequencyCaps.validated(0, 0) == FrequencyCaps()
