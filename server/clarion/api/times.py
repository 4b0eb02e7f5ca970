"""Timestamps and durations between protobuf and Python."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from google.protobuf import duration_pb2, timestamp_pb2


def ts(value: datetime | None) -> timestamp_pb2.Timestamp | None:
    """A protobuf Timestamp, or None to leave the field unset."""
    if value is None:
        return None
    out = timestamp_pb2.Timestamp()
    out.FromDatetime(value)
    return out


def dt(value: timestamp_pb2.Timestamp) -> datetime:
    """An aware UTC datetime."""
    return value.ToDatetime(tzinfo=UTC)


def td(value: duration_pb2.Duration) -> timedelta:
    """A timedelta."""
    return value.ToTimedelta()
