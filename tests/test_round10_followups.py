"""Issue 11, tenth round: elliptical follow-ups keep the conversation's subject, year and
question. A region alone ("충북 …") names no programme; a bare name the answer before listed
("벤처투자유형이면?") asks the turn before's question about that name; a follow-up that names no
year prefers the year the turn before asked about among sentences that score alike."""

from __future__ import annotations

from datetime import date

import pytest

from bot.asked_part import asked_part
from bot.claims import asks_a_figure, claim_verdict
from bot.conversation import Turn
from bot.engine import AnswerEngine
from bot.followup import asked_again, turn_year
from bot.models import AnswerMode
from bot.restated import heard_only

TODAY = date(2026, 12, 1)
TYPES = "벤처확인 연구개발유형은 처리 기간 며칠 걸려요?"
TYPES_ANSWER = ("벤처기업 확인 처리 기간은 접수 완료일부터 벤처투자유형 30일, 연구개발유형과 "
                "혁신성장유형 45일이다(2025년 기준). [1]")


@pytest.fixture
def engine(dated_engine: AnswerEngine) -> AnswerEngine:
    return dated_engine


@pytest.mark.parametrize(("question", "again"), [
    ("벤처투자유형이면?", "기간 며칠 걸려요?"),  # named in the answer before: the same question
    ("그럼 혁신성장유형은?", "기간 며칠 걸려요?"),
    ("면적은?", None),  # not named in the answer before: a new question about the subject
    ("한도는?", None),  # names a kind of fact of its own
    ("벤처투자유형은 언제 생겼어?", None),  # more than a bare name
])
def test_a_bare_name_from_the_answer_before_asks_its_question_again(
        question: str, again: str | None) -> None:
    assert asked_again(question, Turn(TYPES, TYPES, TYPES_ANSWER)) == again


@pytest.mark.parametrize(("query", "year"), [
    ("24년 글로벌창업사관학교는 어떤 기업 대상이었어?", 2024),
    ("2021년 충북 배터리 전략 비전이 뭐였어?", 2021),
    ("작년 수출바우처 한도는?", 2025),
    ("충북 청년 소상공인 창업응원금 23~24년에 몇 명 받았어?", None),  # a range names no year
    ("팁스가 뭐야?", None),
])
def test_the_year_the_turn_before_asked_about(query: str, year: int | None) -> None:
    assert turn_year(Turn(query, query, ""), TODAY) == year


def test_a_region_alone_does_not_replace_the_conversations_subject(
        engine: AnswerEngine) -> None:
    """"충북 청년 소상공인 창업응원금" names 충북, but the subject is the 창업응원금: the follow-up
    keeps it and answers with its per-person amount, not another programme's."""
    engine.answer("충북 청년 소상공인 창업응원금 23~24년에 몇 명 받았어?", conversation_id="r10a")
    answer = engine.answer("한 사람당 얼마였어?", conversation_id="r10a")
    assert "창업응원금" in answer.query
    assert "30만원" in answer.answer


def test_a_region_alone_makes_no_subject_of_its_own(engine: AnswerEngine) -> None:
    engine.answer("21년에 소부장 특화단지 충북 말고 또 어디 지정됐어?", conversation_id="r10b")
    engine.answer("충북 쪽 핵심 입주기업은?", conversation_id="r10b")
    answer = engine.answer("지정되면 뭐 지원받아?", conversation_id="r10b")
    assert "특화단지" in answer.query
    assert "소부장특별법" in answer.answer


def test_a_bare_name_gets_the_turn_befores_question(engine: AnswerEngine) -> None:
    engine.answer(TYPES, conversation_id="r10c")
    answer = engine.answer("벤처투자유형이면?", conversation_id="r10c")
    assert "며칠" in answer.query
    assert "30일" in answer.answer.split("\n")[0]


def test_a_follow_up_leans_towards_the_year_asked_before(engine: AnswerEngine) -> None:
    """The 2024 intake (60 companies), not the 2025 one (60 people), answers "몇 개 뽑았어?"
    after a question about 2024; the follow-up is not held to 2024 either (no year is asked)."""
    engine.answer("24년 글로벌창업사관학교는 어떤 기업 대상이었어?", conversation_id="r10d")
    answer = engine.answer("몇 개 뽑았어?", conversation_id="r10d")
    first = answer.answer.split("\n")[0]
    assert "2024년" in first and "60개" in first
    assert "24년" not in answer.query


def test_a_figure_asked_after_the_founders_numbers_gets_no_yes_or_no(
        engine: AnswerEngine) -> None:
    """"2억 투자받으면 지분은 몇 %?" asks a share; the rule on the founder's 2억 (the operator's
    minimum investment) holds none, so the share is missing, not "네."."""
    answer = engine.answer("팁스 운영사한테 2억 투자받으면 지분은 보통 몇 % 넘겨줘야 돼요?")
    assert not answer.answer.startswith(("네", "아니요"))
    assert answer.mode == AnswerMode.DETAIL_MISSING


def test_the_figure_of_the_founders_band_is_answered_without_a_verdict(
        engine: AnswerEngine) -> None:
    answer = engine.answer("매출 3억 안 되는 제조 소기업이면 혁신바우처 정부 보조율이 몇 %야?")
    assert "90%" in answer.answer.split("\n")[0]
    assert not answer.answer.startswith(("네", "아니요"))


@pytest.mark.parametrize(("question", "asked"), [
    ("팁스 운영사한테 2억 투자받으면 지분은 보통 몇 % 넘겨줘야 돼요?", True),
    ("45살인데 청창사 지원금 얼마까지 받아요?", True),
    ("45살인데 청창사 신청 돼요?", False),
    ("We got 200 million won. How much equity do we give?", True),
    ("We got 200 million won. Can we apply?", False),
])
def test_whether_the_asked_clause_wants_a_figure(question: str, asked: bool) -> None:
    language = "en" if question.isascii() else "ko"
    assert asks_a_figure(question, language) is asked


ACCELERATING = ("글로벌 액셀러레이팅 지원사업은 2023년부터 여러 부처가 협업해 운영하는 사업으로, "
                "창업기업이 해외 액셀러레이터의 프로그램에 10주 이상 참여하도록 지원한다.")
MEMBERS = ("개인투자조합의 조합원은 49인 이하이며, 1인 이상의 업무집행조합원(GP)과 "
           "유한책임조합원으로 구성된다.")


@pytest.mark.parametrize(("question", "sentence", "verdict"), [
    ("해외 액셀러레이터 12주짜리 프로그램 들어가는데 기준에 맞아요?", ACCELERATING, "yes"),
    ("6주짜리 프로그램 들어가는 걸로 받을 수 있어요?", ACCELERATING, "no"),
    ("GP 포함해서 딱 49명으로 개인투자조합 만들려는데 인원 괜찮죠?", MEMBERS, "yes"),
    ("조합원 50명으로 만들어도 돼요?", MEMBERS, "no"),
    ("We want to set up an association with 30 members. Is that allowed?", MEMBERS, "yes"),
    ("12주짜리 프로그램인데 몇 주까지 지원돼요?", ACCELERATING, None),  # not a yes/no question
    ("12주짜리 프로그램인데 돼요?", MEMBERS, None),  # no bound in weeks
])
def test_a_length_or_head_count_against_the_rules_bound(question: str, sentence: str,
                                                         verdict: str | None) -> None:
    language = "en" if question.isascii() else "ko"
    assert claim_verdict(question, sentence, language) == verdict


def test_a_business_started_as_a_sole_trader_counts_its_years(engine: AnswerEngine) -> None:
    """"2019년 9월에 개인사업자로 시작했는데" is 7.25 years on 2026-12-01: past the 7 years."""
    answer = engine.answer("2019년 9월에 개인사업자로 시작했는데 지금도 법적으로 창업기업이에요?")
    assert answer.answer.startswith("아니요")
    assert "7년" in answer.answer.split("\n")[0]


def test_the_sentence_that_settles_the_claim_comes_first(engine: AnswerEngine) -> None:
    """The best sentence is the association's legal basis; the second states 49인 이하, which
    settles "30 members": it leads, with the verdict."""
    answer = engine.answer(
        "We want to set up an individual investment association with 30 members. Is that "
        "allowed?")
    assert answer.answer.startswith("Yes")
    assert "49인" in answer.answer.split("\n")[0]


@pytest.mark.parametrize(("question", "part"), [
    ("시행계획 2,328억 중에 지역 혁신창업 허브 구축 쪽에 들어가는 예산은 얼마예요?",
     ["지역", "혁신창업", "허브", "구축"]),
    ("그중에 충북 기업한테 배정된 돈은 얼마예요?", ["충북"]),
    ("8조 중에 국비는?", ["국비"]),
])
def test_a_part_named_before_what_of_it_is_asked(question: str, part: list[str]) -> None:
    assert asked_part(question) == part


VOUCHER = ("수출바우처의 서비스 분야에는 디자인, 홍보, 바이어 발굴, 해외인증, 국제운송, 전시회 등 "
           "14개 분야가 있으며, 2025년에는 약 8,000개의 서비스가 등록되어 있었다.")
FUND_OF_FUNDS = ("모태펀드는 벤처·창업기업에 투자할 재원을 공급하기 위해 2005년에 도입된 "
                 "'펀드 오브 펀드(fund of funds)'이며, 한국벤처투자가 운용한다.")


@pytest.mark.parametrize(("question", "sentence", "terms", "verdict"), [
    ("Can we use the export voucher to pay for finding overseas buyers?", VOUCHER,
     ["수출바우처", "해외", "바이어"], "yes"),
    # a word inside another item ("창업" in "창업비자") and a word the list does not name
    ("Is there an application fee for the voucher?", VOUCHER, ["수수료", "창업"], None),
    # "벤처·창업기업" joins two words: no list, so no verdict
    ("Can our startup apply directly to the fund of funds?", FUND_OF_FUNDS, ["창업기업"], None),
])
def test_an_english_case_against_a_list_in_korean(question: str, sentence: str,
                                                  terms: list[str], verdict: str | None) -> None:
    assert claim_verdict(question, sentence, "en", terms=terms) == verdict


def test_a_count_asked_after_a_told_figure_gets_no_yes(engine: AnswerEngine) -> None:
    answer = engine.answer("청년 창업응원금 23~24년에 2,500명 받았다는데 23년 한 해만 보면 "
                           "몇 명이에요?")
    assert not answer.answer.startswith(("네", "아니요"))


ACADEMY_SCHOOLS = ("2024년 청년창업사관학교 18개 교는 중진공이 직접 운영하는 5곳, 민간에 위탁한 "
                   "특성화 8곳, 액셀러레이터가 책임지는 '민간주도형' 5곳으로 구성되었다.")
RENAMED = ("중소기업유통센터는 2024년 11월 1일부터 기관 이름을 '한국중소벤처기업유통원'으로 "
           "바꾸었다.")


@pytest.mark.parametrize(("question", "sentence", "only"), [
    # the sentence says what the founder heard, and nothing of the operator asked
    ("24년 충북청창사 민간주도형으로 바뀌었다던데 운영사가 어디예요?", ACADEMY_SCHOOLS, True),
    ("청년 창업응원금 2,500명 받았다는데 23년 한 해만 보면 몇 명이에요?",
     "청년 소상공인 창업응원금은 2023년부터 2024년까지 2,500명을 지원했다.", True),
    # what is asked has no words of its own beyond the question word: the sentence answers
    ("중기유통센터 이름 바꼇다던데 언제부터임?", RENAMED, False),
    ("중소기업유통센터가 이름 바뀌었다던데 지금 이름이 뭐야?", RENAMED, False),
    ("26년 창업패키지 3가지 유형으로 쪼개졌다던데 머머임?",
     "2026년부터 정부 창업패키지는 딥테크 특화형, 일반형, 투자연계형의 3가지 유형으로 "
     "세분화되었다.", False),
    ("운영사가 어디예요?", ACADEMY_SCHOOLS, False),  # nothing heard
])
def test_a_sentence_that_only_says_what_the_founder_heard(question: str, sentence: str,
                                                          only: bool) -> None:
    assert heard_only(question, sentence) is only


def test_what_was_heard_is_not_the_answer(engine: AnswerEngine) -> None:
    answer = engine.answer("24년 충북청창사 민간주도형으로 바뀌었다던데 운영사가 어디예요?")
    assert answer.mode == AnswerMode.DETAIL_MISSING
