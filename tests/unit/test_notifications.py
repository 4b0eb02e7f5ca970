"""Notification limits and locale fallback (pure domain rules)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clarion.domain.errors import InvalidArgument
from clarion.domain.notifications import (
    LocalizedText,
    Notification,
    localized_text,
    validate_notification,
)


@pytest.mark.parametrize(
    "notification",
    [
        Notification(title="t" * 256, body="b" * 4096),
        Notification(data={"k": "v" * 4000}),
        Notification(content_available=True),
        Notification(body="x", image_url="https://cdn.example.com/i.png", badge=0),
        Notification(body="x", ttl=timedelta(days=28), collapse_key="c" * 64),
        Notification(localizations={"fr": LocalizedText("Bonjour", "Salut")}),
    ],
)
def test_notifications_within_the_limits_pass(notification: Notification) -> None:
    assert validate_notification(notification) is not None


@pytest.mark.parametrize(
    ("notification", "field"),
    [
        (Notification(title="t" * 257), "notification.title"),
        (Notification(subtitle="s" * 257, body="b"), "notification.subtitle"),
        (Notification(body="b" * 4097), "notification.body"),
        (Notification(data={"k": "v" * 4100}), "notification.data"),
        (Notification(body="b", data={"from": "x"}), "notification.data['from']"),
        (Notification(body="b", data={"google.c.a": "x"}), "notification.data['google.c.a']"),
        (
            Notification(body="b", data={"clarion.delivery": "x"}),
            "notification.data['clarion.delivery']",
        ),
        (
            Notification(body="b", image_url="http://cdn.example.com/i.png"),
            "notification.image_url",
        ),
        (Notification(body="b", badge=-1), "notification.badge"),
        (Notification(body="b", ttl=timedelta(days=29)), "notification.ttl"),
        (Notification(body="b", ttl=timedelta(seconds=-1)), "notification.ttl"),
        (Notification(body="b", collapse_key="é" * 33), "notification.collapse_key"),
        (Notification(), "notification"),
        (
            Notification(body="b", localizations={"not a locale": LocalizedText("x")}),
            "notification.localizations['not a locale']",
        ),
        (
            Notification(body="b", localizations={"fr": LocalizedText(title="t" * 257)}),
            "notification.localizations['fr'].title",
        ),
    ],
)
def test_each_limit_is_reported_on_its_field(notification: Notification, field: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        validate_notification(notification)
    assert field in {v.field for v in caught.value.violations}


def test_all_violations_are_reported_at_once() -> None:
    with pytest.raises(InvalidArgument) as caught:
        validate_notification(Notification(title="t" * 300, body="b" * 5000, badge=-2))
    assert {v.field for v in caught.value.violations} == {
        "notification.title",
        "notification.body",
        "notification.badge",
    }
    assert caught.value.reason == "INVALID_NOTIFICATION"


def test_locale_tags_are_normalised() -> None:
    valid = validate_notification(
        Notification(body="b", localizations={"pt_br": LocalizedText("Olá")})
    )
    assert list(valid.localizations) == ["pt-BR"]


TEXTS = Notification(
    title="Hello",
    body="default",
    localizations={
        "pt-BR": LocalizedText("Olá", "br"),
        "pt-PT": LocalizedText("Olá", "pt"),
        "de": LocalizedText("Hallo", "de"),
        "zh-Hant-TW": LocalizedText("你好", "tw"),
    },
)


@pytest.mark.parametrize(
    ("locale", "body"),
    [
        ("pt-BR", "br"),  # exact tag
        ("de-AT", "de"),  # language
        ("de", "de"),
        ("pt", "br"),  # language without a region: the first regional variant, by tag
        ("zh-Hant-TW", "tw"),
        ("fr-FR", "default"),  # nothing for French: the notification's own text
        ("", "default"),
    ],
)
def test_each_device_gets_the_best_locale(locale: str, body: str) -> None:
    assert localized_text(TEXTS, locale).body == body
