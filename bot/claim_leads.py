"""Which of the answerer's sentences settles a yes/no question's own claim, and the verdict
lead it gives ("네." / "아니요." / "Yes." / "No."): `bot/claims.py` compares one claim with one
sentence; this module picks the sentence and words the lead for `bot/extractive.py`."""

from __future__ import annotations

from bot import prompts
from bot.asked_detail import ScoredSentence
from bot.claims import claim_verdict
from bot.query import AnalysedQuery


def claim_lead(query: AnalysedQuery, sentence: ScoredSentence, *, only: str | None = None
               ) -> str:
    """"네."/"아니요." when the sentence plainly settles the yes/no question's own claim
    ("엔젤매칭 3억까지 …?" against "엔젤매칭 2억원"), else nothing."""
    if sentence.own_about < 0.5:
        return ""  # a sentence on a neighbouring programme settles nothing of this one
    verdict = claim_verdict(query.question, sentence.text, query.language, query.year,
                            only=only, sentence_year=sentence.year, terms=query.key_terms)
    return prompts.VERDICT[verdict][query.language] if verdict else ""


def first_claimed(query: AnalysedQuery, about: list[ScoredSentence], *,
                  only: str | None = None) -> tuple[ScoredSentence, str] | None:
    """The first of the best sentences about the subject (the top three, scoring at least 0.6
    of the best) that settles the question's own claim, with its verdict lead."""
    top = about[0].score
    for sentence in about[:3]:
        if sentence.score < 0.6 * top or sentence.own_about < 0.5:
            continue
        lead = claim_lead(query, sentence, only=only)
        if lead:
            return sentence, lead
    return None
