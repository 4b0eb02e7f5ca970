"""The dispatcher: claim due deliveries, send them through their providers, record results.

Each of `workers` loops claims a batch under a lease, resolves every delivery (device,
token, notification for its locale), groups the batch by credential (app + provider), hands
each group to its provider's `send_many` concurrently, turns every `Outcome` into a
`Transition` (domain.deliveries.apply_outcome) and settles the batch in one transaction.
Deliveries sharing a send and a resolved text share one `PushContent` object, so providers
serialise that payload once. A dispatcher killed mid-batch leaves its leases behind; they
expire and the deliveries are claimed again (at-least-once, nothing lost).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from clarion import metrics
from clarion.dispatch.policy import BatchPolicy, PolicyStage
from clarion.dispatch.ratelimit import RateLimiter
from clarion.domain.content import ContentCache
from clarion.domain.credential_rules import ApnsEnvironment
from clarion.domain.deliveries import (
    DEVICE_INACTIVE,
    NO_CREDENTIAL,
    PROVIDER_NOT_SUPPORTED,
    DeliveryStatus,
    Transition,
    apply_outcome,
    expired,
)
from clarion.domain.device_rules import Provider
from clarion.domain.devices import DeviceStatus
from clarion.domain.notifications import Notification, notification_from_json
from clarion.domain.push import AUTH_ERROR, BAD_REQUEST, DeviceAddress, ProviderCredential, PushItem
from clarion.logs import log_context
from clarion.providers.base import Provider as ProviderClient
from clarion.secrets import Envelope, SecretError, TokenCipher, credential_aad, token_aad
from clarion.store.clock import utcnow
from clarion.store.credentials import CredentialStore
from clarion.store.queue import Claimed, DeliveryQueue, Recipient, Settled
from clarion.store.signals import Signals

_log = logging.getLogger(__name__)

CREDENTIAL_CACHE_SECONDS: Final = 30.0
# Providers that deliver without a stored credential (Expo: the access token is optional).
CREDENTIAL_OPTIONAL: Final = frozenset({Provider.EXPO})
# A rate-limited group waits at most this share of the lease for its tokens; the rest is
# given back to the queue (dispatch/ratelimit.py).
RATE_LIMIT_LEASE_SHARE: Final = 1 / 3


@dataclass(frozen=True, slots=True)
class DispatchSettings:
    """How the dispatcher works. The values, their defaults and what each means are the
    `dispatch_*` settings of config.py (docs/configuration.md); the app passes them in."""

    workers: int
    batch_size: int
    lease: timedelta
    max_attempts: int
    poll_seconds: float
    linger_seconds: float


@dataclass(slots=True)
class _CachedCredential:
    credential: ProviderCredential | None
    fetched: float


class Dispatcher:
    """Delivery workers over the durable queue."""

    def __init__(
        self,
        queue: DeliveryQueue,
        credentials: CredentialStore,
        envelope: Envelope,
        tokens: TokenCipher,
        providers: Mapping[Provider, ProviderClient],
        signals: Signals,
        policy: PolicyStage,
        settings: DispatchSettings,
        *,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
        limiter: RateLimiter | None = None,
        before_settle: Callable[[Sequence[Settled]], Awaitable[None]] | None = None,
    ) -> None:
        self._queue = queue
        self._credentials = credentials
        self._envelope = envelope
        self._tokens = tokens
        self._providers = providers
        self._signals = signals
        self._policy = policy
        self.settings = settings
        self._clock = clock
        self._rng = rng or random.Random()
        self._limiter = limiter
        # Called with a batch's results before they are recorded (Expo keeps its tickets).
        self._before_settle = before_settle
        self._contents = ContentCache()
        self._notifications: dict[str, Notification] = {}
        self._credential_cache: dict[tuple[str, str], _CachedCredential] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._watching = asyncio.Lock()  # held by the one idle worker watching the queue
        self._last_claim = -math.inf  # time.monotonic() of the latest claim
        self.settled = 0  # deliveries settled by this dispatcher, for tests and logs

    async def start(self) -> None:
        """Start the worker loops."""
        self._stopping.clear()
        for n in range(self.settings.workers):
            self._tasks.append(asyncio.create_task(self._work(), name=f"clarion-dispatch-{n}"))

    async def stop(self) -> None:
        """Finish the batches in hand, then stop (unfinished leases simply expire)."""
        self._stopping.set()
        self._signals.queue_changed()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _work(self) -> None:
        while not self._stopping.is_set():
            try:
                done = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                _log.exception("dispatch: a batch failed; its leases will expire and retry")
                done = 0
                await asyncio.sleep(self.settings.poll_seconds)
            if done >= self.settings.batch_size:
                # A full batch: more is probably due. Wake the idle worker watching the
                # queue, so workers join in one by one as long as claims come back full.
                self._signals.queue_changed()
                continue
            # The queue is drained for now. One idle worker at a time watches it (the
            # others queue behind it): a wake-up then costs one claim, not one per worker.
            async with self._watching:
                if self._stopping.is_set():
                    break
                # Wait to be woken (or the poll interval). Under a steady trickle, claim at
                # most once per linger_seconds, so that what comes due meanwhile is claimed
                # as one batch; after a quiet spell, claim at once.
                await self._signals.wait_queue(self.settings.poll_seconds)
                pause = self._last_claim + self.settings.linger_seconds - time.monotonic()
                if pause > 0 and not self._stopping.is_set():
                    await asyncio.sleep(pause)

    async def run_once(self) -> int:
        """Claim one batch and see it through; returns how many deliveries it claimed."""
        now = self._clock()
        self._last_claim = time.monotonic()
        lease, claimed = await self._queue.claim(self.settings.batch_size, self.settings.lease, now)
        if not claimed:
            return 0
        results = await self._deliver(claimed, lease)
        if self._before_settle is not None:
            await self._before_settle(results)
        settled = await self._queue.settle(lease, results, self._clock())
        self.settled += settled
        if settled < len(results):
            _log.warning(
                "dispatch: lease %s lost for %d deliveries (another dispatcher took them over)",
                lease,
                len(results) - settled,
            )
        _count(results)
        return len(claimed)

    # One batch ------------------------------------------------------------------------------

    async def _deliver(self, claimed: Sequence[Claimed], lease: str) -> list[Settled]:
        now = self._clock()
        results: list[Settled] = []
        live: list[Claimed] = []
        for c in claimed:
            if c.expires_at <= now:
                results.append(Settled(c, expired()))
            else:
                live.append(c)
        recipients = await self._queue.recipients([c.device_id for c in live])
        await self._load_notifications({c.send_id for c in live})
        policy = await self._policy.evaluate(live, self._notifications, recipients, now)
        groups: dict[tuple[str, Provider], list[tuple[Claimed, PushItem]]] = defaultdict(list)
        for c in live:
            prepared = policy.held.get((c.send_id, c.device_id)) or self._prepare(
                c, recipients.get(c.device_id), policy
            )
            if isinstance(prepared, Transition):
                results.append(Settled(c, prepared))
            else:
                groups[(c.app_id, Provider(c.provider))].append((c, prepared))
        sent = await asyncio.gather(*(self._send_group(k, v, lease) for k, v in groups.items()))
        for group in sent:
            results.extend(group)
        return results

    def _prepare(
        self, c: Claimed, device: Recipient | None, policy: BatchPolicy
    ) -> PushItem | Transition:
        """The provider item for one delivery, or the transition that replaces sending."""
        if device is None or device.status is not DeviceStatus.ACTIVE:
            return Transition(DeliveryStatus.SUPPRESSED, DEVICE_INACTIVE)
        provider = Provider(c.provider)
        if provider not in self._providers:
            return Transition(DeliveryStatus.FAILED, PROVIDER_NOT_SUPPORTED, "NotImplemented")
        try:
            secret = self._tokens.decrypt(device.token_ciphertext, token_aad(c.app_id, provider))
            address = _address(provider, secret, device)
        except (SecretError, ValueError, KeyError, TypeError):
            _log.error(
                "dispatch: the stored token cannot be read",
                extra={"send_id": c.send_id, "delivery_id": c.device_id},
            )
            return Transition(DeliveryStatus.FAILED, BAD_REQUEST, "UnreadableToken")
        content = self._contents.get(
            self._notifications[c.send_id],
            send_name=f"apps/{c.app_id}/sends/{c.send_id}",
            locale=device.locale,
            expires_at=c.expires_at,
        )
        content = policy.protect(c.app_id, content)
        return PushItem(delivery_id=f"{c.send_id}/{c.device_id}", device=address, content=content)

    async def _send_group(
        self, key: tuple[str, Provider], members: list[tuple[Claimed, PushItem]], lease: str
    ) -> list[Settled]:
        app_id, provider = key
        credential = await self._credential(app_id, provider)
        if credential is None and provider in CREDENTIAL_OPTIONAL:
            credential = ProviderCredential(app_id, {}, b"")
        if credential is None:
            missing = Transition(DeliveryStatus.FAILED, AUTH_ERROR, NO_CREDENTIAL)
            return [Settled(c, missing) for c, _ in members]
        limiter = self._limiter
        if limiter is None or not limiter.limited(provider):
            return await self._send_members(app_id, provider, credential, members)
        return await limiter.spread(
            app_id,
            provider,
            members,
            lambda part: self._send_members(app_id, provider, credential, part),
            lease_id=lease,
            key_of=lambda member: (member[0].send_id, member[0].device_id),
            max_wait=self.settings.lease.total_seconds() * RATE_LIMIT_LEASE_SHARE,
        )

    async def _send_members(
        self,
        app_id: str,
        provider: Provider,
        credential: ProviderCredential,
        members: list[tuple[Claimed, PushItem]],
    ) -> list[Settled]:
        with log_context(app=app_id, provider=str(provider)):
            started = time.monotonic()
            outcomes = await self._providers[provider].send_many(
                credential, [item for _, item in members]
            )
            _log.debug(
                "dispatch: %d sent to %s in %.3fs",
                len(members),
                provider,
                time.monotonic() - started,
            )
        now = self._clock()
        settled = []
        for (c, _), outcome in zip(members, outcomes, strict=True):
            transition = apply_outcome(
                outcome,
                now=now,
                attempt=c.attempt,
                expires_at=c.expires_at,
                max_attempts=self.settings.max_attempts,
                rng=self._rng,
            )
            if transition.status is not DeliveryStatus.SENT:
                _log.info(
                    "dispatch: %s %s (%s)",
                    transition.status,
                    transition.reason,
                    transition.provider_code,
                    extra={
                        "app": app_id,
                        "send_id": c.send_id,
                        "delivery_id": c.device_id,
                        "provider": str(provider),
                        "attempt": c.attempt,
                    },
                )
            settled.append(Settled(c, transition))
        return settled

    async def _load_notifications(self, send_ids: set[str]) -> None:
        missing = [s for s in send_ids if s not in self._notifications]
        if not missing:
            return
        if len(self._notifications) > 10_000:
            self._notifications.clear()  # sends are immutable; this only bounds memory
        for send_id, stored in (await self._queue.notifications(missing)).items():
            self._notifications[send_id] = notification_from_json(stored)

    async def credential(self, app_id: str, provider: Provider) -> ProviderCredential | None:
        """The app's decrypted credential for `provider` (None without one), cached briefly."""
        return await self._credential(app_id, provider)

    async def _credential(self, app_id: str, provider: Provider) -> ProviderCredential | None:
        """The decrypted credential, cached briefly (rotations are seen within 30 s)."""
        key = (app_id, str(provider))
        cached = self._credential_cache.get(key)
        now = time.monotonic()
        if cached is not None and now - cached.fetched < CREDENTIAL_CACHE_SECONDS:
            return cached.credential
        record = await self._credentials.get(app_id, provider)
        credential = None
        if record is not None:
            secret = self._envelope.open(record.sealed_secret, credential_aad(app_id, provider))
            credential = ProviderCredential(app_id, dict(record.metadata), secret)
            await self._queue.mark_credential_used(app_id, str(provider), self._clock())
        self._credential_cache[key] = _CachedCredential(credential, now)
        return credential


def _address(provider: Provider, secret: str, device: Recipient) -> DeviceAddress:
    if provider is Provider.WEBPUSH:
        sub = json.loads(secret)
        return DeviceAddress(web_push=(sub["endpoint"], sub["p256dh"], sub["auth"]))
    env = ApnsEnvironment(device.apns_environment) if device.apns_environment else None
    return DeviceAddress(token=secret, apns_environment=env)


def _count(results: Sequence[Settled]) -> None:
    """Metrics for a settled batch: one increment per label set, not per delivery."""
    tally = Counter(
        (s.delivery.app_id, s.delivery.provider, s.transition.status, s.transition.reason)
        for s in results
    )
    for (app_id, provider, status, reason), n in tally.items():
        metrics.DELIVERIES.labels(app_id, provider, str(status), reason).inc(n)
        if status is DeliveryStatus.RETRYING:
            metrics.RETRIES.labels(provider, reason).inc(n)
    for s in results:
        if s.transition.invalidate_device:
            metrics.TOKEN_INVALIDATIONS.labels(s.delivery.provider).inc()
