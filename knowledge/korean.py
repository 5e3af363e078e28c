"""Korean text analysis with Kiwi: morphemes for keyword search, sentences for chunking/answers.

Kiwi's model loads in about a second, so one `KoreanAnalyzer` is built per process (from
settings, never at import) and shared; Kiwi calls are guarded by a lock because the bot answers
from several threads.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable
from pathlib import Path

import kiwipiepy
from kiwipiepy import Kiwi

DEFAULT_USER_DICTIONARY = Path(__file__).resolve().parent / "userdict.tsv"
DEFAULT_SYNONYMS = Path(__file__).resolve().parent / "synonyms.tsv"

# Tags kept as search terms: nouns, numbers, foreign words, roots, verb/adjective stems.
CONTENT_TAGS = frozenset(
    {"NNG", "NNP", "NNB", "NR", "NP", "SL", "SN", "SH", "XR", "VV", "VA", "MAG", "W_URL"}
)
# Tags that can be a question's key terms.
KEY_TAGS = frozenset({"NNG", "NNP", "NR", "SL", "SN", "SH", "XR"})
# Kiwi splits compound nouns ("인터넷전문은행" -> 인터넷 / 전문 / 은행); search also indexes each
# pair of adjacent nouns joined ("전문은행"), so a phrase outranks its words scattered over a
# page. Measured in benchmarks/README.md (BM25 recall@1 on AutoRAG-ko 0.842 -> 0.886).
COMPOUND_TAGS = frozenset({"NNG", "NNP"})
# particles (J*), endings (E*), copula (VCP), suffixes (XS*) and punctuation/symbols (SF, SP, SS,
# SE, SO, SW) carry no topic: `gram_text` drops them
FUNCTION_TAG_PREFIXES = ("J", "E", "VCP", "XS", "SF", "SP", "SS", "SE", "SO", "SW")
# Terms that carry no topic on their own; dropped from the question's "key terms".
GENERIC_TERMS = frozenset([
    "하", "있", "되", "없", "알", "주", "받", "보", "대하", "관하", "어떻", "어떠", "무엇", "뭐",
    "뭣", "얼마", "언제", "어디", "누구", "왜", "어느", "몇", "것", "수", "등", "때", "중", "좀",
    "거", "건", "게", "데", "분", "곳", "경우", "관련", "대해", "정도", "가능", "방법", "내용",
    "알려주", "궁금", "어떤", "그럼", "그러면", "그리고", "혹시", "지금", "요즘", "어떻게",
    "무슨", "제가", "저", "우리", "나", "너", "알다",
    "머임", "뭐임", "머야", "머예요", "머에요",  # chat for 뭐야
    "그때", "이때", "그해", "그날", "그동안",  # a follow-up's "then": the time of the turn before
    "처음", "첫해", "최초",  # "언제 처음 생겼어?" asks when it began, a date
    "what", "how", "when", "where", "who",
    "which", "is", "are", "the", "a", "an", "of", "for", "to", "in", "on", "and", "or", "please",
    "tell", "me", "about",
    # English function words: they name no subject ("How long is ... valid for?")
    "long", "many", "much", "does", "do", "did", "can", "could", "would", "should", "will",
    "have", "has", "had", "at", "most", "least", "must", "make", "now", "give", "gives", "get",
    "gets", "got", "be", "been", "was", "were", "it", "its", "i", "im", "i'm", "we", "my", "our",
    "us", "you", "your", "they", "their", "there", "any", "still", "if", "from", "with", "by",
    "this", "that", "these", "those", "then", "than", "also", "so", "as", "per", "each", "into",
    "up", "out", "yet", "not", "no", "yes", "am", "want", "need", "know", "much", "often",
    "go", "goes", "take", "takes", "it's", "what's", "s",
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
    "cbtp": "충북테크노파크",  # Chungbuk Technopark's own acronym
    "lges": "lg에너지솔루션",
    "배터리": "이차전지",
    "2차전지": "이차전지",
}

# English words of the domain, mapped to the Korean terms the documents use, so an English
# question still finds (and is judged against) the Korean corpus. Hand-written and small on
# purpose: only words whose Korean equivalent is unambiguous in this domain.
EN_GLOSSARY: dict[str, str] = {
    "startup": "창업", "startups": "창업", "founder": "창업자", "founders": "창업자",
    "entrepreneur": "창업자", "venture": "벤처", "ventures": "벤처",
    "certification": "확인", "certified": "확인", "investment": "투자", "invest": "투자",
    "investor": "투자자", "investors": "투자자", "angel": "엔젤", "fund": "펀드", "funds": "펀드",
    "funding": "지원금", "grant": "지원금", "grants": "지원금", "subsidy": "지원금",
    "loan": "융자", "loans": "융자", "tax": "세", "deduction": "소득공제",
    "export": "수출", "exports": "수출", "exporting": "수출", "voucher": "바우처",
    "vouchers": "바우처", "marketing": "마케팅", "exhibition": "전시회", "exhibitions": "전시회",
    "trade": "무역", "overseas": "해외", "global": "글로벌", "foreign": "외국인",
    "foreigner": "외국인", "foreigners": "외국인", "procurement": "공공구매",
    "battery": "이차전지", "batteries": "이차전지", "synchrotron": "방사광가속기",
    "accelerator": "액셀러레이터",
    "accelerators": "액셀러레이터", "strategy": "전략", "cluster": "클러스터", "complex": "단지",
    "youth": "청년", "young": "청년", "age": "나이", "restart": "재도전", "failure": "재도전",
    "package": "패키지", "preliminary": "예비", "early": "초기", "growth": "도약",
    "competition": "경진대회", "contest": "경진대회", "demo": "데모데이", "prize": "상금",
    "application": "신청", "apply": "신청", "deadline": "마감", "website": "누리집",
    "contact": "문의", "phone": "전화", "call": "콜센터", "center": "센터", "centre": "센터",
    "chungbuk": "충북", "cheongju": "청주", "ochang": "오창", "osong": "오송",
    "budget": "예산", "amount": "금액", "maximum": "최대", "companies": "기업",
    "company": "기업", "government": "정부", "ministry": "중기부", "technopark": "테크노파크",
    "university": "대학", "incubation": "보육", "mentoring": "멘토링", "sales": "판로",
    "shopping": "쇼핑", "online": "온라인", "tips": "tips", "k-startup": "k-startup",
}

_SPACE = re.compile(r"\s+")
# Kiwi glues an opening 「 after a full stop to the previous sentence ("...이다. 「전략」" +
# "은 ..."), so text is first cut at punctuation followed by a space, then Kiwi splits further.
# Not between digits: "2026. 12. 7.(월)" is how 공고문 write dates, and Kiwi keeps it whole.
_PUNCT_BOUNDARY = re.compile(r"(?<=[.!?。])(?<!\d\.)\s+(?=\S)|(?<=\d\.)\s+(?=[^\d\s])")


class KoreanAnalyzer:
    """Morpheme tokenizer and sentence splitter with the domain user dictionary."""

    def __init__(self, user_dictionaries: Iterable[Path] = (DEFAULT_USER_DICTIONARY,),
                 synonyms: Path | None = DEFAULT_SYNONYMS) -> None:
        # Without Kiwi's multi-word dictionary (names spanning several words): loading it costs
        # ~1.5 s of every cold start; without it AutoRAG-ko and the answer eval are unchanged
        # and KorQuAD recall@1 moves by -0.003 (benchmarks/README.md).
        self._kiwi = Kiwi(load_multi_dict=False)
        self._lock = threading.Lock()
        self._user_words: list[str] = []
        self._user_entries: list[str] = []  # word, tag and score of every dictionary line
        for path in user_dictionaries:
            self._load_user_dictionary(path)
        self._alias_terms: dict[str, list[str]] = {}
        for alias, canonical in DOMAIN_ALIASES.items():
            self._alias_terms[alias] = self._raw_terms(canonical)
        for word, korean in EN_GLOSSARY.items():
            self._alias_terms.setdefault(word, self._raw_terms(korean) or [korean])
        # term -> alternatives, each a tuple of morphemes (query side only, see synonyms.tsv)
        self._synonyms: dict[str, list[tuple[str, ...]]] = {}
        self._phrases: list[tuple[re.Pattern[str], str]] = []  # English names -> Korean
        self._english: dict[str, str] = {}  # one English word -> the documents' Korean term
        self._phrase_names: set[str] = set()  # Korean names English phrases stand for
        if synonyms is not None and Path(synonyms).is_file():
            self._load_synonyms(Path(synonyms))
        self.typos = TypoCorrector(self._catalogue())

    def _load_user_dictionary(self, path: Path) -> None:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            word, tag = parts[0], parts[1] if len(parts) > 1 else "NNP"
            score = float(parts[2]) if len(parts) > 2 else 0.0
            self._kiwi.add_user_word(word, tag, score)
            self._user_words.append(word.lower())
            self._user_entries.append(f"{word}\t{tag}\t{score}")

    @property
    def fingerprint(self) -> str:
        """What decides the terms a document is indexed under: Kiwi's version, the user
        dictionaries' words and the domain aliases. The keyword index records it, so a staff
        edit of userdict.tsv (or a Kiwi upgrade) makes the writer re-derive every chunk's terms
        instead of leaving old terms that questions, analysed the new way, no longer match.
        synonyms.tsv is not part of it: it is read on the question side only."""
        digest = hashlib.sha1(kiwipiepy.__version__.encode())
        for entry in sorted(self._user_entries):
            digest.update(f"\n{entry}".encode())
        for alias, canonical in sorted(DOMAIN_ALIASES.items()):
            digest.update(f"\n{alias}={canonical}".encode())
        return digest.hexdigest()[:16]

    def _load_synonyms(self, path: Path) -> None:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#") or "\t" not in line:
                continue
            word, _, targets = line.partition("\t")
            if " " in word.strip() or "-" in word.strip() or "/" in word.strip():
                target = targets.split(",")[0].strip()
                self._phrases.append((re.compile(re.escape(word.strip()), re.IGNORECASE),
                                      target))
                if _HANGUL_WORD.fullmatch(target) and len(target) >= 4:
                    self._phrase_names.add(target.lower())  # a name: typos are fixed towards it
                continue
            # one English word, one document term: a translation (see translate_words)
            if _LATIN_WORD.fullmatch(word.strip()) and "," not in targets \
                    and _HANGUL_RUN.search(targets):
                self._english.setdefault(word.strip().lower(), targets.strip())
            keys = self._raw_terms(word) or [word.strip().lower()]
            key = "".join(keys) if len(keys) > 1 else keys[0]
            key = self._alias_terms.get(key, [key])[0] if len(keys) == 1 else key
            # also under the word as written: Kiwi may split a word alone ("예타" -> "타") that
            # it keeps whole inside a question
            for name in dict.fromkeys((key, word.strip().lower())):
                for target in targets.split(","):
                    alternative = tuple(self.terms(target.strip()))
                    known = self._synonyms.setdefault(name, [])
                    if alternative and alternative != (name,) and alternative not in known:
                        known.append(alternative)
        self._phrases.sort(key=lambda p: -len(p[0].pattern))
        for word in list(self._synonyms):  # "몇살" is typed both glued and spaced
            self._synonyms.setdefault(word.replace(" ", ""), self._synonyms[word])

    def _catalogue(self) -> set[str]:
        """Names worth correcting a typo towards: the user dictionary's words, the aliases and
        what they stand for (Hangul only; see `TypoCorrector`)."""
        names = (set(self._user_words) | set(DOMAIN_ALIASES) | set(DOMAIN_ALIASES.values())
                 | self._phrase_names)
        return {n for n in names if _HANGUL_WORD.fullmatch(n)}

    def synonyms(self, term: str) -> list[tuple[str, ...]]:
        """The documents' words for a founder's word (synonyms.tsv), as morpheme tuples."""
        return self._synonyms.get(term, [])

    def has_term(self, terms: frozenset[str] | set[str], term: str) -> bool:
        """Whether analysed text (its `terms`) holds `term` or one of its synonyms."""
        if term in terms:
            return True
        if len(term) >= 3 and term[-1] in _NOUN_SUFFIXES and term[:-1] in terms:
            return True  # Kiwi keeps "일반형" whole in one sentence and "일반" + 형 in another
        return any(all(m in terms for m in alt) for alt in self._synonyms.get(term, ()))

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

    def search_terms(self, text: str) -> list[str]:
        """Terms for keyword search of a QUERY: `terms` plus adjacent noun pairs joined
        ("전문은행"), plus the documents' words for a founder's words (synonyms.tsv:
        지원금 -> 사업화 자금). Documents are indexed with `search_terms_batch`, which adds no
        synonyms, so editing synonyms.tsv needs no re-ingest.

        Kept apart from `terms`, whose callers compare single morphemes (key terms, topics).
        """
        with self._lock:
            tokens = self._kiwi.tokenize(text)
        terms = self._search_terms(tokens)
        extra = [m for t in dict.fromkeys(terms) for alt in self._synonyms.get(t, ())
                 for m in alt if m not in terms]
        return terms + list(dict.fromkeys(extra))

    def search_terms_batch(self, texts: list[str]) -> list[list[str]]:
        """`search_terms` for many texts (what the keyword index stores)."""
        with self._lock:
            analysed = list(self._kiwi.tokenize(texts))
        return [self._search_terms(tokens) for tokens in analysed]

    def _search_terms(self, tokens) -> list[str]:
        terms: list[str] = []
        previous: str | None = None
        for t in tokens:
            if t.tag not in CONTENT_TAGS:
                previous = None
                continue
            form = t.form.lower()
            expansion = self._alias_terms.get(form)
            terms.extend(expansion or [form])
            if t.tag in COMPOUND_TAGS and not expansion:
                if previous is not None:
                    terms.append(previous + form)
                previous = form
            else:
                previous = None
        return terms

    def gram_text(self, text: str) -> str:
        """The question as written, minus its particles, endings and punctuation (what n-gram
        search should match): "인터넷은행의 인가 요건은 무엇인가요?" -> "인터넷은행 인가 요건
        무엇". Spelling and word-internal adjacency are kept, unlike `search_terms`."""
        with self._lock:
            tokens = self._kiwi.tokenize(text)
        words: list[str] = []
        end = -1
        for t in tokens:
            if t.tag.startswith(FUNCTION_TAG_PREFIXES):
                continue
            piece = text[t.start : t.start + t.len]
            if words and t.start == end:
                words[-1] += piece
            else:
                words.append(piece)
            end = t.start + t.len
        return " ".join(words)

    def key_terms(self, text: str) -> list[str]:
        """Distinct topic-bearing terms of a question (generic words and 1-char nouns dropped)."""
        return list(self.key_terms_tagged(text))

    def correct_typos(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """`text` with misspelt programme / organisation names fixed, and the fixes made."""
        fixed, _, fixes = self.analyse_query(text)
        return fixed, fixes

    def analyse_query(self, text: str) -> tuple[str, dict[str, str], list[tuple[str, str]]]:
        """A question's typo-fixed text, its key terms (see `key_terms_tagged`) and the fixes,
        from one Kiwi call when nothing needed fixing (two when something did).

        English names of the domain (synonyms.tsv phrases) become the documents' Korean names
        first. Kiwi's own typo model (`typos="basic"`: ㅐ/ㅔ, ㅚ/ㅙ/ㅞ, ...) then fixes
        "에창패" but not "초청패" (ㅏ -> ㅓ), so names of the catalogue one jamo away from a
        word's start are fixed by hand-written matching afterwards (`TypoCorrector`).
        """
        fixes: list[tuple[str, str]] = []
        for pattern, korean in self._phrases:  # longest first (sorted when loaded)
            found = pattern.search(text)
            if found:
                fixes.append((found.group(0), korean))
                text = pattern.sub(f" {korean} ", text)
        text = self.translate_words(text)
        catalogue = self.typos.names
        text = _PACK.sub(lambda m: f"{m.group(1)}패키지" if f"{m.group(1)}패키지" in catalogue
                         else m.group(0), text)  # "창업도약팩": founders shorten 패키지 to 팩
        with self._lock:
            tokens = self._kiwi.tokenize(text, typos="basic")
        fixed = text
        for t in reversed(tokens):
            surface = fixed[t.start : t.start + t.len]
            if t.form.lower() in catalogue and surface.lower() != t.form.lower():
                fixes.append((surface, t.form))
                fixed = fixed[: t.start] + t.form + fixed[t.start + t.len :]
        fixed, more = self.typos.correct(fixed)
        fixes += more
        if fixed != text:
            return fixed, self.key_terms_tagged(fixed), fixes
        return fixed, self._key_terms(tokens), fixes

    def translate_words(self, text: str) -> str:
        """English words of synonyms.tsv replaced by the documents' Korean term ("valid" ->
        "유효기간"), so an English question is analysed like a Korean one. A plural or
        third-person "-s" / "-es" / "-ies" finds the plain word."""
        if not self._english or not _LATIN_WORD.search(text):
            return text

        def swap(match: re.Match[str]) -> str:
            word = match.group(0).lower()
            for form in _english_forms(word):
                korean = self._english.get(form)
                if korean:
                    return f" {korean} "
            return match.group(0)

        return _LATIN_WORD.sub(swap, text)

    def key_terms_tagged(self, text: str) -> dict[str, str]:
        """Key terms of a question with their Kiwi tag: nouns, numbers, foreign words and roots
        only (verbs, adjectives and adverbs such as 알려주다 / 정확히 / 그냥 say how, not what)."""
        with self._lock:
            tokens = self._kiwi.tokenize(text)
        return self._key_terms(tokens)

    def _key_terms(self, tokens) -> dict[str, str]:
        seen: dict[str, str] = {}
        for token in tokens:
            if token.tag not in KEY_TAGS:
                continue
            form = token.form.lower()
            tag = "NNP" if form in self._alias_terms else token.tag
            for term in self._alias_terms.get(form, [form]):
                if term in GENERIC_TERMS or (len(term) < 2 and not term.isdigit()):
                    continue
                seen.setdefault(term, tag)
        return seen

    def sentences(self, text: str, *, lines: bool = False) -> list[str]:
        """Split Korean (and mixed) text into sentences; whitespace normalised. With `lines`,
        a line break always ends one: a chunk's text holds one sentence or list line a line
        (ingest/chunking.py). Raw text keeps lines wrapped mid-sentence together."""
        text = text.strip()
        if not text:
            return []
        rows = text.split("\n") if lines else [text]
        pieces = [p for row in rows for p in _PUNCT_BOUNDARY.split(row) if p.strip()]
        with self._lock:
            split = [self._kiwi.split_into_sents(p) for p in pieces]
        out: list[str] = []
        for sents in split:
            for sentence in sents:
                text_ = _SPACE.sub(" ", sentence.text).strip()
                if out and _NAME_MARK.search(out[-1]):
                    out[-1] = f"{out[-1]} {text_}"  # "도전! K-스타트업": a name's mark, no end
                elif out and _QUOTE_END.search(out[-1]) and _QUOTED_ON.match(text_):
                    out[-1] = f"{out[-1]}{text_}"  # "'… 선도!'라는 구호를": a quote goes on
                elif text_:
                    out.append(text_)
        return out


_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]{3,}")
# "!" or "?" after a noun, not after a sentence ending ("도전! K-스타트업" is a programme's name)
_NAME_MARK = re.compile(r"[가-힣](?<![다요죠까네라자지오군나가야니어아해게세])[!?]$")
# "… 미래 선도!'" then "라는 구호를 내걸었다": a quoted exclamation inside a sentence
_QUOTE_END = re.compile(r"[!?.]\s*['\"’”」』]$")
_QUOTED_ON = re.compile(r"(?:이?라는|이?라고|이?라며|이?라면서|이?란)(?=\s|[가-힣])")
_NOUN_SUFFIXES = frozenset("형적용별식")
_PACK = re.compile(r"([가-힣]{2,})팩(?![가-힣]{2})")
_LATIN_WORD = re.compile(r"(?<![\w&-])[A-Za-z]+(?:'s)?(?![\w&-])")


def _english_forms(word: str) -> list[str]:
    """`word` and the plain forms it may be inflected from ("companies" -> "company")."""
    word = word.removesuffix("'s")
    forms = [word]
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 3:
        forms.append(word[:-2])
    if word.endswith("s") and len(word) > 3:
        forms.append(word[:-1])
    return forms
_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+")


def jamo(text: str) -> str:
    """Hangul syllables decomposed into their jamo (initial, medial, optional final)."""
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            out.append(chr(0x1100 + code // 588))
            out.append(chr(0x1161 + (code % 588) // 28))
            if code % 28:
                out.append(chr(0x11A7 + code % 28))
        else:
            out.append(ch)
    return "".join(out)


def _contract(name: str) -> str | None:
    """`name` with a closing "크" folded into the syllable before it as its final ㄱ
    ("딥테크" -> "딥텍"), or None when it does not end so (or that syllable has a final)."""
    if len(name) < 3 or name[-1] != "크":
        return None
    code = ord(name[-2]) - 0xAC00
    if not 0 <= code < 11172 or code % 28:
        return None
    return name[:-2] + chr(0xAC00 + code + 1)  # final consonant ㄱ


def _one_edit(a: str, b: str) -> bool:
    """Whether `a` and `b` differ by exactly one substitution, insertion or deletion."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


class TypoCorrector:
    """Fixes a word whose start is one jamo away from a catalogue name of 3+ syllables
    ("초청패는" -> "초창패는", "청창서" -> "청창사").

    Hand-written (a dozen lines): Kiwi's typo model only knows common spelling confusions, and
    a general spelling library would not know this domain's abbreviations. Names of 1-2 syllables
    are never corrected (too many everyday words are one jamo away from them).
    """

    def __init__(self, names: set[str]) -> None:
        self.names = {n.lower() for n in names}
        self._by_length: dict[int, list[tuple[str, str]]] = {}
        for name in self.names:
            self._by_length.setdefault(len(name), []).append((name, jamo(name)))
        # chat folds a closing "크" into the syllable before it (딥테크 -> 딥텍, 테크노파크 ->
        # 테크노팍)
        self._contracted = {short: name for name in self.names
                            if (short := _contract(name)) is not None}

    def correct(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        fixes: list[tuple[str, str]] = []

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            if word in self.names:
                return word
            for short, name in self._contracted.items():
                if word.startswith(short) and not any(word.startswith(n) for n in self.names):
                    fixes.append((short, name))
                    return name + word[len(short):]
            for length in sorted(self._by_length, reverse=True):
                if length > len(word):
                    continue
                head = word[:length]
                if head in self.names:
                    return word
                found = [name for name, parts in self._by_length[length]
                         if _one_edit(jamo(head), parts)]
                if len(found) == 1:  # an ambiguous typo is left alone
                    fixes.append((head, found[0]))
                    return found[0] + word[length:]
            return word

        return _HANGUL_RUN.sub(fix, text), fixes
