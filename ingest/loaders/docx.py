"""DOCX loader (python-docx): heading styles -> Markdown headings, tables -> " | " rows."""

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
    clean_title,
    collapse_ws,
    heading,
    join_blocks,
    normalize_text,
    require_text,
    short_detail,
)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CORRUPT_PREFIX = "Word(DOCX) 파일이 손상되었거나 DOCX 형식이 아닙니다"

_HEADING_STYLE_RE = re.compile(r"(heading|제목)\D*(\d+)", re.IGNORECASE)
_LIST_STYLE_RE = re.compile(r"^(list|목록)", re.IGNORECASE)


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


def _table_lines(table: Table) -> list[str]:
    lines: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            # horizontally merged cells are returned repeatedly: keep the first one
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            parts = [collapse_ws(p.text) for p in cell.paragraphs]
            for inner in cell.tables:
                parts.extend(_table_lines(inner))
            cells.append(" ".join(p for p in parts if p))
        if any(cells):
            lines.append(" | ".join(cells))
    return lines


def load_docx(path: Path) -> LoadedDocument:
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
        document = docx.Document(str(path))
    except Exception as exc:
        raise LoaderError(f"{CORRUPT_PREFIX}: {short_detail(exc)}") from exc

    blocks: list[str] = []
    title_style_text = ""
    first_heading = ""
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text
            if not text.strip():
                continue
            style = _style_name(item)
            level = heading_level(style)
            if level is not None and len(collapse_ws(text)) <= 200:
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
            lines = _table_lines(item)
            if lines:
                blocks.append("\n".join(lines))

    text = require_text(normalize_text(join_blocks(blocks)))

    metadata: dict[str, Any] = {}
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
