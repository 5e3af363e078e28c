"""A part of a whole asked: "8조 7,417억 중에 국비는 얼마?", "590개사 중 충북 기업은 몇 개?",
"대상 말고 최우수상은?", "지방시대 펀드 충남 쪽은 얼마?", "6개 기관 중 나머지는 어디?" (issue 11).

Founders ask for one part of something the documents give whole. The sentence with the whole
(the total, the national count, the top prize, the named members of a list) shares the subject
and holds a value of the asked kind, so it looks like an answer; quoting it is the confident
wrong citation the issue names. Such a question is answered only by a sentence that names the
part, and, for a figure, puts a figure of the asked kind right next to it ("국비 545억원",
"국비는 98억원"; "국비·지방비·민자를 합쳐 총 8조 …" names 국비 but gives no figure of it).
"The rest" of a list ("나머지") is answered only by a sentence listing members without
"… 등 6개 기관" (a list the documents themselves leave open).

Hand-written: the particles and words Korean uses to single out a part; measured on the
answer-eval parts (benchmarks/README.md, round 6).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.cues import GENERIC_DETAIL, KIND_WORDS, flat
from bot.facts import PATTERNS
from bot.kinds import FactKind
from bot.regions import PROVINCE_OF, place_words

# "…중에 X는", "…중 X는", "그중 X는", "… 가운데 X는", "A 말고 X는", "… 빼고 X는"; "X 쪽은"
_WORD = r"[가-힣A-Za-z0-9&]{2,}?"
_PART = re.compile(
    r"(?:(?:^|\s)(?:그\s?)?(?:중에서?|중|가운데)|(?:^|\s)(?:말고|빼고|제외하고|외에))\s+"
    rf"((?:{_WORD}\s+){{0,3}}{_WORD})(?:은|는|이|가|만|쪽은|으로|로)(?=[\s?.,!]|$)"
    r"|(?:^|\s)([가-힣]{2,})\s*쪽(?:은|는|에서는|엔)(?=[\s?.,!]|$)"
    # "2,328억 중에 허브 구축 쪽에 들어가는 예산은": the part, then what of it is asked
    r"|(?:^|\s)(?:그\s?)?(?:중에서?|중|가운데)\s+"
    rf"((?:{_WORD}\s+){{0,3}}{_WORD})\s*(?:쪽)?(?:에|에서|에게|한테|으로|로)\s+"
    r"(?:들어가는|들어간|쓰이는|쓰는|쓴|배정된|돌아가는|가는|나가는)\s+[가-힣]{1,4}"
    r"(?:은|는|이|가)(?=[\s?.,!]|$)")
# a place in a ranking: "2등은 얼마?", "최우수상은?"
_RANK = re.compile(r"(?:^|\s)(\d+등|\d+위|준우승|최우수상?|우수상|장려상)(?:팀|상)?"
                   r"(?:은|는|이|가|도)?(?=[\s?.,!]|$)")
# every member of a set asked: "15개 기관 전체 명단", "5곳이 어디어디", "11개 리그 이름 전부";
# "전부" / "다 알려" only of a counted set or of names ("2천 전부 공제돼요?" is all of a sum,
# "예창패 다 알려줘" is everything about it, "몇 달 전부터" is no 전부)
_MEMBERS = re.compile(r"명단|어디\s?어디|뭐\s?뭐|누구\s?누구|목록|리스트")
_ALL = re.compile(r"전부(?!터)|다\s*알려|모두\s*알려")
_COUNTED_SET = re.compile(r"\d+\s*(?:개|곳|건|팀|명)(?!월)|이름")
ALL_MEMBERS = "전체 목록"  # the part asked when a question wants the whole list
# a word joined to the next by "와/과/랑/하고": "R&D 자금이랑 사업화 자금은 각각"
_JOINER = re.compile(r"(?<=[가-힣A-Za-z&]{2})(?:이랑|랑|하고|과|와|이나)$")
# Words of a part that single nothing out: who is asking, how the part is counted, a question word.
_NOT_A_PART = frozenset({"기업", "회사", "업체", "스타트업", "곳", "사람", "팀", "저", "제", "우리",
                         "저희", "내", "제일", "가장", "제일로", "최고", "금액", "규모", "돈",
                         "예산", "인원", "개수", "비율", "지원금", "이거", "그거", "이건", "그건",
                         "각각", "따로", "배정된", "건", "것", "거"})
_QUESTION_WORD = re.compile(r"어느|어떤|어디|무슨|몇|뭐|누구|얼마|언제")
_REST = frozenset({"나머지", "다른", "다른곳", "나머지곳", ALL_MEMBERS})
# "나머지 두 개", "나머지 기관들", "나머지 곳은": the rest of a list, however counted
_THE_REST = re.compile(r"(?:^|\s)나머지(?:\s*(?:\d+|한|두|세|네|다섯)\s*(?:개|곳|군데|명|기관|팀))?"
                       r"(?:\s*[가-힣]{1,4})?(?:은|는|이|가|들은|들)?(?=[\s?.,!]|$)")
_NAMES_ASKED = re.compile(r"어디|이름|뭐|무엇|누구|무슨|명단|which|what", re.I)
_SUM_ASKED = re.compile(r"금액|돈|비용|얼마|%|퍼센트|비율|부담")
_FIGURES = (FactKind.AMOUNT, FactKind.COUNT, FactKind.PERCENT)
# characters (spaces removed) between a part and its figure: "국비545억원", "국비는98억원"
_NEAR = 12
_LIST_SEPARATOR = re.compile(r"[,·、]")
_COUNTED = re.compile(r"(\d+)\s*(?:개|곳|건|명|팀|교)")


def asked_part(question: str) -> list[str] | None:
    """The words naming the part a Korean question singles out, if it does ("국비",
    ["충북"] of "충북 기업", ["나머지"], ["2등"], [ALL_MEMBERS] for "전체 명단"); None when it
    asks about the whole."""
    if _MEMBERS.search(question) or (_ALL.search(question) and _COUNTED_SET.search(question)):
        return [ALL_MEMBERS]
    found = _PART.search(question)
    if found:
        phrase = found.group(1) or found.group(2) or found.group(3)
        # "6개 기관 중에 중진공 말고 나머지는": the part is what follows the last marker
        phrase = re.split(r"(?:^|\s)(?:말고|빼고|제외하고|외에)\s", phrase)[-1]
        if _QUESTION_WORD.search(phrase):
            return None  # "그중에 어느 게 …": which of them, not one named part
        words = [_JOINER.sub("", w) for w in phrase.split()]
        words = [w for w in words if w not in _NOT_A_PART and w not in KIND_WORDS
                 and w not in GENERIC_DETAIL]  # "중앙부처 중에 비중은?": the kind asked
        return words or None
    if _THE_REST.search(question) and _NAMES_ASKED.search(question) \
            and not _SUM_ASKED.search(question):  # "창업자금 말고 나머지 두 개는 이름이 뭐예요?"
        return ["나머지"]
    rank = _RANK.search(question)
    return [rank.group(1)] if rank else None


def part_label(words: list[str], kind_label: str | None) -> str:
    """How a missing-detail answer names the part ("국비 금액", "전체 목록", "나머지 목록")."""
    if ALL_MEMBERS in words:
        return ALL_MEMBERS
    if set(words) & _REST:
        return "나머지 목록"
    return " ".join(words) + (f" {kind_label}" if kind_label else "")


# Chungbuk itself is where every document is set; 청주's own districts speak for 청주.
_EVERYWHERE = frozenset({"충북", "충청북도", "도내"})
_WITHIN = {"청주": ("오창", "오송")}


def asked_places(question: str, subject: Iterable[str]) -> list[str]:
    """Places the question is about ("진천은 특화산업이 뭐예요?", "오송 특화단지 면적"): subject
    terms naming a province or city other than Chungbuk itself, and not where the founder
    says they are ("청주에 있는 회사인데 …" is the founder's circumstance)."""
    own = place_words(question)
    return [t for t in subject if t in PROVINCE_OF and t not in _EVERYWHERE and t not in own]


def holds_places(text: str, places: list[str]) -> bool:
    """Whether a sentence (or its heading) names every place asked about."""
    plain = flat(text)
    return all(p in plain or any(w in plain for w in _WITHIN.get(p, ())) for p in places)


def holds_part(text: str, words: list[str], kind: FactKind | None) -> bool:
    """Whether a sentence gives the asked part: names every word of it and, for a figure, has
    a figure of the asked kind next to the last word; for "the rest", lists members without
    leaving the list open."""
    if set(words) & _REST:
        items = len(_LIST_SEPARATOR.findall(text)) + 1
        counts = [int(n) for n in _COUNTED.findall(text) if int(n) <= 50]
        # "… 등 6개 기관" after three names leaves the list open; after ten names of "등 10개
        # 대기업" it is whole
        return items >= 3 and items >= max(counts, default=0)
    plain = flat(text)
    if not all(w.lower() in plain for w in words):
        return False
    if kind not in _FIGURES:
        return True
    # next to any of its words: "글로벌 AI 펀드는?" is answered by "… 글로벌 AI 100억원"
    figures = list(PATTERNS[kind].finditer(plain))
    return any(_near(plain, w.lower(), figures) for w in words)


def _near(plain: str, word: str, figures: Iterable[re.Match[str]]) -> bool:
    """A figure a few characters from the word, with no other list item between them
    ("국비·지방비·민자를 합쳐 총 8조": the 8조 is the sum, not 국비's)."""
    starts = [m.start() for m in re.finditer(re.escape(word), plain)]
    for figure in figures:
        for start in starts:
            end = start + len(word)
            if 0 <= figure.start() - end <= _NEAR:
                if plain[max(0, start - 1):start] in ("·", "/"):
                    continue  # "일반형·융복합형 270개사": the figure of both together
                gap = plain[end:figure.start()]
            elif 0 <= start - figure.end() <= _NEAR:
                gap = plain[figure.end():start]
            else:
                continue
            if not _LIST_SEPARATOR.search(gap):
                return True
    return False


# A round or a target named: "1차 모집", "2차 정시"; "2035년까지" (a plan's horizon).
_ROUND = re.compile(r"(?<![\d.])(\d{1,2})\s*차(?![가-힣]*원)(?!\s*(?:전지|산업|년도|연도))")
_HORIZON = re.compile(r"((?:19|20)\d{2})\s*년\s*까지")
# a cohort: "1기는 몇 명", "6기는 60명을 뽑았으며" (not a term of office: "민선8기")
_COHORT = re.compile(r"(?<![\d.선])(\d{1,2})\s*기(?=[는은가의에도를이와과\s]|$)")


# An item named by its place in a list: "두 번째 방향", "셋째", "3번째"
_ORDINAL = re.compile(r"(첫|두|세|네|다섯|여섯|일곱|여덟|아홉|\d{1,2})\s*번\s*째|(첫|둘|셋|넷)째")
_ORDINAL_NUMBER = {"첫": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4, "다섯": 5,
                   "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9}


# "the third of the four focus tasks", not "the first round" (a round is 1차)
_EN_ORDINAL = re.compile(r"\b(first|second|third|fourth|fifth)\b(?!\s+(?:round|application|call|"
                         r"half|year|time|phase|stage))", re.I)
_EN_ORDINAL_NUMBER = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}


def _ordinals(text: str) -> set[str]:
    """The places in a list a text names, as "N번째" ("두 번째", "the third" -> "3번째")."""
    out = {f"{_EN_ORDINAL_NUMBER[w.lower()]}번째" for w in _EN_ORDINAL.findall(text)}
    for spelled, short in _ORDINAL.findall(text):
        word = spelled or short
        number = int(word) if word.isdigit() else _ORDINAL_NUMBER[word]
        out.add(f"{number}번째")
    return out


def _rounds(text: str) -> set[str]:
    """The rounds ("1차"), cohorts ("1기") and places in a list ("2번째") a text names."""
    return {f"{r}차" for r in _ROUND.findall(text)} | {f"{c}기" for c in _COHORT.findall(text)} \
        | _ordinals(text)


def asked_marks(question: str) -> tuple[set[str], set[str]]:
    """The rounds ("1차", cohorts "1기", and items by their place: "2번째") and the target years
    ("2035년까지") a question names."""
    return _rounds(question), set(_HORIZON.findall(question))


def holds_marks(text: str, rounds: set[str], horizons: set[str]) -> bool:
    """Whether a sentence may answer for the asked round and target year: one that names
    other rounds only ("2차 모집에는 … 652개사") is about another round, one that names other
    target years only ("2030년까지 매출 196조원") about another horizon. A sentence naming
    none may still answer (it gives the programme's whole)."""
    named_rounds = _rounds(text)
    named_horizons = set(_HORIZON.findall(text))
    return (not rounds or not named_rounds or bool(rounds & named_rounds)) and (
        not horizons or not named_horizons or bool(horizons & named_horizons))


def names_marks(text: str, rounds: set[str]) -> bool:
    """Whether a sentence names one of the asked rounds or places in a list ("두 번째 전략인
    …" for "두 번째 전략 취지는?")."""
    return bool(rounds & _rounds(text))
