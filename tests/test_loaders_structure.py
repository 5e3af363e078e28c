"""Tables, sections, line joins and OCR: generated HWPX, DOCX and PDF announcements.

Every file is generated here (tests/doc_builders.py) from text typed in the test, and the
checks are on exact words: rows with their headers, words cut at line wraps joined, the
columns in reading order, "p. N" sections, OCR text marked as such.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.chunking import Chunker
from ingest.limits import LoaderLimits
from ingest.loaders import LoaderError, load_document
from ingest.loaders import ocr as ocr_module
from tests.doc_builders import (
    FONT,
    sample_announcement,
    to_docx,
    to_hwpx,
    to_pdf,
    to_scan_pdf,
)

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ROWS = [
    "- [2행] 구분: 예비창업자 · 지원금액: 최대 1억원 · 신청기간: 2025.3.4.~3.25.",
    "- [3행] 구분: 예비창업자 · 지원금액: 교육비 별도 · 신청기간: 상시",
    "- [4행] 구분: 초기창업자 · 지원금액: 최대 2억원 · 신청기간: 2025.4.1.~4.20.",
]
HAS_TESSERACT = not ocr_module.ocr_unavailable_reason("kor+eng")


def _chunks(analyzer, doc) -> list:
    return Chunker(analyzer).chunk(doc_id="d", title=doc.title, text=doc.text, source="x")


def _assert_clean(doc, chunks) -> None:
    assert not CONTROL.search(doc.title)
    for chunk in chunks:
        assert not CONTROL.search(chunk.text) and not CONTROL.search(chunk.section)


def _row_chunk(chunks, word: str):
    """The chunk whose sentences hold a table row containing *word* (as a retriever would)."""
    found = [c for c in chunks for s in c.sentences if s.startswith("- [") and word in s]
    assert found, f"no table row with {word!r}"
    return found[0]


# ------------------------------------------------------------------ HWPX and DOCX tables


def test_hwpx_table_rows_with_headers_and_merged_cell(tmp_path, analyzer):
    doc = load_document(to_hwpx(sample_announcement(0), tmp_path / "공고.hwpx"))
    # the merged 구분 cell (rows 2-3) is repeated on each row it covers
    assert "[표 1] 지원 규모\n" + "\n".join(ROWS) in doc.text
    assert doc.metadata["table_count"] == 1 and doc.metadata["table_cells"] == 12
    chunks = _chunks(analyzer, doc)
    row = _row_chunk(chunks, "교육비 별도")
    assert row.section == "지원 내용 > 표 1 · 지원 규모"
    assert ROWS[1] in row.sentences  # one sentence per row: quotable with its header
    prose = [c for c in chunks if c.section == "지원 내용"]
    assert prose and "아래 표와 같습니다" in prose[0].text and "[2행]" not in prose[0].text
    _assert_clean(doc, chunks)


def test_hwpx_without_headings_gets_page_sections(tmp_path, analyzer):
    import zipfile

    from tests.doc_builders import _HEADER, _HPF, _NS, _hp

    body = _hp("첫 쪽 안내문입니다.") + _hp("첫 쪽 둘째 문단입니다.") + _hp(
        "둘째 쪽 신청 방법입니다.").replace("<hp:p ", '<hp:p pageBreak="1" ', 1)
    path = tmp_path / "plain.hwpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/hwp+zip")
        zf.writestr("Contents/content.hpf", _HPF.format(title="안내"))
        zf.writestr("Contents/header.xml", _HEADER)
        zf.writestr("Contents/section0.xml", f"<hs:sec {_NS}>{body}</hs:sec>")
    doc = load_document(path)
    assert doc.text == ("# p. 1\n\n첫 쪽 안내문입니다.\n\n첫 쪽 둘째 문단입니다.\n\n"
                        "# p. 2\n\n둘째 쪽 신청 방법입니다.")
    assert [c.section for c in _chunks(analyzer, doc)] == ["p. 1", "p. 2"]


def test_docx_table_rows_and_heading_sections(tmp_path, analyzer):
    doc = load_document(to_docx(sample_announcement(0), tmp_path / "공고.docx"))
    assert "[표 1]\n" + "\n".join(ROWS) in doc.text
    chunks = _chunks(analyzer, doc)
    assert _row_chunk(chunks, "최대 2억원").section == "지원 내용 > 표 1"
    assert {c.section for c in chunks} >= {"사업 개요", "지원 내용", "신청 방법"}
    _assert_clean(doc, chunks)


def test_docx_without_headings_gets_page_sections(tmp_path, analyzer):
    document = docx.Document()
    document.add_paragraph("첫 쪽의 안내 문단입니다.")
    document.add_page_break()
    document.add_paragraph("둘째 쪽에는 신청 방법이 있습니다.")
    table = document.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "항목", (0, 1): "내용", (1, 0): "접수", (1, 1): "온라인"}.items():
        table.cell(r, c).text = text
    path = tmp_path / "plain.docx"
    document.save(str(path))
    doc = load_document(path)
    assert doc.text == (
        "# p. 1\n\n첫 쪽의 안내 문단입니다.\n\n# p. 2\n\n둘째 쪽에는 신청 방법이 있습니다.\n\n"
        "[표 1]\n- [2행] 항목: 접수 · 내용: 온라인"
    )
    sections = [c.section for c in _chunks(analyzer, doc)]
    assert sections == ["p. 1", "p. 2", "p. 2 > 표 1"]


def test_docx_horizontally_merged_header_is_not_repeated(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "구분"
    merged = table.cell(0, 1).merge(table.cell(0, 2))
    merged.text = "지원 내용"
    for r, values in ((1, ("A형", "자금", "교육")), (2, ("B형", "공간", "멘토링"))):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    path = tmp_path / "merged.docx"
    document.save(str(path))
    text = load_document(path).text
    assert "- [2행] 구분: A형 · 지원 내용: 자금 · 지원 내용: 교육" in text
    assert "- [3행] 구분: B형 · 지원 내용: 공간 · 지원 내용: 멘토링" in text


# ------------------------------------------------------------------ PDF: columns, wraps, tables


@pytest.fixture(scope="module")
def two_column_pdf(tmp_path_factory) -> Path:
    spec = sample_announcement(0)
    spec.sections = spec.sections * 3  # enough text for both columns
    return to_pdf(spec, tmp_path_factory.mktemp("pdf") / "공고.pdf", columns=2)


def test_pdf_two_columns_wraps_joined_and_tables(two_column_pdf, analyzer):
    doc = load_document(two_column_pdf)
    text = doc.text
    assert doc.title == "2025년 충북 예비창업패키지 예비창업자 모집 공고"
    # words the generator cut at the right edge of a column come back whole
    for word in ("창업 아이디어를", "전담 멘토링을", "접수하며 방문", "하시기 바랍니다."):
        assert text.count(word) == 3, word
    for broken in ("창 업 아이디어", "멘 토링", "접수하 며"):
        assert broken not in text
    # real spaces are kept
    assert "충청북도와 충북창조경제혁신센터는 혁신적인 기술 창업 아이디어를 보유한" in text
    # three tables, numbered in reading order, each row with its header
    assert re.findall(r"^\[표 (\d+)\]$", text, flags=re.M) == ["1", "2", "3"]
    for row in ROWS:
        assert text.count(row) == 3
    # headings from font sizes: the 13pt section titles under the 18pt title
    assert text.startswith("# 2025년 충북 예비창업패키지 예비창업자 모집 공고\n\n## 사업 개요\n\n")
    assert text.index("## 사업 개요") < text.index("## 지원 내용") < text.index("## 신청 방법")
    chunks = _chunks(analyzer, doc)
    assert _row_chunk(chunks, "교육비 별도").section == "지원 내용 > 표 1"
    _assert_clean(doc, chunks)


def _canvas_pdf(path: Path, draw) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "Nanum" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Nanum", str(FONT)))
    c = canvas.Canvas(str(path), pagesize=A4)
    draw(c)
    c.save()
    return path


def test_pdf_junk_headings_dropped_and_outline_used(tmp_path):
    def draw(c):
        c.setFont("Nanum", 20)
        c.drawString(50, 780, "$ % ^ & _ { } ~")  # large, but punctuation only
        c.drawString(50, 740, "가")  # large, one letter
        c.setFont("Nanum", 10)
        for i in range(6):
            c.drawString(50, 700 - 14 * i, f"본문 문장 {i}번입니다.")

    doc = load_document(_canvas_pdf(tmp_path / "junk.pdf", draw))
    assert "#" not in doc.text.replace("# p. 1", "")  # no junk heading; the page is the section
    assert doc.text.startswith("# p. 1\n\n")

    def draw_outline(c):
        for n, title in enumerate(["신청 자격", "제출 서류"]):
            c.setFont("Nanum", 10)
            c.drawString(50, 780, title)
            c.drawString(50, 760, f"{title}에 관한 설명입니다.")
            c.bookmarkPage(f"p{n}")
            c.addOutlineEntry(title, f"p{n}", level=0)
            c.showPage()

    doc = load_document(_canvas_pdf(tmp_path / "outline.pdf", draw_outline))
    assert doc.text == (
        "# 신청 자격\n\n신청 자격에 관한 설명입니다.\n\n# 제출 서류\n\n제출 서류에 관한 설명입니다."
    )


def test_pdf_library_warnings_summarised_in_one_note(tmp_path, capfd):
    def draw(c):
        c.setFont("Nanum", 10)
        c.drawString(50, 780, "경고가 나는 파일의 본문입니다.")

    data = _canvas_pdf(tmp_path / "ok.pdf", draw).read_bytes()
    broken = data.replace(b"startxref", b"startxref\n999999\n%", 1)  # wrong xref offset
    path = tmp_path / "broken-xref.pdf"
    path.write_bytes(broken)
    doc = load_document(path)
    assert "경고가 나는 파일의 본문입니다." in doc.text
    notes = doc.metadata.get("notes", [])
    assert len(notes) == 1 and notes[0].startswith("PDF 라이브러리 경고 ")
    assert doc.metadata["library_warnings"] >= 1
    err = capfd.readouterr().err
    assert "startxref" not in err and "incorrect" not in err.lower()


# ------------------------------------------------------------------ OCR

SCAN_LINES = [
    "2025년 충북 예비창업패키지 모집 공고",
    "지원 대상은 충북에 창업하려는 예비창업자입니다.",
    "사업화 자금은 최대 1억원까지 지원합니다.",
    "신청 기간은 3월 4일부터 3월 25일까지입니다.",
]


@pytest.mark.skipif(not HAS_TESSERACT, reason="scripts/test.sh installs tesseract-ocr-kor")
@pytest.mark.parametrize("stray", ["", "Background " * 12])
def test_scanned_page_is_ocred_and_marked(tmp_path, analyzer, stray):
    path = to_scan_pdf(SCAN_LINES, tmp_path / "scan.pdf", stray_text=stray)
    doc = load_document(path)
    assert doc.text.startswith("# p. 1 (OCR)\n\n")
    for line in SCAN_LINES:
        assert line in doc.text
    assert "Background" not in doc.text
    assert doc.metadata["ocr_pages"] == [1]
    assert any("OCR" in note for note in doc.metadata["notes"])
    chunks = _chunks(analyzer, doc)
    assert chunks and all(c.extraction == "ocr" and c.section == "p. 1 (OCR)" for c in chunks)
    assert chunks[0].metadata()["extraction"] == "ocr"
    _assert_clean(doc, chunks)


def test_ocr_off_when_tesseract_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    ocr_module.ocr_unavailable_reason.cache_clear()
    try:
        path = to_scan_pdf(SCAN_LINES[:1], tmp_path / "scan.pdf")
        with pytest.raises(LoaderError) as info:
            load_document(path)
        assert "Tesseract가 설치되어 있지 않습니다" in info.value.reason
        assert "OCR" in info.value.reason
    finally:
        ocr_module.ocr_unavailable_reason.cache_clear()


def test_ocr_off_by_setting_keeps_text_pages_and_says_so(tmp_path):
    from pypdf import PdfReader, PdfWriter

    text_pdf = _canvas_pdf(tmp_path / "text.pdf", lambda c: (c.setFont("Nanum", 10), c.drawString(
        50, 780, "텍스트가 있는 첫 쪽입니다.")))
    scan_pdf = to_scan_pdf(SCAN_LINES[:1], tmp_path / "scan.pdf")
    writer = PdfWriter()
    for source in (text_pdf, scan_pdf):
        for page in PdfReader(source).pages:
            writer.add_page(page)
    mixed = tmp_path / "mixed.pdf"
    with mixed.open("wb") as fh:
        writer.write(fh)
    doc = load_document(mixed, limits=LoaderLimits(ocr=False))
    assert doc.text == "# p. 1\n\n텍스트가 있는 첫 쪽입니다."  # the unread page adds nothing
    assert doc.metadata["notes"] == [
        "문자 인식(OCR)이 설정에서 꺼져 있습니다. 텍스트가 없는 1쪽은 읽지 못했습니다."
    ]
