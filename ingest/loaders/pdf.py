"""PDF loader (pypdf): text per page, pages separated by blank lines."""

from __future__ import annotations

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
    clean_title,
    normalize_text,
    require_text,
    short_detail,
)

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


def load_pdf(path: Path) -> LoadedDocument:
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

    try:
        pages = list(reader.pages)
    except Exception as exc:
        raise LoaderError(f"{CORRUPT_PREFIX}: {short_detail(exc)}") from exc

    page_texts: list[str] = []
    failed_pages: list[int] = []
    first_error: Exception | None = None
    for number, page in enumerate(pages, start=1):
        try:
            page_text = page.extract_text() or ""
        except Exception as exc:  # one broken page should not lose the whole document
            log.warning("pdf %s: page %d text extraction failed: %s", path, number, exc)
            failed_pages.append(number)
            first_error = first_error or exc
            continue
        page_text = normalize_text(page_text)
        if page_text:
            page_texts.append(page_text)

    if not page_texts and first_error is not None:
        raise LoaderError(f"{CORRUPT_PREFIX}: {short_detail(first_error)}") from first_error
    text = require_text(normalize_text("\n\n".join(page_texts)), IMAGE_ONLY_REASON)

    metadata: dict[str, Any] = {"page_count": len(pages)}
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
