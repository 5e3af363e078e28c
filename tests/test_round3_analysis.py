"""Issue 11, third round: English words translated via synonyms.tsv, "…팩" abbreviations, the
founder's measured values against a rule's threshold, and more forms of founder facts."""

from __future__ import annotations

from datetime import date

import pytest

from bot.asked_detail import ScoredSentence, says_unknown
from bot.eligibility import judge
from bot.founder import Founder, founder_from_question
from bot.measures import Measure, compare, measure, own_values, rule_thresholds
from bot.query import FactKind, QueryAnalyzer, detect_kinds


@pytest.fixture(scope="module")
def queries(analyzer) -> QueryAnalyzer:
    return QueryAnalyzer(analyzer)


def test_english_words_with_one_document_term_are_translated(analyzer) -> None:
    text, terms, _ = analyzer.analyse_query("How long is a venture certification valid for?")
    assert "유효기간" in text
    assert {"유효", "기간"} <= set(terms) or "유효기간" in terms
    assert "long" not in terms  # an English function word names no subject
    # plural forms find the plain word; a word with several document terms is not replaced
    assert "조합원" in analyzer.translate_words("How many members can it have?")
    assert "grant" in analyzer.translate_words("How big is the grant?").lower()


def test_english_questions_get_korean_subject_terms(queries: QueryAnalyzer) -> None:
    query = queries.analyse("How many members can an individual investment partnership have?",
                            date(2026, 12, 1))
    assert query.language == "en"
    assert "개인투자조합" in query.subject_terms
    assert query.kind is FactKind.COUNT


def test_pack_is_short_for_package(analyzer) -> None:
    text, terms, _ = analyzer.analyse_query("창업도약팩 올해 최대 얼마임?")
    assert "창업도약패키지" in text and "창업도약패키지" in terms
    text, _, _ = analyzer.analyse_query("팩 하나 얼마?")  # not a programme name: left alone
    assert "패키지" not in text


@pytest.mark.parametrize(("raw", "value", "unit"), [
    ("5,000만원", 5e7, "won"), ("150만불", 1.5e6, "usd"), ("100만달러", 1e6, "usd"),
    ("20%", 20.0, "percent"), ("12명", 12.0, "people"), ("1억 5천만원", 1.5e8, "won"),
])
def test_measure(raw: str, value: float, unit: str) -> None:
    assert measure(raw) == Measure(value, unit)


def test_rule_thresholds_name_what_is_measured() -> None:
    rules = rule_thresholds("투자 후 기업가치(post-money)가 70억원 이하인 기업이 대상이었다.")
    assert rules and rules[0][0][0] == "기업가치" and rules[0][2] == "이하"
    rules = rule_thresholds("GP는 3개월 이상 연체된 채무가 1,000만원을 넘으면 안 된다.")
    assert rules and "채무" in rules[0][0] and "연체" in rules[0][0] and rules[0][2] == "이하"
    rules = rule_thresholds("등록하려면 최근 3년간 1억원 이상의 투자 실적이 있어야 한다.")
    assert rules and rules[0][0] == ["투자", "실적"]


@pytest.mark.parametrize(("question", "sentence", "passes"), [
    ("연구개발비가 1년에 3천만원인데 연구개발유형 되나요?",
     "연구개발유형은 연간 연구개발비가 5,000만원 이상인 기업이 해당한다.", False),
    ("연구개발비 연 7천만원 쓰는데 연구개발유형 되나요?",
     "연구개발유형은 연간 연구개발비가 5,000만원 이상인 기업이 해당한다.", True),
    ("작년 수출 150만불이고 바우처 한도 2배 되나요?",
     "전년 수출액이 100만달러 이상인 수출 고성장 기업은 한도가 2배로 늘어난다.", True),
    ("연체된 빚이 2천만원이에요. GP 가능한가요?",
     "GP는 3개월 이상 연체된 채무가 1,000만원을 넘으면 안 된다.", False),
    ("고용 12명인데 패스트트랙 요건 되나요?", "고용 10인 이상, 매출 20억원 이상 가운데 하나", True),
])
def test_the_founders_values_against_the_rule(question: str, sentence: str,
                                               passes: bool) -> None:
    results = compare(sentence, own_values(question))
    assert results and results[0][0] is passes
    founder = founder_from_question(question, 2026)
    assert not founder.empty
    ruling = judge(sentence, founder)
    assert ruling is not None and ruling.verdict == ("yes" if passes else "no")


def test_values_about_another_thing_do_not_decide() -> None:
    # a sales figure says nothing about a rule on R&D spending, nor dollars about won
    sales = own_values("매출이 3천만원인데 되나요?")
    assert compare("연구개발비가 5,000만원 이상인 기업", sales) == []
    assert compare("수출액이 100만달러 이상", own_values("수출 150만원인데 되나요?")) == []
    assert own_values("예창패 최대 1억원 맞아?") == ()  # a figure asked about, not told


def test_more_forms_of_the_founders_facts() -> None:
    assert founder_from_question("83년 3월생인데 청창사 되나요", 2026).birth_year == 1983
    early = founder_from_question("23년 1월 10일에 개업했는데 초창패 되나요?", 2026)
    assert early.founded == (2023, 1) and early.founded_day == 10
    window = "업력 기준은 2023년 1월 23일부터 2026년 1월 22일 사이에 창업한 기업이며"
    assert judge(window, early).verdict == "no"  # ten days too early
    assert judge(window, Founder(founded=(2023, 1), registered=True)).verdict == "yes"
    assert founder_from_question("Our company is based in Seoul.", 2026).region == "서울"
    # "창업사관학교 25년에" names a programme and a year, not 25 years in business
    assert founder_from_question("글로벌창업사관학교 25년에 몇명 뽑았어", 2026).empty


@pytest.mark.parametrize(("question", "sentence", "verdict"), [
    ("청주 사는 32살인데 가게 연지 8년 됐어요. 대상임?",
     "대상은 충북 도내에 사는 19~39세 청년으로서 창업한 지 7년이 지나지 않았고", "no"),
    ("아직 사업자 안 냈는데 재도전성공패키지 되나요?",
     "재도전성공패키지의 대상은 예비 재창업자이거나 재창업한 지 3년이 지나지 않은 기업의 대표이다.",
     "yes"),
    ("저희 법인 서울 강남에 있는데 펀드 투자 받을 수 있을까요?",
     "펀드는 전액을 충북 도내 기업에 투자하는 조건이다.", "no"),
    ("공장이 대전에 있는 제조업체인데 육성자금 신청 돼요?",
     "육성자금의 대상은 도내에 사업장이 있는 중소기업이다.", "no"),
    ("Our company is based in Seoul. Could we have applied?",
     "비수도권에 있는 기업이면 지원할 수 있었다.", "no"),
    ("청주에 있는 회사인데 지원할 수 있었나요?",
     "비수도권에 있는 기업이면 지원할 수 있었다.", "yes"),
])
def test_rules_read_in_more_forms(question: str, sentence: str, verdict: str) -> None:
    ruling = judge(sentence, founder_from_question(question, 2026))
    assert ruling is not None and ruling.verdict == verdict


def test_which_year_and_did_it_pass_are_kinds() -> None:
    assert FactKind.DATE in detect_kinds("그 펀드 정확히 몇 년도에 만들어졌어요?")
    assert FactKind.RESULT in detect_kinds("스타트업파크 공모 결국 붙었어요?")


def test_a_sentence_saying_the_detail_is_unknown_is_no_answer(queries: QueryAnalyzer) -> None:
    query = queries.analyse("징검다리 펀드 정확히 몇 년도에 결성됐어요?", date(2026, 12, 1))
    unknown = ScoredSentence(
        "징검다리 펀드가 결성된 것으로 알려져 있지만, 결성 연도는 확인되지 않았다.",
        1.0, 0, frozenset())
    known = ScoredSentence("징검다리 펀드는 2022년에 결성되었다.", 1.0, 0, frozenset())
    assert says_unknown(query, unknown)
    assert not says_unknown(query, known)


def test_a_noun_with_a_suffix_matches_its_stem(analyzer) -> None:
    # Kiwi keeps "일반형" whole in a question and splits "일반" + 형 in a document sentence
    assert analyzer.has_term(frozenset({"일반", "초기창업패키지"}), "일반형")
    assert not analyzer.has_term(frozenset({"일반"}), "일반인")


def test_how_to_apply_in_either_order() -> None:
    assert FactKind.HOW_TO_APPLY in detect_kinds("공유공장 입주 신청은 어떻게 해요?")
    assert FactKind.DURATION in detect_kinds("발표평가 몇 분 동안 발표해요?")


def test_english_statements_of_the_founders_values() -> None:
    values = own_values("We exported 2 million dollars last year and have grown about 30% a "
                        "year. What's the most we can get from the export voucher?")
    rule = "전년 수출액이 100만달러 이상이고 최근 3년 연평균 수출 증가율이 20% 이상인 기업"
    assert compare(rule, values) == [(True, "수출액"), (True, "증가율")]
    debts = own_values("I have overdue debts of 20 million won. Can I be a GP?")
    assert compare("GP는 연체된 채무가 1,000만원을 넘으면 안 된다.", debts) == [(False, "채무")]
    assert own_values("Is the grant 100 million won?") == ()  # a figure asked about
