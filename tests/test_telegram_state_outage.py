"""The shared store down (Redis unreachable): founders still get answers, 👍/👎 and comments
still work within the process; every failure is logged, none reaches the user."""

from __future__ import annotations

import logging

import pytest

from bot.shared_state import SharedStateSettings
from bot.telegram.app import build_application, running
from tests import test_telegram_bot as base
from tests.servers import free_port
from tests.test_telegram_bot import QUESTION, USER, Harness, answer_id_of

tg, harness = base.tg, base.harness  # the shared fixtures


@pytest.mark.asyncio
async def test_a_dead_shared_store_costs_no_answer(harness: Harness,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    dead = SharedStateSettings(redis_url=f"redis://127.0.0.1:{free_port()}/0",
                               _env_file=None)  # type: ignore[call-arg]
    h = harness
    h.app = build_application(h.settings, h.engine, h.answer_log, None, state_settings=dead)
    with caplog.at_level(logging.WARNING):
        async with running(h.app, poll_timeout=1):
            answer = await h.ask(QUESTION)
            follow = await h.ask("그럼 신청은 어떻게 하나요?")
            h.tg.push_callback_query(USER, USER, answer.buttons[1]["callback_data"],
                                     answer.message_id)
            (prompt,) = await h.tg.async_wait_for_sent(USER, contains="답장으로")
            h.tg.push_message(USER, USER, "신청 자격이 궁금했어요",
                              reply_to_message=prompt.message_id)
            await h.tg.async_wait_for_sent(USER, contains="의견을 저장했습니다")
    assert "[1]" in answer.plain_text and follow.buttons
    logged = h.answer_log.get(answer_id_of(answer))
    assert logged.feedback == -1 and logged.feedback_comment == "신청 자격이 궁금했어요"
    events = {r.getMessage() for r in caplog.records}
    assert {"shared_state.unavailable", "telegram.rate_limit_store_failed",
            "conversation.backend_failed"} <= events
    h.tg.assert_no_violations()
