"""Database plumbing: build the SQLAlchemy engine from a URL and migrate it to the newest schema.

Migrations are numbered Alembic revisions shipped inside this package (`migrations/versions`)
and run programmatically on first use, so nobody has to run `alembic upgrade` by hand and no
`alembic.ini` is read at run time.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def build_engine(url: str, *, busy_timeout_s: float = 5.0) -> Engine:
    """An engine for `url`; for SQLite files, creates the folder and turns on WAL.

    WAL lets the review page read while the bot writes; `busy_timeout` makes a writer wait a
    little for another writer instead of failing at once.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, hide_parameters=True, connect_args={"check_same_thread": False,
                                              "timeout": busy_timeout_s})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def safe_url(url: str) -> str:
    """The URL without its password, for logs and messages."""
    return make_url(url).render_as_string(hide_password=True)


def _alembic_config(connection=None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision, read from the file names: migrations are numbered and linear
    (versions/0001_initial.py has revision "0001"), so the head is the highest number.
    Reading names instead of asking Alembic keeps Alembic's import (~0.3 s) out of every
    start-up where nothing needs migrating; a test checks that Alembic agrees."""
    numbers = [p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("*_*.py")
               if p.name[:4].isdigit()]
    return max(numbers)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> str | None:
    """Bring the schema to the newest revision; returns it. Cheap when already there."""
    head = head_revision()
    if current_revision(engine) == head:
        return head
    from alembic import command

    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "head")
    except Exception:
        # Two processes may migrate a new database at the same moment; the loser fails on
        # "table exists". That is fine when the schema is at head now.
        if current_revision(engine) != head:
            raise
    log.info("answer_log.migrated", extra={"revision": head})
    return head
