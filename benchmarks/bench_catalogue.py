"""Catalogue sync targets (issue 14), against the loopback fakes over real HTTP.

1. `--items` (default 5,000) K-Startup calls, no attachments: fetch + parse + store in the
   catalogue + render documents (no embedding) — target <= 60 s.
2. `--ingest-items` (default 300) of those documents ingested into a fresh index, with the time
   inside the embedder recorded by a proxy; the same texts are then embedded raw by the same
   warm model: ingest texts/s over raw texts/s — target >= 90 %.
3. Unchanged re-sync of the ingested catalogue, with ingest — target <= 10 s and 0 chunks written.
4. "open now" answers on a 360-programme fake with mixed windows on five different days:
   every listed programme open on that day — target 0 closed listed.

    nice -n 10 .venv/bin/python benchmarks/bench_catalogue.py [--items 5000] [--ingest-items 300]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import bench_settings, machine, peak_rss_mb, write_result


class TimedEmbeddings:
    """Proxy: counts the texts and seconds spent inside `embed_documents`."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.texts: list[str] = []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def embed_documents(self, texts):
        started = time.perf_counter()
        try:
            return self.inner.embed_documents(texts)
        finally:
            self.seconds += time.perf_counter() - started
            self.texts.extend(texts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--ingest-items", type=int, default=300)
    parser.add_argument("--skip-ingest", action="store_true", help="Steps 1, 1c and 4 only.")
    args = parser.parse_args()

    from bot.catalogue.answerer import CatalogueAnswerer
    from ingest.sync import CatalogueSync
    from knowledge.base import KnowledgeBase
    from knowledge.catalogue.models import Status
    from knowledge.catalogue.repository import Catalogue
    from knowledge.clock import Clock
    from tests.catalogue_helpers import TODAY, NoIndexKB, catalogue_settings
    from tests.fakes import kstartup_api
    from tests.fakes.kstartup_api import FakeKStartup

    result: dict = {"machine": machine()}
    tmp = Path(tempfile.mkdtemp(prefix="bench-catalogue-"))

    # 1. sync of N items, no ingest
    items = kstartup_api.make_items(args.items, TODAY)
    for item in items:
        item["supt_regin"] = "충북"  # all kept, so N programmes are stored
    with FakeKStartup(items) as ks:
        config = catalogue_settings(ks, catalogue_page_size=100)
        settings = bench_settings(tmp / "big")
        sync = CatalogueSync(NoIndexKB(settings), catalogue_settings=config, clock=Clock(TODAY))
        report = sync.run(ingest=False)
        result["sync_items"] = {
            "items": args.items,
            "stored": len(report.changes.new),
            "seconds": report.seconds,
            "timings": report.timings,
            "target_s": 60,
            "pass": report.seconds <= 60 and len(report.changes.new) == args.items,
        }
        print("1. sync", result["sync_items"], flush=True)
        again = CatalogueSync(NoIndexKB(settings), catalogue_settings=config,
                              clock=Clock(TODAY)).run(ingest=False)
        result["unchanged_resync_big"] = {
            "programmes": again.changes.unchanged, "seconds": again.seconds,
            "documents_written": again.documents_written,
            "target_s": 10, "pass": again.seconds <= 10 and again.documents_written == 0}
        print("1b. unchanged re-sync", result["unchanged_resync_big"], flush=True)
        answerer = CatalogueAnswerer(Catalogue.from_settings(settings), Clock(TODAY))
        started = time.perf_counter()
        answerer.answer("지금 신청할 수 있는 사업 알려줘")
        first = time.perf_counter() - started
        warm = []
        for q in ["지금 신청 가능한 예비창업자 지원사업 알려줘", "이번 달 마감 지원사업",
                  "충북 창업지원사업 17호 마감 언제야?", "충북 이차전지 투자 규모는?"] * 5:
            started = time.perf_counter()
            answerer.answer(q)
            warm.append(time.perf_counter() - started)
        warm.sort()
        result["answer_latency_5000"] = {"first_ms": round(first * 1000),
                                         "warm_p50_ms": round(warm[len(warm) // 2] * 1000, 1),
                                         "warm_max_ms": round(warm[-1] * 1000, 1)}
        print("1c. answer latency", result["answer_latency_5000"], flush=True)

    if not args.skip_ingest:
        # 2. ingest throughput vs raw embedder, on a smaller catalogue
        small = items[: args.ingest_items]
        with FakeKStartup(small) as ks:
            config = catalogue_settings(ks, catalogue_page_size=100)
            settings = bench_settings(tmp / "small", today=TODAY)
            from knowledge.embeddings import build_embeddings

            embedder = build_embeddings(settings)
            embedder.embed_documents(["워밍업 문장"])  # model load: outside the timing
            proxy = TimedEmbeddings(embedder)
            kb = KnowledgeBase(settings, embeddings=proxy)  # type: ignore[arg-type]
            sync = CatalogueSync(kb, catalogue_settings=config, clock=Clock(TODAY))
            report = sync.run()
            ingest_s = report.ingest["seconds"]
            texts = list(proxy.texts)
            started = time.perf_counter()
            batch = settings.embedding_batch_size
            for i in range(0, len(texts), batch):
                proxy.inner.embed_documents(texts[i : i + batch])
            raw_s = time.perf_counter() - started
            ratio = (len(texts) / ingest_s) / (len(texts) / raw_s)
            result["ingest_vs_raw"] = {
                "documents": report.documents_written,
                "texts_embedded": len(texts),
                "chunks": report.ingest["chunks_written"],
                "ingest_s": ingest_s,
                "inside_embedder_s": round(proxy.seconds, 3),
                "raw_s": round(raw_s, 3),
                "ingest_texts_per_s": round(len(texts) / ingest_s, 1),
                "raw_texts_per_s": round(len(texts) / raw_s, 1),
                "ratio": round(ratio, 3),
                "target": 0.9,
                "pass": ratio >= 0.9,
            }
            print("2. ingest", result["ingest_vs_raw"], flush=True)

            # 3. unchanged re-sync, with ingest
            proxy.texts.clear()
            again = sync.run()
            chunks = again.ingest["chunks_written"] if again.ingest else 0
            result["unchanged_resync"] = {
                "programmes": again.changes.unchanged,
                "seconds": again.seconds,
                "documents_written": again.documents_written,
                "chunks_written": chunks,
                "texts_embedded": len(proxy.texts),
                "target_s": 10,
                "pass": again.seconds <= 10 and chunks == 0 and not proxy.texts,
            }
            print("3. re-sync", result["unchanged_resync"], flush=True)

    # 4. open-now answers on a 360-programme fake
    with FakeKStartup(kstartup_api.make_items(360, TODAY)) as ks:
        config = catalogue_settings(ks, catalogue_page_size=100)
        settings = bench_settings(tmp / "answers")
        CatalogueSync(NoIndexKB(settings), catalogue_settings=config, clock=Clock(TODAY)).run(
            ingest=False
        )
        catalogue = Catalogue.from_settings(settings)
        by_url = {s.programme.url: s.programme for s in catalogue.all()}
        listed_total = closed = 0
        questions = [
            "지금 신청할 수 있는 사업 알려줘",
            "지금 신청 가능한 예비창업자 지원사업 알려줘",
            "이번 달 마감 지원사업",
            "마감 임박한 공고",
        ]
        for offset in (-30, 0, 7, 21, 45):
            clock = Clock(TODAY + timedelta(days=offset))
            answerer = CatalogueAnswerer(catalogue, clock, shown=1000)
            for q in questions:
                answer = answerer.answer(q)
                for n in re.findall(r"\[(\d+)\]", answer.answer):
                    p = by_url[answer.sources[int(n) - 1].url]
                    listed_total += 1
                    closed += p.status(clock) is not Status.OPEN
        result["open_now_answers"] = {
            "catalogue": len(by_url),
            "listed": listed_total,
            "not_open_listed": closed,
            "target": 0,
            "pass": closed == 0 and listed_total > 0,
        }
        print("4. answers", result["open_now_answers"], flush=True)
    result["peak_rss_mb"] = peak_rss_mb()
    write_result("catalogue-sync-only" if args.skip_ingest else "catalogue", result)


if __name__ == "__main__":
    main()
