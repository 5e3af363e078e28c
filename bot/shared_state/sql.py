"""Shared state in the answer-log database (SQLite for one process, PostgreSQL for replicas).

The tables come with the answer log's Alembic migrations (0002_shared_state), so the same
`migrate()` that prepares the answer log prepares these. Read-modify-write operations (the rate
window, taking over an update) first insert the row if it is missing and then lock it
(`SELECT … FOR UPDATE` on PostgreSQL; on SQLite the insert already holds the database's write
lock), so two replicas never both see room in a full window.

Hand-written on SQLAlchemy Core: a handful of statements, no library does this for both
databases.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from sqlalchemy import delete, func, select, update

from bot.answer_log.db import safe_url
from bot.answer_log.sql_base import MigratedDatabase
from bot.answer_log.tables import (
    SharedPendingRow,
    SharedRateRow,
    SharedTurnRow,
    SharedUpdateRow,
)
from bot.shared_state.base import Claim, RateVerdict, SharedState, SharedStateError

log = logging.getLogger(__name__)

_TURNS = SharedTurnRow.__table__
_PENDING = SharedPendingRow.__table__
_RATE = SharedRateRow.__table__
_UPDATES = SharedUpdateRow.__table__
_BUSY_KEEP_S = 86400.0  # an update nobody finished is forgotten a day after its lease


class SqlSharedState(MigratedDatabase, SharedState):
    what = "공유 상태 DB"

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.name = f"sql ({safe_url(url)})"

    def _error(self, message: str) -> Exception:
        return SharedStateError(message)

    def ping(self) -> str:
        self._ready()
        return self.name

    # --- conversation turns --------------------------------------------------------------
    def turns(self, conversation: str, limit: int) -> list[dict[str, str]]:
        now = time.time()
        with self._tx() as c:
            rows = c.execute(
                select(_TURNS.c.question, _TURNS.c.query, _TURNS.c.answer)
                .where(_TURNS.c.conversation == conversation, _TURNS.c.expires_at > now)
                .order_by(_TURNS.c.id.desc()).limit(limit)).all()
        return [{"question": r.question, "query": r.query, "answer": r.answer}
                for r in reversed(rows)]

    def add_turn(self, conversation: str, turn: dict[str, str], keep: int,
                 ttl_s: float) -> None:
        expires = time.time() + ttl_s
        with self._tx() as c:
            c.execute(_TURNS.insert().values(conversation=conversation, expires_at=expires,
                                             question=turn["question"], query=turn["query"],
                                             answer=turn["answer"]))
            c.execute(update(_TURNS).where(_TURNS.c.conversation == conversation)
                      .values(expires_at=expires))
            oldest_kept = (select(_TURNS.c.id).where(_TURNS.c.conversation == conversation)
                           .order_by(_TURNS.c.id.desc()).offset(keep - 1).limit(1)
                           .scalar_subquery())
            c.execute(delete(_TURNS).where(_TURNS.c.conversation == conversation,
                                           _TURNS.c.id < oldest_kept))

    def forget(self, conversation: str) -> bool:
        with self._tx() as c:
            result = c.execute(delete(_TURNS).where(_TURNS.c.conversation == conversation))
        return bool(result.rowcount)

    def conversation_count(self) -> int:
        with self._tx() as c:
            return int(c.execute(select(func.count(func.distinct(_TURNS.c.conversation)))
                                 .where(_TURNS.c.expires_at > time.time())).scalar() or 0)

    # --- pending 👎 comments --------------------------------------------------------------
    def set_pending(self, key: str, data: dict[str, Any], until: float) -> None:
        text = json.dumps(data, ensure_ascii=False)
        statement = self._insert(_PENDING).values(key=key, data=text, expires_at=until)
        statement = statement.on_conflict_do_update(
            index_elements=[_PENDING.c.key], set_={"data": text, "expires_at": until})
        with self._tx() as c:
            c.execute(statement)

    def get_pending(self, key: str, now: float) -> dict[str, Any] | None:
        with self._tx() as c:
            text = c.execute(select(_PENDING.c.data).where(
                _PENDING.c.key == key, _PENDING.c.expires_at > now)).scalar()
        return None if text is None else json.loads(text)

    def pop_pending(self, key: str) -> bool:
        with self._tx() as c:
            return c.execute(delete(_PENDING).where(_PENDING.c.key == key)).rowcount == 1

    # --- rate limit ----------------------------------------------------------------------
    def rate_hit(self, key: str, count: int, window: float, now: float) -> RateVerdict:
        with self._tx() as c:
            c.execute(self._insert(_RATE).values(key=key, hits="[]", warned_at=None,
                                                 expires_at=now + window)
                      .on_conflict_do_nothing(index_elements=[_RATE.c.key]))
            row = c.execute(select(_RATE.c.hits, _RATE.c.warned_at)
                            .where(_RATE.c.key == key).with_for_update()).one()
            hits = [t for t in json.loads(row.hits) if now - t < window]
            warned_at = row.warned_at
            if len(hits) < count:
                hits.append(now)
                verdict, warned_at = RateVerdict(True), None
            else:
                warn = warned_at is None or warned_at < hits[0]
                if warn:
                    warned_at = now
                verdict = RateVerdict(False, window - (now - hits[0]), warn)
            c.execute(update(_RATE).where(_RATE.c.key == key).values(
                hits=json.dumps(hits), warned_at=warned_at,
                expires_at=max(hits, default=now) + window))
        return verdict

    # --- processed updates ---------------------------------------------------------------
    def claim_update(self, key: str, lease_s: float, now: float) -> Claim:
        lease = now + lease_s
        with self._tx() as c:
            inserted = c.execute(
                self._insert(_UPDATES).values(update_key=key, state="busy",
                                              lease_until=lease,
                                              expires_at=lease + _BUSY_KEEP_S)
                .on_conflict_do_nothing(index_elements=[_UPDATES.c.update_key])
                .returning(_UPDATES.c.update_key)).first()
            if inserted is not None:  # (rowcount is -1 here with psycopg 3)
                return Claim.NEW
            row = c.execute(select(_UPDATES.c.state, _UPDATES.c.lease_until)
                            .where(_UPDATES.c.update_key == key).with_for_update()).one()
            if row.state == "done":
                return Claim.DONE
            if row.lease_until > now:
                return Claim.BUSY
            c.execute(update(_UPDATES).where(_UPDATES.c.update_key == key)
                      .values(lease_until=lease, expires_at=lease + _BUSY_KEEP_S))
            log.warning("shared_state.update_taken_over", extra={"update": key})
            return Claim.NEW

    def finish_update(self, key: str, now: float, keep_s: float) -> None:
        with self._tx() as c:
            c.execute(update(_UPDATES).where(_UPDATES.c.update_key == key)
                      .values(state="done", expires_at=now + keep_s))

    def release_update(self, key: str) -> None:
        with self._tx() as c:
            c.execute(delete(_UPDATES).where(_UPDATES.c.update_key == key,
                                             _UPDATES.c.state == "busy"))

    # --- housekeeping --------------------------------------------------------------------
    def purge(self, now: float) -> int:
        deleted = 0
        with self._tx() as c:
            for table in (_TURNS, _PENDING, _RATE, _UPDATES):
                deleted += c.execute(delete(table).where(table.c.expires_at < now)).rowcount or 0
        return deleted
