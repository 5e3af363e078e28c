"""Document loaders: turn one source file into a normalised :class:`LoadedDocument`.

Usage::

    from ingest.loaders import load_document, is_supported, LoaderError

    doc = load_document(Path("data/공고.hwpx"))

Dispatch is by file suffix (case-insensitive).  :func:`load_document` never lets a
library exception escape: every failure is a :class:`LoaderError` (or one of its
subclasses) with a short Korean ``reason`` for staff and the original exception as
``__cause__``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from ingest.limits import LoaderLimits

from .base import (
    EncryptedDocumentError,
    LoadedDocument,
    LoaderError,
    ReadContext,
    UnsupportedFormatError,
    short_detail,
)
from .docx import load_docx
from .html import load_html
from .hwp import load_hwp
from .hwpx import load_hwpx
from .markdown import load_markdown
from .pdf import load_pdf
from .text import load_text

__all__ = [
    "SUPPORTED_SUFFIXES",
    "EncryptedDocumentError",
    "LoadedDocument",
    "LoaderError",
    "LoaderLimits",
    "UnsupportedFormatError",
    "is_supported",
    "load_document",
]

log = logging.getLogger(__name__)

_LOADERS: dict[str, Callable[[Path], LoadedDocument]] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".html": load_html,
    ".htm": load_html,
}
# Loaders of packaged/binary formats read under a ReadContext (limits, deadline, notes).
_CONTEXT_LOADERS: dict[str, Callable[[Path, ReadContext], LoadedDocument]] = {
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".hwpx": load_hwpx,
    ".hwp": load_hwp,
}

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_LOADERS) | frozenset(_CONTEXT_LOADERS)


def is_supported(path: Path | str) -> bool:
    """True if *path* has a suffix one of the loaders handles (case-insensitive)."""
    return Path(path).suffix.lower() in SUPPORTED_SUFFIXES


def _size_mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}MB"


def _read(path: Path, suffix: str, ctx: ReadContext) -> LoadedDocument:
    limits = ctx.limits
    if suffix in _CONTEXT_LOADERS:
        doc = _CONTEXT_LOADERS[suffix](path, ctx)
    else:
        size = path.stat().st_size
        if size > limits.max_text_file_bytes:
            raise LoaderError(
                f"텍스트 파일이 너무 큽니다({_size_mb(size)}, 한도 "
                f"{limits.max_text_file_mb:g}MB). 나누어 올려 주세요"
                "(한도: STARTUPBOT_LOADER_MAX_TEXT_FILE_MB)."
            )
        doc = _LOADERS[suffix](path)
    if len(doc.text) > limits.max_text_chars:
        raise LoaderError(
            f"문서의 텍스트가 너무 깁니다({len(doc.text):,}자, 한도 {limits.max_text_chars:,}자). "
            "문서를 나누어 올려 주세요(한도: STARTUPBOT_LOADER_MAX_TEXT_CHARS)."
        )
    if ctx.notes:
        doc.metadata["notes"] = list(dict.fromkeys(ctx.notes))
    return doc


def load_document(path: Path, *, limits: LoaderLimits | None = None) -> LoadedDocument:
    """Load *path* with the loader for its suffix, under *limits* (default: from settings).

    Raises :class:`UnsupportedFormatError` for unknown suffixes,
    :class:`EncryptedDocumentError` for password-protected files and
    :class:`LoaderError` for everything else that cannot be read, including files over a
    limit (see :mod:`ingest.limits`).  One-line notes for the ingest report (OCR used or
    unavailable, summarised library warnings) are in ``metadata["notes"]``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    ctx = ReadContext(limits)  # outside the try: a bad setting is not a bad file
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        shown = suffix or "(확장자 없음)"
        raise UnsupportedFormatError(
            f"지원하지 않는 파일 형식입니다({shown}). 지원 형식: {supported}", path=path
        )
    try:
        if not path.is_file():
            raise LoaderError("파일을 찾을 수 없습니다.")
        return _read(path, suffix, ctx)
    except LoaderError as exc:
        if exc.path is None:
            exc.path = path
        raise
    except PermissionError as exc:
        raise LoaderError("파일을 열 권한이 없습니다.", path=path) from exc
    except MemoryError as exc:
        raise LoaderError("파일이 너무 커서 읽을 수 없습니다.", path=path) from exc
    except Exception as exc:  # never let a library exception escape
        log.exception("unexpected error while loading %s", path)
        raise LoaderError(
            f"파일을 읽는 중 오류가 발생했습니다: {type(exc).__name__}: {short_detail(exc)}",
            path=path,
        ) from exc
