"""Issue 11, round 14: details the documents never name, asked after a subject they do name;
units, cohorts and start days; counts written "about N"; a programme's own rule deciding for one
of its types. Each question is worded afresh (not an eval item), over the shipped corpus."""

from __future__ import annotations

from datetime import date

import pytest

from bot.asked_part import asked_marks
from bot.engine import AnswerEngine
from bot.facts import PATTERNS, binds
from bot.founder import founder_from_question
from bot.kinds import FactKind, detect_kinds
from bot.models import AnswerMode
from bot.timeframe import asked_year


@pytest.mark.parametrize(("question", "absent"), [
    ("벤처지식산업지원자금 운전자금 빌릴 때 담보 잡혀야 하나요?", "담보"),
    # a rate asked: missing, labelled by the kind (비율), not by the word
    ("충북 노마드 혁신 펀드 수익률 어때요?", "비율"),
])
def test_an_unknown_detail_after_a_known_subject_is_missing(dated_engine: AnswerEngine,
                                                            question: str,
                                                            absent: str) -> None:
    answer = dated_engine.answer(question)
    assert answer.mode is AnswerMode.DETAIL_MISSING
    first = answer.answer.splitlines()[0]
    assert first.startswith("자료에는") and absent in first


def test_an_unknown_word_naming_the_subject_itself_still_refuses(
        dated_engine: AnswerEngine) -> None:
    # the unknown word comes first: it is the subject, which the documents do not hold
    answer = dated_engine.answer("카카오벤처스 창업지원 프로그램 신청 어떻게 해요?")
    assert answer.mode in (AnswerMode.REFUSED, AnswerMode.DETAIL_MISSING)
    assert "카카오" not in answer.answer.split("참고")[0] or answer.answer.startswith("자료에는")


def test_a_month_asked_is_not_given_by_another_fact_of_the_subject(
        dated_engine: AnswerEngine) -> None:
    # the institute was renamed in 2021년 6월; that month says nothing of when its calls open
    answer = dated_engine.answer(
        "충북과학기술혁신원 시군 혁신네트워크 공고는 대략 몇 월쯤 올라와요?")
    assert answer.mode is AnswerMode.DETAIL_MISSING


def test_cohorts_are_rounds_and_a_short_year_before_one_is_a_year() -> None:
    assert asked_marks("글로벌창업사관학교 3기는 몇 명이었어요?")[0] == {"3기"}
    assert asked_marks("민선8기 공약이 뭐였어요?")[0] == set()
    assert asked_year("21년 2기 모집은 몇 명?", date(2026, 12, 1))[0] == 2021


def test_another_cohorts_figure_does_not_answer(dated_engine: AnswerEngine) -> None:
    answer = dated_engine.answer("글로벌창업사관학교 2기 입교생은 몇 명이었어요?")
    assert answer.mode is AnswerMode.DETAIL_MISSING


@pytest.mark.parametrize(("question", "kind"), [
    ("배터리아카데미 지역거점 캠퍼스는 어디에 세운대요?", FactKind.PLACE),
    ("K-Startup 누리집은 몇 년도에 생긴 사이트예요?", FactKind.DATE),
    ("청년창업사관학교 몇년생까지 지원돼요?", FactKind.AGE),
])
def test_the_kind_asked(question: str, kind: FactKind) -> None:
    assert detect_kinds(question)[0] is kind


def test_a_kind_asked_keeps_the_address_when_it_is_asked() -> None:
    assert FactKind.URL in detect_kinds("K-Startup 사이트 주소가 언제 바뀌었어요?")


@pytest.mark.parametrize("text", ["기업 수는 120~130여개로 집계된다", "5,400여 개 기업에 투자",
                                  "전문 엔젤투자자 100여 명"])
def test_counts_written_about_n_are_counts(text: str) -> None:
    assert PATTERNS[FactKind.COUNT].search(text)


def test_a_loan_term_is_a_duration() -> None:
    assert PATTERNS[FactKind.DURATION].search("1년 거치 4년 분할상환 조건이다")


def test_a_bracket_restating_a_number_stays_with_its_clause() -> None:
    sentence = "졸업생 1,978명 가운데 충북 출신은 40명(2.02%)뿐이었다."
    assert binds(FactKind.PERCENT, sentence, ["졸업"])


def test_the_founders_member_count_told_with_the_fund_formed() -> None:
    founder = founder_from_question("30명으로 개인투자조합 꾸리려는데 괜찮아요?", 2026, 12)
    assert founder.members == 30
    assert founder_from_question("직원 12명인데 신청돼요?", 2026, 12).members == 12


@pytest.mark.parametrize(("question", "fact"), [
    ("딥테크 특화형 창업패키지 올해 접수 첫날은 며칠이었어요?", "1월 6일"),
    ("청창사 24년엔 전국에 몇 개교 있었어요?", "18개 교"),
    ("작년 벤처지식산업지원자금 시설자금은 거치 몇 년이에요?", "2년 거치"),
])
def test_details_once_missed_are_answered(dated_engine: AnswerEngine, question: str,
                                          fact: str) -> None:
    answer = dated_engine.answer(question)
    assert answer.mode is AnswerMode.EXTRACTIVE and fact in answer.answer


@pytest.mark.parametrize(("question", "lead"), [
    ("2024년 3월에 개업했는데 26년 초창패 일반형 업력 기준 들어가요?", "네."),
    ("2026년 2월 2일에 법인 냈는데 26년 초창패 일반형 업력 기준 돼요?", "아니요."),
])
def test_the_programmes_rule_of_the_asked_year_decides_for_its_type(
        dated_engine: AnswerEngine, question: str, lead: str) -> None:
    answer = dated_engine.answer(question)
    assert answer.answer.startswith(lead)
    assert "2023년 1월 23일부터 2026년 1월 22일" in answer.answer


def test_a_type_rule_worded_otherwise_is_never_the_wrong_verdict(
        dated_engine: AnswerEngine) -> None:
    # the judge may still find this wording unanswered; it must not give the 3-year rule's
    # verdict for a founding date outside the 2026 window
    answer = dated_engine.answer(
        "2026년 1월 25일에 개업했어요. 26년 초창패 일반형 업력 요건 맞아요?")
    assert not answer.answer.startswith("네.")


def test_a_shortened_name_is_no_unknown_detail(dated_engine: AnswerEngine) -> None:
    # after the reading: "벤촉법" shortens 벤처투자촉진법; it is the subject's, not a detail
    answer = dated_engine.answer("개인투자조합 근거가 벤촉법 맞아요?")
    assert answer.mode is AnswerMode.EXTRACTIVE and "벤처투자촉진법" in answer.answer


def test_abbreviation_reader() -> None:
    from bot.held_terms import _abbreviates
    assert _abbreviates("벤촉법", "벤처투자촉진법에 근거한")
    assert not _abbreviates("벤촉법", "벤처기업 확인")
    assert not _abbreviates("담보", "담보와 보증")  # two syllables: never an abbreviation
