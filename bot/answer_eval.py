"""Answer evaluation over the hand-written question file (benchmarks/answer_eval/).

For each question the engine's answer is checked three ways:
- key fact: an answerable question's answer contains at least one of its `key_facts`
  (compared without whitespace and case, since answers re-flow the documents' spacing);
- citation: one of the answer's numbered sources is the question's `source_doc`;
- refusal: the engine refuses (mode `refused`) exactly when the question is not answerable.

Shares are over answerable questions for the first two (a refusal counts as a miss) and over
all questions for refusal accuracy. The engine is anything with `answer(question) -> Answer`,
so the same runner scores the extractive default and the generative mode.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field, ValidationError

from bot.models import Answer, AnswerMode, QuestionError

DEFAULT_QUESTIONS = (Path(__file__).resolve().parent.parent / "benchmarks" / "answer_eval"
                     / "questions.jsonl")
_SPACE = re.compile(r"\s+")


class AnswerEvalError(Exception):
    """The question file cannot be used; the message says where and why."""


class AnswerQuestion(BaseModel):
    id: str
    question: str
    answerable: bool
    key_facts: list[str] = Field(default_factory=list)
    source_doc: str | None = None
    category: str = ""


class Engine(Protocol):
    def answer(self, question: str) -> Answer: ...


class QuestionOutcome(BaseModel):
    id: str
    answerable: bool
    mode: str
    refused: bool
    refusal_correct: bool
    has_key_fact: bool | None = Field(None, description="None for unanswerable questions.")
    cites_source: bool | None = Field(None, description="None for unanswerable questions.")
    cited: list[str] = Field(default_factory=list, description="File names of the sources.")
    seconds: float = 0.0
    error: str | None = None


class ModeReport(BaseModel):
    mode: str
    questions: int
    answerable: int
    unanswerable: int
    key_fact_share: float = Field(description="Answerable questions answered with a key fact.")
    citation_share: float = Field(description="Answerable questions citing the right document.")
    refusal_accuracy: float = Field(description="Questions refused exactly when unanswerable.")
    false_refusals: int = Field(description="Answerable questions that were refused.")
    false_answers: int = Field(description="Unanswerable questions that got an answer.")
    answered_key_fact_share: float | None = Field(
        None, description="Among answerable questions that were answered: share with a key fact.")
    median_seconds: float
    outcomes: list[QuestionOutcome]


class AnswerEvalReport(BaseModel):
    questions_file: str
    modes: list[ModeReport]
    skipped: list[dict[str, str]] = Field(default_factory=list)


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[AnswerQuestion]:
    if not path.is_file():
        raise AnswerEvalError(f"질문 파일이 없습니다 (missing question file): {path}")
    questions: list[AnswerQuestion] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            q = AnswerQuestion.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise AnswerEvalError(f"{path}:{number}: {str(exc).splitlines()[0]}") from None
        if q.answerable and not (q.key_facts and q.source_doc):
            raise AnswerEvalError(f"{path}:{number}: answerable question {q.id} needs key_facts "
                                  "and source_doc")
        questions.append(q)
    if not questions:
        raise AnswerEvalError(f"질문이 없습니다 (no questions): {path}")
    return questions


def _norm(text: str) -> str:
    return _SPACE.sub("", text).lower()


def contains_key_fact(answer_text: str, key_facts: list[str]) -> bool:
    text = _norm(answer_text)
    return any(_norm(fact) in text for fact in key_facts if fact.strip())


def score_answer(question: AnswerQuestion, answer: Answer, seconds: float = 0.0) -> QuestionOutcome:
    refused = answer.mode is AnswerMode.REFUSED
    cited = [Path(s.source).name for s in answer.sources]
    outcome = QuestionOutcome(id=question.id, answerable=question.answerable,
                              mode=answer.mode.value, refused=refused,
                              refusal_correct=refused != question.answerable, cited=cited,
                              seconds=round(seconds, 4))
    if question.answerable:
        outcome.has_key_fact = not refused and contains_key_fact(answer.answer,
                                                                 question.key_facts)
        outcome.cites_source = not refused and question.source_doc in cited
    return outcome


def evaluate_answers(engine: Engine, questions: list[AnswerQuestion], mode: str, *,
                     progress: Callable[[int, int], None] | None = None) -> ModeReport:
    outcomes: list[QuestionOutcome] = []
    for number, q in enumerate(questions, 1):
        started = time.perf_counter()
        try:
            answer = engine.answer(q.question)
        except QuestionError as exc:  # counts as a refusal: the user got no answer
            outcomes.append(QuestionOutcome(
                id=q.id, answerable=q.answerable, mode="error", refused=True,
                refusal_correct=not q.answerable, has_key_fact=False if q.answerable else None,
                cites_source=False if q.answerable else None, error=exc.message))
            continue
        outcomes.append(score_answer(q, answer, time.perf_counter() - started))
        if progress:
            progress(number, len(questions))
    return summarise(mode, outcomes)


def summarise(mode: str, outcomes: list[QuestionOutcome]) -> ModeReport:
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    answered = [o for o in answerable if not o.refused]

    def share(items: list[QuestionOutcome], test: Callable[[QuestionOutcome], bool]) -> float:
        return round(sum(map(test, items)) / len(items), 4) if items else 0.0

    return ModeReport(
        mode=mode, questions=len(outcomes), answerable=len(answerable),
        unanswerable=len(unanswerable),
        key_fact_share=share(answerable, lambda o: bool(o.has_key_fact)),
        citation_share=share(answerable, lambda o: bool(o.cites_source)),
        refusal_accuracy=share(outcomes, lambda o: o.refusal_correct),
        false_refusals=sum(o.refused for o in answerable),
        false_answers=sum(not o.refused for o in unanswerable),
        answered_key_fact_share=share(answered, lambda o: bool(o.has_key_fact))
        if answered else None,
        median_seconds=round(statistics.median(o.seconds for o in outcomes), 4),
        outcomes=outcomes,
    )


def answers_table(report: AnswerEvalReport):
    """A rich table of the modes side by side (for `startupbot eval --answers`)."""
    from rich.table import Table

    table = Table(title=f"answer evaluation: {Path(report.questions_file).name}")
    for col in ("mode", "questions", "key fact", "right document", "refusal accuracy",
                "false refusals", "false answers", "median s"):
        table.add_column(col, justify="left" if col == "mode" else "right")
    for m in report.modes:
        table.add_row(m.mode, f"{m.questions} ({m.unanswerable} unanswerable)",
                      f"{m.key_fact_share:.3f}", f"{m.citation_share:.3f}",
                      f"{m.refusal_accuracy:.3f}", str(m.false_refusals), str(m.false_answers),
                      f"{m.median_seconds:.3f}")
    return table
