"""The question sets: items with reference answers, exact gold quotes and strict keyword groups, in splits.

Why splits: `dev` is what we look at while changing the product; `test` is written blind, sealed by a
checksum (`evals/test.sha256`), and is what the README reports, so a figure can't come from tuning on
the very questions it is measured with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from chatbot.errors import ChatbotError

__all__ = ["EvalItem", "CATEGORIES", "TAGS", "SPLITS", "load_items", "load_records", "split_path", "seal_digest"]

CATEGORIES = ("fact", "paraphrase", "yes-no", "synthesis", "follow-up", "unanswerable", "adversarial")
TAGS = ("number", "why", "multi-part", "two-deep", "false-premise", "low-overlap", "injection")
SPLITS = ("dev", "test")
EVALS_DIR = Path("evals")
Record = TypeVar("Record")


@dataclass(frozen=True)
class EvalItem:
    """One question of a set: earlier turns, a reference answer, exact supporting quotes, a category, tags."""

    id: str
    category: str
    question: str
    reference: str
    quotes: list[str]
    answerable: bool
    history: list[dict[str, str]] = field(default_factory=list)
    keywords: list[list[str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def load_records(path: Path, record: Callable[..., Record], what: str) -> list[Record]:
    """The records of a hand-labelled JSONL set (one object a line, its keys the record's fields); `what` names the
    set in the error a bad file gets."""
    try:
        return [record(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, json.JSONDecodeError, TypeError) as exc:
        raise ChatbotError(f"can't read {what} {path}: {exc}") from None


def split_path(split: str, evals_dir: Path = EVALS_DIR) -> Path:
    """Where a named split lives (`evals/dev.jsonl`, `evals/test.jsonl`)."""
    return evals_dir / f"{split}.jsonl"


def seal_digest(path: Path) -> str:
    """sha256 of a split file: the test split's seal."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check(item: EvalItem, where: str, article_texts: dict[str, str]) -> None:
    if item.category not in CATEGORIES:
        raise ChatbotError(f"{where}: unknown category {item.category!r} (one of {', '.join(CATEGORIES)})")
    unknown = [t for t in item.tags if t not in TAGS]
    if unknown:
        raise ChatbotError(f"{where}: unknown tag {unknown[0]!r} (one of {', '.join(TAGS)})")
    missing = [q for q in item.quotes if not any(q in text for text in article_texts.values())]
    if missing:
        raise ChatbotError(f"{where}: quote not found in any article: {missing[0][:60]!r}")
    if item.answerable and not (item.quotes and item.keywords):
        raise ChatbotError(f"{where}: an answerable item needs supporting quotes and keyword groups")
    if not item.answerable and (item.quotes or item.keywords):
        raise ChatbotError(f"{where}: an unanswerable item has no quotes or keywords")
    if any(not group or any(not k.strip() for k in group) for group in item.keywords):
        raise ChatbotError(f"{where}: empty keyword group or keyword")


def load_items(path: Path, article_texts: dict[str, str]) -> list[EvalItem]:
    """Read and check a JSONL question set: well-formed items whose quotes are exact substrings of an article."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ChatbotError(f"can't read the question set {path}: {exc.strerror}") from None
    items: list[EvalItem] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(line)
            item = EvalItem(**{k: data[k] for k in EvalItem.__dataclass_fields__ if k in data})
        except (json.JSONDecodeError, TypeError) as exc:
            raise ChatbotError(f"{where}: not a valid item ({exc})") from None
        _check(item, where, article_texts)
        items.append(item)
    if len({i.id for i in items}) != len(items):
        raise ChatbotError(f"{path}: item ids are not unique")
    return items
