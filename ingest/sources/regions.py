"""Which calls belong to the bot's region (settings: 충북 + 전국 by default)."""

from __future__ import annotations

import re

from knowledge.catalogue.regions import regions_in
from knowledge.catalogue.settings import normalize_region

__all__ = ["keep_region", "keep_text", "regions_in"]


def keep_region(listed: str, wanted: list[str]) -> bool:
    """K-Startup `supt_regin`: keep when it names a wanted region; unknown (empty) is kept, so
    the answer can say "조건을 공고문에서 확인하세요" rather than hide the call."""
    names = {normalize_region(p) for p in re.split(r"[,/·\s]+", listed or "") if p.strip()}
    return not names or bool(names & set(wanted))


def keep_text(text: str, wanted: list[str]) -> bool:
    """기업마당 has no region field: a call naming a wanted province, or naming none (a
    national call), is kept when 전국 is wanted; one naming only other provinces is not."""
    named = regions_in(text)
    if named & set(wanted):
        return True
    return not named and "전국" in wanted
