"""What the answer engine returns to every front end (CLI, Telegram) and to the answer log."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field


class AnswerMode(StrEnum):
    EXTRACTIVE = "extractive"  # sentences quoted from the sources (no model configured)
    GENERATIVE = "generative"  # written by the configured model from the sources
    FALLBACK = "fallback"  # the model failed; extractive answer with a notice
    REFUSED = "refused"  # the documents do not cover the question
    # the documents hold the subject but not the asked detail (or not the asked year): the
    # answer says so first ("자료에는 ○○의 △△ 정보가 없습니다") and may add a labelled 참고
    DETAIL_MISSING = "detail_missing"


class Source(BaseModel):
    number: int = Field(description="The n of the [n] markers in the answer.")
    title: str
    section: str = ""
    source: str = Field(description="File of the passage (relative to the knowledge folder).")
    url: str = Field("", description="The source URL of the cited sentence; empty when it is "
                     "unknown among several (then `urls` lists the document's sources).")
    urls: list[str] = Field(default_factory=list)
    score: float = 0.0
    chunk_id: str = ""
    doc_id: str = ""
    facts_as_of: str = ""
    category: str = ""


class Support(BaseModel):
    """How well retrieval supports answering; the basis of refusals."""

    coverage: float = Field(description="IDF-weighted share of the question's key terms found.")
    dense: float = Field(description="Best cosine similarity among the top hits.")
    key_terms: list[str] = Field(default_factory=list)
    missing_terms: list[str] = Field(default_factory=list)
    supported: bool = False


class Answer(BaseModel):
    question: str
    query: str = Field(description="The standalone query used for retrieval.")
    answer: str
    mode: AnswerMode
    language: str = "ko"
    sources: list[Source] = Field(default_factory=list)
    notice: str | None = Field(None, description="Shown under the answer (e.g. fallback notice).")
    support: Support | None = None
    model: str | None = None
    prompt_version: str | None = None
    usage: dict[str, int] = Field(default_factory=dict)
    timings: dict[str, float] = Field(default_factory=dict, description="Seconds per stage.")


class StreamEvent(BaseModel):
    """One step of `AnswerEngine.astream`: the growing text, then the checked answer."""

    kind: Literal["delta", "final"]
    text: str = Field("", description="delta: the whole answer so far; final: the answer text.")
    answer: Answer | None = Field(None, description="Only on the final event.")


class QuestionError(ValueError):
    """A question the engine will not process; `message` is friendly and user-facing."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
