"""Issue 16, done when: a founder who sent `/subscribe 예비창업` gets a card for a matching call
soon after a sync that brought it in, gets a D-7 reminder on the right day at the set hour, and
never gets either twice — across a restart of the bot. The real PTB Application (polling, the
sender inside `running()`), the loopback Bot API fake enforcing Telegram's limits, the fake
K-Startup API and a real sync with the alerts listener."""

from __future__ import annotations

import time as clock_time
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.alerts.matching import fit_subscription
from bot.alerts.models import Profile
from bot.alerts.service import Alerts
from bot.alerts.settings import AlertSettings
from bot.alerts.store import AlertStore
from bot.answer_log import AnswerLog
from bot.telegram.app import build_application, running
from ingest.sync import CatalogueSync
from knowledge.catalogue.models import Stage, Status
from knowledge.catalogue.repository import Catalogue
from knowledge.clock import SEOUL, Clock
from tests.catalogue_helpers import TODAY, NoIndexKB, catalogue_settings
from tests.fakes import kstartup_api
from tests.fakes.kstartup_api import FakeKStartup
from tests.fakes.telegram_api import FakeTelegram
from tests.test_telegram_bot import TOKEN, bot_settings

FOUNDER = 424_242


class MovingClock(Clock):
    def __init__(self, moment: datetime) -> None:
        super().__init__(None, now=lambda tz: self.moment.astimezone(tz))
        self.moment = moment


class NoEngine:
    conversations = None
    generator = None


def texts_to(tg: FakeTelegram, chat: int) -> list[str]:
    return [m.plain_text or "" for m in tg.sent_messages(chat) if not m.edited]


@pytest.mark.asyncio
async def test_subscribe_sync_card_then_d7_reminder_never_twice(tmp_path: Path) -> None:
    from bot.settings import Settings

    clock = MovingClock(datetime.combine(TODAY, time(10), tzinfo=SEOUL))
    with FakeTelegram(token=TOKEN, limits=True) as tg:
        settings = bot_settings(tg, tmp_path)
        log = AnswerLog.from_settings(settings)
        catalogue = Catalogue.from_settings(settings)
        alert_settings = AlertSettings(_env_file=None, tick_seconds=0.2)  # type: ignore[call-arg]
        alerts = Alerts(AlertStore.from_answer_log(log, clock), alert_settings, clock,
                        catalogue.all)

        async def serving(action):
            app = build_application(settings, NoEngine(), log, None, alerts=alerts)
            async with running(app, poll_timeout=1):
                return await action()

        async def subscribe() -> None:
            tg.push_message(FOUNDER, FOUNDER, "/subscribe 예비창업")
            await tg.async_wait_for(lambda: texts_to(tg, FOUNDER), timeout=20)
            # the sync, as `startupbot sync` or serve's schedule runs it, with the listener
            with FakeKStartup(kstartup_api.make_items(12, TODAY)) as ks:
                kb = NoIndexKB(Settings(data_dir=tmp_path / "d", answer_log_url=settings
                                        .answer_log_url, _env_file=None))  # type: ignore[call-arg]
                report = CatalogueSync(kb, catalogue_settings=catalogue_settings(ks),
                                       catalogue=catalogue, clock=clock, sleep=lambda s: None,
                                       listeners=[alerts.on_sync]).run(ingest=False)
            assert report.changes.new
            synced = clock_time.monotonic()
            await tg.async_wait_for(lambda: len(texts_to(tg, FOUNDER)) >= 2, timeout=60)
            return clock_time.monotonic() - synced

        took = await serving(subscribe)
        assert took < 60  # "within a minute of a sync"
        sub = alerts.store.get(FOUNDER)
        assert sub is not None and sub.profile.stage is Stage.PRE
        fitting = [s.programme for s in catalogue.all()
                   if s.programme.status(clock) in (Status.OPEN, Status.UPCOMING)
                   and fit_subscription(Profile(stage=Stage.PRE), s.programme).ok]
        after_sync = texts_to(tg, FOUNDER)[1:]
        assert fitting and all(any(p.title in t for t in after_sync) for p in fitting)
        assert not any(p.title in "".join(after_sync) for s in catalogue.all()
                       if (p := s.programme) not in fitting)

        # the D-7 reminder: the day before it, nothing; on the day at 08:00, nothing; at 09:00
        call = min((p for p in fitting if p.window.end_date and p.status(clock) is Status.OPEN
                    and (p.window.end_date - TODAY).days > 8), key=lambda p: p.window.end)
        d7: date = call.window.end_date - timedelta(days=7)
        seen: dict[str, int] = {}

        async def days() -> None:
            for day, hour in ((d7 - timedelta(days=1), 12), (d7, 8), (d7, 9), (d7, 15)):
                clock.moment = datetime.combine(day, time(hour), tzinfo=SEOUL)
                alerts.running_sender.wake()
                await _settle(tg, FOUNDER)
                seen[f"{day} {hour:02d}"] = sum("마감 7일 전" in t for t in texts_to(tg, FOUNDER))

        await serving(days)
        assert list(seen.values()) == [0, 0, 1, 1]
        # a restart on the same day: nothing again (the outbox is the record)
        before = len(texts_to(tg, FOUNDER))
        await serving(lambda: _settle(tg, FOUNDER, 2.0))
        assert len(texts_to(tg, FOUNDER)) == before
        assert tg.rate_limited == 0
        tg.assert_no_violations()
        log.close()


async def _settle(tg: FakeTelegram, chat: int, quiet: float = 1.0) -> Any:
    """Wait until no new message reached `chat` for `quiet` seconds."""
    import asyncio

    last, since = -1, clock_time.monotonic()
    while clock_time.monotonic() - since < quiet:
        count = len(tg.sent_messages(chat))
        if count != last:
            last, since = count, clock_time.monotonic()
        await asyncio.sleep(0.1)
