"""Numbered sources for an answer: which URL a quoted sentence came from, and the `Source`
shown under the answer."""

from __future__ import annotations

from bot.models import Source
from knowledge.models import Chunk, SearchHit


def sentence_source(chunk: Chunk, sentence: str) -> tuple[str, list[str]]:
    """The URL a sentence's fact came from, and the document's list when that is unknown.

    Chunks record where each span of their text came from (`Chunk.url_spans`, from the
    corpus's `<!-- source: n -->` and `[출처 n]` markers); without a span, a chunk whose document
    has a single source uses it, and one with several sources gives the list instead."""
    spans = chunk.url_spans
    if spans:
        at = chunk.text.find(sentence[:40])
        if at >= 0:
            url = ""
            for offset, span_url in spans:
                if offset <= at:
                    url = span_url
            if url:
                return url, []
    if len(chunk.urls) > 1:
        return "", list(chunk.urls)
    return chunk.url, []


def source_from_hit(number: int, hit: SearchHit, *, url: str | None = None,
                    urls: list[str] | None = None) -> Source:
    c = hit.chunk
    return Source(number=number, title=c.title, section=c.section, source=c.source,
                  url=c.url if url is None else url, urls=urls or [],
                  score=round(hit.score, 4), chunk_id=c.id, doc_id=c.doc_id,
                  facts_as_of=c.facts_as_of, category=c.category)


def needs_call_reminder(category: str) -> bool:
    """Programme figures change every year: remind founders to check the current call."""
    return category in {"startup-support", "investment", "marketing-export", "organizations"}
