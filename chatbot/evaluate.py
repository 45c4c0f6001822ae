"""The eval suite runner: every item through our pipeline (and the textbook baseline), scored and reported.

Why here and not in evals/: `chatbot eval` is part of the product (evaluators point it at their own
article, question set and backend by configuration); evals/ holds the data and the thresholds.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from chatbot.chunks import split_sentences
from chatbot.errors import ChatbotError
from chatbot.metrics import Support, first_hit_rank, keyword_match, percentile, quote_recall, token_f1
from chatbot.reply import Reply

__all__ = ["EvalItem", "ItemResult", "load_items", "run_pipeline", "summarise", "check_thresholds", "write_outputs",
           "CATEGORIES", "METRICS"]

CATEGORIES = ("fact", "paraphrase", "synthesis", "follow-up", "unanswerable", "adversarial")
METRICS = ("retrieval_recall", "mrr", "answer_correct", "token_f1", "semantic_similarity", "citation_recall",
           "citation_precision", "faithfulness", "refusal_precision", "refusal_recall", "latency_p50_s", "latency_p95_s")
Ask = Callable[[str, list[dict[str, str]]], Reply]


@dataclass(frozen=True)
class EvalItem:
    """One question of the set: earlier turns, a reference answer, exact supporting quotes, a category."""

    id: str
    category: str
    question: str
    reference: str
    quotes: list[str]
    answerable: bool
    history: list[dict[str, str]] = field(default_factory=list)
    keywords: list[list[str]] = field(default_factory=list)


@dataclass
class ItemResult:
    """How one pipeline did on one item."""

    id: str
    category: str
    pipeline: str
    question: str
    reference: str
    answer: str
    refused: bool
    answerable: bool
    answer_correct: float | None
    token_f1: float | None
    semantic_similarity: float | None
    retrieval_recall: float | None
    reciprocal_rank: float | None
    citation_recall: float | None
    citation_precision: float | None
    faithfulness: float | None
    latency_s: float
    contexts: list[str]


def load_items(path: Path, article_texts: dict[str, str]) -> list[EvalItem]:
    """Read and check a JSONL question set: well-formed items whose quotes are exact substrings of an article."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ChatbotError(f"can't read the question set {path}: {exc.strerror}") from None
    items: list[EvalItem] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            item = EvalItem(**{k: data[k] for k in EvalItem.__dataclass_fields__ if k in data})
        except (json.JSONDecodeError, TypeError) as exc:
            raise ChatbotError(f"{path}:{number}: not a valid item ({exc})") from None
        if item.category not in CATEGORIES:
            raise ChatbotError(f"{path}:{number}: unknown category {item.category!r} (one of {', '.join(CATEGORIES)})")
        missing = [q for q in item.quotes if not any(q in text for text in article_texts.values())]
        if missing:
            raise ChatbotError(f"{path}:{number}: quote not found in any article: {missing[0][:60]!r}")
        if item.answerable and not item.quotes:
            raise ChatbotError(f"{path}:{number}: an answerable item needs at least one supporting quote")
        items.append(item)
    return items


def _quote_spans(item: EvalItem, article_texts: dict[str, str]) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = {}
    for quote in item.quotes:
        for source, text in article_texts.items():
            if quote in text:
                start = text.index(quote)
                spans.setdefault(source, []).append((start, start + len(quote)))
    return spans


def _statements(reply: Reply, per_sentence_markers: bool) -> list[tuple[str, list[str]]]:
    """Answer sentences with the passages each cites (a pipeline without markers cites all it retrieved)."""
    texts = {c.n: c.text for c in reply.citations}
    statements = []
    for sentence in split_sentences(reply.answer):
        if per_sentence_markers:
            cited = [texts[int(n)] for n in dict.fromkeys(re.findall(r"\[(\d+)\]", sentence.text)) if int(n) in texts]
        else:
            cited = list(texts.values())
        statements.append((re.sub(r"\s*\[\d+\]", "", sentence.text), cited))
    return statements


def score_item(item: EvalItem, reply: Reply, pipeline: str, support: Support, article_texts: dict[str, str],
               per_sentence_markers: bool) -> ItemResult:
    """All per-item scores; None where a metric does not apply to the item."""
    answered_answerable = item.answerable and not reply.refused
    quotes = _quote_spans(item, article_texts)
    retrieved = [(p.start, p.end) for p in reply.retrieved if p.source in quotes]
    all_quotes = [q for spans in quotes.values() for q in spans]
    rank = first_hit_rank([(p.start, p.end) if p.source in quotes else (-2, -1) for p in reply.retrieved], all_quotes)
    statements = _statements(reply, per_sentence_markers) if not reply.refused else []
    citation_recall, citation_precision = support.citation_scores(statements, item.question) if statements else (None, None)
    union = " ".join(c.text for c in reply.citations)
    faithfulness = _mean([float(support.citation_scores([(s, [union])], item.question)[0]) for s, _ in statements])
    if item.answerable:
        correct = keyword_match(reply.answer, item.keywords) if item.keywords else token_f1(reply.answer, item.reference) >= 0.5
        correct = correct and answered_answerable
    else:
        correct = reply.refused
    return ItemResult(
        id=item.id, category=item.category, pipeline=pipeline, question=item.question, reference=item.reference,
        answer=reply.answer, refused=reply.refused, answerable=item.answerable, answer_correct=float(correct),
        token_f1=token_f1(reply.answer, item.reference) if item.answerable else None,
        semantic_similarity=(support.similarity(reply.answer, item.reference) if answered_answerable else 0.0) if item.answerable else None,
        retrieval_recall=quote_recall(retrieved, all_quotes) if all_quotes else None,
        reciprocal_rank=(1.0 / rank if rank else 0.0) if all_quotes else None,
        citation_recall=citation_recall, citation_precision=citation_precision, faithfulness=faithfulness,
        latency_s=reply.timings.get("total_s", 0.0), contexts=[p.text for p in reply.retrieved])


def run_pipeline(name: str, ask: Ask, items: Sequence[EvalItem], support: Support, article_texts: dict[str, str],
                 per_sentence_markers: bool) -> list[ItemResult]:
    """Ask every item, with a progress bar on stderr."""
    from tqdm import tqdm

    results = []
    for item in tqdm(items, desc=f"eval {name}", unit="q", file=sys.stderr, dynamic_ncols=True):
        reply = ask(item.question, item.history)
        results.append(score_item(item, reply, name, support, article_texts, per_sentence_markers))
    return results


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _aggregate(results: Sequence[ItemResult]) -> dict[str, float | None]:
    refused = [r for r in results if r.refused]
    unanswerable = [r for r in results if not r.answerable]
    latencies = [r.latency_s for r in results]
    return {
        "items": float(len(results)),
        "retrieval_recall": _mean([r.retrieval_recall for r in results]),
        "mrr": _mean([r.reciprocal_rank for r in results]),
        "answer_correct": _mean([r.answer_correct for r in results if r.answerable]),
        "token_f1": _mean([r.token_f1 for r in results]),
        "semantic_similarity": _mean([r.semantic_similarity for r in results]),
        "citation_recall": _mean([r.citation_recall for r in results]),
        "citation_precision": _mean([r.citation_precision for r in results]),
        "faithfulness": _mean([r.faithfulness for r in results]),
        "refusal_precision": sum(not r.answerable for r in refused) / len(refused) if refused else None,
        "refusal_recall": sum(r.refused for r in unanswerable) / len(unanswerable) if unanswerable else None,
        "latency_p50_s": percentile(latencies, 50),
        "latency_p95_s": percentile(latencies, 95),
    }


def summarise(results: Sequence[ItemResult]) -> dict[str, dict[str, dict[str, float | None]]]:
    """pipeline → ("overall" | category) → metric → value."""
    summary: dict[str, dict[str, dict[str, float | None]]] = {}
    for pipeline in dict.fromkeys(r.pipeline for r in results):
        mine = [r for r in results if r.pipeline == pipeline]
        summary[pipeline] = {"overall": _aggregate(mine)}
        for category in CATEGORIES:
            in_category = [r for r in mine if r.category == category]
            if in_category:
                summary[pipeline][category] = _aggregate(in_category)
    return summary


def check_thresholds(overall: dict[str, float | None], thresholds_file: Path) -> list[str]:
    """The metrics below their floor (or latencies above their ceiling) in the thresholds file."""
    config = tomllib.loads(thresholds_file.read_text(encoding="utf-8"))
    failures = []
    for metric, floor in config.get("min", {}).items():
        value = overall.get(metric)
        if value is None or value < floor:
            failures.append(f"{metric} = {value if value is None else round(value, 3)} < {floor}")
    for metric, ceiling in config.get("max", {}).items():
        value = overall.get(metric)
        if value is None or value > ceiling:
            failures.append(f"{metric} = {value if value is None else round(value, 3)} > {ceiling}")
    return failures


def _fmt(value: float | None, metric: str) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}" if metric.endswith("_s") else f"{100 * value:.1f}"


def _report(summary: dict[str, dict[str, dict[str, float | None]]], failures: list[str]) -> str:
    lines = ["# Eval report", "", "Scores in % (latencies in seconds). `–`: the metric does not apply.", ""]
    pipelines = list(summary)
    lines += ["## Overall, side by side", "", "| metric | " + " | ".join(pipelines) + " |", "|---|" + "---|" * len(pipelines)]
    for metric in METRICS:
        lines.append(f"| {metric} | " + " | ".join(_fmt(summary[p]["overall"].get(metric), metric) for p in pipelines) + " |")
    for pipeline in pipelines:
        categories = [c for c in summary[pipeline] if c != "overall"]
        lines += ["", f"## {pipeline}: by category", "", "| metric | " + " | ".join(categories) + " |", "|---|" + "---|" * len(categories)]
        for metric in METRICS:
            lines.append(f"| {metric} | " + " | ".join(_fmt(summary[pipeline][c].get(metric), metric) for c in categories) + " |")
    lines += ["", "## Gate", "", *(f"- FAIL {f}" for f in failures)] if failures else ["", "## Gate", "", "All thresholds met."]
    lines += ["", "Citation recall/precision follow ALCE (Gao et al. 2023); support is judged by the documented "
              "embedding/lexical proxy in `chatbot/metrics.py`, for every pipeline alike."]
    return "\n".join(lines) + "\n"


def _chart(summary: dict[str, dict[str, dict[str, float | None]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = ["retrieval_recall", "answer_correct", "citation_recall", "citation_precision", "faithfulness", "refusal_recall"]
    pipelines = list(summary)
    figure, axes = plt.subplots(1, len(pipelines), figsize=(7 * len(pipelines), 4.5), squeeze=False)
    for axis, pipeline in zip(axes[0], pipelines):
        groups = [c for c in ["overall", *CATEGORIES] if c in summary[pipeline]]
        width = 0.8 / len(shown)
        for i, metric in enumerate(shown):
            values = [100 * (summary[pipeline][g].get(metric) or 0.0) for g in groups]
            axis.bar([x + i * width for x in range(len(groups))], values, width, label=metric)
        axis.set_xticks([x + 0.4 - width / 2 for x in range(len(groups))], groups, rotation=20)
        axis.set_ylim(0, 105)
        axis.set_title(pipeline)
    axes[0][0].set_ylabel("%")
    axes[0][-1].legend(fontsize=7, loc="lower right")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write_outputs(results: Sequence[ItemResult], summary: dict[str, Any], failures: list[str], out_dir: Path) -> None:
    """report.md, results.json (per item), summary.json, metrics.png, and ragas-<pipeline>.jsonl in `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.md").write_text(_report(summary, failures), encoding="utf-8")
    (out_dir / "results.json").write_text(json.dumps([asdict(r) for r in results], indent=1, ensure_ascii=False), encoding="utf-8")
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    _chart(summary, out_dir / "metrics.png")
    for pipeline in summary:
        with (out_dir / f"ragas-{pipeline}.jsonl").open("w", encoding="utf-8") as handle:
            for r in results:
                if r.pipeline == pipeline:
                    handle.write(json.dumps({"question": r.question, "answer": r.answer, "contexts": r.contexts,
                                             "ground_truth": r.reference}, ensure_ascii=False) + "\n")
