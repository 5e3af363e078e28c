"""Reply latency of one webhook replica against three behind nginx, on this machine.

The loopback cluster of the tests (tests/cluster.py: nginx from Debian, `startupbot serve
--mode webhook` replicas, one `chroma run`, PostgreSQL for the answer log and the shared state,
optionally Redis) answers N founders who each send one question at the same moment. The Bot
API is the loopback fake. Since the webhook answers 200 only after the bot has replied, the
latency of one founder is the duration of Telegram's POST (from the first byte sent to nginx to
the 200), checked against the reply the fake received. Extractive answers (no model): the
numbers are the bot's own cost.

    .venv/bin/python benchmarks/bench_replicas.py                    # 1 vs 3 replicas; 50/100/200
    .venv/bin/python benchmarks/bench_replicas.py --users 50 --replicas 3 --redis

Needs postgresql, nginx (and redis-server for --redis) from Debian: scripts/test.sh installs
them. Without --data-dir an ingested copy of the shipped corpus is taken from the test cache
(~/.cache/startupbot-tests) or ingested first. Results go to benchmarks/results/replicas.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TOKEN = "123456:BENCH-replicas"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def questions(n: int) -> list[str]:
    lines = (REPO / "benchmarks/answer_eval/questions.jsonl").read_text("utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    found = list(dict.fromkeys(i["question"] for i in items if i.get("answerable")))
    return [found[i % len(found)] for i in range(n)]


def corpus(data_dir: Path | None, tmp: Path) -> Path:
    target = tmp / "data"
    if data_dir is not None:
        shutil.copytree(data_dir, target, ignore=shutil.ignore_patterns("ingest.lock"))
        return target
    from tests.conftest import CORPUS_CACHE, _corpus_key

    cached = CORPUS_CACHE / f"corpus-{_corpus_key()}"  # the tests' ingest of this code
    if (cached / "complete").exists():
        shutil.copytree(cached, target, ignore=shutil.ignore_patterns("ingest.lock",
                                                                      "complete"))
        return target
    from bot.settings import Settings
    from ingest.pipeline import Ingestor
    from knowledge.base import KnowledgeBase

    print("ingesting the shipped corpus (once) ...", flush=True)
    Ingestor(KnowledgeBase(Settings(data_dir=target, _env_file=None))).run()
    return target


def rss_mb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (from /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_round(cluster, users: int, chat_base: int) -> dict:
    from tests.cluster import SECRET

    tg = cluster.tg
    updates = [tg.make_message_update(chat_base + i, chat_base + i, q)
               for i, q in enumerate(questions(users))]

    def post(update: dict) -> tuple[float, int]:
        started = time.perf_counter()
        try:
            status = tg.deliver_webhook(cluster.public_url, update, secret_token=SECRET,
                                        timeout=120)
        except ConnectionError:
            status = 0
        return time.perf_counter() - started, status

    pids = [r.proc.pid for r in cluster.replicas] + [p.pid for p in cluster._procs[:1]]
    cpu_before = sum(cpu_s(pid) for pid in pids)  # replicas + the chroma server
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as pool:
        results = list(pool.map(post, updates))
    wall = time.perf_counter() - started
    cpu = sum(cpu_s(pid) for pid in pids) - cpu_before
    latencies = [t for t, _ in results]
    answered = sum(1 for i in range(users) if any(
        b.get("callback_data", "").startswith("fb:")
        for m in tg.sent_messages(chat_base + i) for b in m.buttons))
    return {"users": users, "ok": sum(1 for _, s in results if s == 200), "answered": answered,
            "p50_ms": round(statistics.median(latencies) * 1000),
            "p95_ms": round(percentile(latencies, 0.95) * 1000),
            "max_ms": round(max(latencies) * 1000), "wall_s": round(wall, 1),
            "cpu_ms_per_answer": round(cpu / users * 1000), "load_avg": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--redis", action="store_true", help="shared state in Redis")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks/results/replicas.json")
    args = parser.parse_args()

    from tests.cluster import Cluster
    from tests.fakes.telegram_api import FakeTelegram
    from tests.servers import postgres_server, redis_server

    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-replicas-") as tmp_name, \
            postgres_server() as pg:
        tmp = Path(tmp_name)
        data = corpus(args.data_dir, tmp)
        redis = redis_server() if args.redis else None
        redis_url = redis.__enter__().url if redis else None
        try:
            for n in args.replicas:
                root = tmp / f"r{n}"
                root.mkdir()
                # update ids keep increasing from one cluster to the next, as on Telegram
                # (the shared store remembers processed ids, and Redis outlives a cluster)
                with FakeTelegram(token=TOKEN, first_update_id=100_000_001 + n * 10**7) as tg:
                    cluster = Cluster(root, tg, pg.create_database(), data, redis_url=redis_url,
                                      extra_env={"STARTUPBOT_TELEGRAM_UPDATE_TIMEOUT": "55",
                                                 "STARTUPBOT_TELEGRAM_RATE_LIMIT_COUNT": "50",
                                                 "STARTUPBOT_LOG_LEVEL": "WARNING"})
                    try:
                        started = time.perf_counter()
                        cluster.start(replicas=n)
                        print(f"{n} replica(s) up in {time.perf_counter() - started:.1f} s",
                              flush=True)
                        one_round(cluster, 6, 10_000)  # warm-up: first queries of each replica
                        for i, users in enumerate(args.users):
                            result = one_round(cluster, users, 1_000_000 * (i + 1))
                            result["replicas"] = n
                            result["replica_rss_mb"] = [rss_mb(r.proc.pid)
                                                        for r in cluster.replicas]
                            runs.append(result)
                            print(json.dumps(result), flush=True)
                    finally:
                        cluster.stop()
        finally:
            if redis is not None:
                redis.__exit__(None, None, None)
    report = {"command": "benchmarks/bench_replicas.py " + " ".join(sys.argv[1:]),
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
              "state": "redis" if args.redis else "postgresql", "runs": runs}
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
