"""What a connector returns, and the text clean-up every source needs."""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup
from pydantic import BaseModel, Field

from knowledge.catalogue.models import Programme

_SPACE = re.compile(r"[ \t\u00a0\u3000]+")
_LINES = re.compile(r"\n\s*\n+")
_BREAKS = re.compile(r"(?i)<\s*(?:br|/p|/div|/li|/tr|/h\d|li)\b[^>]*>")


def clean_text(value: object) -> str:
    """Plain text from a field that may hold HTML, entities or nothing (None, numbers)."""
    if value is None:
        return ""
    text = str(value)
    if "<" in text and ">" in text:
        text = _BREAKS.sub("\n", text)
        text = BeautifulSoup(text, "lxml").get_text("")
    text = html.unescape(text).replace("\r", "")
    text = "\n".join(_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return _LINES.sub("\n\n", text).strip()


class Problem(BaseModel):
    source: str
    where: str = Field(description="page N / item id / attachment name")
    reason: str


class FetchResult(BaseModel):
    source: str
    programmes: dict[str, Programme] = Field(default_factory=dict)
    problems: list[Problem] = Field(default_factory=list)
    complete: bool = Field(False, description="Every page was read: vanished ids are real.")
    pages: int = 0
    items: int = 0
    duplicates: int = 0
    skipped_region: int = 0
    requests: int = 0
    retries: int = 0
    error: str | None = Field(None, description="Why the source could not be read at all.")

    def add(self, programme: Programme) -> None:
        if programme.id in self.programmes:
            self.duplicates += 1  # the same call on two pages: keep the later (fresher) copy
        self.programmes[programme.id] = programme

    def problem(self, where: str, reason: str) -> None:
        self.problems.append(Problem(source=self.source, where=where, reason=reason))
