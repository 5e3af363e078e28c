"""Follow-up detection: does a question lean on the conversation for its subject?

"그럼 신청 기간은?" starts with a connective, but founders more often just ask "주관기관은
어디?" or "마감은 언제야?". A question is a follow-up when it starts with a connective, or when it
names no programme or organisation of its own (no proper noun, foreign word or domain name, see
`QueryAnalyzer.names_subject`) and is short or has at most one topic word. Only questions asked
inside a conversation with history are ever treated as follow-ups.
"""

from __future__ import annotations

import re
from datetime import date

from bot.conversation import Turn
from bot.kinds import detect_kinds
from bot.query import ATTRIBUTE_TERMS, REGIONS, AnalysedQuery, QueryAnalyzer
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
    if analyzer.names_subject({t: tag for t, tag in query.key_terms.items()
                               if not REGIONS.fullmatch(t)}):
        return False  # a region alone ("충북 쪽 핵심 입주기업은?") names no programme
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
    ask = next((i for i, w in enumerate(inherited) if _QUESTION_WORD.match(w)), None)
    if ask is not None:  # what the turn before asked again ("판로는? 어디 담당이야?") stays there
        inherited = inherited[:ask]
    # a turn that inherited only a time ("그해 초창패는 …?" -> "2022년 그해 초창패는 …?") has
    # its own subject: read it from its query like any other
    if previous.query != previous.question and inherited and not all(
            _YEAR_WORD.match(w) for w in inherited):
        candidates, topic = inherited, None
    else:
        candidates = previous.query.split()
        # its subject (the names it gives, else its topic words), not the event it asked
        # about: "2019년엔 몇 팀 지원했어?" after "그랜드챌린지 언제 시작했어?" is not about 시작
        # a region alone ("충북 청년 소상공인 창업응원금") sets the scene: its topic words stay
        topic = set(analyzer.subject_terms(korean.key_terms_tagged(previous.query),
                                           scene=True, question=previous.query))
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
    again = asked_again(rest, previous)
    then = then_phrase(rest, previous)
    if then:
        words.append(then)
    if again:
        rest = f"{rest} {again}"
    return " ".join([*words, rest]) if words else rest


# the year a question names ("24년", "2024년", "올해"); a range ("23~24년") names none
_ASKED_YEAR = re.compile(r"(?<![\d~])((?:19|20)?\d{2})년(?![\d~])|재작년|작년|올해")
_RELATIVE = {"올해": 0, "작년": -1, "재작년": -2}


def turn_year(previous: Turn, today: date) -> int | None:
    """The year the turn before asked about ("24년 글로벌창업사관학교는 …?" -> 2024), which an
    elliptical follow-up ("몇 개 뽑았어?") leans towards without being held to it."""
    found = _ASKED_YEAR.search(previous.query)
    if found is None:
        return None
    if found.group(1) is None:
        return today.year + _RELATIVE[found.group(0)]
    year = int(found.group(1))
    return year if year >= 100 else 2000 + year


# "벤처투자유형이면?", "중진공은?": a name and nothing else, after a question about another one
_SUBSTITUTE = re.compile(r"^\s*(?:그럼\s*|그러면\s*)?([^\s?]+?(?:\s+[^\s?]+?)?)\s*"
                         r"(?:이면|면|은|는|이라면|라면|의\s*경우(?:는|엔)?|인\s*경우(?:는|엔)?)"
                         r"\s*[?？]+\s*$")


def asked_again(question: str, previous: Turn) -> str | None:
    """What the turn before asked, for a question that gives only a name ("벤처투자유형이면?"
    after "벤처확인 연구개발유형은 처리 기간 며칠 걸려요?" -> "처리 기간 며칠 걸려요?"): its words
    from its question word on, with the attribute words just before it. None when the question
    is more than a bare name, names a kind of fact itself ("한도는?": a new question about the
    same subject), is not named in the answer before (so not a sibling of its subject: "면적은?"
    after "언제 지정됐어?"), or the turn before has no question word."""
    found = _SUBSTITUTE.match(question)
    if found is None or _QUESTION_WORD.match(found.group(1)) or detect_kinds(question):
        return None
    if re.sub(r"\s+", "", found.group(1)) not in re.sub(r"\s+", "", previous.answer):
        return None  # not one of the things the answer before named alongside its subject
    words = [w.strip("?!.,;:'\"") for w in previous.query.split()]
    at = next((i for i, w in enumerate(words) if _QUESTION_WORD.match(w) and i > 0), None)
    if at is None:
        return None
    start = at
    while start > 0 and start > at - 2 and (_PARTICLE.sub("", words[start - 1]) in ATTRIBUTE_TERMS
                                           or detect_kinds(words[start - 1])):
        start -= 1
    return " ".join(previous.query.split()[start:])


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
_QUESTION_WORD = re.compile(r"^(?:언제|어디|얼마|뭐|뭔|무엇|무슨|몇|며칠|누구|누가|어떻|어떤|어느|"
                            r"왜|어때|what|when|where|who|how|which|is|are|does|do|can)", re.I)
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
