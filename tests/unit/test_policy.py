"""The composed delivery decision: each rule, and the order in which the rules apply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from clarion.domain.categories import Category
from clarion.domain.device_rules import QuietHours
from clarion.domain.devices import DeviceStatus
from clarion.domain.frequency import FrequencyCaps
from clarion.domain.policy import (
    PolicyDecision,
    SuppressionReason,
    Verdict,
    category_enabled,
    decide,
)
from clarion.domain.quiet_hours import QuietHoursMode

# 03:00 UTC on 2 July 2026 is 23:00 in New York (EDT, UTC-4).
NOW = datetime(2026, 7, 2, 3, 0, tzinfo=UTC)
DAYTIME = datetime(2026, 7, 2, 16, 0, tzinfo=UTC)  # 12:00 in New York
NY = "America/New_York"
NIGHT = QuietHours(22 * 60, 7 * 60)  # ends 07:00 EDT = 11:00 UTC
NIGHT_END = datetime(2026, 7, 2, 11, 0, tzinfo=UTC)
LATE = QuietHours(23 * 60 + 30, 6 * 60)  # 23:30-06:00: not yet in force at 23:00

NEWS = Category("news")
ALARM = Category("alarm", critical=True)
CHAT = Category("chat", respects_quiet_hours=False)

DELIVER = PolicyDecision.deliver()
DEFER = PolicyDecision.defer(NIGHT_END)
APP_DISABLED = PolicyDecision.suppress(SuppressionReason.APP_DISABLED)
INACTIVE = PolicyDecision.suppress(SuppressionReason.DEVICE_INACTIVE)
CATEGORY_OFF = PolicyDecision.suppress(SuppressionReason.CATEGORY_DISABLED)
QUIET = PolicyDecision.suppress(SuppressionReason.QUIET_HOURS)
CAPPED = PolicyDecision.suppress(SuppressionReason.FREQUENCY_CAP)

CAP_ONE = FrequencyCaps(per_hour=1)
JUST_SENT = [NOW - timedelta(minutes=5)]  # fills CAP_ONE now; has rolled away by NIGHT_END
AT_MORNING = [NIGHT_END - timedelta(minutes=5)]  # a delivery already scheduled near 07:00

EVERYTHING_WRONG: dict[str, Any] = {
    "app_disabled": True,
    "device_status": DeviceStatus.REVOKED,
    "category": NEWS,
    "device_preferences": {"news": False},
    "user_quiet_hours": NIGHT,
    "quiet_hours_mode": QuietHoursMode.SUPPRESS,
    "caps": CAP_ONE,
    "sent_times": JUST_SENT,
}


def without(*names: str, **changes: Any) -> dict[str, Any]:
    inputs = {k: v for k, v in EVERYTHING_WRONG.items() if k not in names}
    inputs.update(changes)
    return inputs


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ({}, DELIVER),
        (EVERYTHING_WRONG, APP_DISABLED),
        (without("app_disabled"), INACTIVE),
        (without("app_disabled", "device_status"), CATEGORY_OFF),
        (without("app_disabled", "device_status", "device_preferences"), QUIET),
        (
            without("app_disabled", "device_status", "device_preferences", "quiet_hours_mode"),
            DEFER,
        ),
        (
            without("app_disabled", "device_status", "device_preferences", "user_quiet_hours"),
            CAPPED,
        ),
        (
            without(
                "app_disabled", "device_status", "device_preferences", "user_quiet_hours", "caps"
            ),
            DELIVER,
        ),
    ],
    ids=[
        "nothing-applies-deliver",
        "1-app-disabled-first",
        "2-device-inactive-next",
        "3-category-disabled-next",
        "4-quiet-hours-suppress-before-cap",
        "4-quiet-hours-defer-cap-rolled-by-then",
        "5-frequency-cap-last",
        "6-deliver",
    ],
)
def test_rules_apply_in_order(inputs: dict[str, Any], expected: PolicyDecision) -> None:
    assert decide(now=NOW, time_zone=NY, **inputs) == expected


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        # app and device
        ({"app_disabled": True}, APP_DISABLED),
        ({"device_status": DeviceStatus.ACTIVE}, DELIVER),
        ({"device_status": DeviceStatus.STALE}, INACTIVE),
        ({"device_status": DeviceStatus.REVOKED}, INACTIVE),
        ({"device_status": DeviceStatus.INVALID}, INACTIVE),
        # category preferences: absent means on; off at either level is off
        ({"category": NEWS}, DELIVER),
        ({"category": NEWS, "device_preferences": {"news": True}}, DELIVER),
        ({"category": NEWS, "device_preferences": {"sport": False}}, DELIVER),
        ({"category": NEWS, "device_preferences": {"news": False}}, CATEGORY_OFF),
        ({"category": NEWS, "user_preferences": {"news": False}}, CATEGORY_OFF),
        (
            {
                "category": NEWS,
                "device_preferences": {"news": True},
                "user_preferences": {"news": False},
            },
            CATEGORY_OFF,
        ),
        (
            {
                "category": NEWS,
                "device_preferences": {"news": False},
                "user_preferences": {"news": True},
            },
            CATEGORY_OFF,
        ),
        ({"category": None, "device_preferences": {"news": False}}, DELIVER),
        ({"category": ALARM, "device_preferences": {"alarm": False}}, CATEGORY_OFF),
        # critical: bypasses quiet hours and caps, not the app or the device
        (
            {
                "category": ALARM,
                "user_quiet_hours": NIGHT,
                "app_quiet_hours": NIGHT,
                "quiet_hours_mode": QuietHoursMode.SUPPRESS,
                "caps": CAP_ONE,
                "sent_times": JUST_SENT,
            },
            DELIVER,
        ),
        ({"category": ALARM, "app_disabled": True}, APP_DISABLED),
        ({"category": ALARM, "device_status": DeviceStatus.INVALID}, INACTIVE),
        # a category that ignores quiet hours still obeys the caps
        ({"category": CHAT, "user_quiet_hours": NIGHT}, DELIVER),
        (
            {"category": CHAT, "user_quiet_hours": NIGHT, "caps": CAP_ONE, "sent_times": JUST_SENT},
            CAPPED,
        ),
        # quiet hours: the app's window wins over the user's
        ({"user_quiet_hours": NIGHT}, DEFER),
        ({"app_quiet_hours": NIGHT}, DEFER),
        ({"user_quiet_hours": NIGHT, "app_quiet_hours": LATE}, DELIVER),
        ({"user_quiet_hours": LATE, "app_quiet_hours": NIGHT}, DEFER),
        ({"category": NEWS, "user_quiet_hours": LATE, "app_quiet_hours": NIGHT}, DEFER),
        ({"user_quiet_hours": NIGHT, "quiet_hours_mode": QuietHoursMode.SUPPRESS}, QUIET),
        # frequency: counted at the instant the delivery goes out
        ({"caps": CAP_ONE, "sent_times": JUST_SENT}, CAPPED),
        ({"caps": CAP_ONE, "sent_times": [NOW - timedelta(hours=1)]}, DELIVER),
        ({"user_quiet_hours": NIGHT, "caps": CAP_ONE, "sent_times": JUST_SENT}, DEFER),
        ({"user_quiet_hours": NIGHT, "caps": CAP_ONE, "sent_times": AT_MORNING}, CAPPED),
        ({"caps": CAP_ONE, "sent_times": AT_MORNING}, DELIVER),
        ({"user_quiet_hours": NIGHT, "caps": CAP_ONE, "sent_times": [NIGHT_END]}, CAPPED),
        (
            {
                "user_quiet_hours": NIGHT,
                "quiet_hours_mode": QuietHoursMode.SUPPRESS,
                "caps": CAP_ONE,
                "sent_times": JUST_SENT,
            },
            QUIET,
        ),
    ],
    ids=[
        "app-disabled",
        "device-active",
        "device-stale",
        "device-revoked",
        "device-invalid",
        "category-no-preferences",
        "category-enabled-explicitly",
        "category-other-disabled",
        "category-disabled-on-device",
        "category-disabled-for-user",
        "category-device-on-user-off",
        "category-device-off-user-on",
        "uncategorised-ignores-preferences",
        "critical-category-can-be-turned-off",
        "critical-bypasses-quiet-hours-and-caps",
        "critical-still-needs-the-app",
        "critical-still-needs-the-device",
        "ignores-quiet-hours",
        "ignores-quiet-hours-still-capped",
        "user-window-defers",
        "app-window-defers",
        "app-window-wins-not-yet-quiet",
        "app-window-wins-quiet",
        "app-window-wins-for-a-category",
        "quiet-hours-suppress-mode",
        "capped-now",
        "cap-window-rolled",
        "deferred-cap-counted-at-window-end-rolled",
        "deferred-cap-counted-at-window-end-full",
        "delivered-now-ignores-later-scheduled",
        "second-deferral-to-the-same-morning-capped",
        "quiet-suppress-reported-before-cap",
    ],
)
def test_decide(inputs: dict[str, Any], expected: PolicyDecision) -> None:
    assert decide(now=NOW, time_zone=NY, **inputs) == expected


@pytest.mark.parametrize(
    ("time_zone", "now", "expected"),
    [
        ("", DAYTIME, DELIVER),  # 16:00 UTC
        (
            "",
            datetime(2026, 7, 2, 23, 0, tzinfo=UTC),
            PolicyDecision.defer(datetime(2026, 7, 3, 7, 0, tzinfo=UTC)),
        ),
        (NY, datetime(2026, 7, 2, 23, 0, tzinfo=UTC), DELIVER),  # 19:00 EDT
        (NY, NOW, DEFER),  # 23:00 EDT
        ("Asia/Tokyo", DAYTIME, PolicyDecision.defer(datetime(2026, 7, 2, 22, 0, tzinfo=UTC))),
    ],
    ids=["no-zone-daytime-utc", "no-zone-night-utc", "ny-evening", "ny-night", "tokyo-night"],
)
def test_quiet_hours_are_read_in_the_device_zone(
    time_zone: str, now: datetime, expected: PolicyDecision
) -> None:
    assert decide(now=now, time_zone=time_zone, user_quiet_hours=NIGHT) == expected


def test_deferral_across_spring_forward_in_berlin() -> None:
    # 23:30 CET on 28 March; the night ends at 07:00 CEST, 05:00 UTC on 29 March.
    decision = decide(
        now=datetime(2026, 3, 28, 22, 30, tzinfo=UTC),
        time_zone="Europe/Berlin",
        user_quiet_hours=NIGHT,
    )
    assert decision == PolicyDecision.defer(datetime(2026, 3, 29, 5, 0, tzinfo=UTC))


def test_deferral_across_autumn_fall_back_in_sydney() -> None:
    # 23:00 AEDT on 4 April; the night ends at 07:00 AEST, 21:00 UTC on 4 April.
    decision = decide(
        now=datetime(2026, 4, 4, 12, 0, tzinfo=UTC),
        time_zone="Australia/Sydney",
        user_quiet_hours=NIGHT,
    )
    assert decision == PolicyDecision.defer(datetime(2026, 4, 4, 21, 0, tzinfo=UTC))


def test_only_a_deferred_decision_carries_until_and_only_a_suppression_a_reason() -> None:
    deferred = decide(now=NOW, time_zone=NY, user_quiet_hours=NIGHT)
    assert (deferred.verdict, deferred.until, deferred.reason) == (Verdict.DEFER, NIGHT_END, None)
    suppressed = decide(now=NOW, app_disabled=True)
    assert (suppressed.verdict, suppressed.until) == (Verdict.SUPPRESS, None)
    assert suppressed.reason == "app_disabled"


@pytest.mark.parametrize(
    ("device", "user", "enabled"),
    [
        (None, None, True),
        ({}, {}, True),
        ({"news": True}, None, True),
        ({"news": False}, None, False),
        (None, {"news": False}, False),
        ({"news": True}, {"news": False}, False),
        ({"sport": False}, {"sport": False}, True),
    ],
    ids=[
        "no-preferences",
        "empty-preferences",
        "device-on",
        "device-off",
        "user-off",
        "either-off-is-off",
        "other-categories-off",
    ],
)
def test_category_enabled(
    device: dict[str, bool] | None, user: dict[str, bool] | None, enabled: bool
) -> None:
    assert category_enabled("news", device, user) is enabled
