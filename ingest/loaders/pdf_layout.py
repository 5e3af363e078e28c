"""Words of one PDF page (from pdfplumber) -> lines in reading order, paragraphs, headings.

Hand-written on top of pdfplumber's words because announcements mix one- and two-column
parts and Korean wraps inside words, which neither pypdf nor pdfplumber's own text
extraction handles:

* **Columns**: a vertical gap in the middle third of the page that no word crosses
  splits the page into two columns.  Lines crossing the gap (titles, full-width
  paragraphs) separate bands; within a band the left column is read before the right.
* **Line joins**: lines of a paragraph are joined with a space, except when the previous
  line runs to the column's right edge and the wrap cut a word: Hangul after a Hangul
  syllable that does not end words (particles and endings such as 은/는/을/를/다, 하기 do:
  "스타" + "일" -> "스타일"), a digit or Hangul after a digit ("3,0" + "00만원", "2024" +
  "년"), or punctuation at the start of the next line.  This is a lexical heuristic: it
  joins a few real word boundaries ("일정|비율") and the benchmark measures it.
* **Paragraphs**: a vertical gap clearly larger than the usual gap between the lines of
  the page (by 0.4 line heights) starts a new paragraph; so does a new column.
* **Headings**: a line whose font is clearly larger than the body font (the most common
  size by characters) is a heading candidate; junk candidates (fewer than two letters,
  mostly punctuation) are dropped.  Distinct heading sizes map to levels 1-3.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LETTER = re.compile(r"[A-Za-z\uac00-\ud7a3\u3131-\u318e\u4e00-\u9fff]")
# Syllables that commonly end a Korean word (particles, verb endings): a wrap after one of
# these is a word boundary, so the space is kept.
_WORD_FINAL = frozenset(
    "은는이가을를에의로와과도만서고며다요음함됨임한할된될던든면게께나및등해져죠"
)
_WORD_FINAL_PAIRS = frozenset({"하기", "되기", "시기", "려면", "지만"})
_DIGIT = re.compile(r"[0-9]")
_NO_SPACE_BEFORE = frozenset(".,)]}」』%·:;?!~")
_HEADING_RATIO = 1.15


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    column: tuple[float, float]  # x range of the column the line belongs to
    heading_level: int | None = None
    chars: int = 0


@dataclass
class Region:
    """Something placed in the reading flow of a page: text lines or a rendered table."""

    top: float
    lines: list[Line] = field(default_factory=list)
    block: str = ""  # a rendered table


def _sorted_words(words: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(words, key=lambda w: (w["top"], w["x0"]))


def _lines_of(words: list[dict[str, Any]], column: tuple[float, float]) -> list[Line]:
    """Cluster words into lines (by vertical overlap), each line's words ordered by x."""
    rows: list[list[dict[str, Any]]] = []
    for word in _sorted_words(words):
        size = float(word.get("size") or 0.0)
        if rows and abs(word["top"] - rows[-1][0]["top"]) <= max(2.0, 0.5 * size):
            rows[-1].append(word)
        else:
            rows.append([word])
    lines = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        lines.append(Line(
            text=" ".join(w["text"] for w in row), x0=min(w["x0"] for w in row),
            x1=max(w["x1"] for w in row), top=min(w["top"] for w in row),
            bottom=max(w["bottom"] for w in row),
            size=statistics.median(float(w.get("size") or 0.0) for w in row),
            column=column, chars=sum(len(w["text"]) for w in row)))
    return lines


def _column_gap(words: list[dict[str, Any]], width: float) -> float | None:
    """x of a vertical gap in the middle third that splits the body words into two columns.

    Counts, for every x, the words covering it; the longest stretch covered at most once
    more than the least covered x wins (a title's words may cross it), if both sides hold
    text.
    """
    body = [w for w in words if (w["x1"] - w["x0"]) < 0.45 * width]
    if len(body) < 8:
        return None
    covered = [0] * (int(width) + 2)
    for w in body:
        for x in range(max(0, int(w["x0"])), min(len(covered), int(w["x1"]) + 1)):
            covered[x] += 1
    lo, hi = int(width / 3), int(2 * width / 3)
    least = min(covered[lo : hi + 1])
    if least > max(2, int(0.05 * len(body))):  # more than a title's words cross everywhere
        return None
    allowed = least + 1  # a title's word may cover part of the gap, a gap between words not
    runs: list[tuple[int, int]] = []
    start = None
    for x in range(lo, hi + 2):
        if x <= hi and covered[x] <= allowed:
            start = x if start is None else start
        elif start is not None:
            runs.append((start, x))
            start = None
    a, b = max(runs, key=lambda r: r[1] - r[0])
    if b - a < 6:
        return None
    gap = (a + b) / 2
    left = sum(1 for w in body if w["x1"] <= gap)
    right = sum(1 for w in body if w["x0"] >= gap)
    if left < 4 or right < 4:
        return None
    return gap


def page_lines(words: list[dict[str, Any]], width: float) -> list[Line]:
    """Lines of a page in reading order (columns handled as described above)."""
    if not words:
        return []
    gap = _column_gap(words, width)
    if gap is None:
        return _with_edges(_lines_of(words, (0.0, width)))
    crossing = [w for w in words if w["x0"] < gap < w["x1"]]

    def on_crossing_line(w: dict[str, Any]) -> bool:  # a title split at the gap stays whole
        return any(w["top"] < c["bottom"] and c["top"] < w["bottom"] for c in crossing)

    spanning = [w for w in words if on_crossing_line(w)]
    span_lines = _lines_of(spanning, (0.0, width)) if spanning else []
    rest = [w for w in words if not on_crossing_line(w)]
    out: list[Line] = []
    bounds = [line.top for line in span_lines] + [float("inf")]
    previous = float("-inf")
    for index, bound in enumerate(bounds):
        band = [w for w in rest if previous <= w["top"] < bound]
        left = [w for w in band if w["x1"] <= gap]
        right = [w for w in band if w["x1"] > gap]
        out.extend(_lines_of(left, (0.0, gap)))
        out.extend(_lines_of(right, (gap, width)))
        if index < len(span_lines):
            out.append(span_lines[index])
            previous = span_lines[index].bottom
    return _with_edges(out)


def _with_edges(lines: list[Line]) -> list[Line]:
    """Replace each column's nominal x range by the range its body text really uses.

    The right edge of the text is where a wrapped line ends, whatever the page margins; it is
    taken per font size (a wide title does not move the body's edge) as the second-largest
    line end, and only when at least three lines share it: with fewer lines, there is no
    evidence of wrapping and the edge is unknown (infinite), so no word is joined.
    """
    groups: dict[tuple[tuple[float, float], float], list[Line]] = {}
    for line in lines:
        groups.setdefault((line.column, round(line.size)), []).append(line)
    for group in groups.values():
        ends = sorted((line.x1 for line in group), reverse=True)
        left = min(line.x0 for line in group)
        right = ends[1] if len(ends) >= 3 else float("inf")
        for line in group:
            line.column = (left, right)
    return lines


def body_size(lines: list[Line]) -> float:
    counts: Counter[float] = Counter()
    for line in lines:
        counts[round(line.size, 1)] += line.chars
    return counts.most_common(1)[0][0] if counts else 0.0


def is_junk_heading(text: str) -> bool:
    """Headings that are punctuation, symbols or a single letter say nothing."""
    letters = _LETTER.findall(text)
    if len(letters) < 2:
        return True
    return len(letters) < 0.5 * len(text.replace(" ", ""))


def assign_heading_levels(all_lines: list[Line], *, max_chars: int = 80) -> int:
    """Mark heading lines (font clearly larger than the body) with levels; return how many."""
    base = body_size(all_lines)
    if base <= 0:
        return 0
    sizes = sorted({round(line.size, 1) for line in all_lines
                    if line.size >= base * _HEADING_RATIO}, reverse=True)[:3]
    found = 0
    prev: Line | None = None
    for line in all_lines:
        size = round(line.size, 1)
        if size in sizes and len(line.text) <= max_chars:
            continues = (prev is not None and prev.heading_level is not None
                         and round(prev.size, 1) == size
                         and 0 <= line.top - prev.bottom < 0.6 * line.size)
            if continues or not is_junk_heading(line.text):  # "(2023)" wrapped: "3)" stays
                line.heading_level = sizes.index(size) + 1
                found += 0 if continues else 1
        prev = line
    return found


def _wrap_cuts_word(prev: Line, nxt: Line, *, wrapped: bool = False) -> bool:
    """True when the wrap between *prev* and *nxt* cut a word (join without a space).

    *wrapped*: the caller knows the lines are one wrapped unit (a two-line heading), so the
    line's reach to the column edge is not checked.
    """
    if not prev.text or not nxt.text:
        return False
    if not wrapped:
        if prev.column[1] == float("inf"):  # no evidence of wrapping (see _with_edges)
            return False
        char_width = (prev.x1 - prev.x0) / max(1, len(prev.text))
        width = prev.column[1] - prev.column[0]
        if prev.column[1] - prev.x1 > max(3 * char_width, 0.08 * width):
            return False  # the line ends short of the edge: a real line end
    last, first = prev.text[-1], nxt.text[0]
    if first in _NO_SPACE_BEFORE:
        return True  # punctuation never starts a word
    if _DIGIT.match(last) or last == ",":
        return bool(_DIGIT.match(first) or _HANGUL.match(first))  # 3,0|00 / 2024|년 / 10|개
    if not (_HANGUL.match(last) and _HANGUL.match(first)):
        return False
    return last not in _WORD_FINAL and prev.text[-2:] not in _WORD_FINAL_PAIRS


def paragraphs(lines: list[Line]) -> list[tuple[int | None, str]]:
    """(heading level or None, text) blocks from lines in reading order."""
    out: list[tuple[int | None, str]] = []
    current = ""
    prev: Line | None = None
    gaps = sorted(b.top - a.bottom for a, b in itertools.pairwise(lines)
                  if abs(a.column[0] - b.column[0]) < 1 and b.top > a.bottom - 1)
    usual = gaps[len(gaps) // 4] if gaps else 0.0  # most line pairs are inside paragraphs

    def flush() -> None:
        nonlocal current
        if current.strip():
            out.append((None, current.strip()))
        current = ""

    last_heading: Line | None = None
    for line in lines:
        if line.heading_level is not None:
            flush()
            if (last_heading is not None and out and out[-1][0] == line.heading_level
                    and 0 <= line.top - last_heading.bottom < 0.6 * line.size):
                # a heading wrapped over two lines is one heading
                joiner = "" if _wrap_cuts_word(last_heading, line, wrapped=True) else " "
                out[-1] = (line.heading_level, out[-1][1] + joiner + line.text)
            else:
                out.append((line.heading_level, line.text))
            last_heading = line
            prev = None
            continue
        last_heading = None
        if prev is not None:
            height = max(1.0, prev.bottom - prev.top)
            new_column = (abs(line.column[0] - prev.column[0]) > 2 * height
                          or line.top < prev.top - height)
            gap = line.top - prev.bottom
            if new_column and _wrap_cuts_word(prev, line):  # a word cut at the column's end
                current += line.text
                prev = line
                continue
            if new_column or (gap > usual + 0.4 * height and gap > 0.2 * height):
                flush()
            elif _wrap_cuts_word(prev, line):
                current += line.text
                prev = line
                continue
            else:
                current += " "
        current += line.text
        prev = line
    flush()
    return out
