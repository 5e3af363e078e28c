"""Issue 11, round 5: English questions answered from the Korean documents. The founder's own
statements are constraints, not key terms; romanised places, English names and everyday words
become the documents' Korean terms; the kind of fact asked picks the sentence."""

from __future__ import annotations

from datetime import date

import pytest

from bot.engine import AnswerEngine
from bot.language import normalise_english, read_english
from bot.query import FactKind, QueryAnalyzer, detect_kinds
from knowledge.clock import Clock

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def queries(analyzer) -> QueryAnalyzer:
    return QueryAnalyzer(analyzer)


@pytest.fixture
def engine(corpus_kb) -> AnswerEngine:
    engine = AnswerEngine(corpus_kb)
    engine.clock = Clock(TODAY)
    return engine


@pytest.mark.parametrize(("text", "expected"), [
    ("We're based in Chungju.", "We are based in Chungju ."),
    ("What's the TIPS general-track limit?", "What is the TIPS general-track limit ?"),
    ("I can't find the pre-startup package", "I can not find the pre-startup package"),
    ("R&D and manufacturing & testing", "R&D and manufacturing and testing"),
    ("the Start-Up Invest Challenge", "the Start-Up Invest Challenge"),
])
def test_english_spelling_is_normalised(text: str, expected: str) -> None:
    assert normalise_english(text) == expected


def test_the_founders_statements_are_split_from_the_question() -> None:
    q = read_english("We run a small food factory in Jecheon. What loans are there for us?")
    assert q.own == "We run a small food factory in Jecheon ."
    assert q.asked == "What loans are there for us ?"
    assert q.place == "제천"
    q = read_english("I'm 52, can I apply for the pre-startup package?")
    assert q.own == "I am 52" and q.asked.startswith("can I apply")
    # a question with no statement of the founder's own stays whole
    assert read_english("how much can i get if im at the early stage").own == ""


def test_a_question_pointing_back_at_the_founders_place() -> None:
    assert read_english("Our office is in Jincheon. What industry is special there?").text \
        .endswith("진천")
    # "is there" asks whether something exists; it does not point back at a place
    assert not read_english("We are in Jincheon. Is there a loan?").refers_back


def test_own_circumstances_are_not_key_terms(queries: QueryAnalyzer) -> None:
    q = queries.analyse("Any support for exporters? We're a small manufacturer in Chungju.",
                        TODAY)
    assert "수출" in q.key_terms and q.subject_terms == ["수출"]
    assert not {"충주", "제조", "small", "manufacturer"} & set(q.key_terms)
    assert "충주" not in q.text  # retrieval searches what is asked


def test_a_name_in_the_founders_statement_stays_a_key_term(queries: QueryAnalyzer) -> None:
    q = queries.analyse("I put 50 million won into a venture investment fund (벤처투자조합). "
                        "How much of it can I deduct?", TODAY)
    assert {"벤처", "조합"} <= set(q.key_terms)


def test_the_founders_place_answers_there(queries: QueryAnalyzer) -> None:
    q = queries.analyse("My startup is in Yeongdong. What's the special industry there?", TODAY)
    assert {"영동", "특화산업"} <= set(q.subject_terms)


def test_capitalised_english_words_name_the_subject(queries: QueryAnalyzer) -> None:
    q = queries.analyse("How many startups pitched at the Start-Up Invest Challenge?", TODAY)
    assert {"start", "challenge"} <= set(q.subject_terms)
    # everyday glossary words are no names: "for startups" is who it is for
    q = queries.analyse("What does the battery manufacturing and verification support center "
                        "in Ochang do for startups?", TODAY)
    assert "창업" not in q.subject_terms and "오창" not in q.subject_terms
    assert "오창" in q.key_terms


def test_romanised_places_and_everyday_words_are_translated(analyzer) -> None:
    assert "옥천" in analyzer.translate_words("My company is in Okcheon.")
    assert "수출" in analyzer.translate_words("for exporters")
    assert "혜택" in analyzer.translate_words("What perks come with it?")


@pytest.mark.parametrize(("question", "kind"), [
    ("Is there anything for exporters?", FactKind.LIST),
    ("How are the programmes in the announcement grouped?", FactKind.LIST),
    ("What benefits does the complex get?", FactKind.LIST),
    ("What does the Chungbuk Technopark actually do?", FactKind.DEFINITION),
])
def test_english_kinds_of_fact(question: str, kind: FactKind) -> None:
    assert detect_kinds(normalise_english(question))[:1] == [kind]


# End to end over the shipped corpus (questions worded unlike the eval's).
@pytest.mark.parametrize(("question", "fact"), [
    ("Into how many support types is the integrated startup announcement divided?",
     "8개 지원유형"),
    ("On what date did Chungbuk announce its battery industry strategy?", "2021년 7월 21일"),
    ("What does the battery manufacturing & verification support center do?", "핵심 소재를 분석"),
    ("Our firm is in Okcheon. Which industry is the special industry there?", "옥천 의료기기"),
    ("Any programmes for exporters? We're a small food manufacturer in Chungju.", "수출바우처"),
    ("What perks does a national advanced strategic industry complex get?",
     "예비타당성조사 면제"),
])
def test_english_questions_quote_the_asked_fact(engine: AnswerEngine, question: str,
                                                fact: str) -> None:
    answer = engine.answer(question)
    assert answer.mode != "refused"
    assert fact in answer.answer.split("\n\n")[0]


def test_only_a_place_written_as_a_locator_leaves_the_subject(queries: QueryAnalyzer) -> None:
    # "Chungbuk province has put money into": Chungbuk is who acted, so it stays the subject
    q = queries.analyse("How much has Chungbuk province put into startup funds?", TODAY)
    assert "충북" in q.subject_terms
    assert read_english("What does the test center in Ochang do?").locators == {"오창"}


@pytest.mark.parametrize(("question", "fact"), [
    # a total asked: the sentence stating the total, not a newer single-year figure
    ("How much have Chungbuk's startup funds raised in total so far?", "1,241억원"),
    # 충북TP in the sentence is the Chungbuk Technopark the question names
    ("What does Chungbuk Technopark do?", "기술지원"),
])
def test_totals_and_names_written_two_ways(engine: AnswerEngine, question: str,
                                           fact: str) -> None:
    assert fact in engine.answer(question).answer.split("\n\n")[0]


def test_a_latin_name_must_be_a_word_of_the_sentence(engine: AnswerEngine) -> None:
    # "Start-Up Invest Challenge" is not "K-Startup 그랜드챌린지": no prize money is given for it
    answer = engine.answer("What was the prize money at the 2024 Start-Up Invest Challenge?")
    assert answer.mode == "detail_missing"


def test_the_examples_in_bot_language_hold() -> None:
    import doctest

    import bot.language

    assert doctest.testmod(bot.language).failed == 0
