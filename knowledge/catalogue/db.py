"""The catalogue's database: the answer-log database (same URL), its own migrations and its own
Alembic version table (`catalogue_alembic_version`), so it migrates independently of the answer
log. Migrations run programmatically on first use, like the answer log's (`knowledge.database`).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from knowledge import database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "catalogue_alembic_version"


def build_engine(url: str) -> Engine:
    """An engine for `url` (SQLite: WAL and a longer busy timeout, since the bot and the sync
    write the same file)."""
    return database.build_engine(url, busy_timeout_s=15.0)


def head_revision() -> str:
    return database.head_revision(MIGRATIONS_DIR)


def current_revision(engine: Engine) -> str | None:
    return database.current_revision(engine, VERSION_TABLE)


def migrate(engine: Engine) -> str:
    return database.migrate(engine, MIGRATIONS_DIR, version_table=VERSION_TABLE,
                            event_name="catalogue.migrated")
