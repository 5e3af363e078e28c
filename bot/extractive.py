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

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot import prompts
from bot.answer_judge import AnswerJudge, missing_noun
from bot.answer_judge import features as judge_features
from bot.asked_detail import (
    ScoredSentence,
    detail_terms,
    says_unknown,
    strict_pool,
)
from bot.asked_part import (
    asked_marks,
    asked_part,
    asked_places,
    holds_marks,
    holds_part,
    holds_places,
    names_marks,
    part_label,
)
from bot.claim_leads import claim_lead, first_claimed
from bot.claims import asks_a_figure, yes_no_question
from bot.cues import (
    CHANNEL,
    GENERIC_DETAIL,
    ONLINE,
    PARTICLE,
    TOTAL_ASKED,
    TOTAL_SAID,
    flat,
    fuzzy_has,
)
from bot.eligibility import FIT_ONLY, SPECIFIC_RULES, judge
from bot.facts import (
    BOUND_KINDS,
    LABELS,
    RECENT_FIRST,
    STRICT_KINDS,
    UNKNOWN,
    holds,
    year_label,
)
from bot.held_terms import HeldTerms
from bot.kinds import FactKind, asked_clause
from bot.lacking import lacks_requirement
from bot.membership import told_only
from bot.models import Source, Support
from bot.query import ATTRIBUTE_TERMS, AnalysedQuery
from bot.restated import heard_only, no_member_named, only_the_quoted_figure
from bot.sentence_scoring import FIRST_ASKED, SentenceScorer, term_weights
from bot.sources import needs_call_reminder, sentence_source, source_from_hit
from bot.timeframe import years_mentioned
from bot.town_only import only_places
from bot.verdicts import best_ruling, listed_verdict, of_year, rulings, unjudged_rules
from knowledge.korean import KoreanAnalyzer
from knowledge.models import SearchHit

# Support weight of a word used only in the founder's told case ("…폐업했고 …창업하려는데")
TOLD_WEIGHT = 0.5


# replies the answer judge leaves alone: a rule quoted without a verdict, and a no from a
# requirement the founder says they lack (both quote the rule itself)
_UNJUDGED_PATHS = frozenset({"unjudged", "lacking"})

# kinds whose answer is a name, not a figure that changes by year
_NAME_KINDS = frozenset({FactKind.ORGANISATION, FactKind.PERSON, FactKind.PLACE,
                         FactKind.PHONE, FactKind.FAX, FactKind.EMAIL, FactKind.URL})

# a word said as a verb ("결성됐어", "선정됐나요", "엔젤투자하면"): its stem names the subject
_VERB_FORM = re.compile(r"(?<=..)(?:(?:했|됐|돼|되었|하였)"
                        r"(?:어|나|니|지|음|요|나요|어요|는지|습니까)?"
                        r"|하나요|해요|되나요|하니|되니|하면|되면|하려면|하려는데)$")



# a question that ends on the figure's noun ("… 회사는 보조율?", "그럼 한도는?")
_FIGURE_NOUN_END = re.compile(r"(?:율|률|한도|금액|금리|비율|규모)(?:은|는|이|가)?\s*[?？]*\s*$")
# paths whose quoted sentence must give the unit a figure is asked in (a verdict's rule need not)
_UNITLESS_PATHS = frozenset({"plain"})
# "몇 분", "몇 월", "며칠", "몇 쪽", "한 달에 몇 번": units of time, pages and times, which a
# sentence gives only as a number with that unit ("10분", "3월", "2회")
_ASKED_UNIT = re.compile(r"몇\s*(월|분|시간|주|쪽|페이지|번|회)(?!\s*째)|(며칠)")
_UNIT_FORMS = {unit: re.compile(form) for unit, form in {
    "월": r"\d{1,2}\s*월|[상하]반기|연초|연말|초순|중순|하순",
    "분": r"\d+\s*분(?![야기류석])", "시간": r"\d+\s*시간",
    "주": r"\d+\s*주(?:간|일|\b|$|\s)", "쪽": r"\d+\s*(?:쪽|페이지|매)",
    "페이지": r"\d+\s*(?:쪽|페이지|매)", "번": r"\d+\s*(?:번|회|차례)",
    "회": r"\d+\s*(?:번|회|차례)", "며칠": r"\d+\s*일"}.items()}
_UNIT_LABELS = {"월": "시기(월)", "분": "시간(분)", "시간": "시간", "주": "기간(주)",
                "쪽": "분량", "페이지": "분량", "번": "횟수", "회": "횟수", "며칠": "기간(일)"}


# a programme's type ("일반형", "딥테크 특화형", "대기업 협업형")
_TYPE = re.compile(r"[가-힣]{2,}형(?![가-힣])")


def _parent_rules(query: AnalysedQuery, scored: list[ScoredSentence],
                  about: list[ScoredSentence]) -> list[ScoredSentence]:
    """The programme's own rule on the founder's case when the question names one of its
    types ("26년 초창패 일반형 업력 기준 들어가요?") and no sentence about that type states a
    rule of the asked year: "2026년 초기창업패키지 공고의 업력 기준은 …" holds for every type,
    and decides before "창업 3년 이내", which names no year. A sentence naming
    another type ("딥테크 특화형은 …") is that type's rule, not the programme's."""
    asked_types = set(_TYPE.findall(query.question))
    if not asked_types or len(query.subject_terms) < 2 or any(
            judge(s.text, query.founder) is not None
            and (query.year is None or query.year in years_mentioned(s.text)) for s in about):
        return []  # (a rule naming no year gives way to the asked year's: "26년 초창패 …")
    head = query.subject_terms[0]
    found = [s for s in scored if s not in about and head in s.terms
             and not set(_TYPE.findall(s.text)) - asked_types
             and judge(s.text, query.founder) is not None]
    dated = [s for s in found if query.year in years_mentioned(s.text)]
    return (dated or found)[:2]


def unit_missing(query: AnalysedQuery, chosen: list[ScoredSentence],
                 about: list[ScoredSentence]) -> str | None:
    """The label of the unit a Korean question asks a figure in ("몇 분", "몇 월에") when
    neither the quoted sentences nor any other sentence found about the subject gives a number
    in it; None otherwise."""
    if query.language != "ko" or not chosen:
        return None
    asked = _ASKED_UNIT.search(asked_clause(query.question))
    if asked is None:
        return None
    unit = asked.group(1) or asked.group(2)
    form = _UNIT_FORMS[unit]
    # a number in that unit said of the subject itself and of what is asked about it, not of
    # a neighbour found with it ("혁신원 … 공고는 보통 몇 월쯤?" is not answered by the month
    # the institute was renamed)
    asked = {t for t in query.key_terms if t not in query.subject_terms and len(t) >= 2}
    own = [s for s in about if s.own_about >= 0.75 and (not asked or asked & s.terms)]
    if any(form.search(s.text) for s in [*chosen, *own]):
        return None
    return _UNIT_LABELS[unit]

class ExtractiveAnswerer:
    def __init__(self, analyzer: KoreanAnalyzer, *, min_coverage: float, min_dense: float,
                 max_sentences: int = 3, judge: AnswerJudge | None = None) -> None:
        self.analyzer = analyzer
        self.judge = judge or AnswerJudge()  # an untrained judge keeps every answer
        self.scorer = SentenceScorer(analyzer)
        self.held_terms = HeldTerms(analyzer)
        self.min_coverage = min_coverage
        self.min_dense = min_dense
        self.max_sentences = max_sentences

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
        if supported and only_places(query, key_terms, best_missing, doc_freq):
            supported = False  # "오창에 괜찮은 카페 있어?": a town the documents name is no subject
        return Support(coverage=round(best, 4), dense=round(dense, 4), key_terms=key_terms,
                       missing_terms=best_missing, supported=supported)

    # --- answer ----------------------------------------------------------------------------
    def candidates(self, query: AnalysedQuery, hits: list[SearchHit], doc_freq: dict[str, int],
                   n_docs: int, max_hits: int = 5) -> list[ScoredSentence]:
        """Every distinct sentence of the top passages, scored (best first)."""
        return self.scorer.candidates(query, hits, doc_freq, n_docs, max_hits=max_hits)

    def respond(self, query: AnalysedQuery, hits: list[SearchHit], doc_freq: dict[str, int],
                n_docs: int, max_hits: int = 5) -> Reply | None:
        """The extractive reply, or None when nothing in the passages is about the question.
        An answer the judge (bot/answer_judge.py) finds unlikely to answer what was asked
        becomes "자료에는 … 정보가 없습니다"."""
        scored = self.candidates(query, hits, doc_freq, n_docs, max_hits=max_hits)
        about = [s for s in scored if s.about >= 0.5]
        if not about:
            return None
        about += self._specific_rules(query, scored, about)
        reply = self._respond(query, hits, scored, about, doc_freq, n_docs)
        if reply.missing or not reply.chosen:
            return reply
        reply = self._unless_lacking(query, hits, reply)
        if reply.path in _UNITLESS_PATHS and (unit := unit_missing(query, reply.chosen, about)):
            # "발표 몇 분 줬어요?" and nothing found gives minutes: the sentence quoted answers
            # something else about the subject
            missing = self._missing(query, hits, about, query.kind or FactKind.DEFINITION,
                                    detail=unit, named_by=[hits[reply.chosen[0].hit_index]])
            missing.no_rule = reply.no_rule
            return missing
        if reply.path in _UNJUDGED_PATHS:
            return reply  # a rule quoted as the rule ("자료에 있는 기준은 …"): the founder reads it
        return self._judged(query, hits, about, reply, doc_freq, n_docs)

    @staticmethod
    def _specific_rules(query: AnalysedQuery, scored: list[ScoredSentence],
                        about: list[ScoredSentence]) -> list[ScoredSentence]:
        """Sentences that name less of the subject but whose rule reads two of the founder's
        own figures together ("3천 넣었는데 전부 100% 공제돼요?" against a table of rates by
        sum): such a fit is itself the sign that the sentence is the one asked about."""
        if query.founder.empty or not query.wants(FactKind.ELIGIBILITY):
            return []
        floor = 0.5 * scored[0].score
        found = []
        for sentence in scored:
            if sentence in about or sentence.about < 0.2 or sentence.score < floor:
                continue
            ruling = judge(sentence.text, query.founder)
            if ruling is not None and ruling.rule in SPECIFIC_RULES:
                found.append(sentence)
        return found or _parent_rules(query, scored, about)

    def _judged(self, query: AnalysedQuery, hits: list[SearchHit], about: list[ScoredSentence],
                reply: Reply, doc_freq: dict[str, int], n_docs: int) -> Reply:
        """The reply, or "detail missing" when the judge finds it unlikely to answer."""
        inputs = judge_features(query, reply.chosen, about, doc_freq, n_docs, path=reply.path,
                                lead=bool(reply.lead))
        probability = self.judge.probability(inputs) if self.judge.active else None
        if probability is None or probability >= self.judge.threshold:  # AnswerJudge.keeps
            reply.judge_inputs, reply.judge_probability = inputs, probability
            return reply
        # named after the passage of the sentence it would have quoted, not the first hit
        own = [hits[reply.chosen[0].hit_index]]
        noun = missing_noun(query, reply.chosen[0], about, doc_freq, n_docs)
        if noun is not None:
            missing = self._missing(query, hits, about, query.kind or FactKind.DEFINITION,
                                    detail=noun, named_by=own)
        else:
            text = prompts.NOT_ANSWERED[query.language].format(
                subject=self.subject_label(query, own))
            missing = self._with_nearest(query, hits, about, text)
        missing.no_rule = reply.no_rule
        missing.judge_inputs, missing.judge_probability = inputs, probability
        missing.judged_out = True
        return missing

    def _unless_lacking(self, query: AnalysedQuery, hits: list[SearchHit], reply: Reply
                        ) -> Reply:
        """A yes, or a rule quoted without a verdict, becomes a no when the founder says they
        lack a requirement the quoted rule states (bot/lacking.py)."""
        yes, unjudged = prompts.VERDICT["yes"][query.language], \
            prompts.UNJUDGED_RULE[query.language]
        if query.language != "ko" or reply.lead not in (yes, unjudged) \
                or not lacks_requirement(query.question, reply.chosen[0].text):
            return reply
        return self._compose(query, hits, reply.chosen[:1],
                             lead=prompts.VERDICT["no"][query.language], path="lacking")

    def _respond(self, query: AnalysedQuery, hits: list[SearchHit],
                 scored: list[ScoredSentence], about: list[ScoredSentence],
                 doc_freq: dict[str, int], n_docs: int) -> Reply:
        told = not query.founder.empty and query.wants(FactKind.ELIGIBILITY)
        # "평균매출 2억 회사는 보조율?": a figure named at the end, with no verb, asks it too
        figure = told and query.kind in STRICT_KINDS \
            and (asks_a_figure(query.question, query.language)
                 or bool(_FIGURE_NOUN_END.search(query.question)))
        if figure:
            # "매출 3억 안 되면 보조율이 몇 %야?": the figure of the founder's band, with no
            # yes or no; "2억 투자받으면 지분은 몇 %?" and the rule holds no such figure: it is
            # answered (or found missing) like any question for a figure
            ruled = rulings(query, about)
            sentence = best_ruling(query, ruled)[0] if ruled else None
            # a figure of another year than the one asked is answered (or found missing) like
            # any figure asked for a year ("올해 … 몇 % 내줘요?" and only 2020's table)
            other_year = query.year is not None and sentence is not None \
                and sentence.year != query.year
            if sentence is not None and holds(query.kind, sentence.text) and not other_year:
                return self._compose(query, hits, [sentence], path="figure")
        elif told:
            reply = self._verdict(query, hits, about)
            if reply.no_rule:  # no rule on the founder's numbers: one that lists their case
                listed = self._listed(query, hits, about, doc_freq, n_docs, plainly=False)
                if listed is not None:
                    return listed
            return reply
        if query.wants(FactKind.ELIGIBILITY) and not figure:
            listed = self._listed(query, hits, about, doc_freq, n_docs)
            if listed is not None:  # "크라우드펀딩도 소득공제 돼요?" and the rule lists it
                return listed  # path "listed"
        strict = [k for k in query.kinds if k in STRICT_KINDS]
        if strict and self.held_terms.unheld(query, scored, doc_freq):
            return self._missing(query, hits, about, strict[0])
        noun = self.held_terms.unheld_noun(query, about)
        if noun is not None:  # "무슨 서류 내야 돼요?" and nothing about the subject says 서류
            return self._missing(query, hits, about, query.kind or FactKind.DEFINITION,
                                 detail=noun)
        # after the plainly asked noun, which names the detail better ("세무서에 무슨 서류")
        unused = [] if strict or query.language != "ko" else \
            self.held_terms.unused_asked(query, scored, doc_freq)
        if unused:  # "K-Startup 모바일 앱도 있어요?" and the documents never say 모바일 or 앱
            # the label names the subject without the words the documents never use
            # ("벤처지식산업지원자금 시설자금의 담보·보증서 정보가 없습니다")
            unknown = [t for t in query.subject_terms if self.held_terms.unused(t, doc_freq)]
            return self._missing(query, hits, about, query.kind or FactKind.DEFINITION,
                                 detail="·".join(unused[:2]), drop=unknown)
        claimed = first_claimed(query, about, only="times") if query.year is not None else None
        if claimed is None and FactKind.COUNT in strict \
                and yes_no_question(query.question, query.language):
            # "딱 49명으로 만들려는데 인원 괜찮죠?": 인원 names what is judged, not a count asked
            # (only a count: "지금도 … 맞아요?" asks a status, which a start date does not settle)
            claimed = first_claimed(query, about)
        if claimed is not None:
            # "19년에 납품했는데 적용받을 수 있었어요?": the year is the founder's, and the
            # programme's start decides it, not a sentence of that year on another programme
            return self._compose(query, hits, [claimed[0]], lead=claimed[1], path="claimed")
        pool = about
        if strict:
            kind = strict[0]
            detail = detail_terms(query) if kind in BOUND_KINDS else []
            pool, unknown = strict_pool(query, kind, about, detail)
            if not pool or unknown:
                return self._missing(query, hits, about, kind)
            if only_the_quoted_figure(query.question, kind, pool[0].text):
                return self._missing(query, hits, about, kind)  # "300개쯤 있다던데 그중에 …"
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
            if query.year is not None and not any(of_year(s, query.year) for s in pool):
                # "19년 기준으로 3년까지 지원받을 수 있었어요?": that year's sentence, though it
                # words the rule without 대상/요건
                pool = [s for s in about if of_year(s, query.year) and s.own_about >= 0.5
                        and not UNKNOWN.search(s.text)] or pool
            pool = pool or about
            if query.kind is FactKind.HOW_TO_APPLY and ONLINE.search(query.question):
                online = [s for s in pool if holds(FactKind.URL, s.text) or CHANNEL.search(s.text)]
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
            same = [s for s in pool if of_year(s, query.year)]
            if not same and (
                    (query.kind in _NAME_KINDS and any(of_year(s, query.year) for s in about))
                    or (strict and any(s.year == query.year and s.own_about >= 0.5
                                       and s.score >= 0.6 * about[0].score for s in about))):
                # "24년 라이콘 펀드는 어느 운용사가?": the year is there, the name is not
                return self._missing(query, hits, about, query.kind)
            if not same:
                return self._year_missing(query, hits, pool)
            pool = same
        rounds, horizons = asked_marks(query.question)
        if rounds or horizons:  # "1차 모집은 몇 개사?" is not answered by the 2차 figure
            pool = [s for s in pool if holds_marks(s.text, rounds, horizons)]
            # the sentence that names the asked place in the list first ("두 번째 전략인 …")
            pool.sort(key=lambda s: not names_marks(s.text, rounds))
            if not pool:
                named = " ".join([*sorted(rounds),
                                  *(f"{y}년까지" for y in sorted(horizons))])
                label = LABELS[query.kind][query.language] if query.kind else None
                return self._missing(query, hits, about, query.kind or FactKind.DEFINITION,
                                     detail=part_label(named.split(), label))
        if query.language == "ko" and no_member_named(query.question, pool[0].text,
                                                      [s.text for s in about]):
            return self._missing(query, hits, about, FactKind.LIST)  # "그 4개 이름이 뭐예요?"
        if query.language == "ko" and heard_only(query.question, pool[0].text):
            # "… 민간주도형으로 바뀌었다던데 운영사가 어디예요?" and the sentence says only that
            return self._missing(query, hits, about, query.kind or FactKind.DEFINITION)
        chosen = self._choose(query, pool)
        for other in strict[1:2]:  # "언제 개소했고 어디로 옮겼어?": one sentence per kind asked
            if not any(holds(other, s.text) for s in chosen):
                extra = [s for s in about if holds(other, s.text)]
                if extra:
                    chosen.append(extra[0])
        lead = claim_lead(query, chosen[0])
        settles = next((s for s in chosen[1:] if not lead and claim_lead(query, s)), None)
        if settles is not None:  # "30 members. Is that allowed?" and the 49인 rule is second
            chosen = [settles, *(s for s in chosen if s is not settles)]
            lead = claim_lead(query, settles)
        return self._compose(query, hits, chosen, lead=lead)

    def channel_missing(self, query: AnalysedQuery, hits: list[SearchHit],
                        doc_freq: dict[str, int], n_docs: int) -> Reply | None:
        """"어디서 신청해요?" and no passage found says where applications go: the channel is
        missing, with the nearest facts as 참고 (None when nothing is about the subject)."""
        about = [s for s in self.candidates(query, hits, doc_freq, n_docs) if s.about >= 0.5]
        if not about:
            return None
        return self._missing(query, hits, about, FactKind.HOW_TO_APPLY,
                             detail=prompts.CHANNEL_DETAIL[query.language])

    def _choose(self, query: AnalysedQuery, pool: list[ScoredSentence]) -> list[ScoredSentence]:
        """The first line: the best sentence, or for figures that change every year the most
        recent among those scoring near the best. Then up to `max_sentences` in all that add a
        key term; an older year's figure only for lists and differences."""
        best = pool[0].score
        recent = query.year is None and query.kind in RECENT_FIRST \
            and not FIRST_ASKED.search(query.question)
        near = [s for s in pool if s.score >= 0.7 * best]
        total = [s for s in near if TOTAL_SAID.search(s.text)] \
            if TOTAL_ASKED.search(query.question) else []
        if total:  # "so far, in total": the sentence with a total, the best of them
            near = total
        first = max(near, key=lambda s: (s.year or 0, s.score)) if recent \
            else (total[0] if total else pool[0])
        context = query.context_year if query.year is None and query.kind in STRICT_KINDS \
            else None
        if context is not None and first.year not in (None, context):
            # "몇 개 뽑았어?" after "24년 글로벌창업사관학교는 …?": that year's sentence, if one
            # scores near the best, before another year's
            first = next((s for s in near if s.year == context), first)
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
        ruled = [(s, r) for s, r in rulings(query, about) if r.rule not in FIT_ONLY]
        if ruled:
            sentence, ruling = best_ruling(query, ruled)
            claimed = first_claimed(query, about, only="lists")
            if claimed is not None and claimed[0].score > sentence.score:
                # the founder's place against the programme's own closed list of places,
                # not a rule of another programme on where companies must be
                return self._compose(query, hits, [claimed[0]], lead=claimed[1],
                                     path="claimed")
            return self._compose(query, hits, [sentence],
                                 lead=prompts.VERDICT[ruling.verdict][query.language],
                                 path="verdict")
        claimed = first_claimed(query, about)
        if claimed is not None:
            return self._compose(query, hits, [claimed[0]], lead=claimed[1], path="claimed")
        # a rule the readers cannot judge ("국세·지방세를 체납한 기업은 …", "재창업한 뒤 7년이
        # 지나지 않은 기업"): quoted as the rule, without a verdict, never "no rule"
        stated = unjudged_rules(query, about)
        if stated and query.year is not None and not any(
                of_year(s, query.year) for s in stated):
            reply = self._year_missing(query, hits, stated)  # "2027년에도 …?"
        elif stated:
            claimed = claim_lead(query, stated[0])
            reply = self._compose(query, hits, stated[:1],
                                  lead=claimed or prompts.UNJUDGED_RULE[query.language],
                                  path="claimed" if claimed else "unjudged")
            if claimed:
                return reply  # the rule decides the founder's own claim ("800만원인데 …?")
        else:
            reply = self._missing(query, hits, about, FactKind.ELIGIBILITY)
        reply.no_rule = True
        return reply

    def _listed(self, query: AnalysedQuery, hits: list[SearchHit],
                about: list[ScoredSentence], doc_freq: dict[str, int], n_docs: int,
                *, plainly: bool = True) -> Reply | None:
        """A verdict from a rule that lists, leaves out or requires the founder's own case
        (`bot/verdicts.listed_verdict`)."""
        found = listed_verdict(query, about, doc_freq, n_docs, plainly=plainly)
        if found is None:
            return None
        sentence, verdict = found
        return self._compose(query, hits, [sentence],
                             lead=prompts.VERDICT[verdict][query.language], path="listed")

    def _missing(self, query: AnalysedQuery, hits: list[SearchHit],
                 about: list[ScoredSentence], kind: FactKind, detail: str | None = None,
                 named_by: list[SearchHit] | None = None, drop: list[str] | None = None
                 ) -> Reply:
        """A "detail missing" reply; the subject label loses its words holding one of `drop`
        (words the documents never use, asked as the detail)."""
        detail = detail or LABELS[kind][query.language]
        subject = self.subject_label(query, named_by or hits)
        if drop:
            kept = [w for w in subject.split() if not any(d in w for d in drop)]
            subject = " ".join(kept) or subject
        # not "도전 K-스타트업 최우수상 상금의 최우수상 금액": words the subject already says go
        named = subject.split()
        if detail in named and len(named) > 1:
            # "공공기관 창업기업 제품 불이익의 불이익": the asked noun is no part of the subject
            subject = " ".join(w for w in named if w != detail)
        else:
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
        title = flat(hits[0].chunk.title) if hits else ""
        growing = False
        for word in query.text.split():
            clean = _VERB_FORM.sub("", PARTICLE.sub("", word.strip("?!.,\"'")))
            lowered = clean.lower()
            named = bool(clean) and any(
                t in lowered or lowered in t for t in query.subject_terms if len(t) >= 2)
            if named and query.language == "en" and not re.search(r"[가-힣]", clean) \
                    and flat(clean) not in heading and flat(clean) not in title:
                named = False  # "Korean", "English": the founder's words, not the name
            if clean and clean not in words and (
                    named or (growing and len(clean) >= 2 and flat(clean) in heading)):
                words.append(clean)
                growing = True
            else:
                growing = False
        return " ".join(words[:4]) if words else (hits[0].chunk.title if hits else "")

    def _compose(self, query: AnalysedQuery, hits: list[SearchHit],
                 chosen: list[ScoredSentence], *, lead: str = "",
                 reminder: bool = True, path: str = "plain") -> Reply:
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
        return Reply(text=text, sources=sources, lines=lines, chosen=list(chosen), lead=lead,
                     path=path)


@dataclass
class Reply:
    """An extractive reply: `missing` when the subject was found but not the asked detail."""

    text: str
    sources: list[Source]
    lines: list[str]
    missing: bool = False
    no_rule: bool = False  # a verdict was asked but no passage states a rule it can read
    chosen: list[ScoredSentence] = field(default_factory=list)  # the sentences quoted
    lead: str = ""  # the verdict or claim said before the first sentence
    path: str = "plain"  # which part of the answerer chose them (bot/answer_judge.PATHS)
    judge_inputs: dict[str, float] | None = None
    judge_probability: float | None = None  # the judge's belief that the answer is right
    judged_out: bool = False  # the judge turned the answer into "detail missing"


