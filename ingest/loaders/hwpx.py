"""HWPX loader (Hancom OWPML, KS X 6101): a ZIP with XML sections.

Layout of an .hwpx package (only what we use):

* ``mimetype`` - ``application/hwp+zip``
* ``META-INF/manifest.xml`` - ODF-style manifest; ``encryption-data`` => encrypted
* ``Contents/content.hpf`` - OPF package: ``<opf:metadata>`` (title, creator ...),
  ``<opf:manifest>`` (id -> href) and ``<opf:spine>`` (reading order)
* ``Contents/header.xml`` - styles (``hh:style``) and paragraph shapes (``hh:paraPr``)
* ``Contents/section0.xml`` ... - body: ``hs:sec`` > ``hp:p`` > ``hp:run`` > ``hp:t``;
  tables are ``hp:tbl`` > ``hp:tr`` > ``hp:tc`` > ``hp:subList`` > ``hp:p``; a cell's
  ``hp:cellAddr`` (colAddr/rowAddr) and ``hp:cellSpan`` (colSpan/rowSpan) place it on the
  grid, and ``hp:tbl`` > ``hp:caption`` holds the caption

Namespaces differ between Hancom versions (2011/2016/...), so everything is matched by
XML local name.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from .base import (
    EncryptedDocumentError,
    LoadedDocument,
    LoaderError,
    ReadContext,
    collapse_ws,
    heading,
    join_blocks,
    normalize_text,
    page_heading,
    require_text,
    short_detail,
    title_from_first_line,
)
from .hwpx_package import (
    CORRUPT_PREFIX,
    ENCRYPTED_REASON,
    _find_member,
    _is_encrypted,
    _local,
    _parse_xml,
    _read_member,
    _read_package,
)
from .tables import TableCounter, fill_grid
from .zipguard import check_package

_OUTLINE_STYLE_RE = re.compile(r"(?:개요|outline|제목|heading)\s*(\d+)", re.IGNORECASE)
_MAX_HEADING_CHARS = 120

# Sub-trees that never contain body text we want.
_SKIP = frozenset(
    {
        "secPr", "colPr", "linesegarray", "header", "footer", "pageNum", "pageHiding",
        "equation", "script", "hiddenComment", "memo", "fieldBegin", "fieldEnd",
        "parameters", "pageNumCtrl", "autoNum", "newNum", "bookmark", "indexmark",
    }
)  # fmt: skip
_CHAR_ELEMENTS = {"tab": "\t", "lineBreak": "\n", "hyphen": "-", "nbSpace": " ", "fwSpace": " "}


def _attr(el: Any, name: str) -> str | None:
    """Attribute by local name (Hancom writes them unprefixed; tolerate prefixed ones)."""
    value = el.get(name)
    if value is not None:
        return value
    for key, val in el.attrib.items():
        if key.rsplit("}", 1)[-1] == name:
            return val
    return None


def _children(el: Any, name: str) -> list[Any]:
    return [c for c in el if _local(c) == name]


class _Styles:
    """Paragraph -> heading level, from Contents/header.xml (best effort)."""

    def __init__(self, header_root: Any | None):
        self.style_level: dict[str, int] = {}
        self.para_level: dict[str, int] = {}
        if header_root is None:
            return
        for el in header_root.iter():
            name = _local(el)
            if name == "style":
                if (el.get("type") or "PARA").upper() != "PARA":
                    continue
                for attr in ("name", "engName"):
                    m = _OUTLINE_STYLE_RE.search(el.get(attr) or "")
                    if m and el.get("id") is not None:
                        self.style_level[el.get("id")] = int(m.group(1))
                        break
            elif name == "paraPr" and el.get("id") is not None:
                for sub in el.iter():
                    if _local(sub) == "heading":
                        level = sub.get("level", "0")
                        if (sub.get("type") or "").upper() == "OUTLINE" and level.isdigit():
                            self.para_level[el.get("id")] = int(level) + 1
                        break

    def level(self, p: Any) -> int | None:
        style = _attr(p, "styleIDRef")
        if style is not None and style in self.style_level:
            return self.style_level[style]
        para = _attr(p, "paraPrIDRef")
        if para is not None and para in self.para_level:
            return self.para_level[para]
        return None


class _SectionRenderer:
    def __init__(self, styles: _Styles, ctx: ReadContext | None = None):
        self.styles = styles
        self.tables = TableCounter()
        self.ctx = ctx or ReadContext()

    # -- paragraphs ---------------------------------------------------------------
    def paragraph(self, p: Any, *, headings: bool = True) -> list[str]:
        """Render one hp:p: its own text plus any tables / text boxes / notes inside it.

        Tables are emitted where they occur; paragraphs nested in other objects
        (footnotes, text boxes, captions) are emitted after the paragraph's own text so
        they do not split it.
        """
        blocks: list[str] = []
        deferred: list[str] = []
        buf: list[str] = []

        def flush() -> None:
            text = "".join(buf)
            buf.clear()
            if not text.strip():
                return
            lines = [collapse_ws(line) for line in text.split("\n")]
            text = "\n".join(line for line in lines if line)
            level = self.styles.level(p) if headings else None
            if level is not None and "\n" not in text and len(text) <= _MAX_HEADING_CHARS:
                blocks.append(heading(level, text))
            else:
                blocks.append(text)

        def walk(el: Any) -> None:
            for child in el:
                name = _local(child)
                if not name or name in _SKIP:
                    continue
                if name == "t":
                    self._run_text(child, buf)
                elif name == "tbl":
                    flush()
                    table = self.table(child)
                    if table:
                        blocks.append(table)
                elif name == "p":  # nested paragraph (text box, footnote, caption ...)
                    deferred.extend(self.paragraph(child, headings=headings))
                else:
                    walk(child)

        walk(p)
        flush()
        return blocks + deferred

    @staticmethod
    def _run_text(t: Any, buf: list[str]) -> None:
        # Literal newlines inside <hp:t> are just whitespace; <hp:lineBreak/> is a break.
        if t.text:
            buf.append(t.text.replace("\n", " "))
        for child in t:
            buf.append(_CHAR_ELEMENTS.get(_local(child), ""))
            if child.tail:
                buf.append(child.tail.replace("\n", " "))

    # -- tables --------------------------------------------------------------------
    def _cell_text(self, tc: Any) -> str:
        parts: list[str] = []
        for el in tc.iter():
            if _local(el) == "p" and self._is_direct_paragraph(el, tc):
                for block in self.paragraph(el, headings=False):
                    parts.append(collapse_ws(block.replace("\n", " ")))
        return " ".join(part for part in parts if part)

    @staticmethod
    def _is_direct_paragraph(p: Any, tc: Any) -> bool:
        """True if the nearest enclosing hp:p / hp:tc of *p* is the cell itself."""
        parent = p.getparent()
        while parent is not None and parent is not tc:
            if _local(parent) in ("p", "tc"):
                return False
            parent = parent.getparent()
        return parent is tc

    @staticmethod
    def _int_attr(el: Any | None, name: str, default: int) -> int:
        value = _attr(el, name) if el is not None else None
        try:
            return max(0, int(value)) if value is not None else default
        except ValueError:
            return default

    def table(self, tbl: Any) -> str:
        self.ctx.check()
        cells: list[tuple[int, int, int, int, str]] = []
        sequential: list[tuple[int, int, int, int, str]] = []
        for r, tr in enumerate(_children(tbl, "tr")):
            for c, tc in enumerate(_children(tr, "tc")):
                addr = next(iter(_children(tc, "cellAddr")), None)
                span = next(iter(_children(tc, "cellSpan")), None)
                row = self._int_attr(addr, "rowAddr", r)
                col = self._int_attr(addr, "colAddr", c)
                cells.append((min(row, 10_000), min(col, 1_000),
                              min(self._int_attr(span, "rowSpan", 1), 1_000),
                              min(self._int_attr(span, "colSpan", 1), 1_000),
                              self._cell_text(tc)))
                sequential.append((r, c, 1, 1, cells[-1][4]))
        if len({(r, c) for r, c, *_ in cells}) < len(cells):  # broken addresses: use order
            cells = sequential
        caption = ""
        for cap in _children(tbl, "caption"):
            caption = " ".join(
                collapse_ws(b) for p in cap.iter() if _local(p) == "p"
                for b in self.paragraph(p, headings=False)
            )
        return self.tables.render(fill_grid(cells), caption)

    def section(self, root: Any, page_starts: list[int] | None = None) -> list[str]:
        """Blocks of one section part; *page_starts* gets the block index of each page break."""
        blocks: list[str] = []
        paragraphs = _children(root, "p")
        if not paragraphs and _local(root) == "p":
            paragraphs = [root]
        for p in paragraphs:
            if page_starts is not None and blocks and _attr(p, "pageBreak") == "1":
                page_starts.append(len(blocks))
            blocks.extend(self.paragraph(p))
        return blocks


def _first_paragraph_title(blocks: list[str]) -> str:
    """The first non-table block, if it is short enough to be a title."""
    for block in blocks:
        if " | " in block or block.startswith("[표 "):
            continue
        return title_from_first_line(block)
    return ""


def load_hwpx(path: Path, ctx: ReadContext | None = None) -> LoadedDocument:
    ctx = ctx or ReadContext()
    if not zipfile.is_zipfile(path):
        raise LoaderError(f"{CORRUPT_PREFIX}: ZIP 구조가 아닙니다.")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise LoaderError(f"{CORRUPT_PREFIX}: {short_detail(exc)}") from exc
    with zf:
        names = set(zf.namelist())
        check_package(zf, ctx.limits, "한글(HWPX)")
        if _is_encrypted(zf, names):
            raise EncryptedDocumentError(ENCRYPTED_REASON)
        try:
            sections, opf_title, metadata = _read_package(zf, names)
        except LoaderError:
            raise
        except Exception as exc:
            raise LoaderError(f"{CORRUPT_PREFIX}: {short_detail(exc)}") from exc
        if not sections:
            raise LoaderError(f"{CORRUPT_PREFIX}: 본문(section) 파일이 없습니다.")

        header_root = None
        header_name = _find_member(names, "Contents/header.xml", "")
        if header_name is not None:
            try:
                header_root = _parse_xml(_read_member(zf, header_name))
            except Exception:  # styles are only used for headings: degrade to paragraphs
                header_root = None
        renderer = _SectionRenderer(_Styles(header_root), ctx)

        blocks: list[str] = []
        pages: list[int] = []  # block index where a page starts (after page 1)
        for member in sections:
            ctx.check()
            try:
                data = _read_member(zf, member)
            except LoaderError:
                raise
            except Exception as exc:  # BadZipFile, CRC errors, zlib.error, ...
                raise LoaderError(f"{CORRUPT_PREFIX}: {short_detail(exc)}") from exc
            try:
                root = _parse_xml(data)
            except etree.XMLSyntaxError as exc:
                if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                    # binary garbage where XML should be: encrypted/DRM-protected content
                    raise EncryptedDocumentError(ENCRYPTED_REASON) from exc
                raise LoaderError(
                    f"{CORRUPT_PREFIX}: {member} XML 오류 ({short_detail(exc, max_len=80)})"
                ) from exc
            starts: list[int] = []
            if blocks:  # a new section part starts a new page
                pages.append(len(blocks))
            part = renderer.section(root, starts)
            pages.extend(len(blocks) + i for i in starts)
            blocks.extend(part)

    if pages and not any(b.startswith("#") for b in blocks):
        # no outline headings: explicit page breaks give "p. N" sections for citations
        for number, index in reversed(list(enumerate(pages, start=2))):
            blocks.insert(index, page_heading(number))
        blocks.insert(0, page_heading(1))
    text = require_text(normalize_text(join_blocks(blocks)))
    metadata["section_count"] = len(sections)
    metadata["table_count"] = renderer.tables.count
    metadata["table_cells"] = renderer.tables.cells
    title = opf_title or _first_paragraph_title(
        [b for b in blocks if not b.startswith("# p. ")]) or path.stem
    return LoadedDocument(path=path, format="hwpx", title=title, text=text, metadata=metadata)
