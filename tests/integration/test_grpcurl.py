"""grpcurl, knowing nothing but what server reflection tells it, lists and calls every service.

scripts/tools installs grpcurl into .tools/bin (scripts/test runs it first).
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from harness import Api, Server

ROOT = Path(__file__).resolve().parents[2]


def grpcurl() -> str:
    found = shutil.which("grpcurl") or shutil.which("grpcurl", path=str(ROOT / ".tools" / "bin"))
    if found is None:
        pytest.fail("grpcurl is not installed: run scripts/tools (scripts/test does)")
    return found


async def run(server: Server, *args: str, key: str | None = None) -> tuple[int, str]:
    headers = ["-H", f"authorization: Bearer {key}"] if key else []
    process = await asyncio.create_subprocess_exec(
        grpcurl(),
        "-plaintext",
        "-format-error",
        *headers,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode is not None
    return process.returncode, out.decode()


async def call(server: Server, method: str, body: dict[str, Any], key: str) -> tuple[int, Any]:
    code, out = await run(server, "-d", json.dumps(body), server.address, method, key=key)
    return code, json.loads(out)


async def test_grpcurl_lists_every_service(server: Server) -> None:
    code, out = await run(server, server.address, "list")
    assert code == 0, out
    assert set(out.split()) >= {
        "clarion.v1.DeviceRegistryService",
        "clarion.v1.CredentialsService",
        "clarion.v1.PushSenderService",
        "clarion.v1.PolicyAdminService",
        "grpc.health.v1.Health",
    }


@pytest.mark.parametrize(
    ("symbol", "expected"),
    [
        ("clarion.v1.DeviceRegistryService", "rpc RegisterDevice"),
        ("clarion.v1.CredentialsService", "rpc PutCredential"),
        ("clarion.v1.PushSenderService", "rpc WatchReceipts"),
        ("clarion.v1.PolicyAdminService", "rpc CreateApiKey"),
        ("clarion.v1.Device", "string install_id = 2"),
    ],
)
async def test_grpcurl_describes_services_and_messages(
    server: Server, symbol: str, expected: str
) -> None:
    code, out = await run(server, server.address, "describe", symbol)
    assert code == 0, out
    assert expected in out


async def test_grpcurl_calls_every_service(api: Api, server: Server) -> None:
    key = server.admin_key
    code, created = await call(
        server,
        "clarion.v1.PolicyAdminService/CreateApp",
        {"app_id": "grpcurl-app", "app": {"display_name": "via grpcurl"}},
        key,
    )
    assert code == 0, created
    assert created["app"]["name"] == "apps/grpcurl-app"

    code, registered = await call(
        server,
        "clarion.v1.DeviceRegistryService/RegisterDevice",
        {
            "parent": "apps/grpcurl-app",
            "device": {"provider": "PROVIDER_APNS", "token": "ab" * 32, "installId": "i-1"},
        },
        key,
    )
    assert code == 0, registered
    assert registered["created"] is True
    assert registered["device"]["status"] == "DEVICE_STATUS_ACTIVE"

    code, vapid = await call(
        server,
        "clarion.v1.CredentialsService/GetVapidPublicKey",
        {"parent": "apps/grpcurl-app"},
        key,
    )
    assert code == 0, vapid
    assert vapid["publicKey"].startswith("B")  # 0x04, an uncompressed point

    # A send over grpcurl: accepted and durable (the app has no credential, so its
    # delivery will fail with auth_error; the send itself is what this shows).
    code, sent = await call(
        server,
        "clarion.v1.PushSenderService/Send",
        {
            "parent": "apps/grpcurl-app",
            "target": {"userId": "u"},
            "notification": {"title": "hi"},
        },
        key,
    )
    assert code == 0, sent
    assert sent["send"]["name"].startswith("apps/grpcurl-app/sends/")

    code, health = await call(server, "grpc.health.v1.Health/Check", {}, key)
    assert code == 0, health
    assert health["status"] == "SERVING"


async def test_grpcurl_shows_field_violations_of_a_bad_request(server: Server) -> None:
    code, error = await call(
        server,
        "clarion.v1.DeviceRegistryService/RegisterDevice",
        {"parent": "apps/grpcurl-app", "device": {"provider": "PROVIDER_EXPO", "token": "nope"}},
        server.admin_key,
    )
    assert code != 0
    assert error["code"] == 3  # INVALID_ARGUMENT
    kinds = {d["@type"].rsplit(".", 1)[1]: d for d in error["details"]}
    assert kinds["ErrorInfo"]["reason"] == "INVALID_TOKEN_FORMAT"
    bad = kinds["BadRequest"]
    violations = bad.get("fieldViolations") or bad.get("field_violations")
    assert violations[0]["field"] == "device.token"
