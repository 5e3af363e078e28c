"""`KnowledgeBase`: the parts that make up what the bot knows, built from settings on demand.

Nothing is opened at import or construction: the Kiwi model, the embedder and the Chroma client
are created the first time they are needed, so `startupbot --help` stays instant and tests can
pass in their own parts.
"""

from __future__ import annotations

import threading
import time
from functools import cached_property
from typing import TYPE_CHECKING

from knowledge.korean import DEFAULT_USER_DICTIONARY, KoreanAnalyzer
from knowledge.settings import Settings

if TYPE_CHECKING:
    from knowledge.keyword_index import KeywordIndex
    from knowledge.search import HybridSearcher
    from knowledge.store import KnowledgeStore

# Chroma, LangChain and bm25s are imported where first needed (store, keyword index), not
# here: they take ~2 s to import, and `prefetch()` can load Kiwi in the meantime (cold `ask`).


SYNC_CHECK_SECONDS = 2.0


class KnowledgeBase:
    def __init__(self, settings: Settings, *, analyzer: KoreanAnalyzer | None = None,
                 store: KnowledgeStore | None = None) -> None:
        self.settings = settings
        self._lock = threading.RLock()
        self._analyzer = analyzer
        self._analyzer_lock = threading.Lock()
        if store is not None:
            self.__dict__["store"] = store
        self._keyword_index: KeywordIndex | None = None
        self._checked_at: float | None = None
        self._analyzer_thread: threading.Thread | None = None

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

    @cached_property
    def store(self) -> KnowledgeStore:
        from knowledge.embeddings import build_embeddings
        from knowledge.store import KnowledgeStore, build_chroma_client

        return KnowledgeStore(
            build_chroma_client(self.settings),
            self.settings.collection_name,
            build_embeddings(self.settings),
            dense_units=self.settings.dense_units,
            sentences=lambda text: self.analyzer.sentences(text),
        )

    def keyword_index(self) -> KeywordIndex:
        """The keyword index, loaded from disk and brought in line with the store.

        The check against the store (its generation and chunk count: two Chroma calls, ~2 ms)
        runs at most every `SYNC_CHECK_SECONDS`, not on every question: another process's
        ingest shows up within that time, and this process's own ingest or /reingest calls
        `reload_keyword_index`, which forces the check."""
        from knowledge.keyword_index import KeywordIndex
        from knowledge.search import sync_keyword_index

        with self._lock:
            if self._keyword_index is None:
                self._keyword_index = KeywordIndex.load(self.settings.keyword_index_path)
                self._checked_at = None
            now = time.monotonic()
            if self._checked_at is None or now - self._checked_at >= SYNC_CHECK_SECONDS:
                self._keyword_index = sync_keyword_index(
                    self.store, self._keyword_index, self.analyzer,
                    self.settings.keyword_index_path)
                self._checked_at = now
            return self._keyword_index

    def reload_keyword_index(self) -> None:
        """Forget the in-memory keyword index (after another process ingested)."""
        with self._lock:
            self._keyword_index = None
            self._checked_at = None

    def searcher(self) -> HybridSearcher:
        """A searcher over the current index; opens the store (raises if there is none)."""
        from knowledge.search import FusionConfig, HybridSearcher

        if not self.store.is_open:
            self.store.open()
        return HybridSearcher(self.store, self.keyword_index(), self.analyzer,
                              FusionConfig.from_settings(self.settings))
