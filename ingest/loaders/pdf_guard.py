"""Decompression-bomb guard for PDFs: inflate every Flate stream once, with a cap, before parsing.

pdfminer (under pdfplumber) and pypdf inflate a content stream in one piece, so a 0.8 MB PDF
whose page content inflates to 800 MB took 2.5 GB RSS.  Here the raw file is scanned (mmap,
no parsing) for ``stream … endstream`` segments; each is inflated incrementally in 1 MB steps
and only counted, never kept.  Streams that are not zlib data (JPEG images, …) are skipped.
One stream may not inflate beyond ``max_stream_mb`` and all of them together not beyond
``max_unzipped_mb``.
"""

from __future__ import annotations

import mmap
import re
import zlib
from pathlib import Path

from ingest.limits import LoaderLimits

from .base import LoaderError

_STREAM_RE = re.compile(rb"stream\r?\n")
_END = b"endstream"
_STEP = 1 << 20


def inflated_size(raw: bytes | memoryview, cap: int) -> int:
    """Bytes *raw* inflates to, counting at most cap + 1; 0 when it is not zlib data."""
    inflater = zlib.decompressobj()
    total = 0
    data = bytes(raw[:_STEP])
    rest = raw[_STEP:]
    try:
        while True:
            out = inflater.decompress(data, _STEP)
            total += len(out)
            if total > cap or inflater.eof:  # bytes after the end (the "\n") do not count
                return total
            if inflater.unconsumed_tail:
                if not out and inflater.unconsumed_tail == data:
                    return total  # no progress: broken data
                data = inflater.unconsumed_tail
                continue
            if not len(rest):
                return total
            data, rest = bytes(rest[:_STEP]), rest[_STEP:]
    except zlib.error:
        return total if total else 0


def _too_big(what: str, limit_mb: float, name: str) -> LoaderError:
    return LoaderError(
        f"PDF {what}의 압축을 풀면 한도({limit_mb:g}MB)를 넘습니다. 압축 폭탄이거나 지나치게 큰 "
        f"파일입니다(한도: {name})."
    )


def check_pdf_streams(path: Path, limits: LoaderLimits) -> None:
    """Raise LoaderError when a stream, or all streams together, inflate past the limits."""
    with path.open("rb") as fh:
        try:
            view = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # empty file
            return
    error: LoaderError | None = None
    with view:
        whole = memoryview(view)
        try:
            total = 0
            for m in _STREAM_RE.finditer(view):
                start = m.end()
                end = view.find(_END, start)
                if end < 0:
                    break
                size = inflated_size(whole[start:end], limits.max_stream_bytes)
                if size > limits.max_stream_bytes:
                    error = _too_big("내용 스트림", limits.max_stream_mb,
                                     "STARTUPBOT_LOADER_MAX_STREAM_MB")
                    break
                total += size
                if total > limits.max_unzipped_bytes:
                    error = _too_big("전체", limits.max_unzipped_mb,
                                     "STARTUPBOT_LOADER_MAX_UNZIPPED_MB")
                    break
        finally:
            whole.release()  # the mmap cannot close while a view of it is alive
    if error is not None:
        raise error
