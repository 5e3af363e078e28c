"""Incremental ingestion: files -> chunks -> knowledge base, one document at a time.

Guarantees, in the order they are kept:
- one ingest at a time (a lock file next to the index; the OS drops it if the process dies);
- a file that cannot be read is reported with its reason and never stops the others;
- a document is replaced, never half-written: its new chunks are embedded first, then upserted
  (stable ids), then its stale chunks are deleted; the manifest entry is written last, so an
  interrupted run simply redoes that document next time;
- the keyword index follows the store: the store's generation is bumped before the first write
  and the keyword index is saved with the new generation at the end, so a crash in between is
  detected and repaired by the next search.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from filelock import FileLock, Timeout
from pydantic import BaseModel, Field

from ingest.chunking import Chunker, ChunkingConfig, doc_id_for
from ingest.loaders import LoaderError, is_supported, load_document
from ingest.manifest import Manifest, ManifestEntry, file_sha256
from knowledge.base import KnowledgeBase
from knowledge.models import Chunk
from knowledge.search import keyword_text

log = logging.getLogger(__name__)


class IngestLockedError(Exception):
    """Another ingest holds the lock."""


class Change(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REMOVED = "removed"
    FAILED = "failed"


class FileResult(BaseModel):
    source: str
    change: Change
    chunks: int = 0
    reason: str = ""
    title: str = ""


class IngestReport(BaseModel):
    dry_run: bool = False
    files: list[FileResult] = Field(default_factory=list)
    seconds: float = 0.0
    chunks_written: int = 0
    total_chunks: int = 0

    def of(self, change: Change) -> list[FileResult]:
        return [f for f in self.files if f.change is change]

    @property
    def counts(self) -> dict[str, int]:
        return {c.value: len(self.of(c)) for c in Change}

    @property
    def ok(self) -> bool:
        return not self.of(Change.FAILED)

    @property
    def changed(self) -> bool:
        return any(self.of(c) for c in (Change.ADDED, Change.UPDATED, Change.REMOVED))

    def summary_ko(self) -> str:
        c = self.counts
        head = "수집 미리보기 (변경 없음)" if self.dry_run else "수집 결과"
        return (f"{head}: 추가 {c['added']} · 갱신 {c['updated']} · 변경 없음 {c['unchanged']} · "
                f"삭제 {c['removed']} · 실패 {c['failed']}")


ProgressFn = Callable[[int, int, str], None]


@dataclass
class SourceFile:
    path: Path
    key: str  # manifest key: path relative to the knowledge folder, or absolute outside it


CURATED_PREFIX = "curated/"


@dataclass(frozen=True)
class SourceKeys:
    """Manifest keys, which are also the `source` shown in citations: a path relative to the
    knowledge folder, `curated/<name>` for maintainers' reviewed answers, else the absolute path
    (so no machine-specific path reaches founders for the two folders the bot owns)."""

    documents_dir: Path
    curated_dir: Path | None = None

    def key(self, path: Path) -> str:
        path = path.resolve()
        with contextlib.suppress(ValueError):
            return path.relative_to(self.documents_dir.resolve()).as_posix()
        if self.curated_dir is not None:
            with contextlib.suppress(ValueError):
                return CURATED_PREFIX + path.relative_to(self.curated_dir.resolve()).as_posix()
        return path.as_posix()

    def path(self, key: str) -> Path:
        if Path(key).is_absolute():
            return Path(key)
        if key.startswith(CURATED_PREFIX) and self.curated_dir is not None:
            in_docs = self.documents_dir / key
            if not in_docs.exists():
                return self.curated_dir / key[len(CURATED_PREFIX):]
        return self.documents_dir / key


def discover(paths: Iterable[Path],
             keys: SourceKeys | Path) -> tuple[list[SourceFile], list[Path]]:
    """Files to ingest under `paths`, and the roots whose vanished files should be pruned.
    `keys` may be just the knowledge folder."""
    if isinstance(keys, Path):
        keys = SourceKeys(keys)
    found: dict[str, SourceFile] = {}
    roots: list[Path] = []
    for raw in paths:
        path = raw.resolve()
        roots.append(path)
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                rel_parts = file.relative_to(path).parts
                if any(p.startswith((".", "~$")) for p in rel_parts) or not file.is_file():
                    continue
                if is_supported(file):
                    key = keys.key(file)
                    found[key] = SourceFile(file, key)
        elif path.exists():
            key = keys.key(path)
            found[key] = SourceFile(path, key)
    return list(found.values()), roots


def _under(key: str, roots: list[Path], keys: SourceKeys) -> bool:
    path = keys.path(key).resolve()
    return any(path == r or r in path.parents for r in roots)


class Ingestor:
    """Runs one ingest over a knowledge base."""

    def __init__(self, kb: KnowledgeBase, *, progress: ProgressFn | None = None) -> None:
        self.kb = kb
        self.settings = kb.settings
        self.progress = progress or (lambda done, total, name: None)
        self.chunker = Chunker(kb.analyzer, ChunkingConfig(
            chunk_size=self.settings.chunk_size,
            overlap_sentences=self.settings.chunk_overlap_sentences,
        ))
        self._generation_bumped = False

    def run(self, paths: list[Path] | None = None, *, dry_run: bool = False,
            rebuild: bool = False) -> IngestReport:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.settings.lock_path), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise IngestLockedError(
                "다른 수집(ingest) 작업이 이미 실행 중입니다. 끝난 뒤 다시 실행하세요. "
                "(another ingest is running)"
            ) from None
        try:
            return self._run(paths or self.default_paths(), dry_run, rebuild)
        finally:
            lock.release()

    def default_paths(self) -> list[Path]:
        """The knowledge folder and the curated folder (maintainers' reviewed answers)."""
        curated = self.settings.curated_dir
        return [self.settings.documents_dir, *([curated] if curated is not None else [])]

    def _run(self, paths: list[Path], dry_run: bool, rebuild: bool) -> IngestReport:
        started = time.perf_counter()
        settings, store = self.settings, self.kb.store
        keys = SourceKeys(settings.documents_dir, settings.curated_dir)
        report = IngestReport(dry_run=dry_run)

        if rebuild and not dry_run:
            store.open(create=True, rebuild=True)
            settings.manifest_path.unlink(missing_ok=True)
            settings.keyword_index_path.unlink(missing_ok=True)
            self.kb.reload_keyword_index()
        elif not dry_run:
            store.open(create=True)
        manifest = Manifest.load(settings.manifest_path)
        if not dry_run:
            self.kb.reload_keyword_index()  # under the ingest lock the file is the truth
        index = self.kb.keyword_index() if not dry_run else None
        signature = self.chunker.config.signature
        embedder = store.embeddings.embedder_id

        files, roots = discover(paths, keys)
        for number, source in enumerate(files, 1):
            self.progress(number - 1, len(files), source.key)
            result = self._one(source, manifest, signature, embedder, dry_run, index)
            report.files.append(result)
            if result.change in (Change.ADDED, Change.UPDATED):
                report.chunks_written += result.chunks
            log.info("ingest.file", extra={"source": source.key, "change": result.change.value,
                                           "chunks": result.chunks, "reason": result.reason})
        self.progress(len(files), len(files), "")

        present = {f.key for f in files}
        for key in sorted(manifest.files):
            if key in present or not _under(key, roots, keys):
                continue
            if keys.path(key).exists():
                continue  # still there, just not a supported file any more -> keep as is
            entry = manifest.files[key]
            if not dry_run:
                self._mark_writing()
                stale = store.ids_for_doc(entry.doc_id)
                store.delete(stale)
                assert index is not None
                index.remove(stale)
                del manifest.files[key]
                manifest.save(settings.manifest_path)
            report.files.append(FileResult(source=key, change=Change.REMOVED,
                                           chunks=len(entry.chunk_ids), title=entry.title))

        if not dry_run:
            assert index is not None
            if self._generation_bumped:
                index.generation = store.generation
                index.save(settings.keyword_index_path)
            report.total_chunks = store.count()
        report.seconds = time.perf_counter() - started
        return report

    def _mark_writing(self) -> None:
        if not self._generation_bumped:
            self.kb.store.bump_generation()
            self._generation_bumped = True

    def _one(self, source: SourceFile, manifest: Manifest, signature: str, embedder: str,
             dry_run: bool, index) -> FileResult:
        store = self.kb.store
        try:
            sha = file_sha256(source.path)
        except OSError as exc:
            return FileResult(source=source.key, change=Change.FAILED,
                              reason=f"파일을 읽을 수 없습니다: {exc.strerror or exc}")
        previous = manifest.files.get(source.key)
        if (previous and previous.sha256 == sha and previous.chunker == signature
                and previous.embedder == embedder):
            return FileResult(source=source.key, change=Change.UNCHANGED,
                              chunks=len(previous.chunk_ids), title=previous.title)
        change = Change.UPDATED if previous else Change.ADDED
        try:
            chunks = self._chunks(source)
        except LoaderError as exc:
            return FileResult(source=source.key, change=Change.FAILED, reason=exc.reason)
        if not chunks:
            return FileResult(source=source.key, change=Change.FAILED,
                              reason="문서에서 색인할 텍스트를 찾지 못했습니다.")
        if dry_run:
            return FileResult(source=source.key, change=change, chunks=len(chunks),
                              title=chunks[0].title)
        try:
            self._mark_writing()
            store.upsert(chunks)  # embeds everything first: a failure writes nothing
        except Exception as exc:
            log.exception("ingest.write_failed", extra={"source": source.key})
            return FileResult(source=source.key, change=Change.FAILED,
                              reason=f"색인에 쓰지 못했습니다: {type(exc).__name__}: {exc}")
        new_ids = {c.id for c in chunks}
        stale = [cid for cid in store.ids_for_doc(chunks[0].doc_id) if cid not in new_ids]
        store.delete(stale)
        index.remove(stale)
        texts = [keyword_text(c) for c in chunks]
        for chunk, text, terms in zip(chunks, texts, self.kb.analyzer.search_terms_batch(texts),
                                      strict=True):
            index.add(chunk.id, terms, chunk.category, text=text, vectors=chunk.vectors)
        manifest.files[source.key] = ManifestEntry(
            source=source.key, doc_id=chunks[0].doc_id, sha256=sha,
            size=source.path.stat().st_size, title=chunks[0].title,
            chunk_ids=[c.id for c in chunks], chunker=signature, embedder=embedder,
        )
        manifest.save(self.settings.manifest_path)
        return FileResult(source=source.key, change=change, chunks=len(chunks),
                          title=chunks[0].title)

    def _chunks(self, source: SourceFile) -> list[Chunk]:
        doc = load_document(source.path)
        meta = doc.metadata or {}
        urls = meta.get("source_urls") or []
        if isinstance(urls, str):
            urls = [urls]
        return self.chunker.chunk(
            doc_id=doc_id_for(source.key),
            title=doc.title,
            text=doc.text,
            source=source.key,
            url=str(urls[0]) if urls else "",
            category=str(meta.get("category", "") or ""),
            facts_as_of=str(meta.get("facts_as_of", "") or ""),
        )
