"""Real HWP files that nobody on this project wrote (tests/fixtures/hwp/SOURCE.md)."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.chunking import Chunker
from ingest.loaders import load_document

FIXTURES = Path(__file__).parent / "fixtures" / "hwp"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_summary_information_read_not_leaked(analyzer):
    doc = load_document(FIXTURES / "sample-5017.hwp")
    assert doc.title == "제목입니다."
    assert doc.metadata["author"] == "지은이입니다."
    assert doc.metadata["subject"] == "주제입니다."
    assert doc.metadata["keywords"] == "키워드입니다."
    assert doc.metadata["date"] == "2010년 7월 2일 금요일 오후 12:36:13"
    assert doc.metadata["created"] == "2010-07-02T03:36:13+00:00"
    for value in [doc.title, doc.text, *map(str, doc.metadata.values())]:
        assert not CONTROL.search(value)
        assert "WIN32LE" not in value and "Windows_Unknown" not in value
    chunks = Chunker(analyzer).chunk(doc_id="d", title=doc.title, text=doc.text, source="s")
    assert chunks[0].text.startswith("한글 2005 예제 파일입니다.")
    assert all(not CONTROL.search(c.text + c.title + c.section) for c in chunks)


def test_table_with_merged_cell_and_caption():
    text = load_document(FIXTURES / "sample-5017.hwp").text
    # 2x2 table: A0 | B0 / A1 | B1 split into two paragraphs "B10", "B11"
    assert "[표 1]\n- [1행] A0: B0\n- [2행] A1: B10 B11" in text
    assert "표 2x2짜리표 가나다" in text  # a caption of an empty table stays as text
    assert "# p. 2\n\n다음 페이지" in text  # explicit page break -> page section


def test_distribution_document_is_read():
    doc = load_document(FIXTURES / "viewtext.hwp")
    assert doc.text == "pyhwp 테스트를 위한 배포 문서 예제입니다."
    assert doc.title == "pyhwp 배포 문서 예제"
    assert doc.metadata["distribution"] is True
    assert doc.metadata["notes"] == ["배포용 한글 문서: 보호를 풀어 읽었습니다."]


def test_outline_paragraphs_become_headings(analyzer):
    doc = load_document(FIXTURES / "lists.hwp")
    assert "# 1\n\n# 2\n\n## 2-1\n\n# 3\n\n## 3-1\n\n## 3-2\n\n### 3-2-1" in doc.text


def test_captions_are_kept():
    text = load_document(FIXTURES / "table-caption.hwp").text
    for caption in ("표 위 캡션", "표 아래 캡션", "표 왼쪽", "표 오른쪽"):
        assert caption in text
