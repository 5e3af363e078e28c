"""Which language to answer in, and how an English question is read before analysis.

English questions are answered from Korean documents: knowledge/synonyms.tsv turns the
domain's English words and names into the documents' Korean terms (knowledge/korean.py), and
bot/query.py reads the kind of fact asked. This module does what must happen before that:
spelling normalised (contractions, "&", a full stop glued to a name) and the
founder's statements about themselves ("We're a small manufacturer in Cheongju.") told apart
from what they ask, because those are constraints, not words the quoted sentence must hold.
Hand-written patterns: the few forms English founders use to talk about themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """'en' when Latin letters clearly outweigh Hangul (an English question that names a Korean
    programme is still English), else 'ko'.

    >>> detect_language("TIPS 지원 금액은?"), detect_language("How much does TIPS give?")
    ('ko', 'en')
    >>> detect_language("How much does 서원대's 창업도약패키지 give each company per year?")
    'en'
    """
    latin = len(_LATIN.findall(text))
    return "en" if latin >= 3 and latin > 2 * len(_HANGUL.findall(text)) else "ko"


# Korean terms that English everyday words become (knowledge/korean.py's glossary): in an
# English question they name no programme ("support for startups").
EN_EVERYDAY = frozenset({"창업", "창업자", "기업", "정부", "센터", "대학", "투자", "투자자",
                         "신청", "금액", "최대", "예산", "마감", "문의", "전화", "누리집", "온라인",
                         "해외", "글로벌", "청년", "지원금", "판로", "마케팅", "보육", "멘토링"})

_CAPITALISED = re.compile(r"(?<=[A-Za-z0-9,&'] )([A-Z][a-z]+)\b|(?<=[A-Za-z]-)([A-Z][a-z]+)\b")


def proper_words(question: str) -> set[str]:
    """Capitalised English words inside a sentence ("the Start-Up Invest Challenge"): a name,
    however ordinary the word, unlike the sentence's first word.

    >>> sorted(proper_words("When did the Start-Up Invest Challenge run? Tell me"))
    ['challenge', 'invest', 'start', 'up']
    """
    return {(m.group(1) or m.group(2)).lower() for m in _CAPITALISED.finditer(question)}


# Romanised place names of Chungcheongbuk-do (and the regions founders compare it with).
EN_PLACES: dict[str, str] = {
    "cheongju": "청주", "chungju": "충주", "jecheon": "제천", "boeun": "보은", "okcheon": "옥천",
    "yeongdong": "영동", "jeungpyeong": "증평", "jincheon": "진천", "goesan": "괴산",
    "eumseong": "음성", "danyang": "단양", "ochang": "오창", "osong": "오송",
    "chungbuk": "충북", "seoul": "서울", "busan": "부산", "daegu": "대구", "incheon": "인천",
    "gwangju": "광주", "daejeon": "대전", "ulsan": "울산", "sejong": "세종", "gyeonggi": "경기",
    "gangwon": "강원", "chungnam": "충남", "jeonbuk": "전북", "jeonnam": "전남",
    "gyeongbuk": "경북", "gyeongnam": "경남", "jeju": "제주", "pangyo": "판교",
    "cheonan": "천안", "suwon": "수원",
}
_PLACE = re.compile(r"\b(" + "|".join(EN_PLACES) + r")\b", re.I)
# "the battery center in Ochang": a place that locates the thing asked about
_LOCATOR = re.compile(r"\b(?:in|at|near)\s+(" + "|".join(EN_PLACES) + r")\b", re.I)

_CONTRACTIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(we|they|you)'re\b", re.I), r"\1 are"),
    (re.compile(r"\bi'm\b", re.I), "I am"),
    (re.compile(r"\b(what|it|there|that|who|where|how|here)'s\b", re.I), r"\1 is"),
    (re.compile(r"\bcan't\b", re.I), "can not"),
    (re.compile(r"\bwon't\b", re.I), "will not"),
    (re.compile(r"n't\b", re.I), " not"),
    (re.compile(r"'ve\b", re.I), " have"),
    (re.compile(r"'ll\b", re.I), " will"),
    (re.compile(r"\b(i|we|you|they)'d\b", re.I), r"\1 would"),
]
# A full stop or comma glued to a word ("in Cheongju."): Kiwi splits such a word oddly.
_GLUED_STOP = re.compile(r"(?<=[A-Za-z])([.,;:!?])(?=\s|$)")


def normalise_english(text: str) -> str:
    """Contractions written out, "&" as "and" and punctuation set apart from the word
    before it; wording is otherwise unchanged (hyphens stay: synonyms.tsv spells the names).

    >>> normalise_english("We're in Cheongju. What's the TIPS general-track R&D limit?")
    'We are in Cheongju . What is the TIPS general-track R&D limit ?'
    """
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    text = re.sub(r"(?<=\s)&(?=\s)", "and", text)
    return _GLUED_STOP.sub(r" \1", text)


# A statement about the founder themself: it opens with I / we / my / our (or "as a ...").
_OWN_OPENING = re.compile(r"^(?:so\s+|well\s+|hi[,!]?\s+|hello[,!]?\s+)?(?:i|we|my|our|me|us)\b|"
                          r"^as\s+an?\b|^(?:i|we)\s+am\b", re.I)
# A clause that asks (a question word or an auxiliary opens it).
_ASKING = re.compile(r"^(?:what|how|when|where|who|whom|whose|which|why|is|are|am|was|were|do|"
                     r"does|did|can|could|will|would|should|shall|may|might|must|any|tell|"
                     r"please|give|list|show)\b", re.I)
# Clause ends: sentence punctuation, or ", " before a clause that asks.
_CLAUSES = re.compile(r"(?<=[.?!;])\s+|,\s+(?=(?:what|how|when|where|who|which|is|are|am|do|"
                      r"does|did|can|could|will|would|should|may|any)\b)", re.I)
# The question points back at the founder's place: "the special industry there".
_REFERS_BACK = re.compile(r"\bthere\b(?!\s+(?:is|are|was|were|any|anything|a|an)\b)|"
                          r"\b(?:in|for|of|around)\s+(?:my|our|this|that)\s+"
                          r"(?:area|region|city|county|town|place|province)\b|\bnearby\b|"
                          r"\blocally\b|\bhere\b", re.I)


@dataclass(frozen=True)
class EnglishQuestion:
    """An English question split into what is asked and what the founder says about
    themself. `place` is the Korean name of a place the founder's own words give."""

    asked: str
    own: str = ""
    place: str | None = None
    refers_back: bool = False
    locators: frozenset[str] = frozenset()  # places the question gives as "in Ochang"

    @property
    def text(self) -> str:
        """What the question is about: the asked part, with the founder's place standing in
        for "there" when the question points back at it."""
        if self.refers_back and self.place:
            return f"{self.asked} {self.place}"
        return self.asked


def read_english(question: str) -> EnglishQuestion:
    """Split an English question (normalised) into its asked and its own parts.

    >>> q = read_english("Is there anything for exporters? We're a small manufacturer in Cheongju.")
    >>> q.asked, q.own, q.place
    ('Is there anything for exporters ?', 'We are a small manufacturer in Cheongju .', '청주')
    >>> read_english("My company is in Okcheon. What's the special industry there?").text
    'What is the special industry there ? 옥천'
    """
    text = normalise_english(question.strip())
    clauses = [c.strip() for c in _CLAUSES.split(text) if c and c.strip()]
    own = [c for c in clauses if _OWN_OPENING.search(c) and not c.endswith("?")
           and not _ASKING.search(c)]
    asked = [c for c in clauses if c not in own]
    if not asked:  # nothing but statements: all of it is the question
        return EnglishQuestion(asked=text, locators=_locators(text))
    own_text = " ".join(own)
    place = _PLACE.search(own_text)
    asked_text = " ".join(asked)
    return EnglishQuestion(asked=asked_text, own=own_text,
                           place=EN_PLACES[place.group(1).lower()] if place else None,
                           refers_back=bool(_REFERS_BACK.search(asked_text)),
                           locators=_locators(asked_text))


def _locators(text: str) -> frozenset[str]:
    return frozenset(EN_PLACES[m.group(1).lower()] for m in _LOCATOR.finditer(text))
