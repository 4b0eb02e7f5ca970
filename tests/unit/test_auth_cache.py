"""The API key cache: calls that find their key's entry expired share one lookup.

Each call doing its own lookup when an entry expired made a herd of concurrent lookups
once per cache period under load (at 1,000 Sends/s, a stall of about 100 ms every 5 s).
The store here is a stand-in that counts lookups and answers when the test says so.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, cast

import pytest

from clarion.api.auth import Authenticator
from clarion.domain.access import Scope
from clarion.domain.errors import Unauthenticated
from clarion.store.api_keys import ApiKeyRecord

SECRET = "clk_test-secret"


class _Keys:
    def __init__(self) -> None:
        self.lookups = 0
        self.answer = asyncio.Event()
        self.valid = True

    async def authenticate(self, secret: str) -> ApiKeyRecord | None:
        self.lookups += 1
        await self.answer.wait()
        if not self.valid or secret != SECRET:
            return None
        return ApiKeyRecord(
            id="k1",
            app_id="app1",
            display_name="test",
            scopes=frozenset({Scope.PUSH_SEND}),
            secret_prefix="clk_te",
            created_at=datetime.now(UTC),
            last_used_at=None,
            revoked_at=None,
            expires_at=None,
        )


class _Metadata:
    def invocation_metadata(self) -> Any:
        return (("authorization", f"Bearer {SECRET}"),)


def _context() -> Any:
    return _Metadata()


def _authenticator(keys: _Keys, cache_seconds: float = 60.0) -> Authenticator:
    return Authenticator(cast(Any, keys), cache_seconds=cache_seconds)


async def test_concurrent_calls_without_a_cached_key_share_one_lookup() -> None:
    keys = _Keys()
    auth = _authenticator(keys)
    calls = [asyncio.ensure_future(auth.principal(_context())) for _ in range(50)]
    await asyncio.sleep(0)
    keys.answer.set()
    principals = await asyncio.gather(*calls)
    assert keys.lookups == 1
    assert {p.key_name for p in principals} == {"apps/app1/apiKeys/k1"}
    await auth.principal(_context())
    assert keys.lookups == 1  # cached now


async def test_an_expired_entry_is_looked_up_once_for_all_waiting_calls() -> None:
    keys = _Keys()
    keys.answer.set()
    auth = _authenticator(keys, cache_seconds=0.0)  # every entry is already expired
    await auth.principal(_context())
    keys.answer.clear()
    calls = [asyncio.ensure_future(auth.principal(_context())) for _ in range(20)]
    await asyncio.sleep(0)
    keys.answer.set()
    await asyncio.gather(*calls)
    assert keys.lookups == 2


async def test_a_caller_giving_up_does_not_cancel_the_shared_lookup() -> None:
    keys = _Keys()
    auth = _authenticator(keys)
    impatient = asyncio.ensure_future(auth.principal(_context()))
    patient = asyncio.ensure_future(auth.principal(_context()))
    await asyncio.sleep(0)
    impatient.cancel()
    keys.answer.set()
    assert (await patient).app_id == "app1"
    assert keys.lookups == 1


async def test_a_lookup_begun_before_forget_is_not_cached() -> None:
    keys = _Keys()
    auth = _authenticator(keys)
    before = asyncio.ensure_future(auth.principal(_context()))
    await asyncio.sleep(0)
    auth.forget()  # a revocation through this process, while the lookup is out
    keys.answer.set()
    await before  # it began before the revocation: it may still pass
    keys.valid = False
    with pytest.raises(Unauthenticated):
        await auth.principal(_context())
    assert keys.lookups == 2
