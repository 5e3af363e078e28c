"""The answer log's database: its engine and its migrations (`migrations/versions`), run on
first use, so nobody has to run `alembic upgrade` by hand and no `alembic.ini` is read at run
time. The plumbing is `knowledge.database`, shared with the programme catalogue.

The tables of the shared state (0002) and of alerts (0003) live in this database too.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from knowledge import database
from knowledge.database import safe_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

__all__ = ["MIGRATIONS_DIR", "build_engine", "current_revision", "head_revision", "migrate",
           "safe_url"]


def build_engine(url: str, *, busy_timeout_s: float = 5.0) -> Engine:
    """An engine for `url`; SQLite files get their folder, WAL, a busy timeout and foreign
    keys (the review history cascades with its answers)."""
    return database.build_engine(url, busy_timeout_s=busy_timeout_s, foreign_keys=True)


def _alembic_config(connection=None):
    return database.alembic_config(MIGRATIONS_DIR, connection)


def head_revision() -> str:
    """The newest revision, read from the file names (a test checks that Alembic agrees)."""
    return database.head_revision(MIGRATIONS_DIR)


def current_revision(engine: Engine) -> str | None:
    return database.current_revision(engine)


def migrate(engine: Engine) -> str | None:
    """Bring the schema to the newest revision; returns it. Cheap when already there."""
    return database.migrate(engine, MIGRATIONS_DIR, event_name="answer_log.migrated")
