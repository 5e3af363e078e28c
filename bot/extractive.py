"""The answerer that needs no model: judge support, pick the best sentences, cite them.

Support (whether to answer at all) is the IDF-weighted share of the question's key terms that
the top passages contain, checked together with the best dense similarity. Terms the corpus has
never seen weigh the most, so "부산 창업 지원" is refused by a Chungbuk corpus even though
"창업" and "지원" are everywhere.

Sentence choice (`respond`): each sentence of the top passages is scored by the key terms it
holds (IDF-weighted), whether it holds the kind of fact asked (bot/facts.py) and the rank of
its passage; only sentences about the question's subject count. For a kind with a recognisable
shape (an amount, a date, a phone number) only sentences of that shape are quoted, and the
value must sit in the same clause as the question's detail word (`bot/facts.binds`: in "결성
금액 얼마?" a sum beside "출자" does not count); if there are none the reply says the
documents lack that detail, with the nearest facts as 참고. A year
asked for filters by the fact's year (bot/timeframe.py); otherwise changing figures are quoted
most recent first. With the founder's own numbers the verdict comes first (bot/eligibility.py).
Each quoted sentence is followed by the [n] of its source, linked to the sentence's own URL.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from bot import prompts
from bot.asked_detail import (
    ScoredSentence,
    asked_word,
    compounds_asked,
    detail_terms,
    own_detail,
    says_unknown,
    strict_pool,
)
from bot.asked_part import asked_part, asked_places, holds_part, holds_places, part_label
from bot.cues import (
    AGGREGATE,
    CEILING,
    FULL_DAY,
    FUNCTION_ASKED,
    FUNCTION_VERB,
    GENERIC_DETAIL,
    GRANT,
    KIND_WORDS,
    ONLINE,
    OPENED,
    PARTICLE,
    RULE_PRIORITY,
    TOTAL_ASKED,
    TOTAL_SAID,
    flat,
    fuzzy_has,
    opens_with,
)
from bot.eligibility import in_scope, judge
from bot.facts import (
    BOUND_KINDS,
    LABELS,
    PATTERNS,
    RECENT_FIRST,
    STRICT_KINDS,
    holds,
    year_label,
)
from bot.kinds import FactKind
from bot.membership import founder_items, membership, told_only
from bot.models import Source, Support
from bot.query import ATTRIBUTE_TERMS, AnalysedQuery
from bot.safety import allowed_sentence
from bot.sources import needs_call_reminder, sentence_source, source_from_hit
from bot.timeframe import sentence_year, years_mentioned
from knowledge.korean import GENERIC_TERMS, KoreanAnalyzer
from knowledge.models import Chunk, SearchHit

# Sentence splitting and term analysis of a chunk cost ~4 ms of Kiwi each time, and the same
# chunks answer many questions: keep the last CHUNK_CACHE_SIZE chunks' analyses in memory.
CHUNK_CACHE_SIZE = 4096

# words of time the question is set in, not details it asks for
_WHEN_WORDS = frozenset({"올해", "작년", "재작년", "내년", "금년", "전년", "요즘", "지금", "최근",
                         "이번", "다음", "지난"})
# a noun used as a verb ("연결되는", "이사감", "채용해"): what happens, not a detail asked
_DONE = r"(?:하|해|했|되|돼|됐|됨|시키|감|갔|왔)"  # not 가/와: particles too
_META = re.compile(r"(이 문서|이 글|본 문서|아래 문서|다른 문서)")
# A sentence whose topic is an attribute of the subject ("충북 중소기업육성자금의 대상은 …").
_ATTRIBUTE_TOPIC = re.compile(r"^[^,.]{0,30}?의\s+[^\s,.]{1,12}(?:은|는)\s")
# One year's figures, which do not say what a programme is.
_FIGURES = (FactKind.AMOUNT, FactKind.COUNT, FactKind.PERCENT)
# what a sentence stating who may apply says
_RULE_LIKE = re.compile(r"대상|요건|자격|조건|이하|이상|이내|미만|초과|한도|제외|신청할\s*수|"
                        r"지원할\s*수|받을\s*수|체납|지나지\s*않|졸업한|참여한|해당|인정|가능")
_RULE_STATEMENT = re.compile(r"(?:대상|요건|자격|조건)(?:은|는|이|가)\s")
# nouns naming who does something ("운영사", "운용사", "투자자"): "운영" does not hold them
_AGENT = re.compile(r"..(?:사|자|처|단|팀)$")
# the start asked ("언제 처음 생겼어?", "첫해엔 몇 명?") and sentences telling a start
_FIRST_ASKED = re.compile(r"처음|첫\s?해|첫\s?회|최초|언제\s*(?:생겼|생긴|시작|만들어)")
_FIRST_SAID = re.compile(r"첫\s|첫해|도입(?:된|되었|됐|했)|신설|출범|새로\s*(?:생|도입|만들)|"
                         r"문을\s*열|개소|설립(?:되|된|했)")  # not "처음으로 X가 된 곳"
# a class asked ("어느 부처 사업이야?") and how the documents name its members
_MEMBER_OF = {"부처": re.compile(r"[가-힣]{2,}부(?=[의가는은를에와과이\s(·,]|$)")}
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


def idf(term: str, doc_freq: dict[str, int], n_docs: int) -> float:
    df = doc_freq.get(term, 0)
    return math.log(1 + (n_docs + 1) / (df + 0.5))


# Weight of a common noun the corpus has never seen ("가게", "예전"): about that of a frequent
# term, so paraphrases do not sink an answer. Unseen names, numbers and foreign words keep the
# full IDF: "부산시" in a Chungbuk corpus is exactly what should make the bot refuse.
UNSEEN_COMMON_NOUN_WEIGHT = 1.0
# Support weight of a word used only in the founder's told case ("…폐업했고 …창업하려는데")
TOLD_WEIGHT = 0.5
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

    # --- support ---------------------------------------------------------------------------
    def weights(self, query: AnalysedQuery, doc_freq: dict[str, int], n_docs: int
                ) -> dict[str, float]:
        return term_weights(query.key_terms, doc_freq, n_docs, query.language)

    def assess(self, query: AnalysedQuery, hits: list[SearchHit], doc_freq: dict[str, int],
               n_docs: int, chunk_terms: Mapping[str, list[str]] | None = None) -> Support:
        """`chunk_terms` (the keyword index's stored terms per chunk id) saves re-analysing the
        top passages; without it they are analysed here."""
        weights = self.weights(query, doc_freq, n_docs)
        key_terms = list(weights)
        if query.language == "ko":  # "옷가게 폐업했고 앱으로 창업하려는데 예창패 돼요?": the
            # founder's own story need not be in the documents as much as what is asked
            for term in told_only(query.question, key_terms):
                weights[term] *= TOLD_WEIGHT
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
            found = [t for t in key_terms if self.analyzer.has_term(terms, t)]
            coverage = sum(weights[t] for t in found) / total
            if coverage > best:
                best = coverage
                best_missing = [t for t in key_terms if not self.analyzer.has_term(terms, t)]
        supported = best >= self.min_coverage and (dense >= self.min_dense or best >= 0.8)
        return Support(coverage=round(best, 4), dense=round(dense, 4), key_terms=key_terms,
                       missing_terms=best_missing, supported=supported)

    # --- answer ----------------------------------------------------------------------------
    def candidates(self, query: AnalysedQuery, hits: list[SearchHit], doc_freq: dict[str, int],
                   n_docs: int, max_hits: int = 5) -> list[ScoredSentence]:
        """Every distinct sentence of the top passages, scored (best first)."""
        weights = self.weights(query, doc_freq, n_docs)
        key_terms = list(weights)
        total = sum(weights.values()) or 1.0
        # terms the corpus has never seen cannot be matched (support judges those)
        subject = [t for t in query.subject_terms if t in weights and t not in GENERIC_DETAIL]
        subject_total = sum(weights[t] for t in subject) or 1.0
        detail = detail_terms(query)
        exact_day = query.kind in (FactKind.DATE, FactKind.DEADLINE)
        ceiling = query.kind is FactKind.AMOUNT and CEILING.search(query.question) is not None
        first = _FIRST_ASKED.search(query.question) is not None
        grant = query.kind is FactKind.AMOUNT and GRANT.search(query.question) is not None
        function = query.kind is FactKind.DEFINITION and FUNCTION_ASKED.search(
            query.question) is not None
        has = self.analyzer.has_term
        scored: list[ScoredSentence] = []
        seen: set[str] = set()
        analyses = self._analyse([h.chunk for h in hits[:max_hits]])
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

    def respond(self, query: AnalysedQuery, hits: list[SearchHit], doc_freq: dict[str, int],
                n_docs: int, max_hits: int = 5) -> Reply | None:
        """The extractive reply, or None when nothing in the passages is about the question."""
        scored = self.candidates(query, hits, doc_freq, n_docs, max_hits=max_hits)
        about = [s for s in scored if s.about >= 0.5]
        if not about:
            return None
        if not query.founder.empty and query.wants(FactKind.ELIGIBILITY):
            return self._verdict(query, hits, about)
        if query.wants(FactKind.ELIGIBILITY):
            listed = self._listed(query, hits, about, doc_freq, n_docs)
            if listed is not None:  # "크라우드펀딩도 소득공제 돼요?" and the rule lists it
                return listed
        strict = [k for k in query.kinds if k in STRICT_KINDS]
        if strict and self._unheld(query, scored, doc_freq):
            return self._missing(query, hits, about, strict[0])
        noun = self._unheld_noun(query, about)
        if noun is not None:  # "무슨 서류 내야 돼요?" and nothing about the subject says 서류
            return self._missing(query, hits, about, query.kind or FactKind.DEFINITION,
                                 detail=noun)
        pool = about
        if strict:
            kind = strict[0]
            detail = detail_terms(query) if kind in BOUND_KINDS else []
            pool, unknown = strict_pool(query, kind, about, detail)
            if not pool or unknown:
                return self._missing(query, hits, about, kind)
        elif query.kind is not None and any(says_unknown(query, s) for s in about[:4]
                                            if s.score >= 0.7 * about[0].score):
            return self._missing(query, hits, about, query.kind)
        elif query.kind in (FactKind.HOW_TO_APPLY, FactKind.ELIGIBILITY):
            pool = [s for s in about if holds(query.kind, s.text)]
            asked = [t for t, tag in query.key_terms.items() if tag == "NNG" and len(t) >= 2
                     and t not in ATTRIBUTE_TERMS and t not in GENERIC_DETAIL]
            if query.kind is FactKind.HOW_TO_APPLY and not pool and any(
                    not any(fuzzy_has(s.terms, t) or fuzzy_has(s.head_terms, t) for s in about)
                    for t in asked):
                # nothing about the subject says how to apply, and a word of what was asked is
                # nowhere ("공유공장 입주 신청은 어떻게?")
                return self._missing(query, hits, about, query.kind)
            pool = pool or about
            if query.kind is FactKind.HOW_TO_APPLY and ONLINE.search(query.question):
                online = [s for s in pool if holds(FactKind.URL, s.text)]
                pool = online + [s for s in pool if s not in online]
        part = asked_part(query.question) if query.language == "ko" else None
        places = [] if query.wants(FactKind.ELIGIBILITY) else asked_places(
            query.question, query.subject_terms)  # "청주 회사인데 돼요?" is the founder's place
        if places:  # "진천은 특화산업이 뭐예요?": a sentence on other towns does not answer
            pool = [s for s in pool if holds_places(f"{s.section} {s.text}", places)]
            if not pool:
                named = " ".join(places) + (f" {LABELS[query.kind]['ko']}" if query.kind else "")
                return self._missing(query, hits, about, query.kind or FactKind.DEFINITION,
                                     detail=named)
        if part:  # "8조 중에 국비는?": only a sentence giving that part answers
            pool = [s for s in pool if holds_part(s.text, part, query.kind)]
            if not pool:
                label = LABELS[query.kind]["ko"] if query.kind else None
                return self._missing(query, hits, about, query.kind or FactKind.DEFINITION,
                                     detail=part_label(part, label))
        if query.year is not None:
            same = [s for s in pool if s.year == query.year
                    or query.year in years_mentioned(s.text)]
            if not same:
                return self._year_missing(query, hits, pool)
            pool = same
        chosen = self._choose(query, pool)
        for other in strict[1:2]:  # "언제 개소했고 어디로 옮겼어?": one sentence per kind asked
            if not any(holds(other, s.text) for s in chosen):
                extra = [s for s in about if holds(other, s.text)]
                if extra:
                    chosen.append(extra[0])
        return self._compose(query, hits, chosen)

    def _unheld(self, query: AnalysedQuery, scored: list[ScoredSentence],
                doc_freq: dict[str, int]) -> list[str]:
        """Nouns of the question that the corpus never uses and no passage found holds, in a
        sentence or a heading ("주말" in "콜센터 주말에도 돼요?"), or that name a kind of the
        asked detail other than the one written ("운전자금" where only 시설자금 is written)."""
        text = re.sub(r"\s+", " ", query.question)
        out = []
        for t, tag in query.key_terms.items():
            if not tag.startswith("NN") or len(t) < 2 or t in ATTRIBUTE_TERMS \
                    or t in GENERIC_DETAIL or t in _WHEN_WORDS or t in KIND_WORDS \
                    or re.search(re.escape(t) + _DONE, text):
                continue  # the kind asked, the time it is set in, or an action ("이사감")
            unused = doc_freq.get(t, 0) == 0 and not any(
                doc_freq.get(w, 0) for group in self.analyzer.synonyms(t) for w in group)
            glued = re.search(re.escape(t) + r"(?:" + "|".join(KIND_WORDS) + r")", text)
            if (unused or glued) and not self._held(t, scored):
                out.append(t)
        return out

    def _held(self, term: str, sentences: list[ScoredSentence]) -> bool:
        """Whether a sentence holds `term` (or a synonym, or a word sharing its start), or its
        passage's heading does; as written inside a compound only from three syllables on
        ("회의" is not in "위원회의"). A word naming a class ("부처") is held by a member of
        it ("과학기술정보통신부")."""
        member = _MEMBER_OF.get(term)
        return any(self.analyzer.has_term(s.terms, term) or fuzzy_has(s.terms, term)
                   or fuzzy_has(s.head_terms, term) or (len(term) >= 3 and term in flat(s.text))
                   or (member is not None and member.search(s.text) is not None)
                   for s in sentences)

    def _unheld_noun(self, query: AnalysedQuery, about: list[ScoredSentence]) -> str | None:
        """The noun the question plainly asks for ("무슨 서류"), when no sentence about the
        subject holds it, in its words or its heading's."""
        word = asked_word(query.question) if query.language == "ko" else None
        nouns = [t for t in self.analyzer.terms(word) if len(t) >= 2] if word else []
        if not nouns:
            return None
        noun = nouns[0]
        whole = re.sub(r"(?:은|는|이|가)$", "", word)
        if len(whole) > len(noun) and whole.startswith(noun) and _AGENT.search(whole):
            noun = whole  # Kiwi splits "운영사" into 운영 + 사: the asked noun is the whole word
        if noun in GENERIC_DETAIL or noun in KIND_WORDS or noun in _WHEN_WORDS \
                or noun in ATTRIBUTE_TERMS - {"서류", "장소", "절차"} or noun in GENERIC_TERMS \
                or noun in query.subject_terms:
            return None  # a kind of value, a time, or the subject itself ("예창패는 언제?")
        # said of the subject itself: a sentence naming it, or under a heading naming it
        # ("운용사" is not held by another fund's "GP로 운용한다"); an agent noun only whole
        own = [s for s in about if s.own_about >= 0.75 or s.about >= 0.99]
        if _AGENT.search(noun):
            held = any(self.analyzer.has_term(s.terms, noun) or noun in flat(s.text)
                       for s in own)
        else:
            held = self._held(noun, own)
        return None if held else noun

    def _choose(self, query: AnalysedQuery, pool: list[ScoredSentence]) -> list[ScoredSentence]:
        """The first line: the best sentence, or for figures that change every year the most
        recent among those scoring near the best. Then up to `max_sentences` in all that add a
        key term; an older year's figure only for lists and differences."""
        best = pool[0].score
        recent = query.year is None and query.kind in RECENT_FIRST \
            and not _FIRST_ASKED.search(query.question)
        near = [s for s in pool if s.score >= 0.7 * best]
        if TOTAL_ASKED.search(query.question):  # "so far, in total": the sentence with a total
            near = [s for s in near if TOTAL_SAID.search(s.text)] or near
        first = max(near, key=lambda s: (s.year or 0, s.score)) if recent else pool[0]
        chosen = [first]
        covered = set(first.terms)
        wide = query.wants(FactKind.LIST, FactKind.DIFFERENCE) or query.kind not in STRICT_KINDS
        for cand in pool:
            if len(chosen) >= self.max_sentences or cand.score < (0.55 if wide else 0.7) * best:
                break
            if cand is first:
                continue
            if recent and not wide and cand.year is not None and first.year is not None \
                    and cand.year < first.year:
                continue
            adds = {t for t in query.key_terms if t in cand.terms and t not in covered}
            if adds or cand.score >= 0.85 * best:
                chosen.append(cand)
                covered |= cand.terms
        return chosen

    def _verdict(self, query: AnalysedQuery, hits: list[SearchHit],
                 about: list[ScoredSentence]) -> Reply:
        rulings = [(s, judge(s.text, query.founder)) for s in about]
        ruled = [(s, r) for s, r in rulings if r is not None]
        if not ruled:
            # a rule this module cannot read ("국세·지방세를 체납한 기업은 …", "재창업한 뒤 7년이
            # 지나지 않은 기업"): quoted as the rule, without a verdict, never "no rule"
            stated = [s for s in about if s.own_about >= 0.5 and s.has_detail
                      and _RULE_LIKE.search(s.text) and s.score >= 0.5 * about[0].score]
            if stated and query.year is not None and not any(
                    s.year == query.year or query.year in years_mentioned(s.text)
                    for s in stated):
                reply = self._year_missing(query, hits, stated)  # "2027년에도 …?"
            elif stated:
                reply = self._compose(query, hits, stated[:1],
                                      lead=prompts.UNJUDGED_RULE[query.language])
            else:
                reply = self._missing(query, hits, about, FactKind.ELIGIBILITY)
            reply.no_rule = True
            return reply
        top = max(s.score for s, _ in ruled)
        # a rule on the founder's own date (a founding window, a birth-date limit) decides
        # more precisely than the years counted from it, even a little further down
        near = [(s, r) for s, r in ruled if s.score >= 0.6 * top
                or (RULE_PRIORITY.get(r.rule, 1) >= 3 and s.score >= 0.3 * top)]
        # a rule meant for founders like this one ("비수도권 기업은 …") beats the general one
        # a year asked ("23년에 … 가능했어요?") is judged by that year's rule
        sentence, ruling = max(near, key=lambda p: (query.year is not None and (
                                                        p[0].year == query.year
                                                        or query.year in years_mentioned(
                                                            p[0].text)),
                                                    in_scope(p[0].text, query.founder) is True,
                                                    RULE_PRIORITY.get(p[1].rule, 1),
                                                    p[1].checked,  # the fuller rule
                                                    # a sentence stating the rule itself ("지원
                                                    # 대상은 …") over one describing the programme
                                                    _RULE_STATEMENT.search(p[0].text) is not None,
                                                    p[0].year or 0, p[0].score))
        word = prompts.VERDICT[ruling.verdict][query.language]
        return self._compose(query, hits, [sentence], lead=word)

    def _listed(self, query: AnalysedQuery, hits: list[SearchHit],
                about: list[ScoredSentence], doc_freq: dict[str, int], n_docs: int
                ) -> Reply | None:
        """A verdict from a rule that lists (or leaves out) the founder's own case, the
        asked year's rule first (bot/membership.py)."""
        items = founder_items(query, doc_freq, n_docs)
        if not items:
            return None
        top = about[0].score
        rules = [s for s in about if s.score >= 0.4 * top and s.own_about >= 0.5]
        rules.sort(key=lambda s: (query.year is not None and (
            s.year == query.year or query.year in years_mentioned(s.text))), reverse=True)
        for sentence in rules:
            verdict = membership(sentence.text, items)
            if verdict is not None:
                return self._compose(query, hits, [sentence],
                                     lead=prompts.VERDICT[verdict][query.language])
        return None

    def _missing(self, query: AnalysedQuery, hits: list[SearchHit],
                 about: list[ScoredSentence], kind: FactKind, detail: str | None = None
                 ) -> Reply:
        detail = detail or LABELS[kind][query.language]
        subject = self.subject_label(query, hits)
        # not "도전 K-스타트업 최우수상 상금의 최우수상 금액": words the subject already says go
        named = subject.split()
        detail = " ".join(w for w in detail.split() if w not in named) or detail
        text = prompts.DETAIL_MISSING[query.language].format(subject=subject, detail=detail)
        return self._with_nearest(query, hits, about, text)

    def _year_missing(self, query: AnalysedQuery, hits: list[SearchHit],
                      pool: list[ScoredSentence]) -> Reply:
        assert query.year is not None
        dated = [s for s in pool if s.year is not None]
        latest = max((s.year for s in dated), default=None)
        text = prompts.YEAR_MISSING[query.language].format(
            subject=self.subject_label(query, hits), year=query.year)
        if latest is not None:
            text += " " + prompts.LATEST_YEAR[query.language].format(year=latest)
            near = [s for s in dated if s.year == latest]
            return self._with_nearest(query, hits, near, text)
        return self._with_nearest(query, hits, pool, text)

    def _with_nearest(self, query: AnalysedQuery, hits: list[SearchHit],
                      nearest: list[ScoredSentence], text: str) -> Reply:
        """"자료에는 ... 없습니다" first, then a labelled 참고 with the nearest facts."""
        picked = sorted(nearest[:2], key=lambda s: -(s.year or 0))[:2]
        reply = self._compose(query, hits, picked, reminder=False)
        body = "\n".join(f"• {line}" for line in reply.lines)
        reply.text = f"{text}\n\n{prompts.NEAREST_LABEL[query.language]}\n{body}"
        reply.missing = True
        return reply

    def subject_label(self, query: AnalysedQuery, hits: list[SearchHit]) -> str:
        """The subject as the founder wrote it ("충북창경"), with the words after it that the
        best passage's heading also holds ("노마드" -> "노마드 혁신 펀드"), else that passage's
        title."""
        words: list[str] = []
        heading = flat(hits[0].chunk.section) if hits else ""
        growing = False
        for word in query.text.split():
            clean = PARTICLE.sub("", word.strip("?!.,\"'"))
            lowered = clean.lower()
            named = bool(clean) and any(t in lowered or lowered in t
                                        for t in query.subject_terms if len(t) >= 2)
            if clean and clean not in words and (
                    named or (growing and len(clean) >= 2 and flat(clean) in heading)):
                words.append(clean)
                growing = True
            else:
                growing = False
        return " ".join(words[:4]) if words else (hits[0].chunk.title if hits else "")

    def _compose(self, query: AnalysedQuery, hits: list[SearchHit],
                 chosen: list[ScoredSentence], *, lead: str = "",
                 reminder: bool = True) -> Reply:
        """Answer text with [n] markers, and the numbered sources it cites."""
        language = query.language
        numbers: dict[tuple[str, str, str], int] = {}
        sources: list[Source] = []
        lines: list[str] = []
        for sentence in chosen:
            hit = hits[sentence.hit_index]
            url, urls = sentence_source(hit.chunk, sentence.text)
            key = (hit.chunk.doc_id, hit.chunk.section, url)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                sources.append(source_from_hit(numbers[key], hit, url=url, urls=urls))
            text = sentence.text
            if sentence.year is not None and str(sentence.year) not in text:
                text = f"({year_label(sentence.year, language)}) {text}"
            lines.append(f"{text} [{numbers[key]}]")
        head = prompts.EXTRACTIVE_LEAD[language]
        if lead:  # the verdict is the very first word, before any framing
            first = f"{lead} {head} {lines[0]}" if head else f"{lead} {lines[0]}"
            head = ""
            body = "\n".join([first, *(f"• {p}" for p in lines[1:])])
        else:
            body = "\n".join(f"• {p}" for p in lines) if len(lines) > 1 else lines[0]
        text = f"{head}\n{body}" if head else body
        if reminder and any(needs_call_reminder(s.category) for s in sources):
            text += "\n\n" + prompts.CHECK_CURRENT_CALL[language]
        return Reply(text=text, sources=sources, lines=lines)


@dataclass
class Reply:
    """An extractive reply: `missing` when the subject was found but not the asked detail."""

    text: str
    sources: list[Source]
    lines: list[str]
    missing: bool = False
    no_rule: bool = False  # a verdict was asked but no passage states a rule it can read


