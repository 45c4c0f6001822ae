"""Per-item scores that need no model: strict answer matching, refusals, retrieval ranks, gold citations.

Why strict: a substring test lets "us" match "disastrous" and a `[2]` citation marker pass for "two";
so answers are matched word by word after their markers are removed, and a refusal is decided by one
function on the final answer text for every pipeline alike.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence

__all__ = ["strip_markers", "keyword_match", "is_refusal", "token_f1", "first_hit_rank", "quote_recall", "cites_gold",
           "GOLD_CITATION_MAX_CHARS"]

_MARKERS = re.compile(r"\s*\[\d+(?:\s*[,-]\s*\d+)*\]")
_ARTICLES = re.compile(r"\b(a|an|the)\b")
# A sentence that only says the source lacks the answer (or declines); an answer is a refusal when all its
# sentences are. Kept apart from the product's own refusal check on purpose: the yardstick is not the product.
_REFUSAL_SENTENCE = re.compile(
    r"\b(?:does(?:n['’]t| not) (?:say|mention|specify|state|provide|contain|include|give|indicate|discuss|address|tell)|"
    r"(?:is|are|was|were)(?:n['’]t| not) (?:mentioned|specified|stated|provided|given|included|available|discussed)|"
    r"not (?:mentioned|specified|stated|provided|given|included) in|no (?:information|mention|details?)|"
    r"(?:can ?not|can['’]t|could not|couldn['’]t|unable to) (?:answer|determine|find|provide|help|assist)|"
    r"(?:i )?do(?:n['’]t| not) know|not sure|sorry)\b", re.IGNORECASE)
GOLD_CITATION_MAX_CHARS = 800


def strip_markers(answer: str) -> str:
    """The answer without its `[n]` citation markers."""
    return " ".join(_MARKERS.sub("", answer).split())


def _normalised(text: str) -> str:
    return strip_markers(text).lower().replace("’", "'").replace("‘", "'")


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    """A keyword on word boundaries; a trailing `*` allows any ending ("retaliat*" ~ "retaliation")."""
    word = keyword.lower().replace("’", "'").strip()
    stem = word.endswith("*")
    body = r"\s+".join(re.escape(part) for part in word.rstrip("*").split())
    ending = r"[\w-]*" if stem else ""
    return re.compile(rf"(?<!\w){body}{ending}(?!\w)")


def keyword_match(answer: str, keywords: Sequence[Sequence[str]]) -> bool:
    """Every group of alternatives has one member in the answer, matched on word boundaries, markers removed."""
    text = _normalised(answer)
    return all(any(_keyword_pattern(k).search(text) for k in group) for group in keywords)


def is_refusal(answer: str) -> bool:
    """True when every sentence of the answer says the source doesn't answer (or the answer is empty)."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", strip_markers(answer)) if s.strip(" .")]
    return all(_REFUSAL_SENTENCE.search(s) for s in sentences)


def _words(text: str) -> list[str]:
    text = "".join(c for c in _normalised(text) if c not in string.punctuation + "“”")
    return _ARTICLES.sub(" ", text).split()


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style token F1 between an answer (markers removed) and the reference answer."""
    pred, ref = _words(prediction), _words(reference)
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or not common:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def _overlap(span: tuple[int, int], other: tuple[int, int]) -> int:
    return max(0, min(span[1], other[1]) - max(span[0], other[0]))


def quote_recall(retrieved: Sequence[tuple[int, int]], quotes: Sequence[tuple[int, int]]) -> float:
    """Share of the supporting quotes that lie inside one of the retrieved spans."""
    if not quotes:
        return 1.0
    return sum(any(r[0] <= q[0] and q[1] <= r[1] for r in retrieved) for q in quotes) / len(quotes)


def first_hit_rank(retrieved: Sequence[tuple[int, int]], quotes: Sequence[tuple[int, int]]) -> int | None:
    """1-based rank of the first retrieved span that overlaps a supporting quote (for MRR)."""
    for rank, span in enumerate(retrieved, 1):
        if any(_overlap(span, q) for q in quotes):
            return rank
    return None


def cites_gold(cited: Sequence[tuple[str, int, int]], quotes: Sequence[tuple[str, int, int]], share: float = 0.6) -> bool:
    """The answer's citations (source, start, end), at most 800 characters in all, contain a gold quote or
    cover ≥ 60% of one.

    Why a cap: a pipeline that "cites" whole chunks would otherwise get credit for pointing at everything.
    """
    if not cited or sum(end - start for _, start, end in cited) > GOLD_CITATION_MAX_CHARS:
        return False
    return any(sum(_overlap((c[1], c[2]), (q[1], q[2])) for c in cited if c[0] == q[0]) >= share * (q[2] - q[1]) for q in quotes)
