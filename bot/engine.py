"""The answer engine: question -> retrieval -> support check -> answer with numbered sources.

It knows nothing about Telegram or the terminal; front ends call `answer()` and render the
`Answer`. Without a model it answers extractively; refusals happen before any model is called.
"""

from __future__ import annotations

import logging
import time

from bot import prompts
from bot.extractive import ExtractiveAnswerer
from bot.language import detect_language
from bot.models import Answer, AnswerMode, QuestionError
from knowledge.base import KnowledgeBase
from knowledge.search import SearchResult

log = logging.getLogger(__name__)


class AnswerEngine:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.settings = kb.settings
        self.extractive = ExtractiveAnswerer(
            kb.analyzer,
            min_coverage=self.settings.min_term_coverage,
            min_dense=self.settings.min_dense_score,
            max_sentences=self.settings.max_answer_sentences,
        )

    def validate(self, question: str) -> str:
        question = (question or "").strip()
        language = detect_language(question)
        if not question:
            raise QuestionError(prompts.EMPTY_QUESTION[language])
        if len(question) > self.settings.max_question_chars:
            raise QuestionError(prompts.QUESTION_TOO_LONG[language].format(
                length=len(question), limit=self.settings.max_question_chars))
        return question

    def retrieve(self, query: str, category: str | None = None) -> SearchResult:
        return self.kb.searcher().search(query, self.settings.top_k, category=category)

    def answer(self, question: str, *, category: str | None = None) -> Answer:
        started = time.perf_counter()
        question = self.validate(question)
        language = detect_language(question)
        query = question
        result = self.retrieve(query, category)
        t_retrieved = time.perf_counter()
        doc_freq, n_docs = self.kb.keyword_index().statistics()
        support = self.extractive.assess(query, result.hits, doc_freq, n_docs)
        answer = Answer(question=question, query=query, answer="", mode=AnswerMode.REFUSED,
                        language=language, support=support,
                        prompt_version=prompts.PROMPT_VERSION)
        chosen = (self.extractive.select(query, result.hits, doc_freq, n_docs)
                  if support.supported else [])
        if chosen:
            text, sources = self.extractive.compose(query, result.hits, chosen, language)
            answer.answer, answer.sources, answer.mode = text, sources, AnswerMode.EXTRACTIVE
        else:
            answer.answer = prompts.REFUSAL[language].format(contact=self.settings.human_contact)
        done = time.perf_counter()
        answer.timings = {
            "retrieval": round(t_retrieved - started, 4),
            "answer": round(done - t_retrieved, 4),
            "total": round(done - started, 4),
        }
        log.info("answer", extra={
            "mode": answer.mode.value, "sources": [s.chunk_id for s in answer.sources],
            "coverage": support.coverage, "dense": support.dense, **answer.timings,
        })
        return answer
