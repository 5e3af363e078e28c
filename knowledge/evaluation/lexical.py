"""Plain BM25 baselines with simple tokenizers, scored by the same `bm25s` as our Kiwi index.

Only the tokenization differs from our keyword search, so the comparison isolates what Kiwi
morphemes (plus the domain dictionary and aliases) buy over the usual shortcuts:
- `char_bigrams`: Korean character unigrams and bigrams inside each word (the datasets'
  README reference numbers are computed this way);
- `word_tokens`: words split at whitespace and punctuation (what `str.split()` gives, minus
  punctuation), so Korean particles stay glued to their nouns.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import bm25s
import numpy as np

from knowledge.keyword_index import char_grams

_WORD = re.compile(r"\w+")

Tokenizer = Callable[[str], list[str]]


def word_tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def char_bigrams(text: str) -> list[str]:
    """The same n-grams as the bot's second keyword index (`char_grams`)."""
    return char_grams(text)


class BM25Retriever:
    """BM25 (bm25s defaults: Lucene variant, k1 = 1.5, b = 0.75) over one tokenizer."""

    def __init__(self, name: str, tokenize: Tokenizer, ids: list[str], texts: list[str],
                 description: str = "") -> None:
        self.name = name
        self.description = description
        self.tokenize = tokenize
        self._ids = ids
        self._model = bm25s.BM25()
        self._model.index([tokenize(t) or [""] for t in texts], show_progress=False)

    def search(self, question: str, k: int) -> list[str]:
        vocab = self._model.vocab_dict
        terms = [t for t in self.tokenize(question) if t in vocab]
        if not terms:
            return []
        scores = np.asarray(self._model.get_scores(terms))
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [self._ids[i] for i in top if scores[i] > 0]
