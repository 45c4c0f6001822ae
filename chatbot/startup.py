"""Opening the product: make sure the index is current, then load the chatbot.

Why: every entry point (CLI, app, tests) needs the same "ingest first if missing or stale" rule.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from chatbot.answer import Chatbot
from chatbot.corpus import scan_corpus
from chatbot.embeddings import get_embeddings
from chatbot.errors import ChatbotError
from chatbot.index import Index
from chatbot.llm import build_chat_model
from chatbot.settings import Settings

__all__ = ["ensure_index", "load_chatbot"]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ensure_index(settings: Settings, log: Callable[[str], None] = _stderr) -> Index:
    """The index, ingesting the default corpus first when it is missing from it or changed since."""
    index = Index(settings)
    if settings.corpus_dir.is_dir():
        scan = scan_corpus([settings.corpus_dir])
        if not index.is_current(scan.articles):
            log(f"The index at {index.where} is missing or stale: ingesting {settings.corpus_dir}/ …")
            log(index.ingest([settings.corpus_dir], lambda texts: get_embeddings().embed_documents(texts), log).summary())
    if not index.manifest():
        raise ChatbotError(f"the index at {index.where} is empty: run `chatbot ingest` on a folder of articles")
    return index


def load_chatbot(settings: Settings, log: Callable[[str], None] = _stderr) -> Chatbot:
    """A ready chatbot over a current index, with the configured chat model."""
    index = ensure_index(settings, log)
    return Chatbot(settings, index, build_chat_model(settings))
