"""Resource names (`apps/{app}/devices/{device}`, ...) parsed into their ids.

Names are how every RPC addresses a resource (aip.dev/122). Parsing is strict: a name that
does not have the expected shape is an INVALID_ARGUMENT on the field that carried it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clarion.domain.errors import InvalidArgument

APP_ID = re.compile(r"[a-z][a-z0-9-]{1,61}[a-z0-9]")
# Ids that Clarion makes (devices, keys, sends) and install ids chosen by apps.
_SEGMENT = re.compile(r"[^/\s]{1,256}")


def _bad(field: str, name: str, shape: str) -> InvalidArgument:
    return InvalidArgument.field(field, f"expected {shape}, got {name!r}", reason="INVALID_NAME")


def app_id_of(parent: str, *, field: str = "parent") -> str:
    """`apps/{app}` -> app id."""
    parts = parent.split("/")
    if len(parts) != 2 or parts[0] != "apps" or not APP_ID.fullmatch(parts[1]):
        raise _bad(field, parent, "apps/{app}")
    return parts[1]


def app_of_any(name: str) -> str | None:
    """The app id a resource name belongs to, or None when it names no app (global keys)."""
    parts = name.split("/")
    if len(parts) >= 2 and parts[0] == "apps" and APP_ID.fullmatch(parts[1]):
        return parts[1]
    return None


@dataclass(frozen=True, slots=True)
class DeviceRef:
    """A device addressed by id (`apps/a/devices/d`) or by install id (`apps/a/installs/i`)."""

    app_id: str
    device_id: str | None = None
    install_id: str | None = None


def device_ref(name: str, *, field: str = "name", allow_install: bool = True) -> DeviceRef:
    """Parse a device name; `apps/{app}/installs/{install_id}` only where `allow_install`."""
    parts = name.split("/")
    shape = "apps/{app}/devices/{device}" + (
        " or apps/{app}/installs/{install_id}" if allow_install else ""
    )
    if len(parts) != 4 or parts[0] != "apps" or not APP_ID.fullmatch(parts[1]):
        raise _bad(field, name, shape)
    if not _SEGMENT.fullmatch(parts[3]):
        raise _bad(field, name, shape)
    if parts[2] == "devices":
        return DeviceRef(parts[1], device_id=parts[3])
    if parts[2] == "installs" and allow_install:
        return DeviceRef(parts[1], install_id=parts[3])
    raise _bad(field, name, shape)


def child_of(name: str, collection: str, *, field: str = "name") -> tuple[str, str]:
    """`apps/{app}/{collection}/{id}` -> (app id, id)."""
    parts = name.split("/")
    if (
        len(parts) != 4
        or parts[0] != "apps"
        or not APP_ID.fullmatch(parts[1])
        or parts[2] != collection
        or not _SEGMENT.fullmatch(parts[3])
    ):
        raise _bad(field, name, f"apps/{{app}}/{collection}/{{id}}")
    return parts[1], parts[3]


def resource_id(value: str, field: str) -> str:
    """One id given on its own (a device id in a send target): no '/', no whitespace."""
    if not _SEGMENT.fullmatch(value):
        raise InvalidArgument.field(
            field, "expected an id (1 to 256 characters, no '/' or whitespace)", reason="INVALID_ID"
        )
    return value


def app_name(app_id: str) -> str:
    """The resource name of an app."""
    return f"apps/{app_id}"


def device_name(app_id: str, device_id: str) -> str:
    """The resource name of a device."""
    return f"apps/{app_id}/devices/{device_id}"
