"""The CLI as users and the held-out checker run it: real processes, real models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chatbot.settings import Settings
from tests.conftest import ARTICLE, ROOT


def run_cli(*args: str, settings: Settings, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHATBOT_INDEX_DIR": str(settings.index_dir), "CHATBOT_CORPUS_DIR": str(settings.corpus_dir)}
    return subprocess.run([sys.executable, "-m", "chatbot.cli", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=600)


@pytest.mark.slow
def test_ask_json_prints_exactly_one_contract_object(real_settings: Settings, tmp_path: Path) -> None:
    history = tmp_path / "history.json"
    history.write_text(json.dumps([{"role": "user", "content": "Who is Abul Ameer Thuaiban?"},
                                   {"role": "assistant", "content": "A senior adviser to Prime Minister Sudani [1]."}]))
    result = run_cli("ask", "--json", "--history", str(history), "What did he warn about?", settings=real_settings)
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert set(reply) >= {"question", "standalone_question", "answer", "refused", "citations", "timings"}
    assert set(reply["timings"]) >= {"retrieve_s", "generate_s", "total_s"}
    # He warned that a direct conflict "could prove disastrous" ("severe consequences" is the coalition's fear, not his).
    assert not reply["refused"] and "disastrous" in reply["answer"].lower()
    assert "Thuaiban" in reply["standalone_question"]
    text = ARTICLE.read_text(encoding="utf-8")
    for citation in reply["citations"]:
        assert set(citation) == {"n", "source", "start", "end", "text"}
        assert (ROOT / citation["source"]).read_text(encoding="utf-8")[citation["start"]:citation["end"]] == citation["text"]
        assert citation["text"] in text


@pytest.mark.slow
def test_plain_ask_prints_answer_then_passages(real_settings: Settings) -> None:
    result = run_cli("ask", "Who is Ahmed Kenani?", settings=real_settings)
    assert result.returncode == 0, result.stderr
    assert "lawmaker" in result.stdout.lower() and "\n[1] corpus/iraq-militias-israel.txt:" in result.stdout


@pytest.mark.slow
def test_source_scopes_the_answer_and_an_unknown_one_is_one_line(real_settings: Settings) -> None:
    scoped = run_cli("ask", "--json", "--source", "corpus/iraq-militias-israel.txt", "Who is Ahmed Kenani?", settings=real_settings)
    assert scoped.returncode == 0, scoped.stderr
    assert {c["source"] for c in json.loads(scoped.stdout)["citations"]} == {"corpus/iraq-militias-israel.txt"}
    unknown = run_cli("ask", "--source", "corpus/nowhere.txt", "Who is Ahmed Kenani?", settings=real_settings)
    assert unknown.returncode == 1 and "Traceback" not in unknown.stderr
    assert unknown.stderr.startswith("error: not an indexed article: corpus/nowhere.txt") and unknown.stdout == ""


@pytest.mark.parametrize("args, message", [
    (("ask", "   "), "question is empty"),
    (("ask", "x" * 100_000), "too long"),
    (("ask", "Who?", "--history", "/nonexistent/h.json"), "history file not found"),
])
def test_bad_input_is_one_line_and_nonzero(args: tuple[str, ...], message: str, settings: Settings) -> None:
    result = run_cli(*args, settings=settings)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_bad_setting_is_one_line_naming_its_variable(settings: Settings) -> None:
    env = {**os.environ, "CHATBOT_INDEX_DIR": str(settings.index_dir), "CHATBOT_LOOKUP_TOKENS": "99"}
    result = subprocess.run([sys.executable, "-m", "chatbot.cli", "ask", "Who is Ahmed Kenani?"], capture_output=True,
                            text=True, env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 1 and result.stdout == "" and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("error: invalid setting CHATBOT_LOOKUP_TOKENS (or lookup_tokens in chatbot.toml): "
                                    "Input should be less than or equal to 32"), result.stderr


def test_a_broken_chatbot_toml_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "chatbot.toml").write_text("top_k = \n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "chatbot.cli", "ingest"], capture_output=True, text=True, cwd=tmp_path,
                            timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("error: chatbot.toml is not valid TOML: Invalid value (at line 1"), result.stderr


def test_ingest_reports_what_it_did(settings: Settings) -> None:
    settings.corpus_dir.mkdir()
    (settings.corpus_dir / "a.txt").write_text(ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    first = run_cli("ingest", str(settings.corpus_dir), settings=settings)
    assert first.returncode == 0, first.stderr
    assert "chunk(s) added" in first.stdout and " 0 kept" in first.stdout
    second = run_cli("ingest", str(settings.corpus_dir), settings=settings)
    assert " 0 chunk(s) added" in second.stdout and "0 removed" in second.stdout


def test_missing_corpus_folder_is_a_clear_error(settings: Settings) -> None:
    result = run_cli("ingest", str(settings.corpus_dir / "nope"), settings=settings)
    assert result.returncode == 1 and "corpus path not found" in result.stderr and "Traceback" not in result.stderr
