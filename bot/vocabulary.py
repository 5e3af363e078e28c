"""Question words the corpus never uses, mended against the corpus's own words before search:
an abbreviation of a programme or organisation name ("창진원" -> 창업진흥원, "한벤투" ->
한국벤처투자), a chat spelling of a corpus word ("콜쎈타" -> 콜센터), or a name glued from
words the documents write apart ("엔젤매칭펀드" -> 엔젤 매칭 펀드).

Hand-written (small): Kiwi's typo model fixes common spelling confusions inside one word but
knows neither this domain's abbreviations nor chat's tensed consonants together with a swapped
vowel; a spelling library would not know the corpus's vocabulary. Only words with document
frequency 0 are touched, and only towards exactly one candidate, so a question in the corpus's
own words never changes.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping

from knowledge.keyword_index import KeywordIndex
from knowledge.korean import KoreanAnalyzer, jamo

# jamo that chat spelling swaps for one another (tensed or aspirated consonants, close vowels)
_NEAR_PAIRS = ("ᄀᄁ", "ᄃᄄ", "ᄇᄈ", "ᄉᄊ", "ᄌᄍ", "ᅢᅦ", "ᅤᅨ", "ᅡᅥ", "ᅥᅧ", "ᅬᅫ", "ᅫᅰ", "ᅬᅰ", "ᅯᅱ",
               "ᆨᆩ", "ᆺᆻ")
_NEAR = {frozenset(p) for p in _NEAR_PAIRS}
_HANGUL_WORD = re.compile(r"[가-힣]+")
# what founders leave off an organisation's name ("교통대" for 한국교통대, "무역협회" for
# 한국무역협회)
_NAME_PREFIX = re.compile(r"^(?:한국|충청북도|충북|국립|대한)(?=[가-힣]{2})")
# the ends of organisation names, which a two-syllable abbreviation may stand for ("무협" =
# (한국)무역협회, "신보" = 신용보증기금)
_ORG_END = re.compile(r"(?:협회|공단|재단|센터|진흥원|기금|공사|대학교|대학|연구원|위원회|조합|"
                      r"은행|협의회|기관)$")
# endings and particles a glued word may carry ("콜쎈타에서", "창진원은")
_TAIL = re.compile(r"(?:에서는|에서|으로|에는|이랑|한테|까지|부터|은|는|이|가|을|를|에|의|도|로|랑|"
                   r"과|와)$")


def chat_distance(a: str, b: str) -> float:
    """Edit distance over jamo, where swapping two jamo chat spelling confuses costs 0.5."""
    previous = [float(i) for i in range(len(b) + 1)]
    for i, x in enumerate(a, 1):
        current = [float(i)]
        for j, y in enumerate(b, 1):
            swap = 0.0 if x == y else 0.5 if frozenset((x, y)) in _NEAR else 1.0
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + swap))
        previous = current
    return previous[-1]


def abbreviates(short: str, name: str) -> bool:
    """Whether `short` shortens `name` the Korean way: its syllables, in order, taken from the
    name, starting with the name's first ("창진원" / 창업진흥원, "한벤투" / 한국벤처투자)."""
    if len(short) >= len(name) or short[0] != name[0]:
        return False
    rest = iter(name[1:])
    return all(ch in rest for ch in short[1:])


class VocabularyRepair:
    """Mends unknown question words; built once per analyzer and given the current keyword
    index with each question, whose words it reads once per index (they change with every
    ingest)."""

    def __init__(self, analyzer: KoreanAnalyzer) -> None:
        self.analyzer = analyzer
        self._long: list[str] = []
        self._written: set[str] = set()
        self._source: KeywordIndex | None = None
        self._lock = threading.Lock()
        self._by_length: dict[int, list[tuple[str, str]]] = {}
        self._full: dict[str, str] = {}  # a name without its prefix -> the corpus's name
        self._short_names: dict[str, set[str]] = {}  # "무협" -> {한국무역협회}
        # two-syllable corpus words with their jamo, by first ("0" + syllable) and second
        # ("1" + syllable) syllable
        self._pairs: dict[str, list[tuple[str, str]]] = {}

    def _load(self, index: KeywordIndex) -> None:
        """The corpus's words (from the keyword index's stored terms), once per index: names
        an abbreviation may stand for (4+ syllables, and the catalogue's), and words a chat
        spelling may mean, by length."""
        with self._lock:  # questions are answered on several threads
            if index is not self._source:
                self._read(index)

    def _read(self, index: KeywordIndex) -> None:
        chunk_terms = index.terms
        words: set[str] = set()
        pairs: set[str] = set()
        for chunk_id in chunk_terms:
            terms = chunk_terms.get(chunk_id, ())
            words.update(t for t in terms if len(t) >= 3)
            pairs.update(t for t in terms if len(t) == 2 and _HANGUL_WORD.fullmatch(t))
        words = {w for w in words if _HANGUL_WORD.fullmatch(w)}
        written = {w for w in words if len(w) >= 4}
        full = {}
        for word in words:
            prefix = _NAME_PREFIX.match(word)
            if prefix and word[prefix.end():] not in words:
                full.setdefault(word[prefix.end():], word)
        by_length: dict[int, list[tuple[str, str]]] = {}
        for word in [*words, *full]:
            by_length.setdefault(len(word), []).append((word, jamo(word)))
        # the organisation names a two-syllable abbreviation may stand for, by abbreviation
        short_names: dict[str, set[str]] = {}
        for name in [*full, *written]:
            if 4 <= len(name) <= 6 and _ORG_END.search(name):
                short_names.setdefault(name[0] + name[2], set()).add(full.get(name, name))
        # one close jamo apart means one syllable the same: looked up by either syllable
        by_syllable: dict[str, list[tuple[str, str]]] = {}
        for word in sorted(pairs):
            entry = (word, jamo(word))
            by_syllable.setdefault(f"0{word[0]}", []).append(entry)
            by_syllable.setdefault(f"1{word[1]}", []).append(entry)
        # replaced whole, so a question answered meanwhile reads one index's words or the other's
        self._written, self._by_length, self._full = written, by_length, full
        self._short_names, self._pairs = short_names, by_syllable
        self._long = sorted(written | {n for n in self.analyzer.typos.names
                                       if len(n) >= 4 and _HANGUL_WORD.fullmatch(n)})
        self._source = index  # kept, so the next question's index is compared by identity

    def unknown(self, terms: Iterable[str], doc_freq: Mapping[str, int]) -> list[str]:
        """Hangul words of 3+ syllables the corpus never uses."""
        return [t for t in terms if len(t) >= 3 and _HANGUL_WORD.fullmatch(t)
                and not doc_freq.get(t) and not self.analyzer.synonyms(t)]

    def repair(self, text: str, terms: Iterable[str], index: KeywordIndex
               ) -> tuple[str, list[tuple[str, str]]]:
        """`text` with each unknown word mended, and the (word, replacement) pairs."""
        doc_freq, _ = index.statistics()
        fixes: list[tuple[str, str]] = []
        # a written word with Latin letters spelt in Hangul, which Kiwi splits into known
        # pieces ("도전케이스타트업" -> 도전 + 케이 + 스타트업)
        for word in dict.fromkeys(_HANGUL_WORD.findall(text)):
            spelled = _spelled_letters(_TAIL.sub("", word), doc_freq) \
                if len(word) >= 4 and not doc_freq.get(word) else None
            if spelled is not None:
                text = text.replace(word, f" {spelled} ", 1)
                fixes.append((word, spelled))
        terms = list(terms)
        # a word Kiwi split around a chat spelling ("콜쎈터" -> 콜 + 쎈터): mended whole
        split = [w for w in dict.fromkeys(_TAIL.sub("", w) for w in _HANGUL_WORD.findall(text))
                 if len(w) >= 3 and not doc_freq.get(w) and w not in terms
                 and any(len(t) >= 2 and t in w and not doc_freq.get(t)
                         and _HANGUL_WORD.fullmatch(t) for t in terms)]
        short = [t for t in terms if len(t) == 2 and _HANGUL_WORD.fullmatch(t)
                 and not doc_freq.get(t) and not self.analyzer.synonyms(t)]
        for term in short:  # "무협" -> 한국무역협회: only a name that abbreviates the usual way
            self._load(index)
            names = self._short_names.get(term, set())
            if len(names) == 1 and term in text:
                (name,) = names
                text = text.replace(term, f" {name} ", 1)
                fixes.append((term, name))
                continue
            # one close vowel or tensed consonant swapped ("벤처기엽" -> 기업): one word only
            typed = jamo(term)
            near = list(dict.fromkeys(
                w for w, parts in [*self._pairs.get(f"0{term[0]}", ()),
                                   *self._pairs.get(f"1{term[1]}", ())]
                if chat_distance(typed, parts) <= 0.5))
            if len(near) == 1 and term in text:
                text = text.replace(term, near[0], 1)
                fixes.append((term, near[0]))
        for term in [*self.unknown(terms, doc_freq), *split]:
            self._load(index)
            fixed = self._mend(term, doc_freq)
            at = text.find(term)
            if fixed is not None and at >= 0 and not (
                    len(fixed) > len(term) and text[at:at + len(fixed)] == fixed):
                # (not where the text already writes the whole name: Kiwi reads "스케일업" as
                # 스케일 + 업, and mending 스케일 made it "스케일업 업")
                text = text.replace(term, f" {fixed} ", 1)
                fixes.append((term, fixed.strip()))
        return re.sub(r"[ \t]+", " ", text).strip(), fixes

    def _mend(self, term: str, doc_freq: Mapping[str, int]) -> str | None:
        word = _TAIL.sub("", term) if len(term) > 3 else term
        if len(word) < 3:
            return None
        if word in self.analyzer.typos.names and any(word in w for w in self._written):
            return None  # a catalogue name the corpus writes inside a longer one (기업진흥원)
        if len(word) <= 4:
            found = [n for n in self._long if abbreviates(word, n)]
            # the index also keeps glued compounds ("창업진흥원창업진흥원"): the plain name wins
            names = [n for n in found if not any(o != n and o in n for o in found)]
            if len(names) == 1:
                return names[0]
        parts = self._split(word, doc_freq)
        if parts is not None:
            return " ".join(parts)
        spelled = _spelled_letters(word, doc_freq)
        if spelled is not None:
            return spelled
        target = jamo(word)
        near = {self._full.get(t, t) for t, parts_ in self._by_length.get(len(word), [])
                if chat_distance(target, parts_) <= 1.0}
        return near.pop() if len(near) == 1 else None

    @staticmethod
    def _split(word: str, doc_freq: Mapping[str, int]) -> list[str] | None:
        """`word` as 2-3 corpus words of 2+ syllables each written together, or None."""
        for i in range(2, len(word) - 1):
            head, rest = word[:i], word[i:]
            if not doc_freq.get(head):
                continue
            if doc_freq.get(rest):
                return [head, rest]
            for j in range(2, len(rest) - 1):
                if doc_freq.get(rest[:j]) and doc_freq.get(rest[j:]):
                    return [head, rest[:j], rest[j:]]
        return None


# Latin letters spelt in Hangul ("케이스타트업" = K-스타트업, "에스케이" = SK), two syllables
# or more
_LETTERS = {"더블유": "w", "에이치": "h", "에이": "a", "에프": "f", "에스": "s", "케이": "k",
            "제이": "j", "브이": "v", "엑스": "x", "와이": "y", "제트": "z", "아이": "i",
            "엘": "l", "엠": "m",
            "엔": "n", "알": "r", "티": "t", "피": "p", "큐": "q", "씨": "c", "디": "d", "비": "b",
            "지": "g", "오": "o", "유": "u"}
_SPELT = re.compile("(?:" + "|".join(sorted(_LETTERS, key=len, reverse=True)) + ")")


def _spelled_letters(word: str, doc_freq: Mapping[str, int]) -> str | None:
    """`word` with a run of Hangul-spelt Latin letters written as letters, when the Hangul
    around it is the corpus's ("도전케이스타트업" -> 도전 k-스타트업), else None."""
    for start in range(len(word) - 1):
        letters, end = "", start
        while (found := _SPELT.match(word, end)) is not None:
            letters += _LETTERS[found.group(0)]
            end = found.end()
        if end - start < 2 or not letters:
            continue
        head, tail = word[:start], word[end:]
        if all(not part or (len(part) >= 2 and doc_freq.get(part)) for part in (head, tail)) \
                and (head or tail):
            return " ".join(p for p in (head, f"{letters}-{tail}" if tail else letters) if p)
    return None
