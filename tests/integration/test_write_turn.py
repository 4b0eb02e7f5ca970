"""A process's SQLite writers take turns (store/sqlite_driver.py, `engine.write_turn`).

SQLite lets one connection write at a time; a second writer meets the lock and SQLite's
busy handler retries it after sleeps of up to 100 ms, which under load turned contention
into latency. Every write transaction now takes its process's turn at its first write
statement and gives it back when it ends; the send writer and the dispatcher's claims and
settles take it around the whole transaction (`write_turn`). Reads never wait for it. On
Postgres there is no turn at all.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from clarion.store.engine import create_engine, write_transaction, write_turn
from clarion.store.sqlite_driver import Turn, writes
from harness import postgres_url, private_schema


async def _most_at_once(engine: AsyncEngine, writers: int, hold: float) -> int:
    """Run `writers` write transactions at once, each holding its turn `hold` seconds
    between two inserts; returns the most that were inside their turn together."""
    inside, most = 0, 0

    async def write(n: int) -> None:
        nonlocal inside, most
        async with write_transaction(engine) as conn:
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


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}")
    await _with_table(engine)
    yield engine
    await engine.dispose()


async def _impatient(conn: AsyncConnection) -> None:
    """No busy handler: meeting SQLite's write lock fails at once ("database is locked")."""
    await conn.execute(sa.text("PRAGMA busy_timeout=0"))


async def test_every_sqlite_write_transaction_waits_its_turn_not_in_sqlites_lock(
    sqlite_engine: AsyncEngine,
) -> None:
    # A plain `engine.begin()`, no write_turn: the second writer queues for the turn
    # instead of meeting the first one's lock, which without a busy handler would fail it.
    first_wrote = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> None:
        async with sqlite_engine.begin() as conn:
            await _impatient(conn)
            await conn.execute(sa.text("INSERT INTO t (n) VALUES (1)"))
            first_wrote.set()
            await release_first.wait()

    async def second() -> None:
        async with sqlite_engine.begin() as conn:
            await _impatient(conn)
            await conn.execute(sa.text("INSERT INTO t (n) VALUES (2)"))

    holder = asyncio.create_task(first())
    await first_wrote.wait()
    waiter = asyncio.create_task(second())
    await asyncio.sleep(0.05)
    assert not waiter.done()  # waiting for its turn, not failed in SQLite's lock

    # Reads do not wait for the turn (WAL: they run beside the writer).
    async with sqlite_engine.connect() as conn:
        await _impatient(conn)
        seen = await asyncio.wait_for(conn.execute(sa.text("SELECT count(*) FROM t")), 5)
        assert seen.scalar_one() == 0  # the first writer has not committed

    release_first.set()
    await asyncio.wait_for(asyncio.gather(holder, waiter), 5)
    async with sqlite_engine.connect() as conn:
        rows = await conn.execute(sa.text("SELECT n FROM t ORDER BY n"))
        assert rows.scalars().all() == [1, 2]


async def test_a_rolled_back_or_closed_writer_gives_its_turn_back(
    sqlite_engine: AsyncEngine,
) -> None:
    with pytest.raises(RuntimeError):
        async with sqlite_engine.begin() as conn:
            await conn.execute(sa.text("INSERT INTO t (n) VALUES (1)"))
            raise RuntimeError("roll back")
    # A connection that wrote outside `begin` and was simply closed (reset on return).
    async with sqlite_engine.connect() as conn:
        await conn.execute(sa.text("INSERT INTO t (n) VALUES (2)"))
    async with sqlite_engine.begin() as conn:
        await _impatient(conn)
        await asyncio.wait_for(conn.execute(sa.text("INSERT INTO t (n) VALUES (3)")), 5)
    async with sqlite_engine.connect() as conn:
        rows = await conn.execute(sa.text("SELECT n FROM t ORDER BY n"))
        assert rows.scalars().all() == [3]


async def test_a_task_holding_the_turn_does_not_wait_for_itself(
    sqlite_engine: AsyncEngine,
) -> None:
    # Inside write_turn the task's transactions, and those of tasks it starts (wait_for
    # runs its awaitable in one), write one after another on any connection; waiting for
    # the turn there would wait for themselves until the timeout.
    async def insert(n: int) -> None:
        async with sqlite_engine.begin() as conn:
            await conn.execute(sa.text("INSERT INTO t (n) VALUES (:n)"), {"n": n})

    async with write_turn(sqlite_engine):
        await asyncio.wait_for(insert(1), 5)
        await insert(2)
        async with write_turn(sqlite_engine), sqlite_engine.begin() as conn:  # re-entered
            await conn.execute(sa.text("INSERT INTO t (n) VALUES (3)"))
    # Outside it, the next writer takes the turn as usual.
    await asyncio.wait_for(insert(4), 5)
    async with sqlite_engine.connect() as conn:
        assert (await conn.execute(sa.text("SELECT count(*) FROM t"))).scalar_one() == 4


async def test_writers_waiting_for_the_turn_cannot_starve_its_holder_of_connections(
    sqlite_engine: AsyncEngine,
) -> None:
    # More plain writers than the pool has connections (5 + 10 overflow), each holding one
    # while it waits for the turn, beside the busy writers' whole-transaction turns. Had
    # those taken the turn before their connection, they would wait for one for ever.
    async def plain(n: int) -> None:
        async with sqlite_engine.begin() as conn:
            await conn.execute(sa.text("INSERT INTO t (n) VALUES (:n)"), {"n": n})
            await asyncio.sleep(0.01)

    async def busy(n: int) -> None:
        async with write_transaction(sqlite_engine) as conn:
            await conn.execute(sa.text("INSERT INTO t (n) VALUES (:n)"), {"n": -n})
            await asyncio.sleep(0.01)

    writers = [plain(n) for n in range(1, 31)] + [busy(n) for n in range(1, 6)]
    await asyncio.wait_for(asyncio.gather(*writers), 20)
    async with sqlite_engine.connect() as conn:
        assert (await conn.execute(sa.text("SELECT count(*) FROM t"))).scalar_one() == 35


async def test_a_writer_that_waits_too_long_fails_as_sqlite_would() -> None:
    turn = Turn()
    await turn.take(1.0)
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        await turn.take(0.05)
    turn.give_back()
    await turn.take(1.0)  # the timed-out waiter left nothing behind
    turn.give_back()


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("SELECT 1", False),
        ("  select * from t", False),
        ("PRAGMA journal_mode=WAL", False),
        ("EXPLAIN QUERY PLAN SELECT 1", False),
        ("VALUES (1)", False),
        ("WITH x AS (SELECT 1) SELECT * FROM x", False),
        ("INSERT INTO t (n) VALUES (1)", True),
        ("UPDATE t SET n = 1", True),
        ("DELETE FROM t", True),
        ("REPLACE INTO t (n) VALUES (1)", True),
        ("CREATE TABLE u (n INTEGER)", True),
        ("SAVEPOINT sa_savepoint_1", True),
        ("WITH x AS (SELECT 1) INSERT INTO t (n) SELECT * FROM x", True),
    ],
)
def test_which_statements_take_the_turn(statement: str, expected: bool) -> None:
    assert writes(statement) is expected


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
