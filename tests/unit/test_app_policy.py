"""The app policy value (defaults resolved once) and the per-user registration rate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clarion.domain.app_policy import (
    AppPolicy,
    check_registration_rate,
    validate_generic_text,
    validate_retention,
)
from clarion.domain.errors import InvalidArgument, ResourceExhausted

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def ago(seconds: float) -> datetime:
    return NOW - timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("policy", "quota", "registrations", "devices", "receipts"),
    [
        (AppPolicy(), 10_000, 10, timedelta(days=90), timedelta(days=30)),
        (
            AppPolicy(
                daily_quota=5,
                registrations_per_user_hour=2,
                stale_device_retention=timedelta(days=7),
                receipt_retention=timedelta(days=2),
            ),
            5,
            2,
            timedelta(days=7),
            timedelta(days=2),
        ),
    ],
    ids=["zero-and-unset-mean-the-defaults", "set-values-win"],
)
def test_defaults_are_resolved_in_one_place(
    policy: AppPolicy,
    quota: int,
    registrations: int,
    devices: timedelta,
    receipts: timedelta,
) -> None:
    assert policy.quota.limit == quota
    assert policy.registration_limit == registrations
    assert policy.device_retention == devices
    assert policy.receipts_kept == receipts


@pytest.mark.parametrize(
    ("recent", "limit", "retry_after"),
    [
        ([], 1, None),
        ([ago(10)], 2, None),  # limit - 1 in the window: one more fits
        ([ago(10), ago(20)], 2, 3600 - 20),  # at the limit: wait for the oldest to leave
        ([ago(3600), ago(10)], 2, None),  # exactly an hour old is outside the window
        ([ago(3599), ago(10)], 2, 1),  # one second younger is inside, for one more second
        ([ago(7200), ago(5000), ago(4000)], 1, None),  # all older than the window
        ([ago(10), ago(20), ago(30)], 2, 3600 - 20),  # over the limit: the second oldest
        ([ago(30), ago(10), ago(20)], 3, 3600 - 30),  # any order
        ([ago(0)], 1, 3600),  # one at `now` itself is inside
    ],
    ids=[
        "none",
        "under",
        "at-limit",
        "hour-old-left",
        "just-inside",
        "all-old",
        "over-limit",
        "unordered",
        "at-now",
    ],
)
def test_registration_rate_at_the_boundary(
    recent: list[datetime], limit: int, retry_after: float | None
) -> None:
    if retry_after is None:
        check_registration_rate(recent, NOW, limit)
        return
    with pytest.raises(ResourceExhausted) as refused:
        check_registration_rate(recent, NOW, limit)
    assert refused.value.reason == "REGISTRATION_RATE_EXCEEDED"
    assert refused.value.retry_after == pytest.approx(retry_after)


def test_a_limit_below_one_is_a_caller_bug() -> None:
    with pytest.raises(ValueError):
        check_registration_rate([], NOW, 0)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (timedelta(days=1), True),
        (timedelta(days=3650), True),
        (timedelta(hours=23, minutes=59), False),
        (timedelta(days=3651), False),
    ],
)
def test_retention_is_one_day_to_ten_years(value: timedelta, ok: bool) -> None:
    if ok:
        assert validate_retention(value, "policy.receipt_retention") == value
    else:
        with pytest.raises(InvalidArgument) as bad:
            validate_retention(value, "policy.receipt_retention")
        assert [v.field for v in bad.value.violations] == ["policy.receipt_retention"]


@pytest.mark.parametrize(
    ("title", "body", "fields"),
    [
        ("Acme", "You have a new message", []),
        ("", "line one\nline two", []),
        ("x" * 257, "", ["policy.generic_title"]),
        ("bell\a", "y" * 4097, ["policy.generic_title", "policy.generic_body"]),
    ],
)
def test_generic_text_limits(title: str, body: str, fields: list[str]) -> None:
    if not fields:
        assert validate_generic_text(title, body, "policy") == (title, body)
        return
    with pytest.raises(InvalidArgument) as bad:
        validate_generic_text(title, body, "policy")
    assert [v.field for v in bad.value.violations] == fields
