"""The `clarion` command as operators run it: a real subprocess against the session's server.

Subprocesses are started with asyncio so that the in-process server, which shares the test's
event loop, keeps answering while the command waits for it.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from clarion.store import schema
from clarion.store.schema import devices
from clarion.v1 import api_key_pb2, device_pb2, provider_pb2
from clarion.v1 import credentials_service_pb2 as creds_pb
from clarion.v1 import device_registry_service_pb2 as devices_pb
from clarion.v1 import policy_admin_service_pb2 as pb
from harness import Api, Server, Stubs, TestApp, expect_error

WRITE = [api_key_pb2.SCOPE_DEVICES_WRITE]
MANAGE = [api_key_pb2.SCOPE_APP_MANAGE]


@dataclass(frozen=True)
class Run:
    """A finished `clarion` invocation."""

    code: int
    out: str
    err: str

    def documents(self) -> list[dict[str, Any]]:
        """The JSON documents printed one after another on stdout."""
        decoder = json.JSONDecoder()
        found: list[dict[str, Any]] = []
        text = self.out.strip()
        while text:
            document, end = decoder.raw_decode(text)
            found.append(document)
            text = text[end:].strip()
        return found


async def clarion(
    *args: str,
    cwd: Path,
    server: Server | None = None,
    key: str | None = None,
    stdin: bytes | None = None,
) -> Run:
    """Run `clarion ARGS` with only the CLARION_* variables given here."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLARION_")}
    if server is not None:
        env["CLARION_SERVER"] = server.address
    if key is not None:
        env["CLARION_API_KEY"] = key
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "clarion.cli",
        *args,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin), timeout=60)
    assert process.returncode is not None
    return Run(process.returncode, out.decode(), err.decode())


def ok(run: Run) -> Run:
    assert run.code == 0, f"exit {run.code}: {run.err}"
    return run


async def register(writer: Stubs, app: TestApp) -> str:
    response = await writer(
        writer.devices.RegisterDevice,
        devices_pb.RegisterDeviceRequest(
            parent=app.parent,
            device=device_pb2.Device(
                provider=provider_pb2.PROVIDER_FCM,
                token=f"fcm:{uuid.uuid4().hex}{uuid.uuid4().hex}",
                topics=["news"],
            ),
        ),
    )
    return str(response.device.name).rpartition("/")[2]


def backdate(server: Server, device_ids: list[str], days: int) -> None:
    """Make devices look last seen `days` ago, as if their apps went quiet."""
    engine = server.sync_engine()
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.update(devices)
                .where(devices.c.id.in_(device_ids))
                .values(last_seen_at=datetime.now(UTC) - timedelta(days=days))
            )
    finally:
        engine.dispose()


def device_ids(server: Server, app_id: str) -> set[str]:
    engine = server.sync_engine()
    try:
        with engine.connect() as conn:
            return set(conn.scalars(sa.select(devices.c.id).where(devices.c.app_id == app_id)))
    finally:
        engine.dispose()


# --- apps -----------------------------------------------------------------------------------


async def test_apps_create_then_list_shows_it(api: Api, server: Server, tmp_path: Path) -> None:
    app_id = f"cli-{uuid.uuid4().hex[:10]}"

    created = ok(
        await clarion(
            "apps", "create", app_id, "--display-name", "From the CLI",
            cwd=tmp_path, server=server, key=server.admin_key,
        )
    )  # fmt: skip

    (document,) = created.documents()
    assert document["app"]["name"] == f"apps/{app_id}"
    assert document["app"]["displayName"] == "From the CLI"
    fetched = await api.admin(api.admin.admin.GetApp, pb.GetAppRequest(name=f"apps/{app_id}"))
    assert fetched.app.display_name == "From the CLI"
    listed = ok(await clarion("apps", "list", cwd=tmp_path, server=server, key=server.admin_key))
    assert f"apps/{app_id}" in [a["name"] for a in listed.documents()]


async def test_apps_list_with_an_app_key_shows_only_that_app(
    api: Api, server: Server, tmp_path: Path
) -> None:
    app = await api.new_app(manager=MANAGE)
    await api.new_app()
    listed = ok(
        await clarion("apps", "list", cwd=tmp_path, server=server, key=app.keys["manager"].key)
    )
    assert [a["name"] for a in listed.documents()] == [app.parent]


@pytest.mark.parametrize(
    ("args", "code", "reason"),
    [
        (("apps", "create", "Bad_Id"), "INVALID_ARGUMENT", "INVALID_APP_ID"),
        (("apps", "get", "no-such-app"), "NOT_FOUND", "APP_NOT_FOUND"),
        (("keys", "revoke", "nonsense"), "INVALID_ARGUMENT", "INVALID_NAME"),
    ],
    ids=["bad-app-id", "unknown-app", "bad-key-name"],
)
async def test_failures_print_the_status_and_reason_and_exit_1(
    server: Server, tmp_path: Path, args: tuple[str, ...], code: str, reason: str
) -> None:
    run = await clarion(*args, cwd=tmp_path, server=server, key=server.admin_key)
    assert run.code == 1
    assert run.out == ""
    assert f"{code}:" in run.err
    assert f"reason: {reason}" in run.err


async def test_bad_app_id_names_the_field(server: Server, tmp_path: Path) -> None:
    run = await clarion(
        "apps", "create", "Bad_Id", cwd=tmp_path, server=server, key=server.admin_key
    )
    assert run.code == 1
    assert "app_id:" in run.err


async def test_an_unknown_key_is_unauthenticated(server: Server, tmp_path: Path) -> None:
    run = await clarion("apps", "list", cwd=tmp_path, server=server, key="clk_not-a-real-key")
    assert run.code == 1
    assert "UNAUTHENTICATED:" in run.err and "reason: INVALID_API_KEY" in run.err


async def test_without_any_key_the_cli_says_how_to_give_one(server: Server, tmp_path: Path) -> None:
    run = await clarion("apps", "list", cwd=tmp_path, server=server)
    assert run.code == 1
    assert "no API key" in run.err


async def test_the_key_may_come_from_a_file(api: Api, server: Server, tmp_path: Path) -> None:
    app = await api.new_app(manager=MANAGE)
    key_file = tmp_path / "key"
    key_file.write_text(f"{app.keys['manager'].key}\n")
    listed = ok(
        await clarion("apps", "--api-key-file", str(key_file), "list", cwd=tmp_path, server=server)
    )
    assert [a["name"] for a in listed.documents()] == [app.parent]


# --- keys -----------------------------------------------------------------------------------


async def test_keys_create_prints_the_secret_once_and_revoke_ends_it(
    api: Api, server: Server, tmp_path: Path
) -> None:
    app = await api.new_app()
    admin = {"cwd": tmp_path, "server": server, "key": server.admin_key}

    created = ok(
        await clarion(
            "keys", "create", "--app", app.id, "--scope", "app:manage", "--scope", "push:send",
            "--display-name", "cli key", **admin,
        )
    ).documents()[0]  # fmt: skip

    secret = created["secret"]
    name = created["apiKey"]["name"]
    assert secret.startswith("clk_")
    assert name.startswith(f"{app.parent}/apiKeys/")
    assert created["apiKey"]["scopes"] == ["SCOPE_APP_MANAGE", "SCOPE_PUSH_SEND"]
    new_key = api.as_key(secret)
    await new_key(new_key.admin.GetApp, pb.GetAppRequest(name=app.parent))
    listed = ok(await clarion("keys", "list", "--app", app.id, **admin))
    assert [k["name"] for k in listed.documents()] == [name]
    assert secret[10:] not in listed.out

    revoked = ok(await clarion("keys", "revoke", name, **admin)).documents()[0]

    assert revoked["apiKey"]["name"] == name and "revokeTime" in revoked["apiKey"]
    await expect_error(
        new_key(new_key.admin.GetApp, pb.GetAppRequest(name=app.parent)),
        grpc.StatusCode.UNAUTHENTICATED,
        "INVALID_API_KEY",
    )
    refused = await clarion("apps", "get", app.id, cwd=tmp_path, server=server, key=secret)
    assert refused.code == 1 and "reason: INVALID_API_KEY" in refused.err


async def test_keys_create_refuses_an_unknown_scope_before_calling(
    server: Server, tmp_path: Path
) -> None:
    run = await clarion(
        "keys", "create", "--scope", "everything", cwd=tmp_path, server=server,
        key=server.admin_key,
    )  # fmt: skip
    assert run.code == 2
    assert "everything" in run.err


# --- credentials ----------------------------------------------------------------------------


@pytest.mark.parametrize("via", ["file", "stdin"])
async def test_creds_put_apns_and_list_show_metadata_but_never_the_key(
    api: Api, server: Server, tmp_path: Path, via: str
) -> None:
    app = await api.new_app(manager=MANAGE)
    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    p8 = tmp_path / "AuthKey_ABCDE12345.p8"
    p8.write_text(pem)
    manager = {"cwd": tmp_path, "server": server, "key": app.keys["manager"].key}

    put = ok(
        await clarion(
            "creds", "put-apns", "--app", app.id, "--p8", str(p8) if via == "file" else "-",
            "--key-id", "ABCDE12345", "--team-id", "TEAM123456", "--bundle-id", "com.example.cli",
            "--environment", "sandbox", stdin=pem.encode() if via == "stdin" else None, **manager,
        )
    )  # fmt: skip
    listed = ok(await clarion("creds", "list", "--app", app.id, **manager))

    for run in (put, listed):
        (shown,) = [d.get("credential", d) for d in run.documents()]
        assert shown["name"] == f"{app.parent}/credentials/apns"
        assert shown["keyId"] == "ABCDE12345"
        assert shown["teamId"] == "TEAM123456"
        assert shown["bundleId"] == "com.example.cli"
        assert shown["apnsEnvironment"] == "APNS_ENVIRONMENT_SANDBOX"
        assert len(shown["fingerprint"]) == 32
        for line in pem.splitlines():
            if "-----" not in line:
                assert line not in run.out + run.err


async def test_creds_put_with_bad_material_shows_the_field(
    api: Api, server: Server, tmp_path: Path
) -> None:
    app = await api.new_app()
    p8 = tmp_path / "not-a-key.p8"
    p8.write_text("certainlyNotAKeyButSecretish\n")
    run = await clarion(
        "creds", "put-apns", "--app", app.id, "--p8", str(p8), "--key-id", "ABCDE12345",
        "--team-id", "TEAM123456", "--bundle-id", "com.example.cli",
        cwd=tmp_path, server=server, key=server.admin_key,
    )  # fmt: skip
    assert run.code == 1
    assert "reason: INVALID_CREDENTIAL" in run.err and "apns.p8_key:" in run.err
    assert "certainlyNotAKeyButSecretish" not in run.err


async def test_creds_vapid_key_prints_one_stable_public_key(
    api: Api, server: Server, tmp_path: Path
) -> None:
    app = await api.new_app(manager=MANAGE)
    manager = {"cwd": tmp_path, "server": server, "key": app.keys["manager"].key}

    first = ok(await clarion("creds", "vapid-key", "--app", app.id, **manager)).out.strip()
    second = ok(await clarion("creds", "vapid-key", "--app", app.id, **manager)).out.strip()

    assert first == second
    assert len(base64.urlsafe_b64decode(first + "=" * (-len(first) % 4))) == 65
    served = await api.admin(
        api.admin.creds.GetVapidPublicKey, creds_pb.GetVapidPublicKeyRequest(parent=app.parent)
    )
    assert served.public_key == first


# --- device cleanup -------------------------------------------------------------------------


async def stale_app(api: Api, server: Server, stale: int, fresh: int) -> tuple[TestApp, set[str]]:
    """An app with `stale` devices last seen 60 days ago and `fresh` ones seen now."""
    app = await api.new_app(writer=WRITE)
    old = [await register(app.keys["writer"], app) for _ in range(stale)]
    for _ in range(fresh):
        await register(app.keys["writer"], app)
    # In a thread: a synchronous write on the loop would block the server's own writes (the
    # dispatcher's, a key's last use) mid-transaction on SQLite until the lock times out.
    await asyncio.to_thread(backdate, server, old, 60)
    return app, set(old)


async def test_cleanup_dry_run_counts_and_removes_nothing(
    api: Api, server: Server, tmp_path: Path
) -> None:
    app, _ = await stale_app(api, server, stale=2, fresh=1)
    before = device_ids(server, app.id)

    run = ok(
        await clarion(
            "devices", "cleanup", "--app", app.id, "--older-than", "30d", "--dry-run",
            cwd=tmp_path, server=server, key=server.admin_key,
        )
    )  # fmt: skip

    assert run.out.splitlines() == [
        f"{app.parent}: 2 would be removed",
        "total: 2 would be removed",
    ]
    assert device_ids(server, app.id) == before


async def test_cleanup_of_one_app_removes_its_stale_devices_only(
    api: Api, server: Server, tmp_path: Path
) -> None:
    app, old = await stale_app(api, server, stale=2, fresh=1)
    other, other_old = await stale_app(api, server, stale=1, fresh=0)
    keep = device_ids(server, app.id) - old

    run = ok(
        await clarion(
            "devices", "cleanup", "--app", app.id, "--older-than", "30d",
            cwd=tmp_path, server=server, key=server.admin_key,
        )
    )  # fmt: skip

    assert run.out.splitlines() == [f"{app.parent}: 2 removed", "total: 2 removed"]
    assert device_ids(server, app.id) == keep
    assert device_ids(server, other.id) == other_old


async def test_cleanup_without_app_sweeps_every_app(
    api: Api, server: Server, tmp_path: Path
) -> None:
    first, _ = await stale_app(api, server, stale=2, fresh=1)
    second, _ = await stale_app(api, server, stale=1, fresh=0)
    kept = device_ids(server, first.id)
    backdated_recently, _ = await stale_app(api, server, stale=0, fresh=1)

    run = ok(
        await clarion(
            "devices", "cleanup", "--older-than", "30d",
            cwd=tmp_path, server=server, key=server.admin_key,
        )
    )  # fmt: skip

    lines = run.out.splitlines()
    assert f"{first.parent}: 2 removed" in lines
    assert f"{second.parent}: 1 removed" in lines
    assert f"{backdated_recently.parent}: 0 removed" in lines
    counts = [int(line.rpartition(": ")[2].split()[0]) for line in lines[:-1]]
    assert lines[-1] == f"total: {sum(counts)} removed"
    assert len(device_ids(server, first.id)) == 1 and device_ids(server, first.id) < kept
    assert device_ids(server, second.id) == set()
    assert len(device_ids(server, backdated_recently.id)) == 1


async def test_cleanup_with_an_app_key_sweeps_its_own_app(
    api: Api, server: Server, tmp_path: Path
) -> None:
    app, _ = await stale_app(api, server, stale=1, fresh=0)
    manager = await api.new_key(app.id, [*MANAGE, *WRITE])

    run = ok(
        await clarion(
            "devices", "cleanup", "--older-than", "30d", cwd=tmp_path, server=server, key=manager
        )
    )

    assert run.out.splitlines() == [f"{app.parent}: 1 removed", "total: 1 removed"]
    assert device_ids(server, app.id) == set()


@pytest.mark.parametrize("age", ["30", "30x", "thirty days", "-5d"])
async def test_cleanup_refuses_a_malformed_age(server: Server, tmp_path: Path, age: str) -> None:
    run = await clarion(
        "devices", "cleanup", "--older-than", age, "--dry-run",
        cwd=tmp_path, server=server, key=server.admin_key,
    )  # fmt: skip
    assert run.code == 2
    assert "30d" in run.err  # the message shows the expected form


# --- migrate --------------------------------------------------------------------------------


async def test_migrate_creates_the_schema_and_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    for _ in range(2):
        run = ok(await clarion("migrate", "--database-url", url, cwd=tmp_path))
        assert run.out.strip() == "schema at revision 0003"
    engine = sa.create_engine(url.replace("+aiosqlite", ""))
    try:
        assert set(sa.inspect(engine).get_table_names()) == {
            "alembic_version",
            *schema.metadata.tables,
        }
    finally:
        engine.dispose()
    assert not (tmp_path / ".clarion").exists()  # nothing made where it was not asked for
