"""OCR of PDF pages without a usable text layer: pypdfium2 renders, Tesseract reads.

Tesseract (Debian ``tesseract-ocr`` + ``tesseract-ocr-kor``) is called through pytesseract.
When the binary or its Korean model is missing, OCR is off and the loader says so in the
report.  Tesseract runs single-threaded (``OMP_THREAD_LIMIT=1``): ingest shares the machine
with the bot.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
from typing import Any

_WS = re.compile(r"[ \t]+")


@functools.lru_cache(maxsize=4)
def ocr_unavailable_reason(languages: str) -> str:
    """"" when OCR can run with *languages* ("kor+eng"), else a one-line Korean reason."""
    if shutil.which("tesseract") is None:
        return ("스캔 페이지 문자 인식(OCR)이 꺼져 있습니다: Tesseract가 설치되어 있지 않습니다 "
                "(Debian: apt-get install tesseract-ocr tesseract-ocr-kor).")
    try:
        import pytesseract

        installed = set(pytesseract.get_languages(config=""))
    except Exception as exc:  # pytesseract missing or tesseract broken
        return f"스캔 페이지 문자 인식(OCR)이 꺼져 있습니다: {type(exc).__name__}."
    missing = [lang for lang in languages.split("+") if lang and lang not in installed]
    if missing:
        return (f"스캔 페이지 문자 인식(OCR)이 꺼져 있습니다: Tesseract 언어 모델 "
                f"{', '.join(missing)}이(가) 없습니다 (Debian: tesseract-ocr-kor).")
    return ""


def render_page(pdf: Any, index: int, dpi: int) -> Any:
    """PIL image of page *index* of a pypdfium2 document at *dpi*."""
    page = pdf[index]
    try:
        return page.render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        page.close()


def ocr_image(image: Any, languages: str, *, timeout: float = 120) -> str:
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    # --psm 4 (one column of text of varying sizes): the default automatic segmentation (3)
    # lost most lines of clean 300 dpi Korean pages in our tests; 4 read them all.
    text = pytesseract.image_to_string(image, lang=languages, config="--psm 4",
                                       timeout=timeout)
    lines = [_WS.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(lines)
