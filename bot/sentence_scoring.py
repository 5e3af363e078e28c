"""Scoring the sentences of the top passages for an extractive answer (issue 11).

Each sentence is scored by the question's key terms it holds (IDF-weighted), the terms its
passage's heading adds, whether it holds the kind of fact asked (bot/facts.py) and the rank of
its passage; `about` / `own_about` say how much of the question's subject the sentence (with or
without its heading) names. Chunk analyses (sentences, Kiwi terms, years) are cached: the same
passages answer many questions.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from bot.asked_detail import ScoredSentence, compounds_asked, detail_terms, own_detail
from bot.cues import (
    AGGREGATE,
    CEILING,
    FULL_DAY,
    FUNCTION_ASKED,
    FUNCTION_VERB,
    GENERIC_DETAIL,
    GRANT,
    OPENED,
    flat,
    fuzzy_has,
    opens_with,
)
from bot.facts import PATTERNS, holds
from bot.kinds import FactKind
from bot.query import AnalysedQuery
from bot.safety import allowed_sentence
from bot.timeframe import sentence_year
from knowledge.korean import KoreanAnalyzer
from knowledge.models import Chunk, SearchHit

# Sentence splitting and term analysis of a chunk cost ~4 ms of Kiwi each time, and the same
# chunks answer many questions: keep the last CHUNK_CACHE_SIZE chunks' analyses in memory.
CHUNK_CACHE_SIZE = 4096

_META = re.compile(r"(이 문서|이 글|본 문서|아래 문서|다른 문서)")
# A sentence whose topic is an attribute of the subject ("충북 중소기업육성자금의 대상은 …").
_ATTRIBUTE_TOPIC = re.compile(r"^[^,.]{0,30}?의\s+[^\s,.]{1,12}(?:은|는)\s")
# One year's figures, which do not say what a programme is.
_FIGURES = (FactKind.AMOUNT, FactKind.COUNT, FactKind.PERCENT)
# the start asked ("언제 처음 생겼어?", "첫해엔 몇 명?") and sentences telling a start
FIRST_ASKED = re.compile(r"처음|첫\s?해|첫\s?회|최초|언제\s*(?:생겼|생긴|시작|만들어)")
_FIRST_SAID = re.compile(r"첫\s|첫해|도입(?:된|되었|됐|했)|신설|출범|새로\s*(?:생|도입|만들)|"
                         r"문을\s*열|개소|설립(?:되|된|했)")  # not "처음으로 X가 된 곳"
_REMINDER_SECTION = re.compile(r"(확인 사항|유의 사항|유의사항|확인사항)")


def _in_compound(terms: frozenset[str], term: str) -> bool:
    """Whether `term` is part of a longer compound among `terms`: a heading's "로컬크리에이터"
    speaks for the question's "크리에이터" (Kiwi split the question's compound)."""
    return len(term) >= 3 and any(len(t) > len(term) and term in t for t in terms)


def _split_into(terms: frozenset[str], term: str) -> bool:
    """Whether a name the question gives whole ("충북테크노파크", from "Chungbuk Technopark")
    is in the sentence as two terms ("충북TP" -> 충북 + 테크노파크)."""
    return len(term) >= 5 and any(len(t) >= 2 and term.startswith(t) and term[len(t):] in terms
                                  for t in terms)


def idf(term: str, doc_freq: Mapping[str, int], n_docs: int) -> float:
    df = doc_freq.get(term, 0)
    return math.log(1 + (n_docs + 1) / (df + 0.5))


# Weight of a common noun the corpus has never seen ("가게", "예전"): about that of a frequent
# term, so paraphrases do not sink an answer. Unseen names, numbers and foreign words keep the
# full IDF: "부산시" in a Chungbuk corpus is exactly what should make the bot refuse.
UNSEEN_COMMON_NOUN_WEIGHT = 1.0
_NAME_TAGS = frozenset({"NNP", "SL", "SN", "SH"})


def term_weights(tagged: dict[str, str], doc_freq: dict[str, int], n_docs: int,
                 language: str = "ko") -> dict[str, float]:
    """IDF weight of each key term of a question (see UNSEEN_COMMON_NOUN_WEIGHT)."""
    weights = {}
    for term, tag in tagged.items():
        if doc_freq.get(term, 0) > 0:
            weights[term] = idf(term, doc_freq, n_docs)
        elif language == "en" and tag == "SL":
            continue  # an English word without a glossary entry says nothing about the corpus
        elif tag in _NAME_TAGS:
            weights[term] = idf(term, doc_freq, n_docs)
        else:
            weights[term] = UNSEEN_COMMON_NOUN_WEIGHT
    return weights


@dataclass(frozen=True)
class ChunkAnalysis:
    """A chunk's sentences with their Kiwi terms, and the terms of its title + section."""

    sentences: list[str]
    terms: list[frozenset[str]]
    head_terms: frozenset[str]
    section_terms: frozenset[str] = frozenset()
    title_terms: frozenset[str] = frozenset()
    years: tuple[int | None, ...] = ()  # the year of each sentence's fact (bot/timeframe.py)
    flats: tuple[str, ...] = ()  # each sentence lower-cased without spaces


class SentenceScorer:
    """Scores candidate sentences; one per answerer, shared by its threads."""

    def __init__(self, analyzer: KoreanAnalyzer) -> None:
        self.analyzer = analyzer
        self._chunk_cache: OrderedDict[tuple[str, str], ChunkAnalysis] = OrderedDict()
        self._cache_lock = threading.Lock()

    def analyse(self, chunks: list[Chunk]) -> list[ChunkAnalysis]:
        """Each chunk's sentences with their terms and years (cached by chunk id and text)."""
        keys = [(c.id, c.text) for c in chunks]
        with self._cache_lock:
            found = {k: self._chunk_cache[k] for k in keys if k in self._chunk_cache}
            for k in found:
                self._chunk_cache.move_to_end(k)
        todo = [c for c, k in zip(chunks, keys, strict=True) if k not in found]
        if todo:
            split = [self.analyzer.sentences(c.text, lines=True) for c in todo]
            # one Kiwi call for every sentence and heading (much faster than one each)
            analysed = iter(self.analyzer.terms_batch(
                [text for chunk, sents in zip(todo, split, strict=True)
                 for text in (chunk.title, chunk.section or ".", *sents)]))
            with self._cache_lock:
                for chunk, sents in zip(todo, split, strict=True):
                    title = frozenset(next(analysed))
                    section = frozenset(next(analysed))
                    terms = [frozenset(next(analysed)) for _ in sents]
                    years = tuple(sentence_year(x, chunk.section, chunk.facts_as_of)
                                  for x in sents)
                    analysis = ChunkAnalysis(sents, terms, title | section, section, title,
                                             years, tuple(flat(x) for x in sents))
                    found[(chunk.id, chunk.text)] = analysis
                    self._chunk_cache[(chunk.id, chunk.text)] = analysis
                    while len(self._chunk_cache) > CHUNK_CACHE_SIZE:
                        self._chunk_cache.popitem(last=False)
        return [found[k] for k in keys]

    def candidates(self, query: AnalysedQuery, hits: list[SearchHit], doc_freq: dict[str, int],
                   n_docs: int, max_hits: int = 5) -> list[ScoredSentence]:
        """Every distinct sentence of the top passages, scored (best first)."""
        weights = term_weights(query.key_terms, doc_freq, n_docs, query.language)
        key_terms = list(weights)
        total = sum(weights.values()) or 1.0
        # terms the corpus has never seen cannot be matched (support judges those)
        subject = [t for t in query.subject_terms if t in weights and t not in GENERIC_DETAIL]
        subject_total = sum(weights[t] for t in subject) or 1.0
        detail = detail_terms(query)
        exact_day = query.kind in (FactKind.DATE, FactKind.DEADLINE)
        ceiling = query.kind is FactKind.AMOUNT and CEILING.search(query.question) is not None
        first = FIRST_ASKED.search(query.question) is not None
        grant = query.kind is FactKind.AMOUNT and GRANT.search(query.question) is not None
        function = query.kind is FactKind.DEFINITION and FUNCTION_ASKED.search(
            query.question) is not None
        has = self.analyzer.has_term
        scored: list[ScoredSentence] = []
        seen: set[str] = set()
        analyses = self.analyse([h.chunk for h in hits[:max_hits]])
        names = self.analyzer.typos.names
        compounds = compounds_asked(query, subject, [f for a in analyses for f in a.flats])
        for index, analysis in enumerate(analyses):
            hit, context = hits[index], analysis.head_terms
            head_flat = flat(f"{hit.chunk.title} {hit.chunk.section}")
            # the title speaks for a sentence only when it names no other programme
            title_names = {t for t in analysis.title_terms if t in names}
            title_ok = title_names <= set(subject)
            # the subject's own name words are no detail ("로컬" under "로컬크리에이터")
            asked = own_detail(query, detail, context) if detail else detail
            local = analysis.section_terms | (analysis.title_terms if title_ok else frozenset())
            # subject terms the heading names, itself or inside a compound: the same for every
            # sentence of the passage
            headed = {t for t in subject if has(local, t) or _in_compound(local, t)}
            for sentence, terms, year, flat_text in zip(
                    analysis.sentences, analysis.terms, analysis.years, analysis.flats,
                    strict=True):
                norm = re.sub(r"\s+", "", sentence)
                if len(norm) < 8 or norm in seen or not allowed_sentence(sentence,
                                                                         query.question):
                    continue  # too short, seen, or an instruction planted in a source
                seen.add(norm)
                own = sum(weights[t] for t in key_terms
                          if has(terms, t) or _split_into(terms, t)) / total
                ctx = sum(weights[t] for t in key_terms
                          if has(context, t) and not has(terms, t)) / total
                inside = [t for t in subject
                          if has(terms, t) or _split_into(terms, t)
                          # a Latin word only as a word: "start" is not in "K-Startup"
                          or (len(t) >= 2 and t in flat_text and not t.isascii())]
                about = (sum(weights[t] for t in subject if t in inside or t in headed)
                         / subject_total) if subject else 1.0
                own_about = (sum(weights[t] for t in inside) / subject_total) if subject else 1.0
                if any(c not in flat_text and c not in head_flat for c in compounds):
                    # "예비벤처" asked, "벤처기업" said: sharing a part is not the same subject
                    about, own_about = about * 0.5, own_about * 0.5
                score = own + 0.35 * ctx
                if query.kinds and holds(query.kinds[0], sentence) \
                        and query.kinds[0] in PATTERNS:
                    score += 0.3
                if first and _FIRST_SAID.search(sentence):
                    score += 0.3  # "언제 처음 생겼어?", "첫해엔": the start, not this year's call
                if exact_day and FULL_DAY.search(sentence):
                    score += 0.2  # "언제" is best answered with the day itself
                if ceiling and CEILING.search(sentence):
                    score += 0.15  # "얼마까지" asks for the maximum
                if grant and AGGREGATE.search(sentence):
                    score -= 0.3  # "얼마 줘?" asks what one company gets, not totals
                if query.kind is FactKind.DEFINITION and opens_with(sentence, subject) \
                        and not _ATTRIBUTE_TOPIC.match(sentence):
                    score += 0.3  # "예비창업패키지는 ... 이다" defines it ("…의 대상은" does not)
                if query.kind is FactKind.DEFINITION and any(
                        PATTERNS[k].search(sentence) for k in _FIGURES):
                    score *= 0.75  # "뭐야?" is answered by what it is, not by one year's figures
                if function and FUNCTION_VERB.search(sentence) and not OPENED.search(sentence):
                    score += 0.3  # "what does X do?": X doing something, not when X opened
                has_detail = not asked or any(
                    fuzzy_has(terms, t) or fuzzy_has(analysis.section_terms, t)
                    for t in asked)
                if _META.search(sentence):
                    score *= 0.3  # "이 문서는 ..." describes the document, not the programme
                if _REMINDER_SECTION.search(hit.chunk.section):
                    score *= 0.5  # generic "check the current call" sections
                score *= 1.0 - 0.08 * index  # prefer the better-ranked passage on ties
                scored.append(ScoredSentence(sentence, score, index, terms, about, year,
                                             has_detail, own_about, context,
                                             hit.chunk.section))
        scored.sort(key=lambda s: -s.score)
        return scored
