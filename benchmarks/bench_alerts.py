"""Alerts (issue 16): matching many programmes against many subscriptions, and delivering one
new call to thousands of chats through the loopback Bot API fake within Telegram's limits.

    python benchmarks/bench_alerts.py                      # both parts (about 2 minutes)
    python benchmarks/bench_alerts.py --part match         # matching only
    python benchmarks/bench_alerts.py --part deliver --deliver 3000 --subscribers 10000

Matching is timed for the signature-grouped `Matcher` against the one-by-one baseline
(`fit_subscription` for every pair) in the same run. Delivery is timed from the first to the
last accepted send at the fake and compared with the limit-bound minimum (N / 30 s); the fake
enforces Telegram's limits when it can (`FakeTelegram.limits`), and every 429 is counted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import RESULTS, machine
from bot.alerts.fields import FIELDS
from bot.alerts.matching import Matcher, fit_subscription
from bot.alerts.models import AgeBand, Profile, RegionScope, Subscription
from knowledge.catalogue.models import (
    Programme,
    Stage,
    StoredProgramme,
    Target,
    Window,
)
from knowledge.clock import SEOUL, Clock

TODAY = date(2026, 3, 10)
WORDS = ["드론", "바이오", "수소", "배터리", "반도체", "관광", "농식품", "화장품", "AI", "로봇",
         "콘텐츠", "의료기기", "스마트팜", "이차전지", "친환경", "푸드테크", "핀테크", "게임"]
FIELD_NAMES = ["사업화", "기술개발(R&D)", "판로ㆍ해외진출", "멘토링ㆍ컨설팅ㆍ교육",
               "시설ㆍ공간ㆍ보육", "융자", "인력", "행사ㆍ네트워크", "수출", "창업"]


def profiles(n: int, rng: random.Random) -> list[Profile]:
    out = []
    for _ in range(n):
        out.append(Profile(
            stage=rng.choice([None, *Stage]),
            age_band=rng.choice([None, None, *AgeBand]),
            fields=rng.sample(list(FIELDS), rng.choice([0, 0, 1, 2])),
            region=rng.choice(list(RegionScope)),
            keywords=rng.sample(WORDS, rng.choice([0, 0, 0, 1, 2]))))
    return out


def programmes(n: int, rng: random.Random) -> list[Programme]:
    out = []
    for i in range(n):
        stages = rng.choice([None, [Stage.PRE], [Stage.PRE, Stage.EARLY], [Stage.EARLY],
                             [Stage.GROWTH, Stage.MATURE], list(Stage)])
        age = rng.choice([(None, None), (None, 39), (40, None), (19, 34)])
        words = " ".join(rng.sample(WORDS, 2))
        start = TODAY - timedelta(days=rng.randint(0, 20))
        out.append(Programme(
            id=f"ks-{i}", source="kstartup", source_id=str(i), title=f"{words} 지원사업 {i}",
            summary=f"{words} 분야 창업기업 지원", support_field=rng.choice(FIELD_NAMES),
            target=Target(stages=stages, age_min=age[0], age_max=age[1],
                          regions=rng.choice([["충북"], ["전국"], ["서울"], []])),
            window=Window(start=datetime.combine(start, dtime(9), tzinfo=SEOUL),
                          end=datetime.combine(start + timedelta(days=30), dtime(18),
                                               tzinfo=SEOUL))))
    return out


def bench_match(n_subs: int, n_programmes: int, baseline_programmes: int) -> dict:
    rng = random.Random(16)
    subs = [Subscription(id=i, chat_id=10_000 + i, profile=p)
            for i, p in enumerate(profiles(n_subs, rng))]
    calls = programmes(n_programmes, rng)
    t0 = time.perf_counter()
    matcher = Matcher(subs)
    built = time.perf_counter() - t0
    matched = 0
    t1 = time.perf_counter()
    for p in calls:
        matched += sum(1 for _ in matcher.matches(p))
    grouped = time.perf_counter() - t1
    # baseline: every pair one by one, on the first `baseline_programmes` calls
    sample = calls[:baseline_programmes]
    t2 = time.perf_counter()
    naive_matched = sum(1 for p in sample for s in subs if fit_subscription(s.profile, p).ok)
    naive = time.perf_counter() - t2
    check = sum(1 for p in sample for _ in matcher.matches(p))
    assert check == naive_matched, (check, naive_matched)
    return {"subscriptions": n_subs, "programmes": n_programmes, "signatures": len(
        matcher.groups), "matches": matched, "build_s": round(built, 3),
        "match_s": round(grouped, 3), "total_s": round(built + grouped, 3),
        "baseline_programmes": len(sample), "baseline_s": round(naive, 3),
        "baseline_extrapolated_s": round(naive * n_programmes / max(1, len(sample)), 1),
        "agree_on_sample": True}


async def bench_deliver(n_subs: int, n_match: int) -> dict:
    from telegram.ext import AIORateLimiter, ExtBot
    from telegram.request import HTTPXRequest

    from bot.alerts.service import Alerts
    from bot.alerts.settings import AlertSettings
    from bot.alerts.store import AlertStore
    from tests.fakes.telegram_api import FakeTelegram

    token = "4242:bench-alerts"
    call = Programme(id="ks-new", source="kstartup", source_id="new", title="예비창업자 모집",
                     target=Target(stages=[Stage.PRE], regions=["충북"]),
                     window=Window(start=datetime.combine(TODAY, dtime(9), tzinfo=SEOUL),
                                   end=datetime.combine(TODAY + timedelta(days=20), dtime(18),
                                                        tzinfo=SEOUL)),
                     url="https://www.k-startup.go.kr/p/new")
    clock = Clock(TODAY)
    with tempfile.TemporaryDirectory() as tmp, FakeTelegram(token=token) as tg:
        enforced = hasattr(tg, "limits")
        if enforced:
            tg.limits()
        store = AlertStore(f"sqlite:///{Path(tmp) / 'a.sqlite3'}", lambda c: f"h{c}", clock)
        t0 = time.perf_counter()
        for i in range(n_subs):
            stage = Stage.PRE if i < n_match else random.Random(i).choice(
                [Stage.EARLY, Stage.GROWTH, Stage.MATURE])
            store.subscribe(200_000 + i, Profile(stage=stage))
        subscribed_s = time.perf_counter() - t0
        items = [StoredProgramme(programme=call, content_hash="x", first_seen=datetime.now(UTC),
                                 last_seen=datetime.now(UTC), changed_at=datetime.now(UTC))]
        alerts = Alerts(store, AlertSettings(_env_file=None), clock,  # type: ignore[call-arg]
                        lambda: items)
        # the production bot: PTB's ExtBot with AIORateLimiter, as `serve` builds it
        bot = ExtBot(token, base_url=tg.base_url, rate_limiter=AIORateLimiter(max_retries=3),
                     request=HTTPXRequest(connection_pool_size=16))
        async with bot:
            sender = alerts.sender()
            t1 = time.perf_counter()
            report = await sender.tick(bot)
            while store.outbox_counts().get("pending"):  # rows put back after a 429
                await asyncio.sleep(0.5)
                report = await sender.tick(bot)
            wall = time.perf_counter() - t1
        sends = sorted(r.at for r in tg.requests if r.method == "sendMessage" and r.status == 200)
        limited = sum(1 for r in tg.requests if r.status == 429)
        span = sends[-1] - sends[0] if len(sends) > 1 else 0.0
        floor = (n_match - 1) / 30.0
        window_max = 0
        j = 0
        for i in range(len(sends)):
            while sends[i] - sends[j] >= 1.0:
                j += 1
            window_max = max(window_max, i - j + 1)
        return {"subscribers": n_subs, "matching": n_match, "delivered": len(sends),
                "status": store.outbox_counts(), "fake_enforced_limits": enforced,
                "rate_limited_429": limited, "max_sends_in_any_1s": window_max,
                "first_to_last_s": round(span, 1), "limit_bound_min_s": round(floor, 1),
                "over_min_pct": round(100 * (span / floor - 1), 1) if floor else None,
                "wall_incl_planning_s": round(wall, 1), "subscribe_rows_s": round(subscribed_s, 1),
                "planned": report.planned if report else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--part", choices=["match", "deliver", "all"], default="all")
    ap.add_argument("--subscribers", type=int, default=10_000)
    ap.add_argument("--programmes", type=int, default=500)
    ap.add_argument("--baseline-programmes", type=int, default=50)
    ap.add_argument("--deliver", type=int, default=3_000, help="Subscribers the call matches.")
    ap.add_argument("--out", default=str(RESULTS / "alerts.json"))
    args = ap.parse_args()
    result: dict = {"machine": machine(), "date": datetime.now(UTC).isoformat()}
    if args.part in ("match", "all"):
        result["match"] = bench_match(args.subscribers, args.programmes,
                                      args.baseline_programmes)
        print(json.dumps(result["match"], ensure_ascii=False))
    if args.part in ("deliver", "all"):
        result["deliver"] = asyncio.run(bench_deliver(args.subscribers, args.deliver))
        print(json.dumps(result["deliver"], ensure_ascii=False))
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
