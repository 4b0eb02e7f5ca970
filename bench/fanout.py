"""Delivery-engine benchmark: fan-out rate, Send latency under load, server peak RSS.

    .venv/bin/python bench/fanout.py [--db sqlite|postgres|both] [--devices 100000]
                                     [--rate 1000] [--seconds 10] [--rss-devices 1000000]
                                     [--postgres-url URL] [--json] [--setup-only]

Per database it runs a real `clarion serve` subprocess (so the RSS is the server's alone)
against a private nginx that answers every POST with 200 over TLS HTTP/2, standing in for
APNs. It creates an app and its APNs credential over gRPC, seeds the devices straight into
the database the way the server stores them (encrypted token, keyed lookup hash, topic row),
and then measures:

  1. fan-out: one `Send` to a topic with --devices subscribers; deliveries/s from the Send
     being accepted to the last delivery reaching SENT (counted from `WatchReceipts`), and
     the Send call's own latency;
  2. latency: single-device Sends, open loop at --rate per second for --seconds, spread over
     --channels gRPC channels, each Send to another device; p50/p99/max measured from each
     call's scheduled start (so a client that falls behind cannot hide server slowness);
     --latency-trace FILE writes every measured Send as a CSV row (database, seconds since
     the measured phase began, latency in ms), to see when in a run the slow ones came;
  3. RSS: a fresh server process, one Send to a topic with --rss-devices subscribers, run to
     the end; the server's VmHWM from /proc/<pid>/status (children included, if any).

Postgres: --postgres-url, else $CLARION_TEST_POSTGRES_URL, else `scripts/pg-up` is run. Each
run works in a schema of its own (dropped afterwards); SQLite lives in a temporary directory.
Nothing leaves 127.0.0.1. The benchmark never prints a figure it did not measure: if the
engine answers UNIMPLEMENTED, or deliveries fail or stall, it says so and exits non-zero.
--setup-only starts everything, seeds, probes the RPCs and stops before any send, so the
harness can be checked on a server without the delivery engine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import dataclasses
import datetime
import gc
import importlib.metadata
import json
import math
import os
import platform
import re
import resource
import secrets
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import grpc
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from google.protobuf import field_mask_pb2
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status

from clarion import config as clarion_config
from clarion.domain.device_rules import Provider
from clarion.secrets import MasterKeyRing, TokenCipher, token_aad
from clarion.store.ids import new_id
from clarion.store.schema import device_topics, devices
from clarion.v1 import (
    api_key_pb2,
    app_pb2,
    credential_pb2,
    credentials_service_pb2,
    credentials_service_pb2_grpc,
    notification_pb2,
    policy_admin_service_pb2,
    policy_admin_service_pb2_grpc,
    policy_pb2,
    provider_pb2,
    push_sender_service_pb2,
    push_sender_service_pb2_grpc,
    receipt_pb2,
    send_pb2,
)

ROOT: Final = Path(__file__).resolve().parent.parent
# The test CA maker (tests/fakes/tls.py), as bench/transport_bench.py uses it.
sys.path.insert(0, str(ROOT / "tests"))
from fakes.tls import make_tls_material  # noqa: E402

CLARION_BIN: Final = Path(sys.executable).with_name("clarion")

TARGET_DELIVERIES_PER_S: Final = 10_000  # on Postgres
TARGET_P99_MS: Final = 20.0  # at 1,000 sends/s
TARGET_RSS_MB: Final = 500.0  # for a 1,000,000-device fan-out

START_TIMEOUT: Final = 60.0
STOP_TIMEOUT: Final = 30.0
CALL_TIMEOUT: Final = 30.0
# Receipts per WatchReceipts message (max_receipts_per_message): a consumer of a 100,000-
# delivery fan-out asks for batches, as one message per receipt costs both ends far more.
WATCH_BATCH: Final = 500
SEED_CHUNK: Final = 10_000
TOPIC: Final = "bench"
BUNDLE_ID: Final = "com.example.bench"
DAILY_QUOTA: Final = 1_000_000_000_000
NO_SUCH_ID: Final = "00000000000000000000000000"

# Settings the engine adds; without the URL ones deliveries would go to the real APNs.
REQUIRED_SETTINGS: Final = ("apns_production_url", "apns_sandbox_url", "provider_ca_file")
OPTIONAL_SETTINGS: Final = ("fcm_url", "metrics_listen")

DS = send_pb2.DeliveryStatus
FINAL_STATUSES: Final = (
    DS.DELIVERY_STATUS_SENT,
    DS.DELIVERY_STATUS_FAILED,
    DS.DELIVERY_STATUS_INVALID_TOKEN,
    DS.DELIVERY_STATUS_EXPIRED,
    DS.DELIVERY_STATUS_CANCELLED,
    DS.DELIVERY_STATUS_SUPPRESSED,
)


class BenchError(Exception):
    """A phase could not be measured; the message says why. Fatal ones stop every database."""

    def __init__(self, message: str, *, fatal: bool = False) -> None:
        super().__init__(message)
        self.fatal = fatal


def _log(message: str) -> None:
    print(f"[fanout {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _percentile(ordered: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending sequence."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _rpc_code(exc: BaseException) -> Any:
    return exc.code() if isinstance(exc, grpc.aio.AioRpcError) else None


def _rpc_text(exc: grpc.aio.AioRpcError) -> str:
    """Code, message and any google.rpc.BadRequest field violations of a failed call."""
    text = f"{exc.code().name}: {exc.details()}"
    with contextlib.suppress(Exception):  # details are a help, never a second failure
        status = rpc_status.from_call(exc)
        for detail in status.details if status else ():
            if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                text += "".join(f" [{v.field}: {v.description}]" for v in bad.field_violations)
    return text


# --- machine and versions -----------------------------------------------------------------


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _mem_total_gib() -> float:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    return math.nan


def _git_revision() -> str:
    try:
        rev = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{rev}{' (uncommitted changes)' if dirty else ''}"


def _dist_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def machine_info() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu_model": _cpu_model(),
        "memory_gib": round(_mem_total_gib(), 1),
        "kernel": platform.release(),
        "os": _os_name(),
    }


def _os_name() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    return platform.system()


VERSION_KEYS: Final = (
    "clarion", "python", "grpcio", "sqlalchemy", "psycopg", "sqlite", "pycurl", "nginx"
)  # fmt: skip


def versions(nginx_binary: str) -> dict[str, str]:
    import pycurl  # the server's transport; only its version is wanted here

    return {
        "clarion": f"{_dist_version('clarion')} (git {_git_revision()})",
        "python": platform.python_version(),
        "grpcio": grpc.__version__,
        "sqlalchemy": sa.__version__,
        "psycopg": _dist_version("psycopg"),
        "sqlite": sqlite3.sqlite_version,
        "pycurl": str(pycurl.version),
        "nginx": _nginx_version_text(nginx_binary),
    }


# --- the upstream: nginx over TLS HTTP/2 --------------------------------------------------


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        _log("nginx is missing: apt-get install -y nginx")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for attempt in ("install", "update", "install"):
            cmd = (
                ["apt-get", "update", "-qq"]
                if attempt == "update"
                else ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "nginx"]
            )
            ok = subprocess.run(cmd, env=env, timeout=600, check=False).returncode == 0
            if ok and attempt == "install":
                break
        found = shutil.which("nginx") or (
            "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None
        )
    if found is None:
        raise BenchError("nginx not found: apt-get install -y nginx (Debian)", fatal=True)
    return found


def _nginx_version_text(binary: str) -> str:
    out = subprocess.run([binary, "-v"], capture_output=True, text=True, timeout=10, check=False)
    match = re.search(r"nginx/([\d.]+)", out.stderr + out.stdout)
    return match.group(1) if match else "?"


@dataclasses.dataclass(frozen=True, slots=True)
class Upstream:
    url: str
    ca_file: Path
    pid: int
    workers: int


@contextlib.contextmanager
def nginx(binary: str, workers: int, work: Path) -> Iterator[Upstream]:
    """A private nginx answering 200 to everything over TLS HTTP/2; stopped on exit."""
    work.mkdir(parents=True, exist_ok=True)
    tls = make_tls_material(work / "tls")
    port = _free_port()
    version = tuple(int(x) for x in _nginx_version_text(binary).split(".") if x.isdigit())
    # nginx 1.25.1 replaced `listen ... http2` with the `http2` directive.
    modern = version >= (1, 25, 1)
    temp_paths = "\n".join(
        f"  {kind}_temp_path {work}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (work / "nginx.conf").write_text(
        f"""
daemon off;
master_process on;
worker_processes {workers};
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 8192; }}
http {{
  access_log off;
{temp_paths}
  keepalive_requests 1000000000;
  keepalive_timeout 600s;
  http2_max_concurrent_streams 1000;
  server {{
    listen 127.0.0.1:{port} ssl{"" if modern else " http2"};
    {"http2 on;" if modern else ""}
    ssl_certificate {tls.cert_file};
    ssl_certificate_key {tls.key_file};
    location / {{
      add_header apns-id $http_apns_id always;
      return 200 "";
    }}
  }}
}}
"""
    )
    # Unprivileged: as root, nginx runs as nobody, owning only its own directory.
    drop: dict[str, Any] = {}
    if os.geteuid() == 0:
        for path in (work, *work.rglob("*")):
            os.chown(path, 65534, 65534)
        # It must be able to reach its directory through ours (mkdtemp makes it 0700).
        os.chmod(work.parent, work.parent.stat().st_mode | 0o001)
        drop = {"user": 65534, "group": 65534, "extra_groups": []}
    proc = subprocess.Popen(
        [binary, "-p", str(work), "-e", str(work / "error.log"), "-c", str(work / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        **drop,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise BenchError(f"nginx exited at start: {err.strip()}", fatal=True)
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if time.monotonic() > deadline:
                raise BenchError("nginx did not start listening in time", fatal=True)
            time.sleep(0.05)
        yield Upstream(f"https://127.0.0.1:{port}", tls.ca_file, proc.pid, workers)
    finally:
        proc.send_signal(signal.SIGQUIT)  # graceful: workers finish and exit
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def check_upstream(upstream: Upstream) -> str:
    """One POST with curl over HTTP/2, trusting only our CA: proves TLS + h2 + 200."""
    curl = shutil.which("curl")
    if curl is None:
        return "not checked (no curl)"
    out = subprocess.run(
        [
            curl,
            "-sS",
            "--http2",
            "--cacert",
            str(upstream.ca_file),
            "-o",
            "/dev/null",
            "-w",
            "%{http_version} %{http_code}",
            "-H",
            "apns-id: 0f7e6b1e-bench",
            "-X",
            "POST",
            "--data",
            "{}",
            f"{upstream.url}/3/device/{'ab' * 32}",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if out.stdout.strip() != "2 200":
        raise BenchError(
            f"nginx upstream check failed: curl said {out.stdout!r} {out.stderr.strip()!r}",
            fatal=True,
        )
    return "curl --http2 POST: HTTP/2 200"


# --- databases ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Database:
    kind: str
    url: str  # the server's (async driver)
    sync_url: str  # the seeder's
    version: str


def _postgres_url(explicit: str | None) -> str:
    url = explicit or os.environ.get("CLARION_TEST_POSTGRES_URL")
    if url:
        return url
    _log("no --postgres-url or CLARION_TEST_POSTGRES_URL: running scripts/pg-up")
    out = subprocess.run(
        [str(ROOT / "scripts" / "pg-up")], capture_output=True, text=True, timeout=600, check=False
    )
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines:
        raise BenchError(f"scripts/pg-up failed: {out.stderr.strip()[-2000:]}", fatal=True)
    return lines[-1].strip()


@contextlib.contextmanager
def database(kind: str, work: Path, postgres_url: str | None) -> Iterator[Database]:
    """SQLite in `work`, or a private Postgres schema dropped on exit."""
    if kind == "sqlite":
        path = work / "clarion.db"
        yield Database(
            kind, f"sqlite+aiosqlite:///{path}", f"sqlite:///{path}", sqlite3.sqlite_version
        )
        return
    base = _postgres_url(postgres_url)
    schema = f"clarion_bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    try:
        with admin.begin() as conn:
            version = str(conn.execute(sa.text("SHOW server_version")).scalar())
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.SQLAlchemyError as exc:
        admin.dispose()
        raise BenchError(f"cannot create a schema in Postgres: {exc}", fatal=True) from exc
    separator = "&" if "?" in base else "?"
    url = f"{base}{separator}options=-csearch_path%3D{schema}"
    _log(f"postgres {version}: private schema {schema}")
    try:
        yield Database(kind, url, url, version)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
        _log(f"dropped schema {schema}")


# --- the Clarion server process ------------------------------------------------------------


def _proc_status(pid: int) -> dict[str, int]:
    """VmHWM and VmRSS of one process, in kB (empty once it is gone)."""
    values: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0])
    return values


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


@dataclasses.dataclass(frozen=True, slots=True)
class Memory:
    hwm_mb: float  # peak of the server process (sum with its children, if any)
    rss_mb: float
    processes: int


class ClarionServer:
    """`clarion serve` as a child process with CLARION_* settings; its log goes to a file."""

    def __init__(
        self,
        data_dir: Path,
        db: Database,
        upstream: Upstream,
        *,
        log_level: str,
        extra_env: dict[str, str],
        setup_only: bool,
    ) -> None:
        self.data_dir = data_dir
        self.port = _free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.log_file = data_dir.parent / f"server-{self.port}.log"
        self.notes: list[str] = []
        self._proc: asyncio.subprocess.Process | None = None
        known = {f.name for f in dataclasses.fields(clarion_config.Settings)}
        env = {k: v for k, v in os.environ.items() if not k.startswith("CLARION_")}
        settings = {
            "data_dir": str(data_dir),
            "database_url": db.url,
            "listen": self.address,
            "gateway": "false",
            "log_level": log_level,
            "shutdown_grace_seconds": "2",
            "apns_production_url": upstream.url,
            "apns_sandbox_url": upstream.url,
            "fcm_url": upstream.url,
            "provider_ca_file": str(upstream.ca_file),
            "metrics_listen": "",
        }
        missing = [name for name in REQUIRED_SETTINGS if name not in known]
        if missing and not setup_only:
            names = ", ".join(f"CLARION_{n.upper()}" for n in missing)
            raise BenchError(
                f"this Clarion has no setting {names} yet (server/clarion/config.py): without "
                "it deliveries would go to the real APNs, so nothing is sent. "
                "--setup-only checks everything else.",
                fatal=True,
            )
        for name in (*REQUIRED_SETTINGS, *OPTIONAL_SETTINGS):
            if name not in known:
                del settings[name]
                self.notes.append(f"CLARION_{name.upper()} not passed: no such setting yet")
        for key, value in settings.items():
            env[f"CLARION_{key.upper()}"] = value
        env.update(extra_env)
        self.env = env

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    async def start(self) -> float:
        """Start and wait until gRPC health says SERVING (a dispatcher-only process: until
        it has run a second without dying); returns the seconds it took."""
        started = time.perf_counter()
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            self._proc = await asyncio.create_subprocess_exec(
                str(CLARION_BIN),
                "serve",
                cwd=self.data_dir,
                env=self.env,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C reaches the benchmark, which stops it
            )
        if self.env.get("CLARION_ROLE") == "dispatcher":
            await asyncio.sleep(1.0)
            if self._proc.returncode is None:
                return time.perf_counter() - started
        async with grpc.aio.insecure_channel(self.address) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline:
                if self._proc.returncode is not None:
                    break
                with contextlib.suppress(grpc.aio.AioRpcError):
                    reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=1)
                    if reply.status == health_pb2.HealthCheckResponse.SERVING:
                        return time.perf_counter() - started
                await asyncio.sleep(0.1)
        code = self._proc.returncode
        await self.stop()
        raise BenchError(
            f"clarion serve {'exited with ' + str(code) if code is not None else 'timed out'} "
            f"at start:\n{self.log_tail()}",
            fatal=code is not None,  # a refused setting is the same on every database
        )

    @property
    def admin_key(self) -> str:
        return (self.data_dir / "admin.key").read_text().strip()

    def memory(self) -> Memory:
        pids = [self.pid, *_descendants(self.pid)]
        hwm = rss = 0
        for pid in pids:
            status = _proc_status(pid)
            hwm += status.get("VmHWM", 0)
            rss += status.get("VmRSS", 0)
        return Memory(hwm / 1024, rss / 1024, len(pids))

    def alive(self) -> bool:
        return self._proc is not None and self._proc.returncode is None

    async def stop(self) -> None:
        proc = self._proc
        if proc is None or proc.returncode is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)
        except TimeoutError:
            _log(f"clarion serve (pid {proc.pid}) ignored SIGTERM for {STOP_TIMEOUT:.0f} s: kill")
            proc.kill()
            await proc.wait()

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"


# --- gRPC helpers ---------------------------------------------------------------------------


class Api:
    """Stubs on one channel with one key."""

    def __init__(self, channel: Any, key: str) -> None:
        self.metadata = (("authorization", f"Bearer {key}"),)
        self.admin = policy_admin_service_pb2_grpc.PolicyAdminServiceStub(channel)
        self.creds = credentials_service_pb2_grpc.CredentialsServiceStub(channel)
        self.push = push_sender_service_pb2_grpc.PushSenderServiceStub(channel)


@dataclasses.dataclass
class BenchApp:
    id: str
    key: str  # push:send + receipts:read
    policy_note: str

    @property
    def parent(self) -> str:
        return f"apps/{self.id}"


def _p8_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


async def create_app(admin: Api, app_id: str) -> BenchApp:
    """The app, its APNs credential, a raised daily quota, and a push:send key."""
    md, t = admin.metadata, CALL_TIMEOUT
    await admin.admin.CreateApp(
        policy_admin_service_pb2.CreateAppRequest(
            app_id=app_id, app=app_pb2.App(display_name="fan-out benchmark")
        ),
        metadata=md,
        timeout=t,
    )
    await admin.creds.PutCredential(
        credentials_service_pb2.PutCredentialRequest(
            parent=f"apps/{app_id}",
            apns=credential_pb2.ApnsTokenKey(
                p8_key=_p8_key(),
                key_id="BENCH12345",
                team_id="TEAM123456",
                bundle_id=BUNDLE_ID,
                default_environment=provider_pb2.APNS_ENVIRONMENT_PRODUCTION,
            ),
        ),
        metadata=md,
        timeout=t,
    )
    # The default daily quota (10,000 deliveries) would refuse the fan-out.
    try:
        await admin.admin.UpdateAppPolicy(
            policy_admin_service_pb2.UpdateAppPolicyRequest(
                policy=policy_pb2.AppPolicy(name=f"apps/{app_id}/policy", daily_quota=DAILY_QUOTA),
                update_mask=field_mask_pb2.FieldMask(paths=["daily_quota"]),
            ),
            metadata=md,
            timeout=t,
        )
        policy_note = f"daily_quota set to {DAILY_QUOTA:,}"
    except grpc.aio.AioRpcError as exc:
        if exc.code() != grpc.StatusCode.UNIMPLEMENTED:
            raise
        policy_note = "UpdateAppPolicy UNIMPLEMENTED: daily quota left at the default"
    created = await admin.admin.CreateApiKey(
        policy_admin_service_pb2.CreateApiKeyRequest(
            parent=f"apps/{app_id}",
            api_key=api_key_pb2.ApiKey(
                display_name="bench sender",
                scopes=[api_key_pb2.SCOPE_PUSH_SEND, api_key_pb2.SCOPE_RECEIPTS_READ],
            ),
        ),
        metadata=md,
        timeout=t,
    )
    return BenchApp(app_id, created.secret, policy_note)


def _notification(title: str) -> notification_pb2.Notification:
    return notification_pb2.Notification(
        title=title,
        body="Your order #12345 is on its way",
        sound="default",
        data={"order_id": "12345", "kind": "shipment"},
    )


async def probe(api: Api, app: BenchApp) -> dict[str, str]:
    """Is each RPC the benchmark needs implemented? 'ok' or the error."""
    out: dict[str, str] = {}
    md = api.metadata
    try:
        await api.push.Send(
            push_sender_service_pb2.SendRequest(
                parent=app.parent,
                target=send_pb2.Target(device_id=NO_SUCH_ID),
                notification=_notification("probe"),
            ),
            metadata=md,
            timeout=CALL_TIMEOUT,
        )
        out["Send"] = "ok"
    except grpc.aio.AioRpcError as exc:
        # A Send to a device that does not exist may well be refused: only "not there" counts.
        out["Send"] = "ok" if exc.code() != grpc.StatusCode.UNIMPLEMENTED else _rpc_text(exc)
    try:
        await api.push.GetSend(
            push_sender_service_pb2.GetSendRequest(name=f"{app.parent}/sends/{NO_SUCH_ID}"),
            metadata=md,
            timeout=CALL_TIMEOUT,
        )
        out["GetSend"] = "ok"
    except grpc.aio.AioRpcError as exc:
        out["GetSend"] = "ok" if exc.code() != grpc.StatusCode.UNIMPLEMENTED else _rpc_text(exc)
    call = api.push.WatchReceipts(
        push_sender_service_pb2.WatchReceiptsRequest(
            parent=app.parent, start=receipt_pb2.START_POSITION_NOW
        ),
        metadata=md,
    )
    try:
        async with asyncio.timeout(1.0):
            await call.read()
        out["WatchReceipts"] = "ok"
    except TimeoutError:
        out["WatchReceipts"] = "ok"  # open, and nothing to say yet
    except grpc.aio.AioRpcError as exc:
        out["WatchReceipts"] = (
            "ok" if exc.code() != grpc.StatusCode.UNIMPLEMENTED else _rpc_text(exc)
        )
    finally:
        call.cancel()
    return out


# --- seeding --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Seeded:
    device_ids: list[str]
    seconds: float

    @property
    def per_second(self) -> float:
        return len(self.device_ids) / self.seconds if self.seconds else math.nan


def _user_id(n: int) -> str:
    """Seeded device n belongs to a user of its own, so a Send to it reaches one device."""
    return f"user-{n:08d}"


def seed_devices(
    sync_url: str, master_key: Path, app_id: str, count: int, *, analyze: bool
) -> Seeded:
    """Insert `count` ACTIVE APNs devices subscribed to TOPIC, as RegisterDevice stores them.

    Each token is 64 random hex characters (lowercase, as registration normalises them),
    sealed with TokenCipher under the server's master key with the registration's associated
    data, and looked up by the same keyed hash; one device_topics row each.
    """
    cipher = TokenCipher(MasterKeyRing.from_file(master_key))
    aad = token_aad(app_id, str(Provider.APNS))
    provider = str(Provider.APNS)
    engine = sa.create_engine(sync_url)
    ids: list[str] = []
    started = time.perf_counter()
    try:
        for first in range(0, count, SEED_CHUNK):
            now = datetime.datetime.now(datetime.UTC)
            rows: list[dict[str, Any]] = []
            topic_rows: list[dict[str, Any]] = []
            for n in range(first, min(count, first + SEED_CHUNK)):
                token = secrets.token_hex(32)
                device_id = new_id()
                ids.append(device_id)
                rows.append(
                    {
                        "id": device_id,
                        "app_id": app_id,
                        "install_id": None,
                        "user_id": _user_id(n),
                        "provider": provider,
                        "platform": "ios",
                        "token_hash": cipher.lookup_hash(app_id, provider, token),
                        "token_ciphertext": cipher.encrypt(token, aad),
                        "token_hint": "…" + token[-6:],
                        "apns_environment": "production",
                        "locale": "en-US",
                        "time_zone": "",
                        "app_version": "1.0",
                        "os_version": "18.0",
                        "device_model": "iPhone",
                        "category_preferences": {},
                        "quiet_start_minute": None,
                        "quiet_end_minute": None,
                        "status": "active",
                        "status_reason": "",
                        "created_at": now,
                        "updated_at": now,
                        "last_seen_at": now,
                    }
                )
                topic_rows.append({"device_id": device_id, "app_id": app_id, "topic": TOPIC})
            with engine.begin() as conn:
                conn.execute(sa.insert(devices), rows)
                conn.execute(sa.insert(device_topics), topic_rows)
        if analyze and engine.dialect.name == "postgresql":
            # Autovacuum would do this soon after a bulk load; doing it now keeps the planner
            # from judging a million-row table by an empty one's statistics.
            with engine.begin() as conn:
                conn.execute(sa.text("ANALYZE devices"))
                conn.execute(sa.text("ANALYZE device_topics"))
    finally:
        engine.dispose()
    return Seeded(ids, time.perf_counter() - started)


# --- measurements ---------------------------------------------------------------------------


@dataclasses.dataclass
class FanoutResult:
    devices: int
    send_latency_ms: float
    accepted_to_last_sent_s: float
    called_to_last_sent_s: float
    deliveries_per_s: float  # from Send accepted
    deliveries_per_s_end_to_end: float  # from Send called
    server_span_s: float | None  # last SENT receipt time - send create_time (server clock)
    sent: int
    completion: str
    client_cpu_s: float


def _ts_seconds(ts: Any) -> float:
    return float(ts.seconds) + float(ts.nanos) / 1e9


def _client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _get_send(api: Api, name: str) -> Any:
    reply = await api.push.GetSend(
        push_sender_service_pb2.GetSendRequest(name=name),
        metadata=api.metadata,
        timeout=CALL_TIMEOUT,
    )
    return reply.send


async def _counts_text(api: Api, name: str) -> str:
    try:
        send = await _get_send(api, name)
    except grpc.aio.AioRpcError as exc:
        return f"(GetSend failed: {_rpc_text(exc)})"
    c = send.counts
    return (
        f"GetSend counts: total {c.total}, pending {c.pending}, sent {c.sent}, failed "
        f"{c.failed}, suppressed {c.suppressed}, cancelled/expired {c.cancelled_or_expired}"
    )


class _Progress:
    def __init__(self, label: str, expected: int) -> None:
        self.label = label
        self.expected = expected
        self.started = time.perf_counter()
        self.last = self.started

    def tick(self, done: int) -> None:
        now = time.perf_counter()
        if now - self.last >= 5.0:
            self.last = now
            rate = done / (now - self.started)
            _log(f"{self.label}: {done:,}/{self.expected:,} final ({rate:,.0f}/s)")


async def _watch_until_done(
    api: Api, app: BenchApp, send_name: str, expected: int, stall: float, label: str
) -> tuple[float, float | None, int]:
    """Count distinct deliveries reaching a final status from WatchReceipts.

    Returns (client time of the last one, server time of the last SENT, SENT count). Any
    final status other than SENT fails the phase; so does a stream silent for `stall` s.
    """
    sent: set[str] = set()
    other: dict[str, tuple[str, str]] = {}
    last_cursor = 0
    last_sent_server: float | None = None
    finished_at = time.perf_counter()
    progress = _Progress(label, expected)
    reconnects = 0
    while len(sent) + len(other) < expected:
        request = push_sender_service_pb2.WatchReceiptsRequest(
            parent=app.parent,
            send=send_name,
            statuses=list(FINAL_STATUSES),
            after_cursor=last_cursor,
            start=receipt_pb2.START_POSITION_EARLIEST,
            max_receipts_per_message=WATCH_BATCH,
        )
        call = api.push.WatchReceipts(request, metadata=api.metadata)
        try:
            while len(sent) + len(other) < expected:
                try:
                    async with asyncio.timeout(stall):
                        message = await call.read()
                except TimeoutError:
                    raise BenchError(
                        f"{label}: no receipt for {stall:.0f} s after {len(sent):,} SENT of "
                        f"{expected:,}; {await _counts_text(api, send_name)}"
                    ) from None
                if message is grpc.aio.EOF:
                    break
                for receipt in message.receipts:
                    last_cursor = max(last_cursor, receipt.cursor)
                    delivery = receipt.delivery.rsplit("/", 1)[-1] or receipt.device
                    if receipt.status == DS.DELIVERY_STATUS_SENT:
                        if delivery not in sent:
                            sent.add(delivery)
                            finished_at = time.perf_counter()
                            last_sent_server = max(
                                last_sent_server or 0.0, _ts_seconds(receipt.time)
                            )
                    elif delivery not in sent:
                        other[delivery] = (DS.Name(receipt.status), receipt.reason)
                        finished_at = time.perf_counter()
                progress.tick(len(sent) + len(other))
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.UNIMPLEMENTED:
                raise BenchError(f"WatchReceipts: {_rpc_text(exc)}", fatal=True) from exc
            reconnects += 1
            if reconnects > 3:
                raise BenchError(f"{label}: WatchReceipts failed: {_rpc_text(exc)}") from exc
            _log(f"{label}: WatchReceipts ended ({_rpc_text(exc)}); resuming after cursor")
        finally:
            call.cancel()
    if other:
        kinds = Counter(other.values()).most_common(5)
        raise BenchError(
            f"{label}: {len(other):,} of {expected:,} deliveries did not reach SENT: "
            + ", ".join(f"{status}({reason}) x{n}" for (status, reason), n in kinds)
        )
    return finished_at, last_sent_server, len(sent)


async def _poll_until_done(
    api: Api, send_name: str, expected: int, stall: float, label: str
) -> tuple[float, float | None, int]:
    """GetSend every 100 ms until nothing is pending; the end is the send's complete_time."""
    progress = _Progress(label, expected)
    last_change = time.perf_counter()
    last_done = -1
    while True:
        send = await _get_send(api, send_name)
        c = send.counts
        done = c.total - c.pending
        if done != last_done:
            last_done, last_change = done, time.perf_counter()
        if c.total and c.pending == 0:
            finished = time.perf_counter()
            if c.sent != expected:
                raise BenchError(f"{label}: not all deliveries reached SENT; {c}".strip())
            server_end = _ts_seconds(send.complete_time) if send.HasField("complete_time") else None
            if server_end is not None:
                # Convert the server's wall-clock end to this process's perf_counter scale.
                finished = time.perf_counter() - (time.time() - server_end)
            return finished, server_end, int(c.sent)
        if time.perf_counter() - last_change > stall:
            raise BenchError(f"{label}: no progress for {stall:.0f} s; {c}".strip())
        progress.tick(done)
        await asyncio.sleep(0.1)


async def run_fanout(
    api: Api, app: BenchApp, expected: int, *, completion: str, stall: float, label: str
) -> FanoutResult:
    """One Send to TOPIC; time it, then wait for every delivery to be SENT."""
    cpu0 = _client_cpu()
    called = time.perf_counter()
    try:
        reply = await api.push.Send(
            push_sender_service_pb2.SendRequest(
                parent=app.parent,
                target=send_pb2.Target(topic=TOPIC),
                notification=_notification("Fan-out benchmark"),
            ),
            metadata=api.metadata,
            timeout=max(300.0, expected / 1000),
        )
    except grpc.aio.AioRpcError as exc:
        fatal = exc.code() == grpc.StatusCode.UNIMPLEMENTED
        hint = ""
        if exc.code() == grpc.StatusCode.RESOURCE_EXHAUSTED:
            hint = f" ({app.policy_note})"
        raise BenchError(f"{label}: Send failed: {_rpc_text(exc)}{hint}", fatal=fatal) from exc
    accepted = time.perf_counter()
    send = reply.send
    if send.counts.total not in (0, expected):
        raise BenchError(
            f"{label}: the Send made {send.counts.total:,} deliveries, expected {expected:,}"
        )
    _log(f"{label}: Send accepted in {(accepted - called) * 1000:,.1f} ms ({send.name})")
    if completion == "watch":
        finished, last_server, sent = await _watch_until_done(
            api, app, send.name, expected, stall, label
        )
    else:
        finished, last_server, sent = await _poll_until_done(api, send.name, expected, stall, label)
    span = None
    if last_server is not None and send.HasField("create_time"):
        span = last_server - _ts_seconds(send.create_time)
    accepted_span = max(finished - accepted, 1e-9)
    called_span = max(finished - called, 1e-9)
    return FanoutResult(
        devices=expected,
        send_latency_ms=(accepted - called) * 1000,
        accepted_to_last_sent_s=accepted_span,
        called_to_last_sent_s=called_span,
        deliveries_per_s=expected / accepted_span,
        deliveries_per_s_end_to_end=expected / called_span,
        server_span_s=span,
        sent=sent,
        completion=completion,
        client_cpu_s=_client_cpu() - cpu0,
    )


@dataclasses.dataclass
class LatencyResult:
    rate: float
    seconds: float
    channels: int
    measured: int
    achieved_rate: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    p99_from_issue_ms: float
    max_issue_lag_ms: float
    errors: dict[str, int]
    error_samples: dict[str, str]
    distinct_devices: int
    # (seconds from the measured phase's start to the scheduled start, latency in seconds)
    trace: list[tuple[float, float]] = dataclasses.field(default_factory=list, repr=False)


Call = Callable[[Any, int], Awaitable[Any]]  # (channel, index) -> the RPC


async def _open_loop(
    address: str, *, rate: float, seconds: float, warmup: float, channel_count: int, call: Call
) -> LatencyResult:
    """Call i starts at t0 + i/rate whatever the earlier ones are doing (open loop).

    Latency runs from the scheduled start, so a client that falls behind cannot hide a slow
    server. Garbage collection is paused meanwhile: a collector pause in this process would
    show up as server latency.
    """
    warm = int(rate * warmup)
    total = warm + int(rate * seconds)
    # A local subchannel pool per channel: separate HTTP/2 connections, not one shared.
    channels = [
        grpc.aio.insecure_channel(address, options=[("grpc.use_local_subchannel_pool", 1)])
        for _ in range(channel_count)
    ]
    loop = asyncio.get_running_loop()
    from_schedule: list[float] = []
    from_issue: list[float] = []
    trace: list[tuple[float, float]] = []
    lags: list[float] = []
    errors: Counter[str] = Counter()
    samples: dict[str, str] = {}
    unimplemented: list[str] = []

    async def one(i: int, scheduled: float) -> None:
        issued = loop.time()
        try:
            await call(channels[i % channel_count], i)
        except grpc.aio.AioRpcError as exc:
            errors[exc.code().name] += 1
            samples.setdefault(exc.code().name, _rpc_text(exc))
            if exc.code() == grpc.StatusCode.UNIMPLEMENTED:
                unimplemented.append(_rpc_text(exc))
            return
        done = loop.time()
        if i >= warm:
            from_schedule.append(done - scheduled)
            trace.append((scheduled - measured_from, done - scheduled))
            from_issue.append(done - issued)
            lags.append(issued - scheduled)

    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        for channel in channels:
            await channel.channel_ready()
        tasks: set[asyncio.Task[None]] = set()
        t0 = loop.time() + 0.05
        measured_from = t0 + warm / rate
        for i in range(total):
            scheduled = t0 + i / rate
            delay = scheduled - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if unimplemented:
                break
            task = asyncio.create_task(one(i, scheduled))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.gather(*tasks)
        elapsed = loop.time() - (t0 + warm / rate)
    finally:
        gc.enable()
        gc.unfreeze()
        for channel in channels:
            await channel.close()
    if unimplemented:
        raise BenchError(f"latency: {unimplemented[0]}", fatal=True)
    from_schedule.sort()
    from_issue.sort()
    return LatencyResult(
        rate=rate,
        seconds=seconds,
        channels=channel_count,
        measured=len(from_schedule),
        achieved_rate=len(from_schedule) / elapsed if elapsed > 0 else math.nan,
        p50_ms=_percentile(from_schedule, 0.50) * 1000,
        p90_ms=_percentile(from_schedule, 0.90) * 1000,
        p99_ms=_percentile(from_schedule, 0.99) * 1000,
        max_ms=(from_schedule[-1] * 1000) if from_schedule else math.nan,
        p99_from_issue_ms=_percentile(from_issue, 0.99) * 1000,
        max_issue_lag_ms=max(lags, default=math.nan) * 1000,
        errors=dict(errors),
        error_samples=samples,
        distinct_devices=total,
        trace=trace,
    )


async def run_latency(
    address: str,
    app: BenchApp,
    device_ids: Sequence[str],
    *,
    target: str,
    rate: float,
    seconds: float,
    warmup: float,
    channel_count: int,
) -> LatencyResult:
    """Single-device Sends, open loop, each to another device while there are enough."""
    total = int(rate * warmup) + int(rate * seconds)
    metadata = (("authorization", f"Bearer {app.key}"),)
    note = _notification("Latency benchmark")
    requests = [
        push_sender_service_pb2.SendRequest(
            parent=app.parent,
            target=(
                send_pb2.Target(device_id=device_ids[i % len(device_ids)])
                if target == "device"
                else send_pb2.Target(user_id=_user_id(i % len(device_ids)))
            ),
            notification=note,
        )
        for i in range(total)
    ]
    stubs: dict[int, Any] = {}

    async def send(channel: Any, i: int) -> Any:
        stub = stubs.get(id(channel))
        if stub is None:
            stub = stubs[id(channel)] = push_sender_service_pb2_grpc.PushSenderServiceStub(channel)
        return await stub.Send(requests[i], metadata=metadata, timeout=10)

    result = await _open_loop(
        address, rate=rate, seconds=seconds, warmup=warmup, channel_count=channel_count, call=send
    )
    result.distinct_devices = min(total, len(device_ids))
    return result


async def run_floor(
    address: str, *, rate: float, seconds: float, warmup: float, channel_count: int
) -> LatencyResult:
    """The same load shape on grpc.health.v1.Health/Check: no auth, no database.

    What this measures is the floor under every Send figure on this machine: the Python
    gRPC server and this client sharing the CPUs. Send p99 minus this is Clarion's part.
    """
    request = health_pb2.HealthCheckRequest()
    stubs: dict[int, Any] = {}

    async def check(channel: Any, i: int) -> Any:
        stub = stubs.get(id(channel))
        if stub is None:
            stub = stubs[id(channel)] = health_pb2_grpc.HealthStub(channel)
        return await stub.Check(request, timeout=10)

    return await _open_loop(
        address, rate=rate, seconds=seconds, warmup=warmup, channel_count=channel_count, call=check
    )


@dataclasses.dataclass
class RssResult:
    devices: int
    baseline_mb: float  # VmHWM after start-up and set-up, before the Send
    peak_mb: float  # VmHWM after the fan-out completed
    sampled_peak_rss_mb: float  # highest VmRSS seen by 100 ms sampling
    processes: int
    fanout: FanoutResult | None


@contextlib.asynccontextmanager
async def rss_sampler(server: ClarionServer) -> AsyncIterator[list[float]]:
    peaks: list[float] = [0.0]

    async def sample() -> None:
        while server.alive():
            peaks[0] = max(peaks[0], server.memory().rss_mb)
            await asyncio.sleep(0.1)

    task = asyncio.create_task(sample())
    try:
        yield peaks
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


# --- one database ---------------------------------------------------------------------------


@dataclasses.dataclass
class DbReport:
    kind: str
    version: str = ""
    server_start_s: float | None = None
    server_notes: list[str] = dataclasses.field(default_factory=list)
    policy_note: str = ""
    probes: dict[str, str] = dataclasses.field(default_factory=dict)
    seed_fanout: Seeded | None = None
    seed_rss: Seeded | None = None
    fanout: FanoutResult | None = None
    latency: LatencyResult | None = None
    floor: LatencyResult | None = None
    server_hwm_after_phases_mb: float | None = None
    rss: RssResult | None = None
    errors: list[str] = dataclasses.field(default_factory=list)


async def _admin_api(server: ClarionServer) -> tuple[Any, Api]:
    channel = grpc.aio.insecure_channel(server.address)
    return channel, Api(channel, server.admin_key)


async def run_database(
    report: DbReport, args: argparse.Namespace, upstream: Upstream, work: Path
) -> None:
    """Fill `report` for one database; raises BenchError when the run cannot go on."""
    kind = report.kind
    db_work = work / kind
    db_work.mkdir(parents=True)
    data_dir = db_work / "data"
    master_key = data_dir / "master.key"  # made by the server at its first start
    with database(kind, db_work, args.postgres_url) as db:
        report.version = db.version

        def new_server() -> ClarionServer:
            return ClarionServer(
                data_dir,
                db,
                upstream,
                log_level=args.server_log_level,
                extra_env=dict(args.server_env),
                setup_only=args.setup_only,
            )

        def split_server(role: str) -> ClarionServer:
            env = dict(args.server_env)
            env["CLARION_ROLE"] = role
            return ClarionServer(
                data_dir,
                db,
                upstream,
                log_level=args.server_log_level,
                extra_env=env,
                setup_only=args.setup_only,
            )

        # --dispatchers N: the fan-out and latency phases run against an `--role api`
        # process with N `--role dispatcher` processes beside it (the RSS phase does not).
        server = split_server("api") if args.dispatchers else new_server()
        report.server_notes = server.notes
        report.server_start_s = await server.start()
        _log(f"{kind}: clarion serve pid {server.pid} on {server.address} ({server.log_file})")
        dispatchers = [split_server("dispatcher") for _ in range(args.dispatchers)]
        for dispatcher in dispatchers:
            await dispatcher.start()
            _log(f"{kind}: clarion serve --role dispatcher pid {dispatcher.pid}")
        fan_app = rss_app = None
        try:
            channel, admin = await _admin_api(server)
            async with channel:
                fan_app = await create_app(admin, "bench-fanout")
                report.policy_note = fan_app.policy_note
                if args.rss_devices:
                    rss_app = await create_app(admin, "bench-rss")
                report.probes = await probe(
                    Api(channel, fan_app.key), fan_app
                )  # before seeding: an engine that is not there fails in seconds
                missing = {k: v for k, v in report.probes.items() if v != "ok"}
                needed = {"Send", "WatchReceipts" if args.completion == "watch" else "GetSend"}
                if missing.keys() & needed and not args.setup_only:
                    raise BenchError(
                        "the delivery engine is not there yet: "
                        + "; ".join(f"{k} answered {v}" for k, v in missing.items())
                        + ". No figures were measured.",
                        fatal=True,
                    )
                _log(f"{kind}: seeding {args.devices:,} devices")
                report.seed_fanout = await asyncio.to_thread(
                    seed_devices, db.sync_url, master_key, fan_app.id, args.devices, analyze=True
                )
                _log(f"{kind}: seeded at {report.seed_fanout.per_second:,.0f} devices/s")
                if args.setup_only:
                    report.server_hwm_after_phases_mb = server.memory().hwm_mb
                    return
                api = Api(channel, fan_app.key)
                try:
                    report.fanout = await run_fanout(
                        api,
                        fan_app,
                        args.devices,
                        completion=args.completion,
                        stall=args.stall_timeout,
                        label=f"{kind} fan-out {args.devices:,}",
                    )
                except BenchError as exc:
                    if exc.fatal:
                        raise
                    report.errors.append(str(exc))
                if args.rate > 0 and args.seconds > 0 and args.floor:
                    _log(f"{kind}: {args.rate:,.0f} Health/Check calls/s for {args.seconds:g} s")
                    report.floor = await run_floor(
                        server.address,
                        rate=args.rate,
                        seconds=args.seconds,
                        warmup=args.warmup,
                        channel_count=args.channels,
                    )
                if args.rate > 0 and args.seconds > 0:
                    _log(f"{kind}: {args.rate:,.0f} Sends/s for {args.seconds:g} s")
                    report.latency = await run_latency(
                        server.address,
                        fan_app,
                        report.seed_fanout.device_ids,
                        target=args.latency_target,
                        rate=args.rate,
                        seconds=args.seconds,
                        warmup=args.warmup,
                        channel_count=args.channels,
                    )
                    if report.latency.errors:
                        report.errors.append(
                            f"latency: failed Sends {report.latency.errors}, e.g. "
                            + "; ".join(report.latency.error_samples.values())
                        )
                report.server_hwm_after_phases_mb = server.memory().hwm_mb
        finally:
            for dispatcher in dispatchers:
                await dispatcher.stop()
            await server.stop()
        if rss_app is None:
            return
        # Seeded only now: a million-row insert leaves Postgres autovacuum and checkpoint
        # work behind, which would otherwise run through the fan-out and latency phases.
        _log(f"{kind}: seeding {args.rss_devices:,} devices for the RSS run")
        report.seed_rss = await asyncio.to_thread(
            seed_devices,
            db.sync_url,
            master_key,
            rss_app.id,
            args.rss_devices,
            analyze=True,
        )
        _log(f"{kind}: seeded at {report.seed_rss.per_second:,.0f} devices/s")
        # A fresh process, so its high-water mark belongs to this fan-out alone.
        server = new_server()
        await server.start()
        try:
            async with grpc.aio.insecure_channel(server.address) as channel:
                api = Api(channel, rss_app.key)
                await probe(api, rss_app)  # warms the channel and the key cache
                baseline = server.memory().hwm_mb
                async with rss_sampler(server) as sampled:
                    fanout: FanoutResult | None = None
                    try:
                        fanout = await run_fanout(
                            api,
                            rss_app,
                            args.rss_devices,
                            completion=args.completion,
                            stall=args.stall_timeout,
                            label=f"{kind} RSS fan-out {args.rss_devices:,}",
                        )
                    except BenchError as exc:
                        if exc.fatal:
                            raise
                        report.errors.append(str(exc))
                memory = server.memory()
                if fanout is not None:
                    report.rss = RssResult(
                        args.rss_devices,
                        baseline,
                        memory.hwm_mb,
                        sampled[0],
                        memory.processes,
                        fanout,
                    )
        finally:
            await server.stop()


# --- report ---------------------------------------------------------------------------------


def _fmt(value: float | None, spec: str = ",.0f", unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:{spec}}{unit}"


def _cells(reports: list[DbReport], get: Any, spec: str = ",.0f", unit: str = "") -> list[str]:
    out = []
    for r in reports:
        try:
            value = get(r)
        except AttributeError:  # a phase that did not run
            value = None
        out.append(_fmt(value, spec, unit))
    return out


def _seeded_cell(seeded: Seeded | None) -> str:
    return "-" if seeded is None else f"{seeded.per_second:,.0f}/s ({seeded.seconds:.1f} s)"


def _probe_cell(r: DbReport) -> str:
    names = ("Send", "GetSend", "WatchReceipts")
    return " / ".join(
        "-" if k not in r.probes else ("ok" if r.probes[k] == "ok" else "UNIMPL") for k in names
    )


def _rows(args: argparse.Namespace, reports: list[DbReport]) -> list[tuple[str, list[str], str]]:
    rows: list[tuple[str, list[str], str]] = []

    def add(label: str, cells: list[str], target: str = "") -> None:
        rows.append((label, cells, target))

    add(
        "server start (migrations included)",
        _cells(reports, lambda r: r.server_start_s, ".2f", " s"),
    )
    add(
        f"seed {args.devices:,} devices (SQL insert)",
        [_seeded_cell(r.seed_fanout) for r in reports],
    )
    if args.rss_devices:
        add(f"seed {args.rss_devices:,} devices", [_seeded_cell(r.seed_rss) for r in reports])
    add("Send / GetSend / WatchReceipts", [_probe_cell(r) for r in reports])
    if args.setup_only:
        add(
            "server VmHWM after set-up",
            _cells(reports, lambda r: r.server_hwm_after_phases_mb, ",.0f", " MB"),
        )
        return rows

    fan = f"fan-out to {args.devices:,}"
    add(f"{fan}: Send call", _cells(reports, lambda r: r.fanout.send_latency_ms, ",.1f", " ms"))
    cells = []
    for r in reports:
        ok = None
        # The target is for Postgres at 100,000 devices; smaller runs are latency-bound.
        if r.fanout is not None and r.kind == "postgres" and args.devices >= 100_000:
            ok = r.fanout.deliveries_per_s >= TARGET_DELIVERIES_PER_S
        cells.append(
            _with_verdict(_cells([r], lambda r: r.fanout.deliveries_per_s, ",.0f", "/s")[0], ok)
        )
    add(
        f"{fan}: deliveries/s, accepted->last SENT",
        cells,
        f">= {TARGET_DELIVERIES_PER_S:,}/s on postgres",
    )
    add(
        "  seconds, accepted->last SENT",
        _cells(reports, lambda r: r.fanout.accepted_to_last_sent_s, ",.2f", " s"),
    )
    add(
        "  deliveries/s, Send called->last SENT",
        _cells(reports, lambda r: r.fanout.deliveries_per_s_end_to_end, ",.0f", "/s"),
    )
    add(
        "  server clock, create_time->last SENT",
        _cells(reports, lambda r: r.fanout.server_span_s, ",.2f", " s"),
    )
    add(
        "  benchmark client CPU meanwhile",
        _cells(reports, lambda r: r.fanout.client_cpu_s, ",.1f", " s"),
    )

    if args.rate > 0 and args.seconds > 0:
        lat = f"Send to 1 {args.latency_target}, {args.rate:,.0f}/s x {args.seconds:g} s"
        add(f"{lat}: p50", _cells(reports, lambda r: r.latency.p50_ms, ",.1f", " ms"))
        add("  p90", _cells(reports, lambda r: r.latency.p90_ms, ",.1f", " ms"))
        cells = []
        for r in reports:
            ok = None
            if r.latency is not None and args.rate >= 1000:  # the target's load
                ok = r.latency.p99_ms < TARGET_P99_MS
            cells.append(
                _with_verdict(_cells([r], lambda r: r.latency.p99_ms, ",.1f", " ms")[0], ok)
            )
        add("  p99", cells, f"< {TARGET_P99_MS:g} ms at 1,000/s")
        add("  max", _cells(reports, lambda r: r.latency.max_ms, ",.1f", " ms"))
        add(
            "  p99 from call issue (not schedule)",
            _cells(reports, lambda r: r.latency.p99_from_issue_ms, ",.1f", " ms"),
        )
        add("  achieved Sends/s", _cells(reports, lambda r: r.latency.achieved_rate, ",.0f", "/s"))
        add(
            "  worst client lag behind schedule",
            _cells(reports, lambda r: r.latency.max_issue_lag_ms, ",.1f", " ms"),
        )
        add(
            "  failed Sends",
            _cells(reports, lambda r: float(sum(r.latency.errors.values())), ",.0f"),
        )
        if args.floor:
            add(
                "  floor: Health/Check at that load, p50",
                _cells(reports, lambda r: r.floor.p50_ms, ",.1f", " ms"),
            )
            add("  floor: p99", _cells(reports, lambda r: r.floor.p99_ms, ",.1f", " ms"))
    add(
        "server VmHWM after the phases above",
        _cells(reports, lambda r: r.server_hwm_after_phases_mb, ",.0f", " MB"),
    )

    if args.rss_devices:
        cells = []
        for r in reports:
            ok = None
            if r.rss is not None and args.rss_devices >= 1_000_000:
                ok = r.rss.peak_mb < TARGET_RSS_MB
            cells.append(_with_verdict(_cells([r], lambda r: r.rss.peak_mb, ",.0f", " MB")[0], ok))
        add(
            f"peak RSS (VmHWM), fan-out to {args.rss_devices:,}",
            cells,
            f"< {TARGET_RSS_MB:g} MB at 1,000,000",
        )
        add("  VmHWM before that Send", _cells(reports, lambda r: r.rss.baseline_mb, ",.0f", " MB"))
        add(
            "  its Send call",
            _cells(reports, lambda r: r.rss.fanout.send_latency_ms, ",.0f", " ms"),
        )
        add(
            "  its deliveries/s, accepted->last SENT",
            _cells(reports, lambda r: r.rss.fanout.deliveries_per_s, ",.0f", "/s"),
        )
    return rows


def _with_verdict(cell: str, ok: bool | None) -> str:
    return cell if ok is None or cell == "-" else f"{cell} {'PASS' if ok else 'FAIL'}"


def render(
    args: argparse.Namespace,
    reports: list[DbReport],
    context: dict[str, Any],
    fatal: str | None,
) -> str:
    m, v = context["machine"], context["versions"]
    lines = [
        "Clarion delivery-engine benchmark (bench/fanout.py)",
        f"command   {context['command']}",
        f"date      {context['date']}",
        f"machine   {m['cpus']} CPUs ({m['cpus_usable']} usable), {m['cpu_model']}, "
        f"{m['memory_gib']} GiB, {m['os']}, Linux {m['kernel']}",
        f"versions  clarion {v['clarion']}; Python {v['python']}; grpcio {v['grpcio']}; "
        f"SQLAlchemy {v['sqlalchemy']}; psycopg {v['psycopg']}; SQLite {v['sqlite']}",
        f"          {v['pycurl']}",
        f"upstream  nginx {v['nginx']}, {context['nginx_workers']} worker(s), TLS HTTP/2 on "
        f"127.0.0.1, 200 to every POST ({context['upstream_check']})",
    ]
    lines += [
        f"postgres  PostgreSQL {r.version}, private schema (dropped after)"
        for r in reports
        if r.kind == "postgres" and r.version
    ]
    lines.append("")
    # Phases that ran nowhere (a run stopped early) are left out, not shown as dashes.
    rows = [row for row in _rows(args, reports) if any(c != "-" for c in row[1])]
    if not rows:
        rows = [("(nothing was measured)", ["-"] * len(reports), "")]
    label_width = max(len(label) for label, _, _ in rows) + 2
    widths = [
        max(len(r.kind), *(len(cells[i]) for _, cells, _ in rows)) + 3
        for i, r in enumerate(reports)
    ]
    head = f"{'':<{label_width}}" + "".join(
        f"{r.kind:>{w}}" for r, w in zip(reports, widths, strict=True)
    )
    head += "   target"
    lines += [head, "-" * len(head)]
    for label, cells, target in rows:
        line = f"{label:<{label_width}}" + "".join(
            f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)
        )
        lines.append(f"{line}   {target}".rstrip())
    lines.append("")
    for r in reports:
        notes = [*r.server_notes, *([r.policy_note] if r.policy_note else [])]
        notes += [f"{k} answered {val}" for k, val in r.probes.items() if val != "ok"]
        if r.latency and r.latency.distinct_devices < r.latency.measured:
            notes.append(f"latency Sends reuse devices (only {r.latency.distinct_devices:,})")
        lines += [f"note ({r.kind}): {n}" for n in notes]
        lines += [f"ERROR ({r.kind}): {e}" for e in r.errors]
    if args.setup_only:
        lines.append("setup only: no Send was made, so there are no delivery figures.")
    if fatal:
        lines.append(f"FAILED: {fatal}")
    return "\n".join(lines)


def write_trace(path: Path, reports: list[DbReport]) -> None:
    """Every measured Send of each database's latency phase, in the order they were issued."""
    with path.open("w", newline="") as out:
        rows = csv.writer(out)
        rows.writerow(["db", "seconds", "latency_ms"])
        for r in reports:
            for at, latency in sorted(r.latency.trace if r.latency else ()):
                rows.writerow([r.kind, f"{at:.4f}", f"{latency * 1000:.2f}"])
    _log(f"latency trace: {path}")


def to_json(reports: list[DbReport], context: dict[str, Any], fatal: str | None) -> str:
    def clean(r: DbReport) -> dict[str, Any]:
        data = dataclasses.asdict(r)
        for key in ("latency", "floor"):
            if data.get(key):
                del data[key]["trace"]  # --latency-trace writes it, if asked
        for key in ("seed_fanout", "seed_rss"):
            seeded = getattr(r, key)
            data[key] = (
                None
                if seeded is None
                else {
                    "devices": len(seeded.device_ids),
                    "seconds": seeded.seconds,
                    "per_second": seeded.per_second,
                }
            )
        return data

    return json.dumps(
        {
            **context,
            "targets": {
                "postgres_deliveries_per_s_min": TARGET_DELIVERIES_PER_S,
                "send_p99_ms_max_at_1000_per_s": TARGET_P99_MS,
                "peak_rss_mb_max_at_1m_devices": TARGET_RSS_MB,
            },
            "results": [clean(r) for r in reports],
            "failed": fatal,
        },
        indent=2,
        default=str,
    )


# --- main -----------------------------------------------------------------------------------


def _env_pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.startswith("CLARION_"):
        raise argparse.ArgumentTypeError("expected CLARION_NAME=value")
    return key, value


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--devices", type=int, default=100_000, help="fan-out size (default 100000)")
    p.add_argument("--rate", type=float, default=1000.0, help="single-device Sends/s (1000)")
    p.add_argument("--seconds", type=float, default=10.0, help="measured seconds of load (10)")
    p.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds first (1)")
    p.add_argument("--channels", type=int, default=4, help="gRPC channels for the load (4)")
    p.add_argument(
        "--no-floor",
        dest="floor",
        action="store_false",
        help="skip the Health/Check run that measures the harness's own latency floor",
    )
    p.add_argument(
        "--latency-target",
        choices=("device", "user"),
        default="device",
        help="address each latency Send by device_id (default) or by the device's own user_id",
    )
    p.add_argument(
        "--rss-devices", type=int, default=1_000_000, help="RSS fan-out size; 0 skips (1000000)"
    )
    p.add_argument("--postgres-url", help="default $CLARION_TEST_POSTGRES_URL, else scripts/pg-up")
    p.add_argument(
        "--completion",
        choices=("watch", "poll"),
        default="watch",
        help="count SENT from WatchReceipts (default) or poll GetSend counts",
    )
    p.add_argument(
        "--stall-timeout", type=float, default=120.0, help="fail after s without progress"
    )
    p.add_argument(
        "--dispatchers",
        type=int,
        default=0,
        help="run the fan-out and latency phases on an --role api process with this many "
        "--role dispatcher processes beside it (default 0: one --role all process)",
    )
    p.add_argument("--nginx-workers", type=int, default=1)
    p.add_argument("--server-log-level", default="warning")
    p.add_argument(
        "--server-env",
        type=_env_pair,
        action="append",
        default=[],
        metavar="CLARION_X=V",
        help="extra setting for the server (repeatable)",
    )
    p.add_argument("--work-dir", help="where temporary files go (default: system temp)")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    p.add_argument("--json", action="store_true", help="print JSON instead of the table")
    p.add_argument(
        "--latency-trace",
        metavar="FILE",
        help="write each measured Send of the latency phase to FILE as CSV "
        "(db, seconds since the phase began, latency ms)",
    )
    p.add_argument(
        "--setup-only",
        action="store_true",
        help="start, seed and probe, but send nothing (works before the engine exists)",
    )
    args = p.parse_args(argv)
    if args.devices < 1 or args.rss_devices < 0 or args.channels < 1 or args.rate < 0:
        p.error("--devices and --channels must be positive, --rss-devices and --rate >= 0")
    return args


async def amain(args: argparse.Namespace, command: str) -> int:
    context: dict[str, Any] = {
        "command": command,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine_info(),
        "nginx_workers": args.nginx_workers,
        "upstream_check": "not run",
    }
    reports: list[DbReport] = []
    fatal: str | None = None
    work = Path(tempfile.mkdtemp(prefix="clarion-bench-fanout-", dir=args.work_dir))
    try:
        binary = nginx_binary()
        context["versions"] = versions(binary)
        with nginx(binary, args.nginx_workers, work / "nginx") as upstream:
            context["upstream_check"] = check_upstream(upstream)
            _log(f"nginx {upstream.url} (pid {upstream.pid}): {context['upstream_check']}")
            kinds = ("sqlite", "postgres") if args.db == "both" else (args.db,)
            for kind in kinds:
                report = DbReport(kind)
                reports.append(report)
                try:
                    await run_database(report, args, upstream, work)
                except BenchError as exc:
                    report.errors.append(str(exc))
                    if exc.fatal:
                        fatal = str(exc)
                        break
    except BenchError as exc:
        fatal = str(exc)
    finally:
        if args.keep:
            _log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    context.setdefault("versions", dict.fromkeys(VERSION_KEYS, "?"))
    if args.latency_trace:
        write_trace(Path(args.latency_trace), reports)
    print(to_json(reports, context, fatal) if args.json else render(args, reports, context, fatal))
    failed = fatal is not None or any(r.errors for r in reports)
    if fatal:
        print(f"fanout: {fatal}", file=sys.stderr)
    return 1 if failed else 0


def main() -> None:
    args = parse_args()
    command = shlex.join([os.path.relpath(sys.executable), *sys.argv])
    sys.exit(asyncio.run(amain(args, command)))


if __name__ == "__main__":
    main()
