"""Expo rate-limit benchmark: how long N Expo deliveries take at a per-project limit.

    .venv/bin/python bench/expo_rate.py [--devices 2000] [--rate 600] [--runs 3] [--json]

An in-process Clarion on a temporary SQLite database sends to the test suite's fake Expo
(tests/fakes/expo.py, TLS HTTP/2, which refuses requests above its own 600/s per project
with 429). It registers --devices Expo devices of one user over gRPC, then times one
`Send` to that user from the call to the send being complete (every delivery settled),
--runs times, each run on a fresh app (so a fresh bucket). Expected: devices / rate
seconds (2,000 at 600/s: 3.33 s, less the bucket's 0.1 s burst), no 429, nothing lost.
A run in which a delivery is not SENT, or the fake refused a request, exits non-zero.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import grpc  # noqa: E402

from clarion.app import Clarion  # noqa: E402
from clarion.config import Settings  # noqa: E402
from clarion.v1 import provider_pb2, send_pb2  # noqa: E402
from delivery_kit import note, push_app  # noqa: E402
from fakes.apns import FakeApns  # noqa: E402
from fakes.expo import FakeExpo  # noqa: E402
from fakes.fcm import FakeFcm  # noqa: E402
from fakes.hms import FakeHms  # noqa: E402
from fakes.mipush import FakeMiPush  # noqa: E402
from fakes.tls import make_tls_material  # noqa: E402
from fakes.webpush import WebPushService  # noqa: E402
from harness import Api, ProviderFakes, Server  # noqa: E402


async def run(devices: int, rate: float, runs: int) -> list[dict[str, float]]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        tls = make_tls_material(Path(tmp) / "tls")
        async with (
            FakeApns(tls=tls) as apns,
            FakeFcm(tls=tls) as fcm,
            WebPushService(tls) as webpush,
            FakeExpo(tls=tls) as expo,
            FakeHms(tls=tls) as hms,
            FakeMiPush(tls=tls) as mipush,
        ):
            fakes = ProviderFakes(tls, apns, apns, fcm, webpush, expo, hms, mipush)
            settings = Settings(
                data_dir=Path(tmp) / "data",
                listen="127.0.0.1:0",
                gateway=False,
                metrics_listen="",
                dispatch_poll_seconds=0.2,
                apns_production_url=apns.base_url,
                fcm_url=fcm.base_url,
                expo_url=expo.base_url,
                hms_oauth_url=hms.oauth_url,
                hms_push_url=hms.base_url,
                mipush_china_url=mipush.base_url,
                provider_ca_file=str(tls.ca_file),
                expo_rate_limit=rate,
            )
            clarion = Clarion(settings)
            await clarion.start()
            try:
                admin = settings.admin_key_path.read_text().strip()
                server = Server("sqlite", clarion, f"127.0.0.1:{clarion.port}", admin, "", settings)
                async with grpc.aio.insecure_channel(server.address) as channel:
                    api = Api(server, channel)
                    for _ in range(runs):
                        results.append(await one_run(api, fakes, devices))
            finally:
                await clarion.stop(grace=0)
    return results


async def one_run(api: Api, fakes: ProviderFakes, devices: int) -> dict[str, float]:
    app = await push_app(api, fakes)
    gate = asyncio.Semaphore(16)

    async def register() -> None:
        async with gate:
            await app.register(provider_pb2.PROVIDER_EXPO, user_id="bench")

    await app.set_policy(registrations_per_user_hour=devices)  # one user, many devices
    await asyncio.gather(*(register() for _ in range(devices)))
    throttled = fakes.expo.throttled
    started = time.monotonic()
    send = await app.send(send_pb2.Target(user_id="bench"), note("Bench", "rate"))
    done = await app.settled(send.name, within=600)
    seconds = time.monotonic() - started
    if done.counts.sent != devices or fakes.expo.throttled != throttled:
        raise SystemExit(f"run failed: {done.counts}, 429s: {fakes.expo.throttled - throttled}")
    return {"devices": devices, "seconds": round(seconds, 3), "per_second": devices / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=600.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = asyncio.run(run(args.devices, args.rate, args.runs))
    if args.json:
        print(json.dumps(results))
        return
    for n, r in enumerate(results, 1):
        print(
            f"run {n}: {r['devices']} Expo deliveries in {r['seconds']:.3f} s "
            f"({r['per_second']:.0f}/s at a limit of {args.rate:.0f}/s), no 429, none lost"
        )


if __name__ == "__main__":
    main()
