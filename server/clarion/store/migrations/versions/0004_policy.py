"""Delivery policy: app policies, the daily quota counter, registration rate, categories,
frequency-cap events, the audit log.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _app_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["app_id"], ["apps.id"], name=op.f(f"fk_{table}_app_id_apps"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "app_policies",
        sa.Column("app_id", sa.String(length=63), nullable=False),
        sa.Column("daily_quota", sa.BigInteger(), nullable=False),
        sa.Column("registrations_per_user_hour", sa.Integer(), nullable=False),
        sa.Column("quiet_start_minute", sa.Integer(), nullable=True),
        sa.Column("quiet_end_minute", sa.Integer(), nullable=True),
        sa.Column("quiet_hours_mode", sa.String(length=16), nullable=False),
        sa.Column("frequency_cap_hour", sa.Integer(), nullable=False),
        sa.Column("frequency_cap_day", sa.Integer(), nullable=False),
        sa.Column("privacy_mode", sa.String(length=16), nullable=False),
        sa.Column("generic_title", sa.String(length=256), nullable=False),
        sa.Column("generic_body", sa.Text(), nullable=False),
        sa.Column("stale_device_retention_seconds", sa.BigInteger(), nullable=True),
        sa.Column("receipt_retention_seconds", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _app_fk("app_policies"),
        sa.PrimaryKeyConstraint("app_id", name=op.f("pk_app_policies")),
    )
    op.create_table(
        "daily_counts",
        sa.Column("app_id", sa.String(length=63), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("notifications", sa.BigInteger(), nullable=False),
        _app_fk("daily_counts"),
        sa.PrimaryKeyConstraint("app_id", "day", name=op.f("pk_daily_counts")),
    )
    op.create_table(
        "registrations",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("app_id", sa.String(length=63), nullable=False),
        sa.Column("user_id", sa.String(length=256), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        _app_fk("registrations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrations")),
    )
    op.create_index(
        op.f("ix_registrations_app_id_user_id_at"),
        "registrations",
        ["app_id", "user_id", "at"],
        unique=False,
    )
    op.create_table(
        "categories",
        sa.Column("app_id", sa.String(length=63), nullable=False),
        sa.Column("key", sa.String(length=63), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("ttl_seconds", sa.BigInteger(), nullable=True),
        sa.Column("respects_quiet_hours", sa.Boolean(), nullable=False),
        sa.Column("interruption_level", sa.String(length=32), nullable=False),
        sa.Column("sound", sa.String(length=256), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _app_fk("categories"),
        sa.PrimaryKeyConstraint("app_id", "key", name=op.f("pk_categories")),
    )
    op.create_table(
        "frequency_events",
        sa.Column("send_id", sa.String(length=26), nullable=False),
        sa.Column("device_id", sa.String(length=26), nullable=False),
        sa.Column("app_id", sa.String(length=63), nullable=False),
        sa.Column("user_id", sa.String(length=256), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        _app_fk("frequency_events"),
        sa.PrimaryKeyConstraint("send_id", "device_id", name=op.f("pk_frequency_events")),
    )
    op.create_index(
        op.f("ix_frequency_events_app_id_user_id_at"),
        "frequency_events",
        ["app_id", "user_id", "at"],
        unique=False,
    )
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("app_id", sa.String(length=63), nullable=False),
        sa.Column("time", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("resource", sa.String(length=512), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        _app_fk("audit_entries"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index(
        op.f("ix_audit_entries_app_id_id"), "audit_entries", ["app_id", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_entries_app_id_id"), table_name="audit_entries")
    op.drop_table("audit_entries")
    op.drop_index(op.f("ix_frequency_events_app_id_user_id_at"), table_name="frequency_events")
    op.drop_table("frequency_events")
    op.drop_table("categories")
    op.drop_index(op.f("ix_registrations_app_id_user_id_at"), table_name="registrations")
    op.drop_table("registrations")
    op.drop_table("daily_counts")
    op.drop_table("app_policies")
