"""Tests for the loopback fake Telegram Bot API, driven by the real python-telegram-bot."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import threading
import time
import warnings
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, ChatMigrated, EndPointNotFound, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from tests.fakes.telegram_api import FakeTelegram, FileUpload, parse_entities
from tests.helpers import free_port

TOKEN = "123456:TEST-token_abc"
CHAT = 4242  # private chat id == user id


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN) as fake:
        yield fake
    # self-check of the fake: everything it answered has the spec's return type
    assert fake.answer_problems == []


def build_app(tg: FakeTelegram) -> Application:
    app = (
        ApplicationBuilder()
        .token(tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .build()
    )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton("지원사업 보기", callback_data="programs")]]
        )
        await update.message.reply_html("<b>충북 창업 봇</b>입니다.", reply_markup=keyboard)

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("확인")
        await query.edit_message_text(f"선택: {query.data}")

    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return app


@contextlib.asynccontextmanager
async def polling(app: Application) -> AsyncIterator[Application]:
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


@contextlib.asynccontextmanager
async def direct_bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as bot:
        yield bot


def raw(tg: FakeTelegram, method: str, **kwargs) -> httpx.Response:
    return httpx.post(f"{tg.api_url}/{method}", timeout=5, **kwargs)


# ------------------------------------------------------------------------------ polling / PTB


@pytest.mark.asyncio
async def test_echo_bot_polling_roundtrip(tg: FakeTelegram) -> None:
    async with polling(build_app(tg)):
        first = tg.push_message(CHAT, CHAT, "청주 창업지원센터 위치가 어디인가요?")
        sent = await tg.async_wait_for_sent(CHAT, count=1)
        assert sent[0].text == "청주 창업지원센터 위치가 어디인가요?"
        assert sent[0].method == "sendMessage" and sent[0].message_id is not None

        second = tg.push_message(CHAT, CHAT, "두 번째 질문")
        third = tg.push_message(CHAT, CHAT, "세 번째 질문")
        sent = await tg.async_wait_for_sent(CHAT, count=3)
        assert [m.text for m in sent] == [
            "청주 창업지원센터 위치가 어디인가요?",
            "두 번째 질문",
            "세 번째 질문",
        ]
        # message ids are shared by the user's and the bot's messages of the chat
        assert [m.message_id for m in sent] == [2, 5, 6]

    # every update was handed out exactly once, and all were confirmed on shutdown
    assert tg.delivery_counts == {first: 1, second: 1, third: 1}
    assert tg.pending_updates() == []
    offsets = [p.get("offset", 0) for p in tg.calls_of("getUpdates")]
    assert offsets == sorted(offsets) and offsets[-1] == third + 1
    assert [c.method for c in tg.calls][:2] == ["getMe", "deleteWebhook"]
    tg.assert_no_violations()
    assert tg.errors == []


@pytest.mark.asyncio
async def test_command_html_keyboard_and_callback_query(tg: FakeTelegram) -> None:
    async with polling(build_app(tg)):
        tg.push_message(CHAT, CHAT, "/start", username="founder")
        (menu,) = await tg.async_wait_for_sent(CHAT)
        assert menu.parse_mode == "HTML"
        assert menu.plain_text == "충북 창업 봇입니다."
        assert menu.entities == [{"type": "bold", "offset": 0, "length": 7}]
        assert menu.buttons == [{"text": "지원사업 보기", "callback_data": "programs"}]

        tg.push_callback_query(CHAT, CHAT, "programs", menu.message_id)
        await tg.async_wait_for_calls("editMessageText")

    answer = tg.callback_answers[0]
    assert answer["text"] == "확인"
    edited = tg.sent_messages(CHAT)[-1]
    assert edited.edited and edited.text == "선택: programs"
    assert edited.message_id == menu.message_id
    stored = tg.message(CHAT, menu.message_id)
    assert stored is not None and stored["text"] == "선택: programs"
    assert "reply_markup" not in stored  # editMessageText without markup drops the keyboard
    assert "edit_date" in stored
    tg.assert_no_violations()


@pytest.mark.asyncio
async def test_long_poll_returns_early_and_honours_offset_limit(tg: FakeTelegram) -> None:
    async with httpx.AsyncClient(base_url=tg.api_url, timeout=10) as client:
        started = time.monotonic()
        empty = await client.post("/getUpdates", data={"timeout": "1"})
        assert empty.json() == {"ok": True, "result": []}
        assert 0.9 <= time.monotonic() - started < 3

        def push_later() -> None:
            time.sleep(0.3)
            tg.push_message(CHAT, CHAT, "late")

        threading.Thread(target=push_later).start()
        started = time.monotonic()
        got = (await client.post("/getUpdates", data={"timeout": "5"})).json()["result"]
        assert time.monotonic() - started < 2  # woke up as soon as the update was queued
        assert got[0]["message"]["text"] == "late"
        late_id = got[0]["update_id"]

        ids = [tg.push_message(CHAT, CHAT, f"m{i}") for i in range(3)]
        # offset confirms 'late'; limit=2 returns the two oldest of the rest
        got = (await client.get("/getUpdates", params={"offset": late_id + 1, "limit": 2})).json()
        assert [u["update_id"] for u in got["result"]] == ids[:2]
        # without a new offset the same updates come again (not confirmed yet)
        got = (await client.post("/getUpdates", json={"offset": ids[0]})).json()
        assert [u["update_id"] for u in got["result"]] == ids
        # negative offset: only the last one, the rest is forgotten
        got = (await client.post("/getUpdates", data={"offset": "-1"})).json()
        assert [u["update_id"] for u in got["result"]] == ids[2:]
        # allowed_updates filters (and is remembered)
        tg.push_callback_query(CHAT, CHAT, "x", message_id=1)
        msg_id = tg.push_message(CHAT, CHAT, "only messages")
        body = {"offset": ids[2] + 1, "allowed_updates": '["message"]'}
        got = (await client.post("/getUpdates", data=body)).json()
        assert [u["update_id"] for u in got["result"]] == [msg_id]
        assert tg.allowed_updates == ["message"]
    tg.assert_no_violations()


# ------------------------------------------------------------------------------- error paths


@pytest.mark.asyncio
async def test_injected_429_surfaces_as_retry_after(tg: FakeTelegram) -> None:
    async with direct_bot(tg) as bot:
        tg.fail_next("sendMessage", 429)
        with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            with pytest.raises(RetryAfter) as info:
                await bot.send_message(CHAT, "hi")
            assert info.value.retry_after in (1, dtm.timedelta(seconds=1))
        # consumed: the next call goes through
        msg = await bot.send_message(CHAT, "hi again")
        assert msg.text == "hi again"

    failed = tg.requests[-2]
    assert failed.status == 429
    assert failed.response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert [m.text for m in tg.sent_messages(CHAT)] == ["hi again"]


@pytest.mark.asyncio
async def test_injected_403_400_and_migration(tg: FakeTelegram) -> None:
    async with direct_bot(tg) as bot:
        tg.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
        with pytest.raises(Forbidden, match="blocked by the user"):
            await bot.send_message(CHAT, "hi")

        tg.fail_next("sendMessage", 400, migrate_to_chat_id=-1001234567890)
        with pytest.raises(ChatMigrated) as migrated:
            await bot.send_message(-4000, "group hi")
        assert migrated.value.new_chat_id == -1001234567890
        assert tg.requests[-1].response["description"] == (
            "Bad Request: group chat was upgraded to a supergroup chat"
        )

        # a real 'not modified' from the fake's own state, not an injected one
        msg = await bot.send_message(CHAT, "same")
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text("same", chat_id=CHAT, message_id=msg.message_id)
        with pytest.raises(
            BadRequest, match=r'(?i)can.t parse entities: unsupported start tag "br"'
        ):
            await bot.send_message(CHAT, "줄바꿈<br>태그", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)character '\.' is reserved"):
            await bot.send_message(CHAT, "지원금 1.5억", parse_mode="MarkdownV2")
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(CHAT, "가" * 4097)
    assert [code for _, code, _ in tg.errors] == [403, 400, 400, 400, 400, 400]
    tg.assert_no_violations()


def test_spec_violations_are_recorded_and_rejected(tg: FakeTelegram) -> None:
    missing = raw(tg, "sendMessage", data={"chat_id": "1"})
    assert missing.status_code == 400
    assert missing.json()["ok"] is False and missing.json()["error_code"] == 400
    assert "missing required parameter 'text'" in missing.json()["description"]

    unknown = raw(tg, "sendMesage", data={"chat_id": "1", "text": "x"})
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}

    bad_types = raw(
        tg,
        "sendMessage",
        json={"chat_id": [1], "text": "x", "disable_notification": "maybe", "colour": "red"},
    )
    assert bad_types.status_code == 400
    bad_markup = raw(
        tg,
        "sendMessage",
        data={"chat_id": "1", "text": "x", "reply_markup": '{"inline_keyboard": [[{"txt": 1}]]}'},
    )
    assert bad_markup.status_code == 400

    # method names are case-insensitive, like on Telegram; this one is fine
    assert raw(tg, "SENDMESSAGE", data={"chat_id": "1", "text": "ok"}).status_code == 200

    wrong_token = httpx.post(f"{tg.base_url}123456:WRONG/getMe", timeout=5)
    assert wrong_token.status_code == 401
    assert wrong_token.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}

    found = tg.violations
    assert found[0] == "sendMessage: missing required parameter 'text'"
    assert found[1].startswith("unknown method 'sendMesage'") and "sendMessage" in found[1]
    assert any("'chat_id': expected Integer or String" in v for v in found)
    assert any("'disable_notification': expected Boolean" in v for v in found)
    assert any("unknown parameter 'colour'" in v for v in found)
    assert any("lacks required field 'text'" in v for v in found)
    assert len(tg.calls_of("sendMessage")) == 4  # rejected calls are recorded too
    with pytest.raises(AssertionError, match="violation"):
        tg.assert_no_violations()


@pytest.mark.asyncio
async def test_unknown_method_through_ptb(tg: FakeTelegram) -> None:
    async with direct_bot(tg) as bot:
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("send_telepathy", api_kwargs={"chat_id": CHAT})
    assert tg.violations == ["unknown method 'sendTelepathy'"]


# ---------------------------------------------------------------------------------- webhooks


@pytest.mark.asyncio
async def test_webhook_info_roundtrip(tg: FakeTelegram) -> None:
    async with direct_bot(tg) as bot:
        tg.push_message(CHAT, CHAT, "queued before the webhook")
        assert await bot.set_webhook(
            "https://bot.example.org/hook",
            secret_token="s3cr3t-Token",
            allowed_updates=["message", "callback_query"],
            max_connections=10,
        )
        info = await bot.get_webhook_info()
        assert info.url == "https://bot.example.org/hook"
        assert info.max_connections == 10
        assert info.allowed_updates == ("message", "callback_query")
        assert info.pending_update_count >= 0
        assert tg.webhook["secret_token"] == "s3cr3t-Token"

        resp = raw(tg, "getUpdates")
        assert resp.status_code == 409 and "webhook is active" in resp.json()["description"]

        assert await bot.delete_webhook(drop_pending_updates=True)
        info = await bot.get_webhook_info()
        assert info.url == "" and info.pending_update_count == 0
        assert tg.webhook == {"url": ""}
    assert tg.pending_updates() == []
    tg.assert_no_violations()


@pytest.mark.asyncio
async def test_webhook_mode_with_real_ptb_server(tg: FakeTelegram) -> None:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/hook"
    app = build_app(tg)
    async with app:
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="hook",
            webhook_url=hook,
            secret_token="s3cr3t",
        )
        await app.start()
        try:
            assert tg.webhook["url"] == hook and tg.webhook["secret_token"] == "s3cr3t"
            # queued updates are POSTed to the webhook, like Telegram does
            tg.push_message(CHAT, CHAT, "웹훅으로 왔어요")
            (reply,) = await tg.async_wait_for_sent(CHAT)
            assert reply.text == "웹훅으로 왔어요"
            assert tg.webhook_deliveries[0]["status"] == 200

            update = tg.make_message_update(CHAT, CHAT, "직접 전달")
            assert await tg.async_deliver_webhook(hook, update, secret_token="wrong") == 403
            assert await tg.async_deliver_webhook(hook, update, secret_token="s3cr3t") == 200
            await tg.async_wait_for_sent(CHAT, contains="직접")
        finally:
            await app.updater.stop()
            await app.stop()
    assert tg.pending_updates() == []
    tg.assert_no_violations()


# ------------------------------------------------------------------------------ media, files


@pytest.mark.asyncio
async def test_media_updates_files_and_uploads(tg: FakeTelegram) -> None:
    received: list[Update] = []
    done = asyncio.Event()

    async def collect(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        received.append(update)
        if len(received) == 4:
            done.set()

    app = (
        ApplicationBuilder()
        .token(tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .build()
    )
    app.add_handler(MessageHandler(filters.ALL, collect))
    async with polling(app) as running:
        tg.push_sticker(CHAT, CHAT, "👍")
        tg.push_photo(CHAT, CHAT, caption="사업계획서 사진")
        tg.push_voice(CHAT, CHAT, duration=4)
        tg.push_document(
            CHAT, CHAT, "공고문.hwp", content=b"HWP body", mime_type="application/x-hwp"
        )
        await asyncio.wait_for(done.wait(), 5)

        sticker, photo, voice, document = (u.message for u in received)
        assert sticker.sticker.emoji == "👍" and sticker.sticker.width == 512
        assert photo.photo[-1].width == 1280 and photo.caption == "사업계획서 사진"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            assert voice.voice.duration in (4, dtm.timedelta(seconds=4))
        assert voice.voice.mime_type == "audio/ogg"
        assert document.document.file_name == "공고문.hwp"
        tg_file = await document.document.get_file()
        assert bytes(await tg_file.download_as_bytearray()) == b"HWP body"

        sent = await running.bot.send_document(
            CHAT,
            document=b"%PDF-1.4 answer",
            filename="answer.pdf",
            caption="*요약*",
            parse_mode="Markdown",
        )
        assert sent.document.file_name == "answer.pdf"
        assert sent.caption == "요약" and sent.caption_entities[0].type == "bold"

    upload = tg.calls_of("sendDocument")[0]["document"]
    assert isinstance(upload, FileUpload) and upload.data == b"%PDF-1.4 answer"
    assert tg.sent_messages(CHAT)[-1].text == "*요약*"
    tg.assert_no_violations()


@pytest.mark.asyncio
async def test_commands_and_chat_action(tg: FakeTelegram) -> None:
    from telegram import BotCommand, BotCommandScopeChat

    async with direct_bot(tg) as bot:
        commands = [BotCommand("start", "시작"), BotCommand("help", "도움말")]
        assert await bot.set_my_commands(commands)
        scoped = [BotCommand("admin", "관리")]
        assert await bot.set_my_commands(scoped, scope=BotCommandScopeChat(CHAT))
        assert await bot.get_my_commands() == tuple(commands)
        assert await bot.get_my_commands(scope=BotCommandScopeChat(CHAT)) == tuple(scoped)
        assert await bot.delete_my_commands()
        assert await bot.get_my_commands() == ()
        assert await bot.send_chat_action(CHAT, "typing")
        with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand("Bad-Command", "x")])
        assert await bot.close() and await bot.log_out()
        # anything else the spec knows gets a spec-shaped generic answer
        assert await bot.set_my_description("충북 창업 지원 안내 봇")
        chat = await bot.get_chat(CHAT)
        assert chat.id == CHAT and chat.type == "private"
    assert tg.commands(scope={"type": "chat", "chat_id": CHAT}) == [
        {"command": "admin", "description": "관리"}
    ]
    tg.assert_no_violations()


# ---------------------------------------------------------------------------- self-checks


@pytest.mark.asyncio
async def test_answers_conform_to_spec_types(tg: FakeTelegram) -> None:
    async with direct_bot(tg):
        pass
    me = raw(tg, "getMe").json()["result"]
    assert tg.validate_object("User", me) == []
    assert me["id"] == 123456 and me["is_bot"] is True

    tg.push_message(CHAT, CHAT, "/help@fake_test_bot 질문", username="founder")
    tg.push_message(
        -100555,
        7,
        "그룹 메시지 @fake_test_bot",
        chat_type="group",
        chat_title="충북 창업 모임",
        reply_to_message=1,
    )
    tg.push_sticker(CHAT, CHAT)
    tg.push_photo(CHAT, CHAT, "caption")
    tg.push_voice(CHAT, CHAT)
    tg.push_document(CHAT, CHAT)
    tg.push_callback_query(CHAT, CHAT, "data", message_id=1)
    updates = raw(tg, "getUpdates").json()["result"]
    assert len(updates) == 7
    for update in updates:
        assert tg.validate_object("Update", update) == [], update
    command = updates[0]["message"]
    assert command["entities"] == [{"type": "bot_command", "offset": 0, "length": 19}]
    assert updates[1]["message"]["chat"] == {
        "id": -100555,
        "type": "group",
        "title": "충북 창업 모임",
    }

    sent = raw(tg, "sendMessage", data={"chat_id": str(CHAT), "text": "hi"}).json()["result"]
    assert tg.validate_object("Message", sent) == []
    info = raw(tg, "getWebhookInfo").json()["result"]
    assert tg.validate_object("WebhookInfo", info) == []
    file_info = raw(tg, "getFile", data={"file_id": updates[5]["message"]["document"]["file_id"]})
    assert tg.validate_object("File", file_info.json()["result"]) == []
    with pytest.raises(ValueError, match="invalid Update"):
        tg.push_update({"message": {"text": "no id, no chat"}})


def test_parse_entities_utf16_offsets() -> None:
    text, entities = parse_entities("😀 <b>굵게</b> <a href='https://x.kr'>링크</a>", "HTML")
    assert text == "😀 굵게 링크"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 2},
        {"type": "text_link", "offset": 6, "length": 2, "url": "https://x.kr"},
    ]
    text, entities = parse_entities("*굵게* \\- `코드` [링크](https://x.kr)", "MarkdownV2")
    assert text == "굵게 - 코드 링크"
    assert [e["type"] for e in entities] == ["bold", "code", "text_link"]


@pytest.mark.asyncio
async def test_blocking_helpers_refuse_the_event_loop(tg: FakeTelegram) -> None:
    with pytest.raises(RuntimeError, match="async_wait_for_calls"):
        tg.wait_for_calls("sendMessage", timeout=0.1)
    with pytest.raises(AssertionError, match="1 call\\(s\\) of sendMessage"):
        await tg.async_wait_for_calls("sendMessage", timeout=0.2)


def test_blocking_wait_from_another_thread(tg: FakeTelegram) -> None:
    def later() -> None:
        time.sleep(0.2)
        raw(tg, "sendMessage", data={"chat_id": str(CHAT), "text": "from a thread"})

    threading.Thread(target=later).start()
    (params,) = tg.wait_for_calls("sendMessage", timeout=5)
    assert params == {"chat_id": CHAT, "text": "from a thread"}
    assert tg.wait_for(lambda: tg.sent_messages(CHAT), timeout=1)[0].text == "from a thread"
