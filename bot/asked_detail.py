"""Is the asked detail there? The candidate sentences of an extractive answer, and which of
them hold a value of the asked kind for the asked detail (issue 11).

A sentence answers "노마드 펀드 결성 금액 얼마?" only if a clause of it holds a sum of money and
names the detail word (결성) — not the subject's own name words ("혁신 펀드", which the heading
holds too), not a word that only sets the scene ("스타트업에 …"), and not left vague ("일정한 경력
요건"). A sentence in which the documents say they lack the detail ("… 포함되어 있지 않다")
decides "detail missing" when it names that detail. Hand-written rules: they follow how Korean
questions place the detail word (next to the question word) and how the corpus writes values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from bot.cues import (
    CEILING,
    DAY_ASKED,
    GENERIC_DETAIL,
    KIND_WORDS,
    PARTICLE,
    RULE_WORDS,
    START_WORDS,
    STARTS,
    STREET_ASKED,
    flat,
    fuzzy_has,
)
from bot.facts import (
    BOUND_KINDS,
    CONTACT_KINDS,
    EVENT_KINDS,
    EXACT_DAY,
    PATTERNS,
    STREET_ADDRESS,
    UNKNOWN,
    binds,
    clauses,
    leaves_vague,
)
from bot.kinds import FactKind, detect_kinds
from bot.query import ATTRIBUTE_TERMS, AnalysedQuery
from bot.regions import CHUNGBUK_PLACES

# "스타트업에 엔젤투자하면 …": a word placed with 에/에서/한테 sets the scene.
_SETTING = re.compile(r"([가-힣A-Za-z]+?)(?:에서|에게|한테|에다|께|에)(?=\s|$)|"
                      # "개소 때 첫 모집은": the time it is set in, not the detail asked
                      r"([가-힣]{2,})\s+(?:때|당시|무렵|즈음)(?:에|엔|는|에는)?(?=\s|$)")
_LIMIT = re.compile(r"한도|상한|최대")
# Figures asked "in Chungbuk" ("충북에서 몇 명", "도내에선 얼마"): the province's own figure.
_FIGURE_KINDS = (FactKind.COUNT, FactKind.AMOUNT, FactKind.PERCENT)
_IN_CHUNGBUK = re.compile(r"(?:충북|충청북도|도내)\s*"
                          r"(?:에서|에선|에서는|지역에서|안에서|에만|전용|만의|자체)|"
                          r"\b(?:Chungbuk|North Chungcheong)(?:-based)?\s+(?:companies|firms|"
                          r"startups|teams|businesses)\b|"
                          r"\b(?:were|are|was|is)\s+(?:in|from)\s+(?:Chungbuk|North Chungcheong)\b",
                          re.I)
# "대상 받은 팀 어디예요?": the winners' names, in a clause that says they won
_WINNERS = re.compile(r"(?:받은|수상한|우승한|탄|뽑힌)\s*(?:팀|기업|회사|업체|스타트업)|우승\s*팀|"
                      r"which (?:team|company|companies|startups?) won", re.I)
_WON = re.compile(r"수상|우승|선정(?:되|됐)|뽑혔|차지")
_CHUNGBUK = re.compile("|".join([*CHUNGBUK_PLACES, "도내"]))
_START_ASKED = re.compile(r"첫\s*날|시작일|개시일")
# The counter a count question asks in ("몇 개사", "몇 팀", "몇 명").
_COUNTER = re.compile(r"몇\s*(명|개사|팀|곳|건|개국|개\s*(?:나라|국가)|나라|개교|점|"
                      r"개\s*(?:회사|기업)|"
                      r"[A-Za-z]{1,5}(?![A-Za-z])|㎡|평(?!가))")
_SAME_COUNTER = {"명": "(?:명|인)", "개교": "(?:개\\s*교|개\\s*학교|곳)",
                 "개사": "(?:개사|개\\s*(?:기업|회사)|곳|社)",
                 "곳": "(?:곳|개사|개)", "개": "(?:개|곳|社)",
                 # "몇 개 나라에서": a count of countries
                 "개나라": "(?:개국|개\\s*나라|개\\s*국가|나라)",
                 "나라": "(?:개국|개\\s*나라|나라)",
                 "개국가": "(?:개국|개\\s*나라|개\\s*국가)"}
# A question about when something is (was) finished, and a sentence that says it was.
_COMPLETION_ASKED = re.compile(r"다\s*(?:지어|짓|만들어|끝나)|완공|준공|완성|완료|다\s*되")
_COMPLETED = re.compile(r"완공|준공|완성|완료|마쳤|문을\s*열|개소|개원|준공식")
# "신청은 언제부터 받아요?", "접수 언제 해요?": the date of a call, in a clause that says so
_CALL_DATE_ASKED = re.compile(r"(?:신청|접수|모집)(?:은|는|을|를)?\s*(?:[가-힣]+\s*)?"
                              r"(?:언제|며칠|몇\s*월)|언제\s*(?:부터|까지)?\s*(?:신청|접수|모집)")
_CALL_SAID = re.compile(r"신청|접수|모집|공고")
# The title a person question asks about ("팀장 누구", "대표가 누구", "센터장 이름").
_TITLE = re.compile(r"([가-힣]{1,4}장|대표(?:이사)?|담당자)(?:님)?[은는이가의\s]{0,3}"
                    r"(?:누구|이름|성함)")


@dataclass
class ScoredSentence:
    text: str
    score: float
    hit_index: int
    terms: frozenset[str]
    about: float = 1.0  # share of the question's subject terms in the sentence or its heading
    year: int | None = None  # the year its fact refers to (bot/timeframe.py)
    has_detail: bool = True  # holds one of the question's detail words (착공, 이자, ...)
    own_about: float = 1.0  # like `about`, counting the sentence alone
    head_terms: frozenset[str] = frozenset()  # terms of its passage's title and section
    section: str = ""  # its passage's section heading


def detail_terms(query: AnalysedQuery) -> list[str]:
    """Key terms naming the asked detail rather than the subject ("착공" in "방사광가속기
    착공은 언제?"), in question order; a sentence quoting a value must hold one of them."""
    if not query.wants(*EVENT_KINDS, *BOUND_KINDS):
        return []
    context = {(m.group(1) or m.group(2)).lower() for m in _SETTING.finditer(query.question)}
    named = _name_modifiers(query.question, query.subject_terms) | _name_modifiers(
        query.text, query.subject_terms)  # the mended text too ("중진공 혁신바우쳐")
    return [t for t, tag in query.key_terms.items() if t not in query.subject_terms
            and not any(c.startswith(t) for c in context) and t not in named
            and tag == "NNG" and t not in KIND_WORDS and len(t) >= 2
            and t not in GENERIC_DETAIL and t not in ATTRIBUTE_TERMS
            and t not in RULE_WORDS and t not in START_WORDS
            # "창경센터", "사관학교": the tail of a subject's name, not a detail
            and not any(len(s) > len(t) and t in s for s in query.subject_terms)]


def _name_modifiers(question: str, subject: list[str]) -> set[str]:
    """Bare nouns written right before a subject word, part of its full name ("중소기업
    혁신바우처"): sentences that shorten the name ("혁신바우처 예산은 …") still hold the detail."""
    words = [w.strip("?!.,\"'").lower() for w in question.split()]
    out = set()
    for before, word in pairwise(words):
        if before.isalpha() and any(t.lower() in word and len(t) >= 2 for t in subject) \
                and not PARTICLE.search(before) and not any(t.lower() in before for t in subject):
            out.add(before)
    return out


def compounds_asked(query: AnalysedQuery, subject: list[str], flats: Iterable[str]
                    ) -> list[str]:
    """Words of the question made of two or more subject terms ("예비벤처" = 예비 + 벤처) that
    the passages (`flats`: their sentences lower-cased without spaces) also write as one word:
    the subject is that compound, not its parts."""
    texts = list(flats)
    out = []
    for word in query.text.split():
        clean = flat(PARTICLE.sub("", word.strip("?!.,\"'")))
        parts = [t for t in subject if len(t) >= 2 and t in clean]
        if len(parts) >= 2 and clean not in parts and any(clean in f for f in texts):
            out.append(clean)
    return out


def own_detail(query: AnalysedQuery, detail: list[str], head_terms: frozenset[str]
               ) -> list[str]:
    """`detail` without the words of the subject's own name: a word next to a subject term
    in the question that the passage's heading holds too ("노마드 | 혁신 펀드" under the
    heading "충북 창업 노마드 혁신 펀드"), grown word by word. In question order: the last
    is the one next to the question word ("입교할 때 수수료 얼마?" asks the 수수료)."""
    order = list(query.key_terms)
    named = set(query.subject_terms)
    grown = True
    while grown:
        grown = False
        for i, term in enumerate(order):
            if term in named or not (fuzzy_has(head_terms, term) or any(
                    len(term) >= 2 and len(h) > len(term) and term in h for h in head_terms)):
                continue  # (or part of a heading's compound: "로컬" of "로컬크리에이터")
            if (i > 0 and order[i - 1] in named) or (i + 1 < len(order)
                                                      and order[i + 1] in named):
                named.add(term)
                grown = True
    return [t for t in detail if t not in named]


def strict_pool(query: AnalysedQuery, kind: FactKind, about: list[ScoredSentence],
                detail: list[str]) -> tuple[list[ScoredSentence], bool]:
    """The sentences about the subject that hold a value of `kind` for the asked detail (best
    first), and whether the documents say themselves that they do not know it."""
    asked = [t for t in query.key_terms if len(t) >= 2]
    pool = [s for s in about
            if binds(kind, s.text, own_detail(query, detail, s.head_terms)[-1:], s.section)
            and s.has_detail and not leaves_vague(s.text, asked)
            and (kind not in CONTACT_KINDS or s.own_about >= 0.6)]
    if kind is FactKind.AMOUNT and CEILING.search(query.question):
        # "한도 얼마?": a limit can be a share ("한도는 종합소득금액의 50%이다")
        pool += [s for s in about if s not in pool and any(
            _LIMIT.search(c) and PATTERNS[FactKind.PERCENT].search(c) for c in clauses(s.text))]
        pool.sort(key=lambda s: -s.score)
    if kind is FactKind.COUNT and (counter := _COUNTER.search(query.question)):
        # "몇 개사 뽑았어?" is answered in 개사, not by "10개 대기업" or "1호 펀드"
        asked = re.sub(r"\s+|회사|기업", "", counter.group(1))  # "몇 개 회사": any N개
        same = _SAME_COUNTER.get(asked, re.escape(asked))
        # "25개 팀", "5,400여 개"
        unit = re.compile(r"\d[\d,.]*\s*(?:만|천|백)?\s*(?:여\s*)?(?:개\s*)?" + same, re.I)
        pool = [s for s in pool if any(unit.search(c) for c in clauses(s.text))]
    if kind in (FactKind.DATE, FactKind.DEADLINE) and _CALL_DATE_ASKED.search(query.question):
        # "스케일업 팁스 신청은 언제부터?": not the day a plan was announced
        date = PATTERNS[kind]
        pool = [s for s in pool if any(date.search(c) and _CALL_SAID.search(c)
                                       for c in clauses(s.text))]
    if kind in (FactKind.DATE, FactKind.DEADLINE) and _START_ASKED.search(query.question):
        pool = [s for s in pool if STARTS.search(s.text)]
    if kind in (FactKind.DATE, FactKind.DEADLINE) and _COMPLETION_ASKED.search(query.question):
        # "언제 다 지어져요?": the day it was finished, not the day a plan was announced
        pool = [s for s in pool if _COMPLETED.search(s.text)]
    if kind is FactKind.PERSON and (title := _TITLE.search(query.question)):
        # "팀장 누구예요?" is answered by a name next to that title, not by another official's
        pool = [s for s in pool if title.group(1) in flat(s.text)]
    if kind in _FIGURE_KINDS and _IN_CHUNGBUK.search(query.question) and not any(
            _CHUNGBUK.search(t) for t in query.subject_terms if t not in ("충북", "충청북도")):
        # "충북에서 몇 명 뽑혔어요?" asks the province's figure: a national total is not it
        pool = [s for s in pool if _CHUNGBUK.search(s.text) or _CHUNGBUK.search(s.section)]
    if kind is FactKind.ORGANISATION and _WINNERS.search(query.question):
        organisation = PATTERNS[FactKind.ORGANISATION]
        pool = [s for s in pool if any(organisation.search(c) and _WON.search(c)
                                       for c in clauses(s.text))]
    if kind is FactKind.PLACE and STREET_ASKED.search(query.question):
        pool = [s for s in pool if STREET_ADDRESS.search(s.text)]
    if kind in (FactKind.DATE, FactKind.DEADLINE) and DAY_ASKED.search(query.question):
        pool = [s for s in pool if EXACT_DAY.search(s.text)]
    detail_words = [t for t in asked if t not in query.subject_terms]
    unknown = bool(pool) and _unknown_of(kind, pool[0].text, detail_words) and (
        len(pool) == 1 or pool[1].score < 0.85 * pool[0].score)
    # the documents say themselves that they do not know it ("… 누리집 주소와 대표 전화번호는
    # 이 문서에서 확인되지 않았으므로 …"), for the asked detail word if there is one ("이용
    # 요금은 … 포함되어 있지 않다" does not say the 사업비 is unknown)
    unknown = unknown or any(
        s.own_about >= 0.99 and UNKNOWN.search(s.text) and kind in detect_kinds(s.text)
        and all(t in flat(s.text) for t in own_detail(query, detail, s.head_terms)[-1:])
        for s in about)
    return pool, unknown


# How the documents name a kind of fact when they say they lack it ("결성 연도는 확인되지 않았다").
_KIND_NOUNS: dict[FactKind, tuple[str, ...]] = {
    FactKind.DATE: ("연도", "날짜", "시기", "시점", "일정"), FactKind.DEADLINE: ("마감", "기한"),
    FactKind.RESULT: ("결과", "여부"), FactKind.AMOUNT: ("금액", "규모", "액수"),
    FactKind.PERSON: ("이름", "성명"), FactKind.PLACE: ("주소", "위치"),
    FactKind.PHONE: ("전화",), FactKind.URL: ("누리집", "주소"),
    FactKind.ELIGIBILITY: ("요건", "기준", "자격"), FactKind.DEFINITION: ("요건", "기준", "내용"),
    FactKind.HOW_TO_APPLY: ("방법", "절차"), FactKind.STATUS: ("운영 여부", "지위"),
}


def _unknown_of(kind: FactKind, sentence: str, asked: list[str]) -> bool:
    """Whether `sentence` says the documents lack a value of `kind`: a clause of it says
    something is unknown, and either that clause names the kind or a word asked ("결성 연도는
    확인되지 않았다" to "언제 결성됐어?"), or no other clause holds such a value. "55억원 규모의
    … 펀드가 결성된 것으로 알려져 있지만, 결성 연도는 확인되지 않았다" gives the amount."""
    parts = clauses(sentence)
    unknown = [c for c in parts if UNKNOWN.search(c)]
    if not unknown:
        return False
    names = (*_KIND_NOUNS.get(kind, ()), *asked)
    if any(n in flat(c) for c in unknown for n in names):
        return True
    pattern = PATTERNS.get(kind)
    return pattern is None or not any(pattern.search(c) for c in parts if c not in unknown)


def says_unknown(query: AnalysedQuery, best: ScoredSentence) -> bool:
    """Whether the best sentence about the subject says the documents do not know the asked
    detail ("… 결성 연도는 확인되지 않았다", "세부 평가 요건은 이 문서에 담겨 있지 않으므로"): a
    clause that says so and names a word of the question other than the subject's. Quoting it
    as an answer would be a confident non-answer; the reply says the detail is missing instead."""
    if best.own_about < 0.99:
        return False
    asked = [t for t, tag in query.key_terms.items() if t not in query.subject_terms
             and tag == "NNG" and len(t) >= 2 and t not in GENERIC_DETAIL]
    asked += _KIND_NOUNS.get(query.kind, ()) if query.kind is not None else ()
    return any(UNKNOWN.search(c) and any(t in flat(c) for t in asked)
               for c in clauses(best.text))


# The word naming what a question asks for: "무슨 서류", "어떤 혜택", or the topic right before
# its question word ("확인서는 어디서 떼요?", "회의는 언제 열려?").
_ASKED_AFTER = re.compile(r"(?:무슨|어떤|어느)\s+([가-힣]+)")
_ASKED_BEFORE = re.compile(r"([가-힣]{2,}(?:은|는|이|가))\s*(?:지금\s*|보통\s*)?"
                           r"(?:언제|어디|얼마|몇|누구|뭐|무엇|어떻게|무슨)")


# "수수료 따로 있어요?", "운용사 어디예요?": the noun right before the question word or an
# asking-if-there-is ending, without a particle
_ASKED_BARE = re.compile(r"(?<![가-힣])(?!아직|지금|혹시|따로|정말|진짜|요즘|여전히|계속|그럼|"
                         r"그거|이거|저거|거기|여기)"
                         r"([가-힣]{1,}[^\s가어아해고서게지도])\s+(?:따로\s+)?"
                         r"(?:(?:있어요|있나요|있어|있음|있습니까)\s*\?|"
                         r"(?:어디|누구|얼마)(?:예요|에요|야|임|인가요|죠)?\s*\?)")


def asked_word(question: str) -> str | None:
    """The word (with its particle) naming what a Korean question asks for, if it says so
    that plainly."""
    found = _ASKED_AFTER.search(question) or _ASKED_BEFORE.search(question) \
        or _ASKED_BARE.search(question)
    return found.group(1) if found else None
