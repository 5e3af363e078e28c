"""Issue 16: the outbox delivered through the loopback Bot API fake by the real PTB client —
an alert after a sync, no duplicates after a restart, D-7/D-1 at the set hour, the digest,
Forbidden, 429 retry_after, a migrated group, and 1,000 subscribers within Telegram's limits."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.alerts import planner
from bot.alerts.matching import fit_subscription
from bot.alerts.models import AlertStatus, Profile, Receive
from bot.alerts.service import Alerts
from bot.alerts.settings import AlertSettings
from bot.alerts.store import AlertStore
from bot.alerts.words import profile_from_words
from ingest.sync import CatalogueSync
from knowledge.catalogue.models import Stage, SyncChanges
from knowledge.catalogue.repository import Catalogue
from knowledge.clock import SEOUL, Clock
from tests.alerts_helpers import programme, stored
from tests.catalogue_helpers import TODAY, NoIndexKB, catalogue_settings
from tests.fakes import kstartup_api
from tests.fakes.kstartup_api import FakeKStartup
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_limits import max_in_window

TOKEN = "4242:alerts-test-token"
SENDS = ("sendMessage",)


class MovingClock(Clock):
    """A clock the test moves: today and the civil hour follow `moment`."""

    def __init__(self, moment: datetime) -> None:
        super().__init__(None, now=lambda tz: self.moment.astimezone(tz))
        self.moment = moment

    def set(self, day: date, hour: int, minute: int = 0) -> None:
        self.moment = datetime.combine(day, time(hour, minute), tzinfo=SEOUL)


def alert_settings(**values: Any) -> AlertSettings:
    base = {"tick_seconds": 0.2}
    return AlertSettings(_env_file=None, **(base | values))  # type: ignore[call-arg]


@pytest.fixture
def tg():
    with FakeTelegram(token=TOKEN) as fake:
        yield fake


@contextlib.asynccontextmanager
async def bot_for(tg: FakeTelegram):
    bot = Bot(TOKEN, base_url=tg.base_url, request=HTTPXRequest(connection_pool_size=16))
    async with bot:
        yield bot


def alerts_over(tmp_path: Path, items: Any, clock: Clock, **values: Any) -> Alerts:
    store = AlertStore(f"sqlite:///{tmp_path / 'alerts.sqlite3'}", lambda c: f"h{c}", clock)
    catalogue = items if callable(items) else (lambda: list(items))
    return Alerts(store, alert_settings(**values), clock, catalogue)


def cards_to(tg: FakeTelegram, chat_id: int) -> list[Any]:
    return [m for m in tg.sent_messages(chat_id) if not m.edited]


async def drain(alerts: Alerts, bot: Bot, sender: Any = None) -> Any:
    sender = sender or alerts.sender()
    report = await sender.tick(bot)
    return sender, report


# --- after a sync, and never twice --------------------------------------------------------
@pytest.mark.asyncio
async def test_subscribe_then_sync_brings_a_card_and_a_restart_sends_nothing_twice(
        tg: FakeTelegram, tmp_path: Path) -> None:
    from bot.settings import Settings

    clock = Clock(TODAY)
    kb = NoIndexKB(Settings(data_dir=tmp_path / "data", _env_file=None))  # type: ignore[call-arg]
    catalogue = Catalogue.from_settings(kb.settings)
    alerts = alerts_over(tmp_path, catalogue.all, clock)
    chat = 5001
    alerts.store.subscribe(chat, profile_from_words("예비창업").model_copy(
        update={"receive": [Receive.NEW]}))
    with FakeKStartup(kstartup_api.make_items(30, TODAY)) as ks:
        sync = CatalogueSync(kb, catalogue_settings=catalogue_settings(ks), catalogue=catalogue,
                             clock=clock, sleep=lambda s: None, listeners=[alerts.on_sync])
        report = sync.run(ingest=False)
    assert report.changes.new
    fitting = [s.programme for s in catalogue.all()
               if s.programme.status(clock).value in ("open", "upcoming")
               and fit_subscription(Profile(stage=Stage.PRE), s.programme).ok]
    assert len(fitting) > 3, "the fake catalogue must hold several calls for 예비창업자"
    async with bot_for(tg) as bot:
        task = asyncio.create_task(alerts.sender().run_forever(bot))
        try:
            await tg.async_wait_for(lambda: cards_to(tg, chat), timeout=30)
            await asyncio.sleep(0.5)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        # many new calls at once come as one list, each title linking to its call
        [got] = cards_to(tg, chat)
        assert f"새 공고 {len(fitting)}건" in got.plain_text
        linked = {e["url"] for e in got.entities or [] if e["type"] == "text_link"}
        assert linked == {p.url for p in fitting}
        assert all(p.title in got.plain_text for p in fitting)
        assert [b.get("callback_data") for b in got.buttons] == ["al:mute"]
        got = [got]
        # a restart (a new sender, a second sync with nothing new): no card again
        restarted = Alerts(AlertStore(alerts.store.url, lambda c: f"h{c}", clock),
                           alerts.settings, clock, catalogue.all)
        planner.plan_new(restarted.store, catalogue.all(), clock, restarted.settings)
        for p in fitting:  # even planning the same calls again is deduplicated
            restarted.store.enqueue(planner_alerts(restarted.store, p, chat))
        _, again = await drain(restarted, bot)
    assert again.outcomes == {} and len(cards_to(tg, chat)) == len(got)
    tg.assert_no_violations()


def planner_alerts(store: AlertStore, item: Any, chat: int) -> list[Any]:
    from bot.alerts.models import AlertKind
    from bot.alerts.store import NewAlert

    sub = store.get(chat)
    return [NewAlert(subscription_id=sub.id, kind=AlertKind.NEW,
                     programme_id=item.id, dedup_key=f"new:{item.id}")]


# --- reminders and digest at the civil hour ----------------------------------------------
@pytest.mark.asyncio
async def test_d7_and_d1_reminders_at_the_set_hour_once(tg: FakeTelegram, tmp_path: Path) -> None:
    deadline = date(2026, 4, 20)
    clock = MovingClock(datetime.combine(deadline - timedelta(days=8), time(12), tzinfo=SEOUL))
    call = programme("ks-r1", start=date(2026, 3, 1), end=deadline, title="충북 초기창업 R&D")
    items = [stored(call, changed=datetime(2026, 3, 1, tzinfo=UTC))]
    alerts = alerts_over(tmp_path, items, clock, send_hour=9, reminder_days=[7, 1])
    chat = 6001
    alerts.store.subscribe(chat, Profile(receive=[Receive.REMINDERS]))
    seen: list[tuple[date, int, int]] = []
    async with bot_for(tg) as bot:
        sender = alerts.sender()
        for days_before in (8, 7, 6, 2, 1, 0):
            day = deadline - timedelta(days=days_before)
            for hour in (8, 9, 15):  # before the hour, at it, later the same day
                clock.set(day, hour, 30 if hour == 8 else 0)
                sender.wake()
                await sender.tick(bot)
                seen.append((day, hour, len(cards_to(tg, chat))))
    reminders = cards_to(tg, chat)
    assert [m.plain_text.splitlines()[0] for m in reminders] == [
        "⏰ 마감 7일 전 · D-7", "⏰ 마감 1일 전 · D-1"]
    first_at = {n: next(s for s in seen if s[2] >= n)[:2] for n in (1, 2)}
    assert first_at[1] == (deadline - timedelta(days=7), 9)  # D-7 at 09:00, not 08:30
    assert first_at[2] == (deadline - timedelta(days=1), 9)


@pytest.mark.asyncio
async def test_weekly_digest_on_its_weekday(tg: FakeTelegram, tmp_path: Path) -> None:
    monday = date(2026, 3, 9)
    clock = MovingClock(datetime.combine(monday, time(8), tzinfo=SEOUL))
    changed = datetime(2026, 2, 1, tzinfo=UTC)
    items = [stored(programme("ks-o", title="이번 주 시작 공고", start=monday + timedelta(days=2),
                              end=monday + timedelta(days=30)), changed),
             stored(programme("ks-c", title="이번 주 마감 공고", start=monday - timedelta(days=30),
                              end=monday + timedelta(days=3)), changed),
             stored(programme("ks-x", title="다른 지역 공고", regions=["서울"],
                              start=monday + timedelta(days=1)), changed)]
    alerts = alerts_over(tmp_path, items, clock, digest_weekday="mon", send_hour=9)
    chat = 7001
    alerts.store.subscribe(chat, Profile(receive=[Receive.DIGEST]))
    async with bot_for(tg) as bot:
        sender = alerts.sender()
        await sender.tick(bot)  # 08:00: not yet
        assert cards_to(tg, chat) == []
        clock.set(monday, 9)
        sender.wake()
        await sender.tick(bot)
        clock.set(monday, 18)
        sender.wake()
        await sender.tick(bot)
    [digest] = cards_to(tg, chat)
    text = digest.plain_text
    assert "이번 주 지원사업" in text and "이번 주 시작 공고" in text
    assert "이번 주 마감 공고" in text
    assert "다른 지역 공고" not in text
    assert text.index("접수 시작") < text.index("이번 주 시작 공고") < text.index("마감\n")


# --- what Telegram answers ----------------------------------------------------------------
def one_new_call(tmp_path: Path, clock: Clock, **values: Any) -> tuple[Alerts, Any]:
    call = programme("ks-n1", title="예비창업자 모집", stages=[Stage.PRE])
    items = [stored(call)]
    return alerts_over(tmp_path, items, clock, **values), items


@pytest.mark.asyncio
async def test_forbidden_ends_the_subscription(tg: FakeTelegram, tmp_path: Path) -> None:
    clock = Clock(TODAY)
    alerts, items = one_new_call(tmp_path, clock)
    blocked, fine = 8001, 8002
    for chat in (blocked, fine):
        alerts.store.subscribe(chat, Profile())
    items[0] = stored(items[0].programme)  # came in after both subscribed
    tg.fail_next("sendMessage", 403, chat_id=blocked, times=None)
    async with bot_for(tg) as bot:
        _, report = await drain(alerts, bot)
    assert report.outcomes == {"blocked": 1, "sent": 1}
    ended = alerts.store.get(blocked)
    assert not ended.active and ended.end_reason == "blocked"
    assert alerts.store.get(fine).active and len(cards_to(tg, fine)) == 1


@pytest.mark.asyncio
async def test_429_retry_after_is_honoured(tg: FakeTelegram, tmp_path: Path) -> None:
    clock = Clock(TODAY)
    alerts, items = one_new_call(tmp_path, clock)
    chat = 8101
    alerts.store.subscribe(chat, Profile())
    items[0] = stored(items[0].programme)
    tg.fail_next("sendMessage", 429, retry_after=2, chat_id=chat)
    async with bot_for(tg) as bot:
        sender, first = await drain(alerts, bot)
        assert first.outcomes == {"retry_after": 1} and cards_to(tg, chat) == []
        _, early = await drain(alerts, bot, sender)  # due again only after retry_after
        assert early.claimed == 0
        await asyncio.sleep(2.1)
        _, later = await drain(alerts, bot, sender)
    assert later.outcomes == {"sent": 1}
    calls = [r for r in tg.requests if r.method == "sendMessage"]
    assert calls[-1].at - calls[0].at >= 2.0


@pytest.mark.asyncio
async def test_a_migrated_group_gets_its_alert_at_the_new_id(tg: FakeTelegram,
                                                             tmp_path: Path) -> None:
    clock = Clock(TODAY)
    alerts, items = one_new_call(tmp_path, clock)
    old, new = -4001, -1004001
    alerts.store.subscribe(old, Profile(), chat_type="group")
    items[0] = stored(items[0].programme)
    tg.fail_next("sendMessage", migrate_to_chat_id=new, chat_id=old, times=None)
    async with bot_for(tg) as bot:
        _, report = await drain(alerts, bot)
    assert report.outcomes == {"sent": 1} and len(cards_to(tg, new)) == 1
    assert alerts.store.get(new).active and alerts.store.get(old) is None


# --- 1,000 subscribers, one new call --------------------------------------------------------

@pytest.mark.asyncio
async def test_a_thousand_subscribers_stay_within_telegrams_limits(tg: FakeTelegram,
                                                                   tmp_path: Path) -> None:
    clock = Clock(TODAY)
    alerts, items = one_new_call(tmp_path, clock)
    chats = list(range(100_000, 101_000))
    tg.limits()  # the fake answers 429 as Telegram does beyond 30/s, 1/s per chat
    for chat in chats:
        alerts.store.subscribe(chat, Profile(stage=Stage.PRE))
    items[0] = stored(items[0].programme)
    async with bot_for(tg) as bot:
        sender = alerts.sender()
        await sender.tick(bot)
    sends = sorted((r.at, r.params.get("chat_id")) for r in tg.requests
                   if r.method in SENDS and r.status == 200)
    assert len(sends) == 1000 and {int(c) for _, c in sends} == set(chats)
    times = [t for t, _ in sends]
    assert max_in_window(times, 1.0) <= 30  # Telegram: about 30 messages a second
    per_chat: dict[Any, list[float]] = {}
    for t, c in sends:
        per_chat.setdefault(c, []).append(t)
    assert all(max_in_window(v, 1.0) <= 1 for v in per_chat.values())
    assert not any(r.status == 429 for r in tg.requests) and tg.rate_limited == 0
    assert tg.max_sends_in(1.0) <= 30 and tg.max_sends_per_chat_in(1.0) <= 1
    assert alerts.store.outbox_counts() == {str(AlertStatus.SENT): 1000}


# --- inside `serve`: the sender runs with the bot, card links count clicks ------------------
class _NoEngine:
    """The answer engine is not under test here (no question is asked)."""

    conversations = None


@pytest.mark.asyncio
async def test_serve_runs_the_sender_and_card_links_count_clicks(tg: FakeTelegram,
                                                                 tmp_path: Path) -> None:
    import httpx

    from bot.telegram.app import WebhookConfig, build_application, running
    from tests.helpers import free_port
    from tests.test_telegram_bot import bot_settings

    settings = bot_settings(tg, tmp_path)
    clock = Clock(TODAY)
    alerts, items = one_new_call(tmp_path, clock)
    chat = 9001
    alerts.store.subscribe(chat, Profile(stage=Stage.PRE))
    items[0] = stored(items[0].programme)
    port = free_port()
    hook = WebhookConfig(url=f"http://127.0.0.1:{port}/hook", listen="127.0.0.1", port=port)
    app = build_application(settings, _NoEngine(), None, None, alerts=alerts)
    async with running(app, webhook=hook, poll_timeout=1):
        alerts.on_sync(SyncChanges(new=["ks-n1"]), {})  # what a sync in this process does
        [card] = await tg.async_wait_for_sent(chat, count=1, timeout=20)
        link = next(b["url"] for b in card.buttons if b.get("url"))
        assert link.startswith(f"http://127.0.0.1:{port}/r/")
        async with httpx.AsyncClient() as client:
            hop = await client.get(link)
            forged = await client.get(link[:-3] + "AAA")
            other = await client.get(f"http://127.0.0.1:{port}/r/1.{'A' * 16}")
    assert hop.status_code == 302 and hop.headers["location"] == items[0].programme.url
    assert forged.status_code == 404 and other.status_code == 404
    stats = alerts.store.stats()
    assert stats.clicks == 1 and stats.clicked_alerts == 1 and stats.sent == 1


@pytest.mark.asyncio
async def test_a_changed_deadline_after_the_card_is_its_own_alert(tg: FakeTelegram,
                                                                  tmp_path: Path) -> None:
    clock = Clock(TODAY)
    call = programme("ks-dl", title="마감 연장 시험 공고")
    box = [stored(call)]
    alerts = alerts_over(tmp_path, lambda: list(box), clock)
    chat = 9101
    alerts.store.subscribe(chat, Profile(receive=[Receive.NEW]))
    box[0] = stored(call)  # came in after the chat subscribed
    async with bot_for(tg) as bot:
        sender, first = await drain(alerts, bot)
        assert first.outcomes == {"sent": 1}
        moved = call.model_copy(deep=True)
        moved.window.end = call.window.end + timedelta(days=10)
        box[0] = stored(moved, datetime.now(UTC) + timedelta(seconds=1))
        alerts.on_sync(SyncChanges(changed=[call.id]), {})
        await drain(alerts, bot, sender)
        moved_again = stored(moved, datetime.now(UTC) + timedelta(seconds=2))
        box[0] = moved_again  # the same deadline again: nothing new to say
        alerts.on_sync(SyncChanges(changed=[call.id]), {})
        _, last = await drain(alerts, bot, sender)
    assert last.outcomes == {}
    new, change = cards_to(tg, chat)
    assert "새 지원사업 공고" in new.plain_text
    assert "마감일이 바뀌었습니다" in change.plain_text
    assert f"이전 마감일: {call.window.end.date().isoformat()}" in change.plain_text
    assert moved.window.end.date().isoformat() in change.plain_text



@pytest.mark.asyncio
async def test_an_unreachable_database_does_not_stop_the_sender(tg: FakeTelegram,
                                                                caplog: pytest.LogCaptureFixture,
                                                                tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    store = AlertStore(f"sqlite:///{blocker / 'alerts.sqlite3'}", lambda c: f"h{c}")
    alerts = Alerts(store, alert_settings(tick_seconds=0.05), Clock(TODAY), lambda: [])
    async with bot_for(tg) as bot:
        task = asyncio.create_task(alerts.sender().run_forever(bot))
        await asyncio.sleep(1.0)
        assert not task.done()  # still running, backing off
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    failed = [r for r in caplog.records if r.getMessage() == "alerts.tick_failed"]
    assert len(failed) == 1  # logged once, not every tick
