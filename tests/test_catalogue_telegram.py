"""/programs, deep-link cards and a catalogue answer through the real PTB Application and the
loopback Bot API fake."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.answer_log import AnswerLog
from bot.catalogue.answerer import CatalogueAnswerer
from bot.engine import AnswerEngine
from knowledge.base import KnowledgeBase
from knowledge.catalogue.models import Status
from knowledge.clock import Clock
from tests.catalogue_helpers import TODAY, catalogue_settings, sync_once
from tests.fakes import kstartup_api
from tests.fakes.kstartup_api import FakeKStartup
from tests.test_telegram_bot import USER, Harness, bot_settings, tg  # noqa: F401 (fixture)


@pytest.fixture
def catalogue(tmp_path: Path):
    with FakeKStartup(kstartup_api.make_items(40, TODAY)) as ks:
        return sync_once(tmp_path / "cat", catalogue_settings(ks))[1]


@pytest.fixture
def harness(tg, corpus_kb: KnowledgeBase, catalogue, tmp_path: Path):  # noqa: F811
    settings = bot_settings(tg, tmp_path)
    answer_log = AnswerLog.from_settings(settings)
    engine = AnswerEngine(corpus_kb, catalogue_answerer=CatalogueAnswerer(catalogue,
                                                                          Clock(TODAY)))
    yield Harness(tg, settings, engine, answer_log)
    answer_log.close()


@pytest.mark.asyncio
async def test_programs_browser_and_deep_link(harness: Harness, catalogue) -> None:
    clock = Clock(TODAY)
    async with harness.running() as h:
        h.tg.push_message(USER, USER, "/programs")
        menu = (await h.replies(USER, 1))[-1]
        assert "지원사업 찾아보기" in menu.plain_text
        soon = next(b for b in menu.buttons if b["callback_data"] == "pg:s:0")
        h.tg.push_callback_query(USER, USER, soon["callback_data"], menu.message_id)
        await h.tg.async_wait_for(lambda: any(m.edited and "마감 임박" in (m.plain_text or "")
                                              for m in h.tg.sent_messages(USER)))
        listing = next(m for m in reversed(h.tg.sent_messages(USER)) if m.edited)
        ids = [b["callback_data"][5:] for b in listing.buttons
               if b["callback_data"].startswith("pg:p:")]
        assert ids and all(catalogue.get(i).programme.status(clock) is Status.OPEN for i in ids)
        h.tg.push_callback_query(USER, USER, f"pg:p:{ids[0]}", listing.message_id)
        title = catalogue.get(ids[0]).programme.title
        await h.tg.async_wait_for(lambda: any(m.edited and title in (m.plain_text or "")
                                              and "공유 링크" in (m.plain_text or "")
                                              for m in h.tg.sent_messages(USER)))
        before = len(h.tg.sent_messages(USER))
        h.tg.push_message(USER, USER, f"/start p_{ids[0]}")
        card = (await h.replies(USER, before + 1))[-1]
        assert title in card.plain_text and f"?start=p_{ids[0]}" in card.plain_text


@pytest.mark.asyncio
async def test_founder_question_lists_open_calls(harness: Harness, catalogue) -> None:
    clock = Clock(TODAY)
    async with harness.running() as h:
        answer = await h.ask("지금 신청 가능한 예비창업자 지원사업 알려줘")
    assert "D-" in answer.plain_text
    urls = [e["url"] for e in answer.entities or [] if e["type"] == "text_link"]
    by_url = {s.programme.url: s.programme for s in catalogue.all()}
    listed = [by_url[u] for u in urls if u in by_url]
    assert listed and all(p.status(clock) is Status.OPEN for p in listed)


@pytest.mark.asyncio
async def test_scheduled_sync_in_serve(harness: Harness, catalogue, tmp_path: Path) -> None:
    """The JobQueue runs the sync `serve` attached; answers see the new call afterwards."""
    from bot.settings import Settings
    from ingest.sync import CatalogueSync
    from tests.catalogue_helpers import NoIndexKB

    answerer = harness.engine.catalogue_answerer
    items = kstartup_api.make_items(40, TODAY)
    new = kstartup_api.make_item(1, TODAY, sn=424242)
    new["biz_pbanc_nm"] = "2026년 충북 반도체 소재 스타트업 챌린지 참여기업 모집"
    with FakeKStartup([*items, new]) as ks:
        kb = NoIndexKB(Settings(data_dir=tmp_path / "cat", _env_file=None))
        runs = []

        def sync():
            runs.append(1)
            return CatalogueSync(kb, catalogue_settings=catalogue_settings(ks),
                                 catalogue=catalogue, clock=Clock(TODAY)).run(ingest=False)

        answerer.sync, answerer.sync_interval_s, answerer.first_sync_delay_s = sync, 3600, 0.2
        async with harness.running() as h:
            jobs = h.app.job_queue.get_jobs_by_name("catalogue-sync")
            assert len(jobs) == 1
            await h.tg.async_wait_for(lambda: runs and catalogue.get("ks-424242"), timeout=20)
            await asyncio.sleep(0.5)
            answer = await h.ask("반도체 소재 스타트업 챌린지 마감 언제야?")
    assert "지금 신청할 수 있습니다" in answer.plain_text
