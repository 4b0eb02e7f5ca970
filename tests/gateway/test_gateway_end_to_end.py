"""HTTP → gateway → a real grpc.aio server running the in-test fakes, and back."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from gateway_fakes import GOOD_KEY, READ_ONLY_KEY, FakeClarion
from openapi_spec_validator import validate

from clarion.gateway import Gateway, GatewaySettings

AUTH = {"Authorization": GOOD_KEY}
ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"
BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"
RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo"

IOS_DEVICE = {
    "provider": "PROVIDER_APNS",
    "platform": "PLATFORM_IOS",
    "token": "a1b2c3d4",
    "installId": "install-1",
    "userId": "u1",
    "locale": "pt-BR",
}


async def register(http: aiohttp.ClientSession, device: dict[str, Any] | None = None) -> str:
    async with http.post(
        "/v1/apps/a/devices:register", json=device or IOS_DEVICE, headers=AUTH
    ) as response:
        assert response.status == 200, await response.text()
        body = await response.json()
    return str(body["device"]["name"])


def detail(body: dict[str, Any], type_url: str) -> dict[str, Any]:
    found = [d for d in body["details"] if d["@type"] == type_url]
    assert found, body
    return found[0]


async def test_register_then_get_by_id_and_by_install_id(http: aiohttp.ClientSession) -> None:
    name = await register(http)
    assert name == "apps/a/devices/" + name.rsplit("/", 1)[1]

    async with http.get(f"/v1/{name}", headers=AUTH) as by_id:
        assert by_id.status == 200
        assert by_id.content_type == "application/json"
        device = (await by_id.json())["device"]
    async with http.get("/v1/apps/a/installs/install-1", headers=AUTH) as by_install:
        assert (await by_install.json())["device"] == device

    # Canonical JSON: camelCase names, enums by name, Timestamps in RFC 3339, input-only
    # fields absent, unpopulated fields emitted.
    assert device["installId"] == "install-1"
    assert device["status"] == "DEVICE_STATUS_ACTIVE"
    assert device["createTime"] == "2023-11-14T22:13:20Z"
    assert device["tokenHint"] == "c3d4"
    assert "token" not in device
    assert device["timeZone"] == ""


async def test_register_reports_created_false_as_a_value(http: aiohttp.ClientSession) -> None:
    await register(http)
    async with http.post("/v1/apps/a/devices:register", json=IOS_DEVICE, headers=AUTH) as again:
        assert (await again.json())["created"] is False


async def test_body_field_binding_takes_proto_names_too(
    http: aiohttp.ClientSession, fake_clarion: FakeClarion
) -> None:
    device = {"provider": "PROVIDER_FCM", "token": "t-1234", "install_id": "i-2", "user_id": "u"}
    await register(http, device)
    request = fake_clarion.recorder.requests[-1]
    assert request.parent == "apps/a"
    assert request.device.install_id == "i-2"


async def test_list_with_query_parameters(
    http: aiohttp.ClientSession, fake_clarion: FakeClarion
) -> None:
    await register(http)
    await register(http, {**IOS_DEVICE, "installId": "install-2", "userId": "u2"})
    async with http.get(
        "/v1/apps/a/devices?userId=u2&page_size=5&status=DEVICE_STATUS_ACTIVE&platform=1",
        headers=AUTH,
    ) as response:
        body = await response.json()
    assert [d["userId"] for d in body["devices"]] == ["u2"]
    assert body["nextPageToken"] == ""
    request = fake_clarion.recorder.requests[-1]
    assert (request.page_size, request.user_id, request.platform) == (5, "u2", 1)


async def test_patch_derives_the_update_mask_from_the_body(
    http: aiohttp.ClientSession, fake_clarion: FakeClarion
) -> None:
    name = await register(http)
    patch = {"name": "ignored", "timeZone": "Europe/Paris", "quiet_hours": {"startMinute": 1320}}
    async with http.patch(f"/v1/{name}", json=patch, headers=AUTH) as response:
        assert response.status == 200, await response.text()
        device = (await response.json())["device"]
    assert fake_clarion.recorder.update_mask == ["time_zone", "quiet_hours"]
    assert device["name"] == name  # the path wins over the body
    assert device["timeZone"] == "Europe/Paris"
    assert device["quietHours"] == {"startMinute": 1320, "endMinute": 0}
    assert device["locale"] == "pt-BR"


async def test_patch_keeps_an_explicit_update_mask(
    http: aiohttp.ClientSession, fake_clarion: FakeClarion
) -> None:
    name = await register(http)
    async with http.patch(
        f"/v1/{name}?updateMask=locale", json={"locale": "fr", "userId": "x"}, headers=AUTH
    ) as response:
        device = (await response.json())["device"]
    assert fake_clarion.recorder.update_mask == ["locale"]
    assert (device["locale"], device["userId"]) == ("fr", "u1")


async def test_patch_by_install_id_binding(http: aiohttp.ClientSession) -> None:
    await register(http)
    async with http.patch(
        "/v1/apps/a/installs/install-1", json={"userId": "u9"}, headers=AUTH
    ) as response:
        assert (await response.json())["device"]["userId"] == "u9"


async def test_custom_verb_with_star_body_and_path(http: aiohttp.ClientSession) -> None:
    name = await register(http)
    async with http.post(f"/v1/{name}:unregister", json={}, headers=AUTH) as response:
        assert (await response.json())["device"]["status"] == "DEVICE_STATUS_REVOKED"


async def test_durations_and_int64_in_json(
    http: aiohttp.ClientSession, fake_clarion: FakeClarion
) -> None:
    async with http.post(
        "/v1/apps/a/devices:purgeStale", json={"olderThan": "86400s", "dryRun": True}, headers=AUTH
    ) as response:
        body = await response.json()
    assert body == {"purgedCount": "12345678901", "dryRun": True}
    assert fake_clarion.recorder.requests[-1].older_than.seconds == 86400


async def test_create_app_body_field_and_query_parameter(
    http: aiohttp.ClientSession, fake_clarion: FakeClarion
) -> None:
    async with http.post(
        "/v1/apps?appId=shop", json={"displayName": "Shop"}, headers=AUTH
    ) as response:
        app = (await response.json())["app"]
    assert (app["name"], app["displayName"], app["disabled"]) == ("apps/shop", "Shop", False)
    assert fake_clarion.recorder.requests[-1].app_id == "shop"


async def test_invalid_argument_passes_bad_request_and_error_info(
    http: aiohttp.ClientSession,
) -> None:
    async with http.post(
        "/v1/apps/a/devices:register", json={"provider": "PROVIDER_APNS"}, headers=AUTH
    ) as response:
        assert response.status == 400
        body = await response.json()
    assert body["code"] == 3
    assert body["message"] == "device.token is required"
    assert detail(body, BAD_REQUEST)["fieldViolations"] == [
        {"field": "device.token", "description": "required for this provider"}
    ]
    assert detail(body, ERROR_INFO)["reason"] == "DEVICE_TOKEN_MISSING"


async def test_not_found_with_error_info(http: aiohttp.ClientSession) -> None:
    async with http.get("/v1/apps/a/devices/nope", headers=AUTH) as response:
        assert response.status == 404
        body = await response.json()
    assert body["code"] == 5
    assert detail(body, ERROR_INFO) == {
        "@type": ERROR_INFO,
        "reason": "DEVICE_NOT_FOUND",
        "domain": "clarion.dev",
        "metadata": {"device": "apps/a/devices/nope"},
    }


async def test_resource_exhausted_is_429_with_retry_after_rounded_up(
    http: aiohttp.ClientSession,
) -> None:
    send = {"target": {"userId": "u1"}, "notification": {"title": "quota"}}
    async with http.post("/v1/apps/a/sends:send", json=send, headers=AUTH) as response:
        assert response.status == 429
        assert response.headers["Retry-After"] == "3"
        body = await response.json()
    assert body["code"] == 8
    assert detail(body, RETRY_INFO)["retryDelay"] == "2.000000001s"
    assert detail(body, ERROR_INFO)["metadata"] == {"quota": "daily"}


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, 16),
        ({"Authorization": "Bearer nope"}, 401, 16),
        ({"Authorization": READ_ONLY_KEY}, 403, 7),
    ],
)
async def test_authentication_failures(
    http: aiohttp.ClientSession, headers: dict[str, str], status: int, code: int
) -> None:
    async with http.post(
        "/v1/apps/a/devices:register", json=IOS_DEVICE, headers=headers
    ) as response:
        assert response.status == status
        assert (await response.json())["code"] == code
        if status == 401:
            assert response.headers["WWW-Authenticate"] == "Bearer"
        else:
            assert "WWW-Authenticate" not in response.headers


async def test_unimplemented_rpc_is_501(http: aiohttp.ClientSession) -> None:
    async with http.get("/v1/apps", headers=AUTH) as response:
        assert response.status == 501
        assert (await response.json())["code"] == 12


async def test_headers_are_allow_listed_into_metadata(
    http: aiohttp.ClientSession, fake_clarion: FakeClarion
) -> None:
    headers = {
        **AUTH,
        "X-Request-Id": "req-7",
        "Grpc-Metadata-Tenant-Hint": "blue",
        "Cookie": "session=secret",
        "X-Custom": "no",
        "Grpc-Metadata-Grpc-Status": "0",
    }
    async with http.get("/v1/apps/a", headers=headers) as response:
        assert response.status == 200
    seen = fake_clarion.recorder.metadata
    assert seen["authorization"] == GOOD_KEY
    assert seen["x-request-id"] == "req-7"
    assert seen["tenant-hint"] == "blue"
    assert seen["x-forwarded-for"] == "127.0.0.1"
    assert "cookie" not in seen
    assert "x-custom" not in seen
    assert "grpc-status" not in seen


async def test_grpc_timeout_sets_the_deadline(
    http: aiohttp.ClientSession, fake_clarion: FakeClarion
) -> None:
    async with http.get("/v1/apps/a", headers={**AUTH, "Grpc-Timeout": "2S"}) as response:
        assert response.status == 200
    remaining = fake_clarion.recorder.time_remaining
    assert remaining is not None
    assert 1.0 < remaining < 2.1  # the clocks of the two ends differ by a few ms


async def test_deadline_exceeded_is_504(http: aiohttp.ClientSession) -> None:
    send = {"target": {"userId": "u1"}, "notification": {"title": "slow"}}
    headers = {**AUTH, "Grpc-Timeout": "100m"}
    async with http.post("/v1/apps/a/sends:send", json=send, headers=headers) as response:
        assert response.status == 504
        assert (await response.json())["code"] == 4


async def test_bad_grpc_timeout_is_400(http: aiohttp.ClientSession) -> None:
    async with http.get("/v1/apps/a", headers={**AUTH, "Grpc-Timeout": "soon"}) as response:
        assert response.status == 400
        assert (await response.json())["code"] == 3


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"{not json", "malformed JSON"),
        (b'{"provider": "PROVIDER_APNS", "tokn": "x"}', "tokn"),
        (b'{"provider": "NOT_A_PROVIDER"}', "NOT_A_PROVIDER"),
        (b"[1, 2]", "invalid JSON body"),
    ],
)
async def test_bad_json_bodies_are_400_status(
    http: aiohttp.ClientSession, body: bytes, fragment: str
) -> None:
    async with http.post(
        "/v1/apps/a/devices:register",
        data=body,
        headers={**AUTH, "Content-Type": "application/json"},
    ) as response:
        assert response.status == 400
        status = await response.json()
    assert status["code"] == 3
    assert fragment in status["message"]
    assert detail(status, BAD_REQUEST)["fieldViolations"][0]["field"] == "body"


async def test_unknown_query_parameter_is_400(http: aiohttp.ClientSession) -> None:
    async with http.get("/v1/apps/a/devices?pageSiz=3", headers=AUTH) as response:
        assert response.status == 400
        status = await response.json()
    assert detail(status, BAD_REQUEST)["fieldViolations"][0]["field"] == "pageSiz"


async def test_unknown_route_is_404_status(http: aiohttp.ClientSession) -> None:
    async with http.get("/v2/nothing") as response:
        assert response.status == 404
        assert response.content_type == "application/json"
        assert (await response.json())["code"] == 5


async def test_wrong_method_is_405_with_allow(http: aiohttp.ClientSession) -> None:
    async with http.put("/v1/apps/a/devices/d1") as response:
        assert response.status == 405
        assert response.headers["Allow"] == "GET, PATCH"
        assert (await response.json())["code"] == 12


async def test_oversized_body_is_413_status(fake_clarion: FakeClarion) -> None:
    settings = GatewaySettings(max_body_bytes=1024)
    async with (
        Gateway(fake_clarion.address, port=0, settings=settings) as small,
        aiohttp.ClientSession(base_url=small.url) as http,
        http.post("/v1/apps/a/devices:register", data=b" " * 4096, headers=AUTH) as response,
    ):
        assert response.status == 413
        assert (await response.json())["code"] == 8


# --- server streaming -------------------------------------------------------------------


async def read_lines(response: aiohttp.ClientResponse) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (await response.text()).splitlines()]


async def test_watch_streams_ndjson_then_the_error(
    http: aiohttp.ClientSession, fake_clarion: FakeClarion
) -> None:
    async with http.get(
        "/v1/apps/a/receipts:watch?afterCursor=10&statuses=DELIVERY_STATUS_SENT"
        "&statuses=DELIVERY_STATUS_FAILED&start=START_POSITION_EARLIEST",
        headers=AUTH,
    ) as response:
        assert response.status == 200
        assert response.content_type == "application/x-ndjson"
        lines = await read_lines(response)
    assert [line["result"]["receipt"]["cursor"] for line in lines[:3]] == ["11", "12", "13"]
    assert lines[3]["error"]["code"] == 14
    assert lines[3]["error"]["details"][0]["@type"] == RETRY_INFO
    request = fake_clarion.recorder.requests[-1]
    assert list(request.statuses) == [6, 8]
    assert request.start == 2


async def test_watch_resumes_with_the_proto_name_too(
    http: aiohttp.ClientSession,
) -> None:
    async with http.get("/v1/apps/a/receipts:watch?after_cursor=41", headers=AUTH) as response:
        lines = await read_lines(response)
    assert lines[0]["result"]["receipt"]["cursor"] == "42"


async def test_watch_failing_before_the_first_message_gets_an_http_status(
    http: aiohttp.ClientSession,
) -> None:
    async with http.get("/v1/apps/a/receipts:watch?afterCursor=5000", headers=AUTH) as response:
        assert response.status == 400
        body = await response.json()
    assert body["code"] == 11
    assert detail(body, ERROR_INFO)["reason"] == "CURSOR_EXPIRED"


async def test_watch_unauthenticated_is_401(http: aiohttp.ClientSession) -> None:
    async with http.get("/v1/apps/a/receipts:watch") as response:
        assert response.status == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_watch_as_server_sent_events(http: aiohttp.ClientSession) -> None:
    headers = {**AUTH, "Accept": "text/event-stream"}
    async with http.get("/v1/apps/a/receipts:watch", headers=headers) as response:
        assert response.content_type == "text/event-stream"
        text = await response.text()
    events = [e for e in text.split("\n\n") if e and not e.startswith(":")]
    assert events[0].splitlines() == [
        "id: 1",
        'data: {"receipt":' + events[0].split('data: {"receipt":', 1)[1],
    ]
    first = json.loads(events[0].split("data: ", 1)[1])
    assert first["receipt"]["status"] == "DELIVERY_STATUS_SENT"
    assert events[3].startswith("event: error\ndata: ")
    assert json.loads(events[3].split("data: ", 1)[1])["code"] == 14


async def test_sse_reconnect_resumes_after_last_event_id(http: aiohttp.ClientSession) -> None:
    headers = {**AUTH, "Accept": "text/event-stream", "Last-Event-ID": "77"}
    async with http.get("/v1/apps/a/receipts:watch", headers=headers) as response:
        text = await response.text()
    assert text.startswith("id: 78\n")


async def test_sse_id_of_a_batched_message_is_its_last_cursor(
    http: aiohttp.ClientSession,
) -> None:
    headers = {**AUTH, "Accept": "text/event-stream", "Last-Event-ID": "10"}
    url = "/v1/apps/a/receipts:watch?maxReceiptsPerMessage=500"
    async with http.get(url, headers=headers) as response:
        text = await response.text()
    events = [e for e in text.split("\n\n") if e and not e.startswith(":")]
    assert events[0].startswith("id: 13\n")  # resume after the batch's last receipt
    batch = json.loads(events[0].split("data: ", 1)[1])["receipts"]
    assert [r["cursor"] for r in batch] == ["11", "12", "13"]


async def test_stream_lines_arrive_as_they_happen_and_disconnect_cancels(
    http: aiohttp.ClientSession, fake_clarion: FakeClarion
) -> None:
    url = "/v1/apps/a/receipts:watch?send=apps/a/sends/hang"
    async with http.get(url, headers=AUTH) as response:
        line = await asyncio.wait_for(response.content.readline(), 5)
        assert json.loads(line)["result"]["receipt"]["cursor"] == "1"
        response.close()
    await asyncio.wait_for(fake_clarion.recorder.watch_cancelled.wait(), 5)


async def test_idle_sse_stream_sends_keepalive_comments(http: aiohttp.ClientSession) -> None:
    url = "/v1/apps/a/receipts:watch?send=apps/a/sends/hang"
    headers = {**AUTH, "Accept": "text/event-stream"}
    async with http.get(url, headers=headers) as response:
        first = await asyncio.wait_for(response.content.readuntil(b"\n\n"), 5)
        assert first.startswith(b"id: 1\n")
        keepalive = await asyncio.wait_for(response.content.readuntil(b"\n\n"), 5)
        assert keepalive == b": keep-alive\n\n"
        response.close()


# --- documents and health ---------------------------------------------------------------


async def test_openapi_document_is_served_and_valid(http: aiohttp.ClientSession) -> None:
    async with http.get("/openapi.json") as response:
        assert response.status == 200
        document = await response.json()
    validate(document)
    assert "/v1/apps/{app}/devices:register" in document["paths"]


async def test_docs_page_is_self_contained(http: aiohttp.ClientSession) -> None:
    async with http.get("/docs") as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        page = await response.text()
    assert "openapi.json" in page
    assert "http://" not in page
    assert "https://" not in page


async def test_healthz_reports_upstream_health(
    http: aiohttp.ClientSession, fake_clarion: FakeClarion
) -> None:
    from grpc_health.v1 import health_pb2

    async with http.get("/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"status": "SERVING"}
    await fake_clarion.health.set("", health_pb2.HealthCheckResponse.NOT_SERVING)
    try:
        async with http.get("/healthz") as response:
            assert response.status == 503
            assert await response.json() == {"status": "NOT_SERVING"}
    finally:
        await fake_clarion.health.set("", health_pb2.HealthCheckResponse.SERVING)


async def test_healthz_when_upstream_is_down_is_503() -> None:
    settings = GatewaySettings(health_timeout=0.5)
    async with (
        Gateway("127.0.0.1:1", port=0, settings=settings) as orphan,
        aiohttp.ClientSession(base_url=orphan.url) as http,
        http.get("/healthz") as response,
    ):
        assert response.status == 503
        assert (await response.json())["code"] in (4, 14)


async def test_path_values_are_percent_decoded_per_segment(
    http: aiohttp.ClientSession, fake_clarion: FakeClarion
) -> None:
    async with http.get("/v1/apps/caf%C3%A9%2Fx", headers=AUTH) as response:
        assert response.status == 200
    assert fake_clarion.recorder.requests[-1].name == "apps/café%2Fx"
