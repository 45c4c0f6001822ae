"""Checking what callers send (questions, chat history) and trimming history to a token budget.

Why here: the CLI, the app and the API all take the same inputs, and each bad one gets the same
one-line message instead of a traceback.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypedDict

from chatbot.errors import ChatbotError

__all__ = ["Message", "clean_question", "parse_history", "load_history", "trim_history"]


class Message(TypedDict):
    """One chat turn in the OpenAI / Gradio "messages" format."""

    role: str
    content: str


# A terminal escape sequence (ESC [ 2 J clears the screen; ESC ] … BEL sets a title): the whole sequence is noise, not
# only its ESC, and its printable tail ("[2J") at the end of a question sways the model's checks.
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


def _clean_text(text: str) -> str:
    """Whitespace controls become spaces; terminal escape sequences, other control characters and lone surrogates
    (bad UTF-8) go."""
    kept = (" " if c in "\n\t\r" else c for c in _ESCAPE.sub("", text))
    return "".join(c for c in kept if unicodedata.category(c) not in ("Cc", "Cs")).strip()


# Script/style blocks and HTML tags carry no question; the model reads them as noise and stalls.
_MARKUP = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|</?[A-Za-z][^<>]{0,300}>", re.IGNORECASE | re.DOTALL)


def clean_question(question: Any, max_chars: int) -> str:
    """The question as the bot reads it: control characters and HTML markup removed, spaces folded.
    A ChatbotError says what's wrong with an unusable one."""
    if not isinstance(question, str):
        raise ChatbotError("the question must be text")
    cleaned = " ".join(_MARKUP.sub(" ", _clean_text(question)).split())
    if not cleaned:
        raise ChatbotError("the question is empty: type a question about the article")
    if len(cleaned) > max_chars:
        raise ChatbotError(f"the question is too long ({len(cleaned):,} characters; the limit is {max_chars:,})")
    return cleaned


def _content_text(content: Any) -> str | None:
    """Plain text of a message's content: a string, or Gradio 6's list of {"type": "text", "text": ...} blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [b.get("text") if isinstance(b, dict) else b for b in content]
        if all(isinstance(t, str) for t in texts):
            return " ".join(texts)  # type: ignore[arg-type]
    if isinstance(content, dict) and isinstance(content.get("text"), str):
        return str(content["text"])
    return None


def parse_history(data: Any) -> list[Message]:
    """Validate a chat history: a list of {"role": "user"|"assistant", "content": str} messages."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise ChatbotError('history must be a JSON list of {"role": "user"|"assistant", "content": "..."} messages')
    messages: list[Message] = []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict) or "role" not in item or "content" not in item:
            raise ChatbotError(f"history message {number} must be an object with 'role' and 'content'")
        if item["role"] not in ("user", "assistant"):
            raise ChatbotError(f"history message {number} has unknown role {str(item['role'])[:40]!r} (use 'user' or 'assistant')")
        text = _content_text(item["content"])
        if text is None:
            raise ChatbotError(f"history message {number}: content must be text")
        messages.append(Message(role=item["role"], content=_clean_text(text)))
    return messages


def load_history(path: Path) -> list[Message]:
    """Read a --history file: a JSON list of messages."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ChatbotError(f"history file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ChatbotError(f"history file {path} can't be read as UTF-8 text ({exc})") from None
    try:
        data = json.loads(raw) if raw.strip() else []
    except json.JSONDecodeError as exc:
        raise ChatbotError(f"history file {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    return parse_history(data)


def trim_history(messages: list[Message], budget: int, count_tokens: Callable[[str], int]) -> list[Message]:
    """The most recent messages whose content fits in `budget` tokens (whole messages only)."""
    kept: list[Message] = []
    used = 0
    for message in reversed(messages):
        cost = count_tokens(message["content"]) + 4
        if used + cost > budget:
            break
        kept.append(message)
        used += cost
    return list(reversed(kept))
