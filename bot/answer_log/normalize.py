"""Light normalisation of questions, so that the same gap asked twice is counted once."""

from __future__ import annotations

import re
import unicodedata

from bot.answer_log.tables import QUESTION_KEY_LENGTH

_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")


def question_key(question: str) -> str:
    """NFKC, lower case, punctuation dropped, white space collapsed, then all spaces removed
    (Korean users space words inconsistently: "지원금 은" / "지원금은").

    >>> question_key("  예비창업패키지   지원금은?! ") == question_key("예비 창업패키지 지원금은")
    True
    """
    text = unicodedata.normalize("NFKC", question).lower()
    text = _PUNCT.sub(" ", text)
    text = _SPACE.sub("", text)
    return text[:QUESTION_KEY_LENGTH]
