"""Issue 11, eighth round: causes found on the spent held-out sets (heldout4-9), each a general
rule rather than one question's fix.

- the day the founder applied, against the intake the documents state (a closing day, or a
  window "A부터 B까지 접수");
- the sum the founder asks for, in more wordings ("5천", "7천만원어치", "800만원 전액"), against
  the ceiling now (not the one it changed from) of the part they name, from the sentence whose
  topic is what they asked about (일반트랙, not a 딥테크트랙 sentence naming 일반트랙 later);
- "X도 받을 수 있어요?" against a sentence that lists X among what a programme gives, or in a
  list closed by its count;
- a sentence whose only figure is the one the founder quoted ("300개쯤 있다던데 그중에 …")
  does not answer a part of it, nor does one that counts the members asked for without naming
  them ("4개 산업단지로 이루어지며" to "그 4개 이름이 뭐예요?"), nor one that names only the
  thing set aside ("괴산군 말고 또 어디?") unless it says that it is the only one;
- a bare noun written before the programme's name ("중소기업 혁신바우처") is part of the name, not
  an asked detail a sentence must repeat;
- a question whose only words the documents hold are town names ("오창에 괜찮은 카페", "a
  restaurant near Osong station") is refused.
"""

from __future__ import annotations

import pytest

from bot.engine import AnswerEngine
from bot.founder import founder_from_question
from bot.models import AnswerMode
from bot.restated import (
    figures,
    members_unnamed,
    names_fewer,
    names_only_the_one_set_aside,
    restates_only,
)
from tests.helpers import assert_answered, assert_verdict


@pytest.fixture
def engine(dated_engine: AnswerEngine) -> AnswerEngine:
    return dated_engine


@pytest.mark.parametrize(("question", "told"), [
    ("2월 25일에 냈으면 접수 된 거예요?", (0, 2, 25)),
    ("24년 3월 5일에 신청하면 돼요?", (2024, 3, 5)),
    ("1월 20일에 넣었는데요", (0, 1, 20)),
    ("2월 25일에 마감이에요?", None),  # a day asked about, not the founder's application
])
def test_the_day_the_founder_applied_is_read(question: str,
                                            told: tuple[int, int, int] | None) -> None:
    assert founder_from_question(question, 2026, 12).submitted == told


@pytest.mark.parametrize(("question", "lead", "fact"), [
    ("2024년 예비창업패키지 2월 19일에 접수했으면 마감 전이에요?", "네.", "2월 21일"),
    ("24년 예창패 2월 28일에 냈는데 접수됐을까요?", "아니요.", "2월 21일"),
    ("재도전성공패키지 24년에 2월 20일 접수해도 됐어요?", "네.", "2월 29일"),
    ("26년 딥테크 특화형 창업패키지 2월 3일에 신청했으면 됐나요?", "아니요.", "1월 27일"),
])
def test_an_application_day_against_the_intake(engine: AnswerEngine, question: str, lead: str,
                                               fact: str) -> None:
    assert_verdict(engine, question, lead, fact)


@pytest.mark.parametrize(("question", "lead", "fact"), [
    # the ceiling now, not the one it was raised from ("최대 5억원에서 … 최대 8억원으로")
    ("2026년 팁스 일반트랙으로 R&D 6억 받을 수 있어요?", "네.", "최대 8억원"),
    # of two ceilings, the one of the part the founder names (도약 단계, not 초기 단계)
    ("2026년 딥테크 특화형 도약 단계면 2억 받을 수 있나요?", "네.", "최대 3억원"),
    ("2026년 딥테크 특화형 초기 단계면 2억 받을 수 있나요?", "아니요.", "최대 1.5억원"),
    ("2020년 혁신바우처로 6천만원어치 받을 수 있었어요?", "아니요.", "최대 5,000만원"),
    ("23년 해외전시회 개별참가 지원으로 600만원 전액 받을 수 있었나요?", "아니요.",
     "최대 500만원"),
])
def test_a_requested_sum_against_the_ceiling_now(engine: AnswerEngine, question: str,
                                                 lead: str, fact: str) -> None:
    assert_verdict(engine, question, lead, fact)


@pytest.mark.parametrize(("question", "fact"), [
    ("전시회 참가비도 수출바우처로 쓸 수 있어요?", "전시회"),  # "14개 분야가 있으며"
    ("충북 KOTRA 지원단에서 시장조사 대행도 받을 수 있어요?", "시장조사 대행"),
])
def test_an_item_said_with_do_and_listed_is_a_yes(engine: AnswerEngine, question: str,
                                                   fact: str) -> None:
    assert_verdict(engine, question, "네.", fact)


def test_what_to_spend_on_is_not_a_verdict(engine: AnswerEngine) -> None:
    """"어디에 쓸 수 있어?" asks a list, not whether one item may be paid for."""
    text = engine.answer("초창패 사업화 자금 어디에 쓸 수 있어?").answer
    assert not text.startswith(("네.", "아니요.")), text


def test_figures_compare_across_wordings() -> None:
    assert figures("1,500억원 규모의 펀드, 약 300개, 1,233만㎡") == {"1500억", "300", "1233만"}
    assert figures("2022년 3월 5일, 2차 공모, 39세") == set()  # dates, rounds, ages


@pytest.mark.parametrize(("question", "sentence", "only"), [
    ("300개쯤 있다던데 그중에 청주는 몇 개?", "도내에 소재기업이 약 300개 모여 있다.", True),
    ("8조 중에 국비는?", "국비 1조, 지방비 2조, 민자 5조를 합쳐 8조이다.", False),
    ("청주에 몇 개 있어요?", "도내에 소재기업이 약 300개 모여 있다.", False),  # none quoted
])
def test_a_sentence_that_only_says_back_the_quoted_figure(question: str, sentence: str,
                                                          only: bool) -> None:
    assert restates_only(question, sentence) is only


def test_a_part_of_a_quoted_whole_is_missing(engine: AnswerEngine) -> None:
    answer = engine.answer("충북에 이차전지 소재기업이 300개 있다는데 그중 오창엔 몇 개 있어요?")
    assert answer.mode is AnswerMode.DETAIL_MISSING, answer.answer
    confirm = engine.answer("충북에 이차전지 소재기업이 300개 있다는 게 맞아요?")
    assert confirm.mode is not AnswerMode.DETAIL_MISSING, confirm.answer


@pytest.mark.parametrize("question", [
    "청주 오창에 괜찮은 카페 있어?",  # only a town the documents name, and a cafe they never do
    "진천 쪽에 맛집 좀 알려줘",
    "Can you recommend a good pizza place near Ochang?",
    "에코프로 주식 물렸는데 물타기 할까요?",  # traders' slang: share advice
    "배터리주 손절해야 돼요?",
])
def test_off_topic_is_refused(engine: AnswerEngine, question: str) -> None:
    assert engine.answer(question).mode is AnswerMode.REFUSED


@pytest.mark.parametrize(("question", "fact"), [
    # a town with a subject of the documents is answered
    ("오창에 있는 배터리 시험평가센터 언제 문 열었어요?", "2024년 2월 2일"),
    # "며칠까지" asks the closing day
    ("2026년 딥테크 특화형 창업패키지 며칠까지 받았어요?", "1월 27일"),
    # the time a question is set in ("개소 때", "당시") is no detail the sentence must say
    ("충북청년창업사관학교 문 열 당시 첫 모집 인원 몇 명이었어요?", "30명"),
    # "몇 년도 얘기야?": 얘기 is the story told, not a detail
    ("공영홈쇼핑이 창업기업 판로 지원한 거 몇 년도 얘기예요?", "2022년"),
    # "중소기업 혁신바우처": a sentence saying only "혁신바우처 예산은 …" holds the detail
    ("중소기업 혁신바우처 2025년 예산은 얼마예요?", "614억원"),
])
def test_words_that_name_no_detail_do_not_block_the_answer(engine: AnswerEngine, question: str,
                                                           fact: str) -> None:
    assert_answered(engine, question, fact)


@pytest.mark.parametrize(("question", "kind"), [
    ("접수 며칠까지였어요?", "deadline"),
    ("입교식 며칠에 했어요?", "date"),
    ("처리하는 데 며칠 걸려요?", "duration"),
])
def test_myeochil_asks_a_day_or_a_length(question: str, kind: str) -> None:
    from bot.kinds import detect_kinds
    assert detect_kinds(question)[0].value == kind


def test_a_count_of_countries_needs_a_count_of_countries(engine: AnswerEngine) -> None:
    """"몇 개 나라에서?" is not answered by a count of teams; and the year asked is there, so
    the reply says the detail is missing, not the year."""
    answer = engine.answer("2025년 K-스타트업 그랜드챌린지 몇 개 나라에서 지원했어요?")
    assert answer.mode is AnswerMode.DETAIL_MISSING, answer.answer
    assert "2025년 정보가 없습니다" not in answer.answer


@pytest.mark.parametrize(("question", "sentence", "fewer"), [
    ("4개로 돼있다던데 그 4개 이름이 뭐예요?", "특화단지는 4개 산업단지로 이루어진다.", True),
    ("3대 전략이 뭐뭐야?", "3대 전략은 A 조성, B 강화, C 조성이다.", False),  # all three named
    ("5개 분야 뭐뭐예요?", "5개 분야는 AI, 바이오 등이다.", True),  # two of five
    ("분야 뭐뭐예요?", "5개 분야는 AI, 바이오 등이다.", False),  # no count quoted
])
def test_members_of_a_quoted_count(question: str, sentence: str, fewer: bool) -> None:
    assert names_fewer(question, sentence) is fewer


def test_an_item_in_the_stated_items_of_support_is_a_yes(engine: AnswerEngine) -> None:
    """"지원 항목은 A, B, C이다" names what is paid for: C asked with 도 is a yes."""
    assert_verdict(engine, "해외전시회 개별참가 지원으로 장치·집기 비용도 받을 수 있어요?", "네.",
                   "장치·집기")


def test_what_founders_call_a_valuation_is_the_documents_valuation(engine: AnswerEngine) -> None:
    assert_verdict(engine, "투자 받고 밸류가 90억이에요. 2020년 엔젤 매칭펀드 받을 수 있었나요?",
                   "아니요.", "70억원 이하")


@pytest.mark.parametrize(("question", "sentence", "only"), [
    ("괴산군 말고 또 어디 뽑혔어요?", "우수기관으로 충북 괴산군이 선정되었다.", True),
    ("괴산군 말고 또 어디 뽑혔어요?", "우수기관으로 괴산군, 음성군이 선정되었다.", False),
    ("충북말고 또 있음?", "충북은 둘 다 지정받은 유일한 지자체가 되었다.", False),  # none other
    ("괴산군은 언제 뽑혔어요?", "우수기관으로 충북 괴산군이 선정되었다.", False),
])
def test_others_than_the_one_named(question: str, sentence: str, only: bool) -> None:
    assert names_only_the_one_set_aside(question, sentence) is only


def test_members_of_a_quoted_count_whichever_sentence_ranks_first() -> None:
    """Found after the round-8 freeze (heldout11): the sentence stating the count need not rank
    first; if every sentence stating it names fewer, none answers."""
    question = "수출바우처 서비스 분야 14개라던데 14개 전부 이름 좀 알려줘요"
    assert members_unnamed(question, ["2026년 예산은 1,502억원이다.",
                                      "서비스 분야에는 디자인, 홍보, 전시회 등 14개 분야가 있다."])
    assert not members_unnamed(question, ["2026년 예산은 1,502억원이다."])  # no count stated
