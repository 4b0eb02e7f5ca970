"""The Expo receipt job: keep push tickets, read their receipts later, settle deliveries.

Expo's answer to a send is a *ticket*: the message is queued, nothing more. The dispatcher
hands every SENT Expo delivery's ticket to `keep` before it records the batch (a crash in
between resends the message, and the new ticket replaces the old one). The job then loops:

1. claim due tickets (`ExpoTickets.claim`: `SKIP LOCKED` on Postgres, so several
   processes share the work and none asks twice; a job that dies leaves tickets that come
   due again after `lease`);
2. ask Expo per app for at most 300 receipts per call, with the app's access token;
3. settle: `ok` makes the delivery DELIVERED; an error does what the same answer at send
   time would (`apply_receipt`: DeviceNotRegistered INVALID_TOKEN and the device INVALID,
   MessageTooBig FAILED payload_too_large, MessageRateExceeded RETRYING with backoff,
   InvalidCredentials FAILED auth_error with the credential's last error);
4. a receipt not ready yet is asked again after `recheck`; one still missing
   `give_up_after` (24 h: Expo deletes receipts then) after the send is dropped and the
   delivery stays SENT. A failed getReceipts call (429, 5xx, network) is retried after
   `recheck`, an UNAUTHORIZED one too (the operator may fix the token meanwhile).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Protocol

from clarion import metrics
from clarion.domain.deliveries import DeliveryStatus, Transition, apply_receipt
from clarion.domain.device_rules import Provider
from clarion.domain.push import Outcome, ProviderCredential
from clarion.store.clock import utcnow
from clarion.store.expo_tickets import ExpoTickets, NewTicket, Ticket
from clarion.store.queue import Settled

_log = logging.getLogger(__name__)

MAX_IDS_PER_CALL: Final = 300


class ReceiptSource(Protocol):
    """What the job asks for receipts (`clarion.providers.expo.ExpoProvider`)."""

    async def fetch_receipts(
        self, credential: ProviderCredential, ids: Sequence[str]
    ) -> dict[str, Outcome] | Outcome: ...


@dataclass(frozen=True, slots=True)
class ReceiptSettings:
    """When receipts are read; see config.py for the user-facing settings."""

    delay: timedelta = timedelta(minutes=15)  # first check after the send
    recheck: timedelta = timedelta(minutes=5)  # a receipt not ready, or a failed call
    give_up_after: timedelta = timedelta(hours=24)
    poll_seconds: float = 30.0
    lease: timedelta = timedelta(seconds=60)
    batch: int = 3000  # tickets claimed at once (asked in calls of 300)
    max_attempts: int = 8  # for MessageRateExceeded: the dispatcher's attempt limit


class ExpoReceiptJob:
    """Keeps tickets (`keep`, the dispatcher's hook) and reads receipts in the background."""

    def __init__(
        self,
        tickets: ExpoTickets,
        source: ReceiptSource,
        credential: Callable[[str], Awaitable[ProviderCredential | None]],
        settings: ReceiptSettings | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
    ) -> None:
        self._tickets = tickets
        self._source = source
        self._credential = credential
        self.settings = settings or ReceiptSettings()
        self._clock = clock
        self._rng = rng or random.Random()
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    async def keep(self, results: Sequence[Settled]) -> None:
        """Store the ticket of every Expo delivery of a batch that Expo accepted."""
        new = [
            NewTicket(s.delivery.app_id, s.delivery.send_id, s.delivery.device_id, ticket)
            for s in results
            if s.delivery.provider == Provider.EXPO
            and s.transition.status is DeliveryStatus.SENT
            and (ticket := s.transition.provider_message_id)
        ]
        if new:
            now = self._clock()
            await self._tickets.keep(new, now, now + self.settings.delay)

    async def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._loop(), name="clarion-expo-receipts")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                done = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                _log.exception("expo receipts: a round failed; its tickets come due again")
                done = 0
            if done == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self.settings.poll_seconds)

    async def run_once(self) -> int:
        """Claim due tickets and settle what their receipts say; returns how many claimed."""
        s = self.settings
        claimed = await self._tickets.claim(s.batch, s.lease, self._clock())
        if not claimed:
            return 0
        by_app: dict[str, list[Ticket]] = defaultdict(list)
        for ticket in claimed:
            by_app[ticket.app_id].append(ticket)
        await asyncio.gather(*(self._app_round(app, tickets) for app, tickets in by_app.items()))
        return len(claimed)

    async def _app_round(self, app_id: str, tickets: list[Ticket]) -> None:
        credential = await self._credential(app_id) or ProviderCredential(app_id, {}, b"")
        chunks = [
            tickets[i : i + MAX_IDS_PER_CALL] for i in range(0, len(tickets), MAX_IDS_PER_CALL)
        ]
        for chunk in chunks:
            answer = await self._source.fetch_receipts(credential, [t.ticket_id for t in chunk])
            await self._settle(chunk, answer)

    async def _settle(self, chunk: list[Ticket], answer: dict[str, Outcome] | Outcome) -> None:
        now = self._clock()
        s = self.settings
        if isinstance(answer, Outcome):
            _log.warning(
                "expo receipts: getReceipts failed (%s %s); asking again later",
                answer.reason,
                answer.provider_code,
            )
            metrics.EXPO_RECEIPTS.labels("call_failed").inc(len(chunk))
            await self._tickets.check_later(chunk, now + s.recheck)
            return
        results: list[tuple[Ticket, Transition]] = []
        waiting: list[Ticket] = []
        expired: list[Ticket] = []
        for ticket in chunk:
            outcome = answer.get(ticket.ticket_id)
            if outcome is None:
                gone = now - ticket.sent_at >= s.give_up_after
                (expired if gone else waiting).append(ticket)
                continue
            transition = apply_receipt(
                outcome,
                now=now,
                attempt=max(1, ticket.attempt),
                expires_at=ticket.expires_at,
                max_attempts=s.max_attempts,
                rng=self._rng,
            )
            metrics.EXPO_RECEIPTS.labels(str(transition.status)).inc()
            metrics.DELIVERIES.labels(
                ticket.app_id, Provider.EXPO, str(transition.status), transition.reason
            ).inc()
            if transition.invalidate_device:
                metrics.TOKEN_INVALIDATIONS.labels(Provider.EXPO).inc()
            results.append((ticket, transition))
        await self._tickets.settle(results, now)
        await self._tickets.check_later(waiting, now + s.recheck)
        if expired:
            _log.warning("expo receipts: %d receipts never came; left SENT", len(expired))
            metrics.EXPO_RECEIPTS.labels("never_came").inc(len(expired))
            await self._tickets.forget(expired)
