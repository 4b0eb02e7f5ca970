"""Provider credentials: one sealed secret and its metadata per (app, provider)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from clarion.domain.device_rules import Provider
from clarion.domain.errors import NotFound
from clarion.store.apps import require_app
from clarion.store.clock import utcnow
from clarion.store.schema import credentials


@dataclass(frozen=True, slots=True)
class CredentialRecord:
    """A stored credential: metadata plus the sealed (encrypted) secret."""

    app_id: str
    provider: Provider
    metadata: Mapping[str, str]
    fingerprint: str
    sealed_secret: bytes
    created_at: datetime
    rotated_at: datetime
    last_used_at: datetime | None
    last_error: str
    last_error_at: datetime | None


def _record(row: Row[Any]) -> CredentialRecord:
    m = row._mapping
    return CredentialRecord(
        app_id=m["app_id"],
        provider=Provider(m["provider"]),
        metadata=dict(m["metadata"]),
        fingerprint=m["fingerprint"],
        sealed_secret=bytes(m["sealed_secret"]),
        created_at=m["created_at"],
        rotated_at=m["rotated_at"],
        last_used_at=m["last_used_at"],
        last_error=m["last_error"],
        last_error_at=m["last_error_at"],
    )


def _key(app_id: str, provider: Provider) -> tuple[Any, Any]:
    return credentials.c.app_id == app_id, credentials.c.provider == str(provider)


async def _get(conn: AsyncConnection, app_id: str, provider: Provider) -> CredentialRecord | None:
    row = (await conn.execute(select(credentials).where(*_key(app_id, provider)))).first()
    return _record(row) if row else None


class CredentialStore:
    """Queries on credentials."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def put(
        self,
        app_id: str,
        provider: Provider,
        sealed_secret: bytes,
        metadata: Mapping[str, str],
        fingerprint: str,
    ) -> CredentialRecord:
        """Store or replace (rotate) the app's credential for `provider`."""
        try:
            return await self._put_once(app_id, provider, sealed_secret, metadata, fingerprint)
        except IntegrityError:
            # A concurrent first put inserted the row between our read and our insert (or the
            # app was deleted: the retry then says NOT_FOUND). Now it is an update.
            return await self._put_once(app_id, provider, sealed_secret, metadata, fingerprint)

    async def _put_once(
        self,
        app_id: str,
        provider: Provider,
        sealed_secret: bytes,
        metadata: Mapping[str, str],
        fingerprint: str,
    ) -> CredentialRecord:
        now = utcnow()
        values = {
            "sealed_secret": sealed_secret,
            "metadata": dict(metadata),
            "fingerprint": fingerprint,
            "rotated_at": now,
            "last_error": "",
            "last_error_at": None,
        }
        async with self._engine.begin() as conn:
            await require_app(conn, app_id)
            existing = await _get(conn, app_id, provider)
            if existing is None:
                await conn.execute(
                    insert(credentials).values(
                        app_id=app_id, provider=str(provider), created_at=now, **values
                    )
                )
            else:
                await conn.execute(
                    update(credentials).where(*_key(app_id, provider)).values(**values)
                )
            record = await _get(conn, app_id, provider)
        assert record is not None
        return record

    async def insert_if_absent(
        self,
        app_id: str,
        provider: Provider,
        sealed_secret: bytes,
        metadata: Mapping[str, str],
        fingerprint: str,
    ) -> CredentialRecord:
        """Store a credential unless one exists; either way return the stored one.

        Used to generate VAPID keys on first request: two racing first requests must agree
        on one key, so the loser reads the winner's.
        """
        now = utcnow()
        try:
            async with self._engine.begin() as conn:
                await require_app(conn, app_id)
                existing = await _get(conn, app_id, provider)
                if existing is not None:
                    return existing
                await conn.execute(
                    insert(credentials).values(
                        app_id=app_id,
                        provider=str(provider),
                        sealed_secret=sealed_secret,
                        metadata=dict(metadata),
                        fingerprint=fingerprint,
                        created_at=now,
                        rotated_at=now,
                        last_error="",
                    )
                )
                record = await _get(conn, app_id, provider)
        except IntegrityError:
            # Both saw no row and both inserted: the primary key let one win. Read its row
            # (or NOT_FOUND, when the integrity error was the app being deleted meanwhile).
            record = await self.get(app_id, provider)
            if record is None:
                raise
        assert record is not None
        return record

    async def get(self, app_id: str, provider: Provider) -> CredentialRecord | None:
        """The credential, or None (NOT_FOUND when the app is missing)."""
        async with self._engine.connect() as conn:
            await require_app(conn, app_id)
            return await _get(conn, app_id, provider)

    async def list(self, app_id: str) -> list[CredentialRecord]:
        """The app's credentials, ordered by provider."""
        async with self._engine.connect() as conn:
            await require_app(conn, app_id)
            rows = (
                await conn.execute(
                    select(credentials)
                    .where(credentials.c.app_id == app_id)
                    .order_by(credentials.c.provider)
                )
            ).all()
        return [_record(row) for row in rows]

    async def delete(self, app_id: str, provider: Provider) -> None:
        """Delete one credential; NOT_FOUND when there is none."""
        async with self._engine.begin() as conn:
            await require_app(conn, app_id)
            result = await conn.execute(delete(credentials).where(*_key(app_id, provider)))
            if result.rowcount == 0:
                raise NotFound(
                    f"apps/{app_id}/credentials/{provider}", reason="CREDENTIAL_NOT_FOUND"
                )
