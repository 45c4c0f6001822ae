"""The reply object: the public shape of an answer, shared by the CLI's --json, the app and its API."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Citation", "Passage", "Reply"]


@dataclass(frozen=True)
class Citation:
    """Passage `n` of an answer: `text == source_text[start:end]`."""

    n: int
    source: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk the answer was drawn from (the evaluators' "contexts"), with its fused score."""

    source: str
    start: int
    end: int
    text: str
    score: float


@dataclass
class Reply:
    """An answer with inline [n] markers, the passages they point at, and whether it is a refusal."""

    question: str
    standalone_question: str
    answer: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    retrieved: list[Passage] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The `chatbot ask --json` object (a public contract: change only by adding keys)."""
        data = asdict(self)
        data["timings"] = {k: round(v, 3) for k, v in self.timings.items()}
        for passage in data["retrieved"]:
            passage["score"] = round(passage["score"], 5)
        return data
