"""Follow-up detection: does a question lean on the conversation for its subject?

"그럼 신청 기간은?" starts with a connective, but founders more often just ask "주관기관은
어디?" or "마감은 언제야?". A question is a follow-up when it starts with a connective, or when it
names no programme or organisation of its own (no proper noun, foreign word or domain name, see
`QueryAnalyzer.names_subject`) and is short or has at most one topic word. Only questions asked
inside a conversation with history are ever treated as follow-ups.
"""

from __future__ import annotations

import re

from bot.conversation import Turn
from bot.query import ATTRIBUTE_TERMS, AnalysedQuery, QueryAnalyzer
from knowledge.korean import KoreanAnalyzer

LEAD = re.compile(
    r"^\s*(그렇다면|그러면|그럼|그건|그거는|그거|그것은|그것|거기는|거기|이건|이거는|이거|그리고|또"
    r"|and|so|then|what about|how about)(?=[\s,?!.]|$)[\s,]*",
    re.IGNORECASE,
)
SHORT_QUESTION = 25  # characters


def is_follow_up(query: AnalysedQuery, analyzer: QueryAnalyzer) -> bool:
    if LEAD.match(query.question):
        return True
    if analyzer.names_subject(query.key_terms):
        return False
    return len(query.subject_terms) <= 1 or len(query.question.strip()) <= SHORT_QUESTION


_PARTICLE = re.compile(r"(은|는|이|가|을|를|의|에서|에|도|만|이랑|랑|하고|으로|로|요|인데|이야|"
                       r"야|엔|"
                       r"에는)$")


def inherit_subject(question: str, previous: Turn, analyzer: QueryAnalyzer) -> str:
    """The follow-up with the previous turn's subject in front: "나이 제한 있어?" after
    "청년 소상공인 창업응원금 얼마 줘?" -> "청년 소상공인 창업응원금 나이 제한 있어?".

    The subject is what the previous turn inherited itself (its query minus its question),
    else the previous query's topic words; its attribute words ("얼마") are not carried over."""
    rest = LEAD.sub("", question, count=1).strip() or question
    korean = analyzer.analyzer
    own = set(korean.key_terms_tagged(rest))
    asked = set(previous.question.split())
    inherited = [w for w in previous.query.split() if w not in asked]
    # a turn that inherited only a time ("그해 초창패는 …?" -> "2022년 그해 초창패는 …?") has
    # its own subject: read it from its query like any other
    if previous.query != previous.question and inherited and not all(
            _YEAR_WORD.match(w) for w in inherited):
        candidates, topic = inherited, None
    else:
        candidates = previous.query.split()
        # its subject (the names it gives, else its topic words), not the event it asked
        # about: "2019년엔 몇 팀 지원했어?" after "그랜드챌린지 언제 시작했어?" is not about 시작
        topic = set(analyzer.subject_terms(korean.key_terms_tagged(previous.query),
                                           question=previous.query))
    words = []
    phrase = _leading_phrase(candidates) if topic is not None else []
    if len(phrase) > 1 and _NAME_END.search(phrase[-1]) and any(
            set(korean.terms(w)) & topic or any(t in w for t in topic if len(t) >= 2)
            for w in phrase):
        # the name the previous question opened with, whole ("배터리 제조·검증 지원센터"),
        # not only its topic word
        candidates, topic = phrase, None
    for word in candidates:
        clean = _PARTICLE.sub("", word.strip("?!.,;:'\""))
        terms = set(korean.terms(clean)) if clean else set()
        if not terms or terms <= own:
            continue
        named = re.search(r"[A-Za-z]", clean) is not None and not terms <= ATTRIBUTE_TERMS
        if topic is None or terms & topic or named \
                or any(t in clean for t in topic if len(t) >= 2):
            words.append(clean)
    if candidates is inherited and _POINTS_BACK.match(question):
        # "그거 어느 부처 거야?" after "선도연구개발지원단엔 언제 뽑혔어?" (itself inheriting
        # 충북과학기술혁신원): "그거" is the new name the turn before brought in
        words += [w for w in _new_names(previous.question, korean) if w not in words]
    then = then_phrase(rest, previous)
    if then:
        words.append(then)
    return " ".join([*words, rest]) if words else rest


# a follow-up that points back at the last thing named ("그거", "그건", "거기", "그곳은")
_POINTS_BACK = re.compile(r"^\s*(?:그거|그건|그것|거기|그곳|걔)")


def _new_names(question: str, korean: KoreanAnalyzer) -> list[str]:
    """The long nouns a question names of its own (4+ syllables: "선도연구개발지원단"), as
    written without their particle."""
    out = []
    for word in question.split():
        clean = _PARTICLE.sub("", word.strip("?!.,;:'\""))
        if len(clean) >= 4 and re.fullmatch(r"[가-힣A-Za-z0-9·]+", clean) \
                and clean not in ATTRIBUTE_TERMS and set(korean.terms(clean)):
            out.append(clean)
    return out


# "그땐 얼마까지 줬어?" after "첫해엔 몇 명 뽑았어?": "then" is the time the turn before asked
_THEN = re.compile(r"그\s?때|그땐|그\s?당시|그\s?해|그\s?시절")
_TIME_PHRASE = re.compile(r"(?:19|20)?\d{2}년(?:도)?|재작년|작년|올해|첫\s?해|"
                          r"처음\s*(?:생겼|만들어졌|시작했|문\s*열)[가-힣]*\s*때|"
                          r"(?:설립|개소|출범|도입)\s*(?:당시|때)|처음")


_YEAR = re.compile(r"((?:19|20)\d{2})년")


def then_phrase(question: str, previous: Turn) -> str | None:
    """The time of the turn before when this one says only "then" and names no time of its
    own: the first year its answer's first line gives ("2015년 첫 재도전성공패키지는 …"),
    else the time phrase its question named ("처음 생겼을 때", "2019년")."""
    if not _THEN.search(question) or _TIME_PHRASE.search(question):
        return None
    phrase = _TIME_PHRASE.search(previous.query)
    if phrase is None:
        return None  # the turn before named no time: "then" is only a word
    year = _YEAR.search(previous.answer.strip().split("\n")[0])
    return f"{year.group(1)}년" if year else phrase.group(0)


# where a question's opening name ends: its question word or what it asks happened
_QUESTION_WORD = re.compile(r"^(?:언제|어디|얼마|뭐|뭔|무엇|무슨|몇|누구|누가|어떻|어떤|어느|왜|"
                            r"어때|what|when|where|who|how|which|is|are|does|do|can)", re.I)
# how names of organisations, programmes and places end ("… 지원센터", "… 혁신 펀드"), unlike
# a programme's attribute ("초창패 사업화 자금")
_NAME_END = re.compile(r"(?:센터|원|청|공단|재단|협회|협의회|펀드|패키지|학교|단지|플라자|포럼|"
                       r"대회|챌린지|바우처|추진단|위원회|시스템|캠프|파크|허브|공장|특구|리그|조합)$")
_YEAR_WORD = re.compile(r"^(?:\d{2,4}년|올해|작년|재작년|내년)")


def _leading_phrase(words: list[str]) -> list[str]:
    """The words before the question word, years and attribute words left out ("2024년
    배터리 제조·검증 지원센터 언제 생겼어?" -> 배터리, 제조·검증, 지원센터)."""
    out = []
    for word in words:
        clean = _PARTICLE.sub("", word.strip("?!.,;:'\""))
        if _QUESTION_WORD.match(clean):
            break
        if clean and not _YEAR_WORD.match(clean) and clean not in ATTRIBUTE_TERMS:
            out.append(clean)
        if clean != word.strip("?!.,;:'\"") and word.strip("?!.,;:'\"").endswith(("은", "는")):
            break  # "수출바우처는 …": the topic ends with its marker
    return out
