"""Which language to answer in: Korean unless the user clearly wrote English."""

from __future__ import annotations

import re

_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """'en' when Latin letters clearly outweigh Hangul (an English question that names a Korean
    programme is still English), else 'ko'.

    >>> detect_language("TIPS 지원 금액은?"), detect_language("How much does TIPS give?")
    ('ko', 'en')
    >>> detect_language("How much does 서원대's 창업도약패키지 give each company per year?")
    'en'
    """
    latin = len(_LATIN.findall(text))
    return "en" if latin >= 3 and latin > 2 * len(_HANGUL.findall(text)) else "ko"
