"""Prometheus metrics: the `/metrics` endpoint on a real port, provider timing, transport gauges."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest

from clarion.metrics import (
    DELIVERIES,
    PROVIDER_LATENCY,
    QUEUE_DEPTH,
    QUEUE_OLDEST_AGE,
    REGISTRY,
    RETRIES,
    SENDS,
    TOKEN_INVALIDATIONS,
    MeteredTransport,
    MetricsServer,
    observe_transport,
)
from clarion.providers.transport import (
    ConnectError,
    HttpRequest,
    HttpResponse,
    ProtocolError,
    TransportStats,
)

# REGISTRY is process-wide: every test labels its samples with names of its own.
_names = (f"t{n}" for n in itertools.count())

FAMILIES = (
    "clarion_sends_total",
    "clarion_deliveries_total",
    "clarion_provider_request_seconds",
    "clarion_delivery_retries_total",
    "clarion_token_invalidations_total",
    "clarion_queue_depth",
    "clarion_queue_oldest_due_age_seconds",
    "clarion_transport_connections_opened",
    "clarion_transport_streams_in_flight",
    "clarion_transport_sockets_watched",
    "process_cpu_seconds_total",
)


async def _scrape(server: MetricsServer, accept: str | None = None) -> tuple[str, str]:
    headers = {"Accept": accept} if accept else {}
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{server.port}/metrics", headers=headers) as response,
    ):
        assert response.status == 200
        return response.headers["Content-Type"], await response.text()


@pytest.fixture
async def metrics_server() -> AsyncIterator[MetricsServer]:
    server = MetricsServer("127.0.0.1:0")
    await server.start()
    yield server
    await server.stop()


async def test_scrape_returns_every_family_in_the_text_format(
    metrics_server: MetricsServer,
) -> None:
    app, provider = next(_names), next(_names)
    SENDS.labels(app, "device").inc()
    SENDS.labels(app, "topic").inc(3)
    DELIVERIES.labels(app, provider, "DELIVERED", "").inc()
    PROVIDER_LATENCY.labels(provider, "2xx").observe(0.02)
    RETRIES.labels(provider, "UNAVAILABLE").inc()
    TOKEN_INVALIDATIONS.labels(provider).inc()

    content_type, body = await _scrape(metrics_server)

    assert content_type.startswith("text/plain")
    for family in FAMILIES:
        assert f"# TYPE {family} " in body
    assert f'clarion_sends_total{{app="{app}",kind="device"}} 1.0' in body
    assert f'clarion_sends_total{{app="{app}",kind="topic"}} 3.0' in body
    assert (
        f'clarion_deliveries_total{{app="{app}",provider="{provider}",'
        f'reason="",status="DELIVERED"}} 1.0' in body
    )
    assert (
        f'clarion_provider_request_seconds_bucket{{le="0.025",outcome="2xx",'
        f'provider="{provider}"}} 1.0' in body
    )
    assert f'clarion_token_invalidations_total{{provider="{provider}"}} 1.0' in body


async def test_scrape_speaks_openmetrics_when_asked(metrics_server: MetricsServer) -> None:
    content_type, body = await _scrape(metrics_server, "application/openmetrics-text")

    assert content_type.startswith("application/openmetrics-text")
    assert body.endswith("# EOF\n")


async def test_port_zero_binds_a_free_port_and_stop_is_idempotent() -> None:
    server = MetricsServer("127.0.0.1:0")
    with pytest.raises(RuntimeError):
        _ = server.port
    await server.start()
    assert server.port > 0
    await server.stop()
    await server.stop()


@pytest.mark.parametrize("listen", ["9464", ":9464", "localhost:", "localhost:http", "h:70000"])
def test_listen_must_be_host_and_port(listen: str) -> None:
    with pytest.raises(ValueError):
        MetricsServer(listen)


async def test_collect_hook_runs_before_each_scrape() -> None:
    calls = 0

    async def collect() -> None:
        nonlocal calls
        calls += 1
        QUEUE_DEPTH.set(40 + calls)
        QUEUE_OLDEST_AGE.set(1.5)

    server = MetricsServer("127.0.0.1:0", collect=collect)
    await server.start()
    try:
        _, first = await _scrape(server)
        _, second = await _scrape(server)
    finally:
        await server.stop()

    assert calls == 2
    assert "clarion_queue_depth 41.0" in first
    assert "clarion_queue_depth 42.0" in second
    assert "clarion_queue_oldest_due_age_seconds 1.5" in second


async def test_a_hanging_collect_hook_is_cut_off_at_its_timeout() -> None:
    cancelled = asyncio.Event()

    async def collect() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    server = MetricsServer("127.0.0.1:0", collect=collect, collect_timeout=0.1)
    await server.start()
    try:
        started = time.monotonic()
        _, body = await asyncio.wait_for(_scrape(server), 10)
        elapsed = time.monotonic() - started
    finally:
        await server.stop()

    assert 0.1 <= elapsed < 2
    assert cancelled.is_set()
    assert "# TYPE clarion_queue_depth gauge" in body


async def test_a_failing_collect_hook_still_gets_an_answer() -> None:
    async def collect() -> None:
        raise RuntimeError("database is down")

    server = MetricsServer("127.0.0.1:0", collect=collect)
    await server.start()
    try:
        _, body = await _scrape(server)
    finally:
        await server.stop()

    assert "# TYPE clarion_sends_total counter" in body


# MeteredTransport ---------------------------------------------------------------------------


class FakeRequester:
    """Answers every request with `status`, or raises `error`."""

    def __init__(self, status: int = 200, error: Exception | None = None) -> None:
        self.status = status
        self.error = error
        self.seen: list[HttpRequest] = []

    async def request(self, request: HttpRequest) -> HttpResponse:
        self.seen.append(request)
        await asyncio.sleep(0.01)
        if self.error is not None:
            raise self.error
        return HttpResponse(status=self.status, headers={}, body=b"{}", elapsed=0.01)


def _observed(provider: str, outcome: str) -> tuple[float, float]:
    labels = {"provider": provider, "outcome": outcome}
    count = REGISTRY.get_sample_value("clarion_provider_request_seconds_count", labels)
    total = REGISTRY.get_sample_value("clarion_provider_request_seconds_sum", labels)
    return count or 0.0, total or 0.0


REQUEST = HttpRequest("POST", "https://push.example/3/device/abc", body=b"{}")


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, "2xx"),
        (204, "2xx"),
        (400, "4xx"),
        (410, "4xx"),
        (429, "429"),
        (500, "5xx"),
        (503, "5xx"),
    ],
)
async def test_metered_transport_observes_the_status_class(status: int, outcome: str) -> None:
    provider = next(_names)
    inner = FakeRequester(status)

    response = await MeteredTransport(inner, provider).request(REQUEST)

    assert response.status == status
    assert inner.seen == [REQUEST]
    count, total = _observed(provider, outcome)
    assert count == 1
    assert 0.01 <= total < 1


@pytest.mark.parametrize("error", [ConnectError("refused", curl_code=7), ProtocolError("reset")])
async def test_metered_transport_observes_a_transport_error_and_reraises_it(
    error: Exception,
) -> None:
    provider = next(_names)

    with pytest.raises(type(error)) as raised:
        await MeteredTransport(FakeRequester(error=error), provider).request(REQUEST)

    assert raised.value is error
    assert _observed(provider, "error")[0] == 1
    assert _observed(provider, "2xx")[0] == 0


async def test_metered_transport_leaves_other_errors_unobserved() -> None:
    provider = next(_names)

    with pytest.raises(ValueError):
        await MeteredTransport(FakeRequester(error=ValueError("bad header")), provider).request(
            REQUEST
        )

    assert _observed(provider, "error")[0] == 0


def test_observe_transport_sets_the_transport_gauges() -> None:
    observe_transport(
        TransportStats(in_flight=3, sockets_watched=2, connections_opened=5, requests_total=9)
    )

    assert REGISTRY.get_sample_value("clarion_transport_streams_in_flight") == 3
    assert REGISTRY.get_sample_value("clarion_transport_sockets_watched") == 2
    assert REGISTRY.get_sample_value("clarion_transport_connections_opened") == 5
