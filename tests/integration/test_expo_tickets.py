"""The Expo ticket store on both databases: two receipt jobs (two engines, as two processes
would have) claiming at once never take the same ticket, and a receipt only settles a
delivery still SENT under that very ticket."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from clarion.domain.deliveries import DeliveryStatus, Transition
from clarion.store.engine import create_engine, migrate
from clarion.store.expo_tickets import ExpoTickets, NewTicket
from clarion.store.schema import apps, deliveries, sends
from clarion.store.signals import Signals
from harness import postgres_url, private_schema

NOW = datetime.now(UTC).replace(microsecond=0)
COUNT = 600


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "postgres":
        with private_schema(postgres_url()) as url:
            yield url
    else:
        yield f"sqlite+aiosqlite:///{tmp_path / 'tickets.db'}"


@pytest.fixture
async def engines(database_url: str) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    first, second = create_engine(database_url), create_engine(database_url)
    await migrate(first)
    async with first.begin() as conn:
        await conn.execute(
            sa.insert(apps).values(id="a1", display_name="", created_at=NOW, updated_at=NOW)
        )
        await conn.execute(
            sa.insert(sends).values(
                id="s1",
                app_id="a1",
                target_kind="user",
                target="u",
                notification={},
                creator="",
                created_at=NOW,
            )
        )
        await conn.execute(
            sa.insert(deliveries),
            [
                {
                    "send_id": "s1",
                    "device_id": f"d{n:04}",
                    "app_id": "a1",
                    "user_id": "u",
                    "provider": "expo",
                    "status": "sent",
                    "reason": "",
                    "provider_code": "",
                    "provider_message_id": f"t{n}",
                    "attempts": 1,
                    "due_at": None,
                    "expires_at": NOW + timedelta(days=1),
                    "lease": None,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for n in range(COUNT)
            ],
        )
    try:
        yield first, second
    finally:
        await first.dispose()
        await second.dispose()


async def test_two_jobs_never_claim_the_same_ticket(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    one, two = (ExpoTickets(e, Signals(e)) for e in engines)
    await one.keep([NewTicket("a1", "s1", f"d{n:04}", f"t{n}") for n in range(COUNT)], NOW, NOW)
    lease = timedelta(seconds=60)
    rounds = await asyncio.gather(
        *(job.claim(100, lease, NOW) for job in (one, two, one, two, one, two, one, two))
    )
    claimed = [t.ticket_id for batch in rounds for t in batch]
    assert len(claimed) == len(set(claimed)) == COUNT  # each exactly once
    assert await one.claim(100, lease, NOW) == []  # all leased
    again = await two.claim(1000, lease, NOW + lease)  # leases ended: due again
    assert len(again) == COUNT


async def test_a_receipt_settles_only_the_same_ticket(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    store = ExpoTickets(engines[0], Signals(engines[0]))
    await store.keep(
        [NewTicket("a1", "s1", "d0000", "t0"), NewTicket("a1", "s1", "d0001", "old")], NOW, NOW
    )
    claimed = {t.device_id: t for t in await store.claim(10, timedelta(seconds=60), NOW)}
    delivered = Transition(DeliveryStatus.DELIVERED)
    changed = await store.settle(
        [(claimed["d0000"], delivered), (claimed["d0001"], delivered)], NOW
    )
    assert changed == 1  # d0001 was resent since: its delivery carries ticket t1, not "old"
    async with engines[0].connect() as conn:
        rows = dict(
            (
                await conn.execute(
                    sa.select(deliveries.c.device_id, deliveries.c.status).where(
                        deliveries.c.device_id.in_(["d0000", "d0001"])
                    )
                )
            ).all()
        )
    assert rows == {"d0000": "delivered", "d0001": "sent"}
    assert await store.pending() == 0  # both tickets are done with
