"""Clarion's own error vocabulary.

The domain raises these; the API layer is the only place that turns them into gRPC status
codes with `google.rpc` details. Every error carries a stable UPPER_SNAKE `reason` that
clients may branch on (it is sent as `google.rpc.ErrorInfo.reason`); messages are for humans
and may change.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldViolation:
    """One invalid field: `field` is its proto path (`device.token`); `description` says why."""

    field: str
    description: str


class ClarionError(Exception):
    """Base of every error Clarion reports to a caller."""

    reason: str = "INTERNAL"

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason


class InvalidArgument(ClarionError):
    """The request is malformed; nothing was changed. Carries per-field violations."""

    reason = "INVALID_ARGUMENT"

    def __init__(
        self,
        message: str,
        violations: Iterable[FieldViolation] = (),
        *,
        reason: str | None = None,
    ) -> None:
        super().__init__(message, reason=reason)
        self.violations = tuple(violations)

    @classmethod
    def field(cls, field: str, description: str, *, reason: str | None = None) -> InvalidArgument:
        """One violation on one field, the most common case."""
        return cls(f"{field}: {description}", [FieldViolation(field, description)], reason=reason)


class NotFound(ClarionError):
    """The named resource does not exist (or is not visible to the caller's app)."""

    reason = "NOT_FOUND"

    def __init__(self, resource: str, *, reason: str | None = None) -> None:
        super().__init__(f"{resource} not found", reason=reason)
        self.resource = resource


class AlreadyExists(ClarionError):
    """A resource with the requested id already exists."""

    reason = "ALREADY_EXISTS"


class FailedPrecondition(ClarionError):
    """The system is not in a state where the request can run (a disabled app, say)."""

    reason = "FAILED_PRECONDITION"


class OutOfRange(ClarionError):
    """A position (a receipt cursor) outside what exists or is still retained."""

    reason = "OUT_OF_RANGE"


class Unauthenticated(ClarionError):
    """No API key, or one that is unknown, revoked or expired."""

    reason = "UNAUTHENTICATED"


class PermissionDenied(ClarionError):
    """A valid key that lacks the scope, or belongs to another app."""

    reason = "PERMISSION_DENIED"


class ResourceExhausted(ClarionError):
    """A quota or rate limit is exhausted; `retry_after` seconds tells the caller when to try."""

    reason = "RESOURCE_EXHAUSTED"

    def __init__(self, message: str, retry_after: float, *, reason: str | None = None) -> None:
        super().__init__(message, reason=reason)
        self.retry_after = retry_after


class Unimplemented(ClarionError):
    """The RPC is declared in the contract but its capability has not landed yet."""

    reason = "NOT_IMPLEMENTED"


class Violations:
    """Collects violations from several validators, then raises them all at once."""

    def __init__(self) -> None:
        self.items: list[FieldViolation] = []
        self.reasons: list[str] = []

    @contextmanager
    def check(self) -> Iterator[None]:
        try:
            yield
        except InvalidArgument as exc:
            self.items.extend(exc.violations)
            self.reasons.extend([exc.reason] * len(exc.violations))

    def add(self, path: str, description: str, reason: str) -> None:
        self.items.append(FieldViolation(path, description))
        self.reasons.append(reason)

    def raise_if_any(self, what: str) -> None:
        if self.items:
            # One reason when all agree (clients may branch on it), a generic one otherwise.
            reason = self.reasons[0] if len(set(self.reasons)) == 1 else "INVALID_ARGUMENT"
            raise InvalidArgument(f"invalid {what}", self.items, reason=reason)
