"""Which language to answer in: Korean unless the user clearly wrote English."""

from __future__ import annotations

import re

_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """'en' when the text has Latin letters and no Hangul, else 'ko'.

    >>> detect_language("TIPS 지원 금액은?"), detect_language("How much does TIPS give?")
    ('ko', 'en')
    """
    if _HANGUL.search(text):
        return "ko"
    return "en" if len(_LATIN.findall(text)) >= 3 else "ko"
