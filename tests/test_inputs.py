import json
from pathlib import Path

import pytest

from chatbot.errors import ChatbotError
from chatbot.inputs import clean_question, load_history, parse_history, trim_history


def test_clean_question_rejects_empty_and_huge_and_strips_controls() -> None:
    with pytest.raises(ChatbotError, match="empty"):
        clean_question(" \t\n ", 100)
    with pytest.raises(ChatbotError, match="too long"):
        clean_question("x" * 101, 100)
    assert clean_question("Who\x00 is\x1b Thuaiban?\ud800", 100) == "Who is Thuaiban?"
    assert clean_question("Qui est Thuaiban ? 🤔", 100) == "Qui est Thuaiban ? 🤔"
    assert clean_question("\x1b[31mWho is Thuaiban?\x1b[0m\x1b[2J\x1b]0;title\x07 [sic]", 100) == "Who is Thuaiban? [sic]"


def test_history_accepts_openai_and_gradio6_formats() -> None:
    history = parse_history([{"role": "user", "content": "Hi"},
                             {"role": "assistant", "content": [{"type": "text", "text": "Hello"}]}])
    assert history == [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]


@pytest.mark.parametrize("data, message", [
    ({"role": "user"}, "JSON list"),
    ([{"role": "system", "content": "x"}], "unknown role"),
    (["text"], "object with 'role'"),
    ([{"role": "user", "content": 3}], "must be text"),
])
def test_bad_history_is_a_clear_error(data: object, message: str) -> None:
    with pytest.raises(ChatbotError, match=message):
        parse_history(data)


def test_history_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ChatbotError, match="not found"):
        load_history(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    with pytest.raises(ChatbotError, match="not valid JSON"):
        load_history(bad)
    good = tmp_path / "good.json"
    good.write_text(json.dumps([{"role": "user", "content": "Q"}]), encoding="utf-8")
    assert load_history(good) == [{"role": "user", "content": "Q"}]


def test_trim_keeps_the_most_recent_messages_within_budget() -> None:
    messages = [{"role": "user" if i % 2 == 0 else "assistant", "content": f"m{i} " * 10} for i in range(100)]
    kept = trim_history(messages, 60, lambda text: len(text.split()))  # type: ignore[arg-type]
    assert kept == messages[-4:]
