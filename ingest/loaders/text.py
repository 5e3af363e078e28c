"""Plain-text loader (UTF-8 / UTF-16 with BOM / CP949 = EUC-KR superset)."""

from __future__ import annotations

from pathlib import Path

from .base import (
    LoadedDocument,
    decode_text_bytes_ex,
    normalize_text,
    require_text,
    title_from_first_line,
)


def load_text(path: Path) -> LoadedDocument:
    raw, encoding = decode_text_bytes_ex(path.read_bytes(), fallbacks=("cp949",))
    text = require_text(normalize_text(raw))
    title = title_from_first_line(text) or path.stem
    return LoadedDocument(
        path=path, format="text", title=title, text=text, metadata={"encoding": encoding}
    )
