"""Issue 11, round 12: the learned answer judge (bot/answer_judge.py) turns an answer unlikely
to answer what was asked into "detail missing", and keeps the answers it should keep."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.answer_judge import WEIGHTS, AnswerJudge
from bot.engine import AnswerEngine
from bot.models import AnswerMode

# a near miss of a spent part (heldout14): the documents say teams join TIPS through an
# operator's investment and recommendation, nothing on how the selection is evaluated; the
# rules let through a sentence about TIPS's yearly calls
RECEIPTS = "운영사 추천 받고 나면 팁스 선정평가는 어떻게 진행돼요? 발표평가도 있어요?"


@pytest.fixture
def engine(dated_engine: AnswerEngine) -> AnswerEngine:
    return dated_engine


def test_a_missing_or_broken_weights_file_keeps_every_answer(tmp_path: Path) -> None:
    assert not AnswerJudge.load(tmp_path / "absent.json").active
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    judge = AnswerJudge.load(broken)
    assert not judge.active and judge.keeps({"bias": 1.0, "detail_missing_here": 1.0})


def test_the_shipped_weights_name_only_features_the_answerer_computes(
        engine: AnswerEngine) -> None:
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    judge = AnswerJudge.load()
    assert judge.active and 0.0 < judge.threshold < 1.0 and judge.trained_on
    answer = engine.answer("올해 예창패 일반형 얼마까지 받아요?")
    assert answer.mode is AnswerMode.EXTRACTIVE
    # the same names as the features of a real reply: a renamed feature would silently weigh 0
    reply = engine.extractive.respond(
        engine.queries.analyse(answer.question, engine.clock.today()),
        engine.retrieve(answer.query).hits, *engine.kb.keyword_index().statistics())
    assert reply is not None and reply.judge_inputs is not None
    assert set(data["weights"]) == set(reply.judge_inputs)
    assert reply.judge_probability is not None and reply.judge_probability >= judge.threshold


def test_a_missing_asked_noun_lowers_the_probability() -> None:
    judge = AnswerJudge.load()
    base = {name: 0.0 for name in judge.weights} | {"bias": 1.0, "key_cover": 1.0,
                                                     "subject_cover": 1.0, "about": 1.0}
    held = judge.probability(base | {"detail_missing_here": 0.0, "detail_missing_all": 0.0})
    missing = judge.probability(base | {"detail_missing_here": 1.0, "detail_missing_all": 1.0})
    assert missing < held


def test_the_judge_turns_a_neighbouring_sentence_into_detail_missing(
        engine: AnswerEngine) -> None:
    answer = engine.answer(RECEIPTS)
    assert answer.mode is AnswerMode.DETAIL_MISSING
    assert answer.answer.startswith("자료에는 ")
    assert "참고" in answer.answer  # the nearest facts still follow, with their sources
    assert answer.sources


def test_without_the_judge_the_same_question_is_answered(engine: AnswerEngine) -> None:
    engine.extractive.judge = AnswerJudge()  # untrained: keeps every answer
    answer = engine.answer(RECEIPTS)
    assert answer.mode is AnswerMode.EXTRACTIVE


@pytest.mark.parametrize("question", [
    "올해 예창패 일반형 얼마까지 받아요?",
    "저 41살인데 청창사 들어갈 수 있어요?",
    "초찬패 지원 한도 얼마에요?",
    "충북창경은 어느 대기업이 전담해요?",
])
def test_the_judge_keeps_right_answers(engine: AnswerEngine, question: str) -> None:
    assert engine.answer(question).mode is AnswerMode.EXTRACTIVE


def test_where_to_apply_with_no_channel_anywhere_says_so(engine: AnswerEngine) -> None:
    """Neither search finds where applications go: the reply says the channel is missing
    instead of quoting what the programme did."""
    answer = engine.answer("공영홈쇼핑 공공사업단 지원 받으려면 어디로 신청해요?")
    assert answer.mode is AnswerMode.DETAIL_MISSING
    assert "신청 창구" in answer.answer.splitlines()[0]


@pytest.mark.parametrize(("question", "says"), [
    ("예창패 어디서 신청함?", "K-Startup"),
    ("팁스 어디서 신청해요?", "운영사 추천을 통해"),  # a channel written around other words
])
def test_where_to_apply_keeps_a_channel_the_documents_give(engine: AnswerEngine, question: str,
                                                           says: str) -> None:
    answer = engine.answer(question)
    assert answer.mode is AnswerMode.EXTRACTIVE
    assert says in answer.answer.splitlines()[0]
