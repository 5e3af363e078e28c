"""Keyword search, kept next to the Chroma collection: BM25 over Kiwi morphemes and BM25 over
character n-grams, two views of the same chunks.

The index stores each chunk's Kiwi terms (so a rebuild never re-analyses unchanged chunks), its
character unigrams + bigrams, its category (for filtering) and the store generation it matches.
`bm25s` does the scoring on sparse matrices; both matrices are rebuilt from the stored terms
after each ingest, which takes well under a second for thousands of chunks.

Why two: morphemes match what Kiwi recognises (and the domain dictionary's names), n-grams match
what it splits or mis-tags (OCR'd text, unknown compounds, spacing errors). The searcher gives
n-grams a small weight (0.2): more helped the public benchmarks a little and hurt the answer
eval on our own corpus (benchmarks/README.md, "Fusion tuning"). BM25 parameters: k1 = 0.9,
b = 0.4 for morphemes (from k1 1.5 / b 0.75: AutoRAG-ko recall@1 0.886 -> 0.895, KorQuAD
level), bm25s defaults (k1 = 1.2, b = 0.75) for n-grams.
"""

from __future__ import annotations

import logging
import os
import pickle
import re
import tempfile
from collections import Counter
from pathlib import Path

import bm25s
import numpy as np

log = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG when imported, which would print "Building index" on every
# start whatever the application's log level is.
logging.getLogger("bm25s").setLevel(logging.WARNING)

# 2: terms include adjacent-noun compounds (KoreanAnalyzer.search_terms).
# 3: character n-grams stored beside the terms. 4: n-grams stored as int32 ids of one n-gram
# vocabulary (as Python strings they took ~7 GB at 100k chunks). 5: each chunk's number of
# sentence vectors. Older files are rebuilt from the store on first search.
FORMAT_VERSION = 5

KIWI_BM25 = {"k1": 0.9, "b": 0.4}
GRAM_BM25 = {"k1": 1.2, "b": 0.75}

_WORD = re.compile(r"\w+")


def char_grams(text: str) -> list[str]:
    """Character unigrams and bigrams inside each word (lower-cased), the usual Korean n-gram
    tokenization: "전문은행" -> 전, 문, 은, 행, 전문, 문은, 은행."""
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        out.extend(word)
        out.extend(word[i : i + 2] for i in range(len(word) - 1))
    return out


class KeywordIndex:
    """Chunk id -> Kiwi terms and character n-grams, plus a BM25 model for each."""

    def __init__(self) -> None:
        self.terms: dict[str, list[str]] = {}
        # n-grams as ids into `gram_vocab` (id 0 = the empty document), one int32 array per chunk
        self.gram_vocab: dict[str, int] = {"": 0}
        self.grams: dict[str, np.ndarray] = {}
        self.categories: dict[str, str] = {}
        # sentence vectors per chunk in the store (0 = one vector per chunk / unknown): lets the
        # searcher read a keyword-only candidate's sentence vectors by id
        self.vectors: dict[str, int] = {}
        self.generation: int = -1
        self._ids: list[str] = []
        self._bm25: bm25s.BM25 | None = None
        self._gram_bm25: bm25s.BM25 | None = None
        self._category_masks: dict[str, np.ndarray] = {}
        self.doc_freq: Counter[str] = Counter()

    def statistics(self) -> tuple[dict[str, int], int]:
        """(document frequency per term, number of chunks), for IDF weights."""
        if self._bm25 is None:
            self._build()
        return self.doc_freq, len(self._ids)

    def __len__(self) -> int:
        return len(self.terms)

    # --- persistence -----------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path) -> KeywordIndex:
        """Load from disk; an absent or unreadable file gives an empty index (to be rebuilt)."""
        index = cls()
        if not path.exists():
            return index
        try:
            with path.open("rb") as fh:
                data = pickle.load(fh)
            if data.get("format") != FORMAT_VERSION:
                raise ValueError(f"format {data.get('format')}")
            index.terms = data["terms"]
            index.grams = data["grams"]
            index.gram_vocab = data["gram_vocab"]
            index.vectors = data["vectors"]
            index.categories = data["categories"]
            index.generation = int(data["generation"])
        except Exception as exc:  # a torn or old file is rebuilt, never trusted
            log.warning("keyword_index.unreadable", extra={"path": str(path), "error": str(exc)})
            return cls()
        return index

    def save(self, path: Path) -> None:
        """Write atomically (temp file + rename) so a crash never leaves half a file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "format": FORMAT_VERSION,
            "terms": self.terms,
            "grams": self.grams,
            "gram_vocab": self.gram_vocab,
            "vectors": self.vectors,
            "categories": self.categories,
            "generation": self.generation,
        }
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".kw-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    # --- updating ----------------------------------------------------------------------------
    def remove(self, ids: list[str]) -> None:
        for chunk_id in ids:
            self.terms.pop(chunk_id, None)
            self.grams.pop(chunk_id, None)
            self.vectors.pop(chunk_id, None)
            self.categories.pop(chunk_id, None)
        self._bm25 = None

    def add(self, chunk_id: str, terms: list[str], category: str = "", *,
            text: str, vectors: int = 0) -> None:
        """Index one chunk: its Kiwi `terms`, the n-grams of its keyword `text` and how many
        sentence vectors the store holds for it."""
        self.terms[chunk_id] = terms
        self.vectors[chunk_id] = vectors
        vocab = self.gram_vocab
        ids = [vocab.setdefault(g, len(vocab)) for g in char_grams(text)]
        self.grams[chunk_id] = np.asarray(ids or [0], dtype=np.int32)
        self.categories[chunk_id] = category
        self._bm25 = None

    def _build(self) -> None:
        self._ids = list(self.terms)
        self._bm25 = self._model([self.terms[i] for i in self._ids], KIWI_BM25)
        self._gram_bm25 = bm25s.BM25(**GRAM_BM25)
        if self._ids:
            empty = np.zeros(1, dtype=np.int32)
            self._gram_bm25.index(([self.grams.get(i, empty) for i in self._ids],
                                   dict(self.gram_vocab)), show_progress=False)
        corpus = [self.terms[i] or [""] for i in self._ids]
        self.doc_freq = Counter(t for terms in corpus for t in set(terms))
        cats = np.array([self.categories.get(i, "") for i in self._ids], dtype=object)
        self._category_masks = {c: cats == c for c in set(cats.tolist())}
        self._position_map: dict[str, int] | None = None

    @staticmethod
    def _model(corpus: list[list[str]], params: dict[str, float]) -> bm25s.BM25:
        model = bm25s.BM25(**params)
        if corpus:
            model.index([terms or [""] for terms in corpus], show_progress=False)
        return model

    def _positions(self) -> dict[str, int]:
        if self._position_map is None:
            self._position_map = {cid: i for i, cid in enumerate(self._ids)}
        return self._position_map

    # --- searching ---------------------------------------------------------------------------
    def query(self, query_terms: list[str]) -> KeywordScores:
        """Score every chunk against the query's Kiwi terms once (BM25 over morphemes); pick top
        hits or look up ids from it."""
        if self._bm25 is None:
            self._build()
        assert self._bm25 is not None
        return self._scores(self._bm25, query_terms)

    def query_grams(self, text: str) -> KeywordScores:
        """Score every chunk against the character n-grams of `text` (BM25 over n-grams)."""
        if self._bm25 is None:
            self._build()
        assert self._gram_bm25 is not None
        vocab = self.gram_vocab
        ids = [vocab[g] for g in char_grams(text) if g in vocab]
        if not ids or not self._ids:
            return KeywordScores(self, np.zeros(len(self._ids)))
        return KeywordScores(self, np.asarray(self._gram_bm25.get_scores_from_ids(ids),
                                              dtype=np.float64))

    def _scores(self, model: bm25s.BM25, tokens: list[str]) -> KeywordScores:
        vocab = model.vocab_dict
        known = [t for t in tokens if t in vocab] if self._ids else []
        if not known:
            return KeywordScores(self, np.zeros(len(self._ids)))
        return KeywordScores(self, np.asarray(model.get_scores(known), dtype=np.float64))

    def search(self, query_terms: list[str], k: int,
               category: str | None = None) -> list[tuple[str, float]]:
        """Top-k (chunk id, BM25 score) with a positive score, best first."""
        return self.query(query_terms).top(k, category)


class KeywordScores:
    """BM25 scores of one query over the whole index (a numpy vector aligned to chunk ids)."""

    def __init__(self, index: KeywordIndex, scores: np.ndarray) -> None:
        self._index = index
        self.values = scores
        self._positions: dict[str, int] | None = None

    def top(self, k: int, category: str | None = None) -> list[tuple[str, float]]:
        scores = self.values
        if not len(scores):
            return []
        if category:
            mask = self._index._category_masks.get(category)
            if mask is None:
                return []
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        ids = self._index._ids
        return [(ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def of(self, chunk_id: str) -> float:
        if self._positions is None:
            self._positions = self._index._positions()
        pos = self._positions.get(chunk_id)
        return float(self.values[pos]) if pos is not None else 0.0
