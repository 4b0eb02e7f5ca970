"""The Notification message between protobuf, the domain, stored JSON, and per-device content."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from google.protobuf import duration_pb2, struct_pb2

from clarion.api.notifications import notification_from_proto, notification_to_proto
from clarion.domain.content import ContentCache, resolve_content
from clarion.domain.errors import InvalidArgument
from clarion.domain.notifications import (
    LocalizedText,
    Notification,
    notification_from_json,
    notification_to_json,
)
from clarion.domain.push import InterruptionLevel, Priority, PushContent
from clarion.v1 import notification_pb2 as pb

OVERRIDE_KEYS = {
    "apns_aps",
    "apns_headers",
    "fcm_android",
    "fcm_webpush",
    "fcm_apns",
    "web_push",
    "expo",
    "hms_android",
    "mipush_params",
}
STRUCT_KEYS = OVERRIDE_KEYS - {"apns_headers", "mipush_params"}
STRUCT = {"a": 1, "b": 2.5, "nested": {"list": [1, "x", None, {"deep": True}]}, "gone": None}


def _struct(value: dict[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(value)
    return out


FULL_PROTO = pb.Notification(
    title="Hello",
    subtitle="Sub",
    body="Body",
    data={"k": "v", "n": "1"},
    image_url="https://cdn.example.com/i.png",
    sound="default",
    badge=0,  # set to zero clears the badge: not the same as unset
    category="news",
    thread_id="t1",
    collapse_key="c1",
    priority=pb.PRIORITY_HIGH,
    ttl=duration_pb2.Duration(seconds=3600, nanos=500_000_000),
    content_available=True,
    mutable_content=True,
    interruption_level=pb.INTERRUPTION_LEVEL_TIME_SENSITIVE,
    localizations={
        "fr": pb.LocalizedText(title="Bonjour", body="Corps"),
        "pt-BR": pb.LocalizedText(title="Olá"),
    },
    overrides=pb.ProviderOverrides(
        **{key: _struct(STRUCT) for key in STRUCT_KEYS},
        apns_headers={"apns-push-type": "alert"},
        mipush_params={"extra.notify_effect": "1"},
    ),
)

FULL = Notification(
    title="Hello",
    subtitle="Sub",
    body="Body",
    data={"k": "v", "n": "1"},
    image_url="https://cdn.example.com/i.png",
    sound="default",
    badge=0,
    category="news",
    thread_id="t1",
    collapse_key="c1",
    priority=Priority.HIGH,
    ttl=timedelta(hours=1, milliseconds=500),
    content_available=True,
    mutable_content=True,
    interruption_level=InterruptionLevel.TIME_SENSITIVE,
    localizations={"fr": LocalizedText("Bonjour", "Corps"), "pt-BR": LocalizedText("Olá")},
    overrides={
        **{key: STRUCT for key in STRUCT_KEYS},
        "apns_headers": {"apns-push-type": "alert"},
        "mipush_params": {"extra.notify_effect": "1"},
    },
)
MINIMAL = Notification(body="hi")


def test_a_full_notification_maps_every_field() -> None:
    assert notification_from_proto(FULL_PROTO) == FULL
    assert set(FULL.overrides) == OVERRIDE_KEYS


@pytest.mark.parametrize("msg", [FULL_PROTO, pb.Notification(body="hi"), pb.Notification()])
def test_proto_round_trips_through_the_domain(msg: pb.Notification) -> None:
    assert notification_to_proto(notification_from_proto(msg)) == msg


@pytest.mark.parametrize("n", [FULL, MINIMAL, Notification()])
def test_domain_round_trips_through_proto(n: Notification) -> None:
    assert notification_from_proto(notification_to_proto(n)) == n


def test_unset_optional_fields_stay_unset() -> None:
    n = notification_from_proto(pb.Notification(body="hi"))
    assert (n.badge, n.ttl, n.priority, n.interruption_level, n.overrides) == (
        None,
        None,
        None,
        None,
        {},
    )
    msg = notification_to_proto(MINIMAL)
    assert not msg.HasField("badge")
    assert not msg.HasField("ttl")
    assert not msg.HasField("overrides")


@pytest.mark.parametrize(
    ("wire", "domain"),
    [
        (pb.PRIORITY_UNSPECIFIED, None),
        (pb.PRIORITY_NORMAL, Priority.NORMAL),
        (pb.PRIORITY_HIGH, Priority.HIGH),
    ],
)
def test_every_priority(wire: pb.Priority, domain: Priority | None) -> None:
    n = notification_from_proto(pb.Notification(priority=wire))
    assert n.priority == domain
    assert notification_to_proto(n).priority == wire


@pytest.mark.parametrize(
    ("wire", "domain"),
    [
        (pb.INTERRUPTION_LEVEL_UNSPECIFIED, None),
        (pb.INTERRUPTION_LEVEL_PASSIVE, InterruptionLevel.PASSIVE),
        (pb.INTERRUPTION_LEVEL_ACTIVE, InterruptionLevel.ACTIVE),
        (pb.INTERRUPTION_LEVEL_TIME_SENSITIVE, InterruptionLevel.TIME_SENSITIVE),
        (pb.INTERRUPTION_LEVEL_CRITICAL, InterruptionLevel.CRITICAL),
    ],
)
def test_every_interruption_level(
    wire: pb.InterruptionLevel, domain: InterruptionLevel | None
) -> None:
    n = notification_from_proto(pb.Notification(interruption_level=wire))
    assert n.interruption_level == domain
    assert notification_to_proto(n).interruption_level == wire


def _violations(msg: pb.Notification, prefix: str = "notification") -> set[str]:
    with pytest.raises(InvalidArgument) as caught:
        notification_from_proto(msg, prefix=prefix)
    assert caught.value.reason == "INVALID_NOTIFICATION"
    return {v.field for v in caught.value.violations}


@pytest.mark.parametrize(
    ("msg", "fields"),
    [
        # proto3 enums are open: unknown numbers arrive as they are
        (
            pb.Notification(priority=7),  # type: ignore[arg-type]
            {"requests[2].notification.priority"},
        ),
        (
            pb.Notification(interruption_level=99),  # type: ignore[arg-type]
            {"requests[2].notification.interruption_level"},
        ),
        (
            pb.Notification(priority=3, interruption_level=5),  # type: ignore[arg-type]
            {"requests[2].notification.priority", "requests[2].notification.interruption_level"},
        ),
        (
            pb.Notification(ttl=duration_pb2.Duration(seconds=-1)),
            {"requests[2].notification.ttl"},
        ),
        (
            pb.Notification(ttl=duration_pb2.Duration(nanos=-1)),
            {"requests[2].notification.ttl"},
        ),
        (
            pb.Notification(ttl=duration_pb2.Duration(seconds=1, nanos=1_000_000_000)),
            {"requests[2].notification.ttl"},
        ),
    ],
)
def test_what_the_domain_cannot_hold_is_reported_on_its_field(
    msg: pb.Notification, fields: set[str]
) -> None:
    assert _violations(msg, "requests[2].notification") == fields


def test_a_non_finite_override_number_is_reported() -> None:
    msg = pb.Notification(body="b")
    msg.overrides.expo.fields["x"].number_value = float("inf")
    assert _violations(msg) == {"notification.overrides.expo"}


def test_a_zero_ttl_is_kept() -> None:
    assert notification_from_proto(pb.Notification(ttl=duration_pb2.Duration())).ttl == (
        timedelta(0)
    )


@pytest.mark.parametrize("value", [STRUCT, {"n": None}, {"empty": {}, "list": []}])
def test_override_structs_round_trip(value: dict[str, Any]) -> None:
    n = Notification(overrides={"web_push": value})
    assert notification_from_proto(notification_to_proto(n)) == n


def test_override_numbers_come_back_as_written() -> None:
    msg = pb.Notification()
    msg.overrides.fcm_android.update({"count": 3, "ratio": 0.5})
    assert notification_from_proto(msg).overrides == {"fcm_android": {"count": 3, "ratio": 0.5}}
    assert isinstance(notification_from_proto(msg).overrides["fcm_android"]["count"], int)


def test_empty_overrides_are_left_out() -> None:
    msg = pb.Notification()
    msg.overrides.apns_aps.SetInParent()
    msg.overrides.expo.SetInParent()
    assert notification_from_proto(msg).overrides == {}


def test_an_unknown_override_key_is_refused() -> None:
    with pytest.raises(ValueError, match="nope"):
        notification_to_proto(Notification(overrides={"nope": {}}))


@pytest.mark.parametrize(
    "n",
    [
        FULL,
        MINIMAL,
        Notification(),
        Notification(badge=0, ttl=timedelta(0)),
        Notification(ttl=timedelta(days=28)),
        Notification(ttl=timedelta(seconds=1, microseconds=1)),
        Notification(priority=Priority.NORMAL, interruption_level=InterruptionLevel.CRITICAL),
    ],
)
def test_json_round_trips_exactly(n: Notification) -> None:
    stored = json.loads(json.dumps(notification_to_json(n)))
    assert notification_from_json(stored) == n


def test_json_uses_plain_values() -> None:
    assert notification_to_json(FULL)["ttl"] == 3600.5
    assert notification_to_json(Notification(ttl=timedelta(days=1)))["ttl"] == 86_400
    assert notification_to_json(FULL)["interruption_level"] == "time-sensitive"
    assert notification_to_json(MINIMAL) == {"body": "hi"}


def test_json_with_an_unknown_key_is_refused() -> None:
    with pytest.raises(TypeError):
        notification_from_json({"body": "hi", "colour": "red"})


SEND = "apps/a1/sends/s1"
EXPIRES = datetime(2030, 1, 1, tzinfo=UTC)
TEXTS = Notification(
    title="Hello",
    body="default",
    data={"k": "v"},
    localizations={
        "pt-BR": LocalizedText("Olá", "br"),
        "pt-PT": LocalizedText("Olá", "pt"),
        "de": LocalizedText("Hallo", "de"),
    },
)


@pytest.mark.parametrize(
    ("locale", "title", "body"),
    [
        ("pt-PT", "Olá", "pt"),  # exact tag
        ("de-AT", "Hallo", "de"),  # language
        ("pt", "Olá", "br"),  # any tag of the language, the first by tag
        ("fr-FR", "Hello", "default"),  # nothing for French
        ("", "Hello", "default"),
    ],
)
def test_content_takes_the_best_text_for_the_locale(locale: str, title: str, body: str) -> None:
    content = resolve_content(TEXTS, locale=locale, send_name=SEND, expires_at=EXPIRES)
    assert (content.title, content.body) == (title, body)


def test_content_applies_the_defaults() -> None:
    content = resolve_content(MINIMAL, locale="en", send_name=SEND, expires_at=EXPIRES)
    assert content == PushContent(
        body="hi", data={"clarion.send": SEND}, expires_at=int(EXPIRES.timestamp())
    )
    assert content.priority is Priority.NORMAL
    assert content.ttl_seconds == PushContent().ttl_seconds == 4 * 7 * 86_400


def test_content_copies_every_field() -> None:
    expires = datetime(2030, 1, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    content = resolve_content(FULL, locale="fr-CA", send_name=SEND, expires_at=expires)
    assert content == PushContent(
        title="Bonjour",
        subtitle="Sub",
        body="Corps",
        data={"k": "v", "n": "1", "clarion.send": SEND},
        image_url=FULL.image_url,
        sound="default",
        badge=0,
        category="news",
        thread_id="t1",
        collapse_key="c1",
        priority=Priority.HIGH,
        ttl_seconds=3600,
        content_available=True,
        mutable_content=True,
        interruption_level=InterruptionLevel.TIME_SENSITIVE,
        overrides=FULL.overrides,
        expires_at=int(EXPIRES.timestamp()),
    )


def test_the_send_name_travels_in_data() -> None:
    content = resolve_content(TEXTS, locale="de", send_name=SEND, expires_at=EXPIRES)
    assert content.data == {"k": "v", "clarion.send": SEND}
    assert TEXTS.data == {"k": "v"}


def test_a_naive_expiry_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        resolve_content(MINIMAL, locale="", send_name=SEND, expires_at=datetime(2030, 1, 1))


@pytest.mark.parametrize(
    ("first", "second", "shared"),
    [
        ("de", "de-AT", True),  # both resolve to `de`
        ("fr", "", True),  # both fall back to the notification's own text
        ("pt-BR", "pt", True),  # `pt` picks the first pt-* tag, pt-BR
        ("pt-BR", "pt-PT", False),  # equal titles, different bodies
        ("de", "fr", False),
    ],
)
def test_the_cache_shares_content_between_locales_with_the_same_text(
    first: str, second: str, shared: bool
) -> None:
    cache = ContentCache()
    a = cache.get(TEXTS, send_name=SEND, locale=first, expires_at=EXPIRES)
    b = cache.get(TEXTS, send_name=SEND, locale=second, expires_at=EXPIRES)
    assert (a is b) is shared
    assert b == resolve_content(TEXTS, locale=second, send_name=SEND, expires_at=EXPIRES)


@pytest.mark.parametrize(
    ("send_name", "expires_at", "notification"),
    [
        ("apps/a1/sends/s2", EXPIRES, TEXTS),
        (SEND, EXPIRES + timedelta(seconds=1), TEXTS),
        (SEND, EXPIRES, Notification(title="Hello", body="default", data={"k": "other"})),
    ],
)
def test_the_cache_never_shares_across_sends_expiries_or_notifications(
    send_name: str, expires_at: datetime, notification: Notification
) -> None:
    cache = ContentCache()
    a = cache.get(TEXTS, send_name=SEND, locale="fr", expires_at=EXPIRES)
    b = cache.get(notification, send_name=send_name, locale="fr", expires_at=expires_at)
    assert a is not b
    assert b == resolve_content(
        notification, locale="fr", send_name=send_name, expires_at=expires_at
    )


def test_the_cache_shares_between_equal_notifications() -> None:
    cache = ContentCache()
    a = cache.get(TEXTS, send_name=SEND, locale="de", expires_at=EXPIRES)
    copy = dataclasses.replace(TEXTS)  # as apply_category would make for every delivery
    assert copy is not TEXTS
    assert cache.get(copy, send_name=SEND, locale="de", expires_at=EXPIRES) is a


def test_the_cache_forgets_the_least_recently_used() -> None:
    cache = ContentCache(max_entries=2)
    de = cache.get(TEXTS, send_name=SEND, locale="de", expires_at=EXPIRES)
    cache.get(TEXTS, send_name=SEND, locale="fr", expires_at=EXPIRES)
    assert cache.get(TEXTS, send_name=SEND, locale="de", expires_at=EXPIRES) is de
    cache.get(TEXTS, send_name=SEND, locale="pt-PT", expires_at=EXPIRES)  # evicts fr
    assert len(cache) == 2
    assert cache.get(TEXTS, send_name=SEND, locale="de", expires_at=EXPIRES) is de
