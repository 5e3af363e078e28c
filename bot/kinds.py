"""What kind of fact a question asks (amount, date, deadline, place, person, …), read from its
question words and the nouns next to them; `detect_kinds` lists them, the primary first.

Hand-written regular expressions: Korean questions name the kind they ask in a few fixed ways
("얼마", "언제까지", "몇 개사", "어디 있어", "누가 운영해"), and chat spells their endings in a
few more ("됏어", "머임"). Split out of bot/query.py, which builds the whole analysed question.
"""

from __future__ import annotations

import re
from enum import StrEnum


class FactKind(StrEnum):
    AMOUNT = "amount"
    DEADLINE = "deadline"
    DATE = "date"
    COUNT = "count"
    AGE = "age"
    DURATION = "duration"
    PERCENT = "percent"
    PLACE = "place"
    PHONE = "phone"
    FAX = "fax"
    EMAIL = "email"
    URL = "url"
    PERSON = "person"
    HOW_TO_APPLY = "how_to_apply"
    ELIGIBILITY = "eligibility"
    LIST = "list"
    DEFINITION = "definition"
    DIFFERENCE = "difference"
    HOURS = "hours"  # opening hours (beyond the list: founders ask it)
    ORGANISATION = "organisation"  # which body runs / hosts it ("주관기관은 어디?")
    STATUS = "status"  # whether it is still running now ("요즘도 모집해요?")
    RESULT = "result"  # how something turned out ("공모 결과 어떻게 됐어?")


# What the question says -> the kind of fact it asks for (order matters: the first match is the
# primary kind). Korean and English.
_KIND_CUES: list[tuple[FactKind, re.Pattern[str]]] = [
    (FactKind.FAX, re.compile(r"팩스|fax", re.I)),
    (FactKind.EMAIL, re.compile(r"이메일|메일\s*주소|e-?mail", re.I)),
    (FactKind.PHONE, re.compile(r"전화|(?<!비밀)번호(?!\s*(?:가|는)?\s*(?:어디|뭐))|연락처|phone|"
                                r"number to|call them", re.I)),
    (FactKind.URL, re.compile(r"홈페이지|홈피|누리집|웹\s*사이트|사이트|링크|url|website|"
                              r"web\s*site|homepage", re.I)),
    (FactKind.HOURS, re.compile(r"몇\s*시|운영\s*시간|영업\s*시간|토요일|주말에|opening hours|"
                                r"what time", re.I)),
    (FactKind.PERSON, re.compile(r"성함|(?:센터장|원장|이사장|기관장|대표자?|담당자|"
                                 r"[가-힣]{0,3}장)[님은이는가의\s]{0,4}"
                                 r"(?:누구|이름|성함)|누구(?:세요|예요|에요|야|인가요|임)?(?!나)|"
                                 r"who\s+(?:heads|leads|is the (?:head|director|ceo|chair))|"
                                 r"\bdirector\b|\bceo\b", re.I)),
    (FactKind.DIFFERENCE, re.compile(r"차이|다른\s*점|뭐가\s*달라|어떻게\s*달라|달라[?요]|비교|"
                                     r"difference|differ|compare|\bvs\.?\b|versus", re.I)),
    (FactKind.HOW_TO_APPLY, re.compile(r"어떻게\s*(?:신청|지원|접수|참여|들어가|받)|신청\s*방법|"
                                       r"접수\s*방법|지원\s*방법|참여\s*방법|신청하려면|지원하려면|"
                                       r"어디(?:서|에서|로)\s*(?:신청|접수|지원|해)|(?:신청|접수)[^.?]{0,8}어디|"
                                       r"(?:신청|접수|입주|참여|지원)(?:은|는|하려면|할\s*때)?\s*어떻게|"
                                       r"신청\s*절차|절차|"
                                       r"how\s+(?:do|can|to|should)\s+(?:i|we|you)?\s*(?:apply|join|"
                                       r"get|sign)|where\s+(?:do|can|should)\s+(?:i|we)\s+apply|"
                                       r"application process", re.I)),
    # a "%" after a number the question states ("기술료 10%는 언제까지?") is given, not asked
    (FactKind.PERCENT, re.compile(r"비율|(?<!준)비중|퍼센트|몇\s*%|(?<![\d.\s])\s*%|몇\s*프로|"
                                  r"몇\s*퍼(?![가-힣]*(?:스트|포먼스))|"
                                  r"프로(?!그램|젝트|세스)|자부담률|부담률|금리|이자율|몇\s*배|"
                                  r"[가-힣]{1,3}(?<!효)(?:률|율)(?=[은는이가을를도]?\s|[?]|$)|"
                                  r"몇\s*대\s*(?:1|일)|competition rate|acceptance rate|"
                                  r"percent|ratio|share of|what share|\brate\b|how many times",
                                  re.I)),
    (FactKind.AGE, re.compile(r"나이|몇\s*살|연령|몇\s*년\s*생|몇\s*년도\s*생|age\s*limit|how old|"
                              r"\bage\b|born", re.I)),
    (FactKind.DEADLINE, re.compile(r"마감|언제까지|며칠\s*까지|기한|deadline|due\b|until when|"
                                   r"closing",
                                   re.I)),
    # "며칠 걸려요?" asks how long; "며칠까지였어요?", "며칠에 열려?" ask a day
    (FactKind.DURATION, re.compile(r"얼마\s*동안|얼마나\s*걸|"
                                   r"며칠(?!\s*(?:까지|에|날|이었|였|이야|이에요|인지))|몇\s*(?:년|개월|달)(?!\s*(?:도|생))|"
                                   r"몇\s*(?:분|시간|주)\s*(?:동안|정도|이나|씩)|"
                                   r"기간|how long|duration|period|valid for", re.I)),
    (FactKind.COUNT, re.compile(r"몇\s*(?:명|개|곳|팀|개사|건|군데|社|기업|회사|교|점|㎡|평(?!가)|"
                                r"[A-Za-z]{1,5}(?![A-Za-z]))|인원|"
                                r"how many|number of", re.I)),
    (FactKind.AMOUNT, re.compile(r"얼마|금액|지원금(?:은|이|는)?\s*[?]|지원금\s*(?:얼마|최대|"
                                 r"한도)|한도|예산|"
                                 r"몇\s*(?:억|천만|만\s*원)|상금|투자\s*규모|규모가|"
                                 r"how much|amount|budget|funding|grant|money|prize|\bsize\b|"
                                 r"the most (?:we|i|you|a company) can get|"
                                 r"\blimit\b|\bcap\b|maximum|수수료|이용료|참가비|등록비|입회비|"
                                 r"사용료|요금|임대료|관리비|가입비|회비|월세|보증금|\bfees?\b|\bcost\b|"
                                 r"(?<!in )\bcharge(?!\s+of)|\brent\b",
                                 re.I)),
    (FactKind.DATE, re.compile(r"언제|날짜|시기|몇\s*월|몇\s*년도|어느\s*해|일정|개소|개원|출범|"
                               r"(?:생긴|만든|만들어진|세운|된)\s*(?:지|게)\s*얼마|"  # since when
                               r"며칠\s*(?:에|날|이었|였|이야|이에요|인지)|"
                               r"when|what date|what year|since when|schedule", re.I)),
    (FactKind.PLACE, re.compile(r"어디|위치|주소|장소|소재|where|address|located|location", re.I)),
    (FactKind.ELIGIBILITY, re.compile(r"대상|자격|조건|요건|신청\s*(?:할\s*수|가능|돼|되나|되요|"
                                      r"될까)|"
                                      r"받을\s*수\s*있|할\s*수\s*있(?:나|어|을까)|도\s[^?]{0,15}?(?:쓸|사용할)\s*수\s*있(?:나|어|을까)|돼요|되나요|되나\?|"
                                      r"될\s*수\s*있(?:나|어|을까)|해당(?:돼|되나|될까|하나요)|"
                                      r"인정(?:돼|되나|될까)|포함(?:돼|되나|될까)|"
                                      r"(?:에|로)\s*들어가(?:요|나요|나|는지)|"
                                      r"가능(?:한가|해|할까|\?)|"
                                      r"eligib|qualif|can\s+(?:i|we)\s+(?:still\s+)?(?:apply|get|join)|"
                                      r"requirement", re.I)),
    (FactKind.ORGANISATION, re.compile(
        r"어느\s*(?:기관|곳|단체)|(?:기관|운영사|주관|운영|담당)[은는이가\s]{0,3}(?:어디|누구|누가)|"
        # "어느 운용사가 맡았어요?", "운용사는 어디로 정해졌어요?"
        r"어느\s*(?:운용사|운영사|회사|업체|기업|대학|은행)|"
        r"(?:운용사|운영사|협력사|파트너사)[은는이가\s]{0,3}어디|"
        r"(?:운용사|운영사|기관|회사|업체|협업사)[은는이가의\s]{0,3}(?:이름|명단|목록)|"
        r"누가\s*(?:운영|주관|맡|관리|운용)|which (?:organi[sz]ation|body|agency|institution)|"
        # "대상 받은 팀 어디예요?", "선정된 기업은 어디?": the names of the winners
        r"(?:(?:받은|수상한|우승한|탄|뽑힌)\s*|우승\s*)(?:팀|기업|회사|업체|스타트업)(?:은|는|이|가|들은)?"
        r"\s*(?:어디|어느\s*곳|누구)|"
        r"which (?:team|company|companies|startups?) (?:won|were|was)|"
        r"who (?:runs|operates|hosts|manages)|who(?:'s| is| was) in charge", re.I)),
    (FactKind.STATUS, re.compile(
        r"(?:요즘|지금|현재)\s*도|여전히|아직(?:도)?(?!\s*(?:안|못|없|한\s*번도))(?=[^?.]{0,15}(?:하나요|해요|하나|있나요|있어요|"
        r"있나|되나요|돼요|운영|모집|진행|받))|\bstill\b|currently (?:running|open|available)|"
        r"any\s?more\b", re.I)),
    (FactKind.RESULT, re.compile(r"결과(?:는|가)?\s*(?:어떻게|나왔|뭐|발표)|어떻게\s*(?:됐|되었)|"
                                 r"(?:선정|지정|통과|합격|반영|결성|성사|확정|유치)\s*(?:됐|되었|됐나|됐어|"
                                 r"된\s*거|했나|했어|했는지)|(?:결국|실제로|최종)\s*[^?]{0,10}(?:됐|되었)|"
                                 r"(?:붙었|떨어졌)(?:어|나|니|는지|을까)|"
                                 r"how did .* turn out|what happened|\bresults?\b", re.I)),
    (FactKind.LIST, re.compile(r"뭐뭐|어디어디|어떤\s*(?:것|게|사업|프로그램|분야|종류)|종류|목록|"
                               r"분야는|무엇무엇|which|what (?:kinds|types|programs)|list|"
                               # "Is there anything for exporters?", "How are they grouped?"
                               r"\banything\s+for\b|\bany\s+(?:support|programs?|programmes?|"
                               r"help|schemes?)\b|are there any\b|\bgrouped\b|\bcategor|"
                               r"\b(?:kinds|types|sorts) of\b|\bperks?\b|\bbenefits?\b|"
                               r"\bincentives?\b", re.I)),
    (FactKind.DEFINITION, re.compile(r"뭐야|뭔가요|뭐예요|뭐에요|뭐임|무엇인가|무엇이야|란\s*\?|"
                                     r"이란|"
                                     r"무슨\s*(?:사업|제도|뜻)|어떤\s*곳|뭐\s*하는|what\s+is|what's|"
                                     r"what are|what does", re.I)),
]
# A title that asks for a person, whatever else the question says ("같이 운용하는 X 대표가 누구").
_PERSON_TITLE = re.compile(r"성함|담당자|대표(?:자|이사)?(?:님)?[은는이가\s]{0,3}(?:누구|이름)|"
                           r"[가-힣]{0,3}장(?:님)?[은는이가\s]{0,3}(?:누구|이름|성함)|director|ceo|"
                           r"\bhead\b|chair", re.I)
# "어디" asks for an address only with these words; otherwise it asks which place/organisation.
_ADDRESS = re.compile(r"주소|위치|건물|찾아가|소재지|장소|어디서\s*(?:열|했|하나|해요|치러|개최)|"
                      r"어디(?:에)?\s*있|"
                      # where something is built or set up ("플랫폼은 어디에 구축한대요?")
                      r"어디(?:에|에다)?\s*(?:구축|설치|짓|지어|지은|세우|세워|세운|건립|들어서|조성)|"
                      r"어디로\s*(?:옮|이사|이전)|이사|"
                      r"본원|where is|located|address|office", re.I)
# "누가/누구" about an organisation's role (운영, 주관, GP), not a person's name.
_WHO_ORG = re.compile(r"운영|운용|주관|관리|맡|만들|만드|gp|참여|대상|manag|operat|run by|"
                      # a partner: "누구랑 같이 만드는 거임?", "협약 누구랑 맺었음?"
                      r"맺|협약|함께|같이|누구\s*(?:랑|와|하고)", re.I)
# Whether a charge is waived, not what it costs.
_WAIVED = re.compile(r"면제|무료|공짜|감면|waive|free of charge|for free", re.I)
_SINCE = re.compile(r"(?:생긴|만든|만들어진|세운|된)\s*(?:지|게)\s*얼마")
# "얼마" about a measure that is not money.
_MEASURE = re.compile(r"면적|넓이|크기|길이|거리|기간|걸려|걸리|동안|몇\s*배|배까지")


# Chat spelling of the polite ending: "되나여", "해여", "있어여" for 되나요, 해요, 있어요.
_CHAT_YO = re.compile(r"(?<=[가-힣])여(?=\s*[?!.~]|\s*$)")
# ...and of past / existential stems typed with ㅅ for ㅆ: "어디잇음", "언제엿음", "통과햇어".
_CHAT_SS = {"잇": "있", "엿": "였", "햇": "했", "됏": "됐", "됫": "됐", "왓": "왔", "갓": "갔",
            "봣": "봤", "줫": "줬", "셧": "셨", "쳣": "쳤", "랏": "랐", "럿": "렀", "댓": "댔",
            "겻": "겼", "섯": "섰", "웟": "웠", "떳": "떴", "켯": "켰", "렷": "렸"}
# (갓 only before an ending: "갓 창업한" is "just founded")
_CHAT_STEM = re.compile("(" + "|".join(s for s in _CHAT_SS if s != "갓")
                        + r")(?=[어음나니는던다고지을요]|\s|[?!.]|$)"
                        r"|(갓)(?=[어음나니는던다고지을요])")


# ...and of the question word 뭐: "머머 합쳐서 만든거임?", "이게 머임", "머가 달라?"
_CHAT_WHAT = re.compile(r"(?:(?<![가-힣])|(?<=뭐))머(?=머|임|야|예요|에요|가\s|냐|여|\?|\s|$)")


def chat_words(text: str) -> str:
    """Chat spellings of question words written out ("머머" -> 뭐뭐), before analysis: Kiwi
    reads "머머" as a name, which no document holds. (Past stems typed with ㅅ, "됏어요", are
    written out for kind detection only: written out before analysis too, they gained no
    spent eval turn and lost one, round 13.)"""
    return _CHAT_WHAT.sub("뭐", text.replace("머머", "뭐뭐"))


def chat_endings(question: str) -> str:
    """The question with chat spellings of endings written out, for kind detection."""
    stems = _CHAT_STEM.sub(lambda m: _CHAT_SS[m.group(1) or m.group(2)], chat_words(question))
    return _CHAT_YO.sub("요", stems)


_WHAT_TIME = re.compile(r"몇\s*시(?!간)|what time", re.I)
_UNTIL_RUNS = re.compile(r"언제까지\s*(?:운영|시행|진행|계속|유지|지원|해|하|돼|되|열|있)")
_APPLICATION = re.compile(r"신청|접수|모집|마감|지원서|apply|application", re.I)
# A question word that asks who, and one that asks when (a date noun alone does not).
_WHO_ASKED = re.compile(r"누가|누구|어느\s*(?:기관|곳|부처)|\bwho\b", re.I)
_WHEN_ASKED = re.compile(r"언제|며칠|몇\s*(?:월|일|년도)|어느\s*해|\bwhen\b|what (?:date|year)",
                         re.I)
_WHEN_PERIOD = re.compile(r"기간\s*(?:은|이|이요|은요)?\s*(?:언제|몇\s*월)")


# "지방세 몇 달 밀려 있는데 도약패키지 신청 돼요?": what the founder tells ends with 는데/인데;
# the kind of fact asked is read from what follows
# a case told in a sentence of its own ("평가는 안 받았어요. 그래도 …?") ends it the same way
_TOLD = re.compile(r"(?:는데|인데|은데|었는데|였는데|했는데|있는데|없는데)(?:요)?[,.]?\s+"
                   r"|(?<=[요다음함임])[.!]\s+(?=\S)")


def asked_clause(question: str) -> str:
    parts = _TOLD.split(question)
    rest = parts[-1].strip()
    return rest if len(parts) > 1 and len(rest) >= 4 else question


def detect_kinds(question: str) -> list[FactKind]:
    kinds = [kind for kind, cue in _KIND_CUES if cue.search(question)]
    if FactKind.PERSON in kinds and not _PERSON_TITLE.search(question) \
            and _WHO_ORG.search(question):
        kinds.remove(FactKind.PERSON)  # "누가 운영해?" asks for an organisation
    if FactKind.AMOUNT in kinds and _SINCE.search(question):
        kinds.remove(FactKind.AMOUNT)  # "생긴 지 얼마나 됐어?" asks since when, not a sum
    if FactKind.AMOUNT in kinds and _MEASURE.search(question) and not re.search(
            r"금액|지원금|예산|자금|돈|원\b|상금", question):
        kinds.remove(FactKind.AMOUNT)
    if FactKind.AMOUNT in kinds and _WAIVED.search(question) and not re.search(
            r"얼마|금액|how much", question, re.I):
        kinds.remove(FactKind.AMOUNT)  # "수수료 면제 되나요?" asks whether, not how much
    if FactKind.PLACE in kinds and not _ADDRESS.search(question):
        kinds.remove(FactKind.PLACE)  # "주관기관은 어디?" asks which organisation
    # "어디서 신청" is how to apply, not a place; "마감" is a deadline, not a generic date
    if FactKind.HOW_TO_APPLY in kinds and FactKind.PLACE in kinds:
        kinds.remove(FactKind.PLACE)
    if FactKind.DEADLINE in kinds and _UNTIL_RUNS.search(question) \
            and not _APPLICATION.search(question):
        # "언제까지 운영해?": when it ends, a year will do; a deadline is for applications
        if FactKind.DATE in kinds:
            kinds.remove(FactKind.DEADLINE)
        else:
            kinds[kinds.index(FactKind.DEADLINE)] = FactKind.DATE
    if FactKind.DURATION in kinds and _WHEN_PERIOD.search(question):
        # "신청 기간 언제야?": the dates of a period, not how long it lasts
        kinds.remove(FactKind.DURATION)
        if _APPLICATION.search(question) and FactKind.DEADLINE not in kinds:
            kinds.insert(0, FactKind.DEADLINE)
    if FactKind.DEADLINE in kinds and FactKind.DATE in kinds:
        kinds.remove(FactKind.DATE)
    if FactKind.HOURS in kinds and _WHAT_TIME.search(question):
        # "몇 시까지 전화 받아요?": the hours asked, by phone; not the number
        kinds.remove(FactKind.HOURS)
        kinds.insert(0, FactKind.HOURS)
        if FactKind.PHONE in kinds and not re.search(r"번호|연락처", question):
            kinds.remove(FactKind.PHONE)
    if FactKind.FAX in kinds and FactKind.PHONE in kinds:
        kinds.remove(FactKind.PHONE)
    if FactKind.EMAIL in kinds and FactKind.PLACE in kinds:
        kinds.remove(FactKind.PLACE)
    if FactKind.URL in kinds and FactKind.PLACE in kinds and re.search(r"주소", question) \
            and not re.search(r"도로명|우편|사무실|건물|위치|어디", question):
        kinds.remove(FactKind.PLACE)  # "홈페이지 주소" is a URL
    if FactKind.URL in kinds and FactKind.DATE in kinds and _WHEN_ASKED.search(question) \
            and not re.search(r"주소|링크|url|어디|address|link|where", question, re.I):
        # "K스타트업 포털은 몇 년도에 처음 열린 사이트예요?": when it opened, not its address
        kinds.remove(FactKind.URL)
    if FactKind.DATE in kinds and _WHO_ASKED.search(question) and not _WHEN_ASKED.search(
            question):
        # "지원 업종이랑 시기는 누가 정해?": who decides; 시기 is what they decide
        kinds.remove(FactKind.DATE)
    if FactKind.AGE in kinds and FactKind.ELIGIBILITY not in kinds and re.search(
            r"제한|이하|이상|까지|신청", question):
        kinds.append(FactKind.ELIGIBILITY)
    return kinds
