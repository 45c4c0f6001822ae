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


def _ask(args: argparse.Namespace) -> int:
    from chatbot.inputs import clean_question, load_history
    from chatbot.startup import load_chatbot

    settings = get_settings()
    history = load_history(args.history) if args.history else []
    question = clean_question(args.question, settings.max_question_chars)
    reply = load_chatbot(settings).ask(question, history)  # type: ignore[arg-type]
    if args.json:
        print(json.dumps(reply.to_json(), ensure_ascii=False))
    else:
        _print_reply(reply)
    return 0


def _chat(args: argparse.Namespace) -> int:
    from chatbot.inputs import Message
    from chatbot.startup import load_chatbot

    bot = load_chatbot(get_settings())
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
            reply = bot.ask(question, history)
        except ChatbotError as exc:
            print(f"error: {exc}", file=sys.stderr)
            continue
        _print_reply(reply)
        history += [Message(role="user", content=question), Message(role="assistant", content=reply.answer)]


def _serve(args: argparse.Namespace) -> int:
    from chatbot.ui import serve

    serve(get_settings(), host=args.host, port=args.port)
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
    ask.set_defaults(run=_ask)
    chat = commands.add_parser("chat", help="interactive chat in the terminal")
    chat.set_defaults(run=_chat)
    serve = commands.add_parser("serve", help="start the web app")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
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
