"""Building request messages from HTTP (body, then path, then query) and rendering replies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from google.api import http_pb2
from google.protobuf import descriptor

from clarion.gateway.errors import GatewayError
from clarion.gateway.routes import Route, RouteTable, build_route
from clarion.gateway.transcode import build_request, message_to_json
from clarion.v1 import device_pb2
from clarion.v1 import device_registry_service_pb2 as devices
from clarion.v1 import policy_admin_service_pb2 as admin
from clarion.v1 import push_sender_service_pb2 as sender


def method(module: Any, service: str, name: str) -> descriptor.MethodDescriptor:
    found: descriptor.MethodDescriptor = module.DESCRIPTOR.services_by_name[
        service
    ].methods_by_name[name]
    return found


def route(
    module: Any, service: str, name: str, verb: str, path: str, body: str = "", **extra: str
) -> Route:
    rule = http_pb2.HttpRule(body=body, **{verb: path}, **extra)
    return build_route(method(module, service, name), rule)


TABLE = RouteTable.from_package()


def build(
    http_method: str, path: str, body: Any = None, query: list[tuple[str, str]] | None = None
) -> Any:
    match = TABLE.resolve(http_method, path)
    raw = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    return build_request(
        match.route, body=raw, path_bindings=match.path_bindings, query=query or []
    )


def bad(http_method: str, path: str, body: Any = None, query: Any = None) -> GatewayError:
    with pytest.raises(GatewayError) as caught:
        build(http_method, path, body, query)
    assert caught.value.status.code == 3
    return caught.value


def test_path_variables_win_over_the_star_body() -> None:
    request = build("POST", "/v1/apps/a/devices/d1:unregister", {"name": "apps/evil/devices/x"})
    assert request.name == "apps/a/devices/d1"


def test_path_variables_win_over_the_body_field() -> None:
    request = build("PATCH", "/v1/apps/a/devices/d1", {"name": "apps/b/devices/x", "locale": "fr"})
    assert request.device.name == "apps/a/devices/d1"
    assert request.device.locale == "fr"


def test_query_does_not_override_body_or_path() -> None:
    request = build(
        "PATCH",
        "/v1/apps/a/devices/d1",
        {"locale": "fr"},
        [("device.locale", "de"), ("device.name", "x"), ("updateMask", "locale")],
    )
    assert request.device.locale == "fr"
    assert request.device.name == "apps/a/devices/d1"
    assert list(request.update_mask.paths) == ["locale"]


def test_star_body_leaves_nothing_to_the_query() -> None:
    request = build(
        "POST", "/v1/apps/a/devices:purgeStale", {"dryRun": True}, [("dryRun", "false")]
    )
    assert request.dry_run is True


def test_body_field_with_an_empty_body_is_still_present() -> None:
    request = build("POST", "/v1/apps/a/devices:register", {})
    assert request.HasField("device")
    assert request.parent == "apps/a"


def test_empty_body_is_an_empty_object() -> None:
    request = build("POST", "/v1/apps/a/sends/s:cancel", b"")
    assert request.name == "apps/a/sends/s"


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ([("pageSize", "7")], lambda r: r.page_size == 7),
        ([("page_size", "7")], lambda r: r.page_size == 7),
        ([("status", "DEVICE_STATUS_REVOKED")], lambda r: r.status == 3),
        ([("status", "3")], lambda r: r.status == 3),
        ([("userId", "a b")], lambda r: r.user_id == "a b"),
        ([("pageSize", "1"), ("topic", "news")], lambda r: (r.page_size, r.topic) == (1, "news")),
    ],
)
def test_query_parameters(query: list[tuple[str, str]], check: Any) -> None:
    assert check(build("GET", "/v1/apps/a/devices", query=query))


def test_repeated_query_parameters_by_repetition() -> None:
    request = build(
        "GET",
        "/v1/apps/a/receipts:watch",
        query=[
            ("statuses", "DELIVERY_STATUS_SENT"),
            ("statuses", "8"),
            ("afterCursor", "9007199254740993"),
        ],
    )
    assert list(request.statuses) == [6, 8]
    assert request.after_cursor == 9007199254740993


def test_timestamps_in_query_use_their_json_form() -> None:
    request = build("GET", "/v1/apps/a/sends", query=[("startTime", "2024-05-01T10:00:00.5Z")])
    assert request.start_time.seconds == 1714557600
    assert request.start_time.nanos == 500_000_000


def test_durations_booleans_and_nested_fields_in_query() -> None:
    purge = route(
        devices, "DeviceRegistryService", "PurgeStaleDevices", "get", "/x/{parent=apps/*}"
    )
    request = build_request(
        purge,
        body=b"",
        path_bindings={"parent": "apps/a"},
        query=[("olderThan", "3600.5s"), ("dry_run", "TRUE")],
    )
    assert (request.older_than.seconds, request.older_than.nanos) == (3600, 500_000_000)
    assert request.dry_run is True

    send = route(sender, "PushSenderService", "Send", "get", "/x/{parent=apps/*}")
    request = build_request(
        send,
        body=b"",
        path_bindings={"parent": "apps/a"},
        query=[("target.userId", "u1"), ("notification.title", "hi")],
    )
    assert request.target.user_id == "u1"
    assert request.notification.title == "hi"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ([("nope", "1")], "nope"),
        ([("pageSize", "many")], "pageSize"),
        ([("pageSize", "1"), ("pageSize", "2")], "pageSize"),
        ([("status", "DEVICE_STATUS_SLEEPY")], "status"),
    ],
)
def test_bad_query_parameters_are_invalid_argument(
    query: list[tuple[str, str]], field: str
) -> None:
    error = bad("GET", "/v1/apps/a/devices", query=query)
    assert field in error.status.message


@pytest.mark.parametrize(
    ("rpc_route", "query"),
    [
        (("PushSenderService", "SendBatch"), [("items.target.userId", "u")]),
        (("PushSenderService", "Send"), [("target", "u")]),
        (("PushSenderService", "Send"), [("target.userId", "u"), ("send_time", "yesterday")]),
    ],
)
def test_unsettable_query_parameters(
    rpc_route: tuple[str, str], query: list[tuple[str, str]]
) -> None:
    synthetic = route(sender, rpc_route[0], rpc_route[1], "get", "/x/{parent=apps/*}")
    with pytest.raises(GatewayError):
        build_request(synthetic, body=b"", path_bindings={"parent": "apps/a"}, query=query)


def test_map_fields_are_not_query_parameters() -> None:
    register = route(
        devices, "DeviceRegistryService", "RegisterDevice", "get", "/x/{parent=apps/*}"
    )
    with pytest.raises(GatewayError, match="map field"):
        build_request(
            register,
            body=b"",
            path_bindings={"parent": "apps/a"},
            query=[("device.categoryPreferences", "x")],
        )


def test_bool_query_parameter_rejects_other_words() -> None:
    purge = route(
        devices, "DeviceRegistryService", "PurgeStaleDevices", "get", "/x/{parent=apps/*}"
    )
    with pytest.raises(GatewayError, match="true or false"):
        build_request(
            purge, body=b"", path_bindings={"parent": "apps/a"}, query=[("dryRun", "maybe")]
        )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"timeZone": "UTC", "quiet_hours": {"startMinute": 1}}, ["time_zone", "quiet_hours"]),
        ({"name": "apps/a/devices/d1", "userId": "u"}, ["user_id"]),
        (
            {"topics": [], "categoryPreferences": {"promo": False}},
            ["topics", "category_preferences"],
        ),
        ({}, []),
    ],
)
def test_patch_mask_is_derived_from_top_level_body_keys(
    body: dict[str, Any], expected: list[str]
) -> None:
    request = build("PATCH", "/v1/apps/a/devices/d1", body)
    assert list(request.update_mask.paths) == expected


def test_patch_mask_from_query_is_kept() -> None:
    request = build(
        "PATCH", "/v1/apps/a/devices/d1", {"timeZone": "UTC"}, [("updateMask", "userId,quietHours")]
    )
    assert list(request.update_mask.paths) == ["user_id", "quiet_hours"]


def test_patch_mask_for_other_resources() -> None:
    request = build("PATCH", "/v1/apps/a", {"displayName": "A", "disabled": True})
    assert list(request.update_mask.paths) == ["display_name", "disabled"]
    assert request.app.name == "apps/a"


def test_no_mask_derivation_outside_patch() -> None:
    request = build("POST", "/v1/apps/a/devices:register", {"userId": "u", "provider": 1})
    assert not request.HasField("device") or request.device.user_id == "u"
    assert not hasattr(request, "update_mask")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"{", "malformed JSON"),
        (b'{"userId": "u", "unknownField": 2}', "unknownField"),
        (b'"just a string"', "invalid JSON body"),
        (b'{"provider": "PROVIDER_NONE"}', "PROVIDER_NONE"),
        (b"\xff\xfe", "malformed JSON"),
    ],
)
def test_bad_bodies(body: bytes, fragment: str) -> None:
    error = bad("POST", "/v1/apps/a/devices:register", body)
    assert fragment in error.status.message


def test_star_body_must_be_an_object() -> None:
    error = bad("POST", "/v1/apps/a/devices:purgeStale", b"[]")
    assert "object" in error.status.message


def test_reply_json_is_canonical_with_unpopulated_fields() -> None:
    get = TABLE.resolve("GET", "/v1/apps/a/devices/d").route
    reply = devices.GetDeviceResponse(
        device=device_pb2.Device(name="apps/a/devices/d", topics=["news"])
    )
    data = message_to_json(get, reply)
    assert data["device"]["name"] == "apps/a/devices/d"
    assert data["device"]["topics"] == ["news"]
    assert data["device"]["userId"] == ""
    assert data["device"]["status"] == "DEVICE_STATUS_UNSPECIFIED"
    assert "quietHours" not in data["device"]  # message fields have presence


def test_response_body_selects_one_field() -> None:
    get = route(
        admin, "PolicyAdminService", "GetApp", "get", "/x/{name=apps/*}", response_body="app"
    )
    reply = admin.GetAppResponse()
    reply.app.name = "apps/a"
    data = message_to_json(get, reply)
    assert (data["name"], data["displayName"], data["disabled"]) == ("apps/a", "", False)
