"""Quiet hours: which window applies to a delivery, whether it is in force, and when it ends.

Windows are wall-clock times in the recipient's IANA time zone (`QuietHours` from
device_rules: `[start_minute, end_minute)`, wrapping midnight when end < start). Turning a
wall-clock time into an instant has two awkward days a year, and the rule here is one rule:

    a wall-clock time T on a date happens at the FIRST instant the local clock reads T or later.

So a time that happens twice (the repeated hour when clocks fall back) is its first
occurrence, and a time that does not happen (the hour skipped when clocks spring forward)
is the instant the clock jumps over it: the first valid instant after it. One day's window
is the instants from its start to its end so resolved; a window is never "reopened" by a
repeated hour, and a window that lies entirely in a skipped hour is empty that day.
docs/policy.md has worked examples.

This module also holds the three-way outcome every delivery rule speaks (`PolicyDecision`):
quiet hours are the lowest rule that can deliver, defer and suppress, and `policy` composes
the rest on top of it.

Pure: no clock reads (the caller passes `now_utc`), no I/O beyond the tz database lookup.
"""

from __future__ import annotations

import enum
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from clarion.domain.categories import Category
from clarion.domain.device_rules import QuietHours

__all__ = [
    "PolicyDecision",
    "QuietHoursMode",
    "SuppressionReason",
    "Verdict",
    "current_window",
    "decide_quiet_hours",
    "effective_quiet_hours",
    "in_window",
    "local_instant",
    "recipient_zone",
    "window_end",
]

# --- the outcome of a delivery rule --------------------------------------------------------


class Verdict(enum.StrEnum):
    """What becomes of one delivery."""

    DELIVER = "deliver"  # QUEUED now
    DEFER = "defer"  # SCHEDULED for `until`
    SUPPRESS = "suppress"  # SUPPRESSED with `reason`


class SuppressionReason(enum.StrEnum):
    """Why a delivery was suppressed (design.md, "Statuses"); the values are the wire names."""

    APP_DISABLED = "app_disabled"
    DEVICE_INACTIVE = "device_inactive"
    CATEGORY_DISABLED = "category_disabled"
    QUIET_HOURS = "quiet_hours"
    FREQUENCY_CAP = "frequency_cap"


@dataclass(frozen=True, slots=True)
class PolicyDecision:
    """Deliver now, defer until `until` (UTC), or suppress for `reason`.

    Build one with `deliver()`, `defer(until)` or `suppress(reason)`; the fields that do not
    belong to the verdict are always `None`.
    """

    verdict: Verdict
    until: datetime | None = None
    reason: SuppressionReason | None = None

    def __post_init__(self) -> None:
        if (self.until is not None) != (self.verdict is Verdict.DEFER):
            raise ValueError("`until` is set exactly when the verdict is DEFER")
        if (self.reason is not None) != (self.verdict is Verdict.SUPPRESS):
            raise ValueError("`reason` is set exactly when the verdict is SUPPRESS")
        if self.until is not None:
            _require_aware(self.until, "until")

    @classmethod
    def deliver(cls) -> PolicyDecision:
        """Send now."""
        return cls(Verdict.DELIVER)

    @classmethod
    def defer(cls, until: datetime) -> PolicyDecision:
        """Hold the delivery (SCHEDULED) until `until`, then send."""
        return cls(Verdict.DEFER, until=until)

    @classmethod
    def suppress(cls, reason: SuppressionReason) -> PolicyDecision:
        """Do not send; the delivery ends SUPPRESSED with `reason`."""
        return cls(Verdict.SUPPRESS, reason=reason)


# --- windows --------------------------------------------------------------------------------


class QuietHoursMode(enum.StrEnum):
    """What an app's quiet hours do to a delivery (`QuietHoursMode` in policy.proto)."""

    DEFER = "defer"  # SCHEDULED for the end of the window, then sent (the default)
    SUPPRESS = "suppress"  # SUPPRESSED with reason `quiet_hours`


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def recipient_zone(time_zone: str) -> tzinfo:
    """The zone quiet hours are read in for a device whose `time_zone` is this name.

    A device that never told us its zone is treated as being in UTC: the only zone that is
    right for somebody and predictable for everybody (its quiet hours then mean UTC clock
    times). A name the tz database no longer knows (zones are validated when devices
    register, so only a tzdata downgrade does this) is treated the same way rather than
    failing the delivery.
    """
    if not time_zone:
        return UTC
    try:
        return zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return UTC


def in_window(hours: QuietHours, local_time: time) -> bool:
    """Whether a wall-clock time is inside the window (start inclusive, end exclusive).

    Minutes are what count: 06:59:59 is inside a window that ends at 07:00. This is the
    plain clock-face rule; `current_window` applies it to instants, where it differs only on
    the days clocks change (a repeated hour after the window ended is not quiet again).
    """
    minute = local_time.hour * 60 + local_time.minute
    if hours.wraps_midnight:
        return minute >= hours.start_minute or minute < hours.end_minute
    return hours.start_minute <= minute < hours.end_minute


def _wall(moment: datetime, tz: tzinfo) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None)


def local_instant(day: date, minute: int, tz: tzinfo) -> datetime:
    """The UTC instant a wall-clock time (minutes after midnight on `day`) first happens in `tz`.

    The first instant the local clock reads that time or later: for a time that happens
    twice, its first occurrence; for a time skipped by a spring-forward gap, the instant of
    the jump (the first valid instant after it).
    """
    wall = datetime.combine(day, time(minute // 60, minute % 60))
    # PEP 495: fold=0 reads the wall time with the offset before a transition, fold=1 with
    # the one after. Around a fold both are real instants (the earlier is the first
    # occurrence); in a gap neither reads back as `wall`, and the jump lies between them.
    early, late = sorted(wall.replace(tzinfo=tz, fold=fold).astimezone(UTC) for fold in (0, 1))
    if _wall(early, tz) == wall:
        return early
    # The clock reads before `wall` at `early` and after it at `late`; the jump is the first
    # second at which it reads `wall` or later (tz transitions fall on whole seconds).
    low, high = int(early.timestamp()), int(late.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if _wall(datetime.fromtimestamp(middle, UTC), tz) >= wall:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def current_window(
    hours: QuietHours, now_utc: datetime, tz: tzinfo
) -> tuple[datetime, datetime] | None:
    """The window in force at `now_utc` as UTC instants `(start, end)`, or `None`.

    Each local day's window runs from `local_instant(start)` to `local_instant(end)` (the
    end on the next day when the window wraps midnight); `now_utc` is quiet when it lies in
    `[start, end)` of one of them.
    """
    _require_aware(now_utc, "now_utc")
    today = now_utc.astimezone(tz).date()
    # Yesterday's window may wrap into today; tomorrow's may already have begun if a
    # fall-back transition crosses midnight and takes the local date back a day.
    for days in (-1, 0, 1):
        start_day = today + timedelta(days=days)
        end_day = start_day + timedelta(days=1) if hours.wraps_midnight else start_day
        start = local_instant(start_day, hours.start_minute, tz)
        end = local_instant(end_day, hours.end_minute, tz)
        if start <= now_utc < end:
            return start, end
    return None


def window_end(hours: QuietHours, now_utc: datetime, tz: tzinfo) -> datetime:
    """The UTC instant the window in force at `now_utc` ends; `ValueError` if none is.

    The end is DST-correct (`local_instant`): a window ending at 02:30 on a spring-forward
    day ends at the jump (03:00 new time); one ending at 01:30 on a fall-back day ends at
    the first 01:30.
    """
    window = current_window(hours, now_utc, tz)
    if window is None:
        raise ValueError("not within quiet hours")
    return window[1]


def effective_quiet_hours(
    user_hours: QuietHours | None,
    app_hours: QuietHours | None,
    category: Category | None,
) -> QuietHours | None:
    """The window that applies to a delivery in `category` (`None` for an uncategorised send).

    Critical categories bypass quiet hours, and so do categories that do not respect them;
    otherwise the app's window, when it has one, wins over the user's own (it replaces it; the
    two are not combined), and the user's applies when the app has none.
    """
    if category is not None and (category.critical or not category.respects_quiet_hours):
        return None
    return app_hours if app_hours is not None else user_hours


def decide_quiet_hours(
    hours: QuietHours | None,
    now_utc: datetime,
    tz: tzinfo,
    mode: QuietHoursMode = QuietHoursMode.DEFER,
) -> PolicyDecision:
    """Deliver now when no window is in force; else defer to its end or suppress (`mode`).

    `hours` is the effective window (`effective_quiet_hours`), `tz` the recipient's zone
    (`recipient_zone`).
    """
    _require_aware(now_utc, "now_utc")
    window = current_window(hours, now_utc, tz) if hours is not None else None
    if window is None:
        return PolicyDecision.deliver()
    if mode is QuietHoursMode.SUPPRESS:
        return PolicyDecision.suppress(SuppressionReason.QUIET_HOURS)
    return PolicyDecision.defer(window[1])
