"""Category between protobuf and the domain, and a category update by field mask."""

from __future__ import annotations

import dataclasses
from typing import Any, Final

from google.protobuf import duration_pb2

from clarion.api.notifications import (
    INTERRUPTION_LEVEL_ENUMS,
    INTERRUPTION_LEVELS,
    PRIORITIES,
    PRIORITY_ENUMS,
)
from clarion.api.times import td, ts
from clarion.domain.categories import INVALID_CATEGORY, Category, CategoryAction
from clarion.domain.errors import InvalidArgument, Violations
from clarion.store.categories import CategoryRecord
from clarion.v1 import policy_pb2

CATEGORY_UPDATABLE: Final = (
    "display_name",
    "priority",
    "ttl",
    "respects_quiet_hours",
    "interruption_level",
    "sound",
    "actions",
    "critical",
)


def category_message(app_id: str, record: CategoryRecord) -> policy_pb2.Category:
    """A category on the wire."""
    c = record.category
    msg = policy_pb2.Category(
        name=f"apps/{app_id}/categories/{c.key}",
        display_name=c.display_name,
        priority=PRIORITY_ENUMS[c.priority],
        respects_quiet_hours=c.respects_quiet_hours,
        interruption_level=INTERRUPTION_LEVEL_ENUMS[c.interruption_level],
        sound=c.sound,
        actions=[policy_pb2.CategoryAction(id=a.id, title=a.title) for a in c.actions],
        critical=c.critical,
        create_time=ts(record.created_at),
        update_time=ts(record.updated_at),
    )
    if c.ttl is not None:
        ttl = duration_pb2.Duration()
        ttl.FromTimedelta(c.ttl)
        msg.ttl.CopyFrom(ttl)
    return msg


def _fields(msg: policy_pb2.Category, v: Violations, paths: tuple[str, ...]) -> dict[str, Any]:
    """The named fields of `msg` as Category keyword arguments (enums checked into `v`)."""
    out: dict[str, Any] = {}
    for path in paths:
        match path:
            case "priority":
                if msg.priority not in PRIORITIES:
                    v.add("category.priority", "unknown enum value", "INVALID_ENUM")
                out["priority"] = PRIORITIES.get(msg.priority)
            case "interruption_level":
                if msg.interruption_level not in INTERRUPTION_LEVELS:
                    v.add("category.interruption_level", "unknown enum value", "INVALID_ENUM")
                out["interruption_level"] = INTERRUPTION_LEVELS.get(msg.interruption_level)
            case "ttl":
                ttl = msg.ttl if msg.HasField("ttl") else None
                if ttl is not None and (ttl.seconds < 0 or ttl.nanos < 0):
                    v.add("category.ttl", "must not be negative", INVALID_CATEGORY)
                    ttl = None
                out["ttl"] = td(ttl) if ttl is not None else None
            case "respects_quiet_hours":
                has = msg.HasField("respects_quiet_hours")
                out["respects_quiet_hours"] = msg.respects_quiet_hours if has else True
            case "actions":
                out["actions"] = tuple(CategoryAction(a.id, a.title) for a in msg.actions)
            case _:
                out[path] = getattr(msg, path)
    return out


def _build(key: str, fields: dict[str, Any], v: Violations, key_field: str) -> Category:
    """The validated category; its problems and those already in `v` raised together."""
    category = None
    with v.check():
        category = Category.validated(key, field="category", key_field=key_field, **fields)
    v.raise_if_any("category")
    assert category is not None
    return category


def category_from_proto(key: str, msg: policy_pb2.Category) -> Category:
    """A new category (CreateCategory); every problem at once, the key under `category_id`."""
    v = Violations()
    return _build(key, _fields(msg, v, CATEGORY_UPDATABLE), v, "category_id")


def apply_category_update(
    current: Category, msg: policy_pb2.Category, paths: list[str]
) -> Category:
    """`current` with the masked fields of `msg` (UpdateCategory)."""
    bad = [p for p in paths if p not in CATEGORY_UPDATABLE]
    if not paths or bad:
        raise InvalidArgument.field(
            "update_mask",
            f"name fields among {', '.join(CATEGORY_UPDATABLE)}"
            + (f"; not updatable: {', '.join(bad)}" if bad else ""),
            reason="INVALID_UPDATE_MASK",
        )
    v = Violations()
    changes = _fields(msg, v, tuple(dict.fromkeys(paths)))
    merged = {
        f.name: getattr(current, f.name) for f in dataclasses.fields(current) if f.name != "key"
    } | changes
    return _build(current.key, merged, v, "category.name")
