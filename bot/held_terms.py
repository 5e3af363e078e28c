"""Question nouns that nothing found holds: the asked detail is missing (issue 11).

A noun the corpus never uses ("주말" in "콜센터 주말에도 돼요?"), one glued to a kind word, or
the noun a question plainly asks for ("무슨 서류", "면적이 얼마나") that no sentence about the
subject holds, in its words, a synonym, a word sharing its start, or its heading's. Quoting a
neighbouring sentence instead would be the confident wrong citation the issue names.
"""

from __future__ import annotations

import re

from bot.asked_detail import ScoredSentence, asked_word
from bot.claims import yes_no_question
from bot.cues import (
    GENERIC_DETAIL,
    KIND_WORDS,
    PARTICLE,
    START_WORDS,
    STARTS,
    USED_AS_VERB,
    flat,
    fuzzy_has,
)
from bot.kinds import asked_clause
from bot.membership import told_only
from bot.query import ATTRIBUTE_TERMS, AnalysedQuery
from knowledge.korean import GENERIC_TERMS, KoreanAnalyzer

# words of time the question is set in, not details it asks for
_WHEN_WORDS = frozenset({"올해", "작년", "재작년", "내년", "금년", "전년", "요즘", "지금", "최근",
                         "이번", "다음", "지난"})
# nouns that relate or qualify ("나머지", "나중", "예전", "진짜"), never the detail asked; a
# corpus that does not use them says nothing by that about what is asked
_RELATIONAL = frozenset({"나머지", "나중", "예전", "옛날", "진짜", "정말", "숫자", "단위", "전부",
                         "자체", "실제", "범위", "조항", "조문"})
# a bound asked of a figure ("기업가치 상한은?"): the documents write it as "… 이하"
_BOUNDS = frozenset({"상한", "하한", "상한선", "하한선", "상한액", "최대치", "최소치"})
# who the founder is with ("친구들 10명이랑 …"): part of their story, not the detail asked
_WITH = r"들?\s*(?:\d+\s*명\s*)?(?:이랑|랑|하고|끼리)"
# nouns naming who does something ("운영사", "운용사", "투자자"): "운영" does not hold them
_AGENT = re.compile(r"..(?:사|자|처|단|팀)$")
# a class asked ("어느 부처 사업이야?") and how the documents name its members
MEMBER_OF = {"부처": re.compile(r"[가-힣]{2,}부(?=[의가는은를에와과이\s(·,]|$)")}


def _glued_particle(term: str, text: str) -> bool:
    """Whether Kiwi read a word's last syllable and a particle as a noun ("사업화랑" as 사업 +
    화랑): the "noun" ends in 랑/과/와 and is only ever written glued to the word before."""
    return term[-1] in "랑과와" and re.search(r"[가-힣]" + re.escape(term), text) is not None \
        and re.search(r"(?<![가-힣])" + re.escape(term), text) is None


def _abbreviates(term: str, text: str) -> bool:
    """Whether `term` (three syllables or more) shortens a word of `text`: its syllables in
    order inside one word that starts with its first and ends with its last ("벤촉법" in
    "벤처투자촉진법에")."""
    if len(term) < 3:
        return False
    pattern = re.compile(".*?".join(re.escape(c) for c in term))
    return any(word.startswith(term[0]) and pattern.fullmatch(PARTICLE.sub("", word))
               for word in re.findall(r"[가-힣]+", text))


class HeldTerms:
    """Whether the sentences found hold the question's nouns (see the module docstring)."""

    def __init__(self, analyzer: KoreanAnalyzer) -> None:
        self.analyzer = analyzer

    def unheld(self, query: AnalysedQuery, scored: list[ScoredSentence],
               doc_freq: dict[str, int]) -> list[str]:
        """Nouns of the question that the corpus never uses and no passage found holds, in a
        sentence or a heading ("주말" in "콜센터 주말에도 돼요?"), or that name a kind of the
        asked detail other than the one written ("운전자금" where only 시설자금 is written)."""
        text = re.sub(r"\s+", " ", query.question)
        glued = r"(?:" + "|".join(KIND_WORDS) + r")"
        return [t for t in self._detail_nouns(query, text)
                if (self.unused(t, doc_freq) or re.search(re.escape(t) + glued, text))
                and not self.held(t, scored)]

    def unused_asked(self, query: AnalysedQuery, scored: list[ScoredSentence],
                     doc_freq: dict[str, int]) -> list[str]:
        """Nouns of the question's last (asked) clause, not its subject, that the corpus never
        uses and no passage found holds ("K-Startup 모바일 앱도 있어요?")."""
        text = re.sub(r"\s+", " ", query.question)
        asked = flat(asked_clause(query.question))
        out = []
        for t in self._detail_nouns(query, text):
            if (t in query.subject_terms and not self._after_known(t, query, text, doc_freq)) \
                    or t not in asked or t in _RELATIONAL or t in _BOUNDS \
                    or re.search(re.escape(t) + r"(?:으로|로)(?:\s|$)", text) \
                    or re.search(re.escape(t) + _WITH, text):
                # "현금으로 주는 거예요?": a means, which a sentence may name otherwise;
                # "친구들이랑 …": who the founder is with, their story, not the detail asked
                continue
            clipped = r"(?<![가-힣])" + re.escape(t) + r"[가-힣]"
            if not self.unused(t, doc_freq) or any(re.search(clipped, s.text) for s in scored) \
                    or any(_abbreviates(t, s.text) for s in scored) \
                    or (t in query.subject_terms and any(t in s.text for s in scored)):
                # a subject word written inside a compound the analyser keeps whole ("학교" in
                # "사관학교"), or shortened from one ("벤촉법" for "벤처투자촉진법"), is the
                # subject's own, not an unknown detail
                continue  # "생방 몇 번?": a clipped chat form of a word a found sentence uses
            if not self.held(t, scored):
                out.append(t)
        return out

    def _after_known(self, term: str, query: AnalysedQuery, text: str,
                     doc_freq: dict[str, int]) -> bool:
        """Whether a subject word the corpus never uses comes after one it does ("벤처지식산업
        지원자금 … 담보나 보증서"): the subject is named, and the unknown word is what is asked
        of it. One written first is the subject's own name, which refuses instead."""
        at = text.find(term)
        return at > 0 and self.unused(term, doc_freq) and any(
            0 <= text.find(s) < at for s in query.subject_terms
            if s != term and not self.unused(s, doc_freq))

    @staticmethod
    def _detail_nouns(query: AnalysedQuery, text: str) -> list[str]:
        """The question's nouns that could name a detail: not the kind asked, the time it is
        set in, an action ("이사감"), or, in a yes/no question, the founder's own story told
        before it ("12월 31일 당일에 송금했어요. 기간 안에 들어가요?": 송금 is what they did,
        the rule's window is what is asked)."""
        story = told_only(query.question, list(query.key_terms)) \
            if query.language == "ko" and yes_no_question(query.question, "ko") else set()
        return [t for t, tag in query.key_terms.items()
                if tag.startswith("NN") and len(t) >= 2 and t not in ATTRIBUTE_TERMS
                and t not in GENERIC_DETAIL and t not in _WHEN_WORDS and t not in KIND_WORDS
                and t not in story and t not in _RELATIONAL and not _glued_particle(t, text)
                and not re.search(re.escape(t) + USED_AS_VERB, text)]

    def unused(self, term: str, doc_freq: dict[str, int]) -> bool:
        """Whether the corpus never uses the term nor any of its synonyms."""
        return doc_freq.get(term, 0) == 0 and not any(
            doc_freq.get(w, 0) for group in self.analyzer.synonyms(term) for w in group)

    def held(self, term: str, sentences: list[ScoredSentence]) -> bool:
        """Whether a sentence holds `term` (or a synonym, or a word sharing its start), or its
        passage's heading does; as written inside a compound only from three syllables on
        ("회의" is not in "위원회의"). A word naming a class ("부처") is held by a member of
        it ("과학기술정보통신부")."""
        member = MEMBER_OF.get(term)
        return any(self.analyzer.has_term(s.terms, term) or fuzzy_has(s.terms, term)
                   or fuzzy_has(s.head_terms, term) or (len(term) >= 3 and term in flat(s.text))
                   or (member is not None and member.search(s.text) is not None)
                   or (term in START_WORDS and STARTS.search(s.text) is not None)
                   for s in sentences)

    def unheld_noun(self, query: AnalysedQuery, about: list[ScoredSentence]) -> str | None:
        """The noun the question plainly asks for ("무슨 서류"), when no sentence about the
        subject holds it, in its words or its heading's."""
        word = asked_word(query.question) if query.language == "ko" else None
        nouns = [t for t in self.analyzer.terms(word) if len(t) >= 2] if word else []
        if not nouns:
            return None
        noun = nouns[0]
        whole = re.sub(r"(?:은|는|이|가)$", "", word)
        if len(whole) > len(noun) and whole.startswith(noun) and _AGENT.search(whole):
            noun = whole  # Kiwi splits "운영사" into 운영 + 사: the asked noun is the whole word
        prefixed = len(whole) == len(noun) + 1 and whole.endswith(noun) and whole[0] in "불미무"
        if prefixed:
            noun = whole  # "불이익" is not 이익 (Kiwi reads 불 + 이익): asked whole, held whole
        # a noun after 어느/어떤/무슨 is the class asked ("어느 부처 사업이에요?"), even when
        # the topic words count it: it is never the subject itself
        determined = re.search(r"(?:무슨|어떤|어느)\s+" + re.escape(word), query.question)
        if noun in GENERIC_DETAIL or noun in KIND_WORDS or noun in _WHEN_WORDS \
                or noun in ATTRIBUTE_TERMS - {"서류", "장소", "절차"} or noun in GENERIC_TERMS \
                or (noun in query.subject_terms and not prefixed and not determined):
            return None  # a kind of value, a time, or the subject itself ("예창패는 언제?")
        # said of the subject itself: a sentence naming it, or under a heading naming it
        # ("운용사" is not held by another fund's "GP로 운용한다"); an agent noun only whole
        own = [s for s in about if s.own_about >= 0.75 or s.about >= 0.99]
        if _AGENT.search(noun) or prefixed:
            held = any(self.analyzer.has_term(s.terms, noun) or noun in flat(s.text)
                       for s in own)
        else:
            # a class the topic words also count is looked for in every sentence about the
            # subject (a follow-up's inherited words lower how much one sentence is about it)
            loose = determined is not None and noun in query.subject_terms
            held = self.held(noun, about if loose else own)
        return None if held else noun
