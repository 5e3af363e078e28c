"""Zip bombs and huge files (issue 13, item 10): limits on size, text and time per file.

The hostile files are generated here (benchmarks/documents/hostile.py has the generators and
the child-process probe that measures peak RSS); nothing hostile is shipped.
"""

from __future__ import annotations

import io
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from ingest.limits import LoaderLimits
from ingest.loaders import LoaderError, load_document
from ingest.loaders.hwp import decompress_section
from tests.doc_builders import sample_announcement, to_docx, to_hwpx, to_pdf

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks" / "documents"))
import hostile

MB = 1024 * 1024


def _reason(path: Path, **limits: object) -> str:
    with pytest.raises(LoaderError) as info:
        load_document(path, limits=LoaderLimits(**limits))
    return info.value.reason


def test_docx_total_unzipped_size_is_capped(tmp_path):
    path = hostile.docx_bomb(tmp_path / "bomb.docx", 3)
    assert "압축을 풀면" in _reason(path, max_unzipped_mb=2)
    assert "STARTUPBOT_LOADER_MAX_XML_MB" in _reason(path, max_xml_mb=2)
    assert load_document(path, limits=LoaderLimits()).text.startswith("가")  # fine by default


def test_hwpx_total_over_parts_is_capped(tmp_path):
    path = hostile.hwpx_bomb(tmp_path / "bomb.hwpx", 4, 1)  # each part small, 4 MB together
    assert "압축 폭탄" in _reason(path, max_unzipped_mb=3)
    assert "본문 XML" in _reason(path, max_xml_mb=3)


def test_text_file_size_checked_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # sparse: 200 MB on paper, nothing on disk
        fh.truncate(200 * MB)
    reason = _reason(path)
    assert "텍스트 파일이 너무 큽니다(200.0MB, 한도 20MB)" in reason
    md = tmp_path / "huge.md"
    md.write_bytes(b"# a\n" * (MB // 2))  # 2 MB
    assert "STARTUPBOT_LOADER_MAX_TEXT_FILE_MB" in _reason(md, max_text_file_mb=1)


def test_extracted_text_length_is_capped(tmp_path):
    path = to_hwpx(sample_announcement(0), tmp_path / "a.hwpx")
    assert "텍스트가 너무 깁니다" in _reason(path, max_text_chars=100)


def test_time_per_file_is_capped(tmp_path):
    path = to_docx(sample_announcement(0), tmp_path / "a.docx")
    assert "초가 넘게 걸려 중단했습니다" in _reason(path, max_seconds=1e-9)
    pdf = to_pdf(sample_announcement(0), tmp_path / "a.pdf")
    assert "STARTUPBOT_LOADER_MAX_SECONDS" in _reason(pdf, max_seconds=1e-9)


def test_pdf_page_count_is_capped(tmp_path):
    spec = sample_announcement(0)
    spec.sections = spec.sections * 6
    pdf = to_pdf(spec, tmp_path / "long.pdf", columns=1)
    assert "쪽으로 한도(1쪽)를 넘습니다" in _reason(pdf, max_pdf_pages=1)


def test_hwp_stream_inflation_is_bounded():
    record = (67 | (8 << 20)).to_bytes(4, "little") + "가나다라".encode("utf-16-le")
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = comp.compress(record * 200_000) + comp.flush()  # 2.4 MB inflated
    assert len(decompress_section(data, 3 * MB)) == len(record) * 200_000
    with pytest.raises(LoaderError) as info:
        decompress_section(data, 1 * MB)
    assert "STARTUPBOT_LOADER_MAX_STREAM_MB" in info.value.reason


def test_pdf_stream_inflation_is_bounded(tmp_path):
    path = hostile.pdf_bomb(tmp_path / "bomb.pdf", 80)  # one content stream of 80 MB
    assert "STARTUPBOT_LOADER_MAX_STREAM_MB" in _reason(path)  # default 64 MB
    assert "STARTUPBOT_LOADER_MAX_UNZIPPED_MB" in _reason(path, max_stream_mb=100,
                                                          max_unzipped_mb=50)


def test_inflated_size_counts_exactly_and_stops_at_the_cap():
    import os

    from ingest.loaders.pdf_guard import inflated_size

    data = os.urandom(3 * MB)  # incompressible: the raw stream spans several 1 MB steps
    raw = zlib.compress(data) + b"\n"  # the newline before "endstream" is not data
    assert inflated_size(raw, 10 * MB) == len(data)
    assert MB < inflated_size(raw, MB) <= 2 * MB  # stops soon after the cap
    assert inflated_size(b"\xff\xd8\xff JPEG, not zlib", MB) == 0


def test_limits_from_environment(monkeypatch):
    monkeypatch.setenv("STARTUPBOT_LOADER_MAX_UNZIPPED_MB", "12")
    monkeypatch.setenv("STARTUPBOT_LOADER_OCR", "false")
    limits = LoaderLimits()
    assert limits.max_unzipped_bytes == 12 * MB and limits.ocr is False


def test_corrupt_zip_member_sizes_do_not_bypass_the_check(tmp_path):
    """A member that lies about its size cannot inflate past it: zipfile stops and fails."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<a>" + b"x" * 100_000 + b"</a>")
    data = bytearray(buf.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()[0]
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf, zf.open(info) as fh:
        assert len(fh.read()) == info.file_size  # never more than declared


@pytest.mark.slow
@pytest.mark.parametrize("case", ["docx-bomb-400MB-xml", "hwpx-8x190MB-parts", "text-200MB",
                                  "pdf-content-stream-800MB"])
def test_hostile_file_peak_rss_under_1gb(tmp_path, case):
    path = hostile.CASES[case](tmp_path)
    result = hostile.probe(path, env={"STARTUPBOT_LOADER_OCR": "true"})
    assert result["error"], result  # refused with a reason for staff...
    assert "한도" in result["error"]
    assert result["rss_mb"] is not None and result["rss_mb"] <= 1024, result  # ...cheaply
