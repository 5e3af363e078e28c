"""Sync into a real knowledge base: programme documents are ingested, a re-sync re-embeds
nothing, staff documents and curated answers survive, and the engine answers from the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

from bot.engine import build_engine
from knowledge.catalogue.models import Status
from knowledge.clock import Clock
from tests.catalogue_helpers import TODAY, catalogue_settings, sync_once
from tests.fakes import bizinfo_api, kstartup_api
from tests.fakes.bizinfo_api import FakeBizinfo
from tests.fakes.kstartup_api import FakeKStartup


def test_sync_ingests_and_engine_answers(make_kb, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "staff.md").write_text(
        "---\ntitle: 직원 문서\ncategory: organizations\n---\n"
        "# 직원 문서\n\n## 안내\n충북창조경제혁신센터는 청주에 있다.\n",
        encoding="utf-8",
    )
    kb = make_kb(docs, today=TODAY)
    curated = kb.settings.curated_dir
    curated.mkdir(parents=True)
    (curated / "answer-1.md").write_text(
        "---\ntitle: 검토된 답변\ncategory: reviewed-answer\n---\n"
        "# 검토된 답변\n\n## 답변\n센터 상담은 평일에 받는다.\n",
        encoding="utf-8",
    )
    from ingest.pipeline import Ingestor

    assert Ingestor(kb).run().ok
    with (
        FakeKStartup(kstartup_api.make_items(12, TODAY)) as ks,
        FakeBizinfo(bizinfo_api.make_items(6, TODAY)) as bz,
    ):
        config = catalogue_settings(ks, bz)
        report, catalogue = sync_once(kb.settings.data_dir, config, kb=kb)
        assert report.ok, (report.problems, report.ingest_error, report.ingest)
        assert report.ingest["counts"]["added"] == report.documents_written > 0
        sources = {d.source for d in kb.store.open().documents()}
        assert "staff.md" in sources and "curated/answer-1.md" in sources
        assert sum(1 for s in sources if s.startswith("catalogue/")) == catalogue.count()
        assert not any(str(kb.settings.data_dir) in s for s in sources)  # no server paths
        again, _ = sync_once(kb.settings.data_dir, config, kb=kb)
        assert again.documents_written == 0
        assert again.ingest is None or again.ingest["chunks_written"] == 0
        ks.state.items.pop(0)  # vanished: kept, marked, document re-written with a note
        third, _ = sync_once(kb.settings.data_dir, config, kb=kb)
        assert third.changes.vanished and third.ingest["counts"]["updated"] == 1
        assert third.ingest["counts"]["removed"] == 0
    sources = {d.source for d in kb.store.open().documents()}
    assert "staff.md" in sources and "curated/answer-1.md" in sources  # never dropped

    engine = build_engine(kb.settings, kb)
    answer = engine.answer("지금 신청 가능한 예비창업자 지원사업 알려줘")
    clock = Clock(TODAY)
    by_url = {s.programme.url: s.programme for s in catalogue.all()}
    listed = [
        by_url[answer.sources[int(n) - 1].url] for n in re.findall(r"\[(\d+)\]", answer.answer)
    ]
    assert listed and all(p.status(clock) is Status.OPEN for p in listed)
    assert re.search(r"D-(\d+|day)", answer.answer)
    # other questions still go to retrieval over the documents
    other = engine.answer("충북창조경제혁신센터는 어디에 있나요?")
    assert other.sources and other.sources[0].source == "staff.md"
