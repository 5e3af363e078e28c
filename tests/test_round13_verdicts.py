"""Issue 11, round 13: verdicts on rules that read two of the founder's figures together (a
table of rates by sum, a part of a whole, a multiple of an investment, an investment against the
capital), founding dates told in everyday words and counted up to a past call, and closed lists
("5대 분야는 …") read with knowledge/fields.tsv."""

from __future__ import annotations

import pytest

from bot.eligibility import judge, rate_bands
from bot.engine import AnswerEngine
from bot.founder import as_of, founder_from_question, won
from bot.membership import closed_list, closed_list_verdict, field_words

BANDS = ("3년 평균 매출액이 3억원 이하인 기업은 혁신바우처 비용의 90%를, 3억~10억원인 기업은 "
         "80%를, 10억~50억원인 기업은 70%를, 50억~120억원인 기업은 50%를 정부가 보조한다.")
PARTS = ("2025년 기준 엔젤투자 소득공제율은 투자금 가운데 3,000만원 이하 부분은 100%, 3,000만원 "
         "초과 5,000만원 이하 부분은 70%, 5,000만원 초과 부분은 30%이다.")
PURCHASE = "공공기관은 2021년부터 창업기업 제품을 총구매액의 8% 이상 사들여야 한다."
MATCHING = ("2020년 기준 엔젤투자 매칭펀드의 매칭 비율은 엔젤투자금의 1~2.5배이며, 투자 후 "
            "기업가치(post-money)가 70억원 이하인 기업이 대상이었다.")
VENTURE = ("벤처투자유형은 적격 투자기관으로부터 받은 투자 합계가 5,000만원 이상이면서 자본금 대비 "
           "투자 비율이 10% 이상인 기업이 해당한다(2025년 기준).")
FIELDS = "딥테크 특화형의 5대 분야는 빅데이터·AI, 바이오헬스, 미래모빌리티, 친환경에너지, 로봇이다."
PARTNERS = ("2024년 창업도약패키지 대기업 협업형에는 SK이노베이션, KT, KB금융, 교보생명, "
            "삼성중공업, 포스코, LG전자, SK텔레콤, 현대건설, HD현대중공업 등 10개 대기업이 "
            "협업사로 참여했다.")
DEFINITION = "'창업기업'은 사업을 시작한 날부터 7년이 지나지 않은 기업을 말한다."


def test_a_table_of_rates_is_read_band_by_band() -> None:
    assert [(b.low, b.high, b.rate) for b in rate_bands(BANDS)] == [
        (0.0, 3e8, 90.0), (3e8, 1e9, 80.0), (1e9, 5e9, 70.0), (5e9, 1.2e10, 50.0)]
    assert [b.rate for b in rate_bands(PARTS)] == [100.0, 70.0, 30.0]
    assert rate_bands(PURCHASE) == []  # one rate is no table


@pytest.mark.parametrize(("question", "sentence", "verdict"), [
    ("3년 평균 매출 30억 제조사인데 혁신바우처 비용 70% 정부가 내줘요?", BANDS, "yes"),
    ("3년 평균 매출 60억 제조사인데 혁신바우처 비용 70% 정부가 내줘요?", BANDS, "no"),
    ("3년 평균 매출 90억 제조업체인데 혁신바우처 정부가 절반 내주는 구간 맞아요?", BANDS, "yes"),
    ("벤처기업에 직접 3,000만원 넣었어요. 전부 100% 공제 맞죠?", PARTS, "yes"),
    ("벤처기업에 직접 4,500만원 넣었어요. 전부 100% 공제 맞죠?", PARTS, "no"),
    ("벤처에 직접 8천 넣었는데 5천 넘는 3천만원도 70%로 공제돼요?", PARTS, "no"),
    ("벤처에 직접 8천 넣었는데 5천 넘는 3천만원은 30%로 공제돼요?", PARTS, "yes"),
    ("공공기관이 총구매 200억 중에 창업기업 제품을 16억 샀대요. 비율 채운 거죠?", PURCHASE, "yes"),
    ("공공기관이 총구매 300억 중에 창업기업 제품을 21억 샀대요. 비율 채운 거죠?", PURCHASE, "no"),
    ("엔젤이 3천 넣었는데 매칭펀드에서 7천5백 매칭받는 거 가능했어요?", MATCHING, "yes"),
    ("엔젤한테 1억 받고 매칭펀드에서 3억 더 받는 거 가능했어요?", MATCHING, "no"),
    ("자본금 5억 법인인데 VC한테 딱 5천만원 받았어요. 벤처투자유형 되나요?", VENTURE, "yes"),
    ("자본금 10억 법인인데 적격 투자기관에서 8천 받았어요. 벤처투자유형 되나요?", VENTURE, "no"),
])
def test_two_of_the_founders_figures_are_read_together(question: str, sentence: str,
                                                      verdict: str) -> None:
    ruling = judge(sentence, founder_from_question(question, 2026, 12))
    assert ruling is not None and ruling.verdict == verdict


def test_sums_in_everyday_words() -> None:
    assert won("7천5백") == 7.5e7
    assert won("2억 5천") == 2.5e8
    assert won("6백만원") == 6e6


@pytest.mark.parametrize(("question", "founded", "day"), [
    ("2020년 1월 말에 개인사업자 냈어요.", (2020, 1), None),
    ("첫 회사 접고 2020년 2월에 다시 차렸어요.", (2020, 2), None),
    ("19년 11월 초에 법인 세웠는데", (2019, 11), None),
    ("법인 등기일이 2023년 1월 20일이고", (2023, 1), 20),
    ("개업연월일 2026년 1월 22일인 개인사업자예요", (2026, 1), 22),
    ("2023년 1월 23일에 법인등기 했어요", (2023, 1), 23),
])
def test_founding_dates_told_in_everyday_words(question: str, founded: tuple[int, int],
                                               day: int | None) -> None:
    founder = founder_from_question(question, 2026, 12)
    assert founder.founded == founded and founder.founded_day == day


def test_years_in_business_are_counted_up_to_a_past_call() -> None:
    founder = founder_from_question("20년 12월에 개업했어요.", 2026, 12)
    assert founder.years == 6.0
    assert as_of(founder, 2024, 2).years == pytest.approx(3.17, abs=0.01)
    told = founder_from_question("창업 5년 차예요.", 2026, 12)
    assert as_of(told, 2024, 2).years == 5.0  # told, not counted from a date


def test_a_definition_decides_by_the_founding_date() -> None:
    still = founder_from_question("2020년 1월 말에 개인사업자 냈어요.", 2026, 12)
    over = founder_from_question("19년 11월 초에 법인 세웠어요.", 2026, 12)
    assert judge(DEFINITION, still).verdict == "yes"  # type: ignore[union-attr]
    assert judge(DEFINITION, over).verdict == "no"  # type: ignore[union-attr]


def test_one_item_of_a_closed_list_asked_about_is_no_membership_question() -> None:
    types = ("2026년부터 정부 창업패키지는 딥테크 특화형, 일반형, 투자연계형의 3가지 유형으로 "
             "세분화되었다.")
    assert closed_list_verdict(types, "24년 11월에 개인사업자 냈어요.", ["개인사업자"],
                               "24년 11월에 개인사업자 냈어요. 26년 초창패 일반형 업력 범위 "
                               "안이에요?") is None


def test_closed_lists_and_their_counts() -> None:
    assert closed_list(FIELDS) == ("분야", ["빅데이터·AI", "바이오헬스", "미래모빌리티",
                                           "친환경에너지", "로봇"])
    head, items = closed_list(PARTNERS)  # type: ignore[misc]
    assert head == "대기업" and len(items) == 10
    # "등 14개 분야" after six names is not the whole list
    assert closed_list("서비스 분야에는 디자인, 홍보, 바이어 발굴, 해외인증, 국제운송, 전시회 등 "
                       "14개 분야가 있으며") is None


@pytest.mark.parametrize(("told", "nouns", "verdict"), [
    ("태양광 모듈 효율 올리는 기술로 창업했어요.", ["태양광", "모듈"], "yes"),  # fields.tsv
    ("협동로봇 만드는 스타트업인데", ["협동", "로봇"], "yes"),
    ("양자컴퓨터 하드웨어 만드는 스타트업인데", ["양자", "컴퓨터", "하드웨어"], "no"),
    ("AI는 안 쓰는 순수 결제 인프라 핀테크예요.", ["결제", "인프라", "핀테크"], "no"),
    ("", [], None),
])
def test_a_closed_list_by_name_or_by_field(told: str, nouns: list[str],
                                          verdict: str | None) -> None:
    question = f"{told} 딥테크 특화형 5대 분야에 들어가요?"
    assert closed_list_verdict(FIELDS, told, nouns, question) == verdict


def test_a_closed_list_is_not_asked_about_by_another_question() -> None:
    question = "양자컴퓨터 만드는 스타트업인데 딥테크 특화형 지원금 얼마예요?"
    assert closed_list_verdict(FIELDS, "양자컴퓨터 만드는 스타트업인데", ["양자"], question) is None


def test_the_field_glossary_ships() -> None:
    assert "태양광" in field_words()["친환경에너지"]


@pytest.mark.parametrize(("question", "lead"), [
    ("양자컴퓨터 하드웨어 만드는 스타트업인데 26년 딥테크 특화형 5대 분야에 들어가요?", "아니요."),
    ("태양광 모듈 효율 올리는 기술로 창업했어요. 26년 딥테크 특화형 분야에 들어가요?", "네."),
    ("거래하는 공공기관이 총구매 100억 중에 중소기업 제품을 45억 샀대요. 중소기업제품 구매 "
     "비율 맞춘 거예요?", "아니요."),
    ("거래하는 공공기관이 총구매 100억 중에 창업기업 제품을 10억 샀대요. 창업기업제품 구매 비율 "
     "채운 거죠?", "네."),
    ("3년 평균 매출 45억 제조사인데 2020년 기준이면 혁신바우처 정부가 70% 내주는 구간 맞아요?",
     "네."),
])
def test_the_engine_gives_these_verdicts(dated_engine: AnswerEngine, question: str,
                                         lead: str) -> None:
    assert dated_engine.answer(question).answer.startswith(lead)


@pytest.mark.parametrize(("question", "statuses"), [
    ("21년 3월에 법인 세웠고 체납 같은 건 없어요.", ()),
    ("최대주주는 아니에요", ()),
    ("지방세 체납 중인데", ("체납",)),
])
def test_a_status_the_founder_denies_is_not_theirs(question: str,
                                                   statuses: tuple[str, ...]) -> None:
    assert founder_from_question(question, 2026, 12).statuses == statuses


def test_a_denied_status_gets_no_no(dated_engine: AnswerEngine) -> None:
    answer = dated_engine.answer("체납 같은 건 없어요. 신산업 아닌 일반 제조인데 도약패키지 "
                                 "대상 맞죠?")
    assert not answer.answer.startswith("아니요.")
