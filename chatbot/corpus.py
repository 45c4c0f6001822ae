"""Finding and reading articles: the first stage of the flow.

Why a stage of its own: bad files (non-UTF-8, empty) are reported here, one line each, so that the
index never sees them and a bad file never damages what is already indexed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from chatbot.errors import ChatbotError

__all__ = ["Article", "CorpusScan", "scan_corpus", "source_id", "ARTICLE_SUFFIXES"]

ARTICLE_SUFFIXES = (".txt", ".md")


@dataclass(frozen=True)
class Article:
    """One article: `source` is its stable id (path relative to the working directory)."""

    source: str
    text: str
    sha256: str


@dataclass
class CorpusScan:
    """What a scan found: readable articles, skipped files (source -> why), and the folders scanned."""

    articles: list[Article]
    skipped: dict[str, str]
    folders: list[str]


def source_id(path: Path) -> str:
    """A cwd-relative POSIX path (absolute when outside), so citations name a file a reader can open."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def _problem(path: Path) -> tuple[str, str]:
    """The file's text, or an empty string and why it can't be used."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return "", f"not UTF-8 text (bad byte at {exc.start}); convert it to UTF-8 and ingest again"
    except OSError as exc:
        return "", f"can't be read ({exc.strerror})"
    return text, "" if text.strip() else "empty article"


def scan_corpus(paths: Sequence[Path]) -> CorpusScan:
    """Read every .txt/.md article under `paths` (files or folders); skip, with a reason, what can't be used."""
    files: list[Path] = []
    folders: list[str] = []
    for path in paths:
        if path.is_dir():
            folders.append(source_id(path))
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files.extend(Path(root) / n for n in sorted(names) if n.endswith(ARTICLE_SUFFIXES) and not n.startswith("."))
        elif path.is_file():
            files.append(path)
        else:
            raise ChatbotError(f"corpus path not found: {path}")
    if not files:
        raise ChatbotError(f"no .txt or .md articles found in {', '.join(map(str, paths))}")
    articles: list[Article] = []
    skipped: dict[str, str] = {}
    for file in files:
        text, problem = _problem(file)
        if problem:
            skipped[source_id(file)] = problem
        else:
            articles.append(Article(source_id(file), text, hashlib.sha256(text.encode("utf-8")).hexdigest()))
    return CorpusScan(articles, skipped, folders)
