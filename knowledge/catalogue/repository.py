"""Reading and writing the catalogue: a sync's merge, and the filters answers and staff use.

The catalogue is small (thousands of calls), so filters that depend on "today" (status, D-day)
run in Python over the programmes, with the clock passed in; the database keeps the record.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update

from knowledge.catalogue import db
from knowledge.catalogue.errors import CatalogueError, CatalogueMissing
from knowledge.catalogue.models import Programme, Status, StoredProgramme, SyncChanges
from knowledge.catalogue.tables import programmes, sync_runs
from knowledge.clock import Clock

log = logging.getLogger(__name__)


class Catalogue:
    """The catalogue tables at `url` (the answer log's URL). Opens the database on first use.

    A reader (`create=False`: the answers, the browser) never creates the database or its
    tables; it raises `CatalogueMissing` until a sync (the writer) has made them."""

    def __init__(self, url: str, *, create: bool = True) -> None:
        self.url = url
        self.create = create
        self._engine: Engine | None = None

    @classmethod
    def from_settings(cls, settings: Any, *, create: bool = True) -> Catalogue:
        return cls(str(settings.answer_log_url), create=create)

    def _check_exists(self) -> None:
        from pathlib import Path

        from sqlalchemy.engine import make_url

        parsed = make_url(self.url)
        database = parsed.database or ""
        if (parsed.get_backend_name() == "sqlite" and database and database != ":memory:"
                and not database.startswith("file:") and not Path(database).exists()):
            raise CatalogueMissing("아직 동기화한 지원사업 공고가 없습니다 (no catalogue yet).")

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            if not self.create:
                self._check_exists()
            engine = db.build_engine(self.url)
            try:
                if not self.create and db.current_revision(engine) is None:
                    raise CatalogueMissing("아직 동기화한 지원사업 공고가 없습니다 "
                                           "(no catalogue yet).")
                db.migrate(engine)
            except CatalogueMissing:
                engine.dispose()
                raise
            except Exception as exc:
                engine.dispose()
                raise CatalogueError(
                    f"카탈로그 데이터베이스를 열 수 없습니다 (catalogue database): "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
            self._engine = engine
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # --- reading -------------------------------------------------------------------------
    @staticmethod
    def _stored(row: Any) -> StoredProgramme:
        return StoredProgramme(
            programme=Programme.model_validate(row.data),
            content_hash=row.content_hash,
            first_seen=row.first_seen,
            last_seen=row.last_seen,
            changed_at=row.changed_at,
            vanished_at=row.vanished_at,
            last_status=Status(row.last_status),
            closed_at=row.closed_at,
        )

    def all(self) -> list[StoredProgramme]:
        with self.engine.connect() as conn:
            return [self._stored(r) for r in conn.execute(select(programmes))]

    def hashes(self) -> dict[str, tuple[str, str, bool]]:
        """id -> (content hash, last status, vanished), without parsing the programmes."""
        query = select(
            programmes.c.id,
            programmes.c.content_hash,
            programmes.c.last_status,
            programmes.c.vanished_at,
        )
        with self.engine.connect() as conn:
            return {
                r.id: (r.content_hash, r.last_status, r.vanished_at is not None)
                for r in conn.execute(query)
            }

    def get(self, programme_id: str) -> StoredProgramme | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(programmes).where(programmes.c.id == programme_id)).first()
        return self._stored(row) if row else None

    def count(self) -> int:
        with self.engine.connect() as conn:
            return len(conn.execute(select(programmes.c.id)).all())

    def search(
        self,
        clock: Clock,
        *,
        status: Iterable[Status] | None = None,
        source: str | None = None,
        category: str | None = None,
        text: str | None = None,
        include_vanished: bool = False,
        order: str = "deadline",
    ) -> list[StoredProgramme]:
        """Programmes filtered by status on `clock`'s today, source, category and a title
        substring; ordered by deadline (soonest first, no deadline last) or `new` (newest
        first-seen first)."""
        wanted = set(status) if status is not None else None
        found = []
        for item in self.all():
            p = item.programme
            if item.vanished and not include_vanished:
                continue
            if wanted is not None and p.status(clock) not in wanted:
                continue
            if source and p.source != source:
                continue
            if category and category not in (p.category, p.support_field):
                continue
            if text and text.lower() not in (p.title + " " + " ".join(p.aliases)).lower():
                continue
            found.append(item)
        if order == "new":
            found.sort(key=lambda s: (s.first_seen, s.programme.id), reverse=True)
        else:
            far = datetime.max.replace(tzinfo=clock.tz)
            found.sort(key=lambda s: (s.programme.window.end or far, s.programme.title))
        return found

    def categories(
        self, clock: Clock, status: Iterable[Status] = (Status.OPEN,)
    ) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for item in self.search(clock, status=status):
            name = item.programme.category or "기타"
            counts[name] = counts.get(name, 0) + 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    # --- the sync's merge ------------------------------------------------------------------
    def plan(
        self,
        seen: dict[str, Programme],
        complete_sources: set[str],
        clock: Clock,
        previous: dict[str, tuple[str, str, bool]] | None = None,
    ) -> SyncChanges:
        """What merging `seen` would change. A programme missing from a source counts as
        vanished only when that source was read completely (a failed page proves nothing)."""
        previous = self.hashes() if previous is None else previous
        changes = SyncChanges()
        for pid, programme in seen.items():
            status = programme.status(clock)
            old = previous.get(pid)
            if old is None:
                changes.new.append(pid)
                continue
            old_hash, old_status, was_vanished = old
            if was_vanished:
                changes.reappeared.append(pid)
            elif old_hash != programme.content_hash():
                changes.changed.append(pid)
            else:
                changes.unchanged += 1
            if status is Status.CLOSED and old_status != Status.CLOSED.value:
                changes.closed.append(pid)
        for pid, (_, _status, was_vanished) in previous.items():
            if pid in seen or was_vanished:
                continue
            source = pid.split("-", 1)[0]
            if source in complete_sources:
                changes.vanished.append(pid)
        # a call that vanished is also "closed" for alerts if its deadline passed meanwhile
        return changes

    def apply(self, seen: dict[str, Programme], changes: SyncChanges, clock: Clock) -> None:
        """Write a planned merge in one transaction (all or nothing)."""
        now = clock.now()
        new, changed = set(changes.new), set(changes.changed) | set(changes.reappeared)
        closed = set(changes.closed)
        inserts, updates, touches = [], [], []
        for pid, p in seen.items():
            status = p.status(clock).value
            values = {
                "id": pid,
                "source": p.source,
                "title": p.title,
                "category": p.category or "",
                "start_date": p.window.start_date,
                "end_date": p.window.end_date,
                "year": p.year,
                "content_hash": p.content_hash(),
                "data": p.model_dump(mode="json"),
                "last_seen": now,
                "changed_at": now,
                "vanished_at": None,
                "last_status": status,
            }
            if pid in new:
                values |= {"first_seen": now, "closed_at": now if pid in closed else None}
                inserts.append(values)
            elif pid in changed:
                updates.append(values)
            else:
                touches.append({"pid": pid, "last_seen": now, "last_status": status})
        with self.engine.begin() as conn:
            if inserts:
                conn.execute(insert(programmes), inserts)
            for values in updates:
                pid = values.pop("id")
                conn.execute(update(programmes).where(programmes.c.id == pid).values(**values))
            if touches:
                from sqlalchemy import bindparam

                conn.execute(
                    update(programmes)
                    .where(programmes.c.id == bindparam("pid"))
                    .values(last_seen=bindparam("last_seen"), last_status=bindparam("last_status")),
                    touches,
                )
            if closed:
                conn.execute(
                    update(programmes)
                    .where(programmes.c.id.in_(closed))
                    .where(programmes.c.closed_at.is_(None))
                    .values(closed_at=now)
                )
            # a deadline extended after it had passed: no longer closed
            conn.execute(
                update(programmes)
                .where(programmes.c.last_status != Status.CLOSED.value)
                .where(programmes.c.closed_at.is_not(None))
                .values(closed_at=None)
            )
            if changes.vanished:
                conn.execute(
                    update(programmes)
                    .where(programmes.c.id.in_(changes.vanished))
                    .values(vanished_at=now)
                )

    def delete_all(self) -> None:
        """Tests and `--rebuild`-style resets only."""
        with self.engine.begin() as conn:
            conn.execute(delete(programmes))

    # --- sync runs -------------------------------------------------------------------------
    def record_run(
        self, started_at: datetime, seconds: float, ok: bool, summary: str, report: dict[str, Any]
    ) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                insert(sync_runs).values(
                    started_at=started_at,
                    seconds=round(seconds),
                    ok=int(ok),
                    summary=summary,
                    report=report,
                )
            )
            return int(result.inserted_primary_key[0])

    def version(self) -> tuple[Any, ...]:
        """Changes whenever a sync or an ingest (staff 공고, ingest/staff_calls.py) changed the
        catalogue: readers re-read it when this changes. One cheap aggregate query."""
        from sqlalchemy import func

        with self.engine.connect() as conn:
            run = conn.execute(select(func.max(sync_runs.c.id))).scalar()
            row = conn.execute(select(func.count(), func.max(programmes.c.changed_at),
                                      func.max(programmes.c.vanished_at))).one()
        return (run, *row)

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        query = select(sync_runs).order_by(sync_runs.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]
