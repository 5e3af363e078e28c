"""Checks on a generated reply: its [n] citation markers and whether it declines to answer.

A reply may only cite the sources it was given. Markers pointing elsewhere ([0], [9] when
five sources were sent) are removed; the remaining ones are renumbered 1..k in order of first
appearance, so the source list under the answer shows exactly what was cited, in reading order.
Grouped markers such as ``[1, 3]`` or ``[2-3]`` are understood and written back as ``[1][2]``.

Hand-written (two regular expressions): no library parses this project's marker convention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot import prompts

# "[3]", "[1, 2]", "[1，2]", "[2-4]" — digits only, so "[2026년]" or "[참고]" are left alone.
_MARKER = re.compile(r"\[\s*(\d{1,3}(?:\s*[,，\-–]\s*\d{1,3})*)\s*\]")
_RANGE = re.compile(r"(\d{1,3})\s*[-–]\s*(\d{1,3})")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([.,!?。)])")
_MULTI_SPACE = re.compile(r"[ \t]{2,}")
# Wording of a reply that says the sources do not answer (used only when nothing is cited).
_REFUSAL_WORDING = re.compile(
    r"(자료에[는서]*\s*[^.\n]{0,40}(없|않)"
    r"|(찾을|확인할|알|답할|답변할|답변드릴|말씀드릴)\s*수\s*(가\s*)?없"
    r"|(sources|documents|provided (text|information))\s+(do|does)\s*(not|n't)"
    r"|not\s+(covered|mentioned|included|found)\s+in\s+the"
    r"|(cannot|can't|unable to)\s+(answer|find))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CitationCheck:
    """A reply after its markers were checked."""

    text: str
    """The reply with valid markers renumbered and invalid ones removed."""
    cited: list[int] = field(default_factory=list)
    """Numbers of the given sources that were cited, in order of first appearance; the source
    ``cited[i]`` is now marker ``[i + 1]``."""
    invalid: list[int] = field(default_factory=list)
    """Marker numbers that pointed to no given source (removed)."""

    @property
    def grounded(self) -> bool:
        return bool(self.cited)


def _numbers(group: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*[,，]\s*", group.strip()):
        span = _RANGE.fullmatch(part)
        if span:
            lo, hi = int(span.group(1)), int(span.group(2))
            out.extend(range(lo, hi + 1) if 0 < hi - lo < 10 else (lo, hi))
        elif part:
            out.append(int(part))
    return out


def check_citations(text: str, n_sources: int) -> CitationCheck:
    """Remove markers outside 1..n_sources and renumber the rest by first appearance."""
    order: dict[int, int] = {}
    invalid: list[int] = []

    def replace(match: re.Match[str]) -> str:
        new: list[int] = []
        for number in _numbers(match.group(1)):
            if not 1 <= number <= n_sources:
                if number not in invalid:
                    invalid.append(number)
                continue
            renumbered = order.setdefault(number, len(order) + 1)
            if renumbered not in new:
                new.append(renumbered)
        return "".join(f"[{n}]" for n in sorted(new))

    replaced = _MARKER.sub(replace, text)
    if invalid:  # tidy the gaps the removed markers left
        replaced = _SPACE_BEFORE_PUNCT.sub(r"\1", replaced)
        replaced = _MULTI_SPACE.sub(" ", replaced)
        replaced = "\n".join(line.rstrip() for line in replaced.split("\n"))
    return CitationCheck(text=replaced.strip(), cited=list(order), invalid=invalid)


def strip_sentinel(text: str) -> str:
    return text.replace(prompts.NO_ANSWER_SENTINEL, "").strip()


def is_refusal(text: str, *, grounded: bool) -> bool:
    """Whether a reply declines to answer: the sentinel the system prompt asks for, or — when it
    cites nothing — wording that says the sources do not cover the question."""
    if prompts.NO_ANSWER_SENTINEL in text:
        return not grounded or not strip_sentinel(text)
    return not grounded and bool(_REFUSAL_WORDING.search(text))


def may_be_sentinel(text: str) -> bool:
    """True while a streamed reply could still turn out to be the sentinel (so it is not shown)."""
    stripped = text.strip()
    return prompts.NO_ANSWER_SENTINEL.startswith(stripped)
