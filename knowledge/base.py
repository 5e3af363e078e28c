"""`KnowledgeBase`: what the bot knows, read from the newest published snapshot, and the door to
the one writer.

Readers never write. A reader opens the snapshot that `CURRENT` names (its own Chroma copy in
embedded mode, the shared server in http mode, and the snapshot's keyword index, both read-only)
and checks `CURRENT` again at most every `reader_check_seconds`. When staff publish a new
snapshot from another process, the next question after that check opens it next to the old one
and swaps; questions already running finish on the old one, which is closed a little later.

Nothing is opened at import or construction: the Kiwi model, the embedder and the Chroma client
are created the first time they are needed, so `startupbot --help` stays instant and tests can
pass in their own parts.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import cached_property
from typing import TYPE_CHECKING

from knowledge.korean import DEFAULT_USER_DICTIONARY, KoreanAnalyzer
from knowledge.settings import ChromaMode, KnowledgeSettings
from knowledge.snapshots import KnowledgePaths, SnapshotError, SnapshotState

if TYPE_CHECKING:
    from knowledge.embeddings import NamedEmbeddings
    from knowledge.keyword_index import KeywordIndex
    from knowledge.manifest import Manifest
    from knowledge.search import HybridSearcher
    from knowledge.status import KnowledgeStatus
    from knowledge.store import KnowledgeStore
    from knowledge.writer import KnowledgeWriter

log = logging.getLogger(__name__)

# Chroma, LangChain and tantivy are imported where first needed (store, keyword index), not
# here: they take ~2 s to import, and `prefetch()` can load Kiwi in the meantime (cold `ask`).

OLD_SNAPSHOT_CLOSE_SECONDS = 30.0


class Snapshot:
    """One published snapshot opened for reading: its store, keyword index and manifest."""

    def __init__(self, state: SnapshotState, store: KnowledgeStore,
                 keyword: KeywordIndex, paths: KnowledgePaths) -> None:
        self.state = state
        self.store = store
        self.keyword = keyword
        self._paths = paths

    @property
    def folder(self):
        return self._paths.snapshot(self.state.snapshot)

    @cached_property
    def manifest(self) -> Manifest:
        from knowledge.manifest import Manifest

        return Manifest.load(self._paths.manifest(self.folder))

    def close(self) -> None:
        self.store.close()


class KnowledgeBase:
    def __init__(self, settings: KnowledgeSettings, *, analyzer: KoreanAnalyzer | None = None,
                 embeddings: NamedEmbeddings | None = None) -> None:
        self.settings = settings
        self.paths = KnowledgePaths(settings.knowledge_dir)
        self._lock = threading.RLock()
        self._analyzer = analyzer
        self._analyzer_lock = threading.Lock()
        self._embeddings = embeddings
        self._snapshot: Snapshot | None = None
        self._stamp: tuple[int, int] | None = None
        self._checked_at: float | None = None
        self._analyzer_thread: threading.Thread | None = None

    # --- shared parts --------------------------------------------------------------------
    def prefetch(self) -> None:
        """Start loading the Kiwi model in the background (about a second, mostly outside the
        GIL) while the caller imports Chroma and opens the store: cuts cold-start time."""
        if self._analyzer is not None or self._analyzer_thread is not None:
            return
        self._analyzer_thread = threading.Thread(target=lambda: self.analyzer, daemon=True)
        self._analyzer_thread.start()

    @property
    def analyzer(self) -> KoreanAnalyzer:
        if self._analyzer is None:
            with self._analyzer_lock:
                if self._analyzer is None:
                    self._analyzer = self._build_analyzer()
        return self._analyzer

    def _build_analyzer(self) -> KoreanAnalyzer:
        dictionaries = [DEFAULT_USER_DICTIONARY]
        if self.settings.user_dictionary:
            dictionaries.append(self.settings.user_dictionary)
        return KoreanAnalyzer(dictionaries)

    @property
    def embeddings(self) -> NamedEmbeddings:
        if self._embeddings is None:
            from knowledge.embeddings import build_embeddings

            with self._lock:
                if self._embeddings is None:
                    self._embeddings = build_embeddings(self.settings)
        return self._embeddings

    # --- writing -------------------------------------------------------------------------
    def writer(self) -> KnowledgeWriter:
        """The one writer (open it with `with kb.writer() as w:` or `.open(wait=...)`)."""
        from knowledge.writer import KnowledgeWriter

        return KnowledgeWriter(self.settings, self.analyzer, lambda: self.embeddings,
                               on_publish=lambda state: self.refresh())

    # --- reading -------------------------------------------------------------------------
    def current(self) -> Snapshot:
        """The newest published snapshot, opened (raises IndexMissingError when there is
        none yet, StoreError/KeywordIndexError when it cannot be opened)."""
        with self._lock:
            now = time.monotonic()
            due = (self._snapshot is None or self._checked_at is None
                   or now - self._checked_at >= self.settings.reader_check_seconds)
            if due:
                self._checked_at = now
                stamp = self.paths.current_stamp()
                if self._snapshot is None or stamp != self._stamp:
                    self._follow(stamp)
            if self._snapshot is None:
                from knowledge.store import IndexMissingError

                raise IndexMissingError(
                    "색인이 아직 없습니다. `startupbot ingest`로 문서를 먼저 수집하세요.")
            return self._snapshot

    def _follow(self, stamp: tuple[int, int] | None) -> None:
        state = self.paths.read_current()
        if state is None:
            return
        if self._snapshot is not None and state.snapshot == self._snapshot.state.snapshot:
            self._stamp = stamp
            return
        try:
            fresh = self._open_snapshot(state)
        except Exception as exc:
            if self._snapshot is None:
                raise
            # keep answering from the snapshot we have; the next check tries again
            log.warning("knowledge.snapshot_open_failed",
                        extra={"snapshot": state.snapshot, "error": str(exc)[:300]})
            return
        old, self._snapshot, self._stamp = self._snapshot, fresh, stamp
        log.info("knowledge.snapshot_opened", extra={"snapshot": state.snapshot,
                                                     "chunks": state.chunks})
        if old is not None:
            timer = threading.Timer(OLD_SNAPSHOT_CLOSE_SECONDS, old.close)
            timer.daemon = True
            timer.start()

    def _open_snapshot(self, state: SnapshotState) -> Snapshot:
        from knowledge.keyword_index import KeywordIndex, analysis_of
        from knowledge.store import KnowledgeStore, build_chroma_client

        folder = self.paths.snapshot(state.snapshot)
        if not folder.exists():
            raise SnapshotError(
                f"공개된 색인 {folder}이(가) 없습니다. `startupbot ingest`를 실행하세요.")
        chroma = self.paths.chroma(folder) if state.chroma_mode == ChromaMode.EMBEDDED.value \
            else None
        if chroma is not None and not chroma.exists():
            raise SnapshotError(
                f"공개된 색인 {folder}에 벡터 색인이 없습니다 (다른 모드로 만든 색인). "
                "`startupbot ingest --rebuild`를 실행하세요.")
        store = KnowledgeStore(
            build_chroma_client(self.settings, chroma),
            state.collection or self.settings.collection_name,
            self.embeddings, dense_units=self.settings.dense_units,
            sentences=self.analyzer.sentences)
        try:
            store.open()
            keyword = KeywordIndex(self.paths.keyword(folder))
        except BaseException:
            store.close()
            raise
        written_with = analysis_of(self.paths.keyword(folder))
        if written_with is not None and written_with != self.analyzer.fingerprint:
            # served as it is (search still works) until the next ingest re-derives the terms
            log.warning("knowledge.keyword_terms_outdated",
                        extra={"snapshot": state.snapshot, "index": written_with,
                               "analyzer": self.analyzer.fingerprint})
        return Snapshot(state, store, keyword, self.paths)

    def refresh(self) -> None:
        """Look for a newer snapshot on the next read (after this process published)."""
        with self._lock:
            self._checked_at = None
            self._stamp = None

    @property
    def store(self) -> KnowledgeStore:
        return self.current().store

    def keyword_index(self) -> KeywordIndex:
        return self.current().keyword

    def searcher(self) -> HybridSearcher:
        """A searcher over the newest snapshot (raises if there is none)."""
        from knowledge.search import FusionConfig, HybridSearcher

        snapshot = self.current()
        return HybridSearcher(snapshot.store, snapshot.keyword, self.analyzer,
                              FusionConfig.from_settings(self.settings))

    def status(self) -> KnowledgeStatus:
        from knowledge.status import knowledge_status

        return knowledge_status(self)

    def close(self) -> None:
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.close()
                self._snapshot = None
