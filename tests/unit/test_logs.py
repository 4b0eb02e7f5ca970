"""Structured logging: context fields, extras, both formats, tracebacks, token redaction."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from clarion.logs import (
    ContextFilter,
    JsonFormatter,
    TextFormatter,
    configure_logging,
    log_context,
    redact_token,
)


@contextmanager
def capture(fmt: str) -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger of its own writing through Clarion's handler setup into a buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    logger = logging.getLogger(f"clarion.test.{fmt}")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield logger, buffer
    finally:
        logger.removeHandler(handler)


def _json_lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_json_line_carries_context_fields_and_extras() -> None:
    with capture("json") as (log, buffer), log_context(app="app-1", send_id="s-1"):
        log.info("sent %d", 3, extra={"delivery_id": "d-1", "provider": "apns"})

    [entry] = _json_lines(buffer)
    assert entry == {
        "time": entry["time"],
        "level": "info",
        "logger": "clarion.test.json",
        "message": "sent 3",
        "app": "app-1",
        "send_id": "s-1",
        "delivery_id": "d-1",
        "provider": "apns",
    }
    stamp = datetime.fromisoformat(entry["time"])
    assert entry["time"].endswith("Z")
    assert stamp.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=1)


def test_nested_contexts_add_override_and_restore() -> None:
    with capture("json") as (log, buffer):
        with log_context(app="outer", send_id="s-1"):
            with log_context(app="inner", delivery_id="d-1"):
                log.info("inside")
            log.info("back out")
        log.info("no context")

    inside, back_out, bare = _json_lines(buffer)
    assert (inside["app"], inside["send_id"], inside["delivery_id"]) == ("inner", "s-1", "d-1")
    assert (back_out["app"], back_out["send_id"]) == ("outer", "s-1")
    assert "delivery_id" not in back_out
    assert set(bare) == {"time", "level", "logger", "message"}


def test_an_extra_overrides_a_context_field_of_the_same_name() -> None:
    with capture("json") as (log, buffer), log_context(provider="fcm"):
        log.info("fallback", extra={"provider": "hms"})

    assert _json_lines(buffer)[0]["provider"] == "hms"


async def test_concurrent_tasks_keep_their_own_context() -> None:
    async def deliver(log: logging.Logger, delivery_id: str) -> None:
        with log_context(delivery_id=delivery_id):
            for step in range(3):
                await asyncio.sleep(0)
                log.info("step %d", step)

    with capture("json") as (log, buffer), log_context(app="app-1"):
        await asyncio.gather(deliver(log, "d-1"), deliver(log, "d-2"))

    entries = _json_lines(buffer)
    assert len(entries) == 6
    assert {e["app"] for e in entries} == {"app-1"}
    assert sorted(e["delivery_id"] for e in entries) == ["d-1"] * 3 + ["d-2"] * 3


@pytest.mark.parametrize("name", ["time", "level", "logger", "message", "exc"])
def test_a_context_field_may_not_shadow_a_line_key(name: str) -> None:
    with pytest.raises(ValueError, match=name), log_context(**{name: "x"}):
        pass


def test_values_json_cannot_encode_are_written_as_text() -> None:
    with capture("json") as (log, buffer), log_context(at=datetime(2030, 1, 2, tzinfo=UTC)):
        log.info("scheduled", extra={"ids": ("a", "b")})

    entry = _json_lines(buffer)[0]
    assert entry["at"] == "2030-01-02 00:00:00+00:00"
    assert entry["ids"] == ["a", "b"]


def test_json_exception_goes_in_exc() -> None:
    with capture("json") as (log, buffer), log_context(app="app-1"):
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("send failed")

    [entry] = _json_lines(buffer)
    assert entry["level"] == "error"
    assert entry["message"] == "send failed"
    assert entry["app"] == "app-1"
    assert entry["exc"].startswith("Traceback (most recent call last):")
    assert entry["exc"].endswith("ValueError: boom")


_TEXT_LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARNING clarion\.test\.text: slow (?P<pairs>.*)$"
)


def test_text_line_appends_key_value_pairs() -> None:
    with capture("text") as (log, buffer), log_context(app="app-1", send_id="s-1"):
        log.warning("slow", extra={"note": 'two "words"', "empty": ""})

    match = _TEXT_LINE.match(buffer.getvalue().rstrip("\n"))
    assert match is not None, buffer.getvalue()
    assert match["pairs"] == r'app=app-1 send_id=s-1 note="two \"words\"" empty=""'


@pytest.mark.parametrize("formatter", [JsonFormatter(), TextFormatter()], ids=["json", "text"])
def test_the_access_log_keeps_its_line_and_drops_its_extras(formatter: logging.Formatter) -> None:
    record = logging.makeLogRecord(
        {
            "name": "aiohttp.access",
            "levelno": logging.INFO,
            "levelname": "INFO",
            "msg": "127.0.0.1 GET /healthz HTTP/1.1 200",
            # What aiohttp's AccessLogger passes as `extra`.
            "remote_address": "127.0.0.1",
            "request_header": {"User-Agent": "curl"},
        }
    )
    with log_context(app="app-1"):
        ContextFilter().filter(record)
    line = formatter.format(record)

    assert "GET /healthz HTTP/1.1 200" in line
    assert "app-1" in line
    assert "remote_address" not in line
    assert "User-Agent" not in line


def test_text_line_without_fields_is_the_plain_line() -> None:
    with capture("text") as (log, buffer):
        log.warning("slow")

    assert buffer.getvalue().endswith(" WARNING clarion.test.text: slow\n")


def test_text_exception_follows_the_line() -> None:
    with capture("text") as (log, buffer), log_context(delivery_id="d-1"):
        try:
            raise KeyError("missing")
        except KeyError:
            log.exception("lost")

    first, *rest = buffer.getvalue().rstrip("\n").split("\n")
    assert first.endswith("ERROR clarion.test.text: lost delivery_id=d-1")
    assert rest[0] == "Traceback (most recent call last):"
    assert rest[-1] == "KeyError: 'missing'"


@contextmanager
def _root_logging() -> Iterator[None]:
    # configure_logging replaces the root handlers, pytest's among them: put them back.
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        for handler in root.handlers:
            if handler not in handlers:
                handler.close()
        root.handlers[:] = handlers
        root.setLevel(level)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_configure_logging_sends_every_logger_through_one_handler(fmt: str) -> None:
    buffer = io.StringIO()
    with _root_logging():
        configure_logging("warning", fmt, stream=buffer)
        with log_context(app="app-1"):
            logging.getLogger("clarion.anything").info("hidden")
            logging.getLogger("clarion.anything").warning("shown")

    [line] = buffer.getvalue().splitlines()
    if fmt == "json":
        entry = json.loads(line)
        assert (entry["message"], entry["level"], entry["app"]) == ("shown", "warning", "app-1")
    else:
        assert line.endswith(" WARNING clarion.anything: shown app=app-1")


def test_configure_logging_rejects_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="logfmt"):
        configure_logging("info", "logfmt")


@pytest.mark.parametrize(
    ("token", "redacted"),
    [
        ("", ""),
        ("a", "…"),
        ("12345678", "…"),
        ("123456789", "…456789"),
        ("f" * 58 + "abc123", "…abc123"),
        ("https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bXyZ", "…91bXyZ"),
    ],
)
def test_redact_token_keeps_at_most_the_last_six_characters(token: str, redacted: str) -> None:
    assert redact_token(token) == redacted
