"""Eligibility verdicts from the founder's own numbers ("저 52살인데 예창패 돼요?").

The question's numbers (age, years since founding, whether a business is registered) are read
by `bot/query.py`; this module reads the rules the documents state (an age limit, a years-since-
founding window, "사업자등록을 하지 않은 예비창업자") from candidate sentences and compares.
Hand-written regular expressions: the rules are written in a few fixed Korean patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.measures import Measure, compare, own_values

Verdict = Literal["yes", "no"]

_AGE_MAX = re.compile(r"(?:만\s*)?(\d{2})\s*세\s*(이하|미만|까지|이내)")
_AGE_MIN = re.compile(r"(?:만\s*)?(\d{2})\s*세\s*(이상|초과)")
_AGE_NONE = re.compile(r"연령\s*제한(?:을|이)?\s*(?:없|폐지|두지\s*않)|모든\s*연령")
_YEARS_WINDOW = re.compile(r"(\d+)\s*년\s*초과\s*(\d+)\s*년\s*(이내|이하|미만)")
# "업력 3~7년", "창업 3년 이상 7년 이하": from the first number, inclusive
_YEARS_SPAN = re.compile(r"(?:창업|업력|설립|개업)[^.\d]{0,10}?(\d+)\s*(?:년\s*이상\s*|\s*[~–-]\s*)"
                         r"(\d+)\s*년\s*(이내|이하|미만|까지)?")
_YEARS_AFTER = re.compile(r"(\d+)\s*년이\s*지났지만\s*(\d+)\s*년은\s*넘지\s*않은")
_YEARS_MAX = re.compile(r"(?:창업|업력|설립|개업|사업\s*개시)[^.\d]{0,10}?(\d+)\s*년\s*"
                        r"(이내|이하|미만|까지)"
                        r"|(\d+)\s*년이\s*지나지\s*않(?:은|았|고)"
                        r"|(\d+)\s*년\s*(이내|이하|미만)\s*(?:의\s*)?(?:창업\s*)?(?:기업|법인|사업자|"
                        r"스타트업|창업자)")
# "최소 투자 요건은 1억원에서 2억원으로 높아졌다", "투자 요건이 2억원으로 오르지 않고 1억원으로
# 유지된다": the last sum after the rule word is the minimum now
_MONEY_FLOOR = re.compile(r"(투자|매출)[^.]{0,6}(?:요건|기준|조건)")
_SUM = re.compile(r"([\d.,]+\s*(?:조|억|천만|만)\s*원)\s*(?:으로|이다|이며|을|이)"
                  r"(?!\s*(?:이상|이하|미만|초과))")
# A rule for some founders only: "비수도권 기업은 …", "수도권 기업은 …".
_SCOPE = re.compile(r"(비수도권|수도권|지방|충북\s*(?:도내)?)\s*(?:소재\s*)?"
                    r"(?:기업|법인|회사|창업기업)(?:은|는|이|의|만)")
CAPITAL_AREA = frozenset({"서울", "경기", "인천", "판교", "성수동", "강남", "수원"})
_UNREGISTERED = re.compile(r"사업자\s*등록(?:이나|이나\s*법인\s*설립|\s*또는)?[^.]{0,20}"
                           r"하지\s*않은|예비\s*창업자(?:를|만)\s*대상")


@dataclass(frozen=True)
class Founder:
    """What the founder said about themselves."""

    age: int | None = None
    age_decade: bool = False  # "40대": age is the decade's first year
    years: float | None = None  # years since founding (or since re-founding)
    registered: bool | None = None
    birth_year: int | None = None
    founded: tuple[int, int] | None = None  # (year, month) the business was founded
    region: str | None = None  # where the founder lives / the company is
    closed_years: float | None = None  # years since closing a previous business
    degree: bool | None = None  # holds a bachelor's degree
    invested: float | None = None  # investment received, in won
    sales: float | None = None  # yearly sales, in won
    members: int | None = None  # people in a fund / team
    founded_year: int | None = None  # "2021년에 창업했는데" (years is counted from it)
    founded_day: int | None = None  # the day of `founded`, when given ("23년 1월 10일에 개업")
    # other measured values with what they measure ("연구개발비가 3천만원", bot/measures.py)
    values: tuple[tuple[tuple[str, ...], Measure], ...] = ()

    @property
    def empty(self) -> bool:
        return all(v is None for v in (
            self.age, self.years, self.registered, self.birth_year, self.founded, self.region,
            self.closed_years, self.degree, self.invested, self.sales, self.members)
        ) and not self.values


@dataclass(frozen=True)
class Ruling:
    verdict: Verdict
    rule: str  # what kind of rule decided: age / years / registration


_Q_AGE = re.compile(r"(?:만\s*)?(\d{2})\s*(?:살|세)(?!\s*(?:이하|이상|미만|초과|까지))"
                    r"|(?:i'?m|i am|aged?)\s*(\d{2})\b|\b(\d{2})\s*(?:-?\s*years?\s*-?\s*old|yo)\b",
                    re.I)
# Ages in native Korean numerals: "서른다섯 살", "마흔둘", "쉰 살".
_TENS = {"스물": 20, "서른": 30, "마흔": 40, "쉰": 50, "예순": 60, "일흔": 70}
_UNITS = {"하나": 1, "한": 1, "둘": 2, "두": 2, "셋": 3, "세": 3, "넷": 4, "네": 4, "다섯": 5,
          "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9}
_Q_NATIVE_AGE = re.compile(r"(스물|서른|마흔|쉰|예순|일흔)\s*(하나|한|둘|두|셋|세|넷|네|다섯|"
                           r"여섯|일곱|여덟|아홉)?\s*(?:살|세|인데|이에요|입니다|이고|"
                           r"[가-힣]{1,5}(?:인데|이에요|예요|입니다|이고))")
# A founding year without a month: "2021년에 창업했는데", "2019년 설립 법인".
FOUNDED_VERB = (r"(?:세웠|설립(?:했|한|하|됐|된)|창업(?:했|한|하)|개업(?:했|한|하)|등록(?:했|한)|"
                 r"냈|차렸|만들었|시작했)")
_Q_FOUNDED_YEAR = re.compile(r"((?:19|20)\d{2})\s*년\s*(?:도)?\s*(?:에|쯤)?\s*"
                             r"(?:법인|사업자|회사)?\s*(?:을|를)?\s*" + FOUNDED_VERB)
_Q_DECADE = re.compile(r"(\d)0\s*대")
# "나이 38인데", "올해 38이에요": an age written without 살/세
_Q_BARE_AGE = re.compile(r"(?:나이(?:가|는)?|올해|만)\s*(\d{2})\s*"
                         r"(?:인데|이에요|이고|입니다|이야|임)")
_Q_PART_YEAR = re.compile(r"\s*(?:(\d{1,2})\s*개월|반)")
# "개업일이 2023년 5월인데", "설립일 2022년 3월"
_Q_FOUNDED_DATE = re.compile(r"(?:개업일|설립일|창업일|등록일|개업|설립|창업)(?:이|은|는|도)?\s*"
                             r"((?:19|20)\d{2})\s*년\s*(\d{1,2})\s*월")
# "I started my company in 2022", "founded in 2021"
EN_FOUNDED = (r"(?:started|founded|incorporated|registered|set up|opened|launched)"
              r"[^.?]{0,30}?\bin\s+")
_Q_EN_FOUNDED = re.compile(EN_FOUNDED + r"((?:19|20)\d{2})\b", re.I)
_Q_YEARS = re.compile(r"업력[^\d]{0,6}(\d+)\s*년"
                      r"|(?:창업|설립|개업|사업)(?![가-힣]*(?:학교|패키지|팩|센터|펀드|대학|지원))"
                      r"[^\d]{0,6}(\d+)\s*년\s*(?:차|째|됐|되었|된|지났|이|인데|이에요|입니다)"
                      r"|(\d+)\s*년\s*(?:차|째)|(\d+)\s*년\s*(?:된|됐|되었|지났|넘었)"
                      r"|(\d+)\s*years?\s*(?:since|ago|in business)"
                      r"|(?:company|startup|business|firm)\s+is\s+(\d+)\s*years?\s*old"
                      r"|(?:in business|operating|running)\s+(?:for\s+)?(\d+)\s*years?", re.I)
_Q_UNREGISTERED = re.compile(r"사업자\s*(?:등록)?\s*(?:을|도|은)?\s*(?:안|없|아직|전)"
                             r"|예비\s*창업자(?:인데|예요|이에요|입니다)|not\s+(?:yet\s+)?registered"
                             r"|no business registration|haven'?t registered|have not registered"
                             r"|without (?:a )?business registration", re.I)
_Q_REGISTERED = re.compile(r"(?:사업자\s*(?:등록)?[^.?]{0,6}(?:했|있|냈|마쳤)|법인\s*(?:인데|"
                           r"이에요|입니다|"
                           r"대표))"
                           r"|registered|incorporated", re.I)


_Q_BIRTH = re.compile(r"((?:19|20)\d{2})\s*년\s*(?:\d{1,2}\s*월\s*)?생"
                     r"|born in ((?:19|20)\d{2})"
                     r"|(?<![\d.])(\d{2})\s*년\s*(?:\d{1,2}\s*월\s*)?생", re.I)
_Q_FOUNDED = re.compile(r"(?<![\d.])((?:19|20)?\d{2})\s*년\s*(\d{1,2})\s*월\s*"
                        r"(?:(\d{1,2})\s*일\s*)?(?:에|쯤)?\s*(?:법인|사업자|회사)?\s*"
                        r"(?:을|를|등록)?\s*(?:세웠|설립|창업|개업|등록|냈|차렸|만들)")
_Q_CLOSED = re.compile(r"폐업(?:하고|한\s*지|후|한\s*뒤|하고서)\s*(\d+)\s*년")
_Q_NO_DEGREE = re.compile(r"고졸|고등학교\s*(?:졸업|만)|대학\s*(?:안|못)\s*(?:나|갔)|"
                          r"학위\s*(?:가\s*)?없|"
                          r""
                          r"no (?:university )?degree|high school", re.I)
_Q_INVESTED = re.compile(r"투자\s*(?:를|금|액)?\s*([\d.,]+\s*(?:억|천만|천|만)[\d.,\s억천만]*원?)|"
                         r"([\d.,]+\s*(?:억|천만|천|만)[\d.,\s억천만]*원?)\s*(?:을|를)?\s*투자")
_Q_SALES = re.compile(r"매출\s*(?:이|은|액)?\s*([\d.,]+\s*(?:억|천만|천|만)[\d.,\s억천만]*원?)")
_Q_MEMBERS = re.compile(r"(?:조합원|직원|인원|멤버)\s*(?:이|을|를)?\s*(\d+)\s*(?:명|인)")
_Q_REGION = re.compile(r"(서울|부산|대구|인천|광주|대전|울산|세종|경기|강원|충남|전북|전남|경북|"
                       r"경남|제주|"
                       r""
                       r"판교|성수동|강남|수원|천안|충북|청주|충주|제천|음성|진천|괴산|보은|옥천|영동|증평|"
                       r"단양|오창|오송)[^\s]{0,3}\s*(?:에\s*)?(?:사는|살고|거주|있는|회사|소재|사람|기업|"
                       r"법인|업체)")
_EN_PLACES = {"seoul": "서울", "gyeonggi": "경기", "incheon": "인천", "pangyo": "판교",
              "gangnam": "강남", "suwon": "수원", "busan": "부산", "daegu": "대구",
              "daejeon": "대전", "gwangju": "광주", "ulsan": "울산", "sejong": "세종",
              "cheonan": "천안",
              "chungbuk": "충북", "cheongju": "청주", "chungju": "충주", "jecheon": "제천",
              "ochang": "오창", "osong": "오송", "jincheon": "진천", "eumseong": "음성"}
_Q_EN_REGION = re.compile(r"(?:based|located|live|living|lives|registered|headquartered|office|"
                          r"company is|we are|i am|i'm)\s+(?:in|at)\s+(" + "|".join(_EN_PLACES) +
                          r")\b", re.I)
CHUNGBUK = frozenset({"충북", "청주", "충주", "제천", "음성", "진천", "괴산", "보은", "옥천",
                      "영동", "증평", "단양", "오창", "오송"})


def won(text: str) -> float | None:
    """"4천만원" -> 40000000, "1억 5천" -> 150000000, "5,000만원" -> 50000000."""
    total, found = 0.0, False
    for number, unit in re.findall(r"([\d.,]+)\s*(조|억|천만|백만|천|만)?", text):
        number = number.replace(",", "").strip(".")
        if not number:
            continue
        value = float(number)
        scale = {"조": 1e12, "억": 1e8, "천만": 1e7, "백만": 1e6, "천": 1e7 if total >= 1e8
                 else 1e3, "만": 1e4, "": 1.0}[unit or ""]
        if unit == "천" and total >= 1e8:
            scale = 1e7  # "1억 5천" = 1억 5천만
        total += value * scale
        found = True
    return total if found else None


def founder_from_question(question: str, year: int | None = None) -> Founder:
    """`year` (today's) turns a birth year into an age."""
    base = _founder_core(question)
    extra: dict[str, object] = {}
    birth = _Q_BIRTH.search(question)
    if birth:
        if birth.group(3):  # "87년생" -> 1987, "01년생" -> 2001
            short = int(birth.group(3))
            extra["birth_year"] = short + (2000 if year and 2000 + short <= year else 1900)
        else:
            extra["birth_year"] = int(birth.group(1) or birth.group(2))
        if base.age is None and year is not None:
            extra["age"] = year - int(extra["birth_year"])  # type: ignore[arg-type]
    founded = _Q_FOUNDED.search(question) or _Q_FOUNDED_DATE.search(question)
    if founded:
        when = int(founded.group(1))
        extra["founded"] = (when + 2000 if when < 100 else when, int(founded.group(2)))
        if founded.re is _Q_FOUNDED and founded.group(3):
            extra["founded_day"] = int(founded.group(3))
        extra["registered"] = True
    elif (year is not None and base.years is None
          and (only := _Q_FOUNDED_YEAR.search(question) or _Q_EN_FOUNDED.search(question))
          and 0 <= year - int(only.group(1)) <= 50):  # years in business, by calendar years
        extra["years"] = float(year - int(only.group(1)))
        extra["founded_year"] = int(only.group(1))
        extra["registered"] = True
    closed = _Q_CLOSED.search(question)
    if closed:
        extra["closed_years"] = float(closed.group(1))
        if base.years is not None and base.years == float(closed.group(1)):
            extra["years"] = None
    if _Q_NO_DEGREE.search(question):
        extra["degree"] = False
    invested = _Q_INVESTED.search(question)
    if invested:
        extra["invested"] = won(invested.group(1) or invested.group(2))
    sales = _Q_SALES.search(question)
    if sales:
        extra["sales"] = won(sales.group(1))
    members = _Q_MEMBERS.search(question)
    if members:
        extra["members"] = int(members.group(1))
    region = _Q_REGION.search(question)
    english = _Q_EN_REGION.search(question)
    if region:
        extra["region"] = region.group(1)
    elif english:
        extra["region"] = _EN_PLACES[english.group(1).lower()]
    values = own_values(question)
    if values:
        extra["values"] = values
    if not extra:
        return base
    fields = {**base.__dict__, **extra}
    return Founder(**fields)  # type: ignore[arg-type]


def _founder_core(question: str) -> Founder:
    """The founder's own numbers in a question (None where the question says nothing)."""
    age, decade = None, False
    question = _Q_BIRTH.sub(" ", question)
    match = _Q_AGE.search(question) or _Q_BARE_AGE.search(question)
    native = _Q_NATIVE_AGE.search(question)
    if match:
        age = int(next(g for g in match.groups() if g))
    elif native:
        age = _TENS[native.group(1)] + _UNITS.get(native.group(2) or "", 0)
    else:
        dec = _Q_DECADE.search(question)
        if dec and dec.group(1) in "23456789":
            age, decade = int(dec.group(1)) * 10, True
    years = None
    ym = _Q_YEARS.search(question)
    if ym:
        years = float(next(g for g in ym.groups() if g))
        if years > 50:  # a calendar year, not years in business
            years = None
        part = _Q_PART_YEAR.match(question, ym.end())
        if years is not None and part:  # "2년 6개월", "1년 반"
            years += 0.5 if part.group(1) is None else int(part.group(1)) / 12
    registered = None
    if _Q_UNREGISTERED.search(question):
        registered = False
    elif _Q_REGISTERED.search(question) or years is not None:
        registered = True
    if age is not None and not 15 <= age <= 99:
        age = None
    return Founder(age=age, age_decade=decade, years=years, registered=registered)


_AGE_RANGE = re.compile(r"(\d{2})\s*[~–-]\s*(\d{2})\s*세")
_BORN_AFTER = re.compile(r"((?:19|20)\d{2})\s*년\s*\d{1,2}\s*월\s*\d{1,2}\s*일\s*이후\s*출생")
_DATE_WINDOW = re.compile(r"((?:19|20)\d{2})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일\s*부터\s*"
                          r"((?:19|20)\d{2})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})?")
_RESIDENT = re.compile(r"충북\s*(?:도내|지역)?에\s*(?:사는|거주|소재|있는)"
                       r"|도내에\s*(?:사는|거주|사업장|본사|소재)|충북\s*소재"
                       r"|충북\s*도내\s*(?:기업|업체|사업장|창업기업)")
# "비수도권에 있는 기업이면 지원할 수 있었다": outside the capital area only
_NON_CAPITAL = re.compile(r"비수도권(?:에\s*(?:있는|소재한?|본사를\s*둔)"
                          r"|\s*(?:소재\s*)?기업(?:이면|만|을\s*대상|이\s*대상))")
# "예비 재창업자이거나 …": a founder not yet registered qualifies
_PRE_FOUNDER = re.compile(r"예비\s*재?창업자(?:이거나|도|를\s*대상|이면|또는|가\s*대상|\s*또는)")
_CLOSED_RULE = re.compile(r"폐업\s*후[^.]{0,40}?(\d+)\s*년")
_DEGREE_RULE = re.compile(r"학사\s*이상")
_MONEY_RULE = re.compile(r"(투자|매출)[^.]{0,40}?([\d.,]+\s*(?:조|억|천만|만)\s*원)\s*(이상|이하|"
                         r"미만|"
                         r"초과)")
_COUNT_RULE = re.compile(r"(\d+)\s*(?:인|명)\s*(이하|이상|미만|이내|초과)")


def _compare(value: float, limit: float, how: str) -> bool:
    return {"이상": value >= limit, "초과": value > limit, "이하": value <= limit,
            "이내": value <= limit, "미만": value < limit}[how]


def judge(sentence: str, founder: Founder) -> Ruling | None:
    """The verdict a rule sentence gives for this founder (no if any rule it states fails),
    or None if it states no rule that applies to what the founder told."""
    if in_scope(sentence, founder) is False:
        return None  # a rule for other founders ("비수도권 기업은 …" to a Seoul company)
    rulings = [r for r in _rulings(sentence, founder) if r is not None]
    if not rulings:
        return None
    failed = [r for r in rulings if r.verdict == "no"]
    return failed[0] if failed else rulings[0]


def _rulings(sentence: str, founder: Founder):
    if founder.age is not None:
        yield _age(sentence, founder)
    if founder.birth_year is not None:
        after = _BORN_AFTER.search(sentence)
        if after:
            yield Ruling("yes" if founder.birth_year > int(after.group(1)) else "no", "age")
    if founder.founded is not None:
        window = _DATE_WINDOW.search(sentence)
        if window:
            start = (int(window.group(1)), int(window.group(2)), int(window.group(3)))
            end = (int(window.group(4)), int(window.group(5)), int(window.group(6) or 31))
            day = founder.founded_day
            # without the founder's day, a founding in the window's first or last month counts
            when = (*founder.founded, day) if day is not None else None
            inside = (start <= when <= end) if when is not None else (
                start[:2] <= founder.founded <= end[:2])
            yield Ruling("yes" if inside else "no", "founded")
    if founder.years is not None:
        yield _years(sentence, founder.years)
    if founder.closed_years is not None:
        rule = _CLOSED_RULE.search(sentence)
        if rule:
            yield Ruling("yes" if founder.closed_years >= int(rule.group(1)) else "no", "closed")
    if founder.region is not None and _RESIDENT.search(sentence):
        yield Ruling("yes" if founder.region in CHUNGBUK else "no", "region")
    elif founder.region is not None and _NON_CAPITAL.search(sentence):
        yield Ruling("no" if founder.region in CAPITAL_AREA else "yes", "region")
    if founder.registered is False and _PRE_FOUNDER.search(sentence):
        yield Ruling("yes", "registration")
    for ok, _what in compare(sentence, founder.values):
        yield Ruling("yes" if ok else "no", "measure")
    if founder.degree is False and _DEGREE_RULE.search(sentence):
        yield Ruling("no", "degree")
    money = _MONEY_RULE.findall(sentence)
    for what, amount, how in money:
        value = founder.invested if what == "투자" else founder.sales
        limit = won(amount)
        if value is not None and limit is not None:
            yield Ruling("yes" if _compare(value, limit, how) else "no", what)
    floor = None if money else _MONEY_FLOOR.search(sentence)
    sums = _SUM.findall(sentence[floor.end():]) if floor else []
    if floor and sums:
        value = founder.invested if floor.group(1) == "투자" else founder.sales
        limit = won(sums[-1])
        if value is not None and limit is not None:
            yield Ruling("yes" if value >= limit else "no", floor.group(1))
    if founder.members is not None:
        rule = _COUNT_RULE.search(sentence)
        if rule:
            ok = _compare(founder.members, int(rule.group(1)), rule.group(2))
            yield Ruling("yes" if ok else "no", "members")
    if founder.registered is True and _UNREGISTERED.search(sentence):
        yield Ruling("no", "registration")


def _age(sentence: str, founder: Founder) -> Ruling | None:
    assert founder.age is not None
    oldest = founder.age + (9 if founder.age_decade else 0)
    if _AGE_NONE.search(sentence):
        return Ruling("yes", "age")
    span = _AGE_RANGE.search(sentence)
    if span:
        lo, hi = int(span.group(1)), int(span.group(2))
        return Ruling("yes" if lo <= founder.age and oldest <= hi else "no", "age")
    top = _AGE_MAX.search(sentence)
    if top:
        limit = int(top.group(1)) - (1 if top.group(2) == "미만" else 0)
        low = _AGE_MIN.search(sentence)
        if low and low.start() < top.start():  # "19세 이상 39세 이하"
            floor = int(low.group(1)) + (1 if low.group(2) == "초과" else 0)
            return Ruling("yes" if floor <= founder.age and oldest <= limit else "no", "age")
        return Ruling("yes" if founder.age <= limit else "no", "age")
    low = _AGE_MIN.search(sentence)
    if low:
        limit = int(low.group(1)) + (1 if low.group(2) == "초과" else 0)
        return Ruling("yes" if oldest >= limit else "no", "age")
    return None


def _years(sentence: str, years: float) -> Ruling | None:
    window = _YEARS_WINDOW.search(sentence) or _YEARS_AFTER.search(sentence)
    if window:
        lo, hi = int(window.group(1)), int(window.group(2))
        return Ruling("yes" if lo < years <= hi else "no", "years")
    span = _YEARS_SPAN.search(sentence)
    if span:
        lo, hi = int(span.group(1)), int(span.group(2))
        top_ok = years < hi if span.group(3) == "미만" else years <= hi
        return Ruling("yes" if lo <= years and top_ok else "no", "years")
    top = _YEARS_MAX.search(sentence)
    if top:
        numbers = [g for g in top.groups() if g and g.isdigit()]
        how = next((g for g in top.groups() if g in ("이내", "이하", "미만", "까지")), "이내")
        limit = int(numbers[0])
        return Ruling("yes" if _compare(years, limit, "이내" if how == "까지" else how)
                      else "no", "years")
    return None


def in_scope(sentence: str, founder: Founder) -> bool | None:
    """Whether a rule meant for some founders only ("비수도권 기업은 …") covers this founder:
    None when the sentence names no such group or the founder's region is unknown."""
    scope = _SCOPE.search(sentence)
    if not scope or founder.region is None:
        return None
    group = re.sub(r"\s+", "", scope.group(1))
    capital = founder.region in CAPITAL_AREA
    if group == "수도권":
        return capital
    if group in ("비수도권", "지방"):
        return not capital
    return founder.region in CHUNGBUK


def states_rule(sentence: str) -> bool:
    """Whether a sentence states any eligibility rule this module can read."""
    return any(p.search(sentence) for p in (
        _AGE_MAX, _AGE_MIN, _AGE_NONE, _AGE_RANGE, _YEARS_WINDOW, _YEARS_AFTER, _YEARS_MAX,
        _UNREGISTERED, _BORN_AFTER, _DATE_WINDOW, _RESIDENT, _CLOSED_RULE, _DEGREE_RULE,
        _MONEY_RULE, _COUNT_RULE, _YEARS_SPAN, _MONEY_FLOOR))


def rule_words(founder: Founder) -> list[str]:
    """The words the documents write a rule in, for what the founder told ("나이" -> "연령 세
    이하 대상"): a search for the programme's rule when the first passages state none."""
    words: list[str] = []
    if founder.age is not None or founder.birth_year is not None:
        words += ["연령", "세", "이하", "대상"]
    if founder.years is not None or founder.founded is not None:
        words += ["업력", "창업", "년", "이내", "대상"]
    if founder.registered is not None and founder.years is None and founder.founded is None:
        words += ["예비창업자", "사업자등록", "대상"]
    if founder.region is not None:
        words += ["도내", "소재", "대상"]
    if founder.invested is not None or founder.sales is not None:
        words += ["투자", "매출", "요건", "이상"]
    if founder.closed_years is not None:
        words += ["폐업", "재창업", "년"]
    if founder.degree is not None:
        words += ["학위", "학사", "대상"]
    if founder.members is not None:
        words += ["조합원", "인", "이하"]
    return list(dict.fromkeys(words))
