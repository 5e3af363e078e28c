"""Shared types and text helpers for the document loaders.

Every loader turns one file into a :class:`LoadedDocument` whose ``text`` is normalised
(NFC, ``\\n`` newlines, no trailing spaces, at most one blank line in a row) and uses
Markdown ATX headings (``# ``, ``## ``, ...) on their own lines, with paragraphs
separated by blank lines.  Failures are always reported as :class:`LoaderError`
with a short Korean ``reason`` meant for staff.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import pydantic

from ingest.limits import Deadline, LoaderLimits, default_limits


class LoadedDocument(pydantic.BaseModel):
    path: Path
    format: str  # "markdown" | "text" | "html" | "pdf" | "docx" | "hwpx" | "hwp"
    title: str
    text: str
    metadata: dict[str, Any] = pydantic.Field(default_factory=dict)


class ReadContext:
    """What one document is read under: its limits, its deadline, and notes for the report.

    ``notes`` are one-line, staff-facing remarks (OCR used or unavailable, library warnings
    summarised); :func:`ingest.loaders.load_document` puts them into ``metadata["notes"]``.
    """

    def __init__(self, limits: LoaderLimits | None = None) -> None:
        self.limits = limits or default_limits()
        self.deadline = Deadline(self.limits.max_seconds)
        self.notes: list[str] = []

    def check(self) -> None:
        self.deadline.check()


class LoaderError(Exception):
    """A file that cannot be read.

    `reason` is a short Korean message for staff (shown in the ingest report).
    """

    def __init__(self, reason: str, *, path: Path | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = path

    def __str__(self) -> str:
        if self.path is not None:
            return f"{self.reason} ({self.path})"
        return self.reason


class EncryptedDocumentError(LoaderError):
    """The document is password-protected / encrypted / DRM-protected."""


class UnsupportedFormatError(LoaderError):
    """The file suffix is not one the loaders understand."""


# --------------------------------------------------------------------------- helpers

# Appended to the section heading of machine-read (OCR) pages, e.g. "p. 3 (OCR)"; the chunker
# marks chunks under such a heading with extraction="ocr" and citations show the mark.
OCR_SECTION_MARK = "(OCR)"


def page_heading(number: int, *, ocr: bool = False, level: int = 1) -> str:
    """Heading for a page when a document has no headings of its own: "# p. 3"."""
    return heading(level, f"p. {number}" + (f" {OCR_SECTION_MARK}" if ocr else ""))


EMPTY_TEXT_REASON = "텍스트를 찾을 수 없습니다. 빈 문서인지 확인해 주세요."

# C0/C1 control characters except TAB and LF (CR is handled separately).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BLANK_RUN_RE = re.compile(r"\n{3,}")
_WS_RE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Normalise extracted text.

    BOM removed, CRLF/CR -> LF, form feeds -> blank line, other control chars dropped,
    NBSP -> space, Unicode NFC, trailing whitespace stripped on every line, runs of
    3+ newlines collapsed to one blank line, leading/trailing blank lines removed.
    """
    text = text.replace("\ufeff", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\f", "\n\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = text.replace("\u00a0", " ")
    text = _CONTROL_RE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = _BLANK_RUN_RE.sub("\n\n", text)
    return text.strip("\n")


def collapse_ws(text: str) -> str:
    """One line: control characters dropped, whitespace runs collapsed, stripped.

    For titles, cells and headings (a title must never carry NULs or other control bytes).
    """
    text = _CONTROL_RE.sub("", text.replace("\t", " ").replace("\n", " ").replace("\r", " "))
    return _WS_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def clean_title(value: Any, *, max_len: int = 200) -> str:
    """Return a one-line title string, or "" if *value* is empty/None."""
    if value is None:
        return ""
    title = collapse_ws(str(value).replace("\ufeff", ""))
    return title[:max_len].rstrip()


# a 공고문's first line is often its number ("충청북도 공고 제2026-1234호"); the name follows
_NOTICE_NUMBER = re.compile(r"^(?:.{0,30}\s)?공고\s*(?:제\s*[\d\s\-–]+호|문)$|^공고$")


def title_from_first_line(text: str, *, max_len: int = 80) -> str:
    """First non-empty line (without Markdown heading/list markers) if it is short, else "";
    a 공고문's number line ("○○도 공고 제2026-12호") is passed over for the line after it."""
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        line = re.sub(r"^#{1,6}\s+", "", line)
        line = collapse_ws(line)
        if _NOTICE_NUMBER.match(line):
            continue
        return line if 0 < len(line) <= max_len else ""
    return ""


def join_blocks(blocks: list[str]) -> str:
    """Join text blocks with blank lines, skipping empty ones."""
    return "\n\n".join(b.strip("\n") for b in blocks if b and b.strip())


def heading(level: int, text: str) -> str:
    level = max(1, min(6, level))
    return f"{'#' * level} {collapse_ws(text)}"


def decode_text_bytes(data: bytes, *, fallbacks: tuple[str, ...] = ("cp949",)) -> str:
    """Decode bytes of a text file (see :func:`decode_text_bytes_ex`)."""
    return decode_text_bytes_ex(data, fallbacks=fallbacks)[0]


def decode_text_bytes_ex(
    data: bytes, *, fallbacks: tuple[str, ...] = ("cp949",)
) -> tuple[str, str]:
    """Decode bytes of a text file and return (text, encoding_used).

    UTF-8 (BOM optional) first; UTF-16 if a UTF-16 BOM is present; then each fallback
    encoding (cp949 is a superset of euc-kr, the usual legacy Korean encoding).
    Raises LoaderError when nothing decodes cleanly.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise LoaderError(
                "UTF-16 텍스트를 해석하지 못했습니다. 파일이 손상되었을 수 있습니다."
            ) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as first_exc:
        for enc in fallbacks:
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                continue
        raise LoaderError(
            "문자 인코딩을 알 수 없습니다(UTF-8/CP949가 아님). UTF-8로 저장한 뒤 다시 올려 주세요."
        ) from first_exc


def require_text(text: str, reason: str = EMPTY_TEXT_REASON) -> str:
    """Raise LoaderError(reason) if *text* has no visible characters."""
    if not text.strip():
        raise LoaderError(reason)
    return text


def short_detail(exc: BaseException, *, max_len: int = 120) -> str:
    """A short one-line description of an exception for staff-facing reasons."""
    msg = collapse_ws(str(exc)) or type(exc).__name__
    if len(msg) > max_len:
        msg = msg[: max_len - 1] + "…"
    return msg
