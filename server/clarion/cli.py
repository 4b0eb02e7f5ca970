"""The `clarion` command: run the server, migrate, and operate a running server over gRPC.

Operator commands (apps, keys, creds, devices) are gRPC clients of a running Clarion, so they
go through the same authentication, authorization and validation as every other caller.
They print protobuf JSON. Secrets are read from files (or `-` for stdin), never from argv.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click
import grpc
from google.protobuf import duration_pb2, field_mask_pb2, json_format, timestamp_pb2
from google.protobuf.message import Message
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from clarion import config as config_module
from clarion.logs import configure_logging
from clarion.v1 import (
    api_key_pb2,
    app_pb2,
    credential_pb2,
    credentials_service_pb2,
    credentials_service_pb2_grpc,
    device_registry_service_pb2,
    device_registry_service_pb2_grpc,
    notification_pb2,
    policy_admin_service_pb2,
    policy_admin_service_pb2_grpc,
    provider_pb2,
    push_sender_service_pb2,
    push_sender_service_pb2_grpc,
    send_pb2,
)

T = TypeVar("T")


# --- server commands --------------------------------------------------------------------------


@click.group()
def main() -> None:
    """Clarion, a self-hosted push-notification gateway."""


def _settings(config_file: str | None, **overrides: Any) -> config_module.Settings:
    try:
        return config_module.load(file=config_file, overrides=overrides)
    except config_module.ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@click.option(
    "--config", "config_file", type=click.Path(dir_okay=False), help="TOML settings file."
)
@click.option("--listen", help="gRPC address, host:port (default 127.0.0.1:50051).")
@click.option("--http-listen", help="REST gateway address, host:port (default 127.0.0.1:8080).")
@click.option("--gateway/--no-gateway", default=None, help="Start the REST gateway (default on).")
@click.option("--database-url", help="SQLAlchemy URL; default SQLite in the data directory.")
@click.option("--data-dir", help="Directory for the embedded defaults (default .clarion).")
@click.option("--role", type=click.Choice(config_module.ROLES), help="What this process runs.")
@click.option("--metrics-listen", help="Prometheus /metrics address, host:port ('' disables).")
@click.option("--log-level", help="debug, info, warning or error.")
@click.option("--log-format", type=click.Choice(config_module.LOG_FORMATS))
def serve(config_file: str | None, **flags: Any) -> None:
    """Run Clarion until SIGTERM/SIGINT (embedded SQLite unless told otherwise)."""
    settings = _settings(config_file, **flags)
    configure_logging(settings.log_level, settings.log_format)
    from clarion.app import serve as run

    asyncio.run(run(settings))


@main.command()
@click.option("--upstream", required=True, help="gRPC address of a Clarion server, host:port.")
@click.option(
    "--listen", default="127.0.0.1:8080", show_default=True, help="host:port to serve on."
)
@click.option("--log-level", default="info")
def gateway(upstream: str, listen: str, log_level: str) -> None:
    """Run the REST gateway alone, in front of a Clarion gRPC server (for separate scaling)."""
    configure_logging(log_level, "text")
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit():
        raise click.BadParameter(f"{listen!r}: expected host:port", param_hint="--listen")
    from clarion.gateway import run_gateway

    run_gateway(upstream, host, int(port))


@main.command()
@click.option("--config", "config_file", type=click.Path(dir_okay=False))
@click.option("--database-url", help="SQLAlchemy URL; default SQLite in the data directory.")
@click.option("--data-dir")
def migrate(config_file: str | None, **flags: Any) -> None:
    """Bring the database schema up to date (the server also does this on start)."""
    settings = _settings(config_file, **flags)
    configure_logging(settings.log_level, settings.log_format)
    from clarion.store.engine import create_engine, current_revision
    from clarion.store.engine import migrate as run_migrations

    async def run() -> str | None:
        if not settings.database_url:
            settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        engine = create_engine(settings.effective_database_url)
        try:
            await run_migrations(engine)
            return await current_revision(engine)
        finally:
            await engine.dispose()

    click.echo(f"schema at revision {asyncio.run(run())}")


# --- gRPC client plumbing ---------------------------------------------------------------------


class Client:
    """A connection to a running Clarion with an API key."""

    def __init__(self, server: str, api_key: str) -> None:
        self.channel = grpc.insecure_channel(server)
        self.metadata = (("authorization", f"Bearer {api_key}"),)
        self.devices = device_registry_service_pb2_grpc.DeviceRegistryServiceStub(self.channel)
        self.creds = credentials_service_pb2_grpc.CredentialsServiceStub(self.channel)
        self.admin = policy_admin_service_pb2_grpc.PolicyAdminServiceStub(self.channel)
        self.push = push_sender_service_pb2_grpc.PushSenderServiceStub(self.channel)

    def call(self, method: Callable[..., T], request: Message) -> T:
        """Call with the key and a 30 s deadline."""
        return method(request, metadata=self.metadata, timeout=30)


def _api_key(explicit: str | None) -> str:
    if explicit:
        return explicit
    from_env = os.environ.get("CLARION_API_KEY")
    if from_env:
        return from_env
    default = Path(".clarion/admin.key")
    if default.exists():
        return default.read_text().strip()
    raise click.ClickException(
        "no API key: pass --api-key-file, set CLARION_API_KEY, or run where .clarion/admin.key is"
    )


pass_client = click.make_pass_decorator(Client)


def _client_group(name: str, help_text: str) -> click.Group:
    @click.group(name=name, help=help_text)
    @click.option(
        "--server",
        envvar="CLARION_SERVER",
        default="127.0.0.1:50051",
        show_default=True,
        help="gRPC address of a running Clarion.",
    )
    @click.option(
        "--api-key-file",
        type=click.File("r"),
        help="File holding the API key (default: $CLARION_API_KEY, then .clarion/admin.key).",
    )
    @click.pass_context
    def group(ctx: click.Context, server: str, api_key_file: Any) -> None:
        key = api_key_file.read().strip() if api_key_file else None
        ctx.obj = Client(server, _api_key(key))

    main.add_command(group)
    return group


def _print(message: Message) -> None:
    click.echo(json_format.MessageToJson(message, indent=2))


@contextmanager
def _grpc_errors() -> Iterator[None]:
    try:
        yield
    except grpc.RpcError as exc:
        status = rpc_status.from_call(exc)
        code = exc.code().name if hasattr(exc, "code") else "UNKNOWN"
        lines = [f"{code}: {exc.details() if hasattr(exc, 'details') else exc}"]
        for detail in status.details if status else ():
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                lines.append(f"  reason: {info.reason}")
            elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                lines += [f"  {v.field}: {v.description}" for v in bad.field_violations]
        raise click.ClickException("\n".join(lines)) from exc


def _read_secret(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    return Path(path).read_text()


_DURATION = re.compile(r"^(\d+)([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta:
    """`30d`, `12h`, `90m`, `2w`, `45s`."""
    match = _DURATION.match(text.strip())
    if not match:
        raise click.BadParameter(f"{text!r}: use a number and a unit, like 30d, 12h or 90m")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


# --- apps -------------------------------------------------------------------------------------

apps = _client_group("apps", "Manage apps (tenants).")


@apps.command("create")
@click.argument("app_id")
@click.option("--display-name", default="")
@pass_client
def apps_create(client: Client, app_id: str, display_name: str) -> None:
    """Create an app (admin key)."""
    with _grpc_errors():
        _print(
            client.call(
                client.admin.CreateApp,
                policy_admin_service_pb2.CreateAppRequest(
                    app_id=app_id, app=app_pb2.App(display_name=display_name)
                ),
            )
        )


def _visible_apps(client: Client) -> Iterator[app_pb2.App]:
    """Every app the key can see, page after page."""
    token = ""
    while True:
        page = client.call(
            client.admin.ListApps,
            policy_admin_service_pb2.ListAppsRequest(page_size=1000, page_token=token),
        )
        yield from page.apps
        token = page.next_page_token
        if not token:
            return


@apps.command("list")
@pass_client
def apps_list(client: Client) -> None:
    """List the apps the key can see."""
    with _grpc_errors():
        for app in _visible_apps(client):
            _print(app)


@apps.command("get")
@click.argument("app_id")
@pass_client
def apps_get(client: Client, app_id: str) -> None:
    """Show one app."""
    with _grpc_errors():
        _print(
            client.call(
                client.admin.GetApp, policy_admin_service_pb2.GetAppRequest(name=f"apps/{app_id}")
            )
        )


@apps.command("set-disabled")
@click.argument("app_id")
@click.argument("disabled", type=bool)
@pass_client
def apps_set_disabled(client: Client, app_id: str, disabled: bool) -> None:
    """Disable (true) or enable (false) an app."""
    with _grpc_errors():
        _print(
            client.call(
                client.admin.UpdateApp,
                policy_admin_service_pb2.UpdateAppRequest(
                    app=app_pb2.App(name=f"apps/{app_id}", disabled=disabled),
                    update_mask=field_mask_pb2.FieldMask(paths=["disabled"]),
                ),
            )
        )


@apps.command("delete")
@click.argument("app_id")
@click.confirmation_option(prompt="Delete the app and everything it owns?")
@pass_client
def apps_delete(client: Client, app_id: str) -> None:
    """Delete an app and everything it owns (admin key)."""
    with _grpc_errors():
        client.call(
            client.admin.DeleteApp, policy_admin_service_pb2.DeleteAppRequest(name=f"apps/{app_id}")
        )
    click.echo(f"deleted apps/{app_id}")


# --- keys -------------------------------------------------------------------------------------

keys = _client_group("keys", "Manage API keys.")
_SCOPE_NAMES = [
    s.removeprefix("SCOPE_").lower().replace("_", ":", 1) for s in api_key_pb2.Scope.keys()[1:]
]


def _scope_value(name: str) -> Any:
    return api_key_pb2.Scope.Value("SCOPE_" + name.replace(":", "_").upper())


@keys.command("create")
@click.option("--app", "app_id", help="The app; omit for a global admin key.")
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(_SCOPE_NAMES))
@click.option("--display-name", default="")
@pass_client
def keys_create(
    client: Client, app_id: str | None, scopes: tuple[str, ...], display_name: str
) -> None:
    """Create a key; its secret is printed once (the `secret` field)."""
    with _grpc_errors():
        _print(
            client.call(
                client.admin.CreateApiKey,
                policy_admin_service_pb2.CreateApiKeyRequest(
                    parent=f"apps/{app_id}" if app_id else "",
                    api_key=api_key_pb2.ApiKey(
                        display_name=display_name,
                        scopes=[_scope_value(s) for s in scopes],
                    ),
                ),
            )
        )


@keys.command("list")
@click.option("--app", "app_id", help="The app; omit for the global keys.")
@pass_client
def keys_list(client: Client, app_id: str | None) -> None:
    """List keys (never their secrets)."""
    with _grpc_errors():
        token = ""
        while True:
            page = client.call(
                client.admin.ListApiKeys,
                policy_admin_service_pb2.ListApiKeysRequest(
                    parent=f"apps/{app_id}" if app_id else "", page_token=token
                ),
            )
            for key in page.api_keys:
                _print(key)
            token = page.next_page_token
            if not token:
                break


@keys.command("revoke")
@click.argument("name")
@pass_client
def keys_revoke(client: Client, name: str) -> None:
    """Revoke a key by resource name (apps/A/apiKeys/K or apiKeys/K)."""
    with _grpc_errors():
        _print(
            client.call(
                client.admin.RevokeApiKey, policy_admin_service_pb2.RevokeApiKeyRequest(name=name)
            )
        )


# --- credentials ------------------------------------------------------------------------------

creds = _client_group("creds", "Manage provider credentials (write-only).")
_ENVS = {
    "sandbox": provider_pb2.APNS_ENVIRONMENT_SANDBOX,
    "production": provider_pb2.APNS_ENVIRONMENT_PRODUCTION,
}


def _put(client: Client, app_id: str, **material: Message) -> None:
    request = credentials_service_pb2.PutCredentialRequest(parent=f"apps/{app_id}")
    for field, value in material.items():
        getattr(request, field).CopyFrom(value)
    with _grpc_errors():
        _print(client.call(client.creds.PutCredential, request))


@creds.command("put-apns")
@click.option("--app", "app_id", required=True)
@click.option("--p8", "p8_file", required=True, help="The .p8 key file, or - for stdin.")
@click.option("--key-id", required=True)
@click.option("--team-id", required=True)
@click.option("--bundle-id", required=True)
@click.option("--environment", type=click.Choice(list(_ENVS)), default="production")
@pass_client
def creds_put_apns(
    client: Client,
    app_id: str,
    p8_file: str,
    key_id: str,
    team_id: str,
    bundle_id: str,
    environment: str,
) -> None:
    """Store APNs token-auth credentials."""
    _put(
        client,
        app_id,
        apns=credential_pb2.ApnsTokenKey(
            p8_key=_read_secret(p8_file),
            key_id=key_id,
            team_id=team_id,
            bundle_id=bundle_id,
            default_environment=_ENVS[environment],
        ),
    )


@creds.command("put-fcm")
@click.option("--app", "app_id", required=True)
@click.option("--service-account", "sa_file", required=True, help="JSON key file, or - for stdin.")
@pass_client
def creds_put_fcm(client: Client, app_id: str, sa_file: str) -> None:
    """Store an FCM service account."""
    _put(
        client,
        app_id,
        fcm=credential_pb2.FcmServiceAccount(service_account_json=_read_secret(sa_file)),
    )


@creds.command("put-webpush")
@click.option("--app", "app_id", required=True)
@click.option("--subject", required=True, help="mailto: or https: contact.")
@click.option(
    "--private-key",
    "key_file",
    help="Import a P-256 key (PEM file or - ); default keeps/generates.",
)
@pass_client
def creds_put_webpush(client: Client, app_id: str, subject: str, key_file: str | None) -> None:
    """Set the VAPID subject (and optionally import a key)."""
    key = _read_secret(key_file) if key_file else ""
    _put(client, app_id, web_push=credential_pb2.WebPushVapid(subject=subject, private_key=key))


@creds.command("put-expo")
@click.option("--app", "app_id", required=True)
@click.option("--token-file", required=True, help="File holding the Expo access token, or -.")
@pass_client
def creds_put_expo(client: Client, app_id: str, token_file: str) -> None:
    """Store an Expo access token."""
    token = _read_secret(token_file).strip()
    _put(client, app_id, expo=credential_pb2.ExpoAccessToken(access_token=token))


@creds.command("put-hms")
@click.option("--app", "app_id", required=True)
@click.option("--hms-app-id", required=True)
@click.option("--client-id", default="")
@click.option("--secret-file", required=True, help="File holding the client secret, or -.")
@pass_client
def creds_put_hms(
    client: Client, app_id: str, hms_app_id: str, client_id: str, secret_file: str
) -> None:
    """Store Huawei HMS client credentials."""
    secret = _read_secret(secret_file).strip()
    _put(
        client,
        app_id,
        hms=credential_pb2.HmsClient(app_id=hms_app_id, client_id=client_id, client_secret=secret),
    )


@creds.command("put-mipush")
@click.option("--app", "app_id", required=True)
@click.option("--package-name", required=True)
@click.option("--region", default="china")
@click.option("--secret-file", required=True, help="File holding the AppSecret, or -.")
@pass_client
def creds_put_mipush(
    client: Client, app_id: str, package_name: str, region: str, secret_file: str
) -> None:
    """Store Xiaomi MiPush credentials."""
    secret = _read_secret(secret_file).strip()
    _put(
        client,
        app_id,
        mipush=credential_pb2.MiPushSecret(
            app_secret=secret, package_name=package_name, region=region
        ),
    )


@creds.command("list")
@click.option("--app", "app_id", required=True)
@pass_client
def creds_list(client: Client, app_id: str) -> None:
    """List credentials (metadata only)."""
    with _grpc_errors():
        found = client.call(
            client.creds.ListCredentials,
            credentials_service_pb2.ListCredentialsRequest(parent=f"apps/{app_id}"),
        )
    for credential in found.credentials:
        _print(credential)


@creds.command("delete")
@click.option("--app", "app_id", required=True)
@click.option(
    "--provider",
    required=True,
    type=click.Choice(["apns", "fcm", "webpush", "expo", "hms", "mipush"]),
)
@pass_client
def creds_delete(client: Client, app_id: str, provider: str) -> None:
    """Delete one credential."""
    with _grpc_errors():
        client.call(
            client.creds.DeleteCredential,
            credentials_service_pb2.DeleteCredentialRequest(
                name=f"apps/{app_id}/credentials/{provider}"
            ),
        )
    click.echo(f"deleted apps/{app_id}/credentials/{provider}")


@creds.command("vapid-key")
@click.option("--app", "app_id", required=True)
@pass_client
def creds_vapid_key(client: Client, app_id: str) -> None:
    """Print the app's VAPID public key (generated on first request)."""
    with _grpc_errors():
        found = client.call(
            client.creds.GetVapidPublicKey,
            credentials_service_pb2.GetVapidPublicKeyRequest(parent=f"apps/{app_id}"),
        )
    click.echo(found.public_key)


# --- devices ----------------------------------------------------------------------------------

devices = _client_group("devices", "Inspect and clean up device registrations.")


@devices.command("list")
@click.option("--app", "app_id", required=True)
@click.option("--user", "user_id", default="")
@click.option("--topic", default="")
@pass_client
def devices_list(client: Client, app_id: str, user_id: str, topic: str) -> None:
    """List devices (all pages)."""
    with _grpc_errors():
        token = ""
        while True:
            page = client.call(
                client.devices.ListDevices,
                device_registry_service_pb2.ListDevicesRequest(
                    parent=f"apps/{app_id}",
                    user_id=user_id,
                    topic=topic,
                    page_token=token,
                    page_size=500,
                ),
            )
            for device in page.devices:
                _print(device)
            token = page.next_page_token
            if not token:
                break


@devices.command("cleanup")
@click.option("--app", "app_id", help="One app; default every app the key can see.")
@click.option(
    "--older-than", required=True, help="Remove devices not seen for this long: 30d, 12h."
)
@click.option("--dry-run", is_flag=True, help="Only count.")
@pass_client
def devices_cleanup(client: Client, app_id: str | None, older_than: str, dry_run: bool) -> None:
    """Remove registrations unused for --older-than."""
    age = duration_pb2.Duration()
    age.FromTimedelta(parse_duration(older_than))
    with _grpc_errors():
        if app_id:
            app_ids = [app_id]
        else:
            # Every page: one ListApps call stops at 1000 apps.
            app_ids = [a.name.removeprefix("apps/") for a in _visible_apps(client)]
        total = 0
        for one in app_ids:
            result = client.call(
                client.devices.PurgeStaleDevices,
                device_registry_service_pb2.PurgeStaleDevicesRequest(
                    parent=f"apps/{one}", older_than=age, dry_run=dry_run
                ),
            )
            total += result.purged_count
            click.echo(f"apps/{one}: {result.purged_count} {'would be ' if dry_run else ''}removed")
    click.echo(f"total: {total} {'would be ' if dry_run else ''}removed")


# --- push test, stats, health, audit -----------------------------------------------------------

push = _client_group("push", "Send notifications.")
_UNDECIDED = (
    send_pb2.DELIVERY_STATUS_ACCEPTED,
    send_pb2.DELIVERY_STATUS_QUEUED,
    send_pb2.DELIVERY_STATUS_SENDING,
    send_pb2.DELIVERY_STATUS_RETRYING,
)


@push.command("test")
@click.option("--app", "app_id", required=True)
@click.option("--device", "device_id", required=True, help="The device id (its name's last part).")
@click.option("--category", default="", help="A category key; its rules apply.")
@click.option("--title", default="Test notification")
@click.option("--body", default="Sent with clarion push test.")
@click.option("--wait", default=10.0, show_default=True, help="Seconds to wait for the outcome.")
@pass_client
def push_test(
    client: Client,
    app_id: str,
    device_id: str,
    category: str,
    title: str,
    body: str,
    wait: float,
) -> None:
    """Send one notification to one device; print its delivery once decided."""
    with _grpc_errors():
        sent = client.call(
            client.push.Send,
            push_sender_service_pb2.SendRequest(
                parent=f"apps/{app_id}",
                target=send_pb2.Target(device_id=device_id),
                notification=notification_pb2.Notification(
                    title=title, body=body, category=category
                ),
            ),
        ).send
        deadline = time.monotonic() + wait
        while True:
            (delivery,) = client.call(
                client.push.ListDeliveries,
                push_sender_service_pb2.ListDeliveriesRequest(parent=sent.name),
            ).deliveries
            undecided = delivery.status in _UNDECIDED
            if not undecided or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    _print(delivery)
    if undecided:
        raise click.ClickException(f"no outcome within {wait:g}s; the send is {sent.name}")


def _server_options(func: Callable[..., None]) -> Callable[..., None]:
    """--server and --api-key-file, as the command groups take them."""
    func = click.option(
        "--api-key-file",
        type=click.File("r"),
        help="File holding the API key (default: $CLARION_API_KEY, then .clarion/admin.key).",
    )(func)
    return click.option(
        "--server",
        envvar="CLARION_SERVER",
        default="127.0.0.1:50051",
        show_default=True,
        help="gRPC address of a running Clarion.",
    )(func)


def _connect(server: str, api_key_file: Any) -> Client:
    return Client(server, _api_key(api_key_file.read().strip() if api_key_file else None))


def _ago(text: str) -> timestamp_pb2.Timestamp:
    at = timestamp_pb2.Timestamp()
    at.FromDatetime(datetime.now(UTC) - parse_duration(text))
    return at


@main.command()
@_server_options
@click.option("--app", "app_id", required=True)
@click.option("--since", default="24h", show_default=True, help="The window: 30m, 24h, 7d...")
def stats(server: str, api_key_file: Any, app_id: str, since: str) -> None:
    """Delivery statistics of an app over the last --since (GetStats)."""
    client = _connect(server, api_key_file)
    with _grpc_errors():
        _print(
            client.call(
                client.admin.GetStats,
                policy_admin_service_pb2.GetStatsRequest(
                    parent=f"apps/{app_id}", start_time=_ago(since)
                ),
            )
        )


@main.command()
@_server_options
@click.option("--app", "app_id", required=True)
def health(server: str, api_key_file: Any, app_id: str) -> None:
    """Top failure reasons of 7 days, the last 10 failures, the queue (GetDeliveryHealth)."""
    client = _connect(server, api_key_file)
    with _grpc_errors():
        _print(
            client.call(
                client.admin.GetDeliveryHealth,
                policy_admin_service_pb2.GetDeliveryHealthRequest(parent=f"apps/{app_id}"),
            )
        )


@main.command()
@_server_options
@click.option("--app", "app_id", required=True)
@click.option("--action", "action_prefix", default="", help="Actions starting with this: push.")
@click.option("--actor", default="", help="Entries of one API key (its resource name).")
@click.option("--since", default="", help="Only the last 30m, 24h, 7d...")
@click.option("--limit", default=100, show_default=True, help="At most this many entries.")
def audit(
    server: str,
    api_key_file: Any,
    app_id: str,
    action_prefix: str,
    actor: str,
    since: str,
    limit: int,
) -> None:
    """The app's audit log, newest first (ListAuditEntries)."""
    client = _connect(server, api_key_file)
    start = _ago(since) if since else None
    shown, token = 0, ""
    with _grpc_errors():
        while shown < limit:
            page = client.call(
                client.admin.ListAuditEntries,
                policy_admin_service_pb2.ListAuditEntriesRequest(
                    parent=f"apps/{app_id}",
                    action_prefix=action_prefix,
                    actor=actor,
                    start_time=start,
                    page_size=min(1000, limit - shown),
                    page_token=token,
                ),
            )
            for entry in page.entries:
                _print(entry)
            shown += len(page.entries)
            token = page.next_page_token
            if not token:
                break


if __name__ == "__main__":
    main()
