"""Is the founder's case one a rule lists? (issue 11, eligibility verdicts without numbers)

"크라우드펀딩으로 투자했는데 이것도 엔젤투자 소득공제 받을 수 있어요?" is answered by the rule
"엔젤투자 소득공제는 … 개인투자조합에 출자하는 경우, 크라우드펀딩으로 투자하는 경우에
적용된다": the founder's own word (크라우드펀딩) is one the rule includes, so the verdict is yes;
a rule that names it to leave it out ("… 는 제외한다") gives no. The founder's word is a rare
word of the question that is not the programme's own name; a frequent one ("투자") is in every
rule and decides nothing.

Hand-written: the phrases Korean rules use to include or leave out; judged on the answer-eval
parts (benchmarks/README.md, round 6).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from bot.cues import GENERIC_DETAIL, KIND_WORDS, flat
from bot.founder import DENIED
from bot.kinds import asked_clause
from bot.query import ATTRIBUTE_TERMS, AnalysedQuery
from bot.sentence_scoring import idf
from knowledge.korean import DEFAULT_SYNONYMS

_INCLUDES = re.compile(r"적용된다|적용되며|인정된다|인정되며|인정한다|포함한다|포함된다|포함하며|"
                       r"대상(?:이다|으로\s*한다|이며|에\s*포함)|해당한다|우선\s*배정|가리킨다|말한다|"
                       r"(?:받을|신청할|참여할|지원할)\s*수\s*있")
_EXCLUDES = re.compile(r"제외|해당하지\s*않|포함되지\s*않|인정되지\s*않|(?:받을|신청할|참여할|"
                       r"지원할)\s*수\s*없|안\s*된다|불가")
# a rule that requires the founder's word ("…의 사업성 평가를 통과해야 한다")
_REQUIRES = re.compile(r"(?:해야|받아야|있어야|갖춰야|거쳐야|이어야|여야)"
                       r"(?:한다|하며|하고|했다|하는)|필요하다|필수|"
                       # "일반트랙을 졸업한 기업에게 …": only to those who did it
                       r"(?:졸업한|거친|마친|받은|수료한|참여한)(?:기업|팀|사람|창업자|자)"
                       r"(?:에게|만|을대상|이대상|으로한정)")
# the founder says they lack it ("평가는 안 받았어요", "인증은 없는데", "아직 못 했어요")
_LACKS = re.compile(r"(?:안|못)(?:받|했|해|거쳤|갖췄|통과|됐|돼)|없(?:어|는데|고|습|음)|않았|아직")
# a list the documents close with its count ("딥테크 특화형의 5대 분야는 …이다", "4가지 유형은")
_CLOSED_LIST = re.compile(r"\d+\s*(?:대|개|가지)\s*(?:분야|유형|업종|산업|트랙|리그|세부사업)"
                          r"(?:는|은|로|으로|가\s*있)|"
                          # "지원 항목은 부스 임차료, 장치·집기, 전시품 운송비 …이다"
                          r"(?:지원|대상|인정)\s*(?:항목|범위|비용)(?:은|는)\s")
# what a programme gives, said of a founder's "…도" word the sentence lists ("지사화, 무역사절단,
# 시장조사 대행을 지원한다" to "무역사절단 지원도 받을 수 있어요?")
_GIVES = re.compile(r"지원한다|지원하며|지원했다|제공한다|제공하며|운영한다|운영하며")
# a time window that narrows the founder's word to some cases ("1개월 안에 폐업한")
_WITHIN = re.compile(r"\d+(?:개월|년|일)(?:안에|이내에?|내에|이전에?|전에?)$")
_AFTER = 25  # characters (spaces removed) after the founder's word in which a rule leaves it out
_MIN_IDF = 2.3  # rarer than about one passage in eight
_MIN_REQUIRED_IDF = 1.0  # a word in most passages ("지원", "기업") tells no requirement
_REQUIRED_AFTER = 12  # characters after a common told word in which a rule requires it


# the founder's case said as "…도": "AC 투자도 인정돼요?", "이것도"
_ALSO = re.compile(r"(?<![가-힣])"
                   r"(?!그래도|그래서도|아직도|지금도|요즘도|올해도|작년도|내년도|앞으로도)"
                   r"((?:[A-Za-z가-힣]{2,}\s)?[가-힣A-Za-z]{2,}?)(?:으로|로|에서)?도(?=\s)")


def told_only(question: str, terms: list[str]) -> set[str]:
    """The terms a question uses only in telling the founder's case, not in what it asks."""
    told = flat(told_case(question))
    if not told:
        return set()
    asked = flat(asked_clause(question))
    return {t for t in terms if t in told and t not in asked}


def also_said(query: AnalysedQuery) -> str:
    """The words the question says with "도" ("TV홈쇼핑 입점도 …?"), lower-cased, one per
    space: the founder's case even inside what is asked."""
    return _said_with_do(asked_clause(mended(query)))


def _said_with_do(clause: str) -> str:
    return " ".join(phrases_with_do(clause))


def phrases_with_do(clause: str) -> list[str]:
    """Each phrase a clause says with "도", lower-cased ("직매입 상담회도" -> "직매입 상담회")."""
    return [phrase.lower() for phrase in _ALSO.findall(clause)]


def told_case(question: str) -> str:
    """What the founder tells of their case: the clauses before the question ("크라우드펀딩으로
    투자했는데"), and words said with "도"; empty when the question tells nothing."""
    asked = asked_clause(question)
    told = question[: len(question) - len(asked)] if asked != question else ""
    return " ".join([told, *_ALSO.findall(asked)]).strip()


def mended(query: AnalysedQuery) -> str:
    """The question as typed, with its mended words ("신보" -> 신용보증기금) but no subject
    filled in from earlier turns."""
    text = query.question
    for typed, fixed in query.typo_fixes:
        text = text.replace(typed, fixed, 1)
    return text


def founder_items(query: AnalysedQuery, doc_freq: Mapping[str, int], n_docs: int) -> list[str]:
    """The rare words of the founder's told case, not the programme asked about nor the kind
    of value ("크라우드펀딩", "기후테크", "액셀러레이터")."""
    told = flat(told_case(mended(query)))
    if not told:
        return []
    clause = asked_clause(mended(query))
    asked = flat(clause)
    also = flat(_said_with_do(clause))
    lead = flat((clause.split() or [""])[0])
    out = []
    for term, tag in query.key_terms.items():
        # a name the founder tells of ("개인투자조합 통해서 출자했는데") is their case, even
        # when it is also a subject word; one the question asks about is not
        # a word said with "도" is the founder's case, unless the asked clause opens with it
        # (the programme asked about: "벤처지식산업지원자금 운전자금으로도 …?")
        subject = term in query.subject_terms and term in asked and (
            term not in also or term in lead)
        if not tag.startswith("NN") or len(term) < 2 or subject \
                or term in KIND_WORDS or term in GENERIC_DETAIL or term in ATTRIBUTE_TERMS:
            continue
        if term in told and doc_freq.get(term, 0) and idf(term, doc_freq, n_docs) >= _MIN_IDF:
            out.append(term)
    return out


def told_words(query: AnalysedQuery, doc_freq: Mapping[str, int], n_docs: int) -> list[str]:
    """Every noun of the founder's told case that is not a kind of value or a generic word,
    however common ("일반트랙은 안 해봤는데" -> 일반, 트랙): what a requirement is checked on."""
    told = flat(told_case(mended(query)))
    return [t for t, tag in query.key_terms.items()
            if told and t in told and tag.startswith("NN") and len(t) >= 2
            and t not in KIND_WORDS and t not in GENERIC_DETAIL and t not in ATTRIBUTE_TERMS
            and idf(t, doc_freq, n_docs) >= _MIN_REQUIRED_IDF]


def membership(sentence: str, items: list[str], told: str = "",
               words: list[str] | None = None, *, plainly: bool = True,
               also: str = "") -> str | None:
    """"yes" when the rule names one of the founder's words and includes it, "no" when it
    leaves it out right after naming it, None when it does not name them or says neither.
    A rule that requires the word ("… 평가를 통과해야 한다") gives "no" when the founder's
    told case says they lack it ("평가는 안 받았어요"), "yes" when it says they have it; a list
    the documents close with its count ("5대 분야는 …") gives "yes" when it names the word."""
    plain = flat(sentence)
    named = [(i, plain.find(i.lower())) for i in items if i.lower() in plain]
    told_flat = flat(told)
    # a requirement may be checked on a common word too, right before it ("일반트랙을 졸업한")
    required = [*((i, at, _AFTER) for i, at in named),
                *((w, m.start(), _REQUIRED_AFTER) for w in words or () if w not in items
                  for m in re.finditer(re.escape(w.lower()), plain))]
    if not named and not (told_flat and required):
        return None
    for item, at in named:
        if _WITHIN.search(plain[max(0, at - 12):at]):
            continue  # "공고 직전 1개월 안에 폐업한 사람 … 제외": only some of them
        if _denied(told, item):
            continue  # "체납 같은 건 없어요": the founder is not what the rule leaves out
        if _EXCLUDES.search(plain[at:at + _AFTER]):
            return "no"
    for item, at, after in required:
        if told_flat and _REQUIRES.search(plain[at:at + len(item) + after]):
            start = told_flat.find(item.lower())
            if start < 0:
                continue  # a word of the rule the founder did not tell about
            lacks = _LACKS.search(told_flat[start:start + len(item) + 14])
            return "no" if lacks else "yes"
    if not named:
        return None
    if _CLOSED_LIST.search(sentence):
        return "yes"
    whole = [w for w in also.split() if any(i.lower() in w for i, _at in named) and w in plain]
    if plainly and whole and _GIVES.search(sentence):
        return "yes"  # "무역사절단 지원도 돼요?" and the sentence lists it among what it gives
    # `plainly` off: a rule that only says it applies ("… 신청할 수 있다") is not enough
    return "yes" if plainly and _INCLUDES.search(sentence) else None


# --- closed lists ----------------------------------------------------------------------------
# "딥테크 특화형의 5대 분야는 빅데이터·AI, 바이오헬스, …, 로봇이다": the count, the head, the items
_COUNTED_AFTER = re.compile(r"(\d+)\s*(?:대|개|가지)\s*([가-힣]{1,6}?)(?:은|는)\s+([^.]+?)"
                            r"(?:이다|이며|이고|다)(?=[.,\s]|$)")
# "SK이노베이션, KT, …, HD현대중공업 등 10개 대기업이",
# "일반, 탄소중립, …, 재기컨설팅의 5개 유형으로"
_COUNTED_BEFORE = re.compile(r"([^.]+?)\s*(?:등|의)\s*(\d+)\s*(?:개|가지|곳)\s*([가-힣]{1,6}?)"
                             r"(?:이|가|으로|로|을|를|에|의|은|는)?(?=[\s,.]|$)")
_TOPIC_END = re.compile(r".*(?:에는|에서는|은|는|로는)\s+")
# what the founder says their case is not ("AI는 안 쓰는", "신산업 아니고", "제조업 말고")
_NOT_THEIRS = re.compile(r"([가-힣A-Za-z·]{2,})(?:은|는|도|이|가)?\s*"
                         r"(?:안\s*쓰|안\s*하|아니|없|빼고|말고)")
FIELDS_FILE = DEFAULT_SYNONYMS.parent / "fields.tsv"


@cache
def field_words(path: Path = FIELDS_FILE) -> dict[str, tuple[str, ...]]:
    """knowledge/fields.tsv: a field as the documents name it -> founders' words for what
    belongs to it (flattened), read once on first use."""
    fields: dict[str, tuple[str, ...]] = {}
    if not path.exists():
        return fields
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        name, words = line.split("\t", 1)
        fields[flat(name)] = tuple(flat(w) for w in words.split(",") if w.strip())
    return fields


def closed_list(sentence: str) -> tuple[str, list[str]] | None:
    """(the list's head noun, its items) when a sentence names every item of a list whose
    count it gives ("5대 분야는 A, B, C, D, E이다"; "A, B, … 등 10개 대기업"), else None."""
    after = _COUNTED_AFTER.search(sentence)
    if after:
        count, head, body = int(after.group(1)), after.group(2), after.group(3)
    else:
        before = next((m for m in _COUNTED_BEFORE.finditer(sentence) if "," in m.group(1)),
                      None)
        if before is None:
            return None
        count, head = int(before.group(2)), before.group(3)
        body = _TOPIC_END.sub("", before.group(1))
    items = [i.strip() for i in body.split(",") if i.strip()]
    if len(items) != count or count < 2 or any(len(i) > 20 for i in items):
        return None
    return head, items


def closed_list_verdict(sentence: str, told: str, told_nouns: list[str],
                        question: str) -> str | None:
    """"yes" when the founder's told case names an item of a closed list, or a word that
    knowledge/fields.tsv files under one; "no" when it names what they do and neither fits
    ("양자컴퓨터 하드웨어 만드는 스타트업인데 5대 분야에 들어가요?"); None when the sentence
    holds no closed list or the question does not ask about it."""
    found = closed_list(sentence)
    if found is None:
        return None
    head, items = found
    asked = flat(asked_clause(question))
    if flat(head) not in asked or any(flat(i) in asked for i in items):
        # the question asks about something else of the programme, or about one item of the
        # list ("26년 초창패 일반형 업력 범위 안이에요?"), not whether the founder's case is one
        return None
    own = _NOT_THEIRS.sub(" ", told)
    own_flat = flat(own)
    glossary = field_words()
    for item in items:
        words = (flat(item), *glossary.get(flat(item), ()))
        if any(w and w in own_flat for w in words):
            return "yes"
    nouns = [n for n in told_nouns if flat(n) in own_flat]
    return "no" if nouns else None


def _denied(told: str, item: str) -> bool:
    """Whether the founder's told case says they are not, or have no, `item`."""
    return any(DENIED.match(told, m.end())
               for m in re.finditer(re.escape(item), told, re.I))


# a rule for one case ("문화상품을 제작하는 법인의 경우 … 7%이다")
_CASE = re.compile(r"([가-힣A-Za-z·\s]{2,30}?)(?:의|인|일|한|하는)\s*경우")
_GENERIC_CASE = frozenset({"기업", "법인", "회사", "업체", "개인", "경우", "사업자", "창업"})


def case_of(sentence: str, told: str) -> bool:
    """Whether a rule written for one case ("문화상품을 제작하는 법인의 경우 …") is the case
    the founder tells ("웹툰 만드는 문화상품 법인인데"): a word of the case, other than a
    generic one, that the told case uses."""
    found = _CASE.search(sentence)
    told_flat = flat(told)
    if not found or not told_flat:
        return False
    words = [w[:2] for w in re.findall(r"[가-힣]{2,}", found.group(1))
             if w[:2] not in _GENERIC_CASE]
    return any(w in told_flat for w in words)

