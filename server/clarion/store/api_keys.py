"""API keys: stored as SHA-256 of the secret, never the secret itself."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from clarion.domain.access import Scope
from clarion.domain.errors import NotFound
from clarion.store.apps import require_app
from clarion.store.clock import utcnow
from clarion.store.ids import new_key_id
from clarion.store.schema import api_keys

SECRET_PREFIX = "clk_"
# last_used_at is a hint for humans; writing it on every call would put a write on every read.
_LAST_USED_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    """An API key's metadata."""

    id: str
    app_id: str | None
    display_name: str
    scopes: frozenset[Scope]
    secret_prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime | None

    @property
    def name(self) -> str:
        """Resource name: `apps/{app}/apiKeys/{id}` or `apiKeys/{id}` for global keys."""
        return f"apps/{self.app_id}/apiKeys/{self.id}" if self.app_id else f"apiKeys/{self.id}"

    def valid_at(self, now: datetime) -> bool:
        """Neither revoked nor expired."""
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


def hash_secret(secret: str) -> bytes:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode()).digest()


def _record(row: Row[tuple[object, ...]]) -> ApiKeyRecord:
    m = row._mapping
    return ApiKeyRecord(
        id=m["id"],
        app_id=m["app_id"],
        display_name=m["display_name"],
        scopes=frozenset(Scope(s) for s in m["scopes"].split()),
        secret_prefix=m["secret_prefix"],
        created_at=m["created_at"],
        last_used_at=m["last_used_at"],
        revoked_at=m["revoked_at"],
        expires_at=m["expires_at"],
    )


class ApiKeyStore:
    """Queries on API keys."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def create(
        self,
        app_id: str | None,
        display_name: str,
        scopes: frozenset[Scope],
        expires_at: datetime | None,
    ) -> tuple[ApiKeyRecord, str]:
        """Create a key; returns its record and its secret (the only time it exists in clear)."""
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        record = ApiKeyRecord(
            id=new_key_id(),
            app_id=app_id,
            display_name=display_name,
            scopes=scopes,
            secret_prefix=secret[: len(SECRET_PREFIX) + 6],
            created_at=utcnow(),
            last_used_at=None,
            revoked_at=None,
            expires_at=expires_at,
        )
        async with self._engine.begin() as conn:
            if app_id is not None:
                await require_app(conn, app_id)
            await conn.execute(
                insert(api_keys).values(
                    id=record.id,
                    app_id=app_id,
                    display_name=display_name,
                    secret_hash=hash_secret(secret),
                    secret_prefix=record.secret_prefix,
                    scopes=" ".join(sorted(scopes)),
                    created_at=record.created_at,
                    expires_at=expires_at,
                )
            )
        return record, secret

    async def authenticate(self, secret: str) -> ApiKeyRecord | None:
        """The valid key with this secret, or None; notes its use at most once a minute."""
        if not secret.startswith(SECRET_PREFIX):
            return None
        now = utcnow()
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(api_keys).where(api_keys.c.secret_hash == hash_secret(secret))
                )
            ).first()
        if row is None:
            return None
        record = _record(row)
        if not record.valid_at(now):
            return None
        if record.last_used_at is None or now - record.last_used_at > _LAST_USED_GRANULARITY:
            async with self._engine.begin() as conn:
                await conn.execute(
                    update(api_keys).where(api_keys.c.id == record.id).values(last_used_at=now)
                )
        return record

    async def list(self, app_id: str | None, after: str | None, limit: int) -> list[ApiKeyRecord]:
        """Keys of an app (or the global keys when app_id is None), by id."""
        owner = api_keys.c.app_id.is_(None) if app_id is None else api_keys.c.app_id == app_id
        query = select(api_keys).where(owner).order_by(api_keys.c.id).limit(limit)
        if after is not None:
            query = query.where(api_keys.c.id > after)
        async with self._engine.connect() as conn:
            if app_id is not None:
                await require_app(conn, app_id)
            rows = (await conn.execute(query)).all()
        return [_record(row) for row in rows]

    async def revoke(self, app_id: str | None, key_id: str) -> ApiKeyRecord:
        """Revoke a key (idempotent: a revoked key keeps its first revocation time)."""
        owner = api_keys.c.app_id.is_(None) if app_id is None else api_keys.c.app_id == app_id
        where = (api_keys.c.id == key_id, owner)
        async with self._engine.begin() as conn:
            await conn.execute(
                update(api_keys)
                .where(*where, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
            row = (await conn.execute(select(api_keys).where(*where))).first()
        if row is None:
            name = f"apps/{app_id}/apiKeys/{key_id}" if app_id else f"apiKeys/{key_id}"
            raise NotFound(name, reason="API_KEY_NOT_FOUND")
        return _record(row)

    async def count(self) -> int:
        """How many keys exist at all (zero on a fresh database)."""
        async with self._engine.connect() as conn:
            return int(await conn.scalar(select(func.count()).select_from(api_keys)) or 0)
