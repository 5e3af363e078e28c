"""HWP 5.0 body records -> text blocks: paragraphs, outline headings and tables.

The record layout is described in ``hwp.py``.  This module walks the records of one
decompressed BodyText/ViewText section in order and keeps a small stack of open tables
(nested tables are flattened into their cell).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

from .base import collapse_ws, heading
from .tables import TableCounter, fill_grid

HWPTAG_BEGIN = 0x10
HWPTAG_PARA_SHAPE = HWPTAG_BEGIN + 9  # 25, DocInfo
HWPTAG_STYLE = HWPTAG_BEGIN + 26  # 42, DocInfo
HWPTAG_PARA_HEADER = HWPTAG_BEGIN + 50  # 66
HWPTAG_PARA_TEXT = HWPTAG_BEGIN + 51  # 67
HWPTAG_CTRL_HEADER = HWPTAG_BEGIN + 55  # 71
HWPTAG_LIST_HEADER = HWPTAG_BEGIN + 56  # 72
HWPTAG_TABLE = HWPTAG_BEGIN + 61  # 77
CTRL_TABLE = b" lbt"  # MAKE_4CHID('t','b','l',' ') stored little endian

# control characters occupying 8 WCHARs (inline + extended controls)
_WIDE_CONTROLS = frozenset(
    {1, 2, 3, 11, 12, 14, 15, 16, 17, 18, 21, 22, 23}  # extended
    | {4, 5, 6, 7, 8, 9, 19, 20}  # inline
)
# single-WCHAR controls that map to visible text; others (0, 13, 25-29) are dropped
_CHAR_CONTROLS = {10: "\n", 24: "-", 30: " ", 31: " "}
# wide controls with a text meaning; 11 (table / drawing object) separates the text around it
_CONTROL_TEXT = {9: "\t", 11: " "}
_OUTLINE_STYLE_RE = re.compile(r"(?:개요|outline|heading|제목)\s*(\d+)", re.IGNORECASE)
_MAX_HEADING_CHARS = 120


def parse_records(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """Yield (tag_id, level, payload) for each record. Raises ValueError if truncated."""
    pos = 0
    end = len(data)
    while pos < end:
        if end - pos < 4:
            # trailing padding shorter than a header
            if data[pos:].strip(b"\x00"):
                raise ValueError("truncated record header")
            return
        (header,) = struct.unpack_from("<I", data, pos)
        pos += 4
        tag = header & 0x3FF
        level = (header >> 10) & 0x3FF
        size = (header >> 20) & 0xFFF
        if size == 0xFFF:
            if end - pos < 4:
                raise ValueError("truncated extended record size")
            (size,) = struct.unpack_from("<I", data, pos)
            pos += 4
        if pos + size > end:
            raise ValueError(f"record (tag {tag}) runs past end of stream")
        yield tag, level, data[pos : pos + size]
        pos += size


def decode_para_text(payload: bytes) -> str:
    """Decode a HWPTAG_PARA_TEXT payload (UTF-16LE with HWP control characters)."""
    n = len(payload) // 2
    units = struct.unpack_from(f"<{n}H", payload)
    out: list[int] = []
    i = 0
    while i < n:
        code = units[i]
        if code >= 32:
            out.append(code)
            i += 1
        elif code in _WIDE_CONTROLS:
            text = _CONTROL_TEXT.get(code)
            if text:
                out.extend(ord(ch) for ch in text)
            i += 8
        else:
            text = _CHAR_CONTROLS.get(code)
            if text:
                out.extend(ord(ch) for ch in text)
            i += 1
    raw = struct.pack(f"<{len(out)}H", *out)
    return raw.decode("utf-16-le", errors="replace")


class HwpStyles:
    """Outline level of a paragraph, from DocInfo's PARA_SHAPE and STYLE records."""

    def __init__(self, docinfo: bytes | None = None) -> None:
        self.shape_level: dict[int, int] = {}
        self.style_level: dict[int, int] = {}
        if not docinfo:
            return
        shapes = styles = 0
        try:
            for tag, _level, payload in parse_records(docinfo):
                if tag == HWPTAG_PARA_SHAPE:
                    if len(payload) >= 4:
                        (attr,) = struct.unpack_from("<I", payload, 0)
                        if (attr >> 23) & 0x3 == 1:  # head shape: outline (개요)
                            self.shape_level[shapes] = ((attr >> 25) & 0x7) + 1
                    shapes += 1
                elif tag == HWPTAG_STYLE:
                    name = _style_name(payload)
                    m = _OUTLINE_STYLE_RE.search(name)
                    if m:
                        self.style_level[styles] = min(6, max(1, int(m.group(1))))
                    styles += 1
        except (ValueError, struct.error):
            return  # styles only give headings: a broken DocInfo degrades to paragraphs

    def level(self, shape_id: int, style_id: int) -> int | None:
        if style_id in self.style_level:
            return self.style_level[style_id]
        return self.shape_level.get(shape_id)


def _style_name(payload: bytes) -> str:
    try:
        (n,) = struct.unpack_from("<H", payload, 0)
        local = payload[2 : 2 + 2 * n].decode("utf-16-le", errors="ignore")
        (m,) = struct.unpack_from("<H", payload, 2 + 2 * n)
        eng = payload[4 + 2 * n : 4 + 2 * n + 2 * m].decode("utf-16-le", errors="ignore")
    except struct.error:
        return ""
    return f"{local} {eng}"


@dataclass
class _Table:
    level: int  # level of its CTRL_HEADER
    cells: list[tuple[int, int, int, int, list[str]]] = field(default_factory=list)
    caption: list[str] = field(default_factory=list)
    seen_table_record: bool = False
    in_caption: bool = False


@dataclass
class SectionText:
    blocks: list[str]
    headings: int = 0
    page_breaks: list[int] = field(default_factory=list)  # block index where a page starts


class BodyRenderer:
    """Records of one section -> blocks (headings, paragraphs, table blocks)."""

    def __init__(self, styles: HwpStyles, tables: TableCounter) -> None:
        self.styles = styles
        self.tables = tables

    def render(self, data: bytes) -> SectionText:
        out = SectionText(blocks=[])
        stack: list[_Table] = []
        pending_level: int | None = None  # heading level of the paragraph being read

        def close_tables(level: int) -> None:
            while stack and level <= stack[-1].level:
                table = stack.pop()
                grid = fill_grid([(r, c, rs, cs, " ".join(t)) for r, c, rs, cs, t in table.cells])
                caption = " ".join(table.caption)
                block = self.tables.render(grid, caption) or caption
                if stack:  # nested table: its text goes into the enclosing cell
                    target = stack[-1]
                    if target.cells and block:
                        target.cells[-1][4].append(collapse_ws(block.replace("\n", " ")))
                elif block:
                    out.blocks.append(block)

        for tag, level, payload in parse_records(data):
            close_tables(level)
            if tag == HWPTAG_CTRL_HEADER and payload[:4] == CTRL_TABLE:
                stack.append(_Table(level=level))
                continue
            table = stack[-1] if stack else None
            if table is not None and level == table.level + 1:
                if tag == HWPTAG_TABLE:
                    table.seen_table_record = True
                    table.in_caption = False
                elif tag == HWPTAG_LIST_HEADER:
                    if not table.seen_table_record:
                        table.in_caption = True
                    elif len(payload) >= 16:
                        col, row, col_span, row_span = struct.unpack_from("<4H", payload, 8)
                        table.cells.append((row, col, row_span, col_span, []))
            if tag == HWPTAG_PARA_HEADER:
                pending_level = None
                if not stack and len(payload) >= 11:
                    shape_id = struct.unpack_from("<H", payload, 8)[0]
                    pending_level = self.styles.level(shape_id, payload[10])
                    if len(payload) >= 12 and payload[11] & 0x04 and out.blocks:
                        out.page_breaks.append(len(out.blocks))
                continue
            if tag != HWPTAG_PARA_TEXT:
                continue
            text = decode_para_text(payload)
            if not text.strip():
                continue
            if table is not None:
                if table.in_caption:
                    table.caption.append(collapse_ws(text))
                elif table.cells:
                    table.cells[-1][4].append(collapse_ws(text))
                else:  # text between the control and its first cell: keep as a paragraph
                    out.blocks.append(text)
                continue
            line = collapse_ws(text)
            if pending_level is not None and "\n" not in text.strip() and (
                    0 < len(line) <= _MAX_HEADING_CHARS):
                out.blocks.append(heading(pending_level, line))
                out.headings += 1
            else:
                out.blocks.append(text)
        close_tables(-1)
        return out
