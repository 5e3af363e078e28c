"""Retrieval metrics and the plain tokenizers, on examples computed by hand."""

from __future__ import annotations

import math

import pytest

from knowledge.evaluation.lexical import BM25Retriever, char_bigrams, word_tokens
from knowledge.evaluation.metrics import (
    bootstrap_ci,
    mean_metrics,
    ndcg_at_k,
    question_metrics,
    recall_at_k,
    reciprocal_rank,
)


def test_single_gold_at_rank_three() -> None:
    ranked = ["a", "b", "c", "d"]
    m = question_metrics(ranked, {"c"})
    assert m["recall@1"] == 0.0
    assert m["recall@5"] == 1.0 and m["recall@10"] == 1.0
    assert m["mrr@10"] == pytest.approx(1 / 3)
    assert m["ndcg@10"] == pytest.approx(1 / math.log2(4))  # = 0.5


def test_two_gold_passages() -> None:
    ranked = ["x", "a", "y", "d"]
    gold = {"a", "d"}
    assert recall_at_k(ranked, gold, 1) == 0.0
    assert recall_at_k(ranked, gold, 2) == 0.5
    assert recall_at_k(ranked, gold, 5) == 1.0
    assert reciprocal_rank(ranked, gold) == 0.5
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    ideal = 1 + 1 / math.log2(3)
    assert ndcg_at_k(ranked, gold) == pytest.approx(dcg / ideal)  # 0.6509


def test_gold_below_the_cutoff_earns_nothing() -> None:
    ranked = [f"p{i}" for i in range(1, 12)]  # gold is 11th
    m = question_metrics(ranked, {"p11"})
    assert m == {"recall@1": 0.0, "recall@5": 0.0, "recall@10": 0.0, "mrr@10": 0.0,
                 "ndcg@10": 0.0}


def test_perfect_ranking_and_duplicates() -> None:
    assert question_metrics(["g"], {"g"})["ndcg@10"] == 1.0
    # a retriever that returns the gold id twice must not score above a perfect ranking
    assert ndcg_at_k(["g", "g"], {"g", "h"}) == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_mean_and_empty_gold() -> None:
    rows = [question_metrics(["a"], {"a"}), question_metrics(["b", "a"], {"a"})]
    mean = mean_metrics(rows)
    assert mean["recall@1"] == 0.5
    assert mean["mrr@10"] == pytest.approx(0.75)
    with pytest.raises(ValueError):
        recall_at_k(["a"], set(), 1)


def test_bootstrap_interval() -> None:
    assert bootstrap_ci([1.0] * 20) == (1.0, 1.0)
    values = [1.0] * 80 + [0.0] * 20
    low, high = bootstrap_ci(values)
    assert 0.6 < low < 0.8 < high < 0.95


def test_tokenizers() -> None:
    assert char_bigrams("창업 지원!") == ["창", "업", "창업", "지", "원", "지원"]
    assert word_tokens("예비창업패키지는 최대 1억원, TIPS.") == [
        "예비창업패키지는", "최대", "1억원", "tips"]


def test_bm25_baseline_ranks_exact_match_first() -> None:
    retriever = BM25Retriever(
        "bigram-bm25", char_bigrams, ["p1", "p2", "p3"],
        ["청주 오창에는 배터리 평가 센터가 있다", "괴산 유기농 축제 안내", "제천 한방 엑스포 일정"])
    assert retriever.search("오창 배터리 평가 센터", 3)[0] == "p1"
    assert retriever.search("zzz", 3) == []
