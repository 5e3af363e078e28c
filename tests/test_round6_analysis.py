"""Issue 11, sixth round: a part of a whole asked ("8조 중에 국비는?", "대상 말고 최우수상은?",
"충남 쪽은?", "나머지는?") or a place asked about ("진천은 …") is answered only by a sentence
that gives that part or names that place; otherwise the detail is missing. And a name the
question already writes whole is not "mended" into a doubled one."""

from __future__ import annotations

from datetime import date

import pytest

from bot.asked_part import asked_part, asked_places, holds_part, holds_places
from bot.engine import AnswerEngine
from bot.kinds import FactKind
from bot.models import AnswerMode
from tests.helpers import assert_answered, assert_verdict

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(("question", "part"), [
    ("충북 이차전지 육성전략 8조 7,417억 중에 국비는 얼마예요?", ["국비"]),
    ("24년 초창패 590개사 중에 충북 기업은 몇 개나 뽑혔어요?", ["충북"]),
    ("도전 K-스타트업 대상 말고 최우수상은 상금 얼마예요?", ["최우수상"]),
    ("지방시대 벤처펀드 충남 쪽은 펀드 규모가 얼마예요?", ["충남"]),
    ("6개 기관 중에 중진공 소진공 말고 나머지는 어디예요?", ["나머지"]),
    ("그중 국비는?", ["국비"]),
])
def test_the_part_a_question_singles_out(question: str, part: list[str]) -> None:
    assert asked_part(question) == part


@pytest.mark.parametrize("question", [
    "창업패키지 중에 어느 게 제일 많이 줘?",  # which of them: no part named
    "중앙부처 중에 비중은?",  # the kind of value asked
    "집중 지원 분야는?",  # 중 inside a word
    "예창패 중 제일 큰 금액은?",
    "초창패 얼마 줘요?",
])
def test_questions_about_the_whole_name_no_part(question: str) -> None:
    assert asked_part(question) is None


def test_a_part_with_a_figure_needs_the_figure_next_to_it() -> None:
    whole = ("충북도는 2030년까지 이차전지산업에 국비·지방비·민자를 합쳐 총 8조 7,417억 원을 "
             "투자할 계획이다.")
    split = "충북도 출자 펀드 1,241억원의 재원은 국비 545억원, 도비 130억원, 시군비 8억원이다."
    assert not holds_part(whole, ["국비"], FactKind.AMOUNT)
    assert holds_part(split, ["국비"], FactKind.AMOUNT)
    assert holds_part(whole, ["국비"], FactKind.DEFINITION)  # named is enough for no figure


def test_the_rest_of_a_list_is_not_in_an_open_list() -> None:
    open_list = "콜센터는 중진공, 소진공, 창업진흥원 등 6개 기관의 콜센터를 합쳐 만들었다."
    closed = "참여 기관은 충북도, 충북TP, 충북창경, 신용보증기금이다."
    assert not holds_part(open_list, ["나머지"], FactKind.ORGANISATION)
    assert holds_part(closed, ["나머지"], FactKind.ORGANISATION)


def test_places_asked_about_and_the_founders_own() -> None:
    assert asked_places("진천은 충북 시군 특화산업이 뭐예요?", ["진천", "충북", "특화"]) == ["진천"]
    assert asked_places("청주에 있는 회사인데 예창패 돼요?", ["청주", "예비창업패키지"]) == []
    assert holds_places("청주 오창과학산업단지에 있다", ["청주"])
    assert holds_places("오창과학산업단지에 있다", ["청주"])  # 오창 is in 청주
    assert not holds_places("청주 ICT융합, 충주 미래모빌리티, 제천 천연물", ["진천"])


@pytest.fixture
def engine(dated_engine: AnswerEngine) -> AnswerEngine:
    return dated_engine


@pytest.mark.parametrize("question", [
    "충북 이차전지 육성전략 8조 7,417억 중에 국비는 얼마예요?",  # only the sum is written
    "도전 K-스타트업 대상 말고 최우수상은 상금 얼마예요?",  # only the top prize is written
    "진천은 충북 시군 특화산업이 뭐예요?",  # the list names other towns
])
def test_an_unwritten_part_is_a_missing_detail(engine: AnswerEngine, question: str) -> None:
    answer = engine.answer(question)
    assert answer.mode is AnswerMode.DETAIL_MISSING, answer.answer
    assert answer.answer.startswith("자료에는")


@pytest.mark.parametrize(("question", "fact"), [
    ("충북도 출자 펀드 1,241억 중에 국비는 얼마예요?", "545억원"),  # the part is written
    ("도전 K-스타트업 대상은 상금 얼마예요?", "3억원"),  # the whole asked
    ("충북 시군별 특화산업 뭐예요?", "ICT융합"),
])
def test_a_written_part_or_the_whole_is_answered(engine: AnswerEngine, question: str,
                                                 fact: str) -> None:
    assert_answered(engine, question, fact)


def test_a_name_written_whole_is_not_doubled(engine: AnswerEngine) -> None:
    """Kiwi reads "스케일업" as 스케일 + 업; mending 스케일 towards 스케일업 made "스케일업 업"."""
    answer = engine.answer("스케일업 팁스 R&D 지원 얼마까지 돼요?")
    assert "스케일업 업" not in answer.query
    assert "30억원" in answer.answer


def test_the_founders_told_case_and_a_rule_that_lists_it() -> None:
    from bot.membership import membership, told_case

    assert told_case("25년에 크라우드펀딩으로 투자했는데 이것도 소득공제 받을 수 있어요?") \
        .startswith("25년에 크라우드펀딩으로 투자했는데")
    assert told_case("AC 투자도 벤처투자로 인정돼요?") == "AC 투자"
    assert told_case("올해 엔젤투자하면 소득공제 받을 수 있나요?") == ""  # nothing told
    rule = ("엔젤투자 소득공제는 개인이 벤처기업에 직접 투자하는 경우, 개인투자조합에 출자하는 "
            "경우, 크라우드펀딩으로 투자하는 경우에 적용된다(2025년 기준).")
    assert membership(rule, ["크라우드펀딩"]) == "yes"
    assert membership(rule, ["기후테크"]) is None  # not named: no verdict
    assert membership("상장법인과 대기업 계열사는 지원 대상에서 제외한다.", ["대기업"]) == "no"


@pytest.mark.parametrize(("question", "lead", "fact"), [
    ("25년에 크라우드펀딩으로 스타트업에 투자했는데 이것도 엔젤투자 소득공제 받을 수 있어요?",
     "네.", "크라우드펀딩으로 투자하는 경우"),
    ("기후테크 스타트업인데 26년 팁스 ESG 우선배정 대상에 들어가요?", "네.", "10%"),
    ("23년 재도전성공패키지에서 1억 2천 받는 거 가능했어요?", "네.", "최대 1.5억원"),
])
def test_verdicts_from_the_rule_of_the_asked_case_and_year(engine: AnswerEngine, question: str,
                                                           lead: str, fact: str) -> None:
    assert_verdict(engine, question, lead, fact)


def test_a_question_without_a_told_case_gets_no_listed_verdict(engine: AnswerEngine) -> None:
    answer = engine.answer("스타트업에 엔젤투자하면 소득공제 얼마나 받을 수 있어?")
    assert not answer.answer.startswith("네."), answer.answer


def test_then_in_a_follow_up_is_the_time_of_the_turn_before(engine: AnswerEngine) -> None:
    """"그땐 얼마까지 줬어?" after the first year's count asks the first year's amount."""
    first = engine.answer("재도전성공패키지 언제 처음 생겼어?", conversation_id="then")
    assert "2015년" in first.answer.split("\n")[0]
    second = engine.answer("첫해엔 몇 명 뽑았어?", conversation_id="then")
    assert "60명" in second.answer
    third = engine.answer("그땐 얼마까지 줬어?", conversation_id="then")
    assert "2015년" in third.query and "최대 7,000만원" in third.answer


def test_chat_spelling_inside_a_word_kiwi_splits_is_mended(engine: AnswerEngine) -> None:
    answer = engine.answer("1357 콜쎈터 몇개 기관 합친거임")
    assert "콜센터" in answer.query and "6개 기관" in answer.answer


def test_an_extension_is_a_duration_and_a_ministry_names_the_department() -> None:
    from bot.facts import holds

    assert holds(FactKind.DURATION, "2020년 말에 끝날 예정이었으나 2년 연장되었다.")
    from bot.held_terms import MEMBER_OF

    assert MEMBER_OF["부처"].search("과학기술정보통신부의 '선도연구개발지원단'에 선정")
    assert not MEMBER_OF["부처"].search("충북TP 본부는 세 곳이다")


@pytest.mark.parametrize("question", [
    "충북 미래 모빌리티 펀드 500억 운용사는 어디로 정해졌어요?",  # only another fund's GP is named
    "오송 바이오 소부장 특화단지는 면적이 얼마나 돼요?",  # only the 오창 battery site's area
])
def test_the_asked_noun_must_be_said_of_the_subject_itself(engine: AnswerEngine,
                                                           question: str) -> None:
    answer = engine.answer(question)
    assert answer.mode is AnswerMode.DETAIL_MISSING, answer.answer


def test_the_same_noun_said_of_the_subject_is_answered(engine: AnswerEngine) -> None:
    answer = engine.answer("충북 이차전지 소부장 특화단지는 면적이 얼마나 돼요?")
    assert answer.mode is AnswerMode.EXTRACTIVE and "1,233만㎡" in answer.answer


def test_the_missing_detail_does_not_repeat_the_subject(engine: AnswerEngine) -> None:
    answer = engine.answer("도전 K-스타트업 대상 말고 최우수상은 상금 얼마예요?")
    first = answer.answer.split("\n")[0]
    assert first.count("최우수상") == 1, first


@pytest.mark.parametrize(("question", "whole_list"), [
    ("충북 중소기업 지원협의회 참여하는 15개 기관 전체 명단 알려주세요", True),
    ("예선리그가 11개였다던데 리그 이름 전부 알려줄 수 있어요?", True),
    ("5곳이 어디어디였어요?", True),
    ("예창패 다 알려줘", False),  # everything about it, not a list
    ("3천 전부 공제받을 수 있어요?", False),  # all of a sum
    ("유효기간 끝나기 몇 달 전부터 신청할 수 있어요?", False),  # 전부터 is no 전부
])
def test_a_whole_list_is_asked_only_of_a_set(question: str, whole_list: bool) -> None:
    from bot.asked_part import ALL_MEMBERS

    assert (asked_part(question) == [ALL_MEMBERS]) is whole_list
