"""Authentication: `authorization: Bearer <secret>` metadata -> the calling Principal.

Keys are looked up by the SHA-256 of the secret. Successful lookups are cached briefly
(default 5 s) so the send hot path does not pay a database round trip per call; a key revoked
through another process is therefore refused within that time, through this one at once.
When a cached key expires, the calls that need it meanwhile share one lookup: at 1,000
calls/s each doing its own, the lookups queued for pool connections and stalled every
caller for about 100 ms once per cache period.
"""

from __future__ import annotations

import asyncio
import time

from clarion.api.errors import Ctx
from clarion.domain.access import Principal
from clarion.domain.errors import Unauthenticated
from clarion.store.api_keys import ApiKeyRecord, ApiKeyStore, hash_secret
from clarion.store.clock import utcnow


def bearer_secret(context: Ctx) -> str:
    """The API key secret from the call's metadata; UNAUTHENTICATED when absent or malformed."""
    for key, value in context.invocation_metadata() or ():
        if key == "authorization":
            text = value.decode() if isinstance(value, bytes) else value
            scheme, _, secret = text.partition(" ")
            if scheme.lower() == "bearer" and secret.strip():
                return secret.strip()
            raise Unauthenticated(
                "the authorization metadata must be 'Bearer <api key>'", reason="MALFORMED_AUTH"
            )
    raise Unauthenticated(
        "missing API key: send 'authorization: Bearer <api key>'", reason="MISSING_API_KEY"
    )


class Authenticator:
    """Resolves API keys to principals, with a short positive cache."""

    def __init__(self, keys: ApiKeyStore, *, cache_seconds: float = 5.0) -> None:
        self._keys = keys
        self._ttl = cache_seconds
        self._cache: dict[bytes, tuple[float, ApiKeyRecord]] = {}
        self._lookups: dict[bytes, asyncio.Future[ApiKeyRecord | None]] = {}
        self._generation = 0  # bumped by forget(): lookups begun before it are not cached

    async def principal(self, context: Ctx) -> Principal:
        """The caller, or UNAUTHENTICATED."""
        secret = bearer_secret(context)
        digest = hash_secret(secret)
        now = time.monotonic()
        cached = self._cache.get(digest)
        # The cache only saves the lookup: a key that expired while cached is refused at once.
        if cached is not None and cached[0] > now and cached[1].valid_at(utcnow()):
            record = cached[1]
        else:
            generation = self._generation
            found = await self._lookup(digest, secret)
            if found is None:
                self._cache.pop(digest, None)
                raise Unauthenticated(
                    "the API key is unknown, revoked or expired", reason="INVALID_API_KEY"
                )
            record = found
            if len(self._cache) > 10_000:
                self._cache.clear()
            if generation == self._generation:
                self._cache[digest] = (now + self._ttl, record)
        return Principal(key_name=record.name, app_id=record.app_id, scopes=record.scopes)

    async def _lookup(self, digest: bytes, secret: str) -> ApiKeyRecord | None:
        """The store's answer for `secret`, one lookup at a time per secret."""
        pending = self._lookups.get(digest)
        if pending is None:
            pending = asyncio.ensure_future(self._keys.authenticate(secret))
            self._lookups[digest] = pending

            def _done(finished: asyncio.Future[ApiKeyRecord | None]) -> None:
                if self._lookups.get(digest) is finished:
                    del self._lookups[digest]

            pending.add_done_callback(_done)
        # Shielded: a caller that gives up (deadline) does not cancel the others' lookup.
        return await asyncio.shield(pending)

    def forget(self) -> None:
        """Drop cached keys (after a revocation through this process)."""
        self._generation += 1
        self._cache.clear()
        self._lookups.clear()
