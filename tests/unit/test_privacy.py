"""Privacy mode: generic text, and previews cut to 200 characters without breaking text."""

from __future__ import annotations

import unicodedata

import pytest

from clarion.domain.privacy import (
    DEFAULT_GENERIC_BODY,
    ELLIPSIS,
    PREVIEW_LENGTH,
    PrivacyMode,
    apply_privacy,
    truncate_preview,
)

FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467"  # woman ZWJ woman ZWJ girl
THUMBS_UP_DARK = "\U0001f44d\U0001f3ff"  # thumbs up + skin-tone modifier
FLAG_DE = "\U0001f1e9\U0001f1ea"  # regional indicators D, E
E_ACUTE = "e\u0301"  # e + combining acute accent
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


def test_preview_length_is_200_characters() -> None:
    assert PREVIEW_LENGTH == 200
    assert len(ELLIPSIS) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("short", "short"),
        ("a" * 199, "a" * 199),
        ("a" * 200, "a" * 200),
        ("a" * 201, "a" * 199 + ELLIPSIS),
        ("a" * 5000, "a" * 199 + ELLIPSIS),
        ("é" * 200, "é" * 200),  # 200 characters, 400 bytes: characters count
        ("é" * 201, "é" * 199 + ELLIPSIS),
        ("日本語" * 67, "日本語" * 66 + "日" + ELLIPSIS),
        ("a" * 198 + " " + "b" * 10, "a" * 198 + ELLIPSIS),
        ("a" * 196 + "   " + "b" * 10, "a" * 196 + ELLIPSIS),
        ("a" * 198 + "\U0001f600" * 3, "a" * 198 + "\U0001f600" + ELLIPSIS),
        ("a" * 198 + E_ACUTE + "zz", "a" * 198 + ELLIPSIS),
        ("a" * 197 + E_ACUTE + "zz", "a" * 197 + E_ACUTE + ELLIPSIS),
        ("a" * 198 + "e\u0301\u0327" + "zz", "a" * 198 + ELLIPSIS),
        ("a" * 196 + FAMILY + "zz", "a" * 196 + ELLIPSIS),
        ("a" * 194 + FAMILY + "zz", "a" * 194 + FAMILY + ELLIPSIS),
        ("a" * 198 + THUMBS_UP_DARK + "z", "a" * 198 + ELLIPSIS),
        ("a" * 198 + FLAG_DE + "z", "a" * 198 + ELLIPSIS),
        ("a" * 197 + FLAG_DE + "z" * 5, "a" * 197 + FLAG_DE + ELLIPSIS),
        ("a" * 196 + FLAG_DE + FLAG_DE + "z", "a" * 196 + FLAG_DE + ELLIPSIS),
        ("a" * 195 + FLAG_DE + FLAG_DE + "zz", "a" * 195 + FLAG_DE + FLAG_DE + ELLIPSIS),
        ("a" * 195 + SCOTLAND + "z", "a" * 195 + ELLIPSIS),
        ("a" * 198 + "\ud83d\ude00" + "z", "a" * 198 + ELLIPSIS),
        ("e" + "\u0301" * 300, ELLIPSIS),
    ],
    ids=[
        "empty",
        "short",
        "199-untouched",
        "exactly-200-untouched",
        "201-cut-to-199-plus-ellipsis",
        "long",
        "200-two-byte-chars-untouched",
        "201-two-byte-chars-cut",
        "cjk",
        "space-before-ellipsis-dropped",
        "spaces-before-ellipsis-dropped",
        "astral-emoji-is-one-character",
        "combining-accent-not-split",
        "combining-accent-kept-whole",
        "two-combining-marks-not-split",
        "zwj-sequence-not-split",
        "zwj-sequence-kept-whole",
        "skin-tone-not-split",
        "flag-not-split",
        "flag-kept-whole",
        "second-flag-not-split",
        "two-flags-kept",
        "tag-sequence-flag-not-split",
        "surrogate-pair-not-split",
        "one-giant-cluster",
    ],
)
def test_truncate_preview(text: str, expected: str) -> None:
    result = truncate_preview(text)
    assert result == expected
    assert len(result) <= PREVIEW_LENGTH


@pytest.mark.parametrize("length", [199, 200, 201, 202, 400])
def test_a_cut_preview_is_valid_text_and_a_prefix(length: int) -> None:
    text = "".join(["a", E_ACUTE, FAMILY, FLAG_DE, THUMBS_UP_DARK, "日"] * 40)[:length]
    result = truncate_preview(text)
    result.encode("utf-8")  # strict: a split surrogate pair would raise here
    assert len(result) <= PREVIEW_LENGTH
    if len(text) > PREVIEW_LENGTH:
        assert result.endswith(ELLIPSIS)
        assert text.startswith(result[:-1])
        kept = result[:-1]
        first_dropped = text[len(kept)]
        assert unicodedata.combining(first_dropped) == 0
        assert first_dropped not in ("\u200d", "\U0001f3ff")
        assert not kept.endswith("\u200d")
        assert kept.count("\U0001f1e9") == kept.count("\U0001f1ea")  # whole flags only
    else:
        assert result == text


def test_truncate_preview_takes_a_limit() -> None:
    assert truncate_preview("abcdef", 4) == "abc" + ELLIPSIS
    assert truncate_preview("abcd", 4) == "abcd"
    with pytest.raises(ValueError, match="at least 1"):
        truncate_preview("abc", 0)


LONG = "x" * 250
CUT = "x" * 199 + ELLIPSIS


@pytest.mark.parametrize(
    ("title", "body", "mode", "generic", "expected"),
    [
        (
            "Hi Ann",
            "Your code is 123456",
            PrivacyMode.OFF,
            ("G", "g"),
            ("Hi Ann", "Your code is 123456"),
        ),
        (
            "Hi Ann",
            "Your code is 123456",
            PrivacyMode.GENERIC_TEXT,
            ("Acme", "New message"),
            ("Acme", "New message"),
        ),
        ("Hi Ann", "", PrivacyMode.GENERIC_TEXT, ("Acme", "New message"), ("Acme", "New message")),
        ("", "secret", PrivacyMode.GENERIC_TEXT, ("", "New message"), ("", "New message")),
        ("Hi Ann", "secret", PrivacyMode.GENERIC_TEXT, ("", ""), ("", DEFAULT_GENERIC_BODY)),
        ("", "", PrivacyMode.GENERIC_TEXT, ("Acme", "New message"), ("", "")),
        ("", "", PrivacyMode.TRUNCATE, ("", ""), ("", "")),
        (LONG, LONG, PrivacyMode.TRUNCATE, ("", ""), (CUT, CUT)),
        ("short", LONG, PrivacyMode.TRUNCATE, ("", ""), ("short", CUT)),
        ("x" * 200, "y" * 201, PrivacyMode.TRUNCATE, ("", ""), ("x" * 200, "y" * 199 + ELLIPSIS)),
        (LONG, LONG, PrivacyMode.OFF, ("", ""), (LONG, LONG)),
    ],
    ids=[
        "off-passes-text",
        "generic-replaces-both",
        "generic-replaces-when-only-title",
        "generic-title-may-be-empty",
        "generic-unset-falls-back",
        "generic-keeps-silent-push-silent",
        "truncate-keeps-silent-push-silent",
        "truncate-both",
        "truncate-only-long-ones",
        "truncate-200-and-201",
        "off-never-truncates",
    ],
)
def test_apply_privacy(
    title: str,
    body: str,
    mode: PrivacyMode,
    generic: tuple[str, str],
    expected: tuple[str, str],
) -> None:
    assert apply_privacy(title, body, mode, *generic) == expected


def test_privacy_mode_values() -> None:
    assert [m.value for m in PrivacyMode] == ["off", "generic_text", "truncate"]
