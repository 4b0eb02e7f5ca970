#!/usr/bin/env python3
"""The Python client's example.

    send_and_watch.py [--plaintext] send APP [USER]
    send_and_watch.py [--plaintext] watch APP [now]

`send` registers an iOS device for USER (default "example-user") in app APP, sends that user
a notification and prints the send's receipts as they arrive, until every delivery settled.
`watch` prints every receipt of the app from the start of its log (with `now`: from now on)
until interrupted, reconnecting whenever the connection drops. `--plaintext` connects
without TLS (as scripts/serve listens).

The server and key come from the environment, as for the clarion CLI: CLARION_SERVER
(host:port, default 127.0.0.1:50051) and CLARION_API_KEY (scopes devices:write, push:send,
receipts:read).

    pip install clients/python
    python clients/python/examples/send_and_watch.py --plaintext send acme
"""

from __future__ import annotations

import os
import secrets
import signal
import sys

import grpc

from clarion.client import Client
from clarion.v1 import (
    device_pb2,
    device_registry_service_pb2,
    notification_pb2,
    provider_pb2,
    push_sender_service_pb2,
    receipt_pb2,
    send_pb2,
)

FINAL = {
    send_pb2.DELIVERY_STATUS_SENT,
    send_pb2.DELIVERY_STATUS_SUPPRESSED,
    send_pb2.DELIVERY_STATUS_FAILED,
    send_pb2.DELIVERY_STATUS_INVALID_TOKEN,
    send_pb2.DELIVERY_STATUS_CANCELLED,
    send_pb2.DELIVERY_STATUS_EXPIRED,
}


def print_receipt(r: receipt_pb2.Receipt) -> None:
    status = send_pb2.DeliveryStatus.Name(r.status)
    print(
        f"receipt cursor={r.cursor} status={status} device={r.device} send={r.send} "
        f"reason={r.reason}",
        flush=True,
    )


def send_and_watch(client: Client, parent: str, user: str) -> None:
    registered = client.devices.RegisterDevice(
        device_registry_service_pb2.RegisterDeviceRequest(
            parent=parent,
            device=device_pb2.Device(
                provider=provider_pb2.PROVIDER_APNS,
                platform=device_pb2.PLATFORM_IOS,
                token=secrets.token_hex(32),  # an APNs device token, as the iOS app reports it
                user_id=user,
            ),
        )
    )
    print(f"device {registered.device.name}", flush=True)

    sent = client.push.Send(
        push_sender_service_pb2.SendRequest(
            parent=parent,
            target=send_pb2.Target(user_id=user),
            notification=notification_pb2.Notification(
                title="Hello from Python", body="Your order shipped."
            ),
        )
    )
    send = sent.send
    print(f"send {send.name} deliveries={send.counts.total}", flush=True)
    if send.counts.total == 0:
        return

    # Every receipt of this send from its first one; stop once each delivery has settled.
    settled: set[str] = set()
    watch = push_sender_service_pb2.WatchReceiptsRequest(
        parent=parent, send=send.name, start=receipt_pb2.START_POSITION_EARLIEST
    )
    for receipt in client.watch_receipts(watch):
        print_receipt(receipt)
        if receipt.status in FINAL:
            settled.add(receipt.delivery)
        if len(settled) == send.counts.total:
            return


def watch_all(client: Client, parent: str, start: receipt_pb2.StartPosition) -> None:
    def reconnecting(error: grpc.RpcError | None, after: int) -> None:
        print(f"reconnecting after={after} error={error!r}", flush=True)

    watch = push_sender_service_pb2.WatchReceiptsRequest(parent=parent, start=start)
    for receipt in client.watch_receipts(watch, on_reconnect=reconnecting):
        print_receipt(receipt)


USAGE = "usage: send_and_watch.py [--plaintext] send APP [USER] | watch APP [now]"


def main(args: list[str]) -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    plaintext = args[:1] == ["--plaintext"]
    args = args[1:] if plaintext else args
    if len(args) < 2 or args[0] not in ("send", "watch"):
        print(USAGE, file=sys.stderr)
        return 2
    mode, parent, extra = args[0], f"apps/{args[1]}", args[2:]
    server = os.environ.get("CLARION_SERVER", "127.0.0.1:50051")
    with Client(server, os.environ.get("CLARION_API_KEY", ""), secure=not plaintext) as client:
        try:
            if mode == "watch":
                now = extra[:1] == ["now"]
                start = (
                    receipt_pb2.START_POSITION_NOW if now else receipt_pb2.START_POSITION_EARLIEST
                )
                watch_all(client, parent, start)
            else:
                send_and_watch(client, parent, extra[0] if extra else "example-user")
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
