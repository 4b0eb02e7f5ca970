"""What the gateway tests against a real Clarion share: the gateway in front of it, and the
RPCs that answer UNIMPLEMENTED until their issue lands.

tests/gateway/conftest.py's `gateway` fixture fronts the in-test fakes, so these modules
start their own gateway in front of the session's real `server` (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from clarion.gateway import Gateway
from clarion.gateway.routes import RouteTable
from harness import Server

#: The gateway's routes, built from the annotations exactly as the gateway builds them.
ROUTES = RouteTable.from_package()
_BY_OPERATION = {route.operation_id: route for route in ROUTES.routes}

#: RPCs that authenticate, check their scope, then answer UNIMPLEMENTED (HTTP 501, reason
#: NOT_IMPLEMENTED). None today; an RPC declared before its issue lands goes here, and
#: leaves once its REST test shows it working.
UNIMPLEMENTED: frozenset[str] = frozenset()

ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"
BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"


@asynccontextmanager
async def gateway_in_front_of(server: Server | str) -> AsyncIterator[Gateway]:
    """A REST gateway on a free port, with the default settings, in front of the real server
    (or of another gRPC address)."""
    upstream = server if isinstance(server, str) else server.address
    async with Gateway(upstream, host="127.0.0.1", port=0) as running:
        yield running


def rpc_of(operation_id: str) -> str | None:
    """`Service.Method` of an OpenAPI operation id (`Service_Method`, `Service_Method_2`)."""
    route = _BY_OPERATION.get(operation_id)
    if route is None:
        return None
    return f"{route.method.containing_service.name}.{route.method.name}"


def reason(status: dict[str, Any]) -> str | None:
    """The ErrorInfo reason of a Status body, None without one."""
    infos = [d for d in status.get("details", ()) if d.get("@type") == ERROR_INFO]
    return infos[0]["reason"] if infos else None


def violations(status: dict[str, Any]) -> dict[str, str]:
    """The BadRequest field violations of a Status body, field -> description."""
    return {
        v["field"]: v["description"]
        for d in status.get("details", ())
        if d.get("@type") == BAD_REQUEST
        for v in d["fieldViolations"]
    }
