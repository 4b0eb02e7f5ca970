"""Framing of server streams: NDJSON lines and Server-Sent Events."""

from __future__ import annotations

import json

import pytest
from google.rpc import code_pb2, status_pb2

from clarion.gateway.routes import RouteTable
from clarion.gateway.streaming import NDJSON, SSE, ResumeCursor, choose_format, resume_cursor
from clarion.v1 import push_sender_service_pb2, receipt_pb2

STATUS = status_pb2.Status(code=code_pb2.UNAVAILABLE, message="going away")


def test_ndjson_result_line() -> None:
    frame = NDJSON.message({"receipt": {"cursor": "7"}}, event_id=7)
    assert frame == b'{"result":{"receipt":{"cursor":"7"}}}\n'


def test_ndjson_error_line() -> None:
    frame = NDJSON.error(STATUS)
    assert frame.endswith(b"\n") and frame.count(b"\n") == 1
    assert json.loads(frame) == {"error": {"code": 14, "message": "going away", "details": []}}


def test_sse_data_event_with_id() -> None:
    assert SSE.message({"a": 1}, event_id=42) == b'id: 42\ndata: {"a":1}\n\n'
    assert SSE.message({"a": 1}) == b'data: {"a":1}\n\n'


def test_sse_error_event() -> None:
    frame = SSE.error(STATUS).decode()
    assert frame.startswith("event: error\ndata: ")
    assert frame.endswith("\n\n")
    assert json.loads(frame.split("data: ", 1)[1])["code"] == 14


def test_payloads_never_break_the_framing() -> None:
    # json.dumps escapes newlines inside strings, so one message is always one line.
    frame = SSE.message({"text": "two\nlines"})
    assert frame.count(b"\n") == 2
    assert NDJSON.message({"text": "two\nlines"}).count(b"\n") == 1


def test_keepalives() -> None:
    assert SSE.keepalive() == b": keep-alive\n\n"
    assert NDJSON.keepalive() is None


@pytest.mark.parametrize(
    ("accept", "sse"),
    [
        (None, False),
        ("", False),
        ("*/*", False),
        ("application/json", False),
        ("text/event-stream", True),
        ("text/event-stream, */*;q=0.1", True),
        ("application/x-ndjson, text/event-stream;q=0.5", False),
        ("application/json;q=0.2, text/event-stream", True),
        ("text/event-stream;q=0", False),
        ("text/event-stream;q=bogus", False),
    ],
)
def test_choose_format(accept: str | None, sse: bool) -> None:
    assert choose_format(accept).sse is sse


def test_watch_receipts_is_resumable_by_its_cursor() -> None:
    table = RouteTable.from_package()
    watch = table.resolve("GET", "/v1/apps/a/receipts:watch").route
    resume = resume_cursor(watch)
    assert resume == ResumeCursor("after_cursor", ("receipt", "cursor"), "receipts")
    message = push_sender_service_pb2.WatchReceiptsResponse(receipt=receipt_pb2.Receipt(cursor=12))
    assert resume.of(message) == 12
    batch = push_sender_service_pb2.WatchReceiptsResponse(
        receipts=[receipt_pb2.Receipt(cursor=c) for c in (13, 14, 15)]
    )
    assert resume.of(batch) == 15  # a batch resumes after its last receipt
    assert resume.of(push_sender_service_pb2.WatchReceiptsResponse()) is None


def test_unary_routes_are_not_resumable() -> None:
    table = RouteTable.from_package()
    assert resume_cursor(table.resolve("GET", "/v1/apps/a/devices").route) is None
