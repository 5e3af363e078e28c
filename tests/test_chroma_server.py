"""Chroma as a server (`chroma run`, the scale-out setting) on loopback: ingest and search."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ingest.pipeline import Ingestor
from knowledge.base import KnowledgeBase
from tests.conftest import make_settings
from tests.helpers import free_port


@pytest.fixture
def chroma_server(tmp_path: Path):
    chroma = Path(sys.executable).parent / "chroma"
    port = free_port()
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server-db"), "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).is_success:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise AssertionError("chroma run did not start within 30 s")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_ingest_and_search_through_a_chroma_server(chroma_server: int, tmp_path: Path,
                                                    analyzer) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "export.md").write_text(
        "---\ntitle: 수출바우처\ncategory: marketing-export\n---\n# 수출바우처\n\n## 신청\n"
        "수출바우처는 수출지원기반활용사업 누리집(www.exportvoucher.com)에서 신청한다.\n",
        encoding="utf-8")
    settings = make_settings(tmp_path / "data", docs, chroma_mode="http",
                             chroma_host="127.0.0.1", chroma_port=chroma_server)
    kb = KnowledgeBase(settings, analyzer=analyzer)
    report = Ingestor(kb).run()
    assert report.ok and report.counts["added"] == 1
    assert not (tmp_path / "data" / "chroma").exists()  # nothing stored locally
    hits = kb.searcher().search("수출바우처 신청 사이트", 3).hits
    assert hits and "exportvoucher" in hits[0].chunk.text
    # a second client (another bot process) sees the same index
    other = KnowledgeBase(settings, analyzer=analyzer)
    assert other.store.open().count() == kb.store.count()


def test_a_rebuild_with_a_server_fills_a_new_collection_while_readers_keep_the_old(
        chroma_server: int, tmp_path: Path, analyzer) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "tips.md").write_text(
        "---\ntitle: 팁스\n---\n# 팁스\n\n## 지원\n팁스 일반트랙 R&D는 최대 5억원을 지원한다.\n",
        encoding="utf-8")
    settings = make_settings(tmp_path / "data", docs, chroma_mode="http",
                             chroma_host="127.0.0.1", chroma_port=chroma_server,
                             keep_snapshots=1, snapshot_grace_seconds=0)
    writer_kb = KnowledgeBase(settings, analyzer=analyzer)
    assert Ingestor(writer_kb).run().ok
    reader = KnowledgeBase(settings, analyzer=analyzer)
    before = reader.current().state
    served = before.collection
    during: list[int] = []

    def while_rebuilding(done: int, total: int, name: str) -> None:
        # the writer has started filling a new, empty collection: readers still answer
        reader.refresh()
        during.append(len(reader.searcher().search("팁스 지원 금액", 3).hits))

    assert Ingestor(writer_kb, progress=while_rebuilding).run(rebuild=True).ok
    assert during and all(during)
    reader.refresh()
    after = reader.current().state
    assert after.collection != served and after.snapshot != before.snapshot
    assert "5억원" in reader.searcher().search("팁스 지원 금액", 3).hits[0].chunk.text
    names = {c if isinstance(c, str) else c.name for c in reader.store.client.list_collections()}
    assert served not in names, "the old collection is dropped once no snapshot uses it"
