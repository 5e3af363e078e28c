"""One support call (programme) and what a sync found out about it.

Status is never stored as truth: it is derived from the application window and "today" (the one
clock, `STARTUPBOT_TODAY`), so a call cannot stay "open" in an answer after its deadline passed.
Dates come only from what the source says (see `dates.py`): a window the source gives as free
text ("상시", "예산 소진시") keeps its text and has no dates.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from knowledge.clock import SEOUL, Clock

PROGRAMME_CATEGORY = "programme"  # the knowledge-base category of catalogue documents


class Status(StrEnum):
    OPEN = "open"
    UPCOMING = "upcoming"
    CLOSED = "closed"
    UNKNOWN = "unknown"  # no usable window: never presented as open


class Stage(StrEnum):
    """Founding stages the catalogue can parse (issue 16 subscribes on the same values)."""

    PRE = "pre"  # 예비창업자
    EARLY = "early"  # 3년 이내
    GROWTH = "growth"  # 3~7년
    MATURE = "mature"  # 7년 초과


class Attachment(BaseModel):
    name: str
    url: str


class Target(BaseModel):
    """Who may apply: the source's text, plus what could be parsed from it (None = unknown)."""

    text: str = ""
    stages: list[Stage] | None = None
    years_max: int | None = Field(None, description="Founded less than N years ago.")
    age_min: int | None = None
    age_max: int | None = None
    regions: list[str] = Field(default_factory=list)
    other: str = ""

    def allows_stage(self, stage: Stage) -> bool | None:
        """True/False when the source says, None when it does not."""
        return None if self.stages is None else stage in self.stages

    def allows_age(self, age: int) -> bool | None:
        if self.age_min is None and self.age_max is None:
            return None
        return (self.age_min or 0) <= age <= (self.age_max or 200)


class Window(BaseModel):
    """Application window; aware datetimes in Asia/Seoul, None where the source gives none."""

    start: datetime | None = None
    end: datetime | None = None
    text: str = ""
    rolling: bool = Field(False, description="상시 / 예산 소진시: open without a deadline.")

    def status(self, clock: Clock) -> Status:
        now = clock.now().astimezone(SEOUL)
        if self.start is not None and now < self.start:
            return Status.UPCOMING
        if self.end is not None:
            return Status.OPEN if now <= self.end else Status.CLOSED
        if self.rolling:
            return Status.OPEN
        return Status.UNKNOWN

    @property
    def end_date(self) -> date | None:
        return self.end.date() if self.end else None

    @property
    def start_date(self) -> date | None:
        return self.start.date() if self.start else None


class Programme(BaseModel):
    """One support call as the catalogue keeps it (source-independent)."""

    id: str = Field(description="`<source prefix>-<source id>`, safe for deep links (p_<id>).")
    source: str
    source_id: str
    title: str
    aliases: list[str] = Field(default_factory=list)
    agency: str = Field("", description="Operating (executing) agency.")
    supervising_agency: str = ""
    category: str = ""
    support_field: str = ""
    summary: str = ""
    target: Target = Field(default_factory=Target)
    amount_max_won: int | None = None
    amount_text: str = ""
    window: Window = Field(default_factory=Window)
    url: str = ""
    attachments: list[Attachment] = Field(default_factory=list)
    year: int | None = None
    recruiting: bool | None = Field(None, description="The source's own 모집 진행 flag.")
    hashtags: list[str] = Field(default_factory=list)

    def status(self, clock: Clock) -> Status:
        status = self.window.status(clock)
        # The source saying "no longer recruiting" closes a call early; it never opens one.
        if self.recruiting is False and status is Status.OPEN:
            return Status.CLOSED
        return status

    def d_day(self, clock: Clock) -> int | None:
        end = self.window.end_date
        return None if end is None else clock.days_until(end)

    def content_hash(self) -> str:
        """Hash of everything the source said (what a sync compares)."""
        blob = json.dumps(self.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()


class StoredProgramme(BaseModel):
    """A programme with the catalogue's bookkeeping about it."""

    programme: Programme
    content_hash: str
    first_seen: datetime
    last_seen: datetime
    changed_at: datetime
    vanished_at: datetime | None = None
    last_status: Status = Status.UNKNOWN
    closed_at: datetime | None = Field(None, description="When a sync first saw it closed.")

    @property
    def vanished(self) -> bool:
        return self.vanished_at is not None


class SyncChanges(BaseModel):
    """What one sync changed, by programme id: what alerts (issue 16) are built on."""

    new: list[str] = Field(default_factory=list)
    changed: list[str] = Field(default_factory=list)
    closed: list[str] = Field(default_factory=list, description="Now closed, not before.")
    vanished: list[str] = Field(default_factory=list, description="Gone from the source.")
    reappeared: list[str] = Field(default_factory=list)
    unchanged: int = 0

    @property
    def any(self) -> bool:
        return bool(self.new or self.changed or self.closed or self.vanished or self.reappeared)
