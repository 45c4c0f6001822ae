"""`chatbot eval` end to end: load the splits, run ours and the baseline, calibrate the judge, check the verifier's
minimal pairs, gate, write.

Why one function: the CLI stays a thin shell, and a test or notebook runs exactly what CI runs.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chatbot.corpus import scan_corpus
from chatbot.embeddings import get_embeddings
from chatbot.errors import ChatbotError
from chatbot.evaluation.baseline import TextbookPipeline
from chatbot.evaluation.items import load_items, split_path
from chatbot.evaluation.judge import CALIBRATION_PATH, SupportJudge, load_calibration
from chatbot.evaluation.pairs import PAIRS_PATH, load_pairs, score_pairs
from chatbot.evaluation.report import write_outputs
from chatbot.evaluation.runner import ItemResult, Scorer, check_thresholds, evenly_spaced, run_pipeline, summarise
from chatbot.settings import Settings

__all__ = ["SuiteOptions", "run_suite"]


@dataclass(frozen=True)
class SuiteOptions:
    """What `chatbot eval` was asked to do."""

    splits: tuple[str, ...]
    question_set: Path | None
    out: Path
    thresholds: Path
    limit: int = 0
    baseline: bool = True
    baseline_limit: int = 0
    calibration: Path | None = CALIBRATION_PATH
    verifier_pairs: Path | None = PAIRS_PATH


def run_suite(settings: Settings, options: SuiteOptions) -> list[str]:
    """Run the suite, write the outputs, print the report; returns the gate's failures."""
    from chatbot.startup import load_chatbot

    bot = load_chatbot(settings)
    articles = scan_corpus([settings.corpus_dir]).articles
    texts = {a.source: a.text for a in articles}
    sets = {options.question_set.stem: options.question_set} if options.question_set else \
        {split: split_path(split) for split in options.splits}
    embeddings = get_embeddings()
    judge = SupportJudge(bot.model, embeddings)
    scorer = Scorer(judge, embeddings, texts)
    baseline = TextbookPipeline(articles, bot.model, embeddings) if options.baseline else None
    results: list[ItemResult] = []
    for split, path in sets.items():
        items = load_items(path, texts)[: options.limit or None]
        if not items:
            raise ChatbotError(f"{path}: no items")
        results += run_pipeline("ours", bot.ask, items, scorer, split, per_sentence_markers=True)  # type: ignore[arg-type]
        if baseline is not None:
            chosen = evenly_spaced(items, options.baseline_limit)
            results += run_pipeline("baseline", baseline.ask, chosen, scorer, split, per_sentence_markers=False)  # type: ignore[arg-type]
    calibration: dict[str, Any] | None = None
    if options.calibration is not None:
        print("calibrating the support judge …", file=sys.stderr)
        calibration = judge.calibrate(load_calibration(options.calibration))
    pairs: dict[str, Any] | None = None
    if options.verifier_pairs is not None:
        print("checking the verifier on its minimal pairs …", file=sys.stderr)
        pairs = score_pairs(bot.verifier, load_pairs(options.verifier_pairs))
    summary = summarise(results)
    failures = check_thresholds(summary, options.thresholds)
    write_outputs(results, summary, failures, calibration, options.out, pairs)
    print((options.out / "report.md").read_text(encoding="utf-8"))
    print(f"Wrote {options.out}/report.md, results.json, summary.json, metrics.png, ragas-*.jsonl "
          f"({judge.calls} judge calls)", file=sys.stderr)
    return failures
