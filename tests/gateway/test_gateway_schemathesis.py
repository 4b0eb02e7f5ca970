"""schemathesis fuzzes the REST gateway from its own /openapi.json, in front of a real Clarion.

Every operation of the document gets generated requests, valid ones (positive) and invalid
ones (negative), with an admin key. No answer may be a server error, except the documented
501 NOT_IMPLEMENTED of an RPC whose issue has not landed (clarion_rest.UNIMPLEMENTED), and
every answer must match the document: status code, content type, headers and body schema.

Valid requests name a real app, device, install and send (to that device), so they reach the
server's logic instead of stopping at APP_NOT_FOUND or SEND_NOT_FOUND; invalid ones are left
free, to reach the gateway's own parsing.
schemathesis drives `requests`, which blocks, so it runs in a worker thread while the event
loop keeps serving the gateway and the server. Hypothesis is derandomized and keeps no
example database: every run sends the same requests.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import requests
import schemathesis
from clarion_rest import ROUTES, UNIMPLEMENTED, gateway_in_front_of, reason, rpc_of
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Ok

from clarion.v1 import (
    device_pb2,
    device_registry_service_pb2,
    notification_pb2,
    provider_pb2,
    push_sender_service_pb2,
    send_pb2,
)
from harness import Api, Server

#: Examples per operation and mode: enough to vary every field, small enough that a run over
#: the ~45 operations stays well under a minute on either database.
EXAMPLES = {GenerationMode.POSITIVE: 40, GenerationMode.NEGATIVE: 12}

#: Operations whose fixed path would destroy what the others use.
FREE_PATH = frozenset({"PolicyAdminService_DeleteApp"})

STREAMING = frozenset(route.operation_id for route in ROUTES.routes if route.server_streaming)


def not_a_server_error_but_a_documented_501(ctx: Any, response: Any, case: Any) -> bool | None:
    """`not_a_server_error`, except a 501 NOT_IMPLEMENTED from an RPC not built yet."""
    operation_id = case.operation.definition.raw.get("operationId", "")
    if response.status_code == 501:
        body = response.json()
        if rpc_of(operation_id) in UNIMPLEMENTED and reason(body) == "NOT_IMPLEMENTED":
            return None
    return not_a_server_error(ctx, response, case)


CHECKS = [
    not_a_server_error_but_a_documented_501,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
]


def fuzz(base_url: str, admin_key: str, known: dict[str, str]) -> list[str]:
    """Run every operation's examples; the failures found, one report each."""
    schema = schemathesis.openapi.from_url(
        f"{base_url}/openapi.json", config=SchemathesisConfig(seed=20240501), timeout=10
    )
    failures: list[str] = []
    with requests.Session() as session:
        for result in schema.get_all_operations():
            if not isinstance(result, Ok):
                failures.append(f"the document has an operation schemathesis cannot use: {result}")
                continue
            operation = result.ok()
            operation_id = operation.definition.raw.get("operationId", "")
            headers = {"Authorization": f"Bearer {admin_key}"}
            if operation_id in STREAMING:
                # A stream that starts would run until its deadline: keep each one short.
                headers["Grpc-Timeout"] = "1S"
            names = re.findall(r"{(\w+)}", operation.path)
            fixed = {n: known[n] for n in names if n in known and operation_id not in FREE_PATH}
            for mode, count in EXAMPLES.items():
                strategy = operation.as_strategy(
                    generation_mode=mode,
                    path_parameters=fixed if mode is GenerationMode.POSITIVE and fixed else None,
                )
                try:
                    run_examples(strategy, count, base_url, session, headers)
                except (Exception, BaseExceptionGroup) as exc:  # a FailureGroup is the latter
                    failures.append(f"{operation.label} ({mode.value}):\n{exc}")
    return failures


def run_examples(
    strategy: Any, count: int, base_url: str, session: requests.Session, headers: dict[str, str]
) -> None:
    """Send `count` examples drawn from `strategy`; raises the first failure, shrunk."""

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=False,
    )
    @given(case=strategy)
    def examples(case: Any) -> None:
        response = case.call(base_url=base_url, session=session, headers=headers, timeout=10)
        case.validate_response(response, checks=CHECKS, headers=headers)

    examples()


@pytest.fixture(scope="module")
async def base_url(server: Server) -> AsyncIterator[str]:
    async with gateway_in_front_of(server) as gateway:
        yield gateway.url


async def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(
    base_url: str, api: Api, server: Server
) -> None:
    app = await api.new_app()
    registered = await api.admin(
        api.admin.devices.RegisterDevice,
        device_registry_service_pb2.RegisterDeviceRequest(
            parent=app.parent,
            device=device_pb2.Device(
                provider=provider_pb2.PROVIDER_APNS, token="ab" * 32, install_id="fuzzed"
            ),
        ),
    )
    device = registered.device.name.rsplit("/", 1)[1]
    sent = await api.admin(
        api.admin.push.Send,
        push_sender_service_pb2.SendRequest(
            parent=app.parent,
            target=send_pb2.Target(device_id=device),
            notification=notification_pb2.Notification(title="fuzzed"),
        ),
    )
    known = {
        "app": app.id,
        "device": device,
        "install": "fuzzed",
        "send": sent.send.name.rsplit("/", 1)[1],
        "delivery": device,  # a delivery's id is its device's
    }
    failures = await asyncio.to_thread(fuzz, base_url, server.admin_key, known)
    assert not failures, "\n\n".join(failures)


async def test_patch_bodies_require_no_field(base_url: str) -> None:
    """A PATCH changes only what it names, so its body must not demand, say, a device's
    `provider` (which cannot change): schemathesis would send it, and be refused."""
    async with aiohttp.ClientSession() as http, http.get(f"{base_url}/openapi.json") as response:
        document = await response.json()
    patches = [
        operation["requestBody"]["content"]["application/json"]["schema"]
        for path in document["paths"].values()
        for method, operation in path.items()
        if method == "patch"
    ]
    assert len(patches) == sum(route.http_method == "PATCH" for route in ROUTES.routes)
    assert all("required" not in schema and schema["properties"] for schema in patches)
