"""HWP 5.0 side streams: summary information and distribution-document decryption.

Both are described in ``hwp.py``.  The property-set reader is hand-written because olefile
reads a VT_LPWSTR length as bytes where MS-OLEPS (and HWP) count UTF-16 characters, which
made the following properties' bytes leak into the title.
"""

from __future__ import annotations

import datetime as dt
import struct
from typing import Any

from .base import clean_title

VT_LPSTR = 0x1E
VT_LPWSTR = 0x1F
VT_FILETIME = 0x40
# MS-OLEPS SummaryInformation property ids as HWP uses them
_STRING_PIDS = {2: "title", 3: "subject", 4: "author", 5: "keywords", 6: "comments",
                8: "last_saved_by", 20: "date"}
_TIME_PIDS = {12: "created", 13: "modified"}
HWPTAG_DISTRIBUTE_DOC_DATA = 0x10 + 12  # 28


def _filetime(value: int) -> str:
    if value <= 0:
        return ""
    try:
        moment = dt.datetime(1601, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=value // 10)
    except OverflowError:
        return ""
    return moment.isoformat(timespec="seconds")


def parse_property_set(data: bytes) -> dict[str, str]:
    """Strings and times of the first section of an OLE property set stream (best effort)."""
    out: dict[str, str] = {}
    if len(data) < 48:
        return out
    (section_offset,) = struct.unpack_from("<I", data, 44)
    if section_offset + 8 > len(data):
        return out
    _size, count = struct.unpack_from("<II", data, section_offset)
    count = min(count, 256)
    codepage = 0
    entries: list[tuple[int, int]] = []
    for i in range(count):
        pos = section_offset + 8 + 8 * i
        if pos + 8 > len(data):
            break
        entries.append(struct.unpack_from("<II", data, pos))
    for pid, offset in entries:  # code page first: VT_LPSTR strings depend on it
        pos = section_offset + offset
        if pid == 1 and pos + 6 <= len(data):
            codepage = struct.unpack_from("<H", data, pos + 4)[0]
    for pid, offset in entries:
        pos = section_offset + offset
        if pos + 8 > len(data):
            continue
        (vtype,) = struct.unpack_from("<H", data, pos)
        if pid in _STRING_PIDS and vtype in (VT_LPWSTR, VT_LPSTR):
            (length,) = struct.unpack_from("<I", data, pos + 4)
            if vtype == VT_LPWSTR:
                raw = data[pos + 8 : pos + 8 + 2 * min(length, 4096)]
                value = raw.decode("utf-16-le", errors="ignore")
            else:
                raw = data[pos + 8 : pos + 8 + min(length, 8192)]
                encoding = "utf-8" if codepage == 65001 else "cp949"
                value = raw.decode(encoding, errors="ignore")
            value = clean_title(value.split("\x00", 1)[0])
            if value:
                out[_STRING_PIDS[pid]] = value
        elif pid in _TIME_PIDS and vtype == VT_FILETIME:
            low, high = struct.unpack_from("<II", data, pos + 4)
            value = _filetime((high << 32) | low)
            if value:
                out[_TIME_PIDS[pid]] = value
    return out


def read_summary(ole: Any) -> dict[str, str]:
    name = "\x05HwpSummaryInformation"
    if not ole.exists(name):
        return {}
    try:
        return parse_property_set(ole.openstream(name).read(1 << 20))
    except Exception:  # a broken summary stream loses only metadata
        return {}


# ------------------------------------------------------------------ distribution documents


def _msvc_rand(seed: int):
    """MSVC's srand()/rand(): the generator 한글 uses to scramble the key record."""
    while True:
        seed = (seed * 214013 + 2531011) & 0xFFFFFFFF
        yield (seed >> 16) & 0x7FFF


def distribution_key(record: bytes) -> bytes:
    """AES-128 key from a 256-byte HWPTAG_DISTRIBUTE_DOC_DATA payload."""
    if len(record) != 256:
        raise ValueError("distribution record must be 256 bytes")
    data = bytearray(record)
    seed = struct.unpack_from("<I", data, 0)[0]
    rand = _msvc_rand(seed)
    remaining = 0
    key = 0
    for i in range(256):
        if remaining == 0:
            key = next(rand) & 0xFF
            remaining = (next(rand) & 0xF) + 1
        if i >= 4:
            data[i] ^= key
        remaining -= 1
    offset = 4 + (seed & 0xF)
    return bytes(data[offset : offset + 16])


def decrypt_view_text(stream: bytes) -> bytes:
    """Decrypt a ViewText/SectionN stream (still compressed when the document is)."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    if len(stream) < 4:
        raise ValueError("empty ViewText stream")
    (header,) = struct.unpack_from("<I", stream, 0)
    tag, size = header & 0x3FF, (header >> 20) & 0xFFF
    if tag != HWPTAG_DISTRIBUTE_DOC_DATA or size != 256 or len(stream) < 260:
        raise ValueError("ViewText stream does not start with the distribution record")
    key = distribution_key(stream[4:260])
    tail = stream[260:]
    tail = tail[: len(tail) - len(tail) % 16]
    decryptor = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    return decryptor.update(tail) + decryptor.finalize()
