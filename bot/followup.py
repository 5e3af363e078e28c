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
    if previous.query != previous.question and inherited:
        candidates, topic = inherited, None
    else:
        candidates = previous.query.split()
        # its subject (the names it gives, else its topic words), not the event it asked
        # about: "2019년엔 몇 팀 지원했어?" after "그랜드챌린지 언제 시작했어?" is not about 시작
        topic = set(analyzer.subject_terms(korean.key_terms_tagged(previous.query),
                                           question=previous.query))
    words = []
    for word in candidates:
        clean = _PARTICLE.sub("", word.strip("?!.,;:'\""))
        terms = set(korean.terms(clean)) if clean else set()
        if not terms or terms <= own:
            continue
        named = re.search(r"[A-Za-z]", clean) is not None and not terms <= ATTRIBUTE_TERMS
        if topic is None or terms & topic or named \
                or any(t in clean for t in topic if len(t) >= 2):
            words.append(clean)
    return " ".join([*words, rest]) if words else rest
