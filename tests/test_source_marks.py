"""Per-section and per-sentence source URLs: the corpus's `<!-- 출처: n -->` / `[출처 n]`
marks, through the Markdown loader and the chunker, to the citation's URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.extractive import sentence_source
from ingest.chunking import Chunker
from ingest.loaders.base import LoaderError
from ingest.loaders.markdown import load_markdown
from knowledge.models import Chunk

DOC = """---
title: 테스트 사업
source_urls:
  - https://one.example/a
  - https://two.example/b
---
# 테스트 사업

## 지원 금액
<!-- 출처: 2 -->
테스트 사업은 2026년 최대 1억원을 지원한다. 테스트 사업의 2024년 한도는 5천만원이었다. [출처 1]
세 번째 문장은 섹션의 출처를 따른다.

## 연혁
테스트 사업은 2013년에 시작했다 [출처 1]. 둘째 문장은 출처를 모른다.
"""


@pytest.fixture
def chunks(tmp_path: Path, analyzer) -> list[Chunk]:
    path = tmp_path / "a.md"
    path.write_text(DOC, encoding="utf-8")
    doc = load_markdown(path)
    assert "[출처" not in doc.text and "<!-- 출처" not in doc.text  # resolved to URLs
    return Chunker(analyzer).chunk(doc_id="d", title=doc.title, text=doc.text, source="a.md",
                                   url="https://one.example/a")


def _source(chunks: list[Chunk], start: str) -> tuple[str, list[str]]:
    for chunk in chunks:
        for sentence in chunk.sentences:
            if sentence.startswith(start):
                return sentence_source(chunk, sentence)
    raise AssertionError(start)


def test_section_and_sentence_sources(chunks: list[Chunk]) -> None:
    assert "⟦" not in "".join(c.text for c in chunks) and "<!--" not in chunks[0].text
    assert _source(chunks, "테스트 사업은 2026년") == ("https://two.example/b", [])
    assert _source(chunks, "테스트 사업의 2024년") == ("https://one.example/a", [])
    assert _source(chunks, "세 번째") == ("https://two.example/b", [])
    assert _source(chunks, "테스트 사업은 2013년") == ("https://one.example/a", [])


def test_unknown_source_gives_the_documents_list(chunks: list[Chunk]) -> None:
    assert _source(chunks, "둘째 문장") == ("", ["https://one.example/a", "https://two.example/b"])


def test_spans_survive_the_store_round_trip(chunks: list[Chunk]) -> None:
    chunk = chunks[0]
    back = Chunk.from_store(chunk.id, chunk.text, chunk.metadata())
    assert back.url_spans == chunk.url_spans and back.urls == chunk.urls
    old = Chunk.from_store("x", "t", {"url": "https://one.example/a"})  # before this change
    assert old.urls == [] and old.url_spans == [] and sentence_source(old, "t") == (
        "https://one.example/a", [])


def test_a_mark_without_a_source_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "b.md"
    path.write_text(DOC.replace("[출처 1]", "[출처 7]"), encoding="utf-8")
    with pytest.raises(LoaderError, match="출처"):
        load_markdown(path)


def test_shipped_corpus_marks_resolve(analyzer) -> None:
    from knowledge.settings import DEFAULT_DOCUMENTS_DIR

    marked = 0
    for path in sorted(Path(DEFAULT_DOCUMENTS_DIR).glob("*.md")):
        doc = load_markdown(path)  # raises on a mark without a source
        marked += doc.text.count("⟦source:") + doc.text.count("<!-- source:")
    assert marked > 100


def test_an_unknown_sentence_source_lists_the_first_few_of_many() -> None:
    from bot.models import Source
    from bot.render import source_line

    urls = [f"https://example.org/{n}" for n in range(19)]
    line = source_line(Source(number=1, title="문서", source="a.md", urls=urls))
    assert "https://example.org/2" in line and "https://example.org/3" not in line
    assert "외 16개" in line and "(a.md)" in line
    known = source_line(Source(number=1, title="문서", source="a.md", url=urls[5], urls=urls))
    assert urls[5] in known and "외" not in known


def test_telegram_lists_the_documents_sources_when_the_sentences_one_is_unknown() -> None:
    """The Telegram source line, like the terminal one, shows the document's sources (linked)
    when the sentence's own source is unknown, never a first URL that may be wrong."""
    from bot.models import Source
    from bot.telegram.render import source_line

    urls = ["https://www.a.example/x", "https://b.example/y", "https://c.example/z",
            "https://d.example/w"]
    line = source_line(Source(number=1, title="문서", source="a.md", urls=urls), "ko")
    assert '<a href="https://www.a.example/x">a.example</a>' in line
    assert "https://c.example/z" in line and "https://d.example/w" not in line
    assert "외 1개" in line and "출처 목록" in line
    known = source_line(Source(number=1, title="문서", source="a.md", url=urls[1], urls=urls),
                        "ko")
    assert known.count("<a ") == 1 and urls[1] in known and "출처 목록" not in known
    bad = source_line(Source(number=1, title="문서", source="a.md",
                             urls=["javascript:alert(1)"]), "ko")
    assert "<a " not in bad and "javascript" not in bad
