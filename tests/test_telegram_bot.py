"""The Telegram bot end to end: the real PTB `Application` (polling) against FakeTelegram, the
real answer engine over the shipped corpus, and a real SQLite answer log in tmp.

The harness at the top (`Harness`, `harness`) is shared by the other tests/test_telegram_*.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot import prompts
from bot.answer_log import AnswerLog
from bot.engine import AnswerEngine, build_engine
from bot.logging_setup import JsonFormatter
from bot.settings import Settings
from bot.telegram.app import WebhookConfig, build_application, running
from bot.telegram.serve import quiet_library_loggers
from bot.telegram.services import SERVICES_KEY, BotServices
from knowledge.base import KnowledgeBase
from tests.conftest import make_settings
from tests.fakes.telegram_api import FakeTelegram, SentMessage

TOKEN = "123456:TEST-token_abc"
USER = 987_654_321  # private chat id == user id; unusual digits, so log checks mean something
GROUP = -1_001_234_567_890
QUESTION = "예창패 지원 금액은 얼마야?"


# --------------------------------------------------------------------------------- harness


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN) as fake:
        yield fake
    assert fake.answer_problems == []


def bot_settings(tg: FakeTelegram, tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "telegram_bot_token": tg.token,
        "telegram_api_base_url": tg.base_url,
        "answer_log_url": f"sqlite:///{tmp_path / 'answer_log.sqlite3'}",
        "user_hash_salt": "test-salt",
        "telegram_stream_edit_interval": 0.3,
    }
    values.update(overrides)
    return make_settings(tmp_path / "bot-data", **values)


@dataclass
class Harness:
    tg: FakeTelegram
    settings: Settings
    engine: AnswerEngine
    answer_log: AnswerLog
    app: Any = None

    @property
    def services(self) -> BotServices:
        return self.app.bot_data[SERVICES_KEY]

    @contextlib.asynccontextmanager
    async def running(self, *, reingest: Any = None,
                      webhook: WebhookConfig | None = None) -> AsyncIterator[Harness]:
        self.app = build_application(self.settings, self.engine, self.answer_log, reingest)
        async with running(self.app, webhook=webhook, poll_timeout=1):
            yield self

    async def ask(self, text: str, chat_id: int = USER, user_id: int = USER,
                  **kwargs: Any) -> SentMessage:
        """Send `text` and wait for the bot's final answer (the message with 👍/👎)."""
        before = len(self.answers(chat_id))
        self.tg.push_message(chat_id, user_id, text, **kwargs)
        await self.tg.async_wait_for(lambda: len(self.answers(chat_id)) > before, timeout=20)
        return self.answers(chat_id)[-1]

    def answers(self, chat_id: int | None = None) -> list[SentMessage]:
        return [m for m in self.tg.sent_messages(chat_id)
                if any(b.get("callback_data", "").startswith("fb:") for b in m.buttons)]

    async def replies(self, chat_id: int, count: int) -> list[SentMessage]:
        return await self.tg.async_wait_for_sent(chat_id, count=count, timeout=20)


@pytest.fixture
def harness(tg: FakeTelegram, corpus_kb: KnowledgeBase, tmp_path: Path) -> Iterator[Harness]:
    settings = bot_settings(tg, tmp_path)
    answer_log = AnswerLog.from_settings(settings)
    yield Harness(tg, settings, build_engine(corpus_kb.settings, corpus_kb), answer_log)
    answer_log.close()


def answer_id_of(message: SentMessage) -> int:
    data = message.buttons[0]["callback_data"]
    return int(data.split(":")[1])


def links(message: SentMessage) -> list[str]:
    return [e["url"] for e in message.entities or [] if e["type"] == "text_link"]


# ------------------------------------------------------------------------------- commands


@pytest.mark.asyncio
async def test_start_tells_what_the_bot_knows_and_example_buttons_are_answered(
        harness: Harness, corpus_kb: KnowledgeBase) -> None:
    docs = corpus_kb.store.open().documents()
    async with harness.running() as h:
        h.tg.push_message(USER, USER, "/start")
        (welcome,) = await h.replies(USER, 1)
        assert welcome.parse_mode == "HTML"
        assert f"문서 {len(docs)}개" in welcome.plain_text
        for category in {d.category for d in docs}:
            assert prompts.TG_CATEGORY_LABELS[category] in welcome.plain_text
        buttons = welcome.buttons
        assert [b["text"] for b in buttons] == prompts.TG_EXAMPLE_QUESTIONS["ko"]
        assert 3 <= len(buttons) <= 4

        h.tg.push_callback_query(USER, USER, buttons[0]["callback_data"], welcome.message_id)
        await h.tg.async_wait_for(lambda: h.answers(USER), timeout=20)
        answer = h.answers(USER)[-1]
    assert h.tg.callback_answers[0]["callback_query_id"]  # the press was acknowledged
    assert "[1]" in answer.plain_text and "출처" in answer.plain_text
    logged = h.answer_log.get(answer_id_of(answer))
    assert logged is not None and logged.question == prompts.TG_EXAMPLE_QUESTIONS["ko"][0]
    assert [c.method for c in h.tg.calls][:3] == ["getMe", "setMyCommands", "deleteWebhook"]
    assert {c["command"] for c in h.tg.commands()} == {"start", "help", "sources", "reset",
                                                       "programs", "match", "subscribe",
                                                       "mysubs", "unsubscribe"}
    h.tg.assert_no_violations()


@pytest.mark.asyncio
async def test_help_and_sources(harness: Harness, corpus_kb: KnowledgeBase) -> None:
    docs = corpus_kb.store.open().documents()
    async with harness.running() as h:
        h.tg.push_message(USER, USER, "/help")
        (help_msg,) = await h.replies(USER, 1)
        h.tg.push_message(USER, USER, "/sources")
        await h.tg.async_wait_for(lambda: len(h.tg.sent_messages(USER)) >= 2)
        await asyncio.sleep(0.3)  # a long list may come in several messages
    assert "@fake_test_bot" in help_msg.plain_text
    for command in ("/start", "/sources", "/reset"):
        assert command in help_msg.plain_text
    listing = "\n".join(m.plain_text for m in h.tg.sent_messages(USER)[1:])
    assert f"문서 {len(docs)}개" in listing
    for doc in docs:
        assert doc.title in listing
        assert prompts.TG_CATEGORY_LABELS[doc.category] in listing
    # titles are grouped: each category heading appears once
    for label in {prompts.TG_CATEGORY_LABELS[d.category] for d in docs}:
        assert listing.count(f"\n{label}\n") + listing.startswith(label) <= 1
    h.tg.assert_no_violations()


@pytest.mark.asyncio
async def test_reset_forgets_the_conversation_by_a_hashed_id(harness: Harness) -> None:
    async with harness.running() as h:
        await h.ask(QUESTION)
        conversation = h.services.conversation_id(USER)
        assert str(USER) not in conversation
        assert h.engine.conversations.history(conversation)
        h.tg.push_message(USER, USER, "/reset")
        await h.tg.async_wait_for_sent(USER, contains="맥락을 지웠습니다")
        assert h.engine.conversations.history(conversation) == []
    h.tg.assert_no_violations()


# ------------------------------------------------------------------------------- answering


@pytest.mark.asyncio
async def test_question_gets_cited_html_answer_logged_with_hashed_ids(harness: Harness) -> None:
    async with harness.running() as h:
        answer = await h.ask(QUESTION)
    assert answer.parse_mode == "HTML" and answer.method == "sendMessage"
    assert "[1]" in answer.plain_text
    assert "출처" in answer.plain_text and "예비창업패키지" in answer.plain_text
    assert links(answer) and all(u.startswith("http") for u in links(answer))
    assert [b["text"] for b in answer.buttons] == ["👍", "👎"]
    assert h.tg.calls_of("sendChatAction")[0]["action"] == "typing"
    logged = h.answer_log.get(answer_id_of(answer))
    assert logged is not None and logged.channel == "telegram" and logged.question == QUESTION
    assert logged.sources and logged.user_hash and str(USER) not in logged.user_hash
    assert logged.user_hash == h.answer_log.hash_id(USER)
    h.tg.assert_no_violations()


@pytest.mark.asyncio
async def test_english_question_gets_english_frame(harness: Harness) -> None:
    async with harness.running() as h:
        answer = await h.ask("How much does the Pre-Startup Package provide?")
    assert "Sources" in answer.plain_text or "Sorry" in answer.plain_text
    h.tg.assert_no_violations()


@pytest.mark.asyncio
async def test_feedback_is_acknowledged_stored_and_a_thumbs_down_comment_is_kept(
        harness: Harness) -> None:
    async with harness.running() as h:
        answer = await h.ask(QUESTION)
        answer_id = answer_id_of(answer)
        up, down = answer.buttons
        assert len(up["callback_data"].encode()) <= 64

        h.tg.push_callback_query(USER, USER, up["callback_data"], answer.message_id)
        await h.tg.async_wait_for_calls("editMessageReplyMarkup")
        assert h.tg.callback_answers[-1]["text"] == prompts.TG_FEEDBACK_THANKS[1]["ko"]
        assert h.answer_log.get(answer_id).feedback == 1
        stored = h.tg.message(USER, answer.message_id)
        assert stored["reply_markup"]["inline_keyboard"][0][0]["text"] == "👍 ✓"

        h.tg.push_callback_query(USER, USER, down["callback_data"], answer.message_id)
        (prompt,) = await h.tg.async_wait_for_sent(USER, contains="답장으로")
        assert prompt.reply_markup["force_reply"] is True
        assert h.answer_log.get(answer_id).feedback == -1  # the second click replaces the first

        h.tg.push_message(USER, USER, "금액보다 신청 자격이 궁금했어요",
                          reply_to_message=prompt.message_id)
        await h.tg.async_wait_for_sent(USER, contains="의견을 저장했습니다")
        logged = h.answer_log.get(answer_id)
        assert logged.feedback_comment == "금액보다 신청 자격이 궁금했어요"
        asked = len(h.answers(USER))
        # the comment was not answered as a question, and the next message is a question again
        assert len(list(h.answer_log.iter_answers())) == 1
        await h.ask("TIPS 프로그램은 어떻게 지원하나요?")
        assert len(h.answers(USER)) == asked + 1
    assert len(h.tg.callback_answers) == 2
    h.tg.assert_no_violations()


@pytest.mark.asyncio
async def test_skip_drops_the_pending_comment(harness: Harness) -> None:
    async with harness.running() as h:
        answer = await h.ask(QUESTION)
        h.tg.push_callback_query(USER, USER, answer.buttons[1]["callback_data"],
                                 answer.message_id)
        await h.tg.async_wait_for_sent(USER, contains="답장으로")
        h.tg.push_message(USER, USER, "/skip")
        await h.tg.async_wait_for_sent(USER, contains="새 질문을 보내")
        await h.ask("TIPS 프로그램은 어떻게 지원하나요?")
    assert h.answer_log.get(answer_id_of(answer)).feedback_comment is None
    h.tg.assert_no_violations()


@pytest.mark.asyncio
async def test_groups_answer_only_when_mentioned_or_replied_to(harness: Harness) -> None:
    member = 555_001
    async with harness.running() as h:
        h.tg.push_message(GROUP, member, QUESTION, chat_type="supergroup", chat_title="창업 모임")
        answer = await h.ask(f"@fake_test_bot {QUESTION}", GROUP, member, chat_type="supergroup")
        assert len(h.tg.sent_messages(GROUP)) == 1  # the unaddressed question got nothing
        logged = h.answer_log.get(answer_id_of(answer))
        assert logged.question == QUESTION  # the mention was stripped
        assert answer.params["reply_parameters"]["message_id"]  # quotes the question

        h.tg.push_message(GROUP, member, "고마워요", chat_type="supergroup")
        h.tg.push_sticker(GROUP, member, chat_type="supergroup")
        follow = await h.ask("TIPS 프로그램은 어떻게 지원하나요?", GROUP, member,
                             chat_type="supergroup", reply_to_message=answer.message_id)
        assert follow.message_id != answer.message_id
        await asyncio.sleep(0.2)
    # only the mention and the reply to the bot were answered; chatter and stickers were not
    assert len(h.answers(GROUP)) == 2 and len(h.tg.sent_messages(GROUP)) == 2
    logged = sorted(a.question for a in h.answer_log.iter_answers())
    assert logged == sorted([QUESTION, "TIPS 프로그램은 어떻게 지원하나요?"])
    h.tg.assert_no_violations()


@pytest.mark.asyncio
async def test_rate_limit_answers_with_a_friendly_message_once(
        tg: FakeTelegram, corpus_kb: KnowledgeBase, tmp_path: Path) -> None:
    settings = bot_settings(tg, tmp_path, telegram_rate_limit_count=2,
                            telegram_rate_limit_window=60)
    h = Harness(tg, settings, build_engine(corpus_kb.settings, corpus_kb),
                AnswerLog.from_settings(settings))
    async with h.running():
        await h.ask(QUESTION)
        await h.ask("TIPS 프로그램은 어떻게 지원하나요?")
        tg.push_message(USER, USER, "벤처기업 확인을 받으면 어떤 혜택이 있나요?")
        (limited,) = await tg.async_wait_for_sent(USER, contains="너무 빨리")
        tg.push_message(USER, USER, "또 질문")
        other = 4242
        await h.ask(QUESTION, other, other)  # another user is not affected
        await asyncio.sleep(0.3)
    assert "60초에 2개" in limited.plain_text
    assert len(h.answers(USER)) == 2
    assert len(tg.sent_messages(USER)) == 3  # two answers + one notice; the 4th was silent
    tg.assert_no_violations()


@pytest.mark.asyncio
async def test_non_text_and_over_long_messages_get_polite_text_replies(harness: Harness) -> None:
    async with harness.running() as h:
        h.tg.push_sticker(USER, USER)
        h.tg.push_photo(USER, USER, caption="사업계획서입니다")
        h.tg.push_voice(USER, USER)
        h.tg.push_document(USER, USER, "공고문.hwp")
        h.tg.push_message(USER, USER, "가" * (h.settings.telegram_max_question_chars + 1))
        replies = await h.replies(USER, 5)
        await asyncio.sleep(0.3)
    texts = sorted(m.plain_text for m in replies)
    assert texts.count(prompts.TG_NON_TEXT["ko"]) == 4
    assert any("질문이 너무 깁니다" in t for t in texts)
    assert all(not m.buttons and m.entities in (None, []) for m in replies)
    assert len(h.tg.sent_messages(USER)) == 5
    assert list(h.answer_log.iter_answers()) == []
    h.tg.assert_no_violations()


# ---------------------------------------------------------------------- Telegram's own errors


@pytest.mark.asyncio
async def test_flood_limit_429_is_waited_out_and_the_answer_arrives(harness: Harness) -> None:
    async with harness.running() as h:
        h.tg.fail_next("sendMessage", 429, retry_after=1)
        answer = await h.ask(QUESTION)
    statuses = [r.status for r in h.tg.requests if r.method == "sendMessage"]
    assert statuses[0] == 429 and statuses[-1] == 200
    assert "[1]" in answer.plain_text
    h.tg.assert_no_violations()


@pytest.mark.asyncio
async def test_blocked_user_is_skipped_and_migrated_group_is_retried(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    old_group, new_group, member = -4001, -1_009_999_000_001, 555_002
    async with harness.running() as h:
        h.tg.fail_next("sendMessage", 403, chat_id=USER, times=None)
        h.tg.push_message(USER, USER, QUESTION)
        await h.tg.async_wait_for(
            lambda: any(r.getMessage() == "telegram.forbidden" for r in caplog.records))
        h.tg.clear_failures()

        h.tg.chat(new_group, "supergroup", title="창업 모임")
        h.tg.fail_next("sendMessage", 400, migrate_to_chat_id=new_group, chat_id=old_group)
        h.tg.push_message(old_group, member, f"{QUESTION} @fake_test_bot", chat_type="group")
        await h.tg.async_wait_for(lambda: h.answers(new_group), timeout=20)
    forbidden = [r for r in caplog.records if r.getMessage() == "telegram.forbidden"]
    assert forbidden[0].levelno == logging.INFO
    assert not any(r.getMessage() == "telegram.error" for r in caplog.records)
    assert h.answers(USER) == [] and h.answers(old_group) == []
    assert "[1]" in h.answers(new_group)[0].plain_text
    h.tg.assert_no_violations()


class BrokenEngine:
    """An engine that fails with an internal error (for the error handler)."""

    generator = None

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    async def aanswer(self, question: str, **kwargs: Any):
        raise RuntimeError("db password=hunter2 at /srv/internal.py")

    def forget(self, conversation_id: str) -> None:
        pass


@pytest.mark.asyncio
async def test_unexpected_errors_are_logged_and_apologised_for_without_internals(
        tg: FakeTelegram, corpus_kb: KnowledgeBase, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    settings = bot_settings(tg, tmp_path)
    h = Harness(tg, settings, BrokenEngine(corpus_kb), AnswerLog.from_settings(settings))
    async with h.running():
        tg.push_message(USER, USER, QUESTION)
        (apology,) = await tg.async_wait_for_sent(USER)
    assert apology.plain_text == prompts.TG_ERROR["ko"]
    (error,) = [r for r in caplog.records if r.getMessage() == "telegram.error"]
    assert error.error_type == "RuntimeError" and error.update == "message"
    assert "hunter2" not in apology.plain_text
    assert TOKEN not in json.dumps(vars(error), default=str)
    tg.assert_no_violations()


# ----------------------------------------------------------------------------------- privacy


@pytest.fixture
def library_levels() -> Iterator[None]:
    """Restore the levels `quiet_library_loggers` changes."""
    names = ("telegram", "httpx", "httpcore", "apscheduler")
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.asyncio
async def test_logs_hold_no_user_ids_no_message_texts_and_no_token(
        harness: Harness, caplog: pytest.LogCaptureFixture, library_levels: None) -> None:
    caplog.set_level(logging.DEBUG)
    quiet_library_loggers()  # what `startupbot serve` does: PTB's DEBUG logs hold updates
    comment = "설명이 너무 어려웠어요"
    member = 555_003
    async with harness.running() as h:
        h.tg.push_message(USER, USER, "/start")
        await h.replies(USER, 1)
        answer = await h.ask(QUESTION)
        h.tg.push_callback_query(USER, USER, answer.buttons[1]["callback_data"],
                                 answer.message_id)
        prompt = (await h.tg.async_wait_for_sent(USER, contains="답장으로"))[0]
        h.tg.push_message(USER, USER, comment, reply_to_message=prompt.message_id)
        await h.tg.async_wait_for_sent(USER, contains="의견을 저장")
        await h.ask(f"@fake_test_bot {QUESTION}", GROUP, member, chat_type="supergroup")
        h.tg.push_sticker(USER, USER)
        await h.tg.async_wait_for_sent(USER, contains="글로 된 질문만")
    formatter = JsonFormatter()
    lines = [formatter.format(r) for r in caplog.records
             if not r.name.startswith("tests.")]  # the fake is Telegram's side, not ours
    assert any("telegram.answered" in line for line in lines)
    for secret in (str(USER), str(member), str(GROUP), QUESTION, comment, TOKEN,
                   TOKEN.split(":")[1]):
        assert [line for line in lines if secret in line] == [], secret
    harness.tg.assert_no_violations()

