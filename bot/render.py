"""Plain-text rendering of answers for the terminal (Telegram has its own HTML renderer)."""

from __future__ import annotations

from bot import prompts
from bot.models import Answer, Source


def source_line(source: Source, language: str = "ko") -> str:
    where = source.title + (f" › {source.section}" if source.section else "")
    bits = [f"[{source.number}] {where}"]
    if source.facts_as_of:
        bits.append(f"({prompts.FACTS_AS_OF[language]} {source.facts_as_of})")
    if source.url or not source.urls:
        bits.append(f"— {source.url or source.source}")
    else:  # the sentence's own source is not known: the document's list, not a wrong one
        shown = source.urls[: prompts.SOURCE_LIST_SHOWN]
        more = len(source.urls) - len(shown)
        listed = " · ".join(shown) + (prompts.SOURCE_LIST_MORE[language].format(n=more)
                                       if more else "")
        bits.append(f"— {prompts.SOURCE_LIST[language]}: {listed}")
    if source.url or source.urls:
        bits.append(f"({source.source})")
    return " ".join(bits)


def render_text(answer: Answer) -> str:
    lines = [answer.answer]
    if answer.notice:
        lines += ["", answer.notice]
    if answer.sources:
        lines += ["", "출처:" if answer.language == "ko" else "Sources:"]
        lines += [source_line(s, answer.language) for s in answer.sources]
    return "\n".join(lines)
