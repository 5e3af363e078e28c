"""The founder's own measured values against a rule's threshold, matched by what is measured.

"연구개발비가 1년에 3천만원인데 연구개발유형 되나요?" against "연간 연구개발비가 5,000만원 이상"
, "작년 수출 150만불이고" against "전년 수출액이 100만달러 이상", "기업가치가 90억이 됐는데" against
"기업가치(post-money)가 70억원 이하": a value the founder states about a noun, and a threshold
the documents state about the same noun (or a word next to it, "연체된 채무"), compared in the
same unit (won, dollars, percent, people). Hand-written regular expressions, like
`bot/eligibility.py`: the corpus writes thresholds in a few fixed Korean patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A number with its unit: "5,000만원", "150만불", "90억", "20%", "12명", "10인".
_VALUE = (r"(\d[\d.,]*\s*(?:조|억|천만|백만|천|만)?(?:\s*\d[\d.,]*\s*(?:천만|백만|천|만))?\s*"
          r"(?:원|달러|불|%|퍼센트|프로|명|인)?)")
# The documents' threshold: "<noun>가 <value> 이상", "<value>을 넘으면 안 된다" (what is
# measured is named just before), "<value> 이상의 <noun>" (named just after).
_RULE = re.compile(_VALUE + r"\s*(?:을|를|이|가)?\s*"
                   r"(이상|이하|미만|초과|이내|넘으면\s*안|넘지\s*않)(의\s+[가-힣]{2,10}(?:\s+[가-힣]{2,10})?)?")
_WORD = re.compile(r"(?<![\d가-힣])([가-힣]{2,10}?)"
                   r"(?:이면서|에서|으로|이|가|은|는|을|를|의|과|와|된|한|인|로|에)?(?![가-힣])")
# Words before the value that only qualify it ("연간", "최근", "평균"), not what is measured.
_QUALIFIERS = frozenset({"연간", "최근", "평균", "연평균", "합계", "누적", "최대", "최소", "기준",
                         "각각", "전년", "작년", "올해", "현재", "이상", "이하", "대비"})
# A sum the founder puts in or gets: "4,500 넣으면", "650만원 돌려받는"; a bare number before
# these is in 만원, as founders write sums ("4,500 넣으면" is 4,500만원)
_PUT_IN = r"(?:넣|투자하|투자했|출자|돌려받|환급)"
# The founder's statement of a value: it ends like a statement about oneself.
_OWN_END = (r"(?=\s*(?:이|가)?\s*(?:인데|이고|이에요|예요|이야|입니다|이면|면\s|이라|라서|쯤|"
            r"정도|씩|됐|되는데|돼요|됐어|됐는데|이\s*됐|였|이었|받았|받고|받은|썼|쓰는|쓰고|했|"
            r"있는데|있어요|넘|늘었|줄었|이\s*넘|나와|나왔|$|[?.,!]))")
_OWN = re.compile(_VALUE + r"(?:" + _OWN_END + r"|(?=\s*만\s)|(?=\s*(?:이|가|을|를)\s[^?.!]{0,16}?"
                  r"(?:있는데|있어요|있어서|인데|이고|했는데|했어요|됐는데))|(?=\s*(?:을|를)?\s*"
                  + _PUT_IN + r"))")


@dataclass(frozen=True)
class Measure:
    """A value in one unit: won, usd, percent or people."""

    value: float
    unit: str


def measure(text: str) -> Measure | None:
    """"5,000만원" -> 50,000,000 won; "150만불" -> 1,500,000 usd; "20%" -> 20 percent."""
    text = text.replace(" ", "")
    unit = ("percent" if re.search(r"%|퍼센트|프로$", text) else
            "usd" if re.search(r"달러|불$", text) else
            "people" if re.search(r"[명인]$", text) else "won")
    total, found = 0.0, False
    for number, scale in re.findall(r"(\d[\d.,]*)(조|억|천만|백만|천|만)?", text):
        number = number.replace(",", "").rstrip(".")
        if not number:
            continue
        # "천" alone is 천만 in money ("1억 5천", "8천 했는데": founders leave 만 off), as in
        # `bot.founder.won`; "천원" and "8천명" are thousands
        thousand = 1e7 if unit == "won" and not re.search(r"천\s*원", text) else 1e3
        factor = {"조": 1e12, "억": 1e8, "천만": 1e7, "백만": 1e6, "만": 1e4, "": 1.0,
                  "천": thousand}[scale]
        total += float(number) * factor
        found = True
    if not found:
        return None
    if unit == "won" and total < 1e4 and not re.search(r"[조억만천]", text):
        return None  # a bare small number ("3년에 2번") is not money
    return Measure(total, unit)


# English: "We exported 2 million dollars", "overdue debts of 20 million won", "grown 30%".
_EN_VALUE = re.compile(r"(\d[\d.,]*)\s*(million|billion|thousand|k\b|m\b)?\s*"
                       r"(dollars?|usd|won|krw|%|percent|people|employees)", re.I)
_EN_SCALE = {"million": 1e6, "m": 1e6, "billion": 1e9, "thousand": 1e3, "k": 1e3}
# what an English statement measures, in the documents' words
_EN_MEASURED = [(re.compile(p, re.I), word) for p, word in (
    (r"export", "수출"), (r"\bsales\b|revenue|turnover", "매출"),
    (r"invest|raised|funding", "투자"), (r"\bdebts?\b|overdue|arrears", "채무"),
    (r"r&d", "연구개발비"), (r"employ|staff|hired", "고용"), (r"grow|grew|growth", "증가율"),
    (r"valuation|valued", "기업가치"), (r"capital", "자본금"))]


def _english_values(question: str) -> list[tuple[tuple[str, ...], Measure]]:
    out = []
    for match in _EN_VALUE.finditer(question):
        number = float(match.group(1).replace(",", ""))
        number *= _EN_SCALE.get((match.group(2) or "").lower(), 1.0)
        unit = match.group(3).lower()
        kind = ("usd" if unit.startswith(("dollar", "usd")) else
                "percent" if unit in ("%", "percent") else
                "people" if unit in ("people", "employees") else "won")
        before = question[max(0, match.start() - 30):match.start()]
        if unit == "employees":
            before += " employ"
        if re.match(r"\s*(?:in|of)\s+(?:annual\s+)?(?:sales|revenue|exports?)\b",
                    question[match.end():], re.I):
            before += question[match.end():match.end() + 20]  # "13 billion won in sales"
        words = tuple(w for pattern, w in _EN_MEASURED if pattern.search(before))
        if words:
            out.append((words, Measure(number, kind)))
    return out


def own_values(question: str) -> tuple[tuple[tuple[str, ...], Measure], ...]:
    """The founder's stated values, each with the one or two words just before it (what it
    measures, nearest first)."""
    out = []
    for match in _OWN.finditer(question):
        raw = match.group(1)
        if re.search(r"\d\s*(?:년|월|일|살|세|개월)", raw):
            continue
        value = measure(raw)
        if re.fullmatch(r"\s*\d{1,3}(?:,\d{3})+\s*|\s*\d{3,4}\s*", raw) \
                and re.match(r"\s*(?:을|를)?\s*" + _PUT_IN, question[match.end():]):
            value = Measure(float(raw.replace(",", "")) * 1e4, "won")  # "4,500 넣으면": 만원
        elif re.fullmatch(r"\s*\d+\s*", raw):
            continue
        if value is not None and (value.unit != "won" or value.value >= 1e5):
            words = list(reversed(_words(question[max(0, match.start() - 24):match.start()])))
            if words:
                out.append((tuple(words[:2]), value))
    if not out:
        out += _english_values(question)
    return tuple(out)


# what founders call a measured thing, in the documents' word
_ALIASES = {"포스트밸류": "기업가치", "밸류": "기업가치", "밸류에이션": "기업가치",
            "벨류": "기업가치", "기업벨류": "기업가치", "알앤디비": "연구개발비"}


def _stems(word: str) -> list[str]:
    """A measured noun and its shorter stems ("수출액" -> 수출액, 수출; "연구개발비" -> ...),
    with the documents' word for it ("포스트밸류" -> 기업가치)."""
    word = _ALIASES.get(word, word)
    short = re.sub(r"(?:액|율|금|비|량|수)$", "", word)
    return [word, short] if len(short) >= 2 else [word]


# "최소 출자지분이 5%에서 3%로 낮아졌다", "최소 출자지분은 1%": a lower bound named before it
_MINIMUM = re.compile(r"(최소|최대)\s*([가-힣]{2,10}?)(?:이|가|은|는)\s*(?:" + _VALUE[1:-1] +
                      r"\s*에서\s*)?" + _VALUE + r"\s*(?:로|으로|이다|이며|이고|다|까지)")


def rule_thresholds(sentence: str) -> list[tuple[list[str], Measure, str]]:
    """(words naming what is measured, nearest first; threshold; comparison) for each
    threshold the sentence states."""
    out = []
    sentence = re.sub(r"\([^)]*\)", "", sentence)  # "기업가치(post-money)가" -> "기업가치가"
    for match in _MINIMUM.finditer(sentence):
        value = measure(match.group(3))
        if value is not None:
            out.append(([match.group(2)], value, "이상" if match.group(1) == "최소" else "이하"))
    for match in _RULE.finditer(sentence):
        value = measure(match.group(1))
        if value is None:
            continue
        if match.group(3):  # "1억원 이상의 투자 실적"
            words = _words(match.group(3)[1:])
        else:
            clause = re.split(r"[,()]", sentence[max(0, match.start() - 24):match.start()])[-1]
            words = list(reversed(_words(clause)))[:3]
        if words:
            out.append((words, value, _how(match.group(2))))
    return out


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w not in _QUALIFIERS]


def _how(word: str) -> str:
    return "이하" if word.startswith("넘") else word


def compare(sentence: str, values: tuple[tuple[tuple[str, ...], Measure], ...]
            ) -> list[tuple[bool, str]]:
    """(passes, measured word) for each threshold of `sentence` that a value the founder stated
    about the same thing meets or fails."""
    results = []
    for words, limit, how in rule_thresholds(sentence):
        rule = {stem for word in words for stem in _stems(word)}
        for own, value in values:
            mine = {s for w in own for s in _stems(w)}
            if value.unit != limit.unit or not (rule & mine or any(
                    m.endswith(r) for m in mine for r in rule if len(r) >= 2)):
                continue  # not the same thing; a compound names its kind last (엔젤투자: 투자)
            ok = {"이상": value.value >= limit.value, "초과": value.value > limit.value,
                  "이하": value.value <= limit.value, "이내": value.value <= limit.value,
                  "미만": value.value < limit.value}[how]
            results.append((ok, words[0]))
            break
    return results
