"""Two real processes: a long-lived reader (as `serve` is) keeps answering while `startupbot
ingest` runs in another process, and finds the new document within seconds, with no error.

Run on the default embedded Chroma and against a `chroma run` server.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_chroma_server import chroma_server  # noqa: F401  (fixture)
from tests.test_ingest import small_corpus, write_doc

READER = r"""
import json, sys, time
from knowledge.base import KnowledgeBase
from bot.settings import Settings

kb = KnowledgeBase(Settings())
word, seconds = sys.argv[1], float(sys.argv[2])
deadline = time.monotonic() + seconds
found_since = None
while time.monotonic() < deadline:
    row = {"t": time.time(), "found": False, "error": None}
    try:
        hits = kb.searcher().search(word + " 연구소 위치", 3).hits
        row["found"] = any(word in h.chunk.text for h in hits)
        row["snapshot"] = kb.current().state.snapshot
    except Exception as exc:  # the test counts these: there must be none
        row["error"] = f"{type(exc).__name__}: {exc}"[:300]
    print(json.dumps(row, ensure_ascii=False), flush=True)
    if row["found"]:
        found_since = found_since or time.monotonic()
        if time.monotonic() - found_since > 1.5:
            break
    time.sleep(0.1)
"""

NEW_WORD = "쿼카바이오"


def _env(data: Path, docs: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STARTUPBOT_")}
    env.update({"STARTUPBOT_DATA_DIR": str(data), "STARTUPBOT_DOCUMENTS_DIR": str(docs),
                "STARTUPBOT_READER_CHECK_SECONDS": "0.5", "STARTUPBOT_LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(Path(__file__).resolve().parents[1]), **extra})
    return env


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.md5(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _run_scenario(tmp_path: Path, env: dict[str, str]) -> None:
    docs = Path(env["STARTUPBOT_DOCUMENTS_DIR"])
    first = subprocess.run([sys.executable, "-m", "bot.cli", "ingest", "--json"], env=env,
                           capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr[-2000:]
    data = Path(env["STARTUPBOT_DATA_DIR"])
    snapshot = json.loads((data / "knowledge" / "CURRENT").read_text())["snapshot"]
    keyword_before = _digest(data / "knowledge" / "snapshots" / snapshot / "keyword")

    reader = subprocess.Popen([sys.executable, "-c", READER, NEW_WORD, "120"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    rows: list[dict] = []
    try:
        assert reader.stdout is not None
        while not rows:  # the reader has opened the first snapshot and answers
            line = reader.stdout.readline()
            assert line, reader.stderr.read() if reader.stderr else "reader died"
            rows.append(json.loads(line))
        assert rows[0]["error"] is None, rows[0]
        assert not rows[0]["found"]

        # staff add a document and change another (same chunk count, new ids) in a second
        # process while the reader keeps answering
        write_doc(docs, "bio.md", "바이오 연구소", {
            "위치": f"{NEW_WORD} 연구소는 오송 첨단의료복합단지에 있다. 입주 기업을 돕는다.",
        })
        write_doc(docs, "fund.md", "충북 펀드", {
            "노마드 펀드": "충북 창업 노마드 혁신 펀드는 도내 초기기업에 2026년에도 투자한다.",
        }, category="investment")
        ingest = subprocess.run([sys.executable, "-m", "bot.cli", "ingest", "--json"], env=env,
                                capture_output=True, text=True, timeout=600)
        ingest_done = time.time()
        assert ingest.returncode == 0, ingest.stderr[-2000:]
        assert json.loads(ingest.stdout)["counts"]["added"] == 1

        for line in reader.stdout:
            rows.append(json.loads(line))
        reader.wait(timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
    errors = [r for r in rows if r["error"]]
    assert not errors, errors[:3]
    seen = [r for r in rows if r["found"]]
    assert seen, f"the reader never found the new document ({len(rows)} searches)"
    assert seen[0]["t"] - ingest_done < 5.0, "new document seen more than 5 s after ingest"
    # the reader moved to the new snapshot (with a chroma server the new vectors can show up
    # a little earlier, straight from the server)
    assert rows[-1]["snapshot"] != snapshot
    # the reader never wrote into the snapshot it read
    assert _digest(data / "knowledge" / "snapshots" / snapshot / "keyword") == keyword_before


def test_embedded_reader_follows_an_ingest_in_another_process(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    _run_scenario(tmp_path, _env(tmp_path / "data", docs))


def test_reader_follows_an_ingest_through_a_chroma_server(tmp_path: Path,
                                                          chroma_server: int) -> None:  # noqa: F811
    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    _run_scenario(tmp_path, _env(tmp_path / "data", docs, STARTUPBOT_CHROMA_MODE="http",
                                 STARTUPBOT_CHROMA_HOST="127.0.0.1",
                                 STARTUPBOT_CHROMA_PORT=str(chroma_server)))


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_an_interrupted_ingest_publishes_what_it_finished(tmp_path: Path,
                                                          signal_name: str) -> None:
    """SIGTERM is handled like Ctrl-C: finished documents are published, the run says so."""
    import signal

    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(40):
        write_doc(docs, f"doc{n:02d}.md", f"문서 {n}", {
            "내용": f"문서 {n}번은 충북 창업 지원 사례 {n}을 설명한다. " * 8})
    env = _env(tmp_path / "data", docs)
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "ingest", "--json"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    manifest = tmp_path / "data" / "knowledge" / "work" / "manifest.json"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if manifest.exists() and len(json.loads(manifest.read_text())["files"]) >= 2:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "ingest finished before it could be interrupted"
    proc.send_signal(getattr(signal, signal_name))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-2000:]
    assert "중단" in err
    current = json.loads((tmp_path / "data" / "knowledge" / "CURRENT").read_text())
    assert 2 <= current["documents"] < 40
    # and the next run finishes the rest without redoing the published ones
    again = subprocess.run([sys.executable, "-m", "bot.cli", "ingest", "--json"], env=env,
                           capture_output=True, text=True, timeout=600)
    report = json.loads(again.stdout)
    assert report["counts"]["unchanged"] >= current["documents"]
    assert report["counts"]["added"] + report["counts"]["unchanged"] == 40


def test_two_first_run_asks_at_once_both_answer(tmp_path: Path) -> None:
    """With no index, two `ask` start together: one ingests, the other waits for it (the
    writer lock) and then answers; neither dies with a lock traceback."""
    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    env = _env(tmp_path / "data", docs)
    procs = [subprocess.Popen([sys.executable, "-m", "bot.cli", "ask", "--json",
                               "팁스 일반트랙은 최대 얼마를 지원했나요?"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [(p.wait(timeout=600), *p.communicate()) for p in procs]
    for code, out, err in results:
        assert code == 0, err[-2000:]
        assert "Traceback" not in err
        answer = json.loads(out)
        assert "5억원" in answer["answer"], answer["answer"]
    current = json.loads((tmp_path / "data" / "knowledge" / "CURRENT").read_text())
    assert current["documents"] == 3  # ingested once, not twice over
