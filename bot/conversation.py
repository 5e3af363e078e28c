"""Conversations: the last turns of each chat, and follow-ups turned into standalone queries.

Retrieval sees one query at a time, so a follow-up such as "그럼 신청 기간은?" after a question
about TIPS must name its topic before it is searched. When a question looks like a follow-up
(it starts with 그럼/그러면/what about..., or names no topic of its own), the model rewrites it
from the recent turns; without a model (or when that call fails) a cheap heuristic puts the
previous query's topic words in front of it. Standalone questions are never sent for rewriting,
which saves a model call on most turns.

Hand-written: the store is an `OrderedDict` of `deque`s under one lock (an LRU of bounded
histories) for one process, or a shared backend (bot/shared_state: the answer-log database or
Redis) when several webhook replicas must see the same turns; the heuristic is a few lines
over the Kiwi analyzer.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from bot import prompts
from knowledge.korean import GENERIC_TERMS, KoreanAnalyzer

if TYPE_CHECKING:
    from bot.generation import GenerationError, OpenAIGenerator

log = logging.getLogger(__name__)

# Words that ask about an attribute (amount, period, ...) rather than name a topic.
ATTRIBUTE_TERMS = frozenset([
    "신청", "기간", "금액", "지원금", "대상", "조건", "자격", "서류", "일정", "마감", "한도",
    "규모", "절차", "문의", "연락처", "비용", "기준", "접수", "선정", "혜택", "요건", "지원",
    "기관", "장소", "주소", "전화", "모집", "시기", "날짜", "제출", "평가", "결과", "발표",
    "사업", "프로그램", "트랙",
    "application", "apply", "period", "amount", "deadline", "eligibility", "eligible",
    "requirement", "requirements", "documents", "contact", "support", "much", "many", "does", "do",
    "can", "get", "give", "it", "that", "this", "program", "programme", "then",
])
_LEAD = re.compile(
    r"^\s*(그렇다면|그러면|그럼|그건|그거는|그거|그것은|그것|거기는|거기|이건|이거는|이거|그리고|또"
    r"|and|so|then|what about|how about)(?=[\s,?!.]|$)[\s,]*",
    re.IGNORECASE,
)
_MARKERS = re.compile(r"\s*\[\d+\]")
_LABEL = re.compile(r"^(독립\s*질문|질문|재작성|standalone question|question|rewritten)\s*[:：]\s*",
                    re.IGNORECASE)


@dataclass(frozen=True)
class Turn:
    question: str
    query: str
    answer: str


class TurnBackend(Protocol):
    """Where turns live when processes share them (bot.shared_state.SharedState)."""

    def turns(self, conversation: str, limit: int) -> list[dict[str, str]]: ...

    def add_turn(self, conversation: str, turn: dict[str, str], keep: int,
                 ttl_s: float) -> None: ...

    def forget(self, conversation: str) -> bool: ...

    def conversation_count(self) -> int: ...


class ConversationStore:
    """The last `max_turns` turns per conversation id, for at most `max_conversations`
    conversations (the least recently used one is dropped first). Thread-safe.

    With a `backend` the turns live there instead (shared by replicas, forgotten `ttl_s` after
    the last turn). A failing backend costs the follow-up context, never the answer: it is
    logged and the question is answered as a standalone one.
    """

    def __init__(self, max_turns: int = 4, max_conversations: int = 1000, *,
                 backend: TurnBackend | None = None, ttl_s: float = 86400.0) -> None:
        self.max_turns = max_turns
        self.max_conversations = max_conversations
        self.backend = backend
        self.ttl_s = ttl_s
        self._turns: OrderedDict[str, deque[Turn]] = OrderedDict()
        self._lock = threading.Lock()

    def history(self, conversation_id: str | None) -> list[Turn]:
        if conversation_id is None or self.max_turns == 0:
            return []
        if self.backend is not None:
            try:
                return [Turn(**t) for t in self.backend.turns(conversation_id, self.max_turns)]
            except Exception as exc:
                log.warning("conversation.backend_failed", extra={
                    "op": "history", "error": type(exc).__name__})
                return []
        with self._lock:
            turns = self._turns.get(conversation_id)
            if turns is None:
                return []
            self._turns.move_to_end(conversation_id)
            return list(turns)

    def add(self, conversation_id: str | None, turn: Turn) -> None:
        if conversation_id is None or self.max_turns == 0:
            return
        if self.backend is not None:
            try:
                self.backend.add_turn(conversation_id, {"question": turn.question,
                                                        "query": turn.query,
                                                        "answer": turn.answer},
                                      self.max_turns, self.ttl_s)
            except Exception as exc:
                log.warning("conversation.backend_failed", extra={
                    "op": "add", "error": type(exc).__name__})
            return
        with self._lock:
            turns = self._turns.get(conversation_id)
            if turns is None:
                turns = self._turns[conversation_id] = deque(maxlen=self.max_turns)
            turns.append(turn)
            self._turns.move_to_end(conversation_id)
            while len(self._turns) > self.max_conversations:
                self._turns.popitem(last=False)

    def forget(self, conversation_id: str) -> bool:
        if self.backend is not None:
            try:
                return self.backend.forget(conversation_id)
            except Exception as exc:
                log.warning("conversation.backend_failed", extra={
                    "op": "forget", "error": type(exc).__name__})
                return False
        with self._lock:
            return self._turns.pop(conversation_id, None) is not None

    def __len__(self) -> int:
        if self.backend is not None:
            return self.backend.conversation_count()
        with self._lock:
            return len(self._turns)

    def __contains__(self, conversation_id: object) -> bool:
        if self.backend is not None:
            return isinstance(conversation_id, str) and bool(self.history(conversation_id))
        with self._lock:
            return conversation_id in self._turns


@dataclass
class Rewrite:
    query: str
    method: Literal["none", "model", "heuristic"] = "none"
    usage: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    model_seconds: float = 0.0
    error: GenerationError | None = None  # the model call failed (the heuristic was used)


class QueryRewriter:
    def __init__(self, analyzer: KoreanAnalyzer, generator: OpenAIGenerator | None = None, *,
                 max_chars: int = 1000, answer_chars: int = 300) -> None:
        self.analyzer = analyzer
        self.generator = generator
        self.max_chars = max_chars
        self.answer_chars = answer_chars

    def topic_terms(self, text: str) -> list[str]:
        return [t for t in self.analyzer.key_terms(text) if t not in ATTRIBUTE_TERMS]

    def looks_like_follow_up(self, question: str) -> bool:
        return bool(_LEAD.match(question)) or not self.topic_terms(question)

    def rewrite(self, question: str, history: list[Turn], *,
                follow_up: bool | None = None) -> Rewrite:
        """`follow_up` is the caller's verdict (bot/followup.py, from the analysed question);
        without it the question is checked here."""
        started = time.perf_counter()
        if follow_up is None:
            follow_up = self.looks_like_follow_up(question)
        if not history or not follow_up:
            return Rewrite(question)
        result: Rewrite | None = None
        error = None
        if self.generator is not None:
            result, error = self._with_model(question, history)
        if result is None:
            result = Rewrite(self.heuristic(question, history[-1].query), "heuristic",
                             error=error)
            if error is not None:  # the failed attempts were time spent in model calls
                result.model_seconds = time.perf_counter() - started
        result.seconds = time.perf_counter() - started
        return result

    def _with_model(self, question: str, history: list[Turn]
                    ) -> tuple[Rewrite | None, GenerationError | None]:
        from bot.generation import GenerationError

        assert self.generator is not None
        lines = []
        for turn in history:
            lines.append(f"{prompts.REWRITE_ROLES['user']}: {turn.question}")
            answer = _MARKERS.sub("", turn.answer).strip()[: self.answer_chars]
            lines.append(f"{prompts.REWRITE_ROLES['assistant']}: {answer}")
        messages = [
            {"role": "system", "content": prompts.REWRITE_PROMPT},
            {"role": "user", "content": prompts.REWRITE_REQUEST.format(
                history="\n".join(lines), question=question)},
        ]
        try:
            reply = self.generator.complete(messages, max_tokens=120)
        except GenerationError as exc:
            log.warning("conversation.rewrite_failed", extra={"kind": exc.kind})
            return None, exc
        query = clean_rewrite(reply.text)
        if not query or len(query) > self.max_chars or prompts.NO_ANSWER_SENTINEL in query:
            log.info("conversation.rewrite_unusable")
            return None, None
        return Rewrite(query, "model", usage=reply.usage, model_seconds=reply.seconds), None

    def heuristic(self, question: str, previous_query: str) -> str:
        """A follow-up without a topic of its own ("그럼 신청 기간은?") gets the previous query's
        topic words in front; one that names only a new topic ("그럼 예창패는?") gets the
        previous query's attribute words ("지원 금액") after it."""
        rest = _LEAD.sub("", question, count=1).strip() or question
        own = set(self.analyzer.terms(question))
        has_topic = bool(self.topic_terms(question))
        asks_attribute = bool(own & ATTRIBUTE_TERMS)
        topic_words, attribute_words = [], []
        for word in previous_query.split():
            terms = [t for t in self.analyzer.terms(word) if t not in GENERIC_TERMS]
            if not terms or set(terms) <= own:
                continue
            clean = word.strip("?!.,;:")
            if any(t not in ATTRIBUTE_TERMS for t in terms):
                topic_words.append(clean)
            else:
                attribute_words.append(clean)
        if not has_topic and topic_words:
            return " ".join([*topic_words, rest])
        if has_topic and not asks_attribute and attribute_words:
            return " ".join([rest.rstrip("?!. "), *attribute_words])
        return rest


def clean_rewrite(text: str) -> str:
    """The first line of the model's rewrite, without quotes or a "질문:" label."""
    for line in text.strip().splitlines():
        line = _LABEL.sub("", line.strip()).strip().strip("\"'“”‘’「」`").strip()
        if line:
            return line
    return ""
