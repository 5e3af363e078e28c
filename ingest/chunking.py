"""Documents -> chunks that respect headings and Korean sentence boundaries.

1. LangChain's `MarkdownHeaderTextSplitter` cuts the text at its headings (every loader renders
   headings as Markdown), which gives each piece its section path.
2. Inside a section, Kiwi splits paragraphs into sentences and sentences are packed into chunks
   of about `chunk_size` characters, carrying `overlap` sentences over to the next chunk.
3. A single sentence longer than a chunk (tables, OCR text without punctuation) is cut with
   LangChain's `RecursiveCharacterTextSplitter`.
4. A table block from the loaders (a paragraph opened by "[표 N] caption", one "- [k행] 머리글:
   값 · ..." line per row, see `ingest/loaders/tables.py`) becomes a section of its own below
   the current one ("지원 내용 > 표 2"), one unit per row, so a row is retrieved and quoted
   with its header and its row number.
5. Sections whose path carries the loaders' OCR mark ("p. 3 (OCR)") give chunks with
   `extraction="ocr"`, so answers can say the text was machine-read.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from itertools import groupby

from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from ingest.loaders.base import OCR_SECTION_MARK
from ingest.loaders.tables import ROW_PREFIX_RE, TABLE_LINE_RE
from knowledge.korean import KoreanAnalyzer
from knowledge.models import Chunk

# 3: table rows as sections; per-section / per-sentence source URLs; 4: dotted dates
# ("2026. 12. 7.") are no sentence boundaries, paragraphs and 공고문 list lines (□ ○ ※) are
# units, and a chunk's units are joined by line breaks; 5: "!" or "?" after a noun ("도전!
# K-스타트업") ends no sentence
CHUNKER_VERSION = "md-kiwi-5"
_HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3"), ("####", "h4")]
# list markers: Markdown's, and those of Korean 공고문 (□ 사업개요 / ○ 지원규모 : … / ※ …)
_BULLET = re.compile(
    r"^\s*(?:[-*•·□■○●◦◎▪▶※❍]|\d+[.)]|[①-⑳]|[가나다라마바사아자차카타파하][.)])\s*(?=\S)"
)
# the Markdown header splitter turns a blank line into two trailing spaces before the newline
_PARAGRAPH = re.compile(r"\n\s*\n| {2,}\n")
# Source tokens written by the Markdown loader (ingest/loaders/markdown.py).
_DOC_SOURCES = re.compile(r"<!--\s*source_urls:\s*(.*?)\s*-->\n?")
_SECTION_SOURCE = re.compile(r"<!--\s*source:\s*(\S+?)\s*-->")
_SENTENCE_SOURCE = re.compile(r"\s*⟦source:\s*(\S+?)⟧")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ChunkingConfig:
    chunk_size: int = 700
    overlap_sentences: int = 1

    @property
    def signature(self) -> str:
        """Changes whenever chunks would come out differently; stored in the manifest."""
        return f"{CHUNKER_VERSION}:{self.chunk_size}:{self.overlap_sentences}"


def doc_id_for(source_key: str) -> str:
    return hashlib.sha1(source_key.encode("utf-8")).hexdigest()[:16]


def chunk_id_for(doc_id: str, ordinal: int, section: str, text: str) -> str:
    digest = hashlib.sha1(f"{section}\n{text}".encode()).hexdigest()[:10]
    return f"{doc_id}-{ordinal:04d}-{digest}"


def _split_tables(section: str, body: str) -> list[tuple[str, str]]:
    """Give every table block of a section body its own "section > 표 N" piece.

    Works on lines: the header splitter turns blank lines into "  \n", so a table block is
    its "[표 N]" line and the "- [k행] " lines right after it.
    """
    out: list[tuple[str, str]] = []
    text_lines: list[str] = []
    table_name = ""
    rows: list[str] = []

    def flush_text() -> None:
        if any(line.strip() for line in text_lines):
            out.append((section, "\n".join(text_lines).strip()))
        text_lines.clear()

    def flush_table() -> None:
        nonlocal table_name
        if table_name and rows:
            out.append((f"{section} > {table_name}" if section else table_name, "\n".join(rows)))
        elif table_name:
            text_lines.append(table_name)
        table_name = ""
        rows.clear()

    for line in body.split("\n"):
        stripped = line.strip()
        if table_name and ROW_PREFIX_RE.match(stripped):
            rows.append(stripped)
            continue
        flush_table()
        m = TABLE_LINE_RE.match(stripped)
        if m:
            flush_text()
            table_name = f"표 {m.group(1)}" + (f" · {m.group(2).strip()}" if m.group(2) else "")
            continue
        text_lines.append(line)
    flush_table()
    flush_text()
    return out


class Chunker:
    def __init__(self, analyzer: KoreanAnalyzer, config: ChunkingConfig | None = None) -> None:
        self.analyzer = analyzer
        self.config = config or ChunkingConfig()
        self._headers = MarkdownHeaderTextSplitter(_HEADERS, strip_headers=True)
        self._hard = RecursiveCharacterTextSplitter(
            chunk_size=self.config.chunk_size,
            chunk_overlap=min(100, self.config.chunk_size // 5),
            separators=["\n\n", "\n", ". ", "다 ", " ", ""],
        )

    def sections(self, text: str, title: str) -> list[tuple[str, str]]:
        """(section path, section text) pairs, in document order."""
        out = []
        for piece in self._headers.split_text(text):
            meta = piece.metadata
            parts = [meta[key] for _, key in _HEADERS if meta.get(key)]
            if parts and parts[0].strip() == title.strip():
                parts = parts[1:]  # the H1 is usually the document title itself
            body = piece.page_content.strip()
            if body:
                out.extend(_split_tables(" > ".join(p.strip() for p in parts), body))
        return out

    def _sourced_units(self, body: str) -> list[tuple[str, str]]:
        """(unit, its source URL or "") for a section: a `⟦source: URL⟧` token names a
        sentence's source, else the section's `<!-- source: URL -->`, else unknown.

        Tokens are removed before sentence splitting (Kiwi would split at them); each one is
        matched back to its sentence by the text just before it."""
        section = _SECTION_SOURCE.search(body)
        section_url = section.group(1) if section else ""
        body = _SECTION_SOURCE.sub("", body)
        tails = [(_SPACE.sub("", body[max(0, m.start() - 24) : m.start()]).split("⟧")[-1],
                  m.group(1)) for m in _SENTENCE_SOURCE.finditer(body)]
        out = []
        for unit in self._units(_SENTENCE_SOURCE.sub("", body)):
            flat = _SPACE.sub("", unit)
            found = next((u for tail, u in tails if tail and tail in flat), section_url)
            out.append((unit, found))
        return out

    def _units(self, body: str) -> list[str]:
        """Sentences (or bullet lines) of a section, each short enough to fit a chunk.

        A list item or table row is a unit of its own (a 공고문's "○ 접수기간 : …" is one
        fact); the prose lines between them are joined and split into sentences."""
        units: list[str] = []
        for paragraph in _PARAGRAPH.split(body):
            lines = [ln.strip() for ln in paragraph.splitlines() if ln.strip()]
            candidates: list[str] = []
            for is_item, run in groupby(lines, key=lambda ln: bool(_BULLET.match(ln))
                                        or "|" in ln):
                run = list(run)
                candidates += run if is_item else self.analyzer.sentences(" ".join(run))
            for sentence in candidates:
                if len(sentence) > self.config.chunk_size:
                    units.extend(self._hard.split_text(sentence))
                else:
                    units.append(sentence)
        return units

    def chunk(self, *, doc_id: str, title: str, text: str, source: str, url: str = "",
              category: str = "", facts_as_of: str = "") -> list[Chunk]:
        chunks: list[Chunk] = []
        size, overlap = self.config.chunk_size, self.config.overlap_sentences
        listed = _DOC_SOURCES.search(text)
        urls = listed.group(1).split() if listed else ([url] if url else [])
        text = _DOC_SOURCES.sub("", text)
        for section, body in self.sections(text, title):
            sourced = self._sourced_units(body)
            units = [u for u, _ in sourced]
            start = 0
            while start < len(units):
                end, length = start, 0
                while end < len(units) and (end == start or length + len(units[end]) <= size):
                    length += len(units[end]) + 1
                    end += 1
                # one unit a line, so the answerer splits the text back into these units
                piece = "\n".join(units[start:end]).strip()
                ordinal = len(chunks)
                chunks.append(Chunk(
                    id=chunk_id_for(doc_id, ordinal, section, piece), doc_id=doc_id,
                    text=piece, title=title, section=section, source=source, url=url,
                    urls=urls, url_spans=_url_spans(sourced[start:end]),
                    category=category, facts_as_of=facts_as_of, ordinal=ordinal,
                    extraction="ocr" if OCR_SECTION_MARK in section else "",
                    sentences=[u.strip() for u in units[start:end] if u.strip()],
                ))
                if end >= len(units):
                    break
                start = max(end - overlap, start + 1)
        return chunks


def _url_spans(sourced: list[tuple[str, str]]) -> list[tuple[int, str]]:
    """(offset in the joined chunk text, URL) wherever the source changes ("" = unknown)."""
    spans: list[tuple[int, str]] = []
    offset, current = 0, ""
    for unit, unit_url in sourced:
        if unit_url != current:
            spans.append((offset, unit_url))
            current = unit_url
        offset += len(unit) + 1
    return spans
