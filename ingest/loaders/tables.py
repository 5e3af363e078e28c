"""Tables -> text blocks whose rows can be retrieved and cited one by one.

Support calls keep their amounts, deadlines and eligibility in tables, so a row must survive
as a fact *with its header*.  Every loader (HWP, HWPX, DOCX, PDF) builds a grid of cell texts
(merged cells repeated over the rows/columns they span) and renders it with
:func:`render_table` as one paragraph::

    [표 2] 지원 내용
    - [2행] 구분: 예비창업자 · 지원금액: 최대 1억원 · 신청기간: 3월 4일까지
    - [3행] 구분: 초기창업자 · 지원금액: 최대 3억원 · 신청기간: 상시

The first line (``TABLE_LINE_RE``) opens the block; the chunker makes it a section of its
own ("지원 내용 > 표 2") so that a citation can say "표 2" and the quoted row says "3행".
Rows are numbered as a person counts them in the original (the header row is 1행).

Header detection is a heuristic: the first row is a header when the table has at least two
rows and two columns and every first-row cell is short, non-empty and free of digits.
Otherwise, when every first-column cell is short, rows read "key: value" (the usual
two-column 사업 개요 table).
Otherwise cells are joined with " · ".  One-cell tables (boxes around a paragraph) are plain
paragraphs.
"""

from __future__ import annotations

import re

from .base import collapse_ws

TABLE_LINE_RE = re.compile(r"^\[표 (\d+)\](?: (.*))?$")
ROW_PREFIX_RE = re.compile(r"^- \[(\d+)행\] ")
_MAX_HEADER_CELL = 30
_SEP = " · "
_DIGIT_RE = re.compile(r"\d")


def _clean(cell: str) -> str:
    # a cell is one line in the output: no line breaks, no pipes that look like Markdown
    return collapse_ws(cell.replace("\n", " "))


def normalise_grid(rows: list[list[str]]) -> list[list[str]]:
    """Clean cells, pad rows to the same width, drop empty rows and empty columns."""
    grid = [[_clean(c or "") for c in row] for row in rows]
    grid = [row for row in grid if any(row)]
    if not grid:
        return []
    width = max(len(row) for row in grid)
    grid = [row + [""] * (width - len(row)) for row in grid]
    keep = [j for j in range(width) if any(row[j] for row in grid)]
    return [[row[j] for j in keep] for row in grid]


def _dedupe(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop repeats produced by horizontally merged cells (same header and same value)."""
    out: list[tuple[str, str]] = []
    for pair in pairs:
        if out and out[-1] == pair:
            continue
        out.append(pair)
    return out


def _header_like(cells: list[str]) -> bool:
    """Short, non-empty and without digits (amounts, dates and codes are data, not headers)."""
    return all(0 < len(c) <= _MAX_HEADER_CELL and not _DIGIT_RE.search(c) for c in cells)


def render_table(rows: list[list[str]], number: int, caption: str = "") -> str:
    """Render a grid (list of rows of cell texts) as a table block (see module docstring).

    Returns "" for an empty grid and plain paragraphs for a one-cell table.  *number* is the
    table's number in its document (1-based).
    """
    grid = normalise_grid(rows)
    if not grid:
        return ""
    width = len(grid[0])
    if width == 1 and len(grid) == 1:
        return grid[0][0]
    caption = _clean(caption)
    lines = [f"[표 {number}]" + (f" {caption}" if caption else "")]
    header: list[str] | None = None
    if len(grid) >= 2 and width >= 2 and _header_like(grid[0]):
        header = grid[0]
    if header is not None:
        for index, row in enumerate(grid[1:], start=2):
            if row == header:  # header repeated on a following page
                continue
            pairs = _dedupe([(h, v) for h, v in zip(header, row, strict=True) if v])
            parts = [f"{h}: {v}" if h and h != v else v for h, v in pairs]
            lines.append(f"- [{index}행] " + _SEP.join(parts))
    elif width >= 2 and all(len(row[0]) <= _MAX_HEADER_CELL for row in grid):
        for index, row in enumerate(grid, start=1):
            values = []
            for value in row[1:]:
                if value and (not values or values[-1] != value) and value != row[0]:
                    values.append(value)
            text = _SEP.join(values)
            if row[0] and text:
                lines.append(f"- [{index}행] {row[0]}: {text}")
            else:
                lines.append(f"- [{index}행] {row[0] or text}")
    else:
        for index, row in enumerate(grid, start=1):
            values: list[str] = []
            for value in row:
                if value and (not values or values[-1] != value):
                    values.append(value)
            lines.append(f"- [{index}행] " + _SEP.join(values))
    return "\n".join(lines)


class TableCounter:
    """Numbers the tables of one document in reading order."""

    def __init__(self) -> None:
        self.count = 0
        self.cells = 0

    def render(self, rows: list[list[str]], caption: str = "") -> str:
        grid = normalise_grid(rows)
        if not grid:
            return ""
        if len(grid) == 1 and len(grid[0]) == 1:
            return grid[0][0]
        self.count += 1
        self.cells += sum(1 for row in grid for c in row if c)
        return render_table(grid, self.count, caption)


def fill_grid(cells: list[tuple[int, int, int, int, str]]) -> list[list[str]]:
    """Grid from (row, col, row_span, col_span, text) cells; spanned positions repeat text."""
    if not cells:
        return []
    height = max(r + max(rs, 1) for r, _c, rs, _cs, _t in cells)
    width = max(c + max(cs, 1) for _r, c, _rs, cs, _t in cells)
    if height * width > 200_000:  # absurd spans in a broken file: keep the anchors only
        height = max(r for r, *_ in cells) + 1
        width = max(c for _r, c, *_ in cells) + 1
        cells = [(r, c, 1, 1, t) for r, c, _rs, _cs, t in cells]
    grid = [[""] * width for _ in range(height)]
    for r, c, rs, cs, text in cells:
        for i in range(r, min(height, r + max(rs, 1))):
            for j in range(c, min(width, c + max(cs, 1))):
                if not grid[i][j]:
                    grid[i][j] = text
    return grid
