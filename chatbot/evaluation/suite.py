"""`chatbot eval` end to end: load the splits, run ours and the baseline, calibrate the judge, check the verifier's
minimal pairs, gate, write.

Why one function: the CLI stays a thin shell, and a test or notebook runs exactly what CI runs.
"""

from __future__ import annotations

import resource
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from chatbot.answer import Chatbot

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
    distractors: Path | None = None


def _library(settings: Settings, folder: Path, distractors: int) -> tuple[Settings, dict[str, Any]]:
    """Settings whose index holds the corpus and the `distractors` articles of `folder` (an index of its own, ingested
    here when new or changed), and what the report says of that library."""
    from chatbot.index import Index

    settings = settings.model_copy(update={"index_dir": settings.index_dir.with_name(f"{settings.index_dir.name}-{folder.name}")})
    report = Index(settings).ingest([settings.corpus_dir, folder], get_embeddings().embed_documents)
    rate = f"{report.chunks_added / report.seconds:.0f} chunks/s" if report.chunks_added else "already done"
    return settings, {"folder": str(folder), "distractors": distractors, "articles": report.files,
                      "chunks": report.chunks_added + report.chunks_kept, "ingest": rate}


def run_suite(settings: Settings, options: SuiteOptions, bot: Chatbot | None = None) -> list[str]:
    """Run the suite, write the outputs, print the report; returns the gate's failures. `bot`: a chatbot already loaded
    on `settings`, no distractors (CI gates the test split in its test run, on the bot whose stream the tests watch)."""
    from chatbot.startup import load_chatbot

    library: dict[str, Any] | None = None
    distractors = scan_corpus([options.distractors]).articles if options.distractors is not None else []
    if options.distractors is not None:
        settings, library = _library(settings, options.distractors, len(distractors))
    bot = bot or load_chatbot(settings)
    articles = scan_corpus([settings.corpus_dir]).articles
    texts = {a.source: a.text for a in articles}
    articles += distractors
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
    if library is not None:
        library["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    write_outputs(results, summary, failures, calibration, options.out, pairs, library)
    print((options.out / "report.md").read_text(encoding="utf-8"))
    print(f"Wrote {options.out}/report.md, results.json, summary.json, metrics.png, ragas-*.jsonl "
          f"({judge.calls} judge calls)", file=sys.stderr)
    return failures
