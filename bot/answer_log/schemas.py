"""What the answer log hands out: pydantic models, so callers never touch ORM rows."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from bot.models import AnswerMode, Source


class ReviewStatus(StrEnum):
    UNREVIEWED = "unreviewed"
    REVIEWED = "reviewed"
    CORRECTED = "corrected"


class EventKind(StrEnum):
    """Rows of an answer's history (the `review_events` table)."""

    FEEDBACK = "feedback"  # a founder clicked 👍/👎 or wrote a comment
    MARKED = "marked"  # a maintainer marked the answer reviewed
    NOTE = "note"  # a maintainer's note without a status change
    CORRECTED = "corrected"  # a corrected answer was saved (and became a curated document)
    UNCORRECTED = "uncorrected"  # the correction was removed


class ReviewEvent(BaseModel):
    id: int
    answer_id: int
    created_at: datetime
    kind: EventKind
    note: str | None = None
    detail: str | None = None


class LoggedAnswer(BaseModel):
    """One logged answer with everything the review tools show."""

    id: int
    created_at: datetime = Field(description="Local time (settings.answer_log_timezone).")
    day: date
    channel: str
    user_hash: str | None = None
    chat_hash: str | None = None
    question: str
    query: str = ""
    answer: str
    mode: AnswerMode
    language: str = "ko"
    model: str | None = None
    prompt_version: str | None = None
    notice: str | None = None
    sources: list[Source] = Field(default_factory=list)
    support: dict | None = None
    retrieval_ms: int | None = None
    generation_ms: int | None = None
    total_ms: int | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    feedback: int | None = Field(None, description="+1 (👍), -1 (👎) or None.")
    feedback_comment: str | None = None
    feedback_at: datetime | None = None
    review_status: ReviewStatus = ReviewStatus.UNREVIEWED
    reviewer_note: str | None = None
    reviewed_at: datetime | None = None
    corrected_answer: str | None = None
    corrected_at: datetime | None = None
    curated_path: str | None = None


class AnswerSummary(BaseModel):
    """A row of the review list (no full texts, so a page of 50 stays small)."""

    id: int
    created_at: datetime
    channel: str
    mode: AnswerMode
    question: str
    answer_preview: str
    feedback: int | None = None
    review_status: ReviewStatus
    total_ms: int | None = None


class AnswerFilter(BaseModel):
    """The filters shared by `startupbot review list|export` and the review page."""

    feedback: int | None = Field(None, description="+1 for 👍 only, -1 for 👎 only.")
    modes: list[AnswerMode] = Field(default_factory=list)
    status: ReviewStatus | None = None
    channel: str | None = None
    date_from: date | None = Field(None, description="First day (local), inclusive.")
    date_to: date | None = Field(None, description="Last day (local), inclusive.")
    text: str | None = Field(None, description="Substring of question, answer, note or fix.")


class AnswerPage(BaseModel):
    items: list[AnswerSummary]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class DailyStats(BaseModel):
    day: date
    questions: int = 0
    thumbs_up: int = 0
    thumbs_down: int = 0
    refused: int = 0
    fallback: int = 0
    median_latency_ms: float | None = None


class GapQuestion(BaseModel):
    """A question the documents could not answer, grouped by its normalised form."""

    key: str
    example: str = Field(description="The latest wording of the question.")
    count: int
    last_seen: datetime
