"""Prometheus metrics: what Clarion counts, and the `/metrics` endpoint that exposes it.

Every metric lives on this module's own `REGISTRY`, not on prometheus_client's global
default one, so importing Clarion into another program adds nothing to that program's
metrics and tests can read values without the process's other collectors in the way.
docs/observability.md describes each metric and its labels.

The delivery engine records what happens (`SENDS`, `DELIVERIES`, `RETRIES`, ...); provider
latency is measured by wrapping the shared transport in `MeteredTransport`, one wrapper per
provider, so the providers themselves stay free of metrics.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Final

from aiohttp import web
from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
)
from prometheus_client.exposition import choose_encoder

from clarion.providers.transport import (
    HttpRequest,
    HttpResponse,
    Requester,
    TransportError,
    TransportStats,
)

__all__ = [
    "DELIVERIES",
    "PROVIDER_LATENCY",
    "QUEUE_DEPTH",
    "QUEUE_OLDEST_AGE",
    "REGISTRY",
    "RETRIES",
    "SENDS",
    "SEND_COMMITS",
    "TOKEN_INVALIDATIONS",
    "TRANSPORT_CONNECTIONS",
    "TRANSPORT_IN_FLIGHT",
    "TRANSPORT_SOCKETS",
    "MeteredTransport",
    "MetricsServer",
    "observe_transport",
]

_log = logging.getLogger(__name__)

REGISTRY: Final = CollectorRegistry()
# The process, platform and GC collectors are what the default registry would have given
# (CPU, memory, open files, Python version); operators expect them beside Clarion's own.
REGISTRY.register(PROCESS_COLLECTOR)
REGISTRY.register(PLATFORM_COLLECTOR)
REGISTRY.register(GC_COLLECTOR)

SENDS: Final = Counter(
    "clarion_sends",
    "Sends accepted",
    ["app", "kind"],
    registry=REGISTRY,
)
SEND_COMMITS: Final = Histogram(
    "clarion_send_commit_size",
    "Sends written per transaction (an app's concurrent Sends are group-committed)",
    buckets=(1, 2, 4, 8, 16, 32, 64),
    registry=REGISTRY,
)
DELIVERIES: Final = Counter(
    "clarion_deliveries",
    "Delivery status changes",
    ["app", "provider", "status", "reason"],
    registry=REGISTRY,
)
PROVIDER_LATENCY: Final = Histogram(
    "clarion_provider_request_seconds",
    "Provider request latency",
    ["provider", "outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
RETRIES: Final = Counter(
    "clarion_delivery_retries",
    "Deliveries scheduled for another attempt",
    ["provider", "reason"],
    registry=REGISTRY,
)
TOKEN_INVALIDATIONS: Final = Counter(
    "clarion_token_invalidations",
    "Devices marked INVALID by a provider",
    ["provider"],
    registry=REGISTRY,
)
QUEUE_DEPTH: Final = Gauge(
    "clarion_queue_depth",
    "Deliveries due now and not yet claimed",
    registry=REGISTRY,
)
QUEUE_OLDEST_AGE: Final = Gauge(
    "clarion_queue_oldest_due_age_seconds",
    "Age of the oldest due delivery",
    registry=REGISTRY,
)
# Provider rate limits (clarion.dispatch.ratelimit), per credential (app + provider).
RATE_LIMIT: Final = Gauge(
    "clarion_provider_rate_limit",
    "Configured notifications per second for a rate-limited credential",
    ["app", "provider"],
    registry=REGISTRY,
)
RATE_LIMIT_BACKLOG: Final = Gauge(
    "clarion_provider_backlog",
    "Pending deliveries (queued, retrying or in flight) of a rate-limited credential",
    ["app", "provider"],
    registry=REGISTRY,
)
RATE_LIMIT_WAITING: Final = Gauge(
    "clarion_provider_rate_limit_waiting",
    "Deliveries this process holds waiting for the credential's rate limit",
    ["app", "provider"],
    registry=REGISTRY,
)
EXPO_TICKETS_PENDING: Final = Gauge(
    "clarion_expo_tickets_pending",
    "Expo push tickets whose receipt has not been read yet",
    registry=REGISTRY,
)
EXPO_RECEIPTS: Final = Counter(
    "clarion_expo_receipts",
    "Expo push receipts read, by result",
    ["result"],
    registry=REGISTRY,
)
# The transport keeps its own counts; these gauges mirror its latest `stats()` snapshot.
TRANSPORT_CONNECTIONS: Final = Gauge(
    "clarion_transport_connections_opened",
    "Connections the shared transport has opened so far",
    registry=REGISTRY,
)
TRANSPORT_IN_FLIGHT: Final = Gauge(
    "clarion_transport_streams_in_flight",
    "Provider requests started and not yet finished",
    registry=REGISTRY,
)
TRANSPORT_SOCKETS: Final = Gauge(
    "clarion_transport_sockets_watched",
    "Sockets with traffic pending that the event loop watches for the transport",
    registry=REGISTRY,
)


def observe_transport(stats: TransportStats) -> None:
    """Copy a transport's `stats()` snapshot into the transport gauges."""
    TRANSPORT_CONNECTIONS.set(stats.connections_opened)
    TRANSPORT_IN_FLIGHT.set(stats.in_flight)
    TRANSPORT_SOCKETS.set(stats.sockets_watched)


def _outcome(status: int) -> str:
    # 429 apart from the other 4xx: quota trouble is a different alarm from bad requests.
    if status == 429:
        return "429"
    return f"{status // 100}xx"


class MeteredTransport:
    """A `Requester` that times every request of one provider into `PROVIDER_LATENCY`.

    The outcome label is the response's status class (`2xx`, `4xx`, `429`, `5xx`, ...) or
    `error` when no response came (a `TransportError`, which is re-raised unchanged).
    """

    def __init__(self, inner: Requester, provider: str) -> None:
        self._inner = inner
        self._provider = provider

    async def request(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        try:
            response = await self._inner.request(request)
        except TransportError:
            PROVIDER_LATENCY.labels(self._provider, "error").observe(time.perf_counter() - started)
            raise
        PROVIDER_LATENCY.labels(self._provider, _outcome(response.status)).observe(
            time.perf_counter() - started
        )
        return response


def _host_port(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"expected host:port, not {listen!r}")
    return host.removeprefix("[").removesuffix("]"), int(port)


class MetricsServer:
    """Serves `GET /metrics` from `REGISTRY` in the Prometheus text format (or OpenMetrics
    when the scraper asks for it) on `listen` (`host:port`; port 0 picks a free one).

    `collect`, when given, is awaited before each scrape to refresh gauges that are read
    rather than counted (the queue depth). It gets `collect_timeout` seconds; when it fails
    or runs out of time the scrape is answered anyway with the values from before, so a slow
    database cannot make the metrics endpoint hang or disappear.
    """

    def __init__(
        self,
        listen: str,
        *,
        collect: Callable[[], Awaitable[None]] | None = None,
        collect_timeout: float = 5.0,
        registry: CollectorRegistry = REGISTRY,
    ) -> None:
        self._host, self._requested_port = _host_port(listen)
        self._collect = collect
        self._collect_timeout = collect_timeout
        self._registry = registry
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    @property
    def port(self) -> int:
        """The port actually bound (meaningful after `start`)."""
        if self._port is None:
            raise RuntimeError("the metrics server is not started")
        return self._port

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        # Scrapes every few seconds would drown the log; access logging is off.
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self._host, self._requested_port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        address = runner.addresses[0]
        self._port = int(address[1])
        _log.info("metrics on http://%s:%d/metrics", self._host, self._port)

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _metrics(self, request: web.Request) -> web.Response:
        if self._collect is not None:
            try:
                await asyncio.wait_for(self._collect(), self._collect_timeout)
            except TimeoutError:
                _log.warning(
                    "metrics collect hook took longer than %.1fs; serving older values",
                    self._collect_timeout,
                )
            except Exception:
                _log.exception("metrics collect hook failed; serving older values")
        encoder, content_type = choose_encoder(request.headers.get("Accept", ""))
        response = web.Response(
            body=encoder(self._registry), headers={"Content-Type": content_type}
        )
        response.enable_compression()
        return response
