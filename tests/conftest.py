"""Shared fixtures: a real Clarion on a real port, on SQLite and on Postgres, every run.

Each backend gets one server per test session, on a fresh database; tests isolate themselves
by creating their own apps (`api.new_app()`), which is also how tenants are isolated in life.
`CLARION_TEST_POSTGRES_URL` names the Postgres database (scripts/test sets it); each session
works in a schema of its own and drops it at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, contextmanager

import grpc
import pytest
import sqlalchemy as sa

from clarion.app import Clarion
from clarion.config import Settings
from harness import Api, Server

BACKENDS = ("sqlite", "postgres")


def postgres_url() -> str:
    url = os.environ.get("CLARION_TEST_POSTGRES_URL")
    if not url:
        pytest.fail(
            "CLARION_TEST_POSTGRES_URL is not set: run the suite with scripts/test, which "
            "starts Postgres, or point it at a database where the tests may create schemas"
        )
    return url


@contextmanager
def private_schema(url: str) -> Iterator[str]:
    """A fresh schema for this session, dropped afterwards; yields a URL that uses only it.

    Test runs may overlap (several developers, CI), so none may wipe the shared database:
    each gets its own schema through the connection's search_path.
    """
    schema = f"clarion_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
async def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Server]:
    """One Clarion per backend for the whole session (tests parametrised over both)."""
    backend = request.param
    data_dir = tmp_path_factory.mktemp(f"clarion-{backend}")
    with ExitStack() as stack:
        if backend == "postgres":
            url = stack.enter_context(private_schema(postgres_url()))
        else:
            url = f"sqlite+aiosqlite:///{data_dir / 'clarion.db'}"
        settings = Settings(
            data_dir=data_dir,
            database_url=url,
            listen="127.0.0.1:0",
            gateway=False,
            auth_cache_seconds=5.0,
            shutdown_grace_seconds=1.0,
        )
        clarion = Clarion(settings)
        await clarion.start()
        admin_key = settings.admin_key_path.read_text().strip()
        yield Server(backend, clarion, f"127.0.0.1:{clarion.port}", admin_key, url, settings)
        await clarion.stop(grace=0)


@pytest.fixture(scope="session")
async def api(server: Server) -> AsyncIterator[Api]:
    """Admin access to the session's server over a real gRPC channel."""
    async with grpc.aio.insecure_channel(server.address) as channel:
        yield Api(server, channel)
