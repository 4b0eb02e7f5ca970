"""Expo push tickets kept until their receipt is read.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "expo_tickets",
        sa.Column("send_id", sa.String(length=26), nullable=False),
        sa.Column("device_id", sa.String(length=26), nullable=False),
        sa.Column("app_id", sa.String(length=63), nullable=False),
        sa.Column("ticket_id", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("check_at", sa.DateTime(), nullable=False),
        sa.Column("checks", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["send_id"],
            ["sends.id"],
            name=op.f("fk_expo_tickets_send_id_sends"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("send_id", "device_id", name=op.f("pk_expo_tickets")),
    )
    op.create_index(op.f("ix_expo_tickets_check_at"), "expo_tickets", ["check_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_expo_tickets_check_at"), table_name="expo_tickets")
    op.drop_table("expo_tickets")
