"""Frequency caps: at most N notifications per user per rolling hour and per rolling day.

The windows roll: at instant `at` the hour window is `(at - 3600 s, at]` and the day window
`(at - 86400 s, at]`. A send exactly 3600 s old has left the hour window; one sent at `at`
itself is in it. "At or over the cap" suppresses: with a cap of N and N sends already in a
window, the next delivery is suppressed, so at most N are ever counted in any window.

What is counted is the caller's to gather: the instants of the user's NON-SUPPRESSED
deliveries (sent, in flight, and scheduled ones at their scheduled instant; critical ones
too, since they are not suppressed). Critical deliveries are exempt from the caps
themselves. Pure: the caller passes `at`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from clarion.domain.errors import FieldViolation, InvalidArgument
from clarion.domain.quiet_hours import PolicyDecision, SuppressionReason

__all__ = [
    "DAY",
    "HOUR",
    "INVALID_FREQUENCY_CAP",
    "FrequencyCaps",
    "count_in_window",
    "decide_frequency",
]

INVALID_FREQUENCY_CAP: Final = "INVALID_FREQUENCY_CAP"
HOUR: Final = timedelta(seconds=3600)
DAY: Final = timedelta(seconds=86400)


def _cap_problem(value: object) -> str | None:
    # bool is an int subclass; True as "a cap of 1" is always a caller bug.
    if not isinstance(value, int) or isinstance(value, bool):
        return "must be a whole number"
    if value < 0:
        return "must not be negative (0 means no cap)"
    return None


@dataclass(frozen=True, slots=True)
class FrequencyCaps:
    """Notifications allowed per user per rolling hour and per rolling day; 0 means no cap.

    An instance is always valid (use `validated` to choose the field paths errors name).
    """

    per_hour: int = 0
    per_day: int = 0

    def __post_init__(self) -> None:
        self._check(self.per_hour, self.per_day, "policy")

    @classmethod
    def validated(cls, per_hour: int, per_day: int, *, field: str = "policy") -> FrequencyCaps:
        """Build caps, reporting violations under `field.frequency_cap_hour` / `_day`."""
        cls._check(per_hour, per_day, field)
        return cls(per_hour, per_day)

    @staticmethod
    def _check(per_hour: object, per_day: object, field: str) -> None:
        violations = [
            FieldViolation(f"{field}.{name}", problem)
            for name, value in (("frequency_cap_hour", per_hour), ("frequency_cap_day", per_day))
            if (problem := _cap_problem(value))
        ]
        if violations:
            raise InvalidArgument(
                f"{field}: invalid frequency caps", violations, reason=INVALID_FREQUENCY_CAP
            )


def count_in_window(sent_times: Iterable[datetime], at: datetime, window: timedelta) -> int:
    """How many of `sent_times` fall in the rolling window `(at - window, at]`."""
    start = at - window
    return sum(1 for sent in sent_times if start < sent <= at)


def decide_frequency(
    caps: FrequencyCaps,
    sent_times: Iterable[datetime],
    at: datetime,
    critical: bool = False,
) -> PolicyDecision:
    """Deliver, or suppress with `frequency_cap` when either window already holds its cap.

    `at` is the instant the delivery would go out: now, or the end of quiet hours for a
    deferred one (so a night's deferred deliveries cannot all burst out when the window
    ends). Critical deliveries are never capped.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("at must be timezone-aware")
    if critical or not (caps.per_hour or caps.per_day):
        return PolicyDecision.deliver()
    times = tuple(sent_times)
    for cap, window in ((caps.per_hour, HOUR), (caps.per_day, DAY)):
        if cap and count_in_window(times, at, window) >= cap:
            return PolicyDecision.suppress(SuppressionReason.FREQUENCY_CAP)
    return PolicyDecision.deliver()
