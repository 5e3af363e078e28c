"""Which rule sentence gives an eligibility verdict, and which verdict (issue 11).

`bot/eligibility.py` reads rules that compare the founder's numbers, `bot/membership.py` rules
that list, leave out or require the founder's told case; this module chooses among the
candidate sentences: the asked year's rule, the rule for the founder's own case or group, the
more precise rule (a date before the years counted from it), the fuller one. The extractive
answerer composes the reply (`bot/extractive.py`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.asked_detail import ScoredSentence
from bot.cues import RULE_PRIORITY
from bot.eligibility import Ruling, in_scope, judge
from bot.membership import (
    also_said,
    case_of,
    closed_list_verdict,
    founder_items,
    membership,
    mended,
    told_case,
    told_words,
)
from bot.query import AnalysedQuery
from bot.timeframe import years_mentioned

# what a sentence stating who may apply says
_RULE_LIKE = re.compile(r"대상|요건|자격|조건|이하|이상|이내|미만|초과|한도|제외|신청할\s*수|"
                        r"지원할\s*수|받을\s*수|체납|지나지\s*않|졸업한|참여한|해당|인정|가능")
_RULE_STATEMENT = re.compile(r"(?:대상|요건|자격|조건)(?:은|는|이|가)\s")


def of_year(sentence: ScoredSentence, year: int | None) -> bool:
    """Whether a sentence is about the year asked: its fact's year, or a year it names."""
    return year is not None and (sentence.year == year or year in years_mentioned(sentence.text))


# "처음에는 만 39세 이하 청년만 신청할 수 있었지만 2020년부터 연령 제한을 없애 …": the rule
# before a change, then the rule from the year it changed
_CHANGED = re.compile(r"(.+?(?:었지만|였지만|었으나|였으나|지만))\s*,?\s*((20\d{2})\s*년\s*부터.+)")


def in_force(text: str, year: int | None) -> str:
    """The part of a sentence that tells a rule as it stood in the asked year, when the
    sentence tells how it changed; the whole sentence otherwise."""
    changed = _CHANGED.match(text)
    if year is None or changed is None:
        return text
    return changed.group(1) if year < int(changed.group(3)) else changed.group(2)


def rulings(query: AnalysedQuery, about: list[ScoredSentence]
            ) -> list[tuple[ScoredSentence, Ruling]]:
    """The sentences whose rules this module reads for the founder's numbers, with the verdict
    each gives."""
    judged = ((s, judge(in_force(s.text, query.year), query.founder)) for s in about)
    return [(s, r) for s, r in judged if r is not None]


def unjudged_rules(query: AnalysedQuery, about: list[ScoredSentence]) -> list[ScoredSentence]:
    """Sentences that state a rule the readers cannot judge ("국세·지방세를 체납한 기업은 …"),
    to quote without a verdict: the asked year's sentence first, though it reads less like a
    rule."""
    floor = 0.5 * about[0].score
    stated = [s for s in about if s.own_about >= 0.5 and s.has_detail
              and _RULE_LIKE.search(s.text) and s.score >= floor]
    dated = [s for s in about if s.own_about >= 0.5 and s.has_detail
             and of_year(s, query.year) and s.score >= floor]
    if stated and dated and not any(of_year(s, query.year) for s in stated):
        return dated
    return stated


def _topic_fit(sentence: str, words: list[str]) -> int:
    """How many of the question's key words the sentence's topic (what comes before its
    first 은/는) names: "TIPS 일반트랙의 R&D 지원 한도는 …" is about 일반트랙, "TIPS 딥테크트랙은
    일반트랙을 졸업한 기업에게 …" is not, though it names it later."""
    topic = re.split(r"(?<=[가-힣A-Za-z)])(?:은|는)\s", sentence, maxsplit=1)[0].lower()
    return sum(t.lower() in topic for t in words)


def best_ruling(query: AnalysedQuery, ruled: list[tuple[ScoredSentence, Ruling]]
                ) -> tuple[ScoredSentence, Ruling]:
    """The rule that decides: among those scoring near the best (a rule on the founder's own
    date even a little further down, since it decides more precisely than the years counted
    from it), the asked year's, then the one written for the founder's own case
    ("문화상품을 제작하는 법인의 경우 …") or group ("비수도권 기업은 …"), then the more precise
    and fuller rule, a sentence stating the rule itself ("지원 대상은 …"), the latest."""
    top = max(s.score for s, _ in ruled)
    near = [(s, r) for s, r in ruled if s.score >= 0.6 * top
            or (RULE_PRIORITY.get(r.rule, 1) >= 3 and s.score >= 0.3 * top)]
    told = told_case(mended(query))
    words = [t for t in query.key_terms if not t.isdigit()]
    return max(near, key=lambda p: (of_year(p[0], query.year),
                                    case_of(p[0].text, told),
                                    in_scope(p[0].text, query.founder) is True,
                                    _topic_fit(p[0].text, words),
                                    RULE_PRIORITY.get(p[1].rule, 1),
                                    p[1].checked,
                                    _RULE_STATEMENT.search(p[0].text) is not None,
                                    p[0].year or 0, p[0].score))


def listed_verdict(query: AnalysedQuery, about: list[ScoredSentence],
                   doc_freq: Mapping[str, int], n_docs: int, *, plainly: bool = True
                   ) -> tuple[ScoredSentence, str] | None:
    """The first rule (the asked year's first) that lists, leaves out or requires the
    founder's told case, with its verdict; `plainly` off asks for a rule that requires,
    leaves out or closes a list, not one that only says it applies."""
    items = founder_items(query, doc_freq, n_docs)
    words = told_words(query, doc_freq, n_docs)
    told = told_case(mended(query))
    top = about[0].score
    rules = [s for s in about if s.score >= 0.4 * top and s.own_about >= 0.5]
    rules.sort(key=lambda s: of_year(s, query.year), reverse=True)
    if items or words:
        also = also_said(query)
        for sentence in rules:
            verdict = membership(sentence.text, items, told, words, plainly=plainly, also=also)
            if verdict is not None:
                return sentence, verdict
    if not told:
        return None
    # a list the documents close with its count, and what the founder does ("양자컴퓨터
    # 하드웨어 만드는 스타트업인데 5대 분야에 들어가요?"): in it by name or by knowledge/fields.tsv
    nouns = [t for t, tag in query.key_terms.items() if tag.startswith("NN") and len(t) >= 2
             and t not in query.subject_terms and t not in _COMPANY_WORDS]
    for sentence in rules:
        verdict = closed_list_verdict(sentence.text, told, nouns, mended(query))
        if verdict is not None:
            return sentence, verdict
    return None


# what every founder is: tells nothing of their field
_COMPANY_WORDS = frozenset({"스타트업", "기업", "회사", "법인", "창업", "사업", "업체", "팀",
                            "저희", "우리", "창업자", "대표"})
