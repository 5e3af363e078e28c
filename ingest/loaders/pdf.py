"""PDF loader: pypdf for the file (encryption, metadata, outline), pdfplumber for the text.

Per page, pdfplumber gives words with positions and font sizes and finds ruled tables;
``pdf_layout`` puts the words in reading order (two columns), joins Korean words cut at line
wraps and finds headings by font size.  Sections come from the outline when the PDF has one,
else from font sizes, else every page is its own section ("p. 3").  Pages without a usable
text layer (no text, or a page-sized image under a few stray words) are OCRed with Tesseract
(``ocr.py``) and get a "p. N (OCR)" heading.  Warnings of pypdf/pdfminer are counted and
summarised in one note per file instead of flooding stderr.
"""

from __future__ import annotations

import contextlib
import logging
import re
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError

from .base import (
    EncryptedDocumentError,
    LoadedDocument,
    LoaderError,
    ReadContext,
    clean_title,
    collapse_ws,
    heading,
    normalize_text,
    page_heading,
    require_text,
    short_detail,
)
from .library_warnings import quiet_libraries
from .ocr import ocr_image, ocr_unavailable_reason, render_page
from .pdf_guard import check_pdf_streams
from .pdf_layout import Line, assign_heading_levels, is_junk_heading, page_lines, paragraphs
from .tables import TableCounter, normalise_grid

log = logging.getLogger(__name__)

ENCRYPTED_REASON = "암호가 걸린 PDF입니다. 암호를 해제한 파일로 다시 올려 주세요."
IMAGE_ONLY_REASON = (
    "텍스트를 찾을 수 없습니다. 스캔한 이미지로만 된 PDF로 보입니다. "
    "OCR(문자 인식) 처리를 해서 텍스트가 들어간 PDF로 다시 올려 주세요."
)
CORRUPT_PREFIX = "PDF 파일이 손상되었거나 PDF 형식이 아닙니다"

# Placeholder titles producers put into /Title that say nothing about the document.
_PLACEHOLDER_TITLES = frozenset(
    {"untitled", "제목 없음", "제목없음", "무제", "none", "null", "title", "document", "문서"}
)
_FILENAME_LIKE_RE = re.compile(
    r"\.(hwpx?|docx?|pptx?|xlsx?|pdf|txt|rtf|odt|jpe?g|png|tiff?)$", re.IGNORECASE
)
_WORD_PREFIX_RE = re.compile(r"^(Microsoft (Word|PowerPoint|Excel)\s*-\s*)", re.IGNORECASE)


def meaningful_pdf_title(value: Any) -> str:
    """Return the /Title if it looks like a real title, else ""."""
    title = clean_title(value)
    title = _WORD_PREFIX_RE.sub("", title).strip()
    if not title or title.lower() in _PLACEHOLDER_TITLES:
        return ""
    if _FILENAME_LIKE_RE.search(title) or re.fullmatch(r"[\W\d_]+", title):
        return ""
    return title


def _metadata_str(value: Any) -> str:
    text = clean_title(value)
    return "" if text.lower() in {"anonymous", "unspecified", "unknown", "none"} else text


def _outline(reader: PdfReader) -> list[tuple[int, int, str]]:
    """(page index, level, title) of the outline (bookmarks), junk titles dropped."""
    out: list[tuple[int, int, str]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
                continue
            try:
                page = reader.get_destination_page_number(item)
                title = collapse_ws(str(item.title or ""))
            except Exception:
                continue
            if page is not None and page >= 0 and title and not is_junk_heading(title):
                out.append((page, min(level, 4), title[:120]))

    try:
        walk(reader.outline, 1)
    except Exception:  # broken outline: fall back to font sizes
        return []
    return out


def _usable_text_layer(page: Any, lines: list[Line]) -> bool:
    """False for pages with no text, or a page-sized image under a few stray words."""
    chars = sum(line.chars for line in lines)
    if chars < 5:
        return False
    area = float(page.width * page.height) or 1.0
    image_area = 0.0
    for image in page.images:
        with contextlib.suppress(Exception):
            image_area += float(image["width"]) * float(image["height"])
    if image_area / area < 0.5:
        return True
    words = " ".join(line.text for line in lines).split()
    distinct = len(set(words)) / max(1, len(words))
    return chars >= 200 and distinct >= 0.3


def _table_grid(table: Any) -> list[list[str]]:
    """Rows of a pdfplumber table; a merged cell's text repeated over the cells it covers."""
    rows = table.extract()
    try:
        boxes = [row.cells for row in table.rows]
    except Exception:
        return [[c or "" for c in row] for row in rows]
    texts = {}
    for r, row in enumerate(boxes):
        for c, box in enumerate(row):
            if box is not None and r < len(rows) and c < len(rows[r]):
                texts[box] = rows[r][c] or ""
    grid: list[list[str]] = []
    for row in boxes:
        out = []
        for c, box in enumerate(row):
            if box is not None:
                out.append(texts.get(box, ""))
                continue
            # missing position: the merged cell whose box covers its centre
            xs = [b for rr in boxes for b in [rr[c] if c < len(rr) else None] if b]
            ys = [b for b in row if b]
            if not xs or not ys:
                out.append("")
                continue
            cx = (xs[0][0] + xs[0][2]) / 2
            cy = (ys[0][1] + ys[0][3]) / 2
            owner = next((b for b in texts if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]), None)
            out.append(texts.get(owner, "") if owner else "")
        grid.append(out)
    return grid


_Rendered = tuple[float, float, float, list[list[str]]]  # top, x0, x1, table grid


def _page_regions(page: Any) -> tuple[list[Line], list[_Rendered]]:
    """Text lines outside tables, and (top, x0, x1, grid) for the page's tables."""
    found = []
    with contextlib.suppress(Exception):
        found = page.find_tables()
    rendered: list[_Rendered] = []
    boxes = []
    for table in found:
        grid = normalise_grid(_table_grid(table))
        if len(grid) < 2 or len(grid[0]) < 2:
            continue  # a ruled box around text, not a table
        rendered.append((float(table.bbox[1]), float(table.bbox[0]), float(table.bbox[2]), grid))
        boxes.append(table.bbox)
    words = page.extract_words(extra_attrs=["size"], keep_blank_chars=False, use_text_flow=False)

    def inside(word: dict[str, Any]) -> bool:
        cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
        return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    words = [w for w in words if not inside(w)]
    return page_lines(words, float(page.width)), rendered


def _ocr_text(raw: str) -> str:
    paragraphs_ = [" ".join(p.split("\n")) for p in re.split(r"\n\s*\n", raw)]
    return "\n\n".join(collapse_ws(p) for p in paragraphs_ if p.strip())


def load_pdf(path: Path, ctx: ReadContext | None = None) -> LoadedDocument:
    ctx = ctx or ReadContext()
    with quiet_libraries() as counter:
        doc = _load_pdf(path, ctx)
    if counter.count:
        note = f"PDF 라이브러리 경고 {counter.count}건(첫 경고: {counter.first})"
        ctx.notes.append(note)
        doc.metadata["library_warnings"] = counter.count
        log.info("loader.pdf_warnings", extra={"count": counter.count, "first": counter.first})
    return doc


def _open(path: Path) -> PdfReader:
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise LoaderError(f"{CORRUPT_PREFIX}: PDF 머리글(%PDF-)이 없습니다.")
    try:
        reader = PdfReader(path, strict=False)
    except Exception as exc:  # pypdf raises many different types for broken files
        raise LoaderError(f"{CORRUPT_PREFIX}: {short_detail(exc)}") from exc

    if reader.is_encrypted:
        try:
            result = reader.decrypt("")
        except DependencyError as exc:
            raise LoaderError(
                "이 PDF는 AES 방식으로 암호화되어 있어 읽을 수 없습니다 "
                "(서버에 'cryptography' 패키지가 필요합니다). 암호/보안을 해제한 PDF로 다시 "
                "올려 주세요."
            ) from exc
        except Exception as exc:
            raise EncryptedDocumentError(ENCRYPTED_REASON) from exc
        if not result:  # PasswordType.NOT_DECRYPTED == 0
            raise EncryptedDocumentError(ENCRYPTED_REASON)
    return reader


def _load_pdf(path: Path, ctx: ReadContext) -> LoadedDocument:
    import pdfplumber

    check_pdf_streams(path, ctx.limits)
    reader = _open(path)
    try:
        page_count = len(reader.pages)
    except Exception as exc:
        raise LoaderError(f"{CORRUPT_PREFIX}: {short_detail(exc)}") from exc
    if page_count > ctx.limits.max_pdf_pages:
        raise LoaderError(
            f"PDF가 {page_count:,}쪽으로 한도({ctx.limits.max_pdf_pages:,}쪽)를 넘습니다. 나누어 "
            "올려 주세요(한도: STARTUPBOT_LOADER_MAX_PDF_PAGES)."
        )
    outline = _outline(reader)
    tables = TableCounter()
    pages: list[tuple[list[Line], list[_Rendered]]] = []
    scan_pages: list[int] = []
    failed_pages: list[int] = []
    first_error: Exception | None = None
    try:
        plumber = pdfplumber.open(path, password="")
    except Exception as exc:
        raise LoaderError(f"{CORRUPT_PREFIX}: {short_detail(exc)}") from exc
    with plumber:
        for index, page in enumerate(plumber.pages):
            ctx.check()
            try:
                lines, rendered = _page_regions(page)
                if not rendered and not _usable_text_layer(page, lines):
                    scan_pages.append(index)
            except Exception as exc:  # one broken page should not lose the whole document
                log.warning("loader.pdf_page_failed", extra={"page": index + 1,
                                                             "error": type(exc).__name__})
                failed_pages.append(index + 1)
                first_error = first_error or exc
                lines, rendered = [], []
            finally:
                page.close()
            pages.append((lines, rendered))

    ocr_texts = _ocr_pages(path, scan_pages, ctx)
    all_lines = [line for lines, _ in pages for line in lines]
    by_outline = bool(outline)
    found = 0 if by_outline else assign_heading_levels(all_lines)
    blocks: list[str] = []
    outline_at: dict[int, list[tuple[int, str]]] = {}
    for page_index, level, title in outline:
        outline_at.setdefault(page_index, []).append((level, title))
    for index, (lines, rendered) in enumerate(pages):
        if index in ocr_texts:
            blocks.append(page_heading(index + 1, ocr=True))
            blocks.append(ocr_texts[index])
            continue
        if by_outline:
            titles = {collapse_ws(t): lv for lv, t in outline_at.get(index, [])}
            for line in lines:
                if collapse_ws(line.text) in titles:
                    line.heading_level = titles.pop(collapse_ws(line.text))
            blocks.extend(heading(lv, t) for t, lv in titles.items())  # not found on the page
        page_blocks = _flow(lines, rendered, tables)
        if not found and not by_outline and page_blocks:
            blocks.append(page_heading(index + 1))
        blocks.extend(page_blocks)

    if not any(b.strip() for b in blocks if not b.startswith("#")):
        if first_error is not None:
            raise LoaderError(f"{CORRUPT_PREFIX}: {short_detail(first_error)}") from first_error
        reason = IMAGE_ONLY_REASON
        unavailable = ocr_unavailable_reason(ctx.limits.ocr_languages)
        if unavailable or not ctx.limits.ocr:
            reason += " " + (unavailable or "문자 인식(OCR)이 설정에서 꺼져 있습니다.")
        raise LoaderError(reason)
    text = require_text(normalize_text("\n\n".join(blocks)), IMAGE_ONLY_REASON)

    metadata: dict[str, Any] = {"page_count": page_count, "table_count": tables.count,
                                "table_cells": tables.cells}
    if ocr_texts:
        metadata["ocr_pages"] = sorted(i + 1 for i in ocr_texts)
    if failed_pages:
        metadata["failed_pages"] = failed_pages
    title = ""
    try:
        info = reader.metadata
    except Exception:  # broken /Info dictionary: ignore
        info = None
    if info:
        title = meaningful_pdf_title(info.get("/Title"))
        for key, name in (("/Author", "author"), ("/Subject", "subject")):
            value = _metadata_str(info.get(key))
            if value:
                metadata[name] = value
    return LoadedDocument(
        path=path, format="pdf", title=title or path.stem, text=text, metadata=metadata
    )


def _flow(lines: list[Line], rendered: list[_Rendered], tables: TableCounter) -> list[str]:
    """Paragraphs and tables of one page in reading order (tables numbered in that order).

    A table goes before the first line below its top in a column it overlaps.
    """
    blocks: list[str] = []
    pending = sorted(rendered, key=lambda item: (item[0], item[1]))
    chunk: list[Line] = []
    for line in lines:
        for item in list(pending):
            top, x0, x1, grid = item
            if line.top >= top and line.x0 < x1 and line.x1 > x0:
                blocks.extend(_paragraph_blocks(chunk))
                chunk = []
                blocks.append(tables.render(grid))
                pending.remove(item)
        chunk.append(line)
    blocks.extend(_paragraph_blocks(chunk))
    blocks.extend(tables.render(item[3]) for item in pending)
    return [b for b in blocks if b]


def _paragraph_blocks(lines: list[Line]) -> list[str]:
    return [heading(level, text) if level else text for level, text in paragraphs(lines)]


def _ocr_pages(path: Path, indexes: list[int], ctx: ReadContext) -> dict[int, str]:
    if not indexes:
        return {}
    limits = ctx.limits
    unavailable = "" if limits.ocr else "문자 인식(OCR)이 설정에서 꺼져 있습니다."
    unavailable = unavailable or ocr_unavailable_reason(limits.ocr_languages)
    if unavailable:
        ctx.notes.append(f"{unavailable} 텍스트가 없는 {len(indexes)}쪽은 읽지 못했습니다.")
        return {}
    import pypdfium2

    out: dict[int, str] = {}
    todo = indexes[: limits.ocr_max_pages]
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        for index in todo:
            ctx.check()
            image = render_page(pdf, index, limits.ocr_dpi)
            text = _ocr_text(ocr_image(image, limits.ocr_languages))
            if text.strip():
                out[index] = text
    finally:
        pdf.close()
    pages = ", ".join(str(i + 1) for i in sorted(out))
    if out:
        ctx.notes.append(f"스캔 페이지 {len(out)}쪽을 문자 인식(OCR)으로 읽었습니다(p. {pages}).")
    if len(indexes) > len(todo):
        ctx.notes.append(f"OCR 한도({limits.ocr_max_pages}쪽)를 넘은 "
                         f"{len(indexes) - len(todo)}쪽은 읽지 못했습니다.")
    return out
