"""Sentences that only say back the figure the founder already quoted (issue 11).

"22년에 충북에 배터리 소재기업 300개쯤 있다던데 그중에 청주에 있는 데는 몇 개예요?" quotes the
300 from the documents and asks for a part of it. The sentence holding "약 300개" matches every
word and the asked kind (a count), yet it answers nothing: its only figure is the one the question
already gave. A figure is a number with a scale or unit after it ("300개", "1,500억", "1,233만㎡",
"2,500명"); years, months and days are not figures here. Hand-written: the corpus writes figures in
a few fixed shapes, and no library reads Korean quantities.
"""

from __future__ import annotations

import re

from bot.cues import GENERIC_DETAIL
from bot.kinds import FactKind

# kinds whose answer is a figure, and questions that ask whether the quoted figure is right
_FIGURE_KINDS = frozenset({FactKind.AMOUNT, FactKind.COUNT, FactKind.PERCENT})
_CONFIRMING = re.compile(r"맞(?:아|나|죠|지|는지|습니까)|진짜|정말|사실이|is it (?:true|right)",
                         re.I)

# a number and what follows it: a scale (조/억/만/천) and/or a unit word
_FIGURE = re.compile(r"(?<![\d.,])(\d[\d,]*(?:\.\d+)?)\s*(조|억|천만|백만|만|천)?\s*"
                     r"(원|명|개사|개국|개|곳|팀|건|㎡|평|%|배|달러|불|대|회)?")
_NOT_A_FIGURE = re.compile(r"\s*(?:년|월|일|차|세|살|시|분|호|기|층|위|번째)")


def figures(text: str) -> set[str]:
    """Each figure of the text, as its number and scale without separators ("1,500억원" ->
    "1500억"), so the question's and the sentence's wording of it compare equal."""
    out = set()
    for match in _FIGURE.finditer(text):
        number, scale, unit = match.groups()
        if not (scale or unit) or _NOT_A_FIGURE.match(text, match.end(1)):
            continue
        out.add(number.replace(",", "") + (scale or ""))
    return out


def restates_only(question: str, sentence: str) -> bool:
    """Whether every figure of the sentence is one the question quotes (and it has one)."""
    quoted = figures(question)
    said = figures(sentence)
    return bool(quoted) and bool(said) and said <= quoted


# asks for the members of a counted whole: "그 4개 이름이 뭐예요?", "16개 전부 뭐뭐 있어?"
_MEMBERS_ASKED = re.compile(r"뭐뭐|어디어디|이름|목록|리스트|명단|전부\s*(?:뭐|어디|알려)|"
                            r"다\s*알려")
_COUNT_QUOTED = re.compile(r"(?<![\d.,])(\d{1,2})\s*(?:개|곳|대|가지|개사|개국)")


def names_fewer(question: str, sentence: str) -> bool:
    """Whether the question quotes a count ("산단 4개로 돼있다던데") and asks for its members,
    while the sentence states that count but names fewer of them (items it separates with
    commas, or one when it separates none)."""
    if not _MEMBERS_ASKED.search(question):
        return False
    quoted = _COUNT_QUOTED.search(question)
    if quoted is None or int(quoted.group(1)) < 2:
        return False
    if not _states_count(question, sentence):
        return False
    named = sentence.count(",") + 1
    return named < int(quoted.group(1))


# "괴산군 말고 또 어디 뽑혔어요?", "A 외에 다른 곳은?": others than the one the founder names
_OTHERS = re.compile(r"([가-힣A-Za-z0-9]{2,})\s*(?:말고|빼고|외에(?:도)?|이외에(?:도)?)\s*"
                     r"(?:또|다른|더)")
_ONLY_ONE = re.compile(r"유일|뿐이|밖에\s*없|\bonly\b")


def names_only_the_one_set_aside(question: str, sentence: str) -> bool:
    """Whether the question asks for others than something it names, and the sentence names
    that one and lists nothing else (no comma-separated names)."""
    found = _OTHERS.search(question)
    if found is None or _ONLY_ONE.search(sentence):
        return False  # "… 유일한 지자체": that there is no other is the answer
    named = re.sub(r"(?:은|는|이|가|을|를|도)$", "", found.group(1)).lower()
    plain = re.sub(r"\s+", "", sentence).lower()
    return named in plain and "," not in sentence


def members_unnamed(question: str, sentences: list[str]) -> bool:
    """Whether the question asks the members of a count it quotes and every sentence that
    states that count names fewer of them: then no sentence answers, whichever ranks first
    ("14개라던데 14개 전부 이름" against "… 등 14개 분야가 있으며")."""
    counted = [s for s in sentences if _states_count(question, s)]
    return bool(counted) and all(names_fewer(question, s) for s in counted)


def _states_count(question: str, sentence: str) -> bool:
    quoted = _COUNT_QUOTED.search(question)
    return quoted is not None and bool(re.search(
        rf"(?<![\d.,]){quoted.group(1)}\s*(?:개|곳|대|가지|개사|개국)", sentence))


def only_the_quoted_figure(question: str, kind: FactKind, sentence: str) -> bool:
    """A figure asked ("그중에 청주에 있는 데는 몇 개?"), the best sentence's only figure is the
    one the question quotes, and the question does not ask whether that figure is right."""
    return kind in _FIGURE_KINDS and not _CONFIRMING.search(question) \
        and restates_only(question, sentence)


def no_member_named(question: str, first: str, sentences: list[str]) -> bool:
    """The members asked are not named: the first sentence counts them and names fewer ("그 4개
    이름이 뭐예요?"), no sentence stating the count names them all, or the first names only the
    one the question sets aside ("괴산군 말고 또 어디?")."""
    return names_fewer(question, first) or members_unnamed(question, sentences) \
        or names_only_the_one_set_aside(question, first)


# what the founder heard, before what they ask: "… 민간주도형으로 바뀌었다던데 운영사가 어디예요?"
_HEARD = re.compile(r"(?:다|라|이라)?던데(?:요)?[,.]?\s+|(?:다|라)는데(?:요)?[,.]?\s+|"
                    r"(?:다|라)며[,.]?\s+|(?:다|라)고\s*(?:들었|하던)[가-힣]*[,.]?\s+|"
                    # what they know already: "충북도가 만든 건 아는데 운영은 어느 기관이?"
                    r"(?:건|것은|거는|줄은)\s*(?:아는데|알고\s*있는데|알겠는데)(?:요)?[,.]?\s+")
_ASKED_NOUN = re.compile(r"[가-힣A-Za-z]{2,}")
_WHEN_WORDS = frozenset({"원래", "올해", "작년", "내년", "예전", "옛날", "정확히", "구체적"})
_NOT_ASKED = frozenset({"어디", "어디예요", "얼마", "얼마예요", "누구", "누가", "언제", "뭐예요",
                        "무엇", "정도", "보통", "혹시", "그거", "그건", "거기", "그럼", "그중",
                        "그중에", "있어요", "있나요", "되나요", "돼요", "해요", "하나요", "건가요",
                        "거예요", "이에요", "인가요", "알려", "주세요", "궁금", "궁금해요"})
_ENDING = re.compile(r"(?:은|는|이|가|을|를|도|만|에|에서|으로|로|의|이에요|예요|인가요|인지|"
                     r"이요|요)$")
# question words ("언제부터임", "머머임") and verbs ("들어가요", "받아요"): no asked content
_QUESTION_OR_VERB = re.compile(r"^(?:언제|어디|얼마|뭐|머|무엇|누구|누가|몇|무슨|어떤|어떻|어느|왜|"
                               r"며칠|진짜|정말|맞)|(?:요|죠|까|나|니|냐|임|음|함|어|아|해|돼|"
                               r"줘|지)$")


def heard_only(question: str, sentence: str) -> bool:
    """Whether the question tells what the founder heard and asks something else about it,
    and the sentence says only what they heard: it holds a word or figure of the told part
    but none of the asked part's own words ("… 민간주도형으로 바뀌었다던데 운영사가 어디예요?"
    against "… 액셀러레이터가 책임지는 '민간주도형' 5곳으로 구성되었다")."""
    parts = _HEARD.split(question, maxsplit=1)
    if len(parts) != 2:
        return False
    told, asked = parts
    told_words = {_ENDING.sub("", w) for w in _ASKED_NOUN.findall(told)}
    own = {bare for w in _ASKED_NOUN.findall(asked)
           if len(bare := _ENDING.sub("", w)) >= 2 and bare not in _NOT_ASKED
           and bare not in GENERIC_DETAIL and bare not in _WHEN_WORDS
           and bare not in told_words and not _QUESTION_OR_VERB.search(w)}
    plain = re.sub(r"\s+", "", sentence)
    if not own or any(w in plain for w in own):
        return False
    return any(w in plain for w in told_words if len(w) >= 2) or bool(figures(told)
                                                                     & figures(sentence))
