"""Database engines and migrations for SQLite (embedded default) and Postgres."""

from __future__ import annotations

import contextlib
import time
import weakref
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, event, exc, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from clarion.store import sqlite_driver

_MIGRATIONS = Path(__file__).parent / "migrations"
# Any 64-bit number that is Clarion's: serialises migrations of processes starting together.
_MIGRATION_LOCK = 0x436C6172696F6E
# A pooled Postgres connection idle for longer than this is pinged before it is handed out.
IDLE_PING_SECONDS = 2.0
# Each Postgres engine made by create_engine -> its autocommit twin (single_statements).
_AUTOCOMMIT: Final[weakref.WeakKeyDictionary[Any, AsyncEngine]] = weakref.WeakKeyDictionary()
# How long a SQLite writer waits for the database's lock (and for its turn) before failing.
SQLITE_TIMEOUT: Final = 30.0


def is_sqlite(url: str) -> bool:
    """Whether a database URL names SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(
    url: str, *, pool_size: int = 10, idle_ping_seconds: float = IDLE_PING_SECONDS
) -> AsyncEngine:
    """An async engine for `url` (`sqlite+aiosqlite:///...` or `postgresql+psycopg://...`);
    Postgres connections idle for `idle_ping_seconds` are pinged before use.

    On Postgres the engine has an autocommit twin with its own pool of `pool_size`
    (single_statements), disposed with it."""
    if is_sqlite(url):
        # One trip to SQLite's thread per statement, not three or four (sqlite_driver).
        engine = create_async_engine(
            url, connect_args={"timeout": SQLITE_TIMEOUT}, module=sqlite_driver.dbapi()
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # WAL lets readers run beside the writer; foreign keys are off by default in SQLite.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_TIMEOUT * 1000)}")
            cursor.close()

        return engine
    engine = create_async_engine(url, pool_size=pool_size, max_overflow=pool_size)
    _ping_when_idle(engine, idle_ping_seconds)
    twin = create_async_engine(
        url, pool_size=pool_size, max_overflow=pool_size, isolation_level="AUTOCOMMIT"
    )
    _ping_when_idle(twin, idle_ping_seconds)
    _AUTOCOMMIT[engine.sync_engine] = twin

    @event.listens_for(engine.sync_engine, "engine_disposed")
    def _dispose_twin(_engine: Any) -> None:
        # Runs inside AsyncEngine.dispose()'s greenlet, so the twin's connections close too.
        twin.sync_engine.dispose()

    return engine


def single_statements(engine: AsyncEngine) -> AsyncEngine:
    """`engine` for work that is one statement, or reads that need no common snapshot: on
    Postgres connections in autocommit, where each statement is its own transaction.
    psycopg otherwise sends BEGIN before the first statement and SQLAlchemy a ROLLBACK or
    COMMIT after the last: two more round trips for every read or one-statement write. On
    SQLite (in process, no round trips) it is `engine` itself.

    An engine from create_engine has a twin engine whose own pool's connections stay in
    autocommit. Switching a shared pool's connection to autocommit on checkout, and back on
    checkin, costs about 0.1 ms of CPU per use on this machine (docs/benchmarks.md): a third
    of a dispatcher statement. Other engines get their own connections switched."""
    if engine.dialect.name != "postgresql":
        return engine
    twin = _AUTOCOMMIT.get(engine.sync_engine)
    if twin is not None:
        return twin
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def write_turn(engine: AsyncEngine) -> contextlib.AbstractAsyncContextManager[object]:
    """Hold the process's SQLite write turn (store/sqlite_driver.py) around what it wraps;
    on Postgres it does nothing. Re-entering it, or writing from a task started inside it,
    goes straight on. Take it with a connection in hand (as `write_transaction` does): a
    task that held the turn while it waited for a pooled connection could wait for ever on
    writers that hold the pool's connections while they wait for the turn."""
    turn = None
    if engine.dialect.name == "sqlite":
        turn = sqlite_driver.turn_for(engine.url.database or "")
    if turn is None:
        return contextlib.nullcontext()
    return sqlite_driver.Hold(turn, SQLITE_TIMEOUT)


@contextlib.asynccontextmanager
async def write_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """`engine.begin()` that holds the SQLite write turn from before the transaction's first
    statement until after its commit, for the busiest writers (the send writer, the
    dispatcher's claims and settles): reads before their first write then already see what
    the writer before them committed. Every other write transaction takes the turn at its
    first write statement (store/sqlite_driver.py). On Postgres it is `engine.begin()`."""
    async with engine.connect() as conn, write_turn(engine), conn.begin():
        yield conn


def _ping_when_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """Ping a pooled connection on checkout only when it has sat idle for `idle_seconds`.

    SQLAlchemy's `pool_pre_ping` pings on every checkout: one more round trip for every
    transaction, the largest single cost of a Send or a dispatcher claim on a busy machine.
    A connection in steady use has just proven itself; one that sat idle (when a database
    restart or a dropped connection goes unnoticed) is pinged, and a failed ping discards
    it and every pooled connection older than it, as `pool_pre_ping` does. A connection
    that broke within the last `idle_seconds` fails its next statement once, and that
    failure too invalidates the pool.
    """

    @event.listens_for(engine.sync_engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as e:
            raise exc.InvalidatePoolError(f"idle connection failed its ping: {e}") from e


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Several servers may start at once against one database: one migrates, the others
        # wait and then find nothing to do.
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
    command.upgrade(_alembic_config(connection), "head")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(engine: AsyncEngine) -> str | None:
    """The schema's migration revision, None before the first migration."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current)
