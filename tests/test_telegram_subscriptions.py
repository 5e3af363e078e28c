"""Issue 16 in Telegram: /subscribe (buttons and words), /mysubs, /unsubscribe, 🔕, groups and
their admins, forged presses, /match and the plain "which programmes fit me" question, and the
staff's /alerts — the real PTB Application (polling) against the loopback Bot API fake, a real
SQLite answer log holding the alert tables, a fake catalogue and a pinned clock."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import prompts
from bot.alerts import cards, planner
from bot.alerts.models import AgeBand, AlertKind, OutboxItem, Profile, Receive, RegionScope
from bot.alerts.prompts import FLOW_EN, FLOW_KO, KO
from bot.alerts.service import Alerts
from bot.alerts.settings import AlertSettings
from bot.alerts.store import AlertStore
from bot.answer_log import AnswerLog
from bot.logging_setup import JsonFormatter
from bot.models import Answer, AnswerMode
from bot.telegram.app import build_application, running
from bot.telegram.services import SERVICES_KEY
from knowledge.catalogue.models import Stage, StoredProgramme
from tests.alerts_helpers import TODAY, clock_at, programme, stored
from tests.fakes.telegram_api import FakeTelegram, SentMessage
from tests.test_telegram_bot import TOKEN, bot_settings

USER = 987_654_321
OTHER = 876_543_219
STAFF = 765_432_198
ADMIN = 654_321_987
MEMBER = 543_219_876
GROUP = -1_001_234_567_890
OLD_GROUP = -4_004_321
SUBSCRIBED = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)  # clock_at(): 10:00 Seoul = 01:00 UTC


class StubEngine:
    """Answers every question the same way, and remembers it (which questions reached it)."""

    generator = None

    def __init__(self) -> None:
        self.questions: list[str] = []
        self.kb = None

    async def aanswer(self, question: str, **kwargs: Any) -> Answer:
        self.questions.append(question)
        return Answer(question=question, query=question, answer="엔진 답변입니다.",
                      mode=AnswerMode.REFUSED)

    def forget(self, conversation_id: str) -> None:
        pass


def catalogue_items() -> list[StoredProgramme]:
    """Open and upcoming calls in 충북 (and some that must never show for a 예비 founder)."""
    before = SUBSCRIBED - timedelta(days=3)
    return [stored(p, before) for p in [
        programme("ks-pre", title="충북 예비창업 사업화 지원", stages=[Stage.PRE]),
        programme("ks-early", title="초기창업 도약 지원", stages=[Stage.EARLY]),
        programme("ks-closed", title="마감된 예비창업 공고", stages=[Stage.PRE],
                  start=TODAY - timedelta(days=30), end=TODAY - timedelta(days=1)),
        programme("ks-soon", title="충북 창업 아이디어 경진대회", stages=None,
                  start=TODAY + timedelta(days=5), end=TODAY + timedelta(days=30)),
        programme("ks-seoul", title="서울 창업 지원", stages=[Stage.PRE], regions=["서울"]),
    ]]


@dataclass
class Bot:
    tg: FakeTelegram
    alerts: Alerts
    engine: StubEngine
    app: Any
    catalogue: list[StoredProgramme] = field(default_factory=list)

    @property
    def store(self) -> AlertStore:
        return self.alerts.store

    def sent(self, chat_id: int) -> list[SentMessage]:
        return self.tg.sent_messages(chat_id)

    async def command(self, text: str, chat_id: int = USER, user_id: int | None = None,
                      contains: str | None = None, **kwargs: Any) -> SentMessage:
        """Send `text` and wait for one more message from the bot in the chat."""
        before = len([m for m in self.sent(chat_id) if not m.edited])
        self.tg.push_message(chat_id, user_id or chat_id, text, **kwargs)

        def replied() -> list[SentMessage] | None:
            new = [m for m in self.sent(chat_id) if not m.edited][before:]
            found = [m for m in new if contains is None or contains in (m.plain_text or "")]
            return found or None

        return (await self.tg.async_wait_for(replied, timeout=20))[-1]

    async def press(self, chat_id: int, message_id: int, label: str | None = None, *,
                    data: str | None = None, user_id: int | None = None,
                    edit: bool = True, language: str = "ko") -> dict[str, Any]:
        """Press the button labelled `label` (or send `data`) on a message; returns the
        callback answer, after the message was edited when `edit`."""
        if data is None:
            message = self.tg.message(chat_id, message_id)
            assert message is not None
            buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
            matching = [b for b in buttons if label in b["text"]]
            assert matching, f"no button {label!r} in {[b['text'] for b in buttons]}"
            data = matching[0]["callback_data"]
        answers, sent = len(self.tg.callback_answers), len(self.sent(chat_id))
        self.tg.push_callback_query(chat_id, user_id or chat_id, data, message_id,
                                    language_code=language)
        await self.tg.async_wait_for(lambda: len(self.tg.callback_answers) > answers)
        if edit:
            await self.tg.async_wait_for(lambda: len(self.sent(chat_id)) > sent, timeout=20)
        await asyncio.sleep(0.05)
        return self.tg.callback_answers[answers]

    def text_of(self, chat_id: int, message_id: int) -> str:
        message = self.tg.message(chat_id, message_id)
        assert message is not None
        return message.get("text", "")

    def labels(self, chat_id: int, message_id: int) -> list[str]:
        message = self.tg.message(chat_id, message_id) or {}
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        return [b["text"] for row in rows for b in row]


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN) as fake:
        yield fake
    assert fake.answer_problems == []


@contextlib.asynccontextmanager
async def started(tg: FakeTelegram, tmp_path: Path, *,
                  require_release: bool = False) -> AsyncIterator[Bot]:
    settings = bot_settings(tg, tmp_path, telegram_staff_ids=[STAFF])
    answer_log = AnswerLog.from_settings(settings)
    engine = StubEngine()
    app = build_application(settings, engine, answer_log, None)
    clock = clock_at()
    items = catalogue_items()
    alerts = Alerts(AlertStore.from_answer_log(answer_log, clock),
                    AlertSettings(_env_file=None, require_release=require_release),  # type: ignore[call-arg]
                    clock, lambda: list(items))
    app.bot_data[SERVICES_KEY].alerts = alerts
    try:
        async with running(app, poll_timeout=1):
            yield Bot(tg, alerts, engine, app, items)
    finally:
        alerts.store.close()
        answer_log.close()


# --------------------------------------------------------------------------- /subscribe


@pytest.mark.asyncio
async def test_subscribe_by_buttons_step_by_step_stores_the_profile(
        tg: FakeTelegram, tmp_path: Path) -> None:
    async with started(tg, tmp_path) as b:
        flow = await b.command("/subscribe")
        mid = flow.message_id
        assert "(1/5)" in flow.plain_text and "창업 단계" in flow.plain_text
        stages = {"예비 창업자", "창업 3년 이내", "창업 3~7년", "창업 7년 초과", "✅ 상관없음"}
        assert stages <= set(b.labels(USER, mid))
        await b.press(USER, mid, "예비 창업자")
        assert "(2/5)" in b.text_of(USER, mid)
        await b.press(USER, mid, "40대")
        assert "(3/5)" in b.text_of(USER, mid)
        await b.press(USER, mid, "판로·해외")
        await b.press(USER, mid, "기술개발")
        await b.press(USER, mid, "기술개발")  # and off again
        assert "✅ 판로·해외" in b.labels(USER, mid) and "기술개발" in b.labels(USER, mid)
        await b.press(USER, mid, "다음")
        assert "(4/5)" in b.text_of(USER, mid)
        await b.press(USER, mid, "충북만")
        assert "(5/5)" in b.text_of(USER, mid)
        await b.press(USER, mid, "주간 요약")  # all three are on at first: now off
        await b.press(USER, mid, "다음")
        summary = b.text_of(USER, mid)
        assert "예비 창업자" in summary and "40대" in summary and "충북만" in summary
        assert "새 공고 · 마감 임박 알림" in summary and "주간 요약" not in summary
        assert b.store.get(USER) is None  # nothing is stored before 저장
        await b.press(USER, mid, "저장")
        assert FLOW_KO["saved"] in b.text_of(USER, mid)
        sub = b.store.get(USER)
    assert sub is not None and sub.active and sub.chat_type == "private"
    assert sub.profile == Profile(stage=Stage.PRE, age_band=AgeBand.FORTIES, fields=["판로·해외"],
                                  region=RegionScope.CHUNGBUK,
                                  receive=[Receive.NEW, Receive.REMINDERS])
    assert all(m.edited for m in tg.sent_messages(USER)[1:])  # one message, edited each time
    tg.assert_no_violations()


@pytest.mark.asyncio
async def test_subscribe_by_words_answers_with_the_profile(tg: FakeTelegram,
                                                          tmp_path: Path) -> None:
    async with started(tg, tmp_path) as b:
        reply = await b.command("/subscribe 예비창업 수출")
        sub = b.store.get(USER)
        empty = await b.command("/subscribe ✨", chat_id=OTHER)  # a word that means nothing
    assert FLOW_KO["saved"] in reply.plain_text
    assert "예비 창업자" in reply.plain_text and "판로·해외" in reply.plain_text
    assert sub is not None and sub.profile.stage is Stage.PRE
    assert sub.profile.fields == ["판로·해외"] and sub.profile.keywords == []
    assert FLOW_KO["saved"] in empty.plain_text  # any profile: every call in 충북 + 전국
    tg.assert_no_violations()


@pytest.mark.asyncio
async def test_mysubs_changes_one_part_keeps_keywords_and_stops(tg: FakeTelegram,
                                                               tmp_path: Path) -> None:
    async with started(tg, tmp_path) as b:
        none = await b.command("/mysubs")
        await b.command("/subscribe 예비창업 수출 드론")
        shown = await b.command("/mysubs")
        assert "예비 창업자" in shown.plain_text and "드론" in shown.plain_text
        await b.press(USER, shown.message_id, "지역")
        assert "충북만" in b.labels(USER, shown.message_id)
        await b.press(USER, shown.message_id, "충북만")  # back to the summary, not on
        summary = b.text_of(USER, shown.message_id)
        assert "저장" in " ".join(b.labels(USER, shown.message_id))
        assert "드론" in summary and "충북만" in summary
        await b.press(USER, shown.message_id, "저장")
        changed = b.store.get(USER)

        again = await b.command("/mysubs")
        answer = await b.press(USER, again.message_id, "알림 끄기", edit=False)
        await b.tg.async_wait_for(lambda: not b.store.get(USER).active)
        stopped = b.store.get(USER)

        await b.command("/subscribe 예비창업")
        bye = await b.command("/unsubscribe")
        ended = b.store.get(USER)
        nothing = await b.command("/unsubscribe")
    assert FLOW_KO["mysubs_none"] in none.plain_text
    assert changed.profile.region is RegionScope.CHUNGBUK
    assert changed.profile.stage is Stage.PRE and changed.profile.fields == ["판로·해외"]
    assert changed.profile.keywords == ["드론"]
    assert answer["text"] == FLOW_KO["unsubscribed"]
    assert stopped.end_reason == "user"
    assert FLOW_KO["unsubscribed"] in bye.plain_text
    assert not ended.active and ended.end_reason == "user"
    assert FLOW_KO["mysubs_none"] in nothing.plain_text
    tg.assert_no_violations()


# ------------------------------------------------------------------------- 🔕 and groups


@pytest.mark.asyncio
async def test_mute_button_of_an_alert_card_ends_the_subscription(tg: FakeTelegram,
                                                                   tmp_path: Path) -> None:
    async with started(tg, tmp_path) as b:
        await b.command("/subscribe 예비창업")
        item = OutboxItem(id=1, subscription_id=b.store.get(USER).id, chat_id=USER,
                          chat_type="private", language="ko", kind=AlertKind.NEW,
                          programme_id="ks-pre")
        text, markup = cards.card(item, b.catalogue[0].programme, b.alerts.clock, None, None)
        card = await b.app.bot.send_message(USER, text, parse_mode="HTML", reply_markup=markup)
        answer = await b.press(USER, card.message_id, "알림 끄기")
        await b.tg.async_wait_for(lambda: any(KO["muted"] in (m.plain_text or "")
                                              for m in b.sent(USER) if not m.edited))
        sub = b.store.get(USER)
        again = await b.press(USER, card.message_id, data=cards.MUTE_DATA, edit=False)
    assert answer["text"] == KO["muted"]
    assert not sub.active and sub.end_reason == "muted"
    assert b.labels(USER, card.message_id) == []  # the card's buttons are gone
    assert again["text"] == KO["mute_nothing"]
    tg.assert_no_violations()


@pytest.mark.asyncio
async def test_groups_only_admins_subscribe_change_mute_or_unsubscribe(
        tg: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    group = {"chat_type": "supergroup", "chat_title": "창업 모임"}
    tg.set_member(GROUP, ADMIN, "administrator")
    async with started(tg, tmp_path) as b:
        refused = await b.command("/subscribe 예비창업", GROUP, MEMBER, **group)
        assert b.store.get(GROUP) is None
        saved = await b.command("/subscribe 예비창업", GROUP, ADMIN, **group)
        sub = b.store.get(GROUP)

        flow = await b.command("/subscribe", GROUP, ADMIN, **group)
        before = b.text_of(GROUP, flow.message_id)
        denied = await b.press(GROUP, flow.message_id, "창업 3년 이내", user_id=MEMBER,
                               edit=False)
        assert b.text_of(GROUP, flow.message_id) == before
        await b.press(GROUP, flow.message_id, "창업 3년 이내", user_id=ADMIN)
        assert "(2/5)" in b.text_of(GROUP, flow.message_id)

        mute = await b.press(GROUP, flow.message_id, data=cards.MUTE_DATA, user_id=MEMBER,
                             edit=False)
        still = b.store.get(GROUP)
        no_stop = await b.command("/unsubscribe", GROUP, MEMBER, **group)
        tg.set_member(GROUP, ADMIN, "creator")
        stop = await b.command("/unsubscribe", GROUP, ADMIN, **group)
        ended = b.store.get(GROUP)
    assert FLOW_KO["not_admin"] in refused.plain_text
    assert FLOW_KO["saved"] in saved.plain_text
    assert sub.chat_type == "supergroup" and sub.profile.stage is Stage.PRE
    assert denied["text"] == FLOW_KO["not_admin"] and denied.get("show_alert")
    assert mute["text"] == KO["mute_not_admin"] and still.active
    assert FLOW_KO["not_admin"] in no_stop.plain_text
    assert FLOW_KO["unsubscribed"] in stop.plain_text and not ended.active
    assert sum(c.method == "getChatMember" for c in tg.calls) >= 6  # asked every time
    lines = [JsonFormatter().format(r) for r in caplog.records if r.name.startswith("bot")]
    assert any("alerts.subscribed" in line for line in lines)
    for secret in (str(GROUP), str(ADMIN), str(MEMBER)):
        assert [line for line in lines if secret in line] == [], secret
    tg.assert_no_violations()


@pytest.mark.asyncio
async def test_a_migrated_group_keeps_its_subscription(tg: FakeTelegram, tmp_path: Path) -> None:
    tg.set_member(OLD_GROUP, ADMIN, "creator")
    async with started(tg, tmp_path) as b:
        await b.command("/subscribe 수출", OLD_GROUP, ADMIN, chat_type="group")
        tg.chat(GROUP, "supergroup", title="창업 모임")
        tg.push_update({"message": {
            "message_id": 99, "date": int(time.time()), "from": tg.user(ADMIN),
            "chat": tg.chat(OLD_GROUP, "group"), "migrate_to_chat_id": GROUP}})
        await tg.async_wait_for(lambda: b.store.get(GROUP) is not None)
        moved, old = b.store.get(GROUP), b.store.get(OLD_GROUP)
    assert old is None and moved.active and moved.profile.fields == ["판로·해외"]
    assert moved.chat_type == "supergroup"


@pytest.mark.asyncio
async def test_forged_callback_data_changes_nothing(tg: FakeTelegram, tmp_path: Path) -> None:
    """A chat id in callback data is never trusted: the chat is the pressed message's, and a
    group's buttons need an admin of that group."""
    tg.set_member(GROUP, ADMIN, "administrator")
    async with started(tg, tmp_path, require_release=True) as b:
        await b.command("/subscribe 예비창업", GROUP, ADMIN, chat_type="supergroup")
        await b.command("/subscribe 수출")
        own = await b.command("/help", chat_id=OTHER)
        group_before, user_before = b.store.get(GROUP), b.store.get(USER)
        answers = []
        for data in (f"sb:stop:{GROUP}", f"sb:p-00b7f:ok:{GROUP}", f"sb:p-00b7f:ok:{USER}",
                     f"al:mute:{USER}", "sb:zzzzzzz:ok", "mt:p-00b7f:zz"):
            answers.append(await b.press(OTHER, own.message_id, data=data, edit=False))
        # a non-admin member saving a forged profile on the group's own message
        flow = await b.command("/subscribe", GROUP, ADMIN, chat_type="supergroup")
        await b.press(GROUP, flow.message_id, data="sb:m-ffc0f:ok", user_id=MEMBER, edit=False)
        await b.press(GROUP, flow.message_id, data=cards.MUTE_DATA, user_id=MEMBER, edit=False)
        await asyncio.sleep(0.3)
        group_after, user_after = b.store.get(GROUP), b.store.get(USER)
        other = b.store.get(OTHER)
    assert group_after == group_before and user_after == user_before
    assert other is None
    assert [a.get("text") for a in answers[:3]] == [FLOW_KO["stale"]] * 3
    tg.assert_no_violations()


# -------------------------------------------------------------------------- staff /alerts


@pytest.mark.asyncio
async def test_staff_alerts_preview_release_and_drop(tg: FakeTelegram, tmp_path: Path) -> None:
    async with started(tg, tmp_path, require_release=True) as b:
        await b.command("/subscribe 예비창업")
        await b.command("/subscribe 초기창업", chat_id=OTHER)  # fits neither call
        later = SUBSCRIBED + timedelta(hours=2)  # the calls came in after the subscriptions
        b.catalogue += [stored(programme("ks-new1", title="충북 예비창업 신규 공고 A",
                                         stages=[Stage.PRE]), later),
                        stored(programme("ks-new2", title="충북 예비창업 신규 공고 B",
                                         stages=[Stage.PRE]), later)]
        planned = planner.plan_new(b.store, b.catalogue, b.alerts.clock, b.alerts.settings)

        refused = await b.command("/alerts", chat_id=OTHER)
        head = await b.command("/alerts", chat_id=STAFF, contains="알림 관리")
        await tg.async_wait_for(lambda: len([m for m in b.sent(STAFF)
                                             if "보류 중 #" in (m.plain_text or "")]) == 2)
        previews = [m for m in b.sent(STAFF) if "보류 중 #" in (m.plain_text or "")]
        by_title = {("A" if "공고 A" in m.plain_text else "B"): m for m in previews}
        forged = await b.press(OTHER, refused.message_id,
                               data=by_title["A"].buttons[0]["callback_data"], edit=False)
        sent_a = await b.press(STAFF, by_title["A"].message_id, "보내기")
        dropped_b = await b.press(STAFF, by_title["B"].message_id, "보류 취소")
        twice = await b.press(STAFF, by_title["A"].message_id, data=by_title["A"].buttons[0][
            "callback_data"], edit=False)
        views = {v.programme_id: v for s in ("held", "released", "dropped")
                 for v in b.store.broadcasts(s)}
        counts = b.store.outbox_counts()
    assert planned == 2  # USER fits both calls, OTHER neither
    assert prompts.TG_STAFF_ONLY["ko"] in refused.plain_text
    assert "보류 중인 발송: 2건" in head.plain_text and "직원이 보내기를 눌러야 발송" in (
        head.plain_text)
    assert all("받을 대화 1곳" in m.plain_text for m in previews)
    assert "🆕 새 지원사업 공고" in by_title["A"].plain_text
    assert [btn["text"] for btn in by_title["A"].buttons] == ["📤 보내기", "🗑 보류 취소"]
    assert forged["text"] == prompts.TG_STAFF_ONLY["ko"] and forged.get("show_alert")
    assert sent_a["text"] == FLOW_KO["released"].format(id=views["ks-new1"].id, n=1)
    assert dropped_b["text"] == FLOW_KO["dropped"].format(id=views["ks-new2"].id, n=1)
    assert twice["text"] == FLOW_KO["decided_already"].format(id=views["ks-new1"].id)
    assert views["ks-new1"].status == "released" and views["ks-new2"].status == "dropped"
    assert counts == {"pending": 1, "dropped": 1}
    assert "발송을 시작했습니다" in b.text_of(STAFF, by_title["A"].message_id)
    tg.assert_no_violations()


def test_every_callback_fits_telegram_and_no_chat_id_is_in_one() -> None:
    from bot.telegram import profile_flow as flow

    full = Profile(stage=Stage.MATURE, age_band=AgeBand.OVER_50, fields=flow.FIELD_NAMES,
                   region=RegionScope.CHUNGBUK, keywords=["드론"])
    for name in (flow.SUBSCRIBE, flow.MATCH):
        for step in [*flow.STEPS[name], flow.SUMMARY]:
            for language in ("ko", "en"):
                _, markup = flow.screen(name, flow.Draft(full, back=True), step, language)
                for row in markup.inline_keyboard:
                    for button in row:
                        assert len(button.callback_data.encode()) <= 64
    draft = flow.Draft(full)
    assert flow.Draft.parse(draft.code()).profile == full.model_copy(update={"keywords": []})
    assert json.dumps(flow.data(flow.SUBSCRIBE, draft, "ok")).count(":") == 2


@pytest.mark.asyncio
async def test_english_users_get_english_and_receive_needs_one_kind(tg: FakeTelegram,
                                                                    tmp_path: Path) -> None:
    def english(text: str) -> None:
        update = tg.make_message_update(OTHER, OTHER, text)
        update["message"]["from"]["language_code"] = "en"
        tg.push_update(update)

    async with started(tg, tmp_path) as b:
        english("/subscribe 예비창업 수출")
        saved = (await tg.async_wait_for_sent(OTHER, contains="Subscribed"))[-1]
        english("/subscribe")
        flow = (await tg.async_wait_for_sent(OTHER, contains="(1/5)"))[-1]
        mid = flow.message_id
        assert "Pre-founder" in " ".join(b.labels(OTHER, mid))
        await b.press(OTHER, mid, "Pre-founder", language="en")
        await b.press(OTHER, mid, "Any", language="en")
        await b.press(OTHER, mid, "Next", language="en")
        await b.press(OTHER, mid, "Chungbuk + national", language="en")
        for kind in ("New calls", "Deadline reminders", "Weekly digest"):
            await b.press(OTHER, mid, kind, language="en")  # all off
        await b.press(OTHER, mid, "Next", language="en")
        refused = await b.press(OTHER, mid, "Save", edit=False, language="en")
        sub = b.store.get(OTHER)
    assert "Stage: Pre-founder" in saved.plain_text and "Sales & export" in saved.plain_text
    assert "(1/5) Your founding stage?" in flow.plain_text
    assert refused["text"] == FLOW_EN["receive_empty"] and refused.get("show_alert")
    assert sub.profile.receive == [Receive.NEW, Receive.REMINDERS, Receive.DIGEST]  # unchanged
    assert sub.language == "en"
    tg.assert_no_violations()
