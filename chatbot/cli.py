"""The `chatbot` command: a thin shell over the library (ingest, ask, chat, serve, eval, bench).

Why thin: the CLI, the app and the tests call the same functions, so they can't drift apart.
Errors print one line on stderr and exit 1; `ask --json` prints exactly one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from chatbot.errors import ChatbotError
from chatbot.reply import Reply
from chatbot.settings import get_settings

__all__ = ["main"]


def _print_reply(reply: Reply) -> None:
    print(reply.answer)
    for citation in reply.citations:
        print(f"\n[{citation.n}] {citation.source}:{citation.start}-{citation.end}\n    {citation.text}")


def _ingest(args: argparse.Namespace) -> int:
    from chatbot.embeddings import get_embeddings
    from chatbot.index import Index

    settings = get_settings()
    paths = args.paths or [settings.corpus_dir]
    report = Index(settings).ingest(paths, lambda texts: get_embeddings().embed_documents(texts))
    print(report.summary())
    return 0 if report.files else 1


def _scope(args: argparse.Namespace) -> list[str] | None:
    """The --source paths as the index names them (cwd-relative), or None for the whole library."""
    from chatbot.corpus import source_id

    return [source_id(path) for path in args.source] or None


def _ask(args: argparse.Namespace) -> int:
    from chatbot.inputs import clean_question, load_history
    from chatbot.startup import load_chatbot

    settings = get_settings()
    history = load_history(args.history) if args.history else []
    question = clean_question(args.question, settings.max_question_chars)
    reply = load_chatbot(settings).ask(question, history, _scope(args))  # type: ignore[arg-type]
    if args.json:
        print(json.dumps(reply.to_json(), ensure_ascii=False))
    else:
        _print_reply(reply)
    return 0


def _chat(args: argparse.Namespace) -> int:
    from chatbot.inputs import Message
    from chatbot.startup import load_chatbot

    bot = load_chatbot(get_settings())
    scope = bot.router.scope(_scope(args))
    history: list[Message] = []
    print("Ask about the article. /new starts a new conversation; Ctrl-D or /quit leaves.", file=sys.stderr)
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            return 0
        if question in ("/quit", "/exit"):
            return 0
        if question == "/new":
            history = []
            print("(new conversation)", file=sys.stderr)
            continue
        if not question:
            continue
        try:
            reply = bot.ask(question, history, scope)
        except ChatbotError as exc:
            print(f"error: {exc}", file=sys.stderr)
            continue
        _print_reply(reply)
        history += [Message(role="user", content=question), Message(role="assistant", content=reply.answer)]


def _eval(args: argparse.Namespace) -> int:
    from chatbot.evaluation.judge import CALIBRATION_PATH
    from chatbot.evaluation.pairs import PAIRS_PATH
    from chatbot.evaluation.suite import SuiteOptions, run_suite

    splits = ("dev", "test") if args.split == "all" else (args.split,)
    options = SuiteOptions(splits=splits, question_set=args.set, out=args.out, thresholds=args.thresholds, limit=args.limit,
                           baseline=args.baseline, baseline_limit=args.baseline_limit,
                           calibration=(args.calibration or CALIBRATION_PATH) if args.calibrate else None,
                           verifier_pairs=(args.pairs or PAIRS_PATH) if args.calibrate else None, distractors=args.distractors)
    failures = run_suite(get_settings(), options)
    for failure in failures:
        print(f"below threshold: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _distractors(args: argparse.Namespace) -> int:
    import numpy as np

    from chatbot.corpus import scan_corpus
    from chatbot.embeddings import get_embeddings
    from chatbot.evaluation.distractors import build_distractors
    from chatbot.evaluation.items import SPLITS, load_items, split_path
    from chatbot.startup import load_chatbot

    settings = get_settings()
    bot = load_chatbot(settings)
    texts = {a.source: a.text for a in scan_corpus([settings.corpus_dir]).articles}
    items = [item for split in SPLITS for item in load_items(split_path(split), texts)]
    out = args.out or Path("artifacts") / f"distractors-{args.n}"
    manifest = build_distractors(args.n, out, items, lambda texts: np.array(get_embeddings().embed_documents(texts)),
                                 bot.answer_probability, settings.extract_threshold, lambda m: print(m, file=sys.stderr, flush=True))
    print(f"Wrote {args.n} articles ({manifest['hard']} about Iraq, Iran, Israel and their region) to {out}/; "
          f"{len(manifest['left_out'])} left out for answering an eval question (see {out}/manifest.json)")  # type: ignore[arg-type]
    return 0


def _bench(args: argparse.Namespace) -> int:
    from chatbot.bench import cold_profile, format_table, run_benchmark, save
    from chatbot.startup import load_chatbot

    if args.cold_profile:
        print(cold_profile(), end="")
        return 0
    settings = get_settings()
    growth = [int(n) for n in args.growth.split(",") if n.strip()]
    results = run_benchmark(settings, load_chatbot(settings), args.questions, growth, args.scale_chunks, args.baseline,
                            args.load_sessions)
    save(results, args.out)
    print(format_table(results))
    print(f"Wrote {args.out}/bench.json and bench.md", file=sys.stderr)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from chatbot.ui import serve

    settings = get_settings()
    if args.shared_uploads:
        settings = settings.model_copy(update={"shared_uploads": True})
    serve(settings, host=args.host, port=args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chatbot", description="Ask questions about news articles, with cited answers.")
    commands = parser.add_subparsers(dest="command", required=True)
    ingest = commands.add_parser("ingest", help="index the articles (default: the corpus folder)")
    ingest.add_argument("paths", nargs="*", type=Path, help=".txt/.md files or folders")
    ingest.set_defaults(run=_ingest)
    ask = commands.add_parser("ask", help="answer one question")
    ask.add_argument("question")
    ask.add_argument("--history", type=Path, help='JSON list of {"role": "user"|"assistant", "content": ...} messages')
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--source", type=Path, action="append", default=[], metavar="PATH",
                     help="answer from this indexed article only (repeatable; default: every article)")
    ask.set_defaults(run=_ask)
    chat = commands.add_parser("chat", help="interactive chat in the terminal")
    chat.add_argument("--source", type=Path, action="append", default=[], metavar="PATH",
                      help="talk about this indexed article only (repeatable; default: every article)")
    chat.set_defaults(run=_chat)
    evaluate = commands.add_parser("eval", help="run the eval suite and write a report")
    evaluate.add_argument("--split", choices=("dev", "test", "all"), default="all",
                          help="which split of evals/ to run: dev (for tuning), test (sealed, reported) or all")
    evaluate.add_argument("--set", type=Path, default=None, help="another JSONL question set instead of the splits")
    evaluate.add_argument("--out", type=Path, default=Path("eval-out"), help="folder for the report, results and chart")
    evaluate.add_argument("--thresholds", type=Path, default=Path("evals/thresholds.toml"), help="the gate's floors")
    evaluate.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True,
                          help="also run the textbook conversational LangChain pipeline, side by side")
    evaluate.add_argument("--baseline-limit", type=int, default=0, help="the baseline on N evenly spaced items only (0: all)")
    evaluate.add_argument("--limit", type=int, default=0, help="only the first N items of each split (0: all)")
    evaluate.add_argument("--calibrate", action=argparse.BooleanOptionalAction, default=True,
                          help="measure the support judge on its hand-labelled pairs and the verifier on its minimal pairs")
    evaluate.add_argument("--calibration", type=Path, default=None, help="the judge's calibration pairs (default: evals/)")
    evaluate.add_argument("--pairs", type=Path, default=None, help="the verifier's who-does-what minimal pairs (default: evals/)")
    evaluate.add_argument("--distractors", type=Path, default=None, metavar="DIR",
                          help="put these articles beside the corpus (see `chatbot distractors`; an index of its own)")
    evaluate.set_defaults(run=_eval)
    distractors = commands.add_parser("distractors", help="write N real news articles (BBC, 2004-05) to put beside the corpus")
    distractors.add_argument("n", type=int, help="how many articles (hard distractors first)")
    distractors.add_argument("--out", type=Path, default=None, help="folder to write (default: artifacts/distractors-N)")
    distractors.set_defaults(run=_distractors)
    bench = commands.add_parser("bench", help="measure speed and memory; print a table, write JSON")
    bench.add_argument("--out", type=Path, default=Path("bench-out"))
    bench.add_argument("--questions", type=int, default=30, help="eval questions (both splits, evenly spaced) timed end to end")
    bench.add_argument("--growth", default="1,100,1000,10000", help="corpus sizes (articles) for the cost-growth table")
    bench.add_argument("--scale-chunks", type=int, default=100_000, help="synthetic chunks for retrieval at scale (0: skip)")
    bench.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True)
    bench.add_argument("--load-sessions", type=int, default=0, help="concurrent app sessions × 5 questions (0: skip)")
    bench.add_argument("--cold-profile", action="store_true", help="only time each step of a cold `chatbot ask`")
    bench.set_defaults(run=_bench)
    serve = commands.add_parser("serve", help="start the web app")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--shared-uploads", action="store_true",
                       help="articles readers add in the browser are seen by every reader (default: only by their session)")
    serve.set_defaults(run=_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ChatbotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
