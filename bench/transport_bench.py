"""Throughput of the shared HTTP/2 transport against a local nginx (a benchmark, not a test).

    .venv/bin/python bench/transport_bench.py [--requests 20000] [--concurrency 256]
                                              [--loop asyncio|uvloop|both]

Starts its own nginx (Debian's `nginx` or `nginx-light` package) on a free loopback port
with a throwaway certificate, TLS + HTTP/2 and `return 200`, sends N POSTs with a small
JSON body through one `Transport` keeping `--concurrency` requests in flight, prints
requests/s, and stops nginx again. Every phase is bounded in time; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from clarion.providers.transport import (
    HttpRequest,
    Transport,
    TransportConfig,
    TransportError,
)
from fakes.tls import make_tls_material

START_TIMEOUT = 10.0
RUN_TIMEOUT = 300.0
BODY = (
    b'{"aps":{"alert":{"title":"Order shipped","body":"Your order #12345 is on its way"},'
    b'"sound":"default","badge":1},"order_id":"12345","kind":"shipment"}'
)


def _nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )
    if found is None:
        sys.exit("nginx not found: apt-get install -y nginx-light (or nginx)")
    return found


def _nginx_version(binary: str) -> tuple[int, ...]:
    out = subprocess.run([binary, "-v"], capture_output=True, text=True, timeout=10, check=False)
    match = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", out.stderr + out.stdout)
    return tuple(int(g) for g in match.groups()) if match else (0, 0, 0)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def nginx(workers: int) -> Iterator[tuple[str, str]]:
    """Run a private nginx; yields (base URL, CA file). Stopped (or killed) on exit."""
    binary = _nginx_binary()
    work = Path(tempfile.mkdtemp(prefix="clarion-bench-nginx-"))
    tls = make_tls_material(work / "tls")
    port = _free_port()
    # nginx 1.25.1 replaced `listen ... http2` with the `http2` directive.
    h2_listen = "" if _nginx_version(binary) >= (1, 25, 1) else " http2"
    h2_directive = "http2 on;" if not h2_listen else ""
    temp_paths = "\n".join(
        f"  {kind}_temp_path {work}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (work / "nginx.conf").write_text(
        f"""
daemon off;
worker_processes {workers};
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
{temp_paths}
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  http2_max_concurrent_streams 128;
  server {{
    listen 127.0.0.1:{port} ssl{h2_listen};
    {h2_directive}
    ssl_certificate {tls.cert_file};
    ssl_certificate_key {tls.key_file};
    location / {{ return 200 "ok"; }}
  }}
}}
"""
    )
    proc = subprocess.Popen(
        [binary, "-p", str(work), "-c", str(work / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                sys.exit(f"nginx exited at start: {err}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if time.monotonic() > deadline:
                sys.exit("nginx did not start listening in time")
            time.sleep(0.05)
        yield f"https://127.0.0.1:{port}", str(tls.ca_file)
    finally:
        proc.send_signal(signal.SIGQUIT)  # graceful: lets workers finish and exit
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        shutil.rmtree(work, ignore_errors=True)


async def _drive(
    transport: Transport, request: HttpRequest, count: int, concurrency: int
) -> tuple[float, list[float], int, int]:
    remaining = count
    latencies: list[float] = []
    errors = 0
    not_ok = 0

    async def worker() -> None:
        nonlocal remaining, errors, not_ok
        while remaining > 0:
            remaining -= 1
            try:
                response = await transport.request(request)
            except TransportError:
                errors += 1
                continue
            if response.status != 200:
                not_ok += 1
            latencies.append(response.elapsed)

    started = time.perf_counter()
    async with asyncio.timeout(RUN_TIMEOUT):
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, errors, not_ok


async def _bench(args: argparse.Namespace, url: str, ca_file: str) -> None:
    config = TransportConfig(
        ca_file=ca_file,
        max_connections_per_host=args.connections,
        max_concurrent_streams=args.streams,
    )
    request = HttpRequest(
        "POST",
        f"{url}/3/device/0123456789abcdef",
        (("content-type", "application/json"), ("apns-topic", "com.example.app")),
        BODY,
    )
    async with Transport(config) as transport:
        await _drive(transport, request, min(2000, args.requests), args.concurrency)  # warm-up
        for run in range(args.runs):
            elapsed, latencies, errors, not_ok = await _drive(
                transport, request, args.requests, args.concurrency
            )
            latencies.sort()
            p50 = statistics.median(latencies) * 1000 if latencies else float("nan")
            p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("nan")
            print(
                f"  run {run + 1}: {args.requests} POSTs in {elapsed:.3f} s = "
                f"{args.requests / elapsed:,.0f} req/s  (p50 {p50:.2f} ms, p99 {p99:.2f} ms, "
                f"errors {errors}, non-200 {not_ok}, connections opened "
                f"{transport.connections_opened})"
            )


def _run(loop_name: str, args: argparse.Namespace, url: str, ca_file: str) -> None:
    print(f"loop={loop_name}")
    if loop_name == "uvloop":
        try:
            import uvloop  # optional: only this run needs it
        except ImportError:
            print("  uvloop not installed; skipped")
            return
        uvloop.run(_bench(args, url, ca_file))
    else:
        asyncio.run(_bench(args, url, ca_file))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--requests", type=int, default=20_000, help="POSTs per run (default 20000)"
    )
    parser.add_argument(
        "--concurrency", type=int, default=256, help="requests in flight (default 256)"
    )
    parser.add_argument("--runs", type=int, default=3, help="measured runs per loop (default 3)")
    parser.add_argument("--loop", choices=("asyncio", "uvloop", "both"), default="both")
    parser.add_argument("--connections", type=int, default=4, help="max connections to nginx")
    parser.add_argument("--streams", type=int, default=128, help="max streams per connection")
    parser.add_argument("--nginx-workers", type=int, default=1)
    args = parser.parse_args()

    import pycurl  # only to print what was measured

    print(pycurl.version)
    print(
        f"{args.requests} POSTs x {args.runs} runs, {len(BODY)}-byte body, concurrency "
        f"{args.concurrency}, <= {args.connections} connections x {args.streams} streams, "
        f"nginx workers {args.nginx_workers}, {os.cpu_count()} CPUs"
    )
    with nginx(args.nginx_workers) as (url, ca_file):
        loops = ("asyncio", "uvloop") if args.loop == "both" else (args.loop,)
        for loop_name in loops:
            _run(loop_name, args, url, ca_file)


if __name__ == "__main__":
    main()
