"""SQL plumbing shared by the databases the project keeps (the answer log and its neighbours in
bot/, the programme catalogue in knowledge/): an engine for a URL, and numbered Alembic
migrations run programmatically on first use.

SQLite files get their folder, WAL (readers beside one writer) and a busy timeout (a writer
waits a little for another instead of failing at once). Migrations are numbered and linear
(`versions/0001_x.py` has revision "0001"), so the head is read from the file names and
Alembic is imported only when something needs migrating.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

DEFAULT_VERSION_TABLE = "alembic_version"


def build_engine(url: str, *, busy_timeout_s: float = 5.0, foreign_keys: bool = False) -> Engine:
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
        if foreign_keys:
            cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def safe_url(url: str) -> str:
    """The URL without its password, for logs and messages."""
    return make_url(url).render_as_string(hide_password=True)


def alembic_config(migrations_dir: Path, connection=None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision(migrations_dir: Path) -> str:
    numbers = [p.name.split("_", 1)[0] for p in (migrations_dir / "versions").glob("*_*.py")
               if p.name[:4].isdigit()]
    return max(numbers)


def current_revision(engine: Engine, version_table: str = DEFAULT_VERSION_TABLE) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table(version_table):
            return None
        return connection.execute(text(f"SELECT version_num FROM {version_table}")).scalar()


def migrate(engine: Engine, migrations_dir: Path, *,
            version_table: str = DEFAULT_VERSION_TABLE, event_name: str = "db.migrated") -> str:
    """Bring the schema to the newest revision; returns it. Cheap when already there. (The
    version table is the one the migrations' env.py names.)"""
    head = head_revision(migrations_dir)
    if current_revision(engine, version_table) == head:
        return head
    from alembic import command

    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(migrations_dir, connection), "head")
    except Exception:
        # Two processes may migrate a new database at the same moment; the loser fails on
        # "table exists". That is fine when the schema is at head now.
        if current_revision(engine, version_table) != head:
            raise
    log.info(event_name, extra={"revision": head})
    return head


def run_env(context, *, version_table: str = DEFAULT_VERSION_TABLE, url=None) -> None:
    """The body of a migrations folder's `env.py`: on the app's connection when it passed one
    (`config.attributes["connection"]`), else on an engine for `url()` (Alembic run by hand
    to write a revision). Batch mode, because SQLite cannot ALTER most things."""
    def run(connection) -> None:
        context.configure(connection=connection, target_metadata=None, render_as_batch=True,
                          version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()

    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    engine = create_engine(url())
    with engine.begin() as conn:
        run(conn)
    engine.dispose()
