"""The catalogue's database: the answer-log database (same URL), its own migrations and its own
Alembic version table (`catalogue_alembic_version`), so it migrates independently of the answer
log. Migrations run programmatically on first use, like the answer log's.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "catalogue_alembic_version"


def build_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get their folder, WAL and a busy timeout (the bot and
    the sync write the same file)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, hide_parameters=True, connect_args={"check_same_thread": False, "timeout": 15.0}
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def head_revision() -> str:
    return max(
        p.name.split("_", 1)[0]
        for p in (MIGRATIONS_DIR / "versions").glob("*_*.py")
        if p.name[:4].isdigit()
    )


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def migrate(engine: Engine) -> str:
    head = head_revision()
    if current_revision(engine) == head:
        return head
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except Exception:
        if current_revision(engine) != head:  # lost a race with another process: fine at head
            raise
    log.info("catalogue.migrated", extra={"revision": head})
    return head
