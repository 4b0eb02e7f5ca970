"""The SQLite engine's statements take one trip to SQLite's thread (store/sqlite_driver.py).

SQLAlchemy's stock aiosqlite adapter makes three or four per statement (open a cursor,
execute, fetch, close), and on a busy event loop each one waits for the loop to come
round. These tests pin the count, and that nothing of what a statement gives back was
lost on the way: rows and column names, rowcount, RETURNING, executemany, errors and the
rollback they cause, and server-side cursors, which stay the stock adapter's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from clarion.store.engine import create_engine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with engine.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"))
    yield engine
    await engine.dispose()


class _Counting:
    """Stands in for aiosqlite's queue to its thread: counts what is put, passes it on."""

    def __init__(self, queue: Any) -> None:
        self.queue = queue
        self.count = 0

    def put_nowait(self, item: Any) -> None:
        self.count += 1
        self.queue.put_nowait(item)


async def _trips(conn: AsyncConnection, statement: Any, params: Any = None) -> tuple[int, Any]:
    """How many functions `statement` queued for SQLite's thread, and its result."""
    raw = await conn.get_raw_connection()
    aiosqlite_conn: Any = raw.driver_connection
    counting = _Counting(aiosqlite_conn._tx)
    aiosqlite_conn._tx = counting
    try:
        result = await conn.execute(statement, params)
    finally:
        aiosqlite_conn._tx = counting.queue
    return counting.count, result


async def test_a_statement_is_one_trip_to_sqlites_thread(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        trips, _ = await _trips(conn, sa.text("INSERT INTO t (id, name) VALUES (1, 'a'), (2, 'b')"))
        assert trips == 1
        trips, result = await _trips(conn, sa.text("SELECT id, name FROM t ORDER BY id"))
        assert trips == 1  # the stock adapter: cursor, execute, fetchall, close
        assert result.keys() == ["id", "name"]
        assert result.all() == [(1, "a"), (2, "b")]


async def test_what_a_statement_returns_arrives_whole(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        many = await conn.execute(
            sa.text("INSERT INTO t (id, name) VALUES (:id, :name)"),
            [{"id": i, "name": f"n{i}"} for i in range(1, 6)],
        )
        assert many.rowcount == 5
        updated = await conn.execute(sa.text("UPDATE t SET name = name || '!' WHERE id > 2"))
        assert updated.rowcount == 3
        returned = await conn.execute(
            sa.text("UPDATE t SET name = 'x' WHERE id <= 2 RETURNING id, name")
        )
        assert sorted(returned.all()) == [(1, "x"), (2, "x")]
        assert (await conn.execute(sa.text("SELECT count(*) FROM t WHERE 0"))).scalar_one() == 0
        assert (await conn.execute(sa.text("SELECT name FROM t WHERE id = 99"))).first() is None


async def test_an_error_is_sqlalchemys_and_rolls_the_transaction_back(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as conn:
        await conn.execute(sa.text("INSERT INTO t (id, name) VALUES (1, 'kept')"))
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(sa.text("INSERT INTO t (id, name) VALUES (2, 'gone')"))
            await conn.execute(sa.text("INSERT INTO t (id, name) VALUES (1, 'clash')"))
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.text("SELECT id, name FROM t"))).all()
    assert rows == [(1, "kept")]


async def test_server_side_cursors_still_stream(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            sa.text("INSERT INTO t (id, name) VALUES (:id, 'n')"),
            [{"id": i} for i in range(1, 101)],
        )
    async with engine.connect() as conn:
        streamed = await conn.stream(sa.text("SELECT id FROM t ORDER BY id"))
        ids = [row.id async for row in streamed]
    assert ids == list(range(1, 101))
