"""The README's curl quick start, run with bash exactly as written, against `clarion serve`.

The block is read from the doc itself (the one after its `test_gateway_quickstart.py`
marker), so the doc cannot drift from what works. Clarion runs the way the doc says
`scripts/serve` runs it: `clarion serve` in a fresh directory, which writes
`.clarion/admin.key` there; only the ports differ (free ones, so runs never collide), and
the block's `REST` default is overridden with the gateway's address.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import sys
from contextlib import nullcontext
from pathlib import Path

import aiohttp
import pytest

from harness import postgres_url, private_schema

ROOT = Path(__file__).resolve().parents[2]
MARKER = "tests/gateway/test_gateway_quickstart.py runs the next block"


def quickstart_block() -> str:
    """The fenced block that follows the marker in the README."""
    doc = (ROOT / "README.md").read_text()
    found = re.search(re.escape(MARKER) + r".*?\n```sh\n(.*?)\n```", doc, re.DOTALL)
    assert found, "README.md lost its tested curl quick start"
    return found.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def wait_ready(url: str, process: asyncio.subprocess.Process) -> None:
    """Until the gateway answers /healthz with the server SERVING behind it."""
    async with aiohttp.ClientSession() as http:
        for _ in range(150):
            if process.returncode is not None:
                break
            try:
                async with http.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    process.kill()
    output = (await process.communicate())[0].decode()
    raise AssertionError(f"clarion serve did not become ready:\n{output}")


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_the_curl_quick_start_works_as_written(tmp_path: Path, backend: str) -> None:
    rest = f"http://127.0.0.1:{free_port()}"
    args = ["--listen", f"127.0.0.1:{free_port()}", "--http-listen", rest.removeprefix("http://")]
    bin_dir = str(Path(sys.executable).parent)
    # Clarion refuses unknown CLARION_* variables; the test's own must not reach it.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLARION_")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"  # python3 for the `json` helper
    with private_schema(postgres_url()) if backend == "postgres" else nullcontext("") as url:
        if url:
            args += ["--database-url", url]
        serve = await asyncio.create_subprocess_exec(
            str(Path(bin_dir) / "clarion"),
            "serve",
            *args,
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            await wait_ready(rest, serve)
            # -e and pipefail: any command of the block that fails fails the test.
            script = await asyncio.create_subprocess_exec(
                "bash",
                "-eu",
                "-o",
                "pipefail",
                "-c",
                quickstart_block(),
                cwd=tmp_path,
                env={**env, "REST": rest},
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await asyncio.wait_for(script.communicate(), timeout=60)
        finally:
            if serve.returncode is None:
                serve.terminate()
                await asyncio.wait_for(serve.communicate(), timeout=20)

    assert script.returncode == 0, err.decode()
    app, registered, listed, vapid, send, deliveries, *watched = (
        json.loads(line) for line in lines(out)
    )

    assert app["app"]["name"] == "apps/shop"
    device = registered["device"]
    assert registered["created"] is True
    assert device["installId"] == "6c1f4a52-0d3e-4b8a-9f2e-7a5b1c3d9e10"
    assert device["status"] == "DEVICE_STATUS_ACTIVE"
    assert "token" not in device
    assert device["tokenHint"].endswith("f8e7")
    assert [d["name"] for d in listed["devices"]] == [device["name"]]
    assert listed["nextPageToken"] == ""
    assert len(vapid["publicKey"]) == 87  # base64url of a 65-byte P-256 point
    assert send["send"].startswith("apps/shop/sends/")
    [delivery] = deliveries["deliveries"]
    assert delivery["name"] == f"{send['send']}/deliveries/{device['name'].rsplit('/', 1)[1]}"
    # No APNs credential was uploaded: the delivery fails, and says why.
    assert (delivery["status"], delivery["reason"], delivery["providerCode"]) == (
        "DELIVERY_STATUS_FAILED",
        "auth_error",
        "no_credential",
    )
    receipts = [line["result"]["receipt"] for line in watched]
    assert [r["status"] for r in receipts] == ["DELIVERY_STATUS_QUEUED", "DELIVERY_STATUS_FAILED"]
    assert {r["delivery"] for r in receipts} == {delivery["name"]}


def lines(out: bytes) -> list[str]:
    return [line for line in out.decode().splitlines() if line.strip()]
