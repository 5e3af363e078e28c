"""The answer engine: question -> (rewrite) -> retrieval -> support check -> answer with sources.

It knows nothing about Telegram or the terminal; front ends call `answer()` / `aanswer()` /
`astream()` and render the `Answer`. Without a model it answers extractively. With one, the
model writes the answer from the same numbered passages; its [n] markers are checked, an answer
that cites nothing is retried once with a stricter instruction, and any failure (timeouts, 429,
5xx after the client's bounded retries, bad key, unknown model, ungrounded answer) falls back to
the extractive answer with a notice. Refusals decided by retrieval support happen before any
model call, so unsupported questions cost no tokens.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from bot import prompts
from bot.answer_judge import AnswerJudge
from bot.citations import CitationCheck, check_citations, is_refusal, may_be_sentinel
from bot.conversation import ConversationStore, QueryRewriter, Rewrite, Turn
from bot.cues import APPLYING, CHANNEL, ONLINE
from bot.eligibility import rule_words
from bot.extractive import ExtractiveAnswerer, Reply, needs_call_reminder
from bot.facts import CHECKED_KINDS, holds
from bot.followup import asked_again, inherit_subject, is_follow_up, then_phrase, turn_year
from bot.generation import (
    Completion,
    GenerationError,
    Message,
    NumberedSource,
    OpenAIGenerator,
    add_usage,
    answer_messages,
    number_sources,
    retry_messages,
)
from bot.kinds import FactKind
from bot.language import detect_language
from bot.membership import told_case, told_only
from bot.model_limits import within_answer_deadline
from bot.models import Answer, AnswerMode, QuestionError, StreamEvent, Support
from bot.query import AnalysedQuery, QueryAnalyzer
from bot.safety import safe_preview, unsafe_sentences
from bot.settings import Settings
from bot.vocabulary import VocabularyRepair
from knowledge.base import KnowledgeBase
from knowledge.clock import clock_from_settings
from knowledge.models import SearchHit
from knowledge.search import SearchResult

log = logging.getLogger(__name__)

# the words an application channel is written in, searched for with the programme's name
_CHANNEL_WORDS = ("신청", "접수", "누리집", "온라인")

def _names_channel(reply: Reply) -> bool:
    """Whether a line of the reply says where applications go (a site, an office)."""
    return any(CHANNEL.search(line) for line in reply.lines)


# A generated reply that starts by saying the documents lack the asked detail.
_SAYS_MISSING = re.compile(r"^\s*(자료에는\s[^\n]{0,80}(정보|내용)(가|이)\s*없|"
                           r"the documents do not)",
                           re.IGNORECASE)


@dataclass
class _Run:
    """One question on its way through the engine."""

    question: str
    language: str
    query: str
    analysed: AnalysedQuery
    rewrite: Rewrite
    hits: list[SearchHit]
    support: Support
    doc_freq: dict[str, int]
    n_docs: int
    started: float
    timings: dict[str, float] = field(default_factory=dict)
    usage: dict[str, int] = field(default_factory=dict)
    model_called: bool = False
    reply: Reply | None = None  # the extractive reply (decided before any model call)
    retried: bool = False
    invalid_citations: int = 0

    def add_call(self, usage: dict[str, int], seconds: float) -> None:
        self.model_called = True
        add_usage(self.usage, usage)
        self.timings["generation"] = self.timings.get("generation", 0.0) + seconds


class AnswerEngine:
    def __init__(self, kb: KnowledgeBase, *, generator: OpenAIGenerator | None = None,
                 conversations: ConversationStore | None = None,
                 catalogue_answerer: object | None = None) -> None:
        self.kb = kb
        # issue 14: an optional answerer of calendar questions ("지금 신청할 수 있는 사업"),
        # asked first; it returns None to fall through to retrieval (bot/catalogue/answerer.py)
        self.catalogue_answerer = catalogue_answerer
        self.settings = kb.settings
        self.generator = generator
        self.extractive = ExtractiveAnswerer(
            kb.analyzer,
            min_coverage=self.settings.min_term_coverage,
            min_dense=self.settings.min_dense_score,
            max_sentences=self.settings.max_answer_sentences,
            judge=AnswerJudge.load() if self.settings.answer_judge else None,
        )
        self.conversations = conversations or ConversationStore(
            self.settings.history_turns, self.settings.max_conversations)
        self.rewriter = QueryRewriter(kb.analyzer, generator,
                                      max_chars=self.settings.max_question_chars)
        self.queries = QueryAnalyzer(kb.analyzer)
        self.vocabulary = VocabularyRepair(kb.analyzer)
        self.clock = clock_from_settings(self.settings)

    # --- public API ----------------------------------------------------------------------------
    def validate(self, question: str) -> str:
        question = (question or "").strip()
        if not question:
            raise QuestionError(prompts.EMPTY_QUESTION["ko"])
        if len(question) > self.settings.max_question_chars:
            language = detect_language(question)
            raise QuestionError(prompts.QUESTION_TOO_LONG[language].format(
                length=len(question), limit=self.settings.max_question_chars))
        return question

    def retrieve(self, query: str, category: str | None = None) -> SearchResult:
        return self.kb.searcher().search(query, self.settings.top_k, category=category)

    @within_answer_deadline  # all model calls of one answer share one deadline
    def answer(self, question: str, *, conversation_id: str | None = None,
               category: str | None = None) -> Answer:
        if (early := self._from_catalogue(question)) is not None:  # issue 14
            return early
        run = self._prepare(question, conversation_id, category)
        if not self._wants_model(run):
            return self._finish(run, self._without_model(run), conversation_id)
        assert self.generator is not None
        sources = number_sources(run.hits)
        messages = answer_messages(sources, self._model_question(run))
        try:
            reply = self._complete(run, messages)
        except GenerationError as exc:
            return self._finish(run, self._fallback(run, "error", exc), conversation_id)
        return self._finish(run, self._judge(run, sources, messages, reply.text),
                            conversation_id)

    async def aanswer(self, question: str, *, conversation_id: str | None = None,
                      category: str | None = None) -> Answer:
        """`answer` in a worker thread, so an event loop is never blocked."""
        return await asyncio.to_thread(self.answer, question, conversation_id=conversation_id,
                                       category=category)

    @within_answer_deadline
    async def astream(self, question: str, *, conversation_id: str | None = None,
                      category: str | None = None) -> AsyncIterator[StreamEvent]:
        """Deltas (the whole text so far) while the model writes, then the checked answer.

        Extractive and refused answers come as one "final" event. The final text may differ
        from the last delta (invalid citations removed, a retry, or a fallback).
        """
        if (early := await asyncio.to_thread(self._from_catalogue, question)) is not None:
            yield StreamEvent(kind="final", text=early.answer, answer=early)  # issue 14
            return
        run = await asyncio.to_thread(self._prepare, question, conversation_id, category)
        if not self._wants_model(run):
            answer = await asyncio.to_thread(self._without_model, run)
        else:
            assert self.generator is not None
            sources = number_sources(run.hits)
            messages = answer_messages(sources, self._model_question(run))
            stream = self.generator.stream(messages)
            try:
                async for text in stream:
                    # never show the refusal marker, nor a request planted in a source
                    preview = safe_preview(text, run.question)
                    if preview and not may_be_sentinel(preview):
                        yield StreamEvent(kind="delta", text=preview)
            except GenerationError as exc:
                run.add_call(stream.usage, stream.seconds)
                answer = await asyncio.to_thread(self._fallback, run, "error", exc)
            else:
                run.add_call(stream.usage, stream.seconds)
                answer = await asyncio.to_thread(self._judge, run, sources, messages, stream.text)
        answer = self._finish(run, answer, conversation_id)
        yield StreamEvent(kind="final", text=answer.answer, answer=answer)

    def forget(self, conversation_id: str) -> None:
        """Drop a conversation's history (/reset)."""
        self.conversations.forget(conversation_id)

    async def aclose(self) -> None:
        """Release the model clients (call from the event loop that streamed, at shutdown)."""
        if self.generator is not None:
            await self.generator.aclose()
            self.generator.close()

    # --- steps ---------------------------------------------------------------------------------
    def _from_catalogue(self, question: str) -> Answer | None:
        """issue 14: the programme catalogue's answer to a calendar question, or None."""
        if self.catalogue_answerer is None:
            return None
        return self.catalogue_answerer.answer(self.validate(question))  # type: ignore[attr-defined]

    def _prepare(self, question: str, conversation_id: str | None,
                 category: str | None) -> _Run:
        started = time.perf_counter()
        question = self.validate(question)
        language = detect_language(question)
        today = self.clock.today()
        analysed = self.queries.analyse(question, today, language=language)
        if analysed.meta:  # about the bot's own instructions: refused before any retrieval
            return _Run(question=question, language=language, query=question,
                        analysed=analysed, rewrite=Rewrite(question), hits=[],
                        support=Support(coverage=0.0, dense=0.0), doc_freq={}, n_docs=0,
                        started=started, timings={"rewrite": 0.0, "retrieval": 0.0})
        history = self.conversations.history(conversation_id)
        follow_up = bool(history) and is_follow_up(analysed, self.queries)
        rewrite = self.rewriter.rewrite(question, history, follow_up=follow_up)
        if follow_up and rewrite.method == "heuristic":
            # no model (or it failed): the previous turn's subject, not its attribute words
            rewrite.query = inherit_subject(question, history[-1], self.queries)
        elif history and rewrite.query == question:
            # a subject of its own but the turn before's time: "그해 초창패는 몇 개사?"
            then = then_phrase(question, history[-1])
            if then:
                rewrite.query = f"{then} {question}"
            else:  # "중진공은?": the turn before's question, about this name
                again = asked_again(question, history[-1])
                if again:
                    rewrite.query = f"{question} {again}"
        if rewrite.query != question:
            analysed = self.queries.analyse(question, today, text=rewrite.query,
                                            language=language)
        t_search = time.perf_counter()
        index = self.kb.keyword_index()
        doc_freq, n_docs = index.statistics()
        mended, fixes = self.vocabulary.repair(analysed.text, analysed.key_terms, index)
        if fixes:  # "창진원", "콜쎈타": words the corpus never uses, mended towards its own
            analysed = self.queries.analyse(question, today, text=mended, language=language)
            analysed.typo_fixes = [*analysed.typo_fixes, *fixes]
        if rewrite.query == question:  # a follow-up's subject comes from the turn before
            analysed = self.queries.without_story_names(analysed, doc_freq)
        if follow_up and analysed.year is None:
            analysed.context_year = turn_year(history[-1], today)
        result = self.retrieve(analysed.text, category)
        support = self.extractive.assess(self._support_query(analysed), result.hits, doc_freq,
                                         n_docs, chunk_terms=index.terms)
        if not support.supported:
            support = self._told_support(analysed, result.hits, doc_freq, n_docs) \
                or self._asked_support(analysed, result.hits, doc_freq, n_docs) or support
        run = _Run(question=question, language=language, query=analysed.text,
                   analysed=analysed, rewrite=rewrite, hits=result.hits, support=support,
                   doc_freq=doc_freq, n_docs=n_docs, started=started)
        run.timings["rewrite"] = round(rewrite.seconds, 4)
        run.timings["retrieval"] = round(time.perf_counter() - t_search, 4)
        if rewrite.method == "model" or rewrite.error is not None:
            run.model_called = True
            add_usage(run.usage, rewrite.usage)
        if support.supported:
            run.reply = self.extractive.respond(analysed, result.hits, doc_freq, n_docs)
        if run.reply is None and (again := self._story_search(run, category)):
            run.hits, run.support = again
            support = run.support
            run.reply = self.extractive.respond(analysed, run.hits, doc_freq, n_docs,
                                                max_hits=len(run.hits))
        if support.supported:
            if run.reply is not None and run.reply.no_rule:
                self._find_rule(run, category)
            elif self._wants_channel(run):
                self._find_channel(run, category)
        elif self._subject_found(analysed, support):
            # the subject is there but a word of the asked detail is not ("창업진흥원 건물"):
            # only a "자료에는 … 정보가 없습니다" reply may come of it, never an answer
            reply = self.extractive.respond(analysed, result.hits, doc_freq, n_docs)
            if reply is not None and reply.missing:
                run.reply = reply
        return run

    def _search_again(self, run: _Run, query: str,
                      category: str | None) -> tuple[Reply, list[SearchHit]] | None:
        """One more search, its new passages added after the first ones, and the reply over
        both; None when it finds no new passage or the reply finds nothing."""
        merged = self._more_hits(run, query, category)
        if merged is None:
            return None
        reply = self.extractive.respond(run.analysed, merged, run.doc_freq, run.n_docs,
                                        max_hits=len(merged))
        return None if reply is None else (reply, merged)

    def _more_hits(self, run: _Run, query: str,
                   category: str | None) -> list[SearchHit] | None:
        """The run's passages with one more search's new ones after them; None when that
        search finds no new passage."""
        extra = self.retrieve(query, category).hits
        seen = {h.chunk.id for h in run.hits}
        merged = run.hits + [h for h in extra if h.chunk.id not in seen]
        return None if len(merged) == len(run.hits) else merged

    def _story_search(self, run: _Run, category: str | None
                      ) -> tuple[list[SearchHit], Support] | None:
        """A verdict was asked with the founder's story ("20년 12월에 개업했어요. 24년 2월에
        청창사 넣었으면 …") and the passages found do not support an answer: the story's words
        may have drowned the programme's. Search once more for the programme's name with the
        words its rule is written in, and keep both result lists when they support one."""
        analysed = run.analysed
        if analysed.founder.empty or not analysed.subject_terms \
                or not analysed.wants(FactKind.ELIGIBILITY):
            return None
        words = rule_words(analysed.founder)
        merged = self._more_hits(run, " ".join([*analysed.subject_terms[:3], *words]), category)
        if merged is None:
            return None
        support = self.extractive.assess(self._support_query(analysed), merged, run.doc_freq,
                                         run.n_docs, chunk_terms=self.kb.keyword_index().terms)
        if not support.supported:
            return None
        log.info("eligibility.story_search", extra={"found": True})
        return merged, support

    def _find_rule(self, run: _Run, category: str | None) -> None:
        """A verdict was asked but the passages found state no rule: search once more for the
        programme's rule itself (its name + the words rules are written in for what the founder
        told), and answer from both result lists when a rule turns up."""
        analysed = run.analysed
        words = rule_words(analysed.founder)
        if not words or not analysed.subject_terms:
            return
        found = self._search_again(run, " ".join([*analysed.subject_terms[:3], *words]),
                                   category)
        if found is not None and not found[0].no_rule:
            run.reply, run.hits = found
            log.info("eligibility.rule_search", extra={"found": True})

    @staticmethod
    def _wants_channel(run: _Run) -> bool:
        """"예창패 어디서 신청함?" was answered, but no line says where applications go."""
        reply, analysed = run.reply, run.analysed
        return (reply is not None and not reply.missing
                and analysed.kind is FactKind.HOW_TO_APPLY
                and bool(ONLINE.search(analysed.question)) and bool(analysed.subject_terms)
                and not _names_channel(reply))

    def _find_channel(self, run: _Run, category: str | None) -> None:
        """Where to apply was asked and the passages found say only who may apply: search once
        more for the programme's name with the words an application channel is written in, and
        keep the new reply only when it says where applications go."""
        query = " ".join([*run.analysed.subject_terms[:3], *_CHANNEL_WORDS])
        found = self._search_again(run, query, category)
        if found is not None and not found[0].missing and _names_channel(found[0]):
            run.reply, run.hits = found
            log.info("how_to_apply.channel_search", extra={"found": True})
            return
        # neither search says where applications go: saying so beats quoting who may apply
        if not APPLYING.search(run.analysed.question):
            return  # "어디어디서 해?", "운영은 어디서 해?": a place or a body, not a channel
        missing = self.extractive.channel_missing(run.analysed, run.hits, run.doc_freq,
                                                  run.n_docs)
        if missing is not None:
            run.reply = missing
            log.info("how_to_apply.channel_search", extra={"found": False})

    def _subject_found(self, analysed: AnalysedQuery, support: Support) -> bool:
        """Whether the best passages hold every word naming the question's subject (a
        programme or organisation name) although support failed on its other words."""
        if analysed.off_topic or not analysed.kinds \
                or support.dense < self.settings.min_dense_score:
            return False
        if not self.queries.names_subject(analysed.key_terms):
            return False
        names = [t for t in analysed.subject_terms if t in support.key_terms]
        return bool(names) and not any(t in support.missing_terms for t in names)

    def _support_query(self, analysed: AnalysedQuery) -> AnalysedQuery:
        """With the founder's own situation ("VC한테 투자 4천만원 받았는데 ...") only the
        programme it names decides support: the rest are the founder's words, not the
        documents'."""
        if analysed.founder.empty or not self.queries.names_subject(analysed.key_terms):
            return analysed
        # names only the founder's story uses ("신보나 중진공 평가는 안 받았어요. 그래도
        # 연구개발유형 되나요?") are what they lack, not the programme asked about
        names = {t: tag for t, tag in analysed.key_terms.items() if t in analysed.subject_terms}
        return dataclasses.replace(analysed, key_terms=names or analysed.key_terms)

    def _asked_support(self, analysed: AnalysedQuery, hits: list[SearchHit],
                       doc_freq: dict[str, int], n_docs: int) -> Support | None:
        """Support judged on what is asked when the only names are in the founder's story,
        as what they lack ("신보나 중진공 평가는 안 받았어요. 그래도 연구개발유형 되나요?"):
        the names decided support, but the programme asked about is in the asked clause."""
        if analysed.founder.empty:
            return None
        story = told_only(analysed.question, list(analysed.key_terms)) \
            | told_only(analysed.text, list(analysed.key_terms))  # "신보" mended to 신용보증기금
        names = [t for t in analysed.subject_terms if t in analysed.key_terms]
        asked = {t: tag for t, tag in analysed.key_terms.items() if t not in story}
        if not names or not set(names) <= story or not asked:
            return None
        support = self.extractive.assess(dataclasses.replace(analysed, key_terms=asked), hits,
                                         doc_freq, n_docs,
                                         chunk_terms=self.kb.keyword_index().terms)
        return support if support.supported else None

    def _told_support(self, analysed: AnalysedQuery, hits: list[SearchHit],
                      doc_freq: dict[str, int], n_docs: int) -> Support | None:
        """Support judged without the words of the founder's story when an eligibility
        question tells their case in words the documents never use ("AI는 안 쓰는 결제
        핀테크예요. 딥테크 특화형 분야에 해당돼요?"): those words are the founder's, like their
        numbers."""
        if not analysed.founder.empty or not analysed.wants(FactKind.ELIGIBILITY) \
                or not told_case(analysed.question) \
                or not self.queries.names_subject(analysed.key_terms):
            return None
        # only the words of the founder's story go: an asked word the documents lack still
        # decides ("벤처확인서 영문본도 발급돼요?")
        story = told_only(analysed.question, list(analysed.key_terms))
        names = {t: tag for t, tag in analysed.key_terms.items() if t not in story}
        if not names or names == analysed.key_terms:
            return None
        support = self.extractive.assess(dataclasses.replace(analysed, key_terms=names), hits,
                                         doc_freq, n_docs,
                                         chunk_terms=self.kb.keyword_index().terms)
        return support if support.supported else None

    def _model_question(self, run: _Run) -> str:
        """The question as the model sees it: with today's date when it names a relative year
        ("올해"), so the model can tell which year that is."""
        if run.analysed.relative_year is None:
            return run.query
        return prompts.MODEL_TODAY.format(today=self.clock.today().isoformat(),
                                          question=run.query)

    def _complete(self, run: _Run, messages: list[Message]) -> Completion:
        """One model call, its usage and time (failed attempts count as model time too)."""
        assert self.generator is not None
        started = time.perf_counter()
        try:
            reply = self.generator.complete(messages)
        except GenerationError:
            run.add_call({}, time.perf_counter() - started)
            raise
        run.add_call(reply.usage, reply.seconds)
        return reply

    def _wants_model(self, run: _Run) -> bool:
        """A model writes the answer only when the extractive answerer found the asked detail:
        "subject found, detail missing" and refusals are decided without a model call."""
        return (self.generator is not None and run.support.supported
                and run.rewrite.error is None and run.reply is not None
                and not run.reply.missing)

    def _without_model(self, run: _Run) -> Answer:
        """Refusal when retrieval does not support the question; otherwise the extractive
        answer (a fallback when a model is configured but unreachable)."""
        if run.analysed.meta:
            return self._answer(run, AnswerMode.REFUSED,
                                text=prompts.META_REFUSAL[run.language])
        if run.analysed.off_topic:
            return self._refused(run)
        if not run.support.supported and not (run.reply is not None and run.reply.missing):
            return self._refused(run)
        if run.rewrite.error is not None:  # the model failed a moment ago: don't wait twice
            return self._fallback(run, "error", run.rewrite.error)
        return self._extractive(run)

    def _extractive(self, run: _Run, mode: AnswerMode = AnswerMode.EXTRACTIVE,
                    notice: str | None = None) -> Answer:
        reply = run.reply
        answer = self._answer(run, mode, notice=notice)
        if reply is not None:
            answer.answer, answer.sources = reply.text, reply.sources
            if reply.missing and mode is AnswerMode.EXTRACTIVE:
                answer.mode = AnswerMode.DETAIL_MISSING
        else:
            answer.answer = self._refusal_text(run)
            if mode is AnswerMode.EXTRACTIVE:
                answer.mode = AnswerMode.REFUSED
        return answer

    def _refused(self, run: _Run) -> Answer:
        return self._answer(run, AnswerMode.REFUSED, text=self._refusal_text(run))

    def _fallback(self, run: _Run, reason: str, error: GenerationError | None = None) -> Answer:
        extra = {"reason": reason}
        if error is not None:
            extra |= {"kind": error.kind, "status": error.status}
        if error is not None and error.is_configuration:
            log.error("generation.misconfigured", extra={
                **extra, "hint": "run `startupbot doctor`", "model": self.generator and
                self.generator.model})
        else:
            log.warning("generation.fallback", extra=extra)
        notice = prompts.FALLBACK_NOTICE[reason][run.language]
        return self._extractive(run, AnswerMode.FALLBACK, notice=notice)

    def _judge(self, run: _Run, sources: list[NumberedSource], messages: list[Message],
               reply: str) -> Answer:
        """Accept a cited reply, pass a refusal through, retry an uncited one once."""
        check = check_citations(reply, len(sources))
        if is_refusal(check.text, grounded=check.grounded):
            return self._refused(run)
        if check.grounded:
            return self._generative(run, sources, check)
        run.retried = True
        try:
            second = self._complete(run, retry_messages(messages, reply))
        except GenerationError as exc:
            return self._fallback(run, "error", exc)
        check = check_citations(second.text, len(sources))
        if is_refusal(check.text, grounded=check.grounded):
            return self._refused(run)
        if check.grounded:
            return self._generative(run, sources, check)
        return self._fallback(run, "ungrounded")

    def _generative(self, run: _Run, sources: list[NumberedSource],
                    check: CitationCheck) -> Answer:
        run.invalid_citations += len(check.invalid)
        if unsafe := unsafe_sentences(check.text, run.question):  # bot/safety.py
            log.warning("generation.unsafe_reply", extra={"kinds": [f.kind for f in unsafe]})
            return self._fallback(run, "unsafe")
        cited = [sources[n - 1] for n in check.cited]
        text = check.text.replace(prompts.NO_ANSWER_SENTINEL, "").strip()
        strict = [k for k in run.analysed.kinds if k in CHECKED_KINDS]
        if _SAYS_MISSING.match(text):
            mode = AnswerMode.DETAIL_MISSING
        elif strict and not holds(strict[0], text):
            # the reply does not hold the kind of fact asked (an amount, a phone number, ...):
            # the extractive answer, which does, replaces it
            log.info("generation.off_kind", extra={"kind": strict[0].value})
            return self._fallback(run, "ungrounded")
        else:
            mode = AnswerMode.GENERATIVE
        if any(needs_call_reminder(s.category) for s in cited):
            text += "\n\n" + prompts.CHECK_CURRENT_CALL[run.language]
        answer = self._answer(run, mode, text=text)
        answer.sources = [s.to_source(i) for i, s in enumerate(cited, 1)]
        return answer

    def _answer(self, run: _Run, mode: AnswerMode, *, text: str = "",
                notice: str | None = None) -> Answer:
        return Answer(question=run.question, query=run.query, answer=text, mode=mode,
                      language=run.language, support=run.support, notice=notice,
                      prompt_version=prompts.PROMPT_VERSION)

    def _refusal_text(self, run: _Run) -> str:
        return prompts.REFUSAL[run.language].format(contact=self.settings.human_contact)

    def _finish(self, run: _Run, answer: Answer, conversation_id: str | None) -> Answer:
        """Usage, timings and the model name on the answer; the turn into the history; a log."""
        done = time.perf_counter()
        if run.model_called and self.generator is not None:
            answer.model = self.generator.model
            answer.usage = dict(run.usage)
        total = done - run.started
        generation = run.timings.get("generation", 0.0)
        # answer = the engine's own work after retrieval: extractive selection, or prompt
        # assembly and citation checks; model = time inside model calls (rewrite included).
        answer.timings = {
            "rewrite": run.timings["rewrite"],
            "retrieval": run.timings["retrieval"],
            "generation": round(generation, 4),
            "answer": round(max(0.0, total - run.rewrite.seconds - run.timings["retrieval"]
                                - generation), 4),
            "model": round(generation + run.rewrite.model_seconds, 4),
            "total": round(total, 4),
        }
        said = answer.answer.replace(prompts.CHECK_CURRENT_CALL[run.language], "").strip()
        self.conversations.add(conversation_id, Turn(run.question, run.query, said))
        log.info("answer", extra={
            "mode": answer.mode.value, "sources": [s.chunk_id for s in answer.sources],
            "coverage": run.support.coverage, "dense": run.support.dense,
            "rewrite": run.rewrite.method, "retried": run.retried,
            "kind": run.analysed.kind.value if run.analysed.kind else None,
            "year": run.analysed.year, "typo_fixes": len(run.analysed.typo_fixes),
            "meta": run.analysed.meta,
            "judge": run.reply.judge_probability if run.reply is not None else None,
            "judged_out": run.reply.judged_out if run.reply is not None else False,
            "invalid_citations": run.invalid_citations, "model": answer.model,
            "usage": answer.usage, "timings": answer.timings,
        })
        return answer


def build_engine(settings: Settings, kb: KnowledgeBase) -> AnswerEngine:
    """The engine the settings ask for: generative when a key or a base URL is configured."""
    generator = OpenAIGenerator.from_settings(settings) if settings.generation_enabled else None
    conversations = ConversationStore(settings.history_turns, settings.max_conversations)
    from bot.catalogue.answerer import CatalogueAnswerer  # issue 14 (opens nothing yet)

    return AnswerEngine(kb, generator=generator, conversations=conversations,
                        catalogue_answerer=CatalogueAnswerer.from_settings(settings))
