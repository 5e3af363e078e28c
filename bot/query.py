"""The question, analysed once: language, key terms, subject, the kind of fact asked, constraints.

Every later step (follow-up detection, support, sentence choice, eligibility, the prompt) reads
this one `AnalysedQuery` instead of detecting the language or running Kiwi again. Kiwi runs
once per question here (with its typo model; a second time only when a name was fixed, and for
an English question's own statements, bot/language.py), and the searcher analyses the query
text for its own two indexes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from bot.founder import (
    EN_FOUNDED,
    FOUNDED_BEFORE,
    FOUNDED_VERB,
    Founder,
    founder_from_question,
    statuses_in,
)
from bot.language import (
    EN_EVERYDAY,
    EnglishQuestion,
    detect_language,
    proper_words,
    read_english,
)
from bot.regions import PROVINCE_OF, place_words, province
from bot.timeframe import asked_year
from knowledge.korean import KoreanAnalyzer


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
    (FactKind.URL, re.compile(r"홈페이지|누리집|웹\s*사이트|사이트|링크|url|website|web\s*site|"
                              r"homepage", re.I)),
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
                                  r"프로(?!그램|젝트|세스)|자부담률|부담률|금리|이자율|몇\s*배|"
                                  r"[가-힣]{1,3}(?<!효)(?:률|율)(?=[은는이가을를도]?\s|[?]|$)|"
                                  r"몇\s*대\s*(?:1|일)|competition rate|acceptance rate|"
                                  r"percent|ratio|share of|what share|\brate\b|how many times",
                                  re.I)),
    (FactKind.AGE, re.compile(r"나이|몇\s*살|연령|age\s*limit|how old|\bage\b", re.I)),
    (FactKind.DEADLINE, re.compile(r"마감|언제까지|기한|deadline|due\b|until when|closing",
                                   re.I)),
    (FactKind.DURATION, re.compile(r"얼마\s*동안|얼마나\s*걸|며칠|몇\s*(?:년|개월|달)(?!\s*도)|"
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
                                 r"사용료|요금|임대료|관리비|가입비|회비|월세|보증금|\bfees?\b|\bcost\b|\bcharge|\brent\b",
                                 re.I)),
    (FactKind.DATE, re.compile(r"언제|날짜|시기|몇\s*월|몇\s*년도|어느\s*해|일정|개소|개원|출범|"
                               r"when|what date|what year|since when|schedule", re.I)),
    (FactKind.PLACE, re.compile(r"어디|위치|주소|장소|소재|where|address|located|location", re.I)),
    (FactKind.ELIGIBILITY, re.compile(r"대상|자격|조건|요건|신청\s*(?:할\s*수|가능|돼|되나|되요|"
                                      r"될까)|"
                                      r"받을\s*수\s*있|할\s*수\s*있(?:나|어|을까)|돼요|되나요|되나\?|"
                                      r"가능(?:한가|해|할까|\?)|"
                                      r"eligib|qualif|can\s+(?:i|we)\s+(?:still\s+)?(?:apply|get|join)|"
                                      r"requirement", re.I)),
    (FactKind.ORGANISATION, re.compile(
        r"어느\s*(?:기관|곳|단체)|(?:기관|운영사|주관|운영|담당)[은는이가\s]{0,3}(?:어디|누구|누가)|"
        r"(?:운용사|운영사|기관|회사|업체|협업사)[은는이가의\s]{0,3}(?:이름|명단|목록)|"
        r"누가\s*(?:운영|주관|맡|관리|운용)|which (?:organi[sz]ation|body|agency|institution)|"
        # "대상 받은 팀 어디예요?", "선정된 기업은 어디?": the names of the winners
        r"(?:(?:받은|수상한|우승한|탄|뽑힌)\s*|우승\s*)(?:팀|기업|회사|업체|스타트업)(?:은|는|이|가|들은)?"
        r"\s*(?:어디|어느\s*곳|누구)|"
        r"which (?:team|company|companies|startups?) (?:won|were|was)|"
        r"who (?:runs|operates|hosts|manages)", re.I)),
    (FactKind.STATUS, re.compile(
        r"(?:요즘|지금|현재)\s*도|여전히|아직(?:도)?(?=[^?.]{0,15}(?:하나요|해요|하나|있나요|있어요|"
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
_ADDRESS = re.compile(r"주소|위치|건물|찾아가|소재지|장소|어디서\s*열|어디(?:에)?\s*있|"
                      r"어디로\s*(?:옮|이사|이전)|이사|"
                      r"본원|where is|located|address|office", re.I)
# "누가/누구" about an organisation's role (운영, 주관, GP), not a person's name.
_WHO_ORG = re.compile(r"운영|운용|주관|관리|맡|만들|gp|참여|대상|manag|operat|run by", re.I)
# Whether a charge is waived, not what it costs.
_WAIVED = re.compile(r"면제|무료|공짜|감면|waive|free of charge|for free", re.I)
# "얼마" about a measure that is not money.
_MEASURE = re.compile(r"면적|넓이|크기|길이|거리|기간|걸려|걸리|동안|몇\s*배|배까지")

# Clearly outside the domain, whatever words they share with it (weather, lottery, share prices).
_OFF_TOPIC = re.compile(r"날씨|우산|로또|주가|주식\s*(?:전망|시세)|환율|맛집|레시피|요리|운세|"
                        r"weather|lottery|stock price|share price|exchange rate|recipe|horoscope|"
                        # advice on what securities to buy, not support programmes
                        r"\betfs?\b|코인|비트코인|가상화폐|[가-힣]{1,6}주\s*(?:뭐|어떤\s*거|추천)|"
                        r"(?:주식|종목)\s*(?:추천|뭐|어떤)|뭐\s*사(?:면|야)\s*(?:대박|돈|수익|오를)|"
                        r"which (?:stocks?|shares|coins?)|crypto|bitcoin|stocks? to buy|"
                        r"(?:buy|sell)\s+(?:\w+\s+){0,3}(?:shares|stocks?)|"
                        # shopping advice (found after heldout5's clean reading)
                        r"recommend\s+(?:me\s+)?(?:a|an|some)\s+(?:good\s+)?(?:laptop|phone|"
                        r"camera|car)|노트북\s*추천|"
                        # help to cheat a programme (inflated sales, forged papers)
                        r"부풀려|부풀리|허위\s*(?:로|서류|기재|작성)|위조|조작해|들키지\s*않|"
                        r"\b(?:inflate|falsify|forge|fake)\b|"
                        # tasks that are not questions about the documents
                        r"(?:로고|포스터|명함|디자인|그림)[^?.]{0,10}(?:만들어|그려|디자인해)\s*(?:줘|주세요|줄래)|"
                        r"(?:design|draw|write me|translate)\b[^?.]{0,20}\b(?:logo|poster|essay|"
                        r"code|program)",
                        re.I)

# Questions about the bot itself or that try to change its instructions (item 7).
_META = re.compile(
    r"(?:이전|앞|위|모든|기존)\s*(?:의\s*)?(?:지시|명령|규칙|지침|프롬프트)[^.?!]{0,12}(?:무시|잊|따르지)"
    r"|(?:시스템|system)\s*(?:프롬프트|prompt|메시지|message)"
    r"|(?:너|당신|봇|챗봇)(?:의|가|는|이)?\s*(?:받은\s*|시스템\s*|내부\s*)?"
    r"(?:지시|지침|규칙|프롬프트|설정|명령|instruction)"
    r"|프롬프트(?:를|을|가|는)?\s*(?:알려|보여|공개|출력|말해)"
    r"|(?:지시문|지침|규칙|instructions?|prompt)(?:을|를)?\s*(?:그대로\s*)?(?:알려|보여|공개|출력|"
    r"말해|reveal|show|print|repeat)"
    r"|ignore\s+(?:all\s+|the\s+|any\s+)?(?:previous|prior|above|earlier)\s+instructions"
    r"|disregard\s+(?:all\s+|the\s+)?(?:previous|prior|above)"
    r"|(?:your|the)\s+(?:system\s+)?(?:prompt|instructions|rules)\b"
    r"|jailbreak|developer\s+mode|역할\s*(?:을|를)?\s*바꿔|너는\s*이제|you\s+are\s+now\b"
    r"|(?:지금부터|이제부터)\s*(?:너는|넌|당신은)|(?:제한|규칙|검열)\s*(?:없는|없이)\s*(?:ai|AI|봇|인공지능)"
    r"|pretend\s+(?:you|to\s+be)|act\s+as\s+(?:a|an)\b"
    # what the bot is and who made it ("너 무슨 AI 모델 쓰는 거야?", "who built you")
    r"|(?:너|넌|당신|봇|챗봇)\s*(?:은|는)?\s*(?:무슨|어떤|뭔)\s*(?:ai|모델|인공지능|gpt|llm|엔진)"
    r"|(?:너|널|너를|당신|당신을)\s*(?:누가|어디서|어느\s*회사가?)\s*만들"
    r"|(?:누가|어디서)\s*(?:너|널|너를|당신을?)\s*만들"
    r"|(?:what|which)\s+(?:ai|model|llm)\s+(?:are\s+you|do\s+you\s+use)"
    r"|who\s+(?:made|built|created|trained)\s+you",
    re.I,
)

# Words that ask about an attribute rather than name a subject (shared with follow-up detection).
ATTRIBUTE_TERMS = frozenset([
    "신청", "기간", "금액", "지원금", "대상", "조건", "자격", "서류", "일정", "마감", "한도",
    "규모", "절차", "문의", "연락처", "비용", "기준", "접수", "선정", "혜택", "요건", "지원",
    "기관", "장소", "주소", "전화", "모집", "시기", "날짜", "제출", "평가", "결과", "발표",
    "사업", "프로그램", "트랙", "주관", "운영", "번호", "전화번호", "나이", "연령", "인원",
    "위치", "홈페이지", "사이트", "누리집", "팩스", "이메일", "메일", "방법", "담당", "담당자",
    "올해", "작년", "내년", "금년", "차이", "비율", "예산", "자금", "돈", "연도", "마감일",
    "application", "apply", "period", "amount", "deadline", "eligibility", "eligible",
    "requirement", "requirements", "documents", "contact", "support", "much", "many", "does", "do",
    "can", "get", "give", "it", "that", "this", "program", "programme", "then", "year",
    "phone", "number", "address", "website", "email", "fax", "age", "limit",
    "their", "they", "them", "its", "there", "those", "these",  # English follow-ups
])


@dataclass
class AnalysedQuery:
    """One question after analysis. `text` is what retrieval searches (typos fixed, a
    follow-up's subject filled in); `question` is what the user typed."""

    question: str
    text: str
    language: str
    key_terms: dict[str, str]  # term -> Kiwi tag
    kinds: list[FactKind]
    subject_terms: list[str]  # key terms naming what the question is about
    year: int | None = None
    relative_year: int | None = None  # 0 = 올해, -1 = 작년, 1 = 내년
    founder: Founder = field(default_factory=Founder)
    region: str | None = None
    meta: bool = False
    off_topic: bool = False
    typo_fixes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def kind(self) -> FactKind | None:
        return self.kinds[0] if self.kinds else None

    def wants(self, *kinds: FactKind) -> bool:
        return any(k in self.kinds for k in kinds)


# Nouns that ask for the verdict itself when the founder gives their own numbers ("창업기업으로
# 인정돼요?", "대상에 해당돼요?", "적용되나요?"): not a topic the documents must hold.
VERDICT_NOUNS = frozenset({"인정", "해당", "적용", "포함", "가능", "허용", "충족", "통과"})

# The founder's own size class ("중견기업인데"): what they are, not what they ask about.
_SIZE_WORDS = frozenset({"중견기업", "중소기업", "대기업", "중견", "중소", "기업"})

# The founder's own registration ("카페 사업자 내고 2년째"): their status, not the topic.
_STATUS_WORDS = frozenset({"사업자", "사업자등록", "법인", "개업", "설립"})

# Years that describe the founder ("1990년생", "2022년 12월에 법인 세웠는데", "작년에 등록"),
# not the year the question is about.
_FOUNDER_YEARS = re.compile(FOUNDED_BEFORE + r"(?:19|20)?\d{2}\s*년|"
                            r"(?:19|20)\d{2}\s*년\s*(?:\d{1,2}\s*월\s*(?:\d{1,2}\s*일\s*)?)?생|(?:19|"
                            r"20)\d{2}\s*년\s*\d{1,2}\s*월\s*(?:에)?|"
                            r"(?:19|20)\d{2}\s*년\s*(?:도)?\s*(?:에|쯤)?\s*(?:법인|사업자|회사)?\s*"
                            r"(?:을|를)?\s*(?=" + FOUNDED_VERB + r")|"
                            r"(?i:" + EN_FOUNDED + r")(?:19|20)\d{2}\b|"
                            r"작년에|지난해에|올해\s*(?:초|봄|창업|개업|등록)|"
                            # "We exported 2 million dollars last year": the founder's own year
                            r"(?i:\b(?:we|i)\b[^.?!]{0,50}?\b(?:last|this) year\b)|"
                            # "작년 수출 150만불이고": the year of the founder's own figure
                            r"(?:작년|지난해|전년도?|올해)\s*(?:의|에)?\s*[가-힣]{1,6}(?:이|가|은|는)?\s*"
                            r"(?=\d[\d.,]*\s*(?:(?:조|억|천만|백만|만|천)\s*(?:원|달러|불)?|원|달러|"
                            r"불|%))")

_REGIONS = re.compile(r"(서울|부산|대구|인천|광주|대전|울산|세종|경기|강원|충남|충청남도|전북|전남|"
                      r"경북|경남|제주|충북|충청북도|청주|충주|제천|오창|오송|음성|진천|괴산|보은|"
                      r"옥천|영동|증평|단양)")

# Place names a founder may name as the answer to "where" ("판교에 있나?").
_PLACE_NAME = re.compile(r"(?:서울|부산|대구|인천|광주|대전|울산|세종|경기|강원|충남|전북|전남|"
                         r"경북|경남|제주|충북|청주|충주|제천|오창|오송|음성|진천|괴산|보은|옥천|영동|"
                         r"증평|단양|판교|강남|성수동?|수원|천안|분당|송도|여의도)")


class QueryAnalyzer:
    def __init__(self, analyzer: KoreanAnalyzer) -> None:
        self.analyzer = analyzer
        self._names = analyzer.typos.names  # programme / organisation names (user dict, aliases)

    def analyse(self, question: str, today: date, *, text: str | None = None,
                language: str | None = None) -> AnalysedQuery:
        """`text` (a follow-up rewritten with its subject) replaces the question for retrieval
        and key terms; kinds and constraints are read from the question as typed, plus `text`."""
        language = language or detect_language(question)
        english = read_english(question) if language == "en" and text is None else None
        fixed, tagged, fixes = self.analyzer.analyse_query(
            english.text if english else text if text is not None else question)
        own_text = ""
        if english and english.own:
            fixed, tagged, own_text = self._with_own_names(english, fixed, tagged)
        asked = question if text is None else f"{text} {question}"
        kinds = (detect_kinds(english.asked) if english else []) \
            or detect_kinds(chat_endings(_asked_clause(question))) \
            or detect_kinds(chat_endings(question)) or (detect_kinds(text) if text else [])
        # "23년에 받았는데 25년에 또 신청해도 돼요?": the year asked, not the one told
        year, relative = asked_year(_asked_clause(asked), today)
        if year is None:
            year, relative = asked_year(asked, today)
        founder = founder_from_question(question, today.year, today.month)
        if not founder.statuses and fixed != question and (
                own := statuses_in(f"{fixed} {own_text}")):
            founder = replace(founder, statuses=own)  # "the largest shareholder" -> 최대주주
        if not founder.empty:
            # the founder's own numbers and home region are not what the documents hold
            own = {str(int(n)) for n in (founder.age, founder.years, founder.birth_year,
                                          founder.closed_years, founder.members,
                                          founder.founded_year) if n is not None}
            if founder.founded:
                own |= {str(n) for n in founder.founded} | {str(founder.founded[0])[2:]}
            if founder.founded_day is not None:
                own.add(str(founder.founded_day))
            if founder.birth_year is not None:  # "87년생"
                own.add(str(founder.birth_year)[2:])
            placed = {w.lower() for w in place_words(asked)} if founder.region else set()
            tagged = {t: tag for t, tag in tagged.items()
                      if t not in own and t not in ("살", "세", "차", "천", "만", "억")
                      and not (tag in ("SN", "NR") and (founder.invested or founder.sales
                                                        or founder.values))
                      and not (tag == "NR" and founder.age is not None)  # "서른다섯"
                      and t != (founder.region or "").lower()
                      # where the founder is; 충북 names the corpus's own programmes
                      and not (founder.region is not None and t in PROVINCE_OF
                               and province(t) != "충북")
                      and t not in placed
                      and t not in VERDICT_NOUNS
                      and not (founder.size and t in _SIZE_WORDS)
                      and not (founder.registered is not None and t in _STATUS_WORDS)}
            year, relative = asked_year(_FOUNDER_YEARS.sub(" ", asked), today)
        # where the founder is, told with a question of another kind ("My company is in
        # Okcheon. What's the special industry there?"), asks no verdict
        placed_only = founder.region is not None and replace(founder, region=None).empty
        # a figure asked with the founder's circumstances ("청주 법인인데 자부담 몇 %?") asks
        # the figure, not a verdict
        # (a figure that depends on the founder's own numbers, "매출 3억 안 되면 보조율 몇 %?",
        # is still picked by the rule that fits them)
        told = replace(founder, region=None, registered=None, size=None)
        figure = any(k in _FIGURE_ASKED for k in kinds) and not _VERDICT_CUE.search(question) \
            and told.empty
        if not founder.empty and FactKind.ELIGIBILITY not in kinds \
                and not (placed_only and kinds) and not figure:
            kinds.append(FactKind.ELIGIBILITY)
        if year is not None:  # the year is a constraint (bot/timeframe.py), not a topic word
            tagged = {t: tag for t, tag in tagged.items() if t not in (str(year), str(year)[2:])}
        # what a count is counted in ("몇 개 회사가", "몇 개 기관"): the unit, not a topic
        units = {m.group(1) for m in _COUNTED.finditer(question)}
        tagged = {t: tag for t, tag in tagged.items() if t not in units}
        region = _REGIONS.search(asked)
        if english:
            # "for startups", "the company": a glossary word in an English question is an
            # everyday word, not the name of what is asked about
            tagged = {t: ("NNG" if tag == "NNP" and t in EN_EVERYDAY and t not in question
                          else tag) for t, tag in tagged.items()}
        subject = self.subject_terms(tagged, scene=founder.empty, question=asked)
        if english and english.locators and not english.refers_back \
                and any(t not in english.locators for t in subject):
            # "the battery center in Ochang": the place locates the named thing; the sentence
            # about that thing need not repeat it (it still counts as a key term)
            subject = [t for t in subject if t not in english.locators]
        if FactKind.PLACE in kinds:
            # "판교에 있나?": a place named in a question about where something is, is the
            # answer being checked, not the subject
            places = [t for t in subject if _PLACE_NAME.fullmatch(t)]
            if places and len(places) < len(subject):
                subject = [t for t in subject if t not in places]
        return AnalysedQuery(
            question=question, text=fixed, language=language, key_terms=tagged, kinds=kinds,
            subject_terms=subject, year=year, relative_year=relative,
            founder=founder, region=region.group(1) if region else None,
            meta=bool(_META.search(question)), off_topic=bool(_OFF_TOPIC.search(question)),
            typo_fixes=fixes)

    def _with_own_names(self, english: EnglishQuestion, fixed: str, tagged: dict[str, str]
                        ) -> tuple[str, dict[str, str], str]:
        """An English question's key terms plus the names its founder's statements give ("I
        put 50 million won into a venture investment fund (벤처투자조합)."): a programme or fund
        named there is still what the answer must be about. Their region, size and trade
        ("We're a small manufacturer in Cheongju.") are constraints, not key terms. Also the
        statements' translated text (for the founder's statuses: "the largest shareholder")."""
        own_fixed, own_tagged, _ = self.analyzer.analyse_query(english.own)
        written = {t.lower() for t in re.findall(r"[가-힣A-Za-z]{2,}", english.own)
                   if re.search(r"[가-힣]", t) or t.isupper()}
        kept = {t: tag for t, tag in own_tagged.items() if t not in tagged
                and not _REGIONS.fullmatch(t) and t not in _SIZE_WORDS
                and (t in self._names or any(t in w for w in written))}
        if kept:
            fixed = f"{fixed} {' '.join(kept)}"
            tagged = {**tagged, **kept}
        return fixed, tagged, own_fixed

    def subject_terms(self, tagged: dict[str, str], *, scene: bool = False,
                      question: str = "") -> list[str]:
        """What the question is about: the programme / organisation names it gives, else its
        topic words (key terms that are not attributes such as 금액 or 마감). With `scene`, a
        region that is the only name given sets the scene and the topic words stay."""
        topic = [t for t in tagged if t not in ATTRIBUTE_TERMS and not _plain_number(t)]
        proper = proper_words(question)
        if any(tagged[t] != "SL" for t in topic):
            # an English word left untranslated ("run", "own") names no subject of a question
            # whose subject is in Korean; an acronym ("AI", "KOTRA") still does
            topic = [t for t in topic if tagged[t] != "SL" or t in self._names or t in proper
                     or re.search(rf"\b{re.escape(t.upper())}\b", question)]
        named = [t for t in topic if t in self._names or (tagged[t] in ("NNP", "SH")
                                                          and len(t) >= 2)
                 or (tagged[t] == "SL" and t in proper)]  # "the Start-Up Invest Challenge"
        if scene and named and all(_REGIONS.fullmatch(t) for t in named):
            # "충북 공유공장 입주 신청은?": the region sets the scene; the subject is 공유공장
            common = [t for t in topic if t not in named and tagged[t] == "NNG" and len(t) >= 2]
            if common:
                return topic
        return named or topic

    def names_subject(self, tagged: dict[str, str]) -> bool:
        """Whether the key terms name a programme or organisation of their own: a proper noun,
        a foreign word or a name from the domain dictionary."""
        return any(tag in ("NNP", "SL", "SH") or term in self._names
                   for term, tag in tagged.items() if term not in ATTRIBUTE_TERMS)


# Chat spelling of the polite ending: "되나여", "해여", "있어여" for 되나요, 해요, 있어요.
_CHAT_YO = re.compile(r"(?<=[가-힣])여(?=\s*[?!.~]|\s*$)")
# ...and of past / existential stems typed with ㅅ for ㅆ: "어디잇음", "언제엿음", "통과햇어".
_CHAT_SS = {"잇": "있", "엿": "였", "햇": "했", "됏": "됐", "왓": "왔", "갓": "갔", "봣": "봤",
            "줫": "줬", "셧": "셨", "쳣": "쳤", "랏": "랐", "럿": "렀"}
_CHAT_STEM = re.compile("(" + "|".join(_CHAT_SS) + r")(?=[어음나니는던다고지을요]|\s|[?!.]|$)")


def chat_endings(question: str) -> str:
    """The question with chat spellings of endings written out, for kind detection."""
    return _CHAT_YO.sub("요", _CHAT_STEM.sub(lambda m: _CHAT_SS[m.group(1)], question))


def _plain_number(term: str) -> bool:
    """A year, a small count or a unit ("2026", "3", "39세") says nothing about the subject;
    a number such as "1357" (the call centre) can be the subject."""
    match = re.fullmatch(r"(\d+)(년|월|일|세|살)?", term)
    if not match:
        return False
    value = int(match.group(1))
    return bool(match.group(2)) or value < 100 or 1900 <= value <= 2099


_FIGURE_ASKED = frozenset({FactKind.AMOUNT, FactKind.PERCENT, FactKind.COUNT, FactKind.DATE,
                           FactKind.DEADLINE, FactKind.PLACE, FactKind.PHONE, FactKind.URL,
                           FactKind.PERSON, FactKind.HOURS})
_VERDICT_CUE = re.compile(r"가능|돼요|되나|될까|되요|돼\?|되는지|할\s*수\s*있|받을\s*수|대상|자격|"
                          r"해당|eligible|can i|can we|could we|could i", re.I)
_COUNTED = re.compile(r"몇\s*(?:개\s*)?(회사|기업|업체|기관|군데|나라|국가)")
_WHAT_TIME = re.compile(r"몇\s*시(?!간)|what time", re.I)
_UNTIL_RUNS = re.compile(r"언제까지\s*(?:운영|시행|진행|계속|유지|지원|해|하|돼|되|열|있)")
_APPLICATION = re.compile(r"신청|접수|모집|마감|지원서|apply|application", re.I)
_WHEN_PERIOD = re.compile(r"기간\s*(?:은|이|이요|은요)?\s*(?:언제|몇\s*월)")


# "지방세 몇 달 밀려 있는데 도약패키지 신청 돼요?": what the founder tells ends with 는데/인데;
# the kind of fact asked is read from what follows
_TOLD = re.compile(r"(?:는데|인데|은데|었는데|였는데|했는데|있는데|없는데)(?:요)?[,.]?\s+")


def _asked_clause(question: str) -> str:
    parts = _TOLD.split(question)
    rest = parts[-1].strip()
    return rest if len(parts) > 1 and len(rest) >= 4 else question


def detect_kinds(question: str) -> list[FactKind]:
    kinds = [kind for kind, cue in _KIND_CUES if cue.search(question)]
    if FactKind.PERSON in kinds and not _PERSON_TITLE.search(question) \
            and _WHO_ORG.search(question):
        kinds.remove(FactKind.PERSON)  # "누가 운영해?" asks for an organisation
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
    if FactKind.AGE in kinds and FactKind.ELIGIBILITY not in kinds and re.search(
            r"제한|이하|이상|까지|신청", question):
        kinds.append(FactKind.ELIGIBILITY)
    return kinds
