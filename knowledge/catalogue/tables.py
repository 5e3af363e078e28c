"""The catalogue's tables in the answer-log database (created by its own migrations)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, DateTime, Integer, MetaData, String, Table, Text

metadata = MetaData()

programmes = Table(
    "catalogue_programmes",
    metadata,
    Column("id", String(120), primary_key=True),
    Column("source", String(32), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("category", String(200), nullable=False, default=""),
    Column("start_date", Date, nullable=True),
    Column("end_date", Date, nullable=True, index=True),
    Column("year", Integer, nullable=True),
    Column("content_hash", String(64), nullable=False),
    Column("data", JSON, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("vanished_at", DateTime(timezone=True), nullable=True),
    Column("last_status", String(16), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
)

sync_runs = Table(
    "catalogue_sync_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("seconds", Integer, nullable=False, default=0),
    Column("ok", Integer, nullable=False, default=1),
    Column("summary", Text, nullable=False, default=""),
    Column("report", JSON, nullable=False),
)
