"""What the attack suite broke in ingest, as tests: links out of the folder, keys that depend on
how a path was typed, renames, a full disk, corrupt files, a pickle planted in the data folder,
first questions racing the first index, and a partial index served silently."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from ingest.pipeline import Change, Ingestor
from tests.test_ingest import small_corpus, store_ids, write_doc


def texts(kb) -> list[str]:
    return [m["text"] for m in kb.store.collection.get(include=["metadatas"])["metadatas"]]


def test_links_out_of_the_folder_are_skipped_and_never_indexed(make_kb, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    secret = tmp_path / "outside" / "secret.md"
    secret.parent.mkdir()
    secret.write_text("# 비밀\n\n서버 비밀번호는 hunter2-SECRET 이다.\n", encoding="utf-8")
    (docs / "linked.md").symlink_to(secret)
    (docs / "linked-dir").symlink_to(secret.parent, target_is_directory=True)
    kb = make_kb(docs)
    report = Ingestor(kb).run([docs])
    skipped = {Path(f.source).name: f.reason for f in report.of(Change.SKIPPED)}
    assert set(skipped) == {"linked.md", "linked-dir"}
    assert "링크" in skipped["linked.md"]
    assert report.counts["added"] == 3
    assert not any("hunter2" in t for t in texts(kb))


def test_a_file_gets_the_same_key_however_it_is_named(make_kb, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    kb = make_kb(docs)
    first = Ingestor(kb).run()
    ids = store_ids(kb)
    monkeypatch.chdir(tmp_path)
    for spelling in (Path("docs"), docs.resolve(), Path("docs") / "." / "tips.md",
                     docs / ".." / "docs" / "fund.md"):
        again = Ingestor(kb).run([spelling])
        assert not again.of(Change.ADDED), spelling
        assert store_ids(kb) == ids, f"{spelling} duplicated documents"
    assert {f.source for f in first.files} == {"tips.md", "export.md", "fund.md"}


def test_files_outside_the_knowledge_folder_are_keyed_stably(make_kb, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    extra = tmp_path / "incoming"
    extra.mkdir()
    write_doc(extra, "call.md", "추가 공고", {"개요": "추가 공고는 충북 청년 창업자를 돕는다."})
    kb = make_kb(docs)
    report = Ingestor(kb).run([extra / "call.md"])
    (key,) = [f.source for f in report.of(Change.ADDED)]
    assert key.startswith("external/") and key.endswith("/call.md")
    assert str(tmp_path) not in key  # no server path reaches founders' citations
    again = Ingestor(kb).run([extra])
    assert [f.source for f in again.of(Change.UNCHANGED)] == [key]


def test_a_renamed_file_is_moved_not_duplicated(make_kb, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    kb = make_kb(docs)
    Ingestor(kb).run()
    count = len(store_ids(kb))
    (docs / "sub").mkdir()
    (docs / "tips.md").rename(docs / "sub" / "tips-2024.md")
    report = Ingestor(kb).run()
    assert [f.source for f in report.of(Change.ADDED)] == ["sub/tips-2024.md"]
    assert "이름이 바뀐" in report.of(Change.ADDED)[0].reason
    assert len(store_ids(kb)) == count
    assert sum("R&D 자금을 연계" in t for t in texts(kb)) == 1


def test_a_planted_pickle_is_deleted_unread(make_kb, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    kb = make_kb(docs)
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (Path.touch, (marker,))

    kb.settings.data_dir.mkdir(parents=True)
    (kb.settings.data_dir / "keyword_index.pkl").write_bytes(pickle.dumps(Exploit()))
    assert Ingestor(kb).run().ok
    kb.searcher().search("팁스", 3)
    assert not marker.exists(), "the pickle was loaded"
    assert not (kb.settings.data_dir / "keyword_index.pkl").exists()
    assert not list(kb.settings.data_dir.rglob("*.pkl"))


def test_a_corrupt_manifest_is_restored_from_the_published_snapshot(make_kb,
                                                                     tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    kb = make_kb(docs)
    Ingestor(kb).run()
    kb.settings.manifest_path.write_text("{ not json", encoding="utf-8")
    report = Ingestor(kb).run()
    assert report.ok and report.counts["unchanged"] == 3


def test_a_corrupt_manifest_without_snapshot_names_file_and_command(make_kb,
                                                                     tmp_path: Path) -> None:
    from knowledge.manifest import ManifestError

    kb = make_kb()
    kb.settings.manifest_path.parent.mkdir(parents=True)
    kb.settings.manifest_path.write_bytes(b"\x00\x01garbage")
    with pytest.raises(ManifestError) as info:
        Ingestor(kb).run()
    assert str(kb.settings.manifest_path) in str(info.value)
    assert "--rebuild" in str(info.value)


def test_a_corrupt_work_store_is_restored_and_a_corrupt_snapshot_reported(
        make_kb, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    kb = make_kb(docs)
    Ingestor(kb).run()
    (kb.settings.chroma_dir / "chroma.sqlite3").write_bytes(b"garbage" * 1000)
    write_doc(docs, "new.md", "새 문서", {"개요": "새 문서는 오송 바이오 기업을 소개한다."})
    report = Ingestor(kb).run()
    assert report.ok and report.counts["added"] == 1, report.files
    assert any("오송 바이오" in t for t in texts(kb))

    # the published snapshot itself damaged: readers say what to run, ingest republishes
    fresh = make_kb(docs)
    current = fresh.paths.read_current()
    assert current is not None
    snapshot = fresh.paths.snapshot(current.snapshot)
    (snapshot / "chroma" / "chroma.sqlite3").write_bytes(b"garbage" * 1000)
    status = fresh.status()
    assert not status.ready and "startupbot ingest" in status.problem
    assert Ingestor(make_kb(docs)).run().ok
    assert make_kb(docs).status().ready


def test_first_questions_right_after_opening_all_get_answers(corpus_data_dir: Path,
                                                             analyzer) -> None:
    from bot.engine import AnswerEngine
    from knowledge.base import KnowledgeBase
    from tests.conftest import make_settings

    kb = KnowledgeBase(make_settings(corpus_data_dir), analyzer=analyzer)
    engine = AnswerEngine(kb)
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            engine.answer("예비창업패키지 지원 금액은 얼마인가요?")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors[:3]


def test_ask_finishes_an_interrupted_first_ingest(make_kb, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from bot import cli
    from bot.doctor import check_index

    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    kb = make_kb(docs)
    Ingestor(kb).run([docs / "tips.md"])  # a first run that got one file in
    write_doc(docs, "bio.md", "바이오", {"개요": "오송 바이오밸리는 충북의 바이오 거점이다."})
    check = check_index(kb.settings)
    assert check.status == "warn" and "색인되지 않은 문서 3개" in check.detail

    monkeypatch.setenv("STARTUPBOT_DATA_DIR", str(kb.settings.data_dir))
    monkeypatch.setenv("STARTUPBOT_DOCUMENTS_DIR", str(docs))
    result = CliRunner().invoke(cli.app, ["ask", "오송 바이오밸리는 어떤 곳인가요?"])
    assert result.exit_code == 0, result.output
    assert "3개가 색인에 없어 먼저 수집" in result.output
    assert "바이오" in result.output
    assert check_index(kb.settings).status == "ok"


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root (CI is root)")
def test_a_full_disk_stops_ingest_cleanly_and_loses_nothing(make_kb, tmp_path: Path) -> None:
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount)], check=True)
    try:
        docs = tmp_path / "docs"
        docs.mkdir()
        small_corpus(docs)
        kb = make_kb(docs, data_dir=mount / "data", min_free_disk_mb=0)
        assert Ingestor(kb).run().ok
        served = kb.status().snapshot
        for n in range(6):
            write_doc(docs, f"big{n}.md", f"큰 문서 {n}", {
                f"절 {m}": f"큰 문서 {n}의 {m}번째 절은 충북 창업 지원을 설명한다. " * 30
                for m in range(20)})
        filler = mount / "filler"
        free = shutil.disk_usage(mount).free
        with filler.open("wb") as fh:  # leave ~200 KB: the next write hits ENOSPC
            fh.truncate(0)
            fh.write(b"\0" * max(0, free - 200_000))
        report = Ingestor(kb).run()
        assert report.stopped and "디스크" in report.stopped
        assert report.exit_code() == 4
        # what is served is intact and answers
        status = make_kb(docs, data_dir=mount / "data").status()
        assert status.ready and status.snapshot == served
        assert make_kb(docs, data_dir=mount / "data").searcher().search("팁스", 3).hits

        filler.unlink()
        again = Ingestor(make_kb(docs, data_dir=mount / "data", min_free_disk_mb=0)).run()
        assert again.ok, again.files
        final = make_kb(docs, data_dir=mount / "data")
        sources = {m["source"] for m in final.store.collection.get(
            include=["metadatas"])["metadatas"]}
        assert sources == {"tips.md", "export.md", "fund.md",
                           *(f"big{n}.md" for n in range(6))}
        assert final.status().chunks == len(store_ids(final))

        # the free-space check refuses up front with a clear message
        refused = Ingestor(make_kb(docs, data_dir=mount / "data",
                                   min_free_disk_mb=10_000)).run()
        assert "디스크" in refused.stopped and refused.exit_code() == 4
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_the_report_prints_skipped_links_known_failures_and_loader_notes(
        make_kb, tmp_path: Path) -> None:
    from rich.console import Console

    from ingest.cli import print_report

    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    (docs / "old.hwp").write_bytes(b"not an OLE file")
    outside = tmp_path / "secret.md"
    outside.write_text("# 비밀\n\n비밀 내용.\n", encoding="utf-8")
    (docs / "link.md").symlink_to(outside)
    kb = make_kb(docs)
    Ingestor(kb).run()
    console = Console(record=True, width=200)
    print_report(Ingestor(kb).run(), console)
    text = console.export_text()
    assert "건너뜀" in text and "link.md" in text
    assert "실패 (이미 보고됨)" in text and "old.hwp" in text
    assert "종료 코드에 반영하지" in text


def test_old_snapshots_are_collected_after_their_grace(make_kb, tmp_path: Path) -> None:
    import json

    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    kb = make_kb(docs, keep_snapshots=2, snapshot_grace_seconds=0)
    for n in range(4):
        write_doc(docs, "extra.md", "추가", {"개요": f"추가 문서 {n}판은 충북 창업을 다룬다."})
        assert Ingestor(kb).run().ok
    names = sorted(p.name for p in kb.paths.snapshots.iterdir() if p.is_dir())
    assert len(names) == 2 and json.loads(kb.paths.current_file.read_text())["snapshot"] \
        == names[-1]
    # with a grace period, the snapshot superseded just now stays for readers still on it
    patient = make_kb(docs, keep_snapshots=1, snapshot_grace_seconds=3600)
    write_doc(docs, "extra.md", "추가", {"개요": "추가 문서 마지막판은 충북 창업을 다룬다."})
    assert Ingestor(patient).run().ok
    kept = sorted(p.name for p in patient.paths.snapshots.iterdir() if p.is_dir())
    newest = json.loads(patient.paths.current_file.read_text())["snapshot"]
    assert kept == [*names, newest], "superseded within the grace period: kept"


def test_a_document_whose_batched_write_fails_is_the_only_one_reported_failed(
        make_kb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer writes several documents in one Chroma upsert; when that write fails it
    writes them one by one, so only the document that cannot be written is lost (and
    retried next run)."""
    from knowledge.store import KnowledgeStore

    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    real_write = KnowledgeStore.write

    def failing_write(self, chunks, units, vectors, **kwargs):
        if any(c.source == "export.md" for c in chunks):
            raise RuntimeError("injected write failure")
        return real_write(self, chunks, units, vectors, **kwargs)

    monkeypatch.setattr(KnowledgeStore, "write", failing_write)
    kb = make_kb(docs)
    report = Ingestor(kb).run()
    changes = {f.source: f.change for f in report.files}
    assert changes == {"tips.md": Change.ADDED, "fund.md": Change.ADDED,
                       "export.md": Change.FAILED}
    failed = next(f for f in report.files if f.source == "export.md")
    assert "injected write failure" in failed.reason and failed.chunks == 0
    assert report.chunks_written == sum(f.chunks for f in report.files)
    sources = {m["source"] for m in kb.store.collection.get(include=["metadatas"])["metadatas"]}
    assert sources == {"tips.md", "fund.md"}
    monkeypatch.setattr(KnowledgeStore, "write", real_write)
    again = Ingestor(make_kb(docs)).run()
    assert {f.source: f.change for f in again.files}["export.md"] is Change.ADDED
