"""The migrations build exactly the schema the code declares, on SQLite and on Postgres.

A fresh database (a SQLite file, a private Postgres schema) is migrated with
`clarion.store.engine.migrate`, then alembic's autogenerate comparison must find nothing
between it and `clarion.store.schema.metadata`: no table, column, type, nullability, index,
unique or foreign key that one has and the other lacks. A migration that drifts from the
schema (or a schema change without its migration) fails here.

Autogenerate does not compare a partial index's WHERE clause at all (a changed predicate
gives no diff), so those are compared here by reflection, on each backend's own option
(`sqlite_where`, `postgresql_where`), after normalising what the database gives back
(Postgres wraps the predicate in parentheses).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from clarion.store.engine import create_engine, migrate
from clarion.store.schema import metadata
from harness import postgres_url, private_schema


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each backend."""
    if request.param == "postgres":
        with private_schema(postgres_url()) as url:
            yield url
    else:
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrated.db'}"


@pytest.fixture
async def migrated(database_url: str) -> AsyncIterator[sa.Engine]:
    """The database after `migrate`, through a plain synchronous engine to inspect it."""
    engine = create_engine(database_url)
    try:
        await migrate(engine)
    finally:
        await engine.dispose()
    inspecting = sa.create_engine(database_url.replace("sqlite+aiosqlite", "sqlite"))
    yield inspecting
    inspecting.dispose()


def _where(predicate: Any) -> str | None:
    """A partial index's predicate as comparable text: outer parentheses and case dropped."""
    if predicate is None:
        return None
    text = " ".join(str(predicate).split())
    while text.startswith("(") and _closes_at_end(text):
        text = text[1:-1].strip()
    return text.lower()


def _closes_at_end(text: str) -> bool:
    """Whether the parenthesis opening `text` is the one closing it."""
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return i == len(text) - 1
    return False


def drift(conn: sa.Connection, declared: sa.MetaData) -> list[Any]:
    """Every difference between the database and `declared`, as alembic reports them, plus
    ("modify_index_where", table, index, in the database, declared) for partial indexes."""
    context = MigrationContext.configure(
        conn, opts={"compare_type": True, "compare_server_default": True}
    )
    found: list[Any] = list(compare_metadata(context, declared))
    dialect = conn.dialect.name
    inspector = sa.inspect(conn)
    for table in declared.tables.values():
        reflected = {
            index["name"]: _where(index.get("dialect_options", {}).get(f"{dialect}_where"))
            for index in inspector.get_indexes(table.name)
        }
        for index in table.indexes:
            want = _where(index.dialect_options[dialect]["where"])
            got = reflected.get(str(index.name), want)  # a missing index is alembic's finding
            if got != want:
                found.append(("modify_index_where", table.name, index.name, got, want))
    return found


def test_the_migrated_schema_is_the_declared_schema(migrated: sa.Engine) -> None:
    with migrated.connect() as conn:
        assert drift(conn, metadata) == []


def _drifted(change: str) -> sa.MetaData:
    """A copy of the declared schema with one change a migration could miss."""
    copy = sa.MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.sorted_tables:
        table.to_metadata(copy)
    sends, deliveries = copy.tables["sends"], copy.tables["deliveries"]
    match change:
        case "new-column":
            sends.append_column(sa.Column("priority", sa.Integer, nullable=True))
        case "type":
            sends.c.target.type = sa.Text()
        case "nullability":
            sends.c.creator.nullable = True
        case "partial-index":
            (due,) = [i for i in deliveries.indexes if i.name == "ix_deliveries_due"]
            for dialect in ("sqlite", "postgresql"):
                due.dialect_options[dialect]["where"] = sa.text("due_at IS NULL")
    return copy


@pytest.mark.parametrize("change", ["new-column", "type", "nullability", "partial-index"])
def test_the_comparison_notices_drift(migrated: sa.Engine, change: str) -> None:
    """The check above is not blind: each kind of change shows up as a difference."""
    with migrated.connect() as conn:
        assert drift(conn, _drifted(change)) != []
