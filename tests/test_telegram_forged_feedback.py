"""Forged and foreign 👍/👎 presses (issue 13, case 5), and webhook redelivery, through the
loopback Bot API fake and the real PTB application.

Answer ids are sequential, so user B could send callback data `fb:<A's answer id>:-` and A's
answer got B's 👎 and comment. Now a button carries an HMAC over (answer id, chat) and the answer
log must hold the answer for that chat; anything else is answered politely and changes nothing.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from bot import prompts
from bot.shared_state import Claim
from bot.telegram.app import WebhookConfig
from tests import test_telegram_bot as base
from tests.servers import free_port
from tests.test_telegram_bot import QUESTION, USER, Harness, answer_id_of

tg, harness = base.tg, base.harness  # the shared fixtures

OTHER = 424_242


@pytest.mark.asyncio
async def test_forged_or_foreign_feedback_changes_nothing(harness: Harness) -> None:
    async with harness.running() as h:
        a_answer = await h.ask(QUESTION)
        b_answer = await h.ask("TIPS 프로그램은 어떻게 지원하나요?", OTHER, OTHER)
        a_id, b_id = answer_id_of(a_answer), answer_id_of(b_answer)
        a_down = a_answer.buttons[1]["callback_data"]
        b_down = b_answer.buttons[1]["callback_data"]
        assert a_down.count(":") == 3  # fb:<id>:-:<signature>
        b_signature = b_down.rsplit(":", 1)[1]
        forgeries = [
            f"fb:{a_id}:-",  # the attack that worked: A's id, unsigned
            a_down,  # A's own (leaked) button data, pressed in B's chat
            f"fb:{a_id}:-:{b_signature}",  # B's signature on A's id
            f"fb:{a_id}:-:{'A' * 16}",  # a made-up signature
        ]
        for data in forgeries:
            before = len(h.tg.callback_answers)
            h.tg.push_callback_query(OTHER, OTHER, data, b_answer.message_id)
            await h.tg.async_wait_for(lambda b=before: len(h.tg.callback_answers) > b)
            assert h.tg.callback_answers[-1]["text"] == prompts.TG_FEEDBACK_REJECTED["ko"]
        # B's next text is a question, not a comment on A's answer
        await h.ask("예비창업패키지 지원 금액은?", OTHER, OTHER)
        a_logged, b_logged = h.answer_log.get(a_id), h.answer_log.get(b_id)
        assert a_logged.feedback is None and a_logged.feedback_comment is None
        assert b_logged.feedback is None
        assert not [m for m in h.tg.sent_messages(OTHER) if "답장으로" in m.plain_text]
        assert h.answer_log.events(a_id) == []

        # the owners' own presses still count
        h.tg.push_callback_query(USER, USER, a_down, a_answer.message_id)
        await h.tg.async_wait_for_sent(USER, contains="답장으로")
        h.tg.push_callback_query(OTHER, OTHER, b_answer.buttons[0]["callback_data"],
                                 b_answer.message_id)
        await h.tg.async_wait_for(lambda: h.answer_log.get(b_id).feedback == 1)
    assert h.answer_log.get(a_id).feedback == -1
    h.tg.assert_no_violations()


@pytest.mark.asyncio
async def test_a_legacy_unsigned_button_counts_only_in_its_own_chat(harness: Harness) -> None:
    async with harness.running() as h:
        answer = await h.ask(QUESTION)
        answer_id = answer_id_of(answer)
        h.tg.push_callback_query(USER, USER, f"fb:{answer_id}:+", answer.message_id)
        await h.tg.async_wait_for(lambda: h.answer_log.get(answer_id).feedback == 1)
        assert h.tg.callback_answers[-1]["text"] == prompts.TG_FEEDBACK_THANKS[1]["ko"]
    h.tg.assert_no_violations()


@pytest.mark.asyncio
async def test_webhook_redelivery_is_answered_once_and_a_held_update_is_retried(
        harness: Harness) -> None:
    port = free_port()
    hook = WebhookConfig(url=f"http://127.0.0.1:{port}/hook", secret="s3cret",
                         listen="127.0.0.1", port=port)
    async with harness.running(webhook=hook) as h:
        update = h.tg.make_message_update(USER, USER, QUESTION)
        # the endpoint answers only after the bot has replied
        assert await h.tg.async_deliver_webhook(hook.url, update, secret_token="s3cret") == 200
        assert len(h.answers(USER)) == 1
        # Telegram resends it (it did not see our 200): acknowledged, not answered again
        assert await h.tg.async_deliver_webhook(hook.url, update, secret_token="s3cret") == 200
        # an update another replica holds: 503 (Telegram retries), nothing sent
        held = h.tg.make_message_update(USER, USER, "TIPS 프로그램은 어떻게 지원하나요?")
        state = h.services.state
        key = f"{h.app.bot.id}:{held['update_id']}"
        assert state.claim_update(key, 60, time.time()) is Claim.NEW
        assert await h.tg.async_deliver_webhook(hook.url, held, secret_token="s3cret") == 503
        await asyncio.sleep(0.3)
        assert len(h.answers(USER)) == 1
        # that replica gives it back (or its lease ends): the retry is processed here
        state.release_update(key)
        assert await h.tg.async_deliver_webhook(hook.url, held, secret_token="s3cret") == 200
        assert len(h.answers(USER)) == 2
        assert len(list(h.answer_log.iter_answers())) == 2
    h.tg.assert_no_violations()


@pytest.mark.asyncio
async def test_stopping_gives_an_unfinished_update_back(harness: Harness,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGTERM while an answer is still being computed: the webhook never said 200, and the
    update is released, so Telegram's redelivery is processed (by this or another replica)."""
    port = free_port()
    hook = WebhookConfig(url=f"http://127.0.0.1:{port}/hook", listen="127.0.0.1", port=port)
    started = asyncio.Event()

    async def hangs(*args, **kwargs):
        started.set()
        await asyncio.sleep(120)

    monkeypatch.setattr(harness.engine, "aanswer", hangs)
    update = harness.tg.make_message_update(USER, USER, QUESTION)
    async with harness.running(webhook=hook) as h:
        delivery = asyncio.create_task(h.tg.async_deliver_webhook(hook.url, update, timeout=30))
        await asyncio.wait_for(started.wait(), 20)
        state = h.services.state
        key = f"{h.app.bot.id}:{update['update_id']}"
        assert state.claim_update(key, 60, time.time()) is Claim.BUSY
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 10
    assert await delivery == 503  # not 200: Telegram will resend it
    from bot.shared_state import SharedStateSettings, build_shared_state

    again = build_shared_state(h.settings.answer_log_url, SharedStateSettings(_env_file=None))
    assert again.claim_update(key, 60, time.time()) is Claim.NEW
    again.close()
    assert h.answers(USER) == []
