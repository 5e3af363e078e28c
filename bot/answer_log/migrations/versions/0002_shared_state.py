"""Shared state of webhook replicas: conversation turns, pending comments, rate windows and
processed update ids (bot/shared_state/sql.py).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shared_turns",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("conversation", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.Double(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
    )
    op.create_index("ix_shared_turns_conversation_id", "shared_turns", ["conversation", "id"])
    op.create_index("ix_shared_turns_expires_at", "shared_turns", ["expires_at"])
    op.create_table(
        "shared_pending",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.Double(), nullable=False),
    )
    op.create_table(
        "shared_rate",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("hits", sa.Text(), nullable=False),
        sa.Column("warned_at", sa.Double(), nullable=True),
        sa.Column("expires_at", sa.Double(), nullable=False),
    )
    op.create_table(
        "shared_updates",
        sa.Column("update_key", sa.String(64), primary_key=True),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("lease_until", sa.Double(), nullable=False),
        sa.Column("expires_at", sa.Double(), nullable=False),
    )
    op.create_index("ix_shared_updates_expires_at", "shared_updates", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_shared_updates_expires_at", table_name="shared_updates")
    op.drop_table("shared_updates")
    op.drop_table("shared_rate")
    op.drop_table("shared_pending")
    op.drop_index("ix_shared_turns_expires_at", table_name="shared_turns")
    op.drop_index("ix_shared_turns_conversation_id", table_name="shared_turns")
    op.drop_table("shared_turns")
