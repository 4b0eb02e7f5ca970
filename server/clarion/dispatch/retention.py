"""The retention job: sweeps every app's stale devices and old receipts periodically.

Runs in processes with the dispatcher role, every `retention_interval_seconds` (daily by
default), the first sweep shortly after start. Several dispatchers may each sweep: the
deletes are idempotent. A failed sweep is logged and tried again at the next interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from clarion.store.clock import utcnow
from clarion.store.retention import RetentionStore, Swept

_log = logging.getLogger(__name__)


class RetentionJob:
    """Periodic retention sweeps."""

    def __init__(
        self,
        store: RetentionStore,
        interval_seconds: float,
        *,
        first_delay_seconds: float = 60.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._store = store
        self._interval = interval_seconds
        self._first_delay = min(first_delay_seconds, interval_seconds)
        self._clock = clock
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> list[Swept]:
        """One sweep of every app, now."""
        swept = await self._store.sweep(self._clock())
        for s in swept:
            _log.info(
                "retention: removed %d stale devices and %d receipts",
                s.devices,
                s.receipts,
                extra={"app": s.app_id},
            )
        return swept

    def start(self) -> None:
        """Start sweeping in the background."""
        self._task = asyncio.create_task(self._loop(), name="clarion-retention")

    async def stop(self) -> None:
        """Stop (a sweep in progress is cancelled; its committed apps stay swept)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        await asyncio.sleep(self._first_delay)
        while True:
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                _log.exception("retention: the sweep failed; trying again next interval")
            await asyncio.sleep(self._interval)
