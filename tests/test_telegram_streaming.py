"""Generative answers streamed by editing the message (FakeOpenAI), answers longer than one
Telegram message, and 20 users asking at once."""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.answer_log import AnswerLog
from bot.engine import AnswerEngine, build_engine
from bot.telegram.render import MAX_MESSAGE, STREAM_CURSOR, visible_length
from knowledge.base import KnowledgeBase
from tests import test_telegram_bot as base
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.telegram_api import FakeTelegram
from tests.test_telegram_bot import QUESTION, USER, Harness, bot_settings

tg = base.tg  # the shared fixture

REPO = Path(__file__).resolve().parents[1]
EDIT_INTERVAL = 0.3


@pytest.fixture
def model() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_key="sk-test") as srv:
        yield srv


def sent_at(tg: FakeTelegram):
    return next(r for r in tg.requests if r.method == "sendMessage")


def generative_harness(tg: FakeTelegram, corpus_kb: KnowledgeBase, tmp_path: Path,
                       srv: FakeOpenAI) -> Harness:
    kb_settings = corpus_kb.settings.model_copy(update={
        "openai_base_url": srv.base_url, "openai_api_key": SecretStr("sk-test")})
    engine = build_engine(kb_settings, corpus_kb)
    assert engine.generator is not None
    settings = bot_settings(tg, tmp_path, telegram_stream_edit_interval=EDIT_INTERVAL)
    return Harness(tg, settings, engine, AnswerLog.from_settings(settings))


@pytest.mark.asyncio
async def test_generative_answer_streams_by_editing_one_message(
        tg: FakeTelegram, corpus_kb: KnowledgeBase, tmp_path: Path, model: FakeOpenAI) -> None:
    reply = ("예비창업패키지는 예비창업자에게 사업화 자금을 최대 1억 원까지 지원합니다 [1]. "
             "자금은 시제품 제작, 마케팅, 지식재산권 취득 등에 쓸 수 있습니다 [1]. "
             "신청 전에 올해 공고에서 지원 한도와 일정을 꼭 확인하세요 [1].")
    model.stream_chunk_size, model.stream_chunk_delay = 6, 0.05  # ~1.5 s of streaming
    model.script_reply(reply)
    h = generative_harness(tg, corpus_kb, tmp_path, model)
    async with h.running():
        answer = await h.ask(QUESTION)
    sent = tg.calls_of("sendMessage")
    assert len(sent) == 1 and sent[0]["text"].endswith(STREAM_CURSOR.strip())  # the preview
    assert model.last_chat()["stream"] is True
    edits = [r for r in tg.requests if r.method == "editMessageText"]
    assert len(edits) >= 2  # it visibly grew, then became the final answer
    texts = [r.params["text"] for r in edits]
    assert all(a != b for a, b in pairwise(texts))  # no idle edits
    # the per-chat throttle (measured where the server receives them, hence the slack)
    gaps = [b.at - a.at for a, b in pairwise([sent_at(tg), *edits])]
    assert statistics.median(gaps) >= EDIT_INTERVAL * 0.9 and min(gaps) >= EDIT_INTERVAL * 0.5
    assert answer.edited and answer.message_id == tg.sent_messages(USER)[0].message_id
    assert "▌" not in answer.plain_text
    assert "[1]" in answer.plain_text and "출처" in answer.plain_text and answer.buttons
    assert base.links(answer)
    logged = h.answer_log.get(base.answer_id_of(answer))
    assert logged.mode == "generative" and logged.answer.startswith("예비창업패키지는")
    tg.assert_no_violations()


@pytest.mark.asyncio
async def test_an_answer_longer_than_one_message_is_split_safely(
        tg: FakeTelegram, corpus_kb: KnowledgeBase, tmp_path: Path, model: FakeOpenAI) -> None:
    paragraphs = [f"{i}. 예비창업패키지의 {i}번째 지원 항목을 설명합니다. " +
                  "사업화 자금 최대 1억원은 시제품 제작과 마케팅에 쓸 수 있습니다 [1]. " * 12
                  for i in range(1, 13)]
    model.stream_chunk_size = 500
    model.script_reply("\n\n".join(paragraphs))
    h = generative_harness(tg, corpus_kb, tmp_path, model)
    async with h.running():
        last = await h.ask(QUESTION)
        await asyncio.sleep(0.2)
    messages = {}
    for m in tg.sent_messages(USER):  # the latest state of every message
        messages[m.message_id] = m
    parts = [messages[k] for k in sorted(messages)]
    assert len(parts) >= 2 and parts[-1].message_id == last.message_id
    assert all(visible_length(p.text) <= MAX_MESSAGE for p in parts)
    assert all(p.parse_mode == "HTML" for p in parts)
    assert [bool(p.buttons) for p in parts] == [False] * (len(parts) - 1) + [True]
    logged = h.answer_log.get(base.answer_id_of(last))
    shown = re.sub(r"\s", "", "".join(p.plain_text for p in parts))
    assert re.sub(r"\s", "", logged.answer) in shown
    assert "출처" in parts[-1].plain_text
    tg.assert_no_violations()


# ---------------------------------------------------------------------------- 20 users at once


def eval_questions(n: int) -> list[str]:
    lines = (REPO / "benchmarks/answer_eval/questions.jsonl").read_text("utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    questions = list(dict.fromkeys(i["question"] for i in items if i.get("answerable")))
    return questions[:n]


def latency_summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {"p50": statistics.median(ordered),
            "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
            "max": ordered[-1]}


@pytest.mark.asyncio
async def test_twenty_users_at_once_each_get_their_own_answer(
        tg: FakeTelegram, corpus_kb: KnowledgeBase, tmp_path: Path) -> None:
    questions = eval_questions(20)
    assert len(questions) == 20
    h = Harness(tg, bot_settings(tg, tmp_path),
                     build_engine(corpus_kb.settings, corpus_kb),
                     AnswerLog.from_settings(bot_settings(tg, tmp_path)))
    chats = {20_000 + i: q for i, q in enumerate(questions)}
    async with h.running():
        pushed = {}
        for chat, question in chats.items():
            pushed[chat] = time.time()
            tg.push_message(chat, chat, question)
        await tg.async_wait_for(lambda: all(h.answers(c) for c in chats), timeout=60)
    reference = AnswerEngine(corpus_kb)  # the same engine, asked directly, one at a time
    expected = {q: reference.answer(q).answer.strip() for q in questions}
    first_reply = {}
    for r in tg.requests:
        if r.method == "sendMessage" and r.status == 200:
            first_reply.setdefault(r.params["chat_id"], r.at)
    for chat, question in chats.items():
        (answer,) = h.answers(chat)
        assert answer.plain_text.startswith(expected[question]), question
        assert h.answer_log.get(base.answer_id_of(answer)).question == question
    summary = latency_summary([first_reply[c] - pushed[c] for c in chats])
    print("\n20 users, reply latency (push -> sendMessage):",
          ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in summary.items()))
    tg.assert_no_violations()
