"""Incremental ingestion: files -> chunks -> knowledge base, one document at a time.

Everything is written through the knowledge writer (`knowledge/writer.py`), which owns the lock,
the store, the keyword index, the manifest and publishing; this module decides *what* to write:
- which files are in scope (links that leave the folder they were found in are not followed,
  and reported as skipped);
- each file's key: relative to the knowledge folder however it was named (`ingest
  knowledge/documents`, an absolute path, `.`), `curated/<name>` for reviewed answers, and
  `external/<hash of its folder>/<name>` for files elsewhere, so naming a file another way
  never duplicates it;
- unchanged files (same hash, chunker and embedder) are skipped; a file whose content matches
  a document whose file is gone is a rename: the old key is removed, not duplicated;
- a file that cannot be read is reported with its reason and never stops the others; the same
  unchanged failure is reported again as known and does not fail the next run;
- vanished files under the given folders are removed.
A full disk stops the run cleanly: what was finished stays, and the served snapshot is intact.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, Field

from ingest.announcements import LoadedDocument
from ingest.chunking import Chunker, ChunkingConfig, doc_id_for
from ingest.loaders import LoaderError, is_supported, load_document
from knowledge.base import KnowledgeBase
from knowledge.manifest import Manifest, ManifestEntry, file_sha256
from knowledge.models import Chunk
from knowledge.writer import DiskFullError, KnowledgeWriter, WriterBusyError, is_disk_full

log = logging.getLogger(__name__)

# The writer's "busy" error is what callers catch as "another ingest is running".
IngestLockedError = WriterBusyError


class Change(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REMOVED = "removed"
    SKIPPED = "skipped"
    FAILED = "failed"


class FileResult(BaseModel):
    source: str
    change: Change
    chunks: int = 0
    reason: str = ""
    title: str = ""
    known: bool = Field(False, description="A failure already reported for this same file "
                        "content; it does not fail the run.")
    notes: list[str] = Field(default_factory=list, description="What the loader noticed "
                             "(OCR used or off, library warnings summarised, ...).")


class IngestReport(BaseModel):
    dry_run: bool = False
    files: list[FileResult] = Field(default_factory=list)
    stopped: str = Field("", description="Why the run stopped early (e.g. a full disk).")
    seconds: float = 0.0
    chunks_written: int = 0
    total_chunks: int = 0
    calls: dict[str, int] = Field(default_factory=dict, description="Staff 공고 merged into the "
                                  "catalogue: new / changed / vanished (ingest/staff_calls.py).")
    calls_error: str = Field("", description="Why the calls could not be merged (the documents "
                             "were ingested all the same).")

    def of(self, change: Change) -> list[FileResult]:
        return [f for f in self.files if f.change is change]

    @property
    def counts(self) -> dict[str, int]:
        return {c.value: len(self.of(c)) for c in Change}

    @property
    def ok(self) -> bool:
        return not self.of(Change.FAILED) and not self.stopped

    @property
    def new_failures(self) -> list[FileResult]:
        return [f for f in self.of(Change.FAILED) if not f.known]

    def exit_code(self, *, strict: bool = False) -> int:
        """0: fine (known, unchanged failures only); 1: a new failure (any with `strict`);
        4: stopped early (full disk)."""
        if self.stopped:
            return 4
        failures = self.of(Change.FAILED) if strict else self.new_failures
        return 1 if failures else 0

    @property
    def changed(self) -> bool:
        return any(self.of(c) for c in (Change.ADDED, Change.UPDATED, Change.REMOVED))

    def summary_ko(self) -> str:
        c = self.counts
        head = "수집 미리보기 (변경 없음)" if self.dry_run else "수집 결과"
        text = (f"{head}: 추가 {c['added']} · 갱신 {c['updated']} · 변경 없음 {c['unchanged']} · "
                f"삭제 {c['removed']} · 건너뜀 {c['skipped']} · 실패 {c['failed']}")
        return text + (f" — 중단: {self.stopped}" if self.stopped else "")


ProgressFn = Callable[[int, int, str], None]
DocumentListener = Callable[[str, "LoadedDocument | None"], None]


@dataclass
class SourceFile:
    path: Path
    key: str  # manifest key (also the `source` shown in citations)


@dataclass
class Skipped:
    path: Path
    reason: str


LINK_OUTSIDE = "폴더 밖을 가리키는 링크라 따라가지 않습니다 (link leaves the folder)."
DISK_FULL = ("디스크 공간이 부족해 수집을 멈췄습니다. 끝난 문서는 보존되었고, 서비스 중인 색인은 "
             "그대로입니다. 공간을 확보한 뒤 다시 실행하세요.")
CURATED_PREFIX = "curated/"
CATALOGUE_PREFIX = "catalogue/"
EXTERNAL_PREFIX = "external/"


@dataclass(frozen=True)
class SourceKeys:
    """Manifest keys, which are also the `source` shown in citations: a path relative to the
    knowledge folder, `curated/<name>` for maintainers' reviewed answers,
    `catalogue/<source>/<id>.md` for synced programmes, and for a file anywhere else
    `external/<8 hex of its folder's real path>/<name>`: stable however the file is named, and
    no machine-specific path reaches founders."""

    documents_dir: Path
    curated_dir: Path | None = None
    catalogue_dir: Path | None = None  # synced programme documents (ingest/sync.py)

    def _prefixed(self) -> list[tuple[str, Path]]:
        return [(prefix, folder) for prefix, folder in ((CURATED_PREFIX, self.curated_dir),
                                                        (CATALOGUE_PREFIX, self.catalogue_dir))
                if folder is not None]

    def key(self, path: Path) -> str:
        path = path.resolve()
        with contextlib.suppress(ValueError):
            return path.relative_to(self.documents_dir.resolve()).as_posix()
        for prefix, folder in self._prefixed():
            with contextlib.suppress(ValueError):
                return prefix + path.relative_to(folder.resolve()).as_posix()
        folder = hashlib.sha1(str(path.parent).encode()).hexdigest()[:8]
        return f"{EXTERNAL_PREFIX}{folder}/{path.name}"

    def path(self, key: str) -> Path | None:
        """Where a key's file lives (None for external keys: their folder is not recorded)."""
        if Path(key).is_absolute():  # keys of indexes made before stable external keys
            return Path(key)
        if key.startswith(EXTERNAL_PREFIX):
            return None
        for prefix, folder in self._prefixed():
            if key.startswith(prefix) and not (self.documents_dir / key).exists():
                return folder / key[len(prefix):]
        return self.documents_dir / key


def source_keys(settings) -> SourceKeys:
    return SourceKeys(settings.documents_dir, settings.curated_dir,
                      settings.data_dir / "catalogue")


@dataclass
class Discovery:
    files: list[SourceFile] = field(default_factory=list)
    roots: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def discover(paths: Iterable[Path], keys: SourceKeys | Path, *,
             follow_links: bool = False) -> Discovery:
    """Files to ingest under `paths`, the roots whose vanished files should be pruned, and
    what was skipped. A symbolic link (to a file or a folder) whose target lies outside the
    root it was found in is not followed unless `follow_links`: a link in the knowledge folder
    to a server file must never reach founders. `keys` may be just the knowledge folder."""
    if isinstance(keys, Path):
        keys = SourceKeys(keys)
    found: dict[str, SourceFile] = {}
    out = Discovery()
    for raw in paths:
        root = raw.resolve()
        out.roots.append(root)
        if root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root, followlinks=follow_links):
                here = Path(dirpath)
                rel_parts = here.relative_to(root).parts if _inside(here, root) else ()
                if any(p.startswith((".", "~$")) for p in rel_parts):
                    dirnames[:] = []
                    continue
                dirnames.sort()
                for name in [*dirnames]:
                    sub = here / name
                    if sub.is_symlink() and not follow_links:
                        outside = not _inside(sub.resolve(), root)
                        out.skipped.append(Skipped(sub, LINK_OUTSIDE if outside
                                                   else "폴더 링크는 따라가지 않습니다."))
                for name in sorted(filenames):
                    if name.startswith((".", "~$")):
                        continue
                    file = here / name
                    if not is_supported(file):
                        continue
                    if file.is_symlink() and not follow_links \
                            and not _inside(file.resolve(), root):
                        out.skipped.append(Skipped(
                            file, "폴더 밖의 파일을 가리키는 링크라 건너뜁니다 "
                                  "(link to a file outside the folder)."))
                        continue
                    if not file.is_file():
                        continue
                    key = keys.key(file)
                    found.setdefault(key, SourceFile(file, key))
        elif root.exists():
            key = keys.key(root)
            found.setdefault(key, SourceFile(root, key))
    out.files = list(found.values())
    return out


def _under(key: str, roots: list[Path], keys: SourceKeys) -> bool:
    path = keys.path(key)
    if path is None:
        return False
    path = path.resolve()
    return any(_inside(path, r) for r in roots)


class Ingestor:
    """Runs one ingest over a knowledge base, writing through its one writer."""

    def __init__(self, kb: KnowledgeBase, *, progress: ProgressFn | None = None,
                 wait: float = 0.0, on_document: DocumentListener | None = None) -> None:
        """`on_document(key, document or None)` hears of every document written or removed
        (the staff calls of issue 16, `ingest/staff_calls.py`)."""
        self.kb = kb
        self.on_document = on_document
        self.settings = kb.settings
        self.progress = progress or (lambda done, total, name: None)
        self.wait = wait
        self.chunker = Chunker(kb.analyzer, ChunkingConfig(
            chunk_size=self.settings.chunk_size,
            overlap_sentences=self.settings.chunk_overlap_sentences,
        ))

    def run(self, paths: list[Path] | None = None, *, dry_run: bool = False,
            rebuild: bool = False) -> IngestReport:
        paths = paths or self.default_paths()
        if dry_run:
            return self._dry_run(paths)
        try:
            writer = self.kb.writer().open(wait=self.wait, rebuild=rebuild)
        except DiskFullError as exc:
            return IngestReport(stopped=str(exc))
        try:
            with writer:
                return self._run(writer, paths)
        except _Stopped as stop:
            return stop.report

    def default_paths(self) -> list[Path]:
        """The knowledge folder and the curated folder (maintainers' reviewed answers)."""
        curated = self.settings.curated_dir
        return [self.settings.documents_dir, *([curated] if curated is not None else [])]

    def keys(self) -> SourceKeys:
        return source_keys(self.settings)

    def _dry_run(self, paths: list[Path]) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport(dry_run=True)
        manifest = Manifest.load(self.settings.manifest_path)
        embedder = self.kb.embeddings.embedder_id
        found = discover(paths, self.keys())
        report.files.extend(FileResult(source=str(s.path), change=Change.SKIPPED,
                                       reason=s.reason) for s in found.skipped)
        for source in found.files:
            report.files.append(self._plan(source, manifest, embedder)[0])
        report.files.extend(self._vanished(manifest, found))
        report.seconds = time.perf_counter() - started
        return report

    def _run(self, writer: KnowledgeWriter, paths: list[Path]) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        found = discover(paths, self.keys())
        report.files.extend(FileResult(source=str(s.path), change=Change.SKIPPED,
                                       reason=s.reason) for s in found.skipped)
        manifest = writer.manifest
        embedder = writer.embedder_id
        renamed = self._renames(found, manifest)
        try:
            for number, source in enumerate(found.files, 1):
                self.progress(number - 1, len(found.files), source.key)
                result = self._one(writer, source, embedder, renamed)
                report.files.append(result)
                log.info("ingest.file", extra={"source": source.key,
                                               "change": result.change.value,
                                               "chunks": result.chunks, "reason": result.reason})
                self._write_failures(writer, report)
            writer.flush()  # the last batch, so its failures are in this report
            self._write_failures(writer, report)
            report.chunks_written = sum(f.chunks for f in report.files
                                        if f.change in (Change.ADDED, Change.UPDATED))
            self.progress(len(found.files), len(found.files), "")
            for result in self._vanished(manifest, found):
                writer.remove_document(result.source)
                report.files.append(result)
                self._tell(result.source, None)
        except DiskFullError as exc:
            report.stopped = str(exc)
        except Exception as exc:
            if not is_disk_full(exc):
                raise
            report.stopped = f"{DISK_FULL} (disk full: {exc})"
        if report.stopped:
            log.error("ingest.stopped", extra={"reason": report.stopped[:300]})
            report.seconds = time.perf_counter() - started
            raise _Stopped(report)
        writer.publish()
        report.total_chunks = writer.published.chunks if writer.published else \
            sum(len(e.chunk_ids) for e in writer.manifest.files.values())
        report.seconds = time.perf_counter() - started
        return report

    def _vanished(self, manifest: Manifest, found: Discovery) -> list[FileResult]:
        present = {f.key for f in found.files}
        out = []
        for key in sorted(manifest.files):
            if key in present or not _under(key, found.roots, self.keys()):
                continue
            path = self.keys().path(key)
            if path is not None and path.exists() and not path.is_symlink():
                continue  # still there, just not a supported file any more -> keep as is
            entry = manifest.files[key]
            out.append(FileResult(source=key, change=Change.REMOVED,
                                  chunks=len(entry.chunk_ids), title=entry.title))
        return out

    def _renames(self, found: Discovery, manifest: Manifest) -> dict[str, str]:
        """New key -> old key for files whose content is a document whose file is gone."""
        present = {f.key for f in found.files}
        gone = {}
        for key, entry in manifest.files.items():
            if key in present:
                continue
            path = self.keys().path(key)
            if path is None or not path.exists():
                gone.setdefault(entry.sha256, key)
        if not gone:
            return {}
        out = {}
        for source in found.files:
            if source.key in manifest.files:
                continue
            with contextlib.suppress(OSError):
                old = gone.get(file_sha256(source.path))
                if old is not None:
                    out[source.key] = old
        return out

    def _plan(self, source: SourceFile, manifest: Manifest,
              embedder: str) -> tuple[FileResult, str]:
        """What would happen to one file (and its hash), without reading its content."""
        try:
            sha = file_sha256(source.path)
        except OSError as exc:
            return FileResult(source=source.key, change=Change.FAILED,
                              reason=f"파일을 읽을 수 없습니다: {exc.strerror or exc}"), ""
        previous = manifest.files.get(source.key)
        signature = self.chunker.config.signature
        if (previous and previous.sha256 == sha and previous.chunker == signature
                and previous.embedder == embedder):
            return FileResult(source=source.key, change=Change.UNCHANGED,
                              chunks=len(previous.chunk_ids), title=previous.title), sha
        failed = manifest.failed.get(source.key)
        if failed is not None and failed.sha256 == sha:
            return FileResult(source=source.key, change=Change.FAILED, known=True,
                              reason=failed.reason), sha
        change = Change.UPDATED if previous else Change.ADDED
        return FileResult(source=source.key, change=change), sha

    def _one(self, writer: KnowledgeWriter, source: SourceFile, embedder: str,
             renamed: dict[str, str]) -> FileResult:
        planned, sha = self._plan(source, writer.manifest, embedder)
        if planned.change is Change.UNCHANGED or (planned.change is Change.FAILED
                                                  and (planned.known or not sha)):
            return planned
        try:
            chunks, notes, loaded = self._chunks(source)
        except LoaderError as exc:
            writer.record_failure(source.key, sha, exc.reason)
            return FileResult(source=source.key, change=Change.FAILED, reason=exc.reason)
        if not chunks:
            reason = "문서에서 색인할 텍스트를 찾지 못했습니다."
            writer.record_failure(source.key, sha, reason)
            return FileResult(source=source.key, change=Change.FAILED, reason=reason)
        old = renamed.get(source.key)
        if old is not None:
            writer.remove_document(old)
            self._tell(old, None)
        entry = ManifestEntry(
            source=source.key, doc_id=chunks[0].doc_id, sha256=sha,
            size=source.path.stat().st_size, title=chunks[0].title,
            chunker=self.chunker.config.signature, embedder=embedder)
        try:
            writer.upsert_document(entry, chunks)
        except DiskFullError:
            raise
        except Exception as exc:
            if is_disk_full(exc):
                raise
            log.exception("ingest.write_failed", extra={"source": source.key})
            return FileResult(source=source.key, change=Change.FAILED,
                              reason=f"색인에 쓰지 못했습니다: {type(exc).__name__}: {exc}")
        self._tell(source.key, loaded)
        reason = f"이름이 바뀐 문서입니다 (이전: {old})" if old else ""
        return FileResult(source=source.key, change=planned.change, chunks=len(chunks),
                          title=chunks[0].title, reason=reason, notes=notes)

    @staticmethod
    def _write_failures(writer: KnowledgeWriter, report: IngestReport) -> None:
        """Documents whose batched write failed after they were reported written."""
        failures = dict(writer.take_write_failures())
        if not failures:
            return
        for i, result in enumerate(report.files):
            exc = failures.get(result.source)
            if exc is not None and result.change in (Change.ADDED, Change.UPDATED):
                report.files[i] = FileResult(
                    source=result.source, change=Change.FAILED,
                    reason=f"색인에 쓰지 못했습니다: {type(exc).__name__}: {exc}")

    def _tell(self, key: str, doc: LoadedDocument | None) -> None:
        if self.on_document is None:
            return
        try:
            self.on_document(key, doc)
        except Exception:  # a listener never costs a document its place in the index
            log.exception("ingest.document_listener_failed", extra={"source": key})

    def _chunks(self, source: SourceFile) -> tuple[list[Chunk], list[str], LoadedDocument]:
        doc = load_document(source.path)
        meta = doc.metadata or {}
        notes = [str(n) for n in meta.get("notes") or []]
        urls = meta.get("source_urls") or []
        if isinstance(urls, str):
            urls = [urls]
        chunks = self.chunker.chunk(
            doc_id=doc_id_for(source.key),
            title=doc.title,
            text=doc.text,
            source=source.key,
            url=str(urls[0]) if urls else "",
            category=str(meta.get("category", "") or ""),
            facts_as_of=str(meta.get("facts_as_of", "") or ""),
        )
        return chunks, notes, LoadedDocument(doc.title, doc.text, [str(u) for u in urls])


class _Stopped(Exception):
    """Carries the report of a run that stopped early (a full disk) out of the writer's
    `with` block, which then publishes nothing."""

    no_publish = True  # the writer keeps what was finished in work/ but does not publish it

    def __init__(self, report: IngestReport) -> None:
        super().__init__(report.stopped)
        self.report = report


def pending_documents(kb: KnowledgeBase) -> list[str]:
    """Keys of supported files in the knowledge folder that the writer has never handled in
    their current version (neither indexed nor remembered as failed): what `ask`, `doctor`
    and `serve` warn about after an interrupted ingest."""
    settings = kb.settings
    try:
        manifest = Manifest.load(settings.manifest_path)
    except Exception:
        return []
    keys = source_keys(settings)
    out = []
    for source in discover([settings.documents_dir], keys).files:
        entry = manifest.files.get(source.key)
        failed = manifest.failed.get(source.key)
        try:
            sha = file_sha256(source.path)
        except OSError:
            continue
        if (entry is None or entry.sha256 != sha) and (failed is None or failed.sha256 != sha):
            out.append(source.key)
    return out
