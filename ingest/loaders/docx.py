"""DOCX loader (python-docx).

Heading styles become Markdown headings; tables become row blocks (``tables.render_table``:
each row with its header, merged cells repeated); a document without heading styles gets
page headings ("p. 2") from Word's rendered page breaks, so citations still point somewhere.
The package is checked against the zip-bomb limits before python-docx inflates it.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from .base import (
    EncryptedDocumentError,
    LoadedDocument,
    LoaderError,
    ReadContext,
    clean_title,
    collapse_ws,
    heading,
    join_blocks,
    normalize_text,
    page_heading,
    require_text,
    short_detail,
)
from .tables import TableCounter
from .zipguard import check_package

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CORRUPT_PREFIX = "Word(DOCX) 파일이 손상되었거나 DOCX 형식이 아닙니다"

_HEADING_STYLE_RE = re.compile(r"(heading|제목)\D*(\d+)", re.IGNORECASE)
_LIST_STYLE_RE = re.compile(r"^(list|목록)", re.IGNORECASE)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def heading_level(style_name: str) -> int | None:
    """Markdown heading level for a paragraph style name, or None for body text.

    "Title" / "제목" (no digit) -> 1; "Heading N" / "제목 N" / anything containing
    "Heading"/"제목" followed by a digit -> N (capped at 6).
    """
    name = style_name.strip()
    if name.lower() == "title" or name == "제목":
        return 1
    m = _HEADING_STYLE_RE.search(name)
    if m:
        return max(1, min(6, int(m.group(2))))
    return None


def _style_name(par: Paragraph) -> str:
    try:
        style = par.style
    except Exception:  # broken style reference
        return ""
    return (style.name or "") if style is not None else ""


def _cell_text(cell: Any) -> str:
    parts = [collapse_ws(p.text) for p in cell.paragraphs]
    for inner in cell.tables:  # nested tables: flattened into the cell
        for row in _table_grid(inner):
            parts.append(" ".join(c for c in dict.fromkeys(row) if c))
    return " ".join(p for p in parts if p)


def _table_grid(table: Table) -> list[list[str]]:
    """Cell texts on the table grid; python-docx repeats a merged cell over its span."""
    grid: list[list[str]] = []
    for row in table.rows:
        texts: dict[int, str] = {}
        grid.append([])
        for cell in row.cells:
            key = id(cell._tc)
            if key not in texts:
                texts[key] = _cell_text(cell)
            grid[-1].append(texts[key])
    return grid


def _page_breaks(par: Paragraph) -> int:
    """Page breaks before/inside a paragraph (Word's rendered breaks or explicit ones)."""
    count = 0
    for el in par._p.iter(f"{_W}lastRenderedPageBreak", f"{_W}br"):
        if el.tag == f"{_W}lastRenderedPageBreak" or el.get(f"{_W}type") == "page":
            count += 1
    return count


def load_docx(path: Path, ctx: ReadContext | None = None) -> LoadedDocument:
    ctx = ctx or ReadContext()
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC):
        # Password-protected Office files are stored as an OLE container, not a zip.
        raise EncryptedDocumentError(
            "암호가 걸린 Word 문서이거나 예전 .doc 형식입니다. 암호를 해제하고 "
            "'Word 문서(.docx)'로 다시 저장해 올려 주세요."
        )
    if not zipfile.is_zipfile(path):
        raise LoaderError(f"{CORRUPT_PREFIX}: ZIP 구조가 아닙니다.")
    try:
        with zipfile.ZipFile(path) as zf:
            check_package(zf, ctx.limits, "Word(DOCX)")
    except zipfile.BadZipFile as exc:
        raise LoaderError(f"{CORRUPT_PREFIX}: {short_detail(exc)}") from exc
    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise LoaderError(f"{CORRUPT_PREFIX}: {short_detail(exc)}") from exc

    blocks: list[str] = []
    pages: list[tuple[int, int]] = []  # (block index, page number) where a page starts
    page = 1
    tables = TableCounter()
    title_style_text = ""
    first_heading = ""
    has_headings = False
    for n, item in enumerate(document.iter_inner_content()):
        if n % 200 == 0:
            ctx.check()
        if isinstance(item, Paragraph):
            breaks = _page_breaks(item)
            if breaks:
                page += breaks
                pages.append((len(blocks), page))
            text = item.text
            if not text.strip():
                continue
            style = _style_name(item)
            level = heading_level(style)
            if level is not None and len(collapse_ws(text)) <= 200:
                has_headings = True
                blocks.append(heading(level, text))
                if style.lower() == "title" and not title_style_text:
                    title_style_text = collapse_ws(text)
                if not first_heading:
                    first_heading = collapse_ws(text)
            elif _LIST_STYLE_RE.match(style):
                blocks.append(f"- {collapse_ws(text)}")
            else:
                blocks.append(text)
        elif isinstance(item, Table):
            block = tables.render(_table_grid(item))
            if block:
                blocks.append(block)

    if not has_headings and pages:
        # no heading styles: page headings so that citations say "p. 2"
        for index, number in reversed(pages):
            blocks.insert(index, page_heading(number))
        if pages[0][0] > 0:
            blocks.insert(0, page_heading(1))

    text = require_text(normalize_text(join_blocks(blocks)))

    metadata: dict[str, Any] = {"table_count": tables.count, "table_cells": tables.cells}
    if pages:
        metadata["page_count"] = page
    core_title = ""
    try:
        props = document.core_properties
        core_title = clean_title(props.title)
        for name in ("author", "subject", "keywords", "category"):
            value = clean_title(getattr(props, name, None))
            if value:
                metadata[name] = value
        for name in ("created", "modified"):
            value = getattr(props, name, None)
            if value is not None:
                metadata[name] = value.isoformat()
    except Exception:  # malformed docProps/core.xml: metadata is optional
        pass
    title = core_title or clean_title(title_style_text) or clean_title(first_heading) or path.stem
    return LoadedDocument(path=path, format="docx", title=title, text=text, metadata=metadata)
