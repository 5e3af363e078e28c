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

from .base import (
    EncryptedDocumentError,
    LoadedDocument,
    LoaderError,
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
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".hwpx": load_hwpx,
    ".hwp": load_hwp,
}

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_LOADERS)


def is_supported(path: Path | str) -> bool:
    """True if *path* has a suffix one of the loaders handles (case-insensitive)."""
    return Path(path).suffix.lower() in SUPPORTED_SUFFIXES


def load_document(path: Path) -> LoadedDocument:
    """Load *path* with the loader for its suffix.

    Raises :class:`UnsupportedFormatError` for unknown suffixes,
    :class:`EncryptedDocumentError` for password-protected files and
    :class:`LoaderError` for everything else that cannot be read.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        shown = suffix or "(확장자 없음)"
        raise UnsupportedFormatError(
            f"지원하지 않는 파일 형식입니다({shown}). 지원 형식: {supported}", path=path
        )
    try:
        if not path.is_file():
            raise LoaderError("파일을 찾을 수 없습니다.")
        return loader(path)
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
