"""The one asynchronous HTTP/2 transport every provider sends through.

Built on libcurl's multi interface (pycurl), driven from the asyncio event loop through
libcurl's socket and timer callbacks: libcurl tells us which sockets to watch and when to
wake it, the loop tells libcurl which socket became ready (`socket_action`). libcurl does
the HTTP/2 framing, TLS, connection pooling and stream multiplexing in C; Python pays for
one future and a handful of `setopt` calls per request. See docs/transport.md for why
(measured against pure-Python and other native clients) and the benchmark.

Connection reuse: easy handles are pooled and reused; connections live in the multi
handle's pool, keyed by host and TLS settings, and new requests wait (`PIPEWAIT`) to be
multiplexed onto a connection being set up instead of racing to open their own.

Errors: every libcurl failure becomes a `TransportError` subclass carrying `curl_code`,
with the original `pycurl.error` as `__cause__`. Messages never include the request URL,
because provider URLs carry device tokens.

The transport is bound to the event loop that sends its first request and is not
thread-safe: use it from that loop only.
"""

from __future__ import annotations

import asyncio
import logging
import os
import ssl
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Final, Protocol

import pycurl

__all__ = [
    "ConnectError",
    "ConnectTimeout",
    "HttpRequest",
    "HttpResponse",
    "ProtocolError",
    "RequestTimeout",
    "Requester",
    "TLSError",
    "Transport",
    "TransportClosed",
    "TransportConfig",
    "TransportError",
    "TransportStats",
]

_log = logging.getLogger(__name__)


# Errors -------------------------------------------------------------------------------------


class TransportError(Exception):
    """A request failed below HTTP: no response was received.

    `curl_code` is libcurl's `CURLcode` (None for failures that did not come from libcurl).
    A `ConnectError` means the request never reached the server and is safe to resend; any
    other `TransportError` leaves open whether the server acted on it.
    """

    def __init__(self, message: str, *, curl_code: int | None = None) -> None:
        super().__init__(message)
        self.curl_code = curl_code


class ConnectError(TransportError):
    """No connection could be made (refused, unresolvable, TLS failed): nothing was sent."""


class TLSError(ConnectError):
    """The TLS handshake or the server's certificate verification failed."""


class RequestTimeout(TransportError):
    """The request did not complete within its timeout."""


class ConnectTimeout(ConnectError, RequestTimeout):
    """Connecting (TCP or TLS handshake) took longer than the connect timeout."""


class ProtocolError(TransportError):
    """The exchange broke after connecting.

    The connection dropped, the stream was reset, or the server sent something that is
    not valid HTTP. The server may or may not have acted on the request.
    """


class TransportClosed(TransportError):
    """The transport was closed before or while the request ran."""


# libcurl's CURLcode values are part of its stable ABI; named here because pycurl's module
# lacks some of the newer ones (CURLE_HTTP2_STREAM, CURLE_SSL_CLIENTCERT, ...).
_CURLE_OPERATION_TIMEDOUT: Final = 28
_ERROR_CLASSES: Final[dict[int, type[TransportError]]] = {
    5: ConnectError,  # COULDNT_RESOLVE_PROXY
    6: ConnectError,  # COULDNT_RESOLVE_HOST
    7: ConnectError,  # COULDNT_CONNECT
    45: ConnectError,  # INTERFACE_FAILED
    97: ConnectError,  # PROXY
    35: TLSError,  # SSL_CONNECT_ERROR
    58: TLSError,  # SSL_CERTPROBLEM
    59: TLSError,  # SSL_CIPHER
    60: TLSError,  # PEER_FAILED_VERIFICATION
    64: TLSError,  # USE_SSL_FAILED
    66: TLSError,  # SSL_ENGINE_INITFAILED
    77: TLSError,  # SSL_CACERT_BADFILE
    82: TLSError,  # SSL_CRL_BADFILE
    83: TLSError,  # SSL_ISSUER_ERROR
    90: TLSError,  # SSL_PINNEDPUBKEYNOTMATCH
    91: TLSError,  # SSL_INVALIDCERTSTATUS
    98: TLSError,  # SSL_CLIENTCERT
    _CURLE_OPERATION_TIMEDOUT: RequestTimeout,
    8: ProtocolError,  # WEIRD_SERVER_REPLY
    16: ProtocolError,  # HTTP2 (framing layer, incl. a connection lost mid-stream)
    18: ProtocolError,  # PARTIAL_FILE
    52: ProtocolError,  # GOT_NOTHING
    55: ProtocolError,  # SEND_ERROR
    56: ProtocolError,  # RECV_ERROR
    61: ProtocolError,  # BAD_CONTENT_ENCODING
    92: ProtocolError,  # HTTP2_STREAM (stream reset by the server)
    100: ProtocolError,  # TOO_LARGE
}
# libcurl reports every timeout as CURLE_OPERATION_TIMEDOUT; only the message tells a
# timeout while connecting (safe to resend) from one after the request went out.
_CONNECT_TIMEOUT_MESSAGES: Final = (
    "Connection timed out",
    "Resolving timed out",
    "SSL connection timeout",
    "Failed to connect",
)


def _translate(code: int, message: str) -> TransportError:
    cls = _ERROR_CLASSES.get(code, TransportError)
    if code == _CURLE_OPERATION_TIMEDOUT and message.startswith(_CONNECT_TIMEOUT_MESSAGES):
        cls = ConnectTimeout
    exc = cls(f"{message or 'transfer failed'} (curl error {code})", curl_code=code)
    exc.__cause__ = pycurl.error(code, message)
    return exc


# Requests and responses ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One HTTP request as a provider builds it.

    `method` is uppercase; the URL and headers must be ASCII (a `ValueError` otherwise, as
    for a body on a GET or HEAD). `timeout` (seconds) bounds the whole exchange including
    waiting for a stream; None means the transport's `request_timeout`.
    """

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    timeout: float | None = None


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """A complete HTTP response.

    Header names are lowercase; repeated headers are joined with ", ". `elapsed` is the
    seconds from handing the request to the transport to the last byte of the response.
    """

    status: int
    headers: dict[str, str]
    body: bytes
    elapsed: float


@dataclass(frozen=True, slots=True)
class TransportConfig:
    """Settings of one `Transport`.

    `max_connections_per_host` caps connections to one host; with multiplexing a second
    connection opens only when every existing one carries `max_concurrent_streams` streams
    (the server's own SETTINGS limit applies too, whichever is lower). `ca_file` replaces
    the system trust store (test fakes use their own CA); None means the system store.
    `cleartext_http2` makes `http://` URLs speak HTTP/2 with prior knowledge (h2c) instead
    of HTTP/1.1. `idle_handles` is how many libcurl easy handles are kept for reuse.
    """

    connect_timeout: float = 10.0
    request_timeout: float = 30.0
    max_connections_per_host: int = 4
    max_concurrent_streams: int = 100
    max_total_connections: int = 0
    ca_file: str | None = None
    cleartext_http2: bool = True
    user_agent: str | None = "clarion"
    idle_handles: int = 1024

    def __post_init__(self) -> None:
        if self.connect_timeout <= 0 or self.request_timeout <= 0:
            raise ValueError("timeouts must be positive")
        if self.max_connections_per_host < 1 or self.max_concurrent_streams < 1:
            raise ValueError("max_connections_per_host and max_concurrent_streams must be >= 1")
        if self.max_total_connections < 0 or self.idle_handles < 0:
            raise ValueError("max_total_connections and idle_handles must be >= 0")


@dataclass(frozen=True, slots=True)
class TransportStats:
    """A snapshot for metrics.

    `in_flight`: requests started and not finished. `sockets_watched`: sockets libcurl has
    the loop watch right now (connections with traffic pending; idle pooled connections
    are not watched, so this is not a count of open connections, which libcurl does not
    expose). `connections_opened`: connections made so far (a counter). `requests_total`:
    requests started so far (a counter).
    """

    in_flight: int
    sockets_watched: int
    connections_opened: int
    requests_total: int


# The transport -----------------------------------------------------------------------------


def _system_ca_file() -> str | None:
    # Which bundle libcurl finds on its own depends on how pycurl was built (the PyPI wheel
    # probes a list of distribution paths; a source build uses its configure-time path) and
    # libcurl ignores SSL_CERT_FILE. Naming the file that Python's OpenSSL uses makes the
    # trust store the same for every build and lets operators point SSL_CERT_FILE elsewhere.
    paths = ssl.get_default_verify_paths()
    for candidate in (os.environ.get("SSL_CERT_FILE"), paths.cafile, paths.openssl_cafile):
        if candidate and os.path.isfile(candidate):
            return candidate
    return None


def _parse_headers(lines: list[bytes]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in lines:
        if line.startswith(b"HTTP/"):
            # A new head starts (after an interim 1xx): only the final one counts.
            headers = {}
            continue
        name, sep, value = line.partition(b":")
        if not sep:
            continue  # the blank line that ends a head
        key = name.strip().lower().decode("latin-1")
        text = value.strip().decode("latin-1")
        previous = headers.get(key)
        headers[key] = text if previous is None else f"{previous}, {text}"
    return headers


class _Slot:
    """A pooled easy handle and the per-request state its callbacks write into."""

    __slots__ = (
        "body",
        "cleartext",
        "curl",
        "future",
        "header_lines",
        "method",
        "started",
        "timeout_ms",
    )

    def __init__(self) -> None:
        self.curl = pycurl.Curl()
        # Callbacks append into these lists, which are cleared (never replaced) on reuse so
        # the bound methods given to libcurl stay valid for the handle's whole life.
        self.body: list[bytes] = []
        self.header_lines: list[bytes] = []
        self.future: asyncio.Future[HttpResponse] | None = None
        self.started = 0.0
        self.method = ""
        self.timeout_ms = -1
        self.cleartext: bool | None = None


_POLL_IN: Final[int] = pycurl.POLL_IN
_POLL_OUT: Final[int] = pycurl.POLL_OUT
_POLL_REMOVE: Final[int] = pycurl.POLL_REMOVE
_CSELECT_IN: Final[int] = pycurl.CSELECT_IN
_CSELECT_OUT: Final[int] = pycurl.CSELECT_OUT
_SOCKET_TIMEOUT: Final[int] = pycurl.SOCKET_TIMEOUT


class Requester(Protocol):
    """What a provider sends through: a `Transport`, or a wrapper around one (metrics)."""

    async def request(self, request: HttpRequest) -> HttpResponse:
        """Send `request` and return its response; raises a `TransportError` subclass."""
        ...


class Transport:
    """Shared asynchronous HTTP/2 client: `await transport.request(HttpRequest(...))`.

    One instance serves every provider of a process; it multiplexes concurrent requests
    to the same host over few connections. Close it with `await transport.aclose()` (or
    use it as an async context manager); requests still running then fail with
    `TransportClosed`.
    """

    def __init__(self, config: TransportConfig | None = None) -> None:
        self.config = config if config is not None else TransportConfig()
        self._ca_file = self.config.ca_file or _system_ca_file()
        # Prior knowledge only for http:// URLs: over TLS it would also drop ALPN's fallback
        # to HTTP/1.1, and an HTTP/1.1-only provider endpoint would then fail every request.
        self._cleartext_version = (
            pycurl.CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE
            if self.config.cleartext_http2
            else pycurl.CURL_HTTP_VERSION_1_1
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._multi = pycurl.CurlMulti()
        self._multi.setopt(pycurl.M_PIPELINING, pycurl.PIPE_MULTIPLEX)
        self._multi.setopt(pycurl.M_MAX_HOST_CONNECTIONS, self.config.max_connections_per_host)
        self._multi.setopt(pycurl.M_MAX_TOTAL_CONNECTIONS, self.config.max_total_connections)
        self._multi.setopt(pycurl.M_MAX_CONCURRENT_STREAMS, self.config.max_concurrent_streams)
        self._multi.setopt(pycurl.M_SOCKETFUNCTION, self._on_socket)
        self._multi.setopt(pycurl.M_TIMERFUNCTION, self._on_timer)
        self._idle: list[_Slot] = []
        self._active: dict[pycurl.Curl, _Slot] = {}
        self._fds: dict[int, int] = {}
        self._timer: asyncio.Handle | None = None
        self._timer_deadline = 0.0
        self._connections_opened = 0
        self._requests_total = 0
        self._closed = False

    # public API ---------------------------------------------------------------------------

    @property
    def in_flight(self) -> int:
        """Requests started and not yet finished."""
        return len(self._active)

    @property
    def connections_opened(self) -> int:
        """Connections libcurl has made so far, as reported by finished requests."""
        return self._connections_opened

    @property
    def closed(self) -> bool:
        return self._closed

    def stats(self) -> TransportStats:
        return TransportStats(
            in_flight=len(self._active),
            sockets_watched=len(self._fds),
            connections_opened=self._connections_opened,
            requests_total=self._requests_total,
        )

    async def request(self, request: HttpRequest) -> HttpResponse:
        """Send `request` and return its response; raises a `TransportError` subclass."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._bind(loop)
        if self._closed:
            raise TransportClosed("transport is closed")
        slot = self._idle.pop() if self._idle else self._new_slot()
        try:
            self._prepare(slot, request)
        except BaseException as exc:
            # The handle may be half-configured: drop it rather than reuse it.
            slot.curl.close()
            if isinstance(exc, pycurl.error):
                code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
                raise TransportError(f"invalid request: {exc}", curl_code=code) from exc
            raise  # ValueError for a malformed request (non-ASCII header, body on a GET)
        future: asyncio.Future[HttpResponse] = loop.create_future()
        slot.future = future
        slot.started = time.perf_counter()
        curl = slot.curl
        self._active[curl] = slot
        try:
            self._multi.add_handle(curl)
        except pycurl.error as exc:
            del self._active[curl]
            slot.curl.close()
            raise TransportError(f"could not start request: {exc}") from exc
        self._requests_total += 1
        try:
            return await future
        except asyncio.CancelledError:
            # Only undo our own transfer: by now the slot may already serve another request.
            if slot.future is future and self._active.get(curl) is slot:
                del self._active[curl]
                self._multi.remove_handle(curl)  # resets the HTTP/2 stream, keeps the connection
                self._release(slot)
            raise

    async def aclose(self) -> None:
        """Fail running requests with `TransportClosed`, close connections, free handles."""
        if self._closed:
            return
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        active, self._active = self._active, {}
        for curl, slot in active.items():
            self._multi.remove_handle(curl)
            if slot.future is not None and not slot.future.done():
                slot.future.set_exception(TransportClosed("transport closed during the request"))
            curl.close()
        # Closing the multi shuts its pooled connections; libcurl may still report sockets
        # to forget while doing so, which the loop must hear about before the fds are reused.
        self._multi.close()
        for fd in list(self._fds):
            self._unwatch(fd)
        for slot in self._idle:
            slot.curl.close()
        self._idle.clear()

    async def __aenter__(self) -> Transport:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # handles ------------------------------------------------------------------------------

    def _bind(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._loop is not None:
            # libcurl's sockets are registered with one loop's selector; another loop would
            # never see them become ready.
            raise RuntimeError("Transport is bound to a different event loop")
        self._loop = loop

    def _new_slot(self) -> _Slot:
        slot = _Slot()
        self._configure(slot)
        return slot

    def _configure(self, slot: _Slot) -> None:
        """Options that stay the same for every request a handle carries."""
        curl = slot.curl
        config = self.config
        curl.setopt(pycurl.NOSIGNAL, 1)
        curl.setopt(pycurl.PIPEWAIT, 1)
        curl.setopt(pycurl.TCP_KEEPALIVE, 1)
        curl.setopt(pycurl.CONNECTTIMEOUT_MS, max(1, round(config.connect_timeout * 1000)))
        curl.setopt(pycurl.WRITEFUNCTION, slot.body.append)
        curl.setopt(pycurl.HEADERFUNCTION, slot.header_lines.append)
        if self._ca_file is not None:
            curl.setopt(pycurl.CAINFO, self._ca_file)
        if config.user_agent:
            curl.setopt(pycurl.USERAGENT, config.user_agent)
        slot.method = ""
        slot.timeout_ms = -1
        slot.cleartext = None

    def _prepare(self, slot: _Slot, request: HttpRequest) -> None:
        curl = slot.curl
        method = request.method
        if slot.method != method:
            if slot.method:
                # Method options interact (NOBODY survives POSTFIELDS, CUSTOMREQUEST survives
                # HTTPGET), so a handle changing method starts again from libcurl's defaults.
                curl.reset()
                self._configure(slot)
            if method == "GET":
                curl.setopt(pycurl.HTTPGET, 1)
            elif method == "HEAD":
                curl.setopt(pycurl.NOBODY, 1)
            elif method != "POST":
                curl.setopt(pycurl.CUSTOMREQUEST, method)
            slot.method = method
        url = request.url
        cleartext = url.startswith("http://")
        if cleartext is not slot.cleartext:
            curl.setopt(
                pycurl.HTTP_VERSION,
                self._cleartext_version if cleartext else pycurl.CURL_HTTP_VERSION_2TLS,
            )
            slot.cleartext = cleartext
        curl.setopt(pycurl.URL, url)
        body = request.body
        sends_body = bool(body) or method == "POST"
        if sends_body:
            if method in ("GET", "HEAD"):
                raise ValueError(f"a {method} request carries no body")
            curl.setopt(pycurl.POSTFIELDS, body)
        elif method not in ("GET", "HEAD"):
            # A bodiless PUT/DELETE after one with a body must not resend the old body.
            curl.setopt(pycurl.HTTPGET, 1)
            curl.setopt(pycurl.CUSTOMREQUEST, method)
        headers = [f"{name}: {value}" for name, value in request.headers]
        if sends_body:
            # libcurl would otherwise label the body as a form and, over HTTP/1.1, stall a
            # second on "Expect: 100-continue" for bodies above 1 KiB.
            headers.append("Expect:")
            if not any(name.lower() == "content-type" for name, _ in request.headers):
                headers.append("Content-Type:")
        curl.setopt(pycurl.HTTPHEADER, headers)
        timeout = request.timeout if request.timeout is not None else self.config.request_timeout
        timeout_ms = max(1, round(timeout * 1000))
        if timeout_ms != slot.timeout_ms:
            curl.setopt(pycurl.TIMEOUT_MS, timeout_ms)
            slot.timeout_ms = timeout_ms

    def _release(self, slot: _Slot) -> None:
        slot.future = None
        slot.body.clear()
        slot.header_lines.clear()
        if len(self._idle) < self.config.idle_handles and not self._closed:
            self._idle.append(slot)
        else:
            slot.curl.close()

    # completion ---------------------------------------------------------------------------

    def _collect(self) -> None:
        multi = self._multi
        while True:
            queued, done, failed = multi.info_read()
            for curl in done:
                self._finish(curl, 0, "")
            for curl, code, message in failed:
                self._finish(curl, code, message)
            if not queued:
                return

    def _finish(self, curl: pycurl.Curl, code: int, message: str) -> None:
        slot = self._active.pop(curl, None)
        self._multi.remove_handle(curl)
        if slot is None:
            return
        future = slot.future
        self._connections_opened += curl.getinfo(pycurl.NUM_CONNECTS)
        if future is not None and not future.done():
            if code:
                future.set_exception(_translate(code, message))
            else:
                future.set_result(
                    HttpResponse(
                        status=curl.getinfo(pycurl.RESPONSE_CODE),
                        headers=_parse_headers(slot.header_lines),
                        body=b"".join(slot.body),
                        elapsed=time.perf_counter() - slot.started,
                    )
                )
        self._release(slot)

    # libcurl <-> event loop ---------------------------------------------------------------

    def _on_socket(self, what: int, fd: int, multi: object, socketp: object) -> None:
        # Called by libcurl from inside socket_action: it must not raise into C.
        try:
            loop = self._loop
            if loop is None:
                return
            previous = self._fds.get(fd, 0)
            if what == _POLL_REMOVE:
                self._unwatch(fd)
                return
            if what == previous:
                return
            if what & _POLL_IN and not previous & _POLL_IN:
                loop.add_reader(fd, self._act, fd, _CSELECT_IN)
            elif previous & _POLL_IN and not what & _POLL_IN:
                loop.remove_reader(fd)
            if what & _POLL_OUT and not previous & _POLL_OUT:
                loop.add_writer(fd, self._act, fd, _CSELECT_OUT)
            elif previous & _POLL_OUT and not what & _POLL_OUT:
                loop.remove_writer(fd)
            self._fds[fd] = what
        except Exception:
            _log.exception("transport: failed to watch socket %d", fd)

    def _unwatch(self, fd: int) -> None:
        previous = self._fds.pop(fd, 0)
        if self._loop is None:
            return
        if previous & _POLL_IN:
            self._loop.remove_reader(fd)
        if previous & _POLL_OUT:
            self._loop.remove_writer(fd)

    def _on_timer(self, timeout_ms: int) -> None:
        # Called by libcurl; socket_action must not be re-entered from here, so wake-ups are
        # scheduled on the loop. An armed timer is kept when the new deadline is later (or
        # removed): firing early costs one cheap socket_action, and `_on_timeout` re-arms from
        # curl_multi_timeout, because libcurl only calls back when its deadline changes.
        try:
            loop = self._loop
            if loop is None or timeout_ms < 0:
                return
            deadline = loop.time() + timeout_ms / 1000
            if self._timer is not None:
                if self._timer_deadline <= deadline:
                    return
                self._timer.cancel()
            self._timer_deadline = deadline
            if timeout_ms == 0:
                self._timer = loop.call_soon(self._on_timeout)
            else:
                self._timer = loop.call_at(deadline, self._on_timeout)
        except Exception:
            _log.exception("transport: failed to arm timer")

    def _on_timeout(self) -> None:
        self._timer = None
        self._act(_SOCKET_TIMEOUT, 0)
        if self._timer is None and not self._closed:
            timeout_ms = self._multi.timeout()
            if timeout_ms >= 0:
                self._on_timer(timeout_ms)

    def _act(self, fd: int, event: int) -> None:
        if self._closed:
            return
        try:
            self._multi.socket_action(fd, event)
        except pycurl.error:
            # A multi-level failure (e.g. a socket libcurl already forgot); transfers keep
            # their own errors, which info_read reports below.
            _log.exception("transport: socket_action failed")
        self._collect()
