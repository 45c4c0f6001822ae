"""Opening the product: make sure the index is current, then load the chatbot.

Why: every entry point (CLI, app, tests) needs the same "ingest first if missing or stale" rule.
Why imports inside the functions: a cold `chatbot ask` is mostly imports and model loading, and
llama.cpp maps the weights in C (about a second, the GIL released) while Python imports Chroma and
LangChain; the two overlap only if neither has happened when `load_chatbot` starts.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from chatbot.errors import ChatbotError
from chatbot.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from chatbot.answer import Chatbot
    from chatbot.index import Index

__all__ = ["ensure_index", "load_chatbot"]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ensure_index(settings: Settings, log: Callable[[str], None] = _stderr) -> Index:
    """The index, ingesting the default corpus first when it is missing from it or changed since."""
    from chatbot.corpus import scan_corpus
    from chatbot.embeddings import get_embeddings
    from chatbot.index import Index

    index = Index(settings)
    if settings.corpus_dir.is_dir():
        scan = scan_corpus([settings.corpus_dir])
        if not index.is_current(scan.articles):
            log(f"The index at {index.where} is missing or stale: ingesting {settings.corpus_dir}/ …")
            log(index.ingest([settings.corpus_dir], lambda texts: get_embeddings().embed_documents(texts), log).summary())
    if not index.manifest():
        raise ChatbotError(f"the index at {index.where} is empty: run `chatbot ingest` on a folder of articles")
    return index


def _chat_model(settings: Settings) -> BaseChatModel:
    from chatbot.llm import build_chat_model

    return build_chat_model(settings)


def load_chatbot(settings: Settings, log: Callable[[str], None] = _stderr) -> Chatbot:
    """A ready chatbot over a current index, with the configured chat model (loaded alongside the index)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="load-model") as pool:
        model = pool.submit(_chat_model, settings)
        from chatbot.answer import Chatbot

        index = ensure_index(settings, log)
        return Chatbot(settings, index, model.result())
