"""What in a question steers the sentence picker (bot/extractive.py): words naming the kind
of fact asked, vague words, and cues such as "얼마까지" (the maximum) or "날짜" (the exact day).
Hand-written lists and patterns: they follow the way founders word questions."""

from __future__ import annotations

import re

# Words that name the kind of fact asked (not an event to find in the sentence).
KIND_WORDS = frozenset({
    "기간", "날짜", "일정", "마감", "마감일", "시기", "금액", "지원금", "한도", "예산", "자금",
    "돈", "비율", "비중", "이율", "금리", "연도", "기준", "규모", "신청", "지원", "사업", "접수",
    "프로그램", "며칠",
    "시간", "처리", "얼마", "최대", "정도", "모집", "선발", "대상", "기관", "주관", "운영", "트랙",
    "올해", "작년", "내년", "금년", "상금", "투자", "출자", "결과", "선정", "실적", "등록",
    "이사", "이전",  # "어디로 이사/이전했어?" asks the new place (bot/facts.py: 옮겼, 이전했)
    "장소", "위치", "개최지",  # "장소는 어디였어?" asks the place, which no sentence calls 장소
})
# Detail words too vague to require in a sentence.
GENERIC_DETAIL = frozenset({"정확", "대략", "보통", "최대", "최소", "전체", "총", "요즘", "현재",
                            "기준", "공식", "대표", "직접", "처음", "신규", "지금", "기업", "회사",
                            "창업", "정부", "우리", "사람", "대강", "얘기", "이야기", "당시",
                            "무렵", "즈음", "개최",  # "개최 장소": the sentence says 열었다
                            "동안", "기본",  # "몇 년 동안", "기본 자금은 최대 얼마"
                            # "뭐뭐 있어요?", "어떤 데들이었어요?", "업종 상관없이": question
                            # words and set phrases Kiwi reads as nouns
                            "뭐뭐", "상관", "들이", "데들"})

# A noun used as a verb ("연결되는", "이사감", "채용해", "납품할 때", "약속햇어"): what happens,
# not a detail asked (not 가/와: particles too; 햇, 됬: chat)
USED_AS_VERB = r"(?:하|할|해|했|햇|되|돼|됐|됬|됨|시키|감|갔|왔)"

# "접수 첫날이 언제?": the first day of a period, which a sentence gives as "… 부터"
START_WORDS = frozenset({"첫날", "시작일", "개시일"})
STARTS = re.compile(r"부터|시작|개시")

# Words that restate that a rule is asked ("나이 제한", "투자 요건"), not which detail.
RULE_WORDS = frozenset({"제한", "요건", "조건", "자격", "상한", "하한", "최소", "기준"})


def fuzzy_has(terms: frozenset[str], term: str) -> bool:
    """`term` or a word sharing two or more leading characters with it ("지정서" ~ "지정")."""
    return term in terms or any(len(t) >= 2 and (term.startswith(t) or t.startswith(term))
                                for t in terms)


# A founding date or a birth year decides more precisely than "창업 3년 이내"; registration least.
RULE_PRIORITY = {"founded": 3, "born": 3, "registration": 0}
STREET_ASKED = re.compile(r"주소|도로명|우편|address", re.I)
DAY_ASKED = re.compile(r"날짜|며칠|몇\s*일|정확히|정확한|what date|exact", re.I)
FULL_DAY = re.compile(r"\d{1,2}\s*월\s*\d{1,2}\s*일")
ONLINE = re.compile(r"온라인|사이트|누리집|홈페이지|어디서|어디에서|어디로|online|website|where",
                    re.I)
# a sentence that says where applications go: a site, online, an office that takes them
CHANNEL = re.compile(r"누리집|온라인|홈페이지|www\.|https?://|[a-z0-9-]+\.(?:go|or|co)\.kr|"
                     r"에서\s*(?:이루어진다|진행된다)|(?:에서|으로|로)\s*(?:신청|접수)|"
                     r"통해[^.,]{0,12}(?:신청|접수)|"
                     r"(?:신청|접수)[을를]?\s*받(?:는다|으며|아)|에서\s*받는다|접수처|창구", re.I)
# the founder asks where to send an application (not where an event is, or who runs it)
APPLYING = re.compile(r"신청|접수|지원\s*(?:하|해)|넣|apply|application", re.I)
CEILING = re.compile(r"최대|한도|까지|maximum|up to|limit|the most", re.I)
GRANT = re.compile(r"줘|주나|받|지원금|한도|최대|give|get|receive|grant", re.I)
AGGREGATE = re.compile(r"누적|매출|고용|총사업비|재원은")


def flat(text: str) -> str:
    """Lower-cased text without spaces: a term Kiwi split differently here still matches."""
    return re.sub(r"\s+", "", text).lower()


def opens_with(sentence: str, subject: list[str]) -> bool:
    head = sentence[:30].lower()
    return any(t in head for t in subject)


PARTICLE = re.compile(r"(은|는|이|가|을|를|의|에서|에|도|만|이랑|랑|하고|으로|로|요|인데|이야|"
                       r"야)$")

# "What does X do?", "뭐 하는 곳이야?": asks what the body or programme does, so a sentence
# with X doing something (분석하고, 평가하며, 제공한다) beats one saying when it opened or who
# runs it.
FUNCTION_ASKED = re.compile(r"what\s+(?:does|do|did|will)\b[^?]{2,80}?\bdo\b|"
                            r"what\s+(?:is|are)\s+(?:its|their)\s+(?:role|job|function)s?\b|"
                            r"뭐\s*하는|무슨\s*일|하는\s*일|역할", re.I)
FUNCTION_VERB = re.compile(r"(?:분석|평가|제공|지원|상담|교육|연결|발굴|육성|보육|실습|검증|"
                           r"컨설팅|중개|알선|운영)(?:하고|하며|한다|해\s*준다|해\s*주는|하는\s*곳)|"
                           r"맡고\s*있|맡는다|역할을\s*(?:한다|맡)")
OPENED = re.compile(r"문을\s*열었|개소했|개원했|출범했|설립되었|설립됐|선정된|선정되었")

# "in total", "so far", "총 얼마": a running total is asked, so a sentence that states one
# (총 1,241억원, 누적) beats a more recent single year's figure.
TOTAL_ASKED = re.compile(r"\bin total\b|\bso far\b|\baltogether\b|\bcumulative(?:ly)?\b|"
                         r"\bcombined\b|총\s*(?:얼마|몇|규모|금액|액수)|지금까지\s*(?:총|모두|다\s*합|"
                         r"누적)|누적|다\s*합(?:쳐|치면|해서)|합계|"
                         # "지금까지 몇 개 기업 지원했어?", "그동안 몇 명 뽑았어?"
                         r"(?:지금까지|여태|그동안|이제까지)\s*(?:[가-힣]+\s*){0,2}?(?:몇|얼마)",
                         re.I)
TOTAL_SAID = re.compile(r"총\s*[\d,.]+|총액|누적|합계|모두\s*합|합쳐|"
                        r"(?:19|20)\d{2}\s*년(?:부터|이후)\s*(?:(?:19|20)\d{2}\s*년)?\s*까지|"
                        r"(?:19|20)\d{2}\s*년\s*이후|(?:19|20)\d{2}\s*년까지")
