"""AppPolicy between protobuf and the domain: the message, and an update by field mask.

`apply_policy_update` validates only the fields the mask names (all their problems at once)
and merges them into the current policy; unknown paths are `INVALID_UPDATE_MASK`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, Final

from google.protobuf import duration_pb2

from clarion.api.times import td, ts
from clarion.domain.app_policy import (
    AppPolicy,
    validate_generic_text,
    validate_registration_limit,
    validate_retention,
)
from clarion.domain.device_rules import QuietHours
from clarion.domain.errors import InvalidArgument, Violations
from clarion.domain.frequency import FrequencyCaps
from clarion.domain.privacy import PrivacyMode
from clarion.domain.quiet_hours import QuietHoursMode
from clarion.domain.quota import DailyQuota
from clarion.v1 import policy_pb2

QUIET_MODES: Final = {
    policy_pb2.QUIET_HOURS_MODE_UNSPECIFIED: QuietHoursMode.DEFER,
    policy_pb2.QUIET_HOURS_MODE_DEFER: QuietHoursMode.DEFER,
    policy_pb2.QUIET_HOURS_MODE_SUPPRESS: QuietHoursMode.SUPPRESS,
}
QUIET_MODE_ENUMS: Final = {
    QuietHoursMode.DEFER: policy_pb2.QUIET_HOURS_MODE_DEFER,
    QuietHoursMode.SUPPRESS: policy_pb2.QUIET_HOURS_MODE_SUPPRESS,
}
PRIVACY_MODES: Final = {
    policy_pb2.PRIVACY_MODE_UNSPECIFIED: PrivacyMode.OFF,
    policy_pb2.PRIVACY_MODE_OFF: PrivacyMode.OFF,
    policy_pb2.PRIVACY_MODE_GENERIC_TEXT: PrivacyMode.GENERIC_TEXT,
    policy_pb2.PRIVACY_MODE_TRUNCATE: PrivacyMode.TRUNCATE,
}
PRIVACY_MODE_ENUMS: Final = {
    PrivacyMode.OFF: policy_pb2.PRIVACY_MODE_OFF,
    PrivacyMode.GENERIC_TEXT: policy_pb2.PRIVACY_MODE_GENERIC_TEXT,
    PrivacyMode.TRUNCATE: policy_pb2.PRIVACY_MODE_TRUNCATE,
}


def _duration(value: Any) -> duration_pb2.Duration | None:
    if value is None:
        return None
    out = duration_pb2.Duration()
    out.FromTimedelta(value)
    return out


def policy_message(app_id: str, policy: AppPolicy) -> policy_pb2.AppPolicy:
    """A policy on the wire, as stored (0 and unset keep meaning "the default")."""
    msg = policy_pb2.AppPolicy(
        name=f"apps/{app_id}/policy",
        daily_quota=policy.daily_quota,
        registrations_per_user_hour=policy.registrations_per_user_hour,
        quiet_hours_mode=QUIET_MODE_ENUMS[policy.quiet_hours_mode],
        frequency_cap_hour=policy.caps.per_hour,
        frequency_cap_day=policy.caps.per_day,
        privacy_mode=PRIVACY_MODE_ENUMS[policy.privacy_mode],
        generic_title=policy.generic_title,
        generic_body=policy.generic_body,
        stale_device_retention=_duration(policy.stale_device_retention),
        receipt_retention=_duration(policy.receipt_retention),
        update_time=ts(policy.updated_at),
    )
    if policy.quiet_hours is not None:
        msg.quiet_hours.start_minute = policy.quiet_hours.start_minute
        msg.quiet_hours.end_minute = policy.quiet_hours.end_minute
    return msg


# A masked field's change: AppPolicy fields and their validated values (the two caps are
# named by their proto fields and combined into one FrequencyCaps by apply_policy_update).
_Change = Callable[[policy_pb2.AppPolicy], dict[str, Any]]


def _quota(msg: policy_pb2.AppPolicy) -> dict[str, Any]:
    DailyQuota.from_setting(msg.daily_quota, field="policy.daily_quota")
    return {"daily_quota": msg.daily_quota}


def _registrations(msg: policy_pb2.AppPolicy) -> dict[str, Any]:
    value = msg.registrations_per_user_hour
    return {
        "registrations_per_user_hour": validate_registration_limit(
            value, "policy.registrations_per_user_hour"
        )
    }


def _quiet_hours(msg: policy_pb2.AppPolicy) -> dict[str, Any]:
    if not msg.HasField("quiet_hours"):
        return {"quiet_hours": None}  # named in the mask but unset: no quiet hours
    hours = msg.quiet_hours
    return {
        "quiet_hours": QuietHours.validated(
            hours.start_minute, hours.end_minute, field="policy.quiet_hours"
        )
    }


def _enum_value(table: Mapping[Any, Any], value: int, field: str) -> Any:
    if value not in table:
        raise InvalidArgument.field(field, f"unknown enum value {value}", reason="INVALID_ENUM")
    return table[value]


def _quiet_mode(msg: policy_pb2.AppPolicy) -> dict[str, Any]:
    mode = _enum_value(QUIET_MODES, msg.quiet_hours_mode, "policy.quiet_hours_mode")
    return {"quiet_hours_mode": mode}


def _cap_hour(msg: policy_pb2.AppPolicy) -> dict[str, Any]:
    FrequencyCaps.validated(msg.frequency_cap_hour, 0, field="policy")
    return {"frequency_cap_hour": msg.frequency_cap_hour}


def _cap_day(msg: policy_pb2.AppPolicy) -> dict[str, Any]:
    FrequencyCaps.validated(0, msg.frequency_cap_day, field="policy")
    return {"frequency_cap_day": msg.frequency_cap_day}


def _privacy(msg: policy_pb2.AppPolicy) -> dict[str, Any]:
    return {"privacy_mode": _enum_value(PRIVACY_MODES, msg.privacy_mode, "policy.privacy_mode")}


def _generic_title(msg: policy_pb2.AppPolicy) -> dict[str, Any]:
    validate_generic_text(msg.generic_title, "", "policy")
    return {"generic_title": msg.generic_title}


def _generic_body(msg: policy_pb2.AppPolicy) -> dict[str, Any]:
    validate_generic_text("", msg.generic_body, "policy")
    return {"generic_body": msg.generic_body}


def _retention(name: str) -> _Change:
    def change(msg: policy_pb2.AppPolicy) -> dict[str, Any]:
        if not msg.HasField(name):
            return {name: None}  # back to the default
        value = getattr(msg, name)
        if value.seconds < 0 or value.nanos < 0:
            raise InvalidArgument.field(
                f"policy.{name}", "must be positive", reason="INVALID_POLICY"
            )
        return {name: validate_retention(td(value), f"policy.{name}")}

    return change


POLICY_UPDATABLE: Final[dict[str, _Change]] = {
    "daily_quota": _quota,
    "registrations_per_user_hour": _registrations,
    "quiet_hours": _quiet_hours,
    "quiet_hours_mode": _quiet_mode,
    "frequency_cap_hour": _cap_hour,
    "frequency_cap_day": _cap_day,
    "privacy_mode": _privacy,
    "generic_title": _generic_title,
    "generic_body": _generic_body,
    "stale_device_retention": _retention("stale_device_retention"),
    "receipt_retention": _retention("receipt_retention"),
}


def apply_policy_update(
    current: AppPolicy, msg: policy_pb2.AppPolicy, paths: list[str]
) -> AppPolicy:
    """`current` with the masked fields of `msg`; every problem reported at once."""
    bad = [p for p in paths if p not in POLICY_UPDATABLE]
    if not paths or bad:
        raise InvalidArgument.field(
            "update_mask",
            f"name fields among {', '.join(POLICY_UPDATABLE)}"
            + (f"; not updatable: {', '.join(bad)}" if bad else ""),
            reason="INVALID_UPDATE_MASK",
        )
    v = Violations()
    changes: dict[str, Any] = {}
    for path in dict.fromkeys(paths):
        with v.check():
            changes |= POLICY_UPDATABLE[path](msg)
    v.raise_if_any("policy")
    caps = FrequencyCaps(
        changes.pop("frequency_cap_hour", current.caps.per_hour),
        changes.pop("frequency_cap_day", current.caps.per_day),
    )
    return dataclasses.replace(current, caps=caps, **changes)
