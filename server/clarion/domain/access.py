"""Who may do what: API-key scopes, the principal behind a call, and the checks.

Apps are tenants. A key belongs to one app (or, for admin keys, to none) and carries scopes;
a call is allowed when the key holds the RPC's scope *for the app the request names*. Keys of
app A can therefore never read, change or send to anything of app B.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from clarion.domain.errors import InvalidArgument, PermissionDenied


class Scope(enum.StrEnum):
    """A permission carried by an API key (the strings are the documented scope names)."""

    ADMIN = "admin"
    APP_MANAGE = "app:manage"
    PUSH_SEND = "push:send"
    DEVICES_WRITE = "devices:write"
    DEVICES_READ = "devices:read"
    RECEIPTS_READ = "receipts:read"
    DEVICES_REGISTER = "devices:register"


APP_SCOPES = frozenset(Scope) - {Scope.ADMIN}


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller: an API key, its app (None for global keys) and its scopes."""

    key_name: str
    app_id: str | None
    scopes: frozenset[Scope]

    @property
    def is_admin(self) -> bool:
        """Admin keys may do everything on every app."""
        return Scope.ADMIN in self.scopes

    def can(self, app_id: str | None, *scopes: Scope) -> bool:
        """Whether the key holds one of `scopes` for `app_id` (None: a global operation)."""
        if self.is_admin:
            return True
        if app_id is None or self.app_id != app_id:
            return False
        return any(scope in self.scopes for scope in scopes)

    def require(self, app_id: str | None, *scopes: Scope) -> None:
        """Raise PERMISSION_DENIED unless `can(app_id, *scopes)`."""
        if self.can(app_id, *scopes):
            return
        wanted = " or ".join(scopes) if scopes else "admin"
        if app_id is not None and self.app_id is not None and self.app_id != app_id:
            raise PermissionDenied(
                f"this API key belongs to another app and cannot act on apps/{app_id}",
                reason="WRONG_APP",
            )
        raise PermissionDenied(f"this API key lacks the scope {wanted}", reason="MISSING_SCOPE")

    def only_registers(self, app_id: str) -> bool:
        """True when, for this app, the key can only register devices by install id."""
        return not self.can(app_id, Scope.DEVICES_WRITE) and self.can(
            app_id, Scope.DEVICES_REGISTER
        )


def parse_scopes(values: Iterable[str], *, for_app: bool, field: str) -> frozenset[Scope]:
    """Validate requested scopes: known, at least one, and admin only on global keys."""
    scopes: set[Scope] = set()
    for value in values:
        try:
            scopes.add(Scope(value))
        except ValueError:
            raise InvalidArgument.field(
                field, f"unknown scope {value!r}", reason="INVALID_SCOPE"
            ) from None
    if not scopes:
        raise InvalidArgument.field(field, "at least one scope is required", reason="INVALID_SCOPE")
    if for_app and Scope.ADMIN in scopes:
        raise InvalidArgument.field(
            field, "admin is a global scope; an app key cannot hold it", reason="INVALID_SCOPE"
        )
    if not for_app and scopes != {Scope.ADMIN}:
        raise InvalidArgument.field(
            field, "a global key carries exactly the admin scope", reason="INVALID_SCOPE"
        )
    return frozenset(scopes)
