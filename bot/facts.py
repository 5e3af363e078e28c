"""What a sentence holding each kind of fact looks like, and how to name a missing one.

`holds(kind, sentence)` is the test the extractive answerer uses to quote only sentences that
answer the asked kind of fact. Kinds in `STRICT_KINDS` have a recognisable shape (a sum of
money, a phone number, ...): when no sentence about the subject has that shape, the documents
hold the subject but not the detail, and the answer says so instead of quoting a neighbour.
"""

from __future__ import annotations

import re

from bot.kinds import FactKind

_MONEY = (r"\d[\d,.]*\s*(?:조|억|천만|백만|만)?\s*(?:\d[\d,.]*\s*(?:억|천만|만)\s*)?원|"
          r"\d\s*(?:조|억)(?!\s*년)")
_DAY = (r"\d{1,2}\s*월\s*(?:\d{1,2}\s*일|말|초|중순|초순|하순)|\d{4}-\d{2}(?:-\d{2})?|"
        r"\d{1,2}\.\s*\d{1,2}\.")

_SURNAME = ("[김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우"
            "구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어"
            "은편용예경봉]")
_TITLE = (r"(?:센터장|원장|이사장|대표이사|대표|청장|본부장|장관|지사|시장|총장|단장|위원장|회장|"
          r"교수)")

PATTERNS: dict[FactKind, re.Pattern[str]] = {
    FactKind.AMOUNT: re.compile(_MONEY),
    # "5,400여 개", "100여 명": about that many
    FactKind.COUNT: re.compile(r"\d[\d,]*\s*(?:만|천|백)?\s*(?:여\s*)?"
                               r"(?:명|개사|개\s*기업|개|곳|팀|건|교|社|기|호|점)(?!월)|"
                               r"\d+\s*대\s*[가-힣]|"
                               r"\d[\d,]*\s*인\s*(?:이하|이상|까지|이내|으로|의)"),
    FactKind.AGE: re.compile(r"\d{2}\s*세|연령"),
    FactKind.PERCENT: re.compile(r"\d+(?:\.\d+)?\s*%|퍼센트|\d+\s*분의\s*\d+|\d+(?:\.\d+)?\s*배|"
                                 r"\d+(?:\.\d+)?\s*(?::|대)\s*1(?!\d)"),  # a ratio: "32.8:1"
    FactKind.HOURS: re.compile(r"\d{1,2}\s*시(?!간|설|행|장|군)|오전|오후|운영\s*시간|평일|주말|"
                               r"토요일"),
    # "까지" ends a deadline only after a day or month ("3월 말까지"); "2023년부터 2024년까지"
    # is a span of years, and "최대 15억원까지" a ceiling
    FactKind.DEADLINE: re.compile(rf"(?:{_DAY})|마감|(?:\d{{1,2}}\s*(?:월|일)|연말|상반기|하반기|"
                                  rf"월말)\s*(?:말|초|중)?\s*까지"),
    FactKind.DATE: re.compile(rf"(?:{_DAY})|\d{{4}}\s*년|\d{{1,2}}\s*월|연중|수시|매년|상시|"
                              # a recurring day: "매월 첫째 주 목요일", "매주 화요일"
                              r"(?:매월|매달|매주|격주)\s*(?:[첫둘셋넷마지막]\S*\s*주\s*)?[월화수목금토일]요일"),
    FactKind.DURATION: re.compile(r"\d+\s*(?:개월|년간|년\s*동안|주간|일간|주\s*동안|년\s*연속|"
                                  r"주\s*이상)|최장|\d+\s*년\s*(?:거치|분할\s*상환|상환)|"
                                  r"원칙적으로\s*\d+\s*년|\d+\s*년\s*(?:이내|간|까지\s*지원)|"
                                  r"\d+\s*년(?:\s*동안)?\s*최대|기간은|\d+\s*년이\s*지나지|"
                                  r"\d+\s*년\s*(?:이내|이하|미만)|\d+\s*일(?:이다|이며|,)|"
                                  r"\d+\s*(?:년|개월)\s*(?:더\s*)?연장|"
                                  rf"연중|수시|상시|(?:{_DAY})"),
    FactKind.PLACE: re.compile(r"주소|위치|소재지|에\s*소재|소재한|옮겼|이전했|이전한|"
                               r"자리\s*잡|입주|"
                               r"[가-힣\d]+(?<![으체주새도제초례스서])(?:로|길)\s*\d+(?:-\d+)?"
                               r"(?=\s|,|\)|$|번)|"
                               r"플라자|캠퍼스|(?:빌딩|센터|타워|관|동)\s*\d+\s*층|"
                               r"(?:청주|충주|제천|오송|오창)[^.]{0,20}에\s*(?:있|위치)|"
                               # "청주시 오창읍 송대리에 문을 열었다"
                               r"[가-힣]+(?:시|군|구|읍|면|리)\s*(?:[가-힣]+(?:읍|면|동|리)\s*)?에\s*"
                               r"(?:문을\s*열|있|위치|자리|들어서|세워|개소|개원|준공)|"
                               r"(?:청주|충주|제천|옥천|음성|진천|괴산|보은|영동|증평|단양|오송|오창|"
                               r"서울|대전|세종|판교|안산)(?:\([^)]*\))?(?:,|에서|에\s)|"
                               # where an event was held ("… 오창 2공장 부지에서 열렸다")
                               r"(?:부지|공장|호텔|컨벤션|센터|홀|회관|대학교|대학|캠퍼스|전시장|"
                               r"코엑스|벡스코|킨텍스)\s*에서\s*(?:열렸|열린|열리|개최|진행|치러)"),
    FactKind.PHONE: re.compile(r"\d{2,4}-\d{3,4}-\d{4}|(?<!\d)1357(?!\d)|(?<!\d)\d{4}-\d{4}(?!\d)"),
    FactKind.FAX: re.compile(r"팩스|fax", re.I),
    FactKind.EMAIL: re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),
    FactKind.URL: re.compile(r"www\.|https?://|\.go\.kr|\.or\.kr|\.co\.kr|\.re\.kr|\.ac\.kr|"
                             r"\.com\b|\.net\b|\.kr\b", re.I),
    # a person's name (a surname and one or two syllables) with a title: "이시종 당시
    # 충북도지사", "센터장은 홍길동"; not a title alone ("충북도 경제부지사가 단장을 맡고")
    FactKind.PERSON: re.compile(rf"(?<![가-힣]){_SURNAME}[가-힣]{{1,2}}\s+(?:당시\s+)?"
                                rf"(?:[가-힣]+\s+)?[가-힣]*{_TITLE}(?:은|는|이|가|을|의|이다|으로|과|와|께서)|"
                                rf"{_TITLE}(?:은|는)\s*{_SURNAME}[가-힣]{{1,2}}(?=$|[\s,.]|이다|이며|이고|씨)"),
    FactKind.HOW_TO_APPLY: re.compile(r"신청|접수|제출|추천|참여할\s*수|지원할\s*수|온라인|"
                                      r"누리집|운영사|투자\s*협의|평가|순으로|절차"),
    FactKind.ELIGIBILITY: re.compile(r"대상|이내|이하|이상|초과|요건|자격|제외|신청할\s*수|"
                                     r"가능|제한|조건"),
    # a named body, not a generic "주관기관" / "운영기관"
    FactKind.ORGANISATION: re.compile(
        r"[가-힣A-Za-z·]{2,}(?:혁신센터|지원센터|센터|진흥원|진흥공단|공단|재단|협회|테크노파크|"
        r"유통원|혁신원|개발원|평가원|산학융합원|"
        r"대학교|대학|기술지주|벤처스|파트너스|연구원|보증기금|중앙회|은행|공사)(?![가-힣]*기관)|"
        r"중기부|중소벤처기업부|산업부|특허청|중진공|소진공|창진원|기보|신보|코트라|KOTRA|TP\b|"
        r"충북도|충청북도|[가-힣]{2,}(?:시|군|구)청|운영사(?:로|는|가)|[A-Za-z]{2,}\s*(?:Ventures|"
        r"Partners|Capital)|"
        # or an agent: "한국벤처투자가 운용한다"
        r"[가-힣A-Za-z]{2,}(?:이|가|와|과)\s*(?:함께\s*|공동으로\s*)?(?:운용|운영|주관|맡|담당|관리)",
        re.I),
    # whether it still runs: the text says how it stands now, or that it ended
    FactKind.STATUS: re.compile(r"현재|지금도|운영\s*중|진행\s*중|계속|폐지|종료|중단|없어졌|"
                                r"통합되|흡수|바뀌었|이어지|이어가|매년|해마다|상시"),
    # how it turned out: selected, designated, confirmed, dropped
    FactKind.RESULT: re.compile(r"선정(?:되|됐|했)|지정(?:되|됐|했)|확정(?:되|됐|했)|결정(?:되|됐)|"
                                r"탈락|무산|성사|통과(?:했|되)|승인(?:되|됐|했)|유치(?:했|에\s*성공)|"
                                r"완료(?:했|되)|마쳤|끝났|뽑혔|포함되(?:었|지\s*않았)|발표했|"
                                r"(?:결성|반영|조성)(?:되었|됐|했다|하였)"),
    FactKind.DEFINITION: re.compile(r"(?:은|는|란|이란)\s.{4,}(?:이다|말한다|뜻한다|가리킨다|"
                                    r"(?:방식|사업|제도|프로그램|기관|펀드)(?:이다|이며|이고)|"
                                    r"대상으로\s*한다|(?:지원|제공|보전|운영)(?:한다|해\s*준다))"),
}

STRICT_KINDS = frozenset({
    FactKind.AMOUNT, FactKind.COUNT, FactKind.AGE, FactKind.PERCENT, FactKind.DEADLINE,
    FactKind.DATE, FactKind.DURATION, FactKind.PLACE, FactKind.PHONE, FactKind.FAX,
    FactKind.EMAIL, FactKind.URL, FactKind.PERSON, FactKind.HOURS, FactKind.ORGANISATION,
    FactKind.STATUS, FactKind.RESULT,
})
# Kinds whose shape is unmistakable: a generated reply without it did not answer (bot/engine.py).
CHECKED_KINDS = frozenset({FactKind.AMOUNT, FactKind.COUNT, FactKind.PERCENT, FactKind.PHONE,
                           FactKind.FAX, FactKind.EMAIL, FactKind.URL})
# Kinds whose figures change from year to year: the most recent year is quoted first.
RECENT_FIRST = frozenset({
    FactKind.AMOUNT, FactKind.COUNT, FactKind.PERCENT, FactKind.AGE, FactKind.DURATION,
    FactKind.PLACE, FactKind.DEADLINE,
})
# Contact details: the sentence itself must name the subject (a list of other bodies' websites
# under the right heading is not the subject's website).
CONTACT_KINDS = frozenset({FactKind.URL, FactKind.PHONE, FactKind.EMAIL, FactKind.FAX,
                           FactKind.PERSON, FactKind.HOURS})
# Kinds whose question names an event ("착공", "이자"): the quoted sentence must name it too.
EVENT_KINDS = frozenset({FactKind.DATE, FactKind.DEADLINE, FactKind.DURATION, FactKind.PERCENT,
                         FactKind.HOURS, FactKind.AMOUNT})
# Kinds whose value must sit in the same clause as the asked detail (`binds`).
BOUND_KINDS = frozenset({FactKind.AMOUNT, FactKind.COUNT, FactKind.AGE, FactKind.PERCENT,
                         FactKind.DEADLINE, FactKind.DATE, FactKind.DURATION, FactKind.HOURS,
                         FactKind.ORGANISATION, FactKind.PLACE})
# "주소" asks for a street address, not the town something happens in.
STREET_ADDRESS = re.compile(r"[가-힣\d]+(?<![으체주새도제초례스서])(?:로|길)\s*\d+(?:-\d+)?"
                            r"(?=\s|,|\)|$|번)|\d+\s*층|우편번호|번지|\(\d{5}\)")
# "날짜", "며칠", "정확히": the day itself, not the month.
EXACT_DAY = re.compile(_DAY)
# A sentence that says the documents do not know the detail ("... 확인되지 않았다").
UNKNOWN = re.compile(r"확인되지\s*않|알려지지\s*않|공개되지\s*않|나와\s*있지\s*않|밝혀지지\s*않|"
                     r"정해지지\s*않|확인할\s*수\s*없|포함(?:되어|돼)\s*있지\s*않|담겨\s*있지\s*않|"
                     r"명시(?:되어\s*있지|되지|하지)\s*않|분명하지\s*않|언급(?:되지|하지)\s*않|"
                     r"제시(?:되지|하지)\s*않|알\s*수\s*없")

# Where one statement of a sentence ends and the next begins ("…결성되었으며 충북도가 40억원을
# 출자했다"): a value answers the asked detail only when the detail is named in its own clause.
# A comma ends a clause only after a verb's connective ending ("…했으며, …"), not inside a
# list of values ("3대 전략, 9대 핵심과제").
_CLAUSE_BREAK = re.compile(r"(?<=[며고서면나데만여해어아])\s*[,;]\s*|;\s*|(?<=[며고])\s+|"
                           r"(?<=(?:지만|는데|으나))\s+")
# A detail named but left unspecified: "일정한 경력 요건", "소정의 수수료", "별도의 기준".
_VAGUE = r"(?:일정한|일정\s*수준의|소정의|별도의|어느\s*정도의|적정한)\s*"
_ANY_VAGUE = re.compile(_VAGUE)


def clauses(sentence: str) -> list[str]:
    """A sentence cut at its clause boundaries (commas, "-며", "-고", "-지만")."""
    return [c for c in _CLAUSE_BREAK.split(sentence) if c.strip()]


def _names(clause: str, term: str) -> bool:
    flat = re.sub(r"\s+", "", clause).lower()
    if term not in flat and not (len(term) >= 3 and term[:-1] in flat):  # "지정서" ~ "지정"
        return False
    return not (_ANY_VAGUE.search(clause)
                and re.search(_VAGUE + r"(?:[가-힣]+\s*)?" + re.escape(term), clause.lower()))


def leaves_vague(sentence: str, terms: list[str]) -> bool:
    """Whether the sentence names one of `terms` only as left unspecified ("일정한 경력 요건")."""
    if not _ANY_VAGUE.search(sentence):  # the common case, one precompiled search
        return False
    lowered = sentence.lower()
    return any(re.search(_VAGUE + r"(?:[가-힣]+\s*)?" + re.escape(t), lowered) for t in terms)


def binds(kind: FactKind, sentence: str, detail: list[str], section: str = "") -> bool:
    """Whether the sentence holds a value of `kind` (its value pattern) for the asked detail.

    `detail` are the question's words naming the detail beyond its subject and kind ("결성"
    in "노마드 펀드 결성 금액 얼마?"). With none, any value of the kind will do. Otherwise a
    clause must hold both the value and one of them, named and not left vague, unless the
    section heading names one ("배터리 제조·검증 지원센터 (2024년 개소)")."""
    pattern = PATTERNS.get(kind)
    if pattern is None:
        return True
    heading = re.sub(r"\s+", "", section).lower()
    if not detail or any(t in heading for t in detail):
        return bool(pattern.search(sentence))
    return any(pattern.search(own) and any(_names(c, t) for t in detail)
               for c in clauses(sentence) if (own := _owned_values(c, detail)))


# "상금(1등 약 1억원), 창업비자, 정착금": a value in brackets belongs to the word before them
_BRACKETED = re.compile(r"([가-힣A-Za-z]+)\s*\(([^()]*)\)")


def _owned_values(clause: str, detail: list[str]) -> str:
    """The clause without bracketed values that belong to a word other than the detail."""
    def keep(match: re.Match[str]) -> str:
        if match.start() > 0 and match.string[match.start() - 1].isdigit():
            return match.group(0)  # "40명(2.02%)": the bracket restates the figure before it
        owner, inside = match.group(1).lower(), match.group(2).lower()
        mine = any(t in owner or owner in t or t in inside for t in detail)
        return match.group(0) if mine else owner
    return _BRACKETED.sub(keep, clause)

# The detail in "자료에는 ○○의 △△ 정보가 없습니다".
LABELS: dict[FactKind, dict[str, str]] = {
    FactKind.AMOUNT: {"ko": "금액", "en": "amount"},
    FactKind.COUNT: {"ko": "수(인원·개수)", "en": "number"},
    FactKind.AGE: {"ko": "나이 기준", "en": "age rule"},
    FactKind.PERCENT: {"ko": "비율", "en": "percentage"},
    FactKind.DEADLINE: {"ko": "마감일", "en": "deadline"},
    FactKind.DATE: {"ko": "날짜·일정", "en": "date"},
    FactKind.DURATION: {"ko": "기간", "en": "duration"},
    FactKind.PLACE: {"ko": "주소·위치", "en": "address or location"},
    FactKind.PHONE: {"ko": "전화번호", "en": "phone number"},
    FactKind.FAX: {"ko": "팩스 번호", "en": "fax number"},
    FactKind.EMAIL: {"ko": "이메일 주소", "en": "e-mail address"},
    FactKind.URL: {"ko": "누리집 주소", "en": "website"},
    FactKind.PERSON: {"ko": "담당자·대표자 이름", "en": "name of the person in charge"},
    FactKind.HOW_TO_APPLY: {"ko": "신청 방법", "en": "how to apply"},
    FactKind.ELIGIBILITY: {"ko": "신청 자격 기준", "en": "eligibility rule"},
    FactKind.LIST: {"ko": "목록", "en": "list"},
    FactKind.DEFINITION: {"ko": "설명", "en": "description"},
    FactKind.DIFFERENCE: {"ko": "차이", "en": "difference"},
    FactKind.HOURS: {"ko": "운영 시간", "en": "opening hours"},
    FactKind.ORGANISATION: {"ko": "기관 이름", "en": "names of the organisations"},
    FactKind.STATUS: {"ko": "현재 운영 여부", "en": "current status"},
    FactKind.RESULT: {"ko": "결과", "en": "outcome"},
}


def holds(kind: FactKind, sentence: str) -> bool:
    pattern = PATTERNS.get(kind)
    return pattern is None or bool(pattern.search(sentence))


def year_label(year: int, language: str) -> str:
    return f"{year}년 기준" if language == "ko" else f"as of {year}"
