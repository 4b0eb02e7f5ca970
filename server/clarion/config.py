"""Configuration: defaults < TOML file < `CLARION_*` environment < command-line flags.

Settings are one frozen, typed object. Unknown keys are errors, in the file and in the
environment alike: a misspelt setting that is silently ignored is a production incident.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Final

# Environment variables that are not settings but are read elsewhere on purpose.
_OTHER_ENV: Final = frozenset(
    {
        "CLARION_CONFIG",  # path of the TOML file
        "CLARION_MASTER_KEY",  # the master key ring itself (clarion.secrets)
        "CLARION_API_KEY",  # the CLI's credentials
        "CLARION_SERVER",  # the CLI's server address
    }
)
_OTHER_ENV_PREFIXES: Final = ("CLARION_TEST_",)  # the test suite's own variables

ROLES: Final = ("all", "api", "dispatcher")
PROVIDER_URLS: Final = (
    "apns_production_url",
    "apns_sandbox_url",
    "fcm_url",
    "expo_url",
    "hms_oauth_url",
    "hms_push_url",
    "mipush_china_url",
    "mipush_sgp_url",
    "mipush_eea_url",
    "mipush_ru_url",
    "mipush_in_url",
)
LOG_FORMATS: Final = ("text", "json")


class ConfigError(Exception):
    """The configuration is invalid; the message says which key and why."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything `clarion serve` can be told."""

    # Where the embedded defaults live: SQLite file, master key, first admin key.
    data_dir: Path = Path(".clarion")
    # SQLAlchemy URL; empty means SQLite in data_dir. Postgres: postgresql+psycopg://...
    database_url: str = ""
    # gRPC listen address (host:port; port 0 picks a free one).
    listen: str = "127.0.0.1:50051"
    # REST gateway listen address, started beside the gRPC server unless `gateway` is false.
    http_listen: str = "127.0.0.1:8080"
    gateway: bool = True
    # What this process does: api (gRPC + REST), dispatcher (delivery workers), or all.
    role: str = "all"
    # Master key file, used when CLARION_MASTER_KEY is not set; empty means data_dir/master.key.
    master_key_file: str = ""
    # Where the first admin API key is written on a fresh database; empty: data_dir/admin.key.
    admin_key_file: str = ""
    log_level: str = "info"
    log_format: str = "text"
    # How long a validated API key is trusted before it is looked up again.
    auth_cache_seconds: float = 5.0
    # How long in-flight calls may finish after SIGTERM.
    shutdown_grace_seconds: float = 10.0
    # Database connection pool size (Postgres).
    db_pool_size: int = 10
    # Prometheus metrics (GET /metrics) listen address; empty disables the endpoint.
    metrics_listen: str = "127.0.0.1:9464"

    # Sending: request limits.
    max_bulk_recipients: int = 500
    max_batch_items: int = 500
    # The dispatcher: concurrent workers, deliveries claimed per batch, how long a claim
    # holds before another dispatcher may take the deliveries over, attempts before FAILED,
    # and how often an idle worker looks for due deliveries without being woken.
    dispatch_workers: int = 8
    dispatch_batch_size: int = 500
    dispatch_lease_seconds: float = 60.0
    dispatch_max_attempts: int = 8
    dispatch_poll_seconds: float = 1.0
    dispatch_linger_seconds: float = 0.05
    # How often a dispatcher sweeps stale devices and old receipts (each app's retention).
    retention_interval_seconds: float = 86400.0

    # Providers: base URLs (tests and benchmarks point them at local fakes), the CA bundle
    # the provider transport trusts instead of the system store (empty: system store), and
    # the transport's timeouts in seconds.
    apns_production_url: str = "https://api.push.apple.com"
    apns_sandbox_url: str = "https://api.sandbox.push.apple.com"
    fcm_url: str = "https://fcm.googleapis.com"
    expo_url: str = "https://exp.host"
    hms_oauth_url: str = "https://oauth-login.cloud.huawei.com/oauth2/v3/token"
    hms_push_url: str = "https://push-api.cloud.huawei.com"
    # MiPush hosts by credential region: china, global-sgp, global-eea, global-ru, global-in.
    mipush_china_url: str = "https://api.xmpush.xiaomi.com"
    mipush_sgp_url: str = "https://sgp-api.xmpush.global.xiaomi.com"
    mipush_eea_url: str = "https://fr-api.xmpush.global.xiaomi.com"
    mipush_ru_url: str = "https://ru-api.xmpush.global.xiaomi.com"
    mipush_in_url: str = "https://idmb-api.xmpush.global.xiaomi.com"
    provider_ca_file: str = ""
    provider_connect_timeout: float = 10.0
    provider_request_timeout: float = 30.0

    # Provider rate limits: notifications per second per credential (app + provider),
    # per dispatcher process; 0 means unlimited. Expo allows 600/s per project.
    expo_rate_limit: float = 600.0
    apns_rate_limit: float = 0.0
    fcm_rate_limit: float = 0.0
    webpush_rate_limit: float = 0.0
    hms_rate_limit: float = 0.0
    mipush_rate_limit: float = 0.0
    # Expo receipts: first read this long after the send, again after `recheck` while not
    # ready, and how often an idle receipt job looks for due tickets.
    expo_receipt_delay_seconds: float = 900.0
    expo_receipt_recheck_seconds: float = 300.0
    expo_receipt_poll_seconds: float = 30.0

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to SQLite in the data directory."""
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'clarion.db'}"

    @property
    def master_key_path(self) -> Path:
        """The master key file path."""
        return Path(self.master_key_file) if self.master_key_file else self.data_dir / "master.key"

    @property
    def admin_key_path(self) -> Path:
        """The first admin key's file path."""
        return Path(self.admin_key_file) if self.admin_key_file else self.data_dir / "admin.key"


_FIELDS: Final = {f.name: f for f in fields(Settings)}


def _coerce(name: str, value: Any, source: str) -> Any:
    kind = _FIELDS[name].type
    try:
        if kind == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(f"not a boolean: {value!r}")
        if kind == "int":
            # int(1.5) would silently make it 1; a TOML float is not an integer setting.
            if isinstance(value, bool | float):
                raise ValueError(f"not an integer: {value!r}")
            return int(value)
        if kind == "float":
            if isinstance(value, bool):
                raise ValueError("not a number")
            number = float(value)
            # float() accepts "nan" and "inf": neither is a usable number of seconds.
            if not math.isfinite(number):
                raise ValueError(f"not a finite number: {value!r}")
            return number
        if kind == "Path":
            if not isinstance(value, str | Path):
                raise ValueError(f"not a path: {value!r}")
            return Path(value)
        if not isinstance(value, str):
            raise ValueError(f"not a string: {value!r}")
        return value
    except ValueError as exc:
        raise ConfigError(f"{source}: {name}: {exc}") from exc


def _check(settings: Settings) -> Settings:
    if settings.role not in ROLES:
        raise ConfigError(f"role must be one of {', '.join(ROLES)}, not {settings.role!r}")
    if settings.log_format not in LOG_FORMATS:
        raise ConfigError(f"log_format must be one of {', '.join(LOG_FORMATS)}")
    if settings.log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError("log_level must be debug, info, warning or error")
    listens = ["listen", "http_listen"] + (["metrics_listen"] if settings.metrics_listen else [])
    for name in listens:
        host, _, port = getattr(settings, name).rpartition(":")
        if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
            raise ConfigError(f"{name} must be host:port, not {getattr(settings, name)!r}")
    for name in ("auth_cache_seconds", "shutdown_grace_seconds", "dispatch_linger_seconds"):
        if getattr(settings, name) < 0:
            raise ConfigError(f"{name} must not be negative")
    for name in (
        "db_pool_size",
        "max_bulk_recipients",
        "max_batch_items",
        "dispatch_workers",
        "dispatch_batch_size",
        "dispatch_max_attempts",
    ):
        if getattr(settings, name) < 1:
            raise ConfigError(f"{name} must be at least 1")
    for name in (
        "dispatch_lease_seconds",
        "dispatch_poll_seconds",
        "retention_interval_seconds",
        "provider_connect_timeout",
        "provider_request_timeout",
    ):
        if getattr(settings, name) <= 0:
            raise ConfigError(f"{name} must be positive")
    for name in (
        "expo_rate_limit",
        "apns_rate_limit",
        "fcm_rate_limit",
        "webpush_rate_limit",
        "hms_rate_limit",
        "mipush_rate_limit",
        "expo_receipt_delay_seconds",
    ):
        if getattr(settings, name) < 0:
            raise ConfigError(f"{name} must not be negative")
    for name in ("expo_receipt_recheck_seconds", "expo_receipt_poll_seconds"):
        if getattr(settings, name) <= 0:
            raise ConfigError(f"{name} must be positive")
    for name in PROVIDER_URLS:
        if not getattr(settings, name).startswith(("https://", "http://")):
            raise ConfigError(f"{name} must be an http(s) URL")
    return settings


def load(
    *,
    file: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build the settings from a TOML file, the environment and explicit overrides (flags)."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = file or env.get("CLARION_CONFIG")
    if path:
        try:
            with open(path, "rb") as handle:
                document = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read the configuration file {path}: {exc}") from exc
        for key, value in document.items():
            if key not in _FIELDS:
                raise ConfigError(f"{path}: unknown key {key!r}")
            values[key] = _coerce(key, value, str(path))
    for key, value in env.items():
        if not key.startswith("CLARION_") or key in _OTHER_ENV:
            continue
        if key.startswith(_OTHER_ENV_PREFIXES):
            continue
        name = key.removeprefix("CLARION_").lower()
        if name not in _FIELDS:
            raise ConfigError(f"unknown environment variable {key}")
        values[name] = _coerce(name, value, key)
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key not in _FIELDS:
            raise ConfigError(f"unknown setting {key!r}")
        values[key] = _coerce(key, value, "flag")
    return _check(dataclasses.replace(Settings(), **values))
