"""Ranking metrics for retrieval with binary relevance (one or more gold passages per question).

Hand-written because they are a few lines each and the definitions must be exactly the usual
ones (as in BEIR / pytrec_eval):
- recall@k: share of the gold passages found in the top k (with one gold: 1 if it is there);
- MRR@k: 1 / rank of the first gold passage in the top k, else 0;
- nDCG@k: DCG = sum over gold hits of 1 / log2(rank + 1), divided by the DCG of a perfect
  ranking (all gold passages first).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

CUTOFFS = (1, 5, 10)
METRIC_NAMES = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10")


def recall_at_k(ranked: Sequence[str], gold: set[str], k: int) -> float:
    if not gold:
        raise ValueError("gold set is empty")
    return len(gold.intersection(ranked[:k])) / len(gold)


def reciprocal_rank(ranked: Sequence[str], gold: set[str], k: int = 10) -> float:
    for rank, pid in enumerate(ranked[:k], 1):
        if pid in gold:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Sequence[str], gold: set[str], k: int = 10) -> float:
    if not gold:
        raise ValueError("gold set is empty")
    seen: set[str] = set()
    dcg = 0.0
    for rank, pid in enumerate(ranked[:k], 1):
        if pid in gold and pid not in seen:  # a duplicate id in a ranking earns nothing twice
            seen.add(pid)
            dcg += 1.0 / math.log2(rank + 1)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(gold), k) + 1))
    return dcg / ideal


def question_metrics(ranked: Sequence[str], gold: set[str]) -> dict[str, float]:
    """All reported metrics of one ranking."""
    return {
        "recall@1": recall_at_k(ranked, gold, 1),
        "recall@5": recall_at_k(ranked, gold, 5),
        "recall@10": recall_at_k(ranked, gold, 10),
        "mrr@10": reciprocal_rank(ranked, gold, 10),
        "ndcg@10": ndcg_at_k(ranked, gold, 10),
    }


def mean_metrics(per_question: Sequence[dict[str, float]]) -> dict[str, float]:
    if not per_question:
        raise ValueError("no questions")
    return {name: float(np.mean([m[name] for m in per_question])) for name in METRIC_NAMES}


def bootstrap_ci(values: Sequence[float], *, confidence: float = 0.95, resamples: int = 2000,
                 seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean (scipy), for small question sets.

    A constant sample (all 0 or all 1) has no spread to resample: its interval is the value.
    """
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        raise ValueError("no values")
    if np.all(data == data[0]):
        return float(data[0]), float(data[0])
    from scipy.stats import bootstrap

    res = bootstrap((data,), np.mean, confidence_level=confidence, n_resamples=resamples,
                    method="percentile", random_state=np.random.default_rng(seed))
    return float(res.confidence_interval.low), float(res.confidence_interval.high)
