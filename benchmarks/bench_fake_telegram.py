"""The loopback Bot API fake under broadcast load (issue 16 groundwork).

Three measurements against tests/fakes/telegram_api.py, driven by python-telegram-bot's `Bot`:

1. cost: N unpaced sendMessage calls to N private chats (8 in flight), limits off; the CPU the
   fake's server thread spent per request (its own thread CPU clock) and the wall rate.
2. paced: M sends at 30/s with the limits on, by a sender that waits until a second has passed
   since the send 30 sends ago finished; 429s served, the busiest 1 s window from the fake's
   accepted-send log, and the time against the limit-bound minimum (the last batch of 30 can
   start floor((M - 1) / 30) s after the first).
3. aioratelimiter (optional): M sends at once through PTB's `AIORateLimiter` (what `serve` uses
   today) with limits on: how many 429s the fake serves it.

    .venv/bin/python benchmarks/bench_fake_telegram.py                    # 3,000 / 300
    .venv/bin/python benchmarks/bench_fake_telegram.py --paced 3000       # the ~100 s target run
    .venv/bin/python benchmarks/bench_fake_telegram.py --aioratelimiter 300

Results also go to benchmarks/results/fake_telegram.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TOKEN = "123456:BENCH-fake_limits"


def thread_cpu(tg) -> float:
    """CPU seconds used so far by the fake's server thread (Linux thread CPU clock)."""
    return time.clock_gettime(time.pthread_getcpuclockid(tg._thread.ident))


async def _cost(n: int, in_flight: int) -> dict:
    from telegram import Bot

    from tests.fakes.telegram_api import FakeTelegram

    with FakeTelegram(token=TOKEN) as tg:
        async with Bot(tg.token, base_url=tg.base_url) as bot:
            queue = list(range(1_000_000, 1_000_000 + n))
            cpu0, t0 = thread_cpu(tg), time.perf_counter()

            async def worker() -> None:
                while queue:
                    await bot.send_message(queue.pop(), "새 공고: 2027 예비창업패키지 (D-14)")

            await asyncio.gather(*(worker() for _ in range(in_flight)))
            wall, cpu = time.perf_counter() - t0, thread_cpu(tg) - cpu0
        assert len(tg.send_times()) == n and not tg.violations
    return {"requests": n, "in_flight": in_flight, "wall_s": round(wall, 2),
            "requests_per_s": round(n / wall, 1),
            "fake_cpu_ms_per_request": round(cpu / n * 1000, 3)}


async def _paced(m: int) -> dict:
    from telegram import Bot

    from tests.fakes.telegram_api import FakeTelegram

    with FakeTelegram(token=TOKEN, limits=True) as tg:
        async with Bot(tg.token, base_url=tg.base_url) as bot:
            finished: list[float] = []
            t0 = time.monotonic()
            for chat in range(2_000_000, 2_000_000 + m):
                if len(finished) >= 30:
                    wait = finished[-30] + 1.0 - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                await bot.send_message(chat, "새 공고 알림")
                finished.append(time.monotonic())
            took = time.monotonic() - t0
        minimum = (m - 1) // 30
        return {"sends": m, "took_s": round(took, 2), "limit_bound_min_s": minimum,
                "over_min_pct": round(100 * (took - minimum) / max(minimum, 1), 1),
                "rate_limited": tg.rate_limited, "max_in_1s": tg.max_sends_in(1.0),
                "max_per_chat_in_1s": tg.max_sends_per_chat_in(1.0)}


async def _aioratelimiter(m: int) -> dict:
    from telegram.ext import AIORateLimiter, ExtBot

    from tests.fakes.telegram_api import FakeTelegram

    with FakeTelegram(token=TOKEN, limits=True) as tg:
        bot = ExtBot(tg.token, base_url=tg.base_url,
                     rate_limiter=AIORateLimiter(max_retries=3))
        async with bot:
            t0 = time.monotonic()
            results = await asyncio.gather(
                *(bot.send_message(3_000_000 + n, "새 공고 알림") for n in range(m)),
                return_exceptions=True)
            took = time.monotonic() - t0
        failed = sum(isinstance(r, Exception) for r in results)
        return {"sends": m, "took_s": round(took, 2), "rate_limited": tg.rate_limited,
                "failed_after_retries": failed, "max_in_1s": tg.max_sends_in(1.0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="unpaced sends (cost)")
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--paced", type=int, default=300, help="sends at 30/s (0: skip)")
    parser.add_argument("--aioratelimiter", type=int, default=0,
                        help="sends through PTB's AIORateLimiter (0: skip)")
    args = parser.parse_args()
    import logging
    logging.disable(logging.WARNING)

    out: dict = {"cost": asyncio.run(_cost(args.requests, args.in_flight))}
    print("cost:", json.dumps(out["cost"]))
    if args.paced:
        out["paced"] = asyncio.run(_paced(args.paced))
        print("paced:", json.dumps(out["paced"]))
    if args.aioratelimiter:
        out["aioratelimiter"] = asyncio.run(_aioratelimiter(args.aioratelimiter))
        print("aioratelimiter:", json.dumps(out["aioratelimiter"]))
    results = REPO / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    (results / "fake_telegram.json").write_text(json.dumps(out, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
