"""Issue 11, round 12: a requirement the founder says they lack makes the verdict no, and a
cap written as a share of the budget ("총사업비의 70% 이내에서 최대 1억원") is read against the
founder's own budget."""

from __future__ import annotations

import pytest

from bot.claims import claim_verdict
from bot.eligibility import judge
from bot.engine import AnswerEngine
from bot.founder import budget_of, founder_from_question
from bot.lacking import lacked_words, lacks_requirement

EXPERT = ("전문개인투자자로 등록하려면 최근 3년간 1억원 이상의 투자 실적과 함께 일정한 경력 요건을 "
          "갖추어야 한다(2025년 한국엔젤투자협회 안내 기준).")
VOUCHER = ("2025년 혁신바우처 대상은 매출액 120억원 이하 제조 소기업과 중기업이며, 5년 안에 3회를 "
           "넘게 지원받은 기업은 신청할 수 없다.")
EXPORT = ("수출바우처의 지원 대상은 중소기업기본법에 따른 중소기업이며, 사행성 업종 등 일부 업종은 "
          "제외된다(2024년 기준).")
SCHOOL = ("청년창업사관학교 입교 기업은 총사업비의 70% 이내에서 최대 1억원의 사업화 자금을 받고, "
          "사무공간과 코칭, 교육도 함께 지원받는다(2018년 보도 기준).")
GLOBAL = "2025년 글로벌창업사관학교는 사업비의 70% 이내에서 최대 1.5억원을 지원했다."


@pytest.mark.parametrize(("question", "sentence", "word"), [
    ("최근 3년 투자실적 1억 넘는데 관련 경력은 하나도 없어요. 전문개인투자자 등록 돼요?",
     EXPERT, "경력"),
    ("5년 전에 엔젤투자 1억 5천 했고 최근 3년은 투자한 게 없어요. 전문개인투자자 등록 돼요?",
     EXPERT, "투자"),
    ("저희 제조업 아니고 소프트웨어 회사예요. 매출 20억인데 25년 혁신바우처 신청 가능했어요?",
     VOUCHER, "제조업"),
    # lacking what the rule leaves out is no fault
    ("사행성 업종은 아니에요. 수출바우처 받을 수 있어요?", EXPORT, None),
    ("지원받은 적은 한 번도 없어요. 25년 혁신바우처 신청 돼요?", VOUCHER, None),
    # nothing lacked
    ("경력 5년 있고 최근 3년 투자 2억 했어요. 전문개인투자자 등록 돼요?", EXPERT, None),
])
def test_a_lacked_requirement_is_read(question: str, sentence: str, word: str | None) -> None:
    assert lacks_requirement(question, sentence) == word


def test_only_the_words_after_a_clause_end_are_lacked() -> None:
    question = ("청주 법인인데 투자는 아직 한 푼도 못 받았어요. 26년 투자연계형 창업패키지 넣을 수 "
                "있어요?")
    assert lacked_words(question) == ["투자"]


def test_the_verdict_is_no_when_a_requirement_is_lacked(dated_engine: AnswerEngine) -> None:
    answer = dated_engine.answer(
        "최근 3년 투자실적 1억 넘는데 관련 경력은 하나도 없어요. 전문개인투자자 등록 돼요?")
    assert answer.answer.startswith("아니요.")


@pytest.mark.parametrize(("question", "verdict"), [
    ("18년 청창사 기준으로 총사업비 1억 2천 잡으면 사업화 자금 9천 받을 수 있었어요?", "no"),
    ("18년 청창사 기준으로 총사업비를 1억으로 잡으면 사업화 자금 1억 전부 받을 수 있었어요?", "no"),
    ("18년 청창사 총사업비 2억 잡으면 사업화 자금 1억 받을 수 있었어요?", "yes"),
])
def test_a_share_of_the_budget_caps_the_sum(question: str, verdict: str) -> None:
    founder = founder_from_question(question)
    assert founder.budget is not None
    ruling = judge(SCHOOL, founder)
    assert ruling is not None and ruling.verdict == verdict


@pytest.mark.parametrize(("question", "verdict"), [
    ("25년 글로벌창업사관학교 붙고 사업비를 1억 8천으로 잡았어요. 그럼 1.5억 꽉 채워 받을 수 "
     "있었어요?", "no"),
    ("25년 글로벌창업사관학교 붙고 사업비를 3억으로 잡았어요. 그럼 1.5억 꽉 채워 받을 수 있었어요?",
     "yes"),
])
def test_a_claimed_sum_is_read_against_the_budget_share(question: str, verdict: str) -> None:
    assert budget_of(question) is not None
    assert claim_verdict(question, GLOBAL, "ko", 2025) == verdict
