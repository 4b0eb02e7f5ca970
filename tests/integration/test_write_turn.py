"""`write_turn`: a process's busy SQLite writers take turns in an asyncio lock.

SQLite lets one connection write at a time; a second writer meets the lock and SQLite's
busy handler retries it after sleeps of up to 100 ms, which under load turned contention
into Send latency. The send writer and the dispatcher's claims and settles now queue for
their turn in the process instead. On Postgres the turn is no lock at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from clarion.store.engine import create_engine, write_turn
from harness import postgres_url, private_schema


async def _most_at_once(engine: AsyncEngine, writers: int, hold: float) -> int:
    """Run `writers` write transactions at once, each holding its turn `hold` seconds
    between two inserts; returns the most that were inside their turn together."""
    inside, most = 0, 0

    async def write(n: int) -> None:
        nonlocal inside, most
        async with write_turn(engine), engine.begin() as conn:
            inside += 1
            most = max(most, inside)
            await conn.execute(sa.text("INSERT INTO t (n) VALUES (:n)"), {"n": n})
            await asyncio.sleep(hold)
            await conn.execute(sa.text("INSERT INTO t (n) VALUES (:n)"), {"n": -n})
            inside -= 1

    await asyncio.gather(*(write(n) for n in range(1, writers + 1)))
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.text("SELECT count(*) FROM t"))).scalar_one()
    assert rows == 2 * writers
    return most


async def _with_table(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE t (n INTEGER NOT NULL)"))


async def test_sqlite_writers_of_a_process_take_turns(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}")
    try:
        await _with_table(engine)
        # Without the turns the second writer would be inside its transaction, blocked
        # in SQLite's busy handler, while the first holds the lock.
        assert await _most_at_once(engine, writers=8, hold=0.02) == 1
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with private_schema(postgres_url()) as url:
        yield url


async def test_on_postgres_a_write_turn_holds_nobody_back(pg_url: str) -> None:
    engine = create_engine(pg_url)
    try:
        await _with_table(engine)
        assert await _most_at_once(engine, writers=4, hold=0.05) == 4
    finally:
        await engine.dispose()
