"""Run every requested retriever over one dataset and report the metrics side by side.

The JSON of `RetrievalReport` is what `startupbot eval --dataset ... --json` prints; its keys
are documented in benchmarks/README.md.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from knowledge.evaluation.baseline import (
    EMBEDDER_ID as BASELINE_EMBEDDER,
)
from knowledge.evaluation.baseline import (
    INSTALL_HINT,
    NewcomerChromaRetriever,
    baseline_available,
)
from knowledge.evaluation.datasets import DatasetError, RetrievalDataset, load_dataset
from knowledge.evaluation.index import EvalIndex, Progress
from knowledge.evaluation.metrics import (
    bootstrap_ci,
    mean_metrics,
    question_metrics,
)
from knowledge.evaluation.retrievers import (
    ALL_RETRIEVERS,
    SINGLE_RETRIEVERS,
    SPECS,
    Retriever,
    build_lexical,
    build_ours,
)
from knowledge.evaluation.vector_cache import CachedVectors, VectorCache
from knowledge.korean import KoreanAnalyzer
from knowledge.settings import KnowledgeSettings

log = logging.getLogger(__name__)

TOP_K = 10


class DatasetInfo(BaseModel):
    name: str
    path: str
    passages: int
    questions: int
    passages_sha256: str


class RetrieverReport(BaseModel):
    name: str
    description: str
    ours: bool
    metrics: dict[str, float] = Field(description="recall@1/5/10, mrr@10, ndcg@10 (means).")
    ci95: dict[str, tuple[float, float]] = Field(
        description="95% bootstrap intervals of recall@1 and mrr@10.")
    build_seconds: float = Field(description="Building this retriever's index (after "
                                             "embedding, which is reported separately).")
    ms_per_query: float = Field(description="Search time per question; query embedding for "
                                            "dense retrievers is precomputed and excluded.")


class SkippedRetriever(BaseModel):
    name: str
    reason: str
    install: str = ""


class EmbeddingTiming(BaseModel):
    embedder: str
    what: str  # "passages" or "queries"
    count: int
    seconds: float
    per_second: float | None
    cached: bool


class Comparison(BaseModel):
    """Our hybrid against the best single retriever of the run (by recall@1)."""

    best_single: str
    best_single_recall_at_1: float
    hybrid_recall_at_1: float
    hybrid_beats_best_single: bool
    hybrid_only_correct: int = Field(description="Questions right at rank 1 for hybrid only.")
    best_single_only_correct: int


class RetrievalReport(BaseModel):
    dataset: DatasetInfo
    config: dict[str, object]
    retrievers: list[RetrieverReport]
    skipped: list[SkippedRetriever] = Field(default_factory=list)
    embedding: list[EmbeddingTiming] = Field(default_factory=list)
    comparison: Comparison | None = None
    seconds: float = 0.0


def parse_retrievers(values: Sequence[str] | None) -> list[str]:
    """Names from repeated and/or comma-separated options; default: all of them."""
    if not values:
        return list(ALL_RETRIEVERS)
    names: list[str] = []
    for value in values:
        names.extend(v.strip() for v in value.split(",") if v.strip())
    unknown = [n for n in names if n not in SPECS]
    if unknown:
        raise DatasetError(f"알 수 없는 검색기 (unknown retriever): {', '.join(unknown)}; "
                           f"choose from {', '.join(ALL_RETRIEVERS)}")
    return list(dict.fromkeys(names))


def _timing(embedder: str, what: str, vectors: CachedVectors) -> EmbeddingTiming:
    count = len(vectors.vectors)
    per_second = count / vectors.seconds if vectors.seconds > 0 else None
    return EmbeddingTiming(embedder=embedder, what=what, count=count,
                           seconds=round(vectors.seconds, 3), per_second=per_second,
                           cached=vectors.cached)


def score_retriever(retriever: Retriever, dataset: RetrievalDataset, *, ours: bool,
                    build_seconds: float) -> tuple[RetrieverReport, list[dict[str, float]]]:
    started = time.perf_counter()
    rankings = [retriever.search(q.question, TOP_K) for q in dataset.questions]
    elapsed = time.perf_counter() - started
    per_question = [question_metrics(r, q.gold)
                    for r, q in zip(rankings, dataset.questions, strict=True)]
    report = RetrieverReport(
        name=retriever.name, description=retriever.description, ours=ours,
        metrics={k: round(v, 4) for k, v in mean_metrics(per_question).items()},
        ci95={m: tuple(round(x, 4) for x in bootstrap_ci([p[m] for p in per_question]))
              for m in ("recall@1", "mrr@10")},
        build_seconds=round(build_seconds, 3),
        ms_per_query=round(1000 * elapsed / len(dataset.questions), 2),
    )
    return report, per_question


def compare(reports: list[RetrieverReport],
            per_question: dict[str, list[dict[str, float]]]) -> Comparison | None:
    singles = [r for r in reports if r.name in SINGLE_RETRIEVERS]
    hybrid = next((r for r in reports if r.name == "hybrid"), None)
    if hybrid is None or not singles:
        return None
    best = max(singles, key=lambda r: (r.metrics["recall@1"], r.metrics["mrr@10"]))
    h, b = per_question["hybrid"], per_question[best.name]
    return Comparison(
        best_single=best.name,
        best_single_recall_at_1=best.metrics["recall@1"],
        hybrid_recall_at_1=hybrid.metrics["recall@1"],
        hybrid_beats_best_single=hybrid.metrics["recall@1"] > best.metrics["recall@1"],
        hybrid_only_correct=sum(x["recall@1"] > y["recall@1"] for x, y in zip(h, b, strict=True)),
        best_single_only_correct=sum(y["recall@1"] > x["recall@1"]
                                     for x, y in zip(h, b, strict=True)),
    )


def evaluate_retrieval(dataset_dir: Path, settings: KnowledgeSettings, analyzer: KoreanAnalyzer, *,
                       retrievers: Sequence[str] | None = None, limit: int | None = None,
                       cache_dir: Path | None = None, titles: bool = True,
                       dense_max_chars: int = 2000,
                       progress: Progress | None = None) -> RetrievalReport:
    """Index the dataset once (throwaway), run each retriever, return the report."""
    started = time.perf_counter()
    names = parse_retrievers(retrievers)
    say = progress or (lambda message: None)
    dataset = load_dataset(dataset_dir, limit=limit)
    say(f"{dataset.name}: {len(dataset.passages)} passages, {len(dataset.questions)} questions")
    cache = VectorCache(cache_dir)
    reports: list[RetrieverReport] = []
    per_question: dict[str, list[dict[str, float]]] = {}
    skipped: list[SkippedRetriever] = []
    timings: list[EmbeddingTiming] = []

    t = time.perf_counter()
    with EvalIndex(dataset, settings, analyzer, cache, titles=titles,
                   dense_max_chars=dense_max_chars, progress=say) as index:
        index_seconds = time.perf_counter() - t
        assert index.passage_vectors and index.query_vectors
        embedder = index.embeddings.embedder_id
        timings += [_timing(embedder, "passages", index.passage_vectors),
                    _timing(embedder, "queries", index.query_vectors)]
        ours_build = index_seconds - index.passage_vectors.seconds - index.query_vectors.seconds
        for name in names:
            say(f"retriever: {name}")
            t = time.perf_counter()
            retriever: Retriever
            if name in ("hybrid", "dense", "kiwi-bm25", "hybrid-rrf"):
                retriever, build = build_ours(name, index), ours_build
            elif name in ("bigram-bm25", "whitespace-bm25"):
                retriever = build_lexical(name, index)
                build = time.perf_counter() - t
            else:
                why = baseline_available()
                if why:
                    skipped.append(SkippedRetriever(name=name, reason=why, install=INSTALL_HINT))
                    continue
                baseline = NewcomerChromaRetriever(dataset, cache, titles=titles, progress=say)
                timings += [_timing(BASELINE_EMBEDDER, "passages", baseline.passage_vectors),
                            _timing(BASELINE_EMBEDDER, "queries", baseline.query_vectors)]
                build = (time.perf_counter() - t - baseline.passage_vectors.seconds
                         - baseline.query_vectors.seconds)
                retriever = baseline
            try:
                report, rows = score_retriever(retriever, dataset, ours=SPECS[name].ours,
                                               build_seconds=build)
            finally:
                if isinstance(retriever, NewcomerChromaRetriever):
                    retriever.close()
            reports.append(report)
            per_question[name] = rows
            log.info("eval.retriever", extra={"dataset": dataset.name, "retriever": name,
                                              **report.metrics})
        fusion = index.searcher().fusion
    config: dict[str, object] = {
        "fusion": fusion.method.value, "dense_weight": fusion.dense_weight,
        "keyword_weight": fusion.keyword_weight, "ngram_weight": fusion.ngram_weight,
        "rrf_k": fusion.rrf_k, "candidates": fusion.candidates,
        "dense_units": settings.dense_units.value, "dense_max_chars": dense_max_chars,
        "titles": titles, "top_k": TOP_K, "embedder": timings[0].embedder,
    }
    return RetrievalReport(
        dataset=DatasetInfo(name=dataset.name, path=str(dataset_dir),
                            passages=len(dataset.passages), questions=len(dataset.questions),
                            passages_sha256=dataset.passages_sha256),
        config=config, retrievers=reports, skipped=skipped, embedding=timings,
        comparison=compare(reports, per_question),
        seconds=round(time.perf_counter() - started, 2),
    )
