"""The founder's own facts in a question ("저 52살인데", "창업 6년 차", "연구개발비가 3천만원인데",
"based in Seoul"): what `bot/eligibility.py` compares with the rules the documents state.

Hand-written regular expressions: founders state these facts in a few fixed Korean (and
English) patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.measures import Measure, own_values
from bot.regions import founder_place


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
    birth_md: tuple[int, int] | None = None  # month and day of birth, when given (day 0: unknown)
    size: str | None = None  # the company's size class: 중소 / 중견 / 대기업
    foreign: bool | None = None  # a foreign national (False: a Korean national)
    requested: float | None = None  # the sum the founder wants to receive, in won
    requested_of: str = ""  # the words just before that sum ("글로벌 팁스로 R&D")
    budget: float | None = None  # the project's total budget, in won ("총사업비 1억 2천 잡으면")
    held_years: float | None = None  # years since a certificate was granted ("24년 3월에 받았")
    capital: float | None = None  # the company's paid-in capital, in won ("자본금 10억")
    share: float | None = None  # a part of a whole the founder tells, in % ("200억 중에 16억")
    # a rate the founder claims ("70% 정부가 내줬어요?") and the sum above which it is asked
    # ("5천 넘는 3천만원도 70%로"): checked against a table of bands, never alone
    percent: float | None = None
    above: float | None = None
    statuses: tuple[str, ...] = ()  # what the founder is that rules exclude (최대주주, 체납, ...)
    closed_months: float | None = None  # months between closing a business and the call
    times: int | None = None  # how many times the founder would use a programme ("두 번 받을")
    # the day the founder applied or would apply ("2월 25일에 냈으면"): (year or 0, month, day)
    submitted: tuple[int, int, int] | None = None
    # other measured values with what they measure ("연구개발비가 3천만원", bot/measures.py)
    values: tuple[tuple[tuple[str, ...], Measure], ...] = ()
    # `years` (and `age`) were counted from a date the founder told, up to today: `as_of`
    # counts them again up to a past call's date
    counted: bool = False
    # False: a first business, never closed one ("처음 창업했고 폐업해 본 적은 없어요")
    restarted: bool | None = None

    @property
    def empty(self) -> bool:
        return all(v is None for v in (
            self.age, self.years, self.registered, self.birth_year, self.founded, self.region,
            self.closed_years, self.degree, self.invested, self.sales, self.members,
            self.size, self.times, self.foreign, self.requested, self.closed_months,
            self.held_years, self.capital, self.submitted, self.share, self.restarted)
        ) and not self.values and not self.statuses


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
# The founding named before its date: "개업일이", "설립한 게", "창업한 날이", "사업자 낸 건"
FOUNDED_BEFORE = (r"(?:(?:법인\s*)?(?:설립\s*)?등기일|개업\s*연월일|개업일|설립일|창업일|등록일|"
                  r"개업|설립|창업|사업자\s*(?:등록|낸))"
                  r"(?:이|은|는|도|(?:한|된|했던|낸)\s*(?:게|건|것은|날(?:이|은)?|날짜(?:가|는)?|"
                  r"때(?:가|는)?|시점(?:이|은)?))?\s*")
_Q_FOUNDED_DATE = re.compile(FOUNDED_BEFORE + r"((?:19|20)?\d{2})\s*년\s*(\d{1,2})\s*월"
                             r"(?:\s*(\d{1,2})\s*일)?")
# "설립한 게 2021년이면", "창업 연도가 2020년": the year alone, the verb before it
_Q_FOUNDED_YEAR_AFTER = re.compile(r"(?:개업|설립|창업|사업자\s*(?:등록|낸))\s*(?:연도|년도|일)?"
                                   r"(?:이|은|는|가|도|(?:한|된|했던|낸)\s*(?:게|건|것은|해(?:가|는)?|"
                                   r"연도(?:가|는)?|년도(?:가|는)?|시점(?:이|은)?))\s*"
                                   r"((?:19|20)\d{2})\s*년(?!\s*\d{1,2}\s*월)")
# "3년 전에 창업했어요", "2 years ago": years in business counted back from today
_Q_YEARS_AGO = re.compile(r"(\d+)\s*년\s*(반\s*)?전(?:에|쯤)?\s*(?:에\s*)?(?:법인|사업자|회사)?\s*"
                          r"(?:을|를)?\s*" + FOUNDED_VERB)
# "I started my company in 2022", "founded in 2021"
EN_FOUNDED = (r"(?:started|founded|incorporated|registered|set up|opened|launched)"
              r"[^.?]{0,30}?\bin\s+")
_Q_EN_FOUNDED = re.compile(EN_FOUNDED + r"((?:19|20)\d{2})\b", re.I)
_Q_YEARS = re.compile(r"업력[^\d]{0,6}(\d+)\s*년"
                      r"|(?:창업|설립|개업|사업)(?![가-힣]*(?:학교|패키지|팩|센터|펀드|대학|지원))"
                      r"[^\d]{0,6}(\d+)\s*년\s*(?:차|째|됐|되었|된|지났|이|인데|이에요|입니다"
                      r"|(?=\s*(?:\d{1,2}\s*개월|반)))"
                      r"|(\d+)\s*년\s*(?:차|째)|(\d+)\s*년\s*(?:된|됐|되었|지났|넘었)"
                      r"|(\d+)\s*years?\s*(?:since|ago|in business)"
                      r"|(?:company|startup|business|firm)\s+is\s+(\d+)\s*years?\s*old"
                      r"|(?:in business|operating|running)\s+(?:for\s+)?(\d+)\s*years?", re.I)
_Q_UNREGISTERED = re.compile(r"사업자\s*(?:등록)?\s*(?:을|도|은)?\s*(?:안|없|아직|전)"
                             r"|예비\s*재?창업자(?:인데|예요|이에요|입니다|로)|not\s+(?:yet\s+)?registered"
                             r"|no business registration|haven'?t registered|have not registered"
                             r"|without (?:a )?business registration", re.I)
_Q_REGISTERED = re.compile(r"(?:사업자\s*(?:등록)?[^.?]{0,6}(?:했|있|냈|마쳤)|"
                           # "법인 등기는 벌써 했고": registered as a company
                           r"법인\s*(?:설립)?\s*등기(?:는|를|도)?\s*(?:벌써|이미|먼저)?\s*(?:했|마쳤|냈)|"
                           r"법인\s*(?:인데|"
                           r"이에요|입니다|"
                           r"대표))"
                           r"|registered|incorporated", re.I)


_BORN = r"(?:생|출생|에\s*태어)"
_MONTH_DAY = r"(?:\d{1,2}\s*월\s*(?:\d{1,2}\s*일\s*)?)?"
_Q_BIRTH = re.compile(r"((?:19|20)\d{2})\s*년\s*" + _MONTH_DAY + _BORN
                      + r"|born in ((?:19|20)\d{2})"
                      r"|(?<![\d.])(\d{2})\s*년\s*" + _MONTH_DAY + _BORN, re.I)
# the month and day of a birth date, when given ("1984년 3월 2일생")
_Q_BIRTH_DAY = re.compile(r"(?:19|20)?\d{2}\s*년\s*(\d{1,2})\s*월\s*(?:(\d{1,2})\s*일\s*)?" + _BORN)
_Q_FOUNDED = re.compile(r"(?<![\d.])((?:19|20)?\d{2})\s*년\s*(\d{1,2})\s*월\s*"
                        r"(?:(\d{1,2})\s*일\s*)?"
                        # "1월 말에", "11월 초에", "4월에 다시 차렸어요", "개인사업자 냈어요"
                        r"(?:(?:초순|중순|하순|초|말|말경|께)\s*)?(?:에|쯤)?\s*"
                        r"(?:(?:다시|새로|처음)\s*)?(?:(?:(?:개인\s*)?(?:법인|사업자|회사)\s*)?"
                        r"(?:을|를|등록|등기)?\s*(?:을|를)?\s*(?:세웠|설립|창업|개업|등록|등기|냈|"
                        r"차렸|만들|재창업)|"
                        # "2019년 9월에 개인사업자로 시작했는데": started as a business
                        r"(?:개인\s*)?(?:법인|사업자|회사)(?:로|으로)\s*(?:시작|출발))")
# The company's own size class: "중견기업인데", "We're a mid-sized company", "저희는 대기업".
_Q_SIZE = re.compile(r"(?:저희|우리|we\s*(?:'re|are)|our company is|i run)[^.?!]{0,30}?"
                     r"(중견\s*기업|대기업|중소\s*기업|mid-?sized|midsize|large company|sme\b)"
                     r"|(중견\s*기업|대기업|중소\s*기업)\s*(?:인데|이에요|입니다|이고|이라)", re.I)
_SIZES = {"중견기업": "중견", "mid-sized": "중견", "midsized": "중견", "midsize": "중견",
          "대기업": "대기업", "large company": "대기업", "중소기업": "중소", "sme": "중소"}
# How many times: "두 번 받을 수 있어요?", "2회 신청", "apply twice".
_NATIVE_COUNT = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5}
_Q_TIMES = re.compile(r"(\d+|한|두|세|네|다섯)\s*(?:번|회)(?:\s*(?:째|이나|씩|연속|이상))?\s*"
                      r"(?:을|를|도)?\s*(?:받|신청|지원|참가|참여|나가|이용)"
                      r"|\b(twice|two times|three times)\b", re.I)
# a nationality named by country ("베트남 사람이고", "중국 국적인데"): a short list of the
# countries founders in Korea most often come from, not a gazetteer
_COUNTRIES = (r"베트남|중국|미국|일본|인도|몽골|우즈베키스탄|우즈벡|필리핀|태국|인도네시아|러시아|"
              r"캐나다|프랑스|독일|영국|호주|대만|네팔|파키스탄|방글라데시|카자흐스탄|말레이시아")
_Q_FOREIGN = re.compile(r"(외국인|외국\s*국적|foreigner|foreign national|not korean|"
                        r"(?:" + _COUNTRIES + r")\s*(?:사람|국적|출신|인(?=이|인데|입니다)))"
                        r"|(한국\s*국적|내국인|한국\s*사람|korean (?:citizen|national))", re.I)
# The sum the founder wants: "1,200만원 받는 거 가능해요?" (not an investment or sales figure).
_Q_REQUESTED = re.compile(r"(?<!투자)(?<!매출)\s([\d.,]+\s*(?:억|천만|백만|만|천)"
                          r"(?:\s*[\d.,]+\s*(?:천만|천|백만|백|만))?\s*원?)\s*"
                          r"(?:어치(?:\s*[가-힣]{1,4}(?:를|을)?)?|전액|모두|전부|다)?\s*"
                          r"(?:을|를|이나|씩|까지|이나\s*받|정도)?\s*(?:더\s*)?"
                          r"(?:(?:지원|매칭)\s*)?받(?:는|을|아도|으면|고)")
_Q_BUDGET = re.compile(r"사업비(?:를|는|은|가|을|로)?\s*([\d.,]+\s*(?:억|천만|백만|만|천)"
                       r"(?:\s*[\d.,]+\s*(?:천만|천|백만|만))?\s*원?)")
_Q_EN_REQUESTED = re.compile(r"\b(?:get|got|receive|received|be given|apply for)\s+"
                             r"(?:up to\s+|as much as\s+)?"
                             r"(\d[\d.,]*)\s*(million|billion)\s*won\b", re.I)
# a certificate granted on a month, asked whether it still holds
_Q_GRANTED = re.compile(r"((?:19|20)?\d{2})\s*년\s*(\d{1,2})\s*월에?\s*(?:[가-힣A-Za-z]+\s*){0,3}?"
                        r"(?:확인|인증|지정|등록|승인)(?:을|를|서)?\s*(?:받았|받은|받고|났|됐)"
                        r"(?=[^?]*(?:유효|아직|지금도|만료|살아))")
# the day the founder applied: "2월 25일에 냈으면", "3월 5일에 접수해도", "2월 10일에 넣었는데"
_Q_SUBMITTED = re.compile(r"(?:((?:20)?\d{2})\s*년\s*)?(\d{1,2})\s*월\s*(\d{1,2})\s*일\s*"
                          r"(?:에|날|쯤)?\s*"
                          r"(?:[가-힣]+\s*){0,2}?(?:냈|내(?:도|면|려)|넣(?:었|으면|어도|으려)|"
                          r"접수(?:했|하면|해도|하려)|신청(?:했|하면|해도|하려)|제출(?:했|하면|해도))")
# "투자는 아직 한 푼도 못 받았어요": no investment yet
_Q_NOT_INVESTED = re.compile(r"투자(?:는|를|도)?\s*(?:아직|한\s*푼도|전혀|하나도)\s*"
                             r"(?:[가-힣]+\s*){0,2}(?:못|안)\s*받")
# Statuses that rules exclude, as founders name them (English via synonyms.tsv's Korean).
_STATUS = re.compile(r"최대\s*주주|과점\s*주주|체납|채무\s*불이행|신용\s*불량|휴업")
# "공고 2주 전에 폐업", "한 달 전에 가게 접었어요": closed shortly before the call
_Q_CLOSED_BEFORE = re.compile(r"(\d+|한|두|세)\s*(주|개월|달|일)\s*전에?\s*[^.?]{0,12}?"
                              r"(?:폐업|접었|닫았)")
_Q_CLOSED = re.compile(r"폐업(?:하고|한\s*지|후|한\s*뒤|하고서)\s*(\d+)\s*년")
# a first business: "처음 창업해서", "첫 창업이고", "폐업해 본 적은 없어요"
_Q_FIRST_BUSINESS = re.compile(r"처음\s*창업|첫\s*창업|"
                               r"폐업(?:해\s*본|한|했던)\s*적(?:은|이)?\s*(?:없|한\s*번도)"
                               r"|first (?:business|company|startup)|never (?:closed|shut)", re.I)
# a degree held: "석사 있어요", "대학 졸업했고", "I have a master's"
_Q_DEGREE = re.compile(r"(?:학사|석사|박사)(?:\s*학위)?\s*"
                       r"(?:있|받|땄|졸업|이고|인데|예요|이에요|과정\s*수료)"
                       r"|대학(?:교)?\s*(?:졸업|나왔)|대졸|\b(?:bachelor|master|phd|doctorate)",
                       re.I)
_Q_NO_DEGREE = re.compile(r"고졸|고등학교\s*(?:졸업|만)|대학\s*(?:안|못)\s*(?:나|갔)|"
                          r"전문학사|전문대|2년제|"  # an associate degree is no 학사
                          r"학위\s*(?:가\s*)?없|"
                          r"no (?:university )?degree|high school", re.I)
_Q_INVESTED = re.compile(r"투자\s*(?:를|금|액)?\s*(?:(?:받은|유치한)\s*"
                         r"(?:게|건|돈|금액은?|액수가?)?\s*|유치(?:액|금액)?(?:이|은|는)?\s*)?([\d.,]+\s*(?:억|천만|천|만)[\d.,\s억천만]*원?)|"
                         r"([\d.,]+\s*(?:억|천만|천|만)[\d.,\s억천만]*원?)\s*(?:을|를)?\s*투자")
# a sum in the founder's words: "5천", "7천5백", "2억 5천", "6,300만원"
AMOUNT = (r"[\d.,]+\s*(?:조|억|천만|백만|천|만)(?:\s*[\d.,]+\s*(?:천만|백만|천|백|만))*"
          r"(?:\s*원)?")
# the sum an investor put in: "VC한테 딱 5천만원 받았어요", "적격 투자기관에서 6,300만원 받았는데",
# "엔젤이 3천 넣었는데", "운영사한테 1억 투자받았어요"
_INVESTOR = (r"(?:VC|브이씨|벤처\s*캐피[탈털]|창투사|투자\s*(?:기관|사|자|회사|조합)|"
             r"엔젤(?:\s*투자자)?|액셀러레이터|\bAC|운영사)")
_Q_FROM_INVESTOR = re.compile(_INVESTOR + r"\s*(?:한테서?|에게서?|에서|으로부터|로부터|이|가|"
                              r"측에서)?\s*"
                              r"(?:딱|총|약|한|대략)?\s*(" + AMOUNT + r")\s*(?:을|를|정도)?\s*"
                              r"(?:투자\s*)?(?:받|유치|넣|투자)", re.I)
# a sum the founder put in: "벤처기업에 직접 딱 3,000만원 넣었고", "2천5백 직접 투자했고"
_Q_PUT_IN = re.compile(r"(" + AMOUNT + r")\s*(?:을|를)?\s*(?:직접\s*)?(?:투자(?:했|하|한)|넣)")
_Q_EN_PUT_IN = re.compile(r"\b(?:put|invested|invest)\s+(?:in\s+)?(\d[\d.,]*)\s*(million|billion)"
                          r"\s*won\b", re.I)
# the share the founder claims: "70% 정부가 내줬어요?", "전부 100% 공제", "at 100%"
_Q_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|프로|퍼센트|퍼(?![가-힣]))")
# "정부가 절반 내주는 구간": a half claimed
_Q_HALF = re.compile(r"절반")
# the part of a sum above a line: "5천 넘는 3천만원도 70%로 공제돼요?"
_Q_ABOVE = re.compile(r"(" + AMOUNT + r")\s*(?:넘는|넘어가는|초과(?:하는|한)?|이상)\s*"
                      r"(?:부분|금액|분|돈)?")
# a part of a whole: "총구매 200억 중에 창업기업 제품을 16억 샀대요", "90억 중 44억"
_Q_SHARE = re.compile(r"(" + AMOUNT + r")\s*(?:중에서?|가운데|중)\s*(?:[가-힣A-Za-z]+\s*){0,4}?"
                      r"(?:딱|약|한)?\s*(" + AMOUNT + r")")
_Q_CAPITAL = re.compile(r"자본금(?:은|이|는)?\s*([\d.,]+\s*(?:억|천만|천|만)[\d.,\s억천만]*원?)")
_Q_SALES = re.compile(r"매출\s*(?:이|은|액)?\s*([\d.,]+\s*(?:억|천만|천|만)[\d.,\s억천만]*원?)")
_Q_EN_SALES = re.compile(r"\b(?:sales|revenue|turnover)\s+(?:are|were|is|was|of)?\s*"
                         r"(?:about|around|roughly|only|just)?\s*(\d[\d.,]*)\s*(million|billion)"
                         r"\s*won\b", re.I)
_Q_MEMBERS = re.compile(r"(?:조합원|직원|인원|멤버)\s*(?:이|을|를)?\s*(\d+)\s*(?:명|인)"
                        # "48명으로 개인투자조합 결성하려는데": the people it is formed with
                        r"|(\d+)\s*(?:명|인)\s*(?:으로|이서|이|가|정도로|쯤)?\s*"
                        r"(?:[가-힣A-Za-z]+\s+){0,2}(?:결성|구성|꾸리|꾸려|모여|모아)")

def founding_told(question: str) -> str:
    """The words in which the founder tells when they founded ("22년 4월에 재창업"), to leave
    out when reading the year a question asks about."""
    found = _founding(question)
    return found.group(0) if found else ""


def _founding(question: str) -> re.Match[str] | None:
    """The founding date told ("2020년 1월 말에 개인사업자 냈어요", "법인 등기일이 …")."""
    return _Q_FOUNDED.search(question) or _Q_FOUNDED_DATE.search(question)


def budget_of(question: str) -> float | None:
    """The project budget the founder states ("사업비를 1억 8천으로 잡았어요"), in won."""
    found = _Q_BUDGET.search(question)
    return won(found.group(1)) if found else None


def won(text: str) -> float | None:
    """"4천만원" -> 40000000, "1억 5천" -> 150000000, "5,000만원" -> 50000000."""
    total, found, last = 0.0, False, 0.0
    for number, unit in re.findall(r"([\d.,]+)\s*(조|억|천만|백만|천|백|만)?", text):
        number = number.replace(",", "").strip(".")
        if not number:
            continue
        value = float(number)
        scale = {"조": 1e12, "억": 1e8, "천만": 1e7, "백만": 1e6, "천": 1e3, "백": 1e2,
                 "만": 1e4, "": 1.0}[unit or ""]
        if unit == "천" and (total >= 1e8 or not re.search(r"천\s*원", text)):
            scale = 1e7  # "1억 5천" = 1억 5천만; "투자 8천 받았어요" = 8천만원 (not 8천 원)
        if unit == "백" and last == 1e7:
            scale = 1e6  # "7천5백" = 7천5백만
        total += value * scale
        found, last = True, scale
    return total if found else None


# taxes left unpaid, as founders say it ("지방세 몇 달 밀려 있는데", "세금을 못 냈는데")
_UNPAID_TAX = re.compile(r"(?:세금|국세|지방세|부가세|소득세|법인세|[가-힣]세)"
                         r"(?:을|를|가|이|도)?\s*(?:[가-힣\d]+\s*){0,2}?(?:밀려|밀린|밀렸|못\s*(?:냈|내|낸)|안\s*(?:냈|낸)|"
                         r"미납|연체)")


# "체납 같은 건 없어요", "최대주주는 아니에요": a status the founder says they do not have
DENIED = re.compile(r"\s*(?:은|는|이|가|도|같은\s*(?:건|거|것은?))?\s*(?:전혀\s*|하나도\s*)?"
                     r"(?:없|아니|아닌|안\s*했|않)")


def statuses_in(text: str) -> tuple[str, ...]:
    """The excluded statuses a text names (an English question's, once translated), not
    those it denies."""
    found = [re.sub(r"\s+", "", m.group(0)) for m in _STATUS.finditer(text)
             if not DENIED.match(text, m.end())]
    if _UNPAID_TAX.search(text):
        found.append("체납")
    return tuple(dict.fromkeys(found))


def founder_from_question(question: str, year: int | None = None,
                          month: int | None = None) -> Founder:
    """`year` (today's) turns a birth year into an age and a founding date into years in
    business; `month` (today's) makes the latter exact to the month."""
    base = _founder_core(question)
    extra: dict[str, object] = {}
    birth = _Q_BIRTH.search(question)
    if birth:
        if birth.group(3):  # "87년생" -> 1987, "01년생" -> 2001
            short = int(birth.group(3))
            extra["birth_year"] = short + (2000 if year and 2000 + short <= year else 1900)
        else:
            extra["birth_year"] = int(birth.group(1) or birth.group(2))
        day = _Q_BIRTH_DAY.search(question)
        if day:
            extra["birth_md"] = (int(day.group(1)), int(day.group(2) or 0))
        if base.age is None and year is not None:
            extra["age"] = year - int(extra["birth_year"])  # type: ignore[arg-type]
            extra["counted"] = True
    granted = _Q_GRANTED.search(question)
    if granted and year is not None:  # "24년 3월에 벤처확인 받았어요. 지금도 유효해요?"
        when = int(granted.group(1))
        when += 2000 if when < 100 else 0
        extra["held_years"] = (year - when) + ((month or 6) - int(granted.group(2))) / 12
    founded = _founding(question)
    ago = _Q_YEARS_AGO.search(question)
    if founded:
        when = int(founded.group(1))
        extra["founded"] = (when + 2000 if when < 100 else when, int(founded.group(2)))
        if founded.group(3):
            extra["founded_day"] = int(founded.group(3))
        extra["registered"] = True
        if base.years is None and year is not None:
            # 업력 from the founding date: "2021년 3월 설립" is 5.7 years on 2026-12
            start_year, start_month = extra["founded"]  # type: ignore[misc]
            elapsed = year - start_year + ((month or start_month) - start_month) / 12
            if 0 <= elapsed <= 50:
                extra["years"] = round(elapsed, 2)
                extra["counted"] = True
    elif base.years is None and ago is not None:
        extra["years"] = float(ago.group(1)) + (0.5 if ago.group(2) else 0.0)
        extra["registered"] = True
    elif (year is not None and base.years is None
          and (only := _Q_FOUNDED_YEAR.search(question) or _Q_FOUNDED_YEAR_AFTER.search(question)
               or _Q_EN_FOUNDED.search(question))
          and 0 <= year - int(only.group(1)) <= 50):  # years in business, by calendar years
        extra["years"] = float(year - int(only.group(1)))
        extra["founded_year"] = int(only.group(1))
        extra["counted"] = True
        extra["registered"] = True
    closed = _Q_CLOSED.search(question)
    if closed:
        extra["closed_years"] = float(closed.group(1))
        if base.years is not None and base.years == float(closed.group(1)):
            extra["years"] = None  # years since closing, not in business
            if not _Q_REGISTERED.search(question):
                extra["registered"] = base.registered if base.registered is False else None
    if _Q_FIRST_BUSINESS.search(question) and not closed:
        extra["restarted"] = False
    if _Q_NO_DEGREE.search(question):
        extra["degree"] = False
    elif _Q_DEGREE.search(question):
        extra["degree"] = True
    invested = (_Q_FROM_INVESTOR.search(question) or _Q_INVESTED.search(question)
                or _Q_PUT_IN.search(question))
    put_in = None if invested else _Q_EN_PUT_IN.search(question)
    if invested:
        extra["invested"] = won(next(g for g in invested.groups() if g))
    elif put_in:  # "I put 60 million won into a venture company"
        scale = {"million": 1e6, "billion": 1e9}[put_in.group(2).lower()]
        extra["invested"] = float(put_in.group(1).replace(",", "")) * scale
    elif _Q_NOT_INVESTED.search(question):
        extra["invested"] = 0.0
    percent = _Q_PERCENT.search(question)
    if percent or _Q_HALF.search(question):
        extra["percent"] = float(percent.group(1)) if percent else 50.0
        above = _Q_ABOVE.search(question)
        if above:
            extra["above"] = won(above.group(1))
    share = _Q_SHARE.search(question)
    if share:
        whole, part = won(share.group(1)), won(share.group(2))
        if whole and part is not None and 0 <= part <= whole:
            extra["share"] = round(100 * part / whole, 2)
    capital = _Q_CAPITAL.search(question)
    if capital:
        extra["capital"] = won(capital.group(1))
    sales = _Q_SALES.search(question)
    en_sales = None if sales else _Q_EN_SALES.search(question)
    if sales:
        extra["sales"] = won(sales.group(1))
    elif en_sales:  # "Our three-year average sales are about 2 billion won"
        scale = {"million": 1e6, "billion": 1e9}[en_sales.group(2).lower()]
        extra["sales"] = float(en_sales.group(1).replace(",", "")) * scale
    members = _Q_MEMBERS.search(question)
    if members:
        extra["members"] = int(members.group(1) or members.group(2))
    region = founder_place(question)
    if region:
        extra["region"] = region
    nationality = _Q_FOREIGN.search(question)
    if nationality and re.search(r"인데|이고|이에요|입니다|이라|\bi'?m\b|\bi am\b|we are|we're",
                                 question, re.I):
        extra["foreign"] = nationality.group(1) is not None
    from_investor = _Q_FROM_INVESTOR.search(f" {question}")
    requested = next((m for m in _Q_REQUESTED.finditer(f" {question}")
                      if from_investor is None or m.start(1) >= from_investor.end()
                      or m.end(1) <= from_investor.start()), None)
    english = None if requested else _Q_EN_REQUESTED.search(question)
    if requested and (from_investor or not _Q_INVESTED.search(question)) \
            and not _Q_SALES.search(question):
        extra["requested"] = won(requested.group(1))
        extra["requested_of"] = question[max(0, requested.start() - 16):requested.start()]
    budget = budget_of(question)
    if budget and "requested" in extra:  # only with a sum asked: a share of it may cap that sum
        extra["budget"] = budget
    if english and "requested" not in extra:  # "could a team get 600 million won of R&D?"
        scale = {"million": 1e6, "billion": 1e9}[english.group(2).lower()]
        extra["requested"] = float(english.group(1).replace(",", "")) * scale
        extra["requested_of"] = question[english.end():english.end() + 24]
    statuses = statuses_in(question)
    if statuses:
        extra["statuses"] = statuses
    before = _Q_CLOSED_BEFORE.search(question)
    if before:
        count = int(before.group(1)) if before.group(1).isdigit() else _NATIVE_COUNT.get(
            before.group(1), 1)
        extra["closed_months"] = count * {"주": 0.25, "일": 1 / 30}.get(before.group(2), 1.0)
    size = _Q_SIZE.search(question)
    if size:
        word = re.sub(r"\s+", "", (size.group(1) or size.group(2))).lower()
        extra["size"] = _SIZES.get(word, "중견" if "mid" in word else None)
    times = _Q_TIMES.search(question)
    if times:
        word = (times.group(1) or times.group(2)).lower()
        extra["times"] = (int(word) if word.isdigit() else _NATIVE_COUNT.get(word)
                          or {"twice": 2, "two times": 2, "three times": 3}.get(word))
    submitted = _Q_SUBMITTED.search(question)
    if submitted:
        told_year = int(submitted.group(1) or 0)
        told_year += 2000 if 0 < told_year < 100 else 0
        extra["submitted"] = (told_year, int(submitted.group(2)), int(submitted.group(3)))
    values = own_values(question)
    if values:
        extra["values"] = values
    if not extra:
        return base
    fields = {**base.__dict__, **extra}
    return Founder(**fields)  # type: ignore[arg-type]


def as_of(founder: Founder, year: int, month: int) -> Founder:
    """The founder's years in business and age counted up to a past call ("20년 12월에
    개업했어요. 24년 2월에 청창사 넣었으면 업력 됐었어요?" is 3.2 years, not the 6 years to
    today), when they were counted from a date the founder told."""
    if not founder.counted:
        return founder
    changed: dict[str, object] = {}
    if founder.founded is not None and founder.years is not None:
        start_year, start_month = founder.founded
        elapsed = year - start_year + (month - start_month) / 12
        changed["years"] = round(elapsed, 2) if elapsed >= 0 else None
    elif founder.founded_year is not None and founder.years is not None:
        changed["years"] = float(year - founder.founded_year) if year >= founder.founded_year \
            else None
    if founder.birth_year is not None and founder.age is not None:
        changed["age"] = year - founder.birth_year
    return replace(founder, **changed) if changed else founder  # type: ignore[arg-type]


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
