"""Does the quoted sentence confirm or contradict what a yes/no question claims? (issue 11)

Founders ask yes/no questions that carry their own claim: "17년 팁스였으면 엔젤매칭 3억까지
연계받을 수 있었어요?", "2020년에 납품할 때도 우선구매 적용됐었어요?", "26년 예창패 붙으면 1억 꽉
채워서 받을 수 있죠?", "기술료는 안 내도 되는 거죠?". The answerer finds the sentence that
decides it ("엔젤매칭 2억원", "2021년 1월부터 시행", "최대 0.8억원", "10%를 기술료로 납부한다")
but, without a rule on the founder's own profile (`bot/eligibility.py`) or a list naming their
case (`bot/membership.py`), it quoted the sentence with no verdict. This module compares the
claim with the sentence on five plain axes and says "yes", "no" or nothing:

- a time: the founder's date or year against a start ("2021년 1월부터 시행") or an end ("2025년
  12월 31일까지 투자한") the sentence states;
- an amount: the sum the founder would receive against the sentence's cap ("최대 0.8억원",
  "1,000만원을 넘으면 안 된다") or the one figure it gives for the same words ("엔젤매칭 2억원");
- a count: "두 번", "two" against "1회";
- an obligation: "안 내도 되죠?" against "… 납부한다";
- a list: a case said with 도 that a list names ("직매입 상담회도 …?"), a place against a
  closed list of places ("경남도 있었어요?" against "강원, 경북, 부산, 충남 4곳").

A claim the founder negates ("요건은 안 따져도 됐죠?") turns the verdict round. Anything less
plain (two caps that disagree, a year without the month a start needs) gives no verdict: the
sentence is then quoted as before. Hand-written regular expressions, like the other readers
of rules; judged on the spent answer-eval parts (benchmarks/README.md, round 9).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.eligibility import capped_by_budget
from bot.founder import budget_of
from bot.kinds import asked_clause
from bot.measures import measure
from bot.membership import phrases_with_do
from bot.regions import places_said, provinces_named

# --- is it a yes/no question? ------------------------------------------------------------
_WH_KO = re.compile(r"뭐|무엇|뭔|뭘|얼마|언제|어디|누구|누가|몇|어떻게|어떤|무슨|왜|어느|며칠|"
                    r"어케|어떡|얼만")
_YES_NO_END_KO = re.compile(r"(?:돼|되|됐|될|있|없|맞|가능|해당|포함|인가|인지|이에요|예요|였|이었|"
                            r"죠|나요|까요|가요|건가|거죠|거예요|해요|했어요|받|통과|들어가|들어|줘|주나|주죠)"
                            r"[가-힣]*\s*[?？]*\s*$")
_WH_EN = re.compile(r"\b(?:what|when|where|who|whom|which|how|why)\b", re.I)
_YES_NO_EN = re.compile(r"^\s*(?:[^.?!]*[.!]\s+)*(?:is|are|am|do|does|did|can|could|will|would|"
                        r"was|were|should|shall|has|have|had|may|might)\b", re.I)


def yes_no_question(question: str, language: str) -> bool:
    """A question answered by yes or no: no question word in what is asked, and a yes/no
    ending ("…받을 수 있죠?", "Did we make it in time?")."""
    if language == "en":
        last = re.split(r"(?<=[.!])\s+", question.strip())[-1]
        return bool(_YES_NO_EN.match(last)) and not _WH_EN.search(last)
    asked = asked_clause(question)
    return not _WH_KO.search(asked) and bool(_YES_NO_END_KO.search(asked))


def asks_a_figure(question: str, language: str) -> bool:
    """Whether what is asked is a figure, whatever the founder told before it ("2억 투자받으면
    지분은 보통 몇 % 넘겨줘야 돼요?"): a question word for a number in the asked clause. Such a
    question wants the figure, not a yes or a no."""
    if language == "en":
        return bool(re.search(r"\bhow (?:much|many|long)\b|\bwhat (?:percent|share)\b",
                              question, re.I))
    return bool(_FIGURE_ASKED_KO.search(asked_clause(question)))


_FIGURE_ASKED_KO = re.compile(r"몇\s*(?:%|프로|퍼센트|퍼|명|개|곳|팀|개사|건|번|회|년|개월|달|"
                              r"주|일|억|천|만)|얼마|며칠")


# --- the claim turned round ---------------------------------------------------------------
# "안 내도", "안 따져도", "없어도", "안 해도", "필요 없": the founder claims it is not needed
_NOT_NEEDED = re.compile(r"안\s*[가-힣]{1,3}도\s*(?:되|돼|됐)|없어도\s*(?:되|돼|됐)|필요\s*없|"
                         r"면제|\bdon'?t (?:have|need) to\b|\bnot (?:required|needed)\b", re.I)


# --- times ---------------------------------------------------------------------------------
@dataclass(frozen=True, order=True)
class _When:
    year: int
    month: int = 0  # 0: not said
    day: int = 0


_KO_TIME = re.compile(r"(?<!\d)(20\d{2}|\d{2})\s*년(?:\s*(\d{1,2})\s*월)?(?:\s*(\d{1,2})\s*일)?")
_EN_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december")
_EN_TIME = re.compile(r"\b(?:(" + "|".join(_EN_MONTHS) + r")\s+(\d{1,2})(?:st|nd|rd|th)?"
                      r"(?:,?\s*(20\d{2}))?|(?:in\s+)?(" + "|".join(_EN_MONTHS)
                      + r")\s+(20\d{2})|in\s+(20\d{2}))\b", re.I)
# the sentence's start: "2021년 1월부터 시행", "2019년에 시작", "2023년 3월 21일부터 적용"
_START = re.compile(r"(20\d{2})년(?:\s*(\d{1,2})월)?(?:\s*(\d{1,2})일)?\s*(?:부터|에|이후)\s*"
                    r"(?:[가-힣]{0,8}\s)?(?:시행|시작|도입|적용|신설|처음|운영을\s*시작|만들어|생겼|"
                    r"개시)")
# the sentence's end: "2025년 12월 31일까지 투자한", "2026년 1월 27일까지"
_END = re.compile(r"(20\d{2})년\s*(\d{1,2})월\s*(\d{1,2})일\s*까지")


# a closing day: "접수 마감일은 2월 22일이었다", "마감은 2024년 3월 5일"
_CLOSING = re.compile(r"마감(?:일)?(?:은|는|이)?\s*(?:(20\d{2})년\s*)?(\d{1,2})월\s*(\d{1,2})일")
# a window: "2023년 1월 23일부터 2026년 1월 22일 사이에 창업한"
_DAY = r"(20\d{2})년\s*(\d{1,2})월\s*(\d{1,2})일"
# (the end's year may be left off: "2026년 1월 6일부터 1월 27일까지" ends in 2026)
_WINDOW = re.compile(_DAY + r"\s*부터\s*(?:(20\d{2})년\s*)?(\d{1,2})월\s*(\d{1,2})일"
                     r"\s*(?:까지|사이)")


# the founder's time is the day they applied
_SUBMITS = re.compile(r"냈|넣|신청|접수|제출|지원했|submit|appl|sent|filed", re.I)


def _year(text: str) -> int:
    year = int(text)
    return year if year >= 100 else 2000 + year


# a day without its year: "2월 20일에 냈는데" (the year, if any, is the programme's: "24년 초창패")
_KO_DAY = re.compile(r"(?<![년\d])(?<!년\s)(\d{1,2})\s*월\s*(\d{1,2})\s*일")


def _korean_times(question: str) -> list[_When]:
    """The times a Korean question names with their year ("25년 9월", "2021년")."""
    return [_When(_year(y), int(m or 0), int(d or 0)) for y, m, d in _KO_TIME.findall(question)
            if len(y) == 4 or 10 <= int(y) <= 40]


def _founder_time(question: str, year_asked: int | None = None) -> _When | None:
    """The one time the founder tells ("25년 9월에 투자했는데", "on January 29", "24년 초창패
    2월 20일에 냈는데"), a day without its year taken to be in the asked year; None when there
    is none or more than one."""
    days = _KO_DAY.findall(question)
    if len(days) == 1:
        month, day = (int(n) for n in days[0])
        return _When(year_asked or 0, month, day)
    found = _korean_times(question)
    for m in _EN_TIME.finditer(question):
        month_name = (m.group(1) or m.group(4) or "").lower()
        month = _EN_MONTHS.index(month_name) + 1 if month_name else 0
        year = m.group(3) or m.group(5) or m.group(6)
        found.append(_When(int(year) if year else (year_asked or 0), month,
                           int(m.group(2) or 0)))
    if len(found) > 1:  # "24년 2차 … 25년 3월 31일에 결제했어요": the one day told
        found = [when for when in found if when.day]
    return found[0] if len(found) == 1 else None


def _years_said(question: str, year_asked: int | None) -> set[int]:
    """Every year the question names, in Korean or English, and the asked year."""
    years = {when.year for when in _korean_times(question)}
    years |= {int(y) for y in re.findall(r"\b(20\d{2})\b", question)}
    return years | ({year_asked} if year_asked else set())


def _before(told: _When, mark: _When) -> bool | None:
    """Whether the founder's time comes before the mark; None when what was said cannot tell
    ("2021년" against "2021년 3월")."""
    if told.year and told.year != mark.year:
        return told.year < mark.year
    if not told.month or not mark.month:
        # "2021년" against a start in January: the whole year is from it on
        return False if mark.month in (0, 1) and mark.day in (0, 1) and told.year else None
    if told.month != mark.month:
        return told.month < mark.month
    if not told.day or not mark.day:
        return None
    return told.day < mark.day


def _time_verdict(question: str, sentence: str, year_asked: int | None,
                  sentence_year: int | None = None) -> str | None:
    told = _founder_time(question, year_asked)
    if told is None:
        return None
    starts = [_When(int(y), int(m or 0), int(d or 0)) for y, m, d in _START.findall(sentence)]
    ends = [_When(int(y), int(m), int(d)) for y, m, d in _END.findall(sentence)]
    if not ends and told.month and told.day and _SUBMITS.search(question):
        # the founder's application day against the closing day (of the sentence's year)
        ends = [_When(int(y) if y else told.year, int(m), int(d))
                for y, m, d in _CLOSING.findall(sentence)]
    windows = _WINDOW.findall(sentence)
    if len(windows) == 1 and not starts:
        numbers = [int(n) if n else 0 for n in windows[0]]
        starts = [_When(*numbers[:3])]
        ends = [_When(numbers[3] or numbers[0], *numbers[4:])]
    if len(starts) > 1 or len(ends) > 1 or not (starts or ends):
        return None
    if ends and sentence_year is not None and sentence_year not in _years_said(question,
                                                                               year_asked):
        # an end or a window is one call's: a 2024 application is not judged by the 2026
        # call's founding-date window (a start is the programme's history, any year's)
        return None
    verdicts = set()
    if starts:
        before = _before(told, starts[0])
        if before is None:
            return None
        verdicts.add("no" if before else "yes")
    if ends:
        after_end = _before(ends[0], told)  # the end comes before the founder's time
        if after_end is None:
            return None
        verdicts.add("no" if after_end else "yes")
    return "no" if "no" in verdicts else "yes"


# --- amounts -----------------------------------------------------------------------------
_WON = (r"\d[\d.,]*\s*(?:조|억|천만|백만|천|만)(?:\s*\d[\d.,]*\s*(?:천만|백만|천|만))?\s*원?|"
        r"\d[\d,]*\s*원")
_ASKS_UP_TO = re.compile(r"받을\s*수|받을수|받아|받나|받죠|지원받|까지|꽉|채워|다\s*받|전액|"
                         r"연계받|매칭받|넣을\s*수|쓸\s*수|돌려받|환급|빌릴\s*수|빌려|"
                         r"한도\s*(?:안|내|이내|넘)")  # "1,400만원이면 한도 안이었음?"
# "… 연계 가능했어요?", "… 돼요?": only a cap the sentence states as one decides
_ASKS_WEAKLY = re.compile(r"가능|돼요|되나요|되죠|될까")
# "최대 500만원", "한도 1억원", "업체당 지원 한도는 연 1,500만원"
_CAP = re.compile(r"(?:최대|한도(?:는|가)?\s*(?:연|월|기업당|업체당)?)\s*(" + _WON + r")|"
                  r"(" + _WON + r")\s*(?:\([^)]*\)\s*)?"
                  r"(?:까지|이하|이내|한도|을\s*넘으면\s*안|를\s*넘으면\s*안|을\s*넘지\s*않|"
                  r"를\s*넘지\s*않)")
_ANY_WON = re.compile(r"(" + _WON + r")")
_NOUN = re.compile(r"[가-힣A-Za-z]{2,}")


def _won(text: str) -> float | None:
    found = measure(text)
    return found.value if found is not None and found.unit == "won" and found.value >= 1e4 \
        else None


_YEARS_BEFORE = re.compile(r"(20\d{2})(?:\s*[~∼-]\s*(20\d{2}|\d{2}))?년")


def _figure_of_year(sentence: str, at: int, year_asked: int | None) -> bool:
    """Whether a figure is not another year's: the nearest year said before it in the same
    clause is the asked one, or there is none ("…0.8억원으로, 2020~2024년의 최대 1억원보다")."""
    if year_asked is None:
        return True
    clause = re.split(r"[,;]", sentence[:at])[-1]
    years = _YEARS_BEFORE.findall(clause)
    if not years:
        return True
    first, last = years[-1]
    end = _year(last) if last else int(first)  # "2020~2024년", "2020~24년", "2024년"
    return int(first) <= year_asked <= end


def _amount_verdict(question: str, sentence: str, year_asked: int | None) -> str | None:
    asked = asked_clause(question)
    limits = [m for m in _CAP.finditer(sentence) if m.group(2) and _LIMIT.search(m.group(0))]
    strong = bool(_ASKS_UP_TO.search(asked))
    if strong or _ASKS_WEAKLY.search(asked):
        said = asked
    elif limits:
        said = question  # "카드값이 800만원인데 … 통과해요?" against "1,000만원을 넘으면 안 된다"
    else:
        return None
    wants = [v for v in (_won(m.group(1)) for m in _ANY_WON.finditer(said)) if v]
    if len(wants) != 1:
        return None
    want = wants[0]
    # first the figure the sentence gives right after a word of what is asked ("엔젤매칭
    # 2억원" to "엔젤매칭 3억까지 연계받을 수 있었어요?"), not the total's cap ("최대 10억원")
    caps = [v for at, figure in _named_figures(sentence, _nouns(asked) if strong else set())
            if (v := _won(figure)) and _figure_of_year(sentence, at, year_asked)]
    if not caps:
        caps = [v for m in _CAP.finditer(sentence)
                if (v := _won(m.group(1) or m.group(2)))
                and _figure_of_year(sentence, m.start(), year_asked)]
    budget = budget_of(question)
    if budget != want:  # the sum claimed is no budget ("사업비 2억 … 1.5억 다 받을 수")
        caps = [capped_by_budget(cap, sentence, budget) for cap in caps]
    verdicts = {"yes" if want <= cap else "no" for cap in caps}
    return verdicts.pop() if len(verdicts) == 1 else None


_RIGHT_AFTER = re.compile(r"\s*(?:은|는|이|가|을|를|에|의|으로|로)?\s*(" + _WON + r")")


def _named_figures(sentence: str, words: set[str]) -> list[tuple[int, str]]:
    """The figures written right after a word ("엔젤매칭 2억원"), with where they stand."""
    out = []
    for word in words:
        for m in re.finditer(re.escape(word), sentence):
            figure = _RIGHT_AFTER.match(sentence, m.end())
            if figure:
                out.append((figure.start(1), figure.group(1)))
    return out


_LIMIT = re.compile(r"이하|이내|넘으면\s*안|넘지\s*않")
_PARTICLE_END = re.compile(r"(?:은|는|이|가|을|를|도|만|으로|로|에서|에|의|이면|면)$")


def _nouns(text: str) -> set[str]:
    """The words of a clause without their particles ("기술료는" -> 기술료)."""
    out = set()
    for word in _NOUN.findall(text):
        bare = _PARTICLE_END.sub("", word)
        if len(bare) >= 2:
            out.add(bare)
    return out


# --- bounds on a length or a number of people ------------------------------------------------
# "12주짜리 프로그램" against "10주 이상", "30 members" against "49인 이하": one value the
# founder tells in a unit, one bound the sentence states in the same unit
_UNITS_KO = {"주": "week", "일": "day", "개월": "month", "달": "month", "명": "people",
             "인": "people"}
_UNITS_EN = {"week": "week", "day": "day", "month": "month", "member": "people",
             "people": "people", "person": "people", "partner": "people"}
_TOLD_KO = re.compile(r"(?<![\d.,월])(\d{1,4})\s*(주|일|개월|달|명|인)(?![가-힣]*째)"
                      r"(?=\s*(?:짜리|인데|이고|으로|로|이면|면|정도|쯤|지났|넘었|됐|밖에|만\s|"
                      r"(?:과정|프로그램|코스|교육)(?:에|이|을|인데|\s)|"  # "8주 과정 붙었는데"
                      r"이에요|예요|이야|이라|라서|인|의|[,.?]))")
_TOLD_EN = re.compile(r"\b(\d{1,4})[- ](weeks?|days?|months?|members?|people|persons?|"
                      r"partners?)\b", re.I)
_BOUND = re.compile(r"(?<![\d.,월])(\d{1,4})\s*(주|일|개월|달|명|인)\s*(이상|이하|이내|미만|초과|"
                    r"까지)")
_WITHIN = {"이상": lambda v, n: v >= n, "초과": lambda v, n: v > n, "이하": lambda v, n: v <= n,
           "이내": lambda v, n: v <= n, "까지": lambda v, n: v <= n, "미만": lambda v, n: v < n}


_OF_NOUN = re.compile(r"\s*의\s*([가-힣]{2,12})")


def _bound_verdict(question: str, sentence: str, language: str,
                   terms: Iterable[str] = ()) -> str | None:
    """The founder's one length or head count against the sentence's bounds in that unit."""
    if language == "en":
        told = [(int(n), _UNITS_EN[u.lower().rstrip("s")] if u.lower() != "people"
                 else "people") for n, u in _TOLD_EN.findall(question)]
    else:
        told = [(int(n), _UNITS_KO[u]) for n, u in _TOLD_KO.findall(question)]
    if len(told) != 1:
        return None
    value, unit = told[0]
    bounds = [m for m in _BOUND.finditer(sentence) if _UNITS_KO[m.group(2)] == unit]
    # the bounds on a word the founder names ("조합원 50명" against "조합원은 49인 이하"), else
    # all of them, which must agree ("49인 이하 … 1인 이상의 업무집행조합원")
    named = _nouns(question) | set(terms)
    # "1인 이상의 업무집행조합원": a bound on the noun after it, which counts only if named
    bounds = [m for m in bounds if not (after := _OF_NOUN.match(sentence, m.end()))
              or any(w in after.group(1) for w in named)] or bounds
    own = [m for m in bounds if any(w in sentence[max(0, m.start() - 12):m.start()]
                                    for w in named)]
    verdicts = {"yes" if _WITHIN[m.group(3)](value, int(m.group(1))) else "no"
                for m in own or bounds}
    return verdicts.pop() if len(verdicts) == 1 else None


# --- counts ------------------------------------------------------------------------------
_KO_NUMBERS = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6}
_EN_NUMBERS = {"one": 1, "once": 1, "two": 2, "twice": 2, "three": 3, "four": 4, "five": 5}
_ASKED_COUNT_KO = re.compile(r"(\d+|한|두|세|네|다섯|여섯)\s*(?:번|회)(?![가-힣]*째)")
_ASKED_COUNT_EN = re.compile(r"\b(once|twice|(?:one|two|three|four|five)\s+(?:[a-z-]+\s+){0,2}"
                             r"(?:times|broadcasts|sessions|rounds|shows))\b", re.I)
_SENTENCE_COUNT = re.compile(r"(\d+)\s*회(?![가-힣]*째|계)")


def _count_verdict(question: str, sentence: str, language: str) -> str | None:
    if language == "en":
        found = _ASKED_COUNT_EN.search(question)
        number = _EN_NUMBERS.get(found.group(1).split()[0].lower()) if found else None
    else:
        found = _ASKED_COUNT_KO.search(asked_clause(question))
        word = found.group(1) if found else ""
        number = int(word) if word.isdigit() else _KO_NUMBERS.get(word)
    counts = {int(c) for c in _SENTENCE_COUNT.findall(sentence)}
    if number is None or len(counts) != 1:
        return None
    return "yes" if number <= counts.pop() else "no"


# --- obligations ---------------------------------------------------------------------------
_OBLIGES = re.compile(r"납부한다|내야\s*한다|해야\s*한다|받아야\s*한다|거쳐야\s*한다|의무|필수|"
                      r"반드시")


def _obligation_verdict(question: str, sentence: str) -> str | None:
    """"기술료는 안 내도 되죠?" against "… 10%를 기술료로 납부한다": the sentence obliges, so no
    (the claim is already turned round by `claim_verdict`, hence "yes" here)."""
    named = any(w in sentence for w in _nouns(asked_clause(question)))
    return "yes" if named and _OBLIGES.search(sentence) else None


# --- lists -----------------------------------------------------------------------------
_LIST_SEP = re.compile(r",|·")
_CLOSED = re.compile(r"\d+\s*(?:곳|개|대|가지)|(?:으로|로)\s*(?:구성|이루어)")
_LEFT_OUT = re.compile(r"제외|포함되지\s*않|해당하지\s*않|빠졌|빠진|안\s*된다|불가")
_GENERIC = frozenset({"분야", "사업", "지원", "기업", "펀드", "프로그램", "지역", "항목", "서비스",
                      "비용", "이것", "그것", "저것", "여기", "거기", "저희", "우리"})
_AFTER = 25  # characters after a named item in which a list leaves it out
_VERB_BEFORE_DO = re.compile(r"(?:해|돼|되|어|아|워|와|여|봐|써|줘|내|가|져|러)$")


def _left_out(sentence: str, word: str) -> bool:
    at = sentence.find(word)
    return bool(_LEFT_OUT.search(sentence[at:at + len(word) + _AFTER]))


_AROUND = 15  # characters either side of a list's first and last separator that it spans


def _listed_in_english(sentence: str, terms: Iterable[str]) -> str | None:
    """"Can we use the export voucher to pay for finding overseas buyers?" read in Korean words
    (바이어, …) against a list naming "바이어 발굴": yes. Never no: a case missing from the
    list may be a word the English reading did not find."""
    seps = [m.start() for m in re.finditer(",", sentence)]
    if len(seps) < 2:  # "벤처·창업기업" joins two words; a list has commas
        return None
    listed = sentence[max(0, seps[0] - _AROUND):seps[-1] + _AROUND]
    # an item's own words, whole: the words either side of each separator ("바이어 발굴,",
    # "장치·집기"), not a word inside another ("창업비자" is no 창업)
    pieces = [p.split() for p in _LIST_SEP.split(listed)]
    items = {_PARTICLE_END.sub("", w) for words in pieces if words for w in (words[0], words[-1])}
    named = [t for t in terms if re.fullmatch(r"[가-힣]{2,}", t) and t not in _GENERIC
             and t in items and not _left_out(sentence, t)]
    return "yes" if named else None


def _listed_verdict(question: str, sentence: str, language: str,
                    terms: Iterable[str] = ()) -> str | None:
    """"AI 분야도 있었어요?" against a list naming "글로벌 AI": yes. "경남도 있었어요?" against a
    closed list of places ("강원, 경북, 부산, 충남 4곳"): no."""
    if len(_LIST_SEP.findall(sentence)) < 2:
        return None
    asked = re.split(r"(?<=[.!])\s+", question.strip())[-1] if language == "en" \
        else asked_clause(question)
    places = places_said(question)  # the founder's place and the one asked: all of them
    if places_said(asked) and len(provinces_named(sentence)) >= 2 and _CLOSED.search(sentence):
        if any(p in sentence and _left_out(sentence, p) for p in places):
            return "no"
        inside = {p in sentence for p in places}
        return None if len(inside) > 1 else ("yes" if inside.pop() else "no")
    if language == "en":
        return _listed_in_english(sentence, terms)
    low = sentence.lower()
    # "신청해도 돼요?" asks for leave, not about a case said with 도
    phrases = [p for p in phrases_with_do(asked) if not _VERB_BEFORE_DO.search(p)]
    words = {_PARTICLE_END.sub("", w) for p in phrases for w in p.split()}
    # a place is decided only against a list of places ("충북도 들어갔어?")
    named = [w for w in words if len(w) >= 2 and w not in _GENERIC and w in low
             and not places_said(w)]
    if not named or any(_left_out(low, w) for w in named):
        return None
    return "yes"


def claim_verdict(question: str, sentence: str, language: str,
                  year_asked: int | None = None, *, only: str | None = None,
                  sentence_year: int | None = None, terms: Iterable[str] = ()) -> str | None:
    """"yes" when the sentence confirms the yes/no question's claim, "no" when it contradicts
    it, None when it does not plainly do either. `only="lists"`: only a list naming or
    leaving out the founder's case decides; `only="times"`: only the founder's time. `terms`:
    the question's key terms, which for an English question are its Korean reading."""
    if not yes_no_question(question, language):
        return None
    if only == "lists":
        return _listed_verdict(question, sentence, language, terms)
    negated = bool(_NOT_NEEDED.search(asked_clause(question)))
    verdict = _time_verdict(question, sentence, year_asked, sentence_year)
    if only != "times":
        verdict = (verdict
                   or _amount_verdict(question, sentence, year_asked)
                   or _count_verdict(question, sentence, language)
                   or _bound_verdict(question, sentence, language, terms)
                   or (_obligation_verdict(question, sentence) if negated else None)
                   or _listed_verdict(question, sentence, language, terms))
    if verdict is None or not negated:
        return verdict
    return "no" if verdict == "yes" else "yes"
