"""The answerer that needs no model: judge support, pick the best sentences, cite them.

Support (whether to answer at all) is the IDF-weighted share of the question's key terms that
the top passages contain, checked together with the best dense similarity. Terms the corpus has
never seen weigh the most, so "부산 창업 지원" is refused by a Chungbuk corpus even though
"창업" and "지원" are everywhere.

Sentence choice: each sentence of the top passages is scored by the key terms it holds (IDF-
weighted), a bonus when the question asks for an amount/date/contact and the sentence has one,
and the rank of its passage. The best few distinct sentences become the answer, each followed
by the [n] of its source.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from bot import prompts
from bot.models import Source, Support
from bot.safety import allowed_sentence
from knowledge.korean import KoreanAnalyzer
from knowledge.models import Chunk, SearchHit

# Sentence splitting and term analysis of a chunk cost ~4 ms of Kiwi each time, and the same
# chunks answer many questions: keep the last CHUNK_CACHE_SIZE chunks' analyses in memory.
CHUNK_CACHE_SIZE = 4096

# What kind of fact a question asks for, and what a sentence holding that fact looks like.
_CUES: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (re.compile(r"(얼마|금액|한도|지원금|예산|자금|how much|amount|budget)", re.I),
     re.compile(r"\d[\d,.]*\s*(조|억|천만|만)?\s*원|\d\s*(조|억)")),
    (re.compile(r"(몇\s*(명|개|곳|팀|개사|건|社)|인원|규모|how many)", re.I),
     re.compile(r"\d[\d,]*\s*(명|개사|개|곳|팀|건)")),
    (re.compile(r"(나이|몇\s*살|연령|age)", re.I), re.compile(r"\d+\s*세|만\s*\d+")),
    (re.compile(r"(비율|비중|퍼센트|%|percent|share)", re.I), re.compile(r"\d+(\.\d+)?\s*%")),
    (re.compile(r"(언제|기간|마감|일정|날짜|시기|몇\s*월|when|deadline)", re.I),
     re.compile(r"\d+월|\d+일|\d{4}-\d{2}|\d{4}년|연중|수시|매년")),
    (re.compile(r"(연락|문의|전화|홈페이지|사이트|누리집|주소|어디서|어디에|website|contact|phone)",
                re.I),
     re.compile(r"www\.|https?://|\.go\.kr|\.or\.kr|\.com|\b1357\b|\d{2,4}-\d{3,4}-\d{4}")),
]
_META = re.compile(r"(이 문서|이 글|본 문서|아래 문서|다른 문서)")
_REMINDER_SECTION = re.compile(r"(확인 사항|유의 사항|유의사항|확인사항)")


@dataclass
class ScoredSentence:
    text: str
    score: float
    hit_index: int
    terms: frozenset[str]


def idf(term: str, doc_freq: dict[str, int], n_docs: int) -> float:
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


class ExtractiveAnswerer:
    def __init__(self, analyzer: KoreanAnalyzer, *, min_coverage: float, min_dense: float,
                 max_sentences: int = 3) -> None:
        self.analyzer = analyzer
        self._chunk_cache: OrderedDict[tuple[str, str], ChunkAnalysis] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.min_coverage = min_coverage
        self.min_dense = min_dense
        self.max_sentences = max_sentences

    # --- chunk analysis (cached) -------------------------------------------------------------
    def _analyse(self, chunks: list[Chunk]) -> list[ChunkAnalysis]:
        keys = [(c.id, c.text) for c in chunks]
        with self._cache_lock:
            found = {k: self._chunk_cache[k] for k in keys if k in self._chunk_cache}
            for k in found:
                self._chunk_cache.move_to_end(k)
        todo = [c for c, k in zip(chunks, keys, strict=True) if k not in found]
        if todo:
            split = [self.analyzer.sentences(c.text) for c in todo]
            heads = [f"{c.title} {c.section}" for c in todo]
            # one Kiwi call for every sentence and heading (much faster than one each)
            analysed = iter(self.analyzer.terms_batch(
                [text for head, sents in zip(heads, split, strict=True)
                 for text in (head, *sents)]))
            with self._cache_lock:
                for chunk, sents in zip(todo, split, strict=True):
                    head = frozenset(next(analysed))
                    terms = [frozenset(next(analysed)) for _ in sents]
                    found[(chunk.id, chunk.text)] = analysis = ChunkAnalysis(sents, terms, head)
                    self._chunk_cache[(chunk.id, chunk.text)] = analysis
                    while len(self._chunk_cache) > CHUNK_CACHE_SIZE:
                        self._chunk_cache.popitem(last=False)
        return [found[k] for k in keys]

    # --- support ---------------------------------------------------------------------------
    def weights(self, question: str, doc_freq: dict[str, int], n_docs: int,
                language: str = "ko") -> dict[str, float]:
        return term_weights(self.analyzer.key_terms_tagged(question), doc_freq, n_docs, language)

    def assess(self, question: str, hits: list[SearchHit], doc_freq: dict[str, int],
               n_docs: int, language: str = "ko",
               chunk_terms: Mapping[str, list[str]] | None = None) -> Support:
        """`chunk_terms` (the keyword index's stored terms per chunk id) saves re-analysing the
        top passages; without it they are analysed here."""
        weights = self.weights(question, doc_freq, n_docs, language)
        key_terms = list(weights)
        dense = max((h.dense_score or 0.0 for h in hits), default=0.0)
        if not hits or not key_terms:
            return Support(coverage=0.0, dense=dense, key_terms=key_terms,
                           missing_terms=key_terms, supported=False)
        total = sum(weights.values())
        best, best_missing = 0.0, key_terms
        # Coverage by the best single passage, or by the top two together (answers that need
        # a programme's name from one section and its figure from the next).
        top = hits[:3]
        known = [chunk_terms.get(h.chunk.id) if chunk_terms is not None else None for h in top]
        todo = [h for h, terms in zip(top, known, strict=True) if terms is None]
        analysed = iter(self.analyzer.terms_batch(
            [f"{h.chunk.title} {h.chunk.section} {h.chunk.text}" for h in todo]))
        term_sets = [set(terms) if terms is not None else set(next(analysed)) for terms in known]
        groups = [*term_sets, term_sets[0] | term_sets[1]] if len(term_sets) > 1 else term_sets
        for terms in groups:
            found = [t for t in key_terms if t in terms]
            coverage = sum(weights[t] for t in found) / total
            if coverage > best:
                best, best_missing = coverage, [t for t in key_terms if t not in terms]
        supported = best >= self.min_coverage and (dense >= self.min_dense or best >= 0.8)
        return Support(coverage=round(best, 4), dense=round(dense, 4), key_terms=key_terms,
                       missing_terms=best_missing, supported=supported)

    # --- answer ----------------------------------------------------------------------------
    def select(self, question: str, hits: list[SearchHit], doc_freq: dict[str, int],
               n_docs: int, max_hits: int = 4, language: str = "ko") -> list[ScoredSentence]:
        weights = self.weights(question, doc_freq, n_docs, language)
        key_terms = list(weights)
        total = sum(weights.values()) or 1.0
        wanted = [pattern for cue, pattern in _CUES if cue.search(question)]
        scored: list[ScoredSentence] = []
        seen: set[str] = set()
        candidates: list[tuple[int, str, frozenset[str]]] = []
        analyses = self._analyse([h.chunk for h in hits[:max_hits]])
        for index, analysis in enumerate(analyses):
            for sentence, terms in zip(analysis.sentences, analysis.terms, strict=True):
                norm = re.sub(r"\s+", "", sentence)
                if len(norm) >= 8 and norm not in seen and allowed_sentence(sentence, question):
                    seen.add(norm)
                    candidates.append((index, sentence, terms))
        contexts = [a.head_terms for a in analyses]
        for index, sentence, terms in candidates:
            hit, context = hits[index], contexts[index]
            own = sum(weights[t] for t in key_terms if t in terms) / total
            ctx = sum(weights[t] for t in key_terms if t in context and t not in terms) / total
            score = own + 0.35 * ctx
            if any(pattern.search(sentence) for pattern in wanted):
                score += 0.3
            if _META.search(sentence):
                score *= 0.3  # "이 문서는 ..." describes the document, not the programme
            if _REMINDER_SECTION.search(hit.chunk.section):
                score *= 0.5  # generic "check the current call" sections
            score *= 1.0 - 0.08 * index  # prefer the better-ranked passage on ties
            scored.append(ScoredSentence(sentence, score, index, terms))
        scored.sort(key=lambda s: -s.score)
        if not scored:
            return []
        chosen = [scored[0]]
        covered = set(scored[0].terms)
        for cand in scored[1:]:
            if len(chosen) >= self.max_sentences:
                break
            if cand.score < 0.55 * scored[0].score:
                break
            adds = {t for t in key_terms if t in cand.terms and t not in covered}
            if adds or cand.score >= 0.85 * scored[0].score:
                chosen.append(cand)
                covered |= cand.terms
        return chosen

    def compose(self, question: str, hits: list[SearchHit], chosen: list[ScoredSentence],
                language: str) -> tuple[str, list[Source]]:
        """Answer text with [n] markers, and the numbered sources it cites."""
        numbers: dict[tuple[str, str], int] = {}
        sources: list[Source] = []
        parts: list[str] = []
        for sentence in chosen:
            hit = hits[sentence.hit_index]
            key = (hit.chunk.doc_id, hit.chunk.section)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                sources.append(source_from_hit(numbers[key], hit))
            parts.append(f"{sentence.text} [{numbers[key]}]")
        lead = prompts.EXTRACTIVE_LEAD[language]
        body = "\n".join(f"• {p}" for p in parts) if len(parts) > 1 else parts[0]
        text = f"{lead}\n{body}" if lead else body
        if any(needs_call_reminder(s.category) for s in sources):
            text += "\n\n" + prompts.CHECK_CURRENT_CALL[language]
        return text, sources


def source_from_hit(number: int, hit: SearchHit) -> Source:
    c = hit.chunk
    return Source(number=number, title=c.title, section=c.section, source=c.source, url=c.url,
                  score=round(hit.score, 4), chunk_id=c.id, doc_id=c.doc_id,
                  facts_as_of=c.facts_as_of, category=c.category)


def needs_call_reminder(category: str) -> bool:
    """Programme figures change every year: remind founders to check the current call."""
    return category in {"startup-support", "investment", "marketing-export", "organizations"}
