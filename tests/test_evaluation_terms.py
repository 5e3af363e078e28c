"""Search terms tuned by the evaluation: adjacent nouns are also indexed joined, while the
single-morpheme terms used for key terms (refusals, topics) stay as they were."""

from __future__ import annotations

from pathlib import Path

from knowledge.keyword_index import KeywordDoc, KeywordIndex, KeywordIndexWriter


def test_search_terms_add_adjacent_noun_compounds(analyzer) -> None:
    text = "인터넷전문은행 인가 요건은?"
    assert analyzer.terms(text) == ["인터넷", "전문", "은행", "인가", "요건"]
    terms = analyzer.search_terms(text)
    assert {"인터넷전문", "전문은행"} <= set(terms)
    assert set(analyzer.terms(text)) <= set(terms)
    assert analyzer.search_terms_batch([text]) == [terms]
    assert "전문은행" not in analyzer.key_terms(text)


def test_compound_ranks_the_phrase_above_scattered_words(analyzer, tmp_path: Path) -> None:
    docs = {
        "phrase": "인터넷전문은행은 온라인으로만 영업한다.",
        "scattered": "인터넷 쇼핑몰의 전문 상담과 은행의 대출, "
                     "인터넷 강의의 전문 강사와 은행의 창구.",
    }
    writer = KeywordIndexWriter(tmp_path / "kw")
    writer.upsert(KeywordDoc(cid, analyzer.search_terms(text), text)
                  for cid, text in docs.items())
    writer.commit()
    index = KeywordIndex(tmp_path / "kw")
    top = index.search(analyzer.search_terms("인터넷전문은행"), 2)
    assert next(cid for cid, _ in top) == "phrase"
