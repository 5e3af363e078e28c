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

Verdict = Literal["yes", "no"]

_AGE_MAX = re.compile(r"(?:만\s*)?(\d{2})\s*세\s*(이하|미만)")
_AGE_MIN = re.compile(r"(?:만\s*)?(\d{2})\s*세\s*(이상|초과)")
_AGE_NONE = re.compile(r"연령\s*제한(?:을|이)?\s*(?:없|폐지|두지\s*않)|모든\s*연령")
_YEARS_WINDOW = re.compile(r"(\d+)\s*년\s*초과\s*(\d+)\s*년\s*(이내|이하|미만)")
_YEARS_AFTER = re.compile(r"(\d+)\s*년이\s*지났지만\s*(\d+)\s*년은\s*넘지\s*않은")
_YEARS_MAX = re.compile(r"(?:창업|업력|설립|창업한\s*지)\s*(?:후\s*)?(\d+)\s*년\s*(이내|이하|미만)"
                        r"|(\d+)\s*년이\s*지나지\s*않은")
_UNREGISTERED = re.compile(r"사업자\s*등록(?:이나|이나\s*법인\s*설립|\s*또는)?[^.]{0,20}"
                           r"하지\s*않은|예비\s*창업자(?:를|만)\s*대상")


@dataclass(frozen=True)
class Founder:
    """What the founder said about themselves."""

    age: int | None = None
    age_decade: bool = False  # "40대": age is the decade's first year
    years: float | None = None  # years since founding
    registered: bool | None = None

    @property
    def empty(self) -> bool:
        return self.age is None and self.years is None and self.registered is None


@dataclass(frozen=True)
class Ruling:
    verdict: Verdict
    rule: str  # what kind of rule decided: age / years / registration


_Q_AGE = re.compile(r"(?:만\s*)?(\d{2})\s*(?:살|세)(?!\s*(?:이하|이상|미만|초과|까지))"
                    r"|(?:i'?m|i am|aged?)\s*(\d{2})\b|\b(\d{2})\s*(?:years?\s*old|yo)\b", re.I)
_Q_DECADE = re.compile(r"(\d)0\s*대")
_Q_YEARS = re.compile(r"(?:창업|설립|개업|업력|사업)[^\d]{0,6}(\d+)\s*년\s*(?:차|째|됐|되었|된|지났|이)?"
                      r"|(\d+)\s*년\s*(?:차|째)|(\d+)\s*년\s*(?:된|됐|되었)"
                      r"|(\d+)\s*years?\s*(?:old|since|ago|in business)", re.I)
_Q_UNREGISTERED = re.compile(r"사업자\s*(?:등록)?\s*(?:을|도|은)?\s*(?:안|없|아직|전)"
                             r"|예비\s*창업자(?:인데|예요|이에요|입니다)|not\s+registered", re.I)
_Q_REGISTERED = re.compile(r"(?:사업자\s*(?:등록)?\s*(?:했|있|을\s*냈|냈)|법인\s*(?:인데|이에요|입니다|대표))"
                           r"|registered|incorporated", re.I)


def founder_from_question(question: str) -> Founder:
    """The founder's own numbers in a question (None where the question says nothing)."""
    age, decade = None, False
    match = _Q_AGE.search(question)
    if match:
        age = int(next(g for g in match.groups() if g))
    else:
        dec = _Q_DECADE.search(question)
        if dec and dec.group(1) in "23456789":
            age, decade = int(dec.group(1)) * 10, True
    years = None
    ym = _Q_YEARS.search(question)
    if ym:
        years = float(next(g for g in ym.groups() if g))
    registered = None
    if _Q_UNREGISTERED.search(question):
        registered = False
    elif _Q_REGISTERED.search(question) or years is not None:
        registered = True
    if age is not None and not 15 <= age <= 99:
        age = None
    return Founder(age=age, age_decade=decade, years=years, registered=registered)


def judge(sentence: str, founder: Founder) -> Ruling | None:
    """The verdict a rule sentence gives for this founder, or None if it states no rule that
    applies to what the founder told."""
    if founder.age is not None:
        if _AGE_NONE.search(sentence):
            return Ruling("yes", "age")
        top = _AGE_MAX.search(sentence)
        if top:
            limit = int(top.group(1)) - (1 if top.group(2) == "미만" else 0)
            return Ruling("yes" if founder.age <= limit else "no", "age")
        low = _AGE_MIN.search(sentence)
        if low:
            limit = int(low.group(1)) + (1 if low.group(2) == "초과" else 0)
            oldest = founder.age + (9 if founder.age_decade else 0)
            return Ruling("yes" if oldest >= limit else "no", "age")
    if founder.years is not None:
        window = _YEARS_WINDOW.search(sentence) or _YEARS_AFTER.search(sentence)
        if window:
            lo, hi = int(window.group(1)), int(window.group(2))
            return Ruling("yes" if lo < founder.years <= hi else "no", "years")
        top = _YEARS_MAX.search(sentence)
        if top:
            limit = int(next(g for g in top.groups() if g and g.isdigit()))
            return Ruling("yes" if founder.years <= limit else "no", "years")
    if founder.registered is True and _UNREGISTERED.search(sentence):
        return Ruling("no", "registration")
    return None


def states_rule(sentence: str) -> bool:
    """Whether a sentence states any eligibility rule this module can read."""
    return any(p.search(sentence) for p in (_AGE_MAX, _AGE_MIN, _AGE_NONE, _YEARS_WINDOW,
                                            _YEARS_AFTER, _YEARS_MAX, _UNREGISTERED))
