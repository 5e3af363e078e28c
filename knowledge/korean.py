"""Korean text analysis with Kiwi: morphemes for keyword search, sentences for chunking/answers.

Kiwi's model loads in about a second, so one `KoreanAnalyzer` is built per process (from
settings, never at import) and shared; Kiwi calls are guarded by a lock because the bot answers
from several threads.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from pathlib import Path

from kiwipiepy import Kiwi

DEFAULT_USER_DICTIONARY = Path(__file__).resolve().parent / "userdict.tsv"

# Tags kept as search terms: nouns, numbers, foreign words, roots, verb/adjective stems.
CONTENT_TAGS = frozenset(
    {"NNG", "NNP", "NNB", "NR", "NP", "SL", "SN", "SH", "XR", "VV", "VA", "MAG", "W_URL"}
)
# Terms that carry no topic on their own; dropped from the question's "key terms".
GENERIC_TERMS = frozenset([
    "하", "있", "되", "없", "알", "주", "받", "보", "대하", "관하", "어떻", "어떠", "무엇", "뭐",
    "뭣", "얼마", "언제", "어디", "누구", "왜", "어느", "몇", "것", "수", "등", "때", "중", "좀",
    "거", "건", "게", "데", "분", "곳", "경우", "관련", "대해", "정도", "가능", "방법", "내용",
    "알려주", "궁금", "어떤", "그럼", "그러면", "그리고", "혹시", "지금", "요즘", "어떻게",
    "무슨", "제가", "저", "우리", "나", "너", "알다", "what", "how", "when", "where", "who",
    "which", "is", "are", "the", "a", "an", "of", "for", "to", "in", "on", "and", "or", "please",
    "tell", "me", "about",
])

# Abbreviations founders use, mapped to the terms the documents use. Applied to queries and
# documents alike, so "예창패" finds "예비창업패키지" and "팁스" finds "TIPS".
DOMAIN_ALIASES: dict[str, str] = {
    "예창패": "예비창업패키지",
    "초창패": "초기창업패키지",
    "도약패키지": "창업도약패키지",
    "청창사": "청년창업사관학교",
    "충북창경": "충북창조경제혁신센터",
    "창경": "창조경제혁신센터",
    "팁스": "tips",
    "소부장": "소재부품장비",
    "충북tp": "충북테크노파크",
    "tp": "테크노파크",
    "cbist": "충북과학기술혁신원",
    "lges": "lg에너지솔루션",
    "배터리": "이차전지",
    "2차전지": "이차전지",
}

_SPACE = re.compile(r"\s+")
# Kiwi glues an opening 「 after a full stop to the previous sentence ("...이다. 「전략」" +
# "은 ..."), so text is first cut at punctuation followed by a space, then Kiwi splits further.
_PUNCT_BOUNDARY = re.compile(r"(?<=[.!?。])\s+(?=\S)")


class KoreanAnalyzer:
    """Morpheme tokenizer and sentence splitter with the domain user dictionary."""

    def __init__(self, user_dictionaries: Iterable[Path] = (DEFAULT_USER_DICTIONARY,)) -> None:
        self._kiwi = Kiwi()
        self._lock = threading.Lock()
        for path in user_dictionaries:
            self._load_user_dictionary(path)
        self._alias_terms: dict[str, list[str]] = {}
        for alias, canonical in DOMAIN_ALIASES.items():
            self._alias_terms[alias] = self._raw_terms(canonical)

    def _load_user_dictionary(self, path: Path) -> None:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            word, tag = parts[0], parts[1] if len(parts) > 1 else "NNP"
            score = float(parts[2]) if len(parts) > 2 else 0.0
            self._kiwi.add_user_word(word, tag, score)

    def _raw_terms(self, text: str) -> list[str]:
        with self._lock:
            tokens = self._kiwi.tokenize(text)
        return [t.form.lower() for t in tokens if t.tag in CONTENT_TAGS]

    def terms(self, text: str) -> list[str]:
        """Search terms of `text`: content morphemes, lower-cased, with aliases expanded."""
        out: list[str] = []
        for term in self._raw_terms(text):
            expansion = self._alias_terms.get(term)
            if expansion:
                out.extend(expansion)
            else:
                out.append(term)
        return out

    def terms_batch(self, texts: list[str]) -> list[list[str]]:
        """Like `terms` for many texts (Kiwi's batch API is faster on long lists)."""
        with self._lock:
            analysed = list(self._kiwi.tokenize(texts))
        result = []
        for tokens in analysed:
            terms: list[str] = []
            for t in tokens:
                if t.tag not in CONTENT_TAGS:
                    continue
                form = t.form.lower()
                terms.extend(self._alias_terms.get(form, [form]))
            result.append(terms)
        return result

    def key_terms(self, text: str) -> list[str]:
        """Distinct topic-bearing terms of a question (generic words and 1-char nouns dropped)."""
        seen: dict[str, None] = {}
        for term in self.terms(text):
            if term in GENERIC_TERMS:
                continue
            if len(term) < 2 and not term.isdigit():
                continue
            seen.setdefault(term, None)
        return list(seen)

    def sentences(self, text: str) -> list[str]:
        """Split Korean (and mixed) text into sentences; whitespace normalised."""
        text = text.strip()
        if not text:
            return []
        pieces = [p for p in _PUNCT_BOUNDARY.split(text) if p.strip()]
        with self._lock:
            split = [self._kiwi.split_into_sents(p) for p in pieces]
        out = [_SPACE.sub(" ", s.text).strip() for sents in split for s in sents]
        return [s for s in out if s]
