"""Structured logging: one line per record, as text or JSON, carrying the context it ran in.

Code that works on behalf of a send or a delivery opens a context once,

    with log_context(app=app_id, send_id=send_id):
        ...

and every record logged inside it, by any module, carries those fields. The context lives
in a `contextvars.ContextVar`, so it follows `await` and is copied into tasks created inside
it, and concurrent deliveries never see each other's fields. A single call can add its own
fields with the standard `extra={"delivery_id": ...}`.

Logs never carry a secret, a full device token or a notification body: `redact_token`
gives a device token's log form. docs/observability.md lists the fields.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from types import MappingProxyType
from typing import IO, Final

__all__ = [
    "ContextFilter",
    "JsonFormatter",
    "TextFormatter",
    "configure_logging",
    "log_context",
    "redact_token",
]

_EMPTY: Final[Mapping[str, object]] = MappingProxyType({})
_CONTEXT: ContextVar[Mapping[str, object]] = ContextVar("clarion_log_context", default=_EMPTY)

# Where `ContextFilter` puts the context on a record: one attribute, so context field names
# can never collide with LogRecord's own attributes.
_RECORD_ATTR: Final = "clarion_context"
# The keys every JSON line starts with; a field of the same name would overwrite one.
_RESERVED: Final = frozenset({"time", "level", "logger", "message", "exc", "stack"})
# Everything a LogRecord has before `extra` adds to it (taskName exists from Python 3.12).
_BLANK_RECORD: Final = logging.LogRecord("", 0, "", 0, "", None, None)
_RECORD_ATTRS: Final = frozenset(vars(_BLANK_RECORD)) | {
    "message",
    "asctime",
    "taskName",
    _RECORD_ATTR,
}
# Loggers whose `extra` only repeats their line: aiohttp's access log passes every part of
# its format (remote address, request line, headers it names, sizes) as extras.
_LINE_ONLY_LOGGERS: Final = frozenset({"aiohttp.access"})


@contextmanager
def log_context(**fields: object) -> Iterator[None]:
    """Add `fields` to every record logged inside the block (nested blocks add to and
    override the outer ones; leaving a block restores the outer fields)."""
    clash = _RESERVED.intersection(fields)
    if clash:
        raise ValueError(f"log context fields may not be named {', '.join(sorted(clash))}")
    token = _CONTEXT.set({**_CONTEXT.get(), **fields})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def redact_token(token: str) -> str:
    """A device token's log form: its last 6 characters after "…", enough to tell tokens
    apart in a log and useless to send with. Short tokens (8 characters or fewer) are
    hidden entirely; an empty token stays empty."""
    if not token:
        return ""
    if len(token) <= 8:
        return "…"
    return "…" + token[-6:]


class ContextFilter(logging.Filter):
    """Attaches the current `log_context` fields to each record.

    Installed on the handler, so it runs where the record was logged, in the logging
    task's context, even when a queue handler formats the record elsewhere later.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        setattr(record, _RECORD_ATTR, _CONTEXT.get())
        return True


def _fields(record: logging.LogRecord) -> dict[str, object]:
    """The record's context fields, then its `extra` fields (the more specific wins)."""
    context: Mapping[str, object] | None = getattr(record, _RECORD_ATTR, None)
    # No filter ran (a handler set up elsewhere): the context of the formatting call is
    # the logging call's own for any handler that formats synchronously.
    fields = dict(_CONTEXT.get() if context is None else context)
    if record.name in _LINE_ONLY_LOGGERS:
        return fields
    for key, value in vars(record).items():
        if key not in _RECORD_ATTRS:
            fields[key] = value
    return fields


def _rfc3339(created: float) -> str:
    return (
        datetime.fromtimestamp(created, tz=UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


class JsonFormatter(logging.Formatter):
    """One JSON object per line: `time` (RFC 3339, UTC), `level`, `logger`, `message`, the
    context and `extra` fields, and `exc` (the formatted traceback) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": _rfc3339(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in _fields(record).items():
            entry.setdefault(key, value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _logfmt_value(value: object) -> str:
    text = str(value)
    if not text or any(c.isspace() or c in '"=\\' for c in text):
        return json.dumps(text, ensure_ascii=False)
    return text


class TextFormatter(logging.Formatter):
    """`time LEVEL logger: message key=value ...`, the traceback on the lines below."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _rfc3339(record.created)

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        pairs = " ".join(f"{key}={_logfmt_value(value)}" for key, value in _fields(record).items())
        return f"{line} {pairs}" if pairs else line


def configure_logging(level: str, fmt: str, *, stream: IO[str] | None = None) -> None:
    """Send every log record to `stream` (default stderr) as `fmt` ("text" or "json") at
    `level` ("debug", "info", "warning", "error"), replacing any handlers already set up."""
    if fmt not in ("text", "json"):
        raise ValueError(f"log format must be text or json, not {fmt!r}")
    handler = logging.StreamHandler(sys.stderr if stream is None else stream)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    # Alembic announces its plugins at INFO on every start; the migration lines are enough.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
