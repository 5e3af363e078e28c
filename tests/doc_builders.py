"""Generate realistic Korean announcements (공고문) as DOCX, HWPX, PDF and scanned PDF.

Used by the loader tests and by ``benchmarks/documents`` (which needs the typed text as the
reference for character error rates).  An :class:`Announcement` is rendered the way staff
receive such files: outline headings, tables with a header row (and a merged cell), a
two-column PDF with a ruled table and words cut at line wraps, and a page scanned at 300 dpi.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

FONT_DIR = Path("/usr/share/fonts/truetype/nanum")
FONT = FONT_DIR / "NanumGothic.ttf"
FONT_BOLD = FONT_DIR / "NanumGothicBold.ttf"


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    table: Table | None = None


@dataclass
class Announcement:
    title: str
    sections: list[Section]

    def reference_text(self) -> str:
        """The typed text (title, headings, paragraphs, table cells), one item a line."""
        out = [self.title]
        for section in self.sections:
            out.append(section.heading)
            out.extend(section.paragraphs)
            if section.table:
                out.append(" ".join(section.table.header))
                out.extend(" ".join(row) for row in section.table.rows)
        return "\n".join(out)

    def table_cells(self) -> list[str]:
        return [c for s in self.sections if s.table for row in s.table.rows for c in row if c]


# ------------------------------------------------------------------ DOCX


def to_docx(spec: Announcement, path: Path) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = spec.title
    document.add_paragraph(spec.title, style="Title")
    for section in spec.sections:
        document.add_heading(section.heading, level=1)
        for text in section.paragraphs:
            document.add_paragraph(text)
        if section.table:
            t = section.table
            document.add_paragraph(t.caption)
            table = document.add_table(rows=1 + len(t.rows), cols=len(t.header))
            for j, head in enumerate(t.header):
                table.cell(0, j).text = head
            for i, row in enumerate(t.rows, start=1):
                for j, value in enumerate(row):
                    table.cell(i, j).text = value
    document.save(str(path))
    return path


# ------------------------------------------------------------------ HWPX

_NS = ('xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" '
       'xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph" '
       'xmlns:hh="http://www.hancom.co.kr/hwpml/2011/head"')
_HPF = ('<?xml version="1.0" encoding="UTF-8"?><opf:package xmlns:opf="http://www.idpf.org/2007'
        '/opf/" xmlns:dc="http://purl.org/dc/elements/1.1/"><opf:metadata><opf:title>{title}'
        '</opf:title><opf:meta name="creator" content="text">충북창조경제혁신센터</opf:meta>'
        '</opf:metadata><opf:manifest><opf:item id="header" href="Contents/header.xml" '
        'media-type="application/xml"/><opf:item id="section0" href="Contents/section0.xml" '
        'media-type="application/xml"/></opf:manifest><opf:spine><opf:itemref idref="header" '
        'linear="no"/><opf:itemref idref="section0"/></opf:spine></opf:package>')
_HEADER = (f'<?xml version="1.0" encoding="UTF-8"?><hh:head {_NS}><hh:refList><hh:styles>'
           '<hh:style id="0" type="PARA" name="바탕글" engName="Normal"/>'
           '<hh:style id="2" type="PARA" name="개요 1" engName="Outline 1"/>'
           '</hh:styles></hh:refList></hh:head>')


def _hp(text: str, style: str = "0") -> str:
    return (f'<hp:p paraPrIDRef="0" styleIDRef="{style}"><hp:run charPrIDRef="0">'
            f"<hp:t>{escape(text)}</hp:t></hp:run></hp:p>")


def _hwpx_cell(text: str, row: int, col: int, row_span: int = 1) -> str:
    return ('<hp:tc borderFillIDRef="1"><hp:subList vertAlign="CENTER">'
            f'{_hp(text)}</hp:subList><hp:cellAddr colAddr="{col}" rowAddr="{row}"/>'
            f'<hp:cellSpan colSpan="1" rowSpan="{row_span}"/></hp:tc>')


def _hwpx_table(t: Table) -> str:
    """A table whose first column merges equal neighbouring cells vertically, as staff do."""
    rows = [t.header, *t.rows]
    out = [f'<hp:tbl rowCnt="{len(rows)}" colCnt="{len(t.header)}">'
           f'<hp:caption><hp:subList>{_hp(t.caption)}</hp:subList></hp:caption>']
    for i, row in enumerate(rows):
        out.append("<hp:tr>")
        for j, value in enumerate(row):
            if j == 0 and i > 1 and rows[i - 1][0] == value:
                continue  # covered by the merged cell above
            span = 1
            if j == 0 and i > 0:
                while i + span < len(rows) and rows[i + span][0] == value:
                    span += 1
            out.append(_hwpx_cell(value, i, j, span))
        out.append("</hp:tr>")
    out.append("</hp:tbl>")
    return "".join(out)


def to_hwpx(spec: Announcement, path: Path) -> Path:
    body = [_hp(spec.title)]
    for section in spec.sections:
        body.append(_hp(section.heading, style="2"))
        body.extend(_hp(text) for text in section.paragraphs)
        if section.table:
            body.append('<hp:p paraPrIDRef="0" styleIDRef="0"><hp:run charPrIDRef="0">'
                        f"{_hwpx_table(section.table)}<hp:t/></hp:run></hp:p>")
    xml = f'<?xml version="1.0" encoding="UTF-8"?><hs:sec {_NS}>{"".join(body)}</hs:sec>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/hwp+zip", compress_type=zipfile.ZIP_STORED)
        zf.writestr("Contents/content.hpf", _HPF.format(title=escape(spec.title)))
        zf.writestr("Contents/header.xml", _HEADER)
        zf.writestr("Contents/section0.xml", xml)
    return path


# ------------------------------------------------------------------ PDF (two columns)


def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "Nanum" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Nanum", str(FONT)))
        pdfmetrics.registerFont(TTFont("NanumBold", str(FONT_BOLD)))


def char_wrap(text: str, width: float, font: str, size: float) -> list[str]:
    """Wrap by characters, as 한글 does by default: a line may end inside a word."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, current = [], ""
    for ch in text:
        if stringWidth(current + ch, font, size) > width:
            lines.append(current.rstrip())
            current = ch.lstrip()
        else:
            current += ch
    if current.strip():
        lines.append(current.rstrip())
    return lines


def to_pdf(spec: Announcement, path: Path, *, columns: int = 2) -> Path:
    """Title across the page, then the sections in *columns* columns; tables full width."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _register_fonts()
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle(spec.title)
    page_w, page_h = A4
    margin, gutter, body = 50.0, 24.0, 10.0
    col_w = (page_w - 2 * margin - gutter * (columns - 1)) / columns
    y_top = page_h - margin
    c.setFont("NanumBold", 18)
    c.drawString(margin, y_top - 18, spec.title)
    y_start = y_top - 50
    col, y = 0, y_start

    def x() -> float:
        return margin + col * (col_w + gutter)

    def need(height: float) -> None:
        nonlocal col, y, y_start
        if y - height >= margin:
            return
        col += 1
        y = y_start
        if col >= columns:
            c.showPage()
            col, y_start = 0, page_h - margin
            y = y_start

    for section in spec.sections:
        need(40)
        c.setFont("NanumBold", 13)
        for line in char_wrap(section.heading, col_w, "NanumBold", 13):  # stays in its column
            need(18)
            c.drawString(x(), y - 13, line)
            y -= 18
        y -= 6
        for text in section.paragraphs:
            for line in char_wrap(text, col_w, "Nanum", body):
                need(14)
                c.setFont("Nanum", body)
                c.drawString(x(), y - body, line)
                y -= 14
            y -= 8
        if section.table:
            t = section.table
            need(14 + 18 * (len(t.rows) + 1))
            c.setFont("Nanum", body)
            c.drawString(x(), y - body, t.caption)
            y -= 18
            rows = [t.header, *t.rows]
            cell_w = col_w / len(t.header)
            for row in rows:
                for j, value in enumerate(row):
                    cx = x() + j * cell_w
                    c.rect(cx, y - 18, cell_w, 18)
                    c.setFont("Nanum", 8)
                    c.drawString(cx + 3, y - 12, value)
                y -= 18
            y -= 12
    c.save()
    return path


# ------------------------------------------------------------------ scanned page


def render_scan(lines: list[str], *, dpi: int = 300, size_pt: float = 12) -> object:
    """A white A4 page image with *lines* drawn in NanumGothic at *dpi* (PIL image)."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = int(8.27 * dpi), int(11.69 * dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), int(size_pt * dpi / 72))
    y = int(1.0 * dpi)
    for line in lines:
        draw.text((int(0.8 * dpi), y), line, font=font, fill=0)
        y += int(size_pt * 2.0 * dpi / 72)
    return image


def to_scan_pdf(lines: list[str], path: Path, *, dpi: int = 300, stray_text: str = "") -> Path:
    """An image-only PDF page (optionally under a stray, invisible text layer)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = render_scan(lines, dpi=dpi)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    buf.seek(0)
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(buf), 0, 0, width=A4[0], height=A4[1])
    if stray_text:
        c.setFont("Helvetica", 6)
        c.setFillColorRGB(1, 1, 1)
        c.drawString(20, 20, stray_text)
    c.showPage()
    c.save()
    return path


# ------------------------------------------------------------------ a sample announcement


def sample_announcement(n: int = 0) -> Announcement:
    """A realistic 공고문; *n* varies names, amounts and dates so that files differ."""
    year = 2025 + n % 2
    program = ["예비창업패키지", "초기창업패키지", "창업도약패키지", "청년창업사관학교",
               "로컬크리에이터", "재도전성공패키지"][n % 6]
    amount = [1, 2, 3, 5][n % 4]
    return Announcement(
        title=f"{year}년 충북 {program} 예비창업자 모집 공고",
        sections=[
            Section("사업 개요", [
                f"충청북도와 충북창조경제혁신센터는 혁신적인 기술 창업 아이디어를 보유한 예비"
                f"창업자의 사업화를 지원하기 위하여 {year}년 {program} 참여자를 다음과 같이 "
                "모집합니다.",
                "선정된 창업자에게는 사업화 자금과 창업 교육, 전담 멘토링을 함께 제공합니다.",
            ]),
            Section("지원 내용", ["지원 규모와 금액은 아래 표와 같습니다."], Table(
                caption="지원 규모",
                header=["구분", "지원금액", "신청기간"],
                rows=[["예비창업자", f"최대 {amount}억원", f"{year}.3.4.~3.25."],
                      ["예비창업자", "교육비 별도", "상시"],
                      ["초기창업자", f"최대 {amount + 1}억원", f"{year}.4.1.~4.20."]],
            )),
            Section("신청 방법", [
                "신청은 케이스타트업 누리집에서 온라인으로만 접수하며 방문 및 우편 접수는 받지 "
                "않습니다.",
                "문의는 충북창조경제혁신센터 창업지원팀으로 하시기 바랍니다.",
            ]),
        ],
    )
