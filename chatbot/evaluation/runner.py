"""The eval runner: every item through a pipeline, scored, then summarised with bootstrap intervals.

Why here and not in evals/: `chatbot eval` is part of the product (evaluators point it at their own
article, question set and backend by configuration); evals/ holds the data, splits and thresholds.
Every pipeline is scored by the same code: refusals by `scoring.is_refusal` on the final answer text,
support by the independent `SupportJudge`, never by the product's own verifier.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from chatbot.chunks import split_sentences
from chatbot.evaluation.items import CATEGORIES, EvalItem
from chatbot.evaluation.judge import SupportJudge
from chatbot.evaluation.scoring import cites_gold, first_hit_rank, is_refusal, keyword_match, quote_recall, strip_markers, token_f1
from chatbot.evaluation.stats import bootstrap_interval, paired_difference, percentile
from chatbot.reply import Reply

__all__ = ["ItemResult", "Scorer", "run_pipeline", "summarise", "check_thresholds", "evenly_spaced", "METRICS"]

Ask = Callable[[str, list[dict[str, str]]], Reply]
METRICS = ("answer_correct", "false_refusal_rate", "refusal_recall", "refusal_precision", "gold_citation", "citation_recall",
           "citation_precision", "faithfulness", "retrieval_recall", "mrr", "token_f1", "semantic_similarity",
           "latency_p50_s", "latency_p95_s")
Cell = dict[str, Any]  # {"value", "ci"[, "significant"]}
Table = dict[str, Cell]  # metric → cell
Summary = dict[str, dict[str, dict[str, Table]]]  # split → pipeline → "overall" | category → table


@dataclass
class ItemResult:
    """How one pipeline did on one item; None where a metric does not apply."""

    id: str
    split: str
    category: str
    pipeline: str
    question: str
    reference: str
    answer: str
    refused: bool
    answerable: bool
    answer_correct: float
    latency_s: float
    tags: list[str] = field(default_factory=list)
    token_f1: float | None = None
    semantic_similarity: float | None = None
    retrieval_recall: float | None = None
    reciprocal_rank: float | None = None
    gold_citation: float | None = None
    citation_recall: float | None = None
    citation_precision: float | None = None
    faithfulness: float | None = None
    contexts: list[str] = field(default_factory=list)


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


class Scorer:
    """Scores replies against items: strict keywords, gold citations, and judge-based ALCE scores."""

    def __init__(self, judge: SupportJudge, embeddings: Embeddings, article_texts: dict[str, str]) -> None:
        self.judge = judge
        self._embeddings = embeddings
        self._texts = article_texts

    def _quote_spans(self, item: EvalItem) -> list[tuple[str, int, int]]:
        spans = []
        for quote in item.quotes:
            for source, text in self._texts.items():
                start = text.find(quote)
                if start >= 0:
                    spans.append((source, start, start + len(quote)))
        return spans

    @staticmethod
    def statements(reply: Reply, per_sentence_markers: bool) -> list[tuple[str, list[str]]]:
        """Answer sentences (markers removed) with the passages each cites; a pipeline without markers cites
        all its citations for every sentence. A sentence that says the article doesn't answer (part of a question)
        claims nothing to cite: like a whole refusal it is scored by the refusal metrics, not as an unsupported claim."""
        texts = {c.n: c.text for c in reply.citations}
        statements = []
        for sentence in split_sentences(" ".join(reply.answer.split())):
            if per_sentence_markers:
                cited = [texts[int(n)] for n in dict.fromkeys(re.findall(r"\[(\d+)\]", sentence.text)) if int(n) in texts]
            else:
                cited = list(texts.values())
            text = strip_markers(sentence.text)
            if text.strip(" .") and not is_refusal(text):
                statements.append((text, cited))
        return statements

    def citation_scores(self, statements: Sequence[tuple[str, Sequence[str]]], question: str
                        ) -> tuple[float, float | None, list[bool]]:
        """ALCE citation recall and precision (Gao et al. 2023), support decided by the judge; and which
        statements their citations support.

        Recall: a statement is supported by its citations together. Precision: a citation counts when its
        statement is supported and the citation alone supports it, or removing it breaks the support.
        """
        supported: list[bool] = []
        needed, total = 0, 0
        for statement, passages in statements:
            together = self.judge.supports(statement, passages, question)
            supported.append(together)
            for i, passage in enumerate(passages):
                total += 1
                rest = [p for j, p in enumerate(passages) if j != i]
                if together and (self.judge.supports(statement, [passage], question)
                                 or not (rest and self.judge.supports(statement, rest, question))):
                    needed += 1
        return sum(supported) / len(statements), (needed / total if total else None), supported

    def faithfulness(self, statements: Sequence[tuple[str, Sequence[str]]], question: str, cited_support: Sequence[bool]) -> float:
        """Share of answer sentences the article itself states, cited or not: the same test for every pipeline.

        A sentence its citations support is stated (citations are passages of the article); any other is
        judged on the article's sentences closest to it.
        """
        articles = list(self._texts.values())
        return sum(cited or self.judge.supports(s, articles, question)
                   for (s, _), cited in zip(statements, cited_support)) / len(statements)

    def _similarity(self, a: str, b: str) -> float:
        vectors = self._embeddings.embed_documents([a, b])
        return float(np.dot(vectors[0], vectors[1]))

    def score(self, item: EvalItem, reply: Reply, pipeline: str, split: str, per_sentence_markers: bool) -> ItemResult:
        refused = is_refusal(reply.answer)
        answered = item.answerable and not refused
        quotes = self._quote_spans(item)
        gold_sources = {q[0] for q in quotes}
        spans = [(q[1], q[2]) for q in quotes]
        retrieved = [(p.start, p.end) if p.source in gold_sources else (-2, -1) for p in reply.retrieved]
        rank = first_hit_rank(retrieved, spans)
        correct = answered and keyword_match(reply.answer, item.keywords) if item.answerable else refused
        result = ItemResult(id=item.id, split=split, category=item.category, tags=list(item.tags), pipeline=pipeline,
                            question=item.question, reference=item.reference, answer=reply.answer, refused=refused,
                            answerable=item.answerable, answer_correct=float(correct), latency_s=reply.timings.get("total_s", 0.0),
                            contexts=[p.text for p in reply.retrieved])
        if item.answerable:
            result.token_f1 = token_f1(reply.answer, item.reference)
            result.semantic_similarity = self._similarity(strip_markers(reply.answer), item.reference) if answered else 0.0
            result.retrieval_recall = quote_recall([r for r in retrieved if r[0] >= 0], spans)
            result.reciprocal_rank = 1.0 / rank if rank else 0.0
        if answered:
            result.gold_citation = float(cites_gold([(c.source, c.start, c.end) for c in reply.citations], quotes))
        statements = self.statements(reply, per_sentence_markers) if not refused else []
        if statements:
            result.citation_recall, result.citation_precision, cited_support = self.citation_scores(statements, item.question)
            result.faithfulness = self.faithfulness(statements, item.question, cited_support)
        return result


def run_pipeline(name: str, ask: Ask, items: Sequence[EvalItem], scorer: Scorer, split: str,
                 per_sentence_markers: bool) -> list[ItemResult]:
    """Ask every item (with its earlier turns), then score the replies, with progress bars on stderr.

    Why in two passes: the judge's calls then run back to back, reusing the model's cached prompt prefix.
    """
    from tqdm import tqdm

    replies = [ask(item.question, item.history)
               for item in tqdm(items, desc=f"ask {name} ({split})", unit="q", file=sys.stderr, dynamic_ncols=True)]
    return [scorer.score(item, reply, name, split, per_sentence_markers)
            for item, reply in tqdm(list(zip(items, replies)), desc=f"score {name} ({split})", unit="q", file=sys.stderr,
                                    dynamic_ncols=True)]


def evenly_spaced(items: Sequence[EvalItem], count: int) -> list[EvalItem]:
    """`count` items spread over the whole set (so every category is in a slice), in order."""
    if count <= 0 or count >= len(items):
        return list(items)
    return [items[i] for i in sorted({round(i) for i in np.linspace(0, len(items) - 1, count)})]


def _metric(results: Sequence[ItemResult], metric: str) -> float | None:
    answerable = [r for r in results if r.answerable]
    if metric == "answer_correct":
        return _mean([r.answer_correct for r in answerable])
    if metric == "false_refusal_rate":
        return _mean([float(r.refused) for r in answerable])
    if metric == "refusal_recall":
        return _mean([float(r.refused) for r in results if not r.answerable])
    if metric == "refusal_precision":
        return _mean([float(not r.answerable) for r in results if r.refused])
    if metric == "mrr":
        return _mean([r.reciprocal_rank for r in results])
    if metric.startswith("latency_p"):
        return percentile([r.latency_s for r in results], float(metric[len("latency_p"):-2])) if results else None
    return _mean([getattr(r, metric) for r in results])


def _describe(results: Sequence[ItemResult]) -> Table:
    """metric → {value, ci, n}."""
    described: Table = {"items": {"value": len(results)}}
    for metric in METRICS:
        value = _metric(results, metric)
        ci = None if metric.startswith("latency") or value is None else \
            bootstrap_interval(results, lambda sample, m=metric: _metric(sample, m))  # type: ignore[misc]
        described[metric] = {"value": value, "ci": ci}
    return described


def _compare(ours: Sequence[ItemResult], theirs: Sequence[ItemResult]) -> Table:
    """ours − baseline on the items both answered, with paired bootstrap intervals."""
    by_id = {r.id: r for r in theirs}
    pairs = [(r, by_id[r.id]) for r in ours if r.id in by_id]
    compared: Table = {"items": {"value": len(pairs)}}
    for metric in METRICS:
        if metric.startswith("latency"):
            continue
        difference, ci = paired_difference(pairs, lambda sample, m=metric: _metric(sample, m))  # type: ignore[misc]
        compared[metric] = {"value": difference, "ci": ci, "significant": bool(ci and (ci[0] > 0 or ci[1] < 0))}
    return compared


def summarise(results: Sequence[ItemResult]) -> Summary:
    """split → pipeline (and "ours-minus-baseline") → "overall" | category → metric → {value, ci}."""
    summary: Summary = {}
    for split in dict.fromkeys(r.split for r in results):
        summary[split] = {}
        in_split = [r for r in results if r.split == split]
        for pipeline in dict.fromkeys(r.pipeline for r in in_split):
            mine = [r for r in in_split if r.pipeline == pipeline]
            summary[split][pipeline] = {"overall": _describe(mine)}
            for category in CATEGORIES:
                in_category = [r for r in mine if r.category == category]
                if in_category:
                    summary[split][pipeline][category] = _describe(in_category)
        ours = [r for r in in_split if r.pipeline == "ours"]
        theirs = [r for r in in_split if r.pipeline == "baseline"]
        if ours and theirs:
            summary[split]["ours-minus-baseline"] = {"overall": _compare(ours, theirs)}
    return summary


def check_thresholds(summary: Summary, thresholds_file: Path) -> list[str]:
    """Our metrics below their floor (or above their ceiling), for each split the file names and the run has."""
    config = tomllib.loads(thresholds_file.read_text(encoding="utf-8"))
    failures = []
    for split, limits in config.items():
        overall = summary.get(split, {}).get("ours", {}).get("overall")
        if not isinstance(limits, dict) or overall is None:
            continue
        for kind, sign in (("min", 1), ("max", -1)):
            for metric, bound in limits.get(kind, {}).items():
                value = overall.get(metric, {}).get("value")
                if value is None or sign * (value - bound) < 0:
                    shown = value if value is None else round(value, 3)
                    failures.append(f"{split} {metric} = {shown} {'<' if sign > 0 else '>'} {bound}")
    return failures
