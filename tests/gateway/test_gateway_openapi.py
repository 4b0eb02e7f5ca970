"""The OpenAPI document is generated from the descriptors, comments included."""

from __future__ import annotations

import re
from typing import Any

import pytest
from openapi_spec_validator import validate

from clarion.gateway.comments import Comments, load_comments, load_descriptor_set, stale_files
from clarion.gateway.openapi import build_openapi
from clarion.gateway.routes import RouteTable, load_file_descriptors

TABLE = RouteTable.from_package()


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_openapi(TABLE, load_comments())


def operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["operationId"]: op for item in document["paths"].values() for op in item.values()}


def schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = document["components"]["schemas"][name]
    return found


def test_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_without_comments_it_is_still_valid() -> None:
    validate(build_openapi(TABLE, Comments()))


def test_every_route_is_an_operation(document: dict[str, Any]) -> None:
    ops = operations(document)
    assert {r.operation_id for r in TABLE.routes} <= set(ops)


def test_paths_expand_resource_names(document: dict[str, Any]) -> None:
    paths = document["paths"]
    assert set(paths["/v1/apps/{app}/devices/{device}"]) == {"get", "patch"}
    assert "post" in paths["/v1/apps/{app}/devices:register"]
    assert "get" in paths["/v1/apps/{app}/installs/{install}"]
    assert "post" in paths["/v1/apiKeys/{apiKey}:revoke"]
    assert "get" in paths["/v1/apps/{app}/policy"]
    for path, item in paths.items():
        names = set(re.findall(r"{([^}]+)}", path))
        for op in item.values():
            in_path = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert in_path == names, (path, op["operationId"])


def test_descriptions_come_from_proto_comments(document: dict[str, Any]) -> None:
    get_device = operations(document)["DeviceRegistryService_GetDevice"]
    assert get_device["summary"].startswith("Gets one device")
    assert "NOT_FOUND" in get_device["description"]
    tags = {t["name"]: t["description"] for t in document["tags"]}
    assert tags["DeviceRegistryService"].startswith("Registers and manages the devices")
    device = schema(document, "clarion.v1.Device")
    assert device["description"].startswith("A registered device")
    assert "IANA time zone" in device["properties"]["timeZone"]["description"]
    status = schema(document, "clarion.v1.DeviceStatus")
    assert status["enum"][1] == "DEVICE_STATUS_ACTIVE"
    assert "- `DEVICE_STATUS_ACTIVE`: Deliverable." in status["description"]


def test_field_behaviour(document: dict[str, Any]) -> None:
    device = schema(document, "clarion.v1.Device")
    assert device["required"] == ["provider"]
    assert device["properties"]["status"]["readOnly"] is True
    assert device["properties"]["createTime"]["readOnly"] is True
    assert device["properties"]["token"]["writeOnly"] is True
    assert device["properties"]["webPush"]["writeOnly"] is True
    assert "readOnly" not in device["properties"]["locale"]


def test_json_types_follow_the_protobuf_mapping(document: dict[str, Any]) -> None:
    device = schema(document, "clarion.v1.Device")["properties"]
    assert device["createTime"]["format"] == "date-time"
    assert device["topics"] == {**device["topics"], "type": "array", "items": {"type": "string"}}
    assert device["categoryPreferences"]["additionalProperties"] == {"type": "boolean"}
    purged = schema(document, "clarion.v1.PurgeStaleDevicesResponse")["properties"]["purgedCount"]
    assert (purged["type"], purged["format"]) == ("string", "int64")


def test_request_bodies(document: dict[str, Any]) -> None:
    ops = operations(document)
    register = ops["DeviceRegistryService_RegisterDevice"]["requestBody"]
    assert register["required"] is True
    assert register["content"]["application/json"]["schema"]["$ref"].endswith("clarion.v1.Device")
    send = ops["PushSenderService_Send"]["requestBody"]["content"]["application/json"]["schema"]
    assert "parent" not in send["properties"]  # bound by the path
    assert send["required"] == ["target", "notification"]
    assert "requestBody" not in ops["DeviceRegistryService_GetDevice"]


def test_query_parameters(document: dict[str, Any]) -> None:
    ops = operations(document)
    params = {p["name"]: p for p in ops["DeviceRegistryService_ListDevices"]["parameters"]}
    assert set(params) == {
        "app",
        "pageSize",
        "pageToken",
        "userId",
        "installId",
        "provider",
        "status",
        "topic",
        "platform",
    }
    assert params["status"]["schema"]["$ref"].endswith("clarion.v1.DeviceStatus")
    watch = {p["name"]: p for p in ops["PushSenderService_WatchReceipts"]["parameters"]}
    assert watch["statuses"]["schema"]["type"] == "array"
    assert "afterCursor" in watch
    update = {p["name"]: p for p in ops["DeviceRegistryService_UpdateDevice"]["parameters"]}
    assert "required" not in update["updateMask"]  # derived from the body when absent
    assert "device.locale" not in update  # the body binds the device


def test_errors_are_status_and_auth_is_bearer(document: dict[str, Any]) -> None:
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        **document["components"]["securitySchemes"]["bearerAuth"],
        "type": "http",
        "scheme": "bearer",
    }
    assert document["security"] == [{"bearerAuth": []}]
    error = document["components"]["responses"]["Error"]
    assert error["content"]["application/json"]["schema"]["$ref"].endswith("google.rpc.Status")
    assert "Retry-After" in error["headers"]
    for op_id, op in operations(document).items():
        if op_id != "Gateway_Health":
            assert op["responses"]["default"] == {"$ref": "#/components/responses/Error"}
    status = schema(document, "google.rpc.Status")
    assert set(status["properties"]) == {"code", "message", "details"}
    assert status["properties"]["details"]["items"]["$ref"].endswith("google.protobuf.Any")


def test_streams_document_both_framings(document: dict[str, Any]) -> None:
    watch = operations(document)["PushSenderService_WatchReceipts"]
    content = watch["responses"]["200"]["content"]
    assert set(content) == {"application/x-ndjson", "text/event-stream"}
    line = content["application/x-ndjson"]["schema"]["properties"]
    assert line["result"]["$ref"].endswith("clarion.v1.WatchReceiptsResponse")
    assert line["error"]["$ref"].endswith("google.rpc.Status")


def test_committed_descriptor_set_matches_the_generated_stubs() -> None:
    # Regenerate with the buf command in docs/rest.md when this fails.
    descriptor_set = load_descriptor_set()
    assert stale_files(descriptor_set) == []
    shipped = {f.name for f in descriptor_set.file}
    generated = {f.name for f in load_file_descriptors("clarion.v1")}
    assert shipped == generated
    assert all(f.source_code_info.location for f in descriptor_set.file)
