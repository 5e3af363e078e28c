"""Issue 11, ninth round: a yes/no question's own claim against the sentence that decides it
(`bot/claims.py`). The answerer used to quote the right sentence with no verdict: the
founder's date against a start or an end, the sum they would receive against a cap or the one
figure given for what they name, a count, "안 내도 되죠?" against an obligation, and a case said
with "도" against a list (a closed list of places for a place). Anything less plain gives no
verdict: those cases are here too.
"""

from __future__ import annotations

import pytest

from bot.claims import claim_verdict, yes_no_question
from bot.engine import AnswerEngine
from bot.regions import places_said
from tests.helpers import assert_verdict

START = "이 제도는 2020년 3월 법 개정으로 만들어져 2021년 1월부터 시행되었다."
END = "대상은 '2025년 12월 31일까지 투자한 분'으로 되어 있다."
CAP = "2026년 일반형의 지원 한도는 최대 0.8억원으로, 2020~2024년의 최대 1억원보다 낮다."
PARTS = ("창업팀은 여기에 사업화 1억원, 엔젤매칭 2억원, 마케팅 1억원을 추가로 연계받아 "
         "최대 10억원에 이른다.")
LIMIT = "운영자는 3개월 이상 연체된 채무가 1,000만원을 넘으면 안 된다."
ONCE = "선정 기업은 50분 생방송 1회를 지원받는다."
OBLIGED = "창업팀은 R&D에 성공하면 정부 출연금의 10%를 기술료로 납부한다."
LISTED = ("이 사업은 쇼핑몰 판매 지원, 교육·글로벌 진출, 직매입 상담회, TV홈쇼핑 입점 등 "
          "16개 세부사업으로 이루어져 있다.")
PLACES = ("처음 조성된 지역은 강원, 경북, 부산, 충남 4곳이며 충북은 이 첫 조성 지역에 "
          "포함되지 않았다.")


@pytest.mark.parametrize(("question", "language", "expected"), [
    ("2020년에 납품했는데 그때도 적용됐어요?", "ko", True),
    ("1억 꽉 채워서 받을 수 있죠?", "ko", True),
    ("창업 1년 차인데 신청해도 돼요?", "ko", True),
    ("지원 한도 얼마예요?", "ko", False),
    ("언제부터 시행됐어?", "ko", False),
    ("Did we make it in time?", "en", True),
    ("We applied on May 2. Can we still get it?", "en", True),
    ("How much can we get?", "en", False),
])
def test_yes_no_questions_are_told_from_others(question: str, language: str,
                                               expected: bool) -> None:
    assert yes_no_question(question, language) is expected


@pytest.mark.parametrize(("question", "sentence", "verdict"), [
    # a time against a start, and against an end
    ("2020년 가을에 납품했는데 그때도 우선구매 적용됐어요?", START, "no"),
    ("22년에 납품하면 우선구매 적용됐던 거죠?", START, "yes"),
    ("2021년에 납품했으면 적용됐어요?", START, "yes"),  # a start in January: the whole year
    ("25년 9월에 투자했는데 공제 대상 맞아요?", END, "yes"),
    ("26년 2월에 투자했는데 공제 대상 맞아요?", END, "no"),
    # a time against a window
    ("25년 8월에 개업했는데 업력 기준 들어가요?",
     "업력 기준은 2023년 1월 23일부터 2026년 1월 22일 사이에 창업한 기업이다.", "yes"),
    ("26년 1월 28일에 법인 세웠는데 업력 기준 들어가요?",
     "업력 기준은 2023년 1월 23일부터 2026년 1월 22일 사이에 창업한 기업이다.", "no"),
    # an application day against the closing day, the year from the question
    ("We applied on February 23. Was that before the deadline?",
     "2024년 초기창업패키지 접수 마감일은 2월 22일이었다.", "no"),
    ("2월 20일에 신청했는데 마감 전이었죠?", "접수 마감일은 2월 22일이었다.", "yes"),
    # the sum against the asked year's cap, not another year's
    ("26년 일반형 붙으면 1억 꽉 채워서 받을 수 있죠?", CAP, "no"),
    ("26년 일반형 붙으면 7천만원 받을 수 있죠?", CAP, "yes"),
    # the figure given for what the founder names, not the total's cap
    ("엔젤매칭 3억까지 연계받을 수 있었어요?", PARTS, "no"),
    ("엔젤매칭 1억 5천 연계받을 수 있었어요?", PARTS, "yes"),
    # a limit on what the founder tells of themselves
    ("연체된 카드값이 800만원인데 기준 통과해요?", LIMIT, "yes"),
    ("연체된 카드값이 1,500만원인데 기준 통과해요?", LIMIT, "no"),
    # a count
    ("뽑히면 생방송 두 번 해줘요?", ONCE, "no"),
    ("do we get two live broadcasts?", ONCE, "no"),
    # a claim the founder negates, against an obligation and against a start
    ("R&D 성공하면 기술료는 안 내도 되는 거죠?", OBLIGED, "no"),
    ("24년에 만들었으면 요건은 안 따져도 됐죠?",
     "이 요건은 2023년 3월 21일부터 적용되었다.", "no"),
    # a case said with 도, in a list; a place against a closed list of places
    ("직매입 상담회도 참여할 수 있었어요?", LISTED, "yes"),
    ("창원에 본사 있는데 첫 조성 지역에 경남도 있었어요?", PLACES, "no"),
    ("Our startup is based in Busan. Was Busan one of the first regions?", PLACES, "yes"),
    ("첫 조성 지역에 충북도 들어갔어요?", PLACES, "no"),  # named, and left out
])
def test_a_claim_against_the_sentence(question: str, sentence: str, verdict: str) -> None:
    language = "en" if question.isascii() else "ko"
    asked_year = 2026 if question.startswith("26년") else 2024 if "deadline" in question \
        or "마감" in question else None
    assert claim_verdict(question, sentence, language, asked_year) == verdict


@pytest.mark.parametrize(("question", "sentence"), [
    # not a yes/no question
    ("엔젤매칭은 얼마까지 연계받을 수 있었어요?", PARTS),
    # two caps that disagree and no year to choose between them
    ("일반형 붙으면 1억 받을 수 있죠?", CAP),
    # a minimum is no cap: "요건 돼요?" with a figure the sentence does not state as a cap
    ("운영사 투자 1억 5천이면 투자 요건 돼요?",
     "비수도권 기업은 운영사 투자 요건이 2억원으로 오르지 않고 1억원으로 유지된다."),
    # "신청해도 돼요?" asks for leave, it names no case with 도
    ("창업 1년차인데 창업도약패키지 신청해도 돼요?",
     "체납한 기업, 창업지원 제외 업종 기업, 휴업 중인 기업은 창업도약패키지에 신청할 수 없다."),
    # a year alone against a start later in that year
    ("2021년에 납품했으면 적용됐어요?", "이 제도는 2021년 7월부터 시행되었다."),
    # two places, one in the list and one not
    ("Our plant is in Osong. Is that inside the Ochang complex?",
     "이차전지 분야는 청주 오창, 경북 포항, 전북 새만금, 울산의 4곳이었다."),
    # a place is not decided by a sentence that lists no places
    ("충북도 들어갔어요?", "추가 펀드는 문화·관광, 첨단산업 소부장, 글로벌 AI로 구성된다."),
])
def test_no_verdict_unless_the_sentence_plainly_settles_it(question: str,
                                                           sentence: str) -> None:
    language = "en" if question.isascii() else "ko"
    assert claim_verdict(question, sentence, language) is None


def test_english_places_are_read_in_korean() -> None:
    assert places_said("We're in Busan, near Osong?") == {"부산", "오송"}


@pytest.fixture
def engine(dated_engine: AnswerEngine) -> AnswerEngine:
    return dated_engine


@pytest.mark.parametrize(("question", "lead", "fact"), [
    ("19년에 공공기관에 납품했는데 그때 창업기업제품 우선구매 적용받을 수 있었어요?", "아니요.",
     "2021년 1월부터"),
    ("2017년 팁스 창업팀은 해외마케팅 2억까지 연계받을 수 있었어요?", "아니요.",
     "해외마케팅 1억원"),
    ("26년 일반형 예비창업패키지 합격하면 1억 전부 받을 수 있죠?", "아니요.", "0.8억원"),
    ("카드 연체가 5개월째 700만원인데 개인투자조합 GP 연체 기준 괜찮아요?", "네.", "1,000만원"),
    ("팁스 R&D 성공했으면 기술료는 안 내도 되죠?", "아니요.", "기술료"),
])
def test_the_engine_leads_with_the_claims_verdict(engine: AnswerEngine, question: str,
                                                  lead: str, fact: str) -> None:
    assert_verdict(engine, question, lead, fact)


# --- follow-ups and places in a list (same round) ------------------------------------------
def _chat(engine: AnswerEngine, *questions: str) -> str:
    answer = None
    for question in questions:
        answer = engine.answer(question, conversation_id="round9")
    assert answer is not None
    return answer.answer


def test_a_turn_with_its_own_subject_takes_then_from_the_turn_before(
        engine: AnswerEngine) -> None:
    text = _chat(engine, "2022년 성장단계별 창업패키지 최대 지원액은 얼마였어요?",
                 "그해 초기창업패키지 선발 규모는?")
    assert "700개사" in text.split("\n")[0], text
    # and the next bare follow-up keeps that turn's subject and year
    assert "7,000만원" in _chat(engine, "평균 지원액은?").split("\n")[0]


def test_an_item_by_its_place_in_a_list(engine: AnswerEngine) -> None:
    first = _chat(engine, "충북 이차전지 육성 전략 방향 중 첫 번째는?").split("\n")[0]
    assert "컨트롤타워" in first, first
    second = _chat(engine, "두 번째 방향은 뭐예요?").split("\n")[0]
    assert "가치사슬" in second and "첫 번째" not in second, second


def test_the_place_asked_as_jangso(engine: AnswerEngine) -> None:
    text = engine.answer("이차전지 데모데이 개최 장소가 어디였나요?").answer
    assert "SB플라자" in text.split("\n")[0], text


@pytest.mark.parametrize(("question", "word"), [
    ("전문개인투자자 등록할 때 수수료 따로 있어요? 얼마예요?", "수수료"),
    ("그 펀드 운용사 어디예요?", "운용사"),
    ("1층엔 뭐가 들어가 있어요?", None),  # a verb, not the asked noun
    ("TIPS 아직 있어요?", None),  # an adverb
])
def test_the_asked_noun_without_a_particle(question: str, word: str | None) -> None:
    from bot.asked_detail import asked_word

    assert asked_word(question) == word


def test_a_noun_with_a_negating_prefix_is_asked_whole(engine: AnswerEngine) -> None:
    """"불이익" is not 이익: Kiwi splits it, and no sentence about the rule names a penalty."""
    answer = engine.answer("공공기관이 창업기업 제품 8% 못 채우면 무슨 불이익 있어요?")
    assert answer.answer.startswith("자료에는 공공기관 창업기업 제품의 불이익 정보가 없습니다"), \
        answer.answer


@pytest.mark.parametrize(("question", "fact"), [
    ("In the 2021 battery plan, what was the second of the four focus tasks?",
     "두 번째 주목 과제"),
    ("Was Chungbuk thinking about a dedicated team for the battery industry in 2021?", "전담팀"),
    ("For the 2024 re-challenge success package, in which months did the commercialization "
     "phase run?", "5~12월"),
])
def test_english_domain_words_and_ordinals(engine: AnswerEngine, question: str,
                                           fact: str) -> None:
    text = engine.answer(question).answer
    assert fact in text, text


@pytest.mark.parametrize(("question", "fact"), [
    ("모태펀드 지방시대 펀드는 누구랑 같이 조성해요?", "지자체와 지방은행"),
    ("LG에너지솔루션 오창 투자협약은 누구랑 맺었어요?", "충북도·청주시"),
])
def test_who_with_asks_for_a_partner_not_a_person(engine: AnswerEngine, question: str,
                                                  fact: str) -> None:
    text = engine.answer(question).answer
    assert fact in text.split("\n")[0], text


def test_no_verdict_from_another_years_rule(engine: AnswerEngine) -> None:
    """A 2024 application is not judged by the 2026 call's founding-date window (round 9,
    found on heldout13 after the freeze)."""
    text = engine.answer("We applied to the 2024 early-stage startup package on February "
                         "25. Was that still before the deadline?").answer
    assert text.startswith("No."), text
    assert "2월 22일" in text, text
