"""The gateway's HTTP server: aiohttp in front of one `grpc.aio` channel to the Clarion server.

Every `/v1/...` request is resolved against the route table, transcoded into the RPC's
request message, sent upstream with the allowed headers as metadata, and answered with
the response as JSON (or a stream of it). Besides the RPCs the gateway serves
`/openapi.json`, a self-contained `/docs` page and `/healthz` (the upstream's gRPC health).

The gateway reaches the server only through the channel: it imports nothing of the
server, so it runs beside `clarion serve` or on its own (`clarion gateway --upstream`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import grpc
from aiohttp import web
from google.protobuf.message import Message
from google.rpc import code_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

from clarion.gateway.comments import load_comments
from clarion.gateway.errors import (
    GatewayError,
    error_response,
    invalid_argument,
    status_from_rpc_error,
)
from clarion.gateway.metadata import DEFAULT_FORWARDED_HEADERS, call_options
from clarion.gateway.openapi import build_openapi
from clarion.gateway.routes import MethodNotAllowed, Route, RouteNotFound, RouteTable
from clarion.gateway.streaming import choose_format, forward_stream, resume_cursor
from clarion.gateway.transcode import build_request, message_to_json

__all__ = [
    "DEFAULT_PORT",
    "Gateway",
    "GatewaySettings",
    "create_gateway_app",
    "run_gateway",
]

logger = logging.getLogger(__name__)

#: The port `clarion serve` and `clarion gateway` listen on unless told otherwise.
DEFAULT_PORT = 8080

_HTTP_TO_CODE = {
    400: code_pb2.INVALID_ARGUMENT,
    401: code_pb2.UNAUTHENTICATED,
    403: code_pb2.PERMISSION_DENIED,
    404: code_pb2.NOT_FOUND,
    405: code_pb2.UNIMPLEMENTED,
    408: code_pb2.DEADLINE_EXCEEDED,
    409: code_pb2.ABORTED,
    413: code_pb2.RESOURCE_EXHAUSTED,
    429: code_pb2.RESOURCE_EXHAUSTED,
    501: code_pb2.UNIMPLEMENTED,
    503: code_pb2.UNAVAILABLE,
    504: code_pb2.DEADLINE_EXCEEDED,
}


@dataclass(frozen=True, slots=True)
class GatewaySettings:
    """How the gateway behaves; every field has a default that suits `clarion serve`."""

    #: Largest request body accepted (a 500-item SendBatch is a few MB).
    max_body_bytes: int = 8 * 1024 * 1024
    #: Headers passed to the server as metadata under their own name.
    forwarded_headers: tuple[str, ...] = DEFAULT_FORWARDED_HEADERS
    #: How long a stream's headers wait for its first event, so early failures get a status.
    stream_header_grace: float = 1.0
    #: Seconds between SSE keep-alive comments on an idle stream (None: never).
    sse_keepalive_interval: float | None = 15.0
    #: Deadline of the `/healthz` probe.
    health_timeout: float = 2.0
    #: The generated package whose annotated services are served.
    package: str = "clarion.v1"
    #: A descriptor set with source info for the OpenAPI descriptions (None: the shipped one).
    descriptor_set: Path | None = None


@dataclass(slots=True)
class _State:
    channel: grpc.aio.Channel
    owns_channel: bool
    routes: RouteTable
    settings: GatewaySettings
    openapi: bytes
    callables: dict[str, Any] = field(default_factory=dict)


_STATE = web.AppKey("clarion_gateway_state", _State)


async def create_gateway_app(
    upstream: str | grpc.aio.Channel,
    *,
    settings: GatewaySettings | None = None,
    channel_credentials: grpc.ChannelCredentials | None = None,
) -> web.Application:
    """The aiohttp application of the gateway.

    `upstream` is the gRPC server's `host:port` (a channel is opened, plaintext unless
    `channel_credentials` are given, and closed with the app) or a channel the caller owns.
    Run it with `handler_cancellation=True` (as `Gateway` and `run_gateway` do) so a client
    that disconnects cancels its call.
    """
    settings = settings or GatewaySettings()
    routes = RouteTable.from_package(settings.package)
    openapi = build_openapi(routes, load_comments(settings.descriptor_set))
    if isinstance(upstream, str):
        channel = (
            grpc.aio.secure_channel(upstream, channel_credentials)
            if channel_credentials is not None
            else grpc.aio.insecure_channel(upstream)
        )
        owns_channel = True
    else:
        channel, owns_channel = upstream, False
    app = web.Application(client_max_size=settings.max_body_bytes, middlewares=[_errors])
    app[_STATE] = _State(
        channel=channel,
        owns_channel=owns_channel,
        routes=routes,
        settings=settings,
        openapi=json.dumps(openapi, indent=1).encode(),
    )
    app.router.add_get("/healthz", _health)
    app.router.add_get("/openapi.json", _openapi)
    app.router.add_get("/docs", _docs)
    app.router.add_route("*", "/{tail:.*}", _rpc)
    app.on_cleanup.append(_close_channel)
    logger.info("REST gateway: %d routes to %s", len(routes.routes), upstream)
    return app


async def _close_channel(app: web.Application) -> None:
    state = app[_STATE]
    if state.owns_channel:
        await state.channel.close()


@web.middleware
async def _errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Turn every failure into a Status JSON response: the gateway's one error path."""
    try:
        response: web.StreamResponse = await handler(request)
        return response
    except GatewayError as exc:
        return error_response(exc.status, http_status=exc.http_status, headers=exc.headers)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        fallback = code_pb2.UNKNOWN if exc.status < 500 else code_pb2.INTERNAL
        code = _HTTP_TO_CODE.get(exc.status, fallback)
        error = GatewayError(code, exc.reason)
        return error_response(error.status, http_status=exc.status)
    except Exception:
        logger.exception("unexpected failure serving %s %s", request.method, request.path)
        error = GatewayError(code_pb2.INTERNAL, "internal gateway error")
        return error_response(error.status)


async def _rpc(request: web.Request) -> web.StreamResponse:
    state = request.app[_STATE]
    try:
        match = state.routes.resolve(request.method, request.rel_url.raw_path)
    except MethodNotAllowed as exc:
        raise GatewayError(
            code_pb2.UNIMPLEMENTED,
            "Method Not Allowed",
            http_status=405,
            headers={"Allow": ", ".join(exc.allowed)},
        ) from exc
    except RouteNotFound as exc:
        raise GatewayError(code_pb2.NOT_FOUND, f"no route for {request.path}") from exc
    route = match.route
    body = await request.read() if route.body else b""
    message = build_request(
        route, body=body, path_bindings=match.path_bindings, query=request.query.items()
    )
    options = call_options(
        request.headers.items(),
        remote=request.remote,
        host=request.host,
        forwarded=state.settings.forwarded_headers,
    )
    if route.server_streaming:
        return await _stream(request, state, route, message, options.metadata, options.timeout)
    unary = _callable(state, route, streaming=False)
    try:
        reply = await unary(message, metadata=options.metadata, timeout=options.timeout)
    except grpc.aio.AioRpcError as exc:
        return error_response(status_from_rpc_error(exc))
    return web.json_response(message_to_json(route, reply))


async def _stream(
    request: web.Request,
    state: _State,
    route: Route,
    message: Message,
    metadata: tuple[tuple[str, str], ...],
    deadline: float | None,
) -> web.StreamResponse:
    stream_format = choose_format(request.headers.get("Accept"))
    resume = resume_cursor(route)
    last_event_id = request.headers.get("Last-Event-ID")
    if resume is not None and last_event_id and not getattr(message, resume.request_field):
        # A reconnecting EventSource resumes where it stopped, as a gRPC consumer would.
        try:
            setattr(message, resume.request_field, int(last_event_id))
        except ValueError as exc:
            raise invalid_argument("Last-Event-ID is not a cursor", field="Last-Event-ID") from exc
    streaming = _callable(state, route, streaming=True)
    call = streaming(message, metadata=metadata, timeout=deadline)
    return await forward_stream(
        request,
        call,
        route,
        stream_format=stream_format,
        header_grace=state.settings.stream_header_grace,
        keepalive_interval=state.settings.sse_keepalive_interval,
    )


def _callable(state: _State, route: Route, *, streaming: bool) -> Any:
    """The channel's multi-callable for a route, made once and kept."""
    found = state.callables.get(route.grpc_path)
    if found is None:
        factory = state.channel.unary_stream if streaming else state.channel.unary_unary
        found = factory(
            route.grpc_path,
            request_serializer=route.request_class.SerializeToString,
            response_deserializer=route.response_class.FromString,
        )
        state.callables[route.grpc_path] = found
    return found


async def _health(request: web.Request) -> web.StreamResponse:
    state = request.app[_STATE]
    stub = health_pb2_grpc.HealthStub(state.channel)
    service = request.query.get("service", "")
    try:
        reply = await stub.Check(
            health_pb2.HealthCheckRequest(service=service),
            timeout=state.settings.health_timeout,
        )
    except grpc.aio.AioRpcError as exc:
        status = status_from_rpc_error(exc)
        # A service the server does not know is the caller's mistake, not an outage: a load
        # balancer probing a misspelt name should see 404, and the body's code says NOT_FOUND.
        http_status = 404 if status.code == code_pb2.NOT_FOUND else 503
        if http_status == 404 and not status.message:
            status.message = f"unknown service {service!r}"
        return error_response(status, http_status=http_status)
    name = str(health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status))
    serving = reply.status == health_pb2.HealthCheckResponse.SERVING
    return web.json_response({"status": name}, status=200 if serving else 503)


async def _openapi(request: web.Request) -> web.StreamResponse:
    return web.Response(body=request.app[_STATE].openapi, content_type="application/json")


async def _docs(request: web.Request) -> web.StreamResponse:
    page = resources.files("clarion.gateway").joinpath("docs.html").read_bytes()
    return web.Response(body=page, content_type="text/html", charset="utf-8")


class Gateway:
    """The gateway as a service to start and stop beside other asyncio work.

    >>> gateway = Gateway("127.0.0.1:50051", port=8080)
    >>> await gateway.start()      # listening
    >>> await gateway.stop()
    """

    def __init__(
        self,
        upstream: str | grpc.aio.Channel,
        *,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        settings: GatewaySettings | None = None,
        channel_credentials: grpc.ChannelCredentials | None = None,
        shutdown_timeout: float = 5.0,
    ) -> None:
        self.upstream = upstream
        self.host = host
        self.requested_port = port
        self.settings = settings or GatewaySettings()
        self.channel_credentials = channel_credentials
        self.shutdown_timeout = shutdown_timeout
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None

    @property
    def port(self) -> int:
        """The port actually bound (useful with `port=0`)."""
        if self._runner is None or not self._runner.addresses:
            raise RuntimeError("the gateway is not started")
        return int(self._runner.addresses[0][1])

    @property
    def url(self) -> str:
        """The base URL of the running gateway."""
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        """Build the app, bind the port and start serving."""
        app = await create_gateway_app(
            self.upstream, settings=self.settings, channel_credentials=self.channel_credentials
        )
        runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=self.shutdown_timeout
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.requested_port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner, self._site = runner, site
        logger.info("REST gateway listening on %s", self.url)

    async def stop(self) -> None:
        """Stop accepting, let requests in flight finish (up to the timeout), close the channel."""
        runner, self._runner, self._site = self._runner, None, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Gateway:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()


def run_gateway(
    upstream: str,
    host: str = "0.0.0.0",  # noqa: S104 - a gateway is meant to be reached from outside
    port: int = DEFAULT_PORT,
    *,
    settings: GatewaySettings | None = None,
    channel_credentials: grpc.ChannelCredentials | None = None,
) -> None:
    """Run the gateway in the foreground until interrupted (the `clarion gateway` command)."""

    async def serve() -> None:
        gateway = Gateway(
            upstream,
            host=host,
            port=port,
            settings=settings,
            channel_credentials=channel_credentials,
        )
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):  # not on Windows
                loop.add_signal_handler(signum, stopped.set)
        await gateway.start()
        try:
            await stopped.wait()
        finally:
            await gateway.stop()

    asyncio.run(serve())
