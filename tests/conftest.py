"""Shared fixtures: a real chatbot over the real article (session-wide: loading models costs seconds)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatbot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "corpus" / "iraq-militias-israel.txt"


def fake_embed(texts: list[str]) -> list[list[float]]:
    """A tiny deterministic embedding for index tests that don't judge retrieval quality."""
    return [[float(len(t) % 7 + 1), float(sum(map(ord, t)) % 11 + 1), 1.0] for t in texts]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path / "corpus", cache_dir=Settings().cache_dir)


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(index_dir=tmp_path_factory.mktemp("index"), corpus_dir=ROOT / "corpus")


@pytest.fixture(scope="session")
def bot(real_settings: Settings):  # type: ignore[no-untyped-def]
    from chatbot.startup import load_chatbot

    return load_chatbot(real_settings)


@pytest.fixture(scope="session")
def eval_items() -> list[dict]:
    return [json.loads(line) for line in (ROOT / "evals" / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
