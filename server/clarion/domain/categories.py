"""Notification categories: a kind of notification with its own delivery rules.

A category carries defaults (priority, TTL, iOS interruption level, sound) that a send in it
takes unless the send sets its own, the action buttons the apps show, and two policy
switches: whether it obeys quiet hours, and whether it is critical (critical categories
bypass quiet hours and frequency caps; see docs/policy.md). Pure rules, no I/O.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from clarion.domain.errors import FieldViolation, InvalidArgument
from clarion.domain.notifications import MAX_TTL, Notification
from clarion.domain.push import InterruptionLevel, Priority

__all__ = [
    "INVALID_CATEGORY",
    "MAX_ACTIONS",
    "Category",
    "CategoryAction",
    "apply_category",
    "validate_category_key",
]

INVALID_CATEGORY: Final = "INVALID_CATEGORY"

MAX_DISPLAY_NAME: Final = 128
MAX_SOUND: Final = 256
# A generous bound: no platform shows this many buttons (Android shows 3), so more is a bug.
MAX_ACTIONS: Final = 10
MAX_ACTION_TITLE: Final = 64

_KEY_RE: Final = re.compile(r"[a-z0-9_\-]{1,63}", re.ASCII)
# Action ids travel back to the app when a button is tapped (APNs `actionIdentifier`, FCM
# `click_action`), so they stay plain identifiers.
_ACTION_ID_RE: Final = re.compile(r"[A-Za-z0-9_.\-]{1,64}", re.ASCII)


@dataclass(frozen=True, slots=True)
class CategoryAction:
    """One action button: the `id` the app receives when it is tapped, and its `title`."""

    id: str
    title: str


def validate_category_key(key: str, field: str) -> str:
    """Check a category key (`[a-z0-9_-]{1,63}`) and return it."""
    problem = _key_problem(key)
    if problem:
        raise InvalidArgument.field(field, problem, reason=INVALID_CATEGORY)
    return key


def _key_problem(key: object) -> str | None:
    if not isinstance(key, str) or not _KEY_RE.fullmatch(key):
        return "a category key is 1-63 of lowercase letters, digits, '-' and '_'"
    return None


def _text_problem(value: object, limit: int, *, required: bool) -> str | None:
    if not isinstance(value, str):
        return "must be text"
    if required and not value.strip():
        return "is required"
    if len(value) > limit:
        return f"at most {limit} characters ({len(value)} given)"
    if not value.isprintable():
        return "must be printable (no control characters or line breaks)"
    return None


def _actions_problems(actions: Sequence[CategoryAction], field: str) -> list[FieldViolation]:
    violations: list[FieldViolation] = []
    if len(actions) > MAX_ACTIONS:
        violations.append(FieldViolation(field, f"at most {MAX_ACTIONS} actions"))
    seen: set[str] = set()
    for index, action in enumerate(actions):
        path = f"{field}[{index}]"
        if not isinstance(action.id, str) or not _ACTION_ID_RE.fullmatch(action.id):
            violations.append(
                FieldViolation(f"{path}.id", "an action id is 1-64 of [A-Za-z0-9_.-]")
            )
        elif action.id in seen:
            violations.append(FieldViolation(f"{path}.id", f"duplicate action id {action.id!r}"))
        else:
            seen.add(action.id)
        problem = _text_problem(action.title, MAX_ACTION_TITLE, required=True)
        if problem:
            violations.append(FieldViolation(f"{path}.title", problem))
    return violations


def _raise_if_invalid(
    key: object,
    display_name: object,
    ttl: timedelta | None,
    sound: object,
    actions: Sequence[CategoryAction],
    *,
    field: str,
    key_field: str,
) -> None:
    violations: list[FieldViolation] = []
    key_problem = _key_problem(key)
    if key_problem:
        violations.append(FieldViolation(key_field, key_problem))
    for name, value, limit in (
        ("display_name", display_name, MAX_DISPLAY_NAME),
        ("sound", sound, MAX_SOUND),
    ):
        problem = _text_problem(value, limit, required=False)
        if problem:
            violations.append(FieldViolation(f"{field}.{name}", problem))
    if ttl is not None and not timedelta(0) <= ttl <= MAX_TTL:
        violations.append(FieldViolation(f"{field}.ttl", "must be between 0 and 28 days"))
    violations.extend(_actions_problems(actions, f"{field}.actions"))
    if violations:
        raise InvalidArgument(f"{field}: invalid category", violations, reason=INVALID_CATEGORY)


@dataclass(frozen=True, slots=True)
class Category:
    """A kind of notification with its own rules (see `Category` in policy.proto).

    `None` (or an empty `sound`) means the category sets no default for that field. An
    instance is always valid: construction checks every field and reports all violations at
    once (use `validated` to choose the field paths they are reported under).
    """

    key: str
    display_name: str = ""
    priority: Priority | None = None
    ttl: timedelta | None = None
    # Obeying quiet hours is the default; opting out is a deliberate choice of the app.
    respects_quiet_hours: bool = True
    interruption_level: InterruptionLevel | None = None
    sound: str = ""
    actions: tuple[CategoryAction, ...] = ()
    critical: bool = False

    def __post_init__(self) -> None:
        # Callers may pass a list; keep the value immutable and hashable.
        object.__setattr__(self, "actions", tuple(self.actions))
        _raise_if_invalid(
            self.key,
            self.display_name,
            self.ttl,
            self.sound,
            self.actions,
            field="category",
            key_field="category.key",
        )

    @classmethod
    def validated(
        cls,
        key: str,
        *,
        field: str = "category",
        key_field: str | None = None,
        display_name: str = "",
        priority: Priority | None = None,
        ttl: timedelta | None = None,
        respects_quiet_hours: bool = True,
        interruption_level: InterruptionLevel | None = None,
        sound: str = "",
        actions: Sequence[CategoryAction] = (),
        critical: bool = False,
    ) -> Category:
        """Build a category, reporting violations under `field.<name>`.

        The key is reported under `key_field` (default `field.key`): in CreateCategory it is
        the request's `category_id`, not a field of the category message.
        """
        _raise_if_invalid(
            key,
            display_name,
            ttl,
            sound,
            actions,
            field=field,
            key_field=key_field or f"{field}.key",
        )
        return cls(
            key=key,
            display_name=display_name,
            priority=priority,
            ttl=ttl,
            respects_quiet_hours=respects_quiet_hours,
            interruption_level=interruption_level,
            sound=sound,
            actions=tuple(actions),
            critical=critical,
        )


def apply_category(notification: Notification, category: Category) -> Notification:
    """The notification with the category's defaults filled in where the send left them unset.

    The send's own values win: priority, TTL and interruption level count as set when they
    are not `None`, the sound when it is not empty. The notification's `category` becomes the
    category's key (APNs `aps.category`, FCM `click_action`). A notification that already
    names a different category is a caller bug and raises `ValueError`.
    """
    if notification.category and notification.category != category.key:
        raise ValueError(
            f"notification is in category {notification.category!r}, not {category.key!r}"
        )
    return dataclasses.replace(
        notification,
        category=category.key,
        priority=notification.priority if notification.priority is not None else category.priority,
        ttl=notification.ttl if notification.ttl is not None else category.ttl,
        interruption_level=(
            notification.interruption_level
            if notification.interruption_level is not None
            else category.interruption_level
        ),
        sound=notification.sound or category.sound,
    )
