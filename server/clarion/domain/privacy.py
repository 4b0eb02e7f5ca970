"""Privacy mode: keeping notification text off lock screens and out of providers' hands.

GENERIC_TEXT replaces the title and body with the app's generic text; TRUNCATE cuts each to
a 200-character preview. `data` is never touched: the app can still fetch or decrypt the
real content. Apply it last, to text already resolved for the device's locale
(`notifications.localized_text`), and to the subtitle too (`truncate_preview`, or drop it
under GENERIC_TEXT). Pure.
"""

from __future__ import annotations

import enum
import unicodedata
from typing import Final

__all__ = [
    "DEFAULT_GENERIC_BODY",
    "ELLIPSIS",
    "PREVIEW_LENGTH",
    "PrivacyMode",
    "apply_privacy",
    "truncate_preview",
]

PREVIEW_LENGTH: Final = 200
ELLIPSIS: Final = "\u2026"  # one character, so a cut preview is at most PREVIEW_LENGTH
# Sent when an app chose GENERIC_TEXT but set no generic text: an empty alert is dropped or
# shown blank by some platforms, which would be a silent loss of the notification.
DEFAULT_GENERIC_BODY: Final = "New notification"

_ZWJ: Final = "\u200d"
# Characters that belong to the character before them (UAX #29 Extend / SpacingMark, as
# near as the stdlib gets): combining marks, variation selectors (Mn), ZWJ/ZWNJ,
# emoji skin-tone modifiers and emoji tag characters.
_EXTENDING_CATEGORIES: Final = frozenset({"Mn", "Me", "Mc"})
_EXTENDING_RANGES: Final = (
    (0x200C, 0x200D),  # ZWNJ, ZWJ
    (0x1F3FB, 0x1F3FF),  # emoji modifiers (skin tones)
    (0xE0020, 0xE007F),  # tag characters (subdivision flags)
)


class PrivacyMode(enum.StrEnum):
    """How an app's notification text is protected (`PrivacyMode` in policy.proto)."""

    OFF = "off"
    GENERIC_TEXT = "generic_text"
    TRUNCATE = "truncate"


def _extends(char: str) -> bool:
    code = ord(char)
    if 0xDC00 <= code <= 0xDFFF:  # a low surrogate never starts a character
        return True
    if unicodedata.category(char) in _EXTENDING_CATEGORIES:
        return True
    return any(low <= code <= high for low, high in _EXTENDING_RANGES)


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _splits_a_flag(text: str, cut: int) -> bool:
    # Flags are pairs of regional indicators; a cut between two of them splits a pair when
    # an odd number of them run up to the cut.
    if not (_is_regional_indicator(text[cut]) and _is_regional_indicator(text[cut - 1])):
        return False
    run = 0
    while cut - run > 0 and _is_regional_indicator(text[cut - run - 1]):
        run += 1
    return run % 2 == 1


def _safe_cut(text: str, cut: int) -> int:
    """Move `cut` left until it does not split a user-perceived character."""
    while cut > 0 and (
        _extends(text[cut])
        or text[cut - 1] == _ZWJ
        or 0xD800 <= ord(text[cut - 1]) <= 0xDBFF  # a lone high surrogate would be left
        or _splits_a_flag(text, cut)
    ):
        cut -= 1
    return cut


def truncate_preview(text: str, limit: int = PREVIEW_LENGTH) -> str:
    """`text` if it has at most `limit` characters, else a prefix ending in an ellipsis, the
    whole at most `limit` characters.

    Characters are code points (Python `len`), not bytes. The cut never splits a combining
    sequence, an emoji ZWJ sequence, a skin-tone modifier, a flag or a surrogate pair: it
    moves left to the start of that cluster (so the result can be shorter than `limit`), and
    whitespace before the ellipsis is dropped.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if len(text) <= limit:
        return text
    cut = _safe_cut(text, limit - len(ELLIPSIS))
    return text[:cut].rstrip() + ELLIPSIS


def apply_privacy(
    title: str,
    body: str,
    mode: PrivacyMode,
    generic_title: str = "",
    generic_body: str = "",
) -> tuple[str, str]:
    """The `(title, body)` to send under `mode`.

    GENERIC_TEXT: the app's generic title and body instead (`DEFAULT_GENERIC_BODY` when the
    app set neither). TRUNCATE: each cut to a 200-character preview (`truncate_preview`).
    A notification without text (data only, or a background push) stays without text in
    every mode: privacy must not turn a silent push into a visible one.
    """
    if mode is PrivacyMode.OFF or not (title or body):
        return title, body
    if mode is PrivacyMode.GENERIC_TEXT:
        if not (generic_title or generic_body):
            return "", DEFAULT_GENERIC_BODY
        return generic_title, generic_body
    return truncate_preview(title), truncate_preview(body)
