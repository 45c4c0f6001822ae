"""The eval report: Markdown with intervals, per-item JSON, a chart, and RAGAS-shaped exports.

Why every figure carries its interval: a reader should see at a glance which differences between
pipelines or runs the ~60 questions of a split can actually tell apart.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from chatbot.evaluation.items import CATEGORIES
from chatbot.evaluation.runner import METRICS, Cell, ItemResult, Summary

__all__ = ["render_report", "write_outputs", "LIMITS"]

LIMITS = ("What these numbers cannot see: keyword groups check that an answer names the right facts, not that it is "
          "well written or complete beyond them; the support judge is the same 1.5B model family as the product (its "
          "accuracy on the hand-labelled calibration pairs is printed above, and it is not perfect on role swaps and "
          "overstatements); gold-passage citation only knows the passages the set's authors marked, so an answer "
          "correctly cited elsewhere counts as a miss; the splits are small (intervals of ±10 points are normal) and "
          "written from one article, so they say little about other articles, other languages or long conversations.")


def _fmt(cell: Cell | None, metric: str, signed: bool = False) -> str:
    if not cell or cell.get("value") is None:
        return "–"
    value = float(cell["value"])
    if metric.endswith("_s"):
        return f"{value:.2f}"
    text = f"{100 * value:+.1f}" if signed else f"{100 * value:.1f}"
    ci = cell.get("ci")
    if ci:
        low, high = ci
        text += f" [{100 * low:.0f}, {100 * high:.0f}]"
    if cell.get("significant"):
        text += " *"
    return text


def render_report(summary: Summary, failures: list[str], calibration: dict[str, Any] | None,
                  pairs: dict[str, Any] | None = None, library: dict[str, Any] | None = None) -> str:
    """The Markdown report."""
    lines = ["# Eval report", "", "Scores in % with 95% bootstrap intervals [low, high]; latencies in seconds; `–`: does not apply.",
             "`*` in the difference column: the paired bootstrap interval excludes 0 (a significant difference).", ""]
    if library:
        lines += [f"Corpus: the article and {library['distractors']} distractor articles from `{library['folder']}` "
                  f"({library['articles']} articles, {library['chunks']} chunks; ingest {library['ingest']}); "
                  f"peak memory of the eval process {library['peak_rss_mb']:.0f} MB.", ""]
    for split, pipelines in summary.items():
        names = [p for p in pipelines if p != "ours-minus-baseline"]
        header = names + (["ours − baseline"] if "ours-minus-baseline" in pipelines else [])
        counts = ", ".join(f"{p} {pipelines[p]['overall']['items']['value']} items" for p in pipelines)
        lines += [f"## Split `{split}` ({counts})", "", "| metric | " + " | ".join(header) + " |", "|---|" + "---|" * len(header)]
        for metric in METRICS:
            cells = [_fmt(pipelines[p]["overall"].get(metric), metric) for p in names]
            if "ours-minus-baseline" in pipelines:
                cells.append(_fmt(pipelines["ours-minus-baseline"]["overall"].get(metric), metric, signed=True))
            lines.append(f"| {metric} | " + " | ".join(cells) + " |")
        for pipeline in names:
            categories = [c for c in CATEGORIES if c in pipelines[pipeline]]
            lines += ["", f"### `{split}`, {pipeline}: by category", "",
                      "| metric | " + " | ".join(f"{c} (n={pipelines[pipeline][c]['items']['value']})" for c in categories) + " |",
                      "|---|" + "---|" * len(categories)]
            for metric in ("answer_correct", "false_refusal_rate", "refusal_recall", "gold_citation", "citation_recall",
                           "faithfulness", "latency_p50_s"):
                lines.append(f"| {metric} | " + " | ".join(_fmt(pipelines[pipeline][c].get(metric), metric) for c in categories) + " |")
        lines.append("")
    if calibration:
        kinds = ", ".join(f"{k} {100 * v:.0f}%" for k, v in calibration["by_kind"].items())
        lines += ["## The support judge", "",
                  f"Accuracy on {calibration['pairs']} hand-labelled pairs (`evals/judge_calibration.jsonl`): "
                  f"{100 * calibration['accuracy']:.1f}% (true/false positives {calibration['true_positive']}/"
                  f"{calibration['false_positive']}, true/false negatives {calibration['true_negative']}/"
                  f"{calibration['false_negative']}, threshold P(yes) ≥ {calibration['threshold']}). By kind: {kinds}.", ""]
    if pairs:
        kinds = ", ".join(f"{k} {100 * v:.0f}%" for k, v in pairs["by_kind"].items())
        missed = "; ".join(f"{k}: {v}" for k, v in pairs["missed"].items()) or "none"
        lines += ["## Who does what: the answer verifier on minimal pairs", "",
                  f"{pairs['pairs']} pairs (`evals/verifier_pairs.jsonl`), each an article sentence with a claim it supports and "
                  "one that swaps who does what, credits another person, negates it or changes a number, place or time: "
                  f"{100 * pairs['accuracy']:.1f}% passed (right claim kept and wrong one rejected; right kept {pairs['right_kept']}, "
                  f"wrong rejected {pairs['wrong_rejected']}). By kind: {kinds}. Missed: {missed}.", ""]
    lines += ["## Gate", "", *(f"- FAIL {f}" for f in failures)] if failures else ["## Gate", "", "All thresholds met."]
    lines += ["", "## Definitions", "",
              "- answer_correct: answerable items whose answer (citation markers removed) has one alternative of every keyword "
              "group, matched on word boundaries, and is not a refusal; unanswerable items that are refused.",
              "- refusals: decided by one function on the final answer text for every pipeline (`scoring.is_refusal`).",
              "- gold_citation: answered answerable items whose citations, ≤ 800 characters in all, contain or cover ≥ 60% "
              "of a gold quote. No proxy.",
              "- citation_recall / precision: ALCE (Gao et al. 2023) with support decided by the independent judge, per "
              "cited passage (passages over 800 characters in all by their three sentences closest to the statement).",
              "- faithfulness: share of answer sentences that the article states, cited or not: those their citations support, "
              "and others judged on the article's three sentences closest to each; the same test for every pipeline. A sentence "
              "saying the article doesn't answer (a part of the question) is no claim: it counts in neither.", "", LIMITS]
    return "\n".join(lines) + "\n"


def _chart(summary: Summary, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = ["answer_correct", "refusal_recall", "gold_citation", "citation_recall", "faithfulness", "retrieval_recall"]
    panels = [(split, p) for split, pipelines in summary.items() for p in pipelines if p != "ours-minus-baseline"]
    figure, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4.5), squeeze=False)
    for axis, (split, pipeline) in zip(axes[0], panels):
        width = 0.8 / len(shown)
        for i, metric in enumerate(shown):
            cell = summary[split][pipeline]["overall"][metric]
            value = 100 * float(cell["value"] or 0.0)
            low, high = cell["ci"] or (value / 100, value / 100)
            axis.bar(i * width, value, width, yerr=[[value - 100 * low], [100 * high - value]], capsize=3, label=metric)
        axis.set_xticks([])
        axis.set_ylim(0, 105)
        axis.set_title(f"{split}: {pipeline}")
    axes[0][0].set_ylabel("% (95% interval)")
    axes[0][-1].legend(fontsize=7, loc="lower right")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write_outputs(results: Sequence[ItemResult], summary: Summary, failures: list[str], calibration: dict[str, Any] | None,
                  out_dir: Path, pairs: dict[str, Any] | None = None, library: dict[str, Any] | None = None) -> None:
    """report.md, results.json (per item), summary.json, metrics.png and ragas-<pipeline>-<split>.jsonl in `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.md").write_text(render_report(summary, failures, calibration, pairs, library), encoding="utf-8")
    (out_dir / "results.json").write_text(json.dumps([asdict(r) for r in results], indent=1, ensure_ascii=False), encoding="utf-8")
    outcome = {"splits": summary, "judge_calibration": calibration, "verifier_pairs": pairs, "library": library}
    (out_dir / "summary.json").write_text(json.dumps(outcome, indent=1), encoding="utf-8")
    _chart(summary, out_dir / "metrics.png")
    for split, pipelines in summary.items():
        for pipeline in pipelines:
            rows = [r for r in results if r.pipeline == pipeline and r.split == split]
            if rows:
                with (out_dir / f"ragas-{pipeline}-{split}.jsonl").open("w", encoding="utf-8") as handle:
                    for r in rows:
                        handle.write(json.dumps({"question": r.question, "answer": r.answer, "contexts": r.contexts,
                                                 "ground_truth": r.reference}, ensure_ascii=False) + "\n")
