"""Keyword index at scale: the tantivy index (writer builds, readers open read-only) against the
pickled bm25s index it replaced, measured in the same run.

    python benchmarks/bench_keyword_index.py [--chunks 100000] [--queries 200]

Corpus: N synthetic chunks of 3-6 real sentences of the shipped corpus each (their real Kiwi
terms and character n-grams, as in bench_latency.py); queries: the answer eval's questions,
analysed by Kiwi as the searcher does. Both indexes get the same terms and texts.

Per index, in a fresh child process each (so RSS is the reader's alone):
- `build_s`: the writer's time to build it from terms (the baseline: fill + save the pickle);
- `open_s`: open in a new process (baseline: unpickle; its BM25 models are then built on the
  first query, timed separately as `first_query_s`, as a serving process paid it);
- `query_p50_ms` / `p95`: one Kiwi-term query plus one n-gram query, top 50, as the searcher
  asks; `rss_mb`: the reader's peak RSS after all queries, `index_rss_mb` the part of it added
  by opening and querying the index (imports and the query list excluded);
- `disk_mb`: size on disk.
The baseline is the keyword_index.py of commit 05ba3f4 (the last one with the pickle), loaded
from git, so both run on the same machine in the same run.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, machine, peak_rss_mb, percentile, write_result

BASELINE_COMMIT = "05ba3f4"


def load_baseline():
    source = subprocess.run(["git", "show", f"{BASELINE_COMMIT}:knowledge/keyword_index.py"],
                            cwd=REPO, check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "old_keyword_index.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_keyword_index", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def corpus(n: int, seed: int = 0) -> tuple[list[dict], list[tuple[list[str], str]]]:
    """N synthetic chunks (id, terms, text, category) and the analysed eval questions."""
    from bot.answer_eval import load_questions
    from ingest.chunking import Chunker, ChunkingConfig
    from knowledge.korean import KoreanAnalyzer
    from knowledge.settings import DEFAULT_DOCUMENTS_DIR

    analyzer = KoreanAnalyzer()
    chunker = Chunker(analyzer, ChunkingConfig())
    texts = []
    for path in sorted(DEFAULT_DOCUMENTS_DIR.glob("*.md")):
        for chunk in chunker.chunk(doc_id=path.stem, title=path.stem,
                                   text=path.read_text("utf-8"), source=path.name):
            texts.append(chunk.text)
    sentences = sorted({s for t in texts for s in analyzer.sentences(t) if len(s) > 15})
    terms = dict(zip(sentences, analyzer.search_terms_batch(sentences), strict=True))
    rng = random.Random(seed)
    cats = ["startup-support", "investment", "marketing-export", "organizations"]
    docs = []
    for i in range(n):
        picked = rng.sample(sentences, rng.randint(3, 6))
        docs.append({"id": f"c{i:06d}", "terms": [t for s in picked for t in terms[s]],
                     "text": " ".join(picked), "category": rng.choice(cats)})
    questions = [q.question for q in load_questions()]
    analysed = list(zip(analyzer.search_terms_batch(questions),
                        [analyzer.gram_text(q) for q in questions], strict=True))
    return docs, analysed


def build(kind: str, docs: list[dict], folder: Path) -> float:
    old = load_baseline() if kind != "tantivy" else None  # imports are not build time
    t = time.perf_counter()
    if kind == "tantivy":
        from knowledge.keyword_index import KeywordDoc, KeywordIndexWriter

        writer = KeywordIndexWriter(folder / "keyword")
        for start in range(0, len(docs), 5000):
            writer.upsert(KeywordDoc(d["id"], d["terms"], d["text"], d["category"], 4)
                          for d in docs[start : start + 5000])
        writer.commit()
        writer.close()
    else:
        assert old is not None
        index = old.KeywordIndex()
        for d in docs:
            index.add(d["id"], d["terms"], d["category"], text=d["text"], vectors=4)
        index.generation = 1
        index.save(folder / "keyword_index.pkl")
    return time.perf_counter() - t


def serve(kind: str, folder: Path, queries: list[tuple[list[str], str]]) -> dict:
    if kind == "tantivy":
        from knowledge.keyword_index import KeywordIndex
    else:
        KeywordIndex = load_baseline().KeywordIndex
    before_mb = peak_rss_mb()  # the interpreter, imports and the queries: not the index
    t = time.perf_counter()
    if kind == "tantivy":
        index = KeywordIndex(folder / "keyword")
    else:
        index = KeywordIndex.load(folder / "keyword_index.pkl")
    open_s = time.perf_counter() - t
    t = time.perf_counter()
    index.query(queries[0][0])  # the baseline builds both BM25 models here
    first = time.perf_counter() - t
    times = []
    for terms, grams in queries:
        t = time.perf_counter()
        index.query(terms).top(50)
        index.query_grams(grams).top(50)
        times.append(1000 * (time.perf_counter() - t))
    return {"open_s": round(open_s, 3), "first_query_s": round(first, 3),
            "query_p50_ms": round(percentile(times, 50), 2),
            "query_p95_ms": round(percentile(times, 95), 2),
            "rss_mb": round(peak_rss_mb(), 1),
            "index_rss_mb": round(peak_rss_mb() - before_mb, 1)}


def folder_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--child", nargs=3, metavar=("ACTION", "KIND", "FOLDER"))
    args = parser.parse_args()
    if args.child:
        action, kind, folder = args.child
        if action == "build":
            docs = json.loads(Path(folder, "docs.json").read_text("utf-8"))
            print(json.dumps({"build_s": round(build(kind, docs, Path(folder)), 2)}))
        else:
            queries = json.loads(Path(folder, "queries.json").read_text("utf-8"))
            print(json.dumps(serve(kind, Path(folder), queries)))
        return
    docs, queries = corpus(args.chunks)
    queries = (queries * (args.queries // len(queries) + 1))[: args.queries]
    results = {"machine": machine(), "chunks": args.chunks, "queries": len(queries),
               "baseline_commit": BASELINE_COMMIT, "indexes": {}}
    for kind in ("tantivy", "pickle-bm25s"):
        with tempfile.TemporaryDirectory(prefix=f"kwbench-{kind}-") as tmp:
            Path(tmp, "docs.json").write_text(json.dumps(docs, ensure_ascii=False), "utf-8")
            Path(tmp, "queries.json").write_text(json.dumps(queries, ensure_ascii=False),
                                                 "utf-8")
            row = {}
            for action in ("build", "serve"):
                out = subprocess.run([sys.executable, __file__, "--child", action, kind, tmp],
                                     check=True, capture_output=True, text=True, cwd=REPO,
                                     env={**os.environ})
                row.update(json.loads(out.stdout.strip().splitlines()[-1]))
            Path(tmp, "docs.json").unlink()
            Path(tmp, "queries.json").unlink()
            row["disk_mb"] = folder_mb(Path(tmp))
            results["indexes"][kind] = row
            print(kind, row, file=sys.stderr)
    path = write_result(f"keyword-index-{args.chunks}", results)
    print(path)


if __name__ == "__main__":
    main()
