"""Keyword search on an on-disk tantivy index: BM25 over Kiwi morphemes and BM25 over character
n-grams, two fields of the same chunk documents.

Why tantivy (replacing a pickle rebuilt into bm25s models in every process): the writer adds and
deletes single chunks and commits; readers open the folder read-only, memory-mapped, in
milliseconds, whatever the index size, and never rebuild anything. A pickle also ran code on
load, so write access to the data folder meant code execution; tantivy's files are data.

The terms are pre-tokenised by us (Kiwi morphemes and their noun compounds, character unigrams
and bigrams) and joined with spaces into fields tokenised on whitespace, so tantivy sees exactly
the tokens the searcher queries with. Tantivy scores with BM25 at k1 = 1.2, b = 0.75 (fixed); on
AutoRAG-ko the bm25s model it replaces used k1 = 0.9, b = 0.4 (benchmarks/README.md compares
them inside the hybrid).

Schema (one tantivy document per chunk):
- `id`        raw, stored: the chunk id;
- `key`       i64 fast field: a hash of the id, so scores can be matched to candidates found by
              other retrievers without fetching stored documents;
- `category`  raw: for filtering;
- `terms`     Kiwi terms (stored, so the answerer can reuse a chunk's terms);
- `grams`     character n-grams;
- `vectors`   i64 stored: the chunk's number of sentence vectors in the store.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Bumped when the schema or the tokens change: an index of another format is rebuilt by the
# writer from the store.
FORMAT_VERSION = 6
FORMAT_FILE = "FORMAT"
# The analyser fingerprint the terms were made with (KoreanAnalyzer.fingerprint).
ANALYSIS_FILE = "ANALYSIS"
# Hits collected per query: every candidate of the other retrievers that ranks below this gets
# a keyword score of 0 (its BM25 would be a sliver of the best one after normalisation).
DEFAULT_LIMIT = 1000
WRITER_HEAP_BYTES = 64 * 1024 * 1024

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


class KeywordIndexError(Exception):
    """The keyword index folder cannot be opened; the message says what to run."""


def char_grams(text: str) -> list[str]:
    """Character unigrams and bigrams inside each word (lower-cased), the usual Korean n-gram
    tokenization: "전문은행" -> 전, 문, 은, 행, 전문, 문은, 은행."""
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        out.extend(word)
        out.extend(word[i : i + 2] for i in range(len(word) - 1))
    return out


def _token(term: str) -> str:
    """A term as one whitespace-free token (Kiwi forms rarely hold spaces; joined if so)."""
    return _SPACE.sub("_", term.strip())


def chunk_key(chunk_id: str) -> int:
    """63-bit key of a chunk id (the `key` fast field; tantivy-py passes ints of 2**63 and above
    as floats)."""
    digest = hashlib.blake2b(chunk_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def _schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("key", stored=False, indexed=False, fast=True)
    builder.add_text_field("category", stored=False, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("terms", stored=True, tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("grams", stored=False, tokenizer_name="whitespace",
                           index_option="freq")
    builder.add_integer_field("vectors", stored=True, indexed=False)
    return builder.build()


def is_keyword_index(path: Path) -> bool:
    try:
        return (path / FORMAT_FILE).read_text().strip() == str(FORMAT_VERSION)
    except OSError:
        return False


def analysis_of(path: Path) -> str | None:
    """The analyser fingerprint a keyword index was written with (None before it was kept)."""
    try:
        return (path / ANALYSIS_FILE).read_text().strip() or None
    except OSError:
        return None


@dataclass(frozen=True)
class KeywordDoc:
    """What the keyword index holds of one chunk."""

    chunk_id: str
    terms: Sequence[str]
    text: str  # the keyword text its n-grams come from (title, section, text)
    category: str = ""
    vectors: int = 0


class KeywordIndexWriter:
    """The only code that changes a keyword index folder; used by `knowledge.writer`."""

    def __init__(self, path: Path, *, create: bool = True, analysis: str | None = None) -> None:
        """`analysis`: the fingerprint of the analyser making the terms; an index written with
        another one is emptied like an index of another format (its terms are outdated)."""
        import tantivy

        self.path = path
        fresh = not is_keyword_index(path) or (
            analysis is not None and analysis_of(path) != analysis)
        self.fresh = fresh  # created empty just now (the writer then refills it from the store)
        if fresh:
            if not create:
                raise KeywordIndexError(f"no keyword index in {path}")
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir(parents=True, exist_ok=True)
        self._index = tantivy.Index(_schema(), path=str(path), reuse=not fresh)
        self._writer = self._index.writer(heap_size=WRITER_HEAP_BYTES, num_threads=1)
        if fresh:
            self._writer.commit()
            (path / FORMAT_FILE).write_text(str(FORMAT_VERSION))
            if analysis is not None:
                (path / ANALYSIS_FILE).write_text(analysis)

    def upsert(self, docs: Iterable[KeywordDoc]) -> None:
        import tantivy

        for doc in docs:
            self._writer.delete_documents_by_term("id", doc.chunk_id)
            self._writer.add_document(tantivy.Document(
                id=doc.chunk_id,
                key=chunk_key(doc.chunk_id),
                category=doc.category or "",
                terms=" ".join(_token(t) for t in doc.terms if t.strip()),
                grams=" ".join(char_grams(doc.text)),
                vectors=int(doc.vectors),
            ))

    def delete(self, chunk_ids: Iterable[str]) -> None:
        for chunk_id in chunk_ids:
            self._writer.delete_documents_by_term("id", chunk_id)

    def clear(self) -> None:
        self._writer.delete_all_documents()

    def commit(self) -> None:
        """Make the changes durable (and visible to readers that reload)."""
        self._writer.commit()
        self._writer.garbage_collect_files()

    def rollback(self) -> None:
        self._writer.rollback()

    def close(self) -> None:
        """Finish the background merges (their files then stay put) and release the folder's
        writer lock; the writer cannot be used afterwards."""
        self._writer.wait_merging_threads()
        self._writer = None
        self._index = None


class KeywordIndex:
    """A read-only view of a keyword index folder (never writes to it)."""

    def __init__(self, path: Path) -> None:
        import tantivy

        if not is_keyword_index(path):
            raise KeywordIndexError(
                f"키워드 색인({path})이 없거나 형식이 다릅니다. `startupbot ingest`를 실행하세요. "
                f"(keyword index missing or of another format)")
        self.path = path
        try:
            self._index = tantivy.Index.open(str(path))
        except (OSError, ValueError) as exc:
            raise KeywordIndexError(
                f"키워드 색인({path})을 열 수 없습니다: {exc}. `startupbot ingest --rebuild`로 "
                "다시 만드세요.") from exc
        self._searcher = self._index.searcher()
        self._term_cache: dict[str, int] = {}

    # --- statistics ------------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self._searcher.num_docs)

    def statistics(self) -> tuple[Mapping[str, int], int]:
        """(document frequency per term, number of chunks), for IDF weights."""
        return DocFreq(self), len(self)

    def doc_freq(self, term: str) -> int:
        token = _token(term)
        if not token:
            return 0
        cached = self._term_cache.get(token)
        if cached is None:
            cached = int(self._searcher.doc_freq("terms", token))
            if len(self._term_cache) > 50_000:
                self._term_cache.clear()
            self._term_cache[token] = cached
        return cached

    @property
    def terms(self) -> ChunkTerms:
        """Chunk id -> its stored Kiwi terms (read on demand, for the few top passages)."""
        return ChunkTerms(self)

    def chunk_terms(self, chunk_id: str) -> list[str] | None:
        stored = self._stored(chunk_id)
        if stored is None:
            return None
        return str((stored.get("terms") or [""])[0]).split()

    def vectors_of(self, chunk_id: str) -> int:
        stored = self._stored(chunk_id)
        return int((stored or {}).get("vectors", [0])[0]) if stored else 0

    def ids(self) -> Iterator[str]:
        """Every chunk id in the index (for consistency checks)."""
        import tantivy

        total = len(self)
        if not total:
            return
        found = self._searcher.search(tantivy.Query.all_query(), limit=total, count=False)
        for _, address in found.hits:
            yield str(self._searcher.doc(address)["id"][0])

    def _stored(self, chunk_id: str) -> dict[str, list[Any]] | None:
        import tantivy

        query = tantivy.Query.term_query(self._index.schema, "id", chunk_id)
        found = self._searcher.search(query, limit=1, count=False).hits
        if not found:
            return None
        return self._searcher.doc(found[0][1]).to_dict()

    # --- searching ---------------------------------------------------------------------------
    def query(self, query_terms: Sequence[str], category: str | None = None,
              limit: int = DEFAULT_LIMIT) -> KeywordScores:
        """BM25 over Kiwi terms: the best `limit` chunks (with a category, only its chunks)."""
        tokens = [_token(t) for t in query_terms if t.strip()]
        return self._run("terms", tokens, category, limit)

    def query_grams(self, text: str, category: str | None = None,
                    limit: int = DEFAULT_LIMIT) -> KeywordScores:
        """BM25 over the character n-grams of `text`."""
        return self._run("grams", char_grams(text), category, limit)

    def search(self, query_terms: list[str], k: int,
               category: str | None = None) -> list[tuple[str, float]]:
        """Top-k (chunk id, BM25 score) with a positive score, best first."""
        return self.query(query_terms, category, limit=max(k, 1)).top(k)

    def _run(self, field: str, tokens: list[str], category: str | None,
             limit: int) -> KeywordScores:
        import tantivy

        schema = self._index.schema
        if not tokens or not len(self):
            return KeywordScores(self, [], [], category)
        Occur = tantivy.Occur
        clauses = [(Occur.Should, tantivy.Query.term_query(schema, field, t)) for t in tokens]
        query = tantivy.Query.boolean_query(clauses)
        if category:
            only = tantivy.Query.const_score_query(
                tantivy.Query.term_query(schema, "category", category), 0.0)
            query = tantivy.Query.boolean_query([(Occur.Must, query), (Occur.Must, only)])
        hits = self._searcher.search(query, limit=limit, count=False).hits
        addresses = [address for _, address in hits]
        keys = self._searcher.fast_field_values("key", addresses) if addresses else []
        return KeywordScores(self, [float(score) for score, _ in hits], list(zip(
            keys, addresses, strict=True)), category)


class KeywordScores:
    """BM25 scores of one query: the best chunks (best first), matchable by chunk id."""

    def __init__(self, index: KeywordIndex, scores: list[float],
                 hits: list[tuple[int, Any]], category: str | None) -> None:
        self._index = index
        self._scores = scores
        self._hits = hits
        self.category = category
        self._by_key = {key: score for (key, _), score in zip(hits, scores, strict=True)}
        # chunk id -> its number of sentence vectors, for the chunks `top` returned (lets the
        # searcher read a keyword-only candidate's sentence vectors by id)
        self.vectors: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._scores)

    def top(self, k: int, category: str | None = None) -> list[tuple[str, float]]:
        """The k best (chunk id, score) with a positive score. A category other than the
        query's gives nothing: filter when querying."""
        if category and category != self.category:
            return []
        out: list[tuple[str, float]] = []
        searcher = self._index._searcher
        for (_, address), score in zip(self._hits[:k], self._scores[:k], strict=True):
            if score <= 0:
                break
            stored = searcher.doc(address)
            chunk_id = str(stored["id"][0])
            self.vectors[chunk_id] = int((stored["vectors"] or [0])[0])
            out.append((chunk_id, score))
        return out

    def of(self, chunk_id: str) -> float:
        """The chunk's score, or 0 when it is not among the collected hits."""
        return self._by_key.get(chunk_key(chunk_id), 0.0)

    @property
    def best(self) -> float:
        return self._scores[0] if self._scores else 0.0


class DocFreq(Mapping[str, int]):
    """Read-only `term -> document frequency` over the index (looked up lazily)."""

    def __init__(self, index: KeywordIndex) -> None:
        self._index = index

    def __getitem__(self, term: str) -> int:
        return self._index.doc_freq(term)

    def get(self, term: str, default: int = 0) -> int:  # type: ignore[override]
        return self._index.doc_freq(term) or default

    def __iter__(self) -> Iterator[str]:
        raise TypeError("document frequencies are looked up per term")

    def __len__(self) -> int:
        return len(self._index)


class ChunkTerms(Mapping[str, list[str]]):
    """Read-only `chunk id -> stored Kiwi terms`, read on demand."""

    def __init__(self, index: KeywordIndex) -> None:
        self._index = index

    def __getitem__(self, chunk_id: str) -> list[str]:
        terms = self._index.chunk_terms(chunk_id)
        if terms is None:
            raise KeyError(chunk_id)
        return terms

    def get(self, chunk_id: str, default: Any = None) -> Any:  # type: ignore[override]
        terms = self._index.chunk_terms(chunk_id)
        return default if terms is None else terms

    def __contains__(self, chunk_id: object) -> bool:
        return isinstance(chunk_id, str) and self._index.chunk_terms(chunk_id) is not None

    def __iter__(self) -> Iterator[str]:
        return self._index.ids()

    def __len__(self) -> int:
        return len(self._index)
