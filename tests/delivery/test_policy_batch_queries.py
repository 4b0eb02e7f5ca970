"""The dispatcher's policy stage reads per batch, never per delivery: the statements it runs
for a batch of 500 deliveries are those it runs for a batch of 1 (both databases), the
batch's one device read included."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from google.protobuf import field_mask_pb2
from sqlalchemy import event, insert

from clarion.dispatch.policy import PolicyStage
from clarion.domain.notifications import Notification
from clarion.store.engine import create_engine
from clarion.store.policy import PolicyReader
from clarion.store.queue import Claimed, DeliveryQueue
from clarion.store.schema import devices
from clarion.store.signals import Signals
from clarion.v1 import policy_admin_service_pb2, policy_pb2
from harness import Api, Server


@pytest.fixture
async def engine(server: Server) -> AsyncIterator[Any]:
    engine = create_engine(server.database_url)
    yield engine
    await engine.dispose()


def batch(app_id: str, size: int) -> tuple[list[Claimed], dict[str, Notification]]:
    """`size` deliveries of `size` sends (each with a category) to `size` users' devices."""
    expires = datetime.now(UTC) + timedelta(hours=1)
    claimed = [
        Claimed(app_id, f"S{i:025d}", f"D{i:025d}", f"user-{i}", "apns", 1, expires)
        for i in range(size)
    ]
    notifications = {
        c.send_id: Notification(title="t", category=f"cat-{i % 7}") for i, c in enumerate(claimed)
    }
    return claimed, notifications


async def test_a_batch_of_500_costs_the_statements_of_a_batch_of_1(api: Api, engine: Any) -> None:
    app = await api.new_app()
    await api.admin(
        api.admin.admin.UpdateAppPolicy,
        policy_admin_service_pb2.UpdateAppPolicyRequest(
            policy=policy_pb2.AppPolicy(name=f"{app.parent}/policy", frequency_cap_hour=3),
            update_mask=field_mask_pb2.FieldMask(paths=["frequency_cap_hour"]),
        ),
    )
    now = datetime.now(UTC)
    async with engine.begin() as conn:  # devices as the store keeps them (tokens are opaque here)
        await conn.execute(
            insert(devices),
            [
                {
                    "id": f"D{i:025d}",
                    "app_id": app.id,
                    "user_id": f"user-{i}",
                    "provider": "apns",
                    "token_ciphertext": b"sealed",
                    "status": "active",
                    "category_preferences": {"cat-3": False},
                    "time_zone": "Europe/Berlin",
                    "created_at": now,
                    "updated_at": now,
                    "last_seen_at": now,
                }
                for i in range(500)
            ],
        )
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement.split()[0].upper())

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    stage = PolicyStage(PolicyReader(engine))
    queue = DeliveryQueue(engine, Signals(engine))
    seen = []
    counts: list[int] = []
    for size in (1, 500):
        statements.clear()
        claimed, notifications = batch(app.id, size)
        # The dispatcher's one device read per batch, shared with the policy stage.
        recipients = await queue.recipients([c.device_id for c in claimed])
        assert len(recipients) == size
        decided = await stage.evaluate(claimed, notifications, recipients, datetime.now(UTC))
        # cat-3 is off on every device: one delivery in 7 is held back, the rest go.
        held_reasons = {t.reason for t in decided.held.values()}
        assert held_reasons <= {"category_disabled"}
        assert len(decided.held) == sum(1 for i in range(size) if i % 7 == 3)
        seen.append(sorted(set(statements) - {"BEGIN", "COMMIT", "ROLLBACK"}))
        counts.append(len(statements))
    assert seen[0] == seen[1]  # the same kinds of statement (SELECT, INSERT, DELETE)
    # A handful, whatever the size (the 500-row INSERT may be cut in a few executemany pages).
    assert counts[1] <= counts[0] + 3, (counts, statements)
