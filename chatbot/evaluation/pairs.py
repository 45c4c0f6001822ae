"""Who does what: the product's verifier on minimal pairs (a sentence of the article, a claim it supports, and one
that swaps who does what, negates it, or changes a number, a place or a time).

Why a set of its own: the eval's answers rarely contain such a claim, so a verifier that lets them through
would still score well there; here each pair is passed only when the right claim is kept *and* the wrong one
rejected, with the question a reader asked, exactly as the answer chain calls the verifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chatbot.chunks import Span
from chatbot.evaluation.items import load_records
from chatbot.lexical import full_names
from chatbot.verify import Evidence, Verifier

__all__ = ["MinimalPair", "PAIRS_PATH", "load_pairs", "score_pairs"]

PAIRS_PATH = Path("evals/verifier_pairs.jsonl")


@dataclass(frozen=True)
class MinimalPair:
    """An article sentence, a claim it supports (`right`) and a minimally changed one it doesn't (`wrong`)."""

    id: str
    kind: str
    passage: str
    question: str
    right: str
    wrong: str


def load_pairs(path: Path) -> list[MinimalPair]:
    """The pairs, one JSON object a line."""
    return load_records(path, MinimalPair, "the verifier's minimal pairs")


def score_pairs(verifier: Verifier, pairs: list[MinimalPair], source: str = "article") -> dict[str, object]:
    """Share of pairs whose right claim is kept and wrong claim rejected, overall and by kind, with the misses."""
    outcomes: dict[str, tuple[bool, bool]] = {}
    people = full_names("\n".join(p.passage for p in pairs))  # the pairs' passages are the article's sentences
    for pair in pairs:
        evidence = (Evidence(source, Span(0, len(pair.passage), pair.passage)),)
        outcomes[pair.id] = (verifier.supported(pair.right, pair.question, evidence, people),
                             not verifier.supported(pair.wrong, pair.question, evidence, people))
    by_kind: dict[str, list[bool]] = {}
    for pair in pairs:
        by_kind.setdefault(pair.kind, []).append(all(outcomes[pair.id]))
    return {"pairs": len(pairs), "accuracy": sum(all(o) for o in outcomes.values()) / len(pairs) if pairs else None,
            "right_kept": sum(o[0] for o in outcomes.values()), "wrong_rejected": sum(o[1] for o in outcomes.values()),
            "by_kind": {k: sum(v) / len(v) for k, v in sorted(by_kind.items())},
            "missed": {p.id: ("right rejected " if not outcomes[p.id][0] else "") + ("wrong kept" if not outcomes[p.id][1] else "")
                       for p in pairs if not all(outcomes[p.id])}}
