"""`KnowledgeWriter`: the one API through which anything is written into the knowledge base.

Ingest, maintainers' corrections, Telegram's /reingest and the programme sync all write through
it; nothing else touches the store, the keyword index or the manifest. It owns:
- the one-writer lock (`settings.lock_path`; the OS drops it when the process dies);
- the writer's private copy `work/` (see `knowledge/snapshots.py`), opened, repaired or restored
  from the last published snapshot when it cannot be opened;
- per document: embed first (a failure writes nothing), upsert under stable ids, delete the
  stale chunks, index the keyword terms, record the manifest entry — the manifest is saved only
  after the keyword index committed, so a crash redoes at most the last few documents;
- `publish()`: commit, check that the store, the keyword index and the manifest hold exactly the
  same chunk ids (repairing drift), copy `work/` into a new snapshot and flip `CURRENT`;
- free-space checks before writing and before the copy, so a full disk stops a run cleanly.

This module holds the lock, the opening and the write path; what acts on the copy as a whole
(legacy migration, rebuild, restore, verify and repair, publish) is `knowledge/writer_publish.py`
and the errors are `knowledge/writer_errors.py`; every name is importable from here.

Readers never write: they only open published snapshots (`knowledge/base.py`).
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from filelock import FileLock, Timeout

from knowledge.keyword_index import KeywordDoc, KeywordIndexWriter
from knowledge.manifest import FailedEntry, Manifest, ManifestEntry, ManifestError
from knowledge.models import Chunk
from knowledge.settings import DenseUnits, KnowledgeSettings
from knowledge.snapshots import KnowledgePaths, SnapshotState, write_atomically
from knowledge.writer_errors import (
    DiskFullError,
    WriterBusyError,
    WriterError,
    is_corrupt_store_error,
    is_disk_full,
)
from knowledge.writer_publish import SnapshotPublishing, ids_hash

if TYPE_CHECKING:
    from knowledge.embeddings import NamedEmbeddings
    from knowledge.korean import KoreanAnalyzer
    from knowledge.store import KnowledgeStore

__all__ = [
    "COMMIT_EVERY_DOCUMENTS", "COMMIT_EVERY_SECONDS", "LEGACY_FILES", "WRITE_BATCH_DOCUMENTS",
    "WRITE_BATCH_UNITS", "DiskFullError", "KnowledgeWriter", "WriterBusyError", "WriterError",
    "ids_hash", "is_corrupt_store_error", "is_disk_full", "keyword_text", "remove_tree",
]

log = logging.getLogger(__name__)

COMMIT_EVERY_SECONDS = 2.0
COMMIT_EVERY_DOCUMENTS = 50
WRITE_BATCH_DOCUMENTS = 32  # documents written to Chroma in one upsert
WRITE_BATCH_UNITS = 4000  # ...or fewer, when their sentence vectors reach this many
LEGACY_FILES = ("chroma", "manifest.json", "keyword_index.pkl")


@dataclass
class _Prepared:
    """A document embedded and waiting to be written."""

    entry: ManifestEntry
    chunks: list[Chunk]
    units: list[list[str]] | None
    vectors: np.ndarray | None


def keyword_text(chunk: Chunk) -> str:
    """What BM25 sees of a chunk: its section path (a strong topic signal) and its text."""
    return f"{chunk.title}\n{chunk.section}\n{chunk.text}"


class KnowledgeWriter(SnapshotPublishing):
    """Open with `with kb.writer() as w:`; everything written is published on a clean exit."""

    def __init__(self, settings: KnowledgeSettings, analyzer: KoreanAnalyzer,
                 embeddings: Callable[[], NamedEmbeddings], *,
                 on_publish: Callable[[SnapshotState], None] | None = None) -> None:
        self.settings = settings
        self.analyzer = analyzer
        self._embeddings = embeddings
        self.paths = KnowledgePaths(settings.knowledge_dir)
        self.on_publish = on_publish
        self._lock = FileLock(str(settings.lock_path), timeout=0)
        self._store: KnowledgeStore | None = None
        self._keyword: KeywordIndexWriter | None = None
        self.manifest = Manifest()
        self._pending: list[ManifestEntry | str] = []
        self._buffer: list[_Prepared] = []  # embedded, not yet written (see `flush`)
        self._buffered_units = 0
        self.write_failures: list[tuple[str, Exception]] = []
        self._last_commit = time.monotonic()
        self._changed = False
        self._manifest_dirty = False
        self._needs_publish = False
        self.published: SnapshotState | None = None

    # --- opening -------------------------------------------------------------------------
    def open(self, *, wait: float = 0.0, rebuild: bool = False) -> KnowledgeWriter:
        """Take the lock (waiting up to `wait` seconds) and open the writer's copy."""
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        self._lock.timeout = wait
        try:
            self._lock.acquire()
        except Timeout:
            raise WriterBusyError(
                "다른 수집(ingest) 작업이 이미 실행 중입니다. 끝난 뒤 다시 실행하세요. "
                "(another ingest is running)") from None
        try:
            self.check_free_space()
            self._migrate_legacy()
            if rebuild:
                self._drop_work()
            self._open_work()
        except BaseException:
            self._release()
            raise
        return self

    def __enter__(self) -> KnowledgeWriter:
        if not self._lock.is_locked:
            self.open()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc is None:
                self.publish()
            elif (self._changed and not is_disk_full(exc)
                  and not getattr(exc, "no_publish", False)):
                # interrupted (Ctrl-C, SIGTERM, a loader bug): the documents that were finished
                # are complete, so they are published rather than lost; a document caught
                # half-way is rolled back to its previous version by `verify_and_repair`
                try:
                    self.publish()
                except Exception:
                    log.exception("writer.publish_after_error_failed")
        finally:
            self._release()

    def _release(self) -> None:
        if self._keyword is not None:
            try:
                self._keyword.close()
            finally:
                self._keyword = None
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._lock.is_locked:
            self._lock.release()

    @property
    def store(self) -> KnowledgeStore:
        assert self._store is not None, "open the writer first"
        return self._store

    @property
    def embedder_id(self) -> str:
        return self.store.embeddings.embedder_id

    def _open_store(self) -> KnowledgeStore:
        from knowledge.store import KnowledgeStore, build_chroma_client

        path = self.paths.chroma(self.paths.work)
        return KnowledgeStore(
            build_chroma_client(self.settings, path), self.collection_name,
            self._embeddings(), dense_units=self.settings.dense_units,
            sentences=self.analyzer.sentences)

    def _open_work(self) -> None:
        from knowledge.store import StoreCorruptError, StoreError

        self.paths.work.mkdir(parents=True, exist_ok=True)
        try:
            self._store = self._open_store().open(create=True)
            self.manifest = Manifest.load(self.paths.manifest(self.paths.work))
        except (StoreCorruptError, ManifestError) as exc:
            if self._store is not None:
                self._store.close()
                self._store = None
            if not self._restore_from_snapshot(str(exc)):
                raise
            self._store = self._open_store().open(create=True)
            self.manifest = Manifest.load(self.paths.manifest(self.paths.work))
        except StoreError:
            raise
        except Exception as exc:
            if not is_corrupt_store_error(exc) or not self._restore_from_snapshot(str(exc)):
                raise
            self._store = self._open_store().open(create=True)
            self.manifest = Manifest.load(self.paths.manifest(self.paths.work))
        self._keyword = KeywordIndexWriter(self.paths.keyword(self.paths.work),
                                           analysis=self.analyzer.fingerprint)
        if self._keyword.fresh and self.manifest.files:
            # a lost or outdated keyword index: `publish` refills it from the store
            log.warning("writer.keyword_index_recreated")
            self._needs_publish = True

    # --- space ---------------------------------------------------------------------------
    def check_free_space(self, extra_bytes: int = 0) -> None:
        """Refuse to write with less than `min_free_disk_mb` (+ `extra_bytes`) free."""
        need = self.settings.min_free_disk_mb * 1024 * 1024 + extra_bytes
        free = shutil.disk_usage(self.settings.data_dir).free
        if free < need:
            raise DiskFullError(
                f"데이터 폴더({self.settings.data_dir})의 디스크 여유 공간이 부족합니다 "
                f"(남은 공간 {free // 2**20} MB, 필요 {need // 2**20} MB). 공간을 확보한 뒤 "
                "다시 실행하세요. 지금 서비스 중인 색인은 그대로입니다. (not enough free disk)")

    # --- writing -------------------------------------------------------------------------
    def upsert_document(self, entry: ManifestEntry, chunks: Sequence[Chunk]) -> None:
        """Replace one document by `chunks` (all of one doc_id) and record its manifest entry.

        The chunks are embedded at once, before anything is written, so a failing embedder
        raises here and leaves the previous version in place. The write itself is batched:
        several documents go to Chroma in one upsert (`flush`, at the latest on `commit` or
        `publish`), because each Chroma call costs ~50 ms whatever its size, which small
        documents (programme calls of two chunks) paid once or twice each. A document whose
        batched write fails is listed in `write_failures` (the others are written)."""
        if not chunks:
            raise ValueError("a document needs at least one chunk")
        self._mark_writing()
        if self.store.dense_units is not DenseUnits.SENTENCE:
            self.store.upsert(list(chunks))  # one vector per chunk: written at once
            self._record([_Prepared(entry, list(chunks), None, None)])
            return
        units, vectors = self.store.embed(chunks)
        self._buffer.append(_Prepared(entry, list(chunks), units, vectors))
        self._buffered_units += len(vectors)
        if (len(self._buffer) >= WRITE_BATCH_DOCUMENTS
                or self._buffered_units >= WRITE_BATCH_UNITS):
            self.flush()

    def flush(self) -> None:
        """Write the buffered documents: one batch, or one by one when the batch fails (so
        only the failing document is lost). A full disk stops the run (raised)."""
        batch, self._buffer, self._buffered_units = self._buffer, [], 0
        if not batch:
            return
        try:
            self._write_batch(batch)
            return
        except Exception as exc:
            if is_disk_full(exc) or len(batch) == 1:
                if is_disk_full(exc):
                    raise
                self._write_failed(batch[0], exc)
                return
            log.warning("writer.batch_failed", extra={"documents": len(batch),
                                                      "error": type(exc).__name__})
        for one in batch:
            try:
                self._write_batch([one])
            except Exception as exc:
                if is_disk_full(exc):
                    raise
                self._write_failed(one, exc)

    def _write_failed(self, prepared: _Prepared, exc: Exception) -> None:
        log.error("writer.write_failed", extra={"source": prepared.entry.source,
                                                "error": f"{type(exc).__name__}: {exc}"[:300]})
        self.write_failures.append((prepared.entry.source, exc))

    def take_write_failures(self) -> list[tuple[str, Exception]]:
        """Documents whose buffered write failed since the last call (for the report)."""
        failures, self.write_failures = self.write_failures, []
        return failures

    def _write_batch(self, batch: Sequence[_Prepared]) -> None:
        chunks = [c for p in batch for c in p.chunks]
        units = [u for p in batch for u in (p.units or [])]
        vectors = np.concatenate([p.vectors for p in batch if p.vectors is not None])
        self.store.write(chunks, units, vectors)
        self._record(batch)

    def _record(self, batch: Sequence[_Prepared]) -> None:
        """After the vectors are written: delete stale chunks, index the keyword terms and
        record the manifest entries."""
        by_doc = self.store.ids_for_docs([p.chunks[0].doc_id for p in batch])
        stale: list[str] = []
        for p in batch:
            new_ids = {c.id for c in p.chunks}
            stale += [cid for cid in by_doc.get(p.chunks[0].doc_id, []) if cid not in new_ids]
            old = self.manifest.files.get(p.entry.source)
            if old is not None and old.doc_id != p.chunks[0].doc_id:  # its key gave another id
                stale += self.store.ids_for_doc(old.doc_id)
        self.store.delete(stale)
        self._keyword_docs([c for p in batch for c in p.chunks])
        assert self._keyword is not None
        self._keyword.delete(stale)
        for p in batch:
            p.entry.chunk_ids = [c.id for c in p.chunks]
            self.manifest.files[p.entry.source] = p.entry
            self.manifest.failed.pop(p.entry.source, None)
            self._pending.append(p.entry)
        self._maybe_commit()

    def remove_document(self, source: str) -> int:
        """Remove a document (by its manifest key) with all its chunks; returns their count."""
        self.flush()
        entry = self.manifest.files.get(source)
        if entry is None:
            return 0
        self._mark_writing()
        stale = sorted(set(self.store.ids_for_doc(entry.doc_id)) | set(entry.chunk_ids))
        self.store.delete(stale)
        assert self._keyword is not None
        self._keyword.delete(stale)
        del self.manifest.files[source]
        self.manifest.failed.pop(source, None)
        self._pending.append(source)
        self._maybe_commit()
        return len(stale)

    def record_failure(self, source: str, sha256: str, reason: str) -> None:
        """Remember that this version of a file could not be read (see `FailedEntry`)."""
        self.manifest.failed[source] = FailedEntry(sha256=sha256, reason=reason)
        self._manifest_dirty = True

    def forget_failure(self, source: str) -> None:
        if self.manifest.failed.pop(source, None) is not None:
            self._manifest_dirty = True

    def _keyword_docs(self, chunks: Sequence[Chunk],
                      terms: Sequence[Sequence[str]] | None = None) -> None:
        assert self._keyword is not None
        texts = [keyword_text(c) for c in chunks]
        if terms is None:
            terms = self.analyzer.search_terms_batch(texts)
        self._keyword.upsert(
            KeywordDoc(c.id, chunk_terms, text, c.category, c.vectors)
            for c, text, chunk_terms in zip(chunks, texts, terms, strict=True))

    def _mark_writing(self) -> None:
        if not self._changed:
            self._changed = True
            write_atomically(self.paths.writing_marker, str(time.time()))

    def _maybe_commit(self) -> None:
        if (len(self._pending) >= COMMIT_EVERY_DOCUMENTS
                or time.monotonic() - self._last_commit >= COMMIT_EVERY_SECONDS):
            self._commit_written()

    def _commit_written(self) -> None:
        """`commit` of what is written (the buffer stays: this runs inside a flush)."""
        assert self._keyword is not None
        self._keyword.commit()
        self.manifest.save(self.paths.manifest(self.paths.work))
        self._pending.clear()
        self._manifest_dirty = False
        self._last_commit = time.monotonic()

    def commit(self) -> None:
        """Make everything written so far durable: keyword index first, then the manifest."""
        self.flush()
        self._commit_written()

    # --- convenience for the evaluation and benchmarks -----------------------------------
    def write_prepared(self, chunks: Sequence[Chunk], units: Sequence[Sequence[str]] | None,
                       vectors, *, source: str = "bulk",
                       terms: Sequence[Sequence[str]] | None = None) -> None:
        """Write chunks whose vectors are already computed (cached evaluation vectors,
        synthetic benchmark data): sentence vectors with their `units`, or one vector per
        chunk when `units` is None; `terms` (their Kiwi terms) when already known.
        Recorded under one manifest key per doc_id."""
        self.flush()
        self._mark_writing()
        if units is None:
            self.store.write_chunk_vectors(chunks, vectors)
        else:
            self.store.write(chunks, units, vectors)
        self._keyword_docs(chunks, terms)
        by_doc: dict[str, list[str]] = {}
        for chunk in chunks:
            by_doc.setdefault(chunk.doc_id, []).append(chunk.id)
        for doc_id, ids in by_doc.items():
            key = f"{source}/{doc_id}"
            self.manifest.files[key] = ManifestEntry(
                source=key, doc_id=doc_id, sha256="", size=0, title="", chunk_ids=ids,
                chunker="prepared", embedder=self.embedder_id)
        self.commit()


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
