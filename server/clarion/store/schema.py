"""The database schema (SQLAlchemy Core). Migrations in `migrations/` create exactly this."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    any_,
    bindparam,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

R = TypeVar("R")


def one_of(column: Any, values: Iterable[Any], dialect: str) -> ColumnElement[bool]:
    """`column IN (values)` for a batch of values. On Postgres it is `column = ANY(:array)`:
    one bound array, so the statement's text is the same for every batch and its prepared
    plan is reused; elsewhere an IN list with one parameter per value."""
    ordered = sorted(set(values))
    if dialect == "postgresql":
        array = bindparam(None, ordered, type_=postgresql.ARRAY(column.type))
        return cast("ColumnElement[bool]", column == any_(array))
    return cast("ColumnElement[bool]", column.in_(ordered))


def as_record(cls: type[R], row: Any, **converted: Any) -> R:
    """A domain dataclass from a row whose columns carry its field names (extra columns are
    ignored); `converted` gives the fields that need more than the column's value."""
    m = row._mapping
    return cls(**{f.name: m[f.name] for f in dataclasses.fields(cls)} | converted)  # type: ignore[arg-type]


def stored_time(value: datetime | None) -> datetime | None:
    """An aware datetime as the store keeps it: naive UTC (see UtcDateTime). For statements
    written in plain SQL, whose parameters no column type converts."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the store; use aware UTC datetimes")
    return value.astimezone(UTC).replace(tzinfo=None)


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps are stored as naive UTC and always come back timezone-aware (UTC).

    SQLite keeps no zone and Postgres `timestamp without time zone` neither; doing it here
    once means no code compares naive with aware datetimes.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return stored_time(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

apps = Table(
    "apps",
    metadata,
    Column("id", String(63), primary_key=True),
    Column("display_name", String(256), nullable=False, default=""),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(32), primary_key=True),
    # NULL for global (admin) keys.
    Column("app_id", String(63), ForeignKey("apps.id", ondelete="CASCADE"), nullable=True),
    Column("display_name", String(256), nullable=False, default=""),
    # SHA-256 of the whole secret: secrets are 32 random bytes, so no slow hash is needed.
    Column("secret_hash", LargeBinary(32), nullable=False, unique=True),
    Column("secret_prefix", String(16), nullable=False),
    Column("scopes", String(256), nullable=False),  # space-separated scope names
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime, nullable=True),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("expires_at", UtcDateTime, nullable=True),
    Index(None, "app_id", "id"),
)

devices = Table(
    "devices",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("app_id", String(63), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("install_id", String(256), nullable=True),
    Column("user_id", String(256), nullable=True),
    Column("provider", String(16), nullable=False),
    Column("platform", String(16), nullable=False, default=""),
    # HMAC of (app, provider, token) under a key derived from the master key: lookups and the
    # uniqueness rule use it, so the plaintext token is never queried or indexed. NULL once
    # the token moved to another device.
    Column("token_hash", LargeBinary(32), nullable=True),
    Column("token_ciphertext", LargeBinary, nullable=False),
    Column("token_hint", String(64), nullable=False, default=""),
    Column("apns_environment", String(16), nullable=True),
    Column("locale", String(35), nullable=False, default=""),
    Column("time_zone", String(64), nullable=False, default=""),
    Column("app_version", String(128), nullable=False, default=""),
    Column("os_version", String(128), nullable=False, default=""),
    Column("device_model", String(128), nullable=False, default=""),
    Column("category_preferences", JSON, nullable=False, default=dict),
    Column("quiet_start_minute", Integer, nullable=True),
    Column("quiet_end_minute", Integer, nullable=True),
    Column("status", String(16), nullable=False),
    Column("status_reason", String(128), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
    UniqueConstraint("app_id", "install_id"),
    UniqueConstraint("app_id", "provider", "token_hash"),
    Index(None, "app_id", "user_id"),
    Index(None, "app_id", "last_seen_at"),
)

device_topics = Table(
    "device_topics",
    metadata,
    Column("device_id", String(26), ForeignKey("devices.id", ondelete="CASCADE"), nullable=False),
    Column("app_id", String(63), nullable=False),
    Column("topic", String(900), nullable=False),
    PrimaryKeyConstraint("device_id", "topic"),
    Index(None, "app_id", "topic", "device_id"),
)

credentials = Table(
    "credentials",
    metadata,
    Column("app_id", String(63), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("provider", String(16), nullable=False),
    # The envelope-encrypted secret (see clarion.secrets.envelope), bound to app + provider.
    Column("sealed_secret", LargeBinary, nullable=False),
    Column("metadata", JSON, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("rotated_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=False, default=""),
    Column("last_error_at", UtcDateTime, nullable=True),
    PrimaryKeyConstraint("app_id", "provider"),
)

sends = Table(
    "sends",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("app_id", String(63), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    # device | user | install | topic (unary), users | devices (bulk).
    Column("target_kind", String(16), nullable=False),
    # The addressed value(s): a string for unary targets, a list of ids for bulk.
    Column("target", JSON, nullable=False),
    Column("notification", JSON, nullable=False),
    Column("send_at", UtcDateTime, nullable=True),
    Column("idempotency_key", String(256), nullable=True),
    Column("creator", String(128), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    # Set once no delivery is pending any more (by whoever settles the last one).
    Column("completed_at", UtcDateTime, nullable=True),
    Column("cancelled_at", UtcDateTime, nullable=True),
    UniqueConstraint("app_id", "idempotency_key"),
    Index(None, "app_id", "id"),
)

deliveries = Table(
    "deliveries",
    metadata,
    # A send reaches a device at most once, so (send, device) is the delivery's identity and
    # the device id is the delivery id within its send.
    Column("send_id", String(26), ForeignKey("sends.id", ondelete="CASCADE"), nullable=False),
    Column("device_id", String(26), nullable=False),
    Column("app_id", String(63), nullable=False),
    Column("user_id", String(256), nullable=True),
    Column("provider", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", String(64), nullable=False, default=""),
    Column("provider_code", String(128), nullable=False, default=""),
    Column("provider_message_id", String(256), nullable=False, default=""),
    Column("attempts", Integer, nullable=False, default=0),
    # When a dispatcher may claim it: the next attempt (QUEUED, SCHEDULED, RETRYING) or the
    # end of the lease (SENDING), so a dead dispatcher's claims come due again by
    # themselves. NULL once settled: "pending" is exactly "due_at IS NOT NULL".
    Column("due_at", UtcDateTime, nullable=True),
    Column("expires_at", UtcDateTime, nullable=False),
    # The claim holding it while SENDING; results are written only under the same lease.
    Column("lease", String(26), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("send_id", "device_id"),
    Index(
        "ix_deliveries_due",
        "due_at",
        postgresql_where=text("due_at IS NOT NULL"),
        sqlite_where=text("due_at IS NOT NULL"),
    ),
    Index(
        "ix_deliveries_pending",
        "send_id",
        postgresql_where=text("due_at IS NOT NULL"),
        sqlite_where=text("due_at IS NOT NULL"),
    ),
    Index(None, "lease"),
)

receipts = Table(
    "receipts",
    metadata,
    Column("app_id", String(63), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    # Position in the app's log, allocated from receipt_sequences inside the writing
    # transaction, so cursors become visible in order (see store/receipts.py).
    Column("cursor", BigInteger, nullable=False),
    Column("send_id", String(26), nullable=False),
    Column("device_id", String(26), nullable=False),
    Column("user_id", String(256), nullable=True),
    Column("provider", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", String(64), nullable=False, default=""),
    Column("provider_code", String(128), nullable=False, default=""),
    Column("action_id", String(128), nullable=False, default=""),
    Column("attempt", Integer, nullable=False, default=0),
    Column("time", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("app_id", "cursor"),
)

receipt_sequences = Table(
    "receipt_sequences",
    metadata,
    Column("app_id", String(63), ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True),
    Column("last_cursor", BigInteger, nullable=False),
)

# --- delivery policy (migration 0004) --------------------------------------------------------

# One row per app once its policy was first changed; an app without one has the defaults.
app_policies = Table(
    "app_policies",
    metadata,
    Column("app_id", String(63), ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True),
    Column("daily_quota", BigInteger, nullable=False, default=0),
    Column("registrations_per_user_hour", Integer, nullable=False, default=0),
    Column("quiet_start_minute", Integer, nullable=True),
    Column("quiet_end_minute", Integer, nullable=True),
    Column("quiet_hours_mode", String(16), nullable=False),
    Column("frequency_cap_hour", Integer, nullable=False, default=0),
    Column("frequency_cap_day", Integer, nullable=False, default=0),
    Column("privacy_mode", String(16), nullable=False),
    Column("generic_title", String(256), nullable=False, default=""),
    Column("generic_body", Text, nullable=False, default=""),
    Column("stale_device_retention_seconds", BigInteger, nullable=True),
    Column("receipt_retention_seconds", BigInteger, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Notifications (deliveries) accepted per app per UTC day: the daily quota's counter. The
# row is bumped inside the send's transaction, so its lock orders concurrent sends.
daily_counts = Table(
    "daily_counts",
    metadata,
    Column("app_id", String(63), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("day", Date, nullable=False),
    Column("notifications", BigInteger, nullable=False),
    PrimaryKeyConstraint("app_id", "day"),
)

# Recent device registrations per user, for the per-user rate limit (kept for an hour).
registrations = Table(
    "registrations",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("app_id", String(63), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", String(256), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index(None, "app_id", "user_id", "at"),
)

categories = Table(
    "categories",
    metadata,
    Column("app_id", String(63), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(63), nullable=False),
    Column("display_name", String(128), nullable=False, default=""),
    # Empty strings and NULL TTL mean "no default" (the send's value or the global default).
    Column("priority", String(16), nullable=False, default=""),
    Column("ttl_seconds", BigInteger, nullable=True),
    Column("respects_quiet_hours", Boolean, nullable=False, default=True),
    Column("interruption_level", String(32), nullable=False, default=""),
    Column("sound", String(256), nullable=False, default=""),
    Column("actions", JSON, nullable=False, default=list),  # [{"id": ..., "title": ...}]
    Column("critical", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("app_id", "key"),
)

# The frequency caps' memory: one row per delivery the policy let through (at the instant it
# goes out, the deferred instant for a deferred one). Caps count distinct sends per user.
frequency_events = Table(
    "frequency_events",
    metadata,
    Column("send_id", String(26), nullable=False),
    Column("device_id", String(26), nullable=False),
    Column("app_id", String(63), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", String(256), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("send_id", "device_id"),
    Index(None, "app_id", "user_id", "at"),
)

# Who did what, when: administrative changes and push attempts (never a secret or token).
audit_entries = Table(
    "audit_entries",
    metadata,
    Column("id", String(26), primary_key=True),
    Column("app_id", String(63), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("time", UtcDateTime, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(64), nullable=False),
    Column("resource", String(512), nullable=False),
    Column("details", JSON, nullable=False, default=dict),
    Index(None, "app_id", "id"),
)


# --- Expo push tickets (migration 0003) ------------------------------------------------------

expo_tickets = Table(
    "expo_tickets",
    metadata,
    # The push ticket of a delivery Expo accepted, until its receipt is read: one per
    # delivery (a resend after a lost lease replaces the ticket).
    Column("send_id", String(26), ForeignKey("sends.id", ondelete="CASCADE"), nullable=False),
    Column("device_id", String(26), nullable=False),
    Column("app_id", String(63), nullable=False),
    Column("ticket_id", String(64), nullable=False),
    Column("sent_at", UtcDateTime, nullable=False),
    # When the receipt job may next ask for it; a claim moves it past its own lease.
    Column("check_at", UtcDateTime, nullable=False),
    Column("checks", Integer, nullable=False, default=0),
    PrimaryKeyConstraint("send_id", "device_id"),
    Index(None, "check_at"),
)
