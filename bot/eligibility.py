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

from bot.founder import Founder, won
from bot.measures import compare
from bot.regions import in_capital_area, in_chungbuk, province, provinces_named

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
_UNREGISTERED = re.compile(r"사업자\s*등록(?:이나|이나\s*법인\s*설립|\s*또는)?[^.]{0,20}"
                           r"하지\s*않은|예비\s*창업자(?:를|만)\s*(?:대상|위한|위해)")



# rules that read two of the founder's figures together (a rate and the sum it applies to,
# a part and its whole, a sum and what it is a multiple of)
SPECIFIC_RULES = frozenset({"band", "band_fit", "share", "multiple", "ratio"})
# rulings that say a sentence fits the founder's figures, not whether they qualify
FIT_ONLY = frozenset({"band_fit"})


@dataclass(frozen=True)
class Ruling:
    verdict: Verdict
    rule: str  # what kind of rule decided: age / years / registration
    checked: int = 1  # how many of the founder's facts the sentence's rules checked



_AGE_RANGE = re.compile(r"(\d{2})\s*[~–-]\s*(\d{2})\s*세")
_BORN_AFTER = re.compile(r"((?:19|20)\d{2})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일\s*"
                         r"(?:이후|부터)\s*(?:출생|태어난|출생한|출생자)")
_DATE_WINDOW = re.compile(r"((?:19|20)\d{2})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일\s*부터\s*"
                          r"((?:19|20)\d{2})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})?")
_RESIDENT = re.compile(r"충북\s*(?:도내|지역)?에\s*(?:사는|거주|소재|있는)"
                       r"|도내에\s*(?:사는|거주|사업장|본사|소재)|충북\s*소재"
                       r"|충북\s*도내\s*(?:기업|업체|사업장|창업기업)")
# "비수도권에 있는 기업이면 지원할 수 있었다": outside the capital area only
_NON_CAPITAL = re.compile(r"비수도권(?:에\s*(?:있는|소재한?|본사를\s*둔)"
                          r"|\s*(?:소재\s*)?기업(?:이면|만|을\s*대상|이\s*대상))")
_LEFT_OUT = re.compile(r"([가-힣·,\s]{2,30}?)(?:을|를)?\s*(?:제외한|뺀)\s*비수도권")
# "예비 재창업자이거나 …": a founder not yet registered qualifies
_PRE_FOUNDER = re.compile(r"예비\s*재?창업자(?:이거나|도|를\s*대상|이면|또는|가\s*대상|\s*또는)")
# "폐업 후 … 3년", not "폐업 후 … 2015년에 도입된"
_CLOSED_RULE = re.compile(r"폐업\s*후[^.]{0,40}?(?<!\d)(\d{1,2})\s*년(?!\s*(?:에|도|부터))")
_DEGREE_RULE = re.compile(r"학사\s*이상")
# who may apply are re-founders: "대상은 예비 재창업자이거나 재창업한 지 …", "재창업기업을 대상"
_RESTART_RULE = re.compile(r"(?:대상|신청\s*대상)(?:은|는)\s*(?:예비\s*)?재창업"
                           r"|재창업(?:기업|자)(?:을|를)\s*대상")
_MONEY_RULE = re.compile(r"(투자|매출)[^.]{0,40}?([\d.,]+\s*(?:조|억|천만|만)\s*원)\s*(이상|이하|"
                         r"미만|"
                         r"초과)")
# Only small and medium firms: "지원 대상은 중소기업기본법에 따른 중소기업이며".
_SME_ONLY = re.compile(r"대상은[^.]{0,30}?중소기업(?:이며|이다|이고|으로|만|에\s*한)")
# How often one company may use it: "기업당 1회", "연 2회까지", "3회를 넘게 지원받은 기업은 … 없다".
_TIMES_RULE = re.compile(r"기업당\s*(?:연\s*)?(\d+)\s*회"
                         r"|(\d+)\s*회\s*(?:까지|만|이내|이하|로\s*제한)|(\d+)\s*회를?\s*(?:넘게|초과)")
# For foreigners only: "외국인 대상", "외국인이나 재외동포 가운데".
_FOREIGN_ONLY = re.compile(r"외국인(?:이나\s*재외동포)?\s*"
                           r"(?:대상|가운데|만|을\s*대상|창업자를\s*대상)")
# A ceiling per company: "업체당 지원 한도는 연 1,500만원", "기업당 최대 500만원".
_CEILING_RULE = re.compile(r"(?:업체당|기업당|팀당|1인당)[^.]{0,12}?(?:한도(?:는|가)?|최대)\s*"
                           r"(?:연\s*)?([\d.,]+\s*(?:억|천만|백만|만)\s*원)")
_AT_MOST = re.compile(r"(?:연\s*)?최대\s*([\d.,]+\s*(?:억|천만|백만|만)\s*원)|"
                      r"([\d.,]+\s*(?:억|천만|백만|만)\s*원)\s*한도")
# the investment a company must have against its capital
_CAPITAL_RATIO = re.compile(r"자본금\s*대비\s*투자\s*비율(?:이|은)?\s*(?:기준은\s*)?"
                            r"(\d+(?:\.\d+)?)\s*%")
# how long a certificate holds: "유효기간은 3년", "유효기간은 2년에서 3년으로"
_VALID_FOR = re.compile(r"유효\s*기간[은는이]?\s*(?:최대\s*)?(\d+)\s*년(?:에서\s*(\d+)\s*년으로)?")
_INVESTED_ONLY = re.compile(r"투자\s*(?:실적|유치\s*실적)이\s*있는|"
                            r"투자를\s*(?:받은|유치한)\s*(?:기업|창업기업)")
# Excluded: "… 최대주주인 사람, … 폐업한 사람 등을 제외", "체납한 기업은 신청할 수 없다".
_EXCLUDED = re.compile(r"제외|신청할\s*수\s*없|지원(?:받을|할)\s*수\s*없|대상이\s*아니|안\s*된다")
_CLOSED_WINDOW = re.compile(r"(\d+)\s*개월\s*(?:안|이내)에\s*폐업한")
# when applications were taken: "접수 마감일은 2월 21일", "2월 15일부터 2월 29일까지 접수",
# "접수 기간은 2026년 1월 6일부터 1월 27일까지"
_DAY = r"(?:((?:19|20)\d{2})\s*년\s*)?(\d{1,2})\s*월\s*(\d{1,2})\s*일"
_FROM = r"\s*(?:부터|~|–|-)\s*"
_INTAKE_WINDOW = re.compile(_DAY + _FROM + _DAY + r"\s*까지\s*(?:접수|신청|모집)|"
                            r"(?:접수|신청|모집)\s*기간(?:은|이)?\s*" + _DAY + _FROM + _DAY
                            + r"\s*까지")
_INTAKE_CLOSES = re.compile(r"(?:접수|신청|모집)\s*마감(?:일)?(?:은|이)?\s*" + _DAY)
_COUNT_RULE = re.compile(r"(\d+)\s*(?:인|명)\s*(이하|이상|미만|이내|초과)")


# a share of a whole a rule sets: "총구매액의 8% 이상", "전체 매출의 50% 이상"
_SHARE_RULE = re.compile(r"(?:총\s*[가-힣]*액|전체\s*[가-힣]*)의\s*(\d+(?:\.\d+)?)\s*%\s*"
                         r"(이상|이하|미만|초과|이내)")
# a multiple of what was invested: "매칭 비율은 엔젤투자금의 1~2.5배", "투자금의 최대 2배"
_MULTIPLE_SPAN = re.compile(r"(\d+(?:\.\d+)?)\s*[~–-]\s*(\d+(?:\.\d+)?)\s*배")
_MULTIPLE_MAX = re.compile(r"(?:최대|까지)\s*(\d+(?:\.\d+)?)\s*배|(\d+(?:\.\d+)?)\s*배\s*"
                           r"(?:까지|이내|이하|한도)")


# one band of a table of rates: "3억원 이하인 기업은 …90%를", "3억~10억원인 기업은 80%를",
# "3,000만원 초과 5,000만원 이하 부분은 70%", "5,000만원 초과 부분은 30%"
_WON = r"[\d.,]+\s*(?:조|억|천만|백만|만)\s*원?"
_BAND_RANGE = re.compile(r"(" + _WON + r")\s*[~–-]\s*(" + _WON + r")")
_BAND_BETWEEN = re.compile(r"(" + _WON + r")\s*초과\s*(" + _WON + r")\s*(?:이하|까지)")
_BAND_TOP = re.compile(r"(" + _WON + r")\s*(이하|미만|까지)")
_BAND_FLOOR = re.compile(r"(" + _WON + r")\s*(초과|이상)")
_RATE = re.compile(r"(\d+(?:\.\d+)?)\s*%")


@dataclass(frozen=True)
class _Band:
    low: float  # exclusive
    high: float  # inclusive
    rate: float


def rate_bands(sentence: str) -> list[_Band]:
    """A table of rates by sum the sentence states, band by band (at least two), or []: each
    rate's band is read from the words between it and the rate before."""
    bands, start = [], 0
    for rate in _RATE.finditer(sentence):
        words = sentence[start:rate.start()]
        start = rate.end()
        between = _BAND_BETWEEN.search(words)
        span = None if between else _BAND_RANGE.search(words)
        top = None if between or span else _BAND_TOP.search(words)
        floor = None if between or span or top else _BAND_FLOOR.search(words)
        if between or span:
            found = between or span
            assert found is not None
            low, high = won(found.group(1)), won(found.group(2))
        elif top:
            low, high = 0.0, won(top.group(1))
        elif floor:
            low, high = won(floor.group(1)), float("inf")
        else:
            continue
        if low is not None and high is not None and low < high:
            bands.append(_Band(low, high, float(rate.group(1))))
    return bands if len(bands) >= 2 else []


def _band_of(bands: list[_Band], value: float) -> _Band | None:
    """The band of a table of rates the founder's sum falls in (for a table of parts, the
    band of its top part)."""
    return next((b for b in bands if b.low < value <= b.high), None)


def _band_ruling(sentence: str, bands: list[_Band], value: float, claimed: float,
                 above: float | None) -> Ruling | None:
    """The founder's claimed rate against the band their sum falls in ("매출 30억인데 70%
    내줬어요?" and "10억~50억원인 기업은 70%"). For a table of parts ("… 이하 부분은 100%,
    … 초과 부분은 30%"), every part of the sum asked about must have the claimed rate: the
    whole sum, or the part above the line the founder names ("5천 넘는 3천만원도 70%?")."""
    if "부분" in sentence:
        lower = above if above is not None and above < value else 0.0
        parts = [b for b in bands if b.low < value and b.high > lower]
        if not parts:
            return None
        return Ruling("yes" if all(b.rate == claimed for b in parts) else "no", "band")
    band = _band_of(bands, value)
    if band is None:
        return None
    return Ruling("yes" if band.rate == claimed else "no", "band")


# "총사업비의 70% 이내에서": the sum given is also capped by a share of the founder's budget
_SHARE_CAP = re.compile(r"사업비의\s*(\d{1,3})\s*%\s*(?:이내|이하|까지)")


def capped_by_budget(limit: float, sentence: str, budget: float | None) -> float:
    """The sum a rule gives at most, also capped by the share of the founder's budget it
    allows ("총사업비의 70% 이내에서 최대 1억원" and a budget of 1억 2천: 8,400만원)."""
    share = _SHARE_CAP.search(sentence) if budget else None
    if share is None or not budget:
        return limit
    return min(limit, float(share.group(1)) / 100 * budget)


def _own_ceiling(sentence: str, asked_of: str) -> re.Match[str] | None:
    """The ceiling of what the founder asks about, when a sentence gives several ("스케일업
    팁스는 최대 30억원, 글로벌 팁스는 최대 60억원" to "글로벌 팁스로 50억까지"): the one that a
    word of the founder's, found before it and not before the others, is nearest to; else the
    first. A ceiling it changed from ("최대 5억원에서 최대 8억원으로") is not the ceiling now."""
    found = [m for m in _AT_MOST.finditer(sentence)
             if not re.match(r"\s*(?:에서|→)", sentence[m.end():])]
    if len(found) <= 1:
        return found[0] if found else None
    words = {re.sub(r"(?:으로|에서|로|은|는|이|가|을|를|에|의|도)$", "", w)
             for w in re.findall(r"[가-힣A-Za-z]{2,}", asked_of.lower())}
    words = {w for w in words if len(w) >= 2}
    starts = [0] + [m.end() for m in found[:-1]]
    segments = [sentence[start:m.start()].lower() for start, m in zip(starts, found, strict=True)]
    best, nearest = None, None
    for match, segment in zip(found, segments, strict=True):
        own = [w for w in words if w in segment and sum(w in other for other in segments) == 1]
        if own:
            distance = min(len(segment) - segment.rindex(w) for w in own)
            if nearest is None or distance < nearest:
                best, nearest = match, distance
    return best or found[0]


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
    decided = failed[0] if failed else rulings[0]
    return Ruling(decided.verdict, decided.rule, len(rulings))


def _rulings(sentence: str, founder: Founder):
    after = _BORN_AFTER.search(sentence) if founder.birth_year is not None else None
    if founder.age is not None and after is None:
        # an age counted from a birth year is a year off either way; a birth-date limit in
        # the same rule ("39세 이하(1984년 1월 16일 이후 출생)") decides instead
        yield _age(sentence, founder)
    if founder.birth_year is not None and after:
        limit = (int(after.group(1)), int(after.group(2)), int(after.group(3)))
        if founder.birth_year != limit[0]:
            yield Ruling("yes" if founder.birth_year > limit[0] else "no", "born")
        elif founder.birth_md is not None:  # born in the limit's year: the day decides
            month, day = founder.birth_md
            born = (founder.birth_year, month, day or (1 if month > limit[1] else 31))
            yield Ruling("yes" if born >= limit else "no", "born")
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
        yield Ruling("yes" if in_chungbuk(founder.region) else "no", "region")
    elif founder.region is not None and _NON_CAPITAL.search(sentence):
        # "강원을 제외한 비수도권": outside the capital area, but not in the provinces left out
        left_out = _LEFT_OUT.search(sentence)
        outside = not in_capital_area(founder.region) and not (
            left_out and province(founder.region) in provinces_named(left_out.group(1)))
        yield Ruling("yes" if outside else "no", "region")
    if founder.registered is False and _PRE_FOUNDER.search(sentence):
        yield Ruling("yes", "registration")
    for ok, _what in compare(sentence, founder.values):
        yield Ruling("yes" if ok else "no", "measure")
    if founder.restarted is False and _RESTART_RULE.search(sentence):
        yield Ruling("no", "restart")  # a rule for re-founders, told by a first-time founder
    if founder.degree is not None and _DEGREE_RULE.search(sentence):
        yield Ruling("yes" if founder.degree else "no", "degree")
    # a table of rates by sales ("매출액이 3억원 이하인 기업은 … 90%를, …") sets no minimum
    bands = rate_bands(sentence)
    money = [] if bands else _MONEY_RULE.findall(sentence)
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
    if founder.foreign is not None and _FOREIGN_ONLY.search(sentence):
        yield Ruling("yes" if founder.foreign else "no", "nationality")
    if founder.requested is not None:
        # "업체당 최대 …", else a sum the programme gives at most ("연 최대 2억원", "5억원 한도")
        ceiling = _CEILING_RULE.search(sentence) or _own_ceiling(sentence, founder.requested_of)
        limit = won(next(g for g in ceiling.groups() if g)) if ceiling else None
        if limit is not None:
            limit = capped_by_budget(limit, sentence, founder.budget)
            yield Ruling("yes" if founder.requested <= limit else "no", "ceiling")
    if founder.submitted is not None:
        yield _submission(sentence, founder.submitted)
    if founder.invested and founder.capital:
        ratio = _CAPITAL_RATIO.search(sentence)
        if ratio:  # "자본금 대비 투자 비율이 10% 이상", "… 비율 기준은 7%이다"
            share = 100 * founder.invested / founder.capital
            yield Ruling("yes" if share >= float(ratio.group(1)) else "no", "ratio")
    value = founder.sales if "매출" in sentence else founder.invested
    if bands and value is not None and founder.percent is not None:
        yield _band_ruling(sentence, bands, value, founder.percent, founder.above)
    elif bands and value is not None and _band_of(bands, value) is not None:
        # no rate claimed ("매출 3억 안 되면 보조율 몇 %?"): the table fits the founder's sum,
        # which picks the sentence for a figure asked but is no verdict (FIT_ONLY)
        yield Ruling("yes", "band_fit")
    if founder.share is not None:
        rule = _SHARE_RULE.search(sentence)
        if rule:  # "총구매 200억 중에 16억" against "총구매액의 8% 이상"
            ok = _compare(founder.share, float(rule.group(1)), rule.group(2))
            yield Ruling("yes" if ok else "no", "share")
    if founder.invested and founder.requested is not None:
        multiple = founder.requested / founder.invested  # "엔젤 3천에 매칭 7천5백": 2.5배
        span = _MULTIPLE_SPAN.search(sentence)
        top = None if span else _MULTIPLE_MAX.search(sentence)
        if span:
            ok = float(span.group(1)) <= round(multiple, 3) <= float(span.group(2))
            yield Ruling("yes" if ok else "no", "multiple")
        elif top:
            ok = round(multiple, 3) <= float(top.group(1) or top.group(2))
            yield Ruling("yes" if ok else "no", "multiple")
    if founder.held_years is not None:
        valid = _VALID_FOR.search(sentence)
        if valid:  # "유효기간은 2년에서 3년으로 늘었다": the last number is the period now
            years = int(valid.group(2) or valid.group(1))
            yield Ruling("yes" if founder.held_years < years else "no", "validity")
    if founder.invested == 0 and _INVESTED_ONLY.search(sentence):
        yield Ruling("no", "investment")  # "투자 실적이 있는 … 기업" to one with none yet
    if founder.statuses and _EXCLUDED.search(sentence):
        flat_sentence = re.sub(r"\s+", "", sentence)
        if any(status in flat_sentence for status in founder.statuses):
            yield Ruling("no", "excluded")
    if founder.closed_months is not None:
        window = _CLOSED_WINDOW.search(sentence)
        if window and _EXCLUDED.search(sentence):
            inside = founder.closed_months < int(window.group(1))
            yield Ruling("no" if inside else "yes", "closed")
    if founder.size is not None and _SME_ONLY.search(sentence):
        yield Ruling("yes" if founder.size == "중소" else "no", "size")
    if founder.times is not None:
        rule = _TIMES_RULE.search(sentence)
        if rule:
            limit = int(next(g for g in rule.groups() if g))
            yield Ruling("yes" if founder.times <= limit else "no", "times")
    if founder.registered is False and founder.years is None and not _PRE_FOUNDER.search(
            sentence) and (_YEARS_MAX.search(sentence) or _YEARS_WINDOW.search(sentence)
                           or _YEARS_SPAN.search(sentence)):
        # "창업 3년 이내 기업" is for companies: a founder not yet registered is not one
        yield Ruling("no", "registration")
    if founder.registered is True and _UNREGISTERED.search(sentence):
        yield Ruling("no", "registration")


def _submission(sentence: str, told: tuple[int, int, int]) -> Ruling | None:
    """Whether the day the founder applied falls in the intake the sentence states ("2월 25일에
    냈으면 접수 됐어요?" against "접수 마감일은 2월 21일"). Days compare by month and day unless
    both name a year."""
    window = _INTAKE_WINDOW.search(sentence)
    closes = None if window else _INTAKE_CLOSES.search(sentence)
    if window is None and closes is None:
        return None
    groups = list((window or closes).groups())
    days = [tuple(int(x) if x else 0 for x in groups[i:i + 3]) for i in range(0, len(groups), 3)]
    days = [d for d in days if d[1]]
    year = next((d[0] for d in days if d[0]), 0)
    days = [(d[0] or year, d[1], d[2]) for d in days]
    by_year = bool(told[0] and year)
    key = (lambda d: d) if by_year else (lambda d: d[1:])
    day = key(told)
    start, end = (days[0], days[-1]) if window else (None, days[-1])
    inside = day <= key(end) and (start is None or key(start) <= day)
    return Ruling("yes" if inside else "no", "submitted")


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
    capital = in_capital_area(founder.region)
    if group == "수도권":
        return capital
    if group in ("비수도권", "지방"):
        return not capital
    return in_chungbuk(founder.region)


def states_rule(sentence: str) -> bool:
    """Whether a sentence states any eligibility rule this module can read."""
    return any(p.search(sentence) for p in (
        _AGE_MAX, _AGE_MIN, _AGE_NONE, _AGE_RANGE, _YEARS_WINDOW, _YEARS_AFTER, _YEARS_MAX,
        _UNREGISTERED, _BORN_AFTER, _DATE_WINDOW, _RESIDENT, _CLOSED_RULE, _DEGREE_RULE,
        _MONEY_RULE, _COUNT_RULE, _YEARS_SPAN, _MONEY_FLOOR, _SME_ONLY, _TIMES_RULE,
        _FOREIGN_ONLY, _CEILING_RULE, _CLOSED_WINDOW, _SHARE_RULE, _MULTIPLE_SPAN))


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
    if founder.size is not None:
        words += ["지원", "대상", "중소기업"]
    if founder.times is not None:
        words += ["기업당", "회", "지원"]
    if founder.foreign is not None:
        words += ["외국인", "대상"]
    if founder.requested is not None:
        words += ["업체당", "지원", "한도"]
    if founder.share is not None:
        words += ["총구매액", "이상", "구매"]
    if founder.statuses or founder.closed_months is not None:
        words += [*founder.statuses, "제외", "폐업"]
    return list(dict.fromkeys(words))
