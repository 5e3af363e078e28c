"""Read side of the answer log: filters, pages, per-day statistics and corpus gaps.

Plain functions over a `Session`, used by `AnswerLog`; all SQL is portable (SQLite and
PostgreSQL). The indexes in `tables.py` exist for these queries (see benchmarks/README.md).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import Session

from bot.answer_log.schemas import (
    AnswerFilter,
    AnswerPage,
    AnswerSummary,
    DailyStats,
    GapQuestion,
    LoggedAnswer,
    ReviewEvent,
)
from bot.answer_log.tables import AnswerRow, ReviewEventRow
from bot.models import AnswerMode, Source

PREVIEW_CHARS = 160


def local(value: datetime | None, tz: tzinfo) -> datetime | None:
    """A stored UTC time (SQLite hands it back naive) in the log's time zone."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(tz)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conditions(flt: AnswerFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if flt.feedback is not None:
        where.append(AnswerRow.feedback == flt.feedback)
    if flt.modes:
        where.append(AnswerRow.mode.in_([m.value for m in flt.modes]))
    if flt.status is not None:
        where.append(AnswerRow.review_status == flt.status.value)
    if flt.channel:
        where.append(AnswerRow.channel == flt.channel)
    if flt.date_from is not None:
        where.append(AnswerRow.day >= flt.date_from)
    if flt.date_to is not None:
        where.append(AnswerRow.day <= flt.date_to)
    if flt.text and flt.text.strip():
        pattern = _like(flt.text.strip())
        where.append(or_(*(column.ilike(pattern, escape="\\") for column in (
            AnswerRow.question, AnswerRow.answer, AnswerRow.corrected_answer,
            AnswerRow.reviewer_note, AnswerRow.feedback_comment))))
    return where


def to_model(row: AnswerRow, tz: tzinfo) -> LoggedAnswer:
    return LoggedAnswer(
        id=row.id, created_at=local(row.created_at, tz), day=row.day, channel=row.channel,
        user_hash=row.user_hash, chat_hash=row.chat_hash, question=row.question,
        query=row.query, answer=row.answer, mode=AnswerMode(row.mode), language=row.language,
        model=row.model, prompt_version=row.prompt_version, notice=row.notice,
        sources=[Source.model_validate(s) for s in row.sources or []], support=row.support,
        retrieval_ms=row.retrieval_ms, generation_ms=row.generation_ms, total_ms=row.total_ms,
        prompt_tokens=row.prompt_tokens, completion_tokens=row.completion_tokens,
        total_tokens=row.total_tokens, feedback=row.feedback,
        feedback_comment=row.feedback_comment, feedback_at=local(row.feedback_at, tz),
        review_status=row.review_status, reviewer_note=row.reviewer_note,
        reviewed_at=local(row.reviewed_at, tz), corrected_answer=row.corrected_answer,
        corrected_at=local(row.corrected_at, tz), curated_path=row.curated_path,
    )


def event_model(row: ReviewEventRow, tz: tzinfo) -> ReviewEvent:
    return ReviewEvent(id=row.id, answer_id=row.answer_id, created_at=local(row.created_at, tz),
                       kind=row.kind, note=row.note, detail=row.detail)


def page(session: Session, flt: AnswerFilter, number: int, per_page: int,
         tz: tzinfo) -> AnswerPage:
    """One page, newest first, with the total count under the same filters."""
    where = conditions(flt)
    total = session.scalar(select(func.count()).select_from(AnswerRow).where(*where)) or 0
    number = max(1, number)
    rows = session.execute(
        select(AnswerRow.id, AnswerRow.created_at, AnswerRow.channel, AnswerRow.mode,
               AnswerRow.question, func.substr(AnswerRow.answer, 1, PREVIEW_CHARS),
               AnswerRow.feedback, AnswerRow.review_status, AnswerRow.total_ms)
        .where(*where).order_by(AnswerRow.id.desc())
        .limit(per_page).offset((number - 1) * per_page)
    ).all()
    items = [AnswerSummary(id=r[0], created_at=local(r[1], tz), channel=r[2], mode=r[3],
                           question=r[4], answer_preview=r[5] or "", feedback=r[6],
                           review_status=r[7], total_ms=r[8]) for r in rows]
    return AnswerPage(items=items, total=total, page=number, per_page=per_page)


def iterate(session: Session, flt: AnswerFilter, tz: tzinfo,
            batch: int = 500) -> Iterator[LoggedAnswer]:
    """Every matching answer, oldest first, fetched in batches (keyset paging on id)."""
    last = 0
    where = conditions(flt)
    while True:
        rows = session.scalars(select(AnswerRow).where(AnswerRow.id > last, *where)
                               .order_by(AnswerRow.id).limit(batch)).all()
        if not rows:
            return
        for row in rows:
            yield to_model(row, tz)
        last = rows[-1].id
        session.expunge_all()


def by_day(session: Session, first: date, last: date) -> list[DailyStats]:
    """Per-day counts between `first` and `last` (inclusive), days without answers included."""
    within = (AnswerRow.day >= first, AnswerRow.day <= last)
    counts = session.execute(
        select(AnswerRow.day, func.count(),
               func.sum(case((AnswerRow.feedback == 1, 1), else_=0)),
               func.sum(case((AnswerRow.feedback == -1, 1), else_=0)),
               func.sum(case((AnswerRow.mode == AnswerMode.REFUSED.value, 1), else_=0)),
               func.sum(case((AnswerRow.mode == AnswerMode.FALLBACK.value, 1), else_=0)))
        .where(*within).group_by(AnswerRow.day)
    ).all()
    latencies: dict[date, list[int]] = defaultdict(list)
    for day, ms in session.execute(select(AnswerRow.day, AnswerRow.total_ms)
                                   .where(*within, AnswerRow.total_ms.is_not(None))):
        latencies[day].append(ms)
    found = {row[0]: row for row in counts}
    out: list[DailyStats] = []
    day = first
    while day <= last:
        row = found.get(day)
        stats = DailyStats(day=day)
        if row is not None:
            stats = DailyStats(day=day, questions=row[1], thumbs_up=row[2] or 0,
                               thumbs_down=row[3] or 0, refused=row[4] or 0,
                               fallback=row[5] or 0)
        if latencies.get(day):
            stats.median_latency_ms = float(statistics.median(latencies[day]))
        out.append(stats)
        day += timedelta(days=1)
    return out


def gaps(session: Session, first: date | None, last: date | None, limit: int,
         tz: tzinfo) -> list[GapQuestion]:
    """The most frequent refused questions: what founders ask that the documents lack."""
    where = [AnswerRow.mode == AnswerMode.REFUSED.value]
    if first is not None:
        where.append(AnswerRow.day >= first)
    if last is not None:
        where.append(AnswerRow.day <= last)
    count = func.count().label("n")
    newest = func.max(AnswerRow.id).label("newest")
    groups = session.execute(
        select(AnswerRow.question_key, count, newest).where(*where)
        .group_by(AnswerRow.question_key).order_by(count.desc(), newest.desc()).limit(limit)
    ).all()
    if not groups:
        return []
    examples = {r.id: r for r in session.execute(
        select(AnswerRow.id, AnswerRow.question, AnswerRow.created_at)
        .where(AnswerRow.id.in_([g.newest for g in groups])))}
    return [GapQuestion(key=g.question_key, count=g.n, example=examples[g.newest].question,
                        last_seen=local(examples[g.newest].created_at, tz)) for g in groups]
