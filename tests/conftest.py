"""Shared fixtures: a real Clarion on a real port, on SQLite and on Postgres, every run.

Each backend gets one server per test session, on a fresh database; tests isolate themselves
by creating their own apps (`api.new_app()`), which is also how tenants are isolated in life.
`CLARION_TEST_POSTGRES_URL` must name a Postgres the suite may wipe (scripts/test sets it).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

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
            "starts Postgres, or point the variable at a database the tests may wipe"
        )
    return url


def reset_postgres(url: str) -> None:
    """Drop everything in the test database's public schema."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
async def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Server]:
    """One Clarion per backend for the whole session (tests parametrised over both)."""
    backend = request.param
    data_dir = tmp_path_factory.mktemp(f"clarion-{backend}")
    if backend == "postgres":
        url = postgres_url()
        reset_postgres(url)
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
