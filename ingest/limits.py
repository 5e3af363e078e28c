"""Resource limits for reading one document (zip bombs, huge files, endless parsing).

A hostile or broken file must not take the ingest (or the bot that runs it) down, so every
loader reads under a :class:`LoaderLimits`:

* ``max_unzipped_mb`` bounds the *declared* uncompressed size of all members of a DOCX/HWPX
  package together (``zipfile`` never returns more bytes than a member declares, so the
  declared sizes are a real bound), and ``max_xml_mb`` the XML parts among them, which are
  what the XML parsers hold in memory several times over;
* ``max_stream_mb`` bounds each decompressed HWP body stream (decompressed incrementally);
* ``max_text_file_mb`` bounds plain text / Markdown / HTML files before they are read;
* ``max_text_chars`` bounds the extracted text of any document;
* ``max_seconds`` is a cooperative deadline: loaders check it between pages, sections and
  tables, so a file that would take minutes is refused with a clear reason instead;
* ``max_pdf_pages`` bounds the pages read from one PDF.

The OCR settings live here too because they are limits on the same work (pages, dpi, time).
Every value comes from the environment (``STARTUPBOT_LOADER_...``) with defaults that fit real
announcements with room to spare.  Peak RSS for the hostile cases is measured by
``tests/test_loader_limits.py`` (each file in a child process).
"""

from __future__ import annotations

import time

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class LoaderLimits(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STARTUPBOT_LOADER_", env_file=".env",
                                      env_file_encoding="utf-8", extra="ignore")

    max_unzipped_mb: float = Field(256.0, gt=0, description="All members of a DOCX/HWPX.")
    max_xml_mb: float = Field(20.0, gt=0, description="XML members of a DOCX/HWPX together.")
    max_stream_mb: float = Field(64.0, gt=0, description="One decompressed HWP stream.")
    max_text_file_mb: float = Field(20.0, gt=0, description="A .txt/.md/.html file.")
    max_text_chars: int = Field(5_000_000, gt=0, description="Extracted text of one document.")
    max_seconds: float = Field(120.0, gt=0, description="Time to read one document.")
    max_pdf_pages: int = Field(2000, gt=0)
    ocr: bool = Field(True, description="OCR PDF pages without a usable text layer.")
    ocr_languages: str = "kor+eng"
    ocr_dpi: int = Field(300, ge=72, le=600)
    ocr_max_pages: int = Field(100, ge=0, description="Pages OCRed per document at most.")

    @property
    def max_unzipped_bytes(self) -> int:
        return int(self.max_unzipped_mb * 1024 * 1024)

    @property
    def max_xml_bytes(self) -> int:
        return int(self.max_xml_mb * 1024 * 1024)

    @property
    def max_stream_bytes(self) -> int:
        return int(self.max_stream_mb * 1024 * 1024)

    @property
    def max_text_file_bytes(self) -> int:
        return int(self.max_text_file_mb * 1024 * 1024)


_default: LoaderLimits | None = None


def default_limits() -> LoaderLimits:
    """Limits from the environment and `.env`, read once (not at import time).

    An invalid value raises pydantic's ValidationError naming the variable; it is not
    turned into a per-file loader error.
    """
    global _default
    if _default is None:
        _default = LoaderLimits()
    return _default


class Deadline:
    """A cooperative per-file deadline: ``check()`` raises once the time is up."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = time.monotonic()

    def expired(self) -> bool:
        return time.monotonic() - self.started > self.seconds

    def check(self) -> None:
        if self.expired():
            from ingest.loaders.base import LoaderError

            raise LoaderError(
                f"파일을 읽는 데 {self.seconds:g}초가 넘게 걸려 중단했습니다. 파일을 나누거나 "
                "PDF로 다시 저장해 올려 주세요(한도: STARTUPBOT_LOADER_MAX_SECONDS)."
            )
