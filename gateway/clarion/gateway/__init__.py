"""Clarion's REST gateway: grpc-gateway-style JSON transcoding in front of the gRPC API.

Routes, request building and the OpenAPI document all come from the `google.api.http`
annotations of the `clarion.v1` descriptors; the gateway talks to the server only through
a `grpc.aio` channel. Start it with `Gateway(upstream, port=...)` beside other asyncio
work, `run_gateway(upstream, host, port)` in the foreground, or mount
`await create_gateway_app(upstream)` in an aiohttp runner of your own.
"""

from __future__ import annotations

from clarion.gateway.app import (
    DEFAULT_PORT,
    Gateway,
    GatewaySettings,
    create_gateway_app,
    run_gateway,
)

__all__ = ["DEFAULT_PORT", "Gateway", "GatewaySettings", "create_gateway_app", "run_gateway"]
