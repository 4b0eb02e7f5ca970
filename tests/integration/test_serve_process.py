"""`clarion serve` as a real process: first start on nothing, Postgres by URL, a dispatcher
alone, SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from contextlib import nullcontext
from pathlib import Path

import aiohttp
import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from harness import postgres_url, private_schema


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def _start(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> asyncio.subprocess.Process:
    clarion = Path(sys.executable).with_name("clarion")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CLARION_")}
    environment.update(env or {})
    return await asyncio.create_subprocess_exec(
        str(clarion),
        "serve",
        *args,
        cwd=cwd,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def _wait_serving(address: str, process: asyncio.subprocess.Process) -> None:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        for _ in range(100):
            if process.returncode is not None:
                break
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=1)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.aio.AioRpcError:
                await asyncio.sleep(0.1)
    output = (await process.stdout.read()).decode() if process.stdout else ""
    raise AssertionError(f"clarion serve did not become healthy:\n{output}")


async def _stop(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGTERM)
    out, _ = await asyncio.wait_for(process.communicate(), timeout=20)
    return out.decode()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_serve_starts_from_nothing_and_stops_gracefully_on_sigterm(
    tmp_path: Path, backend: str
) -> None:
    port = _free_port()
    args = ["--listen", f"127.0.0.1:{port}", "--no-gateway"]
    with private_schema(postgres_url()) if backend == "postgres" else nullcontext("") as url:
        if url:
            args += ["--database-url", url]
        process = await _start(tmp_path, *args)
        await _wait_serving(f"127.0.0.1:{port}", process)
        log = await _stop(process)

    assert process.returncode == 0, log
    data = tmp_path / ".clarion"
    admin_key = (data / "admin.key").read_text().strip()
    master_key = (data / "master.key").read_text().strip()
    for name in ("admin.key", "master.key"):
        assert (data / name).stat().st_mode & 0o777 == 0o600
    assert (data / "clarion.db").exists() == (backend == "sqlite")
    # The log says where the secrets are, never what they are.
    assert str(Path(".clarion") / "admin.key") in log
    assert "master.key" in log
    assert admin_key not in log
    for line in master_key.splitlines():
        assert line.split(":", 1)[-1] not in log
    assert "password" not in log.lower() or "***" in log
    assert "stopped" in log


async def test_a_second_start_keeps_the_keys_and_the_data(tmp_path: Path) -> None:
    port = _free_port()
    args = ["--listen", f"127.0.0.1:{port}", "--no-gateway"]
    first = await _start(tmp_path, *args)
    await _wait_serving(f"127.0.0.1:{port}", first)
    await _stop(first)
    admin_key = (tmp_path / ".clarion" / "admin.key").read_text()

    second = await _start(tmp_path, *args)
    await _wait_serving(f"127.0.0.1:{port}", second)
    log = await _stop(second)
    assert second.returncode == 0
    assert (tmp_path / ".clarion" / "admin.key").read_text() == admin_key
    assert "master key: loaded" in log
    assert "first admin API key written" not in log


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_a_dispatcher_alone_starts_and_stops_gracefully_on_sigterm(
    tmp_path: Path, backend: str
) -> None:
    metrics = _free_port()
    args = ["--role", "dispatcher", "--metrics-listen", f"127.0.0.1:{metrics}"]
    with private_schema(postgres_url()) if backend == "postgres" else nullcontext("") as url:
        if url:
            args += ["--database-url", url]
        process = await _start(tmp_path, *args)
        await _wait_metrics(f"http://127.0.0.1:{metrics}/metrics", process)
        log = await _stop(process)

    assert process.returncode == 0, log
    assert "dispatcher:" in log  # its workers started
    assert "gRPC listening" not in log  # and it served no API
    assert "stopped" in log


async def _wait_metrics(url: str, process: asyncio.subprocess.Process) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(100):
            if process.returncode is not None:
                break
            try:
                async with http.get(url) as response:
                    if response.status == 200 and "clarion_" in await response.text():
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)
    output = (await process.stdout.read()).decode() if process.stdout else ""
    raise AssertionError(f"clarion serve --role dispatcher did not serve /metrics:\n{output}")


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        ([], {"CLARION_LISTNE": "127.0.0.1:1"}, "unknown environment variable CLARION_LISTNE"),
        (["--listen", "nowhere"], {}, "listen must be host:port"),
        (["--config", "clarion.toml"], {}, "unknown key 'colour'"),
    ],
)
async def test_bad_configuration_stops_before_serving(
    tmp_path: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    (tmp_path / "clarion.toml").write_text('colour = "blue"\n')
    process = await _start(tmp_path, *args, env=env)
    out, _ = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode != 0
    assert message in out.decode()
    assert not (tmp_path / ".clarion").exists()


async def test_the_gateway_runs_alone_in_front_of_a_server(tmp_path: Path) -> None:
    grpc_port, http_port = _free_port(), _free_port()
    server = await _start(tmp_path, "--listen", f"127.0.0.1:{grpc_port}", "--no-gateway")
    await _wait_serving(f"127.0.0.1:{grpc_port}", server)
    clarion = Path(sys.executable).with_name("clarion")
    gateway = await asyncio.create_subprocess_exec(
        str(clarion),
        "gateway",
        "--upstream",
        f"127.0.0.1:{grpc_port}",
        "--listen",
        f"127.0.0.1:{http_port}",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        key = (tmp_path / ".clarion" / "admin.key").read_text().strip()
        async with aiohttp.ClientSession(f"http://127.0.0.1:{http_port}") as http:
            for _ in range(100):
                try:
                    async with http.get("/healthz") as health:
                        if health.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the gateway did not come up")
            headers = {"Authorization": f"Bearer {key}"}
            async with http.post("/v1/apps?appId=alone", json={}, headers=headers) as created:
                assert created.status == 200, await created.text()
            async with http.get("/v1/apps/alone", headers=headers) as fetched:
                assert (await fetched.json())["app"]["name"] == "apps/alone"
    finally:
        gateway.send_signal(signal.SIGTERM)
        await asyncio.wait_for(gateway.communicate(), timeout=20)
        await _stop(server)
    assert gateway.returncode == 0
