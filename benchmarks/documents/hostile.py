"""Hostile files for the loaders (zip bombs, huge files) and a probe that reads one in a child.

    python benchmarks/documents/hostile.py [--before <dir with old ingest/>] [--cap-gb 2]

Each case is generated into a temporary folder (nothing is shipped), then read by
``load_document`` in a fresh child process; the child reports its peak RSS (``VmHWM``), the
time taken and the error shown to staff.  ``--before`` runs the same
cases against an older checkout of ``ingest/`` (e.g. ``git worktree`` of the previous
commit), with the child's address space capped at ``--cap-gb`` so that an unbounded
loader fails with MemoryError instead of taking the machine down.
The tests (tests/test_loader_limits.py) use the same generators and probe.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_PROBE = r"""
import json, resource, sys, time
cap = float(sys.argv[2])
if cap > 0:
    limit = int(cap * 1024 ** 3)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
started = time.perf_counter()
error = ""
chars = 0
try:
    from pathlib import Path
    from ingest.loaders import load_document
    doc = load_document(Path(sys.argv[1]))
    chars = len(doc.text)
except MemoryError:
    error = "MemoryError"
except BaseException as exc:
    error = getattr(exc, "reason", None) or f"{type(exc).__name__}: {exc}"
# VmHWM (peak RSS of this address space) rather than ru_maxrss, which Linux carries over
# from the forked parent across exec (a big pytest parent would be counted).
rss = 0.0
with open("/proc/self/status") as fh:
    for line in fh:
        if line.startswith("VmHWM:"):
            rss = int(line.split()[1]) / 1024
print(json.dumps({"rss_mb": round(rss, 1), "seconds": round(time.perf_counter() - started, 2),
                  "error": str(error)[:300], "chars": chars}, ensure_ascii=False))
"""


def probe(path: Path, *, code_root: Path = ROOT, cap_gb: float = 0.0,
          env: dict[str, str] | None = None, timeout: float = 600) -> dict:
    """Read *path* with load_document in a child process; peak RSS, seconds, error."""
    child_env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(code_root),
                 **(env or {})}
    out = subprocess.run([sys.executable, "-c", _PROBE, str(path), str(cap_gb)],
                         capture_output=True, text=True, env=child_env, cwd=str(code_root),
                         timeout=timeout, check=False)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        return {"rss_mb": None, "seconds": None, "error": f"child died: {out.returncode} "
                f"{out.stderr[-300:]}", "chars": 0}
    return json.loads(lines[-1])


# ------------------------------------------------------------------ generators

_DOCX_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_DOCX_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
              'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
              '//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
              'Target="word/document.xml"/></Relationships>')
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _write_streamed(zf: zipfile.ZipFile, name: str, head: bytes, unit: bytes, count: int,
                    tail: bytes) -> None:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w", force_zip64=True) as fh:
        fh.write(head)
        block = unit * 4096
        for _ in range(count // 4096):
            fh.write(block)
        fh.write(unit * (count % 4096))
        fh.write(tail)


def docx_bomb(path: Path, xml_mb: float) -> Path:
    """A DOCX whose document.xml inflates to about *xml_mb* MB of one-syllable paragraphs."""
    unit = "<w:p><w:r><w:t>가</w:t></w:r></w:p>".encode()
    count = int(xml_mb * 1024 * 1024 / len(unit))
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _DOCX_CT)
        zf.writestr("_rels/.rels", _DOCX_RELS)
        _write_streamed(zf, "word/document.xml", head, unit, count, b"</w:body></w:document>")
    return path


_HS = "http://www.hancom.co.kr/hwpml/2011/section"
_HP = "http://www.hancom.co.kr/hwpml/2011/paragraph"


def hwpx_bomb(path: Path, parts: int, part_mb: float) -> Path:
    """An HWPX with *parts* section parts of about *part_mb* MB each (under the per-part cap)."""
    unit = "<hp:p><hp:run><hp:t>가</hp:t></hp:run></hp:p>".encode()
    count = int(part_mb * 1024 * 1024 / len(unit))
    head = f'<hs:sec xmlns:hs="{_HS}" xmlns:hp="{_HP}">'.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("mimetype", "application/hwp+zip")
        for n in range(parts):
            _write_streamed(zf, f"Contents/section{n}.xml", head, unit, count, b"</hs:sec>")
    return path


def text_huge(path: Path, mb: float) -> Path:
    """A plain text file of *mb* MB of Korean lines."""
    line = "충북 창업 지원 공고 본문입니다.\n".encode()
    with path.open("wb") as fh:
        block = line * 8192
        for _ in range(int(mb * 1024 * 1024 / len(block)) + 1):
            fh.write(block)
    return path


def pdf_bomb(path: Path, mb: float) -> Path:
    """A one-page PDF whose content stream inflates to *mb* MB of spaces."""
    import zlib

    comp = zlib.compressobj(9)
    block = b" " * (1024 * 1024)
    data = b"".join(comp.compress(block) for _ in range(int(mb))) + comp.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data
               + b"\nendstream"]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    path.write_bytes(out)
    return path


CASES = {
    "docx-bomb-400MB-xml": lambda d: docx_bomb(d / "bomb.docx", 400),
    "docx-19MB-xml (under the limit)": lambda d: docx_bomb(d / "big.docx", 19),
    "hwpx-8x190MB-parts": lambda d: hwpx_bomb(d / "bomb.hwpx", 8, 190),
    "hwpx-19MB-xml (under the limit)": lambda d: hwpx_bomb(d / "big.hwpx", 1, 19),
    "text-200MB": lambda d: text_huge(d / "huge.txt", 200),
    "pdf-content-stream-800MB": lambda d: pdf_bomb(d / "bomb.pdf", 800),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", type=Path, help="checkout whose ingest/ to run instead")
    parser.add_argument("--cap-gb", type=float, default=0.0)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in CASES.items():
            if args.only and args.only not in name:
                continue
            path = make(Path(tmp))
            size = path.stat().st_size / 1024 / 1024
            result = probe(path, code_root=args.before or ROOT, cap_gb=args.cap_gb)
            result["file_mb"] = round(size, 2)
            results[name] = result
            print(f"{name:34s} file {size:7.2f} MB  rss {result['rss_mb']} MB  "
                  f"{result['seconds']} s  {result['error'][:90]}", flush=True)
            path.unlink()
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
