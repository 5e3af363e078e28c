"""How long it takes to list 10,000 logged answers (issue 6's "measured time").

    python benchmarks/answer_log_listing.py [--rows 10000] [--repeat 20]

Seeds a fresh SQLite answer log through `AnswerLog.record` (one transaction per answer, as the
bot writes), spread over 60 days with realistic shares of modes and feedback, then times:

- `AnswerLog.list_answers` (first page of 50 + the total count) with no filter and with the
  review filters (👎, refused, 👎 and unreviewed, text search, last 7 days), warm, in-process;
- the CLI, `startupbot review list [...]`, as a whole process (Python start-up included);
- the review web page, GET /?filters (sign-in cookie, server-side rendering, loopback HTTP);
- `review stats` over 30 days and an export of every row;
- the same in-process queries again after dropping the log's secondary indexes, to show what
  they buy.

Writes benchmarks/results/answer_log_listing.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from common import REPO, RESULTS, bench_settings, percentile

QUESTIONS = ["팁스 지원 금액은?", "예비창업패키지 신청 자격은?", "충북 창업보육센터 입주 방법",
             "수출바우처 신청 기간", "부산 창업 지원금은?", "벤처기업 확인 절차",
             "엔젤투자 소득공제율은?", "청년창업사관학교 모집 기간", "비트코인 시세",
             "초기창업패키지 지원 한도"]
TOKEN = "bench-token-123456"


def seed(log, rows: int) -> dict[str, float]:
    from bot.models import Answer, AnswerMode, Source

    rng = random.Random(6)
    now = datetime.now(UTC)
    modes = [AnswerMode.GENERATIVE] * 70 + [AnswerMode.EXTRACTIVE] * 10 + [
        AnswerMode.REFUSED] * 15 + [AnswerMode.FALLBACK] * 5
    timings: list[float] = []
    for n in range(rows):
        mode = rng.choice(modes)
        sources = [] if mode is AnswerMode.REFUSED else [
            Source(number=i + 1, title=f"문서 {i}", section="지원 내용", source=f"doc{i}.md",
                   url="https://www.k-startup.go.kr/", score=0.8, chunk_id=f"c{n}-{i}")
            for i in range(rng.randint(1, 3))]
        question = rng.choice(QUESTIONS) + ("" if rng.random() < 0.5 else f" ({n})")
        answer = Answer(question=question, query=question, mode=mode, sources=sources,
                        answer="답변 본문입니다. " * rng.randint(5, 40) + "[1]",
                        usage={"prompt_tokens": 900, "completion_tokens": 120,
                               "total_tokens": 1020},
                        timings={"retrieval": 0.15, "generation": 1.2, "total": 1.4})
        at = now - timedelta(days=60 * (rows - n) / rows)  # spread over 60 days
        started = time.perf_counter()
        answer_id = log.record(answer, channel=rng.choice(["telegram"] * 9 + ["cli"]),
                               user_id=rng.randint(1, 800), created_at=at)
        timings.append(time.perf_counter() - started)
        roll = rng.random()
        if roll < 0.10:
            log.set_feedback(answer_id, -1)
        elif roll < 0.35:
            log.set_feedback(answer_id, 1)
        if rng.random() < 0.2:
            log.mark_reviewed(answer_id)
    ms = [t * 1000 for t in timings]
    return {"record_ms_p50": round(percentile(ms, 50), 2),
            "record_ms_p95": round(percentile(ms, 95), 2)}


def filters(today: date):
    from bot.answer_log import AnswerFilter, ReviewStatus
    from bot.models import AnswerMode

    return {
        "no filter": (AnswerFilter(), [], ""),
        "👎": (AnswerFilter(feedback=-1), ["--down"], "feedback=down"),
        "refused": (AnswerFilter(modes=[AnswerMode.REFUSED]), ["--refused"], "mode=refused"),
        "👎 + unreviewed": (AnswerFilter(feedback=-1, status=ReviewStatus.UNREVIEWED),
                           ["--down", "--unreviewed"], "feedback=down&status=unreviewed"),
        "text '수출바우처'": (AnswerFilter(text="수출바우처"), ["-q", "수출바우처"],
                           "q=%EC%88%98%EC%B6%9C%EB%B0%94%EC%9A%B0%EC%B2%98"),
        "last 7 days": (AnswerFilter(date_from=today - timedelta(days=6)),
                        ["--since", str(today - timedelta(days=6))],
                        f"since={today - timedelta(days=6)}"),
    }


def timed(fn, repeat: int) -> tuple[float, float]:
    """(median ms, p95 ms) of `repeat` calls after one warm-up call."""
    fn()
    values = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        values.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(values), 2), round(percentile(values, 95), 2)


def drop_indexes(log) -> None:
    from sqlalchemy import text

    with log._ready().begin() as connection:
        for name in ("ix_answers_created_at", "ix_answers_day", "ix_answers_mode_id",
                     "ix_answers_feedback_id", "ix_answers_review_status_id",
                     "ix_answers_mode_question_key"):
            connection.execute(text(f"DROP INDEX {name}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--cli-repeat", type=int, default=5)
    args = parser.parse_args()

    import httpx
    import uvicorn

    from bot.answer_log import AnswerLog
    from bot.review.web import create_app

    tmp = Path(tempfile.mkdtemp(prefix="answer-log-bench-"))
    settings = bench_settings(tmp / "data")
    log = AnswerLog.from_settings(settings)
    started = time.perf_counter()
    seeding = seed(log, args.rows)
    seeding["seed_seconds"] = round(time.perf_counter() - started, 1)
    db_file = Path(settings.answer_log_url.removeprefix("sqlite:///"))
    size_mb = sum(p.stat().st_size for p in db_file.parent.glob(db_file.name + "*")) / 2**20
    today = log.today()
    cases = filters(today)

    results: dict[str, dict] = {"rows": args.rows, "db_mb": round(size_mb, 1), **seeding,
                                "in_process": {}, "cli": {}, "web": {}, "no_indexes": {}}
    for name, (flt, _, _) in cases.items():
        page = log.list_answers(flt, per_page=50)
        med, p95 = timed(lambda flt=flt: log.list_answers(flt, per_page=50), args.repeat)
        results["in_process"][name] = {"median_ms": med, "p95_ms": p95, "total": page.total}
    first = today - timedelta(days=29)
    results["stats_30_days_ms"] = timed(
        lambda: (log.stats_by_day(first, today), log.refused_gaps(first, today)), 5)[0]
    export_started = time.perf_counter()
    exported = sum(1 for _ in log.iter_answers())
    results["iterate_all_rows_ms"] = round((time.perf_counter() - export_started) * 1000, 1)
    assert exported == args.rows

    # The CLI as a maintainer runs it: a whole process each time; `--help` is the baseline
    # (Python start-up and the command line, no database).
    env = {**os.environ, "STARTUPBOT_DATA_DIR": str(settings.data_dir)}
    exe = [sys.executable, "-m", "bot.cli", "review", "list"]
    values = []
    for _ in range(args.cli_repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot.cli", "--help"], env=env, cwd=REPO,
                       check=True, stdout=subprocess.DEVNULL)
        values.append((time.perf_counter() - started) * 1000)
    results["cli_help_baseline_ms"] = round(statistics.median(values), 1)
    for name, (_, cli_args, _) in cases.items():
        values = []
        for _ in range(args.cli_repeat):
            started = time.perf_counter()
            subprocess.run(exe + cli_args, env=env, cwd=REPO, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            values.append((time.perf_counter() - started) * 1000)
        results["cli"][name] = {"median_ms": round(statistics.median(values), 1)}

    # The web page over loopback HTTP.
    app = create_app(log_=log, corrections=None, token=TOKEN, page_size=50)
    with __import__("socket").socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        assert client.post("/login", data={"token": TOKEN}).status_code in (200, 303)
        for name, (_, _, query) in cases.items():
            response = client.get(f"/?{query}")
            assert response.status_code == 200 and "전체" in response.text
            med, p95 = timed(lambda query=query: client.get(f"/?{query}").raise_for_status(),
                             args.repeat)
            results["web"][name] = {"median_ms": med, "p95_ms": p95}
        results["web_stats_30_days_ms"] = timed(
            lambda: client.get("/stats?days=30").raise_for_status(), 5)[0]
    server.should_exit = True
    thread.join(timeout=10)

    drop_indexes(log)
    for name, (flt, _, _) in cases.items():
        med, p95 = timed(lambda flt=flt: log.list_answers(flt, per_page=50), args.repeat)
        results["no_indexes"][name] = {"median_ms": med, "p95_ms": p95}
    log.close()
    shutil.rmtree(tmp, ignore_errors=True)

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "answer_log_listing.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{args.rows:,} answers, SQLite {results['db_mb']} MB; record p50 "
          f"{results['record_ms_p50']} ms, p95 {results['record_ms_p95']} ms\n")
    print("| filter (first page of 50 + total) | matches | in-process | CLI process | "
          "web page | in-process without indexes |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in cases:
        ip, cl, wb, ni = (results[k][name] for k in ("in_process", "cli", "web", "no_indexes"))
        print(f"| {name} | {ip['total']:,} | {ip['median_ms']} ms | {cl['median_ms']} ms | "
              f"{wb['median_ms']} ms | {ni['median_ms']} ms |")
    print(f"\nCLI baseline (`startupbot --help`, same process start-up): "
          f"{results['cli_help_baseline_ms']} ms")
    print(f"stats over 30 days: {results['stats_30_days_ms']} ms in-process, "
          f"{results['web_stats_30_days_ms']} ms web page; "
          f"iterating all rows (export): {results['iterate_all_rows_ms']} ms")


if __name__ == "__main__":
    main()
