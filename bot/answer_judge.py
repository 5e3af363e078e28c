"""Does the sentence about to be quoted answer what was asked? A learned judge (issue 11).

Rounds 7 to 11 added hand-written rules for near misses: the documents hold the subject but
not the asked detail, and the answerer quoted a neighbouring sentence about the subject ("21년
K-배터리 발표 행사에 누가 왔어요?" answered with the event's place). On questions written
later by people who saw no code, those rules stopped carrying over (benchmarks/README.md,
round 11). This module replaces "one more rule" with one small model that weighs many plain
signals together:

- how much of the asked clause's nouns the quoted sentence, the other sentences found and the
  corpus hold (IDF-weighted: a rare noun the sentence lacks counts most);
- whether the sentence holds the kind of fact asked, how far down the candidates it is, and
  how much of the subject it names;
- whether the question is a yes/no one, English, a verdict asked, and which path of the
  answerer chose the sentence.

The model is a logistic regression trained by `scripts/train_answer_judge.py` on the spent
answer-eval parts (right: the key fact quoted and no wrong verdict; wrong: any answer where
"detail missing" or a refusal was expected, or one without the key fact), its weights in
`bot/answer_judge.json`. When its probability that the answer is right falls below the
threshold stored with the weights, the answerer says "자료에는 … 정보가 없습니다" instead.
Features are plain Python on what the answerer already computed: no model call, no extra
search. On questions nobody had tuned on it changed 4 of 240 turns (benchmarks/README.md,
round 12): the signals are lexical, so a sentence about the subject that answers something else
still passes. A model that reads both texts could replace `AnswerJudge.probability`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.asked_detail import ScoredSentence, asked_word
from bot.claims import yes_no_question
from bot.cues import GENERIC_DETAIL, KIND_WORDS, flat, fuzzy_has
from bot.facts import STRICT_KINDS, holds
from bot.kinds import FactKind, asked_clause
from bot.query import ATTRIBUTE_TERMS, AnalysedQuery
from bot.sentence_scoring import term_weights

WEIGHTS = Path(__file__).with_name("answer_judge.json")

# which part of the answerer chose the sentence
PATHS = ("plain", "claimed", "verdict", "listed", "figure")  # "unjudged", "lacking": not judged
_KIND_GROUPS = {
    "strict": lambda k: k in STRICT_KINDS,
    "how": lambda k: k is FactKind.HOW_TO_APPLY,
    "eligibility": lambda k: k is FactKind.ELIGIBILITY,
    "named": lambda k: k in (FactKind.ORGANISATION, FactKind.PERSON, FactKind.PLACE),
    "open": lambda k: k in (FactKind.DEFINITION, FactKind.LIST, FactKind.DIFFERENCE,
                            FactKind.STATUS, FactKind.RESULT),
}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
# "몇 개사", "몇 월", "몇 분": the unit the asked figure comes in; the sentence must give one
_UNIT_ASKED = re.compile(r"몇\s*(개사|개월|개|명|팀|곳|건|번|회|월|일|년|분|시간|주|배|억|천|만|%|"
                         r"프로|퍼센트|살|세)")
_UNIT_WRITTEN = {"프로": "%", "퍼센트": "%", "번": "회", "살": "세", "억": "원", "천": "원",
                 "만": "원"}


def _bigrams(text: str) -> set[str]:
    flat_text = re.sub(r"[^가-힣a-z0-9]", "", text.lower())
    return {flat_text[i:i + 2] for i in range(len(flat_text) - 1)}


def _held(term: str, sentence: ScoredSentence) -> bool:
    return fuzzy_has(sentence.terms, term) or fuzzy_has(sentence.head_terms, term) \
        or (len(term) >= 3 and term in flat(sentence.text))


def features(query: AnalysedQuery, chosen: list[ScoredSentence], about: list[ScoredSentence],
             doc_freq: Mapping[str, int], n_docs: int, *, path: str, lead: bool
             ) -> dict[str, float]:
    """The judge's inputs for the first quoted sentence (all in 0..1 or small counts)."""
    first = chosen[0]
    top = about[0].score if about and about[0].score > 0 else 1.0
    asked = flat(asked_clause(query.question)) if query.language == "ko" else ""
    weights = term_weights(dict(query.key_terms), doc_freq, n_docs, query.language)  # type: ignore[arg-type]
    subject = [t for t in query.subject_terms if t in weights]
    detail = {t: w for t, w in weights.items() if t not in query.subject_terms}
    in_asked = {t: w for t, w in detail.items() if not asked or t in asked}
    total_w = sum(weights.values()) or 1.0
    out: dict[str, float] = {
        "bias": 1.0,
        "english": float(query.language == "en"),
        "yes_no": float(yes_no_question(query.question, query.language)),
        "founder": float(not query.founder.empty),
        "year_asked": float(query.year is not None),
        "lead": float(lead),
        "score_ratio": min(first.score / top, 1.5),
        "about": first.about,
        "own_about": first.own_about,
        "has_detail": float(first.has_detail),
        "holds_kind": float(query.kind is not None and holds(query.kind, first.text)),
        "no_kind": float(query.kind is None),
        "n_close": min(sum(s.score >= 0.7 * top for s in about), 8) / 8,
        "n_chosen": len(chosen) / 3,
        "question_len": min(len(query.question), 150) / 150,
        "key_cover": sum(w for t, w in weights.items() if _held(t, first)) / total_w,
        "subject_cover": (sum(_held(t, first) for t in subject) / len(subject)) if subject
        else 0.0,
        "no_subject": float(not subject),
        "sentence_len": min(len(first.text), 200) / 200,
    }
    for name, test in _KIND_GROUPS.items():
        out[f"kind_{name}"] = float(query.kind is not None and test(query.kind))
    for name in PATHS:
        out[f"path_{name}"] = float(path == name)
    # the asked clause's own nouns (not the subject): held by the sentence, by any sentence
    # found, by the corpus at all; weighted by IDF so a rare missing noun counts most
    asked_w = sum(in_asked.values())
    if in_asked:
        missing_here = [t for t in in_asked if not _held(t, first)]
        missing_all = [t for t in in_asked if not any(_held(t, s) for s in about)]
        unused = [t for t in in_asked if not doc_freq.get(t)]
        out["detail_n"] = min(len(in_asked), 5) / 5
        out["detail_missing_here"] = sum(in_asked[t] for t in missing_here) / asked_w
        out["detail_missing_all"] = sum(in_asked[t] for t in missing_all) / asked_w
        out["detail_unused"] = len(unused) / len(in_asked)
        out["detail_max_missing_idf"] = max((in_asked[t] for t in missing_here), default=0.0) / 10
    else:
        out.update(detail_n=0.0, detail_missing_here=0.0, detail_missing_all=0.0,
                   detail_unused=0.0, detail_max_missing_idf=0.0)
    clause = _bigrams(asked or query.question)
    out["bigram_overlap"] = len(clause & _bigrams(first.text)) / len(clause) if clause else 0.0
    unit = _UNIT_ASKED.search(asked or query.question)
    if unit is not None:
        written = _UNIT_WRITTEN.get(unit.group(1), unit.group(1))
        out["unit_asked"] = 1.0
        out["unit_held"] = float(re.search(r"\d\s*(?:[천만억]\s*)?" + re.escape(written),
                                           first.text) is not None)
    else:
        out["unit_asked"] = out["unit_held"] = 0.0
    word = asked_word(query.question) if query.language == "ko" else None
    nouns = re.findall(r"[가-힣A-Za-z]{2,}", word or "")
    out["asked_word"] = float(bool(nouns))
    out["asked_word_held"] = float(bool(nouns) and any(
        n[:2] in flat(first.text) or fuzzy_has(first.head_terms, n[:2]) for n in nouns))
    said = set(_NUMBER.findall(query.question))
    quoted = set(_NUMBER.findall(first.text))
    out["numbers_echoed"] = float(bool(said) and said <= quoted)
    out["numbers_new"] = min(len(quoted - said), 6) / 6
    return out


def missing_noun(query: AnalysedQuery, sentence: ScoredSentence, about: list[ScoredSentence],
                 doc_freq: Mapping[str, int], n_docs: int) -> str | None:
    """The noun of the asked clause, not the subject nor a kind of value, that the quoted
    sentence lacks (one no sentence found holds first, then the rarest): what to name in
    "자료에는 ○○의 △△ 정보가 없습니다"."""
    if query.language != "ko":
        return None
    asked = flat(asked_clause(query.question))
    weights = term_weights(dict(query.key_terms), doc_freq, n_docs, query.language)  # type: ignore[arg-type]
    nouns = [t for t, tag in query.key_terms.items()
             if tag.startswith("NN") and len(t) >= 2 and t in asked and t in weights
             and t not in query.subject_terms and t not in GENERIC_DETAIL and t not in KIND_WORDS
             and t not in ATTRIBUTE_TERMS and not _held(t, sentence)]
    return max(nouns, key=lambda t: (not any(_held(t, s) for s in about[:5]), weights[t])) \
        if nouns else None


@dataclass
class AnswerJudge:
    """The trained weights and threshold: `probability` that an answer is right, `keeps`
    whether it clears the threshold (an untrained judge keeps every answer)."""

    weights: dict[str, float] = field(default_factory=dict)
    threshold: float = 0.0
    trained_on: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> AnswerJudge:
        """The shipped weights; a missing or unreadable file gives a judge that keeps every
        answer (the answerer then behaves as before the judge)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(weights={k: float(v) for k, v in data["weights"].items()},
                       threshold=float(data["threshold"]),
                       trained_on=list(data.get("trained_on", [])))
        except (OSError, ValueError, KeyError, TypeError):
            return cls()

    @property
    def active(self) -> bool:
        return bool(self.weights)

    def probability(self, inputs: Mapping[str, float]) -> float:
        """The model's probability that the quoted answer is right."""
        z = sum(self.weights.get(name, 0.0) * value for name, value in inputs.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def keeps(self, inputs: Mapping[str, float]) -> bool:
        return not self.active or self.probability(inputs) >= self.threshold
