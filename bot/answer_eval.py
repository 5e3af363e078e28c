"""Answer evaluation over the hand-written question files (benchmarks/answer_eval/).

Twenty-nine parts, reported separately (`PARTS`): `old` (the first 92 questions, `questions.jsonl`,
in their original format), `tuning` (new questions the answerer may be tuned on), `heldout`
(new questions it must never be tuned on, so an over-fitted heuristic shows), `heldout2` (a
second, fresh held-out set for the next tuning round, since `heldout` has been scored) and
`tuning2` (a second tuning set for round 3, of the kinds the held-out sets showed weakest), and
`tuning3` / `heldout3` (round 4: one pool of 120 new items split at random per kind, half for
tuning, half held out), `heldout4` (round 5: 100 new items, wholly held out; nobody tunes
on it, the lead runs it once after tuning is frozen) and `heldout5` (a second wholly held-out
set of 100 items, written independently of heldout4, which the tuners will later read), and
`heldout6` / `heldout7` (round 6: two fresh 100-item sets over disjoint halves of the
documents; heldout6 is read once and then tuned on, heldout7 is read once after tuning is
frozen), and `heldout8` / `heldout9` (round 7: two more fresh sets over another split of the
documents, both read once after tuning is frozen), and `heldout10` / `heldout11` (round 8: the
same again over a third split), `heldout12` / `heldout13` (round 9: a fourth split) and
`heldout14` / `heldout15` (round 10: a fifth split), `heldout16` / `heldout17` (round 11: a
sixth split), `heldout18` / `heldout19` (round 12: a seventh), and on to `heldout24` /
`heldout25` (round 15: a tenth). Only
`DEFAULT_PARTS` run when no part is named: every other part runs only on `--part <name>`, so a
tuning run never shows their scores by accident, and `tuning2` /
`tuning3` only when named, so the default run's numbers stay comparable with earlier rounds.

Every question (or every turn of a three-turn conversation) expects one outcome:
`answer`, `verdict_yes` / `verdict_no` (an eligibility question with the founder's own
numbers), `detail_missing` (the documents hold the subject but not the asked detail) or
`refuse` (the subject is not in the documents, or the question is out of scope). An answer is
classified as refused (mode `refused`, or a `QuestionError`), detail missing (see
`says_detail_missing`) or answered; the metrics in `bot.answer_eval_report` compare that with
the expectation. Key facts are groups: every group must appear in the answer, any one string
of a group will do (compared without whitespace and case, since answers re-flow the spacing).

The engine is anything with `answer(question, conversation_id=...) -> Answer`, so the same
runner scores the extractive default and the generative mode. Conversations run turn by turn
through one conversation id; single questions run without one (no history).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from bot.models import Answer, AnswerMode, QuestionError

QUESTIONS_DIR = Path(__file__).resolve().parent.parent / "benchmarks" / "answer_eval"
DEFAULT_QUESTIONS = QUESTIONS_DIR / "questions.jsonl"  # the old 92 (part `old`)
PARTS: dict[str, Path] = {
    "old": DEFAULT_QUESTIONS,
    "tuning": QUESTIONS_DIR / "questions_tuning.jsonl",
    "heldout": QUESTIONS_DIR / "questions_heldout.jsonl",
    "heldout2": QUESTIONS_DIR / "questions_heldout2.jsonl",
    "tuning2": QUESTIONS_DIR / "questions_tuning2.jsonl",
    "tuning3": QUESTIONS_DIR / "questions_tuning3.jsonl",
    "heldout3": QUESTIONS_DIR / "questions_heldout3.jsonl",
    "heldout4": QUESTIONS_DIR / "questions_heldout4.jsonl",
    "heldout5": QUESTIONS_DIR / "questions_heldout5.jsonl",
    "heldout6": QUESTIONS_DIR / "questions_heldout6.jsonl",
    "heldout7": QUESTIONS_DIR / "questions_heldout7.jsonl",
    "heldout8": QUESTIONS_DIR / "questions_heldout8.jsonl",
    "heldout9": QUESTIONS_DIR / "questions_heldout9.jsonl",
    "heldout10": QUESTIONS_DIR / "questions_heldout10.jsonl",
    "heldout11": QUESTIONS_DIR / "questions_heldout11.jsonl",
    "heldout12": QUESTIONS_DIR / "questions_heldout12.jsonl",
    "heldout13": QUESTIONS_DIR / "questions_heldout13.jsonl",
    "heldout14": QUESTIONS_DIR / "questions_heldout14.jsonl",
    "heldout15": QUESTIONS_DIR / "questions_heldout15.jsonl",
    "heldout16": QUESTIONS_DIR / "questions_heldout16.jsonl",
    "heldout17": QUESTIONS_DIR / "questions_heldout17.jsonl",
    "heldout18": QUESTIONS_DIR / "questions_heldout18.jsonl",
    "heldout19": QUESTIONS_DIR / "questions_heldout19.jsonl",
    "heldout20": QUESTIONS_DIR / "questions_heldout20.jsonl",
    "heldout21": QUESTIONS_DIR / "questions_heldout21.jsonl",
    "heldout22": QUESTIONS_DIR / "questions_heldout22.jsonl",
    "heldout23": QUESTIONS_DIR / "questions_heldout23.jsonl",
    "heldout24": QUESTIONS_DIR / "questions_heldout24.jsonl",
    "heldout25": QUESTIONS_DIR / "questions_heldout25.jsonl",
}
# every part but DEFAULT_PARTS runs only when named
DEFAULT_PARTS: tuple[str, ...] = ("old", "tuning", "heldout")
EVAL_TODAY = "2026-12-01"  # the date every part is evaluated on unless --today says otherwise

# The answerer's "subject found, detail missing" answers: any of these modes, or a first line
# saying so in the documents' voice ("자료에는 ○○의 △△ 정보가 없습니다", "The documents do not
# give ..."). `detail_missing` is the mode the issue-11 answerer defines (`partial` is accepted
# too); the text rule also catches answers (e.g. generative ones) that say it in their text.
DETAIL_MISSING_MODES = frozenset({"detail_missing", "partial"})
_KO_MISSING = re.compile(r"^\W*(?:제공된\s*)?(?:자료|문서)(?:에는|에서는)\s.*?"
                         r"(?:없습니다|없어요|나와 있지 않|확인되지 않|담겨 있지 않|"
                         r"포함되어 있지 않|찾을 수 없)")
_EN_MISSING = re.compile(r"^\W*(?:the\s+)?(?:provided\s+)?(?:documents?|sources?|materials?)"
                         r"\b[^.\n]*?\b(?:do not|don't|does not|doesn't|did not|have no|"
                         r"contain no|give no)\b", re.IGNORECASE)
# Verdicts, read from the answer's first sentence: a leading yes/no word wins; otherwise a
# phrase in the answer's own polite voice ("신청할 수 없습니다"), "no" ones first because
# "신청할 수 없" contains "신청할 수". A quoted rule ends in the documents' "-다" ("...신청할 수
# 없다.") and is not a verdict.
_LEAD_NO = re.compile(r"^\W*(?:아니요|아니오|아뇨|no)(?=[\s,.!]|$)", re.IGNORECASE)
_LEAD_YES = re.compile(r"^\W*(?:네|예|yes)(?=[\s,.!]|$)", re.IGNORECASE)
_NO = re.compile(r"수\s*없(?:습니다|어요)|대상이\s*아닙니다|해당하지\s*않습니다|어렵습니다|"
                 r"불가능합니다|안\s*됩니다|not eligible|ineligible|cannot|can't|"
                 r"(?:do|does|did)\s*(?:not|n't)\s*qualify", re.IGNORECASE)
_YES = re.compile(r"수\s*있(?:습니다|어요)|가능합니다|가능해요|대상입니다|해당합니다|"
                  r"eligible|qualif|you can\b", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_FIRST_SENTENCE = re.compile(r"^.*?(?:[.!?。](?=\s|$)|\n|$)", re.DOTALL)


class AnswerEvalError(Exception):
    """A question file cannot be used; the message says where and why."""


class Expected(StrEnum):
    ANSWER = "answer"
    VERDICT_YES = "verdict_yes"
    VERDICT_NO = "verdict_no"
    DETAIL_MISSING = "detail_missing"
    REFUSE = "refuse"

    @property
    def answerable(self) -> bool:
        """The documents hold what is asked: the bot should answer."""
        return self in (Expected.ANSWER, Expected.VERDICT_YES, Expected.VERDICT_NO)


class Outcome(StrEnum):
    ANSWERED = "answered"
    DETAIL_MISSING = "detail_missing"
    REFUSED = "refused"


class EvalTurn(BaseModel):
    question: str = Field(min_length=1)
    expected: Expected
    key_facts: list[list[str]] = Field(
        default_factory=list, description="Every group must appear; any string of a group.")
    source_docs: list[str] = Field(default_factory=list)
    note: str = ""

    @field_validator("key_facts", mode="before")
    @classmethod
    def _groups(cls, value: object) -> object:
        """A bare string is a group of one."""
        if isinstance(value, list):
            return [[v] if isinstance(v, str) else v for v in value]
        return value

    @model_validator(mode="after")
    def _consistent(self) -> EvalTurn:
        if any(not group or not all(s.strip() for s in group) for group in self.key_facts):
            raise ValueError("key_facts has an empty group or string")
        if self.expected.answerable and not (self.key_facts and self.source_docs):
            raise ValueError(f"expected {self.expected.value} needs key_facts and source_docs")
        if self.expected is Expected.DETAIL_MISSING and not self.source_docs:
            raise ValueError("expected detail_missing needs the subject's source_docs")
        if self.expected is Expected.REFUSE and self.key_facts:
            raise ValueError("expected refuse takes no key_facts")
        return self


class EvalItem(BaseModel):
    """One question, or one conversation of several turns."""

    id: str = Field(min_length=1)
    kind: str = Field(min_length=1)
    turns: list[EvalTurn] = Field(min_length=1)
    note: str = ""

    @property
    def question(self) -> str:
        """The (first) question, for benchmarks that only need the text."""
        return self.turns[0].question


class NewItemRow(BaseModel):
    """A line of questions_tuning*.jsonl / questions_heldout*.jsonl (the new-item format)."""

    id: str
    kind: str
    question: str | None = None
    expected: Expected | None = None
    key_facts: list[str | list[str]] = Field(default_factory=list)
    source_docs: list[str] = Field(default_factory=list)
    turns: list[EvalTurn] | None = None
    note: str = ""

    def item(self) -> EvalItem:
        if self.turns is not None:
            if self.question is not None:
                raise ValueError("give either question or turns, not both")
            return EvalItem(id=self.id, kind=self.kind, turns=self.turns, note=self.note)
        if self.question is None or self.expected is None:
            raise ValueError("a question needs question and expected (or turns)")
        turn = EvalTurn(question=self.question, expected=self.expected,
                        key_facts=self.key_facts, source_docs=self.source_docs, note=self.note)
        return EvalItem(id=self.id, kind=self.kind, turns=[turn], note=self.note)


class OldItemRow(BaseModel):
    """A line of the old questions.jsonl: `key_facts` are alternatives (any one will do)."""

    id: str
    question: str
    answerable: bool
    key_facts: list[str] = Field(default_factory=list)
    source_doc: str | None = None
    category: str = ""

    def item(self) -> EvalItem:
        if self.answerable:
            kind, expected = "old_answer", Expected.ANSWER
        else:
            kind = "old_off_topic" if self.category == "off-topic" else "old_near_miss"
            expected = Expected.REFUSE
        turn = EvalTurn(question=self.question, expected=expected,
                        key_facts=[self.key_facts] if self.key_facts else [],
                        source_docs=[self.source_doc] if self.source_doc else [])
        return EvalItem(id=self.id, kind=kind, turns=[turn])


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[EvalItem]:
    """Read a question file in either format (old lines have `answerable`)."""
    if not path.is_file():
        raise AnswerEvalError(f"질문 파일이 없습니다 (missing question file): {path}")
    items: list[EvalItem] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("a line must be a JSON object")
            model = OldItemRow if "answerable" in row else NewItemRow
            item = model.model_validate(row).item()
        except (json.JSONDecodeError, ValidationError, ValueError) as exc:
            raise AnswerEvalError(f"{path}:{number}: {_first_error(exc)}") from None
        if item.id in seen:
            raise AnswerEvalError(f"{path}:{number}: duplicate id {item.id}")
        seen.add(item.id)
        items.append(item)
    if not items:
        raise AnswerEvalError(f"질문이 없습니다 (no questions): {path}")
    return items


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        return f"{where}: {err['msg']}" if where else err["msg"]
    return str(exc).splitlines()[0]


# --- scoring one answer ------------------------------------------------------------------------
def _norm(text: str) -> str:
    return _SPACE.sub("", text).lower()


def contains_key_fact(answer_text: str, key_facts: list[str]) -> bool:
    """At least one of the alternatives appears (whitespace and case ignored)."""
    text = _norm(answer_text)
    return any(_norm(fact) in text for fact in key_facts if fact.strip())


def contains_key_facts(answer_text: str, groups: list[list[str]]) -> bool:
    """Every group has at least one alternative in the text."""
    return all(contains_key_fact(answer_text, group) for group in groups)


def first_sentence(text: str) -> str:
    stripped = text.strip()
    match = _FIRST_SENTENCE.match(stripped)
    return (match.group(0) if match else stripped).strip()


def says_detail_missing(text: str) -> bool:
    """The answer opens by saying the documents lack the asked detail."""
    head = first_sentence(text)
    return bool(_KO_MISSING.search(head) or _EN_MISSING.search(head))


def detect_verdict(text: str) -> str | None:
    """"yes", "no" or None, from the first sentence of the answer."""
    head = first_sentence(text)
    if _LEAD_NO.search(head):
        return "no"
    if _LEAD_YES.search(head):
        return "yes"
    if _NO.search(head):
        return "no"
    if _YES.search(head):
        return "yes"
    return None


def classify(answer: Answer) -> Outcome:
    mode = str(answer.mode.value if isinstance(answer.mode, AnswerMode) else answer.mode)
    if mode == AnswerMode.REFUSED.value:
        return Outcome.REFUSED
    if mode in DETAIL_MISSING_MODES or says_detail_missing(answer.answer):
        return Outcome.DETAIL_MISSING
    return Outcome.ANSWERED


class TurnOutcome(BaseModel):
    id: str = Field(description="Item id; conversations have one row per turn.")
    turn: int = 1
    kind: str
    expected: Expected
    outcome: Outcome
    mode: str
    key_fact: bool | None = Field(None, description="None when the turn has no key facts.")
    right_document: bool | None = Field(None, description="None unless an answer is expected.")
    verdict: str | None = Field(None, description="Detected yes/no (eligibility questions).")
    cited: list[str] = Field(default_factory=list, description="File names of the sources.")
    seconds: float = 0.0
    answer_head: str = Field("", description="The answer's first 200 characters.")
    error: str | None = None


def score_turn(item: EvalItem, index: int, answer: Answer | None, seconds: float = 0.0,
               error: str | None = None) -> TurnOutcome:
    """Score one turn; `answer` None means the engine raised `QuestionError` (`error`)."""
    turn = item.turns[index]
    if answer is None:
        outcome, mode, text, cited = Outcome.REFUSED, "error", "", []
    else:
        outcome, mode, text = classify(answer), answer.mode.value, answer.answer
        cited = [Path(s.source).name for s in answer.sources]
    expected = turn.expected
    result = TurnOutcome(id=item.id, turn=index + 1, kind=item.kind, expected=expected,
                         outcome=outcome, mode=mode, cited=cited, seconds=round(seconds, 4),
                         answer_head=text[:200], error=error)
    if turn.key_facts and expected is not Expected.REFUSE:
        # a detail-missing answer is scored on its facts too (e.g. the latest covered year)
        wanted = Outcome.DETAIL_MISSING if expected is Expected.DETAIL_MISSING else \
            Outcome.ANSWERED
        result.key_fact = outcome is wanted and contains_key_facts(text, turn.key_facts)
    if expected.answerable:
        result.right_document = outcome is Outcome.ANSWERED and any(
            doc in cited for doc in turn.source_docs)
    if expected in (Expected.VERDICT_YES, Expected.VERDICT_NO) and outcome is Outcome.ANSWERED:
        result.verdict = detect_verdict(text)
    return result


# --- running -----------------------------------------------------------------------------------
class Engine(Protocol):
    def answer(self, question: str, *, conversation_id: str | None = None) -> Answer: ...


def run_items(engine: Engine, items: list[EvalItem], *, part: str,
              progress: Callable[[int, int], None] | None = None) -> list[TurnOutcome]:
    """Ask every item; a conversation's turns go through one conversation id, in order."""
    outcomes: list[TurnOutcome] = []
    for number, item in enumerate(items, 1):
        conversation = f"eval-{part}-{item.id}" if len(item.turns) > 1 else None
        for index, turn in enumerate(item.turns):
            started = time.perf_counter()
            try:
                answer = engine.answer(turn.question, conversation_id=conversation)
            except QuestionError as exc:  # counts as a refusal: the user got no answer
                outcomes.append(score_turn(item, index, None, error=exc.message))
                continue
            outcomes.append(score_turn(item, index, answer, time.perf_counter() - started))
        if progress:
            progress(number, len(items))
    return outcomes
