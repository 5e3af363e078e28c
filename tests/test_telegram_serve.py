"""`startupbot serve`: start-up checks, webhook mode (real PTB webhook server on a loopback port),
staff commands, and one real run of the command in a subprocess, stopped with Ctrl-C."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import prompts
from bot.answer_log import AnswerLog
from bot.engine import build_engine
from bot.settings import TelegramMode
from bot.telegram.app import WebhookConfig
from bot.telegram.serve import ServeError, check_bot, check_index, webhook_config
from ingest.pipeline import Ingestor
from knowledge.base import KnowledgeBase
from tests import test_telegram_bot as base
from tests.fakes.telegram_api import FakeTelegram
from tests.helpers import cli_runner, free_port
from tests.test_telegram_bot import QUESTION, TOKEN, USER, Harness, bot_settings

tg, harness = base.tg, base.harness  # the shared fixtures

REPO = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------------- webhook


@pytest.mark.asyncio
async def test_webhook_mode_checks_the_secret_token(harness: Harness) -> None:
    port = free_port()
    hook = WebhookConfig(url=f"http://127.0.0.1:{port}/telegram/hook", secret="s3cr3t-Token_1",
                         listen="127.0.0.1", port=port)
    async with harness.running(webhook=hook) as h:
        assert h.tg.webhook["url"] == hook.url and h.tg.webhook["secret_token"] == hook.secret
        assert h.tg.call_count("getUpdates") == 0
        update = h.tg.make_message_update(USER, USER, QUESTION)
        assert await h.tg.async_deliver_webhook(hook.url, update) == 403
        assert await h.tg.async_deliver_webhook(hook.url, update, secret_token="wrong") == 403
        await asyncio.sleep(0.3)
        assert h.tg.sent_messages(USER) == []
        assert await h.tg.async_deliver_webhook(hook.url, update, secret_token=hook.secret) == 200
        await h.tg.async_wait_for(lambda: h.answers(USER), timeout=20)
        # queued updates reach the webhook like on Telegram (the fake posts them with the secret)
        second = await h.ask("TIPS 프로그램은 어떻게 지원하나요?")
    assert "[1]" in h.answers(USER)[0].plain_text and "[1]" in second.plain_text
    h.tg.assert_no_violations()


@pytest.mark.asyncio
async def test_webhook_mode_without_a_secret_token(harness: Harness) -> None:
    port = free_port()
    hook = WebhookConfig(url=f"http://127.0.0.1:{port}/hook", listen="127.0.0.1", port=port)
    async with harness.running(webhook=hook) as h:
        assert not h.tg.webhook.get("secret_token")
        update = h.tg.make_message_update(USER, USER, QUESTION)
        assert await h.tg.async_deliver_webhook(hook.url, update) == 200
        await h.tg.async_wait_for(lambda: h.answers(USER), timeout=20)
    h.tg.assert_no_violations()


def test_webhook_settings_and_overrides(tg: FakeTelegram, tmp_path: Path) -> None:
    settings = bot_settings(tg, tmp_path, telegram_webhook_url="https://bot.example.org/tg",
                            telegram_webhook_secret="abc_DEF-1")
    assert webhook_config(settings, None) is None  # polling is the default
    hook = webhook_config(settings, TelegramMode.WEBHOOK, port=9000)
    assert hook is not None
    assert (hook.url_path, hook.secret, hook.listen, hook.port) == ("tg", "abc_DEF-1",
                                                                    "127.0.0.1", 9000)
    with pytest.raises(ServeError, match="공개 HTTPS 주소"):
        webhook_config(bot_settings(tg, tmp_path), TelegramMode.WEBHOOK)
    with pytest.raises(ServeError, match="secret"):
        webhook_config(settings, TelegramMode.WEBHOOK, secret="no spaces allowed")


# ---------------------------------------------------------------------------- start-up checks


@pytest.mark.asyncio
async def test_a_rejected_or_unreachable_token_stops_start_up(tg: FakeTelegram,
                                                               tmp_path: Path) -> None:
    me = await check_bot(bot_settings(tg, tmp_path), TOKEN)
    assert me.username == "fake_test_bot"
    wrong = bot_settings(tg, tmp_path, telegram_bot_token="999:WRONG")
    with pytest.raises(ServeError, match="토큰을 거부") as rejected:
        await check_bot(wrong, "999:WRONG")
    assert rejected.value.code == 2
    closed = f"http://127.0.0.1:{free_port()}/bot"
    with pytest.raises(ServeError, match="연결할 수 없습니다") as unreachable:
        await check_bot(bot_settings(tg, tmp_path, telegram_api_base_url=closed), TOKEN)
    assert unreachable.value.code == 3 and "TEST-token" not in unreachable.value.message


def test_a_missing_index_stops_start_up(make_kb) -> None:
    with pytest.raises(ServeError, match="startupbot ingest"):
        check_index(make_kb())


@pytest.fixture
def cli_logging() -> Iterator[None]:
    """`startupbot serve` configures logging for the process; undo it after in-process runs."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    names = ("telegram", "telegram.ext.Updater", "httpx", "httpcore", "apscheduler", "chromadb",
             "urllib3", "bm25s")
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, value in levels.items():
        logging.getLogger(name).setLevel(value)


def test_serve_command_explains_a_missing_token(monkeypatch: pytest.MonkeyPatch,
                                                cli_logging: None) -> None:
    result = cli_runner(monkeypatch)("serve")
    assert result.exit_code == 2
    assert "TELEGRAM_BOT_TOKEN" in result.output and "BotFather" in result.output


def test_serve_command_explains_a_missing_index(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path, cli_logging: None) -> None:
    result = cli_runner(monkeypatch)("serve", env={
        "TELEGRAM_BOT_TOKEN": TOKEN, "STARTUPBOT_DATA_DIR": str(tmp_path / "empty")})
    assert result.exit_code == 2
    assert "startupbot ingest" in result.output


def test_serve_runs_answers_and_stops_on_ctrl_c(tg: FakeTelegram, corpus_data_dir: Path,
                                                tmp_path: Path) -> None:
    """The real command in a subprocess: composition root, logging, polling, clean stop."""
    data = tmp_path / "serve-data"
    shutil.copytree(corpus_data_dir, data, ignore=shutil.ignore_patterns("ingest.lock"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STARTUPBOT_", "OPENAI_"))}
    env |= {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": tg.base_url,
            "STARTUPBOT_DATA_DIR": str(data), "STARTUPBOT_LOG_LEVEL": "DEBUG"}
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        tg.wait_for_calls("getUpdates", timeout=60)
        tg.push_message(USER, USER, QUESTION)
        (answer,) = tg.wait_for_sent(USER, timeout=30)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err[-2000:]
    assert "[1]" in answer.plain_text and answer.buttons
    assert "@fake_test_bot" in err and "long polling" in err
    assert '"event": "telegram.answered"' in err  # JSON logs at the configured level
    for secret in (TOKEN, str(USER), QUESTION):
        assert secret not in err
    logged = list(AnswerLog(f"sqlite:///{data / 'answer_log.sqlite3'}",
                            salt_path=data / "never-used").iter_answers())
    assert [a.question for a in logged] == [QUESTION]
    tg.assert_no_violations()


# ------------------------------------------------------------------------------------- staff


@pytest.mark.asyncio
async def test_staff_commands_are_for_the_allowlist_only(
        tg: FakeTelegram, corpus_copy: KnowledgeBase, tmp_path: Path) -> None:
    staff_id = 777_001
    settings = bot_settings(tg, tmp_path, telegram_staff_ids=[staff_id])
    calls: list[float] = []

    def reingest():
        calls.append(time.monotonic())
        return Ingestor(corpus_copy).run()

    h = Harness(tg, settings, build_engine(corpus_copy.settings, corpus_copy),
                AnswerLog.from_settings(settings))
    async with h.running(reingest=reingest):
        answer = await h.ask(QUESTION)
        tg.push_callback_query(USER, USER, answer.buttons[0]["callback_data"], answer.message_id)
        await tg.async_wait_for_calls("editMessageReplyMarkup")
        tg.push_message(USER, USER, "/stats")
        tg.push_message(USER, USER, "/reingest")
        await tg.async_wait_for(
            lambda: len([m for m in tg.sent_messages(USER) if "운영진만" in m.text]) == 2)
        tg.push_message(staff_id, staff_id, "/stats")
        (stats,) = await tg.async_wait_for_sent(staff_id)
        tg.push_message(staff_id, staff_id, "/reingest")
        replies = await tg.async_wait_for_sent(staff_id, count=3, timeout=60)
    assert "질문 1개 · 👍 1 · 👎 0" in stats.plain_text and "답변 거절 0개" in stats.plain_text
    assert replies[1].plain_text == prompts.TG_REINGEST_STARTED
    documents = len(corpus_copy.store.open().documents())
    assert "수집 결과" in replies[2].plain_text
    assert f"변경 없음 {documents}" in replies[2].plain_text
    assert len(calls) == 1  # the refused /reingest never ran
    tg.assert_no_violations()
