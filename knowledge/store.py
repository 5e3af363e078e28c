"""The vector store: one Chroma collection, reached through langchain-chroma.

The collection's metadata records which embedder (and dimension) built it and a `generation`
counter bumped after every ingest; the keyword index stores the generation it was built from,
which is how search notices that the two have drifted apart.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma

from knowledge.embeddings import NamedEmbeddings
from knowledge.models import Chunk, DocumentInfo
from knowledge.settings import ChromaMode, Settings

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1


class StoreError(Exception):
    """A problem with the index that staff must act on; the message says what to do."""


class IndexMissingError(StoreError):
    pass


class EmbedderMismatchError(StoreError):
    pass


def build_chroma_client(settings: Settings) -> chromadb.ClientAPI:
    """Embedded persistent Chroma by default; a `chroma run` server when configured."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_mode is ChromaMode.HTTP:
        return chromadb.HttpClient(
            host=settings.chroma_host,
            port=settings.chroma_port,
            ssl=settings.chroma_ssl,
            settings=chroma_settings,
        )
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


class KnowledgeStore:
    """Chunks with their embeddings, searchable by meaning and filterable by metadata."""

    def __init__(self, client: chromadb.ClientAPI, collection_name: str,
                 embeddings: NamedEmbeddings) -> None:
        self.client = client
        self.collection_name = collection_name
        self.embeddings = embeddings
        self._vectorstore: Chroma | None = None
        self._collection: Any = None

    # --- opening ---------------------------------------------------------------------------
    def exists(self) -> bool:
        try:
            self.client.get_collection(self.collection_name)
        except Exception:  # chromadb raises NotFoundError / ValueError depending on version
            return False
        return True

    def _check_embedder(self, metadata: dict[str, Any] | None) -> None:
        metadata = metadata or {}
        built_with = metadata.get("embedder")
        if built_with and built_with != self.embeddings.embedder_id:
            raise EmbedderMismatchError(
                f"색인은 '{built_with}' 임베더로 만들어졌는데, 지금 설정은 "
                f"'{self.embeddings.embedder_id}'입니다. 설정을 되돌리거나 "
                "`startupbot ingest --rebuild`로 색인을 다시 만드세요. "
                f"(index built with {built_with}; configured {self.embeddings.embedder_id})"
            )

    def open(self, *, create: bool = False, rebuild: bool = False) -> KnowledgeStore:
        """Open the collection; refuse one built by another embedder.

        `create` makes an empty collection when none exists (ingest); `rebuild` drops the old
        collection first (after an embedder change).
        """
        if rebuild and self.exists():
            self.client.delete_collection(self.collection_name)
        if not self.exists():
            if not create:
                raise IndexMissingError(
                    "색인이 아직 없습니다. `startupbot ingest`로 문서를 먼저 수집하세요."
                )
            metadata = {
                "embedder": self.embeddings.embedder_id,
                "dimension": self.embeddings.dimension(),
                "generation": 0,
                "schema": SCHEMA_VERSION,
            }
            self.client.create_collection(
                self.collection_name,
                metadata=metadata,
                configuration={"hnsw": {"space": "cosine"}},
            )
        collection = self.client.get_collection(self.collection_name)
        self._check_embedder(collection.metadata)
        self._collection = collection
        self._vectorstore = Chroma(
            client=self.client,
            collection_name=self.collection_name,
            embedding_function=self.embeddings,  # type: ignore[arg-type]
            create_collection_if_not_exists=False,
        )
        return self

    @property
    def is_open(self) -> bool:
        return self._vectorstore is not None

    @property
    def vectorstore(self) -> Chroma:
        if self._vectorstore is None:
            self.open()
        assert self._vectorstore is not None
        return self._vectorstore

    @property
    def collection(self) -> Any:
        if self._collection is None:
            self.open()
        return self._collection

    # --- metadata ----------------------------------------------------------------------------
    def metadata(self) -> dict[str, Any]:
        return dict(self.client.get_collection(self.collection_name).metadata or {})

    @property
    def generation(self) -> int:
        return int(self.metadata().get("generation", 0))

    def bump_generation(self) -> int:
        """Mark that the content changed; returns the new generation."""
        metadata = self.metadata()
        metadata["generation"] = int(metadata.get("generation", 0)) + 1
        self.collection.modify(metadata=metadata)
        return metadata["generation"]

    # --- writing -----------------------------------------------------------------------------
    def upsert(self, chunks: list[Chunk]) -> None:
        """Embed and write chunks. Embedding happens first, so a failure writes nothing."""
        if not chunks:
            return
        self._check_dimension()
        self.vectorstore.add_texts(
            texts=[c.embedding_text() for c in chunks],
            metadatas=[{**c.metadata(), "text": c.text} for c in chunks],
            ids=[c.id for c in chunks],
        )

    def _check_dimension(self) -> None:
        expected = self.metadata().get("dimension")
        if expected and int(expected) != self.embeddings.dimension():
            raise EmbedderMismatchError(
                f"색인 차원({expected})과 임베더 차원({self.embeddings.dimension()})이 다릅니다. "
                "`startupbot ingest --rebuild`로 다시 만드세요."
            )

    def delete(self, ids: list[str]) -> None:
        if ids:
            self.vectorstore.delete(ids=ids)

    # --- reading -----------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.collection.count())

    def ids_for_doc(self, doc_id: str) -> list[str]:
        got = self.collection.get(where={"doc_id": doc_id}, include=[])
        return list(got["ids"])

    def iter_chunks(self, page_size: int = 2000) -> Iterator[Chunk]:
        """Every chunk in the collection, paged (used to rebuild the keyword index)."""
        offset = 0
        while True:
            got = self.collection.get(include=["metadatas"], limit=page_size, offset=offset)
            ids = got["ids"]
            if not ids:
                return
            for chunk_id, meta in zip(ids, got["metadatas"], strict=True):
                yield Chunk.from_store(chunk_id, str(meta.get("text", "")), meta)
            offset += len(ids)

    def get_chunks(self, ids: list[str]) -> dict[str, Chunk]:
        if not ids:
            return {}
        got = self.collection.get(ids=ids, include=["metadatas"])
        return {
            cid: Chunk.from_store(cid, str(meta.get("text", "")), meta)
            for cid, meta in zip(got["ids"], got["metadatas"], strict=True)
        }

    def dense_search(self, query: str, k: int, category: str | None = None,
                     query_vector: list[float] | None = None) -> list[tuple[Chunk, float]]:
        """Nearest chunks by cosine similarity (1 - cosine distance), best first."""
        if self.count() == 0:
            return []
        vector = query_vector if query_vector is not None else self.embeddings.embed_query(query)
        where = {"category": category} if category else None
        results = self.vectorstore.similarity_search_by_vector_with_relevance_scores(
            vector, k=min(k, self.count()), filter=where
        )
        hits = []
        for doc, distance in results:
            meta = dict(doc.metadata)
            hits.append((Chunk.from_store(str(doc.id), str(meta.get("text", "")), meta),
                         1.0 - float(distance)))
        return hits

    def documents(self) -> list[DocumentInfo]:
        """Indexed documents with their chunk counts, sorted by title."""
        docs: dict[str, DocumentInfo] = {}
        for chunk in self.iter_chunks():
            info = docs.get(chunk.doc_id)
            if info is None:
                info = docs[chunk.doc_id] = DocumentInfo(
                    doc_id=chunk.doc_id, title=chunk.title, source=chunk.source,
                    category=chunk.category, facts_as_of=chunk.facts_as_of, url=chunk.url,
                )
            info.chunks += 1
        return sorted(docs.values(), key=lambda d: (d.category, d.title))
