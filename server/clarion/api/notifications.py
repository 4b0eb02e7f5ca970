"""The `Notification` message between protobuf and the domain (shared by the send RPCs)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Final, TypeVar

from google.protobuf import duration_pb2, json_format, struct_pb2

from clarion.api.times import td
from clarion.domain.errors import FieldViolation, InvalidArgument, Violations
from clarion.domain.notifications import REASON, LocalizedText, Notification
from clarion.domain.push import InterruptionLevel, Priority
from clarion.v1 import notification_pb2 as pb

T = TypeVar("T")

PRIORITIES: Final[Mapping[pb.Priority, Priority | None]] = {
    pb.PRIORITY_UNSPECIFIED: None,
    pb.PRIORITY_NORMAL: Priority.NORMAL,
    pb.PRIORITY_HIGH: Priority.HIGH,
}
PRIORITY_ENUMS: Final = {v: k for k, v in PRIORITIES.items()}
INTERRUPTION_LEVELS: Final[Mapping[pb.InterruptionLevel, InterruptionLevel | None]] = {
    pb.INTERRUPTION_LEVEL_UNSPECIFIED: None,
    pb.INTERRUPTION_LEVEL_PASSIVE: InterruptionLevel.PASSIVE,
    pb.INTERRUPTION_LEVEL_ACTIVE: InterruptionLevel.ACTIVE,
    pb.INTERRUPTION_LEVEL_TIME_SENSITIVE: InterruptionLevel.TIME_SENSITIVE,
    pb.INTERRUPTION_LEVEL_CRITICAL: InterruptionLevel.CRITICAL,
}
INTERRUPTION_LEVEL_ENUMS: Final = {v: k for k, v in INTERRUPTION_LEVELS.items()}
# google.protobuf.Duration's documented range: about 10,000 years.
_MAX_DURATION_SECONDS: Final = 315_576_000_000
_NANOS_PER_SECOND: Final = 1_000_000_000
# Doubles hold every integer up to 2**53 exactly; beyond it an integral double stays a float.
_MAX_EXACT_INT: Final = 2**53


def notification_from_proto(
    msg: pb.Notification, *, prefix: str = "notification", into: Violations | None = None
) -> Notification:
    """The wire notification as the domain's, not yet validated.

    Finds what the domain type cannot hold (unknown enum numbers, a negative or malformed
    `ttl`, non-finite numbers in `overrides`), every violation at once under `prefix`.
    Without `into` it raises them; with `into` it records them there and returns the
    notification with those fields unset, so the caller's `validate_notification` still
    reports the limits and locale tags in the same answer. `overrides` keeps the set,
    non-empty fields, keyed by their proto names.
    """
    v: list[FieldViolation] = []
    priority = _enum(PRIORITIES, msg.priority, f"{prefix}.priority", v)
    level = _enum(INTERRUPTION_LEVELS, msg.interruption_level, f"{prefix}.interruption_level", v)
    ttl = _ttl(msg.ttl, f"{prefix}.ttl", v) if msg.HasField("ttl") else None
    overrides = _overrides(msg.overrides, f"{prefix}.overrides", v)
    if v:
        if into is None:
            raise InvalidArgument("invalid notification", v, reason=REASON)
        for violation in v:
            into.add(violation.field, violation.description, REASON)
    return Notification(
        title=msg.title,
        subtitle=msg.subtitle,
        body=msg.body,
        data=dict(msg.data),
        image_url=msg.image_url,
        sound=msg.sound,
        badge=msg.badge if msg.HasField("badge") else None,
        category=msg.category,
        thread_id=msg.thread_id,
        collapse_key=msg.collapse_key,
        priority=priority,
        ttl=ttl,
        content_available=msg.content_available,
        mutable_content=msg.mutable_content,
        interruption_level=level,
        localizations={
            tag: LocalizedText(text.title, text.body) for tag, text in msg.localizations.items()
        },
        overrides=overrides,
    )


def notification_to_proto(n: Notification) -> pb.Notification:
    """The domain notification on the wire; the inverse of `notification_from_proto`."""
    msg = pb.Notification(
        title=n.title,
        subtitle=n.subtitle,
        body=n.body,
        data=n.data,
        image_url=n.image_url,
        sound=n.sound,
        badge=n.badge,
        category=n.category,
        thread_id=n.thread_id,
        collapse_key=n.collapse_key,
        priority=PRIORITY_ENUMS[n.priority],
        ttl=n.ttl,
        content_available=n.content_available,
        mutable_content=n.mutable_content,
        interruption_level=INTERRUPTION_LEVEL_ENUMS[n.interruption_level],
        localizations={
            tag: pb.LocalizedText(title=text.title, body=text.body)
            for tag, text in n.localizations.items()
        },
    )
    for key, value in n.overrides.items():
        if key not in pb.ProviderOverrides.DESCRIPTOR.fields_by_name:
            raise ValueError(f"unknown provider override {key!r}")
        target = getattr(msg.overrides, key)
        if isinstance(target, struct_pb2.Struct):
            json_format.ParseDict(value, target)
        else:
            target.update(value)
    return msg


def _enum(table: Mapping[Any, T], value: int, path: str, v: list[FieldViolation]) -> T | None:
    if value not in table:
        v.append(FieldViolation(path, f"unknown enum value {value}"))
        return None
    return table[value]


def _ttl(value: duration_pb2.Duration, path: str, v: list[FieldViolation]) -> timedelta | None:
    if value.seconds < 0 or value.nanos < 0:
        v.append(FieldViolation(path, "must not be negative"))
        return None
    if value.seconds > _MAX_DURATION_SECONDS or value.nanos >= _NANOS_PER_SECOND:
        v.append(FieldViolation(path, "not a normalised Duration"))
        return None
    return td(value)  # below a microsecond is dropped: providers count whole seconds


def _overrides(msg: pb.ProviderOverrides, path: str, v: list[FieldViolation]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field, value in msg.ListFields():  # set fields only: non-empty maps, present Structs
        if not isinstance(value, struct_pb2.Struct):
            out[field.name] = dict(value)
            continue
        try:
            obj = json_format.MessageToDict(value)
        except ValueError:  # NaN or infinity, which JSON cannot carry
            v.append(FieldViolation(f"{path}.{field.name}", "numbers must be finite"))
            continue
        if obj:
            out[field.name] = _integral(obj)
    return out


def _integral(value: Any) -> Any:
    """JSON numbers as the caller most likely wrote them: a Struct stores only doubles, so a
    `3` would otherwise reach the provider's payload as `3.0`."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= _MAX_EXACT_INT:
        return int(value)
    if isinstance(value, dict):
        return {k: _integral(x) for k, x in value.items()}
    if isinstance(value, list):
        return [_integral(x) for x in value]
    return value
