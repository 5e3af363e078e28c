"""`/subscribe 예비창업 수출`: words to a profile.

Words that name a founding stage, an age, a region or one of the catalogue's support fields set
that part of the profile; every other word becomes a keyword matched against the call's text.
"""

from __future__ import annotations

import re

from bot.alerts.models import AgeBand, Profile, RegionScope
from knowledge.catalogue.models import Stage

STAGE_WORDS: dict[str, Stage] = {
    "예비": Stage.PRE, "예비창업": Stage.PRE, "예비창업자": Stage.PRE, "pre": Stage.PRE,
    "초기": Stage.EARLY, "초기창업": Stage.EARLY, "3년이내": Stage.EARLY, "early": Stage.EARLY,
    "도약": Stage.GROWTH, "도약기": Stage.GROWTH, "3~7년": Stage.GROWTH, "growth": Stage.GROWTH,
    "7년초과": Stage.MATURE, "성장": Stage.MATURE, "mature": Stage.MATURE,
}
REGION_WORDS: dict[str, RegionScope] = {
    "충북": RegionScope.CHUNGBUK, "충북만": RegionScope.CHUNGBUK, "충청북도": RegionScope.CHUNGBUK,
    "전국": RegionScope.CHUNGBUK_NATIONAL,
}
# everyday words for the support fields (see `fields.FIELDS`)
FIELD_WORDS: dict[str, str] = {
    "수출": "판로·해외", "해외": "판로·해외", "글로벌": "판로·해외", "판로": "판로·해외",
    "내수": "판로·해외", "마케팅": "판로·해외",
    "자금": "자금·융자", "융자": "자금·융자", "대출": "자금·융자", "금융": "자금·융자",
    "보증": "자금·융자", "투자": "자금·융자",
    "r&d": "기술개발", "기술개발": "기술개발", "연구개발": "기술개발", "기술": "기술개발",
    "멘토링": "멘토링·교육", "컨설팅": "멘토링·교육", "교육": "멘토링·교육",
    "공간": "공간·보육", "보육": "공간·보육", "입주": "공간·보육",
    "사업화": "사업화", "인력": "인력", "채용": "인력", "행사": "행사·네트워크",
    "네트워크": "행사·네트워크",
}
_AGE = re.compile(r"^(?:만)?(\d{2})(?:살|세|대)?$")
_SPLIT = re.compile(r"[\s,]+")


def age_band(age: int) -> AgeBand:
    if age < 30:
        return AgeBand.UNDER_30
    if age < 40:
        return AgeBand.THIRTIES
    if age < 50:
        return AgeBand.FORTIES
    return AgeBand.OVER_50


def profile_from_words(text: str, base: Profile | None = None) -> Profile:
    """The profile the words describe (on top of `base`, e.g. an existing subscription)."""
    profile = (base or Profile()).model_copy(deep=True)
    keywords: list[str] = []
    fields = list(profile.fields)
    for raw in _SPLIT.split(text.strip()):
        word = raw.strip().strip(".!?\"'").lower()
        if not word:
            continue
        if word in STAGE_WORDS:
            profile.stage = STAGE_WORDS[word]
        elif word in REGION_WORDS:
            profile.region = REGION_WORDS[word]
        elif (m := _AGE.match(word)) and 15 <= int(m.group(1)) <= 99:
            profile.age_band = age_band(int(m.group(1)))
        elif word in FIELD_WORDS:
            if FIELD_WORDS[word] not in fields:
                fields.append(FIELD_WORDS[word])
        elif len(word) >= 2 and word not in keywords:
            keywords.append(word[:30])
    profile.fields = fields[:10]
    profile.keywords = (profile.keywords + [k for k in keywords if k not in profile.keywords])[:10]
    return profile
