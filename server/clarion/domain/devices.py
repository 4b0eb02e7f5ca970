"""Devices: the registration entity and the rules for registering and updating one.

Validation gathers every violation of a request before failing, so a client sees all of its
mistakes in one `BadRequest`, and nothing is written unless all of it is valid.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final
from urllib.parse import urlsplit

from clarion.domain.categories import validate_category_key
from clarion.domain.credential_rules import ApnsEnvironment
from clarion.domain.device_rules import (
    Provider,
    QuietHours,
    encode_base64url,
    validate_install_id,
    validate_locale,
    validate_time_zone,
    validate_token,
    validate_topics,
    validate_user_id,
    validate_webpush_subscription,
)
from clarion.domain.errors import Violations

MAX_TEXT_FIELD: Final = 128
MAX_CATEGORY_PREFERENCES: Final = 256


class DeviceStatus(enum.StrEnum):
    """Lifecycle of a registration (see docs/devices.md)."""

    ACTIVE = "active"
    STALE = "stale"
    REVOKED = "revoked"
    INVALID = "invalid"


class Platform(enum.StrEnum):
    """Where the app runs; informational, and a list filter."""

    UNSPECIFIED = ""
    IOS = "ios"
    ANDROID = "android"
    WEB = "web"
    MACOS = "macos"
    WATCHOS = "watchos"
    TVOS = "tvos"
    HARMONYOS = "harmonyos"


@dataclass(frozen=True, slots=True)
class Device:
    """A stored registration, as the API shows it (never with its token in clear)."""

    id: str
    app_id: str
    install_id: str | None
    user_id: str | None
    provider: Provider
    platform: Platform
    token_hint: str
    apns_environment: ApnsEnvironment | None
    locale: str
    time_zone: str
    app_version: str
    os_version: str
    device_model: str
    topics: tuple[str, ...]
    category_preferences: Mapping[str, bool]
    quiet_hours: QuietHours | None
    status: DeviceStatus
    status_reason: str
    created_at: datetime
    updated_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True, slots=True)
class DeviceInput:
    """What a caller sent for a device, before validation (strings as on the wire)."""

    install_id: str = ""
    user_id: str = ""
    provider: Provider | None = None
    platform: Platform = Platform.UNSPECIFIED
    token: str = ""
    web_push: tuple[str, str, str] | None = None  # endpoint, p256dh, auth
    apns_environment: ApnsEnvironment | None = None
    locale: str = ""
    time_zone: str = ""
    app_version: str = ""
    os_version: str = ""
    device_model: str = ""
    topics: Sequence[str] = ()
    category_preferences: Mapping[str, bool] = field(default_factory=dict)
    quiet_hours: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class DeviceRegistration:
    """A validated registration, ready to store.

    `token` is the provider address the lookup hash is made of (the token, or for Web Push
    the endpoint); `secret` is what gets encrypted (the token, or the whole subscription).
    """

    install_id: str | None
    user_id: str | None
    provider: Provider
    platform: Platform
    token: str
    secret: str
    token_hint: str
    apns_environment: ApnsEnvironment | None
    locale: str
    time_zone: str
    app_version: str
    os_version: str
    device_model: str
    topics: tuple[str, ...]
    category_preferences: Mapping[str, bool]
    quiet_hours: QuietHours | None


def _hint(provider: Provider, address: str) -> str:
    if provider is Provider.WEBPUSH:
        return urlsplit(address).hostname or ""
    return "…" + address[-6:]


def _short_text(v: Violations, value: str, path: str) -> str:
    if len(value) > MAX_TEXT_FIELD or not value.isprintable():
        v.add(path, f"must be at most {MAX_TEXT_FIELD} printable characters", "INVALID_ARGUMENT")
    return value


def _preferences(v: Violations, prefs: Mapping[str, bool], path: str) -> dict[str, bool]:
    if len(prefs) > MAX_CATEGORY_PREFERENCES:
        v.add(path, f"at most {MAX_CATEGORY_PREFERENCES} categories", "INVALID_ARGUMENT")
    for key in prefs:
        with v.check():
            validate_category_key(key, f"{path}[{key!r}]")
    return dict(prefs)


def _quiet_hours(v: Violations, value: tuple[int, int] | None, path: str) -> QuietHours | None:
    if value is None:
        return None
    with v.check():
        return QuietHours.validated(value[0], value[1], field=path)
    return None


def validate_registration(
    data: DeviceInput, *, require_install_id: bool = False, prefix: str = "device"
) -> DeviceRegistration:
    """Validate a RegisterDevice request's device; every violation is reported at once."""
    v = Violations()
    provider = data.provider
    if provider is None:
        v.add(f"{prefix}.provider", "a provider is required", "INVALID_ARGUMENT")
    install_id = user_id = None
    if data.install_id:
        with v.check():
            install_id = validate_install_id(data.install_id, f"{prefix}.install_id")
    elif require_install_id:
        v.add(
            f"{prefix}.install_id",
            "a devices:register key must register by install id",
            "INSTALL_ID_REQUIRED",
        )
    if data.user_id:
        with v.check():
            user_id = validate_user_id(data.user_id, f"{prefix}.user_id")

    address = secret = ""
    if provider is Provider.WEBPUSH:
        if data.token:
            v.add(
                f"{prefix}.token",
                "Web Push devices use web_push, not a token",
                "INVALID_TOKEN_FORMAT",
            )
        if data.web_push is None:
            v.add(
                f"{prefix}.web_push", "a Web Push subscription is required", "INVALID_SUBSCRIPTION"
            )
        else:
            with v.check():
                sub = validate_webpush_subscription(*data.web_push, field=f"{prefix}.web_push")
                address = sub.endpoint
                secret = json.dumps(
                    {
                        "endpoint": sub.endpoint,
                        "p256dh": encode_base64url(sub.p256dh),
                        "auth": encode_base64url(sub.auth),
                    },
                    separators=(",", ":"),
                )
    elif provider is not None:
        if data.web_push is not None:
            v.add(
                f"{prefix}.web_push",
                "only Web Push devices have a subscription",
                "INVALID_ARGUMENT",
            )
        if not data.token:
            v.add(f"{prefix}.token", "a token is required", "INVALID_TOKEN_FORMAT")
        else:
            with v.check():
                address = secret = validate_token(provider, data.token, field=f"{prefix}.token")
    if data.apns_environment is not None and provider is not Provider.APNS:
        v.add(f"{prefix}.apns_environment", "only APNs devices have one", "INVALID_ARGUMENT")

    registration = _common_fields(v, data, prefix)
    v.raise_if_any("device")
    assert provider is not None  # a missing provider was reported above
    return DeviceRegistration(
        install_id=install_id,
        user_id=user_id,
        provider=provider,
        platform=data.platform,
        token=address,
        secret=secret,
        token_hint=_hint(provider, address),
        apns_environment=data.apns_environment,
        locale=registration.locale,
        time_zone=registration.time_zone,
        app_version=registration.app_version,
        os_version=registration.os_version,
        device_model=registration.device_model,
        topics=registration.topics,
        category_preferences=registration.category_preferences,
        quiet_hours=registration.quiet_hours,
    )


@dataclass(frozen=True, slots=True)
class _CommonFields:
    """The fields registration and update share, validated."""

    locale: str
    time_zone: str
    app_version: str
    os_version: str
    device_model: str
    topics: tuple[str, ...]
    category_preferences: dict[str, bool]
    quiet_hours: QuietHours | None


def _common_fields(v: Violations, data: DeviceInput, prefix: str) -> _CommonFields:
    locale = time_zone = ""
    if data.locale:
        with v.check():
            locale = validate_locale(data.locale, f"{prefix}.locale")
    if data.time_zone:
        with v.check():
            time_zone = validate_time_zone(data.time_zone, f"{prefix}.time_zone")
    topics: tuple[str, ...] = ()
    with v.check():
        topics = validate_topics(data.topics, field=f"{prefix}.topics")
    return _CommonFields(
        locale=locale,
        time_zone=time_zone,
        app_version=_short_text(v, data.app_version, f"{prefix}.app_version"),
        os_version=_short_text(v, data.os_version, f"{prefix}.os_version"),
        device_model=_short_text(v, data.device_model, f"{prefix}.device_model"),
        topics=topics,
        category_preferences=_preferences(
            v, data.category_preferences, f"{prefix}.category_preferences"
        ),
        quiet_hours=_quiet_hours(v, data.quiet_hours, f"{prefix}.quiet_hours"),
    )


# The fields UpdateDevice may change, and how each one is validated into a stored value.
UPDATABLE_FIELDS: Final = (
    "user_id",
    "locale",
    "time_zone",
    "app_version",
    "os_version",
    "device_model",
    "category_preferences",
    "quiet_hours",
    "topics",
)

_Updater = Callable[[Violations, DeviceInput, str], object]


def _user_id(v: Violations, data: DeviceInput, path: str) -> object:
    if not data.user_id:
        return None  # clearing the binding makes the device anonymous
    with v.check():
        return validate_user_id(data.user_id, path)
    return None


# Fields registration does not share; the others take their value from `_common_fields`,
# which has validated them already (validating them here too reported each violation twice).
_UPDATERS: Final[dict[str, _Updater]] = {
    "user_id": _user_id,
}


def validate_update(
    data: DeviceInput, mask: Sequence[str], *, prefix: str = "device"
) -> dict[str, object]:
    """Validate an UpdateDevice: the mask's paths must be updatable, their values valid.

    Returns {field: new value} for exactly the fields in the mask.
    """
    v = Violations()
    if not mask:
        v.add("update_mask", "name at least one field to update", "INVALID_UPDATE_MASK")
    unknown = [p for p in mask if p not in UPDATABLE_FIELDS]
    for path in unknown:
        v.add(
            "update_mask",
            f"{path!r} cannot be updated; updatable: {', '.join(UPDATABLE_FIELDS)}",
            "INVALID_UPDATE_MASK",
        )
    common = _common_fields(v, data, prefix)
    changes: dict[str, object] = {}
    for path in mask:
        if path in _UPDATERS:
            changes[path] = _UPDATERS[path](v, data, f"{prefix}.{path}")
        elif path in UPDATABLE_FIELDS:
            changes[path] = getattr(common, path)
    # Fields outside the mask were validated too (`common`), but only their own violations
    # matter: drop violations of fields the caller did not ask to change.
    wanted = {f"{prefix}.{p}" for p in mask} | {"update_mask"}
    kept = [
        (item, reason)
        for item, reason in zip(v.items, v.reasons, strict=True)
        if any(item.field == w or item.field.startswith((w + ".", w + "[")) for w in wanted)
    ]
    v.items = [item for item, _ in kept]
    v.reasons = [reason for _, reason in kept]
    v.raise_if_any("device update")
    return changes
