"""Tests for ingest.loaders. All fixture files are generated in tmp_path."""

from __future__ import annotations

import io
import itertools
import os
import struct
import unicodedata
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

import ingest.loaders as loaders
from ingest.loaders import (
    SUPPORTED_SUFFIXES,
    EncryptedDocumentError,
    LoadedDocument,
    LoaderError,
    UnsupportedFormatError,
    is_supported,
    load_document,
)
from ingest.loaders.base import normalize_text
from ingest.loaders.hwp import (
    HWPTAG_PARA_TEXT,
    decode_para_text,
    extract_section_paragraphs,
    parse_file_header,
    parse_records,
)

KOREAN_FONT = "HYSMyeongJo-Medium"


def _write(path: Path, data: bytes | str) -> Path:
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# ============================================================================ dispatch


def test_supported_suffixes_and_is_supported():
    assert {
        ".md",
        ".markdown",
        ".txt",
        ".html",
        ".htm",
        ".pdf",
        ".docx",
        ".hwpx",
        ".hwp",
    } == set(SUPPORTED_SUFFIXES)
    assert is_supported(Path("공고.PDF"))
    assert is_supported("a/b/notes.Md")
    assert not is_supported(Path("sheet.xlsx"))
    assert not is_supported(Path("README"))


def test_unknown_suffix_raises_unsupported(tmp_path):
    path = _write(tmp_path / "budget.xlsx", b"PK\x03\x04 whatever")
    with pytest.raises(UnsupportedFormatError) as info:
        load_document(path)
    err = info.value
    assert isinstance(err, LoaderError)
    assert ".xlsx" in err.reason
    for suffix in (".hwpx", ".pdf", ".docx", ".md"):
        assert suffix in err.reason
    assert err.path == path


def test_missing_file_is_loader_error(tmp_path):
    with pytest.raises(LoaderError) as info:
        load_document(tmp_path / "없는파일.txt")
    assert "찾을 수 없" in info.value.reason


def test_unexpected_library_error_is_wrapped(tmp_path, monkeypatch):
    path = _write(tmp_path / "a.txt", "hello")

    def boom(_path: Path) -> LoadedDocument:
        raise ValueError("library blew up")

    monkeypatch.setitem(loaders._LOADERS, ".txt", boom)
    with pytest.raises(LoaderError) as info:
        load_document(path)
    assert isinstance(info.value.__cause__, ValueError)
    assert "ValueError" in info.value.reason
    assert info.value.path == path


def test_normalize_text_rules():
    nfd = unicodedata.normalize("NFD", "한글")
    raw = "\ufeff첫 줄   \r\n둘째 줄\t\r\n\r\n\r\n\r\n셋째 " + nfd + "\x00\x07\n"
    assert normalize_text(raw) == "첫 줄\n둘째 줄\n\n셋째 한글"


# ============================================================================ markdown

MD_WITH_FRONT_MATTER = """\
---
title: 청주 창업 지원 안내
category: 지원사업
publisher: 충북창조경제혁신센터
facts_as_of: 2025-03-01
source_urls: https://example.go.kr/notice/1
summary: 예비창업자 지원 요약
---

# 본문 제목

예비창업자를 위한 지원 내용입니다.{trailing}


## 신청 방법

- 온라인 접수
""".format(trailing="   ")


def test_markdown_front_matter(tmp_path):
    path = _write(tmp_path / "guide.md", MD_WITH_FRONT_MATTER.replace("\n", "\r\n"))
    doc = load_document(path)
    assert doc.format == "markdown"
    assert doc.title == "청주 창업 지원 안내"
    assert doc.metadata["category"] == "지원사업"
    assert doc.metadata["publisher"] == "충북창조경제혁신센터"
    assert doc.metadata["facts_as_of"] == "2025-03-01"
    assert doc.metadata["source_urls"] == ["https://example.go.kr/notice/1"]
    assert doc.metadata["summary"] == "예비창업자 지원 요약"
    assert doc.text.startswith("# 본문 제목\n\n예비창업자를 위한 지원 내용입니다.\n\n## 신청 방법")
    assert "---" not in doc.text
    assert "\r" not in doc.text
    assert "입니다.   " not in doc.text  # trailing spaces stripped
    assert "\n\n\n" not in doc.text


def test_markdown_source_urls_list_and_title_from_heading(tmp_path):
    content = (
        "\ufeff---\nsource_urls:\n  - https://a.example/1\n  - https://b.example/2\n---\n"
        "소개 문단\n\n# 첫 번째 제목\n\n내용\n"
    )
    doc = load_document(_write(tmp_path / "x.markdown", content))
    assert doc.metadata["source_urls"] == ["https://a.example/1", "https://b.example/2"]
    assert doc.title == "첫 번째 제목"


def test_markdown_without_front_matter_uses_stem(tmp_path):
    content = "```\n# not a heading in code\n```\n\n본문만 있는 문서\n"
    doc = load_document(_write(tmp_path / "메모.md", content))
    assert doc.title == "메모"
    assert doc.metadata == {}
    assert "# not a heading in code" in doc.text


def test_markdown_invalid_front_matter(tmp_path):
    content = "---\ntitle: [닫히지 않은 목록\ncategory: x\n---\n본문\n"
    with pytest.raises(LoaderError) as info:
        load_document(_write(tmp_path / "bad.md", content))
    assert "YAML" in info.value.reason
    assert info.value.__cause__ is not None


def test_markdown_front_matter_not_a_mapping(tmp_path):
    with pytest.raises(LoaderError) as info:
        load_document(_write(tmp_path / "list.md", "---\n- a\n- b\n---\n본문\n"))
    assert "키: 값" in info.value.reason


def test_markdown_unclosed_front_matter(tmp_path):
    with pytest.raises(LoaderError) as info:
        load_document(_write(tmp_path / "open.md", "---\ntitle: x\n본문\n"))
    assert "닫히지" in info.value.reason


def test_markdown_empty_body(tmp_path):
    with pytest.raises(LoaderError) as info:
        load_document(_write(tmp_path / "empty.md", "---\ntitle: 빈 문서\n---\n\n  \n"))
    assert "텍스트를 찾을 수 없습니다" in info.value.reason


# ============================================================================ text


def test_text_cp949(tmp_path):
    content = "충북 창업 지원 공고\r\n\r\n지원 대상: 도내 예비창업자\r\n"
    path = _write(tmp_path / "notice.txt", content.encode("cp949"))
    doc = load_document(path)
    assert doc.format == "text"
    assert doc.title == "충북 창업 지원 공고"
    assert doc.text == "충북 창업 지원 공고\n\n지원 대상: 도내 예비창업자"
    assert doc.metadata["encoding"] == "cp949"


def test_text_utf8_bom_and_utf16(tmp_path):
    doc = load_document(_write(tmp_path / "a.txt", b"\xef\xbb\xbf" + "가나다\n".encode()))
    assert doc.text == "가나다"
    assert doc.metadata["encoding"] == "utf-8"
    doc16 = load_document(_write(tmp_path / "b.txt", "유니코드 메모장\n".encode("utf-16")))
    assert doc16.text == "유니코드 메모장"


def test_text_long_first_line_uses_stem_and_nfc(tmp_path):
    first = "가" * 100
    nfd = unicodedata.normalize("NFD", "창업")
    doc = load_document(_write(tmp_path / "long.txt", f"{first}\n{nfd}\n\n\n\n\n끝"))
    assert doc.title == "long"
    assert doc.text == f"{first}\n창업\n\n끝"


def test_text_empty(tmp_path):
    with pytest.raises(LoaderError) as info:
        load_document(_write(tmp_path / "blank.txt", " \n\n\t\n"))
    assert "텍스트를 찾을 수 없습니다" in info.value.reason


# ============================================================================ html

HTML_PAGE = """<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>창업 지원사업 공고 | 충북</title>
<meta name="description" content="충북 창업 지원 안내">
<style>.x { color: red }</style><script>var secret = "SCRIPT_TEXT";</script></head>
<body>
<header><a href="/">HEADER_LOGO</a></header>
<nav><ul><li>NAV_MENU</li></ul></nav>
<main>
<h1>2025년 예비창업 지원</h1>
<p>충북 도내 <strong>예비창업자</strong>를
   지원합니다.<br>문의는 아래로.</p>
<h2>지원 내용</h2>
<ul><li>사업화 자금</li><li>멘토링<ul><li>전문가 1:1</li></ul></li></ul>
<table><tr><th>구분</th><th>금액</th></tr><tr><td>초기</td><td>3천만 원</td></tr></table>
<div>div 안의 글<div hidden>HIDDEN_TEXT</div></div>
<noscript>NOSCRIPT_TEXT</noscript>
<!-- COMMENT_TEXT -->
</main>
<aside>ASIDE_TEXT</aside>
<footer>FOOTER_TEXT</footer>
</body></html>
"""


def test_html_structure(tmp_path):
    doc = load_document(_write(tmp_path / "page.html", HTML_PAGE))
    assert doc.format == "html"
    assert doc.title == "창업 지원사업 공고 | 충북"
    text = doc.text
    for junk in (
        "SCRIPT_TEXT",
        "color: red",
        "NAV_MENU",
        "HEADER_LOGO",
        "FOOTER_TEXT",
        "ASIDE_TEXT",
        "NOSCRIPT_TEXT",
        "COMMENT_TEXT",
        "HIDDEN_TEXT",
    ):
        assert junk not in text
    assert "# 2025년 예비창업 지원" in text.split("\n")
    assert "## 지원 내용" in text.split("\n")
    assert "충북 도내 예비창업자를 지원합니다.\n문의는 아래로." in text
    assert "- 사업화 자금\n- 멘토링\n  - 전문가 1:1" in text
    assert "구분 | 금액\n초기 | 3천만 원" in text
    assert "div 안의 글" in text
    # headings are on their own lines, separated from paragraphs by blank lines
    assert "\n\n## 지원 내용\n\n" in text
    assert doc.metadata["lang"] == "ko"
    assert doc.metadata["description"] == "충북 창업 지원 안내"


def test_html_euc_kr_meta_and_title_from_h1(tmp_path):
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=euc-kr">'
        "</head><body><h1>청주시 창업 공고</h1><p>한글 본문입니다.</p></body></html>"
    )
    doc = load_document(_write(tmp_path / "old.htm", page.encode("cp949")))
    assert doc.title == "청주시 창업 공고"
    assert doc.text == "# 청주시 창업 공고\n\n한글 본문입니다."
    assert doc.metadata["encoding"] == "cp949"


def test_html_article_header_kept_page_header_dropped(tmp_path):
    page = (
        "<html><body><header><h1>충청북도 로고</h1></header>"
        "<article><header><h1>창업 공간 입주 안내</h1></header><p>입주 기업 모집</p></article>"
        "</body></html>"
    )
    doc = load_document(_write(tmp_path / "article.html", page))
    assert doc.title == "창업 공간 입주 안내"
    assert doc.text == "# 창업 공간 입주 안내\n\n입주 기업 모집"


def test_html_without_text(tmp_path):
    page = "<html><body><nav>메뉴</nav><script>x()</script></body></html>"
    with pytest.raises(LoaderError) as info:
        load_document(_write(tmp_path / "empty.html", page))
    assert "텍스트를 찾을 수 없습니다" in info.value.reason


# ============================================================================ pdf


def _pdf_bytes(pages: list[list[str]], *, title: str | None = None, korean: bool = True) -> bytes:
    if korean and KOREAN_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(KOREAN_FONT))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    if title is not None:
        c.setTitle(title)
    for lines in pages:
        c.setFont(KOREAN_FONT if korean else "Helvetica", 14)
        y = 750
        for line in lines:
            c.drawString(72, y, line)
            y -= 24
        c.showPage()
    c.save()
    return buf.getvalue()


def _encrypt(data: bytes, user: str, owner: str | None = None) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user, owner_password=owner, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_korean_text_pages_and_title(tmp_path):
    data = _pdf_bytes(
        [["충북 창업 지원 안내", "예비창업자 모집"], ["두 번째 쪽 내용"]],
        title="2025 충북 창업 지원 안내",
    )
    doc = load_document(_write(tmp_path / "guide.pdf", data))
    assert doc.format == "pdf"
    assert doc.title == "2025 충북 창업 지원 안내"
    assert "충북 창업 지원 안내" in doc.text
    assert "예비창업자 모집" in doc.text
    assert doc.text == (
        "# p. 1\n\n충북 창업 지원 안내 예비창업자 모집\n\n# p. 2\n\n두 번째 쪽 내용"
    )
    assert doc.metadata["page_count"] == 2
    assert "author" not in doc.metadata  # reportlab's "anonymous" placeholder dropped


def test_pdf_placeholder_title_falls_back_to_stem(tmp_path):
    data = _pdf_bytes([["Hello PDF"]], korean=False)  # reportlab writes /Title "untitled"
    doc = load_document(_write(tmp_path / "공고문.pdf", data))
    assert doc.title == "공고문"
    assert doc.text == "# p. 1\n\nHello PDF"  # no headings: the page is the section


def test_pdf_encrypted_with_user_password(tmp_path):
    data = _encrypt(_pdf_bytes([["비밀 문서"]]), "secret")
    with pytest.raises(EncryptedDocumentError) as info:
        load_document(_write(tmp_path / "locked.pdf", data))
    assert info.value.reason == "암호가 걸린 PDF입니다. 암호를 해제한 파일로 다시 올려 주세요."


def test_pdf_owner_password_only_is_readable(tmp_path):
    data = _encrypt(_pdf_bytes([["소유자 암호만 있는 문서"]]), "", owner="owner-secret")
    assert PdfReader(io.BytesIO(data)).is_encrypted
    doc = load_document(_write(tmp_path / "owner.pdf", data))
    assert doc.text == "# p. 1\n\n소유자 암호만 있는 문서"


def test_pdf_random_bytes(tmp_path):
    path = _write(tmp_path / "random.pdf", os.urandom(2048))
    with pytest.raises(LoaderError) as info:
        load_document(path)
    assert info.value.reason.startswith("PDF 파일이 손상되었거나 PDF 형식이 아닙니다")


def test_pdf_truncated(tmp_path):
    data = _pdf_bytes([["잘린 파일"]])
    path = _write(tmp_path / "truncated.pdf", data[: len(data) // 3])
    with pytest.raises(LoaderError) as info:
        load_document(path)
    assert not isinstance(info.value, EncryptedDocumentError)
    assert "PDF" in info.value.reason


def test_pdf_image_only(tmp_path):
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(100, 100, 200, 200, fill=1)  # graphics only, no text
    c.showPage()
    c.save()
    with pytest.raises(LoaderError) as info:
        load_document(_write(tmp_path / "scan.pdf", buf.getvalue()))
    assert "텍스트를 찾을 수 없습니다" in info.value.reason
    assert "OCR" in info.value.reason


# ============================================================================ docx


def _make_docx(path: Path, *, core_title: str = "") -> Path:
    document = docx.Document()
    document.core_properties.title = core_title
    document.core_properties.author = "충북센터"
    document.add_paragraph("창업 가이드 표지", style="Title")
    document.add_heading("창업 지원 개요", level=1)
    document.add_paragraph("충북 예비창업자를 위한 안내입니다.")
    document.add_heading("신청 방법", level=2)
    document.add_paragraph("온라인 접수", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "구분"
    table.cell(0, 1).text = "내용"
    table.cell(1, 0).text = "자금"
    table.cell(1, 1).text = "최대 5천만 원"
    document.add_paragraph("")
    document.add_paragraph("끝맺음 문단")
    document.save(str(path))
    return path


def test_docx_headings_table_and_core_title(tmp_path):
    doc = load_document(_make_docx(tmp_path / "guide.docx", core_title="충북 창업 가이드"))
    assert doc.format == "docx"
    assert doc.title == "충북 창업 가이드"
    assert doc.metadata["author"] == "충북센터"
    assert doc.text == (
        "# 창업 가이드 표지\n\n"
        "# 창업 지원 개요\n\n"
        "충북 예비창업자를 위한 안내입니다.\n\n"
        "## 신청 방법\n\n"
        "- 온라인 접수\n\n"
        "[표 1]\n"
        "- [2행] 구분: 자금 · 내용: 최대 5천만 원\n\n"
        "끝맺음 문단"
    )


def test_docx_title_from_title_style(tmp_path):
    doc = load_document(_make_docx(tmp_path / "untitled.docx"))
    assert doc.title == "창업 가이드 표지"


def test_docx_korean_heading_style_names():
    from ingest.loaders.docx import heading_level

    assert heading_level("제목 2") == 2
    assert heading_level("Heading 3") == 3
    assert heading_level("heading 1 Char") == 1
    assert heading_level("Title") == 1
    assert heading_level("Normal") is None
    assert heading_level("TOC Heading") is None


def test_docx_corrupt(tmp_path):
    with pytest.raises(LoaderError) as info:
        load_document(_write(tmp_path / "bad.docx", b"this is not a zip file at all"))
    assert "DOCX" in info.value.reason

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "zip but no word document")
    with pytest.raises(LoaderError) as info:
        load_document(_write(tmp_path / "nodoc.docx", buf.getvalue()))
    assert "DOCX" in info.value.reason


def test_docx_ole_container_is_encrypted(tmp_path):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    with pytest.raises(EncryptedDocumentError) as info:
        load_document(_write(tmp_path / "protected.docx", data))
    assert "암호" in info.value.reason


# ============================================================================ hwpx

NS_DECL = (
    'xmlns:ha="http://www.hancom.co.kr/hwpml/2011/app" '
    'xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph" '
    'xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" '
    'xmlns:hc="http://www.hancom.co.kr/hwpml/2011/core" '
    'xmlns:hh="http://www.hancom.co.kr/hwpml/2011/head"'
)

HPF = """<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<opf:package xmlns:opf="http://www.idpf.org/2007/opf/" version="" unique-identifier="" id="">
<opf:metadata><opf:title>{title}</opf:title><opf:language>ko</opf:language>
<opf:meta name="creator" content="text">충북센터</opf:meta></opf:metadata>
<opf:manifest>
<opf:item id="header" href="Contents/header.xml" media-type="application/xml"/>
<opf:item id="section0" href="Contents/section0.xml" media-type="application/xml"/>
<opf:item id="section1" href="Contents/section1.xml" media-type="application/xml"/>
</opf:manifest>
<opf:spine><opf:itemref idref="header" linear="yes"/>
<opf:itemref idref="section0" linear="yes"/><opf:itemref idref="section1" linear="yes"/>
</opf:spine></opf:package>
"""

HEADER = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<hh:head {NS_DECL} version="1.4" secCnt="2"><hh:refList>
<hh:paraProperties itemCnt="2">
<hh:paraPr id="0"><hh:heading type="NONE" idRef="0" level="0"/></hh:paraPr>
<hh:paraPr id="5"><hh:heading type="OUTLINE" idRef="1" level="1"/></hh:paraPr>
</hh:paraProperties>
<hh:styles itemCnt="2">
<hh:style id="0" type="PARA" name="바탕글" engName="Normal" paraPrIDRef="0" charPrIDRef="0"/>
<hh:style id="2" type="PARA" name="개요 1" engName="Outline 1" paraPrIDRef="0" charPrIDRef="0"/>
</hh:styles></hh:refList></hh:head>
"""


def _p(text: str, *, style: str = "0", para: str = "0") -> str:
    return (
        f'<hp:p id="1" paraPrIDRef="{para}" styleIDRef="{style}" pageBreak="0" columnBreak="0" '
        f'merged="0"><hp:run charPrIDRef="0"><hp:t>{text}</hp:t></hp:run>'
        '<hp:linesegarray><hp:lineseg textpos="0" vertpos="0"/></hp:linesegarray></hp:p>'
    )


def _cell(text: str, style: str = "0") -> str:
    return (
        '<hp:tc name="" header="0" hasMargin="0" protect="0" editable="0" dirty="0" '
        'borderFillIDRef="1"><hp:subList id="" textDirection="HORIZONTAL" lineWrap="BREAK" '
        f'vertAlign="CENTER">{_p(text, style=style)}</hp:subList>'
        '<hp:cellAddr colAddr="0" rowAddr="0"/>'
        '<hp:cellSpan colSpan="1" rowSpan="1"/><hp:cellSz width="100" height="100"/></hp:tc>'
    )


SECTION0 = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<hs:sec {NS_DECL}>
<hp:p id="0" paraPrIDRef="0" styleIDRef="0"><hp:run charPrIDRef="0"><hp:secPr id=""
 textDirection="HORIZONTAL"><hp:grid lineGrid="0"/></hp:secPr><hp:ctrl><hp:colPr id=""
 type="NEWSPAPER" colCount="1"/></hp:ctrl></hp:run><hp:run charPrIDRef="0"><hp:t>2025년 충북
 예비창업패키지 모집 공고</hp:t></hp:run></hp:p>
{_p("1. 지원 대상", style="2")}
{_p("세부 요건", para="5")}
<hp:p id="3" paraPrIDRef="0" styleIDRef="0"><hp:run charPrIDRef="0"><hp:t>충북 소재 </hp:t></hp:run
><hp:run charPrIDRef="1"><hp:t>예비<hp:markpenBegin color="#FFFF00"/>창업자<hp:markpenEnd
/><hp:tab width="4000" leader="0" type="1"/>(만 39세 이하)</hp:t></hp:run></hp:p>
<hp:p id="4" paraPrIDRef="0" styleIDRef="0"><hp:run charPrIDRef="0"><hp:tbl id="1" rowCnt="2"
 colCnt="2"><hp:sz width="1" height="1"/><hp:tr>{_cell("구분", style="2")}{_cell("지원금")}</hp:tr>
<hp:tr>{_cell("사업화 자금")}{_cell("최대 5천만 원")}</hp:tr></hp:tbl><hp:t/></hp:run></hp:p>
<hp:p id="5" paraPrIDRef="0" styleIDRef="0"><hp:run charPrIDRef="0"><hp:ctrl><hp:header id="1"
 applyPageType="BOTH"><hp:subList>{_p("머리말 MUST_SKIP")}</hp:subList></hp:header></hp:ctrl
><hp:t>문의: 043-000-0000</hp:t><hp:ctrl><hp:footNote number="1"><hp:subList>
{_p("각주 내용")}</hp:subList></hp:footNote></hp:ctrl><hp:t> (평일)</hp:t></hp:run></hp:p>
</hs:sec>
"""

SECTION1 = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<hs:sec {NS_DECL}>{_p("두 번째 구역의 문단")}</hs:sec>
"""


def _make_hwpx(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/hwp+zip", compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            zf.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_hwpx_text_headings_table_and_title(tmp_path):
    path = _make_hwpx(
        tmp_path / "notice.hwpx",
        {
            "Contents/content.hpf": HPF.format(title="예비창업패키지 공고"),
            "Contents/header.xml": HEADER,
            "Contents/section0.xml": SECTION0,
            "Contents/section1.xml": SECTION1,
        },
    )
    doc = load_document(path)
    assert doc.format == "hwpx"
    assert doc.title == "예비창업패키지 공고"
    assert doc.metadata["author"] == "충북센터"
    assert doc.text == (
        "2025년 충북 예비창업패키지 모집 공고\n\n"
        "# 1. 지원 대상\n\n"
        "## 세부 요건\n\n"
        "충북 소재 예비창업자 (만 39세 이하)\n\n"
        "[표 1]\n"
        "- [2행] 구분: 사업화 자금 · 지원금: 최대 5천만 원\n\n"
        "문의: 043-000-0000 (평일)\n\n"
        "각주 내용\n\n"
        "두 번째 구역의 문단"
    )
    assert "<" not in doc.text and "MUST_SKIP" not in doc.text


def test_hwpx_without_manifest_falls_back_to_sorted_sections(tmp_path):
    sec = f"<hs:sec {NS_DECL}>{{body}}</hs:sec>"
    path = _make_hwpx(
        tmp_path / "짧은제목.hwpx",
        {
            "Contents/section10.xml": sec.format(body=_p("열 번째")),
            "Contents/section2.xml": sec.format(body=_p("두 번째")),
        },
    )
    doc = load_document(path)
    assert doc.text == "# p. 1\n\n두 번째\n\n# p. 2\n\n열 번째"  # each section part: a page
    assert doc.title == "두 번째"  # first short paragraph (no opf:title, no header.xml)


def test_hwpx_corrupt_zip(tmp_path):
    with pytest.raises(LoaderError) as info:
        load_document(_write(tmp_path / "broken.hwpx", b"PK\x03\x04garbage" + os.urandom(64)))
    assert "HWPX" in info.value.reason


def test_hwpx_missing_sections(tmp_path):
    path = _make_hwpx(tmp_path / "nosec.hwpx", {"Contents/content.hpf": HPF.format(title="x")})
    with pytest.raises(LoaderError) as info:
        load_document(path)
    assert "section" in info.value.reason


def test_hwpx_bad_section_xml(tmp_path):
    path = _make_hwpx(tmp_path / "badxml.hwpx", {"Contents/section0.xml": "<hs:sec><hp:p>"})
    with pytest.raises(LoaderError) as info:
        load_document(path)
    assert not isinstance(info.value, EncryptedDocumentError)
    assert "XML" in info.value.reason


def test_hwpx_encrypted(tmp_path):
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<odf:manifest xmlns:odf="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<odf:file-entry odf:full-path="Contents/section0.xml" odf:media-type="application/xml">'
        '<odf:encryption-data odf:checksum-type="SHA1" odf:checksum="abc">'
        '<odf:algorithm odf:algorithm-name="AES"/></odf:encryption-data>'
        "</odf:file-entry></odf:manifest>"
    )
    path = _make_hwpx(
        tmp_path / "locked.hwpx",
        {"META-INF/manifest.xml": manifest, "Contents/section0.xml": os.urandom(256)},
    )
    with pytest.raises(EncryptedDocumentError) as info:
        load_document(path)
    assert "암호" in info.value.reason


# ============================================================================ legacy hwp


def _para_text_payload(*pieces: str | tuple[int, ...]) -> bytes:
    """Build PARA_TEXT code units: str -> chars, tuple -> raw control code units."""
    units: list[int] = []
    for piece in pieces:
        if isinstance(piece, str):
            units.extend(
                struct.unpack(f"<{len(piece.encode('utf-16-le')) // 2}H", piece.encode("utf-16-le"))
            )
        else:
            units.extend(piece)
    return struct.pack(f"<{len(units)}H", *units)


def _ctrl8(code: int, ctrl_id: bytes = b" lbt") -> tuple[int, ...]:
    """An 8-unit inline/extended control: code, 4-byte id, 8 bytes, code."""
    middle = struct.unpack("<6H", ctrl_id + b"\x00" * 8)
    return (code, *middle, code)


def _record(tag: int, payload: bytes, level: int = 0) -> bytes:
    if len(payload) >= 0xFFF:
        return struct.pack("<II", tag | (level << 10) | (0xFFF << 20), len(payload)) + payload
    return struct.pack("<I", tag | (level << 10) | (len(payload) << 20)) + payload


def _section_stream() -> bytes:
    para_header = _record(HWPTAG_PARA_TEXT - 1, b"\x00" * 22)
    return b"".join(
        [
            para_header,
            _record(
                HWPTAG_PARA_TEXT,
                _para_text_payload(
                    _ctrl8(2, b"dces"),  # section definition (extended control)
                    _ctrl8(2, b"dloc"),  # column definition
                    "충북 창업",
                    _ctrl8(9, b"\x00\x00\x00\x00"),  # tab (inline control)
                    "지원",
                    (10,),  # line break
                    "둘째 줄",
                    (13,),  # paragraph end
                ),
            ),
            _record(HWPTAG_PARA_TEXT + 1, b"\x00" * 8),  # PARA_CHAR_SHAPE: ignored
            para_header,
            _record(HWPTAG_PARA_TEXT, _para_text_payload(_ctrl8(11), (13,))),  # table ctrl only
            _record(HWPTAG_PARA_TEXT, _para_text_payload("표 셀 내용", (13,)), level=2),
            _record(HWPTAG_PARA_TEXT, _para_text_payload("😀 이모지", (30,), "끝", (13,))),
        ]
    )


def test_hwp_decode_para_text_controls():
    payload = _para_text_payload(
        _ctrl8(3, b"klh%"),  # field start
        "홈페이지",
        _ctrl8(4, b"klh%"),  # field end
        (24,),
        "가",
        (31,),
        "나",
        (13,),
    )
    assert decode_para_text(payload) == "홈페이지-가 나"


def test_hwp_parse_records_extended_size_and_truncation():
    big = _para_text_payload("가" * 3000, (13,))  # 6002 bytes -> extended size header
    data = _record(HWPTAG_PARA_TEXT, big, level=1) + _record(0x10, b"abcd")
    records = list(parse_records(data))
    assert [(tag, level, len(p)) for tag, level, p in records] == [
        (HWPTAG_PARA_TEXT, 1, len(big)),
        (0x10, 0, 4),
    ]
    assert extract_section_paragraphs(data) == ["가" * 3000]
    with pytest.raises(ValueError):
        list(parse_records(data[:-2]))


def test_hwp_extract_section_paragraphs_from_deflated_stream():
    raw = _section_stream()
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressed = deflater.compress(raw) + deflater.flush()
    assert extract_section_paragraphs(zlib.decompress(compressed, -15)) == [
        "충북 창업\t지원\n둘째 줄",
        "표 셀 내용",
        "😀 이모지 끝",
    ]


def test_hwp_file_header_flags():
    header = _hwp_file_header(compressed=True, password=True)
    parsed = parse_file_header(header)
    assert parsed.version == (5, 0, 3, 0)
    assert parsed.compressed and parsed.password and not parsed.distribution
    with pytest.raises(ValueError):
        parse_file_header(b"Not HWP" + b"\x00" * 250)


# -- a minimal OLE2 / CFB writer, so we can build real .hwp containers in the tests ------

_ENDOFCHAIN, _FREESECT, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _build_cfb(streams: dict[str, bytes]) -> bytes:
    """Write a version-3 compound file; every stream (< 4096 bytes) lives in the mini stream."""
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "kids": [], "data": b""}]
    index = {"": 0}
    for full, data in streams.items():
        assert 0 < len(data) < 4096
        parts = full.split("/")
        parent = 0
        for depth, part in enumerate(parts):
            key = "/".join(parts[: depth + 1])
            if key not in index:
                is_stream = depth == len(parts) - 1
                index[key] = len(entries)
                entries.append(
                    {"name": part, "type": 2 if is_stream else 1, "kids": [], "data": data}
                )
                entries[parent]["kids"].append(index[key])
            parent = index[key]

    mini = bytearray()
    minifat: list[int] = []
    for entry in entries:
        if entry["type"] != 2:
            continue
        count = -(-len(entry["data"]) // 64)
        entry["start"] = len(minifat)
        minifat.extend(len(minifat) + k + 1 for k in range(count - 1))
        minifat.append(_ENDOFCHAIN)
        mini += entry["data"].ljust(count * 64, b"\x00")

    def sectors(n_bytes: int) -> int:
        return max(1, -(-n_bytes // 512))

    n_dir, n_minifat, n_mini = (
        sectors(len(entries) * 128),
        sectors(len(minifat) * 4),
        sectors(len(mini)),
    )
    dir_start, minifat_start = 1, 1 + n_dir
    mini_start = minifat_start + n_minifat
    fat = [_FATSECT]
    for start, count in ((dir_start, n_dir), (minifat_start, n_minifat), (mini_start, n_mini)):
        fat.extend(start + k + 1 for k in range(count - 1))
        fat.append(_ENDOFCHAIN)
    assert len(fat) <= 128
    fat.extend([_FREESECT] * (128 - len(fat)))

    for entry in entries:  # siblings as a right-leaning chain
        entry.setdefault("left", _NOSTREAM)
        entry.setdefault("right", _NOSTREAM)
        kids = entry["kids"]
        entry["child"] = kids[0] if kids else _NOSTREAM
        for a, b in itertools.pairwise(kids):
            entries[a]["right"] = b
    entries[0]["start"], entries[0]["size"] = mini_start, len(mini)

    directory = bytearray()
    for entry in entries:
        name = entry["name"].encode("utf-16-le") + b"\x00\x00"
        is_stream = entry["type"] == 2
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name),
            entry["type"],
            1,
            entry["left"],
            entry["right"],
            entry["child"],
            b"\x00" * 16,
            0,
            0,
            0,
            entry.get("start", 0) if entry["type"] != 1 else 0,
            len(entry["data"]) if is_stream else entry.get("size", 0),
        )
    empty = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, *([_NOSTREAM] * 3), b"", 0, 0, 0, 0, 0)
    while len(directory) % 512:
        directory += empty

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\x00" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\x00" * 6,
        0,
        1,
        dir_start,
        0,
        4096,
        minifat_start,
        n_minifat,
        _ENDOFCHAIN,
        0,
    )
    header += struct.pack("<109I", 0, *([_FREESECT] * 108))

    def pad(b: bytes, n: int) -> bytes:
        return bytes(b).ljust(n * 512, b"\x00")

    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat)
    minifat_bytes += b"\xff" * (n_minifat * 512 - len(minifat_bytes))
    return (
        header
        + struct.pack("<128I", *fat)
        + pad(directory, n_dir)
        + minifat_bytes
        + pad(mini, n_mini)
    )


def _hwp_file_header(*, compressed: bool = True, password: bool = False) -> bytes:
    flags = (1 if compressed else 0) | (2 if password else 0)
    return (b"HWP Document File".ljust(32, b"\x00") + struct.pack("<II", 0x05000300, flags)).ljust(
        256, b"\x00"
    )


def _deflate(data: bytes) -> bytes:
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    return deflater.compress(data) + deflater.flush()


def test_hwp_full_ole_document(tmp_path):
    second = _record(HWPTAG_PARA_TEXT, _para_text_payload("두 번째 구역", (13,)))
    data = _build_cfb(
        {
            "FileHeader": _hwp_file_header(compressed=True),
            "DocInfo": _deflate(_record(0x10, b"\x01\x00" * 10)),
            "BodyText/Section0": _deflate(_section_stream()),
            "BodyText/Section1": _deflate(second),
        }
    )
    doc = load_document(_write(tmp_path / "사업공고.hwp", data))
    assert doc.format == "hwp"
    assert doc.text == "충북 창업\t지원\n둘째 줄\n\n표 셀 내용\n\n😀 이모지 끝\n\n두 번째 구역"
    assert doc.title == "충북 창업 지원"  # first line (whitespace collapsed), no summary info
    assert doc.metadata["section_count"] == 2
    assert doc.metadata["hwp_version"] == "5.0.3.0"


def test_hwp_uncompressed_ole_document(tmp_path):
    body = _record(HWPTAG_PARA_TEXT, _para_text_payload("압축 안 된 문서", (13,)))
    data = _build_cfb({"FileHeader": _hwp_file_header(compressed=False), "BodyText/Section0": body})
    doc = load_document(_write(tmp_path / "plain.HWP", data))
    assert doc.text == "압축 안 된 문서"


def test_hwp_password_flag_is_encrypted(tmp_path):
    data = _build_cfb(
        {
            "FileHeader": _hwp_file_header(password=True),
            "BodyText/Section0": os.urandom(100),
        }
    )
    with pytest.raises(EncryptedDocumentError) as info:
        load_document(_write(tmp_path / "locked.hwp", data))
    assert "HWPX" in info.value.reason and "PDF" in info.value.reason


def test_hwp_garbage_section_stream(tmp_path):
    data = _build_cfb(
        {"FileHeader": _hwp_file_header(compressed=True), "BodyText/Section0": b"\x01" * 40}
    )
    with pytest.raises(LoaderError) as info:
        load_document(_write(tmp_path / "broken.hwp", data))
    assert "'HWPX' 또는 'PDF'로 저장" in info.value.reason
    assert info.value.__cause__ is not None


def test_hwp_non_ole_file(tmp_path):
    path = _write(tmp_path / "fake.hwp", "이건 HWP가 아닌 텍스트".encode())
    with pytest.raises(LoaderError) as info:
        load_document(path)
    assert not isinstance(info.value, EncryptedDocumentError)
    assert info.value.reason == (
        "한글(HWP) 문서를 읽지 못했습니다. 한글에서 'HWPX' 또는 'PDF'로 저장한 뒤 다시 넣어 주세요."
    )


def test_hwp_ole_without_file_header(tmp_path):
    data = _build_cfb({"WordDocument": b"\x00" * 100})
    with pytest.raises(LoaderError) as info:
        load_document(_write(tmp_path / "word97.hwp", data))
    assert "HWPX" in info.value.reason
