"""The support judge of the eval suite: does a passage state what an answer sentence says?

Why its own judge: scoring support with the verifier's word matching would reward exactly what the
verifier keeps. This judge shares no code with `chatbot.verify`: the chat model is asked a separate
question with its own prompt, on at most one or two sentences at a time (a passage longer than
`WINDOW_MAX_CHARS` is judged by its three sentences closest to the claim, never as a truncated union), and
its accuracy is measured on a hand-labelled calibration set (`evals/judge_calibration.jsonl`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from chatbot.chunks import split_sentences
from chatbot.embeddings import PackagedEmbeddings, VectorCache
from chatbot.evaluation.items import load_records
from chatbot.llm import yes_probability

__all__ = ["SupportJudge", "CalibrationPair", "load_calibration", "WINDOW_MAX_CHARS", "CALIBRATION_PATH"]

WINDOW_MAX_CHARS = 800
CALIBRATION_PATH = Path("evals/judge_calibration.jsonl")
_SYSTEM = "You are a strict fact checker."
# Chosen on the calibration set over a plain "is it supported?" question (60% there: the 1.5B model says Yes
# to role swaps and negations unless told to compare who does what, word by word).
_PROMPT = ("Text:\n{passage}\n\n{claim}\n\nCompare the statement with the text word by word. Who does what to whom? Is "
           "anything changed, negated, added, or made stronger? If the statement is exactly what the text says, reply Yes. "
           "If anything differs, reply No. Reply Yes or No.")


@dataclass(frozen=True)
class CalibrationPair:
    """A hand-labelled (passage, statement) pair: is the statement supported by the passage alone?"""

    id: str
    passage: str
    question: str
    statement: str
    supported: bool
    kind: str


def load_calibration(path: Path) -> list[CalibrationPair]:
    """The calibration set, one JSON object a line."""
    return load_records(path, CalibrationPair, "the judge's calibration set")


class SupportJudge:
    """P(yes) of the chat model on "does this text say this?", cached per (passage, claim)."""

    def __init__(self, model: BaseChatModel, embeddings: PackagedEmbeddings, threshold: float = 0.5, sentences: int = 3) -> None:
        self._model = model
        self._embed = VectorCache(embeddings)
        self.threshold = threshold
        self._sentences = sentences
        self._probabilities: dict[tuple[str, str], float] = {}
        self.calls = 0

    def probability(self, passage: str, statement: str, question: str = "") -> float:
        """P(the passage states the statement), the statement read as an answer to `question` when given."""
        claim = f"Question: {question}\nAnswer: {statement}" if question else f"Statement: {statement}"
        key = (passage, claim)
        if key not in self._probabilities:
            self.calls += 1
            messages = [SystemMessage(_SYSTEM), HumanMessage(_PROMPT.format(passage=passage, claim=claim))]
            # the passage's state is kept: an eval judges many answers against the same few sentences (scoring 40 dev
            # items: 104 -> 89 s on a slow hour, every score the same)
            self._probabilities[key] = yes_probability(self._model, messages, reuse_until=f"\n\n{claim}")
        return self._probabilities[key]

    def _best_sentences(self, statement: str, question: str, passages: Sequence[str]) -> str:
        """The passages' few sentences closest in meaning to the statement, in their order: what a reader would
        check the statement against (a claim may join two sentences far apart)."""
        sentences = list(dict.fromkeys(s.text for p in passages for s in split_sentences(p)))
        if not sentences:
            return " ".join(passages)[:WINDOW_MAX_CHARS]
        vectors = self._embed([f"{question} {statement}".strip(), *sentences])
        best = sorted(np.argsort(-(vectors[1:] @ vectors[0]))[: self._sentences])
        chosen: list[str] = []
        for i in best:
            if sum(len(c) + 1 for c in chosen) + len(sentences[i]) <= WINDOW_MAX_CHARS:
                chosen.append(sentences[i])
        return " ".join(chosen) or sentences[best[0]][:WINDOW_MAX_CHARS]

    def supports(self, statement: str, passages: Sequence[str], question: str = "") -> bool:
        """The passages state the statement: judged on all of them when short, else on their best sentences."""
        passages = [p for p in passages if p.strip()]
        if not passages:
            return False
        together = " ".join(passages)
        text = together if len(together) <= WINDOW_MAX_CHARS else self._best_sentences(statement, question, passages)
        return self.probability(text, statement, question) >= self.threshold

    def calibrate(self, pairs: Sequence[CalibrationPair]) -> dict[str, object]:
        """Accuracy on the hand-labelled pairs, overall and by kind, with the confusion counts."""
        outcomes = [(p, self.probability(p.passage, p.statement, p.question) >= self.threshold) for p in pairs]
        by_kind: dict[str, list[bool]] = {}
        for pair, said in outcomes:
            by_kind.setdefault(pair.kind, []).append(said == pair.supported)
        return {"pairs": len(pairs), "accuracy": sum(said == p.supported for p, said in outcomes) / len(pairs) if pairs else None,
                "true_positive": sum(said and p.supported for p, said in outcomes),
                "false_positive": sum(said and not p.supported for p, said in outcomes),
                "true_negative": sum(not said and not p.supported for p, said in outcomes),
                "false_negative": sum(not said and p.supported for p, said in outcomes),
                "by_kind": {k: sum(v) / len(v) for k, v in sorted(by_kind.items())}, "threshold": self.threshold}
