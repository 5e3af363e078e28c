"""Legacy binary HWP (한글 97 이후 / HWP 5.x) text reader.

This is a small, HAND-WRITTEN reader (no third-party HWP library is used). It follows
the structure published by Hancom in "한글 문서 파일 형식 5.0" (HWP 5.0 file format
specification, revision 1.3):

* The file is an OLE2 compound file (read with ``olefile``).
* ``FileHeader`` stream (256 bytes): 32-byte signature ``"HWP Document File"``, DWORD
  version, DWORD properties.  Property bits: 0 = body streams compressed,
  1 = password-encrypted, 2 = distribution document (배포용, body stored encrypted in
  ``ViewText``), 4 = DRM-protected.
* ``BodyText/Section0``, ``BodyText/Section1`` ... hold the body as a sequence of
  records, raw-deflate compressed (``zlib`` with ``wbits=-15``) when property bit 0 is
  set.
* Record header (DWORD, little endian): bits 0-9 tag id, bits 10-19 level,
  bits 20-31 size; size ``0xFFF`` means the real size follows in the next DWORD.
* ``HWPTAG_PARA_TEXT`` = ``HWPTAG_BEGIN (0x10) + 51`` = 67 holds one paragraph's
  text as UTF-16LE code units.  Code units below 32 are control characters:

  - "char" controls take 1 unit: 0 (unused), 10 (line break), 13 (paragraph break),
    24 (hyphen), 25-29 (reserved), 30 (non-breaking space), 31 (fixed-width space);
  - "inline" controls (4-9, 19, 20; 9 = tab) and "extended" controls
    (1-3, 11, 12, 14-18, 21-23: section/column definition, field start, table/drawing
    object, header/footer, footnote, auto number, ...) take 8 units (16 bytes): the
    control code, 12 bytes of parameters/pointer, and the control code again.

  Text of table cells, text boxes and notes is stored as further paragraphs (deeper
  record levels) after the control.
* Tables: ``HWPTAG_CTRL_HEADER`` (71) with control id ``"tbl "`` at level L, then
  ``HWPTAG_TABLE`` (77) at L+1, then per cell a ``HWPTAG_LIST_HEADER`` (72) at L+1 whose
  cell part (after 8 bytes: paragraph count, flags) gives column, row, column span and row
  span as UINT16; the cell's paragraphs follow at deeper levels.  A LIST_HEADER before the
  TABLE record is the caption.  Rows are rendered by ``tables.render_table``.
* Headings: ``HWPTAG_PARA_HEADER`` (66) gives the paragraph's para-shape id (UINT16 at 8)
  and style id (UINT8 at 10); ``DocInfo`` holds ``HWPTAG_PARA_SHAPE`` (25; property bits
  23-24 = 1 means outline, bits 25-27 the level) and ``HWPTAG_STYLE`` (42; names such as
  "개요 1").
* ``\x05HwpSummaryInformation`` is an OLE property set (MS-OLEPS) whose strings are
  VT_LPWSTR with a length in *characters*; olefile reads that length as bytes, which is how
  binary property bytes used to leak into titles, so it is parsed here.
* Distribution documents (배포용, property bit 2) keep the body in ``ViewText/SectionN``:
  the first record (``HWPTAG_DISTRIBUTE_DOC_DATA``, 28, 256 bytes) is XOR-scrambled with
  MSVC ``rand()`` seeded by its first 4 bytes; unscrambled, it holds at offset
  ``4 + (seed & 15)`` the key of the rest of the stream, AES-128-ECB encrypted (then
  compressed as usual).  This is the algorithm published by Changwoo Ryu (hwp-foss list)
  and used by pyhwp; it is re-implemented here from that description.

Why hand-written: the maintained alternative, pyhwp (``hwp5``), is AGPL-3.0 (this project is
MIT and runs as a network service) and its last release is a 2020 beta; it is used only as
the reference in ``benchmarks/documents``.  Anything unexpected is reported as a
:class:`LoaderError` telling staff to convert the file to HWPX or PDF in 한글.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import olefile

from .base import (
    EncryptedDocumentError,
    LoadedDocument,
    LoaderError,
    ReadContext,
    join_blocks,
    normalize_text,
    page_heading,
    require_text,
    title_from_first_line,
)
from .hwp_body import (
    HWPTAG_PARA_TEXT,
    BodyRenderer,
    HwpStyles,
    decode_para_text,
    parse_records,
)
from .hwp_meta import decrypt_view_text, read_summary
from .tables import TableCounter

__all__ = [
    "HWPTAG_PARA_TEXT",
    "decode_para_text",
    "decompress_section",
    "extract_section_paragraphs",
    "load_hwp",
    "parse_file_header",
    "parse_records",
]

HWP_FAILED_REASON = (
    "한글(HWP) 문서를 읽지 못했습니다. 한글에서 'HWPX' 또는 'PDF'로 저장한 뒤 다시 넣어 주세요."
)
HWP_ENCRYPTED_REASON = (
    "암호가 걸린 한글(HWP) 문서입니다. 한글에서 암호를 해제하고 'HWPX' 또는 'PDF'로 저장한 뒤 "
    "다시 넣어 주세요."
)
HWP_DISTRIBUTION_REASON = (
    "배포용(보호) 한글(HWP) 문서의 내용을 풀지 못했습니다. 원본 파일을 한글에서 'HWPX' 또는 "
    "'PDF'로 저장한 뒤 다시 넣어 주세요."
)

SIGNATURE = b"HWP Document File"

FLAG_COMPRESSED = 1 << 0
FLAG_PASSWORD = 1 << 1
FLAG_DISTRIBUTION = 1 << 2
FLAG_DRM = 1 << 4


@dataclass(frozen=True)
class HwpFileHeader:
    version: tuple[int, int, int, int]
    flags: int

    @property
    def compressed(self) -> bool:
        return bool(self.flags & FLAG_COMPRESSED)

    @property
    def password(self) -> bool:
        return bool(self.flags & FLAG_PASSWORD)

    @property
    def distribution(self) -> bool:
        return bool(self.flags & FLAG_DISTRIBUTION)

    @property
    def drm(self) -> bool:
        return bool(self.flags & FLAG_DRM)


def parse_file_header(data: bytes) -> HwpFileHeader:
    """Parse the FileHeader stream. Raises ValueError when it is not an HWP 5 header."""
    if len(data) < 40 or not data.startswith(SIGNATURE):
        raise ValueError("not an HWP 5 FileHeader")
    version_raw, flags = struct.unpack_from("<II", data, 32)
    version = (
        (version_raw >> 24) & 0xFF,
        (version_raw >> 16) & 0xFF,
        (version_raw >> 8) & 0xFF,
        version_raw & 0xFF,
    )
    return HwpFileHeader(version=version, flags=flags)


def _too_big(limit: int) -> LoaderError:
    return LoaderError(
        f"한글(HWP) 문서의 본문을 풀면 한도({limit // 1024 // 1024}MB)를 넘습니다. 압축 폭탄이거나 "
        "지나치게 큰 파일입니다(한도: STARTUPBOT_LOADER_MAX_STREAM_MB)."
    )


def decompress_section(data: bytes, max_size: int = 64 * 1024 * 1024) -> bytes:
    """Inflate a compressed stream (raw deflate; zlib-wrapped as fallback), at most *max_size*."""
    for wbits in (-15, 15):
        try:
            inflater = zlib.decompressobj(wbits)
            out = inflater.decompress(data, max_size + 1)
        except zlib.error:
            continue
        if len(out) > max_size or inflater.unconsumed_tail:
            raise _too_big(max_size)
        return out + inflater.flush()
    raise zlib.error("not a deflate stream")


def extract_section_paragraphs(data: bytes) -> list[str]:
    """All paragraph texts of one (already decompressed) section, in order (no tables)."""
    return [t for tag, _l, p in parse_records(data) if tag == HWPTAG_PARA_TEXT
            for t in [decode_para_text(p)] if t.strip()]


def _section_streams(ole: Any, storage: str) -> list[list[str]]:
    sections = []
    for entry in ole.listdir(streams=True, storages=False):
        if len(entry) == 2 and entry[0] == storage and entry[1].startswith("Section"):
            suffix = entry[1][len("Section") :]
            if suffix.isdigit():
                sections.append((int(suffix), entry))
    return [entry for _, entry in sorted(sections)]


def _stream(ole: Any, entry: Any, limit: int) -> bytes:
    if ole.get_size(entry) > limit:
        raise _too_big(limit)
    return ole.openstream(entry).read()


def _read_hwp(path: Path, ctx: ReadContext) -> LoadedDocument:
    if not olefile.isOleFile(str(path)):
        raise LoaderError(HWP_FAILED_REASON)
    limit = ctx.limits.max_stream_bytes
    with olefile.OleFileIO(str(path)) as ole:
        if not ole.exists("FileHeader"):
            raise LoaderError(HWP_FAILED_REASON)
        header = parse_file_header(ole.openstream("FileHeader").read(256))
        if header.password or header.drm:
            raise EncryptedDocumentError(HWP_ENCRYPTED_REASON)
        storage = "ViewText" if header.distribution else "BodyText"
        streams = _section_streams(ole, storage)
        if not streams:
            if header.distribution:
                raise EncryptedDocumentError(HWP_DISTRIBUTION_REASON)
            raise LoaderError(HWP_FAILED_REASON)
        docinfo = None
        if ole.exists("DocInfo"):
            try:
                docinfo = _stream(ole, "DocInfo", limit)
                if header.compressed:
                    docinfo = decompress_section(docinfo, limit)
            except (zlib.error, LoaderError):
                docinfo = None  # styles only give headings
        renderer = BodyRenderer(HwpStyles(docinfo), TableCounter())
        blocks: list[str] = []
        pages: list[int] = []
        headings = 0
        for entry in streams:
            ctx.check()
            data = _stream(ole, entry, limit)
            if header.distribution:
                try:
                    data = decrypt_view_text(data)
                except Exception as exc:
                    raise EncryptedDocumentError(HWP_DISTRIBUTION_REASON) from exc
            if header.compressed:
                data = decompress_section(data, limit)
            section = renderer.render(data)
            pages.extend(len(blocks) + i for i in section.page_breaks)
            headings += section.headings
            blocks.extend(section.blocks)
        summary = read_summary(ole)

    if not headings and pages:  # no outline headings: explicit page breaks as "p. N"
        for number, index in reversed(list(enumerate(pages, start=2))):
            blocks.insert(index, page_heading(number))
        blocks.insert(0, page_heading(1))
    text = require_text(normalize_text(join_blocks(blocks)))
    metadata: dict[str, Any] = {
        "hwp_version": ".".join(str(v) for v in header.version),
        "section_count": len(streams),
        "table_count": renderer.tables.count,
        "table_cells": renderer.tables.cells,
    }
    if header.distribution:
        metadata["distribution"] = True
        ctx.notes.append("배포용 한글 문서: 보호를 풀어 읽었습니다.")
    for key in ("author", "subject", "keywords", "date", "created", "modified"):
        if key in summary:
            metadata[key] = summary[key]
    first = next((b for b in blocks if not b.startswith(("[표 ", "# p. "))), "")
    title = summary.get("title") or title_from_first_line(first) or path.stem
    return LoadedDocument(path=path, format="hwp", title=title, text=text, metadata=metadata)


def load_hwp(path: Path, ctx: ReadContext | None = None) -> LoadedDocument:
    try:
        return _read_hwp(path, ctx or ReadContext())
    except LoaderError:
        raise
    except Exception as exc:  # olefile / zlib / struct / malformed records
        raise LoaderError(HWP_FAILED_REASON) from exc
