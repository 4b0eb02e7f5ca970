"""Backoff with jitter, Retry-After, TTL and attempt bounds (pure domain rules)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from clarion.domain.retry import Verdict, backoff_delay, decide_retry

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("attempt", "ceiling"), [(1, 1), (2, 2), (3, 4), (6, 32), (12, 300)])
def test_backoff_grows_exponentially_and_is_capped(attempt: int, ceiling: float) -> None:
    rng = random.Random(7)
    delays = [backoff_delay(attempt, rng=rng) for _ in range(500)]
    assert min(delays) >= 0 and max(delays) <= ceiling
    assert max(delays) > ceiling * 0.9  # full jitter reaches near the ceiling


def test_jitter_spreads_deliveries_that_failed_together() -> None:
    rng = random.Random(1)
    assert len({round(backoff_delay(4, rng=rng), 3) for _ in range(100)}) > 90


@pytest.mark.parametrize("retry_after", [30.0, 120.0, 900.0])
def test_retry_after_is_a_floor(retry_after: float) -> None:
    rng = random.Random(3)
    assert all(backoff_delay(2, retry_after, rng=rng) >= retry_after for _ in range(100))


def test_attempts_count_from_one() -> None:
    with pytest.raises(ValueError):
        backoff_delay(0)


def test_a_retry_within_the_ttl_is_scheduled() -> None:
    decision = decide_retry(NOW, 1, NOW + timedelta(hours=1), rng=random.Random(2))
    assert decision.verdict is Verdict.RETRY
    assert decision.at is not None and NOW <= decision.at <= NOW + timedelta(seconds=1)


def test_a_retry_after_beyond_the_ttl_expires_the_delivery() -> None:
    decision = decide_retry(NOW, 1, NOW + timedelta(seconds=60), retry_after=61)
    assert decision.verdict is Verdict.EXPIRED


@pytest.mark.parametrize(("attempt", "verdict"), [(7, Verdict.RETRY), (8, Verdict.FAILED)])
def test_attempts_are_bounded(attempt: int, verdict: Verdict) -> None:
    decision = decide_retry(NOW, attempt, NOW + timedelta(days=1), max_attempts=8)
    assert decision.verdict is verdict
