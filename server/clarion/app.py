"""Wiring: the one module that knows every part and puts a running Clarion together."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from sqlalchemy.engine import make_url

from clarion.api.auth import Authenticator
from clarion.api.credentials import Credentials
from clarion.api.device_registry import DeviceRegistry
from clarion.api.policy_admin import PolicyAdmin
from clarion.api.push_sender import PushSender, SendLimits
from clarion.config import Settings
from clarion.dispatch.dispatcher import Dispatcher, DispatchSettings
from clarion.dispatch.expo_receipts import ExpoReceiptJob, ReceiptSettings
from clarion.dispatch.policy import PolicyStage
from clarion.dispatch.ratelimit import RateLimiter
from clarion.dispatch.retention import RetentionJob
from clarion.domain.access import Scope
from clarion.domain.device_rules import Provider
from clarion.domain.push import ProviderCredential
from clarion.metrics import (
    EXPO_TICKETS_PENDING,
    QUEUE_DEPTH,
    QUEUE_OLDEST_AGE,
    RATE_LIMIT_BACKLOG,
    SEND_COMMITS,
    MeteredTransport,
    MetricsServer,
    observe_transport,
)
from clarion.providers.apns import ApnsProvider
from clarion.providers.base import Provider as ProviderClient
from clarion.providers.expo import ExpoProvider
from clarion.providers.fcm import FcmProvider
from clarion.providers.hms import HmsProvider
from clarion.providers.mipush import MiPushProvider
from clarion.providers.transport import Transport, TransportConfig
from clarion.providers.webpush import WebPushProvider
from clarion.secrets import Envelope, MasterKeyRing, TokenCipher
from clarion.store.api_keys import ApiKeyStore
from clarion.store.apps import AppStore
from clarion.store.audit import AuditLog
from clarion.store.backlog import Backlog
from clarion.store.categories import CategoryStore
from clarion.store.clock import utcnow
from clarion.store.credentials import CredentialStore
from clarion.store.devices import DeviceStore
from clarion.store.engine import create_engine, is_sqlite, migrate
from clarion.store.expo_tickets import ExpoTickets
from clarion.store.policy import PolicyReader, PolicyStore
from clarion.store.queue import DeliveryQueue
from clarion.store.receipts import ReceiptLog
from clarion.store.retention import RetentionStore
from clarion.store.sends import SendStore
from clarion.store.signals import Signals
from clarion.store.stats import StatsStore
from clarion.v1 import (
    credentials_service_pb2,
    credentials_service_pb2_grpc,
    device_registry_service_pb2,
    device_registry_service_pb2_grpc,
    policy_admin_service_pb2,
    policy_admin_service_pb2_grpc,
    push_sender_service_pb2,
    push_sender_service_pb2_grpc,
)

log = logging.getLogger("clarion")

SERVICE_NAMES = (
    device_registry_service_pb2.DESCRIPTOR.services_by_name["DeviceRegistryService"].full_name,
    credentials_service_pb2.DESCRIPTOR.services_by_name["CredentialsService"].full_name,
    push_sender_service_pb2.DESCRIPTOR.services_by_name["PushSenderService"].full_name,
    policy_admin_service_pb2.DESCRIPTOR.services_by_name["PolicyAdminService"].full_name,
)


def load_key_ring(settings: Settings) -> MasterKeyRing:
    """CLARION_MASTER_KEY when set, else the key file (created 0600 on first start)."""
    ring = MasterKeyRing.from_env()
    if ring is not None:
        log.info("master key: from CLARION_MASTER_KEY (%d key(s))", len(ring.key_ids))
        return ring
    path = settings.master_key_path
    existed = path.exists()
    ring = MasterKeyRing.load_or_create(path)
    log.info("master key: %s %s", "loaded" if existed else "created", path)
    return ring


def _write_secret_file(path: Path, secret: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret + "\n")


@dataclass
class Stores:
    """The store objects, shared by the servicers."""

    apps: AppStore
    keys: ApiKeyStore
    devices: DeviceStore
    credentials: CredentialStore
    sends: SendStore
    receipts: ReceiptLog
    queue: DeliveryQueue
    signals: Signals
    expo_tickets: ExpoTickets
    backlog: Backlog


class Clarion:
    """A running Clarion process: database, secrets, the gRPC server and the dispatcher.

    `settings.role` picks what runs: `api` (gRPC + REST), `dispatcher` (delivery workers)
    or `all`. Metrics are served by every role unless `metrics_listen` is empty.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = 0
        self.http_port = 0
        self.metrics_port = 0
        self.dispatcher: Dispatcher | None = None
        self.retention: RetentionJob | None = None
        self.limiter: RateLimiter | None = None
        self.expo_receipts: ExpoReceiptJob | None = None
        self.transport: Transport | None = None
        self._server: grpc.aio.Server | None = None
        self._health = health.aio.HealthServicer()
        self._engine: Any = None
        self._signals: Signals | None = None
        self._extra_stops: list[Any] = []

    async def start(self) -> None:
        """Migrate, load secrets, bootstrap the first admin key, and start the role's parts."""
        s = self.settings
        url = s.effective_database_url
        if is_sqlite(url) and not s.database_url:
            s.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        ring = load_key_ring(s)
        self._engine = create_engine(url, pool_size=s.db_pool_size)
        await migrate(self._engine)
        log.info("database: %s (schema migrated)", _redact(url))
        signals = self._signals = Signals(self._engine)
        await signals.start()
        stores = Stores(
            apps=AppStore(self._engine),
            keys=ApiKeyStore(self._engine),
            devices=DeviceStore(self._engine),
            credentials=CredentialStore(self._engine),
            sends=SendStore(self._engine, signals, on_commit=SEND_COMMITS.observe),
            receipts=ReceiptLog(self._engine),
            queue=DeliveryQueue(self._engine, signals),
            signals=signals,
            expo_tickets=ExpoTickets(self._engine, signals),
            backlog=Backlog(self._engine),
        )
        await self._bootstrap_admin_key(stores.keys)
        if s.role in ("all", "dispatcher"):
            await self._start_dispatcher(stores, ring)
        if s.metrics_listen:
            await self._start_metrics(stores)
        if s.role in ("all", "api"):
            await self._start_api(stores, ring)

    async def _start_dispatcher(self, stores: Stores, ring: MasterKeyRing) -> None:
        s = self.settings
        transport = self.transport = Transport(
            TransportConfig(
                connect_timeout=s.provider_connect_timeout,
                request_timeout=s.provider_request_timeout,
                ca_file=s.provider_ca_file or None,
            )
        )
        fcm = FcmProvider(
            MeteredTransport(transport, "fcm"),
            base_url=s.fcm_url,
            ca_file=s.provider_ca_file or None,
        )
        hms = HmsProvider(
            MeteredTransport(transport, "hms"),
            push_url=s.hms_push_url,
            oauth_url=s.hms_oauth_url,
            ca_file=s.provider_ca_file or None,
        )
        expo = ExpoProvider(MeteredTransport(transport, "expo"), base_url=s.expo_url)
        providers: dict[Provider, ProviderClient] = {
            Provider.APNS: ApnsProvider(
                MeteredTransport(transport, "apns"),
                production_url=s.apns_production_url,
                sandbox_url=s.apns_sandbox_url,
            ),
            Provider.FCM: fcm,
            Provider.WEBPUSH: WebPushProvider(MeteredTransport(transport, "webpush")),
            Provider.EXPO: expo,
            Provider.HMS: hms,
            Provider.MIPUSH: MiPushProvider(
                MeteredTransport(transport, "mipush"),
                hosts={
                    "china": s.mipush_china_url,
                    "global-sgp": s.mipush_sgp_url,
                    "global-eea": s.mipush_eea_url,
                    "global-ru": s.mipush_ru_url,
                    "global-in": s.mipush_in_url,
                },
            ),
        }
        limiter = self.limiter = RateLimiter(_rate_limits(s), stores.backlog)
        lease = timedelta(seconds=s.dispatch_lease_seconds)

        async def expo_credential(app_id: str) -> ProviderCredential | None:
            return await dispatcher.credential(app_id, Provider.EXPO)

        receipts = self.expo_receipts = ExpoReceiptJob(
            stores.expo_tickets,
            expo,
            expo_credential,
            ReceiptSettings(
                delay=timedelta(seconds=s.expo_receipt_delay_seconds),
                recheck=timedelta(seconds=s.expo_receipt_recheck_seconds),
                poll_seconds=s.expo_receipt_poll_seconds,
                lease=lease,
                max_attempts=s.dispatch_max_attempts,
            ),
        )
        dispatcher = self.dispatcher = Dispatcher(
            stores.queue,
            stores.credentials,
            Envelope(ring),
            TokenCipher(ring),
            providers,
            stores.signals,
            PolicyStage(PolicyReader(self._engine)),
            DispatchSettings(
                workers=s.dispatch_workers,
                batch_size=s.dispatch_batch_size,
                lease=lease,
                max_attempts=s.dispatch_max_attempts,
                poll_seconds=s.dispatch_poll_seconds,
                linger_seconds=s.dispatch_linger_seconds,
            ),
            limiter=limiter,
            before_settle=receipts.keep,
        )
        await dispatcher.start()
        retention = self.retention = RetentionJob(
            RetentionStore(self._engine), s.retention_interval_seconds
        )
        retention.start()
        await receipts.start()

        async def stop_dispatching() -> None:
            await receipts.stop()
            await retention.stop()
            await dispatcher.stop()
            await fcm.aclose()
            await hms.aclose()
            await transport.aclose()

        self.on_stop(stop_dispatching)
        log.info(
            "dispatcher: %d workers, batches of %d, lease %.0fs",
            s.dispatch_workers,
            s.dispatch_batch_size,
            s.dispatch_lease_seconds,
        )

    async def _start_metrics(self, stores: Stores) -> None:
        async def collect() -> None:
            if self.dispatcher is None:
                return
            stats = await stores.queue.stats(utcnow())
            QUEUE_DEPTH.set(stats.due)
            oldest = stats.oldest_due_at
            QUEUE_OLDEST_AGE.set((utcnow() - oldest).total_seconds() if oldest else 0.0)
            if self.transport is not None:
                observe_transport(self.transport.stats())
            if self.limiter is not None:
                pending = await stores.backlog.pending(self.limiter.limits)
                for (app_id, provider), count in pending.items():
                    RATE_LIMIT_BACKLOG.labels(app_id, provider).set(count)
                for labels in _stale_backlogs(self.limiter, pending):
                    RATE_LIMIT_BACKLOG.labels(*labels).set(0)
            EXPO_TICKETS_PENDING.set(await stores.expo_tickets.pending())

        server = MetricsServer(self.settings.metrics_listen, collect=collect)
        await server.start()
        self.metrics_port = server.port
        self.on_stop(server.stop)  # MetricsServer logs its own address

    async def _start_api(self, stores: Stores, ring: MasterKeyRing) -> None:
        s = self.settings
        auth = Authenticator(stores.keys, cache_seconds=s.auth_cache_seconds)
        audit = AuditLog(self._engine)

        server = grpc.aio.server(
            options=[
                ("grpc.max_receive_message_length", 8 * 1024 * 1024),
                ("grpc.so_reuseport", 0),
            ]
        )
        device_registry_service_pb2_grpc.add_DeviceRegistryServiceServicer_to_server(
            DeviceRegistry(auth, stores.devices, TokenCipher(ring), audit), server
        )
        credentials_service_pb2_grpc.add_CredentialsServiceServicer_to_server(
            Credentials(auth, stores.credentials, Envelope(ring), audit), server
        )
        push_sender_service_pb2_grpc.add_PushSenderServiceServicer_to_server(
            PushSender(
                auth,
                stores.sends,
                stores.receipts,
                stores.apps,
                stores.signals,
                CategoryStore(self._engine),
                audit,
                SendLimits(s.max_bulk_recipients, s.max_batch_items),
            ),
            server,
        )
        policy_admin_service_pb2_grpc.add_PolicyAdminServiceServicer_to_server(
            PolicyAdmin(
                auth,
                stores.apps,
                stores.keys,
                PolicyStore(self._engine),
                CategoryStore(self._engine),
                audit,
                StatsStore(self._engine),
            ),
            server,
        )
        health_pb2_grpc.add_HealthServicer_to_server(self._health, server)
        reflection.enable_server_reflection(
            (
                *SERVICE_NAMES,
                health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
                reflection.SERVICE_NAME,
            ),
            server,
        )
        self.port = server.add_insecure_port(s.listen)
        if self.port == 0:
            raise OSError(f"cannot listen on {s.listen}")
        await server.start()
        self._server = server
        for name in ("", *SERVICE_NAMES):
            await self._health.set(name, health_pb2.HealthCheckResponse.SERVING)
        host = s.listen.rpartition(":")[0]
        log.info("gRPC listening on %s:%d (reflection and health on)", host, self.port)
        if s.gateway:
            await self._start_gateway()

    async def _start_gateway(self) -> None:
        """The REST gateway, beside the gRPC server, speaking to it over gRPC like any client."""
        from clarion.gateway import Gateway

        http_host, _, http_port = self.settings.http_listen.rpartition(":")
        gateway = Gateway(f"127.0.0.1:{self.port}", host=http_host, port=int(http_port))
        await gateway.start()
        self.http_port = gateway.port
        self.on_stop(gateway.stop)

    async def _bootstrap_admin_key(self, keys: ApiKeyStore) -> None:
        """On a database with no keys at all, make the first admin key and write it to a file."""
        if await keys.count() > 0:
            return
        path = self.settings.admin_key_path
        if path.exists():
            log.warning(
                "the database has no API keys but %s exists: not overwriting it; remove it "
                "and restart to get a new admin key",
                path,
            )
            return
        _record, secret = await keys.create(None, "bootstrap admin", frozenset({Scope.ADMIN}), None)
        _write_secret_file(path, secret)
        log.info("first admin API key written to %s (mode 0600)", path)

    async def stop(self, grace: float | None = None) -> None:
        """Graceful shutdown: NOT_SERVING, let calls finish for `grace` seconds, close."""
        await self._health.enter_graceful_shutdown()
        for stop in reversed(self._extra_stops):
            await stop()
        if self._server is not None:
            await self._server.stop(
                self.settings.shutdown_grace_seconds if grace is None else grace
            )
        if self._signals is not None:
            await self._signals.stop()
        if self._engine is not None:
            await self._engine.dispose()

    def on_stop(self, stop: Any) -> None:
        """Register a coroutine function to await at shutdown (before the gRPC server stops)."""
        self._extra_stops.append(stop)


def _rate_limits(s: Settings) -> dict[str, float]:
    """Notifications per second per credential, by provider (0: unlimited)."""
    return {
        Provider.EXPO: s.expo_rate_limit,
        Provider.APNS: s.apns_rate_limit,
        Provider.FCM: s.fcm_rate_limit,
        Provider.WEBPUSH: s.webpush_rate_limit,
        Provider.HMS: s.hms_rate_limit,
        Provider.MIPUSH: s.mipush_rate_limit,
    }


def _stale_backlogs(
    limiter: RateLimiter, pending: dict[tuple[str, str], int]
) -> list[tuple[str, str]]:
    """Credentials the limiter has seen whose backlog is now empty (reported as 0)."""
    return [key for key in limiter.credentials() if key not in pending]


def _redact(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


async def serve(settings: Settings) -> None:
    """Run until SIGTERM or SIGINT, then shut down gracefully."""
    app = Clarion(settings)
    await app.start()
    # Everything made while starting (modules, the compiled-statement cache, protobuf
    # descriptors) lives as long as the process: keep it out of the collector's sweeps, so
    # full collections stay short and no request waits behind one.
    gc.freeze()
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    await stopping.wait()
    log.info("shutting down (grace %.0fs)", settings.shutdown_grace_seconds)
    await app.stop()
    log.info("stopped")
