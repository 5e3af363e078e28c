"""Questions whose only words the documents hold are town names (issue 11, round 8).

"청주 오창에 괜찮은 카페 있어?", "Can you recommend a good Chinese restaurant near Osong
station?": the towns are in the documents, the cafe or the restaurant never is. Support by
coverage alone would pass (the towns are all the documents can match), so the extractive
answerer would quote a sentence that shares a town. The place alone makes no subject.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.query import AnalysedQuery
from bot.regions import CHUNGBUK_PLACES, PROVINCE_OF

# English words that carry no subject of their own
_EN_FUNCTION = frozenset({"what", "which", "where", "when", "who", "whom", "whose", "how", "why",
                          "does", "did", "have", "has", "there", "their", "they", "this", "that",
                          "with", "from", "into", "about", "your", "yours", "could", "would",
                          "should", "will", "shall", "much", "many", "some", "any", "please",
                          "tell", "know", "want", "need", "like", "also", "still", "just"})


def only_places(query: AnalysedQuery, key_terms: list[str], missing: list[str],
                doc_freq: Mapping[str, int]) -> bool:
    """Whether the only key terms the best passages hold are place names, while the question
    also asks about something the documents never mention (a missing term, or an English word
    unknown to them). A follow-up's subject, inherited from the turn before, does not count."""
    found = [t for t in key_terms if t not in missing]
    if not found or not all(t in PROVINCE_OF or t in CHUNGBUK_PLACES for t in found):
        return False
    if query.language == "ko" and not all(t in query.question for t in found):
        return False  # a follow-up: its subject came from the turn before
    unknown_english = [t for t, tag in query.key_terms.items() if tag == "SL" and len(t) >= 4
                       and not doc_freq.get(t) and t.lower() not in _EN_FUNCTION]
    return bool(missing) or (query.language == "en" and bool(unknown_english))
