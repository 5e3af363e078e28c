"""Years: the year a question asks about, and the year each fact in the documents refers to.

A fact's year is, in order: the basis a sentence states ("(2019년 보도 기준)"), the first year
the sentence names (a target year such as "2030년까지" does not count), the year in its section
heading ("2026년 TIPS 일반트랙 개편"), or the document's `facts_as_of` when that is one year.
"올해"/"작년"/"내년" are resolved against the shared clock (`knowledge/clock.py`).
"""

from __future__ import annotations

import re
from datetime import date

_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*년(?!\s*(?:까지|이후|이내))")
_RANGE_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*[~–-]\s*((?:19|20)?\d{2})\s*년")
_BASIS = re.compile(r"((?:19|20)\d{2})\s*년[^)]{0,12}기준")
_ANY_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# "26년 투자연계형", "24년 공고": a two-digit year, unless it counts years ("15년 차", "10년
# 이내", "12년 동안", "20년 넘게", "3년 됐어요")
_SHORT_YEAR = re.compile(r"(?<![\d,.~\-])(\d{2})\s*년\s*(?:도\s*)?(?!\s*(?:차|째|간|동안|이내|이상|"
                         r"이하|미만|초과|전|후에|만에|만이|생|된|됐|되|지나|지났|넘|정도|쯤|반|가까이|"
                         r"밖에|\d{1,2}(?!\d|\s*(?:차|월|기))|$))",
                         re.IGNORECASE)
_EN_YEAR = re.compile(r"\b(?:in|for|of|during|by|the|its|their|from)\s+(?:the\s+)?"
                      r"((?:19|20)\d{2})\b(?!\s*(?:to|-|–)\s*(?:19|20)\d{2})", re.I)
_RELATIVE = [
    (re.compile(r"재작년|지지난해|two years ago", re.I), -2),
    (re.compile(r"작년|지난해|전년|last year", re.I), -1),
    (re.compile(r"올해|금년|이번\s*해|올\s*해|this year|current year", re.I), 0),
    (re.compile(r"내년|다음\s*해|next year", re.I), 1),
]

# the base of a comparison ("작년보다", "전년 대비", "지난해에 비해", "compared to last year")
_COMPARED_WITH = re.compile(r"(?:재작년|작년|지난해|전년|(?:19|20)\d{2}\s*년)\s*(?:도\s*)?"
                            r"(?:보다|대비|에\s*비해|과\s*비교|이랑\s*비교|하고\s*비교)"
                            r"|(?:than|compared\s+(?:to|with))\s+last\s+year", re.I)


def sentence_year(sentence: str, section: str = "", facts_as_of: str = "") -> int | None:
    """The year a sentence's fact refers to (see the module docstring), or None."""
    basis = _BASIS.search(sentence)
    if basis:
        return int(basis.group(1))
    for match in _YEAR.finditer(sentence):
        return int(match.group(1))
    ranged = _RANGE_YEAR.search(sentence)
    if ranged:
        return int(ranged.group(1))
    return section_year(section, facts_as_of)


def section_year(section: str, facts_as_of: str = "") -> int | None:
    found = _ANY_YEAR.findall(section)
    if found:
        return int(found[-1])
    doc = _ANY_YEAR.findall(facts_as_of)
    if len(doc) == 1:
        return int(doc[0])
    return None


def years_mentioned(sentence: str) -> set[int]:
    """Every year a sentence names, target years and ranges included."""
    out = {int(y) for y in _ANY_YEAR.findall(sentence)}
    for lo, hi in _RANGE_YEAR.findall(sentence):
        end = int(hi) if len(hi) == 4 else int(lo[:2] + hi)
        out |= set(range(int(lo), end + 1)) if 0 <= end - int(lo) < 20 else {int(lo), end}
    return out


def asked_year(question: str, today: date) -> tuple[int | None, int | None]:
    """(the year the question is about, the relative offset if it said 올해/작년/내년).

    >>> asked_year("올해 예창패 지원금은?", date(2026, 3, 1))
    (2026, 0)
    >>> asked_year("2024년 초창패 마감일", date(2026, 3, 1))
    (2024, None)
    """
    # "올해 예산 작년보다 얼마 늘었어?": the year compared with is not the year asked about
    question = _COMPARED_WITH.sub(" ", question)
    for pattern, offset in _RELATIVE:
        if pattern.search(question):
            return today.year + offset, offset
    years = [int(y) for y in _YEAR.findall(question)]
    if years:
        return years[0], None
    english = _EN_YEAR.search(question)
    if english:
        return int(english.group(1)), None
    short = _SHORT_YEAR.search(question)
    if short and 10 <= int(short.group(1)) <= 40:
        return 2000 + int(short.group(1)), None
    if short and 90 <= int(short.group(1)) <= 99:  # "98년엔": the 1990s
        return 1900 + int(short.group(1)), None
    return None, None
