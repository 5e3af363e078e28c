"""The knowledge writer's copy `work/` as a whole: where it comes from, and how it is published.

`KnowledgeWriter` (`knowledge/writer.py`) gets these methods from `SnapshotPublishing`. They are
kept apart from its document-by-document write path because they act on the whole copy, at the
start and the end of a run, and are what puts things right after a crash:
- opening: an index from before snapshots is moved into `work/` (its pickled keyword index is
  deleted unread); `--rebuild` drops `work/` (with a Chroma server, it names a new collection so
  readers keep the served one meanwhile); a `work/` that cannot be opened is replaced with a copy
  of the last published snapshot;
- `publish()`: commit, check that the store, the keyword index and the manifest hold exactly the
  same chunk ids (`verify_and_repair`, repairing drift), copy `work/` into a new snapshot and flip
  `CURRENT` (the folders and the pointer are `knowledge/snapshots.py`), then, with a server, drop
  the collections of earlier rebuilds that no kept snapshot uses.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import shutil
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from knowledge.keyword_index import KeywordIndex, KeywordIndexWriter
from knowledge.settings import ChromaMode
from knowledge.snapshots import SnapshotError, SnapshotState, folder_bytes, write_atomically

if TYPE_CHECKING:
    from knowledge.korean import KoreanAnalyzer
    from knowledge.manifest import Manifest
    from knowledge.settings import KnowledgeSettings
    from knowledge.snapshots import KnowledgePaths
    from knowledge.store import KnowledgeStore

# the writer's logger: its events keep the logger name they had before this module was split off
log = logging.getLogger("knowledge.writer")


def ids_hash(ids: Iterable[str]) -> str:
    """A snapshot's fingerprint of its chunk ids (order-free), recorded in its state."""
    digest = hashlib.sha256()
    for chunk_id in sorted(ids):
        digest.update(chunk_id.encode())
        digest.update(b"\n")
    return digest.hexdigest()


class SnapshotPublishing:
    """Mixed into `KnowledgeWriter`, whose state (below) and write path these methods use:
    `store`, `embedder_id`, `flush`, `commit`, `check_free_space`, `_keyword_docs`,
    `_open_store`."""

    settings: KnowledgeSettings
    analyzer: KoreanAnalyzer
    paths: KnowledgePaths
    manifest: Manifest
    on_publish: Callable[[SnapshotState], None] | None
    published: SnapshotState | None
    _store: KnowledgeStore | None
    _keyword: KeywordIndexWriter | None
    _changed: bool
    _manifest_dirty: bool
    _needs_publish: bool

    # --- the copy as a whole -------------------------------------------------------------
    def _migrate_legacy(self) -> None:
        """Move an index from before snapshots (data/chroma, data/manifest.json) into work/;
        the old pickled keyword index is deleted unread (a pickle can run code)."""
        data = self.settings.data_dir
        legacy_chroma = data / "chroma"
        if (data / "keyword_index.pkl").exists():
            (data / "keyword_index.pkl").unlink()
            log.info("writer.legacy_pickle_removed")
        if self.paths.work.exists() or not legacy_chroma.is_dir():
            return
        self.paths.work.mkdir(parents=True, exist_ok=True)
        legacy_chroma.rename(self.paths.chroma(self.paths.work))
        if (data / "manifest.json").exists():
            (data / "manifest.json").rename(self.paths.manifest(self.paths.work))
        log.info("writer.legacy_layout_migrated")

    def _drop_work(self) -> None:
        shutil.rmtree(self.paths.work, ignore_errors=True)
        if self.settings.chroma_mode is ChromaMode.HTTP:
            # Readers keep querying the served collection during the rebuild: the writer
            # fills a new one, which the next snapshot names (the old one is dropped once no
            # kept snapshot uses it).
            self.paths.work.mkdir(parents=True, exist_ok=True)
            name = f"{self.settings.collection_name}-r{int(time.time())}"
            write_atomically(self.paths.collection_file, name)

    @property
    def collection_name(self) -> str:
        """The collection the writer's copy is: always the configured one in embedded mode
        (each copy has its own folder); with a server, a rebuild's new one if any."""
        if self.settings.chroma_mode is ChromaMode.HTTP:
            try:
                return self.paths.collection_file.read_text().strip()
            except OSError:
                pass
        return self.settings.collection_name

    def _restore_from_snapshot(self, reason: str) -> bool:
        """Replace a broken `work/` with a copy of the last published snapshot."""
        current = self.paths.read_current()
        if current is None or not self.paths.snapshot(current.snapshot).exists():
            return False
        log.warning("writer.work_restored", extra={"snapshot": current.snapshot,
                                                   "reason": reason[:200]})
        broken = self.paths.root / f"work.broken-{int(time.time())}"
        self.paths.work.rename(broken)
        shutil.copytree(self.paths.snapshot(current.snapshot), self.paths.work)
        shutil.rmtree(broken, ignore_errors=True)
        return True

    # --- publishing ----------------------------------------------------------------------
    def publish(self, *, force: bool = False) -> SnapshotState | None:
        """Check and publish the writer's copy as the new snapshot readers open.

        Does nothing when nothing changed and a snapshot exists (unless `force`)."""
        try:
            current = self.paths.read_current()
        except SnapshotError:  # a damaged pointer: publish a fresh snapshot
            current = None
        stale_snapshot = (current is None or current.embedder != self.embedder_id
                          or not self._snapshot_intact(current))
        if not (self._changed or force or stale_snapshot or self._needs_publish
                or self.paths.writing_marker.exists()):
            if self._manifest_dirty:
                self.commit()
            return None
        self.commit()
        ids = self.verify_and_repair()
        embedded = self.settings.chroma_mode is ChromaMode.EMBEDDED
        name, generation = self.paths.next_name()
        state = SnapshotState(
            snapshot=name, generation=generation, documents=len(self.manifest.files),
            chunks=len(ids), ids_sha256=ids_hash(ids), embedder=self.embedder_id,
            dense_units=self.settings.dense_units.value,
            chroma_mode=self.settings.chroma_mode.value, collection=self.collection_name)
        size = folder_bytes(self.paths.work) if embedded else folder_bytes(
            self.paths.keyword(self.paths.work))
        self.check_free_space(extra_bytes=size)
        # Quiet files only: the keyword writer's background merges replace segment files
        # (and its garbage collection deletes the old ones), and an embedded Chroma client
        # may write; both are closed while their folders are copied, then reopened.
        assert self._keyword is not None
        self._keyword.close()
        self._keyword = None
        if embedded:
            self.store.close()
        try:
            self.paths.publish(state, include_chroma=embedded)
        finally:
            self._keyword = KeywordIndexWriter(self.paths.keyword(self.paths.work),
                                           analysis=self.analyzer.fingerprint)
            if embedded:
                self._store = self._open_store().open(create=True)
        self.paths.writing_marker.unlink(missing_ok=True)
        self._changed = self._needs_publish = False
        removed = self.paths.collect_garbage(self.settings.keep_snapshots,
                                             self.settings.snapshot_grace_seconds)
        if not embedded:
            self._drop_unused_collections()
        log.info("writer.published", extra={"snapshot": name, "chunks": state.chunks,
                                            "documents": state.documents,
                                            "removed_snapshots": removed})
        self.published = state
        if self.on_publish is not None:
            self.on_publish(state)
        return state

    def _drop_unused_collections(self) -> None:
        """With a server: delete collections of earlier rebuilds that no kept snapshot uses."""
        from knowledge.store import UNITS_SUFFIX

        base = self.settings.collection_name
        used = {self.collection_name, *(s.collection or base for s in self.paths.kept_states())}
        used |= {name + UNITS_SUFFIX for name in used}
        for collection in self.store.client.list_collections():
            name = collection if isinstance(collection, str) else collection.name
            ours = name in (base, base + UNITS_SUFFIX) or name.startswith(f"{base}-r")
            if ours and name not in used:
                with contextlib.suppress(Exception):
                    self.store.client.delete_collection(name)
                    log.info("writer.collection_dropped", extra={"collection": name})

    def _snapshot_intact(self, state: SnapshotState) -> bool:
        """A cheap check that the served snapshot can still be opened (files present, the
        Chroma database a SQLite file, the keyword index readable): else it is republished."""
        folder = self.paths.snapshot(state.snapshot)
        try:
            KeywordIndex(self.paths.keyword(folder))
            if state.chroma_mode == ChromaMode.EMBEDDED.value:
                with (self.paths.chroma(folder) / "chroma.sqlite3").open("rb") as fh:
                    if fh.read(16) != b"SQLite format 3\x00":
                        return False
        except Exception:
            return False
        return True

    def verify_and_repair(self) -> list[str]:
        """Make the store, the keyword index and the manifest agree on the chunk ids (after
        writing what is buffered).

        - chunks in the store that no manifest entry names (a document interrupted half-way)
          are deleted: the document keeps its previous version and is redone next run;
        - manifest entries whose chunks are gone from the store are dropped (re-added next run);
        - the keyword index gets exactly the store's chunks (missing ones analysed from the
          store, extra ones deleted).
        Returns the sorted chunk ids of the result."""
        self.flush()
        assert self._keyword is not None
        stored = self.store.all_ids()
        named = {cid for e in self.manifest.files.values() for cid in e.chunk_ids}
        orphans = stored - named
        if orphans:
            log.warning("writer.repair_orphans", extra={"chunks": len(orphans)})
            self.store.delete(sorted(orphans))
            stored -= orphans
        broken = [key for key, e in self.manifest.files.items()
                  if not set(e.chunk_ids) <= stored]
        for key in broken:
            entry = self.manifest.files.pop(key)
            self.store.delete([c for c in entry.chunk_ids if c in stored])
            stored -= set(entry.chunk_ids)
            log.warning("writer.repair_entry_dropped", extra={"source": key})
        keyword_ids = set(KeywordIndex(self.paths.keyword(self.paths.work)).ids())
        missing = stored - keyword_ids
        extra = keyword_ids - stored
        if extra:
            self._keyword.delete(sorted(extra))
        if missing:
            log.info("writer.keyword_rebuild", extra={"chunks": len(missing)})
            todo = sorted(missing)
            for start in range(0, len(todo), 2000):
                found = self.store.get_chunks(todo[start : start + 2000])
                self._keyword_docs(list(found.values()))
        if orphans or broken or missing or extra:
            self.commit()
        return sorted(stored)
