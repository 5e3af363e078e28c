"""/match in Telegram (issue 16): the questions, the chat's subscription, words, and the plain
"which programmes fit me" question routed from the text handler — through the loopback Bot API
fake with the harness of tests/test_telegram_subscriptions.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.alerts.prompts import FLOW_EN, FLOW_KO
from tests.conftest import REPO
from tests.fakes.telegram_api import FakeTelegram
from tests.test_telegram_subscriptions import OTHER, USER, started, tg  # noqa: F401 (fixture)


@pytest.mark.asyncio
async def test_match_without_a_subscription_asks_and_lists_what_fits(
        tg: FakeTelegram, tmp_path: Path) -> None:  # noqa: F811
    async with started(tg, tmp_path) as b:
        flow = await b.command("/match")
        mid = flow.message_id
        assert "(1/4)" in flow.plain_text
        await b.press(USER, mid, "예비 창업자")
        await b.press(USER, mid, "40대")
        await b.press(USER, mid, "다음")
        await b.press(USER, mid, "충북 + 전국")
        assert "결과 보기" in " ".join(b.labels(USER, mid))
        before = len([m for m in b.sent(USER) if not m.edited])
        await b.press(USER, mid, "결과 보기")
        await tg.async_wait_for(lambda: len([m for m in b.sent(USER) if not m.edited]) > before)
        result = [m for m in b.sent(USER) if not m.edited][-1].plain_text
    assert "충북 예비창업 사업화 지원" in result and "충북 창업 아이디어 경진대회" in result
    for absent in ("초기창업 도약 지원", "마감된 예비창업 공고", "서울 창업 지원"):
        assert absent not in result
    assert "조건에 맞는 지원사업 · 2건" in result
    assert "맞는 이유: 충북 · 창업 단계" in result  # the call names 예비창업자
    assert "확인 필요: 창업 단계 · 나이 (공고문에서 확인 필요)" in result  # names neither
    assert "접수 예정 (2026-03-15 시작)" in result and "접수 중 · D-20" in result
    assert b.store.get(USER) is None  # /match subscribes nobody
    assert b.engine.questions == []
    tg.assert_no_violations()


@pytest.mark.asyncio
async def test_the_plain_question_gets_the_match_answer_with_the_subscription(
        tg: FakeTelegram, tmp_path: Path) -> None:  # noqa: F811
    async with started(tg, tmp_path) as b:
        await b.command("/subscribe 예비창업 충북")
        reply = await b.command("나한테 맞는 지원사업 뭐 있어?")
        normal = await b.command("예창패 지원 금액은 얼마야?")
        ask = await b.press(USER, reply.message_id, "조건 다시 고르기", edit=False)
        questions = await tg.async_wait_for_sent(USER, contains="(1/4)")

        english = tg.make_message_update(OTHER, OTHER, "Which programs fit me?")
        english["message"]["from"]["language_code"] = "en"
        tg.push_update(english)
        flow_en = await tg.async_wait_for_sent(OTHER, contains="(1/4)")
        command_words = await b.command("/match 초기창업", chat_id=OTHER)
    assert FLOW_KO["match_from_sub"] in reply.plain_text
    assert "충북 예비창업 사업화 지원" in reply.plain_text
    assert "서울 창업 지원" not in reply.plain_text
    assert [btn["text"] for btn in reply.buttons] == [FLOW_KO["btn_ask"]]
    assert b.engine.questions == ["예창패 지원 금액은 얼마야?"]  # only the normal question
    assert "엔진 답변" in normal.plain_text
    assert ask and questions
    assert FLOW_EN["title_mt"].replace("<b>", "").replace("</b>", "") in flow_en[0].plain_text
    assert "초기창업 도약 지원" in command_words.plain_text
    assert "충북 예비창업 사업화 지원" not in command_words.plain_text
    tg.assert_no_violations()



def test_the_fit_question_is_told_from_other_questions() -> None:
    """General intent (a fit word next to a programme word), and none of the answer-eval
    questions (documents, catalogue, follow-ups) is taken for it."""
    from bot.telegram.matching import is_match_question

    for q in ("나한테 맞는 지원사업 뭐 있어?", "저한테 맞는 창업 지원 프로그램 추천해줘",
              "제 조건에 맞춤 지원사업 알려줘", "내게 적합한 공고 있어?",
              "우리 회사에 해당되는 지원사업 있나요", "which programs fit me",
              "What support suits my startup?", "Which programmes am I eligible for?"):
        assert is_match_question(q), q
    for q in ("예창패 지원 금액은 얼마야?", "지금 신청 가능한 예비창업자 지원사업 알려줘",
              "예비창업패키지가 나한테 맞는 사업이야?", "사업계획서 양식이 맞는지 확인해줘",
              "TIPS 지원 조건에 맞나요?", "청년 창업자에게 해당하는 지원 내용은?",
              "How much does TIPS provide?", "When does the call close?"):
        assert not is_match_question(q), q
    asked = 0
    for path in sorted((REPO / "benchmarks" / "answer_eval").glob("questions*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            for turn in item.get("turns") or [item]:  # multi-turn items hold their turns
                asked += 1
                assert not is_match_question(turn["question"]), turn["question"]
    assert asked > 200
