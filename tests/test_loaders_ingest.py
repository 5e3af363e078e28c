"""Generated announcements through the real ingest and search: a table row is found by its words,
cited with its table section, and OCR chunks keep their mark in the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import Ingestor
from tests.doc_builders import sample_announcement, to_hwpx, to_pdf, to_scan_pdf
from tests.test_loaders_structure import HAS_TESSERACT, SCAN_LINES


@pytest.mark.skipif(not HAS_TESSERACT, reason="scripts/test.sh installs tesseract-ocr-kor")
def test_table_rows_and_ocr_pages_are_searchable_and_citable(make_kb, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    to_hwpx(sample_announcement(0), docs / "예비창업패키지.hwpx")
    spec = sample_announcement(2)
    to_pdf(spec, docs / "창업도약패키지.pdf")
    to_scan_pdf(SCAN_LINES, docs / "스캔공고.pdf")
    kb = make_kb(docs)
    report = Ingestor(kb).run()
    assert report.ok and report.counts["added"] == 3

    hits = kb.searcher().search("예비창업패키지 교육비 별도 신청기간", 5).hits
    row_hits = [h for h in hits if "[3행] 구분: 예비창업자 · 지원금액: 교육비 별도" in h.chunk.text]
    assert row_hits, [h.chunk.text[:80] for h in hits]
    assert row_hits[0].chunk.section == "지원 내용 > 표 1 · 지원 규모"
    assert row_hits[0].chunk.title == "2025년 충북 예비창업패키지 예비창업자 모집 공고"

    hits = kb.searcher().search("사업화 자금 최대 1억원 신청 기간 3월 25일", 5).hits
    ocr = [h for h in hits if h.chunk.source == "스캔공고.pdf"]
    assert ocr and ocr[0].chunk.extraction == "ocr" and ocr[0].chunk.section == "p. 1 (OCR)"
