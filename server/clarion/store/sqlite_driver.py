"""SQLAlchemy's aiosqlite adapter, with a statement taking one trip to SQLite's thread.

aiosqlite runs each connection's sqlite3 calls in a thread of its own; every call is a hop
there and back (a queue put, then a future resolved through the event loop). SQLAlchemy's
adapter makes three or four per statement: open a cursor, execute, fetch the rows, close
the cursor. On a busy event loop each hop waits for the loop, and for the GIL, to come
round: about 1-2.5 ms per statement at 1,000 Sends/s on the project's 2-core machine
(docs/benchmarks.md), and a Send's write transaction is about ten statements.

Here a statement is one function run in that thread, which executes, fetches everything
and closes its cursor, and hands back the description, rows, rowcount and lastrowid: one
hop. The rest (connections, transactions, errors, server-side cursors) is SQLAlchemy's
adapter unchanged. It reaches into aiosqlite's connection for its thread's queue
(`_execute`) and the sqlite3 connection (`_conn`) the way SQLAlchemy's adapter itself
does for isolation levels; pyproject.toml bounds both to the minor releases it was tested
with, and every SQLite test runs through it.

Writers take turns. SQLite lets one connection write at a time, and a second writer that
meets the lock is retried by SQLite's busy handler after sleeps of 1, 2, 5 ... up to 100 ms,
which under load turns contention into latency. So a connection takes its process's turn
for the database (`Turn`, first come first served) before its first write statement, and
gives it back when its transaction ends (commit, rollback, close). Reads never wait for it:
in WAL mode they run beside the writer. A task that holds the turn for whole transactions
(`Hold`, through `store.engine.write_transaction`) is not made to wait for itself, nor are
tasks it starts meanwhile. Writers in other processes still meet this one in SQLite's lock.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import os
import sqlite3
import weakref
from collections.abc import Sequence
from typing import Any, Final, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

# What a statement hands back from SQLite's thread.
_Outcome = tuple[Any, Sequence[Any], int, int | None]
# Statements that start with these never write (PRAGMA: the connection's settings).
_READS: Final = ("SELECT", "PRAGMA", "EXPLAIN", "VALUES")
_WRITE_WORDS: Final = ("INSERT", "UPDATE", "DELETE", "REPLACE")
# How long a writer waits for its turn when the connection names no timeout (sqlite3's own
# default busy timeout).
_DEFAULT_TIMEOUT: Final = 5.0


class Turn:
    """One process's writers of one SQLite database take turns here, first come first
    served."""

    __slots__ = ("_lock",)

    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    async def take(self, patience: float) -> None:
        """Wait for the turn; raises sqlite3.OperationalError after `patience` seconds, as
        SQLite does when its own busy timeout runs out."""
        if not self._lock.locked():
            # Free: taken at once (or right after a waiter already woken for it), so no
            # timer is armed; `patience` bounds waiting behind a holder.
            await self._lock.acquire()
            return
        try:
            async with asyncio.timeout(patience):
                await self._lock.acquire()
        except TimeoutError:
            raise sqlite3.OperationalError(
                "database is locked (another writer of this process held its turn)"
            ) from None

    def give_back(self) -> None:
        self._lock.release()

    def held_here(self) -> bool:
        """Whether the running task (or the task that started it) holds the turn through
        `Hold`: its statements then go straight on."""
        return self in _HELD.get()


# The turns held through `Hold` by the running task; tasks it starts inherit them.
_HELD: Final[contextvars.ContextVar[frozenset[Turn]]] = contextvars.ContextVar(
    "clarion_sqlite_turns_held", default=frozenset()
)


class Hold:
    """`async with Hold(turn, patience)`: hold `turn` for a whole transaction (or several),
    from before it begins; the task's statements meanwhile do not take it again, nor do
    those of tasks it starts. Re-entering goes straight on."""

    __slots__ = ("_patience", "_token", "_turn")

    def __init__(self, turn: Turn, patience: float) -> None:
        self._turn = turn
        self._patience = patience
        self._token: contextvars.Token[frozenset[Turn]] | None = None

    async def __aenter__(self) -> None:
        held = _HELD.get()
        if self._turn in held:
            return
        await self._turn.take(self._patience)
        self._token = _HELD.set(held | {self._turn})

    async def __aexit__(self, *_exc: object) -> None:
        token, self._token = self._token, None
        if token is not None:
            _HELD.reset(token)
            self._turn.give_back()


# Each event loop -> database file -> its turn (a lock belongs to one loop).
_TURNS: Final[weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Turn]]] = (
    weakref.WeakKeyDictionary()
)


def turn_for(database: str) -> Turn | None:
    """The running loop's turn for the SQLite `database` (a file name as given to
    sqlite3.connect); None for a private in-memory database, which no one else writes."""
    if not database or database == ":memory:":
        return None
    key = database if database.startswith("file:") else os.path.abspath(database)
    turns = _TURNS.setdefault(asyncio.get_running_loop(), {})
    turn = turns.get(key)
    if turn is None:
        turn = turns[key] = Turn()
    return turn


def writes(operation: str) -> bool:
    """Whether a statement may write (and so must take the turn first)."""
    head = operation.lstrip()[:8].upper()
    if head.startswith(_READS):
        return False
    if head.startswith("WITH"):
        upper = operation.upper()
        return any(word in upper for word in _WRITE_WORDS)
    return True


def _run(conn: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Outcome:
    """In SQLite's thread: execute (or executemany), fetch all rows, close the cursor."""
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else ()
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class _OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose every statement is one hop (see the module docstring)."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: Any) -> None:
        # No aiosqlite cursor is opened (that would be a hop of its own).
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows: collections.deque[Any] = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _async_soft_close(self) -> None:
        return  # nothing is open in SQLite's thread between statements

    def close(self) -> None:
        self._rows.clear()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            await_(self._statement(operation, parameters, many=False))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        try:
            await_(self._statement(operation, seq_of_parameters, many=True))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _statement(self, operation: Any, parameters: Any, *, many: bool) -> None:
        adapted = cast("_Connection", self._adapt_connection)
        if adapted.holding is None and adapted.turn is not None and writes(operation):
            await adapted.take_turn()
        connection = self._connection
        async with adapted._execute_mutex:
            outcome: _Outcome = await connection._execute(
                _run, connection._conn, operation, parameters, many
            )
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)


class _Connection(AsyncAdapt_aiosqlite_connection):
    """The stock adapter's connection, with one-trip cursors and a turn for writes."""

    __slots__ = ("_timeout", "holding", "turn")
    _cursor_cls = _OneHopCursor

    def __init__(self, dbapi: Any, connection: Any, turn: Turn | None, timeout: float) -> None:
        super().__init__(dbapi, connection)
        self.turn = turn  # None: a private in-memory database
        self._timeout = timeout
        self.holding: Turn | None = None  # the turn this connection took, until it ends

    async def take_turn(self) -> None:
        """Before the transaction's first write: wait for the turn, unless the task holds
        it already (`Hold`)."""
        turn = self.turn
        if turn is not None and not turn.held_here():
            await turn.take(self._timeout)
            self.holding = turn

    def _end_turn(self) -> None:
        turn, self.holding = self.holding, None
        if turn is not None:
            # A connection collected after its loop closed has no one left to wake.
            with contextlib.suppress(RuntimeError):
                turn.give_back()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._end_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._end_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._end_turn()

    def terminate(self) -> None:
        try:
            super().terminate()
        finally:
            self._end_turn()


class _Dbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> _Connection:
        database = str(arg[0] if arg else kw.get("database", ""))
        timeout = float(kw.get("timeout", _DEFAULT_TIMEOUT))
        adapted = super().connect(*arg, **kw)
        try:
            turn = turn_for(database)  # the loop's that connects, and so uses, the connection
        except RuntimeError:  # no running loop: nothing to take turns with
            turn = None
        return _Connection(self, adapted._connection, turn, timeout)


def dbapi() -> Any:
    """The DBAPI module for `create_async_engine(..., module=dbapi())` on sqlite+aiosqlite."""
    return _Dbapi(aiosqlite, sqlite3)
