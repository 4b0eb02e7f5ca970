"""Helpers for delivery tests: an app wired to the provider fakes, devices, sends, receipts."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import string
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf import field_mask_pb2

from clarion.v1 import (
    api_key_pb2,
    credential_pb2,
    credentials_service_pb2,
    device_pb2,
    device_registry_service_pb2,
    notification_pb2,
    policy_admin_service_pb2,
    policy_pb2,
    provider_pb2,
    push_sender_service_pb2,
    receipt_pb2,
    send_pb2,
)
from fakes.apns import ApnsKey, make_apns_key
from fakes.fcm import ServiceAccount, make_rsa_key, make_service_account
from fakes.webpush import FakeSubscription
from harness import Api, ProviderFakes, Stubs, TestApp

BUNDLE = "com.example.clarion"
TEAM = "TEAM123456"
_RSA = make_rsa_key()  # one 2048-bit key for every test service account: generation is slow

S = send_pb2  # short names for the status enum in assertions
SENT = send_pb2.DELIVERY_STATUS_SENT
QUEUED = send_pb2.DELIVERY_STATUS_QUEUED
RETRYING = send_pb2.DELIVERY_STATUS_RETRYING
FAILED = send_pb2.DELIVERY_STATUS_FAILED
INVALID_TOKEN = send_pb2.DELIVERY_STATUS_INVALID_TOKEN
EXPIRED = send_pb2.DELIVERY_STATUS_EXPIRED
SUPPRESSED = send_pb2.DELIVERY_STATUS_SUPPRESSED
FINAL = frozenset({SENT, FAILED, INVALID_TOKEN, EXPIRED, SUPPRESSED})


def apns_token() -> str:
    return secrets.token_hex(32)


def fcm_token() -> str:
    alphabet = string.ascii_letters + string.digits + "-_"
    return (
        "".join(secrets.choice(alphabet) for _ in range(22))
        + ":APA91b"
        + "".join(secrets.choice(alphabet) for _ in range(134))
    )


_hms_app_ids = itertools.count(int(time.time()) * 1000)
MIPUSH_PACKAGE_PREFIX = "com.example.clarion.p"


@dataclass
class PushApp:
    """An app with credentials for the fakes and keys for each role.

    Expo needs no credential (`put_expo_token` adds one); HMS and MiPush have theirs, for
    the HMS app `hms_app_id` and the MiPush package `mipush_package`. Expo tokens belong to
    the Expo project named after the app.
    """

    api: Api
    fakes: ProviderFakes
    app: TestApp
    apns_key: ApnsKey
    account: ServiceAccount
    vapid_public_key: str
    hms_app_id: str = ""
    mipush_package: str = ""
    subscriptions: dict[str, FakeSubscription] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # device name -> its token

    @property
    def expo_project(self) -> str:
        return f"@test/{self.app.id}"

    @property
    def parent(self) -> str:
        return self.app.parent

    @property
    def sender(self) -> Stubs:
        return self.app.keys["sender"]

    @property
    def watcher(self) -> Stubs:
        return self.app.keys["watcher"]

    @property
    def writer(self) -> Stubs:
        return self.app.keys["writer"]

    async def set_policy(self, **fields: object) -> policy_pb2.AppPolicy:
        """Change the app's policy fields given (the others keep their values)."""
        admin = self.api.admin
        answer = await admin(
            admin.admin.UpdateAppPolicy,
            policy_admin_service_pb2.UpdateAppPolicyRequest(
                policy=policy_pb2.AppPolicy(name=f"{self.parent}/policy", **fields),  # type: ignore[arg-type]
                update_mask=field_mask_pb2.FieldMask(paths=list(fields)),
            ),
        )
        policy: policy_pb2.AppPolicy = answer.policy
        return policy

    async def register(
        self,
        provider: int,
        *,
        token: str = "",
        user_id: str = "",
        locale: str = "",
        topics: Iterable[str] = (),
        sandbox: bool = False,
        subscription: FakeSubscription | None = None,
        install_id: str = "",
    ) -> device_pb2.Device:
        """Register a device; Web Push devices get a fresh fake subscription unless given."""
        device = device_pb2.Device(
            provider=provider,
            token=token,
            user_id=user_id,
            locale=locale,
            topics=list(topics),
            install_id=install_id,
        )
        if provider == provider_pb2.PROVIDER_WEBPUSH:
            sub = subscription or self.fakes.webpush.new_subscription(self.vapid_public_key)
            device.web_push.endpoint, device.web_push.p256dh, device.web_push.auth = sub.web_push
        elif provider == provider_pb2.PROVIDER_APNS:
            device.token = token or apns_token()
            device.apns_environment = (
                provider_pb2.APNS_ENVIRONMENT_SANDBOX
                if sandbox
                else provider_pb2.APNS_ENVIRONMENT_PRODUCTION
            )
        elif provider == provider_pb2.PROVIDER_FCM:
            device.token = token or fcm_token()
        elif provider == provider_pb2.PROVIDER_EXPO:
            device.token = token or self.fakes.expo.new_token(self.expo_project)
        elif provider == provider_pb2.PROVIDER_HMS:
            device.token = token or self.fakes.hms.new_token(self.hms_app_id)
        elif provider == provider_pb2.PROVIDER_MIPUSH:
            device.token = token or self.fakes.mipush.new_regid(self.mipush_package)
        made = await self.writer(
            self.writer.devices.RegisterDevice,
            device_registry_service_pb2.RegisterDeviceRequest(parent=self.parent, device=device),
        )
        if provider == provider_pb2.PROVIDER_WEBPUSH:
            self.subscriptions[made.device.name] = sub
        else:
            self.tokens[made.device.name] = device.token
        return made.device

    async def put_expo_token(self, access_token: str) -> None:
        """Store an Expo access token for the app (enhanced push security)."""
        await self.api.admin(
            self.api.admin.creds.PutCredential,
            credentials_service_pb2.PutCredentialRequest(
                parent=self.parent, expo=credential_pb2.ExpoAccessToken(access_token=access_token)
            ),
        )

    async def send(
        self, target: send_pb2.Target, notification: notification_pb2.Notification, **extra: Any
    ) -> send_pb2.Send:
        response = await self.sender(
            self.sender.push.Send,
            push_sender_service_pb2.SendRequest(
                parent=self.parent, target=target, notification=notification, **extra
            ),
        )
        send: send_pb2.Send = response.send
        return send

    async def get(self, name: str) -> send_pb2.Send:
        response = await self.sender(
            self.sender.push.GetSend, push_sender_service_pb2.GetSendRequest(name=name)
        )
        send: send_pb2.Send = response.send
        return send

    async def deliveries(self, send: str) -> list[send_pb2.Delivery]:
        found: list[send_pb2.Delivery] = []
        token = ""
        while True:
            page = await self.sender(
                self.sender.push.ListDeliveries,
                push_sender_service_pb2.ListDeliveriesRequest(
                    parent=send, page_size=1000, page_token=token
                ),
            )
            found.extend(page.deliveries)
            token = page.next_page_token
            if not token:
                return found

    async def settled(self, name: str, within: float = 20.0) -> send_pb2.Send:
        """Wait until a send has no pending delivery; returns it."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            send = await self.get(name)
            if send.counts.pending == 0 and send.complete_time.seconds:
                return send
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"send not settled in {within}s: {send.counts}")
            await asyncio.sleep(0.05)


async def push_app(api: Api, fakes: ProviderFakes) -> PushApp:
    """A fresh app with APNs, FCM, Web Push, HMS and MiPush credentials the fakes accept."""
    app = await api.new_app(
        sender=[api_key_pb2.SCOPE_PUSH_SEND],
        watcher=[api_key_pb2.SCOPE_RECEIPTS_READ],
        writer=[api_key_pb2.SCOPE_DEVICES_WRITE, api_key_pb2.SCOPE_DEVICES_READ],
    )
    key_id = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(10))
    apns_key = make_apns_key(TEAM, key_id)
    fakes.apns.add_key(apns_key, BUNDLE)
    fakes.apns_sandbox.add_key(apns_key, BUNDLE)
    account = make_service_account(
        _RSA, project_id=f"p-{app.id}"[:30].rstrip("-"), token_uri=fakes.fcm.token_uri
    )
    fakes.fcm.add_service_account(account)
    admin = api.admin
    await admin(
        admin.creds.PutCredential,
        credentials_service_pb2.PutCredentialRequest(
            parent=app.parent,
            apns=credential_pb2.ApnsTokenKey(
                p8_key=apns_key.pem.decode(),
                key_id=key_id,
                team_id=TEAM,
                bundle_id=BUNDLE,
                default_environment=provider_pb2.APNS_ENVIRONMENT_PRODUCTION,
            ),
        ),
    )
    await admin(
        admin.creds.PutCredential,
        credentials_service_pb2.PutCredentialRequest(
            parent=app.parent,
            fcm=credential_pb2.FcmServiceAccount(service_account_json=json.dumps(account.info)),
        ),
    )
    vapid = await admin(
        admin.creds.GetVapidPublicKey,
        credentials_service_pb2.GetVapidPublicKeyRequest(parent=app.parent),
    )
    hms_app_id = str(next(_hms_app_ids))
    hms_secret = secrets.token_hex(24)
    fakes.hms.add_app(hms_app_id, hms_secret)
    await admin(
        admin.creds.PutCredential,
        credentials_service_pb2.PutCredentialRequest(
            parent=app.parent,
            hms=credential_pb2.HmsClient(app_id=hms_app_id, client_secret=hms_secret),
        ),
    )
    package = MIPUSH_PACKAGE_PREFIX + secrets.token_hex(4)
    mipush_secret = secrets.token_urlsafe(18)
    fakes.mipush.add_app(package, mipush_secret)
    await admin(
        admin.creds.PutCredential,
        credentials_service_pb2.PutCredentialRequest(
            parent=app.parent,
            mipush=credential_pb2.MiPushSecret(app_secret=mipush_secret, package_name=package),
        ),
    )
    return PushApp(api, fakes, app, apns_key, account, vapid.public_key, hms_app_id, package)


def note(title: str = "Hello", body: str = "World", **fields: Any) -> notification_pb2.Notification:
    return notification_pb2.Notification(title=title, body=body, **fields)


def to_device(device: device_pb2.Device) -> send_pb2.Target:
    return send_pb2.Target(device_id=device.name.rsplit("/", 1)[1])


class Watch:
    """A WatchReceipts stream collected in the background."""

    def __init__(self, stubs: Stubs, request: push_sender_service_pb2.WatchReceiptsRequest):
        self.receipts: list[receipt_pb2.Receipt] = []
        self._changed = asyncio.Event()
        self._call = stubs.push.WatchReceipts(request, metadata=stubs.metadata)
        self._task = asyncio.create_task(self._run())
        self.error: grpc.aio.AioRpcError | None = None

    async def _run(self) -> None:
        try:
            async for message in self._call:
                self.receipts.append(message.receipt)
                self._changed.set()
        except grpc.aio.AioRpcError as exc:
            if exc.code() != grpc.StatusCode.CANCELLED:
                self.error = exc
                self._changed.set()

    async def until(self, predicate: Any, within: float = 20.0) -> list[receipt_pb2.Receipt]:
        """Wait until `predicate(receipts)` holds; returns the receipts so far."""
        deadline = asyncio.get_running_loop().time() + within
        while not predicate(self.receipts):
            if self.error is not None:
                raise self.error
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise AssertionError(f"watch condition not met in {within}s: {self.receipts}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)
        return list(self.receipts)

    def statuses(self, send: str | None = None) -> list[int]:
        return [r.status for r in self.receipts if send is None or r.send == send]

    async def close(self) -> None:
        self._call.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


async def watch(stubs: Stubs, parent: str, *, ready: bool = True, **options: Any) -> Watch:
    """Start watching; with `ready`, returns once the server has started the stream."""
    w = Watch(stubs, push_sender_service_pb2.WatchReceiptsRequest(parent=parent, **options))
    if ready:
        # The stream's initial metadata arrives once the handler runs: the watch has begun.
        await w._call.initial_metadata()
    return w


# --- one send to one device, watched to its end (provider error tests) ----------------------


@dataclass
class Result:
    """One send to one device, seen through WatchReceipts and ListDeliveries."""

    send: send_pb2.Send
    receipts: list[receipt_pb2.Receipt]  # this send's, in cursor order
    delivery: send_pb2.Delivery

    @property
    def statuses(self) -> list[int]:
        return [r.status for r in self.receipts]

    def receipt(self, status: int) -> receipt_pb2.Receipt:
        [found] = [r for r in self.receipts if r.status == status]
        return found


async def register(app: PushApp, provider: int, **fields: Any) -> device_pb2.Device:
    """A device of a user of its own, so that a send to the user reaches it alone."""
    return await app.register(provider, user_id=f"user-{secrets.token_hex(6)}", **fields)


async def deliver(
    app: PushApp,
    device: device_pb2.Device,
    notification: notification_pb2.Notification | None = None,
    *,
    by_id: bool = False,
    until: Collection[int] = FINAL,
    within: float = 20.0,
) -> Result:
    """Send to `device` (through its user, or by its id) and wait until a receipt of this
    send has a status in `until`."""
    target = to_device(device) if by_id else send_pb2.Target(user_id=device.user_id)
    watcher = await watch(app.watcher, app.parent)
    try:
        send = await app.send(target, notification or note())
        receipts = await watcher.until(
            lambda rs: any(r.send == send.name and r.status in until for r in rs), within
        )
    finally:
        await watcher.close()
    [delivery] = await app.deliveries(send.name)
    return Result(send, [r for r in receipts if r.send == send.name], delivery)


async def device_status(app: PushApp, device: device_pb2.Device) -> int:
    got = await app.writer(
        app.writer.devices.GetDevice,
        device_registry_service_pb2.GetDeviceRequest(name=device.name),
    )
    status: int = got.device.status
    return status


async def credential(api: Api, app: PushApp, provider: int) -> credential_pb2.Credential:
    listed = await api.admin(
        api.admin.creds.ListCredentials,
        credentials_service_pb2.ListCredentialsRequest(parent=app.parent),
    )
    [found] = [c for c in listed.credentials if c.provider == provider]
    return found


def assert_final(result: Result, status: int, reason: str, code: str) -> None:
    """ListDeliveries and the last receipt agree on status, reason and provider code."""
    assert (result.delivery.status, result.delivery.reason, result.delivery.provider_code) == (
        status,
        reason,
        code,
    )
    last = result.receipts[-1]
    assert (last.status, last.reason, last.provider_code) == (status, reason, code)
