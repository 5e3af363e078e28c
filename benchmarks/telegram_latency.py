"""Reply latency of the Telegram bot when many founders ask at once.

The real `Application` (long polling, AIORateLimiter, concurrent updates) runs against the
loopback FakeTelegram (tests/fakes/telegram_api.py) with the real answer engine over the shipped
corpus (extractive: no model, so the numbers are the bot's own cost: retrieval, answer
composition, answer log, Telegram round trips). Each round, N users (distinct private chats)
send one question each at the same moment; latency is measured from the push of the update to
the bot's `sendMessage` as recorded by the fake server.

    .venv/bin/python benchmarks/telegram_latency.py              # 20 users, 3 rounds
    .venv/bin/python benchmarks/telegram_latency.py --users 50 --rounds 5 --data-dir data

Without --data-dir the shipped corpus is ingested into a temporary folder first (~15-60 s).
Results also go to benchmarks/results/telegram_latency.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50_ms": round(statistics.median(values) * 1000, 1),
            "p95_ms": round(percentile(values, 0.95) * 1000, 1),
            "max_ms": round(max(values) * 1000, 1)}


def questions(n: int) -> list[str]:
    lines = (REPO / "benchmarks/answer_eval/questions.jsonl").read_text("utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    found = list(dict.fromkeys(i["question"] for i in items if i.get("answerable")))
    return [found[i % len(found)] for i in range(n)]


async def run(args: argparse.Namespace, data_dir: Path) -> dict:
    from bot.answer_log import AnswerLog
    from bot.engine import build_engine
    from bot.settings import Settings
    from bot.telegram.app import build_application, running
    from knowledge.base import KnowledgeBase
    from tests.fakes.telegram_api import FakeTelegram

    with FakeTelegram(token="123456:BENCH-token") as tg, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            _env_file=None, data_dir=data_dir, openai_api_key=None, openai_base_url=None,
            telegram_bot_token=tg.token, telegram_api_base_url=tg.base_url,
            answer_log_url=f"sqlite:///{Path(tmp) / 'answer_log.sqlite3'}",
            user_hash_salt="bench", telegram_rate_limit_count=1000,
            telegram_concurrent_updates=args.concurrent_updates)
        kb = KnowledgeBase(settings)
        engine = build_engine(settings, kb)
        answer_log = AnswerLog.from_settings(settings)
        app = build_application(settings, engine, answer_log, None)
        rounds = []
        async with running(app, poll_timeout=1):
            await warm_up(tg)
            for number in range(1, args.rounds + 1):
                chats = {100_000 * number + i: q for i, q in enumerate(questions(args.users))}
                pushed = {}
                for chat, question in chats.items():
                    pushed[chat] = time.time()
                    tg.push_message(chat, chat, question)
                await tg.async_wait_for(lambda c=chats: all(answered(tg, x) for x in c),
                                        timeout=300)
                first = {}
                for r in tg.requests:
                    if r.method == "sendMessage" and r.status == 200:
                        first.setdefault(r.params["chat_id"], r.at)
                latencies = [first[c] - pushed[c] for c in chats]
                rounds.append(summary(latencies))
                print(f"round {number}: {rounds[-1]}", flush=True)
        answer_log.close()
    everything = {k: max(r[k] for r in rounds) for k in ("p95_ms", "max_ms")}
    return {"users": args.users, "rounds": rounds, "worst_round": everything,
            "cpus": os.cpu_count(), "concurrent_updates": args.concurrent_updates}


def answered(tg, chat: int) -> bool:
    return any(b.get("callback_data", "").startswith("fb:")
               for m in tg.sent_messages(chat) for b in m.buttons)


async def warm_up(tg) -> None:
    """One question first: loads Kiwi, the embedder and the answer log before measuring."""
    tg.push_message(1, 1, "예비창업패키지 지원 금액은 얼마인가요?")
    await tg.async_wait_for(lambda: answered(tg, 1), timeout=300)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrent-updates", type=int, default=32)
    parser.add_argument("--data-dir", type=Path, help="An existing index (default: ingest).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or ingest_corpus(Path(tmp) / "data")
        result = asyncio.run(run(args, data_dir))
    out = REPO / "benchmarks/results/telegram_latency.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), "utf-8")
    print(json.dumps(result, indent=2))


def ingest_corpus(data_dir: Path) -> Path:
    from bot.settings import Settings
    from ingest.pipeline import Ingestor
    from knowledge.base import KnowledgeBase

    started = time.perf_counter()
    report = Ingestor(KnowledgeBase(Settings(_env_file=None, data_dir=data_dir))).run()
    print(f"ingested {report.total_chunks} chunks in {time.perf_counter() - started:.0f} s",
          flush=True)
    return data_dir


if __name__ == "__main__":
    main()
