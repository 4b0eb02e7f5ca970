"""Small in-test implementations of Clarion's services, served by a real grpc.aio server.

They behave like the real server where the gateway can tell: API-key checks in the
`authorization` metadata, rich errors in `grpc-status-details-bin` (ErrorInfo, BadRequest,
RetryInfo), resource names, field masks, and a receipt stream that resumes after a cursor.
They record what they were sent so tests can see what crossed the gateway.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_status import rpc_status

from clarion.v1 import app_pb2, device_pb2, provider_pb2, receipt_pb2, send_pb2
from clarion.v1 import device_registry_service_pb2 as devices_pb2
from clarion.v1 import device_registry_service_pb2_grpc as devices_grpc
from clarion.v1 import policy_admin_service_pb2 as admin_pb2
from clarion.v1 import policy_admin_service_pb2_grpc as admin_grpc
from clarion.v1 import push_sender_service_pb2 as sender_pb2
from clarion.v1 import push_sender_service_pb2_grpc as sender_grpc

GOOD_KEY = "Bearer good-key"
READ_ONLY_KEY = "Bearer read-only"
DOMAIN = "clarion.dev"


@dataclass
class Recorder:
    """What the fake servers saw, for assertions."""

    metadata: dict[str, str] = field(default_factory=dict)
    time_remaining: float | None = None
    update_mask: list[str] = field(default_factory=list)
    requests: list[Any] = field(default_factory=list)
    watch_cancelled: asyncio.Event = field(default_factory=asyncio.Event)

    def reset(self) -> None:
        self.metadata = {}
        self.time_remaining = None
        self.update_mask = []
        self.requests = []
        self.watch_cancelled = asyncio.Event()


def _packed(*details: Any) -> list[any_pb2.Any]:
    packed = []
    for detail in details:
        item = any_pb2.Any()
        item.Pack(detail)
        packed.append(item)
    return packed


async def abort(
    context: grpc.aio.ServicerContext[Any, Any],
    code: grpc.StatusCode,
    message: str,
    *details: Any,
) -> None:
    """Fail the RPC with a rich status, as the real server's interceptor does."""
    status = status_pb2.Status(code=code.value[0], message=message, details=_packed(*details))
    rich = rpc_status.to_status(status)
    await context.abort(rich.code, rich.details, trailing_metadata=rich.trailing_metadata)


def error_info(reason: str, **metadata: str) -> error_details_pb2.ErrorInfo:
    return error_details_pb2.ErrorInfo(reason=reason, domain=DOMAIN, metadata=metadata)


def bad_request(*violations: tuple[str, str]) -> error_details_pb2.BadRequest:
    return error_details_pb2.BadRequest(
        field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=f, description=d)
            for f, d in violations
        ]
    )


async def authenticate(
    context: grpc.aio.ServicerContext[Any, Any], recorder: Recorder, *, write: bool
) -> None:
    """Record the call's metadata and deadline, then check the API key like the server does."""
    recorder.metadata = {k: v for k, v in context.invocation_metadata() or () if isinstance(v, str)}
    recorder.time_remaining = context.time_remaining()
    key = recorder.metadata.get("authorization")
    if key not in (GOOD_KEY, READ_ONLY_KEY):
        await abort(
            context,
            grpc.StatusCode.UNAUTHENTICATED,
            "missing or unknown API key",
            error_info("API_KEY_INVALID"),
        )
    if write and key == READ_ONLY_KEY:
        await abort(
            context,
            grpc.StatusCode.PERMISSION_DENIED,
            "the key lacks scope devices:write",
            error_info("SCOPE_MISSING", scope="devices:write"),
        )


class FakeDeviceRegistry(devices_grpc.DeviceRegistryServiceServicer):
    """Devices in a dict, keyed by resource name."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.devices: dict[str, device_pb2.Device] = {}
        self._ids = itertools.count(1)

    def reset(self) -> None:
        self.devices.clear()

    async def RegisterDevice(
        self,
        request: devices_pb2.RegisterDeviceRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> devices_pb2.RegisterDeviceResponse:
        await authenticate(context, self.recorder, write=True)
        self.recorder.requests.append(request)
        device = request.device
        if device.provider != provider_pb2.PROVIDER_WEBPUSH and not device.token:
            await abort(
                context,
                grpc.StatusCode.INVALID_ARGUMENT,
                "device.token is required",
                bad_request(("device.token", "required for this provider")),
                error_info("DEVICE_TOKEN_MISSING"),
            )
        for existing in self.devices.values():
            if device.install_id and existing.install_id == device.install_id:
                existing.MergeFrom(device)
                existing.ClearField("token")
                return devices_pb2.RegisterDeviceResponse(device=existing, created=False)
        stored = device_pb2.Device()
        stored.CopyFrom(device)
        stored.name = f"{request.parent}/devices/d{next(self._ids)}"
        stored.status = device_pb2.DEVICE_STATUS_ACTIVE
        stored.token_hint = device.token[-4:]
        stored.ClearField("token")
        stored.create_time.FromSeconds(1_700_000_000)
        self.devices[stored.name] = stored
        return devices_pb2.RegisterDeviceResponse(device=stored, created=True)

    async def _find(
        self, name: str, context: grpc.aio.ServicerContext[Any, Any]
    ) -> device_pb2.Device:
        app, _, rest = name.partition("/devices/")
        if "/installs/" in name:
            app, _, install = name.partition("/installs/")
            for device in self.devices.values():
                if device.name.startswith(app + "/") and device.install_id == install:
                    return device
        elif rest and name in self.devices:
            return self.devices[name]
        await abort(
            context,
            grpc.StatusCode.NOT_FOUND,
            f"device {name} not found",
            error_info("DEVICE_NOT_FOUND", device=name),
        )
        raise AssertionError("unreachable")

    async def GetDevice(
        self,
        request: devices_pb2.GetDeviceRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> devices_pb2.GetDeviceResponse:
        await authenticate(context, self.recorder, write=False)
        return devices_pb2.GetDeviceResponse(device=await self._find(request.name, context))

    async def ListDevices(
        self,
        request: devices_pb2.ListDevicesRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> devices_pb2.ListDevicesResponse:
        await authenticate(context, self.recorder, write=False)
        self.recorder.requests.append(request)
        found = [
            d
            for d in self.devices.values()
            if d.name.startswith(request.parent + "/")
            and (not request.user_id or d.user_id == request.user_id)
            and (not request.status or d.status == request.status)
        ]
        return devices_pb2.ListDevicesResponse(devices=found[: request.page_size or 100])

    async def UpdateDevice(
        self,
        request: devices_pb2.UpdateDeviceRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> devices_pb2.UpdateDeviceResponse:
        await authenticate(context, self.recorder, write=True)
        self.recorder.update_mask = list(request.update_mask.paths)
        device = await self._find(request.device.name, context)
        allowed = {"user_id", "locale", "time_zone", "app_version", "quiet_hours", "topics"}
        bad = [p for p in request.update_mask.paths if p not in allowed]
        if bad or not request.update_mask.paths:
            await abort(
                context,
                grpc.StatusCode.INVALID_ARGUMENT,
                f"bad update_mask paths: {bad}",
                bad_request(*[("update_mask", f"cannot update {p}") for p in bad]),
            )
        for path in request.update_mask.paths:
            if path in ("quiet_hours",):
                device.quiet_hours.CopyFrom(request.device.quiet_hours)
            elif path == "topics":
                device.topics[:] = request.device.topics
            else:
                setattr(device, path, getattr(request.device, path))
        return devices_pb2.UpdateDeviceResponse(device=device)

    async def UnregisterDevice(
        self,
        request: devices_pb2.UnregisterDeviceRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> devices_pb2.UnregisterDeviceResponse:
        await authenticate(context, self.recorder, write=True)
        device = await self._find(request.name, context)
        device.status = device_pb2.DEVICE_STATUS_REVOKED
        return devices_pb2.UnregisterDeviceResponse(device=device)

    async def PurgeStaleDevices(
        self,
        request: devices_pb2.PurgeStaleDevicesRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> devices_pb2.PurgeStaleDevicesResponse:
        await authenticate(context, self.recorder, write=True)
        self.recorder.requests.append(request)
        if request.older_than.ToSeconds() <= 0:
            await abort(
                context,
                grpc.StatusCode.INVALID_ARGUMENT,
                "older_than must be positive",
                bad_request(("older_than", "must be positive")),
            )
        return devices_pb2.PurgeStaleDevicesResponse(
            purged_count=12_345_678_901, dry_run=request.dry_run
        )


class FakePushSender(sender_grpc.PushSenderServiceServicer):
    """Sends that always succeed but for a quota title, and a three-receipt stream."""

    #: WatchReceipts modes chosen by the `send` filter of the request.
    HANG = "apps/a/sends/hang"

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    async def Send(
        self,
        request: sender_pb2.SendRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> sender_pb2.SendResponse:
        await authenticate(context, self.recorder, write=False)
        self.recorder.requests.append(request)
        if request.notification.title == "quota":
            await abort(
                context,
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                "daily quota exhausted",
                error_info("DAILY_QUOTA_EXCEEDED", quota="daily"),
                error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(seconds=2, nanos=1)),
            )
        if request.notification.title == "slow":
            await asyncio.sleep(5)
        send = send_pb2.Send(
            name=f"{request.parent}/sends/s1", state=send_pb2.SEND_STATE_IN_PROGRESS
        )
        send.notification.CopyFrom(request.notification)
        return sender_pb2.SendResponse(send=send)

    async def WatchReceipts(
        self,
        request: sender_pb2.WatchReceiptsRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> AsyncIterator[sender_pb2.WatchReceiptsResponse]:
        await authenticate(context, self.recorder, write=False)
        self.recorder.requests.append(request)
        if request.after_cursor >= 1000:
            await abort(
                context,
                grpc.StatusCode.OUT_OF_RANGE,
                "cursor no longer retained",
                error_info("CURSOR_EXPIRED"),
            )
        try:
            if request.max_receipts_per_message > 1:  # the three receipts in one message
                cursors = range(request.after_cursor + 1, request.after_cursor + 4)
                yield sender_pb2.WatchReceiptsResponse(
                    receipts=[
                        receipt_pb2.Receipt(cursor=c, status=send_pb2.DELIVERY_STATUS_SENT)
                        for c in cursors
                    ]
                )
                await abort(context, grpc.StatusCode.UNAVAILABLE, "server shutting down")
            for cursor in range(request.after_cursor + 1, request.after_cursor + 4):
                yield sender_pb2.WatchReceiptsResponse(
                    receipt=receipt_pb2.Receipt(
                        cursor=cursor,
                        send="apps/a/sends/s1",
                        status=send_pb2.DELIVERY_STATUS_SENT,
                    )
                )
                if request.send == self.HANG:
                    await asyncio.sleep(3600)
            await abort(
                context,
                grpc.StatusCode.UNAVAILABLE,
                "server shutting down",
                error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(seconds=1)),
            )
        except asyncio.CancelledError:
            self.recorder.watch_cancelled.set()
            raise


class FakePolicyAdmin(admin_grpc.PolicyAdminServiceServicer):
    """Only CreateApp and GetApp; everything else is the base class's UNIMPLEMENTED."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    async def CreateApp(
        self,
        request: admin_pb2.CreateAppRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> admin_pb2.CreateAppResponse:
        await authenticate(context, self.recorder, write=True)
        self.recorder.requests.append(request)
        app = app_pb2.App()
        app.CopyFrom(request.app)
        app.name = f"apps/{request.app_id}"
        return admin_pb2.CreateAppResponse(app=app)

    async def GetApp(
        self,
        request: admin_pb2.GetAppRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> admin_pb2.GetAppResponse:
        await authenticate(context, self.recorder, write=False)
        self.recorder.requests.append(request)
        return admin_pb2.GetAppResponse(app=app_pb2.App(name=request.name, display_name="A"))


@dataclass
class FakeClarion:
    """A real grpc.aio server on a real port, with the fakes and a health service."""

    server: grpc.aio.Server
    port: int
    recorder: Recorder
    devices: FakeDeviceRegistry
    health: Any

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


async def start_fake_clarion() -> FakeClarion:
    recorder = Recorder()
    server = grpc.aio.server()
    devices = FakeDeviceRegistry(recorder)
    devices_grpc.add_DeviceRegistryServiceServicer_to_server(devices, server)
    sender_grpc.add_PushSenderServiceServicer_to_server(FakePushSender(recorder), server)
    admin_grpc.add_PolicyAdminServiceServicer_to_server(FakePolicyAdmin(recorder), server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    await health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return FakeClarion(server, port, recorder, devices, health_servicer)


__all__ = [
    "GOOD_KEY",
    "READ_ONLY_KEY",
    "FakeClarion",
    "Recorder",
    "start_fake_clarion",
]
