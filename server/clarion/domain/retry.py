"""When to try a delivery again: exponential backoff with full jitter, Retry-After honoured,
bounded by the delivery's expiry and a maximum number of attempts."""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

BASE_DELAY: Final = 1.0  # seconds before the second attempt, before jitter
MAX_DELAY: Final = 300.0  # a single wait is never longer than this (unless Retry-After says)
MAX_ATTEMPTS: Final = 8


class Verdict(enum.StrEnum):
    """What becomes of a delivery after a transient failure."""

    RETRY = "retry"  # due again at `at`
    EXPIRED = "expired"  # its TTL ends before the next attempt could run
    FAILED = "failed"  # out of attempts


@dataclass(frozen=True, slots=True)
class RetryDecision:
    """The verdict, and for RETRY the time the next attempt is due."""

    verdict: Verdict
    at: datetime | None = None


def backoff_delay(
    attempt: int,
    retry_after: float | None = None,
    *,
    base: float = BASE_DELAY,
    cap: float = MAX_DELAY,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait after failed attempt number `attempt` (1 for the first).

    Full jitter (uniform in [0, min(cap, base * 2**(attempt-1))]) spreads retries of many
    deliveries that failed together; a provider's Retry-After is a floor, never shortened.
    """
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    ceiling = min(cap, base * 2 ** (attempt - 1))
    delay = (rng or random).uniform(0, ceiling)
    if retry_after is not None and retry_after > delay:
        return retry_after
    return delay


def decide_retry(
    now: datetime,
    attempt: int,
    expires_at: datetime,
    retry_after: float | None = None,
    *,
    max_attempts: int = MAX_ATTEMPTS,
    rng: random.Random | None = None,
) -> RetryDecision:
    """The fate of a delivery whose attempt `attempt` failed transiently at `now`."""
    if attempt >= max_attempts:
        return RetryDecision(Verdict.FAILED)
    at = now + timedelta(seconds=backoff_delay(attempt, retry_after, rng=rng))
    if at >= expires_at:
        return RetryDecision(Verdict.EXPIRED)
    return RetryDecision(Verdict.RETRY, at)
