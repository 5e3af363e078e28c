"""Which questions the catalogue answers, and the filters they ask for.

Hand-written patterns (a classifier would need training data we do not have): a question is a
calendar question when it asks what can be applied for now, what closes this month/week, what
opens soon, or what a founding stage can receive. Anything else falls through to retrieval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.catalogue.models import Stage

_PROGRAMME = r"(?:지원\s*사업|사업|공고|프로그램|지원|모집|혜택|지원금|정부\s*지원)"
_OPEN = re.compile(
    r"(?:지금|현재|요즘|당장|오늘|이번에)?.{0,30}"
    r"(?:신청|지원|접수|참여)\s*(?:할\s*수\s*있|가능|하고\s*싶|할만한|할\s*만한)"
    r"|받을\s*수\s*있|모집\s*중|접수\s*중|진행\s*중인|열려\s*있|진행하는|공고\s*중"
)
_NOW = re.compile(r"지금|현재|요즘|당장|오늘|진행\s*중|모집\s*중|접수\s*중")
_MONTH = re.compile(r"(?:이번\s*달|이달|금월|이번\s*월)")
_WEEK = re.compile(r"이번\s*주|금주")
_DEADLINE = re.compile(r"마감|끝나|종료|마치")
_SOON = re.compile(r"마감\s*(?:임박|직전|이\s*가까운|앞둔)|곧\s*마감|마감\s*곧")
_UPCOMING = re.compile(
    r"(?:곧|이번\s*달|다음\s*달|앞으로)\s*(?:시작|열리|접수\s*시작|모집\s*시작|공고)"
    r"|접수\s*예정|모집\s*예정|예정된"
)
_STAGES = [
    (Stage.PRE, re.compile(r"예비\s*창업|창업\s*전|아직\s*창업\s*(?:안|하지)|창업\s*준비")),
    (
        Stage.EARLY,
        re.compile(
            r"초기\s*창업|창업\s*(?:[1-3]|한|두|세)\s*년\s*(?:차|이내|미만|안)"
            r"|3년\s*이내|3년\s*미만"
        ),
    ),
    (Stage.GROWTH, re.compile(r"도약|[3-7]\s*년\s*차|3\s*[~-]\s*7\s*년|7년\s*(?:이내|미만)")),
    (Stage.MATURE, re.compile(r"7년\s*(?:초과|이상)|10년\s*차")),
]
_AGE = re.compile(r"만\s*(\d{2})\s*세|(\d{2})\s*살|(\d{2})\s*세")
_REGION_CB = re.compile(r"충북|충청북도|청주|충주|제천|음성|진천|괴산|증평|옥천|영동|보은|단양")
_PROGRAMME_WORD = re.compile(_PROGRAMME)
# Questions about amounts, eligibility or procedure are for the documents, unless they also
# ask about now/deadlines ("얼마까지 받을 수 있어?" is not "what is open").
_DETAIL = re.compile(r"얼마|금액|한도|비율|몇\s*(?:%|퍼센트|원|억|만)|자격|서류|방법|절차|어떻게")


@dataclass
class Intent:
    kind: str  # open | month | week | soon | upcoming
    stage: Stage | None = None
    age: int | None = None
    region: str | None = None
    keyword: str | None = None


def detect(question: str) -> Intent | None:
    q = question.strip()
    if not _PROGRAMME_WORD.search(q) and not _DEADLINE.search(q):
        return None
    stage = next((s for s, rx in _STAGES if rx.search(q)), None)
    age_match = _AGE.search(q)
    age = int(next(g for g in age_match.groups() if g)) if age_match else None
    region = "충북" if _REGION_CB.search(q) else None
    kind = None
    if _DEADLINE.search(q):
        if _SOON.search(q):
            kind = "soon"
        elif _WEEK.search(q):
            kind = "week"
        elif _MONTH.search(q):
            kind = "month"
    if kind is None and _UPCOMING.search(q):
        kind = "upcoming"
    if kind is None and _DETAIL.search(q) and not _NOW.search(q):
        return None
    if kind is None and (
        _OPEN.search(q) and (_NOW.search(q) or stage or age or re.search(r"신청|받을\s*수", q))
    ):
        kind = "open"
    if kind is None:
        return None
    return Intent(kind=kind, stage=stage, age=age, region=region)


_TITLE_NOISE = re.compile(
    r"\[[^\]]*\]|\([^)]*\)|20\d{2}\s*년?\s*(?:도)?|참여\s*기업|모집|공고|"
    r"\d+\s*(?:차|호)|[^\w]"
)
# Only questions about the call's dates: "예비창업패키지 신청 자격은?" stays with the documents.
_STATUS_WORDS = re.compile(
    r"마감|언제|기간|끝났|끝나|열려|열렸|아직|접수\s*중|모집\s*중|진행\s*중|"
    r"신청\s*(?:가능|할\s*수|돼|되나|됩|받)|지원할\s*수"
)


def _bigrams(text: str) -> set[str]:
    text = _TITLE_NOISE.sub("", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


_GENERIC = (
    "예비창업자",
    "지원사업",
    "창업기업",
    "참여기업",
    "모집공고",
    "중소기업",
    "소상공인",
    "충북",
    "충청북도",
    "전국",
    "지역",
    "참가기업",
    "참가자",
    "참여자",
    "지원",
    "사업",
    "공고",
    "모집",
    "신청",
    "기업",
    "프로그램",
)
_GENERIC_GRAMS = {w[i : i + 2] for w in _GENERIC for i in range(len(w) - 1)}


def title_grams(title: str) -> frozenset[str]:
    """The title's specific character bigrams (years, brackets, boilerplate and generic words
    left out); computed once per title when the catalogue is loaded."""
    grams = _bigrams(title)
    return frozenset() if len(grams) < 3 else frozenset(grams - _GENERIC_GRAMS)


def title_score(question: str, title: str | frozenset[str]) -> float:
    """Share of the title's specific bigrams that appear in the question: 1.0 when the
    question names the programme in full. Titles made only of generic words ("창업
    지원사업") never match: at least three specific bigrams must be found."""
    specific = title_grams(title) if isinstance(title, str) else title
    q = re.sub(r"\s+", "", question)
    found = sum(1 for g in specific if g in q)
    return 0.0 if found < 3 else found / len(specific)


def asks_status(question: str) -> bool:
    return bool(_STATUS_WORDS.search(question))
