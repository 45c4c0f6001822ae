"""The Gradio app: streamed answers with their cited passages, the article with highlights, and an API.

Why one factory (`create_blocks`): the same Blocks serve `app.py`, `chatbot serve`, and a team's own
FastAPI app through `gr.mount_gradio_app`. Every text from the article, the question or the model is
HTML-escaped before it is shown, so nothing in it can run in the reader's browser.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from chatbot.answer import Chatbot  # noqa: E402
from chatbot.corpus import ARTICLE_SUFFIXES  # noqa: E402
from chatbot.errors import ChatbotError  # noqa: E402
from chatbot.inputs import Message  # noqa: E402
from chatbot.reply import Citation, Reply  # noqa: E402
from chatbot.settings import Settings, get_settings  # noqa: E402
from chatbot.startup import load_chatbot  # noqa: E402
from chatbot.uploads import Uploads, is_session, new_session  # noqa: E402

__all__ = ["create_blocks", "serve", "status_html", "EXAMPLES", "STATUS_CLASS"]

EXAMPLES = ["Who is Abul Ameer Thuaiban?", "What did he warn about?", "How many diplomatic missions went to Tehran?",
            "Does Iraq have formal diplomatic ties with Israel?", "What is Thuaiban's date of birth?"]
_MARK = 'style="background:#fde68a;color:#111;padding:0 2px;border-radius:2px"'
# Shown while a sentence is being written and checked: a status, never unchecked text styled as the answer.
STATUS_CLASS = "checking"
_WORKING = "Finding the answer in the article and checking it…"
_CONTEXT_CHARS = 280
_WHOLE_LIBRARY = 3  # more articles than this are shown one at a time
_ALL = ""  # the picker's value for "All articles"
_PROGRESS = gr.Progress()  # a default Gradio replaces with the event's own progress bar


def _source_texts(bot: Chatbot) -> dict[str, str]:
    """The text of each indexed source, read once, so passages can be shown in context."""
    texts = {}
    for source in {c.source for c in bot.search.chunks}:
        try:
            texts[source] = Path(source).read_text(encoding="utf-8")
        except OSError:
            continue
    return texts


def passage_html(citation: Citation, text: str | None) -> str:
    """The cited span highlighted inside a little of the text around it."""
    if text is None or text[citation.start:citation.end] != citation.text:
        return f"<mark {_MARK}>{html.escape(citation.text)}</mark>"
    before = text[max(0, citation.start - _CONTEXT_CHARS):citation.start]
    after = text[citation.end:citation.end + _CONTEXT_CHARS]
    return (f"…{html.escape(before)}<mark {_MARK}>{html.escape(citation.text)}</mark>{html.escape(after)}…"
            .replace("\n", "<br>"))


def answer_markdown(reply: Reply, texts: dict[str, str]) -> str:
    """The chat message for a reply: the answer, then each citation as an expandable passage in context."""
    if reply.refused:
        return f"> *{html.escape(reply.answer)}*"
    parts = [html.escape(reply.answer)]
    for citation in reply.citations:
        parts.append(f'<details class="citation"><summary>[{citation.n}] {html.escape(citation.source)} '
                     f"(characters {citation.start}–{citation.end})</summary>"
                     f"<div>{passage_html(citation, texts.get(citation.source))}</div></details>")
    return "\n\n".join(parts)


def status_html(shown: str, status: str = "checking the next sentence…") -> str:
    """The verified sentences so far, then a greyed status: the reader sees work going on, never a draft."""
    badge = f'<span class="{STATUS_CLASS}" style="color:#6b7280;font-style:italic">{html.escape(status)}</span>'
    return f"{html.escape(shown)} {badge}" if shown else badge


def sources_html(reply: Reply | None, texts: dict[str, str]) -> str:
    """The side panel: the passages the latest answer cites."""
    if reply is None:
        return "<p><em>Ask a question: the passages its answer cites appear here.</em></p>"
    if reply.refused:
        return "<p><em>No passage: the article doesn't answer that question.</em></p>"
    return "".join(f'<div class="source" style="margin-bottom:1em"><strong>[{c.n}]</strong> '
                   f"<small>{html.escape(c.source)}</small><br>{passage_html(c, texts.get(c.source))}</div>"
                   for c in reply.citations)


def article_html(texts: dict[str, str], citations: list[Citation], scope: str = "") -> str:
    """The article(s) being talked about, with the spans cited by the latest answer highlighted: the one picked, else
    every article of a small corpus, else the cited ones (a library is read an article at a time)."""
    cited = {c.source for c in citations if c.source in texts}
    shown = sorted({scope} | cited) if scope in texts else sorted(texts) if len(texts) <= _WHOLE_LIBRARY else sorted(cited)
    if not shown:
        return f"<p><em>{len(texts)} articles: pick one above to read it here; the articles an answer cites appear here.</em></p>"
    blocks = []
    for source in shown:
        text = texts[source]
        spans = sorted((c.start, c.end, c.n) for c in citations if c.source == source and text[c.start:c.end] == c.text)
        out, cursor = [], 0
        for start, end, n in spans:
            if start < cursor:
                continue
            out.append(html.escape(text[cursor:start]))
            out.append(f'<mark {_MARK} title="[{n}]">{html.escape(text[start:end])}</mark><sup>[{n}]</sup>')
            cursor = end
        out.append(html.escape(text[cursor:]))
        body = "".join(out).replace("\n\n", "</p><p>").replace("\n", "<br>")
        blocks.append(f'<article data-source="{html.escape(source)}"><p><small>{html.escape(source)}</small></p><p>{body}</p></article>')
    return "".join(blocks)


def create_blocks(settings: Settings | None = None, bot: Chatbot | None = None) -> gr.Blocks:
    """The app as Blocks: launch it, or mount it into a FastAPI app with `gr.mount_gradio_app`."""
    settings = settings or get_settings()
    bot = bot or load_chatbot(settings)
    texts = _source_texts(bot)
    uploads = Uploads(settings, bot)

    def choices(session: str) -> list[tuple[str, str]]:
        visible = uploads.visible(session) if session else bot.router.library
        return [("All articles", _ALL), *((f"{bot.router.title(s)} ({s})", s) for s in visible)]

    def start(session: str) -> tuple[Any, ...]:
        """A page load: the browser's session (a new one the first time), its uploads' clock restarted, expired ones gone."""
        session = session if is_session(session or "") else new_session()
        uploads.sweep()
        uploads.touch(session)
        return session, gr.update(choices=choices(session))

    def respond(message: str, chat: list[dict[str, Any]], history: list[Message], scope: str,
                session: str) -> Iterator[tuple[Any, ...]]:
        chat = [*chat, {"role": "user", "content": html.escape(message)}, {"role": "assistant", "content": status_html("", _WORKING)}]
        yield "", chat, history, gr.skip(), gr.skip()
        shown = ""
        try:
            library = None  # until the page's load event has given the browser its session: the library alone
            if is_session(session or ""):
                uploads.touch(session)
                library = uploads.visible(session)
            for part in bot.stream(message, history, [scope] if scope else library):
                if isinstance(part, str):  # a sentence that passed verification, with its markers
                    shown += part
                    chat[-1] = {"role": "assistant", "content": status_html(shown)}
                    yield "", chat, history, gr.skip(), gr.skip()
                else:
                    chat[-1] = {"role": "assistant", "content": answer_markdown(part, texts)}
                    history = [*history, Message(role="user", content=part.question),
                               Message(role="assistant", content=part.answer)]
                    yield "", chat, history, sources_html(part, texts), article_html(texts, part.citations, scope)
        except ChatbotError as exc:
            chat[-1] = {"role": "assistant", "content": f"> ⚠ *{html.escape(str(exc))}*"}
            yield message, chat, history, gr.skip(), gr.skip()

    def ask(question: str, history: list[dict[str, Any]] | None = None, sources: list[str] | None = None) -> dict[str, Any]:
        """Answer `question` given earlier {"role", "content"} messages, from the indexed articles `sources` (default:
        the library, readers' private uploads aside); returns the `chatbot ask --json` object."""
        try:
            return bot.ask(question, history or [], sources or None).to_json()  # type: ignore[arg-type]
        except ChatbotError as exc:
            raise gr.Error(str(exc)) from None

    def new_conversation(scope: str) -> tuple[Any, ...]:
        return [], [], "", sources_html(None, texts), article_html(texts, [], scope)

    def add_article(file: str | None, pasted: str, title: str, session: str,
                    progress: gr.Progress = _PROGRESS) -> tuple[Any, ...]:
        """Check, index and select a reader's article; one line saying why when it can't be used."""
        what = Path(file).name if file else "the pasted text"
        try:
            if file:
                if not file.lower().endswith(ARTICLE_SUFFIXES):
                    raise ChatbotError("add a .txt or .md file")
                name, data = Path(file).name, Path(file).read_bytes()
            elif pasted.strip():
                name, data = title or "pasted article", pasted.encode("utf-8")
            else:
                raise ChatbotError("choose a .txt or .md file, or paste the article's text")
            progress(0.1, desc="Reading, embedding and indexing the article…")
            source = uploads.add(session, name, data, title)
        except ChatbotError as exc:
            return f"⚠ {html.escape(what)}: {html.escape(str(exc))}", gr.skip(), gr.skip(), None, gr.skip()  # pasted text stays
        texts[source] = Path(source).read_text(encoding="utf-8")
        return (f"Added **{html.escape(bot.router.title(source))}** ({html.escape(what)}): ask about it below.",
                gr.update(choices=choices(session), value=source), article_html(texts, [], source), None, "")

    with gr.Blocks(title="Ask the Article", analytics_enabled=False) as blocks:
        gr.Markdown("## Ask the Article\nAnswers come only from the article, with numbered citations; "
                    "open a citation to see the passage in context.")
        history = gr.State([])
        session = gr.BrowserState("", storage_key="ask-the-article-session")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                picker = gr.Dropdown(choices(""), value=_ALL, label="Ask about", filterable=True, elem_id="scope")
                chat = gr.Chatbot(label="Conversation", height=460, sanitize_html=True, allow_tags=False,
                                  elem_id="chat")
                question = gr.Textbox(label="Your question", placeholder="Ask about the article…", max_lines=4,
                                      elem_id="question", autofocus=True)
                with gr.Row():
                    send = gr.Button("Ask", variant="primary", elem_id="ask")
                    clear = gr.Button("New conversation", elem_id="new-conversation")
                gr.Examples(EXAMPLES, inputs=question, label="Try")
                with gr.Accordion("Add your own article", open=False, elem_id="add-article"):
                    limit = f"up to {settings.max_upload_bytes / 1e6:g} MB, {settings.max_uploads} per session"
                    upload = gr.File(label=f"A .txt or .md file ({limit})", file_types=list(ARTICLE_SUFFIXES),
                                     type="filepath", elem_id="upload")
                    pasted = gr.Textbox(label="…or paste its text", lines=4, elem_id="paste")
                    title = gr.Textbox(label="Title (optional)", max_lines=1, elem_id="upload-title")
                    add = gr.Button("Add article", elem_id="add")
                    added = gr.Markdown(("Only you see it" if not settings.shared_uploads else "Every reader sees it") +
                                        f"; it is removed after {settings.upload_ttl_s // 60} minutes unused.",
                                        elem_id="upload-status")
            with gr.Column(scale=2, min_width=300):
                with gr.Accordion("Cited passages", open=True):
                    sources = gr.HTML(sources_html(None, texts), elem_id="sources")
                with gr.Accordion("The article", open=True):
                    article = gr.HTML(article_html(texts, []), elem_id="article")
        outputs = [question, chat, history, sources, article]
        blocks.load(start, session, [session, picker], api_visibility="private")
        for event in (question.submit, send.click):
            event(respond, [question, chat, history, picker, session], outputs, api_visibility="private", concurrency_id="model")
        add.click(add_article, [upload, pasted, title, session], [added, picker, article, upload, pasted],
                  api_visibility="private", concurrency_id="model")
        clear.click(new_conversation, picker, outputs, api_visibility="private")
        picker.change(lambda scope: article_html(texts, [], scope), picker, article, api_visibility="private")
        gr.api(ask, api_name="ask", concurrency_id="model")
    blocks.queue(default_concurrency_limit=settings.concurrency_limit, max_size=settings.max_queue)
    return blocks


def serve(settings: Settings | None = None, host: str | None = None, port: int | None = None) -> None:
    """Start the app on host:port (127.0.0.1:7860 by default), ingesting first if the index is stale."""
    settings = settings or get_settings()
    blocks = create_blocks(settings)
    auth = None
    if settings.auth:
        user, _, password = settings.auth.partition(":")
        auth = (user, password)
    blocks.launch(server_name=host or settings.host, server_port=port or settings.port, share=settings.share,
                  auth=auth, show_error=True, footer_links=["api"])
