"""Quiet hours: clock-face windows, DST-correct instants, which window applies, the decision."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest

from clarion.domain.categories import Category
from clarion.domain.device_rules import QuietHours
from clarion.domain.quiet_hours import (
    PolicyDecision,
    QuietHoursMode,
    SuppressionReason,
    Verdict,
    current_window,
    decide_quiet_hours,
    effective_quiet_hours,
    in_window,
    local_instant,
    recipient_zone,
    window_end,
)

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
SYDNEY = ZoneInfo("Australia/Sydney")
SANTIAGO = ZoneInfo("America/Santiago")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")  # half-hour DST shifts
TOKYO = ZoneInfo("Asia/Tokyo")  # no DST

NIGHT = QuietHours(22 * 60, 7 * 60)  # 22:00-07:00, wraps midnight
AFTERNOON = QuietHours(13 * 60, 15 * 60)  # 13:00-15:00


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


# --- the clock-face rule -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "local", "inside"),
    [
        (AFTERNOON, time(12, 59, 59), False),
        (AFTERNOON, time(13, 0), True),
        (AFTERNOON, time(14, 59, 59), True),
        (AFTERNOON, time(15, 0), False),
        (NIGHT, time(21, 59), False),
        (NIGHT, time(22, 0), True),
        (NIGHT, time(23, 59, 59), True),
        (NIGHT, time(0, 0), True),
        (NIGHT, time(6, 59, 59), True),
        (NIGHT, time(7, 0), False),
        (NIGHT, time(12, 0), False),
        (QuietHours(0, 1), time(0, 0, 30), True),
        (QuietHours(1439, 0), time(23, 59), True),
        (QuietHours(1439, 0), time(0, 0), False),
        (QuietHours(1, 0), time(0, 0), False),  # every minute but midnight's
        (QuietHours(1, 0), time(12, 0), True),
    ],
    ids=[
        "before-start",
        "start-inclusive",
        "last-second",
        "end-exclusive",
        "wrap-before-start",
        "wrap-start",
        "wrap-before-midnight",
        "wrap-midnight",
        "wrap-last-second",
        "wrap-end-exclusive",
        "wrap-midday",
        "one-minute-window",
        "last-minute-of-day",
        "last-minute-window-ends-at-midnight",
        "all-but-midnight-excludes-midnight",
        "all-but-midnight-includes-noon",
    ],
)
def test_in_window_reads_the_clock_face(hours: QuietHours, local: time, inside: bool) -> None:
    assert in_window(hours, local) is inside


# --- wall-clock times as instants ----------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "day", "wall", "instant"),
    [
        (NEW_YORK, date(2026, 7, 1), "22:00", utc(2026, 7, 2, 2, 0)),
        (NEW_YORK, date(2026, 1, 15), "22:00", utc(2026, 1, 16, 3, 0)),
        # Spring forward 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00 UTC).
        (NEW_YORK, date(2026, 3, 8), "01:59", utc(2026, 3, 8, 6, 59)),
        (NEW_YORK, date(2026, 3, 8), "02:00", utc(2026, 3, 8, 7, 0)),
        (NEW_YORK, date(2026, 3, 8), "02:30", utc(2026, 3, 8, 7, 0)),
        (NEW_YORK, date(2026, 3, 8), "03:00", utc(2026, 3, 8, 7, 0)),
        (NEW_YORK, date(2026, 3, 8), "03:01", utc(2026, 3, 8, 7, 1)),
        # Fall back 2026-11-01: 01:00-01:59 happens at 05:xx EDT and again at 06:xx EST.
        (NEW_YORK, date(2026, 11, 1), "00:59", utc(2026, 11, 1, 4, 59)),
        (NEW_YORK, date(2026, 11, 1), "01:00", utc(2026, 11, 1, 5, 0)),
        (NEW_YORK, date(2026, 11, 1), "01:30", utc(2026, 11, 1, 5, 30)),
        (NEW_YORK, date(2026, 11, 1), "02:00", utc(2026, 11, 1, 7, 0)),
        # Berlin: 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET.
        (BERLIN, date(2026, 3, 29), "02:30", utc(2026, 3, 29, 1, 0)),
        (BERLIN, date(2026, 3, 29), "03:00", utc(2026, 3, 29, 1, 0)),
        (BERLIN, date(2026, 10, 25), "02:30", utc(2026, 10, 25, 0, 30)),
        (BERLIN, date(2026, 10, 25), "03:00", utc(2026, 10, 25, 2, 0)),
        # Sydney (southern hemisphere): DST ends 2026-04-05 03:00 AEDT -> 02:00 AEST and
        # starts 2026-10-04 02:00 AEST -> 03:00 AEDT.
        (SYDNEY, date(2026, 4, 5), "02:30", utc(2026, 4, 4, 15, 30)),
        (SYDNEY, date(2026, 10, 4), "02:30", utc(2026, 10, 3, 16, 0)),
        # Santiago springs forward at midnight: 2026-09-06 00:00-00:59 does not exist.
        (SANTIAGO, date(2026, 9, 6), "00:00", utc(2026, 9, 6, 4, 0)),
        (SANTIAGO, date(2026, 9, 6), "00:30", utc(2026, 9, 6, 4, 0)),
        # Lord Howe moves by half an hour: 2026-10-04 02:00 -> 02:30.
        (LORD_HOWE, date(2026, 10, 4), "02:15", utc(2026, 10, 3, 15, 30)),
        (TOKYO, date(2026, 3, 8), "02:30", utc(2026, 3, 7, 17, 30)),
        # Samoa skipped 30 December 2011 entirely: any time that day is the jump.
        (ZoneInfo("Pacific/Apia"), date(2011, 12, 30), "12:00", utc(2011, 12, 30, 10, 0)),
    ],
    ids=[
        "ny-summer",
        "ny-winter",
        "ny-spring-before-gap",
        "ny-spring-gap-start",
        "ny-spring-in-gap-is-the-jump",
        "ny-spring-gap-end",
        "ny-spring-after-gap",
        "ny-fall-before-fold",
        "ny-fall-fold-start-first",
        "ny-fall-fold-first-occurrence",
        "ny-fall-after-fold",
        "berlin-spring-in-gap",
        "berlin-spring-gap-end",
        "berlin-fall-first-occurrence",
        "berlin-fall-after-fold",
        "sydney-autumn-first-occurrence",
        "sydney-spring-in-gap",
        "santiago-midnight-gap-start",
        "santiago-midnight-gap",
        "lord-howe-half-hour-gap",
        "tokyo-no-dst",
        "apia-skipped-day",
    ],
)
def test_local_instant_is_the_first_instant_the_clock_reads_that_time(
    tz: ZoneInfo, day: date, wall: str, instant: datetime
) -> None:
    assert local_instant(day, hm(wall), tz) == instant


# --- the window in force, and when it ends -------------------------------------------------

# (zone, window, now, end of the window in force or None)
WINDOW_CASES = [
    (NEW_YORK, NIGHT, utc(2026, 7, 2, 1, 59), None),  # 21:59 EDT
    (NEW_YORK, NIGHT, utc(2026, 7, 2, 2, 0), utc(2026, 7, 2, 11, 0)),  # 22:00 -> 07:00 EDT
    (NEW_YORK, NIGHT, utc(2026, 7, 2, 10, 59, 59), utc(2026, 7, 2, 11, 0)),
    (NEW_YORK, NIGHT, utc(2026, 7, 2, 11, 0), None),  # 07:00 EDT: over
    (NEW_YORK, AFTERNOON, utc(2026, 7, 2, 17, 0), utc(2026, 7, 2, 19, 0)),
    # Spring forward: the night of 7-8 March is an hour shorter (22:00 EST to 07:00 EDT).
    (NEW_YORK, NIGHT, utc(2026, 3, 8, 3, 0), utc(2026, 3, 8, 11, 0)),
    (NEW_YORK, NIGHT, utc(2026, 3, 8, 6, 59), utc(2026, 3, 8, 11, 0)),
    (NEW_YORK, NIGHT, utc(2026, 3, 8, 7, 0), utc(2026, 3, 8, 11, 0)),
    # A window ending inside the gap ends at the jump, 03:00 EDT.
    (NEW_YORK, QuietHours(hm("23:00"), hm("02:30")), utc(2026, 3, 8, 6, 59), utc(2026, 3, 8, 7)),
    (NEW_YORK, QuietHours(hm("23:00"), hm("02:30")), utc(2026, 3, 8, 7, 0), None),
    # A window that lies wholly inside the gap does not happen that day.
    (NEW_YORK, QuietHours(hm("02:10"), hm("02:40")), utc(2026, 3, 8, 7, 0), None),
    (
        NEW_YORK,
        QuietHours(hm("02:10"), hm("02:40")),
        utc(2026, 3, 9, 6, 20),
        utc(2026, 3, 9, 6, 40),
    ),
    # A window starting inside the gap starts at the jump.
    (NEW_YORK, QuietHours(hm("02:30"), hm("04:00")), utc(2026, 3, 8, 7, 0), utc(2026, 3, 8, 8, 0)),
    # Fall back: the night of 31 Oct - 1 Nov is an hour longer (22:00 EDT to 07:00 EST).
    (NEW_YORK, NIGHT, utc(2026, 11, 1, 2, 0), utc(2026, 11, 1, 12, 0)),
    (NEW_YORK, NIGHT, utc(2026, 11, 1, 11, 59), utc(2026, 11, 1, 12, 0)),
    # A window ending at 01:30 ends at the first 01:30 (EDT, 05:30 UTC)...
    (
        NEW_YORK,
        QuietHours(hm("23:00"), hm("01:30")),
        utc(2026, 11, 1, 5, 29),
        utc(2026, 11, 1, 5, 30),
    ),
    (NEW_YORK, QuietHours(hm("23:00"), hm("01:30")), utc(2026, 11, 1, 5, 30), None),
    # ...and is not reopened when the clock reads 01:00-01:29 again (EST).
    (NEW_YORK, QuietHours(hm("23:00"), hm("01:30")), utc(2026, 11, 1, 6, 0), None),
    # A window starting at 01:30 starts at the first 01:30 and holds through the repeat.
    (NEW_YORK, QuietHours(hm("01:30"), hm("06:00")), utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 11)),
    (NEW_YORK, QuietHours(hm("01:30"), hm("06:00")), utc(2026, 11, 1, 6, 0), utc(2026, 11, 1, 11)),
    # Berlin.
    (BERLIN, NIGHT, utc(2026, 3, 28, 21, 0), utc(2026, 3, 29, 5, 0)),  # 22:00 CET -> 07:00 CEST
    (BERLIN, QuietHours(hm("23:00"), hm("02:30")), utc(2026, 3, 29, 0, 59), utc(2026, 3, 29, 1)),
    (BERLIN, NIGHT, utc(2026, 10, 24, 20, 0), utc(2026, 10, 25, 6, 0)),  # 22:00 CEST -> 07:00 CET
    (
        BERLIN,
        QuietHours(hm("23:00"), hm("02:30")),
        utc(2026, 10, 25, 0, 29),
        utc(2026, 10, 25, 0, 30),
    ),
    (BERLIN, QuietHours(hm("23:00"), hm("02:30")), utc(2026, 10, 25, 1, 15), None),
    # Sydney: autumn (April) falls back, spring (October) springs forward.
    (SYDNEY, NIGHT, utc(2026, 4, 4, 11, 0), utc(2026, 4, 4, 21, 0)),  # 22:00 AEDT -> 07:00 AEST
    (SYDNEY, NIGHT, utc(2026, 10, 3, 12, 0), utc(2026, 10, 3, 20, 0)),  # 22:00 AEST -> 07:00 AEDT
    (SYDNEY, QuietHours(hm("00:00"), hm("02:30")), utc(2026, 10, 3, 15, 59), utc(2026, 10, 3, 16)),
    # Santiago: a window ending inside the midnight gap ends at 01:00 -03.
    (SANTIAGO, QuietHours(hm("22:00"), hm("00:30")), utc(2026, 9, 6, 3, 59), utc(2026, 9, 6, 4)),
    (SANTIAGO, QuietHours(hm("22:00"), hm("00:30")), utc(2026, 9, 6, 4, 0), None),
    # Santiago falls back at midnight (00:00 -03 -> 23:00 -04): 23:00-23:59 repeats.
    (SANTIAGO, QuietHours(hm("22:00"), hm("00:00")), utc(2026, 4, 5, 2, 59), utc(2026, 4, 5, 4)),
    (SANTIAGO, QuietHours(hm("00:00"), hm("06:00")), utc(2026, 4, 5, 3, 30), None),
    (SANTIAGO, QuietHours(hm("00:00"), hm("06:00")), utc(2026, 4, 5, 4, 0), utc(2026, 4, 5, 10)),
    # No DST.
    (TOKYO, NIGHT, utc(2026, 3, 7, 13, 0), utc(2026, 3, 7, 22, 0)),
    (UTC, NIGHT, utc(2026, 3, 7, 23, 30), utc(2026, 3, 8, 7, 0)),
]
WINDOW_IDS = [
    "ny-before-start",
    "ny-at-start",
    "ny-last-second",
    "ny-at-end",
    "ny-daytime-window",
    "ny-spring-night-start",
    "ny-spring-before-jump",
    "ny-spring-after-jump",
    "ny-spring-end-in-gap-before",
    "ny-spring-end-in-gap-after",
    "ny-spring-window-inside-gap-is-empty",
    "ny-spring-window-inside-gap-next-day",
    "ny-spring-start-in-gap",
    "ny-fall-night-start",
    "ny-fall-night-last-minute",
    "ny-fall-end-first-occurrence-before",
    "ny-fall-end-first-occurrence-at",
    "ny-fall-repeat-does-not-reopen",
    "ny-fall-start-first-occurrence",
    "ny-fall-start-holds-through-repeat",
    "berlin-spring-night",
    "berlin-spring-end-in-gap",
    "berlin-fall-night",
    "berlin-fall-end-first-occurrence",
    "berlin-fall-repeat-does-not-reopen",
    "sydney-autumn-night",
    "sydney-spring-night",
    "sydney-spring-end-in-gap",
    "santiago-end-in-midnight-gap",
    "santiago-after-midnight-gap",
    "santiago-fall-end-at-midnight",
    "santiago-fall-repeat-before-midnight",
    "santiago-fall-window-from-midnight",
    "tokyo-night",
    "utc-night",
]


@pytest.mark.parametrize(("tz", "hours", "now", "end"), WINDOW_CASES, ids=WINDOW_IDS)
def test_window_in_force_and_its_end(
    tz: tzinfo, hours: QuietHours, now: datetime, end: datetime | None
) -> None:
    window = current_window(hours, now, tz)
    if end is None:
        assert window is None
        with pytest.raises(ValueError, match="not within quiet hours"):
            window_end(hours, now, tz)
    else:
        assert window is not None
        start, window_stop = window
        assert start <= now < window_stop == end
        assert window_end(hours, now, tz) == end
        assert end.tzinfo is UTC


def _clock_face_repeats(tz: tzinfo, now: datetime) -> bool:
    # The second pass through a repeated hour (fold=1), or the hour after a transition.
    local = now.astimezone(tz)
    return bool(local.fold) or (local - timedelta(hours=1)).utcoffset() != local.utcoffset()


AWAY_FROM_REPEATS = [
    pytest.param(*case, id=case_id)
    for case, case_id in zip(WINDOW_CASES, WINDOW_IDS, strict=True)
    if not _clock_face_repeats(case[0], case[2])
]


@pytest.mark.parametrize(("tz", "hours", "now", "end"), AWAY_FROM_REPEATS)
def test_instants_agree_with_the_clock_face_away_from_repeated_hours(
    tz: tzinfo, hours: QuietHours, now: datetime, end: datetime | None
) -> None:
    local_time = now.astimezone(tz).time()
    assert (current_window(hours, now, tz) is not None) is in_window(hours, local_time)


def test_now_may_be_given_in_any_zone() -> None:
    now = utc(2026, 7, 2, 3, 0).astimezone(BERLIN)
    assert window_end(NIGHT, now, NEW_YORK) == utc(2026, 7, 2, 11, 0)


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        current_window(NIGHT, datetime(2026, 7, 2, 3, 0), NEW_YORK)


# --- which window applies -----------------------------------------------------------------

USER = QuietHours(hm("23:00"), hm("06:00"))
APP = QuietHours(hm("21:00"), hm("08:00"))
PLAIN = Category("news")
CRITICAL = Category("alarm", critical=True)
IGNORES = Category("chat", respects_quiet_hours=False)


@pytest.mark.parametrize(
    ("user", "app", "category", "expected"),
    [
        (USER, APP, None, APP),
        (USER, None, None, USER),
        (None, APP, None, APP),
        (None, None, None, None),
        (USER, APP, PLAIN, APP),
        (USER, None, PLAIN, USER),
        (None, APP, PLAIN, APP),
        (USER, APP, CRITICAL, None),
        (USER, None, CRITICAL, None),
        (USER, APP, IGNORES, None),
        (USER, None, IGNORES, None),
        (USER, APP, Category("x", critical=True, respects_quiet_hours=True), None),
    ],
    ids=[
        "uncategorised-app-wins",
        "uncategorised-user-only",
        "uncategorised-app-only",
        "uncategorised-none",
        "category-app-wins",
        "category-user-only",
        "category-app-only",
        "critical-bypasses-both",
        "critical-bypasses-user",
        "not-respecting-bypasses-both",
        "not-respecting-bypasses-user",
        "critical-wins-over-respects",
    ],
)
def test_effective_quiet_hours(
    user: QuietHours | None,
    app: QuietHours | None,
    category: Category | None,
    expected: QuietHours | None,
) -> None:
    assert effective_quiet_hours(user, app, category) == expected


# --- the decision -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "now", "mode", "expected"),
    [
        (None, utc(2026, 7, 2, 3, 0), QuietHoursMode.DEFER, PolicyDecision.deliver()),
        (NIGHT, utc(2026, 7, 2, 1, 0), QuietHoursMode.DEFER, PolicyDecision.deliver()),
        (NIGHT, utc(2026, 7, 2, 1, 0), QuietHoursMode.SUPPRESS, PolicyDecision.deliver()),
        (
            NIGHT,
            utc(2026, 7, 2, 3, 0),
            QuietHoursMode.DEFER,
            PolicyDecision.defer(utc(2026, 7, 2, 11, 0)),
        ),
        (
            NIGHT,
            utc(2026, 7, 2, 3, 0),
            QuietHoursMode.SUPPRESS,
            PolicyDecision.suppress(SuppressionReason.QUIET_HOURS),
        ),
        (
            NIGHT,
            utc(2026, 3, 8, 6, 30),
            QuietHoursMode.DEFER,
            PolicyDecision.defer(utc(2026, 3, 8, 11, 0)),
        ),
        (
            NIGHT,
            utc(2026, 11, 1, 6, 30),
            QuietHoursMode.DEFER,
            PolicyDecision.defer(utc(2026, 11, 1, 12, 0)),
        ),
    ],
    ids=[
        "no-window",
        "outside-defer-mode",
        "outside-suppress-mode",
        "inside-defers-to-end",
        "inside-suppresses",
        "ny-spring-forward-defers-to-0700-edt",
        "ny-fall-back-defers-to-0700-est",
    ],
)
def test_decide_quiet_hours(
    hours: QuietHours | None, now: datetime, mode: QuietHoursMode, expected: PolicyDecision
) -> None:
    assert decide_quiet_hours(hours, now, NEW_YORK, mode) == expected


def test_defer_is_the_default_mode() -> None:
    decision = decide_quiet_hours(NIGHT, utc(2026, 7, 2, 3, 0), NEW_YORK)
    assert decision.verdict is Verdict.DEFER


# --- a device's zone ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("", UTC),
        ("Europe/Berlin", BERLIN),
        ("Mars/Olympus_Mons", UTC),
        ("../etc/passwd", UTC),
    ],
    ids=["no-zone-is-utc", "iana-name", "unknown-is-utc", "garbage-is-utc"],
)
def test_recipient_zone(name: str, expected: object) -> None:
    assert recipient_zone(name) == expected


def test_a_device_without_a_zone_keeps_quiet_hours_in_utc() -> None:
    decision = decide_quiet_hours(NIGHT, utc(2026, 7, 2, 23, 0), recipient_zone(""))
    assert decision == PolicyDecision.defer(utc(2026, 7, 3, 7, 0))


# --- the decision value -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verdict", "until", "reason"),
    [
        (Verdict.DELIVER, utc(2026, 1, 1), None),
        (Verdict.DELIVER, None, SuppressionReason.QUIET_HOURS),
        (Verdict.DEFER, None, None),
        (Verdict.DEFER, utc(2026, 1, 1), SuppressionReason.QUIET_HOURS),
        (Verdict.SUPPRESS, None, None),
        (Verdict.SUPPRESS, utc(2026, 1, 1), SuppressionReason.QUIET_HOURS),
        (Verdict.DEFER, datetime(2026, 1, 1), None),
    ],
    ids=[
        "deliver-with-until",
        "deliver-with-reason",
        "defer-without-until",
        "defer-with-reason",
        "suppress-without-reason",
        "suppress-with-until",
        "defer-naive-until",
    ],
)
def test_inconsistent_decisions_cannot_be_built(
    verdict: Verdict, until: datetime | None, reason: SuppressionReason | None
) -> None:
    with pytest.raises(ValueError):
        PolicyDecision(verdict, until, reason)


def test_suppression_reasons_are_the_design_names() -> None:
    assert sorted(SuppressionReason) == sorted(
        ["quiet_hours", "frequency_cap", "category_disabled", "app_disabled", "device_inactive"]
    )
