"""Per-format loader benchmark: text CER, table cells recovered, sections found, speed, OCR CER.

    python benchmarks/documents/bench_documents.py [--hwp5txt /path/to/hwp5txt] \
        [--real-hwp DIR] [--out benchmarks/results/documents.json]

Corpus (listed in benchmarks/documents/README.md):

* 18 generated announcements: 6 variants of ``tests.doc_builders.sample_announcement`` (twice
  the usual sections), each as HWPX, DOCX and a two-column PDF with ruled tables and words cut
  at line wraps.  The reference is the text typed into the generator.
* 4 scanned pages (image-only PDFs rendered at 300 dpi from the same typed text) for OCR.
* Real HWP 5.0 files (default: ``tests/fixtures/hwp``; ``--real-hwp`` for more, e.g. all of
  pyhwp's fixtures), with pyhwp's ``hwp5txt`` output as the reference when ``--hwp5txt`` is
  given (pyhwp is AGPL and is not a dependency: install it in a separate venv).

CER = Levenshtein distance / reference length, on text with whitespace collapsed, headings'
``#`` marks, page headings and table blocks removed (tables are scored as cells instead: a cell
counts as recovered when its row line holds "header: value").  Needs ``rapidfuzz`` (the
``bench`` extra).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from ingest.chunking import Chunker  # noqa: E402
from ingest.loaders import load_document  # noqa: E402
from knowledge.korean import KoreanAnalyzer  # noqa: E402
from tests.doc_builders import (  # noqa: E402
    Announcement,
    char_wrap,
    sample_announcement,
    to_docx,
    to_hwpx,
    to_pdf,
    to_scan_pdf,
)

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ROW = re.compile(r"^- \[(\d+)행\] (.*)$")


def _plain(text: str) -> str:
    """Extracted text without markup: no table blocks, heading marks or page headings."""
    keep = []
    for line in text.split("\n"):
        s = line.strip()
        caption = re.match(r"^\[표 \d+\] (.+)$", s)
        if caption:  # the caption is text; the rows are scored as cells
            keep.append(caption.group(1))
            continue
        if s.startswith("[표 ") or _ROW.match(s) or re.fullmatch(r"#+ p\. \d+( \(OCR\))?", s):
            continue
        keep.append(re.sub(r"^#+ ", "", s))
    return " ".join(" ".join(keep).split())


def cer(reference: str, hypothesis: str) -> float:
    ref, hyp = " ".join(reference.split()), " ".join(hypothesis.split())
    return Levenshtein.distance(ref, hyp) / max(1, len(ref))


def missed(reference: str, hypothesis: str) -> float:
    """Share of reference characters not reproduced (deletions + substitutions only).

    For HWP, where hwp5txt prints tables and text boxes as "<표>"/"<그림>" while we read
    them, the extra text we produce is not an error; what we lose is.
    """
    ref, hyp = " ".join(reference.split()), " ".join(hypothesis.split())
    ops = Levenshtein.editops(ref, hyp)
    return sum(op.tag in ("delete", "replace") for op in ops) / max(1, len(ref))


def _reference_without_tables(spec: Announcement) -> str:
    out = [spec.title]
    for section in spec.sections:
        out.append(section.heading)
        out.extend(section.paragraphs)
        if section.table:
            out.append(section.table.caption)
    return " ".join(" ".join(out).split())


def _cells_recovered(spec: Announcement, text: str) -> tuple[int, int]:
    rows = {}
    block = 0
    for line in text.split("\n"):
        if line.startswith("[표 "):
            block += 1
        m = _ROW.match(line.strip())
        if m:
            rows[(block, int(m.group(1)))] = m.group(2)
    found = total = 0
    tables = [s.table for s in spec.sections if s.table]
    for number, table in enumerate(tables, start=1):
        for i, row in enumerate(table.rows, start=2):
            line = rows.get((number, i), "")
            for head, value in zip(table.header, row, strict=True):
                total += 1
                found += f"{head}: {value}" in line
    return found, total


def _sections_found(spec: Announcement, text: str) -> tuple[int, int]:
    headings = {re.sub(r"^#+ ", "", ln).strip() for ln in text.split("\n") if ln.startswith("#")}
    wanted = [s.heading for s in spec.sections]
    return sum(h in headings for h in wanted), len(wanted)


def spec_from_markdown(path: Path, max_sections: int = 5) -> Announcement:
    """An announcement from a shipped knowledge document (text this benchmark did not write)."""
    from tests.doc_builders import Section

    text = path.read_text(encoding="utf-8")
    title = ""
    m = re.search(r"^title:\s*(.+)$", text, flags=re.M)
    if m:
        title = m.group(1).strip().strip('"')
    body = text.split("\n---\n", 1)[-1] if text.startswith("---") else text
    sections: list[Section] = []
    for line in body.split("\n"):
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        line = re.sub(r"[*_`]+", "", line).strip()
        if line.startswith("## "):
            if len(sections) >= max_sections:
                break
            sections.append(Section(line[3:].strip()))
        elif line and not line.startswith(("#", "|", ">")) and sections:
            sections[-1].paragraphs.append(re.sub(r"^[-*] |^\d+\. ", "", line))
    return Announcement(title=title or path.stem, sections=sections)


def _spec(n: int) -> Announcement:
    spec = sample_announcement(n)
    spec.sections = spec.sections * 2
    return spec


def bench_generated(tmp: Path, analyzer: KoreanAnalyzer, specs: list[Announcement],
                    tag: str) -> dict:
    makers = {"hwpx": to_hwpx, "docx": to_docx, "pdf": to_pdf}
    out = {}
    chunker = Chunker(analyzer)
    for fmt, make in makers.items():
        stats = {"files": 0, "cer": [], "cells": [0, 0], "sections": [0, 0], "seconds": 0.0,
                 "pages": 0, "control_chars": 0}
        for n, spec in enumerate(specs):
            path = make(spec, tmp / f"{tag}-{n}.{fmt}")
            started = time.perf_counter()
            doc = load_document(path)
            stats["seconds"] += time.perf_counter() - started
            stats["files"] += 1
            stats["pages"] += int(doc.metadata.get("page_count", 0) or 0)
            stats["cer"].append(cer(_reference_without_tables(spec), _plain(doc.text)))
            found, total = _cells_recovered(spec, doc.text)
            stats["cells"][0] += found
            stats["cells"][1] += total
            found, total = _sections_found(spec, doc.text)
            stats["sections"][0] += found
            stats["sections"][1] += total
            chunks = chunker.chunk(doc_id="b", title=doc.title, text=doc.text, source="b")
            stats["control_chars"] += bool(CONTROL.search(doc.title)) + sum(
                bool(CONTROL.search(c.text + c.section)) for c in chunks)
        out[f"{fmt} ({tag})"] = _summary(stats)
    return out


def _summary(stats: dict) -> dict:
    cers = stats["cer"]
    result = {
        "files": stats["files"],
        "cer_mean": round(sum(cers) / max(1, len(cers)), 4),
        "cer_max": round(max(cers), 4) if cers else None,
        "seconds": round(stats["seconds"], 2),
        "files_per_s": round(stats["files"] / max(1e-9, stats["seconds"]), 2),
        "control_chars": stats["control_chars"],
    }
    if stats.get("cells") and stats["cells"][1]:
        result["table_cells"] = f"{stats['cells'][0]}/{stats['cells'][1]}"
    if stats.get("sections") and stats["sections"][1]:
        result["sections"] = f"{stats['sections'][0]}/{stats['sections'][1]}"
    if stats.get("pages"):
        result["pages"] = stats["pages"]
        result["pages_per_s"] = round(stats["pages"] / max(1e-9, stats["seconds"]), 2)
    return result


def bench_ocr(tmp: Path) -> dict:
    from tests.doc_builders import _register_fonts

    _register_fonts()
    stats = {"files": 0, "cer": [], "seconds": 0.0, "pages": 0, "control_chars": 0}
    for n in range(4):
        spec = sample_announcement(n)
        lines = [spec.title]
        for section in spec.sections:
            lines.append(section.heading)
            for paragraph in section.paragraphs:
                lines.extend(char_wrap(paragraph, 420, "Nanum", 12))
        path = to_scan_pdf(lines, tmp / f"scan-{n}.pdf", dpi=300)
        started = time.perf_counter()
        doc = load_document(path)
        stats["seconds"] += time.perf_counter() - started
        stats["files"] += 1
        stats["pages"] += 1
        stats["cer"].append(cer(" ".join(lines), _plain(doc.text)))
        stats["control_chars"] += bool(CONTROL.search(doc.text))
    return _summary(stats)


def _hwp5txt_reference(hwp5txt: str, path: Path) -> str | None:
    out = subprocess.run([hwp5txt, str(path)], capture_output=True, text=True, timeout=120,
                         check=False)
    if out.returncode != 0:
        return None
    return " ".join(re.sub(r"<(표|그림|수식|글상자)>", " ", out.stdout).split())


def bench_real_hwp(folder: Path, hwp5txt: str | None) -> dict:
    stats = {"files": 0, "cer": [], "seconds": 0.0, "control_chars": 0, "failed": 0,
             "tables": 0, "table_cells": 0, "with_headings": 0}
    per_file = {}
    for path in sorted(folder.glob("*.hwp")):
        started = time.perf_counter()
        try:
            doc = load_document(path)
        except Exception as exc:
            per_file[path.name] = getattr(exc, "reason", str(exc))[:80]
            stats["failed"] += 1
            continue
        finally:
            stats["seconds"] += time.perf_counter() - started
        stats["files"] += 1
        stats["tables"] += doc.metadata.get("table_count", 0)
        stats["table_cells"] += doc.metadata.get("table_cells", 0)
        stats["with_headings"] += any(
            ln.startswith("#") and not re.match(r"# p\. \d", ln) for ln in doc.text.split("\n"))
        stats["control_chars"] += bool(CONTROL.search(doc.title + doc.text))
        if hwp5txt:
            reference = _hwp5txt_reference(hwp5txt, path)
            if reference is not None:
                # our table cells are compared too: hwp5txt prints them as <표>, so drop ours
                value = cer(reference, _plain(doc.text))
                stats["cer"].append(value)
                stats.setdefault("missed", []).append(missed(reference, _plain(doc.text)))
                per_file[path.name] = {"cer": round(value, 4),
                                       "missed": round(stats["missed"][-1], 4)}
    result = _summary(stats)
    result.update(failed=stats["failed"], tables=stats["tables"],
                  table_cells_read=stats["table_cells"], with_headings=stats["with_headings"],
                  per_file=per_file)
    if stats.get("missed"):
        result["missed_mean"] = round(sum(stats["missed"]) / len(stats["missed"]), 4)
        result["missed_max"] = round(max(stats["missed"]), 4)
    if not hwp5txt:
        result["cer_mean"] = result["cer_max"] = None
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hwp5txt", help="pyhwp's hwp5txt (reference text for HWP)")
    parser.add_argument("--real-hwp", type=Path, default=ROOT / "tests" / "fixtures" / "hwp")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" /
                        "documents.json")
    args = parser.parse_args()
    analyzer = KoreanAnalyzer()
    with tempfile.TemporaryDirectory() as tmp:
        results = bench_generated(Path(tmp), analyzer, [_spec(n) for n in range(6)], "공고")
        shipped = sorted((ROOT / "knowledge" / "documents").glob("*.md"))
        results.update(bench_generated(Path(tmp), analyzer,
                                       [spec_from_markdown(p) for p in shipped], "지식문서"))
        results["pdf-scan-ocr-300dpi"] = bench_ocr(Path(tmp))
    results["hwp-real"] = bench_real_hwp(args.real_hwp, args.hwp5txt)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
