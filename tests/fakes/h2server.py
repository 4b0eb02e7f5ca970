"""A small asyncio HTTP/2 server for provider fakes (APNs, FCM, Web Push, ...).

A fake supplies one coroutine, `handler(method, path, headers, body) -> (status, headers,
body)`, and gets a real HTTP/2 endpoint on 127.0.0.1: TLS with ALPN `h2` (or cleartext h2
with prior knowledge), many concurrent streams per connection, flow control honoured in
both directions. The server counts what the client did to it (connections, requests,
streams open at once, resets) so tests can prove connection reuse and multiplexing rather
than trust them, and it can misbehave on purpose: drop connections, delay responses.

Usage::

    async with H2Server(handler, tls=make_tls_material()) as server:
        url = server.url("/3/device/abc")
        ...
        assert server.connections_total == 1
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import cast

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings

from fakes.tls import TlsMaterial

ResponseHeaders = Mapping[str, str] | Sequence[tuple[str, str]]
Handler = Callable[[str, str, dict[str, str], bytes], Awaitable[tuple[int, ResponseHeaders, bytes]]]


class DropConnection(Exception):
    """Raise from a handler to make the server abort the whole TCP connection at once.

    The client sees the connection vanish mid-request, as when a provider's edge resets it.
    """


class _Stream:
    __slots__ = ("body", "headers")

    def __init__(self, headers: list[tuple[bytes, bytes]]) -> None:
        self.headers = headers
        self.body: list[bytes] = []


class _H2Protocol(asyncio.Protocol):
    """One client connection: feeds bytes to h2 and runs one handler task per stream."""

    def __init__(self, server: H2Server) -> None:
        self._server = server
        self._conn = h2.connection.H2Connection(
            config=h2.config.H2Configuration(client_side=False, header_encoding=None)
        )
        self._transport: asyncio.Transport | None = None
        self._streams: dict[int, _Stream] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}
        # Responses larger than the client's window park here until a WINDOW_UPDATE arrives.
        self._window_waiters: dict[int, asyncio.Future[None]] = {}
        self._open_streams = 0
        self._closed = False

    # asyncio.Protocol -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A cast, not an isinstance check: uvloop's transports do not subclass asyncio's.
        self._transport = cast(asyncio.Transport, transport)
        ssl_object = transport.get_extra_info("ssl_object")
        if ssl_object is not None and ssl_object.selected_alpn_protocol() != "h2":
            # A client that did not negotiate h2 would speak HTTP/1.1 at us: refuse it the
            # way an h2-only provider endpoint does.
            self._server.alpn_refused += 1
            transport.close()
            return
        self._server._connection_opened(self)
        self._conn.initiate_connection()
        self._conn.update_settings(
            {
                h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: (
                    self._server.max_concurrent_streams
                ),
            }
        )
        self._flush()

    def data_received(self, data: bytes) -> None:
        if self._closed:
            return
        try:
            events = self._conn.receive_data(data)
        except h2.exceptions.ProtocolError:
            self._flush()
            self._abort()
            return
        for event in events:
            self._dispatch(event)
        self._flush()

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()
        for waiter in self._window_waiters.values():
            if not waiter.done():
                waiter.set_exception(ConnectionError("connection lost"))
        self._window_waiters.clear()
        self._server._connection_closed(self)

    # h2 events --------------------------------------------------------------------------

    def _dispatch(self, event: h2.events.Event) -> None:
        if isinstance(event, h2.events.RequestReceived):
            assert event.stream_id is not None
            self._streams[event.stream_id] = _Stream(list(event.headers or ()))
            if event.stream_ended is not None:
                self._start(event.stream_id)
        elif isinstance(event, h2.events.DataReceived):
            assert event.stream_id is not None
            stream = self._streams.get(event.stream_id)
            if stream is not None and event.data:
                stream.body.append(event.data)
            # Give the window back at once so large request bodies keep flowing.
            if event.flow_controlled_length:
                self._conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            if event.stream_ended is not None:
                self._start(event.stream_id)
        elif isinstance(event, h2.events.StreamEnded):
            assert event.stream_id is not None
            self._start(event.stream_id)
        elif isinstance(event, h2.events.StreamReset):
            assert event.stream_id is not None
            self._server.resets_received += 1
            self._streams.pop(event.stream_id, None)
            task = self._tasks.pop(event.stream_id, None)
            if task is not None:
                task.cancel()
            self._wake(event.stream_id)
        elif isinstance(event, h2.events.WindowUpdated):
            if event.stream_id:
                self._wake(event.stream_id)
            else:
                self._wake_all()
        elif isinstance(event, h2.events.RemoteSettingsChanged):
            self._wake_all()
        elif isinstance(event, h2.events.ConnectionTerminated):
            self._closed = True
            if self._transport is not None:
                self._transport.close()

    def _start(self, stream_id: int) -> None:
        stream = self._streams.pop(stream_id, None)
        if stream is None or stream_id in self._tasks:
            return
        self._server.requests_total += 1
        task = asyncio.get_running_loop().create_task(self._respond(stream_id, stream))
        self._tasks[stream_id] = task

    # responding -------------------------------------------------------------------------

    async def _respond(self, stream_id: int, stream: _Stream) -> None:
        server = self._server
        self._open_streams += 1
        server.peak_concurrent_streams = max(server.peak_concurrent_streams, self._open_streams)
        try:
            pseudo: dict[str, str] = {}
            headers: dict[str, str] = {}
            for raw_name, raw_value in stream.headers:
                name, value = raw_name.decode("ascii"), raw_value.decode("utf-8", "replace")
                if name.startswith(":"):
                    pseudo[name] = value
                elif name in headers:
                    headers[name] = f"{headers[name]}, {value}"
                else:
                    headers[name] = value
            body = b"".join(stream.body)
            if server.response_delay:
                await asyncio.sleep(server.response_delay)
            try:
                status, response_headers, response_body = await server.handler(
                    pseudo.get(":method", ""), pseudo.get(":path", ""), headers, body
                )
            except DropConnection:
                self._abort()
                return
            except Exception as exc:  # a broken fake must show up in the test, not hang it
                server.errors.append(exc)
                status, response_headers, response_body = 500, (), b"handler failed"
            await self._send_response(stream_id, status, response_headers, response_body)
        except (h2.exceptions.StreamClosedError, ConnectionError):
            pass  # the client reset the stream or the connection went away: nothing to answer
        finally:
            self._open_streams -= 1
            self._tasks.pop(stream_id, None)

    async def _send_response(
        self, stream_id: int, status: int, headers: ResponseHeaders, body: bytes
    ) -> None:
        if self._closed:
            return
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        h2_headers = [(":status", str(status))]
        h2_headers += [(name.lower(), value) for name, value in pairs]
        if not any(name == "content-length" for name, _ in h2_headers):
            h2_headers.append(("content-length", str(len(body))))
        self._conn.send_headers(stream_id, h2_headers, end_stream=not body)
        self._flush()
        view = memoryview(body)
        while view:
            window = min(
                self._conn.local_flow_control_window(stream_id), self._conn.max_outbound_frame_size
            )
            if window <= 0:
                await self._wait_for_window(stream_id)
                if self._closed:
                    return
                continue
            chunk, view = view[:window], view[window:]
            self._conn.send_data(stream_id, chunk.tobytes(), end_stream=not view)
            self._flush()

    async def _wait_for_window(self, stream_id: int) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._window_waiters[stream_id] = waiter
        try:
            await waiter
        finally:
            self._window_waiters.pop(stream_id, None)

    def _wake(self, stream_id: int) -> None:
        waiter = self._window_waiters.get(stream_id)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _wake_all(self) -> None:
        for stream_id in list(self._window_waiters):
            self._wake(stream_id)

    # plumbing ---------------------------------------------------------------------------

    def _flush(self) -> None:
        data = self._conn.data_to_send()
        if data and self._transport is not None and not self._closed:
            self._transport.write(data)

    def _abort(self) -> None:
        self._closed = True
        if self._transport is not None:
            self._transport.abort()

    def goaway(self) -> None:
        """Say GOAWAY and close once written: the polite end of a connection."""
        if self._closed or self._transport is None:
            return
        self._conn.close_connection()
        self._flush()
        self._closed = True
        self._transport.close()

    def drop(self) -> None:
        """Abort the TCP connection without a GOAWAY."""
        self._abort()


class H2Server:
    """An HTTP/2 server on 127.0.0.1 (port chosen by the OS) that answers with `handler`.

    Counters, for tests to prove what the client did:
    `connections_total` (accepted since start), `connections_open`, `requests_total`
    (complete requests received), `peak_concurrent_streams` (most streams being answered at
    once on one connection), `resets_received` (RST_STREAM frames from the client),
    `alpn_refused` (TLS clients that did not negotiate h2), `errors` (exceptions raised by
    the handler; the client got a 500 for each).

    Knobs: `response_delay` (seconds before each handler call, changeable at any time),
    `goaway_connections()` (GOAWAY and close every open connection), `drop_connections()`
    (abort every open connection without a word), and raising `DropConnection` from the
    handler (abort the connection that carried that request).
    """

    def __init__(
        self,
        handler: Handler,
        *,
        tls: TlsMaterial | None,
        max_concurrent_streams: int = 100,
        response_delay: float = 0.0,
        host: str = "127.0.0.1",
    ) -> None:
        self.handler = handler
        self.tls = tls
        self.max_concurrent_streams = max_concurrent_streams
        self.response_delay = response_delay
        self.host = host
        self.port = 0
        self.connections_total = 0
        self.connections_open = 0
        self.requests_total = 0
        self.peak_concurrent_streams = 0
        self.resets_received = 0
        self.alpn_refused = 0
        self.errors: list[Exception] = []
        self._server: asyncio.Server | None = None
        self._protocols: set[_H2Protocol] = set()
        self._idle = asyncio.Event()  # set while no connection is open

    @property
    def base_url(self) -> str:
        """`https://127.0.0.1:PORT` (or `http://` for cleartext h2)."""
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return f"{self.base_url}{path}"

    async def start(self) -> H2Server:
        ctx: ssl.SSLContext | None = self.tls.server_context() if self.tls is not None else None
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _H2Protocol(self),
            self.host,
            0,
            ssl=ctx,
            backlog=512,
            # An idle client (libcurl does not watch pooled connections) never answers our
            # close_notify; without a short bound every stop() would wait for it.
            ssl_shutdown_timeout=0.2 if ctx is not None else None,
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        """Stop listening, send GOAWAY on every connection and wait until they are gone."""
        if self._server is None:
            return
        self._server.close()
        for protocol in list(self._protocols):
            protocol.goaway()
        if self._protocols:
            self._idle.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), 1)
        for protocol in list(self._protocols):
            protocol.drop()
        await self._server.wait_closed()
        self._server = None

    def goaway_connections(self) -> int:
        """Send GOAWAY on every open connection and close it, as a provider does when it
        recycles a connection; returns how many were closed."""
        protocols = list(self._protocols)
        for protocol in protocols:
            protocol.goaway()
        return len(protocols)

    def drop_connections(self) -> int:
        """Abort every open connection without GOAWAY; returns how many were dropped."""
        protocols = list(self._protocols)
        for protocol in protocols:
            protocol.drop()
        return len(protocols)

    def reset_counters(self) -> None:
        self.connections_total = 0
        self.requests_total = 0
        self.peak_concurrent_streams = 0
        self.resets_received = 0
        self.alpn_refused = 0
        self.errors.clear()

    async def __aenter__(self) -> H2Server:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def _connection_opened(self, protocol: _H2Protocol) -> None:
        self._protocols.add(protocol)
        self.connections_total += 1
        self.connections_open += 1

    def _connection_closed(self, protocol: _H2Protocol) -> None:
        if protocol in self._protocols:
            self._protocols.discard(protocol)
            self.connections_open -= 1
            if not self._protocols:
                self._idle.set()
