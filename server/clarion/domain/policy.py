"""The delivery policy: one decision per delivery, composed from the individual rules.

`decide` answers DELIVER, DEFER(until) or SUPPRESS(reason) for one device, applying the
rules in this order and stopping at the first that suppresses:

1. the app is disabled                      -> SUPPRESS `app_disabled`
2. the device is not ACTIVE                 -> SUPPRESS `device_inactive`
3. the category is off for the device or
   for its user                             -> SUPPRESS `category_disabled`
4. quiet hours are in force                 -> SUPPRESS `quiet_hours` (mode SUPPRESS), or
                                               DEFER to the window's end (mode DEFER)
5. the frequency cap is reached at the
   instant it would go out (now, or the
   deferred instant)                        -> SUPPRESS `frequency_cap`
6. otherwise                                -> DELIVER (or the DEFER of step 4)

Critical categories skip steps 4 and 5 but not 3: a user who turned a category off has
said so. The daily quota is not here: it refuses a whole send before any delivery exists
(`quota.check_quota`). docs/policy.md explains each rule with examples.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from clarion.domain.categories import Category
from clarion.domain.device_rules import QuietHours
from clarion.domain.devices import DeviceStatus
from clarion.domain.frequency import FrequencyCaps, decide_frequency
from clarion.domain.quiet_hours import (
    PolicyDecision,
    QuietHoursMode,
    SuppressionReason,
    Verdict,
    decide_quiet_hours,
    effective_quiet_hours,
    recipient_zone,
)

__all__ = [
    "PolicyDecision",
    "SuppressionReason",
    "Verdict",
    "category_enabled",
    "decide",
]

_NO_CAPS = FrequencyCaps()


def category_enabled(
    key: str,
    device_preferences: Mapping[str, bool] | None = None,
    user_preferences: Mapping[str, bool] | None = None,
) -> bool:
    """Whether a category is on: a category missing from a preference map is on, and off at
    either level (the device's or its user's) is off."""
    return all(
        prefs is None or prefs.get(key, True) for prefs in (device_preferences, user_preferences)
    )


def decide(
    *,
    now: datetime,
    app_disabled: bool = False,
    device_status: DeviceStatus = DeviceStatus.ACTIVE,
    category: Category | None = None,
    device_preferences: Mapping[str, bool] | None = None,
    user_preferences: Mapping[str, bool] | None = None,
    user_quiet_hours: QuietHours | None = None,
    app_quiet_hours: QuietHours | None = None,
    quiet_hours_mode: QuietHoursMode = QuietHoursMode.DEFER,
    time_zone: str = "",
    caps: FrequencyCaps = _NO_CAPS,
    sent_times: Iterable[datetime] = (),
) -> PolicyDecision:
    """Decide what becomes of one delivery at `now` (timezone-aware).

    - `category`: the send's category, resolved by the caller (`None`: uncategorised, which
      obeys quiet hours and caps and has no preference to consult).
    - `device_preferences` / `user_preferences`: category key -> enabled.
    - `user_quiet_hours`: the device's own window; `app_quiet_hours`: the app's window for
      this category, which wins when set (`quiet_hours.effective_quiet_hours`).
    - `time_zone`: the device's IANA zone; empty means UTC (`quiet_hours.recipient_zone`).
    - `sent_times`: instants of the user's non-suppressed deliveries (scheduled ones at
      their scheduled instant), as `frequency.decide_frequency` counts them. A delivery
      this returns DELIVER or DEFER for counts from then on, at `now` or at `until`.
    """
    if app_disabled:
        return PolicyDecision.suppress(SuppressionReason.APP_DISABLED)
    if device_status is not DeviceStatus.ACTIVE:
        return PolicyDecision.suppress(SuppressionReason.DEVICE_INACTIVE)
    if category is not None and not category_enabled(
        category.key, device_preferences, user_preferences
    ):
        return PolicyDecision.suppress(SuppressionReason.CATEGORY_DISABLED)

    hours = effective_quiet_hours(user_quiet_hours, app_quiet_hours, category)
    quiet = decide_quiet_hours(hours, now, recipient_zone(time_zone), quiet_hours_mode)
    if quiet.verdict is Verdict.SUPPRESS:
        return quiet

    goes_out = quiet.until if quiet.until is not None else now
    critical = category is not None and category.critical
    capped = decide_frequency(caps, sent_times, goes_out, critical)
    if capped.verdict is Verdict.SUPPRESS:
        return capped
    return quiet
