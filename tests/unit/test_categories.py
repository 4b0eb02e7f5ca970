"""Categories: validation with field paths, and category defaults under a send's own values."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clarion.domain.categories import (
    MAX_ACTIONS,
    Category,
    CategoryAction,
    apply_category,
    validate_category_key,
)
from clarion.domain.errors import InvalidArgument
from clarion.domain.notifications import Notification
from clarion.domain.push import InterruptionLevel, Priority


def fields_of(error: InvalidArgument) -> list[str]:
    return [violation.field for violation in error.violations]


@pytest.mark.parametrize(
    "key",
    ["a", "news", "order-shipped", "chat_message", "a1", "0", "-", "_x", "k" * 63],
    ids=[
        "one-letter",
        "word",
        "hyphen",
        "underscore",
        "digit",
        "only-digit",
        "only-hyphen",
        "leading-underscore",
        "63-chars",
    ],
)
def test_valid_keys(key: str) -> None:
    assert validate_category_key(key, "category_id") == key
    assert Category(key).key == key


@pytest.mark.parametrize(
    "key",
    [
        "",
        "k" * 64,
        "News",
        "order shipped",
        "a.b",
        "a/b",
        "café",
        "a\n",
        "\uff4e\uff45\uff57\uff53",
    ],
    ids=[
        "empty",
        "64-chars",
        "uppercase",
        "space",
        "dot",
        "slash",
        "non-ascii",
        "newline",
        "fullwidth",
    ],
)
def test_invalid_keys(key: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_category_key(key, "category_id")
    assert info.value.reason == "INVALID_CATEGORY"
    assert fields_of(info.value) == ["category_id"]


@pytest.mark.parametrize(
    ("ttl", "valid"),
    [
        (None, True),
        (timedelta(0), True),
        (timedelta(seconds=1), True),
        (timedelta(days=28), True),
        (timedelta(days=28, microseconds=1), False),
        (timedelta(days=29), False),
        (timedelta(seconds=-1), False),
    ],
    ids=["unset", "zero", "one-second", "28-days", "just-over-28-days", "29-days", "negative"],
)
def test_ttl_is_zero_to_28_days(ttl: timedelta | None, valid: bool) -> None:
    if valid:
        assert Category("news", ttl=ttl).ttl == ttl
    else:
        with pytest.raises(InvalidArgument) as info:
            Category("news", ttl=ttl)
        assert fields_of(info.value) == ["category.ttl"]


@pytest.mark.parametrize(
    ("actions", "fields"),
    [
        ([CategoryAction("reply", "Reply")], []),
        ([CategoryAction("com.acme.reply", "Reply"), CategoryAction("mark_read", "Mark read")], []),
        ([CategoryAction(f"a{i}", "T") for i in range(MAX_ACTIONS)], []),
        ([CategoryAction(f"a{i}", "T") for i in range(MAX_ACTIONS + 1)], ["category.actions"]),
        ([CategoryAction("", "Reply")], ["category.actions[0].id"]),
        ([CategoryAction("has space", "Reply")], ["category.actions[0].id"]),
        ([CategoryAction("x" * 65, "Reply")], ["category.actions[0].id"]),
        ([CategoryAction("ok", "")], ["category.actions[0].title"]),
        ([CategoryAction("ok", "   ")], ["category.actions[0].title"]),
        ([CategoryAction("ok", "t" * 65)], ["category.actions[0].title"]),
        ([CategoryAction("ok", "two\nlines")], ["category.actions[0].title"]),
        (
            [CategoryAction("reply", "Reply"), CategoryAction("reply", "Answer")],
            ["category.actions[1].id"],
        ),
        (
            [CategoryAction("ok", "OK"), CategoryAction("", "")],
            ["category.actions[1].id", "category.actions[1].title"],
        ),
    ],
    ids=[
        "one-action",
        "two-actions",
        "max-actions",
        "too-many-actions",
        "empty-id",
        "id-with-space",
        "id-too-long",
        "empty-title",
        "blank-title",
        "title-too-long",
        "title-with-newline",
        "duplicate-id",
        "every-problem-reported",
    ],
)
def test_actions(actions: list[CategoryAction], fields: list[str]) -> None:
    if not fields:
        assert Category("chat", actions=tuple(actions)).actions == tuple(actions)
        return
    with pytest.raises(InvalidArgument) as info:
        Category("chat", actions=tuple(actions))
    assert info.value.reason == "INVALID_CATEGORY"
    assert fields_of(info.value) == fields


def test_all_violations_are_reported_at_once_under_the_chosen_paths() -> None:
    with pytest.raises(InvalidArgument) as info:
        Category.validated(
            "Bad Key",
            field="category",
            key_field="category_id",
            display_name="d" * 129,
            ttl=timedelta(days=30),
            sound="s\x00",
            actions=[CategoryAction("", "ok")],
        )
    assert fields_of(info.value) == [
        "category_id",
        "category.display_name",
        "category.sound",
        "category.ttl",
        "category.actions[0].id",
    ]


def test_validated_defaults_the_key_path_under_the_field() -> None:
    with pytest.raises(InvalidArgument) as info:
        Category.validated("", field="categories[2]")
    assert fields_of(info.value) == ["categories[2].key"]


def test_validated_builds_the_same_value_as_the_constructor() -> None:
    built = Category.validated(
        "chat",
        display_name="Chat messages",
        priority=Priority.HIGH,
        ttl=timedelta(hours=1),
        respects_quiet_hours=False,
        interruption_level=InterruptionLevel.TIME_SENSITIVE,
        sound="ping.caf",
        actions=[CategoryAction("reply", "Reply")],
        critical=False,
    )
    assert built == Category(
        "chat",
        "Chat messages",
        Priority.HIGH,
        timedelta(hours=1),
        False,
        InterruptionLevel.TIME_SENSITIVE,
        "ping.caf",
        (CategoryAction("reply", "Reply"),),
        False,
    )
    assert isinstance(hash(built), int)  # frozen, actions a tuple: usable as a key


def test_defaults_obey_quiet_hours_and_are_not_critical() -> None:
    category = Category("news")
    assert category.respects_quiet_hours is True
    assert category.critical is False
    assert (category.priority, category.ttl, category.interruption_level) == (None, None, None)
    assert category.sound == ""
    assert category.actions == ()


# --- apply_category -------------------------------------------------------------------------

CHAT = Category(
    "chat",
    priority=Priority.HIGH,
    ttl=timedelta(hours=1),
    interruption_level=InterruptionLevel.TIME_SENSITIVE,
    sound="ping.caf",
)
BARE = Category("bare")


@pytest.mark.parametrize(
    ("notification", "category", "expected"),
    [
        (
            Notification(body="hi"),
            CHAT,
            Notification(
                body="hi",
                category="chat",
                priority=Priority.HIGH,
                ttl=timedelta(hours=1),
                interruption_level=InterruptionLevel.TIME_SENSITIVE,
                sound="ping.caf",
            ),
        ),
        (
            Notification(
                body="hi",
                category="chat",
                priority=Priority.NORMAL,
                ttl=timedelta(minutes=5),
                interruption_level=InterruptionLevel.PASSIVE,
                sound="other.caf",
            ),
            CHAT,
            Notification(
                body="hi",
                category="chat",
                priority=Priority.NORMAL,
                ttl=timedelta(minutes=5),
                interruption_level=InterruptionLevel.PASSIVE,
                sound="other.caf",
            ),
        ),
        (
            Notification(body="hi", ttl=timedelta(0)),
            CHAT,
            Notification(
                body="hi",
                category="chat",
                priority=Priority.HIGH,
                ttl=timedelta(0),
                interruption_level=InterruptionLevel.TIME_SENSITIVE,
                sound="ping.caf",
            ),
        ),
        (
            Notification(body="hi", sound="own.caf"),
            CHAT,
            Notification(
                body="hi",
                category="chat",
                priority=Priority.HIGH,
                ttl=timedelta(hours=1),
                interruption_level=InterruptionLevel.TIME_SENSITIVE,
                sound="own.caf",
            ),
        ),
        (Notification(body="hi"), BARE, Notification(body="hi", category="bare")),
        (
            Notification(body="hi", priority=Priority.HIGH),
            BARE,
            Notification(body="hi", category="bare", priority=Priority.HIGH),
        ),
    ],
    ids=[
        "category-fills-unset-fields",
        "send-values-win",
        "zero-ttl-is-set-and-wins",
        "send-sound-wins-the-rest-filled",
        "category-without-defaults-only-sets-the-key",
        "category-without-defaults-keeps-send-values",
    ],
)
def test_apply_category(
    notification: Notification, category: Category, expected: Notification
) -> None:
    assert apply_category(notification, category) == expected


def test_apply_category_keeps_everything_else() -> None:
    notification = Notification(
        title="T", body="B", data={"k": "v"}, badge=3, thread_id="t", collapse_key="c"
    )
    applied = apply_category(notification, CHAT)
    assert (applied.title, applied.body, dict(applied.data), applied.badge) == (
        "T",
        "B",
        {"k": "v"},
        3,
    )
    assert (applied.thread_id, applied.collapse_key) == ("t", "c")


def test_apply_category_refuses_a_notification_of_another_category() -> None:
    with pytest.raises(ValueError, match="'news'"):
        apply_category(Notification(body="x", category="news"), CHAT)
