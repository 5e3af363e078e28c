"""Issue 11, round 13: a figure asked in a unit of time, pages or times ("발표 몇 분 줬어요?",
"몇 월에 모집해요?", "한 달에 몇 번") is answered only by a sentence that gives a number in
that unit; when nothing found about the subject gives one, the detail is missing."""

from __future__ import annotations

import pytest

from bot.engine import AnswerEngine
from bot.models import AnswerMode


@pytest.mark.parametrize("question", [
    "Start-Up Invest Challenge IR할 때 기업당 발표 몇 분 줬어요?",
    "K-Startup 그랜드챌린지는 보통 몇 월에 모집해요?",
    "벤처기업확인위원회 심의는 한 달에 몇 번 열려요?",
])
def test_a_figure_in_a_unit_nothing_gives_is_missing(dated_engine: AnswerEngine,
                                                     question: str) -> None:
    answer = dated_engine.answer(question)
    assert answer.mode is AnswerMode.DETAIL_MISSING
    assert answer.answer.startswith("자료에는")


@pytest.mark.parametrize(("question", "fact"), [
    ("창업지원사업 통합공고는 보통 몇 월에 나와요?", "1월"),
    ("올해 딥테크 특화형 창패 접수 며칠까지였어요?", "1월 27일"),
])
def test_a_sentence_in_the_unit_still_answers(dated_engine: AnswerEngine, question: str,
                                              fact: str) -> None:
    answer = dated_engine.answer(question)
    assert answer.mode is AnswerMode.EXTRACTIVE and fact in answer.answer


def test_a_rate_asked_without_a_yes_no_ending_is_the_founders_band(
        dated_engine: AnswerEngine) -> None:
    answer = dated_engine.answer("평균매출 2억인 제조 소기업은 혁신바우처 보조율?")
    assert not answer.answer.startswith(("네.", "아니요."))
    assert "90%" in answer.answer
