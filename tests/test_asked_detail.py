"""The general rules behind "is the asked detail there?" and eligibility rule reading (issue 11,
second round): value patterns per kind of fact, a value bound to the asked detail in its own
clause, details left vague, kinds of question, and rules read from the documents' sentences.
Pure functions: no Kiwi, no index."""

from __future__ import annotations

from datetime import date

import pytest

from bot.eligibility import in_scope, judge, rule_words
from bot.facts import STREET_ADDRESS, UNKNOWN, binds, clauses, holds, leaves_vague
from bot.founder import Founder, founder_from_question
from bot.query import FactKind, detect_kinds
from bot.timeframe import asked_year

FUND = ("'충북 창업 노마드 혁신 펀드'는 충북 창업펀드 1호로, 2023년 5월 공고를 거쳐 2023년 11월에 "
        "결성되었으며 충북도가 40억원을 출자했다.")


def test_clauses_split_at_verb_endings_not_inside_a_list_of_values() -> None:
    assert clauses(FUND)[-1] == "충북도가 40억원을 출자했다."
    listed = "전략은 3대 전략, 9대 핵심과제, 45개 세부사업으로 구성되어 있다."
    assert clauses(listed) == [listed]


def test_a_value_answers_only_the_detail_named_in_its_own_clause() -> None:
    assert binds(FactKind.AMOUNT, FUND, ["출자"])  # "출자액 얼마?"
    assert not binds(FactKind.AMOUNT, FUND, ["결성"])  # "결성 금액 얼마?": 40억원 is the 출자
    assert binds(FactKind.AMOUNT, FUND, [])  # no detail word: any sum of money will do
    assert not binds(FactKind.AMOUNT, "펀드는 2023년에 결성되었다.", [])  # no sum at all


def test_a_section_heading_naming_the_detail_binds_it() -> None:
    sentence = "센터는 2024년 2월 2일 오창읍에 문을 열었다."
    assert not binds(FactKind.DATE, sentence, ["개소"])
    assert binds(FactKind.DATE, sentence, ["개소"], section="지원센터 (2024년 개소)")


def test_a_detail_left_vague_is_not_given() -> None:
    sentence = ("등록하려면 최근 3년간 1억원 이상의 투자 실적과 함께 일정한 경력 요건을 "
                "갖추어야 한다.")
    assert leaves_vague(sentence, ["경력"]) and leaves_vague(sentence, ["요건"])
    assert not leaves_vague(sentence, ["투자"])
    assert not binds(FactKind.DURATION, sentence, ["요건"])


@pytest.mark.parametrize(("kind", "sentence", "expected"), [
    (FactKind.ORGANISATION, "충북에서는 충북창조경제혁신센터가 주관기관으로 선정되었다.", True),
    (FactKind.ORGANISATION, "모태펀드는 한국벤처투자가 운용한다.", True),
    (FactKind.ORGANISATION, "일반과제는 6개 권역의 주관기관을 통해 최대 1억원을 지원했다.", False),
    (FactKind.STATUS, "현재도 운영되는지는 확인되지 않았다.", True),
    (FactKind.STATUS, "바이오 분야 청년 30명에게 월 100만원을 지원했다.", False),
    (FactKind.RESULT, "충북도는 오송을 거점으로 하는 공모를 추진한다고 밝혔다.", False),
    (FactKind.RESULT, "충북은 2021년 특화단지로 지정되었다.", True),
    (FactKind.PLACE, "대체로 1~2월에 공고와 접수, 3~4월에 평가를 한다.", False),
    (FactKind.PLACE, "이차전지 소재부품 시험평가센터를 확보했다.", False),
    (FactKind.PLACE, "본원은 청주 오송의 첨단산업단지에 있다.", True),
    (FactKind.COUNT, "전략은 3대 전략, 9대 핵심과제로 짜였다.", True),
    (FactKind.PHONE, "문의는 043-123-4567로 한다.", True),
    (FactKind.EMAIL, "문의는 help@example.kr 로 보낸다.", True),
])
def test_value_patterns(kind: FactKind, sentence: str, expected: bool) -> None:
    assert holds(kind, sentence) is expected


def test_street_addresses_are_roads_with_numbers_not_adverbs() -> None:
    assert STREET_ADDRESS.search("충북 청주시 흥덕구 오송생명1로 194")
    assert not STREET_ADDRESS.search("대체로 1~2월에 공고한다")


def test_the_documents_saying_they_lack_it() -> None:
    assert UNKNOWN.search("세부사업의 개별 명칭과 사업별 예산은 이 문서에 포함되어 있지 않다.")
    assert UNKNOWN.search("시행 연도는 분명하지 않으며")
    assert not UNKNOWN.search("연령 제한이 없다.")


@pytest.mark.parametrize(("question", "kind"), [
    ("요즘도 모집해요? 바이오 쪽 준비중인데", FactKind.STATUS),
    ("is it still running?", FactKind.STATUS),
    ("6개 권역 주관기관이 어디어디예요?", FactKind.ORGANISATION),
    ("누가 운영해?", FactKind.ORGANISATION),
    ("매칭펀드 운용사 이름 알려줘", FactKind.ORGANISATION),
    ("입교할 때 수수료 얼마 내요?", FactKind.AMOUNT),
    ("What is the R&D limit?", FactKind.AMOUNT),
    ("경력요건이 몇 년 이상이야?", FactKind.DURATION),
    ("교장 이름이 뭐야?", FactKind.PERSON),
    ("공모 최종 결과 어떻게 됐어?", FactKind.RESULT),
])
def test_kind_of_fact_asked(question: str, kind: FactKind) -> None:
    assert detect_kinds(question)[0] is kind


def test_words_that_only_look_like_a_kind() -> None:
    assert FactKind.PERCENT not in detect_kinds("바이오 쪽 준비중인데 모집해요?")  # 준비중 ≠ 비중
    assert FactKind.PHONE not in detect_kinds("로그인 비밀번호 잊어버렸는데 어떻게 찾아?")
    assert FactKind.ORGANISATION not in detect_kinds("충북과학기술혁신원은 어떤 곳이야?")


def test_an_english_year() -> None:
    assert asked_year("What will the TIPS limit be in 2027?", date(2026, 12, 1)) == (2027, None)


# --- eligibility rules read from sentences -------------------------------------------------------
@pytest.mark.parametrize(("question", "sentence", "verdict"), [
    ("저 45살인데 돼요?", "대상은 만 19세 이상 39세 이하 청년이다.", "no"),
    ("저 17살인데 돼요?", "대상은 만 19세 이상 39세 이하 청년이다.", "no"),
    ("저 30살인데 돼요?", "대상은 만 19세 이상 39세 이하 청년이다.", "yes"),
    ("저 40살인데 돼요?", "대표자 나이 39세까지 신청할 수 있다.", "no"),
    ("창업 5년차인데 돼요?", "업력 3~7년 기업이 대상이다.", "yes"),
    ("창업 2년차인데 돼요?", "업력 3~7년 기업이 대상이다.", "no"),
    ("창업 4년차인데 돼요?", "업력이 3년 이내인 기업만 신청할 수 있다.", "no"),
    ("창업 6년차인데 돼요?", "창업 7년 이내 기업 60개를 선발했다.", "yes"),
    ("투자 1억 5천 받았는데 돼요?", "최소 투자 요건은 1억원에서 2억원으로 높아졌다.", "no"),
    ("투자 2억 5천 받았는데 돼요?", "최소 투자 요건은 1억원에서 2억원으로 높아졌다.", "yes"),
])
def test_rules_in_more_forms(question: str, sentence: str, verdict: str) -> None:
    ruling = judge(sentence, founder_from_question(question, 2026))
    assert ruling is not None and ruling.verdict == verdict


def test_a_rule_for_some_founders_only() -> None:
    exception = "비수도권 기업은 운영사 투자 요건이 2억원으로 오르지 않고 1억원으로 유지된다."
    local = founder_from_question("청주 회사인데 투자 1억 5천 받으면 돼요?", 2026)
    seoul = founder_from_question("서울 회사인데 투자 1억 5천 받으면 돼요?", 2026)
    assert in_scope(exception, local) is True and in_scope(exception, seoul) is False
    ruling = judge(exception, local)
    assert ruling is not None and ruling.verdict == "yes"  # the last sum is the minimum now
    assert judge(exception, seoul) is None  # not a rule for a Seoul company
    assert in_scope("대상은 창업 3년 이내 기업이다.", local) is None


@pytest.mark.parametrize(("question", "field", "value"), [
    ("저 서른다섯 살인데 돼요?", "age", 35),
    ("마흔둘인데 되나요", "age", 42),
    ("스물아홉 대학생인데 가능해?", "age", 29),
    ("I have no business registration yet", "registered", False),
    ("I am a 45-year-old founder", "age", 45),
    ("2021년에 창업했는데 대상이에요?", "years", 5.0),
    ("창업하고 4년 지났는데 되나", "years", 4.0),
    ("We have been in business for 6 years", "years", 6.0),
    ("나이 38인데 청창사 돼요?", "age", 38),
    ("87년생인데 청창사 되나요", "birth_year", 1987),
    ("창업 2년 6개월 됐는데 초창패 돼요?", "years", 2.5),
    ("사업 시작한지 1년 반 됐어요", "years", 1.5),
    ("개업일이 2023년 5월인데 대상?", "founded", (2023, 5)),
    ("I started my company in 2022, can I apply?", "years", 4.0),
    ("I am 41 years old, can I apply?", "years", None),  # an age, not years in business
    ("I am 41 years old, can I apply?", "age", 41),
    ("Our startup is 8 years old", "years", 8.0),
])
def test_the_founders_numbers_in_more_forms(question: str, field: str, value: object) -> None:
    assert getattr(founder_from_question(question, 2026), field) == value


def test_a_programme_name_with_a_year_is_not_a_founding_year() -> None:
    assert founder_from_question("2024년 창업도약패키지 참여 대기업은?", 2026).empty


def test_rule_search_words_follow_what_the_founder_told() -> None:
    assert "연령" in rule_words(Founder(age=45))
    assert "업력" in rule_words(Founder(years=4.0))
    assert rule_words(Founder()) == []
