"""The vector store: one Chroma collection, written through langchain-chroma.

Two layouts, chosen by `dense_units` when the index is created (and recorded in it):
- `chunk`: one vector per chunk, written through langchain-chroma's `Chroma`, which embeds with
  our LangChain `Embeddings`.
- `sentence` (default): one vector per sentence of each chunk ("title > section\nsentence"),
  kept in a second collection `<name>__units` whose records point at their chunk; a chunk's
  dense score is its best sentence's (small-to-big retrieval: match a sentence, return its
  chunk). The chunk collection still holds every chunk's text and metadata, with the mean of
  its sentence vectors as its vector. On KorQuAD this took dense recall@1 from 0.758 to 0.893,
  on AutoRAG-ko from 0.614 to 0.719 (benchmarks/README.md). Vectors are computed up front, so
  both collections are written with chromadb directly.
Reads (search) query chromadb directly with the query vector the searcher already computed,
without importing langchain-chroma (~0.5 s of every cold `startupbot ask`).

The collection's metadata records which embedder (and dimension) built it. Which copy of the
store a process opens (the writer's `work/` folder or a published snapshot) is decided by
`knowledge/snapshots.py`; this module only reads and writes the folder or server it is given.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from knowledge.embeddings import NamedEmbeddings
from knowledge.errors import StoreError
from knowledge.models import Chunk, DocumentInfo
from knowledge.settings import ChromaMode, DenseUnits, KnowledgeSettings

if TYPE_CHECKING:
    from langchain_chroma import Chroma

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
UNITS_SUFFIX = "__units"
SENTENCE_FANOUT = 4
SentenceSplitter = Callable[[str], list[str]]




class IndexMissingError(StoreError):
    pass


class EmbedderMismatchError(StoreError):
    pass


class ChromaUnreachableError(StoreError):
    """The configured `chroma run` server does not answer."""


class StoreCorruptError(StoreError):
    """The Chroma folder cannot be opened (corrupt or from another version)."""


def build_chroma_client(settings: KnowledgeSettings,
                        path: Path | None = None) -> chromadb.ClientAPI:
    """Embedded persistent Chroma in `path` (default: the writer's folder) by default; a
    `chroma run` server when configured."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_mode is ChromaMode.HTTP:
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host,
                port=settings.chroma_port,
                ssl=settings.chroma_ssl,
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises ValueError for "could not connect"
            raise ChromaUnreachableError(
                f"Chroma 서버({settings.chroma_host}:{settings.chroma_port})에 연결할 수 "
                f"없습니다 ({type(exc).__name__}). 서버를 시작하거나(`chroma run --path …`) "
                "STARTUPBOT_CHROMA_HOST/PORT 를 확인하세요. 내장 색인을 쓰려면 "
                "STARTUPBOT_CHROMA_MODE=embedded.") from exc
    path = path or settings.chroma_dir
    path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # a corrupt sqlite file or segment: chromadb raises many kinds
        # chromadb keeps the half-built system of a failed open cached per path, so a later
        # client on the same path (after the writer restored it) would get the broken one.
        # Clearing the cache only forgets systems; open clients keep theirs.
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
        raise StoreCorruptError(
            f"벡터 색인 폴더({path})를 열 수 없습니다: {type(exc).__name__}: {exc}. "
            "`startupbot ingest`가 마지막 공개본에서 복구하며, 그래도 안 되면 "
            "`startupbot ingest --rebuild`로 다시 만드세요.") from exc


class KnowledgeStore:
    """Chunks with their embeddings, searchable by meaning and filterable by metadata."""

    def __init__(self, client: chromadb.ClientAPI, collection_name: str,
                 embeddings: NamedEmbeddings, *, dense_units: DenseUnits = DenseUnits.CHUNK,
                 sentences: SentenceSplitter | None = None) -> None:
        if dense_units is DenseUnits.SENTENCE and sentences is None:
            raise ValueError("dense_units=sentence needs a sentence splitter")
        self.client = client
        self.collection_name = collection_name
        self.units_name = collection_name + UNITS_SUFFIX
        self.embeddings = embeddings
        self.dense_units = dense_units
        self.split_sentences = sentences
        self._vectorstore: Chroma | None = None
        self._collection: Any = None
        self._units: Any = None

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
        units = metadata.get("dense_units", DenseUnits.CHUNK.value)
        if units != self.dense_units.value:
            raise EmbedderMismatchError(
                f"색인은 벡터 단위 '{units}'로 만들어졌는데, 지금 설정(STARTUPBOT_DENSE_UNITS)은 "
                f"'{self.dense_units.value}'입니다. 설정을 되돌리거나 "
                "`startupbot ingest --rebuild`로 색인을 다시 만드세요. "
                f"(index built with dense_units={units}; configured {self.dense_units.value})"
            )

    def open(self, *, create: bool = False, rebuild: bool = False) -> KnowledgeStore:
        """Open the collection; refuse one built by another embedder.

        `create` makes an empty collection when none exists (ingest); `rebuild` drops the old
        collection first (after an embedder change).
        """
        if rebuild and self.exists():
            self.client.delete_collection(self.collection_name)
            self._drop_units()
        if not self.exists():
            if not create:
                raise IndexMissingError(
                    "색인이 아직 없습니다. `startupbot ingest`로 문서를 먼저 수집하세요."
                )
            metadata = {
                "embedder": self.embeddings.embedder_id,
                "dimension": self.embeddings.dimension(),
                "schema": SCHEMA_VERSION,
                "dense_units": self.dense_units.value,
            }
            self._drop_units()  # left over from a collection deleted by hand
            self.client.create_collection(
                self.collection_name,
                metadata=metadata,
                configuration={"hnsw": {"space": "cosine"}},
            )
        collection = self.client.get_collection(self.collection_name)
        self._check_embedder(collection.metadata)
        self._collection = collection
        self._vectorstore = None
        if self.dense_units is DenseUnits.SENTENCE:
            self._units = self.client.get_or_create_collection(
                self.units_name, configuration={"hnsw": {"space": "cosine"}})
        return self

    def _drop_units(self) -> None:
        # not there: NotFoundError / ValueError depending on the chromadb version
        with contextlib.suppress(Exception):
            self.client.delete_collection(self.units_name)

    @property
    def is_open(self) -> bool:
        return self._collection is not None

    @property
    def vectorstore(self) -> Chroma:
        """langchain-chroma's view of the collection, for writing (imported on first use)."""
        if self._vectorstore is None:
            from langchain_chroma import Chroma

            self.collection  # noqa: B018  (opens and checks the collection first)
            self._vectorstore = Chroma(
                client=self.client,
                collection_name=self.collection_name,
                embedding_function=self.embeddings,  # type: ignore[arg-type]
                create_collection_if_not_exists=False,
            )
        return self._vectorstore

    @property
    def collection(self) -> Any:
        if self._collection is None:
            self.open()
        return self._collection

    @property
    def units(self) -> Any:
        """The sentence-vector collection (`dense_units=sentence` only)."""
        if self._collection is None:
            self.open()
        return self._units

    # --- metadata ----------------------------------------------------------------------------
    def metadata(self) -> dict[str, Any]:
        return dict(self.client.get_collection(self.collection_name).metadata or {})

    # --- writing -----------------------------------------------------------------------------
    def upsert(self, chunks: list[Chunk]) -> None:
        """Embed and write chunks. Embedding happens first, so a failure writes nothing."""
        if not chunks:
            return
        self._check_dimension()
        if self.dense_units is DenseUnits.CHUNK:
            self.vectorstore.add_texts(
                texts=[c.embedding_text() for c in chunks],
                metadatas=[{**c.metadata(), "text": c.text} for c in chunks],
                ids=[c.id for c in chunks],
            )
            return
        units, vectors = self.embed(chunks)
        self.write(chunks, units, vectors)

    def embed(self, chunks: Sequence[Chunk]) -> tuple[list[list[str]], np.ndarray]:
        """The sentence texts of `chunks` and their vectors (nothing is written): the writer
        embeds each document at once and writes several together."""
        self._check_dimension()
        units = self.unit_texts(chunks)
        flat = [text for texts in units for text in texts]
        return units, np.asarray(self.embeddings.embed_documents(flat), dtype=np.float32)

    def unit_texts(self, chunks: Sequence[Chunk]) -> list[list[str]]:
        """The texts embedded for each chunk: "title > section" and one sentence each (the
        chunker's own sentences and list lines when the chunk carries them)."""
        assert self.split_sentences is not None
        out = []
        for chunk in chunks:
            head = " > ".join(p for p in (chunk.title, chunk.section) if p)
            sentences = chunk.sentences or self.split_sentences(chunk.text) or [chunk.text]
            out.append([f"{head}\n{s}" if head else s for s in sentences])
        return out

    def write(self, chunks: Sequence[Chunk], units: Sequence[Sequence[str]],
              vectors: np.ndarray, *, batch: int = 5000) -> None:
        """Write chunks with precomputed sentence vectors (`vectors` holds the units of every
        chunk in order). Used by `upsert`, and by the evaluation and benchmarks, which bring
        cached or synthetic vectors."""
        if self.dense_units is not DenseUnits.SENTENCE:
            raise ValueError("write() takes sentence vectors; this index has one per chunk")
        counts = [len(u) for u in units]
        if sum(counts) != len(vectors):
            raise ValueError(f"{sum(counts)} unit texts but {len(vectors)} vectors")
        for chunk, count in zip(chunks, counts, strict=True):
            chunk.vectors = count  # the caller's keyword index records it (see `cosines`)
        self.delete_units([c.id for c in chunks])
        bounds = np.cumsum([0, *counts])
        means = np.stack([vectors[a:b].mean(axis=0) for a, b in pairwise(bounds)])
        means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
        # Sentence records hold no document text (the chunk has it): Chroma would index it for
        # full-text search, which costs ~30 % of the write and is never used.
        unit_ids, unit_meta = [], []
        for chunk, texts in zip(chunks, units, strict=True):
            for n in range(len(texts)):
                unit_ids.append(f"{chunk.id}#{n}")
                unit_meta.append({"chunk_id": chunk.id, "doc_id": chunk.doc_id,
                                  "category": chunk.category})
        step = max(1, min(batch, self.client.get_max_batch_size()))
        for start in range(0, len(unit_ids), step):
            end = start + step
            self.units.upsert(ids=unit_ids[start:end], embeddings=vectors[start:end],
                              metadatas=unit_meta[start:end])
        for start in range(0, len(chunks), step):
            part = chunks[start : start + step]
            self.collection.upsert(
                ids=[c.id for c in part], embeddings=means[start : start + len(part)],
                metadatas=[{**c.metadata(), "text": c.text, "vectors": counts[start + i]}
                           for i, c in enumerate(part)],
                documents=[c.embedding_text() for c in part],
            )

    def write_chunk_vectors(self, chunks: Sequence[Chunk], vectors: np.ndarray, *,
                            batch: int = 5000) -> None:
        """Write chunks with one precomputed vector each (`dense_units=chunk`)."""
        step = max(1, min(batch, self.client.get_max_batch_size()))
        for start in range(0, len(chunks), step):
            part = chunks[start : start + step]
            self.collection.upsert(
                ids=[c.id for c in part],
                embeddings=vectors[start : start + len(part)],
                metadatas=[{**c.metadata(), "text": c.text} for c in part],
                documents=[c.embedding_text() for c in part],
            )

    def delete_units(self, chunk_ids: list[str]) -> None:
        if chunk_ids and self.units is not None:
            self.units.delete(where={"chunk_id": {"$in": chunk_ids}})

    def _check_dimension(self) -> None:
        expected = self.metadata().get("dimension")
        if expected and int(expected) != self.embeddings.dimension():
            raise EmbedderMismatchError(
                f"색인 차원({expected})과 임베더 차원({self.embeddings.dimension()})이 다릅니다. "
                "`startupbot ingest --rebuild`로 다시 만드세요."
            )

    def delete(self, ids: list[str]) -> None:
        if ids:
            self.collection.delete(ids=ids)
            self.delete_units(ids)

    # --- reading -----------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.collection.count())

    def all_ids(self, page_size: int = 5000) -> set[str]:
        """Every chunk id in the collection (the writer's consistency check)."""
        ids: set[str] = set()
        offset = 0
        while True:
            got = self.collection.get(include=[], limit=page_size, offset=offset)
            if not got["ids"]:
                return ids
            ids.update(got["ids"])
            offset += len(got["ids"])

    def close(self) -> None:
        """Release the client (an embedded store's files can then be copied or removed)."""
        self._collection = self._units = self._vectorstore = None
        with contextlib.suppress(Exception):
            self.client.close()

    def ids_for_doc(self, doc_id: str) -> list[str]:
        got = self.collection.get(where={"doc_id": doc_id}, include=[])
        return list(got["ids"])

    def ids_for_docs(self, doc_ids: Sequence[str]) -> dict[str, list[str]]:
        """Chunk ids of several documents in one query."""
        out: dict[str, list[str]] = {d: [] for d in doc_ids}
        if not doc_ids:
            return out
        where = {"doc_id": doc_ids[0]} if len(doc_ids) == 1 else {"doc_id": {"$in": list(
            doc_ids)}}
        got = self.collection.get(where=where, include=["metadatas"])
        for chunk_id, meta in zip(got["ids"], got["metadatas"], strict=True):
            out.setdefault(str((meta or {}).get("doc_id", "")), []).append(chunk_id)
        return out

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
        vector = query_vector if query_vector is not None else self.embeddings.embed_query(query)
        ranked = self.dense_ids(vector, k, category)
        chunks = self.get_chunks([cid for cid, _ in ranked])
        return [(chunks[cid], score) for cid, score in ranked if cid in chunks]

    def dense_ids(self, vector: Sequence[float], k: int,
                  category: str | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine) of the k nearest chunks, best first, without fetching them (the
        searcher fetches every candidate in one call). With sentence vectors it asks for
        `SENTENCE_FANOUT` x k sentences and scores each chunk by its best one; Chroma returns
        fewer results when the index is smaller, so no count is needed."""
        where = {"category": category} if category else None
        if self.dense_units is DenseUnits.SENTENCE:
            got = self.units.query(query_embeddings=[vector], n_results=k * SENTENCE_FANOUT,
                                   where=where, include=["metadatas", "distances"])
            best: dict[str, float] = {}
            for meta, distance in zip(got["metadatas"][0], got["distances"][0], strict=True):
                best.setdefault(str(meta["chunk_id"]), 1.0 - float(distance))  # best first
            return list(best.items())[:k]
        got = self.collection.query(query_embeddings=[vector], n_results=k, where=where,
                                    include=["distances"])
        return [(str(cid), 1.0 - float(distance))
                for cid, distance in zip(got["ids"][0], got["distances"][0], strict=True)]

    def cosines(self, ids: list[str], vector: Sequence[float],
                vector_counts: Mapping[str, int] | None = None) -> dict[str, float]:
        """Cosine similarity of the query to each chunk in `ids` (for candidates found by
        keyword search only): its best sentence's, or its own vector's. With each chunk's
        number of sentence vectors known (`vector_counts`, kept by the keyword index) they are
        read by id, 2-3x faster than filtering on `chunk_id` at 10k chunks."""
        if not ids:
            return {}
        q = np.asarray(vector, dtype=np.float32)
        q /= np.linalg.norm(q) or 1.0
        if self.dense_units is DenseUnits.SENTENCE:
            counts = {cid: (vector_counts or {}).get(cid, 0) for cid in ids}
            if all(counts.values()):
                got = self.units.get(ids=[f"{cid}#{n}" for cid, count in counts.items()
                                          for n in range(count)], include=["embeddings"])
                owners = [uid.rsplit("#", 1)[0] for uid in got["ids"]]
            else:
                got = self.units.get(where={"chunk_id": {"$in": ids}},
                                     include=["embeddings", "metadatas"])
                owners = [str(m["chunk_id"]) for m in got["metadatas"]]
        else:
            got = self.collection.get(ids=ids, include=["embeddings"])
            owners = list(got["ids"])
        if not owners:
            return {}
        matrix = np.asarray(got["embeddings"], dtype=np.float32)
        sims = matrix @ q / np.maximum(np.linalg.norm(matrix, axis=1), 1e-12)
        out: dict[str, float] = {}
        for owner, sim in zip(owners, sims.tolist(), strict=True):
            if sim > out.get(owner, -2.0):
                out[owner] = sim
        return out

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
