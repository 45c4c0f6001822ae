"""Scores for the eval suite: retrieval, answer correctness, citation quality (ALCE-style), refusals, latency.

Why proxies: no NLI or cross-encoder model ships in a PyPI package we could verify, so "passage P
supports statement S" is judged by a documented embedding/lexical proxy (`supports`): most of S's
content words occur in P and the two are close in MiniLM space. The same proxy scores our pipeline
and the textbook baseline, so the comparison is fair even where the absolute numbers are rough.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence

import numpy as np

from chatbot.embeddings import PackagedEmbeddings
from chatbot.lexical import is_short, match_keys

__all__ = ["token_f1", "keyword_match", "first_hit_rank", "quote_recall", "percentile", "Support"]

_ARTICLES = re.compile(r"\b(a|an|the)\b")


def _normalise(text: str) -> list[str]:
    text = "".join(c for c in text.lower() if c not in string.punctuation + "“”’‘")
    return _ARTICLES.sub(" ", text).split()


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style token F1 between an answer and the reference answer."""
    pred, ref = _normalise(prediction), _normalise(reference)
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or not common:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def keyword_match(answer: str, keywords: Sequence[Sequence[str]]) -> bool:
    """Every group of alternatives has one member in the answer (case-insensitive)."""
    lowered = answer.lower()
    return all(any(k.lower() in lowered for k in group) for group in keywords)


def _overlaps(span: tuple[int, int], other: tuple[int, int]) -> bool:
    return span[0] < other[1] and other[0] < span[1]


def quote_recall(retrieved: Sequence[tuple[int, int]], quotes: Sequence[tuple[int, int]]) -> float:
    """Share of the supporting quotes that lie inside one of the retrieved spans."""
    if not quotes:
        return 1.0
    return sum(any(r[0] <= q[0] and q[1] <= r[1] for r in retrieved) for q in quotes) / len(quotes)


def first_hit_rank(retrieved: Sequence[tuple[int, int]], quotes: Sequence[tuple[int, int]]) -> int | None:
    """1-based rank of the first retrieved span that overlaps a supporting quote (for MRR)."""
    for rank, span in enumerate(retrieved, 1):
        if any(_overlaps(span, q) for q in quotes):
            return rank
    return None


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else 0.0


class Support:
    """The support proxy: P supports S when ≥ 60% of S's content words are in P and cos(S, P) ≥ 0.45."""

    def __init__(self, embeddings: PackagedEmbeddings, coverage: float = 0.6, similarity: float = 0.45) -> None:
        self._embeddings = embeddings
        self._coverage = coverage
        self._similarity = similarity

    def supports(self, passage: str, statement: str) -> bool:
        words = match_keys(statement)
        if not words or not passage.strip():
            return False
        covered = len(words & match_keys(passage)) / len(words)
        vectors = self._embeddings.embed_documents([statement, passage])
        return covered >= self._coverage and float(np.dot(vectors[0], vectors[1])) >= self._similarity

    def similarity(self, a: str, b: str) -> float:
        vectors = self._embeddings.embed_documents([a, b])
        return float(np.dot(vectors[0], vectors[1]))

    def citation_scores(self, statements: Sequence[tuple[str, Sequence[str]]], question: str = "") -> tuple[float, float]:
        """ALCE citation recall and precision over (statement, its cited passages) pairs.

        Recall: a statement is supported by the union of its citations. Precision: a citation is
        needed when the statement is supported and the citation alone supports it, or removing it
        breaks the support (Gao et al. 2023). A statement of a few words ("No.", "Nujaba.") is read
        together with the question it answers.
        """
        statements = [(f"{question} {s}" if is_short(s) else s, p) for s, p in statements]
        if not statements:
            return 0.0, 0.0
        supported, needed, total = 0, 0, 0
        for statement, passages in statements:
            union = self.supports(" ".join(passages), statement) if passages else False
            supported += union
            for i, passage in enumerate(passages):
                total += 1
                rest = " ".join(p for j, p in enumerate(passages) if j != i)
                if union and (self.supports(passage, statement) or not (rest and self.supports(rest, statement))):
                    needed += 1
        return supported / len(statements), (needed / total if total else 0.0)
