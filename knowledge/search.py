"""Korean-aware hybrid search: dense (Chroma) + BM25 over Kiwi morphemes + BM25 over character
n-grams, fused into one ranking.

Every candidate found by any retriever gets *all* scores (its cosine similarity from its stored
vectors, its BM25 scores from the keyword index), so weighted fusion compares like with like
instead of treating "not in the other top-N" as zero. Each signal is normalised per query
(BM25 by its best score, cosine min-max over the candidates) and summed with its weight. RRF
(of the dense and Kiwi rankings) is available as the alternative.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from enum import StrEnum

from knowledge.keyword_index import KeywordIndex
from knowledge.korean import KoreanAnalyzer
from knowledge.models import SearchHit
from knowledge.settings import FusionMethod, KnowledgeSettings
from knowledge.store import KnowledgeStore
from knowledge.writer import keyword_text

__all__ = ["FusionConfig", "HybridSearcher", "SearchMode", "SearchResult", "keyword_text"]

log = logging.getLogger(__name__)


class SearchMode(StrEnum):
    HYBRID = "hybrid"
    DENSE = "dense"
    KEYWORD = "keyword"


@dataclass
class FusionConfig:
    method: FusionMethod = FusionMethod.WEIGHTED
    dense_weight: float = 0.5
    keyword_weight: float = 0.6
    rrf_k: int = 60
    candidates: int = 50
    ngram_weight: float = 0.4

    @classmethod
    def from_settings(cls, settings: KnowledgeSettings) -> FusionConfig:
        return cls(settings.fusion, settings.dense_weight, settings.keyword_weight,
                   settings.rrf_k, settings.candidates, settings.ngram_weight)


@dataclass
class SearchResult:
    hits: list[SearchHit]
    query_terms: list[str]
    timings: dict[str, float] = field(default_factory=dict)


class HybridSearcher:
    """Search the knowledge base by meaning and by exact Korean terms at once."""

    def __init__(self, store: KnowledgeStore, keyword_index: KeywordIndex,
                 analyzer: KoreanAnalyzer, fusion: FusionConfig | None = None) -> None:
        self.store = store
        self.keyword_index = keyword_index
        self.analyzer = analyzer
        self.fusion = fusion or FusionConfig()

    def search(self, query: str, k: int = 5, *, category: str | None = None,
               mode: SearchMode = SearchMode.HYBRID) -> SearchResult:
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        terms = self.analyzer.search_terms(query)
        timings["analyze"] = time.perf_counter() - t0
        n = max(self.fusion.candidates, k)

        dense: list[tuple[str, float]] = []
        vector: list[float] | None = None
        if mode is not SearchMode.KEYWORD:
            t = time.perf_counter()
            vector = self.store.embeddings.embed_query(query)
            timings["embed"] = time.perf_counter() - t
            t = time.perf_counter()
            dense = self.store.dense_ids(vector, n, category)
            timings["dense"] = time.perf_counter() - t

        t = time.perf_counter()
        kw_scores = self.keyword_index.query(terms, category)
        keyword = kw_scores.top(n) if mode is not SearchMode.DENSE else []
        use_grams = mode is SearchMode.HYBRID and self.fusion.ngram_weight > 0 \
            and self.fusion.method is FusionMethod.WEIGHTED
        # n-grams of the question without its particles and endings ("얼마인가요" would
        # otherwise match every passage's syllables)
        gram_scores = self.keyword_index.query_grams(self.analyzer.gram_text(query), category) \
            if use_grams else None
        grams = gram_scores.top(n) if gram_scores is not None else []
        timings["keyword"] = time.perf_counter() - t

        if mode is SearchMode.DENSE:
            found = self.store.get_chunks([cid for cid, _ in dense[:k]])
            hits = [SearchHit(chunk=found[cid], score=s, dense_score=s, dense_rank=r,
                              keyword_score=kw_scores.of(cid) or None)
                    for r, (cid, s) in enumerate(dense[:k], 1) if cid in found]
            return SearchResult(hits, terms, timings)

        t = time.perf_counter()
        dense_scores = dict(dense)
        candidates = list(dict.fromkeys([*dense_scores, *(cid for cid, _ in (*keyword, *grams))]))
        keyword_only = [cid for cid in candidates if cid not in dense_scores]
        if mode is SearchMode.HYBRID and keyword_only and vector is not None:
            counts = {**kw_scores.vectors, **(gram_scores.vectors if gram_scores else {})}
            dense_scores.update(self.store.cosines(keyword_only, vector, counts))
        timings["cosines"] = time.perf_counter() - t

        dense_rank = {cid: r for r, (cid, _) in enumerate(dense, 1)}
        kw_rank = {cid: r for r, (cid, _) in enumerate(keyword, 1)}
        kw_value = {cid: kw_scores.of(cid) for cid in candidates}
        gram_value = {cid: gram_scores.of(cid) for cid in candidates} \
            if gram_scores is not None else {}
        if mode is SearchMode.KEYWORD:
            ranked = [(cid, kw_value[cid]) for cid, _ in keyword]
        else:
            ranked = self._fuse(candidates, dense_scores, kw_value, dense_rank, kw_rank,
                                gram_value)
        # Only the winners are fetched from Chroma (their text and metadata): a few spare ones
        # cover ids the keyword index still has but the store no longer does.
        t = time.perf_counter()
        chunks = self.store.get_chunks([cid for cid, _ in ranked[: k + 5]])
        timings["fetch"] = time.perf_counter() - t
        hits = [
            SearchHit(chunk=chunks[cid], score=score,
                      dense_score=dense_scores.get(cid), keyword_score=kw_value.get(cid) or None,
                      dense_rank=dense_rank.get(cid), keyword_rank=kw_rank.get(cid))
            for cid, score in ranked[: k + 5] if cid in chunks
        ][:k]
        timings["total"] = time.perf_counter() - t0
        return SearchResult(hits, terms, timings)

    def _fuse(self, ids: list[str], dense: dict[str, float], keyword: dict[str, float],
              dense_rank: dict[str, int], kw_rank: dict[str, int],
              grams: dict[str, float] | None = None) -> list[tuple[str, float]]:
        f = self.fusion
        if f.method is FusionMethod.RRF:
            scored = {
                cid: (f.dense_weight / (f.rrf_k + dense_rank[cid]) if cid in dense_rank else 0.0)
                + (f.keyword_weight / (f.rrf_k + kw_rank[cid]) if cid in kw_rank else 0.0)
                for cid in ids
            }
        else:
            d_vals = [dense[c] for c in ids if c in dense]
            d_lo, d_hi = (min(d_vals), max(d_vals)) if d_vals else (0.0, 1.0)
            k_hi = max((keyword.get(c, 0.0) for c in ids), default=0.0) or 1.0
            grams = grams or {}
            g_hi = max((grams.get(c, 0.0) for c in ids), default=0.0) or 1.0
            span = (d_hi - d_lo) or 1.0
            scored = {
                cid: f.dense_weight * ((dense[cid] - d_lo) / span if cid in dense else 0.0)
                + f.keyword_weight * (keyword.get(cid, 0.0) / k_hi)
                + f.ngram_weight * (grams.get(cid, 0.0) / g_hi)
                for cid in ids
            }
        return sorted(scored.items(), key=lambda kv: -kv[1])
