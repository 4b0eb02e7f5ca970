"""UpdateDevice validation: one violation per bad value, only for masked fields."""

from __future__ import annotations

import pytest

from clarion.domain.devices import DeviceInput, validate_update
from clarion.domain.errors import InvalidArgument


@pytest.mark.parametrize(
    ("data", "mask", "fields", "reason"),
    [
        (
            DeviceInput(topics=("bad topic!", "also bad!")),
            ["topics"],
            ["device.topics[0]", "device.topics[1]"],
            "INVALID_TOPIC",
        ),
        (
            DeviceInput(quiet_hours=(5000, 6000)),
            ["quiet_hours"],
            ["device.quiet_hours.start_minute", "device.quiet_hours.end_minute"],
            "INVALID_QUIET_HOURS",
        ),
    ],
)
def test_a_field_with_several_violations_reports_each_once(
    data: DeviceInput, mask: list[str], fields: list[str], reason: str
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        validate_update(data, mask)
    assert [v.field for v in caught.value.violations] == fields
    assert caught.value.reason == reason


def test_several_violations_outside_the_mask_are_ignored() -> None:
    changes = validate_update(
        DeviceInput(user_id="alice", topics=("bad!", "worse!"), quiet_hours=(5000, 6000)),
        ["user_id"],
    )
    assert changes == {"user_id": "alice"}
