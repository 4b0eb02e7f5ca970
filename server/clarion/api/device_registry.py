"""DeviceRegistryService: register, read, list, update, unregister and purge devices."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar

from clarion.api.auth import Authenticator
from clarion.api.errors import Ctx, rpc
from clarion.api.times import td, ts
from clarion.domain import names
from clarion.domain.access import Principal, Scope
from clarion.domain.credential_rules import ApnsEnvironment
from clarion.domain.device_rules import MAX_TOPICS_PER_DEVICE, Provider, validate_topics
from clarion.domain.devices import (
    Device,
    DeviceInput,
    DeviceStatus,
    Platform,
    validate_registration,
    validate_update,
)
from clarion.domain.errors import InvalidArgument, PermissionDenied
from clarion.domain.paging import PageRequest
from clarion.secrets import TokenCipher, token_aad
from clarion.store.audit import AuditEntry, AuditLog
from clarion.store.clock import utcnow
from clarion.store.devices import DeviceFilter, DeviceStore, SealedToken
from clarion.v1 import device_pb2, provider_pb2
from clarion.v1 import device_registry_service_pb2 as pb
from clarion.v1 import device_registry_service_pb2_grpc as pb_grpc

T = TypeVar("T")

PROVIDERS: Final = {
    provider_pb2.PROVIDER_APNS: Provider.APNS,
    provider_pb2.PROVIDER_FCM: Provider.FCM,
    provider_pb2.PROVIDER_WEBPUSH: Provider.WEBPUSH,
    provider_pb2.PROVIDER_EXPO: Provider.EXPO,
    provider_pb2.PROVIDER_HMS: Provider.HMS,
    provider_pb2.PROVIDER_MIPUSH: Provider.MIPUSH,
}
PROVIDER_ENUMS: Final = {v: k for k, v in PROVIDERS.items()}
PLATFORMS: Final = {
    device_pb2.PLATFORM_UNSPECIFIED: Platform.UNSPECIFIED,
    device_pb2.PLATFORM_IOS: Platform.IOS,
    device_pb2.PLATFORM_ANDROID: Platform.ANDROID,
    device_pb2.PLATFORM_WEB: Platform.WEB,
    device_pb2.PLATFORM_MACOS: Platform.MACOS,
    device_pb2.PLATFORM_WATCHOS: Platform.WATCHOS,
    device_pb2.PLATFORM_TVOS: Platform.TVOS,
    device_pb2.PLATFORM_HARMONYOS: Platform.HARMONYOS,
}
PLATFORM_ENUMS: Final = {v: k for k, v in PLATFORMS.items()}
ENVIRONMENTS: Final = {
    provider_pb2.APNS_ENVIRONMENT_SANDBOX: ApnsEnvironment.SANDBOX,
    provider_pb2.APNS_ENVIRONMENT_PRODUCTION: ApnsEnvironment.PRODUCTION,
}
ENVIRONMENT_ENUMS: Final = {v: k for k, v in ENVIRONMENTS.items()}
STATUSES: Final = {
    device_pb2.DEVICE_STATUS_ACTIVE: DeviceStatus.ACTIVE,
    device_pb2.DEVICE_STATUS_STALE: DeviceStatus.STALE,
    device_pb2.DEVICE_STATUS_REVOKED: DeviceStatus.REVOKED,
    device_pb2.DEVICE_STATUS_INVALID: DeviceStatus.INVALID,
}
STATUS_ENUMS: Final = {v: k for k, v in STATUSES.items()}


def _enum(table: Mapping[Any, T], value: int, field: str) -> T:
    if value not in table:
        raise InvalidArgument.field(field, f"unknown enum value {value}", reason="INVALID_ENUM")
    return table[value]


def device_input(msg: device_pb2.Device) -> DeviceInput:
    """The wire device as the domain's unvalidated input."""
    web_push = None
    if msg.HasField("web_push"):
        web_push = (msg.web_push.endpoint, msg.web_push.p256dh, msg.web_push.auth)
    provider = None
    if msg.provider != provider_pb2.PROVIDER_UNSPECIFIED:
        provider = _enum(PROVIDERS, msg.provider, "device.provider")
    env = None
    if msg.apns_environment != provider_pb2.APNS_ENVIRONMENT_UNSPECIFIED:
        env = _enum(ENVIRONMENTS, msg.apns_environment, "device.apns_environment")
    return DeviceInput(
        install_id=msg.install_id,
        user_id=msg.user_id,
        provider=provider,
        platform=_enum(PLATFORMS, msg.platform, "device.platform"),
        token=msg.token,
        web_push=web_push,
        apns_environment=env,
        locale=msg.locale,
        time_zone=msg.time_zone,
        app_version=msg.app_version,
        os_version=msg.os_version,
        device_model=msg.device_model,
        topics=tuple(msg.topics),
        category_preferences=dict(msg.category_preferences),
        quiet_hours=(
            (msg.quiet_hours.start_minute, msg.quiet_hours.end_minute)
            if msg.HasField("quiet_hours")
            else None
        ),
    )


def device_message(device: Device) -> device_pb2.Device:
    """The stored device on the wire (never its token)."""
    msg = device_pb2.Device(
        name=names.device_name(device.app_id, device.id),
        install_id=device.install_id or "",
        user_id=device.user_id or "",
        provider=PROVIDER_ENUMS[device.provider],
        platform=PLATFORM_ENUMS[device.platform],
        apns_environment=(
            ENVIRONMENT_ENUMS[device.apns_environment]
            if device.apns_environment
            else provider_pb2.APNS_ENVIRONMENT_UNSPECIFIED
        ),
        locale=device.locale,
        time_zone=device.time_zone,
        app_version=device.app_version,
        os_version=device.os_version,
        device_model=device.device_model,
        topics=device.topics,
        category_preferences=dict(device.category_preferences),
        status=STATUS_ENUMS[device.status],
        status_reason=device.status_reason,
        token_hint=device.token_hint,
        create_time=ts(device.created_at),
        update_time=ts(device.updated_at),
        last_seen_time=ts(device.last_seen_at),
    )
    if device.quiet_hours is not None:
        msg.quiet_hours.start_minute = device.quiet_hours.start_minute
        msg.quiet_hours.end_minute = device.quiet_hours.end_minute
    return msg


class DeviceRegistry(pb_grpc.DeviceRegistryServiceServicer):
    """The DeviceRegistryService handlers."""

    def __init__(
        self, auth: Authenticator, devices: DeviceStore, tokens: TokenCipher, audit: AuditLog
    ) -> None:
        self._audit = audit
        self._auth = auth
        self._devices = devices
        self._tokens = tokens

    async def _writer(self, context: Ctx, ref: names.DeviceRef) -> Principal:
        """devices:write, or devices:register when the device is named by install id."""
        principal = await self._auth.principal(context)
        principal.require(ref.app_id, Scope.DEVICES_WRITE, Scope.DEVICES_REGISTER)
        if principal.only_registers(ref.app_id) and ref.install_id is None:
            raise PermissionDenied(
                "a devices:register key may only address a device by install id "
                "(apps/{app}/installs/{install_id})",
                reason="INSTALL_ID_REQUIRED",
            )
        return principal

    @rpc
    async def RegisterDevice(
        self, request: pb.RegisterDeviceRequest, context: Ctx
    ) -> pb.RegisterDeviceResponse:
        principal = await self._auth.principal(context)
        app_id = names.app_id_of(request.parent)
        principal.require(app_id, Scope.DEVICES_WRITE, Scope.DEVICES_REGISTER)
        reg = validate_registration(
            device_input(request.device), require_install_id=principal.only_registers(app_id)
        )
        aad = token_aad(app_id, reg.provider)
        sealed = SealedToken(
            lookup_hash=self._tokens.lookup_hash(app_id, str(reg.provider), reg.token),
            ciphertext=self._tokens.encrypt(reg.secret, aad),
        )
        device, created = await self._devices.register(app_id, reg, sealed)
        await self._audit.record(
            AuditEntry(
                app_id,
                principal.key_name,
                "device.register",
                names.device_name(app_id, device.id),
                {"provider": str(reg.provider), "created": str(created).lower()},
            )
        )
        return pb.RegisterDeviceResponse(device=device_message(device), created=created)

    @rpc
    async def GetDevice(self, request: pb.GetDeviceRequest, context: Ctx) -> pb.GetDeviceResponse:
        principal = await self._auth.principal(context)
        ref = names.device_ref(request.name)
        principal.require(ref.app_id, Scope.DEVICES_READ)
        return pb.GetDeviceResponse(device=device_message(await self._devices.get(ref)))

    @rpc
    async def ListDevices(
        self, request: pb.ListDevicesRequest, context: Ctx
    ) -> pb.ListDevicesResponse:
        principal = await self._auth.principal(context)
        app_id = names.app_id_of(request.parent)
        principal.require(app_id, Scope.DEVICES_READ)
        flt = DeviceFilter(
            user_id=request.user_id or None,
            install_id=request.install_id or None,
            provider=(_enum(PROVIDERS, request.provider, "provider") if request.provider else None),
            status=_enum(STATUSES, request.status, "status") if request.status else None,
            topic=request.topic or None,
            platform=_enum(PLATFORMS, request.platform, "platform") if request.platform else None,
        )
        pages = PageRequest.parse(request.page_size, request.page_token, flt)
        found = await self._devices.list(app_id, flt, pages.after, pages.fetch)
        page, next_token = pages.cut(found, lambda d: d.id)
        return pb.ListDevicesResponse(
            devices=[device_message(d) for d in page], next_page_token=next_token
        )

    @rpc
    async def UpdateDevice(
        self, request: pb.UpdateDeviceRequest, context: Ctx
    ) -> pb.UpdateDeviceResponse:
        ref = names.device_ref(request.device.name, field="device.name")
        await self._writer(context, ref)
        changes = validate_update(device_input(request.device), list(request.update_mask.paths))
        device = await self._devices.update(ref, changes)
        return pb.UpdateDeviceResponse(device=device_message(device))

    @rpc
    async def UnregisterDevice(
        self, request: pb.UnregisterDeviceRequest, context: Ctx
    ) -> pb.UnregisterDeviceResponse:
        ref = names.device_ref(request.name)
        principal = await self._writer(context, ref)
        device = await self._devices.revoke(ref)
        await self._audit.record(
            AuditEntry(
                ref.app_id,
                principal.key_name,
                "device.unregister",
                names.device_name(ref.app_id, device.id),
            )
        )
        return pb.UnregisterDeviceResponse(device=device_message(device))

    async def _topics(
        self, context: Ctx, name: str, topics: list[str], *, subscribe: bool
    ) -> device_pb2.Device:
        principal = await self._auth.principal(context)
        ref = names.device_ref(name, allow_install=False)
        principal.require(ref.app_id, Scope.DEVICES_WRITE)
        if not topics:
            raise InvalidArgument.field("topics", "name at least one topic", reason="INVALID_TOPIC")
        checked = validate_topics(topics, field="topics")
        add, remove = (checked, ()) if subscribe else ((), checked)
        device = await self._devices.change_topics(ref, add, remove, MAX_TOPICS_PER_DEVICE)
        return device_message(device)

    @rpc
    async def SubscribeTopics(
        self, request: pb.SubscribeTopicsRequest, context: Ctx
    ) -> pb.SubscribeTopicsResponse:
        device = await self._topics(context, request.name, list(request.topics), subscribe=True)
        return pb.SubscribeTopicsResponse(device=device)

    @rpc
    async def UnsubscribeTopics(
        self, request: pb.UnsubscribeTopicsRequest, context: Ctx
    ) -> pb.UnsubscribeTopicsResponse:
        device = await self._topics(context, request.name, list(request.topics), subscribe=False)
        return pb.UnsubscribeTopicsResponse(device=device)

    @rpc
    async def PurgeStaleDevices(
        self, request: pb.PurgeStaleDevicesRequest, context: Ctx
    ) -> pb.PurgeStaleDevicesResponse:
        principal = await self._auth.principal(context)
        app_id = names.app_id_of(request.parent)
        principal.require(app_id, Scope.DEVICES_WRITE)
        older_than = td(request.older_than) if request.HasField("older_than") else timedelta(0)
        if older_than <= timedelta(0):
            raise InvalidArgument.field(
                "older_than", "a positive duration is required", reason="INVALID_DURATION"
            )
        try:
            seen_before = utcnow() - older_than
        except OverflowError:
            # Longer ago than the calendar goes (Duration allows 10,000 years): nothing is older.
            seen_before = datetime.min.replace(tzinfo=UTC)
        count = await self._devices.purge_stale(app_id, seen_before, request.dry_run)
        if not request.dry_run:
            await self._audit.record(
                AuditEntry(
                    app_id,
                    principal.key_name,
                    "device.purge",
                    f"apps/{app_id}",
                    {"purged": str(count), "seen_before": seen_before.isoformat()},
                )
            )
        return pb.PurgeStaleDevicesResponse(purged_count=count, dry_run=request.dry_run)
