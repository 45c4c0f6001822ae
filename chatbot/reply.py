"""The reply object: the public shape of an answer, shared by the CLI's --json, the app and its API."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Citation", "Reply"]


@dataclass(frozen=True)
class Citation:
    """Passage `n` of an answer: `text == source_text[start:end]`."""

    n: int
    source: str
    start: int
    end: int
    text: str


@dataclass
class Reply:
    """An answer with inline [n] markers, the passages they point at, and whether it is a refusal."""

    question: str
    standalone_question: str
    answer: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The `chatbot ask --json` object (a public contract: change only by adding keys)."""
        data = asdict(self)
        data["timings"] = {k: round(v, 3) for k, v in self.timings.items()}
        return data
