"""Answer log: answers and their review history.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("user_hash", sa.String(64), nullable=True),
        sa.Column("chat_hash", sa.String(64), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("question_key", sa.String(200), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("model", sa.String(200), nullable=True),
        sa.Column("prompt_version", sa.String(64), nullable=True),
        sa.Column("notice", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("support", sa.JSON(), nullable=True),
        sa.Column("retrieval_ms", sa.Integer(), nullable=True),
        sa.Column("generation_ms", sa.Integer(), nullable=True),
        sa.Column("total_ms", sa.Integer(), nullable=True),
        sa.Column("prompt_tokens", sa.Integer(), nullable=True),
        sa.Column("completion_tokens", sa.Integer(), nullable=True),
        sa.Column("total_tokens", sa.Integer(), nullable=True),
        sa.Column("feedback", sa.SmallInteger(), nullable=True),
        sa.Column("feedback_comment", sa.Text(), nullable=True),
        sa.Column("feedback_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_status", sa.String(16), nullable=False),
        sa.Column("reviewer_note", sa.Text(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("corrected_answer", sa.Text(), nullable=True),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("curated_path", sa.String(1000), nullable=True),
    )
    op.create_index("ix_answers_created_at", "answers", ["created_at"])
    op.create_index("ix_answers_day", "answers", ["day"])
    op.create_index("ix_answers_mode_id", "answers", ["mode", "id"])
    op.create_index("ix_answers_feedback_id", "answers", ["feedback", "id"])
    op.create_index("ix_answers_review_status_id", "answers", ["review_status", "id"])
    op.create_index("ix_answers_mode_question_key", "answers", ["mode", "question_key"])

    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("answer_id", sa.Integer(),
                  sa.ForeignKey("answers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
    )
    op.create_index("ix_review_events_answer_id", "review_events", ["answer_id"])


def downgrade() -> None:
    op.drop_index("ix_review_events_answer_id", table_name="review_events")
    op.drop_table("review_events")
    for name in ("ix_answers_mode_question_key", "ix_answers_review_status_id",
                 "ix_answers_feedback_id", "ix_answers_mode_id", "ix_answers_day",
                 "ix_answers_created_at"):
        op.drop_index(name, table_name="answers")
    op.drop_table("answers")
