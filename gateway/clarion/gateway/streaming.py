"""Server streams over HTTP: newline-delimited JSON, or Server-Sent Events for browsers.

NDJSON (grpc-gateway's format) writes one `{"result": ...}` line per message and, when the
stream fails midway, a last `{"error": <Status>}` line. SSE, chosen when the client's
Accept asks for `text/event-stream`, writes each message as `data: <message JSON>` and a
failure as `event: error`; when the RPC is resumable by cursor (its request has
`after_cursor` and its messages carry a `cursor`), each event's `id:` is that cursor and
the browser's automatic `Last-Event-ID` on reconnect resumes after it, exactly as a gRPC
consumer resumes with `after_cursor`.

A failure before the first message (bad key, bad filter, cursor out of range) still gets a
proper HTTP status: the response headers wait a short grace for the stream's first event.
Every line is written and flushed as it comes; a client that goes away cancels the call.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass
from typing import Any

import grpc
from aiohttp import web
from google.protobuf import descriptor
from google.protobuf.message import Message
from google.rpc import code_pb2, status_pb2

from clarion.gateway.errors import error_response, status_from_rpc_error, status_to_json
from clarion.gateway.routes import Route
from clarion.gateway.transcode import message_to_json

__all__ = [
    "NDJSON",
    "SSE",
    "ResumeCursor",
    "StreamFormat",
    "choose_format",
    "forward_stream",
    "resume_cursor",
]

logger = logging.getLogger(__name__)

#: The request field a resumable stream restarts after, and the message field holding it.
RESUME_REQUEST_FIELD = "after_cursor"
RESUME_MESSAGE_FIELD = "cursor"

_QUEUE_DEPTH = 16  # messages read ahead of a slow HTTP client before gRPC flow control


@dataclass(frozen=True, slots=True)
class StreamFormat:
    """How one message, one failure and one keep-alive are framed on the wire."""

    content_type: str
    sse: bool

    def message(self, value: Any, event_id: int | None = None) -> bytes:
        """One message: an NDJSON `result` line or an SSE `data` event."""
        if not self.sse:
            return _line({"result": value})
        head = f"id: {event_id}\n" if event_id else ""
        return f"{head}data: {_compact(value)}\n\n".encode()

    def error(self, status: status_pb2.Status) -> bytes:
        """The stream's failure: an NDJSON `error` line or an SSE `error` event."""
        if not self.sse:
            return _line({"error": status_to_json(status)})
        return f"event: error\ndata: {_compact(status_to_json(status))}\n\n".encode()

    def keepalive(self) -> bytes | None:
        """A frame that carries nothing, to keep idle proxies from closing the stream."""
        # An SSE comment is ignored by every client; NDJSON has no such line.
        return b": keep-alive\n\n" if self.sse else None


NDJSON = StreamFormat("application/x-ndjson", sse=False)
SSE = StreamFormat("text/event-stream", sse=True)


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _line(value: Any) -> bytes:
    return (_compact(value) + "\n").encode()


def choose_format(accept: str | None) -> StreamFormat:
    """SSE when Accept lists `text/event-stream` at least as high as any JSON type."""
    if not accept:
        return NDJSON
    weights: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        weights[media.lower()] = max(quality, weights.get(media.lower(), 0.0))
    sse = weights.get("text/event-stream", 0.0)
    json_types = ("application/x-ndjson", "application/json", "application/jsonl")
    best_json = max((weights.get(t, 0.0) for t in json_types), default=0.0)
    return SSE if sse > 0 and sse >= best_json else NDJSON


@dataclass(frozen=True, slots=True)
class ResumeCursor:
    """Where a resumable stream's cursor lives: the request field and the message path."""

    request_field: str
    message_path: tuple[str, ...]
    # A repeated field of messages carrying the cursor (WatchReceipts' `receipts`, when
    # the request asked for batches): the last one's cursor is the resume point.
    batch_field: str | None = None

    def of(self, message: Message) -> int | None:
        """The cursor a message carries (a batch: its last one's), or None when unset."""
        if self.batch_field is not None:
            batch = getattr(message, self.batch_field)
            if batch:
                return int(getattr(batch[-1], RESUME_MESSAGE_FIELD)) or None
        value: Any = message
        for name in self.message_path[:-1]:
            if not value.HasField(name):
                return None
            value = getattr(value, name)
        return int(getattr(value, self.message_path[-1])) or None


def resume_cursor(route: Route) -> ResumeCursor | None:
    """The resume convention of a streaming route, when its messages follow it."""
    if not route.server_streaming:
        return None
    field = route.method.input_type.fields_by_name.get(RESUME_REQUEST_FIELD)
    if field is None or not _is_integer(field):
        return None
    output = route.method.output_type
    path = _find_cursor(output, depth=2)
    batch = next(
        (
            f.name
            for f in output.fields
            if f.is_repeated and f.message_type is not None and _find_cursor(f.message_type, 1)
        ),
        None,
    )
    return None if path is None else ResumeCursor(field.name, path, batch)


def _is_integer(field: descriptor.FieldDescriptor) -> bool:
    return not field.is_repeated and field.cpp_type in (
        descriptor.FieldDescriptor.CPPTYPE_INT64,
        descriptor.FieldDescriptor.CPPTYPE_UINT64,
        descriptor.FieldDescriptor.CPPTYPE_INT32,
        descriptor.FieldDescriptor.CPPTYPE_UINT32,
    )


def _find_cursor(message: descriptor.Descriptor, depth: int) -> tuple[str, ...] | None:
    direct = message.fields_by_name.get(RESUME_MESSAGE_FIELD)
    if direct is not None and _is_integer(direct):
        return (direct.name,)
    if depth <= 1:
        return None
    for field in message.fields:
        if field.message_type is not None and not field.is_repeated:
            inner = _find_cursor(field.message_type, depth - 1)
            if inner is not None:
                return (field.name, *inner)
    return None


_Item = tuple[str, Any]


async def _pump(call: grpc.aio.UnaryStreamCall[Any, Any], queue: asyncio.Queue[_Item]) -> None:
    """Move the call's messages into the queue, then its end or its failure."""
    try:
        async for message in call:
            await queue.put(("message", message))
    except grpc.aio.AioRpcError as exc:
        await queue.put(("error", status_from_rpc_error(exc)))
        return
    except Exception:
        # Without this the relay would wait forever on a queue nobody fills.
        logger.exception("reading the stream failed")
        internal = status_pb2.Status(code=code_pb2.INTERNAL, message="internal gateway error")
        await queue.put(("error", internal))
        return
    await queue.put(("end", None))


async def forward_stream(
    http_request: web.Request,
    call: grpc.aio.UnaryStreamCall[Any, Any],
    route: Route,
    *,
    stream_format: StreamFormat,
    header_grace: float,
    keepalive_interval: float | None,
) -> web.StreamResponse:
    """Relay a server stream to the HTTP client until it ends, fails, or the client leaves."""
    queue: asyncio.Queue[_Item] = asyncio.Queue(maxsize=_QUEUE_DEPTH)
    reader = asyncio.create_task(_pump(call, queue))
    resume = resume_cursor(route) if stream_format.sse else None
    try:
        pending: _Item | None = None
        with contextlib.suppress(TimeoutError):
            pending = await asyncio.wait_for(queue.get(), header_grace)
        if pending is not None and pending[0] == "error":
            return error_response(pending[1])
        response = web.StreamResponse(
            status=200,
            headers={
                "Content-Type": stream_format.content_type,
                "Cache-Control": "no-cache",
                # Tell buffering proxies (nginx) to pass each line on at once.
                "X-Accel-Buffering": "no",
            },
        )
        await response.prepare(http_request)
        keepalive = stream_format.keepalive()
        wait = keepalive_interval if keepalive is not None else None
        try:
            while True:
                if pending is None:
                    try:
                        pending = await asyncio.wait_for(queue.get(), wait)
                    except TimeoutError:
                        assert keepalive is not None
                        await response.write(keepalive)
                        continue
                kind, value = pending
                pending = None
                if kind == "end":
                    break
                if kind == "error":
                    await response.write(stream_format.error(value))
                    break
                event_id = resume.of(value) if resume is not None else None
                await response.write(stream_format.message(message_to_json(route, value), event_id))
            await response.write_eof()
        except ConnectionResetError:
            # The client went away between two writes; the finally cancels the call.
            logger.debug("client left %s", route.grpc_path)
        return response
    finally:
        reader.cancel()
        call.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
