"""docs/grpcurl.md's walk-through, run with bash exactly as written, against a live server.

The block is read from the doc itself (the one after its `test_grpcurl_doc.py` marker), so
the doc cannot drift from what works. Only its defaults are overridden: `S` and `KEY` with
the session server's address and admin key, `APP` with an app id of this test's own.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import uuid
from pathlib import Path
from typing import Any

from harness import Server

ROOT = Path(__file__).resolve().parents[2]
MARKER = "tests/integration/test_grpcurl_doc.py runs the next block"


def doc_block() -> str:
    doc = (ROOT / "docs" / "grpcurl.md").read_text()
    found = re.search(re.escape(MARKER) + r".*?\n```sh\n(.*?)\n```", doc, re.DOTALL)
    assert found, "docs/grpcurl.md lost its tested walk-through"
    return found.group(1)


def json_documents(out: str) -> list[Any]:
    """The JSON objects grpcurl printed (each starts with `{` at a line's start), in order."""
    decoder = json.JSONDecoder()
    found = []
    for start in (m.start(1) for m in re.finditer(r"(?:^|\n)(\{)", out)):
        value, _ = decoder.raw_decode(out, start)
        found.append(value)
    return found


async def test_the_grpcurl_walk_through_works_as_written(server: Server, tmp_path: Path) -> None:
    app = f"doc-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "PATH": f"{ROOT / '.tools' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "S": server.address,
        "KEY": server.admin_key,
        "APP": app,
    }
    script = await asyncio.create_subprocess_exec(
        "bash",
        "-eu",
        "-o",
        "pipefail",
        "-c",
        doc_block(),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out_bytes, err = await asyncio.wait_for(script.communicate(), timeout=60)
    out = out_bytes.decode()
    assert script.returncode == 0, f"{out}\n{err.decode()}"

    assert set(re.findall(r"^([\w.]+)$", out, re.MULTILINE)) >= {
        "clarion.v1.CredentialsService",
        "clarion.v1.DeviceRegistryService",
        "clarion.v1.PolicyAdminService",
        "clarion.v1.PushSenderService",
        "grpc.health.v1.Health",
    }
    assert "rpc WatchReceipts ( .clarion.v1.WatchReceiptsRequest )" in out
    assert "string install_id = 2" in out

    health, created, registered, devices, sent, *watched = json_documents(out)
    assert health == {"status": "SERVING"}
    assert created["app"]["name"] == f"apps/{app}"
    device = registered["device"]
    assert registered["created"] is True
    assert device["userId"] == "alice" and device["status"] == "DEVICE_STATUS_ACTIVE"
    assert [d["name"] for d in devices["devices"]] == [device["name"]]
    assert sent["send"].startswith(f"apps/{app}/sends/")
    # No APNs credential: the watch shows the delivery queued, then failing, and why.
    receipts = [w["receipt"] for w in watched]
    assert [r["status"] for r in receipts] == ["DELIVERY_STATUS_QUEUED", "DELIVERY_STATUS_FAILED"]
    assert {(r["send"], r["device"]) for r in receipts} == {(sent["send"], device["name"])}
    assert (receipts[1]["reason"], receipts[1]["providerCode"]) == ("auth_error", "no_credential")
