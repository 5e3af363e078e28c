"""What the model is given: the numbered sources and the question, as chat messages.

Moved out of bot/generation.py (which keeps re-exporting these names) when the call bounds made
that module too long.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import prompts
from bot.models import Source
from knowledge.models import SearchHit

Message = dict[str, str]


@dataclass
class NumberedSource:
    """One block of the prompt: the hits of one document section, under one number."""

    number: int
    hits: list[SearchHit]

    def to_source(self, number: int) -> Source:
        from bot.extractive import source_from_hit

        return source_from_hit(number, self.hits[0])

    @property
    def category(self) -> str:
        return self.hits[0].chunk.category


def number_sources(hits: list[SearchHit]) -> list[NumberedSource]:
    """Number the retrieved passages 1..k; passages of the same section share a number (as in
    the extractive answer), so the model sees each section once."""
    by_key: dict[tuple[str, str], NumberedSource] = {}
    for hit in hits:
        key = (hit.chunk.doc_id, hit.chunk.section)
        if key not in by_key:
            by_key[key] = NumberedSource(len(by_key) + 1, [])
        by_key[key].hits.append(hit)
    return list(by_key.values())


def _quote(text: str) -> str:
    """Keep a passage inside its <source> block: its own tags cannot close or open one."""
    return (text.replace("<source", "‹source").replace("</source", "‹/source")
            .replace("<sources", "‹sources").replace("</sources", "‹/sources"))


def source_block(source: NumberedSource) -> str:
    chunk = source.hits[0].chunk
    where = chunk.title + (f" › {chunk.section}" if chunk.section else "")
    as_of = f" ({prompts.FACTS_AS_OF['ko']} {chunk.facts_as_of})" if chunk.facts_as_of else ""
    text = "\n\n".join(h.chunk.text.strip() for h in source.hits)
    return prompts.SOURCE_BLOCK.format(number=source.number, where=_quote(where), as_of=as_of,
                                       text=_quote(text))


def answer_messages(sources: list[NumberedSource], question: str) -> list[Message]:
    """System rules (a constant) + one user message with the quoted sources and the question."""
    user = prompts.ANSWER_REQUEST.format(
        sources="\n".join(source_block(s) for s in sources),
        question=_quote(question.replace("</question", "‹/question")),
    )
    return [{"role": "system", "content": prompts.SYSTEM_PROMPT},
            {"role": "user", "content": user}]


def retry_messages(messages: list[Message], reply: str) -> list[Message]:
    """The first exchange plus the stricter instruction (after an answer that cited nothing)."""
    return [*messages, {"role": "assistant", "content": reply},
            {"role": "user", "content": prompts.STRICTER_RETRY}]
