"""Provinces named in a text (the sync keeps calls by region; alerts match on it)."""

from __future__ import annotations

import re

from knowledge.catalogue.settings import PROVINCES, REGION_ALIASES, normalize_region

_NAMES = sorted({*REGION_ALIASES, *PROVINCES}, key=len, reverse=True)
_ANY = re.compile("|".join(map(re.escape, _NAMES)))


def regions_in(text: str) -> set[str]:
    """Provinces named in `text` (normalised: 충청북도 -> 충북)."""
    return {normalize_region(m) for m in _ANY.findall(text or "")}
