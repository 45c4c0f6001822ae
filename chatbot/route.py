"""Routing: which text the model is shown for a question, between retrieval and the answer.

Why whole articles: the small model answers best, and fastest, from a whole article held as a fixed prompt prefix
whose KV state is cached (a turn prefills only the question). So the scope (the articles a reader chose, or the
whole library) is shown whole when it fits the context budget; otherwise retrieval picks the article its best
passages come from (or the question names someone only one article names) and that article is shown whole; only an
article too long for the budget is answered from
its retrieved passages. Either way a written answer may cite only sentences the model was shown (answer.py may
quote whole a retrieved sentence of an article not shown, which the model was asked about).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cached_property

from chatbot.chunks import Chunk
from chatbot.errors import ChatbotError
from chatbot.lexical import content_terms, name_words
from chatbot.retrieve import Passage

__all__ = ["Context", "Router"]

# An article's passage vote is multiplied by this plus the share (by rarity) of the question's words it contains.
_UNCOVERED_WEIGHT = 0.5


@dataclass(frozen=True)
class Context:
    """What the model is shown: `text` for the prompt, `chunks` the only evidence a written answer may cite; `whole`
    when they are whole articles (a fixed prefix, its state cached), not passages retrieved for this question."""

    text: str
    chunks: tuple[Chunk, ...]
    whole: bool

    @property
    def sources(self) -> list[str]:
        return sorted({c.source for c in self.chunks})

    def unshown(self, passages: Sequence[Passage]) -> list[Chunk]:
        """The retrieved chunks the model isn't shown: in a library, those of articles other than the one routed to."""
        shown = set(self.chunks)
        return [p.chunk for p in passages if p.chunk not in shown]


class Router:
    """Chooses the Context of a question from the indexed chunks (in reading order), within a token budget."""

    def __init__(self, chunks: Sequence[Chunk], count_tokens: Callable[[str], int], budget: int,
                 private: Callable[[str], bool] = lambda source: False, rarity: Callable[[str], float] = lambda term: 1.0,
                 common: Callable[[str], bool] = lambda word: False) -> None:
        self._private = private
        self._rarity = rarity
        self._common = common
        self._terms: dict[str, frozenset[str]] = {}
        self._articles: dict[str, list[Chunk]] = defaultdict(list)
        for chunk in chunks:
            self._articles[chunk.source].append(chunk)
        self._count_tokens = count_tokens
        self._budget = budget
        self._tokens: dict[str, int] = {}

    @property
    def sources(self) -> list[str]:
        """Every indexed article, private uploads included."""
        return sorted(self._articles)

    @property
    def library(self) -> list[str]:
        """The articles everyone may ask about: all but readers' private uploads."""
        return [s for s in self.sources if not self._private(s)]

    def title(self, source: str) -> str:
        """An article's first line (its headline), for pickers."""
        chunks = self._articles.get(source)
        first = chunks[0].text.strip().splitlines() if chunks else []
        return first[0][:120] if first else source

    def scope(self, sources: Collection[str] | None) -> list[str]:
        """The indexed sources a question may draw on: those asked for (each must be indexed), or the library."""
        if not sources:
            return self.library
        unknown = sorted(set(sources) - set(self._articles))
        if unknown:
            raise ChatbotError(f"not an indexed article: {', '.join(unknown)} (run `chatbot ingest PATH` to add it; "
                               f"indexed: {len(self._articles)} article(s))")
        return sorted(set(sources))

    def _size(self, source: str) -> int:
        if source not in self._tokens:
            self._tokens[source] = self._count_tokens("\n".join(c.text for c in self._articles[source]))
        return self._tokens[source]

    def whole(self, sources: Sequence[str]) -> Context | None:
        """`sources` shown whole (each headed by its name when there are several), or None past the budget."""
        total = 0
        for source in sources:  # stop at the budget: a library's articles needn't all be counted
            total += self._size(source)
            if total > self._budget:
                return None
        lines: list[str] = []
        chunks = [c for s in sorted(sources) for c in self._articles[s]]
        for chunk in chunks:
            if len(sources) > 1 and chunk.index == 0:
                lines.append(f"[{chunk.source}]")
            lines.append(chunk.text)
        return Context("\n".join(lines), tuple(chunks), True)

    def _held(self, source: str) -> frozenset[str]:
        """The content terms an article holds anywhere."""
        if source not in self._terms:
            self._terms[source] = frozenset(t for c in self._articles[source] for t in content_terms(c.text))
        return self._terms[source]

    def _coverage(self, source: str, weights: dict[str, float]) -> float:
        """The share of the question's words (`weights`: each word's rarity) that the article contains anywhere."""
        total, held = sum(weights.values()), self._held(source)
        return sum(w for t, w in weights.items() if t in held) / total if total else 0.0

    @cached_property
    def _named_by_one(self) -> dict[str, str]:
        """Each word that one article alone holds, and holds in an uncommon name ("Kenani", not "Washington"), with that
        article."""
        articles = Counter(term for source in self._articles for term in self._held(source))
        return {term: source for source in self._articles
                for word in name_words("\n".join(c.text for c in self._articles[source])) if not self._common(word)
                for term in content_terms(word) if articles[term] == 1 and term in self._held(source)}

    def ranked(self, passages: Sequence[Passage], terms: Collection[str] = (), within: Collection[str] | None = None) -> list[str]:
        """The articles `passages` come from, the one they point to most first; before them, the article (of those
        `within`, if given) that alone names someone or something the question's words (`terms`) name, if one does.

        Each article's vote is its passages' fused scores summed, times how much of the question's words (rare ones
        counting most) the article holds. Why: fusion keeps ranks, not strengths, so for "Who is Abul Ameer Thuaiban?"
        the one chunk naming him ties with a tennis article's list of player names that MiniLM puts near any "Who is
        X?", and two such list entries outvoted it; the article that names him is the one asked about. Why an uncommon
        name only one article gives settles it: a passage is a few sentences, and none of the article's held both names
        of "Did Thuaiban disagree with Kenani?", while a BBC report's passage on a disagreement matched best. With 500
        BBC articles beside the article, 16 of 384 questions about it (dev and probes) that name its people were sent
        elsewhere; with the rule none is, and no question is sent away from it. A common name ("Washington") doesn't
        count: in a small library one article alone may name it, and the question be about another.
        """
        votes: dict[str, float] = defaultdict(float)
        for passage in passages:
            votes[passage.chunk.source] += passage.score
        weights = {t: self._rarity(t) for t in terms}  # without terms every vote is halved alike
        ranked = sorted(votes, key=lambda s: -votes[s] * (_UNCOVERED_WEIGHT + self._coverage(s, weights)))
        named = {self._named_by_one[t] for t in terms if t in self._named_by_one}
        if len(named) == 1 and (within is None or not named.isdisjoint(within)):
            ranked = [*named, *(s for s in ranked if s not in named)]
        return ranked

    def article(self, passages: Sequence[Passage], terms: Collection[str] = (), within: Collection[str] | None = None) -> Context | None:
        """The article ranked first (see `ranked`), whole; None without one or past the budget."""
        ranked = self.ranked(passages, terms, within)
        return self.whole(ranked[:1]) if ranked else None

    def route(self, sources: Sequence[str], passages: Sequence[Passage], earlier: Sequence[Passage] = (),
              terms: Collection[str] = ()) -> Context:
        """The scope whole if it fits; else the article the retrieved passages (and `earlier`, those for the chat so far)
        point to most, given the question's words `terms`, whole if it fits; else the passages themselves."""
        context = self.whole(sources)
        if context is not None or not passages:
            return context or Context("", (), False)
        context = self.article([*passages, *earlier], terms, sources)
        if context is not None:
            return context
        ordered = sorted(passages, key=lambda p: (p.chunk.source, p.chunk.start))
        return Context("\n".join(f"[{p.chunk.source}] {p.chunk.text}" for p in ordered), tuple(p.chunk for p in ordered), False)
