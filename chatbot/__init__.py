"""Ask the Article: grounded, cited question answering over news articles, offline on a CPU.

The library is split along the flow: corpus → chunks → index → retrieve → answer → verify.
Names are imported on first use, so `chatbot ask` loads only what a question needs (a cold start is
mostly imports).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chatbot.answer import Chatbot
    from chatbot.errors import ChatbotError
    from chatbot.reply import Citation, Reply
    from chatbot.settings import Settings, get_settings
    from chatbot.startup import ensure_index, load_chatbot

__all__ = ["Chatbot", "ChatbotError", "Citation", "Reply", "Settings", "get_settings", "ensure_index", "load_chatbot"]

_HOMES = {"Chatbot": "chatbot.answer", "ChatbotError": "chatbot.errors", "Citation": "chatbot.reply", "Reply": "chatbot.reply",
          "Settings": "chatbot.settings", "get_settings": "chatbot.settings", "ensure_index": "chatbot.startup",
          "load_chatbot": "chatbot.startup"}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'chatbot' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
