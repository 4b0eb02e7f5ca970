"""The shared HTTP/2 transport, over real TLS against the local h2 fake."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pycurl
import pytest

from clarion.providers.transport import (
    ConnectError,
    ConnectTimeout,
    HttpRequest,
    ProtocolError,
    RequestTimeout,
    TLSError,
    Transport,
    TransportClosed,
    TransportConfig,
    TransportError,
)
from fakes.h2server import DropConnection, H2Server
from fakes.tls import TlsMaterial, make_tls_material

Seen = tuple[str, str, dict[str, str], bytes]


class App:
    """The fake's handler: behaviour picked by path, every request recorded."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []

    async def __call__(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        self.seen.append((method, path, headers, body))
        if path.startswith("/sleep/"):
            await asyncio.sleep(float(path.removeprefix("/sleep/")))
        if path == "/drop":
            raise DropConnection
        if path == "/big":
            return 200, [("content-type", "application/octet-stream")], _pattern(1_000_000)
        response_headers = [
            ("content-type", "text/plain"),
            ("X-Method", method),
            ("x-body-length", str(len(body))),
            ("x-repeated", "one"),
            ("x-repeated", "two"),
        ]
        return 201, response_headers, b"" if method == "HEAD" else body or path.encode()


def _pattern(size: int) -> bytes:
    return bytes(range(256)) * (size // 256) + bytes(size % 256)


async def eventually(condition: Callable[[], bool], within: float = 2.0) -> None:
    for _ in range(int(within / 0.005)):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("condition not reached in time")


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsMaterial:
    return make_tls_material(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def app() -> App:
    return App()


@pytest.fixture
async def server(tls: TlsMaterial, app: App) -> AsyncIterator[H2Server]:
    async with H2Server(app, tls=tls) as running:
        yield running


def _config(tls: TlsMaterial, **overrides: object) -> TransportConfig:
    settings: dict[str, object] = {
        "ca_file": str(tls.ca_file),
        "connect_timeout": 2.0,
        "request_timeout": 5.0,
        "max_connections_per_host": 2,
    }
    settings.update(overrides)
    return TransportConfig(**settings)  # type: ignore[arg-type]


@pytest.fixture
async def transport(tls: TlsMaterial, server: H2Server) -> AsyncIterator[Transport]:
    # Depends on the server so it closes first: the server then sees its connections end
    # instead of waiting out the TLS shutdown of connections an idle client never reads.
    client = Transport(_config(tls))
    yield client
    await client.aclose()


@pytest.fixture
def unused_port() -> Iterator[int]:
    """A loopback port that is bound but not listening: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


# Round trips ---------------------------------------------------------------------------------


async def test_post_round_trips_status_headers_and_body(
    transport: Transport, server: H2Server, app: App
) -> None:
    request = HttpRequest(
        "POST",
        server.url("/3/device/abc"),
        (("content-type", "application/json"), ("apns-topic", "com.example")),
        b'{"aps":{}}',
    )

    response = await transport.request(request)

    assert response.status == 201
    assert response.body == b'{"aps":{}}'
    assert response.headers["x-method"] == "POST"
    assert response.headers["x-repeated"] == "one, two"
    assert response.headers["content-length"] == "10"
    assert response.elapsed > 0
    [(method, path, headers, body)] = app.seen
    assert (method, path, body) == ("POST", "/3/device/abc", b'{"aps":{}}')
    assert headers["content-type"] == "application/json"
    assert headers["apns-topic"] == "com.example"
    assert "expect" not in headers


async def test_body_without_content_type_is_not_labelled_as_a_form(
    transport: Transport, server: H2Server, app: App
) -> None:
    await transport.request(HttpRequest("POST", server.url("/"), (), b"raw"))

    [(_, _, headers, _)] = app.seen
    assert "content-type" not in headers


async def test_one_handle_carries_requests_of_every_method_in_turn(
    transport: Transport, server: H2Server, app: App
) -> None:
    # Sequential requests reuse the same pooled easy handle, so each must shed the
    # previous request's method and body.
    sequence = [
        ("POST", b"first"),
        ("DELETE", b""),
        ("GET", b""),
        ("PUT", b"put-body"),
        ("DELETE", b""),
        ("HEAD", b""),
        ("POST", b""),
        ("PATCH", b"patch-body"),
        ("GET", b""),
    ]

    for method, body in sequence:
        response = await transport.request(HttpRequest(method, server.url("/m"), (), body))
        assert response.status == 201
        assert response.headers["x-method"] == method

    assert [(method, body) for method, _, _, body in app.seen] == sequence


async def test_large_bodies_flow_both_ways_under_flow_control(
    transport: Transport, server: H2Server, app: App
) -> None:
    upload = _pattern(300_000)  # well past HTTP/2's default 64 KiB window

    echoed = await transport.request(HttpRequest("PUT", server.url("/echo"), (), upload))
    downloaded = await transport.request(HttpRequest("GET", server.url("/big")))

    assert echoed.body == upload
    assert app.seen[0][3] == upload
    assert downloaded.body == _pattern(1_000_000)


async def test_cleartext_h2_uses_prior_knowledge(app: App) -> None:
    async with H2Server(app, tls=None) as server, Transport(TransportConfig()) as transport:
        response = await transport.request(HttpRequest("GET", server.url("/plain")))

    assert response.status == 201
    assert server.connections_total == 1


# Connection reuse and multiplexing ------------------------------------------------------------


async def test_sequential_requests_reuse_one_connection(
    transport: Transport, server: H2Server
) -> None:
    for _ in range(20):
        await transport.request(HttpRequest("POST", server.url("/"), (), b"x"))

    assert server.connections_total == 1
    assert transport.connections_opened == 1


async def test_concurrent_requests_are_multiplexed_over_few_connections(
    transport: Transport, server: H2Server
) -> None:
    server.response_delay = 0.05  # keep streams open long enough to overlap

    responses = await asyncio.gather(
        *(
            transport.request(HttpRequest("POST", server.url(f"/n/{i}"), (), b"payload"))
            for i in range(200)
        )
    )

    assert [r.status for r in responses] == [201] * 200
    assert sorted(r.body for r in responses) == sorted(b"payload" for _ in range(200))
    assert server.requests_total == 200
    assert server.connections_total <= 2
    assert server.peak_concurrent_streams >= 50
    assert transport.in_flight == 0


# Failures ----------------------------------------------------------------------------------


async def test_slow_response_raises_request_timeout_and_keeps_the_connection(
    transport: Transport, server: H2Server
) -> None:
    with pytest.raises(RequestTimeout) as caught:
        await transport.request(HttpRequest("GET", server.url("/sleep/2"), timeout=0.1))

    assert not isinstance(caught.value, ConnectError)
    assert caught.value.curl_code == 28
    assert isinstance(caught.value.__cause__, pycurl.error)
    await eventually(lambda: server.resets_received == 1)
    assert (await transport.request(HttpRequest("GET", server.url("/")))).status == 201
    assert server.connections_total == 1


async def test_refused_connection_raises_connect_error(
    transport: Transport, unused_port: int
) -> None:
    with pytest.raises(ConnectError) as caught:
        await transport.request(HttpRequest("GET", f"https://127.0.0.1:{unused_port}/"))

    assert type(caught.value) is ConnectError
    assert caught.value.curl_code == 7
    assert isinstance(caught.value.__cause__, pycurl.error)


async def test_stalled_handshake_raises_connect_timeout(tls: TlsMaterial) -> None:
    # Accepts TCP (the kernel's backlog does) but never answers the TLS ClientHello.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"https://127.0.0.1:{silent.getsockname()[1]}/"
        async with Transport(_config(tls, connect_timeout=0.2)) as transport:
            with pytest.raises(ConnectTimeout) as caught:
                await transport.request(HttpRequest("GET", url))

    # Both: safe to resend (nothing was sent) and a timeout.
    assert isinstance(caught.value, ConnectError)
    assert isinstance(caught.value, RequestTimeout)
    assert caught.value.curl_code == 28


async def test_dropped_connection_raises_and_the_next_request_recovers(
    transport: Transport, server: H2Server
) -> None:
    await transport.request(HttpRequest("GET", server.url("/")))

    with pytest.raises(ProtocolError) as caught:
        await transport.request(HttpRequest("POST", server.url("/drop"), (), b"x"))
    response = await transport.request(HttpRequest("GET", server.url("/after")))

    assert caught.value.curl_code is not None
    assert response.status == 201
    assert transport.in_flight == 0


async def test_idle_connection_closed_with_goaway_is_replaced(
    transport: Transport, server: H2Server
) -> None:
    await transport.request(HttpRequest("GET", server.url("/")))
    assert server.goaway_connections() == 1

    # libcurl does not watch idle connections: it reads the GOAWAY when it next uses this one.
    response = await transport.request(HttpRequest("GET", server.url("/")))

    assert response.status == 201
    assert server.connections_total == 2
    assert server.requests_total == 2


async def test_idle_connection_aborted_by_the_server_costs_at_most_one_request(
    transport: Transport, server: H2Server
) -> None:
    await transport.request(HttpRequest("GET", server.url("/")))
    assert server.drop_connections() == 1
    await eventually(lambda: server.connections_open == 0)

    # Without a GOAWAY the next request goes out on the dead connection. If the peer's reset
    # makes the send fail, libcurl resends on a fresh connection by itself; if the send went
    # through (the peer only sent FIN, as under uvloop), it is a ProtocolError: the request
    # may have been read. Either way the request after it succeeds.
    outcomes: list[int | str] = []
    for _ in range(2):
        try:
            outcomes.append((await transport.request(HttpRequest("GET", server.url("/")))).status)
        except ProtocolError:
            outcomes.append("ProtocolError")

    assert outcomes in ([201, 201], ["ProtocolError", 201])
    assert server.connections_total == 2


async def test_untrusted_certificate_raises_tls_error(server: H2Server, tmp_path: Path) -> None:
    stranger = make_tls_material(tmp_path, ca_name="Some Other CA")
    async with Transport(TransportConfig(ca_file=str(stranger.ca_file))) as transport:
        with pytest.raises(TLSError) as caught:
            await transport.request(HttpRequest("GET", server.url("/")))

    assert isinstance(caught.value, ConnectError)
    assert caught.value.curl_code == 60
    assert server.requests_total == 0


async def test_malformed_url_raises_transport_error(transport: Transport) -> None:
    with pytest.raises(TransportError) as caught:
        await transport.request(HttpRequest("GET", "not a url"))

    assert caught.value.curl_code == 3
    assert isinstance(caught.value.__cause__, pycurl.error)


# Cancellation and closing --------------------------------------------------------------------


async def test_cancelled_request_leaves_no_handle_behind(
    transport: Transport, server: H2Server, app: App
) -> None:
    task = asyncio.create_task(transport.request(HttpRequest("GET", server.url("/sleep/5"))))
    await eventually(lambda: len(app.seen) == 1)
    assert transport.in_flight == 1

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert transport.in_flight == 0
    await eventually(lambda: server.resets_received == 1)  # the stream was reset ...
    response = await transport.request(HttpRequest("GET", server.url("/")))
    assert response.status == 201
    assert server.connections_total == 1  # ... and the connection kept


async def test_many_cancellations_in_every_state_leave_the_transport_clean(
    transport: Transport, server: H2Server
) -> None:
    tasks = [
        asyncio.create_task(transport.request(HttpRequest("GET", server.url("/sleep/5"))))
        for _ in range(50)
    ]
    await asyncio.sleep(0)  # some handles added, none connected yet
    for task in tasks[:10]:
        task.cancel()
    await eventually(lambda: server.requests_total == 40)
    for task in tasks[10:]:
        task.cancel()

    results = await asyncio.gather(*tasks, return_exceptions=True)

    assert all(isinstance(r, asyncio.CancelledError) for r in results)
    assert transport.in_flight == 0
    assert (await transport.request(HttpRequest("GET", server.url("/")))).status == 201


async def test_aclose_fails_requests_in_flight_and_refuses_new_ones(
    tls: TlsMaterial, server: H2Server, app: App
) -> None:
    transport = Transport(_config(tls))
    pending = asyncio.create_task(transport.request(HttpRequest("GET", server.url("/sleep/5"))))
    await eventually(lambda: len(app.seen) == 1)

    await transport.aclose()

    with pytest.raises(TransportClosed):
        await pending
    with pytest.raises(TransportClosed):
        await transport.request(HttpRequest("GET", server.url("/")))
    assert transport.closed
    assert transport.in_flight == 0
    await transport.aclose()  # idempotent


@pytest.mark.parametrize(
    "overrides",
    [
        {"connect_timeout": 0},
        {"request_timeout": -1},
        {"max_connections_per_host": 0},
        {"max_concurrent_streams": 0},
        {"idle_handles": -1},
    ],
)
def test_config_rejects_nonsense(overrides: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        TransportConfig(**overrides)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "request_",
    [
        HttpRequest("GET", "https://127.0.0.1/", (), b"body on a GET"),
        HttpRequest("POST", "https://127.0.0.1/", (("x-name", "caf\u00e9"),), b"x"),
        HttpRequest("POST", "https://127.0.0.1/d\u00e9vice", (), b"x"),
    ],
    ids=["body-on-get", "non-ascii-header", "non-ascii-url"],
)
async def test_malformed_request_raises_value_error_and_spares_the_pool(
    transport: Transport, server: H2Server, request_: HttpRequest
) -> None:
    with pytest.raises(ValueError):
        await transport.request(request_)

    assert transport.in_flight == 0
    assert (await transport.request(HttpRequest("GET", server.url("/")))).status == 201
