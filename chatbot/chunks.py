"""Sentence-aligned chunks with exact character offsets into the source text.

Why sentences: citations point at the supporting sentence, not a whole chunk, and a chunk never cuts
one. Offsets are kept so that `source_text[start:end] == text` holds for every span we produce.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chatbot.corpus import Article

__all__ = ["Span", "Chunk", "split_sentences", "chunk_article"]

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace.
_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "col", "lt", "sgt", "rep", "sen", "gov",
                  "vs", "etc", "inc", "ltd", "co", "corp", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
                  "sep", "sept", "oct", "nov", "dec", "e.g", "i.e", "u.s", "u.k", "u.n", "a.m", "p.m"}


@dataclass(frozen=True)
class Span:
    """A piece of a source text: `text == source_text[start:end]`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Chunk:
    """A few whole sentences of one article, with their place in it."""

    source: str
    index: int
    start: int
    end: int
    text: str

    @property
    def id(self) -> str:
        return f"{self.source}::{self.index}"


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([A-Za-z.]+)$", text[:dot])
    if not word:
        return False
    token = word.group(1).lower().strip(".")
    return token in _ABBREVIATIONS or (len(token) == 1 and text[dot] == ".")


def _line_sentences(text: str, start: int, end: int) -> list[Span]:
    spans: list[Span] = []
    cursor = start
    for match in _END.finditer(text, start, end):
        following = text[match.end():end].lstrip()
        if following and not (following[0].isupper() or following[0].isdigit() or following[0] in "\"'“‘(["):
            continue
        if text[match.start()] == "." and _is_abbreviation(text, match.start()):
            continue
        spans.append(Span(cursor, match.end(), text[cursor:match.end()]))
        cursor = match.end()
        while cursor < end and text[cursor].isspace():
            cursor += 1
    if cursor < end:
        spans.append(Span(cursor, end, text[cursor:end]))
    return spans


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Sentences of `text` (a line break always ends one), offsets shifted by `offset`."""
    spans: list[Span] = []
    for line in re.finditer(r"[^\n]+", text):
        stripped = line.group().strip()
        if not stripped:
            continue
        start = line.start() + line.group().index(stripped)
        for span in _line_sentences(text, start, start + len(stripped)):
            spans.append(Span(span.start + offset, span.end + offset, span.text))
    return spans


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Blocks separated by blank lines, as (start, end) with surrounding whitespace trimmed."""
    blocks = []
    for match in re.finditer(r"\S(?:.|\n(?![ \t]*\n))*", text):
        blocks.append((match.start(), match.start() + len(match.group().rstrip())))
    return blocks


def chunk_article(article: Article, max_sentences: int = 3, max_chars: int = 600) -> list[Chunk]:
    """Group each paragraph's sentences into balanced chunks of at most `max_sentences` / `max_chars`."""
    text = article.text
    chunks: list[Chunk] = []
    for p_start, p_end in _paragraphs(text):
        sentences = split_sentences(text[p_start:p_end], p_start)
        groups: list[list[Span]] = []
        if sentences:
            n_groups = -(-len(sentences) // max_sentences)
            size = -(-len(sentences) // n_groups)
            for i in range(0, len(sentences), size):
                group: list[Span] = []
                for span in sentences[i:i + size]:
                    if group and span.end - group[0].start > max_chars:
                        groups.append(group)
                        group = []
                    group.append(span)
                groups.append(group)
        for group in groups:
            start, end = group[0].start, group[-1].end
            chunks.append(Chunk(article.source, len(chunks), start, end, text[start:end]))
    return chunks
