"""Wake-ups: "receipts were appended for app A up to cursor C" and "deliveries became due".

Writers call `receipts_appended` / `queue_changed` after their transaction commits, which
wakes waiters in this process at once. Other processes learn of it through Postgres
LISTEN/NOTIFY: writers add `pg_notify` to their transaction (`notify_receipts`; the Send
statement of store/sends.py has both inline; delivered on commit) and one listening
connection per process feeds the
notifications in here. On SQLite, which has no NOTIFY, one task per process polls the
receipt sequences of the apps someone is waiting for; one query per interval, however many
watchers there are. Watchers therefore never poll the receipt log themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Final

import psycopg
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from clarion.store.schema import receipt_sequences

_log = logging.getLogger(__name__)

RECEIPTS_CHANNEL: Final = "clarion_receipts"
QUEUE_CHANNEL: Final = "clarion_queue"


async def notify_receipts(conn: AsyncConnection, app_id: str, cursor: int) -> None:
    """Tell other processes, on commit, that `app_id`'s log reached `cursor` (Postgres)."""
    if conn.dialect.name == "postgresql":
        await conn.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": RECEIPTS_CHANNEL, "payload": f"{app_id} {cursor}"},
        )


def _libpq_url(engine: AsyncEngine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


class Signals:
    """The process's wake-up board (see the module docstring)."""

    def __init__(self, engine: AsyncEngine, *, poll_interval: float = 0.25) -> None:
        self._engine = engine
        self._poll_interval = poll_interval
        self._latest: dict[str, int] = {}
        self._events: dict[str, asyncio.Event] = {}
        self._queue = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the listener (Postgres) or the sequence poller (SQLite)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="clarion-signals")

    async def stop(self) -> None:
        """Stop listening; waiters are released."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for event in self._events.values():
            event.set()
        self._queue.set()

    # Receipts -----------------------------------------------------------------------------

    def receipts_appended(self, app_id: str, cursor: int) -> None:
        """`app_id`'s receipt log reached `cursor`: wake its watchers."""
        if cursor <= self._latest.get(app_id, 0):
            return
        self._latest[app_id] = cursor
        event = self._events.pop(app_id, None)
        if event is not None:
            event.set()

    async def wait_receipts(self, app_id: str, after: int, patience: float) -> None:
        """Return once `app_id`'s log is known to go beyond `after`, or after `patience` s."""
        if self._latest.get(app_id, 0) > after:
            return
        event = self._events.get(app_id)
        if event is None:
            event = self._events[app_id] = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), patience)

    # The queue ------------------------------------------------------------------------------

    def queue_changed(self) -> None:
        """Deliveries became due: wake the dispatcher."""
        self._queue.set()

    async def wait_queue(self, patience: float) -> None:
        """Return when deliveries may have become due, or after `patience` seconds."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.wait(), patience)
        self._queue.clear()

    # Cross-process ------------------------------------------------------------------------

    async def _run(self) -> None:
        if self._engine.dialect.name != "postgresql":
            await self._poll_forever()
            return
        delay = 0.5
        while True:
            try:
                await self._listen()
            except (psycopg.Error, OSError) as exc:
                _log.warning("signals: LISTEN connection lost (%s); polling until it is back", exc)
                # Poll meanwhile so watchers still wake, then try to listen again.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._poll_forever(), delay)
                delay = min(delay * 2, 10.0)

    async def _listen(self) -> None:
        async with await psycopg.AsyncConnection.connect(
            _libpq_url(self._engine), autocommit=True
        ) as conn:
            await conn.execute(f"LISTEN {RECEIPTS_CHANNEL}")
            await conn.execute(f"LISTEN {QUEUE_CHANNEL}")
            # Whatever was appended while not listening: one catch-up pass.
            await self._poll_once()
            self._queue.set()
            async for note in conn.notifies():
                if note.channel == QUEUE_CHANNEL:
                    self._queue.set()
                    continue
                app_id, _, cursor = note.payload.rpartition(" ")
                if app_id and cursor.isdigit():
                    self.receipts_appended(app_id, int(cursor))

    async def _poll_forever(self) -> None:
        while True:
            await asyncio.sleep(self._poll_interval)
            if self._events:
                await self._poll_once()

    async def _poll_once(self) -> None:
        apps = list(self._events)
        if not apps:
            return
        try:
            async with self._engine.connect() as conn:
                rows = await conn.execute(
                    select(receipt_sequences.c.app_id, receipt_sequences.c.last_cursor).where(
                        receipt_sequences.c.app_id.in_(apps)
                    )
                )
                for app_id, cursor in rows:
                    self.receipts_appended(app_id, int(cursor))
        except Exception:  # the next pass tries again; a watcher's own timeout re-reads
            _log.exception("signals: polling receipt sequences failed")
