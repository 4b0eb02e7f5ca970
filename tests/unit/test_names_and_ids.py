"""Server-made ids sort in creation order."""

from __future__ import annotations

from clarion.store.ids import new_id


def test_ids_made_in_one_burst_are_strictly_increasing() -> None:
    ids = [new_id() for _ in range(20_000)]  # many share a millisecond
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 26 for i in ids)
