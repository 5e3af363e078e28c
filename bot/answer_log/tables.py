"""The answer log's tables (SQLAlchemy 2.x ORM).

The schema is created and changed only by the numbered Alembic migrations in `migrations/`;
these classes must describe the same tables (tests/test_answer_log.py compares the two).
Types are portable (no SQLite-only SQL), so a `postgresql+psycopg://` URL works as well.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

QUESTION_KEY_LENGTH = 200


class Base(DeclarativeBase):
    pass


class AnswerRow(Base):
    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # UTC
    day: Mapped[date] = mapped_column(Date)  # local day, for per-day stats and date filters
    channel: Mapped[str] = mapped_column(String(32))
    user_hash: Mapped[str | None] = mapped_column(String(64))
    chat_hash: Mapped[str | None] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    question_key: Mapped[str] = mapped_column(String(QUESTION_KEY_LENGTH))
    query: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    model: Mapped[str | None] = mapped_column(String(200))
    prompt_version: Mapped[str | None] = mapped_column(String(64))
    notice: Mapped[str | None] = mapped_column(Text)
    sources: Mapped[list] = mapped_column(JSON)
    support: Mapped[dict | None] = mapped_column(JSON)
    retrieval_ms: Mapped[int | None] = mapped_column(Integer)
    generation_ms: Mapped[int | None] = mapped_column(Integer)
    total_ms: Mapped[int | None] = mapped_column(Integer)
    prompt_tokens: Mapped[int | None] = mapped_column(Integer)
    completion_tokens: Mapped[int | None] = mapped_column(Integer)
    total_tokens: Mapped[int | None] = mapped_column(Integer)
    feedback: Mapped[int | None] = mapped_column(SmallInteger)
    feedback_comment: Mapped[str | None] = mapped_column(Text)
    feedback_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_status: Mapped[str] = mapped_column(String(16))
    reviewer_note: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    corrected_answer: Mapped[str | None] = mapped_column(Text)
    corrected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    curated_path: Mapped[str | None] = mapped_column(String(1000))

    __table_args__ = (
        Index("ix_answers_created_at", "created_at"),
        Index("ix_answers_day", "day"),
        Index("ix_answers_mode_id", "mode", "id"),
        Index("ix_answers_feedback_id", "feedback", "id"),
        Index("ix_answers_review_status_id", "review_status", "id"),
        Index("ix_answers_mode_question_key", "mode", "question_key"),
    )


class ReviewEventRow(Base):
    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_review_events_answer_id", "answer_id"),)


# --- state that webhook replicas share (bot/shared_state/sql.py; migration 0002) -------------
# Keys are HMAC pseudonyms (never raw Telegram ids); times are wall-clock epoch seconds.


class SharedTurnRow(Base):
    __tablename__ = "shared_turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[float] = mapped_column(Double)
    question: Mapped[str] = mapped_column(Text)
    query: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_shared_turns_conversation_id", "conversation", "id"),
                      Index("ix_shared_turns_expires_at", "expires_at"))


class SharedPendingRow(Base):
    __tablename__ = "shared_pending"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[str] = mapped_column(Text)  # JSON
    expires_at: Mapped[float] = mapped_column(Double)


class SharedRateRow(Base):
    __tablename__ = "shared_rate"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    hits: Mapped[str] = mapped_column(Text)  # JSON list of times
    warned_at: Mapped[float | None] = mapped_column(Double)
    expires_at: Mapped[float] = mapped_column(Double)


class SharedUpdateRow(Base):
    __tablename__ = "shared_updates"

    update_key: Mapped[str] = mapped_column(String(64), primary_key=True)  # "<bot id>:<id>"
    state: Mapped[str] = mapped_column(String(8))  # busy | done
    lease_until: Mapped[float] = mapped_column(Double)
    expires_at: Mapped[float] = mapped_column(Double)

    __table_args__ = (Index("ix_shared_updates_expires_at", "expires_at"),)


# --- alerts (bot/alerts/store.py; migration 0003) ---------------------------------------------
# The chat id is stored because pushing needs it; it is never logged (logs use chat_hash).


class AlertSubscriptionRow(Base):
    __tablename__ = "alert_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_hash: Mapped[str] = mapped_column(String(64))
    chat_type: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    profile: Mapped[dict] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(16))  # user | muted | blocked

    __table_args__ = (Index("ix_alert_subscriptions_active", "active"),)


class AlertBroadcastRow(Base):
    __tablename__ = "alert_broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_key: Mapped[str] = mapped_column(String(200), unique=True)  # "<kind>:<programme>:<…>"
    programme_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # held | released | dropped
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_alert_broadcasts_status", "status"),)


class AlertOutboxRow(Base):
    __tablename__ = "alert_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("alert_subscriptions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    programme_id: Mapped[str | None] = mapped_column(String(100))
    dedup_key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("alert_broadcasts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[float | None] = mapped_column(Double)
    attempts: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(String(200))
    clicks: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("subscription_id", "dedup_key", name="uq_alert_outbox_dedup"),
        Index("ix_alert_outbox_status_due", "status", "due_at"),
        Index("ix_alert_outbox_broadcast", "broadcast_id"),
    )


class AlertStateRow(Base):
    """Leases (the one sender among replicas) and markers (a day's reminders are planned)."""

    __tablename__ = "alert_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    until: Mapped[float | None] = mapped_column(Double)
