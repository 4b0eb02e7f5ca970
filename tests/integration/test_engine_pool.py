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

from clarion.store.engine import create_engine, single_statements
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


async def _in_transaction_block(engine: AsyncEngine) -> tuple[bool, bool]:
    """(whether the driver's connection is in autocommit, whether a statement after
    the first runs in the same transaction block: then now(), the block's start, is
    earlier than the statement's own start)."""
    async with engine.connect() as conn:
        await conn.execute(sa.text("SELECT 1"))
        autocommit = (await conn.get_raw_connection()).driver_connection.autocommit
        open_block = (
            await conn.execute(sa.text("SELECT now() <> statement_timestamp()"))
        ).scalar_one()
        return bool(autocommit), bool(open_block)


async def test_single_statements_has_its_own_autocommit_pool_closed_with_the_engine(
    url: str, pooled: Any
) -> None:
    engine, pid = await pooled(3600)
    single = single_statements(engine)
    assert single is not engine and single.pool is not engine.pool
    # The twin's connections are in autocommit: no BEGIN opened a block around the first
    # statement. The engine's own connections still run in a transaction block.
    assert await _in_transaction_block(single) == (True, False)
    assert await _in_transaction_block(engine) == (False, True)
    # Disposing the engine closes the twin's pooled connection as well.
    async with single.connect() as conn:
        twin_pid = (await conn.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one()
    assert twin_pid != pid
    assert single.pool.checkedin() == 1
    await engine.dispose()
    assert single.pool.checkedin() == 0
    await _assert_backend_gone(url, twin_pid)


async def _assert_backend_gone(url: str, pid: int) -> None:
    """Postgres no longer has backend `pid` (give its exit a moment to be seen)."""
    other = create_engine(url, pool_size=1)
    try:
        for _ in range(50):
            async with other.connect() as conn:
                alive = (
                    await conn.execute(
                        sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"), {"p": pid}
                    )
                ).scalar_one()
            if not alive:
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"backend {pid} is still connected after dispose")
    finally:
        await other.dispose()
