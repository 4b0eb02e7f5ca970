"""The route table is built from the descriptors' google.api.http annotations."""

from __future__ import annotations

import pytest
from google.api import annotations_pb2, http_pb2

from clarion.gateway.routes import (
    MethodNotAllowed,
    RouteError,
    RouteNotFound,
    RouteTable,
    build_route,
    load_file_descriptors,
)
from clarion.v1 import device_registry_service_pb2, push_sender_service_pb2


@pytest.fixture(scope="module")
def table() -> RouteTable:
    return RouteTable.from_package("clarion.v1")


def test_every_annotated_binding_becomes_a_route(table: RouteTable) -> None:
    expected = 0
    for file in load_file_descriptors("clarion.v1"):
        for service in file.services_by_name.values():
            for method in service.methods:
                options = method.GetOptions()
                if options.HasExtension(annotations_pb2.http):
                    rule = options.Extensions[annotations_pb2.http]
                    expected += 1 + len(rule.additional_bindings)
    assert expected > 40
    assert len(table.routes) == expected
    assert len({r.operation_id for r in table.routes}) == expected


@pytest.mark.parametrize(
    ("method", "path", "rpc", "bindings"),
    [
        ("GET", "/v1/apps", "ListApps", {}),
        ("GET", "/v1/apps/a", "GetApp", {"name": "apps/a"}),
        ("POST", "/v1/apps", "CreateApp", {}),
        ("GET", "/v1/apps/a/devices", "ListDevices", {"parent": "apps/a"}),
        ("GET", "/v1/apps/a/devices/d1", "GetDevice", {"name": "apps/a/devices/d1"}),
        ("GET", "/v1/apps/a/installs/i1", "GetDevice", {"name": "apps/a/installs/i1"}),
        ("PATCH", "/v1/apps/a/installs/i1", "UpdateDevice", {"device.name": "apps/a/installs/i1"}),
        ("POST", "/v1/apps/a/devices:register", "RegisterDevice", {"parent": "apps/a"}),
        ("POST", "/v1/apps/a/devices:purgeStale", "PurgeStaleDevices", {"parent": "apps/a"}),
        (
            "POST",
            "/v1/apps/a/devices/d1:unregister",
            "UnregisterDevice",
            {"name": "apps/a/devices/d1"},
        ),
        ("POST", "/v1/apiKeys/k1:revoke", "RevokeApiKey", {"name": "apiKeys/k1"}),
        ("GET", "/v1/apps/a/policy", "GetAppPolicy", {"name": "apps/a/policy"}),
        ("GET", "/v1/apps/a/receipts:watch", "WatchReceipts", {"parent": "apps/a"}),
        (
            "POST",
            "/v1/apps/a/sends/s/deliveries/d:recordEngagement",
            "RecordEngagement",
            {"delivery": "apps/a/sends/s/deliveries/d"},
        ),
    ],
)
def test_resolve(
    table: RouteTable, method: str, path: str, rpc: str, bindings: dict[str, str]
) -> None:
    match = table.resolve(method, path)
    assert match.route.method.name == rpc
    assert match.path_bindings == bindings


def test_unknown_path_is_not_found(table: RouteTable) -> None:
    with pytest.raises(RouteNotFound):
        table.resolve("GET", "/v1/apps/a/nothing/here/at/all")


def test_known_path_with_other_method_lists_the_allowed_ones(table: RouteTable) -> None:
    with pytest.raises(MethodNotAllowed) as caught:
        table.resolve("PUT", "/v1/apps/a")
    assert caught.value.allowed == ("DELETE", "GET", "PATCH")


def test_route_knows_its_rpc(table: RouteTable) -> None:
    route = table.resolve("GET", "/v1/apps/a/receipts:watch").route
    assert route.grpc_path == "/clarion.v1.PushSenderService/WatchReceipts"
    assert route.server_streaming
    assert route.request_class is push_sender_service_pb2.WatchReceiptsRequest
    assert route.response_class is push_sender_service_pb2.WatchReceiptsResponse


_GET_DEVICE = device_registry_service_pb2.DESCRIPTOR.services_by_name[
    "DeviceRegistryService"
].methods_by_name["GetDevice"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (http_pb2.HttpRule(get="/v1/{nam=apps/*}"), "names no field"),
        (http_pb2.HttpRule(post="/v1/{name=apps/*}", body="devic"), "body"),
        (http_pb2.HttpRule(get="/v1/{name=apps/*}", response_body="nope"), "response_body"),
        (http_pb2.HttpRule(get="v1/apps"), "must start with"),
        (http_pb2.HttpRule(), "without a pattern"),
    ],
)
def test_unservable_annotations_fail_at_start_up(rule: http_pb2.HttpRule, message: str) -> None:
    with pytest.raises(RouteError, match=message):
        build_route(_GET_DEVICE, rule)


def test_custom_pattern_uses_its_kind_as_the_method() -> None:
    rule = http_pb2.HttpRule(custom=http_pb2.CustomHttpPattern(kind="HEAD", path="/v1/{name=x/*}"))
    route = build_route(_GET_DEVICE, rule)
    assert route.http_method == "HEAD"
