"""Alerts (issue 16): subscriptions, broadcasts held for release, the outbox, sender leases.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
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
        "alert_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False, unique=True),
        sa.Column("chat_hash", sa.String(64), nullable=False),
        sa.Column("chat_type", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(16), nullable=True),
    )
    op.create_index("ix_alert_subscriptions_active", "alert_subscriptions", ["active"])
    op.create_table(
        "alert_broadcasts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("batch_key", sa.String(200), nullable=False, unique=True),
        sa.Column("programme_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
    )
    op.create_index("ix_alert_broadcasts_status", "alert_broadcasts", ["status"])
    op.create_table(
        "alert_outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("subscription_id", sa.Integer(),
                  sa.ForeignKey("alert_subscriptions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("programme_id", sa.String(100), nullable=True),
        sa.Column("dedup_key", sa.String(200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("broadcast_id", sa.Integer(),
                  sa.ForeignKey("alert_broadcasts.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.Double(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(200), nullable=True),
        sa.Column("clicks", sa.Integer(), nullable=False),
        sa.UniqueConstraint("subscription_id", "dedup_key", name="uq_alert_outbox_dedup"),
    )
    op.create_index("ix_alert_outbox_status_due", "alert_outbox", ["status", "due_at"])
    op.create_index("ix_alert_outbox_broadcast", "alert_outbox", ["broadcast_id"])
    op.create_table(
        "alert_state",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("until", sa.Double(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("alert_state")
    op.drop_index("ix_alert_outbox_broadcast", table_name="alert_outbox")
    op.drop_index("ix_alert_outbox_status_due", table_name="alert_outbox")
    op.drop_table("alert_outbox")
    op.drop_index("ix_alert_broadcasts_status", table_name="alert_broadcasts")
    op.drop_table("alert_broadcasts")
    op.drop_index("ix_alert_subscriptions_active", table_name="alert_subscriptions")
    op.drop_table("alert_subscriptions")
