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
  record levels) after the control, so reading every PARA_TEXT record in order gives
  all the text; table structure is not reconstructed.

Only text is extracted; anything unexpected is reported as a :class:`LoaderError`
telling staff to convert the file to HWPX or PDF in 한글.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import olefile

from .base import (
    EncryptedDocumentError,
    LoadedDocument,
    LoaderError,
    clean_title,
    join_blocks,
    normalize_text,
    require_text,
    title_from_first_line,
)

HWP_FAILED_REASON = (
    "한글(HWP) 문서를 읽지 못했습니다. 한글에서 'HWPX' 또는 'PDF'로 저장한 뒤 다시 넣어 주세요."
)
HWP_ENCRYPTED_REASON = (
    "암호가 걸린 한글(HWP) 문서입니다. 한글에서 암호를 해제하고 'HWPX' 또는 'PDF'로 저장한 뒤 "
    "다시 넣어 주세요."
)
HWP_DISTRIBUTION_REASON = (
    "배포용(보호) 한글(HWP) 문서라 내용을 읽을 수 없습니다. 원본 파일을 한글에서 'HWPX' 또는 "
    "'PDF'로 저장한 뒤 다시 넣어 주세요."
)

SIGNATURE = b"HWP Document File"
HWPTAG_BEGIN = 0x10
HWPTAG_PARA_TEXT = HWPTAG_BEGIN + 51  # 67

FLAG_COMPRESSED = 1 << 0
FLAG_PASSWORD = 1 << 1
FLAG_DISTRIBUTION = 1 << 2
FLAG_DRM = 1 << 4

# control characters occupying 8 WCHARs (inline + extended controls)
_WIDE_CONTROLS = frozenset(
    {1, 2, 3, 11, 12, 14, 15, 16, 17, 18, 21, 22, 23}  # extended
    | {4, 5, 6, 7, 8, 9, 19, 20}  # inline
)
# single-WCHAR controls that map to visible text; others (0, 13, 25-29) are dropped
_CHAR_CONTROLS = {10: "\n", 24: "-", 30: " ", 31: " "}
_CONTROL_TEXT = {9: "\t"}  # wide controls with a text meaning


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


def decompress_section(data: bytes) -> bytes:
    """Inflate a compressed BodyText section (raw deflate; zlib-wrapped as fallback)."""
    try:
        inflater = zlib.decompressobj(-15)
        return inflater.decompress(data) + inflater.flush()
    except zlib.error:
        return zlib.decompress(data)


def extract_section_paragraphs(data: bytes) -> list[str]:
    """All paragraph texts of one (already decompressed) BodyText section, in order."""
    paragraphs: list[str] = []
    for tag, _level, payload in parse_records(data):
        if tag == HWPTAG_PARA_TEXT:
            text = decode_para_text(payload)
            if text.strip():
                paragraphs.append(text)
    return paragraphs


def _section_streams(ole: Any) -> list[list[str]]:
    sections = []
    for entry in ole.listdir(streams=True, storages=False):
        if len(entry) == 2 and entry[0] == "BodyText" and entry[1].startswith("Section"):
            suffix = entry[1][len("Section") :]
            if suffix.isdigit():
                sections.append((int(suffix), entry))
    return [entry for _, entry in sorted(sections)]


def _summary(ole: Any) -> dict[str, str]:
    """Title/author from the \\x05HwpSummaryInformation property set (best effort)."""
    info: dict[str, str] = {}
    name = "\x05HwpSummaryInformation"
    if not ole.exists(name):
        return info
    try:
        props = ole.getproperties(name, convert_time=True, no_conversion=[10])
    except Exception:
        return info
    for pid, key in ((2, "title"), (3, "subject"), (4, "author"), (5, "keywords")):
        value = props.get(pid)
        if isinstance(value, bytes):
            value = value.decode("utf-16-le", errors="ignore")
        value = clean_title(value)
        if value:
            info[key] = value
    return info


def _read_hwp(path: Path) -> LoadedDocument:
    if not olefile.isOleFile(str(path)):
        raise LoaderError(HWP_FAILED_REASON)
    with olefile.OleFileIO(str(path)) as ole:
        if not ole.exists("FileHeader"):
            raise LoaderError(HWP_FAILED_REASON)
        header = parse_file_header(ole.openstream("FileHeader").read())
        if header.password or header.drm:
            raise EncryptedDocumentError(HWP_ENCRYPTED_REASON)
        if header.distribution:
            raise EncryptedDocumentError(HWP_DISTRIBUTION_REASON)
        streams = _section_streams(ole)
        if not streams:
            raise LoaderError(HWP_FAILED_REASON)
        paragraphs: list[str] = []
        for entry in streams:
            data = ole.openstream(entry).read()
            if header.compressed:
                data = decompress_section(data)
            paragraphs.extend(extract_section_paragraphs(data))
        summary = _summary(ole)

    text = require_text(normalize_text(join_blocks(paragraphs)))
    metadata: dict[str, Any] = {
        "hwp_version": ".".join(str(v) for v in header.version),
        "section_count": len(streams),
    }
    for key in ("author", "subject", "keywords"):
        if key in summary:
            metadata[key] = summary[key]
    title = summary.get("title") or title_from_first_line(text) or path.stem
    return LoadedDocument(path=path, format="hwp", title=title, text=text, metadata=metadata)


def load_hwp(path: Path) -> LoadedDocument:
    try:
        return _read_hwp(path)
    except LoaderError:
        raise
    except Exception as exc:  # olefile / zlib / struct / malformed records
        raise LoaderError(HWP_FAILED_REASON) from exc
