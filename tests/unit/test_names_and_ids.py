"""Resource names parse whole; server-made ids sort in creation order."""

from __future__ import annotations

import pytest

from clarion.domain.errors import InvalidArgument
from clarion.domain.names import app_id_of, device_ref
from clarion.store.ids import new_id


def test_ids_made_in_one_burst_are_strictly_increasing() -> None:
    ids = [new_id() for _ in range(20_000)]  # many share a millisecond
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 26 for i in ids)


def test_names_with_a_trailing_newline_are_refused() -> None:
    # `$` in a pattern also matches before a final newline; names must match whole.
    for call in (lambda: app_id_of("apps/abc\n"), lambda: device_ref("apps/abc/devices/d\n")):
        with pytest.raises(InvalidArgument):
            call()
