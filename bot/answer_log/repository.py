"""`AnswerLog`: every answer the bot gives, its feedback and its review, in one database.

Writes are one short transaction each. `record` never raises: the founder's answer matters more
than its log line, so a database failure is logged as `answer_log.error` and `None` returned.
The database is opened and migrated on first use (never at import or construction); after a
failure it is retried at most every `RETRY_AFTER_S` seconds, so a broken database does not slow
every answer down.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from bot.answer_log import queries
from bot.answer_log.db import build_engine, migrate, safe_url
from bot.answer_log.normalize import question_key
from bot.answer_log.privacy import SALT_FILE_NAME, hash_id, load_or_create_salt
from bot.answer_log.schemas import (
    AnswerFilter,
    AnswerPage,
    DailyStats,
    EventKind,
    GapQuestion,
    LoggedAnswer,
    ReviewEvent,
    ReviewStatus,
)
from bot.answer_log.tables import AnswerRow, ReviewEventRow
from bot.models import Answer

log = logging.getLogger(__name__)


# Ids and page numbers from URLs and the command line are checked against what the database can
# hold: a larger integer would raise OverflowError in the driver (a 500 / a traceback).
MAX_ID = 2**63 - 1
MAX_PAGE = 1_000_000


def _valid_id(answer_id: int) -> bool:
    return isinstance(answer_id, int) and 0 < answer_id <= MAX_ID


class AnswerLogError(Exception):
    """The answer log database cannot be used; the message is for maintainers."""


def _ms(timings: dict[str, float], key: str) -> int | None:
    value = timings.get(key)
    return None if value is None else round(value * 1000)


def _error_text(exc: BaseException) -> str:
    """The driver's message without SQL parameters (they would hold users' questions)."""
    return f"{type(exc).__name__}: {getattr(exc, 'orig', None) or exc}"[:300]


class AnswerLog:
    RETRY_AFTER_S = 30.0
    PURGE_EVERY_S = 6 * 3600.0

    def __init__(self, url: str, *, salt: bytes | None = None, salt_path: Path | None = None,
                 retention_days: int = 0, timezone: str = "Asia/Seoul") -> None:
        if salt is None and salt_path is None:
            raise ValueError("AnswerLog needs a salt or a salt_path")
        self.url = url
        self.retention_days = retention_days
        self.tz = ZoneInfo(timezone)
        self._salt = salt
        self._salt_path = salt_path
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._failed_at: float | None = None
        self._last_error = ""
        self._purged_at: float | None = None

    @classmethod
    def from_settings(cls, settings) -> AnswerLog:
        """The log configured by `settings` (nothing is opened until first use)."""
        salt = settings.user_hash_salt
        return cls(settings.answer_log_url,
                   salt=salt.get_secret_value().encode("utf-8") if salt else None,
                   salt_path=Path(settings.data_dir) / SALT_FILE_NAME,
                   retention_days=settings.log_retention_days,
                   timezone=settings.answer_log_timezone)

    # --- plumbing ------------------------------------------------------------------------
    def _ready(self) -> Engine:
        engine = self._engine
        if engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = self._open()
                engine = self._engine
        if self.retention_days and (self._purged_at is None
                                    or time.monotonic() - self._purged_at > self.PURGE_EVERY_S):
            self._purged_at = time.monotonic()
            try:
                self._purge(engine)
            except Exception as exc:
                log.error("answer_log.error", extra={"op": "purge", "error": _error_text(exc)})
        return engine

    def _open(self) -> Engine:
        if self._failed_at is not None and (
                time.monotonic() - self._failed_at < self.RETRY_AFTER_S):
            raise AnswerLogError(self._last_error)
        engine = None
        try:
            engine = build_engine(self.url)
            migrate(engine)
        except Exception as exc:
            if engine is not None:
                engine.dispose()
            self._failed_at = time.monotonic()
            self._last_error = (f"답변 기록 DB를 열 수 없습니다 ({safe_url(self.url)}): "
                                f"{_error_text(exc)}")
            raise AnswerLogError(self._last_error) from exc
        self._failed_at = None
        return engine

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with Session(self._ready(), expire_on_commit=False) as session, session.begin():
            yield session

    def _salt_bytes(self) -> bytes:
        if self._salt is None:
            assert self._salt_path is not None
            self._salt = load_or_create_salt(self._salt_path)
        return self._salt

    def check_salt(self) -> None:
        """Load the salt now (start-up): raises `SaltError` for an empty or short salt file, so
        the bot refuses to start instead of logging nothing."""
        self._salt_bytes()

    def hash_id(self, value: str | int | None) -> str | None:
        """The pseudonym stored for a user or chat id (to look up one person's questions)."""
        return None if value is None else hash_id(self._salt_bytes(), value)

    def ping(self) -> str:
        """Check the salt, open and migrate the database now; raises `SaltError` or
        `AnswerLogError` with the reason."""
        self.check_salt()
        self._ready()
        return safe_url(self.url)

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    @staticmethod
    def _now() -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self._now().astimezone(self.tz).date()

    # --- writing: the bot ----------------------------------------------------------------
    def record(self, answer: Answer, *, channel: str, user_id: str | int | None = None,
               chat_id: str | int | None = None,
               created_at: datetime | None = None) -> int | None:
        """Store one answer; returns its id, or None when the log failed (never raises)."""
        started = time.perf_counter()
        try:
            at = (created_at or self._now()).astimezone(UTC)
            timings, usage = answer.timings or {}, answer.usage or {}
            row = AnswerRow(
                created_at=at, day=at.astimezone(self.tz).date(), channel=channel[:32],
                user_hash=self.hash_id(user_id), chat_hash=self.hash_id(chat_id),
                question=answer.question, question_key=question_key(answer.question),
                query=answer.query or "", answer=answer.answer, mode=answer.mode.value,
                language=answer.language, model=answer.model,
                prompt_version=answer.prompt_version, notice=answer.notice,
                sources=[s.model_dump(mode="json") for s in answer.sources],
                support=answer.support.model_dump(mode="json") if answer.support else None,
                retrieval_ms=_ms(timings, "retrieval"), generation_ms=_ms(timings, "generation"),
                total_ms=_ms(timings, "total"), prompt_tokens=usage.get("prompt_tokens"),
                completion_tokens=usage.get("completion_tokens"),
                total_tokens=usage.get("total_tokens"),
                review_status=ReviewStatus.UNREVIEWED.value,
            )
            with self._session() as session:
                session.add(row)
                session.flush()
                answer_id = row.id
        except Exception as exc:
            log.error("answer_log.error", extra={"op": "record", "channel": channel,
                                                 "error": _error_text(exc)})
            return None
        log.info("answer_log.recorded", extra={
            "answer_id": answer_id, "channel": channel, "mode": answer.mode.value,
            "ms": round((time.perf_counter() - started) * 1000, 1)})
        return answer_id

    async def arecord(self, answer: Answer, *, channel: str, user_id: str | int | None = None,
                      chat_id: str | int | None = None) -> int | None:
        """`record` in a worker thread: an event loop (Telegram) never waits on the database
        (SQLite may wait up to its busy timeout for another writer)."""
        return await asyncio.to_thread(self.record, answer, channel=channel, user_id=user_id,
                                       chat_id=chat_id)

    async def aset_feedback(self, answer_id: int, rating: int,
                            comment: str | None = None) -> bool:
        return await asyncio.to_thread(self.set_feedback, answer_id, rating, comment)

    async def aadd_comment(self, answer_id: int, comment: str) -> bool:
        return await asyncio.to_thread(self.add_comment, answer_id, comment)

    def set_feedback(self, answer_id: int, rating: int, comment: str | None = None) -> bool:
        """👍 (+1) or 👎 (-1) for an answer; a second click replaces the first.

        Returns False when there is no such answer or the database failed (logged)."""
        if rating not in (1, -1):
            raise ValueError("rating must be +1 or -1")
        comment = (comment or "").strip() or None

        def change(row: AnswerRow) -> None:
            row.feedback = rating
            row.feedback_at = self._now()
            if comment:
                row.feedback_comment = comment

        return self._feedback(answer_id, change, EventKind.FEEDBACK, comment, f"{rating:+d}")

    def add_comment(self, answer_id: int, comment: str) -> bool:
        """A founder's words about an answer (appended to earlier comments)."""
        comment = (comment or "").strip()
        if not comment:
            return False

        def change(row: AnswerRow) -> None:
            row.feedback_comment = (f"{row.feedback_comment}\n{comment}"
                                    if row.feedback_comment else comment)
            row.feedback_at = self._now()

        return self._feedback(answer_id, change, EventKind.FEEDBACK, comment, "comment")

    def answer_in_chat(self, answer_id: int, chat_id: str | int) -> bool:
        """True when `answer_id` was answered in this chat (its stored chat hash matches), so a
        👍/👎 or comment sent from another chat cannot change it. False on any failure."""
        try:
            with self._session() as session:
                stored = session.scalar(select(AnswerRow.chat_hash)
                                        .where(AnswerRow.id == answer_id))
        except Exception as exc:
            log.error("answer_log.error", extra={"op": "owner", "answer_id": answer_id,
                                                 "error": _error_text(exc)})
            return False
        expected = self.hash_id(chat_id)
        return stored is not None and expected is not None and hmac.compare_digest(stored,
                                                                                   expected)

    def _feedback(self, answer_id: int, change, kind: EventKind, note: str | None,
                  detail: str) -> bool:
        try:
            return self._change(answer_id, change, kind, note, detail)
        except Exception as exc:
            log.error("answer_log.error", extra={"op": "feedback", "answer_id": answer_id,
                                                 "error": _error_text(exc)})
            return False

    def _change(self, answer_id: int, change, kind: EventKind, note: str | None,
                detail: str | None) -> bool:
        if not _valid_id(answer_id):
            return False
        with self._session() as session:
            row = session.get(AnswerRow, answer_id)
            if row is None:
                return False
            change(row)
            session.add(ReviewEventRow(answer_id=answer_id, created_at=self._now(),
                                       kind=kind.value, note=note, detail=detail))
        return True

    # --- writing: the maintainers (errors propagate to the review tools) ------------------
    def mark_reviewed(self, answer_id: int, note: str | None = None) -> bool:
        note = (note or "").strip() or None

        def change(row: AnswerRow) -> None:
            if row.review_status != ReviewStatus.CORRECTED.value:
                row.review_status = ReviewStatus.REVIEWED.value
            row.reviewed_at = self._now()
            if note:
                row.reviewer_note = note

        return self._change(answer_id, change, EventKind.MARKED, note, None)

    def add_note(self, answer_id: int, note: str) -> bool:
        note = note.strip()

        def change(row: AnswerRow) -> None:
            row.reviewer_note = note

        return self._change(answer_id, change, EventKind.NOTE, note, None)

    def save_correction(self, answer_id: int, text: str, *, curated_path: str,
                        note: str | None = None) -> bool:
        note = (note or "").strip() or None

        def change(row: AnswerRow) -> None:
            row.corrected_answer = text
            row.corrected_at = row.reviewed_at = self._now()
            row.curated_path = curated_path
            row.review_status = ReviewStatus.CORRECTED.value
            if note:
                row.reviewer_note = note

        return self._change(answer_id, change, EventKind.CORRECTED, note, text)

    def clear_correction(self, answer_id: int, note: str | None = None) -> bool:
        note = (note or "").strip() or None
        previous: list[str | None] = []

        def change(row: AnswerRow) -> None:
            previous.append(row.corrected_answer)
            row.corrected_answer = row.corrected_at = row.curated_path = None
            row.review_status = ReviewStatus.REVIEWED.value
            row.reviewed_at = self._now()

        done = self._change(answer_id, change, EventKind.UNCORRECTED, note, None)
        return done and previous != [None]

    # --- reading -------------------------------------------------------------------------
    def get(self, answer_id: int) -> LoggedAnswer | None:
        if not _valid_id(answer_id):
            return None
        with self._session() as session:
            row = session.get(AnswerRow, answer_id)
            return None if row is None else queries.to_model(row, self.tz)

    def events(self, answer_id: int) -> list[ReviewEvent]:
        if not _valid_id(answer_id):
            return []
        with self._session() as session:
            rows = session.scalars(select(ReviewEventRow)
                                   .where(ReviewEventRow.answer_id == answer_id)
                                   .order_by(ReviewEventRow.id)).all()
            return [queries.event_model(r, self.tz) for r in rows]

    def list_answers(self, flt: AnswerFilter | None = None, *, page: int = 1,
                     per_page: int = 50) -> AnswerPage:
        page = min(max(1, page), MAX_PAGE)
        with self._session() as session:
            return queries.page(session, flt or AnswerFilter(), page, per_page, self.tz)

    def iter_answers(self, flt: AnswerFilter | None = None) -> Iterator[LoggedAnswer]:
        """Every matching answer, oldest first (streams; for exports)."""
        with self._session() as session:
            yield from queries.iterate(session, flt or AnswerFilter(), self.tz)

    def daily_stats(self, day: date | None = None) -> DailyStats:
        day = day or self.today()
        return self.stats_by_day(day, day)[0]

    def stats_by_day(self, first: date, last: date) -> list[DailyStats]:
        with self._session() as session:
            return queries.by_day(session, first, last)

    def refused_gaps(self, first: date | None = None, last: date | None = None,
                     limit: int = 10) -> list[GapQuestion]:
        with self._session() as session:
            return queries.gaps(session, first, last, limit, self.tz)

    # --- retention -----------------------------------------------------------------------
    def purge_expired(self, now: datetime | None = None) -> int:
        """Delete answers older than `retention_days` (0 keeps everything); returns how many."""
        return self._purge(self._ready(), now)

    def _purge(self, engine: Engine, now: datetime | None = None) -> int:
        if not self.retention_days:
            return 0
        cutoff = (now or self._now()).astimezone(UTC) - timedelta(days=self.retention_days)
        with Session(engine) as session, session.begin():
            old = select(AnswerRow.id).where(AnswerRow.created_at < cutoff)
            session.execute(delete(ReviewEventRow).where(ReviewEventRow.answer_id.in_(old)))
            deleted = session.execute(delete(AnswerRow).where(AnswerRow.created_at < cutoff))
            count = deleted.rowcount or 0
        log.info("answer_log.purged", extra={"deleted": count, "days": self.retention_days})
        return count
