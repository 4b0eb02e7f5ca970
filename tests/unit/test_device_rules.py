"""Device registration rules: tokens, Web Push subscriptions, ids, topics, zones, locales."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from clarion.domain.device_rules import (
    MAX_TOPICS_PER_DEVICE,
    Provider,
    QuietHours,
    WebPushSubscription,
    decode_base64url,
    encode_base64url,
    validate_install_id,
    validate_locale,
    validate_time_zone,
    validate_token,
    validate_topic,
    validate_topics,
    validate_user_id,
    validate_webpush_subscription,
)
from clarion.domain.errors import InvalidArgument


def fields_of(error: InvalidArgument) -> list[str]:
    return [violation.field for violation in error.violations]


# --- providers -----------------------------------------------------------------------------


def test_provider_values_are_lowercase_names() -> None:
    assert [p.value for p in Provider] == ["apns", "fcm", "webpush", "expo", "hms", "mipush"]
    assert Provider("apns") is Provider.APNS
    assert f"{Provider.FCM}" == "fcm"


# --- tokens ------------------------------------------------------------------------------

FCM_TOKEN = "dGhpcyBpcyBub3QgYSByZWFs:APA91bH_-x.y" + "z" * 100


@pytest.mark.parametrize(
    ("provider", "token", "normalised"),
    [
        (Provider.APNS, "ab" * 32, "ab" * 32),
        (Provider.APNS, "AB" * 32, "ab" * 32),
        (Provider.APNS, "0F" * 100, "0f" * 100),
        (Provider.FCM, FCM_TOKEN, FCM_TOKEN),
        (Provider.FCM, "a" * 32, "a" * 32),
        (Provider.FCM, "a" * 4096, "a" * 4096),
        (Provider.EXPO, "ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]", None),
        (Provider.EXPO, "ExpoPushToken[a_b-C9]", None),
        (Provider.HMS, "0123456789abcdef" * 2 + "+/=.:_-", None),
        (Provider.HMS, "a" * 512, None),
        (Provider.MIPUSH, "abcdefghijklmnopqrs+/=:.", None),
        (Provider.MIPUSH, "a" * 20, None),
        (Provider.WEBPUSH, "", ""),
    ],
)
def test_valid_tokens(provider: Provider, token: str, normalised: str | None) -> None:
    assert validate_token(provider, token) == (token if normalised is None else normalised)


@pytest.mark.parametrize(
    ("provider", "token"),
    [
        (Provider.APNS, ""),
        (Provider.APNS, "ab" * 31),  # 62 hex digits: too short
        (Provider.APNS, "ab" * 101),  # 202: too long
        (Provider.APNS, "a" * 65),  # odd length
        (Provider.APNS, "gg" * 32),
        (Provider.APNS, "<" + "ab" * 32 + ">"),
        (Provider.APNS, "ab" * 32 + "\n"),
        (Provider.FCM, "a" * 31),
        (Provider.FCM, "a" * 4097),
        (Provider.FCM, "a" * 40 + " "),
        (Provider.FCM, "a" * 40 + "/"),
        (Provider.EXPO, "ExponentPushToken[]"),
        (Provider.EXPO, "ExponentPushToken[abc"),
        (Provider.EXPO, "ExponentPushToken[a b]"),
        (Provider.EXPO, "ExponentPushToken[abc]x"),
        (Provider.EXPO, "exponentpushtoken[abc]"),
        (Provider.EXPO, "abc"),
        (Provider.HMS, "a" * 31),
        (Provider.HMS, "a" * 513),
        (Provider.HMS, "a" * 40 + "!"),
        (Provider.MIPUSH, "a" * 19),
        (Provider.MIPUSH, "a" * 257),
        (Provider.MIPUSH, "a" * 30 + "#"),
        (Provider.WEBPUSH, "anything"),
    ],
)
def test_invalid_tokens(provider: Provider, token: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_token(provider, token, field="devices[3].token")
    assert info.value.reason == "INVALID_TOKEN_FORMAT"
    assert fields_of(info.value) == ["devices[3].token"]


def test_token_field_defaults_to_device_token() -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_token(Provider.FCM, "short")
    assert fields_of(info.value) == ["device.token"]


# --- base64url -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"\xff", b"\xfb\xff", b"\x00\x01\x02", bytes(range(256))])
def test_base64url_round_trip(raw: bytes) -> None:
    encoded = encode_base64url(raw)
    assert "=" not in encoded
    assert decode_base64url(encoded) == raw
    assert decode_base64url(base64.urlsafe_b64encode(raw).decode()) == raw
    assert decode_base64url(base64.b64encode(raw).decode()) == raw


@pytest.mark.parametrize("text", ["a", "ab!c", "ab c", "a=bc", "abcde", "abc==="])
def test_base64url_rejects_garbage(text: str) -> None:
    with pytest.raises(ValueError, match="base64url"):
        decode_base64url(text)


# --- Web Push subscriptions ----------------------------------------------------------------


def _point(private_value: int) -> bytes:
    key = ec.derive_private_key(private_value, ec.SECP256R1())
    return key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


P256DH = _point(123456789)
P256DH_B64 = encode_base64url(P256DH)
AUTH = bytes(range(16))
AUTH_B64 = encode_base64url(AUTH)
ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc:def"
OFF_CURVE = P256DH[:-1] + bytes([P256DH[-1] ^ 0x01])
COMPRESSED = (
    ec.derive_private_key(123456789, ec.SECP256R1())
    .public_key()
    .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
)


@pytest.mark.parametrize(
    ("endpoint", "p256dh", "auth"),
    [
        (ENDPOINT, P256DH_B64, AUTH_B64),
        (ENDPOINT, P256DH_B64 + "=", AUTH_B64 + "=="),  # padded
        ("https://updates.push.services.mozilla.com/wpush/v2/gAAA", P256DH_B64, AUTH_B64),
        ("https://web.push.apple.com:443/QAbc", P256DH_B64, AUTH_B64),
        ("HTTPS://push.example.net/x", P256DH_B64, AUTH_B64),
    ],
)
def test_valid_subscriptions(endpoint: str, p256dh: str, auth: str) -> None:
    subscription = validate_webpush_subscription(endpoint, p256dh, auth)
    assert subscription == WebPushSubscription(endpoint=endpoint, p256dh=P256DH, auth=AUTH)


def test_subscription_repr_hides_the_capability_url() -> None:
    subscription = validate_webpush_subscription(ENDPOINT, P256DH_B64, AUTH_B64)
    assert "abc:def" not in repr(subscription)
    assert "fcm.googleapis.com" in repr(subscription)


@pytest.mark.parametrize(
    ("endpoint", "p256dh", "auth", "bad"),
    [
        ("", P256DH_B64, AUTH_B64, ["endpoint"]),
        ("http://push.example.net/x", P256DH_B64, AUTH_B64, ["endpoint"]),
        ("https:///nohost", P256DH_B64, AUTH_B64, ["endpoint"]),
        ("/relative/path", P256DH_B64, AUTH_B64, ["endpoint"]),
        ("https://push.example.net:99999/x", P256DH_B64, AUTH_B64, ["endpoint"]),
        ("https://user:pw@push.example.net/x", P256DH_B64, AUTH_B64, ["endpoint"]),
        ("https://push.example.net/a b", P256DH_B64, AUTH_B64, ["endpoint"]),
        ("https://push.example.net/" + "x" * 2048, P256DH_B64, AUTH_B64, ["endpoint"]),
        (ENDPOINT, "", AUTH_B64, ["p256dh"]),
        (ENDPOINT, "not base64!", AUTH_B64, ["p256dh"]),
        (ENDPOINT, encode_base64url(P256DH[:64]), AUTH_B64, ["p256dh"]),
        (ENDPOINT, encode_base64url(COMPRESSED), AUTH_B64, ["p256dh"]),
        (ENDPOINT, encode_base64url(b"\x05" + P256DH[1:]), AUTH_B64, ["p256dh"]),
        (ENDPOINT, encode_base64url(OFF_CURVE), AUTH_B64, ["p256dh"]),
        (ENDPOINT, P256DH_B64, "", ["auth"]),
        (ENDPOINT, P256DH_B64, encode_base64url(bytes(15)), ["auth"]),
        (ENDPOINT, P256DH_B64, encode_base64url(bytes(17)), ["auth"]),
        (ENDPOINT, P256DH_B64, "@@@@", ["auth"]),
        ("ftp://x", "", "", ["endpoint", "p256dh", "auth"]),
    ],
)
def test_invalid_subscriptions_report_every_bad_part(
    endpoint: str, p256dh: str, auth: str, bad: list[str]
) -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_webpush_subscription(endpoint, p256dh, auth)
    assert info.value.reason == "INVALID_SUBSCRIPTION"
    assert fields_of(info.value) == [f"device.web_push.{name}" for name in bad]


def test_subscription_field_prefix_is_the_callers() -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_webpush_subscription("x", P256DH_B64, AUTH_B64, field="web_push")
    assert fields_of(info.value) == ["web_push.endpoint"]


# --- time zones and locales -----------------------------------------------------------------


@pytest.mark.parametrize(
    "tz",
    ["Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC", "Etc/GMT+5", "Asia/Kolkata"],
)
def test_valid_time_zones(tz: str) -> None:
    assert validate_time_zone(tz, "device.time_zone") == tz


@pytest.mark.parametrize(
    "tz",
    [
        "",
        "Mars/Olympus_Mons",
        "Europe",
        "../etc/passwd",
        "Europe/../Europe/Berlin",
        "/etc/localtime",
        "/usr/share/zoneinfo/UTC",
        "localtime",
        "posixrules",
        "posix/Europe/Berlin",
        "right/UTC",
        "zone.tab",
        "Europe\\Berlin",
        "Europe/Berlin\x00",
        "Europe/Berlin ",
        "x" * 65,
    ],
)
def test_invalid_time_zones(tz: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_time_zone(tz, "device.time_zone")
    assert info.value.reason == "INVALID_TIME_ZONE"
    assert fields_of(info.value) == ["device.time_zone"]


@pytest.mark.parametrize(
    ("tag", "normalised"),
    [
        ("en", "en"),
        ("EN-us", "en-US"),
        ("en_US", "en-US"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("ZH-HANS", "zh-Hans"),
        ("es-419", "es-419"),
        ("fil-PH", "fil-PH"),
    ],
)
def test_valid_locales(tag: str, normalised: str) -> None:
    assert validate_locale(tag, "device.locale") == normalised


@pytest.mark.parametrize(
    "tag",
    ["", "e", "english", "en-", "en-USA", "en-1234", "en-Latn-US-x", "en US", "en-US\n", "dé"],
)
def test_invalid_locales(tag: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_locale(tag, "device.locale")
    assert info.value.reason == "INVALID_LOCALE"
    assert fields_of(info.value) == ["device.locale"]


# --- topics ----------------------------------------------------------------------------------


@pytest.mark.parametrize("topic", ["news", "a", "Sports-2024_EU.~%", "x" * 900])
def test_valid_topics(topic: str) -> None:
    assert validate_topic(topic, "topic") == topic


@pytest.mark.parametrize("topic", ["", "x" * 901, "with space", "a/b", "/topics/news", "ü"])
def test_invalid_topics(topic: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_topic(topic, "topic")
    assert info.value.reason == "INVALID_TOPIC"
    assert fields_of(info.value) == ["topic"]


def test_topic_lists_are_deduplicated_in_order() -> None:
    assert validate_topics(["b", "a", "b"]) == ("b", "a")


def test_topic_lists_report_every_bad_entry() -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_topics(["ok", "no good", "fine", ""], field="device.topics")
    assert info.value.reason == "INVALID_TOPIC"
    assert fields_of(info.value) == ["device.topics[1]", "device.topics[3]"]


def test_topic_lists_are_capped() -> None:
    assert len(validate_topics(f"t{i}" for i in range(MAX_TOPICS_PER_DEVICE))) == 2000
    # Duplicates do not count against the cap.
    assert len(validate_topics(["same"] * (MAX_TOPICS_PER_DEVICE + 1))) == 1
    with pytest.raises(InvalidArgument) as info:
        validate_topics(f"t{i}" for i in range(MAX_TOPICS_PER_DEVICE + 1))
    assert info.value.reason == "TOO_MANY_TOPICS"
    assert fields_of(info.value) == ["device.topics"]


# --- ids -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["u", "user-42", "Ünïcode-ok", "x" * 256, "email@x.org"])
def test_valid_ids(value: str) -> None:
    assert validate_user_id(value) == value
    assert validate_install_id(value) == value


@pytest.mark.parametrize("value", ["a b", "Ünïcode ok", "a/b"])
def test_user_ids_may_hold_what_install_ids_may_not(value: str) -> None:
    # Install ids are name segments (apps/{app}/installs/{install_id}); user ids are not.
    assert validate_user_id(value) == value
    with pytest.raises(InvalidArgument) as info:
        validate_install_id(value)
    assert info.value.reason == "INVALID_ID"


@pytest.mark.parametrize(
    "value",
    ["", " ", "   ", "x" * 257, "tab\there", "new\nline", "nul\x00", "\u200b", "bidi\u202e"],
)
def test_invalid_ids(value: str) -> None:
    for validate, field in ((validate_user_id, "device.user_id"), (validate_install_id, "x.id")):
        with pytest.raises(InvalidArgument) as info:
            validate(value, field)
        assert info.value.reason == "INVALID_ID"
        assert fields_of(info.value) == [field]


def test_id_fields_default_to_device_paths() -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_install_id("")
    assert fields_of(info.value) == ["device.install_id"]
    with pytest.raises(InvalidArgument) as info:
        validate_user_id("")
    assert fields_of(info.value) == ["device.user_id"]


# --- quiet hours -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "wraps"),
    [(0, 1439, False), (1320, 420, True), (60, 120, False), (1439, 0, True)],
)
def test_valid_quiet_hours(start: int, end: int, wraps: bool) -> None:
    hours = QuietHours.validated(start, end)
    assert hours == QuietHours(start, end)
    assert hours.wraps_midnight is wraps


@pytest.mark.parametrize(
    ("start", "end", "bad"),
    [
        (-1, 10, ["start_minute"]),
        (10, 1440, ["end_minute"]),
        (1440, -5, ["start_minute", "end_minute"]),
        (600, 600, ["end_minute"]),
        (True, 10, ["start_minute"]),
        (1.5, 10, ["start_minute"]),
    ],
)
def test_invalid_quiet_hours(start: int, end: int, bad: list[str]) -> None:
    with pytest.raises(InvalidArgument) as info:
        QuietHours.validated(start, end, field="device.quiet_hours")
    assert info.value.reason == "INVALID_QUIET_HOURS"
    assert fields_of(info.value) == [f"device.quiet_hours.{name}" for name in bad]
    # Direct construction is checked too, so an invalid instance can never exist.
    with pytest.raises(InvalidArgument):
        QuietHours(start, end)
