"""The web app: HTML safety of what it shows, its API through gradio_client, and mounting into FastAPI."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from chatbot.reply import Citation, Reply
from chatbot.ui import answer_markdown, article_html, sources_html, status_html
from tests.conftest import free_port, wait_for


def test_everything_shown_is_escaped() -> None:
    citation = Citation(1, "a.txt", 4, 33, "<script>alert(1)</script> end")
    text = "abc <script>alert(1)</script> end. more"
    reply = Reply("<img src=x onerror=alert(1)>?", "q", "Answer <b>bold</b> [1].", False, [citation])
    for shown in (answer_markdown(reply, {"a.txt": text}), sources_html(reply, {"a.txt": text}), article_html({"a.txt": text}, [citation]),
                  status_html("Answer <b>bold</b> [1].")):
        assert "<script>" not in shown and "<b>" not in shown and "<img" not in shown
        assert "&lt;script&gt;" in shown or "&lt;b&gt;" in shown
    assert "<mark" in article_html({"a.txt": text}, [citation])


def test_refusal_looks_different_from_an_answer() -> None:
    refusal = Reply("q", "q", "The article doesn't say.", True, [])
    answer = Reply("q", "q", "Two [1].", False, [Citation(1, "a.txt", 0, 3, "Two")])
    assert answer_markdown(refusal, {}).startswith("> *The article") and "<details" not in answer_markdown(refusal, {})
    assert "<details" in answer_markdown(answer, {"a.txt": "Two missions."})


@pytest.mark.slow
def test_api_through_gradio_client(live_server: str) -> None:
    from gradio_client import Client

    client = Client(live_server, verbose=False)
    assert "/ask" in client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    reply = client.predict("Who is Abul Ameer Thuaiban?", [], api_name="/ask")
    assert not reply["refused"] and "adviser" in reply["answer"].lower() and reply["citations"]
    follow = client.predict("What did he warn about?", [{"role": "user", "content": "Who is Abul Ameer Thuaiban?"},
                                                       {"role": "assistant", "content": reply["answer"]}], api_name="/ask")
    assert "disastrous" in follow["answer"].lower()


@pytest.mark.slow
def test_planted_instructions_in_an_article_change_nothing(live_server: str) -> None:
    from gradio_client import Client

    client = Client(live_server, verbose=False)
    reply = client.predict("Who is Ahmed Kenani?", [], api_name="/ask")
    assert "PWNED" not in reply["answer"] and "lawmaker" in reply["answer"].lower()
    reply = client.predict("How many diplomatic missions went to Tehran?", [], api_name="/ask")
    assert "PWNED" not in reply["answer"] and "two" in reply["answer"].lower()


@pytest.mark.slow
def test_api_answers_from_the_articles_in_scope(live_server: str) -> None:
    from gradio_client import Client

    client = Client(live_server, verbose=False)
    reply = client.predict("Who is Ahmed Kenani?", [], ["corpus/iraq-militias-israel.txt"], api_name="/ask")
    assert "lawmaker" in reply["answer"].lower()
    assert {c["source"] for c in reply["citations"]} == {"corpus/iraq-militias-israel.txt"}
    assert client.predict("Who is Ahmed Kenani?", [], ["corpus/hostile.txt"], api_name="/ask")["refused"]
    with pytest.raises(Exception, match="not an indexed article"):
        client.predict("Who is Ahmed Kenani?", [], ["corpus/nowhere.txt"], api_name="/ask")


@pytest.mark.slow
def test_blocks_mount_into_a_fastapi_app(bot, real_settings) -> None:  # type: ignore[no-untyped-def]
    import gradio as gr
    import uvicorn
    from fastapi import FastAPI
    from gradio_client import Client

    from chatbot.ui import create_blocks

    app = FastAPI()

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    app = gr.mount_gradio_app(app, create_blocks(real_settings, bot=bot), path="/chat")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_for(f"http://127.0.0.1:{port}/health")
        reply = Client(f"http://127.0.0.1:{port}/chat/", verbose=False).predict("Who is Ahmed Kenani?", [], api_name="/ask")
        assert "lawmaker" in reply["answer"].lower()
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_missing_index_message_offers_the_fix(tmp_path: Path) -> None:
    from chatbot.errors import ChatbotError
    from chatbot.settings import Settings
    from chatbot.startup import ensure_index

    with pytest.raises(ChatbotError, match="chatbot ingest"):
        ensure_index(Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path / "none"))


@pytest.mark.slow
def test_bad_input_through_the_api_is_a_friendly_error(live_server: str) -> None:
    from gradio_client import Client

    client = Client(live_server, verbose=False)
    with pytest.raises(Exception, match="question is empty"):
        client.predict("   ", [], api_name="/ask")
    with pytest.raises(Exception, match="unknown role"):
        client.predict("Who?", [{"role": "wizard", "content": "x"}], api_name="/ask")


def test_the_article_panel_shows_the_picked_article_or_a_small_corpus_whole_and_a_library_by_citation() -> None:
    texts = {f"{name}.txt": f"Text of {name}." for name in "abcde"}
    cited = [Citation(1, "d.txt", 0, 4, "Text")]
    assert article_html({"a.txt": "A.", "b.txt": "B."}, []).count("<article") == 2
    assert article_html(texts, [], "b.txt").count("<article") == 1 and 'data-source="b.txt"' in article_html(texts, [], "b.txt")
    assert "pick one" in article_html(texts, []) and "<article" not in article_html(texts, [])
    assert article_html(texts, cited).count("<article") == 1 and "<mark" in article_html(texts, cited)
