"""Plumbing shared by the stores that live in the answer-log database (shared state, alerts):
an engine opened and migrated on first use, transactions, and the dialect's upsert insert.

Only SQLite and PostgreSQL are supported (their `INSERT … ON CONFLICT` is what the stores use).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

from bot.answer_log.db import build_engine, migrate, safe_url


class MigratedDatabase:
    """A lazily opened engine on `url`, migrated to the answer log's newest schema."""

    what = "DB"  # for the error messages of a subclass

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    def _error(self, message: str) -> Exception:
        """The exception a subclass raises when its database cannot be used."""
        return RuntimeError(message)

    def _ready(self) -> Engine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    engine = build_engine(self.url)
                    if engine.dialect.name not in ("sqlite", "postgresql"):
                        engine.dispose()
                        raise self._error(f"{self.what}는 SQLite 또는 PostgreSQL에만 둘 수 "
                                          f"있습니다: {safe_url(self.url)}")
                    try:
                        migrate(engine)
                    except Exception as exc:
                        engine.dispose()
                        raise self._error(f"{self.what}를 열 수 없습니다 ({safe_url(self.url)}): "
                                          f"{type(exc).__name__}") from exc
                    self._engine = engine
        return self._engine

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self._ready().begin() as connection:
            yield connection

    def _insert(self, table):
        """`INSERT` with `on_conflict_do_nothing/update` for this database's dialect."""
        if self._ready().dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
