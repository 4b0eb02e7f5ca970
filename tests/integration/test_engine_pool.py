"""Pooled Postgres connections: pinged before use only after sitting idle.

Every checkout used to ping (SQLAlchemy's `pool_pre_ping`), one more round trip per
transaction. Now a connection idle for `idle_ping_seconds` is pinged, and one in steady use
is not. These tests break a pooled connection behind the pool's back (its backend is
terminated, as a database restart would) and show both sides of that trade.
SQLite has no connections to go stale, so this is Postgres only.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from clarion.store.engine import create_engine
from harness import postgres_url, private_schema


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with private_schema(postgres_url()) as schema_url:
        yield schema_url


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one())


async def _terminate(url: str, pid: int) -> None:
    other = create_engine(url, pool_size=1)
    try:
        async with other.connect() as conn:
            assert (
                await conn.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            ).scalar_one()
    finally:
        await other.dispose()


@pytest.fixture
async def pooled(url: str) -> AsyncIterator[Callable[[float], Awaitable[tuple[AsyncEngine, int]]]]:
    """Makes a one-connection engine with an idle-ping threshold; yields it and the pid
    of its connection's backend, which the test may terminate."""
    made: list[AsyncEngine] = []

    async def make(idle_ping_seconds: float) -> tuple[AsyncEngine, int]:
        engine = create_engine(url, pool_size=1, idle_ping_seconds=idle_ping_seconds)
        made.append(engine)
        return engine, await _backend_pid(engine)

    yield make
    for engine in made:
        await engine.dispose()


async def test_an_idle_connection_is_pinged_and_a_dead_one_replaced(url: str, pooled: Any) -> None:
    engine, first = await pooled(0.05)
    await _terminate(url, first)
    await asyncio.sleep(0.1)  # idle past the threshold: the next checkout pings
    second = await _backend_pid(engine)
    assert second != first  # the dead connection was found by the ping and replaced


async def test_a_connection_in_steady_use_is_not_pinged(url: str, pooled: Any) -> None:
    engine, first = await pooled(3600)
    assert await _backend_pid(engine) == first  # reused as it is
    await _terminate(url, first)
    # Not idle long enough to be pinged: the statement meets the dead connection and
    # fails once; that failure invalidates the pool, so the next checkout is fresh.
    with pytest.raises(DBAPIError) as failed:
        await _backend_pid(engine)
    assert failed.value.connection_invalidated
    assert await _backend_pid(engine) not in (first, 0)
