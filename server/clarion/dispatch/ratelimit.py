"""Per-credential provider rate limits that spread delivery instead of dropping it.

Each credential (app + provider) with a configured limit has a token bucket refilled at
`rate` notifications per second and holding at most a tenth of a second's worth, so sends
go out in small, evenly spaced slices rather than a burst. A dispatcher worker hands its
group of deliveries to `RateLimiter.spread`, which reserves tokens slice by slice:

- a slice whose tokens are available within `max_wait` is sent when they are (the worker
  sleeps meanwhile, holding its lease);
- the rest is given back to the queue (`Backlog.defer`), due when the bucket will have
  room; it is not an attempt and writes no receipt, and only its TTL can expire it.

Buckets live in the process and are shared by all its workers; several dispatcher
processes each apply the whole limit (configure `limit / processes` there).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, TypeVar

from clarion import metrics
from clarion.store.backlog import Backlog, Deferral
from clarion.store.clock import utcnow

# A bucket holds this many seconds of its rate: the largest burst it allows.
BURST_SECONDS: Final = 0.1

T = TypeVar("T")
R = TypeVar("R")


class TokenBucket:
    """A token bucket that may be overdrawn: `reserve` answers how long the caller waits.

    Pure arithmetic on the times given, so it is tested without sleeping.
    """

    def __init__(self, rate: float, now: float, burst: float | None = None) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.capacity = burst if burst is not None else max(1.0, rate * BURST_SECONDS)
        self._tokens = self.capacity
        self._at = now

    def _refill(self, now: float) -> None:
        if now > self._at:
            self._tokens = min(self.capacity, self._tokens + (now - self._at) * self.rate)
            self._at = now

    def wait_for(self, count: int, now: float) -> float:
        """Seconds until `count` tokens would be paid for, without taking them."""
        self._refill(now)
        return max(0.0, (count - self._tokens) / self.rate)

    def reserve(self, count: int, now: float) -> float:
        """Take `count` tokens (possibly ahead of time); seconds to wait before using them."""
        wait = self.wait_for(count, now)
        self._tokens -= count
        return wait


@dataclass(frozen=True, slots=True)
class Plan:
    """How a group is spread: (delay, slice) pairs to send, and what to defer (with the
    delay after which the bucket will have room for it)."""

    send: list[tuple[float, list[int]]]
    defer: list[tuple[float, list[int]]]


class RateLimiter:
    """Token buckets per credential, with limits per provider (notifications per second).

    `limits` maps a provider name to its rate; a provider absent or at 0 is unlimited.
    """

    def __init__(
        self,
        limits: Mapping[str, float],
        backlog: Backlog | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = utcnow,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = {p: float(r) for p, r in limits.items() if r > 0}
        self._backlog = backlog
        self._clock = clock
        self._wall_clock = wall_clock
        self._sleep = sleep
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self.waiting: dict[tuple[str, str], int] = {}  # held in memory, per credential

    def limited(self, provider: str) -> bool:
        return provider in self.limits

    def credentials(self) -> list[tuple[str, str]]:
        """The (app, provider) pairs that have a bucket in this process."""
        return list(self._buckets)

    def bucket(self, app_id: str, provider: str) -> TokenBucket:
        key = (app_id, provider)
        bucket = self._buckets.get(key)
        if bucket is None:
            rate = self.limits[provider]
            bucket = self._buckets[key] = TokenBucket(rate, self._clock())
            metrics.RATE_LIMIT.labels(app_id, provider).set(rate)
        return bucket

    def plan(self, app_id: str, provider: str, count: int, max_wait: float) -> Plan:
        """Reserve tokens for `count` items slice by slice, up to `max_wait` ahead."""
        bucket = self.bucket(app_id, provider)
        size = max(1, math.floor(bucket.capacity))
        now = self._clock()
        send: list[tuple[float, list[int]]] = []
        defer: list[tuple[float, list[int]]] = []
        due = 0.0  # when the next deferred slice may go, once deferring began
        for start in range(0, count, size):
            indexes = list(range(start, min(count, start + size)))
            if defer or bucket.wait_for(len(indexes), now) > max_wait:
                if not defer:
                    due = bucket.wait_for(0, now)
                due += len(indexes) / bucket.rate
                defer.append((due, indexes))
                continue
            send.append((bucket.reserve(len(indexes), now), indexes))
        return Plan(send, defer)

    async def spread(
        self,
        app_id: str,
        provider: str,
        members: Sequence[T],
        send: Callable[[list[T]], Awaitable[list[R]]],
        *,
        lease_id: str,
        key_of: Callable[[T], tuple[str, str]],
        max_wait: float,
    ) -> list[R]:
        """Send `members` within the credential's limit; defer what cannot go within
        `max_wait` seconds. Returns the results of what was sent, in slice order."""
        plan = self.plan(app_id, provider, len(members), max_wait)
        key = (app_id, provider)
        self.waiting[key] = self.waiting.get(key, 0) + len(members)
        try:
            if plan.defer:
                await self._defer(members, plan.defer, lease_id, key_of)
                self.waiting[key] -= sum(len(ix) for _, ix in plan.defer)

            async def send_slice(delay: float, indexes: list[int]) -> list[R]:
                if delay > 0:
                    await self._sleep(delay)
                try:
                    return await send([members[i] for i in indexes])
                finally:
                    self.waiting[key] -= len(indexes)

            parts = await asyncio.gather(*(send_slice(d, ix) for d, ix in plan.send))
        finally:
            metrics.RATE_LIMIT_WAITING.labels(app_id, provider).set(self.waiting.get(key, 0))
        return [result for part in parts for result in part]

    async def _defer(
        self,
        members: Sequence[T],
        slices: list[tuple[float, list[int]]],
        lease_id: str,
        key_of: Callable[[T], tuple[str, str]],
    ) -> None:
        if self._backlog is None:
            raise RuntimeError("a rate limiter that defers needs a Backlog")
        now = self._wall_clock()
        items = [
            Deferral(*key_of(members[i]), now + timedelta(seconds=delay))
            for delay, indexes in slices
            for i in indexes
        ]
        await self._backlog.defer(lease_id, items, now)
