"""Reliability: bad input, a corrupted or killed index, a Chroma server, many users, and login."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from chatbot.errors import ChatbotError
from chatbot.index import Index
from chatbot.settings import Settings
from tests.conftest import ARTICLE, ROOT, app_server, free_port, wait_for
from tests.test_cli import run_cli

SENTENCES = [s.strip() + "." for s in ARTICLE.read_text(encoding="utf-8").split(". ") if len(s) > 40]


def _write_articles(folder: Path, count: int, version: str) -> None:
    folder.mkdir(exist_ok=True)
    for i in range(count):
        rng = random.Random(i)
        body = " ".join(rng.sample(SENTENCES, 6))
        (folder / f"a{i:04d}.txt").write_text(f"Article {i} ({version})\n\n{body}\n", encoding="utf-8")


# --- bad input ----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_control_characters_and_invalid_utf8_in_the_question(real_settings: Settings) -> None:
    env = {**os.environ, "CHATBOT_INDEX_DIR": str(real_settings.index_dir), "CHATBOT_CORPUS_DIR": str(real_settings.corpus_dir)}
    result = subprocess.run([sys.executable, "-m", "chatbot.cli", "ask", "--json", b"Who is\x01 Ahmed\xff\xfe Kenani?\x1b[2J"],
                            capture_output=True, env=env, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr.decode()
    reply = json.loads(result.stdout)
    assert reply["question"] == "Who is Ahmed Kenani?" and "lawmaker" in reply["answer"].lower()  # the escape sequence gone whole


@pytest.mark.slow
def test_non_english_and_emoji_questions_get_an_answer_or_a_refusal(real_settings: Settings) -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    for question in ("¿Quién es Ahmed Kenani? 🤔", "🤔🤔🤔", "من هو أحمد الكناني؟"):
        result = run_cli("ask", "--json", question, settings=real_settings)
        assert result.returncode == 0, result.stderr
        reply = json.loads(result.stdout)
        markers = {int(n) for n in re.findall(r"\[(\d+)\]", reply["answer"])}
        if reply["refused"]:  # a refusal is the refusal sentence, with nothing cited
            assert reply["answer"] == "The article doesn't say." and not reply["citations"] and not markers, reply
        else:  # an answer cites exact passages of the article, and every marker has its citation
            assert reply["citations"] and markers == {c["n"] for c in reply["citations"]}, reply
            assert all(c["text"] in text for c in reply["citations"]), reply
        if question == "🤔🤔🤔":
            assert reply["refused"], reply


def test_unknown_history_role_on_the_command_line(settings: Settings, tmp_path: Path) -> None:
    history = tmp_path / "h.json"
    history.write_text(json.dumps([{"role": "wizard", "content": "hi"}]), encoding="utf-8")
    result = run_cli("ask", "Who?", "--history", str(history), settings=settings)
    assert result.returncode == 1 and "unknown role 'wizard'" in result.stderr and "Traceback" not in result.stderr


def test_empty_corpus_folder_is_a_clear_error(settings: Settings) -> None:
    settings.corpus_dir.mkdir()
    result = run_cli("ingest", str(settings.corpus_dir), settings=settings)
    assert result.returncode == 1 and "no .txt or .md articles" in result.stderr and "Traceback" not in result.stderr


def test_corrupted_index_offers_the_fix(settings: Settings) -> None:
    _write_articles(settings.corpus_dir, 2, "v1")
    Index(settings).ingest([settings.corpus_dir], lambda texts: [[1.0, 0.0, 0.0] for _ in texts], log=lambda _: None)
    database = settings.index_dir / "chroma.sqlite3"
    database.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ChatbotError, match="chatbot ingest"):
        Index(settings).manifest()
    result = run_cli("ask", "Who is Ahmed Kenani?", settings=settings)
    assert result.returncode == 1 and "chatbot ingest" in result.stderr and "Traceback" not in result.stderr


# --- crash safety ---------------------------------------------------------------------------------------

@pytest.mark.slow
def test_ingest_killed_half_way_leaves_the_index_usable(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    articles = 80  # of 2 chunks each: four 40-chunk batches, killed after the first
    monkeypatch.setenv("CHATBOT_INGEST_BATCH_CHUNKS", "40")
    _write_articles(settings.corpus_dir, articles, "v1")
    first = run_cli("ingest", str(settings.corpus_dir), settings=settings)
    assert first.returncode == 0, first.stderr
    _write_articles(settings.corpus_dir, articles, "v2")
    env = {**os.environ, "CHATBOT_INDEX_DIR": str(settings.index_dir), "CHATBOT_CORPUS_DIR": str(settings.corpus_dir)}
    process = subprocess.Popen([sys.executable, "-m", "chatbot.cli", "ingest", str(settings.corpus_dir)], cwd=ROOT, env=env,
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        if "chunk(s) stored" in line:  # the first batch of the new version is in: kill it now
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    index = Index(settings)
    chunks = index.live_chunks()
    counts = {source: int(entry["chunks"]) for source, entry in index._entries().items()}
    assert len(counts) == articles, "every article is still indexed"
    versions = {}
    for source, count in counts.items():
        mine = [c for c in chunks if c.source == source]
        assert [c.index for c in mine] == list(range(count)), f"{source}: a half-written version is visible"
        versions[source] = "v2" if "(v2)" in mine[0].text else "v1"
    assert "v2" in versions.values(), "the batches stored before the kill are live"
    assert index.dense([1.0] + [0.0] * 383, 3), "the store still answers queries"
    again = run_cli("ingest", str(settings.corpus_dir), settings=settings)
    assert again.returncode == 0, again.stderr
    assert all("(v2)" in c.text for c in Index(settings).live_chunks() if c.index == 0)


# --- a Chroma server ------------------------------------------------------------------------------------

@pytest.fixture
def chroma_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    port = free_port()
    process = subprocess.Popen([str(Path(sys.executable).parent / "chroma"), "run", "--host", "127.0.0.1", "--port", str(port),
                                "--path", str(tmp_path / "chroma-server")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v2/heartbeat", process, seconds=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.slow
def test_ingest_and_ask_against_a_chroma_server(chroma_server: str, tmp_path: Path) -> None:
    settings = Settings(chroma_url=chroma_server, index_dir=tmp_path / "unused", corpus_dir=ROOT / "corpus")
    env_settings = settings.model_copy()
    result = subprocess.run([sys.executable, "-m", "chatbot.cli", "ingest"], capture_output=True, text=True, cwd=ROOT, timeout=600,
                            env={**os.environ, "CHATBOT_CHROMA_URL": chroma_server, "CHATBOT_INDEX_DIR": str(tmp_path / "unused")})
    assert result.returncode == 0 and "chunk(s) added" in result.stdout, result.stderr
    assert not (tmp_path / "unused").exists(), "the embedded store must not be used"
    result = subprocess.run([sys.executable, "-m", "chatbot.cli", "ask", "--json", "Who is Ahmed Kenani?"], capture_output=True,
                            text=True, cwd=ROOT, timeout=600,
                            env={**os.environ, "CHATBOT_CHROMA_URL": chroma_server, "CHATBOT_INDEX_DIR": str(tmp_path / "unused")})
    assert result.returncode == 0, result.stderr
    assert "lawmaker" in json.loads(result.stdout)["answer"].lower()
    assert Index(env_settings).manifest()


# --- many users, and login --------------------------------------------------------------------------

@pytest.fixture
def fast_server(openai_server: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """`chatbot serve` answering through the fast fake endpoint: load tests measure the server, not the model.
    (The same load on the embedded model is measured by `chatbot bench --load-sessions 20`.)"""
    with app_server({"CHATBOT_BACKEND": "openai", "CHATBOT_OPENAI_BASE_URL": openai_server, "CHATBOT_OPENAI_MODEL": "fake",
                     "CHATBOT_INDEX_DIR": str(tmp_path / "index"), "CHATBOT_CORPUS_DIR": str(ROOT / "corpus")}) as url:
        yield url


@pytest.mark.slow
def test_twenty_concurrent_sessions_five_questions_each(fast_server: str) -> None:
    from chatbot.load import run_sessions

    outcome = run_sessions(fast_server, sessions=20, questions=5)
    print(f"\nload: {outcome.summary()}")
    assert outcome.errors == [] and outcome.answered == 100
    assert outcome.own_subject == 100, "a session's answer was about another session's subject"


@pytest.mark.slow
def test_login_is_required_when_configured(tmp_path: Path) -> None:
    import httpx

    with app_server({"CHATBOT_AUTH": "reader:s3cret", "CHATBOT_INDEX_DIR": str(tmp_path / "index"),
                     "CHATBOT_CORPUS_DIR": str(ROOT / "corpus")}) as url:
        assert httpx.get(f"{url}config").status_code in (401, 403)
        bad = httpx.post(f"{url}login", data={"username": "reader", "password": "nope"})
        assert bad.status_code in (400, 401)
        from gradio_client import Client

        reply = Client(url, auth=("reader", "s3cret"), verbose=False).predict("Who is Ahmed Kenani?", [], api_name="/ask")
        assert "lawmaker" in reply["answer"].lower()


def test_server_binds_to_loopback_by_default() -> None:
    settings = Settings()
    assert settings.host == "127.0.0.1" and settings.share is False
